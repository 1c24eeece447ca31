"""Open IE tuples from the clause analysis, and the CaRB tab format.

The graph keeps only facts about entities; Open IE keeps every clause, with
its arguments as text spans: ``(Gideon Rodan ; taught at ; the University of
Connecticut ; From 1970 to 1985)``. The tuples are read off the same
:class:`~kg.extract.clauses.Clause` records as the graph facts, so a gain
measured on CaRB is a gain for the graph.

The relation slot keeps the words of the sentence (CaRB matches words, not
lemmas): auxiliaries, negation, the verb chain, particles, and the preposition
of the first prepositional object ("taught at", "was loved by").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from kg.extract.clauses import (
    Clause,
    Complement,
    clause_confidence,
    clauses,
    is_pronoun,
    phrase_bounds,
    reported_words,
    trimmed,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token


@dataclass(frozen=True)
class OpenIETuple:
    """One Open IE extraction: relation, subject first among the arguments."""

    relation: str
    arguments: tuple[str, ...]
    confidence: float

    def carb(self, sentence: str) -> str:
        """The CaRB tab line: sentence, confidence, relation, arguments."""
        fields = [sentence, f"{self.confidence:.4f}", self.relation, *self.arguments]
        return "\t".join(f.replace("\t", " ") for f in fields)


# Dependencies cut from an argument: at its head, and deeper inside it. Open IE
# arguments keep their prepositional phrases ("a short feud with Jillian Hall").
OIE_CUT = frozenset({"relcl", "appos", "punct", "cc", "conj", "preconj", "parataxis", "advcl", "mark"})
OIE_INNER_CUT = frozenset({"relcl", "appos", "parataxis", "advcl"})
# "Childers 's book" -> (Childers ; has ; book): true, but rarely what annotators
# wrote down, so these come last when sorting by confidence.
POSSESSIVE_CONFIDENCE = 0.2


def span_tokens(head: Token, *, cut: frozenset[str] = OIE_CUT, split: bool = True) -> list[Token]:
    """An argument: the head's phrase with its PPs, without clauses (and coordination when ``split``)."""
    top = cut if split else cut - {"conj", "cc"}
    left, right = phrase_bounds(head, top, OIE_INNER_CUT)
    return trimmed([head.doc[i] for i in range(left, right + 1)], head, limit=60)


def _text(tokens: Iterable[Token]) -> str:
    return " ".join(t.text for t in tokens)


def sentence_tuples(sent: Span, analysed: Sequence[Clause] | None = None) -> list[OpenIETuple]:
    """Open IE tuples for one sentence: its clauses' tuples, then its possessives."""
    out: list[OpenIETuple] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for clause in analysed if analysed is not None else clauses(sent):
        for t in clause_tuples(clause):
            key = (t.relation, t.arguments)
            if t.relation and key not in seen:
                seen.add(key)
                out.append(t)
    out.extend(possessive_tuples(sent))
    return out


def possessive_tuples(sent: Span) -> Iterator[OpenIETuple]:
    """ "Childers 's book" -> (Childers ; has ; book): a relation carried by the possessive."""
    for token in sent:
        if token.dep_ != "poss" or token.pos_ not in {"PROPN", "NOUN"}:
            continue
        owner = span_tokens(token, cut=OIE_CUT | {"case"})
        owned = [t for t in span_tokens(token.head) if not (token.left_edge.i <= t.i <= token.right_edge.i + 1)]
        if owner and owned:
            yield OpenIETuple("has", (_text(owner), _text(owned)), POSSESSIVE_CONFIDENCE)


