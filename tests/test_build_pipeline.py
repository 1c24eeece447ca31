"""The build's batching and its background store writer."""
from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad

from kg.build import build
from kg.pipeline import batched_by_chars, in_background, parse_articles
from kg.store import StoreWriter
from kg.errors import StoreError
from kg.model import Article
from kg.rdf.iris import IriMinter
from kg.store import GraphStore


@given(st.lists(st.text(max_size=40), max_size=60), st.integers(min_value=1, max_value=120))
def test_batches_keep_order_and_respect_the_budget(texts, budget):
    items = [(t, i) for i, t in enumerate(texts)]
    batches = list(batched_by_chars(items, budget))
    assert [item for batch in batches for item in batch] == items  # nothing lost, nothing reordered
    for batch in batches:
        assert batch
        # a batch is over budget only when it is one text longer than the budget
        assert sum(len(t) for t, _ in batch) <= budget or len(batch) == 1


@given(st.lists(st.integers(), max_size=50), st.integers(min_value=1, max_value=5))
def test_background_iteration_keeps_every_item_in_order(items, ahead):
    assert list(in_background(iter(items), ahead=ahead)) == items


def test_background_iteration_runs_in_another_thread_and_stays_close_ahead():
    produced: list[int] = []
    threads: set[str] = set()

    def numbers():
        for i in range(100):
            threads.add(threading.current_thread().name)
            produced.append(i)
            yield i

    consumed = 0
    for i in in_background(numbers(), ahead=3, name="kg-test-producer"):
        consumed += 1
        # the queue holds at most 3, one more may be waiting to be put
        assert len(produced) - consumed <= 3 + 1
    assert consumed == 100
    assert threads == {"kg-test-producer"}


