"""What the pages of ``kg serve`` and ``kg publish`` show, read from a store:
plain frozen records (an entity's description and its facts, a document's
metadata, facts and entities, search hits), and the triples of each
resource's data document.

Every query here is a fixed text; the entity, document or word a request
names is bound with ``substitutions=`` or a ``VALUES`` block, never pasted in.
"""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.query import DEFAULT_PREFIXES
from kg.rdf.iris import base_of_entity_graph, document_of
from kg.rdf.namespace import OWL, RDF, RDFS, SCHEMA, SKOS
from kg.rdf.terms import KG
from kg.store.base import Store

FACTS_PER_PAGE = 50  # facts an entity page shows at a time: a hub has thousands
MAX_DATA_TRIPLES = 20_000  # relation triples an entity's data document carries at most
SEARCH_LIMIT = 20

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = ("https://sws.geonames.org/", "http://sws.geonames.org/")


@dataclass(frozen=True)
class Link:
    """A resource to link to: its IRI and the text to show."""

    iri: str
    label: str
    is_entity: bool = False


@dataclass(frozen=True)
class Fact:
    """One statement, with where it was read."""

    statement: str
    relation: Link
    subject: Link
    object: Link
    sentence: str
    document: Link
    date: str | None
    confidence: float | None
    negated: bool
    asserted: bool
    surface: str = ""


@dataclass(frozen=True)
class FactGroup:
    direction: str
    relation: Link
    count: int


@dataclass(frozen=True)
class EntityView:
    iri: str
    label: str
    types: tuple[str, ...]
    aliases: tuple[str, ...]
    links_out: tuple[Link, ...]
    properties: tuple[tuple[str, Link], ...]  # job title, role of ...: (property name, value)
    groups: tuple[FactGroup, ...]
    facts: tuple[tuple[str, Fact], ...]  # (how it takes part, the fact): "out" as the subject,
                                         # "in" as the object, "as" the relation itself (a relation type's page)
    fact_count: int
    page: int
    pages: int
    documents: tuple[Link, ...]
    document_count: int
    neighbours: tuple[tuple[Link, int], ...]  # entities it has most facts or sentences with, and how many


@dataclass(frozen=True)
class DocumentView:
    iri: str
    identifier: str
    headline: str
    metadata: tuple[tuple[str, str], ...]
    facts: tuple[Fact, ...]
    entities: tuple[tuple[Link, int], ...]  # entity, mentions in this document
    sentences: tuple[tuple[str, str], ...]  # fragment id, text


@dataclass(frozen=True)
class Hit:
    """A search hit: an entity by label, or a sentence by its words."""

    link: Link
    kind: str
    text: str = ""
    document: Link | None = None
    date: str | None = None


@dataclass(frozen=True)
class Overview:
    """What the landing page shows of the dataset."""

    base: str | None
    documents: int
    entities: int
    facts: int
    top_entities: tuple[tuple[Link, int], ...]
    recent_documents: tuple[tuple[Link, str | None], ...]
    types: tuple[tuple[str, int], ...] = field(default=())


def dataset_base(store: Store) -> str | None:
    """The base IRI of the store's dataset (from its entity graph), or None for a
    store with none. With several datasets, the first (sorted by IRI)."""
    for graph in store.entity_graphs():
        base = base_of_entity_graph(graph.value)
        if base:
            return base
    return None


def _rows(store: Store, sparql: str, **values: ox.NamedNode | ox.Literal):
    """Answers to ``sparql`` with ``values`` bound by pyoxigraph's ``substitutions``
    (each bound variable is selected: Oxigraph binds it before evaluating, where
    a ``VALUES`` block joined afterwards made a hub's page take 20 s)."""
    return store.query(sparql, substitutions={ox.Variable(name): term for name, term in values.items()},
                       prefixes=DEFAULT_PREFIXES)


def _each(store: Store, sparql: str, name: str, terms):
    """:func:`_rows` for each of ``terms`` bound to ``name`` in turn."""
    for term in terms:
        yield from _rows(store, sparql, **{name: term})


