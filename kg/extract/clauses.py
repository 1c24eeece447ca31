"""Clause analysis: every predicate of a sentence, its arguments and how sure we are.

Every predicate of a sentence becomes one :class:`Clause`, analysed once:

- its **subjects**, coordination split ("the UK and the EU agreed" gives two),
  taken from the verb, from the antecedent of a relative clause, from the noun
  a participle modifies, or inherited from a coordinated or governing verb;
- its **relation words**: auxiliaries, negation, particles and the chain of
  open complements ("vowed to crack down", "agreed to work together to fight",
  "was able to control");
- its **complements**: direct objects, attributes, prepositional objects, the
  passive agent, clausal objects, reported content and time expressions;
- how sure the sentence is of it: negation, modality ("will", "should",
  "vowed to", a condition, a purpose) and the speaker of reported speech.

Appositions ("Varig, the country's flagship airline") are clauses too, with
an implicit copula. Three readers use the same clauses:
:mod:`kg.extract.relations` (facts about entities, for the graph),
:mod:`kg.extract.events` (events named by nouns, statements) and
:mod:`kg.extract.openie` (Open IE tuples between text spans, for CaRB).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from kg.extract.columns import columns
from kg.extract.inflect import past_tense
from kg.nlp.lemmas import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
CORE_OBJECT_DEPS = frozenset({"dobj", "attr", "acomp", "oprd", "dative"})
PREDICATE_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "relcl", "parataxis", "xcomp", "acl",
                            "pcomp", "csubj", "csubjpass"})
MODALS = {"will": "will", "'ll": "will", "wo": "will", "shall": "will", "would": "would", "'d": "would",
          "should": "should", "may": "may", "might": "might", "can": "can", "ca": "can",
          "could": "could", "must": "must", "ought": "should"}
# Verbs of intent or commitment: in "vowed to crack down" the vow is asserted,
# the crackdown is not (yet); the fact keeps the whole chain and records the intent.
INTENT_VERBS = frozenset({"plan", "hope", "want", "intend", "aim", "try", "threaten", "expect",
                          "seek", "vow", "pledge", "promise", "propose", "wish", "attempt",
                          "prepare", "offer", "consider", "mean", "need"})
REPORTING = frozenset({"say", "tell", "announce", "claim", "add", "state", "report", "warn",
                       "insist", "argue", "suggest", "confirm", "deny", "believe", "think",
                       "explain", "note", "write", "reveal", "admit", "acknowledge", "stress",
                       "allege", "declare", "predict", "indicate", "estimate", "assert",
                       "maintain", "recall", "comment", "concede", "tweet", "testify"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
NEGATIONS = frozenset({"not", "never", "n't"})
CHAIN_ADVERBS = NEGATIONS | {"together"}  # adverbs kept in the relation phrase
# Nouns that carry the meaning of a light verb: "enter talks with", "make a trip to".
RELATIONAL_NOUNS = frozenset({
    "talks", "agreement", "deal", "trip", "visit", "meeting", "negotiation", "negotiations",
    "partnership", "cooperation", "treaty", "contract", "alliance", "stake", "share", "role",
    "part", "bid", "offer", "case", "action", "call", "calls", "step", "steps", "ties",
    "relations", "relationship", "dispute", "talk", "accord", "pact", "war", "battle", "match",
    "investment", "interest", "lead", "control", "charge", "tour", "summit", "discussions",
})
LIGHT_VERBS = frozenset({"make", "take", "hold", "have", "give", "reach", "sign", "strike", "enter",
                         "launch", "open", "pay", "play", "begin", "start", "conclude", "seal",
                         "agree", "win", "lose", "lodge", "file", "bring", "announce"})
PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us",
                      "them", "this", "that", "these", "those", "who", "whom", "which", "what",
                      "itself", "themselves", "himself", "herself", "one", "there", "its",
                      "his", "their", "our", "my", "your", "someone", "something", "anyone",
                      "anything", "everyone", "everything", "nobody", "nothing", "whoever",
                      "ourselves", "yourself", "myself", "each", "both", "all", "some", "many"})
PERSONAL = frozenset({"he", "she", "him", "her"})
RELATIVE_WORDS = frozenset({"who", "whom", "which", "that", "whose"})
TIME_ENTS = frozenset({"DATE", "TIME"})
NAMED_ENTS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW",
                        "WORK_OF_ART"})
MAX_ARG_TOKENS = 25


@dataclass
class Complement:
    """One argument of a predicate after the subject.

    ``role`` is the dependency that introduces it (``dobj``, ``attr``, ``prep``,
    ``agent``, ``ccomp``, ``time`` ...); ``prep`` the preposition of a
    prepositional object; ``via`` the relational-noun words ("talks", "with")
    that join a light verb to an object inside its direct object.
    """

    head: Token
    role: str
    prep: Token | None = None
    via: tuple[Token, ...] = ()

    @property
    def core(self) -> bool:
        return self.role in CORE_OBJECT_DEPS and self.prep is None


@dataclass
class Clause:
    """One predicate with its arguments, still as spaCy tokens."""

    head: Token
    kind: str  # "verb", "copula", "participle" (reduced relative), "apposition"
    chain: list[Token]
    words: list[Token]  # relation phrase in sentence order, complements excluded
    subjects: list[Token]
    subject_source: str  # "own", "antecedent", "modified", "inherited", "none"
    complements: list[Complement] = field(default_factory=list)
    passive: bool = False
    negated: bool = False
    modality: str | None = None
    speaker: Token | None = None  # who reported it: "Starmer" in "Starmer said he ..."

    @property
    def agent(self) -> Complement | None:
        return next((c for c in self.complements if c.role == "agent"), None)

    @property
    def is_reporting(self) -> bool:
        return lemma(self.head) in REPORTING and any(c.role in {"ccomp", "quote"} for c in self.complements)


# -- finding clauses ---------------------------------------------------------


def analyse(doc: Doc | Span) -> list[list[Clause]]:
    """The clauses of every sentence of ``doc``, one list per sentence."""
    return [clauses(sent) for sent in doc.sents]


def clauses(sent: Span) -> list[Clause]:
    """Every clause in a sentence: verbal predicates in token order, then appositions."""
    out: list[Clause] = []
    appositions: list[Clause] = []
    doc = sent.doc
    cols = columns(doc)
    for i in range(sent.start, sent.end):
        dep = cols.dep[i]
        if dep == "appos":
            apposition = _apposition(doc[i])
            if apposition is not None:
                appositions.append(apposition)
        elif _heads_clause(cols.pos[i], dep):
            token = doc[i]
            if not _continues_chain(token):
                out.append(_clause(token, verb_chain(token)))
    return out + appositions


def _heads_clause(pos: str, dep: str) -> bool:
    if pos == "VERB":
        return dep in PREDICATE_DEPS
    if pos == "AUX":
        # a copula or main-verb "have"/"do" heads its clause; auxiliaries do not
        return dep in PREDICATE_DEPS and dep not in {"aux", "auxpass"}
    return False


def _own_subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in SUBJECT_DEPS]


def _has_to(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _continues_chain(token: Token) -> bool:
    """Whether ``token`` is an open complement folded into its head's relation."""
    dep = token.dep_
    if dep not in {"xcomp", "advcl", "acomp"}:
        return False
    head = token.head
    if head.i == token.i or _own_subjects(token):
        return False
    if dep == "acomp" and token.pos_ == "ADJ" and lemma(head) == "be":
        # "was able to control": the adjective links the copula to its verb
        return any(c.dep_ == "xcomp" and c.pos_ == "VERB" and _has_to(c) for c in token.children)
    if head.pos_ == "ADJ" and token.dep_ == "xcomp" and token.pos_ == "VERB":
        return head.dep_ == "acomp" and _continues_chain(head)
    if head.pos_ not in {"VERB", "AUX"}:
        return False
    if token.dep_ == "xcomp" and token.pos_ in {"VERB", "AUX"}:
        # object control ("urged him to go") is a separate clause about the object
        return not any(c.dep_ in {"dobj"} for c in head.children if c.i < token.i)
    if token.dep_ == "advcl" and token.pos_ == "VERB" and _has_to(token) and lemma(head) != "be":
        # purpose right after the verb: "work together to fight", not "bolster cooperation to tackle"
        between = head.doc[head.i + 1:token.left_edge.i]
        return all(t.head.i == head.i and t.dep_ in {"advmod", "prt"} for t in between)
    return False


