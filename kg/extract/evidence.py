"""Type from context: what the text says a name is, over what the NER model guessed.

The small model calls "oil group Sibneft" a person and "the Lancia car company"
a place now and then. The sentence itself often says what the thing is, and
that evidence wins (for names the gazetteer does not know: its type wins over
both):

- a **compound head** the name modifies: "the Lancia car company" (only the
  organisation and place nouns of :data:`KIND_OF_NOUN`: "the Sibneft deal" says
  nothing, and in "Microsoft boss Bill Gates" the boss is Gates);
- a **noun right before the name**: "oil group Sibneft", "Labour MP Ian Gibson";
- an **apposition**: "Acme, the holding company which ...", "the firm, Acme,";
- a **predicate nominal**: "Acme is a mining company".

The first of these a name has in the document decides every mention of that name
there (the same text is the same thing within one story); the candidate keeps
what decided it (``evidence``), which the entity records as its type evidence
with a higher confidence than a bare NER label.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kg.extract.candidates import Candidate, Candidates, name_candidate
from kg.extract.normalise import normalise_name
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_ORGANISATION = """firm company group giant maker manufacturer carmaker producer bank lender insurer
retailer chain supermarket carrier airline operator conglomerate corporation business brand
broadcaster network newspaper publisher studio label agency party union charity club team band
organisation organization regulator watchdog consortium fund exchange developer provider
distributor utility supplier firms companies""".split()
_PLACE = "city town village region province county district capital island republic".split()
_PERSON = """minister mp chancellor president leader chairman chairwoman chief boss actor actress
singer star director spokesman spokeswoman secretary player coach manager striker author writer
analyst economist founder presenter comedian musician rapper designer lawyer judge
businessman businesswoman tycoon""".split()
#: noun -> the NER label its evidence gives
KIND_OF_NOUN: dict[str, str] = {**{w: "ORG" for w in _ORGANISATION}, **{w: "GPE" for w in _PLACE},
                                 **{w: "PERSON" for w in _PERSON}}
_COARSE = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "FAC": "GPE"}
_RETYPED = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "NORP"})


def retype_from_context(doc: Doc, cands: Candidates) -> Candidates:
    """Candidates whose name the text types explicitly get that type, and say why."""
    decided: dict[str, tuple[str, str]] = {}  # normalised text -> (label, evidence)
    for c in cands:
        if c.entry is not None or c.source != "ner" or c.label not in _RETYPED:
            continue
        found = type_evidence(doc, c)
        if found is not None:
            decided.setdefault(normalise_name(c.text), found)
    if not decided:
        return cands
    out = []
    for c in cands:
        hit = decided.get(normalise_name(c.text)) if c.entry is None and c.source == "ner" else None
        if hit is None:
            out.append(c)
            continue
        label, why = hit
        if _COARSE.get(c.label) == label:
            out.append(replace(c, evidence=why))
        else:
            out.append(replace(name_candidate(c.start, c.end, c.text, label, "ner", role=c.role), evidence=why))
    return tuple(out)


def type_evidence(doc: Doc, c: Candidate) -> tuple[str, str] | None:
    """``(NER label, why)`` when the sentence says what ``c`` is, else None."""
    root = doc[c.start:c.end].root
    head = root.head
    # "the Lancia car company": the name is a compound of a kind noun
    # (not a person noun: "Microsoft boss Bill Gates" makes Gates the boss, not Microsoft)
    if root.dep_ in {"compound", "nmod"} and head.i >= c.end and _kind(head) not in {None, "PERSON"}:
        return _kind(head), f"compound: {_phrase(doc, c.end, head.i + 1)}"
    # "oil group Sibneft", "Labour MP Ian Gibson"
    if c.start > 0:
        before = doc[c.start - 1]
        if before.pos_ == "NOUN" and _kind(before) and before.head.i in range(c.start, c.end):
            return _kind(before), f"compound: {_phrase(doc, _np_start(before), c.start)}"
    # "Acme, the holding company which ...", "the firm, Acme, ..."
    for child in root.children:
        if child.dep_ == "appos" and child.i >= c.end and _kind(child):
            return _kind(child), f"apposition: {_phrase(doc, _np_start(child), child.i + 1)}"
    if root.dep_ == "appos" and head.i < c.start and _kind(head):
        return _kind(head), f"apposition: {_phrase(doc, _np_start(head), head.i + 1)}"
    # "Acme is a mining company"
    if root.dep_ in {"nsubj", "nsubjpass"} and lemma(head) == "be":
        for child in head.children:
            if child.dep_ == "attr" and child.i > root.i and _kind(child):
                return _kind(child), f"predicate: {_phrase(doc, head.i, child.i + 1)}"
    return None


def _kind(token: Token) -> str | None:
    return KIND_OF_NOUN.get(token.lower_) if token.pos_ == "NOUN" else None


def _np_start(noun: Token) -> int:
    """Where the noun phrase of ``noun`` starts (its determiner and modifiers before it)."""
    return min([noun.i] + [t.i for t in noun.lefts if t.dep_ in {"det", "amod", "compound", "nummod", "poss"}])


def _phrase(doc: Doc, start: int, end: int) -> str:
    return doc[start:end].text
