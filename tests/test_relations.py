"""Clause-level relations, events and canonical predicates.

Rules are tested on hand-built parses where the point is the rule itself, and
with the real model on short sentences for what a user sees; the seed article
must give the facts it states (the UK and the EU agreed to share data, Starmer's
trip to Albania ...); a property over BBC sentences guards the arguments of
every fact.
"""
from __future__ import annotations

import json
from itertools import islice

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract import extract
from kg.extract.events import CAMEO, LEXICON
from kg.extract.inflect import past_participle, past_tense
from kg.model import Article, Extraction
from kg.extract.clauses import PRONOUNS, argument_tokens, clauses
from kg.extract.relations import predicate_key

from .conftest import BBC, need_shared


ENGLISH = spacy.blank("en")  # a vocabulary with English lexical attributes (lower case, stop words)


def parsed(text: str, heads: list[int], deps: str, pos: str, tags: str, lemmas: str | None = None) -> Doc:
    """A hand-built parse: ``heads`` are absolute token indices."""
    words = text.split()
    doc = Doc(ENGLISH.vocab, words=words, heads=heads, deps=deps.split(), pos=pos.split(), tags=tags.split(),
              lemmas=(lemmas or text.lower()).split())
    return doc


def read(nlp, text: str) -> Extraction:
    return extract(nlp(text), Article(doc_id="t", text=text))


def facts(x: Extraction) -> set[tuple[str | None, str, str | None]]:
    """(subject, predicate key, object) with entity keys where linked, else the text."""
    return {(r.subject.entity or r.subject.text, r.predicate, r.object.entity or r.object.text)
            for r in x.relations}


def relation(x: Extraction, predicate: str):
    found = [r for r in x.relations if r.predicate == predicate]
    assert found, f"no {predicate!r} relation in {sorted(facts(x))}"
    return found[0]


# -- rules on hand-built parses ---------------------------------------------


def test_verb_chain_keeps_open_complements_and_purpose():
    doc = parsed("We agreed to work together to fight crime .",
                 [1, 1, 3, 1, 3, 6, 3, 6, 1],
                 "nsubj ROOT aux xcomp advmod aux advcl dobj punct",
                 "PRON VERB PART VERB ADV PART VERB NOUN PUNCT",
                 "PRP VBD TO VB RB TO VB NN .",
                 "we agree to work together to fight crime .")
    (clause,) = clauses(next(doc.sents))
    assert [t.text for t in clause.words] == ["agreed", "to", "work", "together", "to", "fight"]
    assert [c.head.text for c in clause.complements] == ["crime"]
    assert predicate_key(clause.words) == ("agree_to_work_together_to_fight", "agreed to work together to fight")
    assert clause.modality is None  # "agree" is a fact, not an intention


def test_intent_verb_is_recorded_as_modality_and_particle_kept():
    doc = parsed("They vowed to crack down on abuse .",
                 [1, 1, 3, 1, 3, 3, 5, 1],
                 "nsubj ROOT aux xcomp prt prep pobj punct",
                 "PRON VERB PART VERB ADP ADP NOUN PUNCT",
                 "PRP VBD TO VB RP IN NN .",
                 "they vow to crack down on abuse .")
    (clause,) = clauses(next(doc.sents))
    assert clause.modality == "vowed to"
    prep = clause.complements[0].prep
    assert predicate_key([*clause.words, prep]) == ("vow_to_crack_down_on", "vowed to crack down on")


def test_relative_clause_antecedent_fills_the_missing_object():
    doc = parsed("the deal which Britain signed",
                 [1, 1, 4, 4, 1],
                 "det ROOT dobj nsubj relcl",
                 "DET NOUN PRON PROPN VERB",
                 "DT NN WDT NNP VBD",
                 "the deal which britain sign")
    (clause,) = clauses(next(doc.sents))
    assert [s.text for s in clause.subjects] == ["Britain"]
    assert [c.head.text for c in clause.complements] == ["deal"]


