"""Issue 4: values in the text -- dates resolved to ISO, and amounts."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.extract.dates import is_duration, parse_anchor, resolve_date
from kg.model import Article
from kg.extract.quantities import parse_quantity

MONDAY = date(2025, 5, 19)  # the seed article's publication date


@pytest.mark.parametrize("text, value, datatype, start, end", [
    ("19th May 2025", "2025-05-19", "date", "2025-05-19", "2025-05-19"),
    ("May 19, 2025", "2025-05-19", "date", "2025-05-19", "2025-05-19"),
    ("Tuesday 20 May 2025", "2025-05-20", "date", "2025-05-20", "2025-05-20"),
    ("May 2025", "2025-05", "gYearMonth", "2025-05-01", "2025-05-31"),
    ("in February 2024", "2024-02", "gYearMonth", "2024-02-01", "2024-02-29"),
    ("2018", "2018", "gYear", "2018-01-01", "2018-12-31"),
    ("the end of 2024", "2024", "gYear", "2024-01-01", "2024-12-31"),
    ("the 1990s", None, None, "1990-01-01", "1999-12-31"),
    ("2018-19", None, None, "2018-01-01", "2019-12-31"),
    ("Q3 2024", None, None, "2024-07-01", "2024-09-30"),
])
def test_absolute_dates_keep_their_precision(text, value, datatype, start, end):
    for anchor in (None, MONDAY):
        r = resolve_date(text, anchor)
        assert (r.value, r.datatype, r.start, r.end, r.relative) == (value, datatype, start, end, False)


@pytest.mark.parametrize("text, value, datatype, start, end", [
    ("last week", None, None, "2025-05-12", "2025-05-18"),
    ("this week", None, None, "2025-05-19", "2025-05-25"),
    ("so far this year", None, None, "2025-01-01", "2025-05-19"),
    ("earlier this month", None, None, "2025-05-01", "2025-05-19"),
    ("on Friday", "2025-05-16", "date", "2025-05-16", "2025-05-16"),
    ("last Friday", "2025-05-16", "date", "2025-05-16", "2025-05-16"),
    ("Monday", "2025-05-19", "date", "2025-05-19", "2025-05-19"),  # the day of publication
    ("next Tuesday", "2025-05-20", "date", "2025-05-20", "2025-05-20"),
    ("yesterday", "2025-05-18", "date", "2025-05-18", "2025-05-18"),
    ("last night", "2025-05-18", "date", "2025-05-18", "2025-05-18"),
    ("this year", "2025", "gYear", "2025-01-01", "2025-12-31"),
    ("last year", "2024", "gYear", "2024-01-01", "2024-12-31"),
    ("last month", "2025-04", "gYearMonth", "2025-04-01", "2025-04-30"),
    ("next month", "2025-06", "gYearMonth", "2025-06-01", "2025-06-30"),
    ("in March", "2025-03", "gYearMonth", "2025-03-01", "2025-03-31"),
    ("December", "2024-12", "gYearMonth", "2024-12-01", "2024-12-31"),  # the last one, in a report
    ("21 December", "2024-12-21", "date", "2024-12-21", "2024-12-21"),
    ("two years ago", "2023", "gYear", "2023-01-01", "2023-12-31"),
    ("three weeks ago", None, None, "2025-04-28", "2025-05-04"),
    ("the past five years", None, None, "2020-05-19", "2025-05-19"),
    ("the first quarter", None, None, "2025-01-01", "2025-03-31"),
])
def test_relative_dates_resolve_against_publication(text, value, datatype, start, end):
    r = resolve_date(text, MONDAY)
    assert (r.value, r.datatype, r.start, r.end, r.relative) == (value, datatype, start, end, True)
    assert resolve_date(text, None) is None  # no publication date, no guess


def test_future_tense_looks_ahead():
    assert resolve_date("Friday", MONDAY, tense="future").value == "2025-05-23"
    assert resolve_date("December", MONDAY, tense="future").value == "2025-12"


@pytest.mark.parametrize("text", ["the calendar year", "recent years", "31 February 2025", "2000 and 2003"])
def test_unresolvable_dates_give_none(text):
    assert resolve_date(text, MONDAY) is None


@pytest.mark.parametrize("text, duration", [
    ("five years", True), ("49-year-old", True), ("a three-year", True), ("more than three months", True),
    ("Friday", False), ("the past five years", False), ("2018", False), ("two years ago", False),
])
def test_durations_are_not_times(text, duration):
    assert is_duration(text) is duration


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_relative_interval_is_ordered_and_valid(anchor):
    for text in ("last week", "so far this year", "on Friday", "last month", "next week", "earlier this month",
                 "three weeks ago", "the past two years", "this weekend", "December", "21 December"):
        r = resolve_date(text, anchor)
        assert r is not None, text
        assert date.fromisoformat(r.start) <= date.fromisoformat(r.end), text


def test_parse_anchor():
    assert parse_anchor("2025-05-19T13:59:00+01:00") == MONDAY
    assert parse_anchor("2025-02-30") is None and parse_anchor(None) is None


# -- amounts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, kind, qualifier, unit, upper", [
    ("as more than 12,500", 12500, "count", "more than", None, None),
    ("$1.13bn", 1.13e9, "money", None, "USD", None),
    ("£600m", 6e8, "money", None, "GBP", None),
    ("US$5bn", 5e9, "money", None, "USD", None),
    ("40 million euros", 4e7, "money", None, "EUR", None),
    ("75p", 0.75, "money", None, "GBP", None),
    ("£10-20m", 1e7, "money", None, "GBP", 2e7),
    ("76%", 76, "percent", None, "percent", None),
    ("about 20 per cent", 20, "percent", "about", "percent", None),
    ("3.5 percentage points", 3.5, "percent", None, "percentage point", None),
    ("nearly two million", 2e6, "count", "nearly", None, None),
    ("tens of thousands", 1e4, "count", "tens of", None, None),
    ("between 10 and 20", 10, "count", None, None, 20),
    ("100km", 100, "measure", None, "kilometre", None),
])
def test_amounts(text, value, kind, qualifier, unit, upper):
    q = parse_quantity(text)
    assert q.value == pytest.approx(value)
    assert (q.kind, q.qualifier, q.unit) == (kind, qualifier, unit)
    assert q.upper == (pytest.approx(upper) if upper else None)


# -- with the real model ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed(nlp, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    article = read_anatomy(Article(doc_id="seed", text=text))
    return extract(nlp(text[article.body_start:article.body_end]), article)


def test_seed_dates(seed):
    times = {t.text: t for t in seed.times}
    assert times["so far this year"].interval_start == "2025-01-01"
    assert times["so far this year"].interval_end == "2025-05-19"
    assert (times["2018"].value, times["2018"].datatype) == ("2018", "gYear")
    assert (times["last week"].interval_start, times["last week"].interval_end) == ("2025-05-12", "2025-05-18")
    text = seed.article.text
    for t in seed.times:
        assert text[t.start:t.end] == t.text
        assert seed.sentences[t.sentence].start <= t.start < seed.sentences[t.sentence].end


def test_seed_quantities(seed):
    people = next(q for q in seed.quantities if q.value == 12500)
    assert (people.qualifier, people.counted, people.kind) == ("more than", "people", "count")
    assert people.text == "more than 12,500"
    assert seed.article.text[people.start:people.end] == people.text


def test_weekday_follows_the_verb_tense(nlp):
    text = "The ministers met on Friday. They will meet again on Friday."
    article = Article(doc_id="t", text=text, date="2025-05-19", body_end=len(text))
    x = extract(nlp(text), article)
    assert [t.value for t in x.times] == ["2025-05-16", "2025-05-23"]
