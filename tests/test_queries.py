"""The named queries in queries/, run against a store built once with the
real model from two short stories (plus the seed article when ../shared is there),
checked on the rows they return; and, on the example documents too, that no
query repeats a row now that each entity is described once."""
from __future__ import annotations

import re
import shlex
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import KGError, QueryError
from kg.query import (QueryTimeout, Result, list_queries, load_query, parse_query, resolve_entity, run,
                      split_param)
from kg.query.results import to_result

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "seed" / "uk-eu-data-sharing.txt"

TALKS = (
    "The United Kingdom agreed a deal with the European Union on Tuesday.\n\n"
    "The UK signed the pact in Brussels, and Germany will sign a similar deal with the UK next year.\n\n"
    "Keir Starmer said the UK would cooperate with the European Commission on migration.\n\n"
    "France did not sign a deal with Albania.\n\n"
    "Critics may challenge the Commission in court."
)
VISIT = (
    "Home Secretary Yvette Cooper visited Albania on Thursday.\n\n"
    "Yvette Cooper met Edi Rama in Tirana to discuss returns.\n\n"
    "Edi Rama said Albania would work with the United Kingdom on border checks.\n\n"
    "Cooper praised Albania for its cooperation with the UK."
)
STORIES = [
    {"id": "talks/2025-03-04", "title": "UK and EU agree to deepen security cooperation", "date": "2025-03-04",
     "author": "Ann Writer", "source": "Test Wire", "text": TALKS},
    {"id": "visits/2025-04-10", "title": "Minister visits Tirana", "date": "2025-04-10",
     "author": "Ben Writer", "source": "Test Wire", "text": VISIT},
]
TEXTS = {s["id"]: s["text"] for s in STORIES}
SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def graph():
    from kg.graph import KnowledgeGraph

    documents = list(STORIES)
    if SEED.exists():
        documents.append({"id": "uk-eu-data-sharing", "text": SEED.read_text(encoding="utf-8")})
    kg = KnowledgeGraph()
    kg.add_documents(documents)
    yield kg
    kg.close()


def ask(graph, name: str, **params) -> list[dict]:
    return graph.query(name, **params).to_dicts()


def triples(rows, s="subjectLabel", p="relationLabel", o="objectLabel") -> set[tuple]:
    return {(r[s], r[p], r[o]) for r in rows}


# -- one test per named query ----------------------------------------------------

def test_entities_by_type(graph):
    rows = ask(graph, "entities-by-type")
    found = {(r["type"], r["label"]): r for r in rows}
    assert (SCHEMA + "Person", "Keir Starmer") in found
    assert (SCHEMA + "Country", "Albania") in found
    assert found[(SCHEMA + "Person", "Yvette Cooper")]["documents"] == 1
    assert found[(SCHEMA + "Person", "Yvette Cooper")]["mentions"] >= 2
    assert found[(SCHEMA + "Country", "United Kingdom")]["documents"] >= 2
    people = ask(graph, "entities-by-type", type="Person")
    assert {r["type"] for r in people} == {SCHEMA + "Person"}
    assert {"Keir Starmer", "Yvette Cooper"} <= {r["label"] for r in people}
    assert people == ask(graph, "entities-by-type", type="schema:Person")


