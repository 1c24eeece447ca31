"""Article anatomy: find the story inside a news text.

Wire copy wraps the story in a header and a footer::

    19th May 2025 13:59                                  <- dateline
    (Alliance News) - The UK will enter talks ...         <- source tag, then the story
    ...
    By Anahita Hossein-Pour                               <- byline
    Press Association: News                               <- desk line
    source: PA                                            <- agency line
    Copyright 2025 Alliance News Ltd. All Rights Reserved.

Other shapes are read too: "LONDON, May 19 (Reuters) - ..." datelines,
bylines at the top ("By Jane Smith, Political Correspondent"), Reuters
credits ("(Reporting by X; Editing by Y)"), "©" lines, ISO and US-style
dates with time zones. These lines become document metadata
(``schema:datePublished``, ``author``, ``publisher``, ``sourceOrganization``,
copyright) and the body offsets are set so that entity and relation
extraction never sees them. Metadata given with the article (JSON Lines
fields) wins over what is parsed.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from kg.model import Article

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_PREFIX = r"(?:(?:Published|Updated|Posted|Last updated|Date)\s*:?\s*(?:on\s+)?)?"
_ZONE = r"(?:\s*(?P<zone>Z|UTC|GMT|BST|CET|CEST|EST|EDT|PST|PDT|[+-]\d{2}:?\d{2}))?"
_TIME = (r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
         r"(?:\s*(?P<ampm>[ap]\.?m\.?))?" + _ZONE + r")?")
_DATELINES = [
    re.compile(r"^" + _PREFIX + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _TIME + r"\s*$", re.I),
    re.compile(r"^" + _PREFIX + _WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME + r"\s*$", re.I),
    re.compile(r"^" + _PREFIX + r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
               r"(?::(?P<second>\d{2})(?:\.\d+)?)?(?P<ampm>)" + _ZONE + r")?\s*$", re.I),
    re.compile(r"^" + _PREFIX + _WEEKDAY + r"(?P<day>\d{1,2})/(?P<mnum>\d{1,2})/(?P<year>\d{4})" + _TIME + r"\s*$", re.I),
]
_ZONES = {"z": "Z", "utc": "Z", "gmt": "Z", "bst": "+01:00", "cet": "+01:00", "cest": "+02:00",
          "est": "-05:00", "edt": "-04:00", "pst": "-08:00", "pdt": "-07:00"}
# The fields are read by the patterns above, not by dateutil.parser: of 20,740 generated
# datelines of these shapes, it failed on all 1,004 with "1.59pm" times (BBC house style);
# the dayfirst=True that "19/05/2025" needs reads "2025-02-01" as 2 January; and without a
# tzinfos entry for every name its zones depend on the machine (EST is -04:00 in New York).
# The offsets xsd:dateTime allows (XML Schema 1.1 part 2, timezoneFrag): "+24:00" is no literal.
_XSD_OFFSET = re.compile(r"Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)")

# "(Alliance News) - ", "LONDON (Reuters) - ", "BRUSSELS, May 19 (Reuters) -", "WASHINGTON (AP) —"
_SOURCE_TAG = re.compile(
    r"^(?:(?P<place>[A-Z][A-Z.'\- ]{1,40}?)(?:,\s*(?P<when>" + _MONTH + r"\s+(?P<day>\d{1,2})|(?P<day2>\d{1,2})\s+"
    + _MONTH.replace("month", "month2") + r"))?\s+)?\((?P<source>[^()\n]{2,60})\)\s*[-\u2013\u2014]+\s*")
_NAME = r"[A-Z][\w.'\-]+(?:\s+(?:[A-Z][\w.'\-]+|de|van|von|der|da|di|al|bin|le|la))*"
_BYLINE = re.compile(r"^By\s+(?P<author>" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*?)"
                     r"(?:\s*,\s*(?P<role>[A-Za-z][\w\s&'-]{2,60}?))?(?:\s*[|\u2013\u2014-]\s*.{0,60})?\s*$")
_CREDIT = re.compile(r"^\(?\s*(?:Reporting|Writing|Written|Reported)\s+by\s+(?P<author>" + _NAME
                     + r"(?:\s+and\s+" + _NAME + r")?)(?:\s+in\s+[A-Z][\w ]+)?\s*(?:[;,].*)?\)?\s*$")
_OTHER_CREDIT = re.compile(r"^\(?\s*(?:Additional reporting|Editing|Edited|Compiled|Graphics)\s+by\b.*$", re.I)
_AGENCY = re.compile(r"^\[?\s*source\s*:\s*(?P<source>[^\]]{1,60}?)\s*\]?$", re.I)
_COPYRIGHT = re.compile(r"^(?:Copyright\s*(?:\(c\)|\u00a9)?|\(c\)|\u00a9)\s*(?P<year>\d{4})?(?:\s*[-\u2013]\s*\d{4})?[,\s]*"
                        r"(?P<holder>.*?)\.?(?:\s*All\s+Rights\s+Reserved\.?)?\s*$", re.I)
_RIGHTS = re.compile(r"^All\s+rights\s+reserved\.?$", re.I)
_DESK = re.compile(r"^(?P<publisher>[A-Z][\w&.' ]{2,50}):\s*(?:News|Business|Sport|Politics|World|UK|Finance|Markets)\s*$")
_NOISE = re.compile(r"^(?:[-=_*\u2013\u2014]{2,}|Follow\s+.{1,60}\s+on\s+(?:Twitter|X|Facebook)\b.*|"
                    r"(?:Contact|Email)\s*:\s*\S+@\S+|\S+@\S+\.\w+)$", re.I)
_LEGAL_SUFFIX = re.compile(r"[,\s]+(?:Ltd|Limited|plc|PLC|Inc|LLC|Co|Corp|GmbH|SA|AG)\.?$")


def parse_dateline(line: str, *, year: int | None = None) -> str | None:
    """An ISO 8601 date or dateTime for a dateline, or None.

    >>> parse_dateline("19th May 2025 13:59")
    '2025-05-19T13:59:00'
    >>> parse_dateline("Monday 19 May 2025, 1:59pm BST")
    '2025-05-19T13:59:00+01:00'
    >>> parse_dateline("2025-05-19")
    '2025-05-19'
    """
    for pattern in _DATELINES:
        m = pattern.match(line.strip())
        if m:
            return _iso(m.groupdict())
    return None


def _iso(parts: dict) -> str | None:
    month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"][:3].lower()]
    hour = int(parts["hour"]) if parts.get("hour") else 0
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        when = datetime(int(parts["year"]), month, int(parts["day"]), hour,
                        int(parts.get("minute") or 0), int(parts.get("second") or 0))
    except (ValueError, TypeError):
        return None
    if not parts.get("hour"):
        return when.date().isoformat()
    zone = parts.get("zone")
    suffix = ""
    if zone:
        suffix = _ZONES.get(zone.lower()) or (zone if ":" in zone else zone[:3] + ":" + zone[3:])
        if not _XSD_OFFSET.fullmatch(suffix):
            return None
    return when.isoformat() + suffix


def _lines(text: str):
    """(line_start, line_end, stripped_line) for the non-blank lines of ``text``."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            yield pos + lead, pos + lead + len(stripped), stripped
        pos += len(raw)


