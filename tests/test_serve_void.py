"""`kg serve` describes its dataset at /.well-known/void (VoID and DCAT): counts
that agree with the store, its vocabularies, its links to Wikidata and the
endpoint that serves it, in the RDF format the Accept header asks for."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from kg.cli import main
from kg.errors import KGError
from kg.rdf.namespace import OWL, PROV, RDF
from kg.rdf.prefixes import WIKIDATA
from kg.rdf.terms import KG
from kg.serve.app import ServeConfig, create_app
from kg.serve.void import (
    DCAT,
    DCT,
    FOAF,
    MAX_PARTITIONS,
    VOID,
    DatasetMetadata,
    VoidStatistics,
    void_description,
)
from kg.store import open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BASE = "http://www.example"
DOCUMENT = f"{BASE}/.well-known/void"
DATASET = ox.NamedNode(f"{DOCUMENT}#dataset")
ENDPOINT = ox.NamedNode(f"{BASE}/sparql")
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, nlp) -> Path:
    path = tmp_path_factory.mktemp("void") / "store"
    assert main(["build", str(EXAMPLES), "--store", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def facts(store_path) -> dict:
    """What the store holds, counted here from its quads, not by the server's queries."""
    with open_store(store_path, read_only=True) as store:
        quads = list(store.quads())
        [entity_graph] = store.entity_graphs()
        builds = {q.subject for q in quads if q.predicate == RDF.type and q.object == KG.Build}
        return {
            "quads": len(store),
            "entities": len({q.subject for q in quads if q.graph_name == entity_graph
                             and q.predicate == RDF.type and q.object == KG.Entity}),
            "documents": len({q.subject for q in quads if q.predicate == RDF.type and q.object == KG.Document}),
            "wikidata": sum(1 for q in quads if q.predicate == OWL.sameAs and q.object.value.startswith(WIKIDATA)),
            "built": max(q.object.value for q in quads if q.subject in builds and q.predicate == PROV.endedAtTime),
            "classes": {q.object.value for q in quads if q.predicate == RDF.type},
            "properties": {q.predicate.value for q in quads},
            "types": sum(1 for q in quads if q.predicate == RDF.type),
        }


@pytest.fixture(scope="module")
def client(store_path):
    with TestClient(create_app(ServeConfig(store_path, workers=1, timeout=30)), base_url=BASE) as client:
        yield client


@pytest.fixture(scope="module")
def void(client) -> ox.Store:
    """The Turtle description (the default), parsed by pyoxigraph."""
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE, base_iri=DOCUMENT)
    return store


def value(store: ox.Store, subject, predicate):
    [obj] = [q.object for q in store.quads_for_pattern(subject, predicate, None)]
    return obj


def integer(store: ox.Store, subject, predicate) -> int:
    return int(value(store, subject, predicate).value)


def test_the_dataset_is_a_void_and_dcat_dataset_with_a_title_and_description(void):
    types = {q.object for q in void.quads_for_pattern(DATASET, RDF.type, None)}
    assert {VOID.Dataset, DCAT.Dataset} <= types
    assert value(void, DATASET, DCT.title).value == "kg knowledge graph"
    assert "4 English news documents" in value(void, DATASET, DCT.description).value
    # neither configured: no licence, no publisher
    assert not list(void.quads_for_pattern(DATASET, DCT.license, None))
    assert not list(void.quads_for_pattern(DATASET, DCT.publisher, None))


def test_the_counts_agree_with_the_store(void, facts):
    assert integer(void, DATASET, VOID.triples) == facts["quads"]
    assert integer(void, DATASET, VOID.entities) == facts["entities"] > 0
    assert integer(void, DATASET, VOID.documents) == facts["documents"] == 4
    assert integer(void, DATASET, VOID.classes) == len(facts["classes"])
    assert integer(void, DATASET, VOID.properties) == len(facts["properties"])
    modified = value(void, DATASET, DCT.modified)
    assert modified.value == facts["built"]
    assert modified.datatype.value == "http://www.w3.org/2001/XMLSchema#dateTime"


def test_class_and_property_partitions_count_the_most_used(void, facts):
    classes = {value(void, q.object, VOID["class"]).value: integer(void, q.object, VOID.entities)
               for q in void.quads_for_pattern(DATASET, VOID.classPartition, None)}
    properties = {value(void, q.object, VOID.property).value: integer(void, q.object, VOID.triples)
                  for q in void.quads_for_pattern(DATASET, VOID.propertyPartition, None)}
    assert len(classes) == min(MAX_PARTITIONS, len(facts["classes"]))
    assert len(properties) == min(MAX_PARTITIONS, len(facts["properties"])) == MAX_PARTITIONS
    assert set(classes) <= facts["classes"] and set(properties) <= facts["properties"]
    assert classes[KG.Document.value] == 4
    assert classes[KG.Entity.value] == facts["entities"]
    assert properties[RDF.type.value] == facts["types"] == max(properties.values())


def test_the_vocabularies_are_those_the_properties_come_from(void):
    vocabularies = {q.object.value for q in void.quads_for_pattern(DATASET, VOID.vocabulary, None)}
    assert vocabularies == {"https://schema.org/", "https://w3id.org/newskg/ns#", "http://www.w3.org/ns/prov#",
                            "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
                            "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
                            "http://www.w3.org/2002/07/owl#"}
    assert value(void, DATASET, VOID.uriSpace).value == "https://example.org/kg/"


