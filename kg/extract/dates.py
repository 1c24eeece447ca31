"""DATE mentions -> ISO 8601 values, resolved against the publication date.

Absolute dates keep their precision: "19th May 2025" is an ``xsd:date``,
"May 2025" an ``xsd:gYearMonth``, "2018" an ``xsd:gYear``. Relative ones are
resolved against the article's date: "last week" is the Monday-to-Sunday
interval before the week of publication, "so far this year" runs from 1
January to the publication date, and "on Friday" is the most recent Friday
(the next one when the verb is in the future tense: "will meet on Friday").
Every resolved value also carries an inclusive date interval, so a query can
ask "what happened in May 2025?" of dates, months and years alike.

Durations ("five years", "a 49-year-old") are not points in time and are
left out.

>>> r = resolve_date("last week", date(2025, 5, 19))
>>> (r.value, r.start, r.end)
(None, '2025-05-12', '2025-05-18')
>>> resolve_date("19th May 2025").value
'2025-05-19'
"""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from kg.model import TimeValue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name} | {
    name: i for i, name in enumerate(calendar.month_abbr) if name} | {"Sept": 9}
MONTHS = {k.lower(): v for k, v in MONTHS.items()}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {"a": 1, "an": 1}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|lunchtime))?"
_NUM = r"(?P<n>\d+|" + "|".join(NUMBER_WORDS) + r")"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"


@dataclass(frozen=True)
class Resolution:
    """A resolved date: ``value``/``datatype`` when the text names a calendar
    unit, and always an inclusive ``start``/``end`` (ISO dates)."""

    value: str | None
    datatype: str | None
    start: str
    end: str
    relative: bool = False


def _day(d: date, relative: bool = False) -> Resolution:
    return Resolution(d.isoformat(), "date", d.isoformat(), d.isoformat(), relative)


def _month(year: int, month: int, relative: bool = False) -> Resolution:
    last = calendar.monthrange(year, month)[1]
    return Resolution(f"{year:04d}-{month:02d}", "gYearMonth", f"{year:04d}-{month:02d}-01",
                      f"{year:04d}-{month:02d}-{last:02d}", relative)


def _year(year: int, relative: bool = False) -> Resolution:
    return Resolution(f"{year:04d}", "gYear", f"{year:04d}-01-01", f"{year:04d}-12-31", relative)


def _span(start: date, end: date, relative: bool = True) -> Resolution:
    return Resolution(None, None, start.isoformat(), end.isoformat(), relative)


