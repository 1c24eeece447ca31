"""The CaRB scorer: each matching rule on hand-built files, then the reference figure.

Expected values are worked out by hand in the comments: precision = matched words /
predicted words in the slots the gold has, recall = matched words / gold words.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.eval.carb import (
    CarbScore,
    Extraction,
    Tuple,
    format_score,
    read_gold,
    read_system,
    score_files,
    sentence_key,
)

CARB_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "carb"
S = "Obama met Merkel in Berlin ."
T = "The minister said the plan failed ."


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _score(tmp_path: Path, gold_rows: list[str], system_rows: list[str]) -> CarbScore:
    gold = _write(tmp_path / "gold.tsv", gold_rows)
    system = _write(tmp_path / "system.tsv", system_rows)
    return score_files(gold, system)


def _pair(tmp_path: Path, gold_tuple: str, predicted_tuple: str) -> tuple[float, float]:
    """(P, R) of one prediction against one gold tuple, as the corpus figure."""
    result = _score(tmp_path, [f"{S}\t{gold_tuple}"], [f"{S}\t1.0\t{predicted_tuple}"])
    return round(result.precision, 6), round(result.recall, 6)


# --- one pair ------------------------------------------------------------------------

def test_exact_match_scores_one(tmp_path):
    result = _score(tmp_path, [f"{S}\tmet\tObama\tMerkel"], [f"{S}\t0.9\tmet\tObama\tMerkel"])
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert result.auc == 1.0  # trapezoid from (R=1, P=1) to (0, 1)
    assert result.threshold == 0.9


def test_zero_relation_overlap_kills_the_pair(tmp_path):
    # Arguments match perfectly but no relation word is shared: (0, 0).
    assert _pair(tmp_path, "met\tObama\tMerkel", "visited\tObama\tMerkel") == (0.0, 0.0)


def test_words_are_case_sensitive_and_order_free(tmp_path):
    # rel 1/1; subject "obama" != "Obama": 0 of 1; object "Berlin in" = "in Berlin": 2 of 2.
    assert _pair(tmp_path, "met\tObama\tin Berlin", "met\tobama\tBerlin in") == (0.75, 0.75)


def test_argument_without_overlap_does_not_kill_the_pair(tmp_path):
    # rel 1/1, subject 1/1, object "Macron" vs "Merkel" 0/1: P = R = 2/3.
    assert _pair(tmp_path, "met\tObama\tMerkel", "met\tObama\tMacron") == (0.666667, 0.666667)


def test_spare_be_matches_a_form_of_be(tmp_path):
    # rel: "be" stands for gold "is" -> 1 match over predicted "will be" (2 words);
    # subject 1/1; object "President" in "the President": 1 of 2 predicted.
    # P = 3 / (2 + 1 + 2) = 0.6, R = 3 / (1 + 1 + 1) = 1.
    assert _pair(tmp_path, "is\tBush\tPresident", "will be\tBush\tthe President") == (0.6, 1.0)


def test_be_rule_needs_a_whole_be_word_in_gold(tmp_path):
    # "isolated" contains "is" but is not a form of be; "became" is not either.
    assert _pair(tmp_path, "isolated\tBush\tPresident", "be\tBush\tPresident") == (0.0, 0.0)
    assert _pair(tmp_path, "became\tBush\tPresident", "be\tBush\tPresident") == (0.0, 0.0)


def test_be_rule_only_uses_a_spare_be(tmp_path):
    # Gold "was be" (odd but possible): "be" matches "be" exactly, then there is no
    # spare "be" left for "was". P = (1 + 1 + 1) / (1 + 1 + 1), R = 3 / 4.
    assert _pair(tmp_path, "was be\tBush\tPresident", "be\tBush\tPresident") == (1.0, 0.75)


def test_missing_object_or_subject_scores_zero(tmp_path):
    assert _pair(tmp_path, "met\tObama\tMerkel", "met\tObama") == (0.0, 0.0)
    assert _pair(tmp_path, "met\tObama\tMerkel", "met") == (0.0, 0.0)


def test_subject_only_gold_ignores_the_predicted_object(tmp_path):
    # The trailing TAB disappears when the line is stripped: a subject-only tuple.
    # The predicted object "in Berlin" faces no gold object, so it is not counted.
    assert _pair(tmp_path, "met\tObama\t", "met\tObama\tin Berlin") == (1.0, 1.0)


def test_later_arguments_are_joined_into_one_object(tmp_path):
    # gold object "Merkel in Berlin" (3 words), predicted "in Berlin Merkel today" (4):
    # 3 shared. P = (1 + 1 + 3) / (1 + 1 + 4) = 5/6, R = 5/5.
    assert _pair(tmp_path, "met\tObama\tMerkel\tin Berlin",
                 "met\tObama\tin Berlin\tMerkel today") == (0.833333, 1.0)


def test_said_relation_also_tries_swapped_arguments(tmp_path):
    # Straight: subject "the minister"/"the plan failed" share "the", object likewise:
    # P = 3/6, R = 3/6. Swapped: everything matches. "said" keeps the better one.
    gold = "said\tthe minister\tthe plan failed"
    swapped = "said\tthe plan failed\tthe minister"
    assert _pair(tmp_path, gold, swapped) == (1.0, 1.0)
    assert _pair(tmp_path, "stated\tthe minister\tthe plan failed",
                 "stated\tthe plan failed\tthe minister") == (0.5, 0.5)


def test_context_arguments_dropped_time_and_location_kept(tmp_path):
    gold_row = f"{S}\tmet\tObama\tMerkel\tC: officials said\tT: on Monday"
    gold = read_gold(_write(tmp_path / "gold.tsv", [gold_row]))
    assert gold[sentence_key(S)] == [Tuple("met", ("Obama", "Merkel", "T: on Monday"), S)]
    # gold object "Merkel T: on Monday" (4 words), predicted "Merkel on Monday" (3), 3 shared:
    # P = 5/5, R = 5/6; the "T:" word is never produced by a system.
    assert _pair(tmp_path, gold_row.split("\t", 1)[1],
                 "met\tObama\tMerkel\ton Monday") == (1.0, 0.833333)


# --- a sentence, a corpus ------------------------------------------------------------

def test_one_prediction_can_be_best_for_several_gold_tuples(tmp_path):
    # Against each gold tuple: rel 1/1, subject 1/1, object 1 of 3 predicted words.
    # Pair (P, R) = (3/5, 1). Recall takes the best per gold: (1 + 1) / 2 = 1.
    # Precision pairs one to one: one kept prediction -> 0.6 / 1.
    result = _score(tmp_path,
                    [f"{S}\tmet\tObama\tMerkel", f"{S}\tmet\tObama\tMacron"],
                    [f"{S}\t1.0\tmet\tObama\tMerkel and Macron"])
    assert (round(result.precision, 6), result.recall) == (0.6, 1.0)
    assert round(result.f1, 6) == 0.75


def test_precision_matching_is_greedy_one_to_one(tmp_path):
    # Both predictions fit the first gold tuple (P 1 and 3/5) and not the second.
    # Greedy takes (g1, p1) = 1, then (g2, p2) = 0: P = 1 / 2. R = (1 + 0) / 2.
    result = _score(tmp_path,
                    [f"{S}\tmet\tObama\tMerkel", f"{S}\tvisited\tObama\tBerlin"],
                    [f"{S}\t1.0\tmet\tObama\tMerkel", f"{S}\t1.0\tmet\tObama\tMerkel in Berlin"])
    assert (result.precision, result.recall) == (0.5, 0.5)


def test_threshold_sweep_picks_the_best_f1_and_integrates_the_curve(tmp_path):
    gold_rows = [f"{S}\tmet\tObama\tMerkel", f"{S}\tvisited\tObama\tBerlin"]
    system_rows = [
        f"{S}\t0.9\tmet\tObama\tMerkel",             # g1 exactly
        f"{S}\t0.5\tvisited\tObama\tBerlin today",   # g2: P 3/4, R 1
        f"{S}\t0.2\tsaw\tObama\tMerkel",             # nothing
        f"{T}\t0.7\tsaid\tThe minister\tthe plan failed",  # no gold: only a threshold
    ]
    result = _score(tmp_path, gold_rows, system_rows)
    # t=0.2: P = (1 + 0.75) / 3, R = 1        F1 14/19
    # t=0.5: P = 1.75 / 2,       R = 1        F1 14/15  <- optimal
    # t=0.7: P = 1 / 1,          R = 1/2      (the 0.7 extraction is not on a gold sentence)
    # t=0.9: P = 1 / 1,          R = 1/2
    assert [(p.threshold, round(p.precision, 6), p.recall) for p in result.curve] == [
        (0.2, 0.583333, 1.0), (0.5, 0.875, 1.0), (0.7, 1.0, 0.5), (0.9, 1.0, 0.5)]
    assert (result.threshold, result.precision, result.recall) == (0.5, 0.875, 1.0)
    assert round(result.f1, 6) == round(14 / 15, 6)
    # Trapezoids over (1, 7/12) (1, 7/8) (1/2, 1) (1/2, 1) (0, 1):
    # 0 + 0.5 * (7/8 + 1) / 2 + 0 + 0.5 * 1 = 0.96875.
    assert result.auc == pytest.approx(0.96875)
    assert (result.n_gold, result.n_system, result.n_sentences, result.n_thresholds) == (2, 4, 1, 4)


def test_gold_sentence_without_predictions_still_counts_for_recall(tmp_path):
    result = _score(tmp_path,
                    [f"{S}\tmet\tObama\tMerkel", f"{T}\tsaid\tThe minister\tthe plan failed"],
                    [f"{S}\t1.0\tmet\tObama\tMerkel"])
    assert (result.precision, result.recall) == (1.0, 0.5)


def test_no_prediction_on_a_gold_sentence_gives_precision_one(tmp_path):
    result = _score(tmp_path, [f"{S}\tmet\tObama\tMerkel"],
                    [f"{T}\t0.3\tsaid\tThe minister\tthe plan failed"])
    assert (result.precision, result.recall, result.f1, result.auc) == (1.0, 0.0, 0.0, 0.0)


def test_empty_system_scores_zero(tmp_path):
    result = _score(tmp_path, [f"{S}\tmet\tObama\tMerkel"], [])
    assert (result.f1, result.auc, result.threshold, result.n_system) == (0.0, 0.0, None, 0)
    assert "no extractions" in format_score(result)


# --- sentence keys and readers -------------------------------------------------------

def test_sentence_key_ignores_spaces_ptb_brackets_and_ascii_punctuation():
    assert sentence_key("Pittsburgh 's team -LRB- PA -RRB- won .") == "PittsburghsteamPAwon"
    assert sentence_key("Pittsburgh's team (PA) won.") == "PittsburghsteamPAwon"
    assert sentence_key("`` Yes , '' he said .") != sentence_key("\u201cYes,\u201d he said.")


def test_detokenised_system_sentence_still_matches(tmp_path):
    result = _score(tmp_path, [f"{S}\tmet\tObama\tMerkel"],
                    ["Obama met Merkel in Berlin.\t1.0\tmet\tObama\tMerkel"])
    assert result.f1 == 1.0


def test_gold_variants_of_one_sentence_are_pooled(tmp_path):
    # CaRB's dev gold spells three sentences two ways (a trailing space before the TAB).
    gold = read_gold(_write(tmp_path / "gold.tsv", [f"{S}\tmet\tObama\tMerkel",
                                                    f"{S} \tmet\tObama\tin Berlin"]))
    assert [t.args for t in gold[sentence_key(S)]] == [("Obama", "Merkel"), ("Obama", "in Berlin")]


def test_read_system_keeps_order_arguments_and_confidence(tmp_path):
    system = read_system(_write(tmp_path / "system.tsv", [
        f"{S}\t-1.5\tmet\tObama\tMerkel\tin Berlin", "", f"{S}\t2\tmet\tObama\tC: he said"]))
    assert system == {sentence_key(S): [
        Extraction(-1.5, "met", ("Obama", "Merkel", "in Berlin"), S),
        Extraction(2.0, "met", ("Obama", "C: he said"), S),  # systems keep C: arguments
    ]}


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found: .*nowhere.tsv"):
        read_gold(tmp_path / "nowhere.tsv")
    with pytest.raises(InputError, match="not found"):
        score_files(tmp_path / "nowhere.tsv", tmp_path / "neither.tsv")


def test_too_few_fields_names_file_and_line(tmp_path):
    path = _write(tmp_path / "system.tsv", [f"{S}\t1.0\tmet\tObama\tMerkel", f"{S}\t1.0"])
    with pytest.raises(InputError, match=r"system\.tsv:2: expected at least 3 .*found 2"):
        read_system(path)
    gold = _write(tmp_path / "gold.tsv", [f"{S}\tmet\tObama", "", S])
    with pytest.raises(InputError, match=r"gold\.tsv:3: expected at least 2 .*found 1"):
        read_gold(gold)


@pytest.mark.parametrize("confidence", ["high", "nan", ""])
def test_non_float_confidence_names_file_and_line(tmp_path, confidence):
    path = _write(tmp_path / "system.tsv", [f"{S}\t0.5\tmet\tObama\tMerkel",
                                            f"{S}\t{confidence}\tmet\tObama\tMerkel"])
    with pytest.raises(InputError, match=r"system\.tsv:2: confidence .* is not a number"):
        read_system(path)


def test_input_error_is_a_kg_error():
    from kg.errors import KGError

    assert issubclass(InputError, KGError)


def test_empty_gold_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no gold tuples"):
        read_gold(_write(tmp_path / "gold.tsv", [""]))


# --- the reference figure ------------------------------------------------------------

def test_reproduces_carb_reference_figure_for_openie5_dev():
    """FORMAT.md §6: 676 thresholds, F1 0.4581 (P 0.5257, R 0.4059), AUC 0.2402."""
    if not CARB_DIR.is_dir():
        pytest.skip("../shared/eval/carb not present (only in the project's CI/dev checkout)")
    result = score_files(CARB_DIR / "gold" / "dev.tsv",
                         CARB_DIR / "reference_outputs" / "openie5_dev.tsv")
    assert result.n_thresholds == 676
    assert (round(result.f1, 4), round(result.precision, 4), round(result.recall, 4)) == (
        0.4581, 0.5257, 0.4059)
    assert round(result.auc, 4) == 0.2402
    # §1 and §5a: the counts behind it and CaRB's own 3-decimal printout.
    assert (result.n_gold, result.n_sentences, result.n_system) == (2548, 638, 1579)
    assert (round(result.precision, 3), round(result.recall, 3), round(result.f1, 3),
            round(result.auc, 3)) == (0.526, 0.406, 0.458, 0.240)
    assert format_score(result).startswith("CaRB  F1 0.458  P 0.526  R 0.406  AUC 0.240")
