"""Resolving candidates to keys: candidates with one key are one entity.

Each stage takes the document's candidates (in text order, from
:mod:`kg.extract.candidates`, names already keyed when the name alone says
which entity it is) and returns them with more keys (and sometimes gazetteer
entries) set; :func:`kg.extract.entities.read_entities` runs them in
order. A stage reads only what earlier stages decided, so each can be tested
on hand-built candidates without a parsed document.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import NamedTuple

from kg.extract.candidates import (
    DESCRIPTION_SOURCES,
    Candidate,
    Candidates,
    TokenSpan,
    candidate_in,
)
from kg.extract.gazetteer import Gazetteer, GazetteerEntry
from kg.extract.normalise import (
    initials,
    is_acronym,
    normalise_name,
    person_key,
    person_name_parts,
)
from kg.extract.roles import HEADS_OF_GOVERNMENT

# -- the stages ---------------------------------------------------------------------------------

def resolve_people(cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Keys people: full names by ``person_key``, short names by the full name they fit.

    A full name takes a known person's key or its ``person_key``; "Starmer" and
    "Sir Keir" join the one full name in the document they fit (the nearest
    earlier one when several do), else a person the gazetteer knows by that
    surname, else the name itself. Two different full names are never merged.
    """
    full: list[tuple[Candidate, list[str], list[str]]] = []
    short: list[int] = []
    revised: dict[int, Candidate] = {}
    for i, c in enumerate(cands):
        if not _is_person_name(c):
            continue
        given, surname = person_name_parts(c.text)
        if c.key is not None:  # a known person named in the gazetteer
            if given:
                full.append((c, given, surname))
        elif given:
            revised[i] = _full_name(c, given, surname, gazetteer)
            full.append((revised[i], given, surname))
        else:
            short.append(i)
    if short:
        names = [_FullName(c, normalise_name(given[0]), normalise_name(" ".join(surname))) for c, given, surname in full]
        for i in short:
            revised[i] = _short_name(cands[i], names, gazetteer)
    return tuple([revised.get(i, c) for i, c in enumerate(cands)]) if revised else cands


def resolve_acronyms(cands: Candidates) -> Candidates:
    """Joins acronyms to their definition, or to the one name in the document with their initials.

    "SEC" joins "Securities and Exchange Commission"; an acronym the gazetteer
    knows keeps its entry's key.
    """
    by_initials: dict[str, set[str]] = {}
    for c in cands:
        if c.key and c.label != "PERSON" and not is_acronym(c.text) and len(c.text.split()) > 1:
            by_initials.setdefault(initials(c.text), set()).add(c.key)
    # a definition comes before the acronyms it defines, and is read as revised here (it may be one)
    definitions = {c.defined_by for c in cands if c.defined_by is not None}
    definition_keys: dict[TokenSpan, str | None] = {}
    out = []
    for c in cands:
        if c.entry is None:
            c = _acronym_key(c, definition_keys, by_initials)
        if definitions and c.span in definitions:
            definition_keys[c.span] = c.key
        out.append(c)
    return tuple(out)


def resolve_heads(cands: Candidates) -> Candidates:
    """Joins a one-word name to the one name it heads, or to the entry its context points to.

    "the Commission" joins "European Commission" when that is named; else a
    contextual short name takes the one gazetteer entry whose context the
    document names ("European Union"), else becomes an entity of its own.
    """
    by_head: dict[str, set[str]] = defaultdict(set)
    for c in cands:
        if c.key and c.label != "PERSON" and len(c.text.split()) > 1:
            by_head[head_word(c.text)].add(c.key)
    present = {c.key for c in cands if c.key}
    return tuple([_headed_by(c, by_head, present)
                  if c.label != "PERSON" and c.source not in DESCRIPTION_SOURCES and c.entry is None
                  and len(c.text.split()) == 1 else c
                  for c in cands])


def resolve_titles(cands: Candidates) -> Candidates:
    """Joins "the Prime Minister" to the person the document gives that title (nearest earlier of several)."""
    holders = [c for c in cands if c.label == "PERSON" and c.source != "title" and c.key and c.role is not None]
    if not holders:
        return cands
    return tuple([_title_holder(c, holders) if c.source == "title" else c for c in cands])


