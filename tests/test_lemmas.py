"""Lemmas on demand (kg.nlp.lemmas) give what spaCy's lemmatizer component gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp import default_model, lemmatize_on_demand
from kg.nlp import lemmas as lemmas_module
from kg.nlp.lemmas import lemma

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def full_nlp():
    """The default model as spaCy loads it, its lemmatizer running on every token."""
    import spacy

    return spacy.load(default_model())


def test_the_build_pipeline_lemmatizes_on_demand(nlp):
    assert "lemmatizer" in nlp.disabled
    assert "lemmatizer" not in nlp.pipe_names
    doc = nlp("The ministers agreed to share data.")
    assert doc[2].lemma == 0  # nothing was lemmatized by the pipeline
    assert lemma(doc[2]) == "agree"
    assert doc[2].lemma == 0  # and nothing is written back: another thread may be parsing


def _compare(nlp, full_nlp, texts) -> int:
    compared = 0
    for ours, theirs in zip(nlp.pipe(texts), full_nlp.pipe(texts)):
        assert [t.text for t in ours] == [t.text for t in theirs]
        for a, b in zip(ours, theirs):
            assert lemma(a) == b.lemma_, (a.text, a.pos_, str(a.morph))
            compared += 1
    return compared


def test_lemmas_on_demand_equal_the_components_on_the_examples(nlp, full_nlp):
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert _compare(nlp, full_nlp, texts) > 300


def test_lemmas_on_demand_equal_the_components_on_bbc_articles(nlp, full_nlp):
    import itertools
    import json

    from tests.conftest import BBC, need_shared

    with need_shared(BBC).open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in itertools.islice(lines, 40)]
    assert _compare(nlp, full_nlp, texts) > 10_000


def test_known_lemmas(nlp):
    doc = nlp("Ministers were holding talks and agreed deals.")
    assert [lemma(t) for t in doc[:6]] == ["minister", "be", "hold", "talk", "and", "agree"]


def test_a_vocabulary_without_a_lemmatizer_falls_back_to_lower_case():
    import spacy

    doc = spacy.blank("en")("Talks ENDED")
    assert [lemma(t) for t in doc] == ["talks", "ended"]


def test_the_cache_starts_again_when_full(nlp, monkeypatch):
    monkeypatch.setattr(lemmas_module, "CACHE_SIZE", 2)
    *_, cache = lemmas_module._LEMMATIZERS[id(nlp.vocab)]
    doc = nlp("Leaders signed treaties, visited capitals and opened embassies.")
    assert [lemma(t) for t in doc if t.pos_ in ("VERB", "NOUN")] == \
        ["leader", "sign", "treaty", "visit", "capital", "open", "embassy"]
    assert len(cache) <= 2


def test_a_lemmatizer_whose_output_a_later_component_may_read_stays_on(full_nlp):
    import spacy

    nlp = spacy.load(default_model())
    ruler = nlp.add_pipe("entity_ruler", last=True)  # its patterns may match on LEMMA
    ruler.add_patterns([{"label": "EVENT", "pattern": [{"LEMMA": "talk"}]}])
    lemmatize_on_demand(nlp)
    assert "lemmatizer" in nlp.pipe_names
    assert nlp("Talks were held.")[0].lemma_ == "talk"