def verb_chain(verb: Token) -> list[Token]:
    """The verb and the open complements it controls: agreed -> to work -> to fight."""
    chain = [verb]
    current = verb
    while len(chain) < 4:
        nxt = next((c for c in current.children if c.i > current.i and _continues_chain(c)), None)
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return chain


def _clause(head: Token, chain: list[Token]) -> Clause:
    last = chain[-1]
    kind = "copula" if lemma(last) == "be" and last.pos_ == "AUX" else "verb"
    subjects, source = _subjects_of(head)
    if head.dep_ == "acl" and source == "modified":
        kind = "participle"
    words: list[Token] = []
    for v in chain:
        for c in v.children:
            dep = c.dep_
            if (dep in {"aux", "auxpass", "neg"} and c.i < v.i) or dep == "prt" \
                    or (dep == "advmod" and c.lower_ in CHAIN_ADVERBS):
                words.append(c)
        words.append(v)
    # a coordinated non-finite verb shares its head's auxiliaries: "will review and decide"
    if head.dep_ == "conj" and head.tag_ in {"VB", "VBN", "VBG"} and not any(
            w.dep_ in {"aux", "auxpass"} for w in words):
        words.extend(c for c in head.head.children
                     if c.dep_ in {"aux", "auxpass", "neg"} and c.i < head.head.i)
    words.sort(key=lambda t: t.i)
    negated = any(w.dep_ == "neg" or w.lower_ in NEGATIONS for w in words)
    passive = any(w.dep_ == "auxpass" for w in words) or (kind == "participle" and head.tag_ == "VBN") \
        or any(s.dep_ in {"nsubjpass", "csubjpass"} for s in _own_subjects(head))
    modality = next((MODALS[w.lower_] for w in words if w.tag_ == "MD" and w.lower_ in MODALS), None)
    if modality is None and len(chain) > 1 and lemma(chain[0]) in INTENT_VERBS:
        modality = past_tense(lemma(chain[0])) + " to"
    if _is_conditional(head):
        modality = "if"
    elif head.dep_ == "advcl" and _has_to(head):
        modality = "purpose"  # "to tackle the challenges": a goal, not a fact
    elif modality is None and source == "inherited" and head.dep_ in {"xcomp", "advcl", "conj"}:
        modality = _inherited_modality(head)
    reporter = _reporting_head(head)
    speaker = _speaker_of(reporter) if reporter is not None else _according_to(chain)
    return Clause(head=head, kind=kind, chain=chain, words=words, subjects=subjects,
                  subject_source=source, complements=_complements(head, chain, kind), passive=passive,
                  negated=negated, modality=modality, speaker=speaker)