def _text(term) -> str:
    return "" if term is None else term.value


def local_label(iri: str) -> str:
    """Text for an IRI with no label: its last segment."""
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    from urllib.parse import unquote

    return unquote(tail).replace("_", " ") or iri


_EXISTS = "SELECT ?e WHERE { GRAPH ?g { ?e ?p ?o } } LIMIT 1"
_IS_DOCUMENT = "SELECT ?e WHERE { GRAPH ?e { ?e a kg:Document } } LIMIT 1"


def exists(store: Store, iri: str) -> bool:
    """Whether the store says anything of ``iri`` (as a subject, in any graph)."""
    return any(True for _ in _rows(store, _EXISTS, e=ox.NamedNode(iri)))


def is_document(store: Store, iri: str) -> bool:
    return any(True for _ in _rows(store, _IS_DOCUMENT, e=ox.NamedNode(iri)))


# -- entities ---------------------------------------------------------------------------
_DESCRIPTION = "SELECT ?e ?g ?p ?o ?ol WHERE { GRAPH ?g { ?e ?p ?o OPTIONAL { ?o rdfs:label ?ol } } }"

# the statements an entity is the subject of, the object of, or (a relation type) the
# relation of, with what they are sorted by. Three queries, not one UNION: Oxigraph
# 0.5 evaluated the UNION's shared patterns first, over every statement (2.4 s for
# the United States in 1,000 BBC articles; 35 ms as three). No "?s a kg:Statement"
# either: only statements have rdf:subject, and the type pattern was evaluated first.
_FACTS_AS = {
    "out": """SELECT ?e ?s ?rel ?o ?date WHERE { ?s rdf:subject ?e ; rdf:predicate ?rel ; rdf:object ?o ;
               kg:document ?doc . OPTIONAL { ?doc schema:datePublished ?date } }""",
    "in": """SELECT ?e ?s ?rel ?o ?date WHERE { ?s rdf:object ?e ; rdf:predicate ?rel ; rdf:subject ?o ;
              kg:document ?doc . OPTIONAL { ?doc schema:datePublished ?date } }""",
    "as": """SELECT ?e ?s ?rel ?o ?date WHERE { ?s rdf:predicate ?e ; rdf:subject ?o ; kg:document ?doc .
              BIND(?e AS ?rel) OPTIONAL { ?doc schema:datePublished ?date } }""",
}

_FACT_DETAILS = """
SELECT ?s ?rel ?rl ?subj ?sl ?obj ?ol ?text ?doc ?title ?id ?date ?conf ?neg ?asserted ?surface WHERE {
  ?s rdf:predicate ?rel ; rdf:subject ?subj ; rdf:object ?obj ; kg:document ?doc .
  OPTIONAL { ?rel rdfs:label ?rl }
  OPTIONAL { ?subj rdfs:label ?sl }
  OPTIONAL { ?obj rdfs:label ?ol }
  OPTIONAL { ?s kg:sentence ?sent . ?sent nif:anchorOf ?text }
  OPTIONAL { ?doc schema:headline ?title }
  OPTIONAL { ?doc dcterms:identifier ?id }
  OPTIONAL { ?doc schema:datePublished ?date }
  OPTIONAL { ?s kg:confidence ?conf }
  OPTIONAL { ?s kg:negated ?neg }
  OPTIONAL { ?s kg:asserted ?asserted }
  OPTIONAL { ?s kg:surfaceText ?surface }
}"""

# counted per document first, then the metadata (joining it inside the GROUP BY
# took three times as long)
_ENTITY_DOCUMENTS = """
SELECT ?e ?doc ?n ?title ?id ?date WHERE {
  { SELECT ?e ?doc (COUNT(?m) AS ?n) WHERE { GRAPH ?doc { ?m kg:denotes ?e } } GROUP BY ?e ?doc }
  OPTIONAL { ?doc schema:headline ?title } OPTIONAL { ?doc dcterms:identifier ?id }
  OPTIONAL { ?doc schema:datePublished ?date }
}"""

