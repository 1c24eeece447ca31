"""Name normalisation: the key under which mentions of one thing are merged."""
from __future__ import annotations

import re
import unicodedata

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = ".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019-\u2013\u2014"


def normalise_name(name: str) -> str:
    """Case-, article-, possessive- and space-insensitive key for a name.

    >>> normalise_name("the  European Commission's")
    'european commission'
    """
    text = unicodedata.normalize("NFKC", name).strip().strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", text)
    text = _LEADING_ARTICLE.sub("", text)
    text = _SPACE.sub(" ", text).strip().strip(_EDGE_PUNCT).casefold()
    return text
