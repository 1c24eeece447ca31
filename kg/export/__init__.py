"""Exports: the store as RDF, or a view of it for graph tools, or one HTML page.

One module per part, networkx-style:

- :mod:`kg.export.rdf`: Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML
- :mod:`kg.export.views`: the views (entities, comentions, events, documents)
  as networkx graphs, and their filters
- :mod:`kg.export.formats`: GraphML, GEXF 1.3, Cytoscape.js, D3, DOT, CSV
- :mod:`kg.export.html`: a self-contained interactive page of a view

>>> import io
>>> from kg.store import GraphStore
>>> write_export(GraphStore(None), "nquads", io.BytesIO())
0
"""
from __future__ import annotations

from typing import Mapping

import pyoxigraph as ox

from kg.errors import ExportError
from kg.output import Target
from kg.export.rdf import RDF_FORMATS
from kg.store.base import Store

NETWORK_FORMATS = ("graphml", "gexf", "cytoscape", "d3", "dot", "csv", "html")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)

__all__ = ["FORMATS", "NETWORK_FORMATS", "write_export"]


def write_export(store: Store, fmt: str, out: Target, *, graph: str | ox.NamedNode | None = None,
                 view: str = "entities", filters: Mapping[str, object] | None = None) -> int:
    """Write ``store`` (or the document graph ``graph``, an id or IRI) to ``out``
    in ``fmt``; return the triples (RDF formats) or edges (graph formats) written.

    The graph formats write one view (:mod:`kg.export.views`), narrowed by
    ``filters`` (the keyword arguments of :func:`kg.export.views.filter_view`)."""
    if fmt in RDF_FORMATS:
        from kg.export.rdf import write_rdf

        return write_rdf(store, out, format=fmt, graph=graph)
    if fmt not in NETWORK_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from kg.export.views import build_view, filter_view

    G = build_view(store, view, graph=graph)
    if filters:
        G = filter_view(G, **filters)
    if fmt == "html":
        from kg.export.html import write_html

        return write_html(G, out)
    from kg.export.formats import FORMAT_WRITERS

    return FORMAT_WRITERS[fmt](G, out)
