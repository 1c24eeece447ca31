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
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from kg.extract.columns import columns
from kg.extract.gazetteer import Gazetteer, GazetteerEntry, default_gazetteer
from kg.model import Entity, Mention
from kg.extract.normalise import (
    HONORIFICS,
    SURNAME_PARTICLES,
    initials,
    is_acronym,
    normalise_name,
    person_key,
    person_name_parts,
    strip_possessive,
)
from kg.extract.roles import HEADS_OF_GOVERNMENT, TITLES, RoleSpan, appositive_title, definite_titles, title_before

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: spaCy (OntoNotes) labels that name things. NORP ("British") only counts
#: when the gazetteer knows what it refers to.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "PRODUCT",
                           "WORK_OF_ART", "LAW", "LANGUAGE"})
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
#: the NER-style label recorded on a mention found through the gazetteer
LABEL_OF_TYPE = {"Person": "PERSON", "Country": "GPE", "City": "GPE", "Place": "LOC",
                 "Organization": "ORG", "GovernmentOrganization": "ORG"}
#: head words that make an "organisation" a place ("the Irish Sea") or a public body
PLACE_HEADS = frozenset({"channel", "sea", "ocean", "river", "strait", "straits", "gulf", "bay", "lake",
                         "mountains", "mountain", "island", "islands", "valley", "peninsula", "coast"})
GOVERNMENT_HEADS = frozenset({"ministry", "department", "parliament", "senate", "congress", "assembly",
                              "government", "cabinet", "court", "police", "army", "navy", "council",
                              "commission", "agency", "authority", "treasury", "executive"})
_TITLE_FIRST_WORDS = frozenset(k[0] for k in TITLES)
SPANS_KEY = "kg_gazetteer"


@dataclass
class _Candidate:
    """A stretch of the document that may name an entity (token indices)."""

    start: int
    end: int
    label: str
    source: str  # "ner", "gazetteer", "title", "government"
    entry: GazetteerEntry | None = None
    contextual: list[GazetteerEntry] = field(default_factory=list)
    role: RoleSpan | None = None
    title: str | None = None  # for "the Prime Minister"
    country: _Candidate | None = None  # for "the UK government"
    defined_by: _Candidate | None = None  # for "PA" in "the Palestinian Authority (PA)"
    key: str | None = None
    text: str = ""


def read_entities(doc: Doc, *, offset: int = 0, gazetteer: Gazetteer | None = None) -> tuple[Entity, ...]:
    """The entities named in ``doc``, every mention with document offsets.

    ``offset`` is added to every character offset (the body's start in the
    article). Mentions inside the header or footer never reach here: the
    caller parses only the story body.
    """
    gazetteer = gazetteer or default_gazetteer()
    cands = _ner_candidates(doc, gazetteer)
    cands = _add_gazetteer_candidates(doc, cands, gazetteer)
    cands.extend(_defined_acronyms(doc, cands))
    cands.extend(_description_candidates(doc, cands))
    cands.sort(key=lambda c: c.start)
    for c in cands:
        c.text = doc[c.start:c.end].text
    _attach_roles(doc, cands)
    _resolve(cands, gazetteer)
    return _build_entities(doc, [c for c in cands if c.key], offset)


# -- finding candidates ---------------------------------------------------------------------------

