"""Article anatomy: find the story inside a news text.

Agency copy wraps the story in a header (a dateline such as ``19th May 2025
13:59`` and a source tag ``(Alliance News) -``) and a footer (byline, agency
line, copyright). Those lines are metadata, not story: they become document
properties and are kept out of entity and relation extraction.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from kg.extract.model import Article

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_TIME = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_DATELINES = [
    re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _TIME + r"\s*$", re.I),
    re.compile(r"^" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME + r"\s*$", re.I),
    re.compile(r"^(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\s*$"),
]
_SOURCE_TAG = re.compile(r"^\((?P<source>[^()\n]{2,60})\)\s*[-\u2013\u2014]\s*")
_BYLINE = re.compile(r"^By\s+(?P<author>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,4})\s*$")
_AGENCY = re.compile(r"^source:\s*(?P<source>.{1,60})$", re.I)
_COPYRIGHT = re.compile(r"^(?:Copyright|\(c\)|\u00a9)\s*(?:\(c\)\s*|\u00a9\s*)?(?P<year>\d{4})?\s*(?P<holder>.*?)\.?(?:\s+All Rights Reserved\.?)?\s*$", re.I)
_DESK = re.compile(r"^(?P<publisher>[A-Z][\w&.' ]{2,50}):\s*(?:News|Business|Sport|Politics|World)\s*$")


def parse_dateline(line: str) -> str | None:
    """An ISO 8601 date or dateTime for a dateline, or None.

    >>> parse_dateline("19th May 2025 13:59")
    '2025-05-19T13:59:00'
    """
    for pattern in _DATELINES:
        m = pattern.match(line.strip())
        if not m:
            continue
        parts = m.groupdict()
        month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"][:3].lower()]
        try:
            when = datetime(int(parts["year"]), month, int(parts["day"]),
                            int(parts["hour"] or 0), int(parts["minute"] or 0), int(parts["second"] or 0))
        except ValueError:
            return None
        return when.isoformat() if parts["hour"] else when.date().isoformat()
    return None


def _lines(text: str, start: int, end: int):
    """(line_start, line_end, stripped_line) for the non-blank lines of text[start:end]."""
    pos = start
    for raw in text[start:end].splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            yield pos + lead, pos + lead + len(stripped), stripped
        pos += len(raw)


def read_anatomy(article: Article) -> Article:
    """Return ``article`` with its header/footer parsed into metadata.

    Metadata given with the article (e.g. JSON Lines fields) wins over what is
    parsed from the text. The body offsets are set so that extraction skips the
    header and footer.
    """
    text = article.text
    found: dict[str, str] = {}
    body_start, body_end = 0, len(text)

    lines = list(_lines(text, 0, len(text)))
    # Header: a dateline line, then maybe a source tag at the start of the story.
    i = 0
    while i < len(lines) and i < 3:
        start, end, line = lines[i]
        iso = parse_dateline(line)
        if iso is None:
            break
        found.setdefault("date", iso)
        body_start = end
        i += 1
    if i < len(lines):
        start, end, line = lines[i]
        m = _SOURCE_TAG.match(line)
        if m:
            found["source"] = m.group("source").strip()
            body_start = start + m.end()
        else:
            byline = _BYLINE.match(line)
            if byline:
                found["author"] = byline.group("author")
                body_start = end
    # Footer: walk up from the last line while lines look like metadata.
    for start, end, line in reversed(lines):
        if start < body_start:
            break
        if m := _COPYRIGHT.match(line):
            if not line.lower().startswith(("copyright", "(c)", "\u00a9")):
                break
            found["copyright"] = line
            if m.group("holder") and "publisher" not in found:
                found["publisher"] = m.group("holder").strip()
        elif m := _BYLINE.match(line):
            found["author"] = m.group("author")
        elif m := _AGENCY.match(line):
            found["source_agency"] = m.group("source").strip()
        elif m := _DESK.match(line):
            found["desk"] = m.group("publisher").strip()
        else:
            break
        body_end = start

    while body_end > body_start and text[body_end - 1].isspace():
        body_end -= 1
    while body_start < body_end and text[body_start].isspace():
        body_start += 1

    source = article.source or found.get("source") or found.get("source_agency")
    return dataclasses.replace(
        article,
        date=article.date or found.get("date"),
        author=article.author or found.get("author"),
        source=source,
        publisher=article.publisher or found.get("publisher"),
        copyright=article.copyright or found.get("copyright"),
        body_start=body_start,
        body_end=body_end,
    )
