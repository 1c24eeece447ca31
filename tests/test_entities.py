"""Issue 4: one entity per real-world thing, linked, typed, with roles and evidence."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.extract.candidates import (
    Candidate,
    add_defined_acronyms,
    add_descriptions,
    add_gazetteer_names,
    find_ner_names,
    in_text_order,
    name_candidate,
)
from kg.extract.gazetteer import WIKIDATA, default_gazetteer
from kg.model import Article, Extraction
from kg.extract.normalise import initials, normalise_name, person_key, person_name_parts
from kg.extract.resolution import (
    resolve_acronyms,
    resolve_governments,
    resolve_heads,
    resolve_people,
    resolve_titles,
)
from kg.extract.roles import RoleSpan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "uk-albania-returns.txt"
WIKIDATA_IRI = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9]\d*$")
DBPEDIA_IRI = re.compile(r"^http://dbpedia\.org/resource/[A-Za-z0-9_(),.'%-]+$")


# -- the bundled gazetteer -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def test_every_link_says_how_it_was_verified(gazetteer):
    raw = json.loads((ROOT / "kg" / "data" / "gazetteer.json").read_text("utf-8"))
    sources = raw["sources"]
    for record in raw["entries"]:
        if "wikidata" in record:
            assert record.get("verified"), record["label"]
            codes = re.findall(r"[a-z]+", record["verified"].split(":", 1)[1])
            assert any(code in sources for code in codes), (record["label"], record["verified"])
        if "dbpedia" in record:
            assert record.get("dbpedia_verified"), record["label"]


def test_links_are_well_formed_full_iris(gazetteer):
    for entry in gazetteer.entries:
        for iri in entry.same_as:
            assert WIKIDATA_IRI.match(iri) or DBPEDIA_IRI.match(iri), (entry.label, iri)
    wikidata = [e.wikidata for e in gazetteer.entries if e.wikidata]
    assert len(wikidata) == len(set(wikidata)), "two entries claim the same Wikidata item"


def test_known_identifiers(gazetteer):
    expected = {"united kingdom": "Q145", "european union": "Q458", "european commission": "Q8880",
                "albania": "Q222", "keir starmer": "Q6383803", "english channel": "Q34640"}
    for key, qid in expected.items():
        assert gazetteer.by_key[key].same_as[0] == WIKIDATA + qid


def test_keys_are_unique_and_types_are_terms_the_mapper_knows(gazetteer):
    from kg.rdf.namespace import SCHEMA

    keys = [e.key for e in gazetteer.entries]
    assert len(keys) == len(set(keys))
    assert {e.type for e in gazetteer.entries} <= {t.value.rsplit("/", 1)[1] for t in SCHEMA}
    assert len([e for e in gazetteer.entries if e.type == "Country"]) >= 190
    assert {"european parliament", "united nations", "nato", "world health organization"} <= set(keys)


def test_lookup_is_case_aware(gazetteer):
    for name in ("UK", "the UK", "U.K.", "Britain", "Britain's", "United Kingdom", "Great Britain"):
        assert gazetteer.lookup(name).key == "united kingdom", name
    assert gazetteer.lookup("US").key == "united states"
    assert gazetteer.lookup("us") is None and gazetteer.lookup("china") is None
    assert gazetteer.lookup("China").key == "china"
    assert gazetteer.demonym("British").key == "united kingdom"
    assert gazetteer.demonym("british") is None


def test_ambiguous_names_are_not_linked(gazetteer):
    assert gazetteer.lookup("Congo") is None  # two countries
    assert gazetteer.lookup("Commission") is None  # only with EU context
    assert [e.key for e in gazetteer.contextual("Commission")] == ["european commission"]


def test_gazetteer_file_matches_its_sources():
    pytest.importorskip("country_converter", reason="regenerating the gazetteer needs the [gazetteer] extra")
    from kg.extract.gazetteer import build_records

    raw = json.loads((ROOT / "kg" / "data" / "gazetteer.json").read_text("utf-8"))
    assert build_records(raw["entries"]) == raw["entries"], "run: python -m kg.extract.build_gazetteer"


# -- names ----------------------------------------------------------------------------------------

def test_person_names():
    assert person_key("Sir Keir Starmer") == person_key("Keir Rodney Starmer") == "keir starmer"
    assert person_key("George W Bush") == "george bush"
    assert person_name_parts("Ursula von der Leyen") == (["Ursula"], ["von", "der", "Leyen"])
    assert person_name_parts("Mr Blair") == ([], ["Blair"])
    assert person_key("Prince Harry") == "prince harry"  # a style that names him is kept


def test_names_and_initials():
    assert normalise_name("the  European Commission's") == "european commission"
    assert initials("Securities and Exchange Commission") == "SEC"
    assert initials("British Airways") == "BA"


# -- with the real model --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def read(nlp):
    def read_text(text: str, doc_id: str = "doc", **meta) -> Extraction:
        article = read_anatomy(Article(doc_id=doc_id, text=text, **meta))
        return extract(nlp(text[article.body_start:article.body_end]), article)
    return read_text


@pytest.fixture(scope="module")
def seed(read, seed_path):
    return read(seed_path.read_text(encoding="utf-8"), "uk-eu-data-sharing")


def by_key(x: Extraction) -> dict:
    return {e.key: e for e in x.entities}


def entity_at(x: Extraction, text: str, mention: str, nth: int = 0):
    """The entity with a mention covering the ``nth`` occurrence of ``mention`` in ``text``."""
    at = [m.start() for m in re.finditer(re.escape(mention), text)][nth]
    for e in x.entities:
        if any(m.start <= at < m.end for m in e.mentions):
            return e
    return None


def test_seed_has_one_linked_entity_each_with_the_right_type(seed):
    expected = {
        "United Kingdom": ("Country", "Q145"),
        "European Union": ("Organization", "Q458"),
        "European Commission": ("GovernmentOrganization", "Q8880"),
        "Keir Starmer": ("Person", "Q6383803"),
        "Albania": ("Country", "Q222"),
    }
    for label, (schema_type, qid) in expected.items():
        found = [e for e in seed.entities if e.label == label]
        assert len(found) == 1, f"{label}: {found}"
        assert found[0].type == schema_type
        assert WIKIDATA + qid in found[0].same_as
    uk = by_key(seed)["united kingdom"]
    assert len(uk.mentions) == 6 and uk.aliases == ("UK",)


def test_seed_channel_is_the_english_channel_a_place(seed):
    channel = by_key(seed)["english channel"]
    assert channel.type == "Place" and len(channel.mentions) == 3
    assert {m.text for m in channel.mentions} == {"Channel"}
    assert WIKIDATA + "Q34640" in channel.same_as


def test_seed_document_metadata_and_nothing_from_the_footer(seed):
    a = seed.article
    assert a.author == "Anahita Hossein-Pour"
    assert a.date.startswith("2025-05-19")
    assert a.publisher == "Alliance News" and a.source == "Press Association"
    assert "Alliance News" in a.copyright
    footer = a.text.index("By Anahita")
    for e in seed.entities:
        assert all(m.end <= footer and m.start >= a.body_start for m in e.mentions), e
        assert "Alliance" not in e.label and "Hossein" not in e.label and "Press Association" not in e.label


def test_seed_role_of_the_prime_minister(seed):
    starmer = by_key(seed)["keir starmer"]
    assert starmer.job_title == "Prime Minister"
    assert starmer.role_of == "united kingdom"


def test_seed_government_is_the_uk_government(seed):
    government = by_key(seed)["government of united kingdom"]
    assert government.label == "Government of the United Kingdom"
    assert government.type == "GovernmentOrganization"
    assert [m.text for m in government.mentions] == ["government", "government"]


def test_every_mention_keeps_offsets_and_its_sentence(seed):
    text = seed.article.text
    for e in seed.entities:
        for m in e.mentions:
            assert text[m.start:m.end] == m.text
            sentence = seed.sentences[m.sentence]
            assert sentence.start <= m.start and m.end <= sentence.end


def test_shared_entities_get_the_same_keys_and_iris_across_documents(seed, read):
    from kg.rdf.iris import IriMinter

    second = read(EXAMPLE.read_text(encoding="utf-8"), "uk-albania-returns")
    shared = ["united kingdom", "european union", "european commission", "keir starmer", "albania"]
    first_entities, second_entities = by_key(seed), by_key(second)
    iris = IriMinter()
    for key in shared:
        a, b = first_entities[key], second_entities[key]
        assert (a.label, a.type, a.same_as) == (b.label, b.type, b.same_as)
        assert iris.entity(a.key, a.type) == iris.entity(b.key, b.type)
    # the second story names them differently: Britain, Sir Keir, Starmer, the Commission, Albanian
    assert {"Britain", "UK"} <= set(second_entities["united kingdom"].aliases)
    assert {m.text for m in second_entities["keir starmer"].mentions} == {"Sir Keir Starmer", "Starmer", "Prime Minister"}
    assert "Commission" in {m.text for m in second_entities["european commission"].mentions}
    assert "Albanian" in {m.text for m in second_entities["albania"].mentions}
    assert second.article.date.startswith("2025-06-23") and second.article.author == "Sam Writer"


def test_short_names_join_the_full_name(read):
    text = ("Tony Blair met Jacques Chirac in Paris. Mr Blair said the talks went well, "
            "and Chirac agreed. Blair will return next month.")
    x = read(text)
    people = [e for e in x.entities if e.type == "Person"]
    assert sorted(e.key for e in people) == ["jacques chirac", "tony blair"]
    assert entity_at(x, text, "Blair", 2).key == "tony blair"
    assert entity_at(x, text, "Chirac", 1).key == "jacques chirac"


def test_two_people_sharing_a_surname_are_never_merged(read):
    text = ("Ed Miliband met David Miliband in London on Monday. "
            "David Miliband said the meeting was friendly. Later, Miliband added that he was pleased.")
    x = read(text)
    people = {e.key for e in x.entities if e.type == "Person"}
    assert {"ed miliband", "david miliband"} <= people
    assert "miliband" not in people
    assert entity_at(x, text, "Miliband", 3).key == "david miliband"  # the nearest one named before


def test_acronym_joins_the_spelled_out_name_and_appositive_role(read):
    text = ("British Airways has blamed high fuel prices for a 40% drop in profits. "
            "Rod Eddington, BA's chief executive, said the results were respectable.")
    x = read(text)
    ba = entity_at(x, text, "BA")
    assert ba is not None and ba.key == "british airways" and ba.type == "Organization"
    eddington = by_key(x)["rod eddington"]
    assert eddington.job_title == "Chief Executive" and eddington.role_of == "british airways"
    assert "united kingdom" not in by_key(x), "British Airways is not a mention of the UK"


def test_the_prime_minister_resolves_to_the_one_who_holds_the_title(read):
    text = ("British Prime Minister Tony Blair will host the conference. "
            "A spokesman said the Prime Minister expected a practical plan.")
    x = read(text)
    blair = by_key(x)["tony blair"]
    assert blair.job_title == "Prime Minister" and blair.role_of == "united kingdom"
    assert entity_at(x, text, "Prime Minister", 1).key == "tony blair"


def test_the_commission_needs_an_eu_context(read):
    with_eu = read("The European Union is worried. The Commission said it would act.")
    assert by_key(with_eu)["european commission"].mentions[0].text == "Commission"
    without = read("The Electoral Commission published its report. The Commission said turnout fell.")
    assert "european commission" not in by_key(without)
    assert len(by_key(without)["electoral commission"].mentions) == 2


def test_headline_capitals_and_channel_4_are_not_linked(read):
    text = "WHO WAS OSCAR? He was nominated to leave the Channel 4 show by fellow housemates."
    x = read(text)
    keys = by_key(x)
    assert "world health organization" not in keys
    assert "english channel" not in keys


def test_demonyms_denote_their_country(read):
    text = "British officials met French ministers in London."
    x = read(text)
    assert entity_at(x, text, "British").key == "united kingdom"
    assert entity_at(x, text, "French").key == "france"
    assert "British" not in by_key(x)["united kingdom"].aliases  # an adjective is not a name


def test_name_split_by_ner_at_a_particle_is_one_person(read):
    text = "Ursula von der Leyen welcomed the agreement. Von der Leyen spoke in Brussels."
    x = read(text)
    assert "ursula von der leyen" in by_key(x)
    assert by_key(x)["ursula von der leyen"].type == "Person"


# -- the stages, one at a time: resolution on hand-built candidates, finding on parsed text --------

def _person(start: int, end: int, text: str, **known) -> Candidate:
    return name_candidate(start, end, text, "PERSON", "ner", **known)


def _org(start: int, end: int, text: str, source="ner", **known) -> Candidate:
    return name_candidate(start, end, text, "ORG", source, **known)


def test_a_name_is_keyed_when_found_only_if_it_says_which_entity_it_is(gazetteer):
    assert name_candidate(0, 1, "UK", "GPE", "ner", entry=gazetteer.lookup("UK")).key == "united kingdom"
    assert _org(0, 2, "the Electoral Commission's").key == "electoral commission"
    assert _person(0, 2, "Tony Blair").key is None  # people are resolved against each other
    assert _org(0, 1, "Commission", contextual=tuple(gazetteer.contextual("Commission"))).key is None


def test_resolve_people_joins_a_surname_to_the_nearest_full_name_before_it(gazetteer):
    cands = (_person(0, 2, "Ed Miliband"), _person(3, 5, "David Miliband"), _person(8, 9, "Miliband"),
             _person(12, 14, "Mr Smith"))
    resolved = resolve_people(cands, gazetteer)
    assert [c.key for c in resolved] == ["ed miliband", "david miliband", "david miliband", "smith"]
    assert [c.key for c in cands] == [None] * 4, "a stage returns new candidates, its input is unchanged"


def test_resolve_people_links_known_people_and_their_short_names(gazetteer):
    cands = (_person(0, 2, "Keir Starmer", entry=gazetteer.lookup("Keir Starmer")),
             _person(5, 7, "Sir Keir"), _person(9, 10, "Starmer"))
    resolved = resolve_people(cands, gazetteer)
    assert [c.key for c in resolved] == ["keir starmer"] * 3
    alone = resolve_people((_person(0, 1, "Starmer"),), gazetteer)[0]  # no full name: the gazetteer's surname
    assert alone.key == "keir starmer" and alone.entry.label == "Keir Starmer"


def test_resolve_acronyms_follows_the_definition_by_span_and_initials():
    cands = (
        _org(1, 3, "Palestinian Authority"), _org(4, 5, "PA", defined_by=(1, 3)),
        _org(10, 11, "PA", "acronym", defined_by=(1, 3)),
        _org(12, 16, "Securities and Exchange Commission"), _org(20, 21, "SEC"),
    )
    assert [c.key for c in resolve_acronyms(cands)] == ["palestinian authority"] * 3 + \
        ["securities and exchange commission"] * 2


def test_resolve_heads_needs_one_name_it_heads_or_the_right_context(gazetteer):
    commission = gazetteer.contextual("Commission")
    headed = resolve_heads((_org(0, 2, "Electoral Commission"),
                            _org(5, 6, "Commission", contextual=tuple(commission))))
    assert [c.key for c in headed] == ["electoral commission"] * 2
    eu = (_org(0, 2, "European Union", entry=gazetteer.lookup("European Union")),
          _org(5, 6, "Commission", contextual=tuple(commission)))
    assert resolve_heads(eu)[1].entry.key == "european commission"
    alone = resolve_heads((_org(5, 6, "Commission", contextual=tuple(commission)),))[0]
    assert alone.key == "commission" and alone.entry is None


def test_resolve_titles_picks_the_holder_named_before():
    def holder(start: int, text: str, key: str, role: RoleSpan | None) -> Candidate:
        return Candidate(start, start + 2, text, "PERSON", "ner", role=role, key=key)  # as resolve_people left it

    title = Candidate(20, 22, "Prime Minister", "PERSON", "title", role=RoleSpan("Prime Minister", 20, 22))
    blair = holder(2, "Tony Blair", "tony blair", RoleSpan("Prime Minister", 0, 2))
    brown = holder(30, "Gordon Brown", "gordon brown", RoleSpan("Prime Minister", 28, 30))
    assert resolve_titles((blair, title))[1].key == "tony blair"
    assert resolve_titles((blair, title, brown))[1].key == "tony blair"
    assert resolve_titles((title, brown))[0].key == "gordon brown"  # the one holder, wherever named
    later = holder(40, "John Major", "john major", RoleSpan("Prime Minister", 38, 40))
    assert resolve_titles((title, brown, later))[0].key is None  # two holders, neither named before
    assert resolve_titles((holder(2, "Tony Blair", "tony blair", None), title))[1].key is None


def test_resolve_governments_by_the_country_named_or_the_one_led(gazetteer):
    uk = name_candidate(1, 2, "UK", "GPE", "ner", entry=gazetteer.lookup("UK"))
    named = resolve_governments((uk, Candidate(2, 3, "government", "ORG", "government", country=(1, 2))), gazetteer)
    assert named[1].key == "government of united kingdom"
    assert named[1].entry.label == "Government of the United Kingdom"
    assert named[1].entry.type == "GovernmentOrganization"
    albania = name_candidate(0, 1, "Albania", "GPE", "ner", entry=gazetteer.lookup("Albania"))
    rama = _person(3, 5, "Edi Rama", role=RoleSpan("Prime Minister", 1, 3, 0, 1))
    bare = resolve_governments((albania, rama, Candidate(9, 10, "government", "ORG", "government")), gazetteer)
    assert bare[2].key == "government of albania" and bare[2].entry.label == "Government of Albania"


def test_defined_acronym_candidates_point_to_their_definition(nlp, gazetteer):
    doc = nlp("The Palestinian Authority (PA) rejected the plan on Monday. "
              "Officials said the PA would not attend the talks, and PA leaders left.")
    cands = add_defined_acronyms(doc, add_gazetteer_names(doc, find_ner_names(doc, gazetteer), gazetteer))
    definition = next(c for c in cands if c.text == "Palestinian Authority")
    acronyms = [c for c in cands if c.text == "PA"]
    assert len(acronyms) == 3
    assert all(c.defined_by == definition.span for c in acronyms)


def test_government_candidates_point_to_the_country_before_them(nlp, gazetteer):
    doc = nlp("The UK government and the Albanian government signed the deal. The government was pleased.")
    cands = in_text_order(add_descriptions(doc, find_ner_names(doc, gazetteer)))
    by_span = {c.span: c for c in cands}
    governments = [c for c in cands if c.source == "government"]
    assert [by_span[c.country].text if c.country else None for c in governments] == ["UK", "Albanian", None]
    assert [c.start for c in cands] == sorted(c.start for c in cands)
