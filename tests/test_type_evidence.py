"""Type from context: the text's own word for what a name is beats the NER model's guess."""
from __future__ import annotations

import pytest
from pyoxigraph import Literal

from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.model import Article, Extraction


@pytest.fixture(scope="module")
def read(nlp):
    def read_text(text: str) -> Extraction:
        article = read_anatomy(Article(doc_id="doc", text=text))
        return extract(nlp(text[article.body_start:article.body_end]), article)
    return read_text


def entity(x: Extraction, label: str):
    return next(e for e in x.entities if e.label == label)


def test_a_kind_noun_before_the_name(read):
    x = read("Oil group Sibneft said on Monday that output rose.")
    sibneft = entity(x, "Sibneft")
    assert (sibneft.type, sibneft.type_evidence, sibneft.type_confidence) == \
        ("Organization", "compound: Oil group", 0.9)


def test_the_name_as_compound_of_a_kind_noun(read):
    x = read("Fiat said the Lancia car company would be sold.")
    assert entity(x, "Lancia").type == "Organization"
    assert entity(x, "Lancia").type_evidence == "compound: car company"


def test_a_predicate_nominal(read):
    x = read("Jet2 is a budget airline based in Leeds.")
    assert entity(x, "Jet2").type_evidence == "predicate: is a budget airline"


def test_a_person_noun_does_not_make_the_company_a_person(read):
    x = read("Microsoft boss Bill Gates said sales were up.")
    assert entity(x, "Bill Gates").type == "Person"
    assert entity(x, "Microsoft").type != "Person"


def test_no_evidence_keeps_the_ner_type_with_a_lower_confidence(read):
    x = read("Ian Gibson spoke in Leeds.")
    assert (entity(x, "Ian Gibson").type, entity(x, "Ian Gibson").type_confidence) == ("Person", 0.6)


def test_a_named_group_of_people_is_a_group_not_a_country(read):
    x = read("Many Muslims and Christians attended the service in Leeds.")
    groups = {e.label for e in x.entities if e.type == "Group"}
    assert {"Muslims", "Christians"} <= groups


def test_an_adjective_is_no_group(read):
    x = read("The Catholic church said the Kurdish region was calm.")
    assert not [e for e in x.entities if e.type == "Group"]


def test_groups_and_type_evidence_in_rdf(nlp):
    from kg.graph import KnowledgeGraph

    with KnowledgeGraph() as kg:
        kg.add_text("Oil group Sibneft said many Muslims were angry.", doc_id="t")
        rows = kg.query("""PREFIX kg: <https://w3id.org/newskg/ns#>
            SELECT ?type ?evidence ?confidence WHERE {
              GRAPH ?g { ?o kg:observes ?e ; kg:observedType ?type ; kg:typeConfidence ?confidence .
                         OPTIONAL { ?o kg:typeEvidence ?evidence } } }""").rows
        found = {(str(r[0].value).rsplit("/", 1)[-1].rsplit("#", 1)[-1], r[1].value if r[1] else None,
                  float(r[2].value)) for r in rows}
        assert ("Organization", "compound: Oil group", 0.9) in found
        assert ("Group", None, 0.6) in found
        assert all(isinstance(r[2], Literal) for r in rows)
