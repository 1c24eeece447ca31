"""One build: read inputs -> nlp.pipe -> extract -> map to RDF -> write to the store."""
from __future__ import annotations

import itertools
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from kg.errors import KGError
from kg.extract.inflect import load_lexicon
from kg.inputs import InputWarning
from kg.model import Article, content_hash
from kg.nlp import load_pipeline
from kg.nlp.worker import start_parse_worker
from kg.pipeline import DocumentGraph, map_articles
from kg.rdf.iris import IriMinter
from kg.rdf.mapping import now_literal
from kg.store import Store, StoreWriter

DEFAULT_BATCH = 32  # documents per store write (and per flush)
# Quads per store write at most (a batch ends early when its documents reach
# this): the bulk loader's working memory grows with the batch, so a budget in
# quads keeps the peak flat when long articles come in a row.
BATCH_QUADS = 25_000


@dataclass
class BuildReport:
    """What a build did; the CLI prints it as the summary."""

    documents: int = 0
    unchanged: int = 0
    sentences: int = 0
    entities: int = 0
    relations: int = 0
    triples: int = 0
    words: int = 0
    seconds: float = 0.0
    store_documents: int = 0
    entity_refresh_seconds: float = 0.0  # marking and refreshing entity descriptions (in the writer thread)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{_count(self.documents, 'document')} ({self.unchanged:,} unchanged, skipped), "
            f"{_count(self.sentences, 'sentence')}, {_count(self.entities, 'entity', 'entities')}, "
            f"{_count(self.relations, 'relation')}, {_count(self.triples, 'triple')} written; "
            f"{_count(self.store_documents, 'document')} in store; "
            f"{_count(self.words, 'word')} in {self.seconds:.1f} s = {self.words_per_second:,.0f} words/s"
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``1,500 entities``."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def build(
    articles: Iterable[Article],
    store: Store,
    *,
    base_iri: str | None = None,
    model: str | None = None,
    jobs: int = 1,
    batch_docs: int = DEFAULT_BATCH,
    bulk: bool = True,
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Add articles to ``store``, replacing any earlier version of each document.

    Documents whose text is unchanged since the last build are skipped (unless
    ``force``). Documents are written in batches of at most ``batch_docs``
    documents, ended early at :data:`BATCH_QUADS` quads.
    ``engine="dask"`` runs the NLP and mapping on the Dask cluster at
    ``scheduler`` (see :mod:`kg.engine`); the store is written here either way.
    Batches are written by a :class:`StoreWriter` thread while the next batch
    is parsed. ``bulk`` (the default) loads each batch's content as N-Quads
    with pyoxigraph's bulk loader, which costs less than half the CPU of the
    transactional ``extend`` used with ``bulk=False``. Crash safety comes from
    the commit markers, which are always written last, in a transaction of
    their own: a graph without one is dropped when the store is next opened.
    """
    iris = IriMinter(base_iri) if base_iri else IriMinter()
    report = BuildReport()
    if engine not in ("local", "dask"):
        raise KGError(f"unknown engine {engine!r}; choose 'local' or 'dask'")
    started = time.perf_counter()
    in_store = store.document_hashes()
    known = {} if force else in_store
    build_started = now_literal()
    seen: dict[str, str] = {}

    def fresh(stream: Iterable[Article]) -> Iterator[Article]:
        for article in stream:
            graph = iris.document(article.doc_id).value
            if article.doc_id in seen:
                warnings.warn(f"{article.origin}: document id {article.doc_id!r} was already read from "
                              f"{seen[article.doc_id]}; this one replaces it", InputWarning, stacklevel=2)
            seen[article.doc_id] = article.origin or "?"
            if known.get(graph) == content_hash(article.text):
                report.unchanged += 1
                if progress:
                    progress(1)
                continue
            yield article

    # Skip everything up to the first document that needs work: a re-run of a
    # finished build then never loads the model or starts a cluster.
    todo = fresh(articles)
    first = next(todo, None)
    if first is None:
        mapped: Iterable[DocumentGraph] = ()
    elif engine == "local":
        load_started = time.perf_counter()
        worker = start_parse_worker(model, jobs)  # the parsing process loads the model beside this one
        load_pipeline(model)
        load_lexicon()  # the verb-form lexicon loads with the model, not in the first document
        if worker is not None:
            worker.ready()
        started += time.perf_counter() - load_started  # words/s measures the build, not the model load
        mapped = map_articles(itertools.chain([first], todo), iris=iris, model=model, jobs=jobs,
                              started=build_started)
    else:
        from kg.engine import map_with_dask

        mapped = map_with_dask(itertools.chain([first], todo), iris=iris, model=model, scheduler=scheduler,
                               started=build_started, partition_docs=batch_docs)

    with StoreWriter(store, bulk=bulk) as writer:
        pending: dict = {}
        observations: dict = {}  # document graph -> thing -> what it observes of it
        pending_quads = 0
        added: set[str] = set()  # documents new to the store
        entities: set[str] = set()  # distinct, as `kg stats` counts them
        for doc in mapped:
            pending[doc.graph] = doc.quads
            if doc.observations is not None:
                observations[doc.graph] = doc.observations
            pending_quads += len(doc.quads)
            if doc.graph.value not in in_store:
                added.add(doc.graph.value)
            report.documents += 1
            report.sentences += doc.sentences
            entities.update(doc.entities)
            report.relations += doc.relations
            report.words += doc.words
            if progress:
                progress(1)
            if len(pending) >= batch_docs or pending_quads >= BATCH_QUADS:
                writer.submit(pending, observations)
                pending, observations, pending_quads = {}, {}, 0
        if pending:
            writer.submit(pending, observations)
    report.triples = writer.written
    report.entities = len(entities)
    report.entity_refresh_seconds = writer.entities.seconds
    report.seconds = time.perf_counter() - started
    # counted from what we know, not from the store: counting its quads takes
    # time in proportion to the whole store, which an incremental build must not
    report.store_documents = len(in_store) + len(added)
    return report
