"""Which part of the store an export covers, and the dataset's base IRI.

A user names one document's graph either by its document id (as given at
build time, e.g. ``business/001``) or by the graph IRI itself.
"""
from __future__ import annotations

import shlex

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.store.base import Store

_GRAPH_OF_ID = "SELECT ?g ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }"
_LIST_IDS = "kg query --store {store} -e 'SELECT ?id WHERE {{ ?d dcterms:identifier ?id }}'"


def resolve_graph(store: Store, graph: str | ox.NamedNode | None) -> ox.NamedNode | None:
    """The graph IRI for a document id or graph IRI; ``None`` means the whole store.

    Raises :class:`~kg.errors.InputError` naming the value when neither matches.
    """
    if graph is None or isinstance(graph, ox.NamedNode):
        if graph is not None and graph not in store.named_graphs():
            raise _unknown(store, graph.value)
        return graph
    text = graph.strip()
    rows = store.query(_GRAPH_OF_ID, substitutions={ox.Variable("id"): ox.Literal(text)}, prefixes=VOCABULARY_PREFIXES)
    found = sorted(row["g"].value for row in rows)
    if found:
        return ox.NamedNode(found[0])
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise _unknown(store, graph) from None
    if node in store.named_graphs():
        return node
    raise _unknown(store, graph)


def _unknown(store: Store, value: str) -> InputError:
    location = getattr(store, "path", None) or getattr(store, "url", None)
    where = f"the store at {location}" if location is not None else "the store"
    listing = _LIST_IDS.format(store=shlex.quote(str(location)) if location is not None else "STORE")
    return InputError(f"no document graph {value!r} in {where}: give a document id or a graph IRI. "
                      f"List the document ids with: {listing}")
