"""What ``kg serve`` reads: a store folder (through its snapshots while a build
writes it, :mod:`kg.store.snapshots`) or a SPARQL endpoint's URL (a
:class:`kg.store.remote.RemoteStore`: the server in front of it answers as it
would for a folder, its queries run there)."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from kg.store import open_store
from kg.store.base import Store
from kg.store.oxigraph import GraphStore
from kg.store.snapshots import Source
from kg.store.snapshots import read_source as read_folder

# what says a remote store changed: its documents (each with its commit marker) and their hashes
_REMOTE_STATE = """
SELECT (COUNT(?g) AS ?n) (MAX(STR(?h)) AS ?top) (MIN(STR(?h)) AS ?bottom) WHERE { GRAPH ?g { ?g kg:contentHash ?h } }"""


def is_url(spec: str | Path) -> bool:
    return isinstance(spec, str) and spec.lower().startswith(("http://", "https://"))


def store_spec(spec: str | Path) -> str | Path:
    """A URL as it is, a folder as a Path."""
    return spec if is_url(spec) else Path(spec)


def open_source(spec: str | Path) -> Store:
    """The store a query worker answers from, read-only: the server checked it."""
    if is_url(spec):
        return open_store(spec, read_only=True)
    return GraphStore(spec, read_only=True, verify=False)


def read_source(spec: str | Path) -> Source:
    """What readers see now (:func:`kg.store.snapshots.read_source`); for a remote
    store, a token from the number of its documents and their hashes, asked of
    it (one small query)."""
    if not is_url(spec):
        return read_folder(Path(spec))
    with open_store(spec, read_only=True) as store:
        row = next(iter(store.query(_REMOTE_STATE, prefixes={"kg": "https://w3id.org/newskg/ns#"})), None)
    seen = "|".join("" if row is None or row[k] is None else row[k].value for k in ("n", "top", "bottom"))
    token = "remote:" + hashlib.sha256(f"{spec}|{seen}".encode()).hexdigest()[:24]
    return Source(Path("."), token, time.time())
