"""Mentions -> entities: one entity per real-world thing, with a stable key.

A document's names come from spaCy's NER, from the ``kg_gazetteer`` pipeline
component (names NER missed) and from two kinds of definite description
("the Prime Minister", "the government"). They are then resolved:

1. known names through the gazetteer: "UK", "the UK", "Britain" and
   "British" all denote ``united kingdom``; its type, preferred label and
   Wikidata/DBpedia links come from there (type repair: "the Channel" is the
   English Channel, a place, whatever NER said);
2. people by name: "Starmer" and "Sir Keir" join "Keir Starmer" when exactly
   one full name in the document fits (the nearest earlier one when several
   do); two different full names are never merged;
3. acronyms to a spelled-out name with the same initials ("SEC" / "Securities
   and Exchange Commission"), and short names to the one entity they head
   ("the Commission" -> the European Commission);
4. titles to the one person holding them ("the Prime Minister"), and "the
   government" to the government of the country whose leader the story names.

The key of an entity is what makes mentions in different documents one IRI:
a gazetteer key, ``person_key`` (first name + surname) for people, or the
normalised name.

:func:`read_entities` lists the stages in the order they run: the finding
stages are in :mod:`kg.extract.candidates`, the resolving ones in
:mod:`kg.extract.resolution`; each takes frozen candidates and returns new ones.
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from kg.extract.candidates import (
    DESCRIPTION_SOURCES,
    Candidate,
    Candidates,
    add_defined_acronyms,
    add_descriptions,
    add_gazetteer_names,
    attach_roles,
    candidate_in,
    find_ner_names,
    in_text_order,
    relabel_misread_people,
)
from kg.extract.gazetteer import Gazetteer, default_gazetteer
from kg.extract.normalise import person_name_parts, strip_possessive
from kg.extract.resolution import (
    head_word,
    resolve_acronyms,
    resolve_governments,
    resolve_heads,
    resolve_people,
    resolve_titles,
)
from kg.model import Entity, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

SCHEMA_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "EVENT": "Event",
    "PRODUCT": "Product",
    "WORK_OF_ART": "CreativeWork",
    "LAW": "Legislation",
    "LANGUAGE": "Language",
}
#: head words that make an "organisation" a place ("the Irish Sea") or a public body
PLACE_HEADS = frozenset({"channel", "sea", "ocean", "river", "strait", "straits", "gulf", "bay", "lake",
                         "mountains", "mountain", "island", "islands", "valley", "peninsula", "coast"})
GOVERNMENT_HEADS = frozenset({"ministry", "department", "parliament", "senate", "congress", "assembly",
                              "government", "cabinet", "court", "police", "army", "navy", "council",
                              "commission", "agency", "authority", "treasury", "executive"})


def read_entities(doc: Doc, *, offset: int = 0, gazetteer: Gazetteer | None = None) -> tuple[Entity, ...]:
    """The entities named in ``doc``, every mention with document offsets.

    ``offset`` is added to every character offset (the body's start in the
    article). Mentions inside the header or footer never reach here: the
    caller parses only the story body.
    """
    gazetteer = gazetteer or default_gazetteer()
    # finding what may name an entity; the order matters: each stage skips what earlier ones found
    cands = find_ner_names(doc, gazetteer)
    cands = relabel_misread_people(doc, cands)
    cands = add_gazetteer_names(doc, cands, gazetteer)
    cands = add_defined_acronyms(doc, cands)
    cands = add_descriptions(doc, cands)
    cands = in_text_order(cands)
    cands = attach_roles(doc, cands)
    # resolving the rest to keys; each stage reads the keys the earlier ones set
    cands = resolve_people(cands, gazetteer)
    cands = resolve_acronyms(cands)
    cands = resolve_heads(cands)
    cands = resolve_titles(cands)
    cands = resolve_governments(cands, gazetteer)
    return build_entities(doc, cands, offset=offset)


def build_entities(doc: Doc, cands: Candidates, *, offset: int = 0) -> tuple[Entity, ...]:
    """One entity per key among ``cands`` (those without a key name nothing), in order of first mention."""
    keyed = [c for c in cands if c.key]
    sent_starts = [s.start for s in doc.sents]
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for c in keyed:
        groups[c.key].append(c)
    entities = [_entity(doc, key, group, keyed, sent_starts, offset) for key, group in groups.items()]
    entities.sort(key=lambda e: e.mentions[0].start)
    return tuple(entities)


def _entity(doc: Doc, key: str, group: list[Candidate], keyed: list[Candidate], sent_starts: list[int],
            offset: int) -> Entity:
    entry = next((c.entry for c in group if c.entry is not None and c.entry.key == key), None)
    mentions = tuple([_mention(doc, c, sent_starts, offset) for c in group])
    if entry is not None:
        label, schema_type, same_as = entry.label, entry.type, entry.same_as
    else:
        label, schema_type, same_as = _preferred_label(group), _majority_type(group), ()
    # the role that says whose title it is ("UK Prime Minister") wins over a bare one
    role = next((c.role for c in group if c.role is not None and c.source != "title" and c.role.of_start is not None),
                next((c.role for c in group if c.role is not None and c.source != "title"), None))
    role_of = candidate_in(keyed, role.of_start, role.of_end) if role is not None else None
    return Entity(
        key=key, label=label, type=schema_type, mentions=mentions,
        aliases=_aliases(group, label, schema_type), same_as=same_as,
        job_title=role.title if role is not None else None,
        role_of=role_of.key if role_of is not None and role_of.key != key else None,
    )


def _mention(doc: Doc, c: Candidate, sent_starts: list[int], offset: int) -> Mention:
    last = doc[c.end - 1]
    return Mention(start=offset + doc[c.start].idx, end=offset + last.idx + len(last), text=c.text,
                   sentence=bisect.bisect_right(sent_starts, c.start) - 1, label=c.label)


def _aliases(group: list[Candidate], label: str, schema_type: str) -> tuple[str, ...]:
    names = set()
    for c in group:
        if c.label == "NORP" or c.source in DESCRIPTION_SOURCES:
            continue  # "British", "the Prime Minister" are not names of the thing
        text = strip_possessive(c.text)
        if schema_type == "Person":
            given, surname = person_name_parts(text)
            text = " ".join(given + surname)
        if text and text != label:
            names.add(text)
    return tuple(sorted(names))


def _preferred_label(group: list[Candidate]) -> str:
    """The fullest name used (most words), ties broken by frequency then first use."""
    texts = []
    for c in group:
        if c.source in DESCRIPTION_SOURCES or c.label == "NORP":
            continue
        text = strip_possessive(c.text)
        if c.label == "PERSON":
            given, surname = person_name_parts(text)
            text = " ".join(given + surname) or text
        texts.append((text, c.start))
    if not texts:
        return group[0].text
    counts = Counter(t for t, _ in texts)
    first: dict[str, int] = {}
    for t, start in texts:
        first.setdefault(t, start)
    return max(counts, key=lambda t: (len(t.split()), counts[t], -first[t]))


def _majority_type(group: list[Candidate]) -> str:
    if any(c.label == "PERSON" and c.source != "title" for c in group):
        return "Person"
    votes = Counter(_repaired_type(c) for c in group if c.source not in DESCRIPTION_SOURCES)
    if not votes:
        return "Thing"
    best = max(votes.values())
    for c in group:  # ties go to the first mention's type, independent of dict order
        if c.source not in DESCRIPTION_SOURCES and votes[_repaired_type(c)] == best:
            return _repaired_type(c)
    raise AssertionError("unreachable")


def _repaired_type(c: Candidate) -> str:
    """NER label -> schema.org type, with known mistakes corrected by the head word."""
    head = head_word(c.text)
    if c.label in {"ORG", "FAC", "GPE", "LOC"} and head in PLACE_HEADS:
        return "Place"
    if c.label == "ORG" and head in GOVERNMENT_HEADS:
        return "GovernmentOrganization"
    return SCHEMA_TYPES.get(c.label, "Thing")
