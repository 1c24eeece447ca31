"""Finding the stretches of a document that may name an entity.

A :class:`Candidate` is a frozen record of token indices plus what is known
about the name so far; each stage below takes the candidates found so far and
returns new ones (``dataclasses.replace`` for a revision). The stages are run,
in order, by :func:`kg.extract.entities.read_entities`. A name that says on its
own which entity it is (a gazetteer name, "Electoral Commission") is keyed when
found; the rest are resolved against each other in :mod:`kg.extract.resolution`.

Candidates never share a span, so a candidate refers to another (an acronym
to the name that defines it, "the UK government" to "UK") by that one's
:attr:`Candidate.span`, which survives every revision.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

from kg.extract.columns import columns
from kg.extract.gazetteer import Gazetteer, GazetteerEntry
from kg.extract.normalise import (
    HONORIFICS,
    SURNAME_PARTICLES,
    is_acronym,
    normalise_name,
)
from kg.extract.roles import (
    TITLES,
    RoleSpan,
    appositive_title,
    definite_titles,
    title_before,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: where a name came from: spaCy's NER, the ``kg_gazetteer`` spans, or a later use of an
#: acronym defined in brackets
NameSource = Literal["ner", "gazetteer", "acronym"]
#: definite descriptions: "the Prime Minister", "the (UK) government"
DescriptionSource = Literal["title", "government"]
Source = Literal[NameSource, DescriptionSource]
DESCRIPTION_SOURCES: frozenset[Source] = frozenset({"title", "government"})
#: token indices ``(start, end)`` of a candidate: how one candidate refers to another
TokenSpan = tuple[int, int]

#: spaCy (OntoNotes) labels that name things. NORP ("British") only counts
#: when the gazetteer knows what it refers to.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "PRODUCT",
                           "WORK_OF_ART", "LAW", "LANGUAGE"})
#: the NER-style label recorded on a mention found through the gazetteer
LABEL_OF_TYPE = {"Person": "PERSON", "Country": "GPE", "City": "GPE", "Place": "LOC",
                 "Organization": "ORG", "GovernmentOrganization": "ORG"}
SPANS_KEY = "kg_gazetteer"
_TITLE_FIRST_WORDS = frozenset(k[0] for k in TITLES)


@dataclass(frozen=True)
class Candidate:
    """A stretch ``doc[start:end]`` that may name an entity, and what is known about it.

    ``entry`` is the gazetteer entry it denotes, ``contextual`` the entries a
    short name ("Commission") may denote given the right context; ``role`` is
    a job title next to a person's name (or, for a ``"title"`` candidate, the
    title itself). ``country`` ("UK" in "the UK government") and
    ``defined_by`` ("Palestinian Authority" for a later "PA") are the spans of
    other candidates. ``key`` says which entity it names: set when found if
    the name alone says so (see :func:`name_candidate`), else by
    :mod:`kg.extract.resolution`.
    """

    start: int
    end: int
    text: str
    label: str  # spaCy NER label: PERSON, ORG, GPE ...
    source: Source
    entry: GazetteerEntry | None = None
    contextual: tuple[GazetteerEntry, ...] = ()
    role: RoleSpan | None = None
    country: TokenSpan | None = None
    defined_by: TokenSpan | None = None
    key: str | None = None

    @property
    def span(self) -> TokenSpan:
        return (self.start, self.end)


Candidates = tuple[Candidate, ...]


def name_candidate(start: int, end: int, text: str, label: str, source: NameSource, *,
                   entry: GazetteerEntry | None = None, contextual: tuple[GazetteerEntry, ...] = (),
                   role: RoleSpan | None = None, defined_by: TokenSpan | None = None) -> Candidate:
    """A candidate for a name, keyed by what the name alone says: its gazetteer entry's key,
    else its normalised text -- except a person's name or a short name awaiting context
    ("Commission"), which only the rest of the document can resolve.

    >>> name_candidate(0, 2, "Electoral Commission", "ORG", "ner").key
    'electoral commission'
    """
    if entry is not None:
        key: str | None = entry.key
    elif label != "PERSON" and not contextual:
        key = normalise_name(text)
    else:
        key = None
    return Candidate(start, end, text, label, source, entry=entry, contextual=contextual, role=role,
                     defined_by=defined_by, key=key)


# -- the stages ---------------------------------------------------------------------------------

def find_ner_names(doc: Doc, gazetteer: Gazetteer) -> Candidates:
    """Finds NER's names, trimmed, with a leading job title split off and their gazetteer entry."""
    spans = _ner_spans(doc)
    person_words = {t.lower_ for s, e, label in spans if label == "PERSON" and e - s > 1 for t in doc[s:e]}
    found = (_ner_candidate(doc, start, end, label, gazetteer, person_words) for start, end, label in spans)
    return tuple(c for c in found if c is not None)


