"""Reading a store while a build writes it: snapshots.

RocksDB, under Oxigraph, lets one process write a store; the Oxigraph docs
say a read-only open while another process writes is undefined behaviour, and
we saw ``kg query`` during a build fail with "Corruption ... MANIFEST may be
corrupted": the reader opened the store while the writer was replacing its
manifest. A reader that is already open is not safe either: RocksDB opens a
table file when it first needs it, and the writer deletes the files it
compacts away.

So a writer (a writable :class:`kg.store.GraphStore` on disk) publishes what
readers may read:

- before it opens RocksDB it takes ``kg-writer.lock`` (``flock``, released by
  the system when the process ends however it ends; the file names the pid,
  host and start time, for messages and for file systems without ``flock``)
  and withdraws the previous writer's ``CURRENT``, so that no reader opens a
  snapshot older than the store;
- it takes a snapshot as soon as RocksDB is open, before it writes anything
  (the store as readers saw it), another once any repair is done, and one
  after each committed batch (documents written, the entity graph refreshed:
  :class:`kg.store.StoreWriter`), at most every :data:`SNAPSHOT_INTERVAL`
  seconds (``KG_SNAPSHOT_INTERVAL`` changes it): ``Store.backup``, a RocksDB
  checkpoint made of hard links to the table files (cheap, and always on the
  store's file system);
- a snapshot is made under a temporary name and renamed into
  ``kg-snapshots/``; then ``kg-snapshots/CURRENT`` (replaced atomically) names it.

A reader (:func:`read_source`, which ``GraphStore(read_only=True)`` and so
``kg query``, ``kg stats`` and ``kg serve`` go through) opens the snapshot
CURRENT names while a writer holds the lock, and the store itself when none
does. A snapshot is never written to, so what a reader sees is one committed
state: whole documents, and the entity graph refreshed for them.

A snapshot removed under an open reader breaks it (the files it has not
opened yet are gone), so old snapshots go only when :data:`KEEP_FOR` seconds
past being replaced, and the newest two never. Closing the writer removes
every snapshot but CURRENT's (a server may still be on it for a second); the
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
except ImportError:  # Windows: the marker's pid is all there is
    fcntl = None  # type: ignore[assignment]

from kg.errors import StoreError

FOLDER = "kg-snapshots"
POINTER = "CURRENT"
LOCK_FILE = "kg-writer.lock"
# Seconds between a build's snapshots at most: how stale a reader of a running
# build gets. A snapshot takes 11 ms wall, 16 ms CPU (median, on the store of 300
# BBC articles), so the 11 that building those 300 takes cost 0.2 s of 37 s; end
# to end (benchmarks/snapshot_cost.py) the difference is lost in the spread of the
# runs. Each snapshot also makes `kg serve` start new query workers: not less.
SNAPSHOT_INTERVAL = 2.0
KEEP_FOR = 60.0  # seconds a replaced snapshot stays for readers still on it: kg serve's query timeout
OPEN_WAIT = 10.0  # seconds a reader waits for a writer that is opening to take its first snapshot
LOCK_WAIT = 1.0  # seconds a writer retries the lock (a reader looking at it holds it for microseconds)


def snapshot_interval() -> float:
    """:data:`SNAPSHOT_INTERVAL`, or ``KG_SNAPSHOT_INTERVAL`` seconds when set (a
    build that readers should follow more closely, or less, at the price above)."""
    try:
        return max(0.0, float(os.environ["KG_SNAPSHOT_INTERVAL"]))
    except (KeyError, ValueError):
        return SNAPSHOT_INTERVAL


def snapshots_enabled() -> bool:
    """Snapshots are taken unless ``KG_SNAPSHOTS=0``, which is there to measure
    what they cost (benchmarks/snapshot_cost.py): a store built so cannot be read
    while it is built (readers wait for a snapshot that never comes)."""
    return os.environ.get("KG_SNAPSHOTS", "1") != "0"


@dataclass(frozen=True)
class Source:
    """What a reader opens: ``path`` (the store, or a snapshot of it), a
    ``token`` that changes whenever what readers see changes (an ETag), and
    when it last did (``modified``, POSIX time, for Last-Modified)."""

    path: Path
    token: str
    modified: float
    snapshot: bool = False


# -- the writer -------------------------------------------------------------------------------
class WriterLock:
    """The lock a writing process holds on a store folder, and the marker in it
    that says who holds it (cleared on :meth:`release`)."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._file = None

    def acquire(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        path = self.store / LOCK_FILE
        handle = open(path, "a+", encoding="utf-8")
        try:
            locked = _lock(handle)
            if not locked and _marker_is_live(path.read_text(encoding="utf-8")):
                raise BlockingIOError  # no flock on this file system, and the marker's writer lives
        except BlockingIOError:
            holder = _holder(path)
            handle.close()
            raise StoreError(f"the store at {self.store} is being written by another process{holder}; wait "
                             "for it to finish (kg reads it meanwhile from its snapshots)") from None
        except BaseException:
            handle.close()
            raise
        # the flock stays on this file, so the marker is rewritten in place, not
        # replaced: a reader that finds it half written only loses the holder's name
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            self._file.truncate(0)  # no marker: no writer, whatever the file system
        self._file.close()  # releases the flock
        self._file = None


def _lock(handle) -> bool:
    """Take ``flock`` on ``handle``: True when held, False on a file system
    without it; BlockingIOError when another process holds it."""
    if fcntl is None:
        return False
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
        except OSError:  # ENOLCK, EOPNOTSUPP: some network and FUSE file systems
            return False


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        info = json.loads(path.read_text(encoding="utf-8"))
        return f" (process {info['pid']} on {info['host']})"
    return ""


def _marker_is_live(text: str) -> bool:
    """Whether a marker names a live writer: a process alive on this host, or
    any on another (which this host cannot look at)."""
    try:
        info = json.loads(text)
        pid, host = int(info["pid"]), str(info["host"])
    except (ValueError, KeyError, TypeError):
        return False  # empty (released) or unreadable
    return host != socket.gethostname() or _alive(pid)


def writer_is_live(store: Path) -> bool:
    """Whether a process is writing the store now: one holds the lock (a lock
    file left by a process that died is not held), or, where the file system
    has no ``flock``, the marker names a live process."""
    try:
        handle = open(Path(store) / LOCK_FILE, encoding="utf-8")
    except OSError:
        return False
    with handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            except OSError:
                pass  # no flock here: the marker decides
            else:
                fcntl.flock(handle, fcntl.LOCK_UN)
                return False
        return _marker_is_live(handle.read())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def withdraw_current(path: Path) -> None:
    """Remove ``CURRENT``: a writer that is opening does so before RocksDB does,
    so readers wait for its first snapshot instead of reading the last one of a
    writer before it (older than the store if that one wrote after it or died)."""
    with contextlib.suppress(FileNotFoundError):
        (path / FOLDER / POINTER).unlink()


def take_snapshot(store, path: Path) -> Path:
    """Snapshot ``store`` (an open, writable pyoxigraph ``Store`` at ``path``) and
    make it CURRENT; prune old ones. Returns the snapshot's folder."""
    folder = path / FOLDER
    folder.mkdir(exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}"  # sorts by age
    temporary = folder / f".new-{name}"
    pointer = folder / f".{POINTER}-{name}"
    try:
        store.backup(str(temporary))  # RocksDB wants a target that does not exist
        os.rename(temporary, folder / name)
        pointer.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer, folder / POINTER)
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        pointer.unlink(missing_ok=True)
        raise StoreError(f"could not snapshot the store at {path} for its readers ({exc}); "
                         "is its disk full?") from exc
    prune(path)
    return folder / name


