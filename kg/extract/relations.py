"""Graph facts from clauses: canonical predicates between entities.

:mod:`kg.extract.clauses` analyses each sentence once; this module turns the
clauses into :class:`~kg.model.Relation` records for the graph:

- a fact needs an entity at one end at least; the other end is an entity or a
  real noun phrase ("more than 12,500 people arrived in the UK"), never an
  unresolved pronoun or a stop word;
- "he"/"she" resolve to the speaker of reported speech or the last person
  named, "the UK government" to the UK, "the parties" to the participants of
  the last agreement or talks;
- passives with an agent are turned around ("the treaty was signed by France"
  -> France signed the treaty); without one they stay passive ("was arrested in");
- every predicate has a canonical key made of lemmas ("enter_talk_with") and a
  readable label ("entered talks with"); the surface phrase is kept as well.

:func:`kg.extract.facts.read_facts`, the entry point used by
:func:`kg.extract.extract`, adds the events of :mod:`kg.extract.events` and
the relations they imply.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from kg.extract.clauses import (
    NAMED_ENTS,
    NEGATIONS,
    PERSONAL,
    TIME_ENTS,
    Clause,
    Complement,
    analyse,
    argument_tokens,
    clause_confidence,
    clauses,
    is_contentless,
    with_conjuncts,
)
from kg.extract.inflect import past_participle, past_tense
from kg.extract.linking import PARTY_NOUNS, Linker
from kg.model import Argument, Relation
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from kg.model import Event

__all__ = ["argument_tokens", "clauses", "graph_relations", "predicate_key"]


# -- canonical predicates ----------------------------------------------------


def predicate_key(words: Sequence[Token], *, passive: bool = False) -> tuple[str, str]:
    """(canonical key, readable label) for a relation phrase.

    The key is made of lemmas ("agree_to_share"); the label is readable
    English with the first verb in the past ("agreed to share"), or "was" and
    a participle for a passive ("was arrested in"), or "is" for a copula.
    Auxiliaries, modals and negation are left out: they are recorded on the
    statement as modality and negation. So "will enter talks with" gives
    ("enter_talk_with", "entered talks with") and "has not been arrested in"
    (passive) gives ("be_arrest_in", "was arrested in").
    """
    content = [t for t in words if t.dep_ not in {"aux", "auxpass", "neg", "det"}
               and t.lower_ not in NEGATIONS or (t.lower_ == "to" and t.dep_ == "aux")]
    while content and content[0].lower_ == "to":
        content = content[1:]
    key_words: list[str] = []
    label_words: list[str] = []
    first_verb = True
    for t in content:
        if t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"prt"}:
            base = lemma(t).lower()
            key_words.append(base)
            if first_verb and passive and t.tag_ == "VBN":
                key_words.insert(len(key_words) - 1, "be")
                label_words.extend(["was", past_participle(base)])
            elif first_verb:
                label_words.append("is" if base == "be" else past_tense(base))
            else:
                label_words.append(base)
            first_verb = False
        else:
            key_words.append(lemma(t).lower() if t.pos_ == "NOUN" else t.lower_)
            label_words.append(t.lower_ if t.pos_ != "PROPN" else t.text)
            det = _determiner(t)
            if det is not None and t.pos_ == "NOUN":
                label_words.insert(len(label_words) - 1, det)
    key = "_".join(w for w in (_keyable(w) for w in key_words) if w)
    return key, " ".join(label_words)


def _determiner(noun: Token) -> str | None:
    for child in noun.children:
        if child.dep_ == "det" and child.lower_ in {"a", "an"} and child.i < noun.i:
            return child.lower_
    return None


def _keyable(word: str) -> str:
    return "".join(ch for ch in word if ch.isalnum() or ch == "-").strip("-")


# -- the graph renderer -------------------------------------------------------


def graph_relations(
    doc: Doc,
    *,
    offset: int,
    sentence_of: Callable[[int], int],
    entity_at: Callable[[int], str | None],
    person_before: Callable[[int], str | None],
    events: Sequence[Event] = (),
    analysis: list[list[Clause]] | None = None,
) -> list[Relation]:
    """Relations for the graph: at least one end is an entity, the other a real phrase.

    ``entity_at(token_index)`` gives the entity key of the mention covering a
    token; ``person_before(token_index)`` the most recent person, used to
    resolve he/she when no speaker is known; ``events`` (from
    :mod:`kg.extract.events`) resolve "the parties". An object that is not an
    entity is kept as text (``Argument.entity is None``), so "more than 12,500
    people arrived in the UK" is a fact too.
    """
    linker = Linker(offset, sentence_of, entity_at, person_before, events)
    if analysis is None:
        analysis = analyse(doc)
    out: list[Relation] = []
    seen: set[tuple] = set()
    for sent, sentence_clauses in zip(doc.sents, analysis):
        index = sentence_of(sent.start)
        for clause in sentence_clauses:
            for relation in _clause_relations(clause, linker, index):
                dedup = (relation.subject.entity or relation.subject.text, relation.predicate,
                         relation.object.entity or relation.object.text, index)
                if dedup not in seen:
                    seen.add(dedup)
                    out.append(relation)
    return out


def _clause_relations(clause: Clause, linker: Linker, sentence: int) -> Iterator[Relation]:
    if clause.is_reporting or not clause.subjects:
        return  # the report itself is a statement event; its content is its own clause
    speaker_key = None
    if clause.speaker is not None:
        keys = linker.entity_of(clause.speaker)
        speaker_key = keys[0] if len(keys) == 1 else None
    agent = clause.agent
    if clause.passive and agent is not None:
        # "the treaty was signed by France", "the challenges posed by migration": the agent acts
        subjects = with_conjuncts([agent.head])
        objects = [Complement(s, "dobj") for s in clause.subjects]
        rest = [c for c in clause.complements if c is not agent]
        words = [w for w in clause.words if w.dep_ != "auxpass"]
        passive = False
    else:
        subjects, objects, rest = clause.subjects, [], list(clause.complements)
        words, passive = list(clause.words), clause.passive
    candidates = _graph_objects(objects, rest)
    for subj in subjects:
        s_tokens = argument_tokens(subj)
        s_keys = linker.entity_of(subj, speaker_key)
        if not s_keys and is_contentless(s_tokens):
            continue
        for comp in candidates:
            rel_words = sorted([*words, *comp.via] if comp.via else
                               [*words, *([comp.prep] if comp.prep is not None else [])], key=lambda t: t.i)
            key, label = ("be", "is") if clause.kind == "apposition" else predicate_key(rel_words, passive=passive)
            if not key:
                continue
            extra = tuple(_extra_arguments(rest, comp, linker))
            for obj in [comp.head] if comp.via else with_conjuncts([comp.head]):
                o_tokens = argument_tokens(obj)
                o_keys = linker.entity_of(obj, speaker_key)
                if obj.pos_ in {"VERB", "AUX"} or (not o_keys and is_contentless(o_tokens)):
                    continue
                if not s_keys and not o_keys:
                    continue  # a fact about no entity belongs to Open IE, not the graph
                tokens = [*s_tokens, *rel_words, *o_tokens]
                start = linker.offset + min(t.idx for t in tokens)
                end = linker.offset + max(t.idx + len(t) for t in tokens)
                confidence = graph_confidence(clause, subj, obj, comp, bool(s_keys), bool(o_keys))
                for s_key in s_keys or [None]:
                    for o_key in o_keys or [None]:
                        if s_key is not None and s_key == o_key:
                            continue
                        yield Relation(
                            subject=linker.argument(s_tokens, s_key, "subject"),
                            phrase=" ".join(t.text for t in rel_words) or "is",
                            predicate=key,
                            label=label,
                            object=linker.argument(o_tokens, o_key, comp.prep.lower_ if comp.prep else "object"),
                            sentence=sentence,
                            start=start,
                            end=end,
                            confidence=confidence,
                            negated=clause.negated,
                            modality=clause.modality,
                            attributed_to=speaker_key,
                            extra=extra,
                        )


def _graph_objects(objects: list[Complement], rest: list[Complement]) -> list[Complement]:
    """Which complements become the object of a graph fact.

    Direct objects and attributes do, and so does every prepositional object
    naming an entity; when there is no direct object the first prepositional
    object does too ("talked to countries"). Relational nouns whose
    prepositional object became the object ("talks" in "enter talks with the
    EU") are not repeated as objects.
    """
    core = objects + [c for c in rest if c.core and c.head.ent_type_ not in TIME_ENTS]
    via_nouns = {c.via[0].i for c in rest if c.via}
    chosen = [c for c in core if c.head.i not in via_nouns]
    chosen += [c for c in rest if c.via and c.head.ent_type_ in NAMED_ENTS]
    # a preposed adjunct ("On a trip to Albania, Starmer said") is not the object
    preps = [c for c in rest if c.role == "prep" and c.prep is not None and c.prep.i > c.prep.head.i]
    if not core and preps:
        chosen.append(preps[0])
        chosen += [c for c in preps[1:] if c.head.ent_type_ and c.head.ent_type_ not in TIME_ENTS]
    else:
        chosen += [c for c in preps if c.head.ent_type_ and c.head.ent_type_ not in TIME_ENTS
                   and c.head.ent_type_ not in {"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}]
    seen: set[int] = set()
    out = []
    for c in chosen:
        if c.head.i not in seen:
            seen.add(c.head.i)
            out.append(c)
    return out


def _extra_arguments(rest: list[Complement], used: Complement, linker: Linker) -> Iterator[Argument]:
    """Further arguments of a fact: time, place and other prepositional phrases."""
    n = 0
    for comp in rest:
        if comp is used or comp.via or comp.role in {"ccomp", "xcomp", "pclause", "agent"} or comp.core:
            continue
        if comp.head.pos_ in {"VERB", "AUX"}:
            continue
        tokens = argument_tokens(comp.head)
        if is_contentless(tokens):
            continue
        if comp.role == "time" or comp.head.ent_type_ in TIME_ENTS:
            role = "time"
            if comp.prep is not None:
                tokens = [comp.prep, *tokens] if comp.prep.i < tokens[0].i else tokens
        else:
            role = comp.prep.lower_ if comp.prep is not None else comp.role
        keys = linker.entity_of(comp.head)
        yield linker.argument(tokens, keys[0] if len(keys) == 1 else None, role)
        n += 1
        if n >= 4:
            return


def graph_confidence(clause: Clause, subj: Token, obj: Token, comp: Complement,
                     subject_linked: bool, object_linked: bool) -> float:
    """How likely a graph fact is right, in (0, 1).

    Starts from the clause score used for Open IE (how reliable the parse
    pattern is) and adds what matters for the graph: both ends linked to
    entities, the object reached through a relational noun, a pronoun resolved.
    """
    score = clause_confidence(clause)
    score += 0.08 if subject_linked else -0.05
    score += 0.08 if object_linked else -0.05
    if subj.lower_ in PERSONAL or subj.lower_ in PARTY_NOUNS:
        score -= 0.1
    if comp.via:
        score -= 0.05
    distance = abs(obj.i - clause.head.i) + abs(subj.i - clause.head.i)
    score -= min(0.15, 0.01 * max(0, distance - 6))
    return round(min(0.97, max(0.03, score)), 3)
