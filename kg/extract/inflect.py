"""Verb forms for readable predicate labels ("agree" -> "agreed").

Labels are made from lemmas, never from the surface form, so a predicate has
the same label whatever sentence it was first seen in. The forms come from
lemminflect's lexicon (and its rules for words it does not know), spelled the
British way where it gives both ("travelled", not "traveled"), with the few
overrides below where its first form is not what British news writes.
"""
from __future__ import annotations

import functools
from typing import Literal


Tag = Literal["VBD", "VBN"]  # simple past, past participle

# Where lemminflect's first form is not the one British news writes; the counts are
# from the BBC corpus (2,225 articles, 2004-05). Checked against the tables this
# module kept before lemminflect, on every verb in them and every verb lemma in
# 300 BBC articles: where lemminflect was right and the tables wrong ("offset",
# "deterred", "spun", "was born in": "was born" 23 to "was borne" 0), it is kept.
OVERRIDES: dict[Tag, dict[str, str]] = {
    "VBD": {
        "bid": "bid",  # "bade" is archaic (never in the corpus)
        "bide": "bided",  # "boded" is bode's
        "bus": "bussed",  # as its past participle
        "enrol": "enrolled",  # British spelling; lemminflect gives "enroled"
        "fit": "fitted",  # "fit" is American
        "forecast": "forecast",  # "forecasted" is never in the corpus
        "speed": "speeded",  # "speeded up" 3 to "sped up" 1
    },
    "VBN": {
        "bias": "biased",  # "biased" 4 to "biassed" 1
        "bide": "bided",
        "blend": "blended",  # "blent" is archaic
        "bust": "busted",  # as its simple past
        "enrol": "enrolled",
        "fuel": "fuelled",  # "fuelled" 22 to "fueled" 1
        "get": "got",  # "has/have/had got" 101 to "gotten" 2
        "light": "lit",  # "lit" 5 to "lighted" 0
        "panel": "panelled",
        "quit": "quit",  # "quitted" is archaic
        "ski": "skied",  # not "ski'd"
        "speed": "speeded",
        "spell": "spelled",  # as its simple past
        "wake": "woken",  # "woken" 4 to "waked" 0
    },
}
# lemminflect does not split words it does not know: "outsell" would be "outselled".
PREFIXES = ("re", "over", "under", "out", "mis", "with", "up", "fore", "un")


def load_lexicon() -> None:
    """Load lemminflect's lexicon now (0.4 s, once a process): with the model, not
    inside the first document's extraction."""
    _inflect("be", "VBD")


def past_tense(lemma: str) -> str:
    """The simple past of an English verb lemma.

    >>> past_tense("agree"), past_tense("vow"), past_tense("carry"), past_tense("plan")
    ('agreed', 'vowed', 'carried', 'planned')
    """
    return _inflect(lemma.lower(), "VBD")


def past_participle(lemma: str) -> str:
    """The past participle, for passive labels ("was taken to").

    >>> past_participle("take"), past_participle("arrest"), past_participle("hold")
    ('taken', 'arrested', 'held')
    """
    return _inflect(lemma.lower(), "VBN")


@functools.cache  # on the hot path: lemminflect copies its lexicon entry on every call
def _inflect(lemma: str, tag: Tag) -> str:
    if " " in lemma or "-" in lemma:  # "fast-track", "mis-sell": inflect the last part
        sep = " " if " " in lemma else "-"
        head, _, last = lemma.rpartition(sep)
        return f"{head}{sep}{_inflect(last, tag)}" if last else lemma
    if lemma in OVERRIDES[tag]:
        return OVERRIDES[tag][lemma]
    if not lemma.isalpha():  # "", "'s": nothing to inflect
        return lemma
    # imported here: lemminflect imports spaCy, which a re-run of a finished build never needs
    from lemminflect import getAllInflections, getInflection

    if not getAllInflections(lemma, upos="VERB"):  # not in the lexicon: "outsell" -> "outsold"
        for prefix in PREFIXES:
            rest = lemma[len(prefix):]
            if lemma.startswith(prefix) and len(rest) >= 2 and getAllInflections(rest, upos="VERB"):
                return prefix + _inflect(rest, tag)
    forms = getInflection(lemma, tag)
    # lemminflect lists American spellings first: ("traveled", "travelled")
    return next((f for f in forms if f.endswith("lled")), forms[0]) if forms else lemma
