"""Past-tense forms for readable predicate labels ("agree" -> "agreed").

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
    "ring": "rang", "seize": "seized", "shrink": "shrank", "sink": "sank", "slide": "slid",
    "swim": "swam", "swing": "swung", "upset": "upset", "weep": "wept", "wind": "wound",
    "will": "would", "can": "could", "shall": "should", "may": "might",
}
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
    if lemma in DOUBLING:
        return lemma + lemma[-1] + "ed"
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"
