"""On 300 real BBC articles, every entity has one description and the graph conforms.

Over the union of all graphs (the default graph of every query), a plain
`SELECT ?e ?label WHERE { ?e rdfs:label ?label }`, no DISTINCT, gives exactly
one row per subject and language; each entity has one schema.org type; the
build summary and `kg stats` count entities alike; and the store conforms to
the SHACL shapes (which the copies in every document graph broke: 7 violations
on these 300 articles before the entity graph).
"""
from __future__ import annotations

import json
from collections import Counter
from itertools import islice

import pytest

from kg.build import build
from kg.model import Article
from kg.query.stats import store_stats
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.store import GraphStore
from kg.validate import validate_store

from .conftest import BBC, need_shared

N_ARTICLES = 300


@pytest.fixture(scope="module")
def bbc_store(tmp_path_factory, nlp):
    with open(need_shared(BBC), encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, N_ARTICLES)]
    store = GraphStore(tmp_path_factory.mktemp("bbc") / "store")
    report = build([Article(doc_id=r["id"], text=r["text"], title=r.get("title")) for r in records], store)
    yield store, report
    store.close()


def test_one_label_per_subject_and_language_over_the_union(bbc_store):
    store, _ = bbc_store
    rows = store.query("SELECT ?e ?label WHERE { ?e rdfs:label ?label }", prefixes=VOCABULARY_PREFIXES)
    per_subject = Counter((row["e"].value, row["label"].language) for row in rows)
    assert len(per_subject) > 3000
    assert [key for key, n in per_subject.items() if n > 1] == []


def test_one_schema_type_per_entity(bbc_store):
    store, _ = bbc_store
    rows = store.query("""SELECT ?e ?type WHERE { ?m kg:denotes ?e . ?e a ?type
                          FILTER(STRSTARTS(STR(?type), "https://schema.org/")) }""", prefixes=VOCABULARY_PREFIXES)
    types: dict[str, set[str]] = {}
    for row in rows:
        types.setdefault(row["e"].value, set()).add(row["type"].value)
    assert len(types) > 1000
    assert {e: t for e, t in types.items() if len(t) != 1} == {}


def test_the_build_summary_and_kg_stats_count_entities_alike(bbc_store):
    store, report = bbc_store
    assert report.entities == store_stats(store).entities


def test_the_graph_conforms_to_the_shapes(bbc_store):
    store, _ = bbc_store
    result = validate_store(store)
    assert result.conforms, result.report[:2000]
