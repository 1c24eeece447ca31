"""A CaRB Open IE scorer, written from ``shared/eval/carb/FORMAT.md``.

CaRB (Bhardwaj, Aggarwal & Mausam, EMNLP 2019) scores (relation, arguments)
tuples word by word against crowdsourced gold tuples and reports the F1 at the
best confidence threshold plus the area under the precision-recall curve. This
module reimplements its default "binary lenient tuple match" so that a figure
computed here can be compared with the published tables.

>>> s = score_files("gold/dev.tsv", "reference_outputs/openie5_dev.tsv")  # doctest: +SKIP
>>> print(format_score(s))                                                # doctest: +SKIP
CaRB  F1 0.458  P 0.526  R 0.406  AUC 0.240  (threshold 0.1761, 676 thresholds)
"""
from __future__ import annotations

import math
import os
import string
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from kg.errors import InputError

__all__ = [
    "CarbScore",
    "CurvePoint",
    "Extraction",
    "Tuple",
    "format_score",
    "read_gold",
    "read_system",
    "score",
    "score_files",
    "sentence_key",
]

_PTB_BRACKETS = {
    "-LRB-": "(", "-RRB-": ")",
    "-LSB-": "[", "-RSB-": "]",
    "-LCB-": "{", "-RCB-": "}",
}
_DELETE_ASCII_PUNCTUATION = str.maketrans("", "", string.punctuation)
_FORMS_OF_BE = frozenset({"be", "is", "am", "are", "was", "were", "been", "being"})
# Reporting verbs whose subject and object annotators often swapped.
_SAID_VERBS = ("said", "told", "added", "adds", "says")
_CONTEXT_PREFIX = "C: "


@dataclass(frozen=True)
class Tuple:
    """One gold tuple: a relation and its arguments, subject first.

    Context arguments (``C: ...``) are already dropped; ``T:``/``L:`` ones are
    kept with their prefix, as CaRB does.
    """

    relation: str
    args: tuple[str, ...]
    sentence: str = ""


@dataclass(frozen=True)
class Extraction:
    """One system tuple with the confidence that places it on the PR curve."""

    confidence: float
    relation: str
    args: tuple[str, ...]
    sentence: str = ""


@dataclass(frozen=True)
class CurvePoint:
    """Corpus precision and recall when only predictions >= threshold are kept."""

    threshold: float
    precision: float
    recall: float


@dataclass(frozen=True)
class CarbScore:
    """CaRB figures: P, R and F1 at the F1-optimal threshold, and the PR-curve AUC.

    ``threshold`` is None when the system produced no extraction at all.
    ``curve`` holds one point per distinct confidence, in ascending order.
    """

    precision: float
    recall: float
    f1: float
    auc: float
    threshold: float | None
    n_gold: int
    n_system: int
    n_sentences: int
    n_thresholds: int
    curve: tuple[CurvePoint, ...] = field(default=(), repr=False)


def sentence_key(sentence: str) -> str:
    """The key gold and system sentences are matched on.

    Spaces are removed, PTB bracket tokens turned back into brackets, then every
    ASCII punctuation character deleted, so tokenisation differences do not matter.

    >>> sentence_key("Pittsburgh 's -LRB- PA -RRB- team .")
    'PittsburghsPAteam'
    """
    key = sentence.replace(" ", "")
    for token, bracket in _PTB_BRACKETS.items():
        key = key.replace(token, bracket)
    return key.translate(_DELETE_ASCII_PUNCTUATION)


def read_gold(path: str | os.PathLike) -> dict[str, list[Tuple]]:
    """Gold tuples (``sentence, relation, arg1, arg2 ...``) keyed by sentence key.

    Sentences whose text differs only in spacing or punctuation share one key and
    their tuples are pooled, in file order.
    """
    gold: dict[str, list[Tuple]] = {}
    for _, fields in _read_tab_rows(path, min_fields=2, layout="sentence, relation, arg1, arg2 ...",
                                    role="gold"):
        sentence, relation = fields[0], fields[1]
        args = tuple(arg.strip() for arg in fields[2:] if _CONTEXT_PREFIX not in arg)
        gold.setdefault(sentence_key(sentence), []).append(
            Tuple(relation=relation.strip(), args=args, sentence=sentence.strip()))
    if not gold:
        raise InputError(f"{path}: no gold tuples found; pass a CaRB gold .tsv "
                         "(sentence<TAB>relation<TAB>arg1 ...)")
    return gold