def relabel_misread_people(doc: Doc, cands: Candidates) -> Candidates:
    """Relabels as people the names NER mistook ("Ed Miliband" as ORG, "Thabo Mbeki" as GPE).

    A capitalised name that ends with the surname of someone the document names
    in full, or follows a job title, is a person -- unless the gazetteer knows
    it as something else.
    """
    surnames = {doc[c.end - 1].lower_ for c in cands if c.label == "PERSON" and c.end - c.start > 1}
    return tuple([replace(c, label="PERSON", contextual=(), key=None) if _misread_person(doc, c, surnames) else c
                  for c in cands])


def add_gazetteer_names(doc: Doc, cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Adds the known names NER missed or cut short, replacing the NER names they strictly contain."""
    spans: Iterable[Span] = doc.spans.get(SPANS_KEY, ())
    value_ents = [(e.start, e.end) for e in doc.ents if e.label_ not in ENTITY_LABELS]
    out = list(cands)
    for span in spans:
        bounds = _trim(doc, span.start, span.end)
        if bounds is None:
            continue
        start, end = bounds
        overlapping = [c for c in out if _overlaps(start, end, c.start, c.end)]
        if overlapping and not all(start <= c.start and c.end <= end and (c.start, c.end) != (start, end)
                                   for c in overlapping):
            continue  # NER's span wins unless the known name strictly contains it
        if any(_overlaps(start, end, s, e) for s, e in value_ents):
            continue
        if not overlapping and _inside_longer_name(doc, start, end):
            continue  # "Channel" in "Channel Tunnel", "Jordan" in "Jordan Henderson"
        known = _gazetteer_candidate(doc, start, end, gazetteer)
        if known is None:
            continue
        if overlapping:
            replaced = {c.span for c in overlapping}
            out = [c for c in out if c.span not in replaced]
        out.append(known)
    return tuple(out)


def add_defined_acronyms(doc: Doc, cands: Candidates) -> Candidates:
    """Points acronyms defined in brackets to their name, adding each later use not yet found.

    "the Palestinian Authority (PA)" defines PA: the "PA" candidate, and a new
    ``"acronym"`` candidate for every later "PA", get ``defined_by``.
    """
    by_start = {c.start: c for c in cands}
    taken = [(c.start, c.end) for c in cands]
    defined: dict[TokenSpan, TokenSpan] = {}  # an existing candidate's span -> its definition's
    new = []
    for c in cands:
        if c.label == "PERSON" or c.end + 2 >= len(doc) or doc[c.end].text != "(" or doc[c.end + 2].text != ")":
            continue
        acronym = doc[c.end + 1]
        if not is_acronym(acronym.text):
            continue
        inner = by_start.get(acronym.i)
        if inner is not None:
            defined[inner.span] = c.span
            continue
        for token in doc[c.end + 1:]:
            if token.text == acronym.text and not any(s <= token.i < e for s, e in taken):
                new.append(name_candidate(token.i, token.i + 1, token.text, c.label, "acronym", defined_by=c.span))
                taken.append((token.i, token.i + 1))
    if defined:
        cands = tuple([replace(c, defined_by=defined[c.span]) if c.span in defined else c for c in cands])
    return cands + tuple(new)


def add_descriptions(doc: Doc, cands: Candidates) -> Candidates:
    """Adds "the Prime Minister" (no name follows) and "the government" where no name was found.

    "the UK government" gets the span of "UK" as its ``country``.
    """
    taken = [(c.start, c.end) for c in cands]
    return cands + _definite_title_candidates(doc, taken) + _government_candidates(doc, cands, taken)


def in_text_order(cands: Candidates) -> Candidates:
    """Sorts the candidates by where they start (no two start at the same token)."""
    return tuple(sorted(cands, key=attrgetter("start")))


def attach_roles(doc: Doc, cands: Candidates) -> Candidates:
    """Adds the job title before or in apposition to a person's name ("Rod Eddington, BA's chief executive")."""
    return tuple([_with_role(doc, c) if c.label == "PERSON" and c.source != "title" and c.role is None else c
                  for c in cands])


def candidate_in(cands: Iterable[Candidate], start: int | None, end: int | None) -> Candidate | None:
    """The last candidate with a key inside ``start:end`` (what a title belongs to), or None."""
    if start is None or end is None:
        return None
    inside = [c for c in cands if start <= c.start and c.end <= end and c.key]
    return inside[-1] if inside else None


# -- helpers --------------------------------------------------------------------------------------

def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop a leading article or punctuation and a trailing possessive or punctuation."""
    while start < end:
        first = doc[start]  # doc[i] builds a new Token each time: once per position, not per test
        if not (first.lower_ in {"the", "a", "an"} or first.is_punct):
            break
        start += 1
    while end > start:
        last = doc[end - 1]
        if not (last.tag_ == "POS" or last.is_punct or last.lower_ in {"'s", "\u2019s"}):
            break
        end -= 1
    if start >= end or not any(ch.isalpha() for ch in doc[start:end].text):
        return None
    return start, end


def _ner_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """NER entities, repaired: a name NER cut at a particle is glued back ("Ursula von
    der" + "Leyen"), one that ran into a bracket is split ("World Health Organisation
    (WHO" -> "World Health Organisation", "WHO")."""
    lower = columns(doc).lower
    spans = []
    for e in doc.ents:
        bracket = next((i for i in range(e.start, e.end) if lower[i] == "("), None)
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


def _ner_candidate(doc: Doc, start: int, end: int, label: str, gazetteer: Gazetteer,
                   person_words: set[str]) -> Candidate | None:
    """One NER entity as a candidate, or None when it names nothing we keep."""
    if label not in ENTITY_LABELS:
        return None
    bounds = _trim(doc, start, end)
    if bounds is None:
        return None
    start, end = bounds
    if label == "PERSON":
        return _ner_person(doc, start, end, gazetteer, person_words)
    text = doc[start:end].text
    if label == "NORP":
        entry = gazetteer.demonym(text) or gazetteer.lookup(text)
        return name_candidate(start, end, text, label, "ner", entry=entry) if entry is not None else None
    entry = gazetteer.lookup(text)
    if entry is None:
        return name_candidate(start, end, text, label, "ner", contextual=tuple(gazetteer.contextual(text)))
    if is_acronym(text) and _shouting(doc, start, end, gazetteer):
        return None  # "WHO WAS OSCAR?" is a headline, not the World Health Organization
    return name_candidate(start, end, text, label, "ner", entry=entry)


def _ner_person(doc: Doc, start: int, end: int, gazetteer: Gazetteer, person_words: set[str]) -> Candidate:
    role, start = _leading_title(doc, start, end)
    text = doc[start:end].text
    entry = gazetteer.lookup(text)
    if entry is not None and entry.type != "Person" and (end - start > 1 or doc[start].lower_ in person_words):
        entry = None  # NER calls "Albania" a person now and then, but "Jordan" may be one
    if entry is not None and entry.type != "Person":
        return name_candidate(start, end, text, LABEL_OF_TYPE.get(entry.type, "ORG"), "ner", entry=entry)
    return name_candidate(start, end, text, "PERSON", "ner", entry=entry, role=role)


def _leading_title(doc: Doc, start: int, end: int) -> tuple[RoleSpan | None, int]:
    """ "Prime Minister Keir Starmer" tagged as one PERSON: (the title, where the name starts)."""
    role = None
    first = start
    while first < end - 1:
        if doc[first].lower_.rstrip(".") in HONORIFICS and not any(
                tuple(t.lower_ for t in doc[first:first + n]) in TITLES for n in range(2, 4)):
            first += 1
            continue
        for n in range(min(4, end - first - 1), 0, -1):
            words = tuple(t.lower_ for t in doc[first:first + n])
            if words in TITLES:
                role = RoleSpan(TITLES[words], first, first + n)
                first += n
                break
        else:
            break
    return role, first


def _misread_person(doc: Doc, c: Candidate, surnames: set[str]) -> bool:
    if c.label in {"PERSON", "NORP"} or c.entry is not None or c.end - c.start > 3:
        return False
    tokens = doc[c.start:c.end]
    if not all(t.is_title and t.pos_ == "PROPN" for t in tokens):
        return False
    return tokens[-1].lower_ in surnames or title_before(doc, c.start) is not None


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _gazetteer_candidate(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> Candidate | None:
    """``doc[start:end]`` as a known name, a demonym or a contextual short name, or None."""
    text = doc[start:end].text
    if is_acronym(text) and _shouting(doc, start, end, gazetteer):
        return None
    entry = gazetteer.lookup(text)
    if entry is not None:
        return name_candidate(start, end, text, LABEL_OF_TYPE.get(entry.type, "ORG"), "gazetteer", entry=entry)
    entry = gazetteer.demonym(text)
    if entry is not None:
        return name_candidate(start, end, text, "NORP", "gazetteer", entry=entry)
    contextual = tuple(gazetteer.contextual(text))
    if not contextual:
        return None
    return name_candidate(start, end, text, LABEL_OF_TYPE.get(contextual[0].type, "ORG"), "gazetteer",
                          contextual=contextual)


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


def _is_free(taken: list[TokenSpan], start: int, end: int) -> bool:
    return not any(_overlaps(start, end, s, e) for s, e in taken)


def _definite_title_candidates(doc: Doc, taken: list[TokenSpan]) -> Candidates:
    """ "the Prime Minister" with no name after it, where no name was found."""
    return tuple([Candidate(role.start, role.end, doc[role.start:role.end].text, "PERSON", "title", role=role)
                  for role in definite_titles(doc) if _is_free(taken, role.start, role.end)])


def _government_candidates(doc: Doc, names: Candidates, taken: list[TokenSpan]) -> Candidates:
    """ "the government", and "the UK('s) government" pointing to the name before it."""
    ends = {c.end: c for c in names}
    out = []
    for i, word in enumerate(columns(doc).lower):
        if word not in {"government", "govt"} or not _is_free(taken, i, i + 1):
            continue
        prev = i - 1
        if prev >= 0 and doc[prev].tag_ == "POS":
            prev -= 1
        owner = ends.get(prev + 1) if prev >= 0 else None
        if owner is not None:
            out.append(Candidate(i, i + 1, doc[i].text, "ORG", "government", country=owner.span))
        elif prev >= 0 and doc[prev].lower_ == "the":
            out.append(Candidate(i, i + 1, doc[i].text, "ORG", "government"))
    return tuple(out)


def _with_role(doc: Doc, c: Candidate) -> Candidate:
    role = title_before(doc, c.start) or appositive_title(doc[c.start:c.end])
    return replace(c, role=role) if role is not None else c
