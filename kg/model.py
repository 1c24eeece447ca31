"""The plain, frozen records that flow from extraction to the RDF mapper.

Nothing here knows about spaCy tokens or RDF terms: ``extract/`` turns a parsed
``Doc`` into these, ``rdf/`` turns these into triples.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from kg.errors import InputError

_STRING_FIELDS = ("title", "date", "url", "source", "author", "publisher", "copyright")  # of an Article
_YEAR_MONTH = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")


def iso_date(value: str) -> str | None:
    """``value`` as the lexical form of an xsd:dateTime, xsd:date, xsd:gYearMonth or
    xsd:gYear when it is an ISO 8601 date ("2005-03-01", "2005-03", "2005",
    "2005-03-01T10:30:00Z", "2005-03-01 10:30"), else None.

    >>> iso_date("2005-03-01 10:30"), iso_date("2005-03"), iso_date("Tuesday"), iso_date("2005-02-30")
    ('2005-03-01T10:30:00', '2005-03', None, None)
    """
    value = value.strip()
    if _YEAR_MONTH.fullmatch(value):
        return value
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        if len(value) > 10 and value[10] in "T ":
            return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat().replace("+00:00", "Z")
    except ValueError:
        return None
    return None



def content_hash(text: str) -> str:
    """The SHA-256 of a document's text: what a build compares to skip unchanged
    documents, and the value of the document's commit marker."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

@dataclass(frozen=True)
class Article:
    """One input document: its text and what we know about it.

    ``body_start`` / ``body_end`` delimit the story inside ``text`` once the
    header and footer (dateline, byline, copyright ...) have been recognised;
    offsets everywhere else are offsets into ``text``.
    """

    doc_id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    publisher: str | None = None
    copyright: str | None = None
    origin: str | None = None  # the file (and line) it was read from
    body_start: int = 0
    body_end: int | None = None

    def __post_init__(self) -> None:
        """The one check of what every way in (files, JSON Lines, the Python API)
        hands the pipeline: a clear error naming the value, never a crash deeper in."""
        where = f" ({self.origin})" if isinstance(self.origin, str) and self.origin else ""
        if not isinstance(self.doc_id, str) or not self.doc_id:
            raise InputError(f"a document id must be a non-empty string, not {_typed(self.doc_id)}{where}")
        problem = text_problem(self.text)
        if problem:
            raise InputError(f"document {self.doc_id!r}: {problem}{where}")
        for name in _STRING_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(f"document {self.doc_id!r}: {name} must be a string, not {_typed(value)}{where}")


def text_problem(text: object) -> str | None:
    """What is wrong with ``text`` as a document's text (not a string, empty), or None."""
    if isinstance(text, (bytes, bytearray)):
        return "text is bytes; decode it first (text.decode('utf-8'))"
    if not isinstance(text, str):
        return f"text must be a string, not {_typed(text)}"
    if not text.strip():
        return "text is empty (or only whitespace): there is nothing to build from"
    return None


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _typed(value: object) -> str:
    return f"{type(value).__name__} {shown(value)}"


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names an entity."""

    start: int
    end: int
    text: str
    sentence: int
    label: str  # spaCy NER label, e.g. GPE


@dataclass(frozen=True)
class Entity:
    """One thing the document talks about, with every mention of it.

    ``key`` is the normalised name that identifies it across documents.
    """

    key: str
    label: str
    type: str  # schema.org class local name: Person, Organization, Country ...
    mentions: tuple[Mention, ...]
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    job_title: str | None = None
    value: str | None = None  # normalised literal value (ISO date, number)
    role_of: str | None = None  # Entity.key of what the job title belongs to ("united kingdom")


@dataclass(frozen=True)
class TimeValue:
    """A date or period named in the text, normalised to ISO 8601.

    ``value`` is an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` lexical
    form when the text names one (``datatype`` says which); ``interval_start``
    and ``interval_end`` (inclusive ``xsd:date``s) bound every resolved value,
    and are the only value of periods like "last week" or "so far this year".
    ``relative`` is true when the publication date was needed to resolve it.
    """

    start: int
    end: int
    text: str
    sentence: int
    value: str | None = None
    datatype: str | None = None  # "date", "gYearMonth", "gYear" (XSD local names) or None
    interval_start: str | None = None
    interval_end: str | None = None
    relative: bool = False


@dataclass(frozen=True)
class Quantity:
    """An amount named in the text: "more than 12,500 people", "£40m", "5%".

    ``kind`` is "count", "money", "percent" or "measure"; ``unit`` is an ISO
    4217 code for money, "percent" / "percentage point", or a unit word;
    ``counted`` is what a count counts ("people"). ``upper`` is set for ranges.
    """

    start: int
    end: int
    text: str
    sentence: int
    value: float | None
    kind: str
    qualifier: str | None = None  # "more than", "about", "at least", "up to" ...
    unit: str | None = None
    counted: str | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Argument:
    """A subject or object of a relation: its text span and, if any, its entity."""

    text: str
    start: int
    end: int
    entity: str | None = None  # Entity.key
    role: str | None = None  # "subject", "object", a preposition ("with"), "time", "place" ...


@dataclass(frozen=True)
class Relation:
    """A fact ``subject --phrase--> object`` read off one sentence."""

    subject: Argument
    phrase: str  # surface relation phrase, e.g. "will enter talks with"
    predicate: str  # canonical lemma key, e.g. "enter_talk_with"
    label: str  # readable predicate label, e.g. "entered talks with"
    object: Argument | None
    sentence: int
    start: int  # span of the whole extraction in the document
    end: int
    confidence: float = 0.5
    negated: bool = False
    modality: str | None = None  # "will", "should", "vowed to" ...
    attributed_to: str | None = None  # Entity.key of a reporting speaker
    extra: tuple[Argument, ...] = ()  # further arguments (time, place, ...)

    @property
    def asserted(self) -> bool:
        """Negated or hypothetical facts never become plain triples."""
        return not self.negated and self.modality not in HYPOTHETICAL


HYPOTHETICAL = frozenset({"may", "might", "could", "would", "should", "if", "purpose"})


@dataclass(frozen=True)
class Event:
    """Something that happened (or is planned), read off a noun or a reporting verb.

    "the UK-EU deal", "a trip to Albania last week", "Starmer said ...".
    ``kind`` is the lexicon class ("agreement", "talks", "visit", "statement",
    "movement" ...); ``cameo`` its top-level CAMEO code ("05") and
    ``cameo_label`` that code's name, or None when CAMEO has no such class.
    """

    kind: str
    trigger: str  # the word that names it: "deal", "trip", "said"
    lemma: str
    cameo: str | None
    cameo_label: str | None
    sentence: int
    start: int  # span of the trigger in the document
    end: int
    participants: tuple[Argument, ...] = ()  # actors, role "participant"/"agent"/"theme"
    topic: Argument | None = None  # "data sharing", "to access facial image data"
    place: Argument | None = None  # destination or location
    time: Argument | None = None  # "last week"
    text: str | None = None  # a statement's reported content
    confidence: float = 0.5
    negated: bool = False
    modality: str | None = None
    attributed_to: str | None = None  # Entity.key of a reporting speaker
    antecedent: int | None = None  # index of an earlier event this mention refers back to

    @property
    def asserted(self) -> bool:
        return not self.negated and self.modality not in HYPOTHETICAL


@dataclass(frozen=True)
class Extraction:
    """Everything the NLP stage read from one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...] = ()
    words: int = 0
    events: tuple[Event, ...] = ()
    times: tuple[TimeValue, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    extras: dict = field(default_factory=dict, compare=False, hash=False)
