"""The parsing process: the same annotations as parsing here, clear errors when it fails."""
from __future__ import annotations

import pytest

from kg.errors import ModelError
from kg.model import Article
from kg.nlp.worker import ParseWorker, parse_worker
from kg.pipeline import map_articles
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import PROV

TEXTS = [
    "Prime Minister Keir Starmer met Edi Rama in Tirana on Monday. Britain and Albania agreed to share data.",
    "The European Commission said the EU would enter talks with the United Kingdom on migration.",
    "Acme Corp (ACME), the holding company, bought 40% of Beta for £3bn, its chief executive Jane Doe said.",
]


def _graphs(parse_process: bool) -> list[set]:
    articles = [Article(doc_id=f"d{i}", text=t) for i, t in enumerate(TEXTS)]
    times = (PROV.startedAtTime, PROV.endedAtTime)
    return [{q for q in doc.quads if q.predicate not in times}
            for doc in map_articles(articles, iris=IriMinter(), model=None, parse_process=parse_process)]


def test_a_build_parsed_in_its_own_process_gives_the_same_graph_as_one_parsed_here(nlp):
    here, there = _graphs(False), _graphs(True)
    assert all(here) and here == there


def test_the_worker_answers_the_same_tokens_tags_parse_entities_and_gazetteer_spans(nlp):
    from kg.nlp import default_model

    worker = parse_worker(default_model())
    pairs = list(worker.pipe([[(t, i) for i, t in enumerate(TEXTS)]], nlp))
    assert [i for _, i in pairs] == [0, 1, 2]
    for (doc, i) in pairs:
        local = nlp(TEXTS[i])
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc] == \
               [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in local]
        assert [(s.start, s.end) for s in doc.spans["kg_gazetteer"]] == \
               [(s.start, s.end) for s in local.spans["kg_gazetteer"]]
    assert worker.cpu_seconds > 0


def test_a_pipeline_the_worker_cannot_load_is_a_model_error():
    worker = ParseWorker("no_such_pipeline_kg_test")
    with pytest.raises(ModelError, match="no_such_pipeline_kg_test"):
        worker.ready()
    assert not worker.alive


def test_a_worker_that_died_is_reported_and_replaced(nlp):
    from kg.nlp import default_model

    worker = parse_worker(default_model()).ready()
    worker._process.kill()
    worker._process.wait()
    with pytest.raises(ModelError, match="parsing process .* stopped"):
        list(worker.pipe([[(TEXTS[0], 0)]], nlp))
    fresh = parse_worker(default_model())
    assert fresh is not worker and fresh.alive
    assert [i for _, i in fresh.pipe([[(TEXTS[1], 1)]], nlp)] == [1]


def test_an_error_inside_the_worker_reaches_the_caller_and_the_worker_goes_on(nlp):
    from kg.nlp import default_model

    worker = parse_worker(default_model())
    too_long = "word " * (nlp.max_length // 5 + 10)
    with pytest.raises(ValueError, match="E088"):
        list(worker.pipe([[(too_long, 0)], [(TEXTS[0], 1)]], nlp))
    assert worker.alive
    assert [i for _, i in worker.pipe([[(TEXTS[2], 2)]], nlp)] == [2]
