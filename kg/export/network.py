"""Entity graphs for graph tools: the colours of types, display text, and the
GraphML/GEXF writers; the graphs themselves are :mod:`kg.export.views`.

>>> from kg.store import GraphStore
>>> entity_graph(GraphStore(None)).number_of_nodes()
0
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

import pyoxigraph as ox

from kg.output import Target, open_output
from kg.store.base import Store

if TYPE_CHECKING:
    import networkx as nx

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
    """The entity graph of the whole store, or of one document (id or graph IRI):
    the ``entities`` view of :mod:`kg.export.views`."""
    from kg.export.views import build_view

    return build_view(store, "entities", graph=graph)


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
