"""Reading a store while a build writes it: snapshots.

RocksDB, under Oxigraph, lets one process write a store; the Oxigraph docs
say a read-only open while another process writes is undefined behaviour, and
we saw ``kg query`` during a build fail with "Corruption ... MANIFEST may be
corrupted": the reader opened the store while the writer was replacing its
manifest, and a reader that is open finds table files gone once the writer
compacts them away (RocksDB opens table files as it needs them).

So a writer (a writable :class:`kg.store.GraphStore` on disk) publishes what
readers may read:

- on opening, it takes a lock of its own (``kg-writer.lock``, ``flock``:
  released by the system when the process ends, however it ends) and a
  snapshot of the store as it found it, before writing anything;
- after each committed batch (documents written, the entity graph refreshed:
  :class:`kg.store.StoreWriter`), at most every :data:`SNAPSHOT_INTERVAL`
  seconds, it takes another: ``Store.backup``, a RocksDB checkpoint, made of
  hard links to the table files (cheap, and only on the same file system);
- a snapshot is made under a temporary name and renamed into
  ``kg-snapshots/``; then ``kg-snapshots/CURRENT`` (replaced atomically) names it.

A reader (:func:`read_source`, which ``GraphStore(read_only=True)`` and so
``kg query``, ``kg stats`` and ``kg serve`` go through) opens the snapshot
CURRENT names while a writer holds the lock, and the store itself when none
does. A snapshot is never written to, so what a reader sees is one committed
state: whole documents, and the entity graph refreshed for them.

Old snapshots are removed when they are :data:`KEEP_FOR` seconds past being
replaced (a reader has that long to move on: ``kg serve`` looks every second;
a ``kg query`` running longer may fail and is to be run again), except the
newest two. Closing the writer removes every snapshot but CURRENT's; the
next writer removes that one. See docs/serving-while-building.md.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: the lock is the marker file's pid alone
    fcntl = None  # type: ignore[assignment]

from kg.errors import StoreError

FOLDER = "kg-snapshots"
POINTER = "CURRENT"
LOCK_FILE = "kg-writer.lock"
SNAPSHOT_INTERVAL = 2.0  # seconds between snapshots of a build at most (one costs ~10 ms: a flush and hard links)
KEEP_FOR = 60.0  # seconds a replaced snapshot stays for readers still on it
OPEN_WAIT = 10.0  # seconds a reader waits for a writer that is opening to take its first snapshot


def snapshots_enabled() -> bool:
    """Snapshots are taken unless ``KG_SNAPSHOTS=0`` (for measuring what they cost:
    benchmarks/snapshot_cost.py; a store then must not be read while it is built)."""
    return os.environ.get("KG_SNAPSHOTS", "1") != "0"


@dataclass(frozen=True)
class Source:
    """What a reader opens: ``path`` (the store, or a snapshot of it), a
    ``token`` that changes whenever what readers see changes, and when it last
    did (``modified``, POSIX time)."""

    path: Path
    token: str
    modified: float
    snapshot: bool = False


# -- the writer -------------------------------------------------------------------------------
class WriterLock:
    """The lock a writing process holds on a store folder, with who holds it."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._file = None

    def acquire(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        path = self.store / LOCK_FILE
        handle = open(path, "a+", encoding="utf-8")
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _holder(path)
                handle.close()
                raise StoreError(f"the store at {self.store} is being written by another process{holder}; wait "
                                 "for it to finish (kg reads it meanwhile from its snapshots)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            self._file.truncate(0)
        self._file.close()  # releases the flock
        self._file = None


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(path.read_text(encoding="utf-8"))
        return f" (process {info['pid']} on {info['host']})"
    return ""


def writer_is_live(store: Path) -> bool:
    """Whether a process holds the store's writer lock now."""
    path = store / LOCK_FILE
    if not path.exists():
        return False
    if fcntl is None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            info = json.loads(path.read_text(encoding="utf-8"))
            return info["host"] == socket.gethostname() and _alive(int(info["pid"]))
        return False
    try:
        with open(path, "r", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def take_snapshot(store, path: Path) -> Path:
    """Snapshot ``store`` (an open, writable pyoxigraph ``Store`` at ``path``) and
    make it CURRENT; prune old ones. Returns the snapshot's folder."""
    folder = path / FOLDER
    folder.mkdir(exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"
    temporary = folder / f".new-{name}"
    try:
        store.backup(str(temporary))
        os.rename(temporary, folder / name)
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise StoreError(f"could not snapshot the store at {path} for its readers: {exc}") from exc
    pointer = folder / f".{POINTER}-{name}"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, folder / POINTER)
    prune(path)
    return folder / name


def prune(path: Path, *, keep_current_only: bool = False) -> None:
    """Remove the snapshots no reader should still be on (see the module's text)."""
    folder = path / FOLDER
    if not folder.is_dir():
        return
    current = _current_name(path)
    snapshots = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    now = time.time()
    for i, snapshot in enumerate(snapshots):
        if snapshot.name == current:
            continue
        newer = snapshots[i + 1] if i + 1 < len(snapshots) else None
        replaced_at = newer.stat().st_mtime if newer is not None else now
        recent = len(snapshots) - i <= 2
        if keep_current_only or (not recent and now - replaced_at > KEEP_FOR):
            shutil.rmtree(snapshot, ignore_errors=True)
    for leftover in folder.glob(".new-*"):  # a snapshot a crash left half made
        if not leftover.name.endswith(f"-{os.getpid()}"):
            shutil.rmtree(leftover, ignore_errors=True)


def _current_name(path: Path) -> str | None:
    with contextlib.suppress(OSError):
        name = (path / FOLDER / POINTER).read_text(encoding="utf-8").strip()
        if name and (path / FOLDER / name).is_dir():
            return name
    return None


# -- readers ------------------------------------------------------------------------------------
def read_source(path: str | Path) -> Source:
    """What a reader of the store at ``path`` should open now: the newest
    snapshot while a build writes it, else the store itself."""
    path = Path(path)
    if writer_is_live(path):
        deadline = time.monotonic() + OPEN_WAIT
        while True:
            name = _current_name(path)
            if name is not None:
                snapshot = path / FOLDER / name
                return Source(snapshot, f"snapshot:{name}", snapshot.stat().st_mtime, snapshot=True)
            if time.monotonic() > deadline or not writer_is_live(path):
                break
            time.sleep(0.05)  # the writer is opening: its first snapshot comes before any write
        if writer_is_live(path):
            raise StoreError(f"the store at {path} is being written and has no snapshot to read yet; "
                             "try again in a moment")
    return Source(path, _state_token(path), _modified(path))


def _state_token(path: Path) -> str:
    """Changes whenever a writer closed the store (the seal is rewritten then)."""
    from kg.store.seal import SEAL_FILE

    seal = path / SEAL_FILE
    with contextlib.suppress(OSError):
        stat = seal.stat()
        return "store:" + hashlib.sha256(seal.read_bytes() + str(stat.st_mtime_ns).encode()).hexdigest()[:24]
    with contextlib.suppress(OSError):
        return f"store:{(path / 'CURRENT').stat().st_mtime_ns}"
    return "store:new"


def _modified(path: Path) -> float:
    from kg.store.seal import SEAL_FILE

    for name in (SEAL_FILE, "CURRENT"):
        with contextlib.suppress(OSError):
            return (path / name).stat().st_mtime
    return 0.0