def test_entity_everything_known(graph):
    rows = ask(graph, "entity", entity="uk")  # an alternative label, any case
    assert {r["entity"] for r in rows} == {"https://example.org/kg/entity/place/united_kingdom"}
    props = {(r["direction"], r["property"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["valueLabel"] or r["value"])
             for r in rows}
    assert ("out", "label", "United Kingdom") in props
    assert ("out", "altLabel", "UK") in props
    assert ("out", "sameAs", "http://www.wikidata.org/entity/Q145") in props
    assert ("out", "mentionedIn", "Minister visits Tirana") in props
    assert any(d == "out" and v == "European Union" and "agree" in p for d, p, v in props)
    assert any(d == "in" and v == "Germany" for d, p, v in props)  # Germany will sign with the UK


def test_relations(graph):
    rows = ask(graph, "relations")
    found = triples(rows)
    assert ("United Kingdom", "agreed a deal with", "European Union") in found
    assert ("Yvette Cooper", "visited", "Albania") in found
    assert not any(s == "France" and o == "Albania" for s, _, o in found)  # negated: not asserted
    confidences = [r["confidence"] for r in rows]
    assert confidences == sorted(confidences, reverse=True)
    assert all(r["sentence"] and r["statement"].startswith("https://example.org/kg/doc/") for r in rows)
    visited = ask(graph, "relations", relation="visited")
    assert triples(visited) == {("Yvette Cooper", "visited", "Albania")}
    assert "visited Albania" in visited[0]["sentence"]


def test_relations_between_either_direction(graph):
    rows = ask(graph, "relations-between", entity="UK", other="European Union")
    assert ("United Kingdom", "agreed a deal with", "European Union") in triples(rows)
    swapped = ask(graph, "relations-between", entity="EU", other="united kingdom")
    assert triples(swapped) == triples(rows)
    # Albania is the subject here: the query finds it from either end
    rows = ask(graph, "relations-between", entity="United Kingdom", other="Albania")
    assert ("Albania", "worked with", "United Kingdom") in triples(rows)
    worked = next(r for r in rows if r["relationLabel"] == "worked with")
    assert worked["asserted"] is False and worked["modality"] == "would"


def test_agreements_who_agreed_with_whom(graph):
    rows = ask(graph, "agreements")
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], set()).add((r["subjectLabel"], r["objectLabel"]))
    assert ("United Kingdom", "European Union") in by_kind["agreement"]
    assert ("Yvette Cooper", "Edi Rama") in by_kind["meeting"]
    assert ("Yvette Cooper", "Albania") in by_kind["visit"]
    assert ("United Kingdom", "European Commission") in by_kind["cooperation"]
    assert not any(o == "Brussels" for pairs in by_kind.values() for _, o in pairs)  # "signed in" a place
    refused = next(r for r in rows if r["subjectLabel"] == "France")
    assert refused["negated"] is True and refused["objectLabel"] == "Albania"
    only = ask(graph, "agreements", kind="meeting")
    assert {r["kind"] for r in only} == {"meeting"}
    assert ("Yvette Cooper", "met", "Edi Rama") in triples(only)


def test_timeline(graph):
    rows = ask(graph, "timeline", entity="Yvette Cooper")
    labels = [r["relationLabel"] for r in rows if r["relationLabel"] in ("visited", "met", "praised")]
    assert labels == ["visited", "met", "praised"]  # in text order
    assert {r["date"] for r in rows} == {"2025-04-10"}
    uk = ask(graph, "timeline", entity="UK")
    dates = [r["date"] for r in uk if r["date"]]
    assert dates == sorted(dates) and dates[0] == "2025-03-04"
    assert any(r["documentId"] == "visits/2025-04-10" for r in uk)