def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop a leading article or punctuation and a trailing possessive or punctuation."""
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "\u2019s"}):
        end -= 1
    if start >= end or not any(ch.isalpha() for t in doc[start:end] for ch in t.text):
        return None
    return start, end


def _ner_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """NER entities, repaired: a name NER cut at a particle is glued back ("Ursula von
    der" + "Leyen"), one that ran into a bracket is split ("World Health Organisation
    (WHO" -> "World Health Organisation", "WHO")."""
    spans = []
    for e in doc.ents:
        bracket = next((t.i for t in e if t.text == "("), None)
        if bracket is None:
            spans.append((e.start, e.end, e.label_))
            continue
        spans.append((e.start, bracket, e.label_))
        if bracket + 1 < e.end:
            spans.append((bracket + 1, e.end, e.label_))
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if out and out[-1][2] == "PERSON" and out[-1][1] == start and doc[start - 1].lower_ in SURNAME_PARTICLES:
            out[-1] = (out[-1][0], end, "PERSON")
            continue
        out.append((start, end, label))
    return out


def _ner_candidates(doc: Doc, gazetteer: Gazetteer) -> list[_Candidate]:
    spans = _ner_spans(doc)
    person_words = {t.lower_ for s, e, label in spans if label == "PERSON" and e - s > 1 for t in doc[s:e]}
    out = []
    for ent_start, ent_end, ent_label in spans:
        if ent_label not in ENTITY_LABELS:
            continue
        bounds = _trim(doc, ent_start, ent_end)
        if bounds is None:
            continue
        start, end = bounds
        cand = _Candidate(start, end, ent_label, "ner")
        text = doc[start:end].text
        if ent_label == "PERSON":
            start = _strip_leading_title(doc, start, end, cand)
            cand.start = start
            entry = gazetteer.lookup(doc[start:end].text)
            if entry is not None and entry.type != "Person" and (end - start > 1 or doc[start].lower_ in person_words):
                entry = None  # NER calls "Albania" a person now and then, but "Jordan" may be one
            cand.entry = entry
            if entry is not None and entry.type != "Person":
                cand.label, cand.role = LABEL_OF_TYPE.get(entry.type, "ORG"), None
        elif ent_label == "NORP":
            cand.entry = gazetteer.demonym(text) or gazetteer.lookup(text)
            if cand.entry is None:
                continue
        else:
            cand.entry = gazetteer.lookup(text)
            if cand.entry is None:
                cand.contextual = gazetteer.contextual(text)
            elif is_acronym(text) and _shouting(doc, start, end, gazetteer):
                continue  # "WHO WAS OSCAR?" is a headline, not the World Health Organization
        out.append(cand)
    _repair_person_labels(doc, out)
    return out


def _repair_person_labels(doc: Doc, cands: list[_Candidate]) -> None:
    """Names NER gave the wrong label: "Ed Miliband" tagged ORG next to a PERSON
    "David Miliband", "South African President Thabo Mbeki" tagged GPE.

    A capitalised name that ends with the surname of someone the document names
    in full, or follows a job title, is a person -- unless the gazetteer knows
    it as something else.
    """
    surnames = {doc[c.end - 1].lower_ for c in cands if c.label == "PERSON" and c.end - c.start > 1}
    for c in cands:
        if c.label in {"PERSON", "NORP"} or c.entry is not None or c.end - c.start > 3:
            continue
        tokens = doc[c.start:c.end]
        if not all(t.is_title and t.pos_ == "PROPN" for t in tokens):
            continue
        if tokens[-1].lower_ in surnames or title_before(doc, c.start) is not None:
            c.label, c.contextual = "PERSON", []  # "President Thabo Mbeki" tagged GPE


def _strip_leading_title(doc: Doc, start: int, end: int, cand: _Candidate) -> int:
    """ "Prime Minister Keir Starmer" tagged as one PERSON: keep the name, note the title."""
    first = start
    while first < end - 1:
        if doc[first].lower_.rstrip(".") in HONORIFICS and not any(
                tuple(t.lower_ for t in doc[first:first + n]) in TITLES for n in range(2, 4)):
            first += 1
            continue
        for n in range(min(4, end - first - 1), 0, -1):
            words = tuple(t.lower_ for t in doc[first:first + n])
            if words in TITLES:
                cand.role = RoleSpan(TITLES[words], first, first + n)
                first += n
                break
        else:
            break
    return first


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _add_gazetteer_candidates(doc: Doc, cands: list[_Candidate], gazetteer: Gazetteer) -> list[_Candidate]:
    """Known names NER missed, or cut short ("Channel" in "the Channel" is fine either way)."""
    spans: Iterable[Span] = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else ()
    value_ents = [(e.start, e.end) for e in doc.ents if e.label_ not in ENTITY_LABELS]
    for span in spans:
        bounds = _trim(doc, span.start, span.end)
        if bounds is None:
            continue
        start, end = bounds
        overlapping = [c for c in cands if _overlaps(start, end, c.start, c.end)]
        if overlapping and not all(start <= c.start and c.end <= end and (c.start, c.end) != (start, end)
                                   for c in overlapping):
            continue  # NER's span wins unless the known name strictly contains it
        if any(_overlaps(start, end, s, e) for s, e in value_ents):
            continue
        if not overlapping and _inside_longer_name(doc, start, end):
            continue  # "Channel" in "Channel Tunnel", "Jordan" in "Jordan Henderson"
        text = doc[start:end].text
        if is_acronym(text) and _shouting(doc, start, end, gazetteer):
            continue
        entry = gazetteer.lookup(text)
        label = LABEL_OF_TYPE.get(entry.type, "ORG") if entry else None
        contextual: list[GazetteerEntry] = []
        if entry is None:
            entry = gazetteer.demonym(text)
            label = "NORP" if entry else None
        if entry is None:
            contextual = gazetteer.contextual(text)
            if not contextual:
                continue
            label = LABEL_OF_TYPE.get(contextual[0].type, "ORG")
        for c in overlapping:
            cands.remove(c)
        cands.append(_Candidate(start, end, label, "gazetteer", entry=entry, contextual=contextual))
    return cands


def _inside_longer_name(doc: Doc, start: int, end: int) -> bool:
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if after is not None and after.like_num:  # "Channel 4"
        return True
    if before is not None and before.pos_ == "PROPN" and before.is_title and before.lower_ not in _TITLE_FIRST_WORDS:
        return True
    return after is not None and after.pos_ == "PROPN" and after.lower_ not in _TITLE_FIRST_WORDS \
        and not after.is_punct


def _shouting(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """True inside a run of capitals ("WHO WAS OSCAR?"), where acronyms cannot be told apart."""
    neighbours = [t for t in (doc[start - 1] if start > 0 else None, doc[end] if end < len(doc) else None)
                  if t is not None and t.is_alpha]
    return any(len(t) > 1 and t.is_upper and gazetteer.lookup(t.text) is None for t in neighbours)


def _defined_acronyms(doc: Doc, cands: list[_Candidate]) -> list[_Candidate]:
    """ "the Palestinian Authority (PA)" defines PA: it and every later "PA" join the name."""
    by_start = {c.start: c for c in cands}
    taken = [(c.start, c.end) for c in cands]
    out = []
    for c in cands:
        if c.label == "PERSON" or c.end + 2 >= len(doc) or doc[c.end].text != "(" or doc[c.end + 2].text != ")":
            continue
        acronym = doc[c.end + 1]
        if not is_acronym(acronym.text):
            continue
        inner = by_start.get(acronym.i)
        if inner is not None:
            inner.defined_by = c
            continue
        for token in doc[c.end + 1:]:
            if token.text == acronym.text and not any(s <= token.i < e for s, e in taken):
                out.append(_Candidate(token.i, token.i + 1, c.label, "acronym", defined_by=c))
                taken.append((token.i, token.i + 1))
    return out


def _description_candidates(doc: Doc, cands: list[_Candidate]) -> list[_Candidate]:
    """ "the Prime Minister" (no name follows) and "the government"."""
    taken = [(c.start, c.end) for c in cands]

    def free(start: int, end: int) -> bool:
        return not any(_overlaps(start, end, s, e) for s, e in taken)

    out = []
    for role in definite_titles(doc):
        if free(role.start, role.end):
            out.append(_Candidate(role.start, role.end, "PERSON", "title", title=role.title, role=role))
    ends = {c.end: c for c in cands}
    for i, word in enumerate(columns(doc).lower):
        if word not in {"government", "govt"} or not free(i, i + 1):
            continue
        token = doc[i]
        prev = token.i - 1
        if prev >= 0 and doc[prev].tag_ == "POS":
            prev -= 1
        owner = ends.get(prev + 1) if prev >= 0 else None
        if owner is not None:
            out.append(_Candidate(token.i, token.i + 1, "ORG", "government", country=owner))
        elif prev >= 0 and doc[prev].lower_ == "the":
            out.append(_Candidate(token.i, token.i + 1, "ORG", "government"))
    return out


def _attach_roles(doc: Doc, cands: list[_Candidate]) -> None:
    for c in cands:
        if c.label != "PERSON" or c.source == "title":
            continue
        if c.role is None:
            c.role = title_before(doc, c.start) or appositive_title(doc[c.start:c.end])


# -- resolving candidates to keys -----------------------------------------------------------------

def _resolve(cands: list[_Candidate], gazetteer: Gazetteer) -> None:
    for c in cands:
        if c.entry is not None:
            c.key = c.entry.key
    _resolve_people(cands, gazetteer)
    for c in cands:
        if c.key is None and c.source in {"ner", "gazetteer", "acronym"} and c.label != "PERSON" and not c.contextual:
            c.key = normalise_name(c.text)
    _resolve_acronyms(cands)
    _resolve_heads(cands)
    _resolve_titles(cands)
    _resolve_governments(cands, gazetteer)


def _resolve_people(cands: list[_Candidate], gazetteer: Gazetteer) -> None:
    people = [c for c in cands if c.label == "PERSON" and c.source != "title"
              and (c.key is None or (c.entry is not None and c.entry.type == "Person"))]
    full: list[tuple[_Candidate, list[str], list[str]]] = []
    short: list[_Candidate] = []
    for c in people:
        given, surname = person_name_parts(c.text)
        if c.key is not None:  # a known person named in the gazetteer
            if given:
                full.append((c, given, surname))
        elif given:
            entry = gazetteer.lookup(" ".join(given + surname))
            c.key = entry.key if entry is not None and entry.type == "Person" else person_key(c.text)
            if entry is not None and entry.type == "Person":
                c.entry = entry
            full.append((c, given, surname))
        else:
            short.append(c)
    for c in short:
        _, words = person_name_parts(c.text)
        name = normalise_name(" ".join(words))
        owners = [f for f, given, surname in full
                  if normalise_name(" ".join(surname)) == name or normalise_name(given[0]) == name]
        if owners:
            keys = {f.key for f in owners}
            if len(keys) == 1:
                c.key = owners[0].key
            else:  # two people share the name: the nearest one named before wins
                before = [f for f in owners if f.start < c.start]
                c.key = (before[-1] if before else owners[0]).key
            continue
        entry = gazetteer.surname(name)
        if entry is not None:
            c.key, c.entry = entry.key, entry
        else:
            c.key = name


def _resolve_acronyms(cands: list[_Candidate]) -> None:
    """ "SEC" joins "Securities and Exchange Commission" in the same document."""
    named = {}
    for c in cands:
        if c.key and c.label != "PERSON" and not is_acronym(c.text) and len(c.text.split()) > 1:
            named.setdefault(initials(c.text), set()).add(c.key)
    for c in cands:
        if c.defined_by is not None and c.defined_by.key and c.entry is None:
            c.key = c.defined_by.key
        elif c.entry is None and c.key and is_acronym(c.text):
            keys = named.get(c.text.replace(".", ""), set())
            if len(keys) == 1:
                c.key = next(iter(keys))


def _head_word(name: str) -> str:
    """ "Bank of England" -> "bank"; "European Commission" -> "commission"."""
    words = normalise_name(name).split()
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1] if words else ""


def _resolve_heads(cands: list[_Candidate]) -> None:
    """A one-word name that heads exactly one other name in the document joins it."""
    by_head: dict[str, set[str]] = defaultdict(set)
    for c in cands:
        if c.key and c.label != "PERSON" and len(c.text.split()) > 1:
            by_head[_head_word(c.text)].add(c.key)
    present = {c.key for c in cands if c.key}
    for c in cands:
        if c.label == "PERSON" or c.source in {"title", "government"} or len(c.text.split()) != 1:
            continue
        if c.entry is not None:
            continue
        keys = by_head.get(normalise_name(c.text), set()) - {c.key}
        if len(keys) == 1:
            c.key = next(iter(keys))
            continue
        if c.contextual:
            fitting = [e for e in c.contextual if set(e.context) & present]
            if len(fitting) == 1:
                c.key, c.entry = fitting[0].key, fitting[0]
            else:  # no context says which "Commission": an entity of its own
                c.key = normalise_name(c.text)


def _resolve_titles(cands: list[_Candidate]) -> None:
    holders = [c for c in cands if c.label == "PERSON" and c.source != "title" and c.key and c.role]
    for c in cands:
        if c.source != "title":
            continue
        fitting = [h for h in holders if h.role.title.lower() == c.title.lower()]
        keys = {h.key for h in fitting}
        if len(keys) == 1:
            c.key = fitting[0].key
        elif keys:
            before = [h for h in fitting if h.start < c.start]
            c.key = before[-1].key if before else None


def _resolve_governments(cands: list[_Candidate], gazetteer: Gazetteer) -> None:
    led = set()
    for c in cands:
        if c.label == "PERSON" and c.role is not None and c.role.title in HEADS_OF_GOVERNMENT \
                and c.role.of_start is not None:
            owner = _candidate_in(cands, c.role.of_start, c.role.of_end)
            if owner is not None and owner.entry is not None and owner.entry.type == "Country":
                led.add(owner.entry.key)
    for c in cands:
        if c.source != "government":
            continue
        country = c.country.entry if c.country is not None else None
        if country is None and c.country is None and len(led) == 1:
            country = gazetteer.by_key.get(next(iter(led)))
        if country is not None and country.type == "Country":
            c.key = "government of " + country.key
            c.entry = GazetteerEntry(key=c.key, label="Government of " + _with_article(country.label),
                                     type="GovernmentOrganization")


def _with_article(country: str) -> str:
    """ "United Kingdom" -> "the United Kingdom"; "Albania" unchanged."""
    first, last = country.split()[0], country.split()[-1]
    if first in {"United", "Republic", "Democratic", "Federated", "Central", "Dominican", "Czech"} or \
            last in {"Republic", "Kingdom", "States", "Islands", "Emirates", "Netherlands", "Philippines",
                     "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles"}:
        return "the " + country
    return country


def _candidate_in(cands: list[_Candidate], start: int | None, end: int | None) -> _Candidate | None:
    if start is None or end is None:
        return None
    inside = [c for c in cands if start <= c.start and c.end <= end and c.key]
    return inside[-1] if inside else None


# -- building the entities ------------------------------------------------------------------------

def _build_entities(doc: Doc, cands: list[_Candidate], offset: int) -> tuple[Entity, ...]:
    sent_starts = [s.start for s in doc.sents]
    groups: dict[str, list[_Candidate]] = defaultdict(list)
    for c in cands:
        groups[c.key].append(c)
    entities = []
    for key, group in groups.items():
        entry = next((c.entry for c in group if c.entry is not None and c.entry.key == key), None)
        mentions = tuple(Mention(
            start=offset + doc[c.start].idx,
            end=offset + doc[c.end - 1].idx + len(doc[c.end - 1]),
            text=c.text,
            sentence=bisect.bisect_right(sent_starts, c.start) - 1,
            label=c.label,
        ) for c in group)
        if entry is not None:
            label, schema_type, same_as = entry.label, entry.type, entry.same_as
        else:
            label, schema_type, same_as = _preferred_label(group), _majority_type(group), ()
        role = next((c.role for c in group if c.role is not None and c.source != "title" and c.role.of_start is not None),
                    next((c.role for c in group if c.role is not None and c.source != "title"), None))
        role_of = _candidate_in(cands, role.of_start, role.of_end) if role is not None else None
        entities.append(Entity(
            key=key, label=label, type=schema_type, mentions=mentions,
            aliases=_aliases(group, label, schema_type), same_as=same_as,
            job_title=role.title if role is not None else None,
            role_of=role_of.key if role_of is not None and role_of.key != key else None,
        ))
    entities.sort(key=lambda e: e.mentions[0].start)
    return tuple(entities)


def _aliases(group: list[_Candidate], label: str, schema_type: str) -> tuple[str, ...]:
    names = set()
    for c in group:
        if c.label == "NORP" or c.source in {"title", "government"}:
            continue  # "British", "the Prime Minister" are not names of the thing
        text = strip_possessive(c.text)
        if schema_type == "Person":
            given, surname = person_name_parts(text)
            text = " ".join(given + surname)
        if text and text != label:
            names.add(text)
    return tuple(sorted(names))


def _preferred_label(group: list[_Candidate]) -> str:
    """The fullest name used (most words), ties broken by frequency then first use."""
    texts = []
    for c in group:
        if c.source in {"title", "government"} or c.label == "NORP":
            continue
        text = strip_possessive(c.text)
        if c.label == "PERSON":
            given, surname = person_name_parts(text)
            text = " ".join(given + surname) or text
        texts.append((text, c.start))
    if not texts:
        return group[0].text
    counts = Counter(t for t, _ in texts)
    first = {}
    for t, start in texts:
        first.setdefault(t, start)
    return max(counts, key=lambda t: (len(t.split()), counts[t], -first[t]))


def _majority_type(group: list[_Candidate]) -> str:
    if any(c.label == "PERSON" and c.source != "title" for c in group):
        return "Person"
    votes = Counter(_repaired_type(c) for c in group if c.source not in {"title", "government"})
    if not votes:
        return "Thing"
    best = max(votes.values())
    for c in group:  # ties go to the first mention's type, independent of dict order
        if c.source not in {"title", "government"} and votes[_repaired_type(c)] == best:
            return _repaired_type(c)
    raise AssertionError("unreachable")


def _repaired_type(c: _Candidate) -> str:
    """NER label -> schema.org type, with known mistakes corrected by the head word."""
    head = _head_word(c.text)
    if c.label in {"ORG", "FAC", "GPE", "LOC"} and head in PLACE_HEADS:
        return "Place"
    if c.label == "ORG" and head in GOVERNMENT_HEADS:
        return "GovernmentOrganization"
    return SCHEMA_TYPES.get(c.label, "Thing")