def _inherited_modality(verb: Token) -> str | None:
    """A modal on the governing verb covers its open complements: "should X to Y"."""
    head = verb.head
    for child in head.children:
        if child.dep_ == "aux" and child.tag_ == "MD" and child.lower_ in MODALS:
            return MODALS[child.lower_]
    return None


def _is_conditional(verb: Token) -> bool:
    head = verb
    while head.dep_ == "conj":
        head = head.head
    return head.dep_ in {"advcl", "ccomp"} and any(
        c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in head.children)


def _subjects_of(verb: Token, depth: int = 0) -> tuple[list[Token], str]:
    """Subjects of a clause and where they came from."""
    own = _own_subjects(verb)
    if own:
        heads = []
        for s in own:
            if s.lower_ in RELATIVE_WORDS and verb.dep_ == "relcl":
                heads.append(verb.head)
                source = "antecedent"
            else:
                heads.append(s)
                source = "own"
        return with_conjuncts(heads), source
    if depth > 4:
        return [], "none"
    dep = verb.dep_
    if dep == "acl" and verb.head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"} and not _has_to(verb):
        return [verb.head], "modified"
    if dep == "relcl":
        return [], "none"
    if dep in {"conj", "xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        if dep == "xcomp":
            controller = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i]
            if controller:
                return with_conjuncts(controller), "inherited"
        inherited, _ = _subjects_of(verb.head, depth + 1)
        return inherited, "inherited"
    if dep == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in {"VERB", "AUX"}:
        inherited, _ = _subjects_of(verb.head.head, depth + 1)
        return inherited, "inherited"
    return [], "none"


