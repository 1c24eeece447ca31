"""Writing batches of document graphs from a background thread."""
from __future__ import annotations

import queue
import threading
from typing import Mapping

from pyoxigraph import NamedNode, Quad

from kg.store.base import Store
from kg.rdf.descriptions import Observed, observations_in
from kg.store.entities import EntityRefresh


class StoreWriter:
    """Writes batches of document graphs to a store from a background thread.

    pyoxigraph's bulk loader (and its transactional ``extend``) release the
    GIL while RocksDB works, so the write of one batch runs on another core
    while the next batch is parsed. Batches are written in the order
    submitted; at most one waits while another is written, so memory stays
    bounded. The store is flushed after every batch, which keeps RocksDB's
    memtables from growing with the corpus. An error in the writer is raised
    from the next :meth:`submit` or from leaving the ``with`` block; leaving
    it, normally or by an exception, waits for every submitted batch to be
    written.

    Each batch marks the entities it changes stale before it is written and
    refreshes their descriptions in the entity graph once it is
    (:mod:`kg.store.entities`); an interruption (Ctrl-C) still refreshes what
    the written batches changed.
    """

    def __init__(self, store: Store, *, bulk: bool = True) -> None:
        self.store, self.bulk = store, bulk
        self.written = 0
        self.entities = EntityRefresh(store)
        self._error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="kg-store-writer")
        self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                self._refresh()
                return
            if self._error is not None:
                continue  # drain: nothing more is written after a failure
            graphs, observations = batch
            try:
                observations = {graph: observations[graph] if graph in observations
                                else observations_in(graph, quads) for graph, quads in graphs.items()}
                self.entities.touch(graphs, observations=observations)
                self.written += self.store.write_documents(graphs, bulk=self.bulk)
                self.store.flush()
                self.entities.refresh(drop_empty=False)  # writing documents never empties a dataset
                self.store.checkpoint()  # readers see the batch (kg.store.snapshots)
            except BaseException as exc:  # handed to the submitting thread
                self._error = exc

    def _refresh(self) -> None:
        if self._error is not None:
            return  # the marks stay; the next writable open of the store repairs
        try:
            wrote = bool(self.entities.pending)  # else every batch was refreshed and flushed already
            self.entities.refresh()
            if wrote:
                self.store.flush()
            self.store.checkpoint(force=True)  # the last batch, seen before the build ends
        except BaseException as exc:
            self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, graphs: Mapping[NamedNode, list[Quad]],
               observations: Mapping[NamedNode, Mapping[NamedNode, list[Observed]]] | None = None) -> None:
        """Queue a batch: document graph -> its quads, and what each observes
        (thing -> its observations; read from the quads when not given)."""
        self._raise()
        self._queue.put((graphs, observations or {}))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.close()
        else:  # finish the batches already submitted (at most two) and the refresh, keep the original error
            self._error = None
            self._queue.put(None)
            self._thread.join()