def clause_tuples(clause: Clause) -> Iterator[OpenIETuple]:
    """The tuples of one clause: one per subject (coordination split).

    Passives stay passive ("was loved by"), as CaRB's annotators wrote them;
    the complements follow the subject in sentence order, the preposition of
    the first one after the verb moving into the relation ("taught at").
    """
    if not clause.subjects:
        return
    base = clause_confidence(clause)
    comps = [c for c in clause.complements if c.role not in {"via"}]
    if clause.kind == "apposition":
        for subj in clause.subjects:
            yield OpenIETuple("is", (_text(span_tokens(subj)), _text(span_tokens(comps[0].head))), _bounded(base))
        return
    words = list(clause.words)
    rel_extra: list[Token] = []
    objects: list[list[Token]] = []
    first = True
    for comp in comps:
        tokens = _complement_tokens(comp, clause.head)
        if not tokens:
            continue
        after_verb = (comp.prep or comp.head).i > clause.head.i
        if first and after_verb and comp.prep is not None and comp.role in {"prep", "agent"} and not any(
                c.core for c in comps if c.head.i < comp.head.i):
            rel_extra.append(comp.prep)
            tokens = [t for t in tokens if t.i != comp.prep.i]
        if comp.role == "ccomp" and clause.kind == "verb":
            mark = next((c for c in comp.head.children if c.dep_ == "mark" and c.lower_ == "that"), None)
            if mark is not None and first:
                rel_extra.append(mark)
                tokens = [t for t in tokens if t.i != mark.i]
        if after_verb:
            first = False
        objects.append(tokens)
    relation = _text(sorted([*words, *rel_extra], key=lambda t: t.i))
    subject_cut = OIE_CUT | {"acl"} if clause.subject_source == "modified" else OIE_CUT
    for subj in clause.subjects:
        s_tokens = span_tokens(subj, cut=subject_cut)
        if not s_tokens:
            continue
        score = base
        if is_pronoun(subj):
            score -= 0.04
        if not objects:
            score -= 0.6  # a subject-only tuple rarely matches a gold tuple
        if len(s_tokens) > 6:
            score -= 0.1
        if sum(len(o) for o in objects) > 12:
            score -= 0.1
        yield OpenIETuple(relation, (_text(s_tokens), *(_text(o) for o in objects)), _bounded(score))


def _bounded(score: float) -> float:
    return round(min(0.99, max(0.01, score)), 4)


def _complement_tokens(comp: Complement, reporter: Token) -> list[Token]:
    """The words of a complement: a clause whole, a noun phrase with its PPs and preposition."""
    head = comp.head
    if comp.role == "quote":
        return reported_words(comp.head, reporter)
    if comp.role in {"ccomp", "xcomp", "pclause"} or head.pos_ in {"VERB", "AUX"}:
        tokens = list(head.subtree)
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        body = tokens
    else:
        body = span_tokens(head, split=False)
    if comp.prep is not None and body and comp.prep.i < body[0].i:
        if body[0].i - comp.prep.i <= 3:  # "along with", "out of", "because of"
            return [*head.doc[comp.prep.i:body[0].i], *body]
        return [comp.prep, *body]
    return body


# -- CaRB ---------------------------------------------------------------------


def carb_lines(nlp: Language, lines: Iterable[str], *, batch_size: int = 64) -> Iterator[str]:
    """CaRB tab lines for sentences given one a line (PTB-tokenised, as in CaRB's ``dev.txt``).

    Each line is parsed as one sentence with its own tokens (split on
    whitespace, not re-tokenised), so the tuples use the same tokens as the
    gold and the sentence column is the input line verbatim. Blank lines give
    nothing.
    """
    from spacy.tokens import Doc

    kept = [line.rstrip("\r\n") for line in lines]

    def docs() -> Iterator[Doc]:
        for line in kept:
            words = line.split() or ["."]
            yield Doc(nlp.vocab, words=words, sent_starts=[True] + [False] * (len(words) - 1))

    for line, doc in zip(kept, nlp.pipe(docs(), batch_size=batch_size)):
        if not line.strip():
            continue
        for t in doc_tuples(doc):
            yield t.carb(line)


def doc_tuples(doc: Doc) -> list[OpenIETuple]:
    """Open IE tuples for every sentence of a parsed document."""
    return [t for sent in doc.sents for t in sentence_tuples(sent)]
