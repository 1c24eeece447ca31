"""Reading every block of a store, for ``kg check`` (:func:`kg.validate.check_store`),
which makes four checks, each named in its report with what to run when it fails:

1. **readable**: every quad is read through each index (:func:`read_every_index`),
   so RocksDB verifies the checksum of every block it holds (it does on every
   read); a damaged file shows as an error here instead of as wrong answers or
   a runaway query later. The quads are not held, the distinct terms are.
2. **documents**: every kg document graph has its commit marker (no write was
   interrupted half-way).
3. **entity graph**: no description is marked stale, no document is in an old
   layout or under an old name, every dataset has its entity graph.
4. **shapes**: the SHACL shapes hold (``kg validate``).
"""
from __future__ import annotations

import itertools
from typing import Callable

from kg.store.base import Store


def read_every_index(store: Store, progress: Callable[[int], None] | None = None) -> int:
    """Read every quad through each of Oxigraph's indexes; return how many quads.

    Oxigraph keeps each quad in several RocksDB column families, one per order
    of subject, predicate, object and graph; a scan reads only the one that fits
    its pattern, so a damaged block of another goes unseen until a query that
    uses it. So: one full scan (one order), then the quads of each subject, each
    predicate, each object, each (graph, predicate) and each (graph, object)
    seen, which between them read every order. What is held meanwhile is the
    sets of distinct terms, not the quads. RocksDB checks each block's checksum
    as it reads it and reports a mismatch, which is raised.
    """
    raw = getattr(store, "_store", None)
    if raw is None or not hasattr(raw, "quads_for_pattern"):  # a remote store: the server keeps its own files
        return sum(1 for _ in store.quads())
    subjects, predicates, objects, by_predicate, by_object = set(), set(), set(), set(), set()
    quads = 0
    for q in raw.quads_for_pattern(None, None, None, None):
        quads += 1
        subjects.add(q.subject)
        predicates.add(q.predicate)
        objects.add(q.object)
        by_predicate.add((q.graph_name, q.predicate))
        by_object.add((q.graph_name, q.object))
        if progress and quads % 100_000 == 0:
            progress(100_000)
    patterns = itertools.chain(((s, None, None, None) for s in subjects), ((None, p, None, None) for p in predicates),
                               ((None, None, o, None) for o in objects), ((None, p, None, g) for g, p in by_predicate),
                               ((None, None, o, g) for g, o in by_object))
    for pattern in patterns:
        for _ in raw.quads_for_pattern(*pattern):
            pass
    return quads
