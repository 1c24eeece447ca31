"""Events and relations of a parsed document, from one clause analysis.

The entry point :func:`kg.extract.extract` uses: :mod:`kg.extract.events`
reads the events, :mod:`kg.extract.relations` the relations read off clauses,
and this module merges in the relations the events imply.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from kg.extract.clauses import analyse
from kg.extract.events import document_events
from kg.extract.linking import Linker
from kg.extract.relations import graph_relations
from kg.model import Event, Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc


def read_facts(
    doc: Doc,
    *,
    offset: int,
    sentence_of: Callable[[int], int],
    entity_at: Callable[[int], str | None],
    person_before: Callable[[int], str | None],
) -> tuple[list[Event], list[Relation]]:
    """Events and relations of a parsed document, from one clause analysis.

    Relations read off clauses come first; relations implied by events
    ("the UK-EU deal ... sharing" -> agreed to share) follow, unless a clause
    already related the same two entities in the same sentence.
    """
    analysis = analyse(doc)
    linker = Linker(offset, sentence_of, entity_at, person_before)
    events, implied = document_events(doc, analysis, linker)
    relations = graph_relations(doc, offset=offset, sentence_of=sentence_of, entity_at=entity_at,
                                person_before=person_before, events=events, analysis=analysis)
    related = {(frozenset((r.subject.entity, r.object.entity)), r.sentence) for r in relations
               if r.object is not None and r.subject.entity and r.object.entity}
    for r in implied:
        pair = (frozenset((r.subject.entity, r.object.entity)), r.sentence)
        if r.predicate.startswith("agree_to") or pair not in related:
            relations.append(r)
            related.add(pair)
    relations.sort(key=lambda r: (r.sentence, r.start))
    return events, relations