def test_an_error_while_iterating_reaches_the_consumer_after_the_items_before_it():
    def failing():
        yield 1
        yield 2
        raise StoreError("input /data/news.jsonl line 3: not JSON")

    got = []
    with pytest.raises(StoreError, match="line 3"):
        for item in in_background(failing()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_stops_the_background_thread():
    produced: list[int] = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    stream = in_background(endless(), ahead=2, name="kg-test-endless")
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    stream.close()
    assert not any(t.name == "kg-test-endless" for t in threading.enumerate())
    assert len(produced) <= 5 + 2 + 1


def test_parsing_runs_beside_the_extraction(nlp):
    import kg.build

    names = []
    original = nlp.pipe

    def pipe(*args, **kwargs):
        names.append(threading.current_thread().name)
        return original(*args, **kwargs)

    articles = [Article(doc_id=f"d{i}", text=f"The UK and the EU signed deal number {i} in Brussels.")
                for i in range(3)]
    nlp.pipe = pipe
    try:
        extractions = list(kg.pipeline.parse_articles(articles, nlp=nlp))
    finally:
        del nlp.pipe
    assert names and set(names) == {"kg-parser"}
    assert [x.article.doc_id for x in extractions] == ["d0", "d1", "d2"]
    assert all(x.relations for x in extractions)


def _graph(i: int) -> dict:
    g = NamedNode(f"https://example.org/doc/{i}")
    from kg.rdf.terms import KG

    return {g: [Quad(g, NamedNode("https://example.org/p"), Literal(f"value {i}"), g),
                Quad(g, KG.contentHash, Literal(f"hash {i}"), g)]}


def test_writer_writes_every_batch_in_order(tmp_path):
    with GraphStore(tmp_path / "s") as store:
        with StoreWriter(store) as writer:
            for i in range(10):
                writer.submit(_graph(i))
        assert writer.written == 20
        assert len(store.document_hashes()) == 10
        documents = [g for g in store.named_graphs() if g.value in store.document_hashes()]
        assert sum(len(list(store.quads(g))) for g in documents) == 20


class _FailingStore:
    """A store whose third write fails, as a full disk would."""

    def __init__(self):
        self.writes = []
        self.thread = None

    def write_documents(self, graphs, *, bulk=False):
        self.thread = threading.current_thread().name
        if len(self.writes) == 2:
            raise StoreError("writing to the store at /full/disk failed: No space left on device")
        self.writes.append(graphs)
        return 1

    def flush(self):
        pass

    def checkpoint(self, *, force=False):
        pass

    # the entity graph: nothing to describe in these documents
    def entity_graphs(self):
        return []

    def things_observed_in(self, graphs):
        return set()

    def select(self, sparql, values):
        return []

    def stale_things(self, graph):
        return set()

    def add_quads(self, quads):
        pass

    def remove_quads(self, quads):
        pass

    def quads_about(self, graph, subjects):
        return []

    def clear_stale_marks(self):
        pass


def test_writer_error_reaches_the_caller_and_nothing_more_is_written():
    store = _FailingStore()
    with pytest.raises(StoreError, match="No space left"):
        with StoreWriter(store) as writer:
            for i in range(10):
                writer.submit(_graph(i))
    assert len(store.writes) == 2            # the batches before the failure, no later ones
    assert store.thread == "kg-store-writer"  # written off the parsing thread


def test_an_error_in_the_caller_waits_for_the_batch_being_written():
    store = _FailingStore()
    with pytest.raises(KeyboardInterrupt):
        with StoreWriter(store) as writer:
            writer.submit(_graph(0))
            raise KeyboardInterrupt
    assert len(store.writes) == 1  # the submitted batch was finished, the error kept


def test_batching_by_characters_does_not_change_what_is_extracted(nlp):
    texts = [
        "Keir Starmer visited Albania on Friday. The UK will enter talks with the EU.",
        "Edi Rama met Emmanuel Macron in Paris. " * 30,
        "The European Commission agreed to share data with the UK.",
    ]
    articles = [Article(doc_id=f"d{i}", text=t) for i, t in enumerate(texts)]

    def facts(batch_chars):
        return [(x.article.doc_id, sorted((e.label, e.type) for e in x.entities),
                 sorted((r.start, r.end, r.label) for r in x.relations))
                for x in parse_articles(articles, nlp=nlp, batch_chars=batch_chars)]

    one_by_one, all_at_once = facts(1), facts(10_000)
    assert one_by_one == all_at_once
    assert [d for d, _, _ in one_by_one] == ["d0", "d1", "d2"]
    assert ("Keir Starmer", "Person") in one_by_one[0][1]
    assert one_by_one[0][2] and one_by_one[1][2]  # relations found in both articles


def test_build_with_small_write_batches_equals_one_batch(tmp_path, nlp):
    articles = [Article(doc_id=f"d{i}", text=f"Keir Starmer met leader number {i} of the EU in Brussels.")
                for i in range(5)]
    with GraphStore(tmp_path / "a") as a, GraphStore(tmp_path / "b") as b:
        ra = build(iter(articles), a, batch_docs=1)
        rb = build(iter(articles), b, batch_docs=100)
        entity_graph = IriMinter().entity_graph()
        assert ra.triples == rb.triples  # the document graphs' quads
        assert len(a) == len(b) == ra.triples + len(list(a.quads(entity_graph)))
        assert ra.documents == rb.documents == 5

        def strip(quads):  # the build activity's times differ between the two builds
            return {q for q in quads if "Time" not in q.predicate.value}

        assert strip(a.quads()) == strip(b.quads())


def _hostile_graph(i: int) -> list:
    g = NamedNode(f"https://example.org/doc/{i}")
    from kg.rdf.terms import KG

    p = NamedNode("https://example.org/p")
    return [Quad(g, p, Literal('quote " backslash \\ newline \n tab \t emoji \U0001F600 rtl \u05e9\u05dc\u05d5\u05dd'), g),
            Quad(g, p, Literal("label", language="en-GB"), g),
            Quad(g, p, Literal("12", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g),
            Quad(g, KG.contentHash, Literal(f"hash {i}"), g)]


@pytest.mark.parametrize("bulk", [True, False])
def test_bulk_and_transactional_writes_store_the_same_quads(tmp_path, bulk):
    graphs = {NamedNode(f"https://example.org/doc/{i}"): _hostile_graph(i) for i in range(3)}
    expected = {q for quads in graphs.values() for q in quads}
    with GraphStore(tmp_path / "s") as store:
        assert store.write_documents(graphs, bulk=bulk) == 12
        assert set(store.quads()) == expected
        assert sorted(store.document_hashes().values()) == ["hash 0", "hash 1", "hash 2"]
        # writing again replaces: same quads, no duplicates
        store.write_documents(graphs, bulk=bulk)
        assert len(store) == 12


def test_a_marker_that_is_not_last_is_still_written_last(tmp_path):
    # extraction_quads puts the marker last; other producers need not
    g = NamedNode("https://example.org/doc/x")
    quads = _hostile_graph(0)
    quads = [Quad(g, q.predicate, q.object, g) for q in quads]
    quads.insert(0, quads.pop())  # marker first
    with GraphStore(tmp_path / "s") as store:
        assert store.write_documents({g: quads}) == 4
        assert set(store.quads()) == set(quads)
        assert store.document_hashes() == {g.value: "hash 0"}


def test_mapping_puts_the_commit_marker_last(nlp):
    from kg.rdf.iris import IriMinter
    from kg.rdf.mapping import extraction_quads
    from kg.rdf.terms import KG

    articles = [Article(doc_id="m", text="Keir Starmer visited Albania. The UK will enter talks with the EU.")]
    (x,) = parse_articles(articles, nlp=nlp)
    quads = list(extraction_quads(x, IriMinter(), model="test"))
    assert len(quads) > 50
    assert quads[-1].predicate == KG.contentHash
    assert sum(q.predicate == KG.contentHash for q in quads) == 1


def test_summary_counts_documents_in_the_store_across_builds(tmp_path, nlp):
    first = [Article(doc_id=f"d{i}", text=f"Keir Starmer visited Albania on day {i}.") for i in range(3)]
    second = [Article(doc_id="d2", text="Keir Starmer visited Albania on day 2."),      # unchanged
              Article(doc_id="d1", text="Edi Rama visited Paris."),                     # changed
              Article(doc_id="d9", text="The UK will enter talks with the EU.")]        # new
    with GraphStore(tmp_path / "s") as store:
        report = build(iter(first), store)
        assert (report.documents, report.store_documents) == (3, 3)
        report = build(iter(second), store)
        assert (report.documents, report.unchanged, report.store_documents) == (2, 1, 4)
        assert len(store.document_hashes()) == 4
        assert "4 documents in store" in report.summary()


def test_importing_the_build_does_not_import_spacy():
    # a re-run of a finished build never needs the model; importing spaCy alone takes a second
    import subprocess
    import sys

    code = "import sys, kg.build, kg.cli; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_two_processes_give_the_same_graph_as_one(nlp):
    """--jobs 2 parses in spaCy's worker processes; lemmas are asked for here, on
    Docs that came back from them, and must come out the same."""
    from kg.rdf.namespace import PROV

    docs = [Article(f"d{i}", text) for i, text in enumerate([
        "The UK will enter talks with the EU, the government said. Keir Starmer visited Albania.",
        "Albania signed a deal with the UK. Edi Rama met Keir Starmer in Tirana on Friday.",
        "France and Germany urged the European Commission to act on migration.",
        "Ministers were holding talks on Monday and agreed to share data with Brussels.",
    ])]
    one, two = GraphStore(None), GraphStore(None)
    build(docs, one, jobs=1)
    report = build(docs, two, jobs=2)
    assert report.documents == 4 and report.relations > 0

    def quads(store):
        return {q for q in store.quads() if q.predicate not in (PROV.startedAtTime, PROV.endedAtTime)}

    assert quads(one) == quads(two)
    assert len(quads(one)) > 100