def test_coordinated_subjects_are_split_and_argument_spans_cut_at_the_conjunction():
    doc = parsed("The UK and the EU signed it .",
                 [1, 5, 1, 4, 1, 5, 5, 5],
                 "det nsubj cc det conj ROOT dobj punct",
                 "DET PROPN CCONJ DET PROPN VERB PRON PUNCT",
                 "DT NNP CC DT NNP VBD PRP .")
    (clause,) = clauses(next(doc.sents))
    assert [s.text for s in clause.subjects] == ["UK", "EU"]
    assert [t.text for t in argument_tokens(clause.subjects[0])] == ["The", "UK"]
    assert [t.text for t in argument_tokens(clause.subjects[1])] == ["the", "EU"]


def test_passive_label_uses_was_and_the_participle():
    doc = parsed("Smith was arrested in London .",
                 [2, 2, 2, 2, 3, 2],
                 "nsubjpass auxpass ROOT prep pobj punct",
                 "PROPN AUX VERB ADP PROPN PUNCT",
                 "NNP VBD VBN IN NNP .",
                 "smith be arrest in london .")
    (clause,) = clauses(next(doc.sents))
    assert clause.passive
    words = [*clause.words, clause.complements[0].prep]
    assert predicate_key(words, passive=True) == ("be_arrest_in", "was arrested in")


def test_inflection_for_labels():
    assert [past_tense(v) for v in ("agree", "enter", "strike", "repay", "travel", "plan", "carry")] == [
        "agreed", "entered", "struck", "repaid", "travelled", "planned", "carried"]
    assert [past_participle(v) for v in ("take", "arrest", "undergo")] == ["taken", "arrested", "undergone"]


# -- constructions with the real model --------------------------------------


def test_verb_chain_and_coordination_split(nlp):
    x = read(nlp, "France and Germany agreed to work together to fight organised crime.")
    assert {("france", "agree_to_work_together_to_fight", "organised crime"),
            ("germany", "agree_to_work_together_to_fight", "organised crime")} <= facts(x)
    assert relation(x, "agree_to_work_together_to_fight").label == "agreed to work together to fight"


def test_light_verb_and_relational_noun(nlp):
    x = read(nlp, "The UK will enter talks with the EU.")
    r = relation(x, "enter_talk_with")
    assert (r.subject.entity, r.object.entity, r.label) == ("united kingdom", "european union", "entered talks with")
    assert r.modality == "will" and r.asserted and r.phrase == "will enter talks with"


def test_passive_with_agent_is_turned_around(nlp):
    x = read(nlp, "The treaty was signed by France.")
    assert ("france", "sign", "The treaty") in facts(x)


def test_passive_without_agent_is_kept_passive(nlp):
    x = read(nlp, "John Smith was arrested in London.")
    r = relation(x, "be_arrest_in")
    assert (r.subject.entity, r.object.entity, r.label) == ("john smith", "london", "was arrested in")


def test_prepositional_object(nlp):
    x = read(nlp, "Keir Starmer travelled to Albania.")
    assert ("keir starmer", "travel_to", "albania") in facts(x)
    assert relation(x, "travel_to").label == "travelled to"


def test_relative_clause_subject_is_the_antecedent(nlp):
    x = read(nlp, "Emmanuel Macron, who met Keir Starmer in Paris, praised the deal.")
    assert {("emmanuel macron", "meet", "keir starmer"), ("emmanuel macron", "praise", "the deal")} <= facts(x)


def test_apposition_and_copula(nlp):
    x = read(nlp, "Varig, the country's flagship airline, faces collapse.")
    assert {("varig", "be", "the country's flagship airline"), ("varig", "face", "collapse")} <= facts(x)
    assert relation(x, "be").label == "is"
    x = read(nlp, "Keir Starmer is the leader of the Labour Party.")
    r = relation(x, "be_leader_of")
    assert (r.subject.entity, r.object.entity, r.label) == ("keir starmer", "labour party", "is leader of")


def test_reported_speech_gives_the_inner_fact_and_a_statement(nlp):
    x = read(nlp, "Keir Starmer said he has talked to France about migration.")
    r = relation(x, "talk_to")
    assert (r.subject.entity, r.object.entity, r.attributed_to) == ("keir starmer", "france", "keir starmer")
    assert ("about", "migration") in {(a.role, a.text) for a in r.extra}
    (statement,) = [e for e in x.events if e.kind == "statement"]
    assert statement.cameo == "01" and statement.participants[0].entity == "keir starmer"
    assert statement.text == "he has talked to France about migration"