def with_conjuncts(heads: Iterable[Token]) -> list[Token]:
    """Each head followed by the heads coordinated with it ("the UK and the EU")."""
    out: list[Token] = []
    for head in heads:
        out.append(head)
        out.extend(t for t in head.conjuncts if t.i > head.i and t.pos_ not in {"VERB", "AUX"})
    return out


def _complements(head: Token, chain: list[Token], kind: str) -> list[Complement]:
    out: list[Complement] = []
    for v in chain:
        final = v.i == chain[-1].i
        for child in v.children:
            dep = child.dep_
            if child.i < v.i and dep not in {"prep", "npadvmod", "agent"} \
                    and not (dep == "ccomp" and lemma(v) in REPORTING):
                continue  # left of the verb only preposed adjuncts and reported content count
            if dep in CORE_OBJECT_DEPS:
                if not final and dep not in {"dobj", "dative"}:
                    continue
                if dep == "dative" and child.pos_ == "ADP":
                    out.extend(_prepositional(child, "prep"))
                    continue
                out.append(Complement(child, dep))
            elif dep == "prep":
                if child.lower_ == "according":
                    continue  # "according to X" names a source, see _according_to
                out.extend(_prepositional(child, "prep"))
            elif dep == "agent":
                out.extend(_prepositional(child, "agent"))
            elif dep in {"ccomp", "xcomp"} and final and not _continues_chain(child):
                out.append(Complement(child, dep))
            elif dep == "npadvmod" and child.ent_type_ in TIME_ENTS:
                out.append(Complement(child, "time"))
            elif dep in {"advmod"} and child.ent_type_ in TIME_ENTS:
                out.append(Complement(child, "time"))
    if head.dep_ == "relcl":
        out = _fill_antecedent(head, out)
    if lemma(head) in REPORTING and not any(c.role == "ccomp" for c in out):
        # "The specialists, a trader said, were livid": the content governs the reporting verb
        if head.dep_ in {"parataxis", "ccomp"} and head.head.pos_ in {"VERB", "AUX"}:
            out.append(Complement(head.head, "quote"))
    # light verbs and relational nouns lend their noun to the relation: "enter talks with"
    # and so does the attribute of a copula: "X is the leader of Y" -> "is leader of"
    extra = []
    for comp in out:
        noun = comp.head
        if comp.role == "dobj" and (noun.lower_ in RELATIONAL_NOUNS or lemma(noun) in RELATIONAL_NOUNS
                                    or lemma(chain[-1]) in LIGHT_VERBS):
            for prep, pobj in _preps_within(noun):
                extra.append(Complement(pobj, "via", prep=prep, via=(noun, prep)))
        elif comp.role == "attr" and kind == "copula" and noun.pos_ == "NOUN":
            for prep, pobj in _preps_within(noun, depth=1):
                extra.append(Complement(pobj, "via", prep=prep, via=(noun, prep)))
    out.extend(extra)
    out.sort(key=lambda c: (c.prep or c.head).i)
    return out


def _prepositional(prep: Token, role: str) -> list[Complement]:
    """The object(s) of a preposition: noun objects, or a gerund clause ("on sharing data")."""
    out = []
    for child in prep.children:
        if child.dep_ == "pobj":
            out.append(Complement(child, role, prep=prep))
        elif child.dep_ == "pcomp":
            out.append(Complement(child, role if child.pos_ not in {"VERB", "AUX"} else "pclause", prep=prep))
        elif child.dep_ == "prep" and child.i == prep.i + 1:  # "out of", "because of"
            out.extend(Complement(c.head, role, prep=prep) for c in _prepositional(child, role))
    return out


