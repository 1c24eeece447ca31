"""The store layer: the only code that talks to pyoxigraph's ``Store`` or a SPARQL server."""
from __future__ import annotations

from pathlib import Path

from kg.store.base import Store
from kg.store.oxigraph import GraphStore
from kg.store.writer import StoreWriter

__all__ = ["GraphStore", "Store", "StoreWriter", "open_store"]


def open_store(spec: str | Path | None, *, read_only: bool = False, **remote_options) -> Store:
    """The store ``spec`` names: a ``RemoteStore`` for an ``http(s)://`` URL (options such
    as ``auth=`` or ``gsp_endpoint=`` go to it), else an embedded ``GraphStore`` at that
    directory (in memory for ``None``)."""
    if isinstance(spec, str) and spec.lower().startswith(("http://", "https://")):
        from kg.store.remote import RemoteStore

        return RemoteStore(spec, read_only=read_only, **remote_options)
    if remote_options:
        raise TypeError(f"{sorted(remote_options)} only apply to a remote (http://) store, not {spec}")
    return GraphStore(spec, read_only=read_only)
