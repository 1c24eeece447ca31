"""The commit-marker protocol, shared by the embedded and the remote store.

A document graph is complete when it holds its commit marker, the document's
``kg:contentHash`` triple. Stores write a document's content first and its
marker last, so an interrupted write leaves a graph without a marker, which
the store drops when it is next opened (``remove_incomplete``).

A store drops only graphs that are kg's: document graphs (``{base}doc/{id}``)
of a dataset the store holds, known by its entity graph or a complete
document. Any other graph (an ontology, a curated list a user loaded) is
never touched.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from pyoxigraph import NamedNode, Quad

from kg.rdf.iris import base_of, base_of_entity_graph
from kg.rdf.terms import KG, KG_NAMESPACE

COMMIT_MARKER = KG.contentHash  # the predicate of a document's commit marker
MARKER_PREFIXES = {"kg": KG_NAMESPACE}
#: Every complete document graph and its content hash.
COMPLETE_DOCUMENTS = "SELECT ?g ?hash WHERE { GRAPH ?g { ?g kg:contentHash ?hash } }"
#: Drops every stale mark, in one update (a store has one writer: any mark is its own).
CLEAR_STALE_MARKS = "DELETE WHERE { GRAPH ?g { ?g kg:staleEntity ?thing } }"
#: The entity graph of every dataset in the store.
ENTITY_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?g a kg:EntityGraph } }"


def partial_documents(graphs: Iterable[NamedNode], complete: Iterable[str],
                      entity_graphs: Iterable[NamedNode]) -> list[NamedNode]:
    """The graphs among ``graphs`` that are document graphs of one of the store's
    datasets and hold no commit marker: what an interrupted write left."""
    complete = set(complete)
    bases = {base_of_entity_graph(g.value) for g in entity_graphs} | {base_of(d) for d in complete}
    bases.discard(None)
    return sorted((g for g in graphs if g.value not in complete and base_of(g.value) in bases),
                  key=lambda g: g.value)


def is_marker(quad: Quad) -> bool:
    return quad.predicate == COMMIT_MARKER


def split_markers(quads: Sequence[Quad]) -> tuple[list[Quad], list[Quad]]:
    """A document's quads as (content, commit markers).

    The RDF mapping puts the marker last, so its lists are split without
    looking at every quad; any other list is scanned.
    """
    if quads and is_marker(quads[-1]):
        return list(quads[:-1]), list(quads[-1:])
    return [q for q in quads if not is_marker(q)], [q for q in quads if is_marker(q)]
