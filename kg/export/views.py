"""Views of the store as networkx graphs, for the graph formats and the page.

Four views, each read from the store with a few SPARQL queries whose rows are
streamed into networkx (no answer is held whole):

- ``entities``: who does what to whom. Nodes are entities (and the phrases at
  the ends of relations) with ``label``, ``type``, ``mentions``, ``documents``,
  ``first``/``last`` (the earliest and latest publication date of a document
  that mentions them) and ``wikidata``; edges are relations (key: the
  predicate IRI) with ``label``, ``weight`` (statements), ``first``/``last``,
  and the ``sentence``, ``document`` and ``url`` of the best statement.
- ``comentions``: entities named in the same sentence; one undirected edge a
  pair, ``weight`` = the sentences they share, with a sample sentence.
- ``events``: entity-event bipartite (events some entity takes part in). Event nodes carry their CAMEO ``cameo``
  code and ``cameo_label``, ``date`` and sentence; edges are the entity's
  ``role`` (participant, about, location).
- ``documents``: document-entity bipartite; document nodes carry the title,
  ``date`` and ``url``; an edge's ``weight`` is the entity's mentions there.

Every attribute is a string, a number or a bool and absent when unknown, so
every format declares a type for it. Dates are ISO ``YYYY-MM-DD`` strings.

:func:`filter_view` narrows any view: by entity type, edge weight, dates, the
neighbourhood of one entity, or the N most mentioned entities.

>>> from kg.store import GraphStore
>>> build_view(GraphStore(None), "comentions").number_of_nodes()
0
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from math import isfinite
from typing import TYPE_CHECKING, Iterable, Iterator

import pyoxigraph as ox

from kg.errors import InputError
from kg.export.documents import resolve_graph
from kg.export.network import display_text, local_name
from kg.query import execute
from kg.query.results import answer_rows
from kg.store.base import Store

if TYPE_CHECKING:
    import networkx as nx

VIEWS = ("entities", "comentions", "events", "documents")
WIKIDATA = "http://www.wikidata.org/entity/"

# Each text serves the whole store (?g free) and one document (?g bound by
# substitution, which needs ?g in the projection).
_DOCUMENTS = """
SELECT ?g ?id ?date ?url ?title WHERE {
  GRAPH ?g { ?g a kg:Document }
  OPTIONAL { GRAPH ?g { ?g dcterms:identifier ?id } }
  OPTIONAL { GRAPH ?g { ?g schema:datePublished ?date } }
  OPTIONAL { GRAPH ?g { ?g schema:url ?url } }
  OPTIONAL { GRAPH ?g { ?g schema:headline ?title } }
}"""
# which documents mention each entity; and the one description of each (its
# type and label), read once from the entity graph, not once a document (one
# pattern a query: Oxigraph costs about 20 us a row for each pattern joined
# inside GRAPH ?g, so the joins are made here, in dicts)
_MENTIONED = """
SELECT ?g ?entity WHERE {
  GRAPH ?g { ?entity kg:mentionedIn ?g }
}"""
_DESCRIBED = """
SELECT ?entity ?type ?label WHERE {
  GRAPH ?eg {
    ?eg a kg:EntityGraph . ?entity a kg:Entity .
    OPTIONAL { ?entity a ?type FILTER(STRSTARTS(STR(?type), STR(schema:))) }
    OPTIONAL { ?entity rdfs:label ?label }
  }
}"""
_LINKS = """
SELECT ?entity ?link WHERE {
  ?graph a kg:EntityGraph .
  GRAPH ?graph { ?entity owl:sameAs ?link FILTER(STRSTARTS(STR(?link), "http://www.wikidata.org/entity/")) }
}"""
# phrases: subjects or objects of facts that name no entity ("visa abuse")
_PHRASES = """
SELECT ?g ?entity ?label WHERE {
  GRAPH ?g { ?entity a kg:Phrase ; rdfs:label ?label }
}"""
_MENTIONS = """
SELECT ?g ?entity WHERE {
  GRAPH ?g { ?mention kg:denotes ?entity }
}"""
_MENTIONS_IN_SENTENCES = """
SELECT ?g ?entity ?sentence WHERE {
  GRAPH ?g { ?mention kg:denotes ?entity ; kg:sentence ?sentence }
}"""
_SENTENCES = """
SELECT ?g ?sentence ?text WHERE {
  GRAPH ?g { ?sentence a kg:Sentence ; nif:anchorOf ?text }
}"""
# OPTIONALs come after the patterns every row needs, and outside GRAPH ?g:
# inside one GRAPH ?g block, Oxigraph 0.5 took 164 s instead of 0.6 s to read
# the relations of 400 BBC stories.
_RELATIONS = """
SELECT ?g ?subject ?predicate ?object ?label ?statement ?confidence ?sentence ?surface WHERE {
  ?predicate a kg:RelationType .
  GRAPH ?g { ?subject ?predicate ?object }
  OPTIONAL { ?predicate rdfs:label ?label }
  OPTIONAL {
    GRAPH ?g {
      ?statement a kg:Statement ; rdf:subject ?subject ; rdf:predicate ?predicate ;
                 rdf:object ?object ; kg:asserted true .
      OPTIONAL { ?statement kg:confidence ?confidence }
      OPTIONAL { ?statement kg:sentence ?sent . ?sent nif:anchorOf ?sentence }
      OPTIONAL { ?statement kg:surfaceText ?surface }
    }
  }
}"""
_EVENTS = """
SELECT ?g ?event ?label ?code ?cameo ?sentence ?confidence WHERE {
  GRAPH ?g { ?event a kg:Event ; rdfs:label ?label }
  OPTIONAL { GRAPH ?g { ?event kg:cameoCode ?code } }
  OPTIONAL { GRAPH ?g { ?event kg:cameoLabel ?cameo } }
  OPTIONAL { GRAPH ?g { ?event kg:sentence ?s . ?s nif:anchorOf ?sentence } }
  OPTIONAL { GRAPH ?g { ?event kg:confidence ?confidence } }
}"""
_ROLES = """
SELECT ?g ?event ?role ?entity WHERE {
  VALUES ?role { schema:participant schema:about schema:location }
  GRAPH ?g { ?event a kg:Event ; ?role ?entity }
}"""


def _rows(store: Store, sparql: str, scope: ox.NamedNode | None) -> Iterator[tuple]:
    """The rows of a query, as tuples of terms (None where unbound), one at a time."""
    _variables, rows, _boolean = answer_rows(execute(store, sparql, {"g": scope} if scope is not None else None))
    return rows


def build_view(store: Store, view: str = "entities", *, graph: str | ox.NamedNode | None = None) -> nx.MultiDiGraph:
    """The view ``view`` of the whole store, or of one document (id or graph IRI)."""
    if view not in VIEWS:
        raise InputError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    scope = resolve_graph(store, graph)
    reader = _Reader(store, scope)
    G = {"entities": reader.entities, "comentions": reader.comentions, "events": reader.events,
         "documents": reader.documents}[view]()
    G.graph["view"] = view
    G.graph["documents"] = len(reader.docs)
    if scope is not None:
        G.graph["document"] = scope.value
    return G


def entity_graph(store: Store, *, graph: str | ox.NamedNode | None = None) -> nx.MultiDiGraph:
    """The ``entities`` view of the whole store, or of one document (id or graph IRI)."""
    return build_view(store, "entities", graph=graph)


@dataclass
class _Document:
    id: str
    date: str | None
    url: str | None
    title: str | None


class _Reader:
    """What the views share: the documents, and each entity's description."""

    def __init__(self, store: Store, scope: ox.NamedNode | None) -> None:
        self.store, self.scope = store, scope
        self.docs: dict[str, _Document] = {}
        for g, id_, date, url, title in _rows(store, _DOCUMENTS, scope):
            self.docs[g.value] = _Document(display_text(id_.value) if id_ is not None else g.value,
                                           _day(date), url.value if url is not None else None,
                                           display_text(title.value) if title is not None else None)

    # -- the entities and their descriptions ----------------------------------------
    def described(self, *, phrases: bool, sentences: bool = False) -> dict[str, dict]:
        """Entity IRI -> node attributes, for every entity a document mentions;
        with ``sentences``, :attr:`sentences_of` each entity's (graph, sentence) too."""
        types: dict[str, str] = {}
        labels: dict[str, set[ox.Literal]] = defaultdict(set)
        documents: dict[str, set[str]] = defaultdict(set)
        for g, entity in _rows(self.store, _MENTIONED, self.scope):
            documents[entity.value].add(g.value)
        for entity, kind, label in _rows(self.store, _DESCRIBED, None):
            if entity.value not in documents:
                continue
            if kind is not None:
                types[entity.value] = local_name(kind.value)
            if label is not None:
                labels[entity.value].add(label)
        if phrases:
            for g, phrase, label in _rows(self.store, _PHRASES, self.scope):
                documents[phrase.value].add(g.value)
                types[phrase.value] = "Phrase"
                labels[phrase.value].add(label)
        mentions: Counter = Counter()
        self.sentences_of: dict[str, list[tuple[str, str]]] = defaultdict(list)  # entity -> (graph, sentence)
        self.mentions_in: Counter = Counter()  # (graph, entity) -> mentions
        if sentences:
            for g, entity, sentence in _rows(self.store, _MENTIONS_IN_SENTENCES, self.scope):
                self.sentences_of[entity.value].append((g.value, sentence.value))
                self.mentions_in[(g.value, entity.value)] += 1
        else:
            for g, entity in _rows(self.store, _MENTIONS, self.scope):
                self.mentions_in[(g.value, entity.value)] += 1
        for (_g, entity), n in self.mentions_in.items():
            mentions[entity] += n
        links: dict[str, str] = {}
        for entity, link in _rows(self.store, _LINKS, None):
            if entity.value in documents:
                links[entity.value] = min(links.get(entity.value, link.value), link.value)
        nodes = {}
        for iri in documents:
            attrs: dict[str, object] = {"label": _preferred(labels[iri]) or display_text(local_name(iri)),
                                        "type": types.get(iri, "Thing"), "mentions": mentions[iri],
                                        "documents": len(documents[iri])}
            attrs.update(self.span(documents[iri]))
            if iri in links:
                attrs["wikidata"] = links[iri]
            nodes[iri] = attrs
        return nodes

    def span(self, graphs: Iterable[str]) -> dict[str, str]:
        """``first`` and ``last``: the earliest and latest date of these documents."""
        dates = sorted(d for g in graphs if (d := self.docs[g].date if g in self.docs else None))
        return {"first": dates[0], "last": dates[-1]} if dates else {}

    def cite(self, graph: str) -> dict[str, str]:
        doc = self.docs.get(graph)
        if doc is None:
            return {"document": graph}
        return {"document": doc.id, **({"url": doc.url} if doc.url else {})}

    # -- the views -------------------------------------------------------------------
    def entities(self) -> nx.MultiDiGraph:
        import networkx as nx

        nodes = self.described(phrases=True)
        edges: dict[tuple[str, str, str], _Evidence] = {}
        for g, s, p, o, label, statement, confidence, sentence, surface in _rows(self.store, _RELATIONS, self.scope):
            evidence = edges.setdefault((s.value, o.value, p.value), _Evidence())
            evidence.graphs.add(g.value)
            if label is not None:
                evidence.label = display_text(label.value)
            if statement is not None:
                evidence.add(statement.value, _float(confidence), sentence, surface, g.value)
        ends = {e for s, o, _ in edges for e in (s, o)}
        G = nx.MultiDiGraph(name="kg entity graph")
        for iri in sorted(nodes.keys() | ends):
            attrs = nodes.get(iri) or {"label": display_text(local_name(iri)), "type": "Thing", "mentions": 0,
                                       "documents": 0}
            if attrs["type"] == "Phrase" and iri not in ends:
                continue  # a phrase is drawn only as the end of a relation, never on its own
            G.add_node(iri, **attrs)
        for (s, o, p), evidence in sorted(edges.items()):
            G.add_edge(s, o, key=p, predicate=p, **evidence.attributes(p, self))
        return G

    def comentions(self) -> nx.MultiGraph:
        import networkx as nx

        nodes = self.described(phrases=False, sentences=True)
        in_sentence: dict[tuple[str, str], set[str]] = defaultdict(set)
        for entity, places in self.sentences_of.items():
            for g, sentence in places:
                in_sentence[(g, sentence)].add(entity)
        pairs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for place, entities in in_sentence.items():
            for a, b in itertools.combinations(sorted(entities), 2):
                pairs[(a, b)].append(place)
        wanted = {min(places) for places in pairs.values()}
        texts = {(g.value, s.value): display_text(t.value) for g, s, t in _rows(self.store, _SENTENCES, self.scope)
                 if (g.value, s.value) in wanted}
        G = nx.MultiGraph(name="kg co-mentions")
        for iri in sorted(nodes):
            G.add_node(iri, **nodes[iri])
        for (a, b), places in sorted(pairs.items()):
            sample = min(places)
            attrs: dict[str, object] = {"label": "mentioned with", "weight": len(places),
                                        "documents": len({g for g, _ in places})}
            attrs.update(self.span(g for g, _ in places))
            if sample in texts:
                attrs["sentence"] = texts[sample]
            attrs.update(self.cite(sample[0]))
            G.add_edge(a, b, key="comention", **attrs)
        return G

    def events(self) -> nx.MultiDiGraph:
        import networkx as nx

        nodes = self.described(phrases=False)
        events: dict[str, dict[str, object]] = {}
        for g, event, label, code, cameo, sentence, confidence in _rows(self.store, _EVENTS, self.scope):
            attrs = events.setdefault(event.value, {"label": display_text(label.value), "type": "Event",
                                                    **self.cite(g.value)})
            date = self.docs[g.value].date if g.value in self.docs else None
            if date:
                attrs["first"] = attrs["last"] = attrs["date"] = date
            if code is not None:
                attrs["cameo"] = code.value
            if cameo is not None:
                attrs["cameo_label"] = display_text(cameo.value)
            if sentence is not None:
                attrs["sentence"] = display_text(sentence.value)
            if (value := _float(confidence)) is not None:
                attrs["confidence"] = value
        G = nx.MultiDiGraph(name="kg events")
        roles = sorted({(entity.value, event.value, local_name(role.value))
                        for _g, event, role, entity in _rows(self.store, _ROLES, self.scope)
                        if event.value in events and entity.value in nodes})
        for iri in sorted({e for e, _, _ in roles}):
            G.add_node(iri, **nodes[iri])
        for iri in sorted({e for _, e, _ in roles}):  # an event no entity takes part in is not in this view
            G.add_node(iri, **events[iri])
        for entity, event, role in roles:
            attrs = {"label": role, "role": role, "weight": 1, **self.cite_event(events[event])}
            G.add_edge(entity, event, key=role, **attrs)
        return G

    @staticmethod
    def cite_event(event: dict[str, object]) -> dict[str, object]:
        return {k: event[k] for k in ("first", "last", "document", "url", "sentence") if k in event}

    def documents(self) -> nx.MultiDiGraph:
        import networkx as nx

        nodes = self.described(phrases=False)
        counts = self.mentions_in
        G = nx.MultiDiGraph(name="kg documents")
        for g in sorted(self.docs):
            doc = self.docs[g]
            attrs: dict[str, object] = {"label": doc.title or doc.id, "type": "Document", "document": doc.id}
            if doc.date:
                attrs.update(first=doc.date, last=doc.date, date=doc.date)
            if doc.url:
                attrs["url"] = doc.url
            G.add_node(g, **attrs)
        for iri in sorted({e for _, e in counts}):
            G.add_node(iri, **nodes[iri])
        for (g, entity), n in sorted(counts.items()):
            if g in self.docs:
                G.add_edge(g, entity, key="mentions", label="mentions", weight=n, **self.span([g]))
        return G


