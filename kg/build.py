"""One build: read inputs -> nlp.pipe -> extract -> map to RDF -> write to the store."""
from __future__ import annotations

import itertools
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from pyoxigraph import NamedNode

from kg.errors import KGError
from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.extract.model import Article, Extraction
from kg.inputs import InputWarning
from kg.nlp import load_pipeline, model_id
from kg.rdf.iris import IriMinter
from kg.rdf.mapping import content_hash, extraction_quads, is_mapped, now_literal
from kg.store import GraphStore

DEFAULT_BATCH = 64  # documents per store transaction


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
    store_triples: int = 0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.documents:,} documents ({self.unchanged:,} unchanged, skipped), "
            f"{self.sentences:,} sentences, {self.entities:,} entities, "
            f"{self.relations:,} relations, {self.triples:,} triples written "
            f"({self.store_triples:,} in store); "
            f"{self.words:,} words in {self.seconds:.1f} s = {self.words_per_second:,.0f} words/s"
        )


def parse_articles(articles: Iterable[Article], *, nlp, jobs: int = 1, batch_size: int = 32) -> Iterator[Extraction]:
    """Run the spaCy pipeline over the story body of each article and extract."""
    prepared = ((a.text[a.body_start:a.body_end], a) for a in map(read_anatomy, articles))
    for doc, article in _pipe_ahead(nlp, prepared, jobs=jobs, batch_size=batch_size):
        yield extract(doc, article)


_DONE = object()


def _pipe_ahead(nlp, prepared, *, jobs: int, batch_size: int, ahead: int = 64):
    """``nlp.pipe`` in a background thread, a few documents ahead of the caller.

    spaCy spends much of its time in code that releases the GIL, so extraction,
    mapping and store writes in this thread overlap with parsing on a second
    core. Exceptions in the parser are re-raised here; closing this generator
    stops the thread.
    """
    import queue
    import threading

    handoff: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in nlp.pipe(prepared, as_tuples=True, n_process=jobs, batch_size=batch_size):
                while not stop.is_set():
                    try:
                        handoff.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            handoff.put(exc)

    worker = threading.Thread(target=produce, name="kg-nlp", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


@dataclass(frozen=True)
class DocumentGraph:
    """One document mapped to RDF, with the counts the summary reports."""

    doc_id: str
    graph: NamedNode
    quads: list
    sentences: int
    entities: int
    relations: int
    words: int


def map_extraction(x: Extraction, iris: IriMinter, *, model: str, started) -> DocumentGraph:
    quads = list(extraction_quads(x, iris, model=model, started=started))
    relations = sum(1 for r in x.relations if is_mapped(r))
    return DocumentGraph(x.article.doc_id, iris.document(x.article.doc_id), quads,
                         len(x.sentences), len(x.entities), relations, x.words)


def map_locally(articles: Iterable[Article], *, iris: IriMinter, model: str | None, jobs: int,
                started) -> Iterator[DocumentGraph]:
    nlp = load_pipeline(model)
    name = model_id(nlp)
    for x in parse_articles(articles, nlp=nlp, jobs=jobs):
        yield map_extraction(x, iris, model=name, started=started)


def build(
    articles: Iterable[Article],
    store: GraphStore,
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
    ``force``). Each batch of ``batch_docs`` documents is written as a unit.
    ``engine="dask"`` runs the NLP and mapping on the Dask cluster at
    ``scheduler`` (see :mod:`kg.engine`); the store is written here either way.
    ``bulk`` writes content with pyoxigraph's ``bulk_extend`` (2-3x faster than
    transactional ``extend``); crash safety comes from the commit markers, which
    are always written last, in a transaction of their own.
    """
    iris = IriMinter(base_iri) if base_iri else IriMinter()
    report = BuildReport()
    if engine not in ("local", "dask"):
        raise KGError(f"unknown engine {engine!r}; choose 'local' or 'dask'")
    started = time.perf_counter()
    known = {} if force else store.document_hashes()
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
        load_pipeline(model)
        started += time.perf_counter() - load_started  # words/s measures the build, not the model load
        mapped = map_locally(itertools.chain([first], todo), iris=iris, model=model, jobs=jobs,
                             started=build_started)
    else:
        from kg.engine import map_with_dask

        mapped = map_with_dask(itertools.chain([first], todo), iris=iris, model=model, scheduler=scheduler,
                               started=build_started, partition_docs=batch_docs)

    pending: dict = {}
    for doc in mapped:
        pending[doc.graph] = doc.quads
        report.documents += 1
        report.sentences += doc.sentences
        report.entities += doc.entities
        report.relations += doc.relations
        report.words += doc.words
        if progress:
            progress(1)
        if len(pending) >= batch_docs:
            report.triples += store.write_documents(pending, bulk=bulk)
            pending = {}
    if pending:
        report.triples += store.write_documents(pending, bulk=bulk)
    store.flush()
    report.seconds = time.perf_counter() - started
    report.store_triples = len(store)
    return report
