"""How tokens map to the document's entities, for relation and event arguments.

Shared by :mod:`kg.extract.relations` and :mod:`kg.extract.events`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from kg.extract.clauses import PERSONAL
from kg.model import Argument
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Token

    from kg.model import Event

# Heads that stand for the entity that modifies them: "the UK government", "EU officials".
METONYMS = frozenset({"government", "administration", "authorities", "officials", "ministers",
                      "leaders", "delegation", "side", "negotiators", "diplomats", "forces",
                      "troops", "cabinet", "parliament", "executive", "spokesman",
                      "spokeswoman", "spokesperson", "team", "regime", "embassy", "ministry",
                      "military", "army", "police", "department"})
# "the parties vowed ...": the participants of the last agreement or talks.
PARTY_NOUNS = frozenset({"parties", "sides", "signatories", "partners", "allies", "negotiators"})


@dataclass
class Linker:
    """How tokens map to the document's entities (built by :func:`kg.extract.extract`)."""

    offset: int
    sentence_of: Callable[[int], int]
    entity_at: Callable[[int], str | None]
    person_before: Callable[[int], str | None]
    events: Sequence[Event] = ()

    def entity_of(self, token: Token, speaker_key: str | None = None) -> list[str]:
        """Entity keys a subject/object head stands for (several for "the parties")."""
        key = self.entity_at(token.i)
        if key is not None:
            return [key]
        lower = token.lower_
        if lower in PERSONAL:
            resolved = speaker_key or self.person_before(token.i)
            return [resolved] if resolved else []
        if lemma(token).lower() in METONYMS or lower in METONYMS:
            owners = {self.entity_at(c.i) for c in token.children
                      if c.dep_ in {"compound", "poss", "nmod", "amod"} and c.i < token.i}
            owners.discard(None)
            if len(owners) == 1:
                return [owners.pop()]
        if lower in PARTY_NOUNS and any(c.lower_ in {"the", "both", "two", "all"} for c in token.children):
            return self.parties_before(self.offset + token.idx)
        return []

    def parties_before(self, char: int) -> list[str]:
        """Entity participants of the most recent multi-party event before ``char``."""
        for event in reversed(self.events):
            if event.start >= char:
                continue
            keys = [p.entity for p in event.participants if p.entity]
            if len(set(keys)) >= 2 and event.kind in {"agreement", "talks", "meeting"}:
                return list(dict.fromkeys(keys))
        return []

    def argument(self, tokens: Sequence[Token], key: str | None, role: str | None = None) -> Argument:
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1])
        text = tokens[0].doc[tokens[0].i:tokens[-1].i + 1].text  # doc.text would rebuild the whole text
        return Argument(text=text, start=self.offset + start,
                        end=self.offset + end, entity=key, role=role)
