"""Token attributes of a ``Doc`` as plain lists, read once with ``Doc.to_array``.

Scanning a whole document through ``Token`` objects builds a new object per
token and looks its strings up one attribute at a time; the readers that look
at every token (titles, nominal events, predicates) read these columns
instead and make ``Token`` objects only for the few positions that matter.

>>> import spacy
>>> doc = spacy.blank("en")("The UK, and the EU.")
>>> columns(doc).lower[:2], columns(doc).words
(['the', 'uk'], 5)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Columns:
    """``lower``, ``pos`` and ``dep`` strings per token index, and the word count
    (tokens that are neither space nor punctuation)."""

    lower: list[str]
    pos: list[str]
    dep: list[str]
    words: int


_CACHE: WeakKeyDictionary = WeakKeyDictionary()


def columns(doc: Doc) -> Columns:
    """The columns of ``doc``, computed on first use and kept while ``doc`` lives."""
    cols = _CACHE.get(doc)
    if cols is None:
        from spacy.attrs import DEP, IS_PUNCT, IS_SPACE, LOWER, POS  # here: importing kg must not import spaCy

        strings = doc.vocab.strings
        lower, pos, dep, space, punct = (col.tolist() for col in doc.to_array([LOWER, POS, DEP, IS_SPACE, IS_PUNCT]).T) \
            if len(doc) else ([], [], [], [], [])
        names = {h: strings[h] if h else "" for h in set(pos) | set(dep)}
        cols = Columns(lower=[strings[h] for h in lower], pos=[names[h] for h in pos],
                       dep=[names[h] for h in dep], words=len(lower) - sum(s or p for s, p in zip(space, punct)))
        _CACHE[doc] = cols
    return cols