class _Evidence:
    """The statements supporting one relation edge, and the best of them."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.graphs: set[str] = set()
        self.statements: set[str] = set()
        self.best: tuple | None = None

    def add(self, statement: str, confidence: float | None, sentence, surface, graph: str) -> None:
        self.statements.add(statement)
        rank = (-(confidence if confidence is not None else -1.0), graph, statement)
        if self.best is None or rank < self.best[0]:
            self.best = (rank, confidence, sentence, surface, graph)

    def attributes(self, predicate: str, reader: _Reader) -> dict[str, object]:
        attrs: dict[str, object] = {"label": self.label or display_text(local_name(predicate)).replace("_", " "),
                                    "statements": len(self.statements), "weight": max(1, len(self.statements))}
        attrs.update(reader.span(self.graphs))
        if self.best is not None:
            _, confidence, sentence, surface, graph = self.best
            if confidence is not None:
                attrs["confidence"] = confidence
            if sentence is not None:
                attrs["sentence"] = display_text(sentence.value)
            if surface is not None:
                attrs["surface"] = display_text(surface.value)
            attrs.update(reader.cite(graph))
        else:
            attrs.update(reader.cite(min(self.graphs)))
        return attrs


# -- filters --------------------------------------------------------------------------

def filter_view(G: nx.MultiDiGraph, *, types: Iterable[str] | None = None, min_weight: float | None = None,
                since: str | None = None, until: str | None = None, around: str | None = None,
                depth: int = 1, top: int | None = None) -> nx.MultiDiGraph:
    """A copy of the view ``G`` narrowed by each filter given, in this order:

    - ``types``: entities of these types only (``Person``, ``Country`` ...;
      the events and documents of the bipartite views stay);
    - ``min_weight``: edges of at least this weight;
    - ``since``/``until`` (ISO dates): nodes and edges seen in that window
      (their ``first``..``last`` overlaps it); what has no date is left out;
    - ``around`` (an entity IRI or label) and ``depth``: that entity and what
      lies within ``depth`` edges of it, either way;
    - ``top``: the ``top`` most mentioned entities (and the events and documents
      between them).

    A node that loses all its edges to a filter goes with them; one that had
    none (an entity no relation names) stays unless a node filter drops it.
    """
    H = G.copy()
    had_edges = {n for n in H if H.degree(n)}
    centre = None
    own = {"Event", "Document"}
    if types is not None:
        keep = {t.strip().lower() for t in types if t.strip()}
        H.remove_nodes_from([n for n, t in H.nodes(data="type") if t not in own and str(t).lower() not in keep])
    if min_weight is not None:
        H.remove_edges_from([(u, v, k) for u, v, k, w in H.edges(keys=True, data="weight", default=1)
                             if w < min_weight])
    if since is not None or until is not None:
        lo, hi = _iso(since, "since") or "0000", _iso(until, "until") or "9999"

        def seen(data) -> bool:
            return bool(data.get("first")) and data["first"] <= hi and data.get("last", data["first"]) >= lo

        H.remove_nodes_from([n for n, data in H.nodes(data=True) if not seen(data)])
        H.remove_edges_from([(u, v, k) for u, v, k, data in H.edges(keys=True, data=True) if not seen(data)])
    if around is not None:
        centre = _find(H, G, around)
        import networkx as nx

        near = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), centre, cutoff=max(0, depth))
        H.remove_nodes_from([n for n in list(H) if n not in near])
    if top is not None:
        ranked = sorted((n for n, t in H.nodes(data="type") if t not in own),
                        key=lambda n: (-H.nodes[n].get("mentions", 0), -H.degree(n), n))
        chosen = set(ranked[:max(0, top)])
        H.remove_nodes_from([n for n, t in list(H.nodes(data="type")) if t not in own and n not in chosen])
        H.remove_nodes_from([n for n, t in list(H.nodes(data="type")) if t in own and not H.degree(n)])
    H.remove_nodes_from([n for n in list(H) if n in had_edges and not H.degree(n) and n != centre])
    return H


def _iso(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    day = _day_of(value)
    if day is None:
        raise InputError(f"--{name} {value!r} is not a date: give it as YYYY-MM-DD")
    return day


def _find(H: nx.MultiDiGraph, G: nx.MultiDiGraph, name: str) -> str:
    """The node an ``--around`` value names: its IRI, or its label (any case)."""
    if name in H:
        return name
    wanted = " ".join(name.split()).casefold()
    found = sorted((-data.get("mentions", 0), n) for n, data in H.nodes(data=True)
                   if str(data.get("label", "")).casefold() == wanted)
    if found:
        return found[0][1]
    where = "after the other filters" if name in G or any(
        str(d.get("label", "")).casefold() == wanted for _, d in G.nodes(data=True)) else "in this view"
    raise InputError(f"--around {name!r}: no entity of that IRI or label {where}; "
                     "`kg query entities-by-type` lists the entities")


# -- text -------------------------------------------------------------------------

def _day(term) -> str | None:
    # a date kg could not read is kept in the store as text, not drawn on a timeline
    return _day_of(term.value) if term is not None else None


def _day_of(text: str) -> str | None:
    """The day (``YYYY-MM-DD``) a date or date-time starts with, or None."""
    from datetime import date

    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None


def _preferred(labels: set[ox.Literal]) -> str:
    # a description has one label per language: English first, then the others
    # by language tag, so the result never depends on store order
    if not labels:
        return ""
    return display_text(min(labels, key=lambda lit: (lit.language != "en", lit.language or "", lit.value)).value)


def _float(term) -> float | None:
    try:
        value = float(term.value) if term is not None else None
    except ValueError:
        return None
    return value if value is not None and isfinite(value) else None  # NaN is not JSON
