"""Choosing a response format from an HTTP ``Accept`` header (RFC 9110, section 12.5.1).

Each kind of answer has its offers, in the server's order of preference (the
first one is the default when the header is absent or says ``*/*``). An offer
matches a media range by its canonical type or one of its aliases (the types
common clients ask for, such as SPARQLWrapper's ``application/json``); the
most specific matching range gives its quality, and the best quality wins,
the server's order breaking ties.

>>> ranges = parse_accept("text/csv;q=0.5, application/sparql-results+xml")
>>> choose(ranges, RESULT_OFFERS).media_type
'application/sparql-results+xml'
>>> choose(parse_accept("text/turtle"), RESULT_OFFERS) is None
True
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import pyoxigraph as ox

from kg.errors import KGError


class AnswerKind(StrEnum):
    """What a query answers with, which decides the formats it can be given in."""

    SOLUTIONS = "SELECT"
    BOOLEAN = "ASK"
    GRAPH = "CONSTRUCT/DESCRIBE"


class MalformedAccept(KGError):
    """An ``Accept`` header that is not a list of media ranges."""


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: ``type/subtype`` (either may be ``*``) and its quality."""

    type: str
    subtype: str
    q: float = 1.0

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exactly, 2 by
        ``type/*``, 1 by ``*/*``, 0 not at all."""
        major, _, minor = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != major:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == minor else 0


@dataclass(frozen=True)
class Offer:
    """A format the server can answer in: its canonical media type (what the
    ``Content-Type`` says), the other types it is also given for, and the
    pyoxigraph format that writes it."""

    media_type: str
    aliases: tuple[str, ...]
    format: ox.QueryResultsFormat | ox.RdfFormat

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value: text types say they are UTF-8."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


_QR, _RDF = ox.QueryResultsFormat, ox.RdfFormat
# SELECT and ASK: JSON first (what browsers' scripts and most clients read), then XML
RESULT_OFFERS: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", ("application/json", "text/javascript", "application/javascript"),
          _QR.JSON),
    Offer("application/sparql-results+xml", ("application/xml", "text/xml"), _QR.XML),
    Offer("text/csv", (), _QR.CSV),
    Offer("text/tab-separated-values", (), _QR.TSV),
)
# CONSTRUCT, DESCRIBE and the service description: Turtle first
GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("text/turtle", ("application/x-turtle",), _RDF.TURTLE),
    Offer("application/n-triples", ("text/plain",), _RDF.N_TRIPLES),
    Offer("application/ld+json", ("application/json",), _RDF.JSON_LD),
    Offer("application/rdf+xml", ("application/xml", "text/xml"), _RDF.RDF_XML),
)


def offers_for(kind: AnswerKind) -> tuple[Offer, ...]:
    return GRAPH_OFFERS if kind is AnswerKind.GRAPH else RESULT_OFFERS


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_ELEMENT = re.compile(rf"\s*({_TOKEN})/({_TOKEN})((?:\s*;\s*{_TOKEN}\s*=\s*(?:{_TOKEN}|{_QUOTED}))*)\s*(?:,|$)")
_PARAM = re.compile(rf"\s*;\s*({_TOKEN})\s*=\s*({_TOKEN}|{_QUOTED})")
_QVALUE = re.compile(r"0(?:\.\d{0,3})?|1(?:\.0{0,3})?")


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header, in the order given; ``()`` when the
    header is absent or empty (anything is acceptable). Raises
    :class:`MalformedAccept` naming the first element that is not
    ``type/subtype[;param=value]*``, a ``*/subtype`` or a quality outside 0-1."""
    if header is None or not header.strip():
        return ()
    ranges: list[MediaRange] = []
    pos = 0
    while pos < len(header):
        if header[pos] in " \t,":
            pos += 1
            continue
        match = _ELEMENT.match(header, pos)
        if match is None:
            bad = header[pos:].split(",", 1)[0].strip()
            raise MalformedAccept(f"malformed Accept header: {bad[:80]!r} is not a media range; "
                                  "give types like 'application/sparql-results+json' or 'text/turtle;q=0.9'")
        major, minor = match[1].lower(), match[2].lower()
        if major == "*" and minor != "*":
            raise MalformedAccept(f"malformed Accept header: {match[1]}/{match[2]!s} is not a media range "
                                  "(only '*/*' may have a wildcard type)")
        q = 1.0
        for name, value in _PARAM.findall(match[3]):
            if name.lower() == "q":
                if not _QVALUE.fullmatch(value):
                    raise MalformedAccept(f"malformed Accept header: q={value[:20]} in {match[0].strip()[:80]!r} "
                                          "is not a quality between 0 and 1 (like q=0.8)")
                q = float(value)
        ranges.append(MediaRange(major, minor, q))
        pos = match.end()
    return tuple(ranges)


def quality(ranges: Sequence[MediaRange], offer: Offer) -> float:
    """The quality ``ranges`` give ``offer``: that of the most specific range matching
    its type (the highest, among equally specific ones). An alias counts only when
    named exactly: ``text/*`` is no request for JSON, though ``text/javascript`` is."""
    if not ranges:
        return 1.0
    best_rank, best_q = 0, 0.0
    for r in ranges:
        rank = r.matches(offer.media_type) or (3 if any(r.matches(a) == 3 for a in offer.aliases) else 0)
        if rank > best_rank or (rank == best_rank and rank and r.q > best_q):
            best_rank, best_q = rank, r.q
    return best_q


def choose(ranges: Sequence[MediaRange], offers: Sequence[Offer]) -> Offer | None:
    """The offer ``ranges`` like best, or None when they accept none of them (406)."""
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def not_acceptable(kind: AnswerKind | str, header: str | None) -> str:
    """The message of a 406: what was asked for, and what can be given."""
    offers = RESULT_OFFERS + GRAPH_OFFERS if isinstance(kind, str) else offers_for(kind)
    what = kind if isinstance(kind, str) else f"a {kind.value} answer"
    return (f"none of the types in 'Accept: {(header or '')[:200]}' can be given for {what}; "
            f"ask for one of: {', '.join(o.media_type for o in offers)} (or */*)")
