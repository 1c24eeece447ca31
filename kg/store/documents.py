"""Store-level operations on whole documents: remove, dump, load (each keeps the entity graph true)."""
from __future__ import annotations

import gzip
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.rdf.iris import base_of
from kg.rdf.namespace import RDF
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.rdf.terms import KG
from kg.store import entities
from kg.store.base import Store

_FIND = "SELECT ?g ?id WHERE { GRAPH ?g { ?g a kg:Document ; dcterms:identifier ?id } }"


def document_graphs(store: Store) -> dict[str, ox.NamedNode]:
    """Document id -> graph IRI for every document in the store."""
    return {row["id"].value: row["g"] for row in store.query(_FIND, prefixes=VOCABULARY_PREFIXES, union=False)}


def dataset_bases(store: Store) -> list[str]:
    """Every base IRI the store's documents were minted under (usually one)."""
    return sorted({b for b in map(base_of, store.document_hashes()) if b})


def remove_documents(store: Store, doc_ids: list[str]) -> tuple[list[str], list[str]]:
    """Drop each document's graph, and refresh the descriptions of the entities
    it observed: an entity no other document mentions loses its description.
    Returns (removed ids, ids not in the store)."""
    graphs = document_graphs(store)
    found = [doc_id for doc_id in doc_ids if doc_id in graphs]
    missing = [doc_id for doc_id in doc_ids if doc_id not in graphs]
    entities.remove_documents(store, [graphs[doc_id] for doc_id in found])
    store.flush()
    return found, missing


def _open(path: str | Path, mode: str):
    return gzip.open(path, mode) if str(path).endswith(".gz") else open(path, mode)


def dump_nquads(store: Store, path: str | Path) -> int:
    """Write every quad to ``path`` as N-Quads (gzipped for ``.gz``), through a
    temporary file moved into place at the end: a failed dump (a full disk)
    leaves no truncated file behind, and says so."""
    from kg.output import open_output

    with open_output(path) as raw:
        if str(path).endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="wb", filename="") as fh:
                store.dump(fh, ox.RdfFormat.N_QUADS)
        else:
            store.dump(raw, ox.RdfFormat.N_QUADS)
    return len(store)


@dataclass(frozen=True)
class LoadReport:
    quads: int  # in the store after loading
    documents: list[str]  # document graphs loaded
    replaced: list[str]  # of those, documents the store already held: replaced whole
    other_graphs: list[str]  # graphs that are not kg's, loaded as given (added to, if the store had them)


def load_nquads(store: Store, path: str | Path) -> LoadReport:
    """Load an N-Quads dump. A document graph the store already holds is replaced
    whole, never merged into; other graphs are loaded as given; the dump's
    entity graphs are not loaded but recomputed from the documents."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"dump file not found: {path}")
    try:
        documents, entity_graphs, others, observed = _survey(path)
        existing = set(store.named_graphs())
        work = entities.EntityRefresh(store)
        work.touch(documents, {g: [q.object for q in quads] for g, quads in observed.items()})
        for graph in documents:
            if graph in existing:
                store.remove_document(graph)
        with tempfile.TemporaryFile() as kept:
            with _open(path, "rb") as fh:
                ox.serialize((q for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS)
                              if q.graph_name not in entity_graphs), kept, format=ox.RdfFormat.N_QUADS)
            kept.seek(0)
            store.load(kept, ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise InputError(f"{path}: not valid N-Quads ({exc})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    if entities.upgrade(store):  # a dump of an earlier kg: its documents describe entities themselves
        entities.repair(store, rebuild=True)
    else:
        work.refresh()
    store.flush()
    return LoadReport(quads=len(store), documents=sorted(g.value for g in documents),
                      replaced=sorted(g.value for g in documents if g in existing),
                      other_graphs=sorted(g.value for g in others))


def _survey(path: Path) -> tuple[list[ox.NamedNode], set, list[ox.NamedNode], dict]:
    """One pass over a dump: its document graphs, entity graphs and other graphs,
    and the things each document graph observes."""
    graphs: set = set()
    entity_graphs: set = set()
    observed: dict[ox.NamedNode, list[ox.Quad]] = {}
    with _open(path, "rb") as fh:
        for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            graphs.add(graph)
            if quad.predicate == RDF.type and quad.object == KG.EntityGraph and quad.subject == graph:
                entity_graphs.add(graph)
            elif quad.predicate == KG.observes:
                observed.setdefault(graph, []).append(quad)
    named = sorted((g for g in graphs if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    documents = [g for g in named if base_of(g.value) and g not in entity_graphs]
    others = [g for g in named if g not in entity_graphs and not base_of(g.value)]
    return documents, entity_graphs, others, observed
