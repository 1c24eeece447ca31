"""Events from nominalisations and reported speech.

News packs much of what happened into nouns: "an agreement struck with
Brussels", "the UK-EU deal", "a trip to Albania last week", "talks with the
EU". Each such noun becomes an :class:`~kg.model.Event` with its
participants, topic, place and time, read from the noun's own modifiers
("UK-EU", "with Brussels", "to Albania", "last week"), from the light verb that
governs it ("the UK will *enter* talks") or from the clause it frames ("*On a
trip to Albania*, Starmer said"). A reporting verb ("Starmer said ...") gives a
statement event with the speaker and the reported words.

Event classes are aligned with the top-level codes of CAMEO, the event
ontology of political event data sets (GDELT, ICEWS, Phoenix):
Schrodt, P. A. (2012), *CAMEO: Conflict and Mediation Event Observations,
Event and Actor Codebook*, version 1.1b3, Pennsylvania State University
(http://data.gdeltproject.org/documentation/CAMEO.Manual.1.1b3.pdf). Only
the 20 top-level codes are used; movements of people (arrivals, crossings,
returns) have no CAMEO class and carry ``cameo=None``.

Multi-party events also give graph relations: an agreement between the UK
and the EU about sharing data is the fact "United Kingdom -agreed to share->
European Union"; a trip gives "made a trip to".
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterator, Sequence

from kg.extract.clauses import (
    PERSONAL,
    REPORTING,
    TIME_ENTS,
    Clause,
    argument_tokens,
    clause_confidence,
    is_contentless,
    reported_words,
    with_conjuncts,
)
from kg.extract.columns import columns
from kg.extract.inflect import past_tense
from kg.model import Argument, Event, Relation
from kg.extract.linking import Linker
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CAMEO_SOURCE = (
    "Schrodt, P. A. (2012). CAMEO: Conflict and Mediation Event Observations, Event and Actor "
    "Codebook, version 1.1b3. Pennsylvania State University."
)
CAMEO = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}


@dataclass(frozen=True)
class EventClass:
    kind: str
    cameo: str | None
    verb: str | None = None  # the verb the noun nominalises, for derived relations
    prep: str | None = None  # its usual preposition for the place/partner: "arrive in"


def _lexicon() -> dict[str, EventClass]:
    table: dict[str, EventClass] = {}

    def add(kind: str, cameo: str | None, *words: str, verb: str | None = None, prep: str | None = None):
        for w in words:
            table[w] = EventClass(kind, cameo, verb, prep)

    add("statement", "01", "statement", "announcement", "declaration", "remarks", "speech")
    add("appeal", "02", "appeal", "plea", "request")
    add("intent", "03", "pledge", "promise", "commitment", "vow")
    add("talks", "04", "talks", "negotiations", "negotiation", "discussions", "consultations",
        "dialogue", verb="hold talks", prep="with")
    add("meeting", "04", "meeting", "meetings", "summit", "conference", verb="meet", prep="with")
    add("visit", "04", "visit", "visits", "trip", "trips", "tour", verb="visit", prep="to")
    add("agreement", "05", "agreement", "deal", "accord", "pact", "treaty", "memorandum",
        "agreements", "deals", "treaties", verb="agree", prep="with")
    add("cooperation", "05", "cooperation", "co-operation", "partnership", "alliance", "collaboration",
        verb="cooperate", prep="with")
    add("sharing", "06", "sharing", "exchange", verb="share", prep="with")
    add("aid", "07", "aid", "assistance", "relief", verb="aid")
    add("ceasefire", "08", "ceasefire", "truce", "concession", "concessions")
    add("investigation", "09", "investigation", "inquiry", "probe", verb="investigate")
    add("demand", "10", "demand", "demands", "ultimatum")
    add("disapproval", "11", "criticism", "condemnation", "accusation", "accusations", "complaint")
    add("rejection", "12", "rejection", "refusal", "veto")
    add("threat", "13", "threat", "threats")
    add("protest", "14", "protest", "protests", "demonstration", "demonstrations", "rally", "boycott")
    add("sanction", "16", "sanctions", "sanction", "embargo")
    add("coercion", "17", "arrest", "arrests", "detention", "deportation", "deportations", "expulsion",
        "crackdown", "raid", "raids")
    add("assault", "18", "attack", "attacks", "assault", "bombing", "shooting", "killing")
    add("fight", "19", "war", "fighting", "clash", "clashes", "battle", "invasion", "offensive")
    add("movement", None, "arrival", "arrivals", verb="arrive", prep="in")
    add("movement", None, "crossing", "crossings", verb="cross")
    add("movement", None, "return", "returns", verb="return", prep="to")
    add("movement", None, "departure", verb="leave", prep="from")
    add("movement", None, "journey", "migration", "evacuation")
    return table


LEXICON = _lexicon()
# Verbs that, taking an event noun as object, make their subject a participant.
SUPPORT_VERBS = frozenset({"sign", "reach", "strike", "agree", "enter", "hold", "make", "begin", "open",
                           "start", "conclude", "negotiate", "have", "host", "attend", "seal", "broker",
                           "finalise", "finalize", "announce", "launch", "resume", "join", "pay",
                           "undertake", "complete", "end", "continue", "issue", "lodge", "mount",
                           "carry", "stage", "sign up"})
PARTICIPANT_PREPS = frozenset({"with", "between", "among", "by", "involving"})
TOPIC_PREPS = frozenset({"on", "over", "about", "regarding", "concerning", "covering", "for", "to"})
PLACE_PREPS = frozenset({"in", "at", "to", "into", "across"})
FRAME_PREPS = frozenset({"on", "during", "after", "before", "at", "following", "ahead", "in", "at"})
# Verbs too general to name what an agreement is about ("pledged to work together on sharing").
GENERAL_VERBS = frozenset({"work", "help", "seek", "try", "continue", "begin", "start", "look", "aim",
                           "move", "go", "come", "make", "take", "do", "be", "have", "get", "pledge",
                           "promise", "agree", "vow", "plan", "allow", "enable", "ensure", "include",
                           "mean", "need", "want", "set", "put", "give", "keep", "become", "involve"})
VERBAL_NOUNS = {"sharing": "share", "trafficking": "traffic", "smuggling": "smuggle", "funding": "fund",
                "spending": "spend", "training": "train", "policing": "police", "processing": "process",
                "screening": "screen", "monitoring": "monitor", "lending": "lend", "trading": "trade",
                "exchange": "exchange", "cooperation": "cooperate", "co-operation": "cooperate"}


@dataclass
class _Found:
    """An event being read, with the token-level facts needed to derive relations."""

    event: Event
    trigger: Token
    actors: list[tuple[Token, list[str]]]  # participant heads and their entity keys
    destination: tuple[Token, list[str]] | None
    topic_verb: str | None


def document_events(doc: Doc, analysis: list[list[Clause]], linker: Linker) -> tuple[list[Event], list[Relation]]:
    """Events of a document, in text order, and the graph relations they imply.

    ``analysis`` is :func:`kg.extract.clauses.analyse` of ``doc`` (computed
    once and shared with the relation extractor).
    """
    found: list[_Found] = []
    cols = columns(doc)
    for sent, sentence_clauses in zip(doc.sents, analysis):
        index = linker.sentence_of(sent.start)
        governing = _governing_clauses(sentence_clauses)
        for i in range(sent.start, sent.end):
            if cols.pos[i] not in {"NOUN", "PROPN"} or cols.dep[i] == "compound":
                continue
            token = doc[i]
            cls = LEXICON.get(cols.lower[i]) or (LEXICON.get(lemma(token).lower()) if cols.pos[i] == "NOUN" else None)
            if cls is None:
                continue
            if cols.pos[i] == "PROPN" and token.ent_type_ not in {"LAW", "EVENT", ""}:
                continue
            item = _nominal_event(token, cls, index, governing, linker)
            if item is not None:
                found.append(item)
        for clause in sentence_clauses:
            if clause.is_reporting:
                statement = _statement_event(clause, index, linker)
                if statement.event.participants:  # "I think ..." with no one to attribute it to
                    found.append(statement)
    found.sort(key=lambda f: f.event.start)
    events = _link_anaphors(found)
    relations = [r for f in found for r in _event_relations(f, linker)]
    return events, relations


def _governing_clauses(clauses: Sequence[Clause]) -> dict[int, Clause]:
    """Token index of each predicate word -> its clause (to find the clause around a noun)."""
    out: dict[int, Clause] = {}
    for clause in clauses:
        if clause.kind == "apposition":
            continue
        for v in clause.chain:
            out[v.i] = clause
    return out


@dataclass
class _Slots:
    """What has been read so far about one event noun."""

    noun: Token
    cls: EventClass
    linker: Linker
    actors: list[tuple[Token, list[str]]] = field(default_factory=list)
    topic: list[Token] | None = None
    topic_verb: str | None = None
    place: tuple[Token, list[str], str] | None = None  # head, entity keys, role
    time: list[Token] | None = None
    clause: Clause | None = None  # the clause the noun sits in
    supported: bool = False  # the noun is the object of a support verb ("sign a deal")

    def add_actor(self, token: Token) -> None:
        for t in with_conjuncts([token]):
            keys = self.linker.entity_of(t)
            known = {k for _, ks in self.actors for k in ks}
            if keys and set(keys) <= known:
                continue  # "the Federal Reserve's ... Federal Reserve": once is enough
            if (keys or not is_contentless(argument_tokens(t))) and all(a.i != t.i for a, _ in self.actors):
                self.actors.append((t, keys))

    def set_topic(self, tokens: list[Token], verb: str | None) -> None:
        if self.topic is None:
            self.topic, self.topic_verb = tokens, verb


def _nominal_event(noun: Token, cls: EventClass, index: int, governing: dict[int, Clause],
                   linker: Linker) -> _Found | None:
    """The event a noun names, if anything about it (who, where, what about) can be read."""
    slots = _Slots(noun, cls, linker)
    _read_modifiers(slots)
    _read_prepositions(slots)
    _read_clause(slots, governing)
    if cls.kind == "statement" and noun.dep_ == "nsubj" and lemma(noun.head) in REPORTING:
        return None  # "A joint statement said ...": the reporting verb gives the event
    if not slots.actors and slots.place is None and (
            slots.topic is None or cls.kind not in {"agreement", "talks", "meeting"}):
        return None
    return _found(slots, index)


def _read_modifiers(slots: _Slots) -> None:
    """ "the UK-EU deal", "Britain's deal", "data-sharing deal", "Channel crossings", "trip last week"."""
    noun, linker = slots.noun, slots.linker
    for child in noun.children:
        if child.i < noun.i and child.dep_ in {"compound", "nmod", "poss", "amod"}:
            for t in child.subtree:
                if t.dep_ not in {"compound", "nmod", "poss", "amod", "conj"} or not linker.entity_at(t.i):
                    continue
                if t.ent_type_ in TIME_ENTS:
                    continue
                if slots.cls.kind == "movement" and slots.place is None:  # "Channel crossings": the route
                    slots.place = (t, linker.entity_of(t), "route")
                else:
                    slots.add_actor(t)
            if (child.dep_ == "compound" and child.pos_ == "NOUN" and not linker.entity_at(child.i)
                    and not child.ent_type_ and not child.like_num):
                slots.set_topic(argument_tokens(child), VERBAL_NOUNS.get(child.lower_))
        elif child.dep_ == "npadvmod" and child.ent_type_ in TIME_ENTS:
            slots.time = argument_tokens(child)


def _read_prepositions(slots: _Slots) -> None:
    """Prepositions on the noun or on a participle describing it ("an agreement struck with Brussels")."""
    noun, kind = slots.noun, slots.cls.kind
    holders = [noun, *(c for c in noun.children if c.dep_ == "acl" and c.tag_ in {"VBN", "VBG", "VBD"})]
    for holder in holders:
        for prep in (c for c in holder.children if c.dep_ in {"prep", "agent"}):
            p = prep.lower_
            for pobj in (c for c in prep.children if c.dep_ in {"pobj", "pcomp"}):
                if pobj.ent_type_ in TIME_ENTS:
                    slots.time = [prep, *argument_tokens(pobj)]
                elif p in PARTICIPANT_PREPS or prep.dep_ == "agent" or (p == "of" and kind in {"visit", "movement"}):
                    slots.add_actor(pobj)
                elif p in PLACE_PREPS and pobj.ent_type_ in {"GPE", "LOC", "FAC"} and slots.place is None:
                    role = "destination" if p in {"to", "into"} else p
                    slots.place = (pobj, slots.linker.entity_of(pobj), role)
                elif p in TOPIC_PREPS:
                    slots.set_topic([prep, *_phrase(pobj)], _verb_of(pobj))
    for child in noun.children:  # "talks to access data", "a deal to share information"
        if child.dep_ in {"acl", "relcl"} and any(a.lower_ == "to" and a.dep_ == "aux" for a in child.children):
            slots.topic = _phrase(child, whole=True)
            slots.topic_verb = slots.topic_verb or _specific_verb(child)


def _read_clause(slots: _Slots, governing: dict[int, Clause]) -> None:
    """The clause around the noun: its support verb, the clause it frames, or the clause it is subject of."""
    noun = slots.noun
    head = noun.head
    if noun.dep_ in {"dobj", "attr"} and head.i in governing:
        # "the UK will enter talks with the EU": the subject of the support verb takes part
        slots.clause = governing[head.i]
        if lemma(head) in SUPPORT_VERBS or noun.lower_ in {"talks", "trip", "visit"}:
            slots.supported = True
            for subj in slots.clause.subjects:
                slots.add_actor(subj)
            for comp in slots.clause.complements:
                if comp.prep is not None and comp.prep.lower_ in PARTICIPANT_PREPS:
                    slots.add_actor(comp.head)
    elif noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.i in governing:
        slots.clause = governing[head.head.i]
        if head.lower_ in FRAME_PREPS and slots.cls.kind in {"visit", "talks", "meeting"}:
            # "On a trip to Albania, Starmer said": the framed clause's subject made the trip,
            # if it is someone who can (a person, organisation or country)
            for subj in slots.clause.subjects:
                if subj.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"} or subj.lower_ in PERSONAL:
                    slots.add_actor(subj)
    elif noun.dep_ in {"nsubj", "nsubjpass"} and head.i in governing:
        # "the deal pledged to work together on sharing ...": what the clause commits to is the topic
        slots.clause = governing[head.i]
        if slots.topic_verb is None:
            verb, tokens = _clause_topic(slots.clause)
            slots.topic_verb = verb
            slots.topic = slots.topic or tokens
    if slots.time is None and slots.clause is not None:
        slots.time = next((argument_tokens(c.head) if c.prep is None else [c.prep, *argument_tokens(c.head)]
                           for c in slots.clause.complements
                           if c.role == "time" or c.head.ent_type_ in TIME_ENTS), None)


def _found(slots: _Slots, index: int) -> _Found:
    noun, linker, clause = slots.noun, slots.linker, slots.clause
    slots.actors.sort(key=lambda a: a[0].i)  # text order: "the UK-EU deal" is the UK's deal with the EU
    participants: list[Argument] = []
    for token, keys in slots.actors:
        arg = linker.argument(argument_tokens(token), keys[0] if len(keys) == 1 else None, "participant")
        # a group ("the parties") stands for several entities: one participant each
        participants.extend([replace(arg, entity=k) for k in keys] if len(keys) > 1 else [arg])
    place_arg = None
    if slots.place is not None:
        token, keys, role = slots.place
        place_arg = linker.argument(argument_tokens(token), keys[0] if keys else None, role)
    linked = sum(1 for _, keys in slots.actors if keys)
    score = 0.55 + 0.1 * min(2, linked) + (0.05 if clause is not None else 0.0)
    event = Event(
        kind=slots.cls.kind,
        trigger=noun.text,
        lemma=lemma(noun).lower(),
        cameo=slots.cls.cameo,
        cameo_label=CAMEO.get(slots.cls.cameo) if slots.cls.cameo else None,
        sentence=index,
        start=linker.offset + noun.idx,
        end=linker.offset + noun.idx + len(noun),
        participants=tuple(participants),
        topic=linker.argument(slots.topic, None, "topic") if slots.topic else None,
        place=place_arg,
        time=linker.argument(slots.time, None, "time") if slots.time else None,
        confidence=round(min(0.9, score), 3),
        # "will sign a deal", "did not hold talks": the support verb's modality is the event's
        negated=clause.negated if slots.supported else False,
        modality=clause.modality if slots.supported else None,
        attributed_to=_speaker_key(clause, linker) if clause is not None else None,
    )
    destination = (slots.place[0], slots.place[1]) if slots.place is not None else None
    return _Found(event, noun, slots.actors, destination, slots.topic_verb)


def _phrase(token: Token, *, whole: bool = False) -> list[Token]:
    if whole or token.pos_ in {"VERB", "AUX"}:
        tokens = list(token.subtree)
        return [t for t in tokens if not t.is_punct or t.i not in {tokens[0].i, tokens[-1].i}][:25]
    return argument_tokens(token)


def _specific_verb(token: Token) -> str | None:
    """The lemma of ``token``, unless it is one of the GENERAL_VERBS that name no action."""
    base = lemma(token)
    return base if base not in GENERAL_VERBS else None


def _verb_of(token: Token) -> str | None:
    """The action a topic phrase names: "on sharing data" -> share, "on data sharing" -> share."""
    if token.pos_ == "VERB":
        return _specific_verb(token)
    return VERBAL_NOUNS.get(token.lower_)


def _clause_topic(clause: Clause) -> tuple[str | None, list[Token] | None]:
    """What a clause whose subject is an agreement commits to: the first specific action in it.

    "the UK-EU deal pledged to work together on sharing operational information"
    -> ("share", "sharing operational information").
    """
    for v in clause.chain[1:]:
        verb = _specific_verb(v)
        if verb is not None:
            return verb, None
    for comp in clause.complements:
        head = comp.head
        verb = _specific_verb(head) if head.pos_ == "VERB" else None
        if verb is not None:
            return verb, _phrase(head, whole=True)
        verb = VERBAL_NOUNS.get(head.lower_)
        if verb:
            return verb, argument_tokens(head)
    return None, None


def _speaker_key(clause: Clause, linker: Linker) -> str | None:
    if clause.speaker is None:
        return None
    keys = linker.entity_of(clause.speaker)
    return keys[0] if len(keys) == 1 else None


def _statement_event(clause: Clause, index: int, linker: Linker) -> _Found:
    """ "Starmer said he has talked to ...": a statement by Starmer with the reported words."""
    verb = clause.head
    content = next(c for c in clause.complements if c.role in {"ccomp", "quote"})
    if content.role == "quote":  # keep the part before the reporting clause: one contiguous quote
        words = reported_words(content.head, verb)
        words = [t for t in words if t.i < verb.left_edge.i] or words
    else:
        words = reported_words(content.head)
    actors = []
    participants: tuple[Argument, ...] = ()
    for subj in clause.subjects:
        keys = linker.entity_of(subj)
        tokens = argument_tokens(subj)
        if keys or not is_contentless(tokens):
            actors.append((subj, keys))
            participants += (linker.argument(tokens, keys[0] if len(keys) == 1 else None, "speaker"),)
    text = verb.doc[words[0].i:words[-1].i + 1].text if words else None
    event = Event(
        kind="statement", trigger=verb.text, lemma=lemma(verb), cameo="01", cameo_label=CAMEO["01"],
        sentence=index, start=linker.offset + verb.idx, end=linker.offset + verb.idx + len(verb),
        participants=participants, text=text,
        confidence=round(clause_confidence(clause) + (0.1 if any(k for _, k in actors) else -0.1), 3),
        negated=clause.negated, modality=clause.modality,
    )
    return _Found(event, verb, actors, None, None)


def _link_anaphors(found: list[_Found]) -> list[Event]:
    """ "the deal" with no participants of its own refers back to the last agreement."""
    events: list[Event] = []
    last_of_kind: dict[str, int] = {}
    for item in found:
        event = item.event
        definite = any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} or c.dep_ == "poss"
                       and c.lower_ in {"its", "their"} for c in item.trigger.children)
        if not event.participants and definite and event.kind in last_of_kind and event.kind != "statement":
            earlier = events[last_of_kind[event.kind]]
            event = replace(event, participants=earlier.participants, antecedent=last_of_kind[event.kind],
                            confidence=round(event.confidence - 0.15, 3))
            item.event = event
        if event.participants:
            last_of_kind[event.kind] = len(events)
        events.append(event)
    return events


def _event_relations(item: _Found, linker: Linker) -> Iterator[Relation]:
    """Graph facts an event implies, between its entity participants."""
    event = item.event
    keyed = [(tok, keys[0]) for tok, keys in item.actors if len(keys) == 1] + \
            [(tok, k) for tok, keys in item.actors if len(keys) > 1 for k in keys]
    distinct = list(dict.fromkeys(k for _, k in keyed))
    if event.kind == "agreement" and len(distinct) >= 2:
        if item.topic_verb:
            key, label = f"agree_to_{item.topic_verb}", f"agreed to {item.topic_verb}"
        else:
            key, label = "reach_agreement_with", "reached an agreement with"
        first = distinct[0]
        for other in distinct[1:]:
            yield _relation(item, linker, first, other, key, label)
    elif event.kind in {"talks", "meeting", "cooperation"} and len(distinct) >= 2:
        key, label = {"talks": ("hold_talk_with", "held talks with"),
                      "meeting": ("meet", "met"),
                      "cooperation": ("cooperate_with", "cooperated with")}[event.kind]
        for other in distinct[1:]:
            yield _relation(item, linker, distinct[0], other, key, label)
    elif event.kind in {"visit", "movement"} and distinct and item.destination and len(item.destination[1]) == 1:
        noun = event.lemma
        if event.kind == "visit":
            key, label = ("make_trip_to", "made a trip to") if noun == "trip" else \
                         ("visit", "visited") if noun == "visit" else (f"make_{noun}_to", f"made a {noun} to")
        else:
            cls = LEXICON.get(event.trigger.lower()) or LEXICON.get(noun)
            if cls is None or cls.verb is None:
                return
            key = "_".join(filter(None, [cls.verb, cls.prep]))
            label = " ".join(filter(None, [past_tense(cls.verb), cls.prep]))
        for actor in distinct:
            if actor != item.destination[1][0]:
                yield _relation(item, linker, actor, item.destination[1][0], key, label)


def _relation(item: _Found, linker: Linker, subject: str, obj: str, key: str, label: str) -> Relation:
    event = item.event

    def arg_for(k: str, role: str) -> Argument:
        for p in (*event.participants, *( [event.place] if event.place else [])):
            if p.entity == k:
                return replace(p, role=role)
        return Argument(text=k, start=event.start, end=event.end, entity=k, role=role)

    s_arg, o_arg = arg_for(subject, "subject"), arg_for(obj, "object")
    extra = tuple(a for a in (event.topic, event.time) if a is not None)
    start = min(event.start, s_arg.start, o_arg.start)
    end = max(event.end, s_arg.end, o_arg.end)
    return Relation(subject=s_arg, phrase=event.trigger, predicate=key, label=label, object=o_arg,
                    sentence=event.sentence, start=start, end=end,
                    confidence=round(event.confidence - 0.05, 3), negated=event.negated,
                    modality=event.modality, attributed_to=event.attributed_to, extra=extra)
