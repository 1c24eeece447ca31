"""The entity graph: who does what to whom, as a networkx ``MultiDiGraph``.

Nodes are entities (id = entity IRI) with ``label``, ``type`` (schema.org
class name), ``mentions`` and ``documents``; the label and type are the
entity's one description, read from the store's entity graph (``{base}entity/``),
also when one document is drawn. Edges are the asserted relation
triples (key = predicate IRI) with the ``label`` of the relation, how many
``statements`` support it (also its ``weight``), the best ``confidence`` and
the ``sentence``, ``surface`` phrase and ``document`` id of the best statement.
Every attribute is a string or a number, so the graph writes as GraphML/GEXF
as it is, and opens in Gephi or yEd.

>>> from kg.store import GraphStore
>>> entity_graph(GraphStore(None)).number_of_nodes()
0
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from math import isfinite
from typing import TYPE_CHECKING, Iterator

import pyoxigraph as ox

from kg.export.documents import resolve_graph
from kg.output import Target, open_output
from kg.query import run
from kg.store.base import Store

if TYPE_CHECKING:
    import networkx as nx

# One text serves the whole store (?g free) and one document (?g bound by
# substitution, which needs ?g in the projection): what a document says is read
# inside GRAPH ?g, the one description of each entity and relation type (its
# label and type, in the entity graph) from the union. OPTIONALs come after the
# patterns every row needs, and outside GRAPH ?g: with the statement's OPTIONALs
# inside one GRAPH ?g block, Oxigraph 0.5 took 164 s instead of 0.6 s to read
# the relations of 400 BBC stories.
_ENTITIES = """
SELECT ?g ?entity ?type ?label WHERE {
  GRAPH ?g { ?entity kg:mentionedIn ?g }
  OPTIONAL { ?entity a ?type FILTER(STRSTARTS(STR(?type), STR(schema:))) }
  OPTIONAL { ?entity rdfs:label ?label }
}"""
# Phrases: subjects or objects of facts that name no entity ("visa abuse"),
# labelled in their document's graph.
_PHRASES = """
SELECT ?g ?entity ?label WHERE {
  GRAPH ?g { ?entity a kg:Phrase ; rdfs:label ?label }
}"""
_MENTIONS = """
SELECT ?g ?entity (COUNT(?mention) AS ?mentions) WHERE {
  GRAPH ?g { ?mention kg:denotes ?entity }
} GROUP BY ?g ?entity"""
_RELATIONS = """
SELECT ?g ?subject ?predicate ?object ?label ?statement ?confidence ?sentence ?surface ?doc_id WHERE {
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
  OPTIONAL { GRAPH ?g { ?g dcterms:identifier ?doc_id } }
}"""

# Colour-blind-safe where it matters (Okabe-Ito for the common types).
TYPE_COLOURS = {
    "Person": "#e69f00",
    "Organization": "#0072b2",
    "GovernmentOrganization": "#56b4e9",
    "Country": "#009e73",
    "City": "#882255",
    "Place": "#66a61e",
    "Event": "#cc79a7",
    "Product": "#d55e00",
    "CreativeWork": "#9467bd",
    "Legislation": "#8c564b",
    "Language": "#bcbd22",
    "Thing": "#7f7f7f",
    "Phrase": "#bbbbbb",
}
OTHER_COLOUR = "#a0a0a0"

# XML 1.0 cannot carry these at all; display text replaces them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def type_colour(schema_type: str) -> str:
    """The display colour (``#rrggbb``) of an entity type."""
    return TYPE_COLOURS.get(schema_type, OTHER_COLOUR)


def display_text(text: object) -> str:
    """Text as shown in a graph tool: one line, no characters XML forbids.

    >>> display_text("EU\\n  talks\\x07")
    'EU talks\\ufffd'
    """
    return " ".join(_NOT_XML.sub("\ufffd", str(text)).split())


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def entity_graph(store: Store, *, graph: str | ox.NamedNode | None = None) -> nx.MultiDiGraph:
    """The entity graph of the whole store, or of one document (id or graph IRI)."""
    import networkx as nx

    scope = resolve_graph(store, graph)
    params = {"g": scope} if scope is not None else None

    # an entity's type and label are its one description's, the same in every row
    types: dict[str, str] = {}
    labels: dict[str, set[ox.Literal]] = defaultdict(set)
    documents: dict[str, set[str]] = defaultdict(set)
    for g, entity, kind, label in run(store, _ENTITIES, params).rows:
        documents[entity.value].add(g.value)
        if kind is not None:
            types[entity.value] = local_name(kind.value)
        if label is not None:
            labels[entity.value].add(label)
    for g, phrase, label in run(store, _PHRASES, params).rows:
        documents[phrase.value].add(g.value)
        types[phrase.value] = "Phrase"
        labels[phrase.value].add(label)
    mentions: Counter = Counter()
    for _g, entity, count in run(store, _MENTIONS, params).rows:
        mentions[entity.value] += int(count.value)

    edges: dict[tuple[str, str, str], _Evidence] = {}
    for g, s, p, o, label, statement, confidence, sentence, surface, doc_id in run(store, _RELATIONS, params).rows:
        evidence = edges.setdefault((s.value, o.value, p.value), _Evidence())
        if label is not None:
            evidence.label = display_text(label.value)
        if statement is not None:
            evidence.add(statement.value, _float(confidence), sentence, surface,
                         doc_id.value if doc_id is not None else g.value)

    # a phrase is drawn only as the end of a relation, never on its own
    ends = {e for s, o, _ in edges for e in (s, o)}
    for iri in [i for i in documents if types.get(i) == "Phrase" and i not in ends]:
        del documents[iri]
    G = nx.MultiDiGraph(name="kg entity graph", documents=len(set().union(*documents.values())))
    if scope is not None:
        G.graph["document"] = scope.value
    for iri in sorted(documents.keys() | {e for s, o, _ in edges for e in (s, o)}):
        G.add_node(iri, label=_preferred(labels[iri]) or display_text(local_name(iri)),
                   type=types.get(iri, "Thing"), mentions=mentions[iri], documents=len(documents[iri]))
    for (s, o, p), evidence in sorted(edges.items()):
        G.add_edge(s, o, key=p, predicate=p, **evidence.attributes(p))
    return G


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


class _Evidence:
    """The statements supporting one edge, and the best of them."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.statements: set[str] = set()
        self.best: tuple | None = None

    def add(self, statement: str, confidence: float | None, sentence, surface, document: str) -> None:
        self.statements.add(statement)
        rank = (-(confidence if confidence is not None else -1.0), document, statement)
        if self.best is None or rank < self.best[0]:
            self.best = (rank, confidence, sentence, surface, document)

    def attributes(self, predicate: str) -> dict[str, object]:
        attrs: dict[str, object] = {"label": self.label or display_text(local_name(predicate)).replace("_", " "),
                                    "statements": len(self.statements), "weight": max(1, len(self.statements))}
        if self.best is not None:
            _, confidence, sentence, surface, document = self.best
            if confidence is not None:
                attrs["confidence"] = confidence
            if sentence is not None:
                attrs["sentence"] = display_text(sentence.value)
            if surface is not None:
                attrs["surface"] = display_text(surface.value)
            attrs["document"] = display_text(document)
        return attrs


def generate_graphml(G: nx.MultiDiGraph, *, prettyprint: bool = True) -> Iterator[str]:
    """The GraphML text of an entity graph, line by line."""
    import networkx as nx

    yield from nx.generate_graphml(G, prettyprint=prettyprint)


def write_graphml(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write GraphML (Gephi, yEd, Cytoscape); return the number of edges."""
    import networkx as nx

    with open_output(out) as handle:
        nx.write_graphml(G, handle, prettyprint=prettyprint)
    return G.number_of_edges()


def _with_viz(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose nodes carry GEXF viz colour (by type) and size (by mentions)."""
    H = G.copy()
    for _, data in H.nodes(data=True):
        colour = type_colour(str(data.get("type", "")))
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                       "size": 4.0 + 2.0 * float(data.get("mentions", 0)) ** 0.5}
    return H


def generate_gexf(G: nx.MultiDiGraph, *, prettyprint: bool = True) -> Iterator[str]:
    """The GEXF 1.2 text of an entity graph (nodes coloured and sized), line by line."""
    import networkx as nx

    yield from nx.generate_gexf(_with_viz(G), prettyprint=prettyprint)


def write_gexf(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write GEXF 1.2 (Gephi) with nodes coloured by type; return the number of edges."""
    import networkx as nx

    with open_output(out) as handle:
        nx.write_gexf(_with_viz(G), handle, prettyprint=prettyprint)
    return G.number_of_edges()
