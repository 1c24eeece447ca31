"""Within-document reference that is not a name: metonymy, pronouns, descriptions.

Three stages, run by :func:`kg.extract.entities.read_entities` after every name
has its key. Each adds or revises candidates and marks them with how they were
resolved (``resolved_by``, written as ``kg:resolvedBy`` on the mention):

- :func:`resolve_metonymy` -- "Downing Street said", "a Kremlin spokesman",
  "Washington imposed sanctions": a building (``kind=building`` in
  ``kg/data/kb/metonymy.tsv``) used as an agent, or a capital as the subject of a
  verb that wants an agent, stands for the body seated there ("the Government of
  the United Kingdom"). "Protesters gathered in Downing Street" stays the street.
- :func:`add_pronouns` -- he/him/his/she/her/it/its resolve to the nearest
  compatible antecedent within the last three sentences: a person of the
  pronoun's gender (from an honorific, the knowledge base, or the first name)
  for he/she (in the pronoun's own sentence the nearest earlier one wins;
  otherwise the subject of the latest sentence that has a compatible one: a
  pronoun usually continues the topic); for it/its, which refer to far more
  than entities, only an organisation or country that is the subject of a clause
  the pronoun is inside ("BA said its profits rose"), or of the sentence before
  "It said ...". "It is thought that ..." (an empty "it") is skipped.
- :func:`add_descriptions` -- "the firm", "the company", "the party", "the
  country" resolve to the nearest earlier entity of that kind (five sentences
  back at most); "the chancellor", "the 50-year-old MP" to the one person whose
  job title (from this story, or the knowledge base's offices) has that word,
  the nearest earlier of several; with no such person, nothing.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.extract.candidates import SCHEMA_TYPES, Candidate, Candidates, in_text_order
from kg.extract.gazetteer import Gazetteer, GazetteerEntry
from kg.extract.normalise import HONORIFICS, person_name_parts
from kg.extract.resolution import government_of
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: verbs whose subject is an agent: a capital as their subject is its government
AGENT_VERBS = frozenset("""say tell warn urge insist reject accuse demand deny claim agree refuse threaten
condemn criticise criticize welcome respond impose ban order approve decide want announce call veto
sanction retaliate protest expel recall summon negotiate offer promise pledge signal hit respond
dismiss brand vow seek press push block oppose back support""".split())
#: nouns an agentive building name modifies: "a Downing Street spokesman", "Kremlin officials"
AGENT_NOUNS = frozenset("""spokesman spokeswoman spokesperson official officials source sources aide aides
adviser advisers advisor statement insider insiders""".split())

_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_NEUTER = frozenset({"it", "its", "itself"})
_MALE_HONORIFICS = frozenset({"mr", "sir", "lord", "king", "prince", "duke", "baron"})
_FEMALE_HONORIFICS = frozenset({"mrs", "ms", "miss", "dame", "lady", "baroness", "queen", "princess",
                                "duchess"})
#: an empty "it": "it is thought", "it emerged", "it seems"
_EMPTY_IT_VERBS = frozenset({"seem", "appear", "emerge", "rain", "take", "matter", "remain", "happen"})
#: ... and in the passive: "it is thought", "it was reported"
_EMPTY_IT_PASSIVES = frozenset({"understand", "think", "believe", "expect", "know", "report", "say", "claim",
                                "estimate", "hope", "fear", "suggest", "feel"})
_PERSON_TYPES = frozenset({"Person"})
_NOT_IT = frozenset({"Person", "Group", "Event", "Thing"})
#: description head noun -> the entity types it may refer to
_KIND_DESCRIPTIONS = {
    **dict.fromkeys(("firm", "company", "group", "giant", "maker", "carmaker", "retailer", "bank", "lender",
                     "insurer", "carrier", "airline", "operator", "conglomerate", "corporation", "supermarket",
                     "chain", "broadcaster", "publisher", "studio", "label", "network"),
                    frozenset({"Organization", "Corporation", "NewsMediaOrganization"})),
    "party": frozenset({"PoliticalParty"}),
    "country": frozenset({"Country"}),
    "nation": frozenset({"Country"}),
    "city": frozenset({"City"}),
}
#: person nouns matched against job titles ("the chancellor" -> the Chancellor of this story)
_ROLE_WORDS = frozenset("""chancellor minister mp president premier leader chairman chairwoman chief boss
secretary governor mayor senator congressman ambassador spokesman commissioner director executive
manager coach captain founder""".split())
_WINDOW = 3  # sentences back a pronoun looks
_DESCRIPTION_WINDOW = 5


# -- metonymy ------------------------------------------------------------------------------------

def resolve_metonymy(doc: Doc, cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Buildings and capitals used as agents become the body they stand for."""
    if not any(c.entry is not None and c.entry.stands_for for c in cands):
        return cands
    out = []
    for c in cands:
        entry = c.entry
        if entry is None or not entry.stands_for or not _used_as_agent(doc, c, entry.metonymy):
            out.append(c)
            continue
        body = body_entry(entry.stands_for, gazetteer)
        out.append(c if body is None else
                   replace(c, key=body.key, entry=body, label="ORG", resolved_by="metonymy"))
    return tuple(out)


