"""The pipeline both engines run: articles -> spaCy -> extraction -> RDF quads per document.

The local engine (:func:`map_articles`, called by :func:`kg.build.build`) and
the Dask engine (:mod:`kg.engine`, whose workers call :func:`map_articles` on
their partition) run exactly this code, so they build the same graph. Writing
the quads is the store's business (:class:`kg.store.StoreWriter`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, TypeVar

from more_itertools import constrained_batches
from pyoxigraph import Literal, NamedNode, Quad

from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.model import Article, Extraction
from kg.nlp import default_model, load_pipeline, model_id
from kg.nlp.worker import can_start_workers, parse_worker
from kg.rdf.iris import IriMinter
from kg.rdf.descriptions import Observed
from kg.rdf.mapping import DocumentTerms, extraction_quads, is_mapped

T = TypeVar("T")

# Characters of text per spaCy batch when parsing in this process. spaCy's
# working memory grows with the text in a batch, so a batch of a fixed number
# of documents costs more memory the longer the articles it happens to meet;
# a budget in characters keeps the peak flat however long the articles get.
PARSE_BATCH_CHARS = 30_000
# Parsed documents the parsing thread may hold ready for the extraction (see
# in_background); each holds its token vectors, ~0.3 MB for a long article.
PARSE_AHEAD = 16
STOP_WAIT = 30.0  # seconds to wait for a background thread to stop


@dataclass(frozen=True)
class DocumentGraph:
    """One document mapped to RDF, with the counts the build summary reports."""

    doc_id: str
    graph: NamedNode
    quads: list[Quad]
    sentences: int
    entities: frozenset[str]  # the IRIs of the entities it mentions
    relations: int
    words: int
    observed: frozenset[str]  # the IRIs of the entities and relation types it observes
    # what it observes of each (as kg.rdf.descriptions.observations_in reads it from the quads)
    observations: dict[NamedNode, list[Observed]] | None = None


def batched_by_chars(items: Iterable[tuple[str, T]], budget: int) -> Iterator[tuple[tuple[str, T], ...]]:
    """Group ``(text, context)`` pairs into batches whose texts add up to at most
    ``budget`` characters; a text longer than the budget is a batch of its own."""
    return constrained_batches(items, budget, get_len=lambda pair: len(pair[0]), strict=False)


def parse_articles(articles: Iterable[Article], *, nlp, jobs: int = 1, batch_size: int = 32,
                   batch_chars: int = PARSE_BATCH_CHARS, worker: str | None = None) -> Iterator[Extraction]:
    """Run the spaCy pipeline over the story body of each article and extract.

    With one process, documents go to spaCy in batches of at most
    ``batch_chars`` characters (a longer article is a batch of its own), which
    keeps peak memory independent of article length; with ``jobs > 1``
    spaCy's own ``n_process`` batching of ``batch_size`` documents is used.
    With ``worker`` (the name ``nlp`` was loaded by) and one process, the
    batches are parsed by a :class:`kg.nlp.worker.ParseWorker` running that
    pipeline in a child process, where the parse never waits for the GIL
    that the extraction here holds; otherwise in a thread of this process.
    """
    prepared = ((a.text[a.body_start:a.body_end], a) for a in map(read_anatomy, articles))
    if jobs > 1:
        parsed = nlp.pipe(prepared, as_tuples=True, n_process=jobs, batch_size=batch_size)
    elif worker is not None and can_start_workers():
        parsed = parse_worker(worker).pipe(batched_by_chars(prepared, batch_chars), nlp)
    else:
        # Parsing runs in a thread of its own, a few documents ahead of the
        # extraction here. spaCy's small model holds the GIL for most of its
        # work, so this hides little of the extraction (see kg.nlp.worker);
        # it is the way where no child process may be started.
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


def map_extraction(x: Extraction, iris: IriMinter, *, model: str, started: Literal | None = None) -> DocumentGraph:
    """One document's extraction as its named graph, with the summary's counts."""
    terms = DocumentTerms.of(x, iris)
    quads = list(extraction_quads(x, iris, model=model, started=started, terms=terms))
    relations = sum(1 for r in x.relations if is_mapped(r))
    entities = frozenset(node.value for node in terms.entities.values())
    return DocumentGraph(x.article.doc_id, terms.graph, quads, len(x.sentences), entities, relations, x.words,
                         frozenset(node.value for node in terms.observations),
                         {thing: [observed] for thing, observed in terms.observations.items()})


def map_articles(articles: Iterable[Article], *, iris: IriMinter, model: str | None, jobs: int = 1,
                 started: Literal | None = None, parse_process: bool = True) -> Iterator[DocumentGraph]:
    """Parse, extract and map ``articles`` (``jobs`` spaCy processes; with one, and
    ``parse_process``, spaCy runs in a child process beside this one)."""
    nlp = load_pipeline(model)
    name = model_id(nlp)
    worker = (model or default_model()) if parse_process else None
    for x in parse_articles(articles, nlp=nlp, jobs=jobs, worker=worker):
        yield map_extraction(x, iris, model=name, started=started)
