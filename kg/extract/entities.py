"""Mentions -> entities: NER spans merged by normalised name and gazetteer.

Within a document, "UK", "the UK" and "Britain" become one entity (the
gazetteer knows they are one country); "Starmer" joins "Keir Starmer" when the
full name was seen. Across documents, the entity key is what makes two
documents' mentions the same IRI.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from kg.extract.gazetteer import Gazetteer, default_gazetteer
from kg.extract.model import Entity, Mention
from kg.extract.normalise import normalise_name

if TYPE_CHECKING:
    from spacy.tokens import Doc

# spaCy (OntoNotes) labels -> schema.org classes. Value-like labels (DATE,
# MONEY, CARDINAL ...) are not things and are handled as values elsewhere.
SCHEMA_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "NORP": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "EVENT": "Event",
    "PRODUCT": "Product",
    "WORK_OF_ART": "CreativeWork",
    "LAW": "Legislation",
    "LANGUAGE": "Language",
}
VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})


def entity_mentions(doc: Doc, *, offset: int = 0, sentence_index: dict[int, int]) -> list[Mention]:
    """NER spans as :class:`Mention`s with document offsets (``offset`` added)."""
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in SCHEMA_TYPES:
            continue
        span = _trim(ent)
        if span is None:
            continue
        mentions.append(Mention(
            start=offset + span.start_char,
            end=offset + span.end_char,
            text=span.text,
            sentence=sentence_index[span.sent.start],
            label=ent.label_,
        ))
    return mentions


def _trim(span):
    """Drop a leading article and a trailing possessive from an NER span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    if start >= end or not any(t.is_alpha for t in doc[start:end]):
        return None
    return doc[start:end]


def resolve_entities(mentions: list[Mention], gazetteer: Gazetteer | None = None) -> tuple[Entity, ...]:
    """Group mentions into entities: gazetteer first, then normalised name."""
    gazetteer = gazetteer or default_gazetteer()
    groups: dict[str, list[Mention]] = defaultdict(list)
    known = {}
    for mention in mentions:
        entry = gazetteer.lookup(mention.text)
        key = entry.key if entry else normalise_name(mention.text)
        if not key:
            continue
        if entry:
            known[key] = entry
        groups[key].append(mention)

    _merge_short_person_names(groups, known)

    entities = []
    for key, group in groups.items():
        entry = known.get(key)
        if entry:
            label, schema_type, same_as = entry.label, entry.type, entry.same_as
        else:
            label = _preferred_label(group)
            schema_type = _majority_type(group)
            same_as = ()
        aliases = sorted({m.text for m in group} - {label})
        entities.append(Entity(
            key=key, label=label, type=schema_type,
            mentions=tuple(sorted(group, key=lambda m: m.start)),
            aliases=tuple(aliases), same_as=same_as,
        ))
    entities.sort(key=lambda e: e.mentions[0].start)
    return tuple(entities)


def _merge_short_person_names(groups: dict[str, list[Mention]], known: dict) -> None:
    """Fold "Starmer" into "Keir Starmer" when exactly one full name ends with it."""
    persons = [k for k, ms in groups.items() if k not in known and _majority_label(ms) == "PERSON"]
    full_names = [k for k in persons if " " in k]
    for key in persons:
        if " " in key:
            continue
        owners = [f for f in full_names if f.split()[-1] == key or f.split()[0] == key]
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(key))


def _majority_label(mentions: list[Mention]) -> str:
    return Counter(m.label for m in mentions).most_common(1)[0][0]


def _majority_type(mentions: list[Mention]) -> str:
    counts = Counter(SCHEMA_TYPES[m.label] for m in mentions)
    # ties go to the first mention's type, so the result does not depend on dict order
    best = max(counts.values())
    for m in mentions:
        if counts[SCHEMA_TYPES[m.label]] == best:
            return SCHEMA_TYPES[m.label]
    raise AssertionError("unreachable")


def _preferred_label(mentions: list[Mention]) -> str:
    """The longest name used, ties broken by frequency then first use."""
    counts = Counter(m.text for m in mentions)
    return max(counts, key=lambda name: (len(name.split()), counts[name], -min(
        m.start for m in mentions if m.text == name)))
