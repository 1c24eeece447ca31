"""Exports: the store as RDF, the entity graph for Gephi/yEd, or one HTML page.

One module per format family, networkx-style:

- :mod:`kg.export.rdf`: Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML
- :mod:`kg.export.network`: the entity graph as a networkx ``MultiDiGraph``;
  GraphML and GEXF
- :mod:`kg.export.html`: a self-contained interactive page of the entity graph

>>> import io
>>> from kg.store import GraphStore
>>> write_export(GraphStore(None), "nquads", io.BytesIO())
0
"""
from __future__ import annotations

import pyoxigraph as ox

from kg.errors import ExportError
from kg.output import Target
from kg.export.rdf import RDF_FORMATS
from kg.store.base import Store

NETWORK_FORMATS = ("graphml", "gexf", "html")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)

__all__ = ["FORMATS", "write_export"]


def write_export(store: Store, fmt: str, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """Write ``store`` (or the document graph ``graph``, an id or IRI) to ``out``
    in ``fmt``; return the triples (RDF formats) or edges (graph formats) written."""
    if fmt in RDF_FORMATS:
        from kg.export.rdf import write_rdf

        return write_rdf(store, out, format=fmt, graph=graph)
    if fmt not in NETWORK_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from kg.export.network import entity_graph

    entities = entity_graph(store, graph=graph)
    if fmt == "graphml":
        from kg.export.network import write_graphml

        write_graphml(entities, out)
    elif fmt == "gexf":
        from kg.export.network import write_gexf

        write_gexf(entities, out)
    else:
        from kg.export.html import write_html

        write_html(entities, out)
    return entities.number_of_edges()
