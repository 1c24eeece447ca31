"""Verb forms for readable predicate labels ("agree" -> "agreed").

Labels are made from lemmas, never from the surface form, so a predicate has
the same label whatever sentence it was first seen in.
"""
from __future__ import annotations

IRREGULAR = {
    "be": "was", "have": "had", "do": "did", "say": "said", "make": "made", "take": "took",
    "give": "gave", "go": "went", "come": "came", "meet": "met", "hold": "held", "speak": "spoke",
    "tell": "told", "find": "found", "leave": "left", "win": "won", "lose": "lost", "buy": "bought",
    "sell": "sold", "pay": "paid", "send": "sent", "bring": "brought", "begin": "began",
    "strike": "struck", "seek": "sought", "set": "set", "put": "put", "cut": "cut", "hit": "hit",
    "let": "let", "run": "ran", "see": "saw", "know": "knew", "think": "thought", "become": "became",
    "keep": "kept", "lead": "led", "build": "built", "break": "broke", "choose": "chose",
    "draw": "drew", "drive": "drove", "eat": "ate", "fall": "fell", "feel": "felt", "fight": "fought",
    "fly": "flew", "forget": "forgot", "get": "got", "grow": "grew", "hear": "heard", "hide": "hid",
    "lay": "laid", "lend": "lent", "mean": "meant", "read": "read", "ride": "rode", "rise": "rose",
    "shake": "shook", "shoot": "shot", "show": "showed", "sing": "sang", "sit": "sat",
    "sleep": "slept", "stand": "stood", "steal": "stole", "swear": "swore", "teach": "taught",
    "tear": "tore", "throw": "threw", "understand": "understood", "wake": "woke", "wear": "wore",
    "write": "wrote", "spend": "spent", "stick": "stuck", "withdraw": "withdrew",
    "undertake": "undertook", "overtake": "overtook", "forecast": "forecast", "bid": "bid",
    "quit": "quit", "shut": "shut", "spread": "spread", "split": "split", "hurt": "hurt",
    "cost": "cost", "bet": "bet", "beat": "beat", "bear": "bore", "bind": "bound", "catch": "caught",
    "deal": "dealt", "dig": "dug", "feed": "fed", "flee": "fled", "forbid": "forbade",
    "freeze": "froze", "hang": "hung", "light": "lit", "mislead": "misled", "overcome": "overcame",
    "ring": "rang", "shrink": "shrank", "sink": "sank", "slide": "slid", "swim": "swam",
    "swing": "swung", "upset": "upset", "weep": "wept", "wind": "wound", "lie": "lay",
    "oversee": "oversaw", "foresee": "foresaw", "rebuild": "rebuilt", "rethink": "rethought",
    "outgrow": "outgrew", "uphold": "upheld", "withhold": "withheld", "arise": "arose",
    "will": "would", "can": "could", "shall": "should", "may": "might",
}
# Past participles that differ from the simple past.
PARTICIPLE = {
    "be": "been", "do": "done", "take": "taken", "give": "given", "go": "gone", "come": "come",
    "speak": "spoken", "begin": "begun", "see": "seen", "know": "known", "become": "become",
    "break": "broken", "choose": "chosen", "draw": "drawn", "drive": "driven", "eat": "eaten",
    "fall": "fallen", "fly": "flown", "forget": "forgotten", "get": "got", "grow": "grown",
    "hide": "hidden", "ride": "ridden", "rise": "risen", "run": "run", "shake": "shaken",
    "show": "shown", "sing": "sung", "steal": "stolen", "swear": "sworn", "tear": "torn",
    "throw": "thrown", "wake": "woken", "wear": "worn", "write": "written", "withdraw": "withdrawn",
    "undertake": "undertaken", "overtake": "overtaken", "bear": "borne", "forbid": "forbidden",
    "freeze": "frozen", "overcome": "overcome", "ring": "rung", "shrink": "shrunk", "sink": "sunk",
    "swim": "swum", "lie": "lain", "oversee": "overseen", "foresee": "foreseen", "arise": "arisen",
    "outgrow": "outgrown", "strike": "struck",
}
VOWELS = frozenset("aeiou")
PREFIXES = ("re", "over", "under", "out", "mis", "with", "up", "fore", "un")
DOUBLING = frozenset(
    "stop plan ban drop admit commit control prefer refer ship slip step tap trip grab rob chat "
    "jog regret permit submit omit occur transfer equip scrap strip top shop swap snap clip plot "
    "spot nod pin rebel patrol compel propel expel dip rub sob tag wrap stab".split()
)


def past_tense(lemma: str) -> str:
    """The simple past of an English verb lemma.

    >>> past_tense("agree"), past_tense("vow"), past_tense("carry"), past_tense("plan")
    ('agreed', 'vowed', 'carried', 'planned')
    """
    lemma = lemma.lower()
    if lemma in IRREGULAR:
        return IRREGULAR[lemma]
    if " " in lemma or "-" in lemma:  # "crack-down", "fast-track": inflect the last part
        sep = " " if " " in lemma else "-"
        head, _, last = lemma.rpartition(sep)
        return f"{head}{sep}{past_tense(last)}"
    for prefix in PREFIXES:  # "repay" -> "repaid", "undergo" -> "underwent"
        rest = lemma[len(prefix):]
        if lemma.startswith(prefix) and len(rest) >= 2 and rest in IRREGULAR:
            return prefix + IRREGULAR[rest]
    if lemma in DOUBLING:
        return lemma + lemma[-1] + "ed"
    if len(lemma) > 2 and lemma[-1] == "l" and lemma[-2] in VOWELS and lemma[-3] not in VOWELS:
        return lemma + "led"  # British spelling: travelled, cancelled, labelled
    if _one_syllable_cvc(lemma):
        return lemma + lemma[-1] + "ed"  # shrug -> shrugged
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def past_participle(lemma: str) -> str:
    """The past participle, for passive labels ("was taken to").

    >>> past_participle("take"), past_participle("arrest"), past_participle("hold")
    ('taken', 'arrested', 'held')
    """
    lemma = lemma.lower()
    if lemma in PARTICIPLE:
        return PARTICIPLE[lemma]
    for prefix in PREFIXES:
        rest = lemma[len(prefix):]
        if lemma.startswith(prefix) and len(rest) >= 2 and rest in PARTICIPLE:
            return prefix + PARTICIPLE[rest]
    return past_tense(lemma)


def _one_syllable_cvc(word: str) -> bool:
    """One vowel group, ending consonant-vowel-consonant (not w, x, y): "shrug", "slam"."""
    if len(word) < 3 or word[-1] in VOWELS or word[-1] in "wxy":
        return False
    if word[-2] not in VOWELS or word[-3] in VOWELS:
        return False
    groups = sum(1 for i, ch in enumerate(word) if ch in VOWELS and (i == 0 or word[i - 1] not in VOWELS))
    return groups == 1
