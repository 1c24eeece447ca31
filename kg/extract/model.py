"""The plain, frozen records that flow from extraction to the RDF mapper.

Nothing here knows about spaCy tokens or RDF terms: ``extract/`` turns a parsed
``Doc`` into these, ``rdf/`` turns these into triples.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Argument:
    """A subject or object of a relation: its text span and, if any, its entity."""

    text: str
    start: int
    end: int
    entity: str | None = None  # Entity.key


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


HYPOTHETICAL = frozenset({"may", "might", "could", "would", "should", "if"})


@dataclass(frozen=True)
class Extraction:
    """Everything the NLP stage read from one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...] = ()
    words: int = 0
    extras: dict = field(default_factory=dict, compare=False, hash=False)
