"""Clause-level relations read off the dependency parse.

For every clause head (a verb) we collect its subjects, its verb chain
("vowed to crack down"), its modality and negation, and its objects (direct,
attribute, prepositional, passive agent). Coordinated subjects and objects give
one fact each. The result is a list of :class:`Clause` records on tokens; the
two renderers turn them into graph :class:`Relation`s (between entities) or
Open IE tuples (between any text spans).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from kg.extract.inflect import past_tense
from kg.extract.model import Argument, Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
DIRECT_OBJECTS = frozenset({"dobj", "attr", "oprd", "dative", "acomp"})
CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "relcl", "parataxis", "xcomp", "acl"})
MODALS = {"will": "will", "'ll": "will", "wo": "will", "shall": "will", "would": "would",
          "should": "should", "may": "may", "might": "might", "can": "can", "ca": "can",
          "could": "could", "must": "must"}
REPORTING = frozenset({"say", "tell", "announce", "claim", "add", "state", "report", "warn",
                       "insist", "argue", "suggest", "confirm", "deny", "believe", "think"})
# Nouns that carry the meaning of a light verb ("enter talks with", "make a trip to").
RELATIONAL_NOUNS = frozenset({
    "talk", "talks", "agreement", "deal", "trip", "visit", "meeting", "negotiation",
    "negotiations", "partnership", "cooperation", "treaty", "contract", "alliance", "stake",
    "share", "role", "part", "bid", "offer", "case", "action", "call", "step", "steps",
})
PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us",
                      "them", "this", "that", "these", "those", "who", "which", "what",
                      "itself", "themselves", "himself", "herself", "one", "there"})
PERSONAL = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON"}
MAX_ARG_TOKENS = 25


@dataclass
class Clause:
    """One predicate with its arguments, still as spaCy tokens."""

    verb: Token
    chain: list[Token]
    phrase: list[Token]
    subjects: list[Token]
    objects: list[tuple[list[Token], Token]]  # (relation words added, object head)
    passive: bool = False
    negated: bool = False
    modality: str | None = None
    speaker: Token | None = None
    inherited_subject: bool = False
    extra: list[tuple[Token, Token]] = field(default_factory=list)


def clauses(sent: Span) -> Iterator[Clause]:
    """Every clause in a sentence, in token order."""
    chained: set[int] = set()
    for token in sent:
        if token.i in chained or token.pos_ not in {"VERB", "AUX"}:
            continue
        if token.dep_ not in CLAUSE_DEPS:
            continue
        if token.pos_ == "AUX" and not any(c.dep_ in {"attr", "acomp"} for c in token.children):
            continue  # auxiliaries belong to their verb; copulas are clause heads
        chain = _verb_chain(token)
        if token.dep_ in {"xcomp"} and _own_subjects(token) == [] and token.head.pos_ in {"VERB", "AUX"}:
            continue  # folded into the head's chain
        chained.update(t.i for t in chain[1:])
        clause = _clause(token, chain)
        if clause is not None:
            yield clause


def _own_subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in SUBJECTS]


def _verb_chain(verb: Token) -> list[Token]:
    """The verb and the open complements it controls: agreed -> to work -> to fight."""
    chain = [verb]
    current = verb
    while True:
        nxt = next((c for c in current.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}
                    and not _own_subjects(c)), None)
        if nxt is None:
            nxt = next((c for c in current.children if c.dep_ == "advcl" and c.pos_ == "VERB"
                        and not _own_subjects(c) and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
                        and not any(o.dep_ in DIRECT_OBJECTS for o in current.children)), None)
        if nxt is None or len(chain) >= 4:
            return chain
        chain.append(nxt)
        current = nxt


def _subjects_of(verb: Token) -> tuple[list[Token], bool]:
    """Subjects of a clause: its own, a relative clause's antecedent, or a coordinated verb's."""
    own = _own_subjects(verb)
    if own:
        heads = []
        for s in own:
            if s.lower_ in {"who", "which", "that"} and verb.dep_ == "relcl":
                heads.append(verb.head)
            else:
                heads.append(s)
        return _with_conjuncts(heads), False
    if verb.dep_ == "relcl":
        return [], False  # the antecedent is the object ("the deal [that] they struck")
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        inherited, _ = _subjects_of(verb.head)
        return inherited, True
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return [], False
    return [], False


def _with_conjuncts(heads: list[Token]) -> list[Token]:
    out = []
    for head in heads:
        out.append(head)
        out.extend(t for t in head.conjuncts if t.i > head.i)
    return out


def _clause(verb: Token, chain: list[Token]) -> Clause | None:
    subjects, inherited = _subjects_of(verb)
    last = chain[-1]
    phrase: list[Token] = []
    negated = False
    modality = None
    passive = False
    for v in chain:
        for child in v.children:
            if child.dep_ in {"aux", "auxpass", "neg"} and child.i < v.i:
                phrase.append(child)
                if child.dep_ == "neg":
                    negated = True
                if child.dep_ == "auxpass":
                    passive = True
                if child.lower_ in MODALS and modality is None:
                    modality = MODALS[child.lower_]
            elif child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ in {"together", "not", "never"}):
                phrase.append(child)
                if child.lower_ in {"not", "never"}:
                    negated = True
        phrase.append(v)
    if len(chain) > 1 and modality is None:
        modality = f"{chain[0].lemma_} to" if chain[0].lemma_ in {"plan", "hope", "want", "intend", "aim", "try", "threaten", "expect", "seek"} else None
    if verb.dep_ == "advcl" and any(c.lower_ == "if" for c in verb.children):
        modality = "if"
    # inherit modality/negation of the head verb for coordinated verbs ("will review and decide")
    if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        for child in verb.head.children:
            if child.dep_ == "aux" and child.lower_ in MODALS and modality is None:
                modality = MODALS[child.lower_]
                phrase.append(child)

    objects: list[tuple[list[Token], Token]] = []
    direct = [c for c in last.children if c.dep_ in DIRECT_OBJECTS]
    if last.pos_ == "AUX":  # copula: "X is Y"
        direct = [c for c in last.children if c.dep_ in {"attr", "acomp"}]
    agent = None
    for d in direct:
        for head in _with_conjuncts([d]):
            objects.append(([], head))
        if d.lemma_.lower() in RELATIONAL_NOUNS or d.lower_ in RELATIONAL_NOUNS:
            for prep, pobj in _preps_within(d):
                objects.append(([d, prep], pobj))
    for child in last.children:
        if child.dep_ == "prep":
            for pobj in _with_conjuncts([c for c in child.children if c.dep_ == "pobj"]):
                objects.append(([child], pobj))
        elif child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
    if verb.dep_ == "relcl" and not _own_subjects(verb) is None and not subjects:
        subjects = []
    if agent is not None and passive:
        # "X was agreed by Y" -> Y agreed X
        old_subjects = subjects
        subjects = _with_conjuncts([agent])
        objects = [([], s) for s in old_subjects] + objects
        phrase = [t for t in phrase if t.dep_ not in {"auxpass"}]
        passive = False
    speaker = None
    reporting = _reporting_head(verb)
    if reporting is not None:
        speakers = [c for c in reporting.children if c.dep_ in {"nsubj"}]
        speaker = speakers[0] if speakers else None
    phrase.sort(key=lambda t: t.i)
    return Clause(verb=verb, chain=chain, phrase=phrase, subjects=subjects, objects=objects,
                  passive=passive, negated=negated, modality=modality, speaker=speaker,
                  inherited_subject=inherited)


def _preps_within(noun: Token, depth: int = 3) -> Iterator[tuple[Token, Token]]:
    """Prepositional objects hanging (at most ``depth`` steps) below a noun."""
    frontier = [noun]
    for _ in range(depth):
        nxt = []
        for tok in frontier:
            for child in tok.children:
                if child.dep_ == "prep":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            yield child, pobj
                elif child.dep_ in {"acl", "dobj", "compound", "xcomp"}:
                    nxt.append(child)
        frontier = nxt


def _reporting_head(verb: Token) -> Token | None:
    """The reporting verb governing a clause ("said" in "X said Y will ..."), if any."""
    head = verb
    while head.dep_ == "conj":
        head = head.head
    if head.dep_ == "ccomp" and head.head.lemma_ in REPORTING:
        return head.head
    return None


def argument_tokens(head: Token) -> list[Token]:
    """The noun phrase of an argument head: its subtree without coordination or clauses."""
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in {"conj", "cc", "relcl", "acl", "appos", "punct", "prep", "advcl"} and child.i > head.i:
            skip.update(t.i for t in child.subtree)
        elif child.dep_ in {"cc", "preconj", "punct"}:
            skip.add(child.i)
    tokens = [t for t in head.subtree if t.i not in skip]
    # keep a contiguous span around the head
    left = head.i
    right = head.i
    idx = {t.i for t in tokens}
    while left - 1 in idx:
        left -= 1
    while right + 1 in idx:
        right += 1
    doc = head.doc
    span = [doc[i] for i in range(left, right + 1)]
    while span and (span[-1].is_punct or span[-1].tag_ == "POS") and span[-1] is not head:
        span.pop()
    while span and span[0].is_punct and span[0] is not head:
        span.pop(0)
    return span[:MAX_ARG_TOKENS] if len(span) > MAX_ARG_TOKENS else span


def predicate_key(words: list[Token]) -> tuple[str, str]:
    """(canonical key, readable label) for a relation phrase, from lemmas.

    Auxiliaries, modals and negation are not part of the predicate: they are
    recorded on the statement as modality and negation.
    """
    content = [t for t in words if t.dep_ not in {"aux", "auxpass", "neg"} or t.lower_ == "to"]
    # drop a leading infinitival "to"
    while content and content[0].lower_ == "to" and content[0].dep_ == "aux":
        content = content[1:]
    key_words = []
    label_words = []
    first_verb = True
    for t in content:
        if t.pos_ in {"VERB", "AUX"}:
            lemma = t.lemma_.lower()
            key_words.append(lemma)
            label_words.append(past_tense(lemma) if first_verb else lemma)
            first_verb = False
        else:
            key_words.append(t.lower_)
            label_words.append(t.lower_)
    key = "_".join(w for w in key_words if w.isalnum() or w.replace("'", "").isalnum())
    return key, " ".join(label_words)


def is_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" or token.lower_ in PRONOUNS


def graph_relations(
    doc: Doc,
    *,
    offset: int,
    sentence_of: Callable[[int], int],
    entity_at: Callable[[int], str | None],
    person_before: Callable[[int], str | None],
) -> list[Relation]:
    """Relations whose both ends are entities, ready for the graph.

    ``entity_at(token_index)`` gives the entity key of the mention covering a
    token; ``person_before(token_index)`` the most recent person entity, used to
    resolve he/she when no speaker is known.
    """
    out: list[Relation] = []
    seen: set[tuple] = set()
    for sent in doc.sents:
        for clause in clauses(sent):
            speaker_key = entity_at(clause.speaker.i) if clause.speaker is not None else None
            for subj in clause.subjects:
                s_key = _resolve(subj, entity_at, person_before, speaker_key)
                if s_key is None:
                    continue
                for extra_words, obj in clause.objects:
                    o_key = entity_at(obj.i)
                    if o_key is None or o_key == s_key:
                        continue
                    words = clause.phrase + extra_words
                    if clause.passive and not extra_words:
                        continue
                    key, label = predicate_key(sorted(words, key=lambda t: t.i))
                    if not key:
                        continue
                    phrase_text = " ".join(t.text for t in sorted(words, key=lambda t: t.i))
                    dedup = (s_key, key, o_key, sent.start)
                    if dedup in seen:
                        continue
                    seen.add(dedup)
                    s_span = argument_tokens(subj)
                    o_span = argument_tokens(obj)
                    tokens = [*s_span, *words, *o_span]
                    start = min(t.idx for t in tokens)
                    end = max(t.idx + len(t) for t in tokens)
                    out.append(Relation(
                        subject=_argument(s_span, s_key, offset),
                        phrase=phrase_text,
                        predicate=key,
                        label=label,
                        object=_argument(o_span, o_key, offset),
                        sentence=sentence_of(sent.start),
                        start=offset + start,
                        end=offset + end,
                        confidence=_confidence(clause, subj, obj, extra_words),
                        negated=clause.negated,
                        modality=clause.modality,
                        attributed_to=speaker_key,
                    ))
    return out


def _resolve(token: Token, entity_at, person_before, speaker_key) -> str | None:
    key = entity_at(token.i)
    if key is not None:
        return key
    if token.lower_ in PERSONAL:
        return speaker_key or person_before(token.i)
    return None


def _argument(tokens: list[Token], key: str | None, offset: int) -> Argument:
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1])
    return Argument(text=tokens[0].doc.text[start:end], start=offset + start, end=offset + end, entity=key)


def _confidence(clause: Clause, subj: Token, obj: Token, extra_words: list[Token]) -> float:
    """A heuristic score in (0, 1): higher for short, direct, explicit clauses."""
    score = 0.6
    if subj.pos_ == "PROPN":
        score += 0.1
    if obj.pos_ == "PROPN":
        score += 0.1
    if not extra_words:
        score += 0.05
    if clause.inherited_subject:
        score -= 0.1
    if subj.pos_ == "PRON":
        score -= 0.15
    if len(extra_words) > 1:
        score -= 0.05
    if clause.speaker is not None:
        score -= 0.05
    distance = abs(obj.i - clause.verb.i) + abs(subj.i - clause.verb.i)
    score -= min(0.2, 0.01 * max(0, distance - 4))
    return round(min(0.95, max(0.05, score)), 3)