def test_the_wikidata_linkset_counts_the_same_as_links(void, facts):
    [linkset] = [q.subject for q in void.quads_for_pattern(None, RDF.type, VOID.Linkset)]
    assert value(void, linkset, VOID.subjectsTarget) == DATASET
    assert value(void, linkset, VOID.linkPredicate) == OWL.sameAs
    assert integer(void, linkset, VOID.triples) == facts["wikidata"] > 0
    wikidata = value(void, linkset, VOID.objectsTarget)
    assert (wikidata, RDF.type, VOID.Dataset) in {(q.subject, q.predicate, q.object) for q in void}
    assert value(void, wikidata, FOAF.homepage) == ox.NamedNode("http://www.wikidata.org/")
    assert value(void, wikidata, VOID.uriSpace).value == WIKIDATA


def test_the_sparql_endpoint_is_its_distribution(void):
    assert value(void, DATASET, VOID.sparqlEndpoint) == ENDPOINT
    distribution = value(void, DATASET, DCAT.distribution)
    assert value(void, distribution, RDF.type) == DCAT.Distribution
    assert value(void, distribution, DCAT.accessURL) == ENDPOINT
    assert value(void, distribution, DCAT.accessService) == ENDPOINT
    assert value(void, ENDPOINT, RDF.type) == DCAT.DataService
    assert value(void, ENDPOINT, DCAT.endpointURL) == ENDPOINT
    assert value(void, ENDPOINT, DCAT.servesDataset) == DATASET


def test_the_endpoint_is_under_the_base_iri(store_path):
    config = ServeConfig(store_path, base_iri="https://kg.example.org/news/", workers=1)
    with TestClient(create_app(config), base_url=BASE) as client:
        response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    graph = ox.Store()
    graph.load(response.content, format=ox.RdfFormat.N_TRIPLES)
    dataset = ox.NamedNode("https://kg.example.org/news/.well-known/void#dataset")
    assert value(graph, dataset, VOID.sparqlEndpoint) == ox.NamedNode("https://kg.example.org/news/sparql")


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_every_format_gives_the_same_graph(client, media_type):
    turtle = rdflib.Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
    response = client.get("/.well-known/void", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    assert len(graph) == len(turtle) and isomorphic(graph, turtle)
    parsed = ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type))
    assert len(list(parsed)) == len(turtle)


def test_accept_is_negotiated(client):
    def content_type(accept: str) -> str:
        response = client.get("/.well-known/void", headers={"Accept": accept})
        assert response.status_code == 200, accept
        return response.headers["content-type"].split(";")[0]

    assert content_type("*/*") == "text/turtle"
    assert content_type("application/rdf+xml;q=0.5, application/ld+json") == "application/ld+json"
    assert content_type("text/csv, application/n-triples;q=0.1") == "application/n-triples"
    assert content_type("application/json") == "application/ld+json"
    assert client.head("/.well-known/void").status_code == 200


def test_a_format_it_cannot_give_is_406_and_a_bad_header_400(client):
    refused = client.get("/.well-known/void", headers={"Accept": "text/csv, application/sparql-results+json"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.text and "VoID" in refused.text
    malformed = client.get("/.well-known/void", headers={"Accept": "turtle"})
    assert malformed.status_code == 400 and "malformed Accept header" in malformed.text
    posted = client.post("/.well-known/void")
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"


def test_title_licence_and_publisher_are_as_configured(store_path):
    licence = "https://creativecommons.org/licenses/by/4.0/"
    config = ServeConfig(store_path, workers=1, title="UK–EU news", description="What the wires said.",
                         licence=licence, publisher="https://example.org/newsroom")
    with TestClient(create_app(config), base_url=BASE) as client:
        response = client.get("/.well-known/void")
    void = ox.Store()
    void.load(response.content, format=ox.RdfFormat.TURTLE)
    assert value(void, DATASET, DCT.title).value == "UK–EU news"
    assert value(void, DATASET, DCT.description).value == "What the wires said."
    assert value(void, DATASET, DCT.license) == ox.NamedNode(licence)
    assert value(void, DATASET, DCT.publisher) == ox.NamedNode("https://example.org/newsroom")


def test_a_publisher_given_by_name_is_an_agent():
    empty = VoidStatistics(triples=0, entities=0, documents=0, modified=None, classes=(), properties=(),
                           wikidata_links=0, bases=())
    void = ox.Store()
    void.extend(ox.Quad(t.subject, t.predicate, t.object) for t in
                void_description(DOCUMENT, ENDPOINT.value, empty, DatasetMetadata(publisher="The Newsroom")))
    agent = value(void, DATASET, DCT.publisher)
    assert isinstance(agent, ox.BlankNode)
    assert value(void, agent, RDF.type) == FOAF.Agent and value(void, agent, FOAF.name).value == "The Newsroom"
    # an empty store: no build to date it, no vocabularies, no links
    assert not list(void.quads_for_pattern(DATASET, DCT.modified, None))
    assert not list(void.quads_for_pattern(DATASET, VOID.vocabulary, None))


def test_a_licence_that_is_no_iri_is_refused(store_path):
    with pytest.raises(KGError, match="licence 'CC-BY 4.0' is not an IRI"):
        create_app(ServeConfig(store_path, licence="CC-BY 4.0"))
