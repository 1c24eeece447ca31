"""The commit-marker protocol, shared by the embedded and the remote store.

A document graph is complete when it holds its commit marker, the document's
``kg:contentHash`` triple. Stores write a document's content first and its
marker last, so an interrupted write leaves a graph without a marker, which
the store drops when it is next opened (``remove_incomplete``).
"""
from __future__ import annotations

from typing import Sequence

from pyoxigraph import Quad

from kg.rdf.terms import KG, KG_NAMESPACE

COMMIT_MARKER = KG.contentHash  # the predicate of a document's commit marker
MARKER_PREFIXES = {"kg": KG_NAMESPACE}
#: Every complete document graph and its content hash.
COMPLETE_DOCUMENTS = "SELECT ?g ?hash WHERE { GRAPH ?g { ?g kg:contentHash ?hash } }"


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
