"""Job titles and the organisations they belong to, read around person names.

Three shapes are recognised:

- a title compound before the name: "UK Prime Minister Keir Starmer",
  "Britain's Prime Minister Keir Starmer", "Labour leader Keir Starmer";
- an apposition: "Rod Eddington, BA's chief executive, said",
  "the Prime Minister, Keir Starmer, said", "Edi Rama, the Prime Minister of Albania";
- a bare definite description later in the text: "the Prime Minister said",
  which :mod:`kg.extract.entities` resolves to the one person holding that title.

Only spans of token indices come out of here; which entity a span belongs to
is decided by :mod:`kg.extract.entities`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from kg.extract.columns import columns
from kg.extract.normalise import HONORIFICS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_TITLE_TEXT = """
Prime Minister, Deputy Prime Minister, President, Vice President, Vice-President,
President-elect, Chancellor, Chancellor of the Exchequer, Shadow Chancellor, Foreign Secretary,
Home Secretary, Health Secretary, Defence Secretary, Culture Secretary, Education Secretary,
Business Secretary, Trade Secretary, Transport Secretary, Environment Secretary, Justice Secretary,
Energy Secretary, Northern Ireland Secretary, Scottish Secretary, Welsh Secretary,
Work and Pensions Secretary, Brexit Secretary, Secretary of State, Shadow Home Secretary,
Shadow Foreign Secretary, Secretary-General, Secretary General, Foreign Minister, Interior Minister,
Finance Minister, Defence Minister, Defense Minister, Trade Minister, Health Minister,
Immigration Minister, Home Office Minister, Minister, First Minister, Deputy First Minister,
Taoiseach, Premier, Attorney General, Lord Chancellor, Commissioner, High Representative,
Chief Executive, Chief Executive Officer, CEO, Chief Operating Officer, Chief Financial Officer,
Finance Director, Managing Director, Director General, Director-General, Director, Chairman,
Chairwoman, Chair, Chief, Head, Governor, Mayor, Leader, Party Leader, Opposition Leader,
Deputy Leader, Spokesman, Spokeswoman, Spokesperson, Ambassador, Senator, Congressman,
Congresswoman, MP, MEP, Speaker, General Secretary, Manager, Coach, Head Coach, Captain,
Chief Economist, Economist, Analyst, Editor, Founder, Co-founder, Owner, Boss, Judge, Prosecutor,
King, Queen, Pope, Archbishop
"""

#: lower-case title words -> the title as it is recorded ("chief executive" -> "Chief Executive")
TITLES: dict[tuple[str, ...], str] = {
    tuple(t.strip().lower().split()): t.strip() for t in _TITLE_TEXT.replace("\n", " ").split(",") if t.strip()
}
_MAX_TITLE = max(len(k) for k in TITLES)
_FIRST_WORDS = frozenset(k[0] for k in TITLES)
#: titles that stand for one person when used alone ("the Prime Minister said")
DEFINITE_TITLES = frozenset(k for k in TITLES if k not in {
    ("minister",), ("chief",), ("head",), ("director",), ("leader",), ("spokesman",), ("spokeswoman",),
    ("spokesperson",), ("economist",), ("analyst",), ("editor",), ("manager",), ("judge",), ("mp",),
    ("mep",), ("senator",), ("owner",), ("boss",), ("founder",), ("co-founder",), ("captain",),
    ("coach",), ("chair",), ("king",), ("queen",), ("commissioner",), ("ambassador",), ("governor",),
    ("mayor",), ("prosecutor",), ("speaker",), ("premier",),
})
#: titles of a head of government or state, whose holder speaks for "the government"
HEADS_OF_GOVERNMENT = frozenset({"Prime Minister", "President", "Chancellor", "Taoiseach", "First Minister"})


@dataclass(frozen=True)
class RoleSpan:
    """A title found next to (or instead of) a name, as token indices of ``doc``.

    ``of_start``/``of_end`` delimit what the title belongs to ("UK", "BA"),
    when the text says; ``of_demonym`` is set when that is an adjective
    ("British Prime Minister").
    """

    title: str
    start: int
    end: int
    of_start: int | None = None
    of_end: int | None = None


def _lower(doc: Doc, i: int) -> str:
    return doc[i].lower_


def title_ending_at(doc: Doc, end: int, *, floor: int = 0) -> tuple[int, str] | None:
    """The longest title whose last token is ``end - 1``: (start index, title)."""
    best = None
    for n in range(1, _MAX_TITLE + 1):
        start = end - n
        if start < floor:
            break
        words = tuple(_lower(doc, i) for i in range(start, end))
        if words in TITLES:
            best = (start, TITLES[words])
    return best


def _owner_before(doc: Doc, start: int, floor: int) -> tuple[int, int] | None:
    """Token range just before a title naming whose title it is: "UK", "Britain's", "BA's"."""
    end = start
    if end - 1 >= floor and doc[end - 1].tag_ == "POS":
        end -= 1
    first = end
    while first - 1 >= floor and (doc[first - 1].pos_ == "PROPN" or doc[first - 1].ent_type_ in {"GPE", "ORG", "NORP"}) \
            and not doc[first - 1].is_punct:
        first -= 1
    if first == end:
        return None
    return first, end


def title_before(doc: Doc, start: int) -> RoleSpan | None:
    """A title compound right before a name starting at token ``start``:
    "UK Prime Minister Keir Starmer" -> "Prime Minister", owned by "UK"."""
    sent_start = doc[start].sent.start
    end = start
    while end - 1 >= sent_start and doc[end - 1].lower_.rstrip(".") in HONORIFICS and doc[end - 1].is_title:
        if title_ending_at(doc, end, floor=sent_start):
            break
        end -= 1
    found = title_ending_at(doc, end, floor=sent_start)
    if found is None:
        return None
    title_start, title = found
    owner = _owner_before(doc, title_start, sent_start)
    if owner is None:
        return RoleSpan(title, title_start, end)
    return RoleSpan(title, title_start, end, owner[0], owner[1])


def appositive_title(span: Span) -> RoleSpan | None:
    """A title in an apposition to a name: "Rod Eddington, BA's chief executive"."""
    head = span.root
    candidates: list[Token] = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        candidates.append(head.head)
    for noun in candidates:
        role = _title_phrase(noun)
        if role is not None:
            return role
    return None


def _title_phrase(noun: Token) -> RoleSpan | None:
    """The title headed by ``noun`` ("executive" in "BA's chief executive"), with its owner."""
    doc = noun.doc
    found = title_ending_at(doc, noun.i + 1, floor=noun.left_edge.i)
    if found is None:
        return None
    title_start, title = found
    for child in noun.children:
        if child.dep_ == "poss":
            return RoleSpan(title, title_start, noun.i + 1, child.left_edge.i, child.i + 1)
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return RoleSpan(title, title_start, noun.i + 1, pobj.left_edge.i, pobj.right_edge.i + 1)
    owner = _owner_before(doc, title_start, noun.left_edge.i)
    if owner is not None:
        return RoleSpan(title, title_start, noun.i + 1, owner[0], owner[1])
    return RoleSpan(title, title_start, noun.i + 1)


def definite_titles(doc: Doc) -> Iterator[RoleSpan]:
    """Bare "the Prime Minister" / "the chief executive" not followed by a name."""
    lowers = columns(doc).lower
    n_tokens = len(lowers)
    for i, word in enumerate(lowers):
        if word != "the" or i + 1 >= n_tokens or lowers[i + 1] not in _FIRST_WORDS:
            continue
        best = None
        for n in range(1, _MAX_TITLE + 1):
            end = i + 1 + n
            if end > n_tokens:
                break
            words = tuple(lowers[i + 1:end])
            if words in DEFINITE_TITLES:
                best = (end, TITLES[words])
        if best is None:
            continue
        end, title = best
        if end < n_tokens and (doc[end].ent_type_ == "PERSON" or doc[end].pos_ == "PROPN"):
            continue  # "the Prime Minister Keir Starmer": a compound, handled by title_before
        if end < n_tokens and lowers[end] == "of":  # "the president of France"
            pobj = next((c for c in doc[end].children if c.dep_ == "pobj"), None)
            if pobj is not None:
                yield RoleSpan(title, i + 1, end, pobj.left_edge.i, pobj.right_edge.i + 1)
                continue
        yield RoleSpan(title, i + 1, end)