def test_negated_and_hypothetical_facts_are_not_asserted(nlp):
    negated = relation(read(nlp, "The UK did not sign the treaty with France."), "sign_treaty_with")
    assert negated.negated and not negated.asserted
    could = relation(read(nlp, "Germany could sign a deal with France."), "sign_with")
    assert could.modality == "could" and not could.asserted
    conditional = relation(read(nlp, "If France signs the deal, Germany will follow."), "sign")
    assert conditional.modality == "if" and not conditional.asserted
    purpose = read(nlp, "The UK and France should bolster their cooperation to tackle smuggling.")
    assert all(not r.asserted for r in purpose.relations)


def test_confidence_is_higher_for_a_main_clause_than_for_a_participle(nlp):
    x = read(nlp, "Germany signed a deal with France, ending a dispute with Italy.")
    main = relation(x, "sign_with")
    side = relation(x, "end_dispute_with")
    assert 0 < side.confidence < main.confidence < 1


# -- events -------------------------------------------------------------------


def test_agreement_event_from_a_nominalisation_gives_agreed_to_share(nlp):
    x = read(nlp, "The UK-EU deal pledged to work together on sharing information.")
    (deal,) = [e for e in x.events if e.kind == "agreement"]
    assert [p.entity for p in deal.participants] == ["united kingdom", "european union"]
    assert deal.cameo == "05" and deal.cameo_label == CAMEO["05"]
    assert deal.topic.text == "sharing information"
    r = relation(x, "agree_to_share")
    assert (r.subject.entity, r.object.entity, r.label) == ("united kingdom", "european union", "agreed to share")


def test_trip_event_with_destination_and_time(nlp):
    x = read(nlp, "Keir Starmer made a trip to Albania last week.")
    (trip,) = [e for e in x.events if e.kind == "visit"]
    assert [p.entity for p in trip.participants] == ["keir starmer"]
    assert (trip.place.entity, trip.place.role, trip.time.text) == ("albania", "destination", "last week")
    assert ("keir starmer", "make_trip_to", "albania") in facts(x)


def test_talks_framing_a_clause(nlp):
    x = read(nlp, "After talks with Germany, France agreed to cut tariffs.")
    (talks,) = [e for e in x.events if e.kind == "talks"]
    assert {p.entity for p in talks.participants} == {"germany", "france"}
    assert talks.cameo == "04"


def test_the_parties_are_the_participants_of_the_last_agreement(nlp):
    x = read(nlp, "Britain and Japan signed a trade deal. The parties vowed to cut tariffs.")
    assert {("united kingdom", "vow_to_cut", "tariffs"), ("japan", "vow_to_cut", "tariffs")} <= facts(x)


def test_lexicon_codes_are_cameo_top_level_codes():
    assert all(c.cameo is None or c.cameo in CAMEO for c in LEXICON.values())
    assert LEXICON["talks"].cameo == "04" and LEXICON["visit"].cameo == "04"
    assert LEXICON["deal"].cameo == "05" and LEXICON["sharing"].cameo == "06"
    assert LEXICON["arrival"].cameo is None


# -- the seed article -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_path, nlp) -> Extraction:
    from kg.pipeline import parse_articles

    text = seed_path.read_text(encoding="utf-8")
    (x,) = parse_articles([Article(doc_id="uk-eu-data-sharing", text=text)], nlp=nlp)
    return x


def seed_fact(seed: Extraction, subject: str, label: str, obj: str | None = None, *, text: str | None = None):
    for r in seed.relations:
        if r.subject.entity == subject and r.label == label and (
                r.object.entity == obj if obj else r.object.text == text):
            return r
    raise AssertionError(f"no ({subject}, {label!r}, {obj or text}) in the seed's relations")


def test_seed_uk_and_eu_agreed_to_share(seed):
    r = seed_fact(seed, "united kingdom", "agreed to share", "european union")
    assert r.asserted and r.predicate == "agree_to_share"
    assert "UK-EU deal" in seed.sentences[r.sentence].text
    deal = next(e for e in seed.events if e.kind == "agreement" and e.sentence == r.sentence)
    assert "sharing" in deal.topic.text


def test_seed_uk_will_enter_talks_with_the_eu(seed):
    r = seed_fact(seed, "united kingdom", "entered talks with", "european union")
    assert r.modality == "will" and r.asserted
    assert seed.sentences[r.sentence].text.startswith("The UK will enter talks")