def _fill_antecedent(verb: Token, comps: list[Complement]) -> list[Complement]:
    """In "the deal which they struck", the antecedent is the object."""
    antecedent = verb.head
    out = []
    replaced = False
    for comp in comps:
        if comp.head.lower_ in {"which", "that", "whom", "who"} and comp.head.tag_ in {"WDT", "WP", "DT"}:
            out.append(Complement(antecedent, comp.role, prep=comp.prep))
            replaced = True
        else:
            out.append(comp)
    if not replaced and not any(s.lower_ in RELATIVE_WORDS for s in _own_subjects(verb)):
        relative_adverb = next((c for c in verb.children if c.lower_ in {"where", "when"}), None)
        if relative_adverb is not None:
            role = "place" if relative_adverb.lower_ == "where" else "time"
            out.append(Complement(antecedent, role))
        elif not any(c.core for c in out) and verb.pos_ == "VERB":
            out.append(Complement(antecedent, "dobj"))
    return out


def _preps_within(noun: Token, depth: int = 3) -> Iterator[tuple[Token, Token]]:
    """Prepositional objects hanging at most ``depth`` steps below a noun."""
    frontier = [noun]
    for _ in range(depth):
        nxt = []
        for tok in frontier:
            for child in tok.children:
                if child.dep_ == "prep":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            yield child, pobj
                            yield from ((child, c) for c in pobj.conjuncts if c.i > pobj.i)
                elif child.dep_ in {"acl", "dobj", "xcomp"}:
                    nxt.append(child)
        frontier = nxt


def _reporting_head(verb: Token) -> Token | None:
    """The reporting verb whose content this clause is ("said" in "X said Y will ...")."""
    head = verb
    while head.dep_ == "conj":
        head = head.head
    if head.dep_ in {"ccomp", "parataxis"} and lemma(head.head) in REPORTING:
        return head.head
    # "The UK will enter talks, the government said": the reporting verb hangs off the content
    for child in head.children:
        if child.dep_ in {"parataxis", "ccomp"} and lemma(child) in REPORTING and child.i > head.i \
                and not any(c.dep_ == "ccomp" for c in child.children):
            return child
    return None


def _speaker_of(reporter: Token) -> Token | None:
    subjects = [c for c in reporter.children if c.dep_ in {"nsubj"}]
    if subjects:
        return subjects[0]
    agent = next((c for c in reporter.children if c.dep_ == "agent"), None)
    if agent is not None:
        return next((c for c in agent.children if c.dep_ == "pobj"), None)
    return None


def _according_to(chain: list[Token]) -> Token | None:
    for v in chain:
        for child in v.children:
            if child.dep_ == "prep" and child.lower_ == "according":
                for to in child.children:
                    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        return pobj
    return None


def _apposition(token: Token) -> Clause | None:
    """ "Varig, the country's flagship airline, ..." is a clause "Varig is the country's flagship airline"."""
    head = token.head
    if token.pos_ not in {"NOUN", "PROPN"} or head.pos_ not in {"PROPN", "NOUN", "NUM"}:
        return None
    named, description = head, token
    if token.pos_ == "PROPN" and head.pos_ != "PROPN":
        named, description = token, head  # "One of its specialists, Steve White": the name is the subject
    return Clause(head=named, kind="apposition", chain=[], words=[], subjects=[named],
                  subject_source="own", complements=[Complement(description, "attr")])


# -- argument spans ----------------------------------------------------------


SPAN_SKIP = frozenset({"conj", "cc", "preconj", "relcl", "appos", "punct", "advcl", "parataxis",
                       "acl", "prep", "dep", "mark", "ccomp", "case"})


def phrase_bounds(head: Token, cut: frozenset[str], inner_cut: frozenset[str],
                  keep_preps: frozenset[str] = frozenset(), depth: int = 0) -> tuple[int, int]:
    """First and last token index of the phrase headed by ``head``.

    Children whose dependency is in ``cut`` (``inner_cut`` below the head) are
    left out, and so is everything after the first one cut on the right, so
    the phrase stays contiguous; prepositions in ``keep_preps`` are kept.
    """
    left = right = head.i
    for child in head.children:
        dep = child.dep_
        kept = dep not in cut or (dep == "prep" and child.lower_ in keep_preps)
        if child.i < head.i:
            if kept and dep not in {"cc", "preconj"}:
                left = min(left, phrase_bounds(child, inner_cut, inner_cut, keep_preps, depth + 1)[0]
                           if depth < 8 else child.left_edge.i)
        elif not kept or (dep == "case" and child.i == head.i + 1 and depth == 0):
            break  # a cut on the right ends the phrase (and a possessive 's ends the possessor)
        else:
            right = max(right, phrase_bounds(child, inner_cut, inner_cut, keep_preps, depth + 1)[1]
                        if depth < 8 else child.right_edge.i)
    return left, right


