"""Lemmas on demand: the rule lemmatizer is run only for the tokens kg asks about.

spaCy's ``lemmatizer`` component lemmatizes every token of every document; it
is about 8% of ``en_core_web_sm``'s time, while the extraction rules read the
lemma of a few verbs and nouns per sentence. So :func:`kg.nlp.load_pipeline`
disables a rule or lookup ``Lemmatizer`` and registers it here, and the rules
call :func:`lemma`, which asks the same lemmatizer for the same token, so the
lemmas are the ones the component gives; a ``Doc`` lemmatized by the component
(a user's own pipeline, a hand-built test ``Doc``) is read as it is. Nothing
is written back to the ``Doc`` or its vocabulary: extraction runs in another
thread than the parse (see :func:`kg.pipeline.in_background`) and only reads
what spaCy shares between documents.

>>> import spacy
>>> doc = spacy.blank("en")("Talks ended")
>>> lemma(doc[0])  # no lemmatizer known for this vocabulary: the lower-case form
'talks'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from spacy.tokens import Token
    from spacy.vocab import Vocab

# id(vocab) -> (vocab, lemmatize, cache); the vocab is held so that its id is not reused
_LEMMATIZERS: dict[int, tuple[Vocab, Callable[[Token], list[str]], dict]] = {}
# spaCy's lemmatizers give a lemma that depends only on the token's text, part
# of speech and morphology; their own cache keeps only some of the answers, so
# we keep all of them, up to this many per lemmatizer (then start again)
CACHE_SIZE = 200_000


def register_lemmatizer(vocab: Vocab, lemmatize: Callable[[Token], list[str]]) -> None:
    """Lemmatize tokens of ``vocab`` with ``lemmatize`` (a spaCy ``Lemmatizer.lemmatize``)."""
    _LEMMATIZERS[id(vocab)] = (vocab, lemmatize, {})


def lemma(token: Token) -> str:
    """The lemma of ``token``: set by the pipeline, else from the registered
    lemmatizer, else the lower-case form."""
    value = token.lemma_
    if value:
        return value
    entry = _LEMMATIZERS.get(id(token.vocab))
    if entry is None:
        return token.lower_
    _, lemmatize, cache = entry
    key = (token.orth, token.pos, token.morph.key)
    value = cache.get(key)
    if value is None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        value = cache[key] = lemmatize(token)[0]
    return value
