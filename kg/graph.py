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
from kg.errors import InputError
from kg.inputs import DEFAULT_MAX_CHARS, METADATA_FIELDS, clean_text
from kg.model import Article, content_hash, iso_date, text_problem
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

    def add_text(self, text: str, *, doc_id: str | None = None, max_chars: int = DEFAULT_MAX_CHARS,
                 **metadata: str) -> BuildReport:
        """Add one document. Without ``doc_id`` the id is derived from the text's hash;
        a text over ``max_chars`` characters is refused, as ``kg build`` skips it."""
        article = api_article(text, doc_id, metadata)
        if len(article.text) > max_chars:
            raise InputError(f"text of {len(article.text):,} characters is over max_chars={max_chars:,}; "
                             "split it, or pass a larger max_chars")
        return self.add_documents([article])

    def add_documents(self, documents: Iterable[Article | Mapping[str, str]], **options) -> BuildReport:
        """Add many documents (``Article``s, or dicts with ``id``/``text`` and metadata)."""
        articles = (d if isinstance(d, Article) else _article_from_mapping(d) for d in documents)
        return build(articles, self.store, base_iri=self.base_iri, model=self.model, **options)

    def query(self, sparql: str, **params: object) -> Result:
        """SPARQL (text, a ``.rq`` path or a named query such as ``"relations-between"``)
        over the union of all document graphs; keyword arguments bind variables."""
        return run(self.store, sparql, params)

    def to_networkx(self, view: str = "entities", *, graph: str | None = None, **filters):
        """One view of the graph as a networkx graph (``entities``, ``comentions``,
        ``events`` or ``documents``; see :mod:`kg.export.views`), of the whole store or
        of one document (``graph``: its id or IRI), narrowed by ``filters``: ``types``,
        ``min_weight``, ``since``, ``until``, ``around`` and ``depth``, ``top``
        (:func:`kg.export.views.filter_view`)."""
        from kg.export.views import build_view, filter_view

        G = build_view(self.store, view, graph=graph)
        return filter_view(G, **filters) if filters else G

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _article_from_mapping(record: Mapping[str, str]) -> Article:
    if not isinstance(record, Mapping):
        raise InputError(f"a document is an Article or a mapping with 'id' and 'text', not {type(record).__name__}")
    if "text" not in record:
        raise InputError("a document mapping needs a 'text' field")
    return api_article(record["text"], record.get("id"),
                       {k: record[k] for k in METADATA_FIELDS if record.get(k) not in (None, "")})


def api_article(text: object, doc_id: object, metadata: Mapping[str, object]) -> Article:
    """An :class:`Article` from what a Python caller gave, checked as a file's
    would be: a clear :class:`InputError` for a wrong type, an empty text or a
    date that is not ISO 8601; characters no RDF output can hold are replaced
    with a warning (:func:`kg.inputs.clean_text`)."""
    unknown = set(metadata) - set(METADATA_FIELDS)
    if unknown:
        raise InputError(f"unknown metadata {sorted(unknown)}; allowed: {', '.join(METADATA_FIELDS)}")
    if not isinstance(text, str):
        raise InputError(text_problem(text))
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if doc_id is not None and not isinstance(doc_id, str):
        raise InputError(f"doc_id must be a string, not {type(doc_id).__name__}")
    meta = {}
    for name, value in metadata.items():
        if not isinstance(value, str):
            raise InputError(f"{name} must be a string, not {type(value).__name__}")
        meta[name] = clean_text(value, f"{name} of the document")
    if meta.get("date") and iso_date(meta["date"]) is None:
        raise InputError(f"date {meta['date'][:40]!r} is not an ISO 8601 date; give one like "
                         "'2005-03-01', '2005-03' or '2005-03-01T10:30:00Z'")
    text = clean_text(text, "the text")
    problem = text_problem(text)  # empty or only whitespace, once cleaned
    if problem:
        raise InputError(problem)
    doc_id = doc_id or "text-" + content_hash(text)[:12]
    return Article(doc_id=clean_text(doc_id, "doc_id"), text=text, origin="api", **meta)