def resolve_governments(cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Keys "the (UK) government" as the government of the country named, or the one country led.

    A bare "the government" is that of the one country whose head of
    government the document names ("UK Prime Minister Keir Starmer").
    """
    if not any(c.source == "government" for c in cands):
        return cands
    led = _led_countries(cands)
    by_span = {c.span: c for c in cands}
    return tuple([_government_of(c, by_span, led, gazetteer) if c.source == "government" else c for c in cands])


def head_word(name: str) -> str:
    """ "Bank of England" -> "bank"; "European Commission" -> "commission"."""
    words = normalise_name(name).split()
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1] if words else ""


# -- helpers --------------------------------------------------------------------------------------

class _FullName(NamedTuple):
    """A person named in full, with the normalised parts a short name is matched against."""

    candidate: Candidate
    given: str  # the first given name
    surname: str


def _is_person_name(c: Candidate) -> bool:
    return c.label == "PERSON" and c.source != "title" \
        and (c.key is None or (c.entry is not None and c.entry.type == "Person"))


def _full_name(c: Candidate, given: list[str], surname: list[str], gazetteer: Gazetteer) -> Candidate:
    entry = gazetteer.lookup(" ".join(given + surname))
    if entry is not None and entry.type == "Person":
        return replace(c, key=entry.key, entry=entry)
    return replace(c, key=person_key(c.text))


def _short_name(c: Candidate, full: list[_FullName], gazetteer: Gazetteer) -> Candidate:
    _, words = person_name_parts(c.text)
    name = normalise_name(" ".join(words))
    owners = [f.candidate for f in full if f.surname == name or f.given == name]
    if owners:
        if len({f.key for f in owners}) == 1:
            return replace(c, key=owners[0].key)
        before = [f for f in owners if f.start < c.start]  # two people share the name
        return replace(c, key=(before[-1] if before else owners[0]).key)
    entry = gazetteer.surname(name)
    if entry is not None:
        return replace(c, key=entry.key, entry=entry)
    return replace(c, key=name)


def _acronym_key(c: Candidate, definition_keys: dict[TokenSpan, str | None],
                 by_initials: dict[str, set[str]]) -> Candidate:
    if c.defined_by is not None:
        definition_key = definition_keys[c.defined_by]
        if definition_key:
            return replace(c, key=definition_key)
    if c.key and is_acronym(c.text):
        keys = by_initials.get(c.text.replace(".", ""), set())
        if len(keys) == 1:
            return replace(c, key=next(iter(keys)))
    return c


def _headed_by(c: Candidate, by_head: dict[str, set[str]], present: set[str]) -> Candidate:
    keys = by_head.get(normalise_name(c.text), set()) - {c.key}
    if len(keys) == 1:
        return replace(c, key=next(iter(keys)))
    if not c.contextual:
        return c
    fitting = [e for e in c.contextual if set(e.context) & present]
    if len(fitting) == 1:
        return replace(c, key=fitting[0].key, entry=fitting[0])
    return replace(c, key=normalise_name(c.text))  # no context says which "Commission"


def _title_holder(c: Candidate, holders: list[Candidate]) -> Candidate:
    if c.role is None:
        return c
    title = c.role.title.lower()
    fitting = [h for h in holders if h.role.title.lower() == title]
    keys = {h.key for h in fitting}
    if len(keys) == 1:
        return replace(c, key=fitting[0].key)
    if keys:
        before = [h for h in fitting if h.start < c.start]
        return replace(c, key=before[-1].key if before else None)
    return c


def _led_countries(cands: Candidates) -> set[str]:
    """Keys of the countries whose head of government the document names ("UK Prime Minister")."""
    led = set()
    for c in cands:
        if c.label == "PERSON" and c.role is not None and c.role.title in HEADS_OF_GOVERNMENT \
                and c.role.of_start is not None:
            owner = candidate_in(cands, c.role.of_start, c.role.of_end)
            if owner is not None and owner.entry is not None and owner.entry.type == "Country":
                led.add(owner.entry.key)
    return led


def _government_of(c: Candidate, by_span: dict[TokenSpan, Candidate], led: set[str],
                   gazetteer: Gazetteer) -> Candidate:
    if c.country is not None:
        country = by_span[c.country].entry
    else:
        country = gazetteer.by_key.get(next(iter(led))) if len(led) == 1 else None
    if country is None or country.type != "Country":
        return c
    key = "government of " + country.key
    return replace(c, key=key, entry=GazetteerEntry(key=key, label="Government of " + _with_article(country.label),
                                                    type="GovernmentOrganization"))


def _with_article(country: str) -> str:
    """ "United Kingdom" -> "the United Kingdom"; "Albania" unchanged."""
    first, last = country.split()[0], country.split()[-1]
    if first in {"United", "Republic", "Democratic", "Federated", "Central", "Dominican", "Czech"} or \
            last in {"Republic", "Kingdom", "States", "Islands", "Emirates", "Netherlands", "Philippines",
                     "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles"}:
        return "the " + country
    return country
