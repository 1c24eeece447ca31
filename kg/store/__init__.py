"""The store layer: the only code that talks to pyoxigraph's ``Store`` or a SPARQL server."""
from __future__ import annotations

import warnings
from pathlib import Path

from kg.errors import StoreWarning

from kg.store.base import Store
from kg.store.entities import check
from kg.store.oxigraph import GraphStore, open_read_only
from kg.store.snapshots import Source, read_source
from kg.store.writer import StoreWriter

__all__ = ["GraphStore", "Source", "Store", "StoreWriter", "open_read_only", "open_store", "read_source"]


def open_store(spec: str | Path | None, *, read_only: bool = False, verify: bool = True,
               **remote_options) -> Store:
    """The store ``spec`` names: a ``RemoteStore`` for an ``http(s)://`` URL (options such
    as ``auth=`` or ``gsp_endpoint=`` go to it), else an embedded ``GraphStore`` at that
    directory (in memory for ``None``): read-only, while a build writes it, its
    newest snapshot (:func:`open_read_only`). A read-only store whose entity
    graph is out of date (an interrupted write, an earlier kg) opens with a
    warning that says the one command that repairs it. ``verify=False`` opens an embedded store whose
    table files changed since kg sealed them (:mod:`kg.store.seal`), for ``kg check``."""
    if isinstance(spec, str) and spec.lower().startswith(("http://", "https://")):
        from kg.store.remote import RemoteStore

        store: Store = RemoteStore(spec, read_only=read_only, **remote_options)
    else:
        if remote_options:
            raise TypeError(f"{sorted(remote_options)} only apply to a remote (http://) store, not {spec}")
        store = GraphStore(spec, read_only=read_only, verify=verify)
    if read_only:  # a writable store repaired itself on opening; a read-only one can only say so
        health = check(store)
        if not health.ok:
            warnings.warn(health.advice(str(spec)), StoreWarning, stacklevel=2)
    return store
