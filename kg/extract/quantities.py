"""Amounts in the text: counts, money, percentages and measures.

"more than 12,500 people" -> value 12500, qualifier "more than", counted
"people"; "$1.13bn (£600m)" -> 1.13e9 USD and 6e8 GBP; "up 76%" -> 76
percent. Numbers come from spaCy's CARDINAL, MONEY, PERCENT and QUANTITY
entities; the qualifier ("more than", "about", "at least") may sit just
outside the entity and is taken in. Years, ordinals and dates are not
quantities.

>>> q = parse_quantity("more than 12,500")
>>> (q.value, q.qualifier, q.kind)
(12500.0, 'more than', 'count')
>>> parse_quantity("£40m").value, parse_quantity("£40m").unit
(40000000.0, 'GBP')
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.model import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

QUALIFIERS = (
    "more than", "greater than", "over", "above", "in excess of", "upwards of", "at least", "no fewer than",
    "no less than", "less than", "fewer than", "under", "below", "at most", "up to", "no more than",
    "about", "around", "roughly", "approximately", "some", "nearly", "almost", "close to", "just under",
    "just over", "an estimated", "estimated", "as many as", "as much as", "as few as", "tens of",
    "hundreds of", "thousands of", "millions of", "a further", "another", "an extra", "an additional",
)
_QUALIFIER = re.compile(r"^(?P<q>" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+", re.I)
CURRENCY_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "₽": "RUB"}
CURRENCY_WORDS = {
    "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "pence": "GBP", "p": "GBP",
    "dollar": "USD", "dollars": "USD", "cents": "USD", "euro": "EUR", "euros": "EUR",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rupees": "INR",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "franc": "CHF", "francs": "CHF",
    "krona": "SEK", "kronor": "SEK", "krone": "NOK", "lek": "ALL",
}
CURRENCY_PREFIXES = {"us": "USD", "a": "AUD", "au": "AUD", "c": "CAD", "ca": "CAD", "hk": "HKD", "nz": "NZD"}
SCALES = {
    "thousand": 1e3, "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6, "millions": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9, "billions": 1e9, "tn": 1e12, "trillion": 1e12,
    "hundred": 1e2, "dozen": 12,
}
NUMBER_WORDS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())} | {
    "thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0,
    "ninety": 90.0, "a": 1.0, "an": 1.0, "half": 0.5, "a half": 0.5, "a quarter": 0.25, "a third": 1 / 3,
    "a dozen": 12.0, "dozens": 24.0, "several": 3.0}
UNITS = {
    "km": "kilometre", "kilometres": "kilometre", "kilometers": "kilometre", "miles": "mile", "mile": "mile",
    "m": "metre", "metres": "metre", "meters": "metre", "cm": "centimetre", "mm": "millimetre",
    "kg": "kilogram", "kilograms": "kilogram", "tonnes": "tonne", "tons": "ton", "lbs": "pound", "g": "gram",
    "litres": "litre", "liters": "litre", "barrels": "barrel", "mph": "mile per hour", "km/h": "kilometre per hour",
    "acres": "acre", "hectares": "hectare", "feet": "foot", "ft": "foot", "inches": "inch", "gb": "gigabyte",
    "mb": "megabyte", "mw": "megawatt", "gw": "gigawatt", "kwh": "kilowatt hour", "degrees": "degree",
}
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b)?"
_MONEY_SYMBOL = re.compile(r"^(?P<prefix>[A-Za-z]{1,2})?\s*(?P<sym>[£$€¥₹₽])\s*" + _NUMBER + _SCALE, re.I)
_NUMBER_THEN_WORDS = re.compile(r"^" + _NUMBER + _SCALE + r"(?:\s*(?P<rest>.*))?$", re.I)


@dataclass(frozen=True)
class Amount:
    """What :func:`parse_quantity` read from a piece of text."""

    value: float | None
    kind: str
    qualifier: str | None = None
    unit: str | None = None
    upper: float | None = None


def _to_float(number: str) -> float:
    return float(number.replace(",", ""))


def _parse_single(text: str) -> Amount | None:
    t = text.strip().strip(".,;:()")
    lower = t.lower()
    m = _MONEY_SYMBOL.match(t)
    if m:
        value = _to_float(m["num"]) * SCALES.get((m["scale"] or "").lower(), 1.0)
        unit = CURRENCY_SYMBOLS[m["sym"]]
        if m["prefix"] and m["sym"] == "$":
            unit = CURRENCY_PREFIXES.get(m["prefix"].lower(), unit)
        return Amount(value, "money", unit=unit)
    m = _NUMBER_THEN_WORDS.match(t)
    if m:
        value = _to_float(m["num"]) * SCALES.get((m["scale"] or "").lower(), 1.0)
        return _with_unit(value, (m["rest"] or "").strip())
    words = lower.split()
    for n in (2, 1):  # "a dozen", "five", "two million"
        head = " ".join(words[:n])
        if head in NUMBER_WORDS:
            value = NUMBER_WORDS[head]
            rest = words[n:]
            if rest and rest[0] in SCALES:
                value *= SCALES[rest[0]]
                rest = rest[1:]
                if rest and rest[0] in SCALES:  # "two hundred thousand"
                    value *= SCALES[rest[0]]
                    rest = rest[1:]
            return _with_unit(value, " ".join(rest))
    if len(words) == 1 and words[0].endswith("s") and words[0][:-1] in SCALES:  # "thousands"
        return Amount(SCALES[words[0][:-1]], "count", qualifier=words[0])
    return None


def _with_unit(value: float, rest: str) -> Amount:
    rest_lower = rest.lower().strip()
    if rest_lower.startswith(("percentage point", "% point")):
        return Amount(value, "percent", unit="percentage point")
    if rest_lower in {"pc", "pct"} or rest_lower.startswith(("%", "per cent", "percent")):
        return Amount(value, "percent", unit="percent")
    first = rest_lower.split()[0] if rest_lower else ""
    if first in CURRENCY_WORDS:
        if first in {"p", "pence", "cents"}:
            value /= 100
        return Amount(value, "money", unit=CURRENCY_WORDS[first])
    if first in UNITS:
        return Amount(value, "measure", unit=UNITS[first])
    return Amount(value, "count")


_JUNK_WORDS = frozenset({"as", "of", "by", "to", "from", "at", "is", "was", "were", "than", "for", "with"})
_LEADING_JUNK = re.compile(r"^(?:as|of|by|to|from|at|is|was|were|than|for|with)\s+(?=\S)", re.I)
_NUMERIC_RANGE = re.compile(r"^(?:between\s+)?(?P<sym>[£$€])?(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?:-|\u2013|to|and)\s*"
                            r"(?P<upper>(?P<sym2>[£$€])?(?P<b>\d[\d,]*(?:\.\d+)?).*)$", re.I)


def parse_quantity(text: str) -> Amount | None:
    """The amount a CARDINAL/MONEY/PERCENT/QUANTITY mention states, or None."""
    t = re.sub(r"\s+", " ", text.strip())
    qualifier = None
    for _ in range(2):  # "as more than 12,500": junk, then the qualifier
        m = _QUALIFIER.match(t)
        if m:
            qualifier = m["q"].lower()
            t = t[m.end():]
            break
        t = _LEADING_JUNK.sub("", t)
    if qualifier in {"tens of", "hundreds of", "thousands of", "millions of"}:
        base = _parse_single(t) if t else None
        if base is not None and base.qualifier:  # "tens of thousands": the scale word is the base
            base = Amount(base.value, base.kind, None, base.unit)
        scale = 10.0 if qualifier == "tens of" else SCALES[qualifier.split()[0].rstrip("s")]
        value = (base.value if base and base.value else 1.0) * scale
        return Amount(value, base.kind if base else "count", qualifier, base.unit if base else None)
    r = _NUMERIC_RANGE.match(t)
    if r:
        upper = _parse_single((r["sym"] or "") + r["upper"] if not r["sym2"] else r["upper"])
        if upper is not None and upper.value:
            scale = upper.value / _to_float(r["b"]) if _to_float(r["b"]) else 1.0
            low = _to_float(r["a"]) * scale
            if low < upper.value:
                return Amount(low, upper.kind, qualifier, upper.unit, upper=upper.value)
    single = _parse_single(t)
    if single is None:
        return None
    return Amount(single.value, single.kind, qualifier or single.qualifier, single.unit)


def _counted(span: Span) -> str | None:
    """The noun a count counts: "12,500 people", "464,000 subscribers", "asylum seekers"."""
    last: Token = span[-1]
    noun = None
    if last.dep_ in {"nummod", "quantmod", "compound", "amod"} and last.head.pos_ in {"NOUN", "PROPN"} \
            and last.head.i >= span.end:
        noun = last.head
    elif span.end < len(span.doc) and span.doc[span.end].pos_ == "NOUN" and span.doc[span.end].head.i >= span.end:
        noun = span.doc[span.end]
    elif span.end + 1 < len(span.doc) and span.doc[span.end].lower_ == "of" \
            and span.doc[span.end + 1].pos_ in {"NOUN", "DET"}:
        noun = next((t for t in span.doc[span.end + 1:span.end + 4] if t.pos_ == "NOUN"), None)
    if noun is None:
        return None
    words = [c for c in noun.lefts if c.dep_ == "compound" and c.i >= span.end] + [noun]
    return " ".join(t.text for t in words)


def _extend_left(span: Span) -> tuple[int, str | None]:
    """A qualifier written just before the entity: "more than" + "12,500"."""
    doc = span.doc
    for n in (4, 3, 2, 1):
        start = span.start - n
        if start < 0:
            continue
        words = " ".join(t.lower_ for t in doc[start:span.start])
        if words in QUALIFIERS:
            return start, words
    return span.start, None


_SYMBOL_TOKEN = re.compile(r"^[A-Z]{0,2}[£$€¥₹₽]$")


def _complete(ent: Span) -> Span:
    """Take in what NER left outside an amount: "$" + "1.13bn", "£" + "600" + "m", "40 million" + "euros"."""
    doc = ent.doc
    start, end = ent.start, ent.end
    if start > 0 and _SYMBOL_TOKEN.match(doc[start - 1].text):
        start -= 1
    for _ in range(2):
        if end < len(doc) and (doc[end].lower_ in SCALES or doc[end].lower_ in CURRENCY_WORDS
                               or doc[end].text == "%") and doc[end].lower_ not in {"a", "b", "k", "p"}:
            end += 1
        elif end + 1 < len(doc) and doc[end].lower_ == "per" and doc[end + 1].lower_ == "cent":
            end += 2
    return doc[start:end] if (start, end) != (ent.start, ent.end) else ent


def read_quantities(doc: Doc, *, offset: int = 0) -> tuple[Quantity, ...]:
    """Every amount in ``doc`` as a :class:`Quantity`, with document offsets."""
    sent_starts = [s.start for s in doc.sents]
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}:
            continue
        if ent.label_ == "CARDINAL" and len(ent) == 1 and re.fullmatch(r"(?:1[89]|20)\d{2}", ent.text):
            continue  # a year that NER did not call a date
        ent = _complete(ent)
        amount = parse_quantity(ent.text)
        if amount is None or amount.value is None:
            continue
        start = ent.start
        while start < ent.end - 1 and doc[start].lower_ in _JUNK_WORDS:  # NER's "as more than 12,500"
            start += 1
        qualifier = amount.qualifier
        if qualifier is None:
            start, qualifier = _extend_left(ent)
        span = doc[start:ent.end]
        kind = amount.kind
        if ent.label_ == "MONEY" and kind == "count":
            kind = "money"
        elif ent.label_ == "PERCENT" and kind == "count":
            kind = "percent"
        out.append(Quantity(
            start=offset + span.start_char,
            end=offset + span.end_char,
            text=span.text,
            sentence=bisect.bisect_right(sent_starts, span.start) - 1,
            value=amount.value,
            kind=kind,
            qualifier=qualifier,
            unit=amount.unit or ("percent" if kind == "percent" else None),
            counted=_counted(ent) if kind == "count" else None,
            upper=amount.upper,
        ))
    return tuple(out)
