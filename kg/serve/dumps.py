"""Dumps of the whole dataset, as ``kg serve`` and ``kg publish`` offer them:
gzip N-Quads (one line a quad, the form bulk loaders read fastest) and gzip
TriG (the same quads, grouped by graph and readable), each with its size and
SHA-256, which the DCAT description lists (:mod:`kg.serve.void`).

Files are written under a temporary name and renamed into place, so a dump
that exists is whole.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.prefixes import dataset_prefixes
from kg.serve.pages import Dump
from kg.serve.sources import store_spec
from kg.serve.resources import dataset_base
from kg.store.base import Store
from kg.store.seal import file_sha256

log = logging.getLogger("kg.serve")

DUMP_FORMATS = (
    # name, media type, pyoxigraph format
    ("dataset.nq.gz", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("dataset.trig.gz", "application/trig", ox.RdfFormat.TRIG),
)
COMPRESSION = 6  # gzip's default: level 9 saved 3% more for twice the time (1,000 articles)


def write_dumps(store: Store, folder: str | Path) -> list[Dump]:
    """Write every dump of ``store`` into ``folder``; return what was written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    prefixes = dataset_prefixes(dataset_base(store), kinds=True, links=True)
    dumps = []
    for name, media_type, fmt in DUMP_FORMATS:
        target = folder / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=COMPRESSION,
                                                           mtime=0) as out:
                store.dump(out, fmt, prefixes=prefixes if fmt == ox.RdfFormat.TRIG else None)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dumps.append(describe_file(target, media_type))
    return dumps


def describe_file(path: Path, media_type: str) -> Dump:
    return Dump(path.name, media_type, path.stat().st_size, file_sha256(path))


class ServedDumps:
    """The dumps a running server offers: written in the background into a
    temporary folder when the server starts (and again when the store it reads
    changes), listed only once whole."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="kg-serve-dumps-"))
        self._ready: dict[str, Dump] = {}
        self._where: dict[str, Path] = {}
        self._lock = threading.Lock()
        self.written = threading.Event()

    def refresh(self, store_path: str | Path, token: str) -> None:
        """Write the dumps of the store at ``store_path`` (in a thread: minutes for a
        large store); ``token`` names the state they are of."""
        from kg.store import open_store

        folder = self._folder / hashlib.sha256(token.encode()).hexdigest()[:16]
        try:
            with open_store(store_spec(store_path), read_only=True, verify=False) as store:
                dumps = write_dumps(store, folder)
        except Exception as exc:  # noqa: BLE001 - a dump that fails is left out, the server goes on
            log.error("kg serve: could not write the dumps (%s); the dataset is served without them", exc)
            shutil.rmtree(folder, ignore_errors=True)
            return
        with self._lock:
            old = set(self._where.values())
            self._ready = {d.name: d for d in dumps}
            self._where = {d.name: folder / d.name for d in dumps}
        for path in old - set(self._where.values()):
            path.unlink(missing_ok=True)
        self.written.set()

    def ready(self) -> list[Dump]:
        with self._lock:
            return list(self._ready.values())

    def get(self, name: str) -> Dump | None:
        with self._lock:
            return self._ready.get(name)

    def path(self, name: str) -> Path:
        with self._lock:
            return self._where[name]

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