def body_entry(key: str, gazetteer: Gazetteer) -> GazetteerEntry | None:
    """The gazetteer entry of ``key``, or of "government of <country>" made from the country's."""
    if key in gazetteer.by_key:
        return gazetteer.by_key[key]
    if key.startswith("government of "):
        country = gazetteer.by_key.get(key[len("government of "):])
        if country is not None:
            return government_of(country)
    return None


def _used_as_agent(doc: Doc, c: Candidate, kind: str | None) -> bool:
    root = doc[c.start:c.end].root
    head = root.head
    if root.dep_ in {"nsubj", "nsubjpass"} and head.pos_ in {"VERB", "AUX"}:
        return kind == "building" or lemma(head).lower() in AGENT_VERBS
    if kind != "building":
        return False
    if root.dep_ in {"compound", "poss", "nmod"} and head.lower_ in AGENT_NOUNS:
        return True  # "a Downing Street spokesman", "the Kremlin's officials"
    return root.dep_ == "pobj" and head.lower_ == "by" and head.head.tag_ == "VBN"  # "was rejected by the Kremlin"


# -- pronouns ------------------------------------------------------------------------------------

def add_pronouns(doc: Doc, cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Adds a candidate for each third-person singular pronoun that has a compatible antecedent."""
    keyed = [c for c in cands if c.key and c.source != "pronoun"]
    if not keyed:
        return cands
    taken = {i for c in cands for i in range(c.start, c.end)}
    sent_of = _sentence_index(doc)
    types = _types(keyed)
    genders = _genders(doc, keyed, gazetteer)
    subject_spans = {c.span for c in keyed if doc[c.start:c.end].root.dep_ in {"nsubj", "nsubjpass"}}
    added = []
    for token in doc:
        lower = token.lower_
        if token.i in taken or token.pos_ != "PRON" and token.tag_ not in {"PRP", "PRP$"}:
            continue
        if lower in _MALE or lower in _FEMALE:
            want = "m" if lower in _MALE else "f"
            fits = [c for c in keyed if types[c.key] in _PERSON_TYPES and genders.get(c.key) in {want, None}]
        elif lower in _NEUTER:
            if lower == "it" and _empty_it(token):
                continue
            fits = [c for c in keyed if types[c.key] not in _NOT_IT and c.label != "NORP"]
        else:
            continue
        if lower in _NEUTER:
            antecedent = _neuter_antecedent(doc, token, fits, sent_of, subject_spans)
        else:
            antecedent = _antecedent(token, fits, sent_of, subject_spans)
        if antecedent is not None:
            added.append(Candidate(token.i, token.i + 1, token.text, antecedent.label, "pronoun",
                                   key=antecedent.key, entry=antecedent.entry, resolved_by="pronoun"))
    return in_text_order(cands + tuple(added)) if added else cands


def _antecedent(token: Token, fits: list[Candidate], sent_of: list[int],
                subject_spans: set[tuple[int, int]]) -> Candidate | None:
    here = sent_of[token.i]
    before = [c for c in fits if c.end <= token.i and here - sent_of[c.start] <= _WINDOW
              and not _same_clause_object(token, c)]
    if not before:
        return None
    same = [c for c in before if sent_of[c.start] == here]
    if same:
        return same[-1]
    latest = max(sent_of[c.start] for c in before)
    in_latest = [c for c in before if sent_of[c.start] == latest]
    subjects = [c for c in in_latest if c.span in subject_spans]
    keys = {c.key for c in (subjects or in_latest)}
    if not subjects and len(keys) > 1:
        # two candidates in the sentence before, none its subject: the one named first
        return in_latest[0]
    return (subjects or in_latest)[-1]


def _neuter_antecedent(doc: Doc, token: Token, fits: list[Candidate], sent_of: list[int],
                       subject_spans: set[tuple[int, int]]) -> Candidate | None:
    """ "it"/"its" refer to far more than entities ("the deal", "migration"), so only two
    shapes count: the subject of a clause the pronoun is inside ("BA said its profits
    rose", "Sibneft said it would pay"), or "It said"/"It added" after a sentence whose
    subject is an organisation or a country."""
    here = sent_of[token.i]
    ancestors = {t.i for t in token.ancestors}
    inside = [c for c in fits if c.end <= token.i and sent_of[c.start] == here and c.span in subject_spans
              and doc[c.start:c.end].root.head.i in ancestors]
    if inside:
        return inside[-1]
    if token.dep_ == "nsubj" and lemma(token.head).lower() in AGENT_VERBS and here > 0:
        previous = [c for c in fits if sent_of[c.start] == here - 1 and c.span in subject_spans]
        if len({c.key for c in previous}) == 1:
            return previous[-1]
    return None


def _same_clause_object(token: Token, c: Candidate) -> bool:
    """ "Blair met him": a non-reflexive object pronoun is not the subject of its own verb."""
    if token.dep_ not in {"dobj", "iobj"} or token.lower_.endswith("self"):
        return False
    verb = token.head
    return any(child.dep_ in {"nsubj", "nsubjpass"} and c.start <= child.i < c.end for child in verb.children)


def _empty_it(token: Token) -> bool:
    """ "It is thought that", "it emerged", "it is likely to": an "it" that refers to nothing."""
    head = token.head
    if token.dep_ not in {"nsubj", "nsubjpass", "expl"}:
        return False
    verb = lemma(head).lower()
    if token.dep_ == "expl" or verb in _EMPTY_IT_VERBS or (token.dep_ == "nsubjpass" and verb in _EMPTY_IT_PASSIVES):
        return True
    if lemma(head) == "be":
        return any(child.dep_ in {"ccomp", "xcomp", "acomp"} for child in head.children) \
            and any(t.lower_ in {"that", "to", "whether", "if"} for t in head.rights)
    return False


# -- descriptions --------------------------------------------------------------------------------

def add_descriptions(doc: Doc, cands: Candidates, gazetteer: Gazetteer) -> Candidates:
    """Adds "the firm", "the chancellor" ... as mentions of the entity they describe."""
    keyed = [c for c in cands if c.key and c.source not in {"pronoun", "description"}]
    if not keyed:
        return cands
    taken = {i for c in cands for i in range(c.start, c.end)}
    sent_of = _sentence_index(doc)
    types = _types(keyed)
    titles = _titles(keyed, gazetteer)
    added = []
    for token in doc:
        lower = token.lower_
        if token.i in taken or token.tag_ not in {"NN", "NNP"}:
            continue
        if not (lower in _KIND_DESCRIPTIONS and token.tag_ == "NN") and lower not in _ROLE_WORDS:
            continue
        det = [t for t in token.lefts if t.dep_ == "det"]
        if not det or det[0].lower_ != "the" or any(t.i in taken for t in doc[det[0].i:token.i]):
            continue
        if any(t.dep_ in {"compound", "poss"} for t in token.lefts) or _followed_by_of(token):
            continue  # "the oil firm" may be another; "the firm's" is fine; "the chairman of X" is X's
        start = det[0].i
        near = [c for c in keyed if c.end <= start and sent_of[start] - sent_of[c.start] <= _DESCRIPTION_WINDOW]
        if lower in _KIND_DESCRIPTIONS:
            kinds = _KIND_DESCRIPTIONS[lower]
            fits = [c for c in near if types[c.key] in kinds or (lower == "party" and "party" in c.key)]
        else:
            fits = [c for c in keyed if types[c.key] == "Person" and lower in titles.get(c.key, ())
                    and c.start < start]
        if not fits:
            continue
        target = fits[-1]
        added.append(Candidate(start, token.i + 1, doc[start:token.i + 1].text, target.label, "description",
                               key=target.key, entry=target.entry, resolved_by="description"))
        taken.update(range(start, token.i + 1))
    return in_text_order(cands + tuple(added)) if added else cands


def _followed_by_of(token: Token) -> bool:
    return any(t.dep_ == "prep" and t.lower_ == "of" for t in token.rights)


def _titles(keyed: list[Candidate], gazetteer: Gazetteer) -> dict[str, set[str]]:
    """Person key -> the lower-case words of its job titles: this story's, then the knowledge base's."""
    words: dict[str, set[str]] = {}
    for c in keyed:
        if c.label != "PERSON":
            continue
        found = words.setdefault(c.key, set())
        if c.role is not None:
            found.update(c.role.title.lower().split())
        entry = c.entry if c.entry is not None else gazetteer.by_key.get(c.key)
        if entry is not None:
            for role in entry.roles:
                found.update(w for w in role.lower().split() if w in _ROLE_WORDS)
            if any("prime minister" in r.lower() for r in entry.roles):
                found.add("premier")
    return words


# -- shared --------------------------------------------------------------------------------------

def _sentence_index(doc: Doc) -> list[int]:
    out = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            out[i] = n
    return out


def _types(keyed: list[Candidate]) -> dict[str, str]:
    """Entity key -> its type, as the entity will get it (the entry's, else from the NER labels)."""
    out: dict[str, str] = {}
    for c in keyed:
        if c.entry is not None and c.entry.key == c.key:
            out[c.key] = c.entry.type
        elif c.label == "PERSON":
            out[c.key] = "Person"
        else:
            out.setdefault(c.key, SCHEMA_TYPES.get(c.label, "Thing"))
    return out


def _genders(doc: Doc, keyed: list[Candidate], gazetteer: Gazetteer) -> dict[str, str | None]:
    """Person key -> "m", "f" or None (unknown): an honorific, the knowledge base, the first name."""
    out: dict[str, str | None] = {}
    for c in keyed:
        if c.label != "PERSON":
            continue
        gender = _honorific_gender(doc, c)
        entry = c.entry if c.entry is not None else gazetteer.by_key.get(c.key)
        if gender is None and entry is not None and entry.gender in {"m", "f"}:
            gender = entry.gender
        if gender is None:
            given, _ = person_name_parts(c.text)
            gender = first_name_gender(given[0]) if given else None
        if gender is not None:
            out[c.key] = gender if out.get(c.key, gender) == gender else None
        else:
            out.setdefault(c.key, None)
    return out


def _honorific_gender(doc: Doc, c: Candidate) -> str | None:
    for token in doc[max(c.start - 1, 0):c.end]:
        word = token.lower_.rstrip(".")
        if word in _MALE_HONORIFICS:
            return "m"
        if word in _FEMALE_HONORIFICS:
            return "f"
        if word not in HONORIFICS and token.i >= c.start:
            break
    return None


@functools.lru_cache(maxsize=4096)
def first_name_gender(name: str) -> str | None:
    """ "m" / "f" for a first name that is mostly one (gender-guesser's name list), else None."""
    answer = _detector().get_gender(name)
    return {"male": "m", "mostly_male": "m", "female": "f", "mostly_female": "f"}.get(answer)


@functools.lru_cache(maxsize=1)
def _detector():
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)