_LABELS = "SELECT ?x ?l WHERE { ?x rdfs:label ?l }"

# entities named in the same sentence, for an entity named this often at most
# (the query took 0.5 s for the 1,121 mentions of the United States in 1,000 BBC
# articles; the facts alone place a hub's neighbours)
MAX_MENTIONS_FOR_CO_MENTIONS = 300
_CO_MENTIONS = """
SELECT ?e ?other (COUNT(DISTINCT ?sent) AS ?n) WHERE {
  ?m kg:denotes ?e ; kg:sentence ?sent . ?m2 kg:sentence ?sent ; kg:denotes ?other . FILTER(?other != ?e)
} GROUP BY ?e ?other"""

_SHOWN_PROPERTIES = {SCHEMA.jobTitle.value: "job title", KG.roleOf.value: "role of",
                     SCHEMA.location.value: "location"}


def entity_view(store: Store, iri: str, *, page: int = 1, per_page: int = FACTS_PER_PAGE) -> EntityView:
    """An entity's page: its one description (from the entity graph), its facts
    in both directions (a relation type's: the facts it is the relation of) grouped by relation (``page`` of them), the documents that
    mention it and the entities named most often beside it."""
    e = ox.NamedNode(iri)
    graph = _entity_graph_of(store, iri)
    label, types, aliases, links, props = _description(store, e, graph)
    rows = [(row["s"], direction, row["rel"], _text(row["date"]), row["o"])
            for direction, sparql in _FACTS_AS.items() for row in _rows(store, sparql, e=e)]
    rows = list({r[0]: r for r in rows}.values())  # a statement once (the union default graph)
    keys = [r[:4] for r in rows]
    rel_labels = _labels(store, {k[2] for k in keys})
    keys.sort(key=lambda k: (rel_labels.get(k[2].value, k[2].value), k[1] == "in", _neg_date(k[3]), k[0].value))
    counts = Counter((k[1], k[2].value) for k in keys)
    groups = tuple(FactGroup(d, Link(r, rel_labels.get(r, local_label(r))), n)
                   for (d, r), n in sorted(counts.items(), key=lambda x: (rel_labels.get(x[0][1], ""), x[0][0] == "in")))
    pages = max(1, -(-len(keys) // per_page))
    page = min(max(1, page), pages)
    chosen = keys[(page - 1) * per_page: page * per_page]
    details = _fact_details(store, [k[0] for k in chosen])
    facts = tuple((k[1], details[k[0].value]) for k in chosen if k[0].value in details)
    found = list(_rows(store, _ENTITY_DOCUMENTS, e=e))
    docs = sorted(((_neg_date(_text(row["date"])), row["doc"].value,
                    Link(row["doc"].value, _text(row["title"]) or _text(row["id"]) or local_label(row["doc"].value)))
                   for row in found), key=lambda d: d[:2])
    ends = Counter(r[4] for r in rows if isinstance(r[4], ox.NamedNode) and r[4] != e
                   and document_of(r[4].value) is None)
    if sum(int(row["n"].value) for row in found) <= MAX_MENTIONS_FOR_CO_MENTIONS:
        for row in _rows(store, _CO_MENTIONS, e=e):
            ends[row["other"]] += int(row["n"].value)
    neighbours = sorted(ends.items(), key=lambda x: (-x[1], x[0].value))[:12]
    names = _labels(store, {n for n, _ in neighbours})
    return EntityView(
        iri=iri, label=label, types=types, aliases=aliases, links_out=links, properties=props,
        groups=groups, facts=facts, fact_count=len(keys), page=page, pages=pages,
        documents=tuple(d[2] for d in docs[:100]), document_count=len(docs),
        neighbours=tuple((Link(n.value, names.get(n.value, local_label(n.value)), True), c) for n, c in neighbours),
    )


def _neg_date(date: str) -> str:
    """A sort key putting later dates first (and undated facts last)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in date) if date else "\U0010ffff"


def _entity_graph_of(store: Store, iri: str) -> ox.NamedNode:
    for graph in store.entity_graphs():
        if iri.startswith(graph.value):
            return graph
    graphs = store.entity_graphs()
    return graphs[0] if graphs else ox.NamedNode(iri)


def _description(store: Store, e: ox.NamedNode, graph: ox.NamedNode):
    label, types, aliases, links, props = "", [], [], [], []
    for row in _rows(store, _DESCRIPTION, e=e, g=graph):
        p, o = row["p"].value, row["o"]
        if p == SKOS.prefLabel.value or (p == RDFS.label.value and not label):
            label = o.value
        elif p == RDF.type.value and o.value != KG.Entity.value:
            types.append(local_label(o.value))
        elif p == SKOS.altLabel.value:
            aliases.append(o.value)
        elif p == OWL.sameAs.value:
            links.append(Link(o.value, _link_out_label(o.value)))
        elif p in _SHOWN_PROPERTIES:
            is_iri = isinstance(o, ox.NamedNode)
            text = _text(row["ol"]) or (local_label(o.value) if is_iri else o.value)
            props.append((_SHOWN_PROPERTIES[p], Link(o.value if is_iri else "", text, is_iri)))
    return (label or local_label(e.value), tuple(sorted(set(types))), tuple(sorted(set(aliases))),
            tuple(sorted(links, key=lambda link: link.iri)), tuple(props))


def _link_out_label(iri: str) -> str:
    if iri.startswith(WIKIDATA):
        return f"Wikidata {iri[len(WIKIDATA):]}"
    if iri.startswith(GEONAMES):
        return f"GeoNames {iri.rstrip('/').rsplit('/', 1)[-1]}"
    if "dbpedia.org/resource/" in iri:
        return "DBpedia " + local_label(iri)
    return iri


def _labels(store: Store, iris) -> dict[str, str]:
    iris = [i for i in iris if isinstance(i, ox.NamedNode)]
    if not iris:
        return {}
    out: dict[str, str] = {}
    for row in _each(store, _LABELS, "x", iris):
        out.setdefault(row["x"].value, row["l"].value)
    return out


def _fact_details(store: Store, statements: list[ox.NamedNode]) -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for row in _each(store, _FACT_DETAILS, "s", statements):
        s = row["s"].value
        if s in out:
            continue
        subj, obj = row["subj"], row["obj"]
        out[s] = Fact(
            statement=s,
            relation=Link(row["rel"].value, _text(row["rl"]) or local_label(row["rel"].value)),
            subject=_end(subj, row["sl"]),
            object=_end(obj, row["ol"]),
            sentence=_text(row["text"]),
            document=Link(row["doc"].value, _text(row["title"]) or _text(row["id"]) or local_label(row["doc"].value)),
            date=_text(row["date"])[:10] or None,
            confidence=float(row["conf"].value) if row["conf"] is not None else None,
            negated=_text(row["neg"]) == "true",
            asserted=_text(row["asserted"]) != "false",
            surface=_text(row["surface"]),
        )
    return out


def _end(term, label) -> Link:
    """A statement's subject or object: an entity links to its page; a phrase (a
    node of its document, ``doc#phrase-...``) or a literal is text."""
    if isinstance(term, ox.NamedNode) and document_of(term.value) is None:
        return Link(term.value, _text(label) or local_label(term.value), True)
    return Link("", _text(label) or (term.value if isinstance(term, ox.Literal) else local_label(term.value)))


# -- documents --------------------------------------------------------------------------
_DOCUMENT_META = "SELECT ?d ?p ?o WHERE { GRAPH ?d { ?d ?p ?o } }"
_DOCUMENT_FACTS = "SELECT ?d ?s WHERE { GRAPH ?d { ?s a kg:Statement ; nif:beginIndex ?b } } ORDER BY ?b ?s"
_DOCUMENT_ENTITIES = """
SELECT ?d ?e ?l (COUNT(?m) AS ?n) WHERE { GRAPH ?d { ?m kg:denotes ?e } OPTIONAL { ?e rdfs:label ?l } }
GROUP BY ?d ?e ?l ORDER BY DESC(?n) ?l"""
_DOCUMENT_SENTENCES = """
SELECT ?d ?sent ?text ?b WHERE { GRAPH ?d { ?sent a kg:Sentence ; nif:anchorOf ?text ; nif:beginIndex ?b } }
ORDER BY ?b"""
_META_NAMES = {SCHEMA.headline.value: "headline", SCHEMA.datePublished.value: "published",
               SCHEMA.author.value: "author", SCHEMA.publisher.value: "publisher", SCHEMA.url.value: "url",
               SCHEMA.copyrightNotice.value: "copyright", SCHEMA.wordCount.value: "words",
               "http://purl.org/dc/terms/identifier": "identifier", "http://purl.org/dc/terms/source": "source"}


def document_view(store: Store, iri: str) -> DocumentView:
    """A document's page: its metadata, every fact read from it (in reading
    order, with its sentence), the entities it mentions and its sentences."""
    d = ox.NamedNode(iri)
    meta: list[tuple[str, str]] = []
    headline = identifier = ""
    for row in _rows(store, _DOCUMENT_META, d=d):
        name = _META_NAMES.get(row["p"].value)
        if name is None:
            continue
        meta.append((name, row["o"].value))
        if name == "headline":
            headline = row["o"].value
        elif name == "identifier":
            identifier = row["o"].value
    statements = [row["s"] for row in _rows(store, _DOCUMENT_FACTS, d=d)]
    details = _fact_details(store, statements)
    facts = tuple(x for s in statements if (x := details.get(s.value)))
    entities = tuple((Link(row["e"].value, _text(row["l"]) or local_label(row["e"].value), True), int(row["n"].value))
                     for row in _rows(store, _DOCUMENT_ENTITIES, d=d))
    sentences = tuple((row["sent"].value.rsplit("#", 1)[-1], row["text"].value)
                      for row in _rows(store, _DOCUMENT_SENTENCES, d=d))
    return DocumentView(iri, identifier, headline or identifier or local_label(iri), tuple(sorted(meta)),
                        facts, entities, sentences)


# -- search -----------------------------------------------------------------------------
# Search reads every label (or sentence) once into memory, per query worker, and
# scans it in Python: a CONTAINS filter in SPARQL took 1.0 s over the 7,278
# labels of 1,000 BBC articles and 3.0 s over their 16,293 sentences; the
# lists take 2-3 MB there. A store past MAX_INDEXED sentences is searched in SPARQL.
MAX_INDEXED = 300_000
_ALL_LABELS = """
SELECT ?e ?l ?t WHERE { GRAPH ?g { ?e a kg:Entity ; rdfs:label ?l . OPTIONAL { ?e a ?t FILTER(?t != kg:Entity) } } }"""
_ALL_ALIASES = "SELECT ?e ?alias WHERE { GRAPH ?g { ?e a kg:Entity ; skos:altLabel ?alias } }"
_ALL_SENTENCES = f"SELECT ?sent ?text ?doc WHERE {{ ?sent a kg:Sentence ; nif:anchorOf ?text ; kg:document ?doc }} LIMIT {MAX_INDEXED + 1}"
_DOCUMENT_CARD = """
SELECT ?d ?title ?id ?date WHERE { GRAPH ?d { ?d a kg:Document OPTIONAL { ?d schema:headline ?title }
  OPTIONAL { ?d dcterms:identifier ?id } OPTIONAL { ?d schema:datePublished ?date } } }"""
_SEARCH_SENTENCES = """
SELECT ?q ?sent ?text ?doc WHERE {
  ?sent a kg:Sentence ; nif:anchorOf ?text ; kg:document ?doc .
  FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?q))))
} LIMIT 200"""


@dataclass(frozen=True)
class _Named:
    iri: str
    label: str
    kind: str
    names: tuple[str, ...]  # the label and aliases, lower-cased


@functools.lru_cache(maxsize=2)
def _label_index(store: Store) -> tuple[_Named, ...]:
    labels: dict[str, tuple[str, str]] = {}
    for row in _rows(store, _ALL_LABELS):
        iri, kind = row["e"].value, local_label(row["t"].value) if row["t"] is not None else ""
        label, known = labels.get(iri, (row["l"].value, ""))
        labels[iri] = (label, known or kind)
    aliases: dict[str, list[str]] = {}
    for row in _rows(store, _ALL_ALIASES):
        aliases.setdefault(row["e"].value, []).append(row["alias"].value.lower())
    return tuple(_Named(iri, label, kind or "Entity", (label.lower(), *aliases.get(iri, ())))
                 for iri, (label, kind) in sorted(labels.items()))


@functools.lru_cache(maxsize=2)
def _sentence_index(store: Store) -> tuple[tuple[str, str, str, str], ...] | None:
    """(lower-cased text, text, sentence IRI, document IRI) of every sentence, or
    None past :data:`MAX_INDEXED`."""
    rows = [(row["text"].value.lower(), row["text"].value, row["sent"].value, row["doc"].value)
            for row in _rows(store, _ALL_SENTENCES)]
    return None if len(rows) > MAX_INDEXED else tuple(rows)


@functools.lru_cache(maxsize=2)
def _document_cards(store: Store) -> dict[str, tuple[Link, str | None]]:
    return {row["d"].value: (Link(row["d"].value, _text(row["title"]) or _text(row["id"]) or local_label(row["d"].value)),
                             _text(row["date"])[:10] or None) for row in _rows(store, _DOCUMENT_CARD)}


def warm(store: Store) -> None:
    """Read what search and the landing page keep in memory, ahead of the first
    request that needs it (a query worker does, in a thread, once it is ready)."""
    _label_index(store)
    _sentence_index(store)
    _document_cards(store)


def search_labels(store: Store, text: str, *, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Entities whose label or an alias contains ``text`` (case-insensitive):
    those whose label starts with it first, then the shorter labels."""
    low = text.strip().lower()
    if not low:
        return []
    found = [n for n in _label_index(store) if any(low in name for name in n.names)]
    # an exact name first, then those it starts, then the shorter
    found.sort(key=lambda n: (low not in n.names, not n.names[0].startswith(low), len(n.label), n.label, n.iri))
    return [Hit(Link(n.iri, n.label, True), n.kind) for n in found[:limit]]


def search_sentences(store: Store, text: str, *, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Sentences containing ``text`` (case-insensitive), latest documents first."""
    low = text.strip().lower()
    if not low:
        return []
    index = _sentence_index(store)
    if index is None:
        found = [(row["sent"].value, row["text"].value, row["doc"].value)
                 for row in _rows(store, _SEARCH_SENTENCES, q=ox.Literal(text.strip()))]
    else:
        found = [(sent, original, doc) for lowered, original, sent, doc in index if low in lowered]
    cards = _document_cards(store)
    hits = []
    for sent, original, doc in found:
        link, date = cards.get(doc, (Link(doc, local_label(doc)), None))
        hits.append(Hit(Link(sent, "sentence"), "sentence", original, link, date))
    hits.sort(key=lambda h: (_neg_date(h.date or ""), h.link.iri))
    return hits[:limit]


# -- the landing page ---------------------------------------------------------------------
_COUNTS = """
SELECT (COUNT(DISTINCT ?d) AS ?docs) WHERE { GRAPH ?d { ?d a kg:Document } }"""
_ENTITY_COUNT = "SELECT ?g (COUNT(?e) AS ?n) WHERE { GRAPH ?g { ?e a kg:Entity } } GROUP BY ?g"
_FACT_COUNT = "SELECT (COUNT(?s) AS ?n) WHERE { GRAPH ?d { ?s a kg:Statement } }"
_TOP = """
SELECT ?e ?l (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?m kg:denotes ?e } OPTIONAL { ?e rdfs:label ?l } }
GROUP BY ?e ?l ORDER BY DESC(?n) ?l LIMIT 24"""
_RECENT = """
SELECT ?d ?title ?id ?date WHERE { GRAPH ?d { ?d a kg:Document OPTIONAL { ?d schema:headline ?title }
  OPTIONAL { ?d dcterms:identifier ?id } OPTIONAL { ?d schema:datePublished ?date } } }
ORDER BY DESC(STR(?date)) ?d LIMIT 12"""
_TYPES = """
SELECT ?g ?t (COUNT(?e) AS ?n) WHERE { GRAPH ?g { ?e a kg:Entity , ?t FILTER(?t != kg:Entity) } }
GROUP BY ?g ?t ORDER BY DESC(?n) ?t"""


def overview(store: Store) -> Overview:
    base = dataset_base(store)
    graphs = store.entity_graphs()
    g = graphs[0] if graphs else ox.NamedNode("urn:kg:none")
    docs = int(next(iter(_rows(store, _COUNTS)))["docs"].value)
    counted = next(iter(_rows(store, _ENTITY_COUNT, g=g)), None)
    entities = int(counted["n"].value) if counted is not None else 0
    facts = int(next(iter(_rows(store, _FACT_COUNT)))["n"].value)
    top = tuple((Link(r["e"].value, _text(r["l"]) or local_label(r["e"].value), True), int(r["n"].value))
                for r in _rows(store, _TOP))
    recent = tuple((Link(r["d"].value, _text(r["title"]) or _text(r["id"]) or local_label(r["d"].value)),
                    _text(r["date"])[:10] or None) for r in _rows(store, _RECENT))
    types = tuple((local_label(r["t"].value), int(r["n"].value)) for r in _rows(store, _TYPES, g=g))
    return Overview(base, docs, entities, facts, top, recent, types)


# -- data documents -----------------------------------------------------------------------
# the relation triples of an entity: two lookups, filtered by the relation types
# (joining "?p a kg:RelationType" made Oxigraph start from every relation type)
_OUT = "SELECT ?e ?p ?o WHERE { ?e ?p ?o }"
_IN = "SELECT ?e ?s ?p WHERE { ?s ?p ?e }"
_RELATION_TYPES = "SELECT ?p WHERE { GRAPH ?g { ?p a kg:RelationType } }"


@functools.lru_cache(maxsize=4)
def _relation_types(store: Store) -> frozenset[str]:
    return frozenset(row["p"].value for row in _rows(store, _RELATION_TYPES))


def resource_triples(store: Store, iri: str) -> tuple[list[ox.Triple], bool]:
    """The triples of ``iri``'s data document, and whether they were cut at
    :data:`MAX_DATA_TRIPLES`: a document's whole graph; an entity's (or relation
    type's) description from the entity graph, with the relations it takes
    part in and the labels of the entities at their other ends."""
    node = ox.NamedNode(iri)
    if is_document(store, iri):
        return [q.triple for q in store.quads(node)], False
    graph = _entity_graph_of(store, iri)
    triples = [ox.Triple(node, row["p"], row["o"]) for row in _rows(store, _DESCRIPTION, e=node, g=graph)]
    kinds = _relation_types(store)
    relations = list(dict.fromkeys(
        [ox.Triple(node, row["p"], row["o"]) for row in _rows(store, _OUT, e=node) if row["p"].value in kinds]
        + [ox.Triple(row["s"], row["p"], node) for row in _rows(store, _IN, e=node) if row["p"].value in kinds]))
    cut = len(relations) > MAX_DATA_TRIPLES
    relations = relations[:MAX_DATA_TRIPLES]
    ends = {t.subject for t in relations} | {t.object for t in relations}
    ends.discard(node)
    labels = _labels(store, ends)
    triples += relations
    triples += [ox.Triple(ox.NamedNode(i), RDFS.label, ox.Literal(label, language="en"))
                for i, label in sorted(labels.items())]
    return list(dict.fromkeys(triples)), cut