def _shift_months(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + (d.month - 1) + months
    return index // 12, index % 12 + 1


def _nearest_year(month: int, day: int | None, anchor: date, tense: str) -> int:
    """The year that puts a month (and day) next to the anchor, in the right direction."""
    year = anchor.year
    candidate = date(year, month, min(day or 1, calendar.monthrange(year, month)[1]))
    if tense == "future" and candidate < anchor - timedelta(days=31):
        return year + 1
    if tense != "future" and candidate > anchor + timedelta(days=31):
        return year - 1
    return year


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


# Each rule: a regex over the whole lower-cased mention, and what it means.
Rule = tuple[re.Pattern, Callable[[re.Match, "date | None", str], "Resolution | None"]]
RULES: list[Rule] = []


def rule(pattern: str):
    def register(fn):
        RULES.append((re.compile(r"^(?:on|in|at|by|since|from|during|until|of|the)?\s*" + pattern + r"$"), fn))
        return fn
    return register


@rule(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
def _iso(m, anchor, tense):
    return _day(date(int(m["y"]), int(m["m"]), int(m["d"])))


@rule(r"(?:" + _WEEKDAY + r",?\s+)?" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR)
def _day_month_year(m, anchor, tense):
    return _day(date(int(m["year"]), MONTHS[m["month"]], int(m["day"])))


@rule(r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR)
def _month_day_year(m, anchor, tense):
    return _day(date(int(m["year"]), MONTHS[m["month"]], int(m["day"])))


@rule(r"(?:" + _WEEKDAY + r",?\s+)?(?:" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"|" + _MONTH.replace("month", "month2")
      + r"\s+" + _DAY.replace("day", "day2") + r")")
def _day_month(m, anchor, tense):
    if anchor is None:
        return None
    month = MONTHS[m["month"] or m["month2"]]
    day = int(m["day"] or m["day2"])
    return _day(date(_nearest_year(month, day, anchor, tense), month, day), relative=True)


@rule(r"(?:(?:early|late|mid|the end of|the start of|the beginning of|the middle of)[\s-]+)?" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR)
def _month_year(m, anchor, tense):
    return _month(int(m["year"]), MONTHS[m["month"]])


@rule(r"(?:(?:early|late|mid|the end of|the start of|the beginning of|the middle of|the first half of|the second half of)[\s-]+)?"
      r"(?:(?:the\s+)?(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?)?" + _YEAR)
def _year_only(m, anchor, tense):
    return _year(int(m["year"]))


@rule(r"(?:(?:early|late|mid|the end of|the start of|the beginning of)[\s-]+)?" + _MONTH)
def _month_only(m, anchor, tense):
    if anchor is None:
        return None
    month = MONTHS[m["month"]]
    return _month(_nearest_year(month, None, anchor, tense), month, relative=True)


@rule(r"(?P<y1>(?:1[89]|20)\d{2})\s*[-\u2013/]\s*(?P<y2>\d{2}|(?:1[89]|20)\d{2})")
def _year_range(m, anchor, tense):
    y1 = int(m["y1"])
    y2 = int(m["y2"]) if len(m["y2"]) == 4 else y1 // 100 * 100 + int(m["y2"])
    if y2 <= y1:
        return None
    return _span(date(y1, 1, 1), date(y2, 12, 31), relative=False)


@rule(r"(?:the\s+)?(?:early\s+|late\s+|mid-?)?(?P<decade>(?:1[89]|20)\d0)s")
def _decade(m, anchor, tense):
    start = int(m["decade"])
    return _span(date(start, 1, 1), date(start + 9, 12, 31), relative=False)


@rule(r"(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|q[1-4])\s*(?:quarter)?(?:\s+(?:of\s+)?" + _YEAR + r")?")
def _quarter(m, anchor, tense):
    q = m["q"]
    if q.startswith("q"):
        number = int(q[1])
    elif "quarter" not in m.group(0):
        return None
    else:
        number = ORDINALS[q]
    if m["year"]:
        year = int(m["year"])
        relative = False
    elif anchor is not None:
        year, relative = anchor.year, True
    else:
        return None
    first_month = 3 * (number - 1) + 1
    return _span(date(year, first_month, 1),
                 date(year, first_month + 2, calendar.monthrange(year, first_month + 2)[1]), relative)


@rule(r"(?P<word>today|tonight|yesterday|tomorrow|last night|this morning|this afternoon|this evening|"
      r"earlier today|later today)")
def _deictic_day(m, anchor, tense):
    if anchor is None:
        return None
    shift = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(m["word"], 0)
    return _day(anchor + timedelta(days=shift), relative=True)


@rule(r"(?:(?P<which>last|this|next|this coming|this past|coming)\s+)?" + _WEEKDAY + _PART_OF_DAY)
def _weekday(m, anchor, tense):
    if anchor is None:
        return None
    target = WEEKDAYS[m["weekday"]]
    which = m["which"]
    delta_back = (anchor.weekday() - target) % 7
    delta_ahead = (target - anchor.weekday()) % 7
    if which in {"next", "coming", "this coming"} or (which is None and tense == "future"):
        day = anchor + timedelta(days=delta_ahead or (7 if which else 0))
    elif which == "last":
        day = anchor - timedelta(days=delta_back or 7)
    else:  # "on Friday" in a report is the most recent one, that day included
        day = anchor - timedelta(days=delta_back)
    return _day(day, relative=True)


@rule(r"(?P<which>last|this|next|the past|the last|the previous|the coming)\s+(?P<unit>week|weekend|month|year|decade)")
def _calendar_unit(m, anchor, tense):
    if anchor is None:
        return None
    step = {"last": -1, "the past": -1, "the last": -1, "the previous": -1, "this": 0, "next": 1, "the coming": 1}[m["which"]]
    unit = m["unit"]
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        return _span(monday, monday + timedelta(days=6))
    if unit == "weekend":
        saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
        if step < 0 or (step == 0 and tense != "future" and anchor.weekday() < 5):
            saturday -= timedelta(weeks=1)
        if step > 0 and saturday - anchor < timedelta(days=2):
            saturday += timedelta(weeks=1)
        return _span(saturday, saturday + timedelta(days=1))
    if unit == "month":
        year, month = _shift_months(anchor, step)
        return _month(year, month, relative=True)
    if unit == "year":
        return _year(anchor.year + step, relative=True)
    start = anchor.year // 10 * 10 + 10 * step
    return _span(date(start, 1, 1), date(start + 9, 12, 31))


@rule(r"(?:so far\s+this\s+(?P<u1>year|month|week)|this\s+(?P<u2>year|month|week)\s+so far|"
      r"(?P<u3>year|month|week)\s+to\s+date|earlier\s+this\s+(?P<u4>year|month|week))")
def _to_date(m, anchor, tense):
    if anchor is None:
        return None
    unit = m["u1"] or m["u2"] or m["u3"] or m["u4"]
    if unit == "year":
        start = date(anchor.year, 1, 1)
    elif unit == "month":
        start = anchor.replace(day=1)
    else:
        start = anchor - timedelta(days=anchor.weekday())
    return _span(start, anchor)


@rule(r"later\s+this\s+(?P<unit>year|month|week)")
def _rest_of(m, anchor, tense):
    if anchor is None:
        return None
    unit = m["unit"]
    if unit == "year":
        end = date(anchor.year, 12, 31)
    elif unit == "month":
        end = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
    else:
        end = anchor + timedelta(days=6 - anchor.weekday())
    return _span(anchor, end)


@rule(r"(?:the\s+)?(?:past|last|previous)\s+" + _NUM + r"\s+" + _UNIT)
def _past_n(m, anchor, tense):
    if anchor is None:
        return None
    start = _minus(anchor, _number(m["n"]), m["unit"])
    return _span(start, anchor) if start else None


@rule(r"(?:the\s+)?(?:next|coming)\s+" + _NUM + r"\s+" + _UNIT)
def _next_n(m, anchor, tense):
    if anchor is None:
        return None
    end = _minus(anchor, -_number(m["n"]), m["unit"])
    return _span(anchor, end) if end else None


@rule(r"(?:about\s+|some\s+|nearly\s+|almost\s+|more than\s+)?" + _NUM + r"\s+" + _UNIT + r"\s+ago")
def _ago(m, anchor, tense):
    if anchor is None:
        return None
    n, unit = _number(m["n"]), m["unit"]
    then = _minus(anchor, n, unit)
    if then is None:
        return None
    if unit == "year":
        return _year(then.year, relative=True)
    if unit == "month":
        return _month(then.year, then.month, relative=True)
    if unit == "week":
        monday = then - timedelta(days=then.weekday())
        return _span(monday, monday + timedelta(days=6))
    if unit == "decade":
        return _span(date(then.year // 10 * 10, 1, 1), date(then.year // 10 * 10 + 9, 12, 31))
    return _day(then, relative=True)


def _minus(anchor: date, n: int, unit: str) -> date | None:
    try:
        if unit == "day":
            return anchor - timedelta(days=n)
        if unit == "week":
            return anchor - timedelta(weeks=n)
        if unit in {"month", "year", "decade"}:
            months = n * {"month": 1, "year": 12, "decade": 120}[unit]
            year, month = _shift_months(anchor, -months)
            return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
    except (OverflowError, ValueError):
        return None
    return None


_COUNT_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                "a hundred|hundreds of|a couple of|a few|several|few|many|a|an")
_DURATION = re.compile(r"^(?:(?:about|around|almost|nearly|more than|over|some|up to|at least|another|the|just|a|an)\s+)*"
                       r"(?:(?:\d+|" + _COUNT_WORDS + r")[\s-]+)?"
                       r"(?:days?|weeks?|months?|years?|decades?|centuries|century)(?:[\s-]+old|-long)?$")
_AGE = re.compile(r"\d+[\s-]years?[\s-]old|aged?\s+\d+")


def is_duration(text: str) -> bool:
    """ "five years", "a 49-year-old", "three-month" are lengths of time, not times."""
    t = text.lower().strip()
    if _AGE.search(t) or t.endswith("-year-old"):
        return True
    if re.search(r"\b(?:ago|last|past|this|next|previous|coming|so far|earlier|later)\b", t):
        return False
    return bool(_DURATION.match(t))


def resolve_date(text: str, anchor: date | None = None, *, tense: str = "past") -> Resolution | None:
    """The ISO value of a date expression, or None if it cannot be resolved.

    ``anchor`` is the publication date; without it only absolute dates resolve.
    ``tense`` ("past" or "future") picks the direction of bare weekdays and
    months.
    """
    t = re.sub(r"\s+", " ", text.lower().strip().strip(".,;:")).replace("\u2019", "'")
    for pattern, handler in RULES:
        m = pattern.match(t)
        if m:
            try:
                return handler(m, anchor, tense)
            except ValueError:  # 31 February and friends
                return None
    return None


def parse_anchor(published: str | None) -> date | None:
    """The date part of an ISO date or dateTime, or None."""
    if not published:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_EXTEND_LEFT = ("so far", "earlier", "later", "early", "late", "mid")


def _extend(span: Span) -> tuple[int, int]:
    """Take in a qualifier NER left out: "so far" + "this year"."""
    doc, start = span.doc, span.start
    for phrase in _EXTEND_LEFT:
        words = phrase.split()
        if start >= len(words) and [t.lower_ for t in doc[start - len(words):start]] == words:
            return start - len(words), span.end
    return start, span.end


def tense_of(span: Span) -> str:
    """ "future" when the clause around a date uses will/shall/going to, else "past"."""
    token = span.root
    for _ in range(6):
        if token.pos_ in {"VERB", "AUX"}:
            break
        if token.head is token:
            break
        token = token.head
    for child in token.children:
        if child.dep_ in {"aux", "auxpass"} and child.lower_ in {"will", "'ll", "shall", "wo"}:
            return "future"
        if child.lower_ == "going" and any(c.lower_ == "to" for c in child.children):
            return "future"
    if token.lower_ in {"will", "shall"}:
        return "future"
    return "past"


def read_times(doc: Doc, published: str | None, *, offset: int = 0) -> tuple[TimeValue, ...]:
    """Every DATE (and day-naming TIME) mention of ``doc`` as a :class:`TimeValue`."""
    anchor = parse_anchor(published)
    sent_starts = [s.start for s in doc.sents]
    out = []
    for ent in doc.ents:
        if ent.label_ not in {"DATE", "TIME"}:
            continue
        if ent.label_ == "TIME" and not re.search(r"night|morning|afternoon|evening|today|yesterday|tomorrow", ent.text, re.I):
            continue
        if is_duration(ent.text):
            continue
        start, end = _extend(ent)
        span = doc[start:end]
        resolved = resolve_date(span.text, anchor, tense=tense_of(ent))
        if resolved is None and (start, end) != (ent.start, ent.end):
            span = ent
            resolved = resolve_date(span.text, anchor, tense=tense_of(ent))
        out.append(TimeValue(
            start=offset + span.start_char,
            end=offset + span.end_char,
            text=span.text,
            sentence=bisect.bisect_right(sent_starts, span.start) - 1,
            value=resolved.value if resolved else None,
            datatype=resolved.datatype if resolved else None,
            interval_start=resolved.start if resolved else None,
            interval_end=resolved.end if resolved else None,
            relative=resolved.relative if resolved else False,
        ))
    return tuple(out)
