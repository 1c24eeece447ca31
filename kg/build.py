"""One build: read inputs -> nlp.pipe -> extract -> map to RDF -> write to the store."""
from __future__ import annotations

import itertools
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

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

T = TypeVar("T")

DEFAULT_BATCH = 32  # documents per store write (and per flush)
# Quads per store write at most (a batch ends early when its documents reach
# this): the bulk loader's working memory grows with the batch, so a budget in
# quads keeps the peak flat when long articles come in a row.
BATCH_QUADS = 25_000
# Characters of text per spaCy batch when parsing in this process. spaCy's
# working memory grows with the text in a batch, so a batch of a fixed number
# of documents costs more memory the longer the articles it happens to meet;
# a budget in characters keeps the peak flat however long the articles get.
PARSE_BATCH_CHARS = 30_000
# Parsed documents the parsing thread may hold ready for the extraction (see
# in_background); each holds its token vectors, ~0.3 MB for a long article.
PARSE_AHEAD = 16
STOP_WAIT = 30.0  # seconds to wait for a background thread to stop


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


def parse_articles(articles: Iterable[Article], *, nlp, jobs: int = 1, batch_size: int = 32,
                   batch_chars: int = PARSE_BATCH_CHARS) -> Iterator[Extraction]:
    """Run the spaCy pipeline over the story body of each article and extract.

    With one process, documents go to spaCy in batches of at most
    ``batch_chars`` characters (a longer article is a batch of its own), which
    keeps peak memory independent of article length; with ``jobs > 1``
    spaCy's own ``n_process`` batching of ``batch_size`` documents is used.
    """
    prepared = ((a.text[a.body_start:a.body_end], a) for a in map(read_anatomy, articles))
    if jobs > 1:
        parsed = nlp.pipe(prepared, as_tuples=True, n_process=jobs, batch_size=batch_size)
    else:
        # Parsing runs in a thread of its own, a few documents ahead of the
        # extraction here: spaCy's models release the GIL for much of their
        # work, so the extraction (and the caller's mapping) mostly runs
        # beside the parse instead of after it.
        parsed = in_background(pair for batch in batched_by_chars(prepared, batch_chars)
                               for pair in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)))
    for doc, article in parsed:
        yield extract(doc, article)


_END = object()


def in_background(items: Iterable[T], *, ahead: int = PARSE_AHEAD, name: str = "kg-parser") -> Iterator[T]:
    """Yield ``items``, iterated in a background thread at most ``ahead`` items
    ahead of the consumer, in their order.

    An exception raised while iterating is raised here. Closing the generator
    (or an error in the consumer) stops the thread before the next item; it
    is then waited for, up to :data:`STOP_WAIT` seconds (a thread blocked on
    input that never comes is left behind as a daemon).
    """
    import queue
    import threading

    handoff: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((False, _END))
        except BaseException as exc:  # handed to the consumer
            put((False, exc))

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        while True:
            ok, item = handoff.get()
            if ok:
                yield item
            elif item is _END:
                return
            else:
                raise item
    finally:
        stop.set()
        thread.join(STOP_WAIT)


def batched_by_chars(items: Iterable[tuple[str, object]], budget: int) -> Iterator[list[tuple[str, object]]]:
    """Group ``(text, context)`` pairs into lists whose texts add up to at most
    ``budget`` characters; a text longer than the budget is a list of its own."""
    batch: list = []
    size = 0
    for item in items:
        if batch and size + len(item[0]) > budget:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item[0])
    if batch:
        yield batch


class StoreWriter:
    """Writes batches of document graphs to a store from a background thread.

    pyoxigraph's bulk loader (and its transactional ``extend``) release the
    GIL while RocksDB works, so the write of one batch runs on another core
    while the next batch is parsed. Batches are written in the order
    submitted; at most one waits while another is written, so memory stays
    bounded. The store is
    flushed after every batch, which keeps RocksDB's memtables from growing
    with the corpus. An error in the writer is raised from the next
    :meth:`submit` or from leaving the ``with`` block; leaving it, normally or
    by an exception, waits for every submitted batch to be written.
    """

    def __init__(self, store, *, bulk: bool = True) -> None:
        import queue
        import threading

        self.store, self.bulk = store, bulk
        self.written = 0
        self._error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="kg-store-writer")
        self._thread.start()

    def _run(self) -> None:
        while True:
            graphs = self._queue.get()
            if graphs is None:
                return
            if self._error is not None:
                continue  # drain: nothing more is written after a failure
            try:
                self.written += self.store.write_documents(graphs, bulk=self.bulk)
                self.store.flush()
            except BaseException as exc:  # handed to the submitting thread
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, graphs: dict) -> None:
        self._raise()
        self._queue.put(graphs)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.close()
        else:  # finish the batches already submitted (at most two), keep the original error
            self._error = None
            self._queue.put(None)
            self._thread.join()


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
        load_pipeline(model)
        started += time.perf_counter() - load_started  # words/s measures the build, not the model load
        mapped = map_locally(itertools.chain([first], todo), iris=iris, model=model, jobs=jobs,
                             started=build_started)
    else:
        from kg.engine import map_with_dask

        mapped = map_with_dask(itertools.chain([first], todo), iris=iris, model=model, scheduler=scheduler,
                               started=build_started, partition_docs=batch_docs)

    with StoreWriter(store, bulk=bulk) as writer:
        pending: dict = {}
        pending_quads = 0
        added: set[str] = set()  # documents new to the store
        for doc in mapped:
            pending[doc.graph] = doc.quads
            pending_quads += len(doc.quads)
            if doc.graph.value not in in_store:
                added.add(doc.graph.value)
            report.documents += 1
            report.sentences += doc.sentences
            report.entities += doc.entities
            report.relations += doc.relations
            report.words += doc.words
            if progress:
                progress(1)
            if len(pending) >= batch_docs or pending_quads >= BATCH_QUADS:
                writer.submit(pending)
                pending, pending_quads = {}, 0
        if pending:
            writer.submit(pending)
    report.triples = writer.written
    report.seconds = time.perf_counter() - started
    # counted from what we know, not from the store: counting its quads takes
    # time in proportion to the whole store, which an incremental build must not
    report.store_documents = len(in_store) + len(added)
    return report