def test_co_mentions(graph):
    rows = ask(graph, "co-mentions")
    pairs = {(r["entityLabel"], r["otherLabel"]): r for r in rows}
    assert ("Albania", "Yvette Cooper") in pairs and ("Yvette Cooper", "Albania") not in pairs
    assert pairs[("Albania", "Yvette Cooper")]["sentences"] >= 2
    assert pairs[("European Union", "United Kingdom")]["sentences"] >= 1
    assert all(r["entityLabel"] <= r["otherLabel"] for r in rows)
    counts = [r["sentences"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_entity_neighbourhood(graph):
    rows = {r["neighbourLabel"]: r for r in ask(graph, "entity-neighbourhood", entity="Albania")}
    assert "<- visited" in rows["Yvette Cooper"]["relations"]
    assert rows["Yvette Cooper"]["statements"] >= 2
    assert "<- signed a deal with" in rows["France"]["relations"]
    assert rows["United Kingdom"]["sharedSentences"] >= 1
    assert "Albania" not in rows


def test_who_said_what(graph):
    rows = ask(graph, "who-said-what")
    starmer = [r for r in rows if r["speakerLabel"] == "Keir Starmer"]
    assert ("United Kingdom", "cooperated with", "European Commission") in triples(starmer)
    assert starmer[0]["modality"] == "would" and "Keir Starmer said" in starmer[0]["sentence"]
    assert triples(ask(graph, "who-said-what", speaker="keir starmer")) == triples(starmer)
    assert ask(graph, "who-said-what", speaker="Yvette Cooper") == []


def test_provenance_of_fact(graph):
    rows = ask(graph, "provenance-of-fact", subject="UK", object="EU")
    row = next(r for r in rows if r["documentId"] == "talks/2025-03-04")
    assert "agreed" in row["surfaceText"]
    assert row["date"] == "2025-03-04"
    assert "agreed a deal with the European Union" in row["sentence"]
    assert 0 < row["confidence"] <= 1 and row["asserted"] is True
    assert row["model"] and row["softwareVersion"]
    evidence = TEXTS["talks/2025-03-04"][row["begin"]:row["end"]]
    assert "agreed a deal with" in evidence and evidence in row["sentence"]
    everything = ask(graph, "provenance-of-fact")
    assert len(everything) > len(rows)
    one = ask(graph, "provenance-of-fact", subject="UK", relation="agreed a deal with", object="EU")
    assert [r["statement"] for r in one] == [row["statement"]]


def test_documents(graph):
    rows = {r["id"]: r for r in ask(graph, "documents")}
    talks = rows["talks/2025-03-04"]
    assert talks["headline"] == "UK and EU agree to deepen security cooperation"
    assert talks["author"] == "Ann Writer" and talks["source"] == "Test Wire"
    assert talks["date"] == "2025-03-04" and talks["sentences"] == 5
    assert talks["statements"] >= 3 and talks["entities"] >= 6 and talks["words"] > 40
    ids = [r["id"] for r in ask(graph, "documents")]
    assert ids.index("talks/2025-03-04") < ids.index("visits/2025-04-10")


def test_documents_mentioning(graph):
    rows = ask(graph, "documents-mentioning", entity="European Union")
    ids = {r["id"] for r in rows}
    assert "talks/2025-03-04" in ids and "visits/2025-04-10" not in ids
    talks = next(r for r in rows if r["id"] == "talks/2025-03-04")
    assert talks["mentions"] >= 1 and "European Union" in talks["namedAs"]
    if SEED.exists():
        seed = next(r for r in rows if r["id"] == "uk-eu-data-sharing")
        assert "EU" in seed["namedAs"].split(" | ")


def test_wikidata_links(graph):
    rows = ask(graph, "wikidata-links")
    ids = {r["label"]: r["wikidataId"] for r in rows}
    assert ids["United Kingdom"] == "Q145" and ids["Albania"] == "Q222" and ids["France"] == "Q142"
    unlinked = graph.query("""SELECT DISTINCT ?label WHERE { ?e kg:mentionedIn ?d ; rdfs:label ?label
        FILTER NOT EXISTS { ?e owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "http://www.wikidata.org/")) } }""")
    assert not {r["label"] for r in unlinked.to_dicts()} & set(ids)
    assert all(re.fullmatch(r"Q\d+", q) for q in ids.values())
    assert all(r["wikidata"] == "http://www.wikidata.org/entity/" + r["wikidataId"] for r in rows)
    countries = ask(graph, "wikidata-links", type="Country")
    assert {r["type"] for r in countries} == {SCHEMA + "Country"} and "United Kingdom" in {r["label"] for r in countries}


def test_relation_types(graph):
    rows = {r["label"]: r for r in ask(graph, "relation-types")}
    assert rows["visited"]["statements"] >= 1 and rows["visited"]["asserted"] == rows["visited"]["statements"]
    assert rows["signed a deal with"]["asserted"] == 0  # only the negated "did not sign"
    assert all(r["relation"].startswith("https://example.org/kg/relation/") for r in rows.values())


def test_negated_or_hypothetical(graph):
    rows = ask(graph, "negated-or-hypothetical")
    found = {(r["subjectLabel"], r["relationLabel"], r["objectLabel"]): r for r in rows}
    assert found[("France", "signed a deal with", "Albania")]["negated"] is True
    assert found[("United Kingdom", "cooperated with", "European Commission")]["modality"] == "would"
    assert not any(p == "visited" for _, p, _ in found)


def test_new_entities(graph):
    april = {r["label"]: r for r in ask(graph, "new-entities", **{"from": "2025-04-01", "to": "2025-04-30"})}
    assert "Yvette Cooper" in april and april["Yvette Cooper"]["firstSeen"] == "2025-04-10"
    assert "United Kingdom" not in april and "Albania" not in april  # both seen in March first
    march = {r["label"] for r in ask(graph, "new-entities", to="2025-03")}
    assert {"United Kingdom", "Albania", "European Union"} <= march and "Yvette Cooper" not in march
    later = {r["label"] for r in ask(graph, "new-entities", **{"from": "2025-05"})}
    assert not later & {"United Kingdom", "Yvette Cooper"}
    if SEED.exists():
        assert "English Channel" in later


def test_search_sentences(graph):
    rows = ask(graph, "search-sentences", word="MIGRATION")
    talks = [r for r in rows if r["documentId"] == "talks/2025-03-04"]
    assert len(talks) == 1 and "cooperate with the European Commission on migration" in talks[0]["text"]
    assert "Keir Starmer" in talks[0]["entities"]
    assert all("migration" in r["text"].lower() for r in rows)
    assert ask(graph, "search-sentences", word="zebra crossing") == []


def test_top_entities(graph):
    rows = ask(graph, "top-entities")
    assert rows[0]["label"] == "United Kingdom"
    docs = [r["documents"] for r in rows]
    assert docs == sorted(docs, reverse=True)
    people = ask(graph, "top-entities", type="Person")
    assert {r["type"] for r in people} == {SCHEMA + "Person"} and "Keir Starmer" in {r["label"] for r in people}


def test_seed_article_uk_enters_talks_with_eu(graph):
    if not SEED.exists():
        pytest.skip(f"{SEED} not present: ../shared is only in the project's dev checkout")
    rows = ask(graph, "relations-between", entity="United Kingdom", other="EU")
    talks = [r for r in rows if "talks" in r["relationLabel"]]
    assert talks and talks[0]["date"].startswith("2025-05-19") and talks[0]["modality"] == "will"


def test_every_named_query_has_a_test():
    asked = set(re.findall(r'ask\(graph, "([\w-]+)"', Path(__file__).read_text(encoding="utf-8")))
    assert set(list_queries()) - asked == set()


# -- one description per entity: no row twice ------------------------------------------

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def examples():
    """The example documents (four stories sharing the UK, the EU, Keir Starmer,
    Albania ...) built into one store."""
    from kg.graph import KnowledgeGraph
    from kg.inputs import read_articles, resolve_inputs

    kg = KnowledgeGraph()
    kg.add_documents(read_articles(resolve_inputs([EXAMPLES])))
    yield kg
    kg.close()


def example_calls(name: str) -> list[dict[str, str]]:
    """The parameters of each example call in a query's header, and no parameters
    at all when the query needs none."""
    query = load_query(name)
    calls: list[dict[str, str]] = [] if any(p.required for p in query.parameters) else [{}]
    for line in query.example.splitlines():
        argv = shlex.split(line.split(">")[0])
        params = dict(argv[i + 1].split("=", 1) for i, arg in enumerate(argv) if arg == "--param")
        if params not in calls:
            calls.append(params)
    return calls


def test_the_examples_share_their_entities(examples):
    shared = examples.query("""SELECT ?label (COUNT(?document) AS ?documents) WHERE {
        ?entity kg:mentionedIn ?document ; rdfs:label ?label } GROUP BY ?label HAVING (COUNT(?document) > 1)""")
    found = {r["label"]: r["documents"] for r in shared.to_dicts()}
    assert found["United Kingdom"] >= 3 and {"European Union", "Keir Starmer", "Albania"} <= set(found)


@pytest.mark.parametrize("corpus", ["examples", "graph"])
@pytest.mark.parametrize("name", sorted(list_queries()))
def test_no_named_query_repeats_a_row(request, corpus, name):
    """Entities and relation types are described once, in the entity graph, so no
    query needs DISTINCT to hide one copy of a description per document."""
    store = request.getfixturevalue(corpus)
    answered = 0
    for params in example_calls(name):
        rows = [tuple(row) for row in store.query(name, **params).rows]
        repeated = [row for row, n in Counter(rows).items() if n > 1]
        assert not repeated, f"{name} {params}: {len(repeated)} rows repeated, e.g. {repeated[0]}"
        answered += bool(rows)
    assert answered, f"{name}: none of {example_calls(name)} found anything in {corpus}"


def test_one_label_per_subject_and_language_over_the_union(examples):
    rows = examples.query("SELECT ?e ?label WHERE { ?e rdfs:label ?label }").rows
    labels = [(r["e"], r["label"].language) for r in rows]
    assert labels and len(labels) == len(set(labels))
    typed = [r["e"] for r in examples.query(
        "SELECT ?e WHERE { ?e a kg:Entity , ?type FILTER(STRSTARTS(STR(?type), STR(schema:))) }").rows]
    mentioned = examples.query("SELECT DISTINCT ?e WHERE { ?m kg:denotes ?e }").rows
    assert len(typed) == len(set(typed)) == len(mentioned)  # every entity: one schema.org class
    relation_types = [r["r"] for r in examples.query("SELECT ?r WHERE { ?r a kg:RelationType ; rdfs:label ?l }").rows]
    assert relation_types and len(relation_types) == len(set(relation_types))


def _document(doc_id: str, text: str, entities: list[tuple[str, str, str]], relations=()):
    """A one-sentence document as the extractor would record it; ``entities`` are
    (key, label, schema.org type), each mentioned where its label first occurs."""
    from kg.model import Article, Entity, Extraction, Mention, Sentence

    records = []
    for key, label, kind in entities:
        start = text.index(label)
        records.append(Entity(key=key, label=label, type=kind,
                              mentions=(Mention(start, start + len(label), label, 0, "X"),)))
    return Extraction(article=Article(doc_id=doc_id, text=text), sentences=(Sentence(0, 0, len(text), text),),
                      entities=tuple(records), relations=tuple(relations), words=len(text.split()))


def _fact(subject: str, predicate: str, label: str, obj: str, text: str):
    """An asserted relation between two entities (by key) that spans the sentence."""
    from kg.model import Argument, Relation

    return Relation(subject=Argument(subject, 0, 1, subject), phrase=label, predicate=predicate, label=label,
                    object=Argument(obj, len(text) - 2, len(text) - 1, obj), sentence=0, start=0, end=len(text),
                    confidence=0.9)


def _store_of(*extractions):
    """An in-memory store holding these documents and the entity graph they give."""
    from kg.rdf.iris import IriMinter
    from kg.rdf.mapping import extraction_quads
    from kg.store import GraphStore
    from kg.store.entities import write_documents

    store = GraphStore()
    graphs: dict = {}
    for x in extractions:
        for quad in extraction_quads(x, IriMinter(), model="test-model"):
            graphs.setdefault(quad.graph_name, []).append(quad)
    write_documents(store, graphs)
    return store


def test_a_fact_two_documents_state_is_listed_once_by_entity():
    text = "The UK met the EU."
    entities = [("united kingdom", "UK", "Country"), ("european union", "EU", "Organization")]
    store = _store_of(*(_document(doc, text, entities, [_fact("united kingdom", "meet", "met", "european union", text)])
                        for doc in ("a", "b")))
    # the direct triple is in both documents' graphs; `entity` lists it once (its one DISTINCT)
    rows = run(store, "entity", {"entity": "UK"}).to_dicts()
    assert [r["valueLabel"] for r in rows if r["property"].endswith("/relation/meet")] == ["EU"]
    assert len([r for r in rows if r["property"].endswith("#mentionedIn")]) == 2
    assert len(run(store, "relations").rows) == 2  # one statement a document, each with its evidence


def test_a_statement_about_itself_is_listed_once():
    text = "The UK praised the UK."
    store = _store_of(_document("a", text, [("united kingdom", "UK", "Country")],
                                [_fact("united kingdom", "praise", "praised", "united kingdom", text)]))
    assert triples(run(store, "timeline", {"entity": "UK"}).to_dicts()) == {("UK", "praised", "UK")}
    assert len(run(store, "timeline", {"entity": "UK"}).rows) == 1
    assert len(run(store, "relations-between", {"entity": "UK", "other": "UK"}).rows) == 1


# -- the files themselves -----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(list_queries()))
def test_query_file_is_documented(name):
    query = load_query(name)
    assert query.title and not query.title.startswith("@"), f"{name}: first comment line is its title"
    assert len(query.description) > 40, f"{name}: says what question it answers"
    assert f"kg query {name}" in query.example, f"{name}: an example call"
    select = re.search(r"^SELECT\b.*?^WHERE\b", query.text, re.MULTILINE | re.DOTALL)[0]
    for param in query.parameters:
        # pyoxigraph substitutes only variables the query returns
        assert re.search(rf"\?{param.name}\b", select), f"{name}: ?{param.name} must be in the SELECT clause"
        assert param.description, f"{name}: describe parameter {param.name}"


def test_at_least_twelve_named_queries():
    assert len(list_queries()) >= 12


# -- parameters ---------------------------------------------------------------------

HOSTILE = [
    '"', "'", '"""', "\\", "}", "{", "} ; DROP ALL ; {", '" } ; DROP ALL ; { "',
    "') } DELETE WHERE { ?s ?p ?o } #", "line one\nline two", "\r\n\t", "<script>",
    "Zürich 東京 🇬🇧", "?entity", "$x", "# comment", "\x00", "a" * 2000,
]


ECHO = "# Echo\n# @param word: string -- any text\nSELECT ?word (STRLEN(?word) AS ?n) WHERE {}"


@pytest.fixture(scope="module")
def sentences(graph) -> list[str]:
    rows = graph.query("SELECT ?text WHERE { ?s a kg:Sentence ; nif:anchorOf ?text }").to_dicts()
    return [r["text"] for r in rows]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_just_values(graph, sentences, value):
    size = len(graph)
    # a string parameter reaches the query as one literal, unchanged ...
    echoed = graph.query(ECHO, word=value).to_dicts()
    assert echoed == [{"word": value, "n": len(value)}]
    # ... so a search finds exactly the sentences holding that text, and nothing else happens
    found = [r["text"] for r in graph.query("search-sentences", word=value).to_dicts()]
    assert sorted(found) == sorted(s for s in sentences if value.lower() in s.lower())
    # an entity parameter: a label that names nothing (or, in <...>, an IRI that is not one)
    with pytest.raises(QueryError, match="no entity is labelled|not a valid IRI|is empty"):
        graph.query("entity", entity=value)
    assert len(graph) == size


@pytest.mark.parametrize("value", ["<http://example.org/a b>", "<http://x/{y}>", '<http://x/">', "<not an iri>"])
def test_bad_iris_are_rejected_cleanly(graph, value):
    with pytest.raises(QueryError, match="not a valid IRI"):
        graph.query("entity", entity=value)


@pytest.mark.parametrize("raw", ["x} DROP ALL {=1", "=1", "no equals sign", "1abc=2", "a b=c"])
def test_bad_parameter_names_are_rejected(raw):
    with pytest.raises(QueryError, match="--param"):
        split_param(raw)


def test_entity_label_resolution(graph):
    uk = "https://example.org/kg/entity/place/united_kingdom"
    for label in ("United Kingdom", "united kingdom", "UK", "uk", "  United   Kingdom "):
        assert resolve_entity(graph.store, label).value == uk
    with pytest.raises(QueryError, match="did you mean 'Keir Starmer'"):
        resolve_entity(graph.store, "Starmer")
    assert graph.query("entity", entity=f"<{uk}>").rows == graph.query("entity", entity="UK").rows


def test_ambiguous_label_lists_the_candidates():
    # Paris the person in one document, Paris the city in another: two entities, one label
    store = _store_of(_document("a", "Paris was there.", [("paris", "Paris", "Person")]),
                      _document("b", "Paris was there.", [("paris", "Paris", "City")]))
    with pytest.raises(QueryError) as info:
        resolve_entity(store, "paris")
    message = str(info.value)
    assert "names 2 entities" in message and "Paris (Person)" in message and "Paris (City)" in message
    assert "<https://example.org/kg/entity/place/paris>" in message and "as <IRI>" in message
    with pytest.raises(QueryError, match=r"did you mean 'Paris'\?"):  # the label once, not once per entity
        resolve_entity(store, "pari")


def test_missing_and_unknown_parameters(graph):
    with pytest.raises(QueryError, match="missing parameter 'entity'.*--param entity="):
        graph.query("timeline")
    with pytest.raises(QueryError, match="no parameter colour; this query takes: entity"):
        graph.query("timeline", entity="UK", colour="red")
    with pytest.raises(QueryError, match="ISO date"):
        graph.query("new-entities", to="last Tuesday")
    with pytest.raises(QueryError, match="no relation type is labelled 'flew to'"):
        graph.query("relations", relation="flew to")


def test_header_parsing():
    query = parse_query(
        "# Title here\n#\n# Some words\n# more words.\n#\n"
        "# @param who: entity -- the one\n# @param n: integer = 5 -- how many\n"
        "# @param kind: string, optional -- a kind\n#\n# Example:\n#   kg query x --param who=UK\n"
        "SELECT ?who ?n ?kind WHERE {}")
    assert query.title == "Title here" and query.description == "Some words more words."
    assert [(p.name, p.kind, p.required, p.default) for p in query.parameters] == [
        ("who", "entity", True, None), ("n", "integer", False, "5"), ("kind", "string", False, None)]
    assert query.example == "kg query x --param who=UK"
    with pytest.raises(QueryError, match="unknown parameter kind 'colour'"):
        parse_query("# t\n# @param x: colour\nSELECT ?x WHERE {}")


def test_default_is_bound(graph):
    sparql = "# t\n# @param n: integer = 3 -- n\nSELECT ?n (?n * 2 AS ?twice) WHERE {}"
    assert graph.query(sparql).to_dicts() == [{"n": 3, "twice": 6}]
    assert graph.query(sparql, n=4).to_dicts() == [{"n": 4, "twice": 8}]


# -- results in Python --------------------------------------------------------------

def test_rows_have_named_fields(graph):
    result = graph.query("relations-between", entity="UK", other="EU")
    assert isinstance(result, Result) and len(result) == len(result.rows) > 0
    row = result.rows[0]
    assert row.subjectLabel == row["subjectLabel"] == row[result.variables.index("subjectLabel")]
    assert row.subjectLabel.value in {"United Kingdom", "European Union"}
    with pytest.raises(AttributeError, match="no variable 'nope'"):
        row.nope


def test_to_dataframe(graph):
    frame = graph.query("wikidata-links").to_dataframe()
    assert list(frame.columns) == ["label", "wikidataId", "type", "wikidata", "entity"]
    assert frame.set_index("label").loc["United Kingdom", "wikidataId"] == "Q145"


def test_to_dataframe_without_pandas(graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(KGError, match="pip install pandas"):
        graph.query("wikidata-links").to_dataframe()


def test_limit_reads_only_that_many_rows(graph):
    result = run(graph.store, "relations", limit=2)
    assert len(result) == 2 and result.truncated
    assert not run(graph.store, "relations", limit=1000).truncated


def test_reading_stops_when_cancelled(graph):
    asked = []

    def cancelled() -> bool:  # asked once before each row; says stop at the fourth
        asked.append(1)
        return len(asked) > 3

    result = to_result(graph.store.query("SELECT * WHERE { ?a ?b ?c }"), cancelled=cancelled)
    assert len(result) == 3


def test_timeout_gives_up(graph):
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match=r"no answer after 0.05 s \(--timeout 0.05\)"):
        run(graph.store, endless, timeout=0.05)
    assert run(graph.store, "relation-types", timeout=600).rows  # a generous timeout changes nothing
