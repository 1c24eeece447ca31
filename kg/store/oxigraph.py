"""The embedded Oxigraph store: the only module that opens a pyoxigraph ``Store``.

A document's graph is written so that it is either complete or absent: its
content quads go in first, and its ``kg:contentHash`` triple, the commit
marker, goes in last in its own transaction. On opening, graphs without a
marker (left by a crash mid-write) are removed.
"""
from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.rdf.namespace import RDF
from kg.rdf.terms import KG
from kg.store.entities import repair_if_needed
from kg.store.seal import SEAL_FILE, changed_files, seal
from kg.store.snapshots import (FOLDER as SNAPSHOT_FOLDER, LOCK_FILE, Source, WriterLock, prune, snapshot_interval,
                                read_source, snapshots_enabled, take_snapshot, withdraw_current, writer_is_live)
from kg.store.values import bind_values
from kg.store.markers import (CLEAR_STALE_MARKS, COMPLETE_DOCUMENTS, MARKER_PREFIXES, partial_documents,
                              split_markers)


class GraphStore:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``); a
    :class:`kg.store.base.Store`."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, verify: bool = True) -> None:
        self.path = Path(path) if path is not None else None  # the store named, even when a snapshot is read
        self.read_only = read_only
        self.source: Source | None = None  # what a read-only store opened: the store, or a snapshot of it
        self._lock: WriterLock | None = None
        self._snapshot_at = 0.0
        if self.path is not None:
            _check_store_folder(self.path)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = self._open_read_only(verify)
            else:
                self._check_seal(verify)
                self._lock = WriterLock(self.path)
                self._lock.acquire()  # readers now read snapshots (kg.store.snapshots) ...
                withdraw_current(self.path)  # ... this writer's, none older
                try:
                    self._store = ox.Store(str(self.path))
                except BaseException:
                    self._lock.release()
                    raise
        except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged file as a RuntimeError
            raise StoreError(_open_failed(self.path, exc)) from None
        if not read_only:
            try:
                # the store as found, before anything is written: what readers read
                # while any repair runs, then the repaired store
                self.checkpoint(force=True)
                repair_if_needed(self, str(self.path or "the in-memory store"))
                self.checkpoint(force=True)
            except BaseException:
                self.close()
                raise

    def _check_seal(self, verify: bool) -> None:
        changed = changed_files(self.path) if verify and self.path is not None else []
        if changed:  # see kg.store.seal: RocksDB would not say, and queries would answer wrongly
            more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
            raise StoreError(damaged(self.path, f"{changed[0]}{more}, since kg last wrote it"))

    def _open_read_only(self, verify: bool):
        """The store, or while a writer is live the snapshot it made last
        (:func:`kg.store.snapshots.read_source`). What was chosen can change while
        it opens (a writer starts, a snapshot is pruned): so a failed open is
        tried again, and an open of the store itself is checked afterwards
        against what is to be read now."""
        assert self.path is not None
        for attempt in range(_OPEN_ATTEMPTS):
            last = attempt == _OPEN_ATTEMPTS - 1
            source = read_source(self.path)
            if not source.snapshot and not _holds_a_store(self.path):
                if writer_is_live(self.path) and not last:
                    continue  # a writer created the folder just now
                raise StoreError(f"no store at {self.path}; build one first with "
                                 f"`kg build INPUT --store {self.path}`")
            try:
                if source.snapshot:
                    store = ox.Store.read_only(str(source.path))
                else:
                    self._check_seal(verify)  # a snapshot's files are the store's, sealed or being written
                    store = ox.Store.read_only(str(self.path))
            except (OSError, RuntimeError):
                if last:
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
            if source.snapshot or read_source(self.path).token == source.token:
                self.source = source
                return store
            del store  # a writer began (or came and went) while it opened: read what it left
        raise StoreError(f"the store at {self.path} kept changing while it was opened; try again")

    def checkpoint(self, *, force: bool = False) -> None:
        """Let readers see what is committed: a snapshot (kg.store.snapshots), at
        most one every snapshot_interval() seconds unless ``force``. A read-only or
        in-memory store has none to take."""
        if self.read_only is not False or self.path is None or not snapshots_enabled():
            return
        now = time.monotonic()
        if not force and now - self._snapshot_at < snapshot_interval():
            return
        self._store.flush()
        take_snapshot(self._store, self.path)
        self._snapshot_at = time.monotonic()

    # -- documents -----------------------------------------------------------------
    def document_hashes(self) -> dict[str, str]:
        """Document graph IRI -> content hash, for every complete document."""
        rows = self._store.query(COMPLETE_DOCUMENTS, prefixes=MARKER_PREFIXES)
        return {row["g"].value: row["hash"].value for row in rows}

    def remove_incomplete(self) -> list[str]:
        """Drop kg's document graphs that have no commit marker (a write was
        interrupted); graphs that are not kg's are left alone."""
        partial = partial_documents(self._store.named_graphs(), self.document_hashes(), self.entity_graphs())
        for graph in partial:
            self._store.remove_graph(graph)
        return [g.value for g in partial]

    # -- the entity graph ----------------------------------------------------------
    def entity_graphs(self) -> list[ox.NamedNode]:
        """The entity graph of every dataset in the store."""
        return sorted((q.subject for q in self._store.quads_for_pattern(None, RDF.type, KG.EntityGraph, None)
                       if q.subject == q.graph_name), key=lambda g: g.value)

    def things_observed_in(self, graphs: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        """Every entity and relation type the given document graphs observe."""
        return {q.object for graph in graphs for q in self._store.quads_for_pattern(None, KG.observes, None, graph)}

    def select(self, sparql: str, values: Mapping[ox.Variable, list[ox.NamedNode | ox.Literal]]):
        """A SELECT over the union of all graphs, with lists of terms bound by a
        ``VALUES`` block (pyoxigraph's substitutions take one term a variable)."""
        return self.query(bind_values(sparql, values), prefixes=MARKER_PREFIXES)

    def stale_things(self, entity_graph: ox.NamedNode) -> set[ox.NamedNode]:
        """What the entity graph marks as being refreshed (left by an interrupted write)."""
        return {q.object for q in self._store.quads_for_pattern(entity_graph, KG.staleEntity, None, entity_graph)}

    def quads_about(self, graph: ox.NamedNode, subjects: Iterable[ox.NamedNode]) -> list[ox.Quad]:
        """Every quad of ``graph`` whose subject is one of ``subjects``."""
        return [q for subject in subjects for q in self._store.quads_for_pattern(subject, None, None, graph)]

    def clear_stale_marks(self) -> None:
        """Drop every stale mark, in one transaction."""
        try:
            self._store.update(CLEAR_STALE_MARKS, prefixes=MARKER_PREFIXES)
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        try:
            for quad in quads:
                self._store.remove(quad)
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc

    def write_documents(self, graphs: Mapping[ox.NamedNode, list[ox.Quad]], *, bulk: bool = False) -> int:
        """Replace each document graph with the given quads; return quads written.

        Content first, markers last: an interruption leaves no graph that looks
        complete but is not (see :mod:`kg.store.markers`).
        ``bulk`` loads the content with pyoxigraph's bulk loader (fast, and it
        runs without the GIL) instead of one transaction.
        """
        for graph in graphs:
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
        content: list[list[ox.Quad]] = []
        markers: list[ox.Quad] = []
        for quads in graphs.values():
            document, marker = split_markers(quads)
            content.append(document)
            markers.extend(marker)
        written = sum(map(len, content)) + len(markers)
        try:
            if bulk:
                # fed bytes, the bulk loader works without the GIL (bulk_extend,
                # fed Python quads, holds it), so parsing goes on meanwhile
                nquads = ox.serialize(itertools.chain.from_iterable(content), format=ox.RdfFormat.N_QUADS)
                self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
            else:
                self._store.extend(itertools.chain.from_iterable(content))
            self._store.extend(markers)
        except OSError as exc:
            raise StoreError(f"writing to the store at {self.path} failed: {exc}") from exc
        return written

    def remove_document(self, graph: ox.NamedNode) -> bool:
        if not self._store.contains_named_graph(graph):
            return False
        self._store.remove_graph(graph)
        return True

    # -- reading -------------------------------------------------------------------
    def query(self, sparql: str, *, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
              prefixes: Mapping[str, str] | None = None, union: bool = True,
              default_graph: list[ox.NamedNode] | None = None, named_graphs: list[ox.NamedNode] | None = None,
              base_iri: str | None = None):
        """Run SPARQL with the union of all graphs as the default graph, or over the
        dataset ``default_graph``/``named_graphs`` name (either given: the other is
        empty, as the SPARQL protocol's ``default-graph-uri``/``named-graph-uri``)."""
        options: dict[str, object] = {"substitutions": dict(substitutions or {}), "prefixes": dict(prefixes or {}),
                                      "base_iri": base_iri}
        if default_graph is not None or named_graphs is not None:
            options.update(default_graph=list(default_graph or []), named_graphs=list(named_graphs or []))
        else:
            options["use_default_graph_as_union"] = union
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except RuntimeError as exc:
            if "projection" in str(exc):
                names = ", ".join(f"?{v.value}" for v in (substitutions or {}))
                raise QueryError(f"parameters ({names}) can only be bound to variables that the query "
                                 "returns: add them to the SELECT clause, or use SELECT *") from None
            raise QueryError(f"query failed: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, graph)

    def __len__(self) -> int:
        return len(self._store)

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted(self._store.named_graphs(), key=lambda g: g.value)

    def dump(self, output, fmt: ox.RdfFormat, *, graph: ox.NamedNode | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        kwargs = {"format": fmt}
        if graph is not None:
            kwargs["from_graph"] = graph
        if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = dict(prefixes)
        self._store.dump(output, **kwargs)

    def load(self, input, fmt: ox.RdfFormat) -> None:
        """Bulk-load a file object (N-Quads, TriG ...), then drop any graph left without
        its commit marker."""
        self._store.bulk_load(input, format=fmt)
        self.remove_incomplete()

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()

    def close(self) -> None:
        if isinstance(self._store, _Closed):
            return
        try:
            self.flush()
        finally:
            self._store = _Closed(self.path)  # releases RocksDB (and its lock) once collected
            if self._lock is not None:
                try:
                    seal(self.path)
                    prune(self.path, keep_current_only=True)
                finally:
                    self._lock.release()  # readers read the store itself again
                    self._lock = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_OPEN_ATTEMPTS = 4  # tries at opening what readers are to read, which a writer may change meanwhile


def open_read_only(path: str | Path, *, verify: bool = True) -> GraphStore:
    """The store at ``path`` opened for reading, safely while a build writes it:
    its newest snapshot then, else the store itself (``.source`` says which).

    >>> with open_read_only("kg-store") as store:          # doctest: +SKIP
    ...     print(len(store), store.source.token)
    """
    return GraphStore(path, read_only=True, verify=verify)


class _Closed:
    """Stands for the RocksDB store after ``close()``: any use says so."""

    def __init__(self, path) -> None:
        self._where = f"the store at {path}" if path else "the in-memory store"

    def __getattr__(self, name: str):
        raise StoreError(f"{self._where} is closed; open it again (GraphStore(...) or KnowledgeGraph(...))")

    # len() and iter() look these up on the type, not through __getattr__
    __len__ = __iter__ = lambda self: self.__getattr__("use")


# what RocksDB keeps in a store folder (and oxigraph beside it)
_ROCKSDB_FILES = ("CURRENT", "IDENTITY", "LOCK", "OPTIONS-", "MANIFEST-", "LOG")


def _check_store_folder(path: Path) -> None:
    """A store folder is new, empty, or RocksDB's: never a folder of the user's own
    files, which RocksDB would write in among (and a later cleanup might take for its own)."""
    if path.is_file():
        raise StoreError(f"--store {path} is a file; give a folder for the store (a new one is created)")
    if not path.is_dir():
        return
    try:
        names = [p.name for p in path.iterdir() if p.name not in (SNAPSHOT_FOLDER, LOCK_FILE)]
    except OSError as exc:
        raise StoreError(f"cannot read the store folder {path}: {exc.strerror}") from exc
    if names == [SEAL_FILE]:  # the seal of a store someone emptied: a new store starts there
        (path / SEAL_FILE).unlink()
        return
    if names and "CURRENT" not in names and not writer_is_live(path):  # a live writer: RocksDB is creating it
        theirs = sorted(n for n in names if not n.startswith(_ROCKSDB_FILES) and n != SEAL_FILE
                        and not n.endswith((".sst", ".log")))
        raise StoreError(f"{path} is not a kg store: it holds other files ({', '.join(theirs[:3]) or names[0]}"
                         f"{' ...' if len(theirs) > 3 else ''}); give an empty or a new folder for --store")


def _holds_a_store(path: Path) -> bool:
    """Whether ``path`` has files of a store (whole or damaged), not only kg's own."""
    try:
        return any(p.name not in (SNAPSHOT_FOLDER, LOCK_FILE, SEAL_FILE) for p in path.iterdir())
    except OSError:
        return False


def _open_failed(path: Path | None, exc: Exception) -> str:
    text = str(exc)
    if "corrupt" in text.lower() or "checksum" in text.lower() or "MANIFEST" in text:
        return damaged(path, text)
    if "LOCK" in text or "lock hold" in text.lower() or "temporarily unavailable" in text:
        return (f"cannot open the store at {path}: another process has it open ({text.splitlines()[0][:200]}). "
                "Wait for that kg command to finish, or stop it.")
    return f"cannot open the store at {path}: {text.splitlines()[0][:300] if text else exc!r}"


def damaged(path: Path | str | None, text: str) -> str:
    """What to tell a user whose store RocksDB found damaged."""
    return (f"the store at {path} is damaged ({text.splitlines()[0][:200]}). Rebuild it from your articles "
            "(kg build ... --store NEW), or load a dump you made (kg load FILE.nq.gz --store NEW); "
            "`kg check` tests a whole store")