def read_system(path: str | os.PathLike) -> dict[str, list[Extraction]]:
    """System extractions in CaRB's simple tab format, keyed by sentence key.

    Each line is ``sentence, confidence, relation, arg1, arg2 ...``; blank lines
    are skipped. An empty file is a system that extracted nothing.
    """
    layout = "sentence, confidence, relation, arg1, arg2 ..."
    system: dict[str, list[Extraction]] = {}
    for line_no, fields in _read_tab_rows(path, min_fields=3, layout=layout, role="system"):
        sentence, raw_confidence, relation = fields[0], fields[1], fields[2]
        try:
            confidence = float(raw_confidence)
        except ValueError:
            confidence = math.nan
        if math.isnan(confidence):
            raise InputError(f"{path}:{line_no}: confidence {raw_confidence!r} is not a number; "
                             f"the second field must be a float ({layout}); write 1.0 "
                             "everywhere if the system has no confidences")
        system.setdefault(sentence_key(sentence), []).append(
            Extraction(confidence=confidence, relation=relation.strip(),
                       args=tuple(arg.strip() for arg in fields[3:]), sentence=sentence.strip()))
    return system


def score(gold: Mapping[str, Sequence[Tuple]],
          system: Mapping[str, Sequence[Extraction]]) -> CarbScore:
    """Score ``system`` against ``gold``, both keyed by :func:`sentence_key`.

    Recall at a threshold sums, per gold tuple, the best recall any kept
    prediction reaches; precision pairs gold and kept predictions greedily one to
    one by precision. Both are micro-averaged over the gold sentences only.
    """
    n_gold = sum(len(tuples) for tuples in gold.values())
    if n_gold == 0:
        raise InputError("the gold standard has no tuples; pass a CaRB gold file")
    thresholds = sorted({ex.confidence for exs in system.values() for ex in exs})
    matched_precision = [0.0] * len(thresholds)
    matched_recall = [0.0] * len(thresholds)
    kept = [0] * len(thresholds)
    for key, gold_tuples in gold.items():
        for first, last, step in _sentence_steps(gold_tuples, system.get(key, ()), thresholds):
            for t in range(first, last):
                matched_precision[t] += step.precision
                matched_recall[t] += step.recall
                kept[t] += step.kept

    curve = tuple(
        CurvePoint(threshold=t, precision=matched_precision[i] / kept[i] if kept[i] else 1.0,
                   recall=matched_recall[i] / n_gold)
        for i, t in enumerate(thresholds))
    n_system = sum(len(exs) for exs in system.values())
    if not curve:
        return CarbScore(precision=0.0, recall=0.0, f1=0.0, auc=0.0, threshold=None,
                         n_gold=n_gold, n_system=n_system, n_sentences=len(gold), n_thresholds=0)
    best, best_f1 = curve[0], -1.0
    for point in curve:  # ascending thresholds; the first maximum wins
        f1 = _f1(point.precision, point.recall)
        if f1 > best_f1:
            best, best_f1 = point, f1
    return CarbScore(precision=best.precision, recall=best.recall, f1=best_f1,
                     auc=_area_under_curve(curve), threshold=best.threshold, n_gold=n_gold,
                     n_system=n_system, n_sentences=len(gold), n_thresholds=len(thresholds),
                     curve=curve)


def score_files(gold_path: str | os.PathLike, system_path: str | os.PathLike) -> CarbScore:
    """Read a gold file and a tab-format system file and score them."""
    return score(read_gold(gold_path), read_system(system_path))


def format_score(score: CarbScore) -> str:
    """A few lines for people: the headline figures, then the counts behind them."""
    threshold = ("no extractions" if score.threshold is None
                 else f"threshold {score.threshold:.4g}, {score.n_thresholds} thresholds")
    return (f"CaRB  F1 {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}  "
            f"AUC {score.auc:.3f}  ({threshold})\n"
            f"gold: {score.n_gold} tuples in {score.n_sentences} sentences; "
            f"system: {score.n_system} extractions")


# --- reading -------------------------------------------------------------------------

def _read_tab_rows(path: str | os.PathLike, *, min_fields: int, layout: str,
                   role: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, TAB fields) of each non-blank line, stripped before splitting.

    Stripping first matters: a line ending in an empty field loses that field,
    which is how CaRB reads its subject-only gold tuples.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"CaRB {role} file not found: {file} (check the path)") from None
    except IsADirectoryError:
        raise InputError(f"CaRB {role} path is a directory: {file} (pass the .tsv file)") from None
    except UnicodeDecodeError as err:
        line_no = _line_of_byte(file, err.start)
        raise InputError(f"{file}:{line_no}: not UTF-8 text; re-save the {role} file "
                         "as UTF-8") from None
    # Split on "\n" only: splitlines() would also break at U+2028, U+0085 ... inside a sentence.
    for line_no, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) < min_fields:
            raise InputError(f"{file}:{line_no}: expected at least {min_fields} TAB-separated "
                             f"fields ({layout}), found {len(fields)}; fix or remove the line")
        yield line_no, fields


def _line_of_byte(file: Path, offset: int) -> int:
    """The 1-based line number holding byte ``offset``, for error messages."""
    return file.read_bytes()[:offset].count(b"\n") + 1


