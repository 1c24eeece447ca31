"""Store-level operations on whole documents: remove, dump, load."""
from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf.iris import base_of
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.store.base import Store

_FIND = "SELECT ?g ?id WHERE { GRAPH ?g { ?g a kg:Document ; dcterms:identifier ?id } }"


def document_graphs(store: Store) -> dict[str, ox.NamedNode]:
    """Document id -> graph IRI for every document in the store."""
    return {row["id"].value: row["g"] for row in store.query(_FIND, prefixes=VOCABULARY_PREFIXES, union=False)}


def dataset_bases(store: Store) -> list[str]:
    """Every base IRI the store's documents were minted under (usually one)."""
    return sorted({b for b in map(base_of, store.document_hashes()) if b})


def remove_documents(store: Store, doc_ids: list[str]) -> tuple[list[str], list[str]]:
    """Drop each document's graph. Entity descriptions live in the graphs of the
    documents that mention them, so an entity no other document mentions goes too."""
    graphs = document_graphs(store)
    removed, missing = [], []
    for doc_id in doc_ids:
        graph = graphs.get(doc_id)
        if graph is None:
            missing.append(doc_id)
            continue
        store.remove_document(graph)
        removed.append(doc_id)
    store.flush()
    return removed, missing


def _open(path: str | Path, mode: str):
    return gzip.open(path, mode) if str(path).endswith(".gz") else open(path, mode)


def dump_nquads(store: Store, path: str | Path) -> int:
    with _open(path, "wb") as fh:
        store.dump(fh, ox.RdfFormat.N_QUADS)
    return len(store)


def load_nquads(store: Store, path: str | Path) -> int:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"dump file not found: {path}")
    try:
        with _open(path, "rb") as fh:
            store.load(fh, ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid N-Quads ({exc})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    return len(store)