def test_seed_starmer_trip_to_albania_last_week_and_talks_about_return_hubs(seed):
    trip = seed_fact(seed, "keir starmer", "made a trip to", "albania")
    assert ("time", "last week") in {(a.role, a.text) for a in trip.extra}
    talked = seed_fact(seed, "keir starmer", "talked to", text="countries")
    assert ("about", "return hubs") in {(a.role, a.text) for a in talked.extra}
    assert talked.attributed_to == "keir starmer" and talked.sentence == trip.sentence
    assert any(e.kind == "statement" and e.participants[0].entity == "keir starmer" for e in seed.events)


def test_seed_more_than_12500_people_arrived_in_the_uk(seed):
    r = next(r for r in seed.relations if r.label == "arrived in" and r.object.entity == "united kingdom")
    assert r.subject.text == "more than 12,500 people" and r.asserted


def test_seed_parties_vowed_to_crack_down_on_visa_abuse(seed):
    for party in ("united kingdom", "european union"):
        r = seed_fact(seed, party, "vowed to crack down on", text="visa abuse of legal migration routes")
        assert r.asserted and "The parties" in seed.sentences[r.sentence].text


def test_seed_facts_are_direct_triples_in_the_graph(seed_graph):
    rows = seed_graph.query("""
        SELECT ?s ?label ?o WHERE {
          ?subject ?p ?object . ?p rdfs:label ?label .
          ?subject rdfs:label ?s . ?object rdfs:label ?o .
          ?p a kg:RelationType .
        }""").to_dicts()
    found = {(str(r["s"]), str(r["label"]), str(r["o"])) for r in rows}
    for fact in [("United Kingdom", "agreed to share", "European Union"),
                 ("United Kingdom", "entered talks with", "European Union"),
                 ("Keir Starmer", "made a trip to", "Albania")]:
        assert fact in found, f"{fact} not among {sorted(found)}"


# -- property: every fact has real ends ------------------------------------------


@pytest.fixture(scope="module")
def bbc_extractions(nlp) -> list[Extraction]:
    from kg.pipeline import parse_articles

    path = need_shared(BBC)
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 0, 2225, 300)]  # 8 articles, all topics
    return list(parse_articles([Article(doc_id=r["id"], text=r["text"]) for r in records], nlp=nlp))


def test_no_fact_has_an_empty_pronoun_or_stop_word_end(bbc_extractions):
    sentences = sum(len(x.sentences) for x in bbc_extractions)
    relations = [r for x in bbc_extractions for r in x.relations]
    assert sentences >= 100 and len(relations) >= 50
    for r in relations:
        for end in (r.subject, r.object):
            text = end.text.strip()
            assert text, r
            if end.entity is None:
                assert text.lower() not in PRONOUNS, f"unresolved pronoun in {r}"
                assert not all(w.lower() in STOP_WORDS or not any(ch.isalnum() for ch in w)
                               for w in text.split()), f"stop-word end in {r}"
        assert 0 < r.confidence < 1
        assert r.predicate and r.label and r.predicate == r.predicate.lower()


def test_bbc_events_have_known_kinds_and_codes(bbc_extractions):
    events = [e for x in bbc_extractions for e in x.events]
    assert events
    kinds = {c.kind for c in LEXICON.values()}
    for e in events:
        assert e.kind in kinds and (e.cameo is None or e.cameo in CAMEO)
        assert e.participants or e.place or e.topic


STOP_WORDS = frozenset()


@pytest.fixture(autouse=True, scope="module")
def _stop_words(nlp):
    global STOP_WORDS
    STOP_WORDS = frozenset(nlp.Defaults.stop_words)


def test_token_columns_match_token_attributes(nlp):
    from kg.extract.columns import columns

    doc = nlp("The UK's Prime Minister, Keir Starmer, said on Friday: \"We will enter talks with the EU.\"  ")
    cols = columns(doc)
    assert cols is columns(doc)  # computed once per Doc
    assert cols.lower == [t.lower_ for t in doc]
    assert cols.pos == [t.pos_ for t in doc]
    assert cols.dep == [t.dep_ for t in doc]
    assert cols.words == sum(1 for t in doc if not t.is_space and not t.is_punct) == 17
    assert columns(nlp("")).words == 0
