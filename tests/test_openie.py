"""Open IE tuples from the clause analysis, in CaRB's tab format."""
from __future__ import annotations

from itertools import islice

import pytest

from kg.extract.openie import carb_lines, doc_tuples

from .conftest import SHARED, need_shared

CARB = SHARED / "eval" / "carb"


def tuples(nlp, text: str) -> set[tuple[str, ...]]:
    """(relation, subject, object ...) of every tuple of a sentence."""
    return {(t.relation, *t.arguments) for t in doc_tuples(nlp(text))}


def test_carb_line_echoes_the_ptb_sentence_and_keeps_its_tokens(nlp):
    sentence = "Mr. Baker found an opening that led to Pittsburgh 's coal mine ."
    lines = list(carb_lines(nlp, [sentence + "\n"]))
    assert lines
    for line in lines:
        fields = line.split("\t")
        assert fields[0] == sentence
        assert float(fields[1]) == pytest.approx(float(fields[1]))
        assert len(fields) >= 4 and all(f.strip() for f in fields[2:])
    rows = {tuple(line.split("\t")[2:]) for line in lines}
    assert ("found", "Mr. Baker", "an opening") in rows
    assert ("led to", "an opening", "Pittsburgh 's coal mine") in rows


def test_blank_lines_give_no_output(nlp):
    assert list(carb_lines(nlp, ["", "   "])) == []


def test_verb_chain_particle_and_preposition_in_the_relation(nlp):
    assert ("vowed to crack down on", "The parties", "visa abuse of legal migration routes") in tuples(
        nlp, "The parties vowed to crack down on visa abuse of legal migration routes.")


def test_coordination_is_split(nlp):
    found = tuples(nlp, "The UK and the EU signed the treaty.")
    assert {("signed", "The UK", "the treaty"), ("signed", "the EU", "the treaty")} <= found


def test_passive_stays_passive_with_the_agent_in_the_relation(nlp):
    assert ("was signed by", "The treaty", "France") in tuples(nlp, "The treaty was signed by France.")


def test_relative_clause_and_apposition(nlp):
    found = tuples(nlp, "Gideon Rodan, a biologist, taught at a university that trains dentists.")
    assert ("taught at", "Gideon Rodan", "a university") in found
    assert ("is", "Gideon Rodan", "a biologist") in found
    assert ("trains", "a university", "dentists") in found


def test_reported_speech_gives_the_report_and_the_inner_fact(nlp):
    found = tuples(nlp, "Keir Starmer said he has talked to countries about return hubs.")
    assert ("said", "Keir Starmer", "he has talked to countries about return hubs") in found
    assert ("has talked to", "he", "countries", "about return hubs") in found


def test_content_clause_keeps_that_in_the_relation(nlp):
    assert ("indicated that", "This finding", "organic compounds could carry current") in tuples(
        nlp, "This finding indicated that organic compounds could carry current .")


def test_negation_stays_in_the_relation(nlp):
    found = tuples(nlp, "The company did not sign the contract.")
    assert ("did not sign", "The company", "the contract") in found


# -- CaRB dev, a slice: the scorer's figures, and confidence that means something --


@pytest.fixture(scope="module")
def dev_slice_score(nlp, tmp_path_factory):
    from kg.eval.carb import read_gold, read_system, score, sentence_key

    need_shared(CARB / "dev.txt")
    with (CARB / "dev.txt").open(encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in islice(f, 150)]
    system_file = tmp_path_factory.mktemp("carb") / "system.tsv"
    system_file.write_text("".join(line + "\n" for line in carb_lines(nlp, sentences)), encoding="utf-8")
    keys = {sentence_key(s) for s in sentences}
    gold = {k: v for k, v in read_gold(CARB / "gold" / "dev.tsv").items() if k in keys}
    return score(gold, read_system(system_file))


def test_dev_slice_beats_the_rule_based_systems(dev_slice_score):
    # published on the test split: ClausIE 0.450, OpenIE-4 0.488 (FORMAT.md, section 5a)
    assert dev_slice_score.f1 >= 0.45
    assert dev_slice_score.auc >= 0.25


def test_sorting_by_confidence_trades_recall_for_precision(dev_slice_score):
    curve = dev_slice_score.curve  # ascending thresholds
    everything, confident = curve[0], next(p for p in reversed(curve) if p.recall >= 0.15)
    assert confident.precision > everything.precision + 0.05
    assert confident.recall < everything.recall
