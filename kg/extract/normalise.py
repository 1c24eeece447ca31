"""Name normalisation: the keys under which mentions of one thing are merged.

A key must be the same for every way a document writes a name ("the European
Commission's", "European  Commission") and must not change between runs,
because it becomes part of the entity's IRI.
"""
from __future__ import annotations

import re
import unicodedata

_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = ".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019-\u2013\u2014"

#: Forms of address that are not part of a person's name.
#: Peers' and royals' styles ("Lord Sugar", "Prince Harry") are kept: they are how
#: those people are named.
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof", "professor", "rev", "reverend",
    "rt", "hon", "honourable", "president", "senator", "sen", "rep", "gen", "general", "judge",
    "justice", "chancellor", "minister", "premier", "governor", "mayor", "commissioner",
})
#: Lower-case words that belong to a surname: "Ursula von der Leyen", "Charles de Gaulle".
SURNAME_PARTICLES = frozenset({
    "von", "van", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le",
    "al", "el", "bin", "ben", "ibn", "ter", "ten", "st", "mac",
})
_INITIAL = re.compile(r"^[A-Z]\.?$")
_ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "&", "in", "on", "to", "de", "du", "des"})


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


def strip_possessive(text: str) -> str:
    """ "Britain's" -> "Britain"; other text unchanged."""
    return _POSSESSIVE.sub("", text.strip())


def person_name_parts(name: str) -> tuple[list[str], list[str]]:
    """(given names, surname words) of a person's name, without forms of address.

    Initials and middle names count as given names; lower-case particles and
    everything after them are the surname.

    >>> person_name_parts("Sir Keir Starmer")
    (['Keir'], ['Starmer'])
    >>> person_name_parts("Ursula von der Leyen")
    (['Ursula'], ['von', 'der', 'Leyen'])
    """
    words = [w for w in _SPACE.split(strip_possessive(unicodedata.normalize("NFKC", name))) if w]
    while words and words[0].casefold().rstrip(".") in HONORIFICS and len(words) > 1:
        words = words[1:]
    if len(words) <= 1 or words[0] in SURNAME_PARTICLES:  # "Starmer", "von der Leyen"
        return [], words
    for i, word in enumerate(words[1:], 1):
        if word in SURNAME_PARTICLES:
            return words[:i], words[i:]
    return words[:-1], words[-1:]


def person_key(name: str) -> str:
    """The cross-document key of a person: first given name + surname.

    Middle names and initials are dropped so that "Keir Rodney Starmer" and
    "Keir Starmer" (and "George W. Bush" / "George Bush") share one key.

    >>> person_key("Keir Rodney Starmer")
    'keir starmer'
    """
    given, surname = person_name_parts(name)
    given = [g for g in given if not _INITIAL.match(g)]
    words = given[:1] + surname
    return normalise_name(" ".join(words))


def initials(name: str) -> str:
    """Upper-case initials of the significant words: "World Health Organization" -> "WHO"."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold() not in _ACRONYM_STOPWORDS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def is_acronym(text: str) -> bool:
    """Short all-capital tokens such as "UK", "U.N.", "NHS" (not "I" or "A")."""
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()
