"""The Python API: ``KnowledgeGraph``.

>>> from kg import KnowledgeGraph
>>> with KnowledgeGraph() as graph:                      # doctest: +SKIP
...     graph.add_text("The UK will enter talks with the EU.", doc_id="d1")
...     graph.query("SELECT ?l WHERE { ?e rdfs:label ?l }").rows
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from kg.build import BuildReport, build
from kg.model import Article, content_hash
from kg.inputs import METADATA_FIELDS
from kg.query import Result, run
from kg.rdf.iris import DEFAULT_BASE_IRI
from kg.store import GraphStore


class KnowledgeGraph:
    """A knowledge graph in an Oxigraph store: on disk at ``store``, or in memory."""

    def __init__(self, store: str | Path | None = None, *, base_iri: str = DEFAULT_BASE_IRI,
                 model: str | None = None, read_only: bool = False) -> None:
        self.store = GraphStore(store, read_only=read_only)
        self.base_iri = base_iri
        self.model = model

    def add_text(self, text: str, *, doc_id: str | None = None, **metadata: str) -> BuildReport:
        """Add one document. Without ``doc_id`` the id is derived from the text's hash."""
        unknown = set(metadata) - set(METADATA_FIELDS)
        if unknown:
            raise TypeError(f"unknown metadata {sorted(unknown)}; allowed: {', '.join(METADATA_FIELDS)}")
        doc_id = doc_id or "text-" + content_hash(text)[:12]
        return self.add_documents([Article(doc_id=doc_id, text=text, origin="api", **metadata)])

    def add_documents(self, documents: Iterable[Article | Mapping[str, str]], **options) -> BuildReport:
        """Add many documents (``Article``s, or dicts with ``id``/``text`` and metadata)."""
        articles = (d if isinstance(d, Article) else _article_from_mapping(d) for d in documents)
        return build(articles, self.store, base_iri=self.base_iri, model=self.model, **options)

    def query(self, sparql: str, **params: object) -> Result:
        """SPARQL (text, a ``.rq`` path or a named query such as ``"relations-between"``)
        over the union of all document graphs; keyword arguments bind variables."""
        return run(self.store, sparql, params)

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _article_from_mapping(record: Mapping[str, str]) -> Article:
    if "text" not in record:
        raise TypeError("a document mapping needs a 'text' field")
    text = record["text"]
    doc_id = record.get("id") or None
    if doc_id is None:
        doc_id = "text-" + content_hash(text)[:12]
    meta = {k: str(record[k]) for k in METADATA_FIELDS if record.get(k)}
    return Article(doc_id=str(doc_id), text=text, origin="api", **meta)