def _clean_holder(holder: str) -> str | None:
    holder = _LEGAL_SUFFIX.sub("", holder.strip().rstrip(".").strip())
    return holder or None


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def read_anatomy(article: Article) -> Article:
    """Return ``article`` with its header and footer parsed into metadata.

    Metadata given with the article (e.g. JSON Lines fields) wins over what is
    parsed from the text. ``body_start``/``body_end`` are set so that
    extraction skips the header and footer.
    """
    text = article.text
    found: dict[str, str] = {}
    lines = list(_lines(text))
    body_start, body_end = 0, len(text)

    # -- header: datelines and a byline, then maybe a source tag opening the story
    i = 0
    while i < len(lines) and i < 4:
        start, end, line = lines[i]
        iso = parse_dateline(line)
        byline = _BYLINE.match(line) if iso is None else None
        if iso is not None:
            found.setdefault("date", iso)
        elif byline is not None and len(line) < 120:
            found.setdefault("author", _authors(byline.group("author")))
        else:
            break
        body_start = end
        i += 1
    if i < len(lines):
        start, end, line = lines[i]
        m = _SOURCE_TAG.match(line)
        if m:
            found["tag"] = m.group("source").strip()
            if m.group("place"):
                found["place"] = m.group("place").strip()
            if m.group("when"):
                found["tag_month"] = m.group("month") or m.group("month2")
                found["tag_day"] = m.group("day") or m.group("day2")
            body_start = start + m.end()

    # -- footer: walk up from the last line while lines look like metadata
    for start, end, line in reversed(lines):
        if start < body_start:
            break
        if (m := _COPYRIGHT.match(line)) and re.match(r"(?i)copyright|\(c\)|\u00a9", line):
            found["copyright"] = line
            if m.group("year"):
                found["copyright_year"] = m.group("year")
            holder = _clean_holder(m.group("holder") or "")
            if holder:
                found["holder"] = holder
        elif _RIGHTS.match(line):
            found.setdefault("copyright", line)
        elif m := _BYLINE.match(line):
            found["author"] = _authors(m.group("author"))
        elif m := _CREDIT.match(line):
            found["author"] = _authors(m.group("author"))
        elif _OTHER_CREDIT.match(line) or _NOISE.match(line):
            pass
        elif m := _AGENCY.match(line):
            found["agency"] = m.group("source").strip()
        elif m := _DESK.match(line):
            found["desk"] = m.group("publisher").strip()
        else:
            break
        body_end = start

    while body_end > body_start and text[body_end - 1].isspace():
        body_end -= 1
    while body_start < body_end and text[body_start].isspace():
        body_start += 1
    if body_start >= body_end:  # nothing but metadata: keep the whole text as the story
        body_start, body_end = 0, len(text)

    if "date" not in found and "tag_month" in found and "copyright_year" in found:
        # "LONDON, May 19 (Reuters) -" names no year; the copyright line does
        found["date"] = _iso({"year": found["copyright_year"], "month": found["tag_month"], "day": found["tag_day"]}) or ""

    source, publisher = _organisations(found)
    return dataclasses.replace(
        article,
        date=article.date or found.get("date") or None,
        author=article.author or found.get("author"),
        source=article.source or source,
        publisher=article.publisher or publisher,
        copyright=article.copyright or found.get("copyright"),
        body_start=body_start,
        body_end=body_end,
    )


def _authors(text: str) -> str:
    """ "Jane Smith and John Doe" -> "Jane Smith; John Doe" (one string, in order)."""
    names = [n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", text) if n.strip()]
    return "; ".join(names)


def _organisations(found: dict[str, str]) -> tuple[str | None, str | None]:
    """(source organisation, publisher) from the tag, agency, desk and copyright lines.

    With an agency line ("source: PA") the agency wrote the story and the tag
    ("(Alliance News) -") names who published it; without one, the tag is the
    source (a wire like Reuters) and the copyright holder the publisher.
    """
    tag, agency, desk, holder = (found.get(k) for k in ("tag", "agency", "desk", "holder"))
    if agency:
        if desk and _initials(desk) == agency.replace(".", "").upper():
            agency = desk  # "PA" spelled out by the desk line "Press Association: News"
        publisher = tag if tag and tag != agency else holder
        return agency, publisher
    if tag:
        return tag, holder or tag
    return desk, holder
