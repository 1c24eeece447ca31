"""The extraction stage: a parsed spaCy ``Doc`` in, plain records out.

Nothing here imports rdflib or pyoxigraph; see :mod:`kg.model`.
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from kg.extract.columns import columns
from kg.extract.dates import read_times
from kg.extract.entities import read_entities
from kg.extract.facts import read_facts
from kg.model import Article, Extraction, Sentence
from kg.extract.quantities import read_quantities

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract", "Article", "Extraction"]


def extract(doc: Doc, article: Article) -> Extraction:
    """Read sentences, entities and relations from ``doc``, the parsed body of ``article``.

    ``doc`` is the parse of ``article.text[article.body_start:article.body_end]``;
    every offset in the result is an offset into ``article.text``.
    """
    offset = article.body_start
    sents = list(doc.sents)
    sentences = tuple(_sentence(i, s, offset, article.text) for i, s in enumerate(sents))
    sentence_starts = [s.start for s in sents]
    entities = read_entities(doc, offset=offset)

    # token index -> entity key, for linking relation arguments: every token
    # that starts inside a mention (the mention that starts last, if nested)
    token_entity: dict[int, str] = {}
    for start, end, key in sorted((m.start - offset, m.end - offset, e.key)
                                  for e in entities for m in e.mentions):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        for token in span:
            if start <= token.idx < end:
                token_entity[token.i] = key
    persons = sorted(
        (doc.char_span(m.start - offset, m.end - offset, alignment_mode="expand").end - 1, e.key)
        for e in entities if e.type == "Person" for m in e.mentions
    )
    person_ends = [p[0] for p in persons]

    def person_before(i: int) -> str | None:
        pos = bisect.bisect_left(person_ends, i) - 1
        return persons[pos][1] if pos >= 0 else None

    events, relations = read_facts(
        doc,
        offset=offset,
        sentence_of=lambda token_i: bisect.bisect_right(sentence_starts, token_i) - 1,
        entity_at=token_entity.get,
        person_before=person_before,
    )
    words = columns(doc).words
    return Extraction(article=article, sentences=sentences, entities=entities,
                      relations=tuple(relations), words=words, events=tuple(events),
                      times=read_times(doc, article.date, offset=offset),
                      quantities=read_quantities(doc, offset=offset))


def _sentence(index: int, span, offset: int, text: str) -> Sentence:
    """A sentence without the whitespace spaCy attaches to its last token."""
    start = offset + span.start_char
    text = text[start:offset + span.end_char].rstrip()
    return Sentence(index=index, start=start, end=start + len(text), text=text)
