"""A store's seal: what kg last wrote, checked on every open in a few stat calls.

RocksDB checks a block's checksum only when it reads the block, and Oxigraph
0.5 does not always pass a failed read on: with random bytes in one table file
a query silently answers from what it could read, and an aggregate can grow
until it runs out of memory. Reading every block (``kg check``) takes seconds
to minutes, too long for every ``kg query``.

RocksDB's table files (``*.sst``) never change once written: a new number is
a new file, and compaction writes new files and deletes old ones. So when a
writable store closes, kg records each table file's size, modification time
and SHA-256 in ``kg-seal.json`` beside them (hashing only files it has not
sealed before). On opening, a sealed file of the same size whose time
differs and whose contents hash differently was changed by something that was
not RocksDB (random bytes written into it, a bad copy): the store is damaged,
and the open says so with what to do. A file whose time alone changed (a
copy, a restore) is hashed once and kept. A file whose size changed is left
to RocksDB, which reads every table's footer when it opens and reports a cut
or a grown file itself (and a file still being written when its store was
sealed, if some reader kept RocksDB open, grows too: that is not damage).

What the seal does not see: a file it never sealed (kg was killed before its
store closed, or another program wrote the store) is taken as it is, and
damage that leaves a file's time unchanged (a failing disk) is found by
``kg check`` only. A missing sealed file is RocksDB's to report (it was
compacted away, or RocksDB refuses to open without it).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

SEAL_FILE = "kg-seal.json"
_VERSION = 1


@dataclass(frozen=True)
class Sealed:
    size: int
    mtime_ns: int
    sha256: str


def _tables(path: Path) -> dict[str, os.stat_result]:
    try:
        entries = list(os.scandir(path))
    except OSError:
        return {}
    return {e.name: e.stat() for e in entries if e.name.endswith(".sst") and e.is_file()}


def file_sha256(file: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    with open(file, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_seal(path: Path) -> dict[str, Sealed] | None:
    """The seal of the store at ``path``, or None (never sealed, or unreadable)."""
    try:
        data = json.loads((path / SEAL_FILE).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            return None
        return {name: Sealed(int(f["size"]), int(f["mtime_ns"]), str(f["sha256"]))
                for name, f in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_seal(path: Path, files: dict[str, Sealed]) -> None:
    data = {"version": _VERSION, "note": "kg's record of the store's table files; see kg.store.seal",
            "files": {name: {"size": s.size, "mtime_ns": s.mtime_ns, "sha256": s.sha256}
                      for name, s in sorted(files.items())}}
    temporary = path / f".{SEAL_FILE}.{os.getpid()}.tmp"
    try:
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(temporary, path / SEAL_FILE)
    except OSError:  # a read-only medium, a full disk: the seal is a help, not the data
        temporary.unlink(missing_ok=True)


def seal(path: Path) -> None:
    """Record the table files of the (closed) store at ``path``; a file sealed
    before with the same size and time keeps its recorded hash."""
    before = read_seal(path) or {}
    files: dict[str, Sealed] = {}
    for name, st in _tables(path).items():
        old = before.get(name)
        if old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns):
            files[name] = old
            continue
        try:
            files[name] = Sealed(st.st_size, st.st_mtime_ns, file_sha256(path / name))
        except OSError:
            continue  # gone meanwhile (compacted away)
    _write_seal(path, files)


def changed_files(path: Path) -> list[str]:
    """The sealed table files of ``path`` that something other than RocksDB
    changed, each with what changed; empty when the store is as kg left it."""
    sealed = read_seal(path)
    if not sealed:
        return []
    problems: list[str] = []
    touched: dict[str, Sealed] = {}
    for name, st in _tables(path).items():
        old = sealed.get(name)
        if old is None or (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns):
            continue
        if old.size != st.st_size:
            continue  # RocksDB's to judge (see the module's docstring)
        try:
            digest = file_sha256(path / name)
        except OSError as exc:
            problems.append(f"{name} cannot be read ({exc.strerror})")
            continue
        if digest != old.sha256:
            problems.append(f"{name} has different contents")
        else:
            touched[name] = Sealed(old.size, st.st_mtime_ns, old.sha256)
    if touched and not problems:  # a copied store: remember the new times, hash once
        _write_seal(path, {**sealed, **touched})
    return problems
