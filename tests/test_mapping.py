"""The RDF mapping of facts, events, values and roles, on the seed article (real model)."""
from __future__ import annotations


def rows(graph, sparql, **params):
    return graph.query(sparql, **params).to_dicts()


def test_facts_with_a_phrase_end_are_kept(seed_graph):
    found = rows(seed_graph, """
        SELECT ?s ?p ?o WHERE {
          ?st a kg:Statement ; kg:asserted true ; rdf:subject ?s0 ; rdf:predicate ?p0 ; rdf:object ?o0 .
          ?s0 rdfs:label ?s . ?p0 rdfs:label ?p . ?o0 rdfs:label ?o . ?s0 ?p0 ?o0 }""")
    facts = {(r["s"], r["p"], r["o"]) for r in found}
    assert ("more than 12,500 people", "arrived in", "United Kingdom") in facts
    assert ("Keir Starmer", "talked to", "countries") in facts
    assert ("United Kingdom", "vowed to crack down on", "visa abuse of legal migration routes") in facts


def test_quantity_on_a_phrase(seed_graph):
    found = rows(seed_graph, """
        SELECT ?value ?qualifier ?counted WHERE {
          ?phrase a kg:Phrase ; rdfs:label "more than 12,500 people"@en ; kg:quantity ?q .
          ?q schema:value ?value ; kg:qualifier ?qualifier ; kg:counted ?counted }""")
    assert found == [{"value": 12500.0, "qualifier": "more than", "counted": "people"}]


def test_trip_event_with_participant_place_and_time(seed_graph):
    found = rows(seed_graph, """
        SELECT ?who ?where ?code ?start ?end ?sentence WHERE {
          ?e a kg:Event ; kg:eventKind "visit" ; schema:participant/rdfs:label ?who ;
             schema:location/rdfs:label ?where ; kg:cameoCode ?code ; kg:sentence/nif:anchorOf ?sentence .
          OPTIONAL { ?e kg:time ?t . ?t kg:intervalStart ?start ; kg:intervalEnd ?end } }""")
    assert len(found) == 1
    trip = found[0]
    assert (trip["who"], trip["where"], trip["code"]) == ("Keir Starmer", "Albania", "04")
    assert "On a trip to Albania last week" in trip["sentence"]
    # "last week" relative to Monday 19 May 2025: the week of 12-18 May
    assert (trip["start"], trip["end"]) == ("2025-05-12", "2025-05-18")


def test_agreement_event_between_uk_and_eu(seed_graph):
    found = rows(seed_graph, """
        SELECT DISTINCT ?trigger WHERE {
          ?e a kg:Event ; kg:eventKind "agreement" ; kg:trigger ?trigger ;
             schema:participant/rdfs:label "United Kingdom"@en, "European Union"@en }""")
    assert {"trigger": "deal"} in found


def test_job_title_and_role(seed_graph):
    found = rows(seed_graph, """
        SELECT ?title ?of WHERE { ?p rdfs:label "Keir Starmer"@en ; schema:jobTitle ?title .
                                  OPTIONAL { ?p kg:roleOf/rdfs:label ?of } }""")
    assert found == [{"title": "Prime Minister", "of": "United Kingdom"}]


def test_a_fact_read_twice_is_one_triple_and_two_statements(nlp):
    """Two sentences saying the same thing: one direct triple, a statement for each,
    and no quad mapped twice (the build reports the quads it maps)."""
    from kg.pipeline import map_extraction
    from kg.extract import extract
    from kg.extract.article import read_anatomy
    from kg.model import Article
    from kg.rdf.iris import IriMinter
    from kg.rdf.namespace import RDF
    from kg.rdf.terms import KG

    article = read_anatomy(Article("twice", "Keir Starmer visited Albania in May. "
                                            "Later that year Keir Starmer visited Albania."))
    doc = nlp(article.text[article.body_start:article.body_end])
    mapped = map_extraction(extract(doc, article), IriMinter(), model="test", started=None)
    assert len(mapped.quads) == len(set(mapped.quads))
    iris = IriMinter()
    visit = iris.relation("visit")
    direct = [q for q in mapped.quads if q.predicate == visit]
    assert len(direct) == 1
    statements = {q.subject for q in mapped.quads if q.predicate == RDF.predicate and q.object == visit}
    assert len(statements) == 2
    assert all(any(q.subject == s and q.predicate == KG.sentence for q in mapped.quads) for s in statements)


def test_an_event_names_each_participant_once():
    """An event whose participants include one entity twice maps it as one participant."""
    from kg.pipeline import map_extraction
    from kg.model import Argument, Article, Entity, Event, Extraction, Mention, Sentence
    from kg.rdf.iris import IriMinter
    from kg.rdf.namespace import SCHEMA

    text = "Wal-Mart said Wal-Mart's talks went well."
    article = Article("walmart", text)
    mentions = (Mention(text="Wal-Mart", start=0, end=8, sentence=0, label="ORG"),
                Mention(text="Wal-Mart", start=14, end=22, sentence=0, label="ORG"))
    entity = Entity(key="org:wal-mart", label="Wal-Mart", type="Organization", mentions=mentions)
    event = Event(kind="talks", trigger="talks", lemma="talk", cameo=None, cameo_label=None, sentence=0,
                  start=25, end=30, confidence=0.8,
                  participants=(Argument(text="Wal-Mart", start=0, end=8, entity="org:wal-mart", role="speaker"),
                                Argument(text="Wal-Mart", start=14, end=22, entity="org:wal-mart")))
    x = Extraction(article=article, sentences=(Sentence(index=0, start=0, end=len(text), text=text),),
                   entities=(entity,), relations=(), words=6, events=(event,))
    quads = map_extraction(x, IriMinter(), model="test", started=None).quads
    assert len(quads) == len(set(quads))
    assert len([q for q in quads if q.predicate == SCHEMA.participant]) == 1