def prune(path: Path, *, keep_current_only: bool = False) -> None:
    """Remove the snapshots no reader should still be on (see the module's text):
    never CURRENT's, nor the newest two, nor one replaced less than KEEP_FOR
    seconds ago; with ``keep_current_only`` (the writer is closing) all but CURRENT's."""
    folder = path / FOLDER
    if not folder.is_dir():
        return
    current = _current_name(path)
    snapshots = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    now = time.time()
    for i, snapshot in enumerate(snapshots):
        if snapshot.name == current:
            continue
        if not keep_current_only:
            if len(snapshots) - i <= 2:
                continue
            with contextlib.suppress(OSError):
                if now - snapshots[i + 1].stat().st_mtime < KEEP_FOR:  # when the next one replaced it
                    continue
        shutil.rmtree(snapshot, ignore_errors=True)
    mine = f"-{os.getpid()}"
    for leftover in folder.glob(".*"):  # what a writer that died left half made
        if not leftover.name.endswith(mine):
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)


def _current_name(path: Path) -> str | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        name = (path / FOLDER / POINTER).read_text(encoding="utf-8").strip()
        if name and (path / FOLDER / name).is_dir():
            return name
    return None


# -- readers ------------------------------------------------------------------------------------
def read_source(path: str | Path) -> Source:
    """What a reader of the store at ``path`` should open now: the snapshot
    CURRENT names while a writer is live (waiting up to :data:`OPEN_WAIT`
    seconds for one that is opening), else the store itself.

    Raises :class:`kg.errors.StoreError` when a writer has been opening for
    longer than that (a long repair): the next try may succeed."""
    path = Path(path)
    deadline = time.monotonic() + OPEN_WAIT
    while writer_is_live(path):
        name = _current_name(path)
        if name is not None:
            snapshot = path / FOLDER / name
            with contextlib.suppress(FileNotFoundError):  # pruned just now: CURRENT names a newer one
                return Source(snapshot, f"snapshot:{name}", snapshot.stat().st_mtime, snapshot=True)
        if time.monotonic() > deadline:
            raise StoreError(f"the store at {path} is being written and has no snapshot to read yet "
                             f"(the writer is still opening it); try again in a moment")
        time.sleep(0.05)  # the writer is opening: its first snapshot comes before any write
    return Source(path, _state_token(path), _modified(path))


def _state_token(path: Path) -> str:
    """Changes whenever a writer has had the store open: RocksDB rewrites its
    CURRENT on every writable open, and kg its seal on every close."""
    from kg.store.seal import SEAL_FILE

    digest = hashlib.sha256()
    for name in (SEAL_FILE, "CURRENT"):
        with contextlib.suppress(OSError):
            file = path / name
            digest.update(f"{name}:{file.stat().st_mtime_ns}:".encode() + file.read_bytes())
    return "store:" + digest.hexdigest()[:24]


def _modified(path: Path) -> float:
    from kg.store.seal import SEAL_FILE

    times = []
    for name in (SEAL_FILE, "CURRENT"):
        with contextlib.suppress(OSError):
            times.append((path / name).stat().st_mtime)
    return max(times, default=0.0)