# --- matching ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Words:
    """A tuple made binary (subject, joined object) and split into word bags."""

    relation: Counter[str]
    relation_size: int
    has_be_form: bool
    args: tuple[tuple[Counter[str], int], ...]

    @classmethod
    def of(cls, relation: str, args: Sequence[str]) -> _Words:
        words = relation.split()
        return cls(relation=Counter(words), relation_size=len(words),
                   has_be_form=any(w in _FORMS_OF_BE for w in words),
                   args=tuple((Counter(a.split()), len(a.split())) for a in args))


def _binary(args: Sequence[str]) -> tuple[str, ...]:
    """Subject, then every later argument joined into one object."""
    return tuple(args) if len(args) < 2 else (args[0], " ".join(args[1:]))


def _overlap(gold: Counter[str], predicted: Counter[str]) -> int:
    """Words in common, each predicted word used at most once."""
    return sum((gold & predicted).values())


def _match(gold: _Words, predicted: _Words) -> tuple[float, float]:
    """(precision, recall) of one prediction against one gold tuple."""
    matched = _overlap(gold.relation, predicted.relation)
    # A spare "be" in the prediction stands for any form of "be" in the gold.
    if gold.has_be_form and (predicted.relation - gold.relation)["be"] > 0:
        matched += 1
    if matched == 0:
        return 0.0, 0.0
    precision_hits = recall_hits = matched
    precision_size, recall_size = predicted.relation_size, gold.relation_size
    for i, (gold_words, gold_size) in enumerate(gold.args):
        recall_size += gold_size
        if i >= len(predicted.args):
            return 0.0, 0.0  # the prediction lacks the subject or the object
        predicted_words, predicted_size = predicted.args[i]
        precision_size += predicted_size
        hits = _overlap(gold_words, predicted_words)
        precision_hits += hits
        recall_hits += hits
    return precision_hits / precision_size, recall_hits / recall_size


def _pair_scores(gold: Sequence[Tuple],
                 predicted: Sequence[Extraction]) -> list[list[tuple[float, float]]]:
    """The (precision, recall) of every gold tuple (rows) against every prediction."""
    straight = [_Words.of(p.relation, _binary(p.args)) for p in predicted]
    swapped = [_Words.of(p.relation, _binary(p.args)[::-1]) if len(p.args) >= 2 else words
               for p, words in zip(predicted, straight)]
    rows = []
    for g in gold:
        gold_words = _Words.of(g.relation, _binary(g.args))
        if any(verb in g.relation for verb in _SAID_VERBS):
            rows.append([max(_match(gold_words, s), _match(gold_words, w))
                         for s, w in zip(straight, swapped)])
        else:
            rows.append([_match(gold_words, s) for s in straight])
    return rows


@dataclass(frozen=True)
class _Step:
    """One sentence's numerators and kept-prediction count at one threshold."""

    precision: float
    recall: float
    kept: int


def _sentence_steps(gold: Sequence[Tuple], predicted: Sequence[Extraction],
                    thresholds: Sequence[float]) -> Iterator[tuple[int, int, _Step]]:
    """(first, last, step): ``step`` holds for corpus thresholds[first:last].

    The kept set only changes at this sentence's own confidences, so it is
    scored once per distinct confidence and spread over the corpus thresholds
    between it and the one below it.
    """
    if not predicted:
        return
    scores = _pair_scores(gold, predicted)
    first = 0
    for confidence in sorted({p.confidence for p in predicted}):
        kept = [j for j, p in enumerate(predicted) if p.confidence >= confidence]
        recall = sum(max(row[j][1] for j in kept) for row in scores)
        last = bisect_right(thresholds, confidence)
        yield first, last, _Step(_greedy_precision(scores, kept), recall, len(kept))
        first = last


def _greedy_precision(scores: list[list[tuple[float, float]]], kept: list[int]) -> float:
    """Sum of precisions over a greedy one-to-one gold/prediction pairing.

    Repeatedly takes the highest-precision pair among unused rows and columns
    (first one found on ties), min(#gold, #kept) times.
    """
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    total = 0.0
    for _ in range(min(len(scores), len(kept))):
        best, best_row, best_col = -1.0, -1, -1
        for i, row in enumerate(scores):
            if i in used_rows:
                continue
            for j in kept:
                if j not in used_cols and row[j][0] > best:
                    best, best_row, best_col = row[j][0], i, j
        used_rows.add(best_row)
        used_cols.add(best_col)
        total += best
    return total


# --- the curve -----------------------------------------------------------------------

def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _area_under_curve(curve: Sequence[CurvePoint]) -> float:
    """Trapezoid area under (recall, precision), closed by the point (R=0, P=1)."""
    points = [(p.recall, p.precision) for p in curve] + [(0.0, 1.0)]
    area = sum((x0 - x1) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in zip(points, points[1:]))
    return abs(area)