def trimmed(tokens: list[Token], head: Token, *, limit: int = MAX_ARG_TOKENS) -> list[Token]:
    """Drop punctuation and conjunctions at the edges; keep at most ``limit`` tokens around the head."""
    while tokens and tokens[-1].i != head.i and (tokens[-1].is_punct or tokens[-1].dep_ in {"cc", "case"}) \
            and tokens[-1].tag_ not in {"''", "-RRB-"}:
        tokens.pop()
    while tokens and tokens[0].i != head.i and (tokens[0].is_punct or tokens[0].dep_ in {"cc", "preconj"}) \
            and tokens[0].tag_ not in {"``", "-LRB-"}:
        tokens.pop(0)
    # an unbalanced quote or bracket left at an edge goes too
    for opening, closing in (("``", "''"), ("-LRB-", "-RRB-")):
        if tokens and tokens[-1].tag_ == closing and not any(t.tag_ == opening for t in tokens):
            tokens.pop()
        if tokens and tokens[0].tag_ == opening and not any(t.tag_ == closing for t in tokens):
            tokens.pop(0)
    if len(tokens) > limit:
        pos = head.i - tokens[0].i
        start = max(0, min(pos - limit // 2, len(tokens) - limit))
        tokens = tokens[start:start + limit]
    return tokens


GRAPH_INNER_CUT = SPAN_SKIP - {"punct"}


def argument_tokens(head: Token, *, keep: frozenset[str] = frozenset({"of"})) -> list[Token]:
    """The noun phrase of a graph argument: short, without clauses, coordination or most PPs.

    Coordinated phrases, relative clauses, appositions and prepositional
    phrases are cut off (except prepositions in ``keep``: "visa abuse of legal
    migration routes"), so "the UK and the EU" gives "the UK" for the head "UK".
    """
    left, right = phrase_bounds(head, SPAN_SKIP, GRAPH_INNER_CUT, keep)
    return trimmed([head.doc[i] for i in range(left, right + 1)], head)


def reported_words(content: Token, reporter: Token | None = None) -> list[Token]:
    """The words of a reported clause, without the reporting clause inside it.

    In "The specialists, a trader said, were livid" the content "were" governs
    "said"; its subtree minus "a trader said" is what was said.
    """
    inside = range(reporter.left_edge.i, reporter.right_edge.i + 1) if reporter is not None else range(0)
    tokens = [t for t in content.subtree if t.i not in inside]
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    return tokens


def is_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" or token.lower_ in PRONOUNS


def is_contentless(tokens: Sequence[Token]) -> bool:
    """True for an empty span, a lone pronoun, a bare number, or only stop words and punctuation."""
    if not tokens:
        return True
    if all(t.like_num or t.is_punct for t in tokens):
        return True
    if len(tokens) == 1 and is_pronoun(tokens[0]):
        return True
    return all(t.is_stop or t.is_punct or t.lower_ in PRONOUNS for t in tokens)


# How much each way of finding a clause lowers confidence. The weights were
# fitted (least squares on the precision of each tuple) on the CaRB dev split
# and rounded; they say how often the parser and our rules get such a clause
# right, so they hold for news text too.
HEAD_PENALTY = {"ROOT": 0.0, "conj": 0.07, "relcl": 0.08, "parataxis": 0.15, "ccomp": 0.19,
                "advcl": 0.18, "xcomp": 0.2, "csubj": 0.2, "acl": 0.29, "pcomp": 0.28}


def clause_confidence(clause: Clause) -> float:
    """A score in (0, 1) for the clause pattern alone: main clauses with their own subject score highest."""
    score = 0.85 - HEAD_PENALTY.get(clause.head.dep_, 0.13)
    if clause.kind == "apposition":
        score -= 0.35
    elif clause.kind == "copula":
        score -= 0.1
    if clause.subject_source == "antecedent":
        score -= 0.1
    elif clause.subject_source == "inherited":
        score -= 0.03
    if clause.modality is not None:
        score -= 0.03
    if clause.passive:
        score += 0.04
    return score
