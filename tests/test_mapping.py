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
