"""Real SPARQL clients read `kg serve` over a socket: SPARQLWrapper and rdflib's
SPARQLStore, and every format the endpoint writes parses in pyoxigraph and
in rdflib with the same content."""
from __future__ import annotations

import csv
import io
import urllib.error

import httpx2 as httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from kg.serve.app import ServeConfig, create_app
from tests.test_serve_protocol import EX, build_store, extra_quads, manifest_quads, serving

NAMES = {"Alice", 'Bob "the builder"\tof\nZürich, 東京', "42"}
SELECT_NAMES = f"SELECT ?s ?name WHERE {{ ?s <{EX}name> ?name }} ORDER BY ?name"
CONSTRUCT_NAMES = f"CONSTRUCT {{ ?s <{EX}name> ?name }} WHERE {{ ?s <{EX}name> ?name }}"
ASK_ALICE = f"ASK {{ <{EX}alice> <{EX}name> ?name }}"

# SPARQLWrapper 2.0 builds rdflib's ConjunctiveGraph, which rdflib 7 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("clients") / "store", manifest_quads() + extra_quads())


@pytest.fixture(scope="module")
def endpoint(store_path):
    with serving(create_app(ServeConfig(store_path, workers=2, timeout=30))) as url:
        yield f"{url}/sparql"


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# -- SPARQLWrapper -----------------------------------------------------------------------------

def test_sparqlwrapper_select_in_json(endpoint):
    answer = wrapper(endpoint, SELECT_NAMES, JSON).query().convert()
    assert answer["head"]["vars"] == ["s", "name"]
    assert {b["name"]["value"] for b in answer["results"]["bindings"]} == NAMES
    assert {b["s"]["type"] for b in answer["results"]["bindings"]} == {"uri", "bnode"}


def test_sparqlwrapper_select_in_xml(endpoint):
    document = wrapper(endpoint, SELECT_NAMES, XML).query().convert()
    names = {b.getElementsByTagName("literal")[0].firstChild.data for b in document.getElementsByTagName("binding")
             if b.getAttribute("name") == "name"}
    assert names == NAMES


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_select_in_csv_and_tsv(endpoint, fmt):
    text = wrapper(endpoint, SELECT_NAMES, fmt).query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == CSV else "\t"))
    assert len(rows) == 4
    assert rows[0] == (["s", "name"] if fmt == CSV else ["?s", "?name"])


@pytest.mark.parametrize("method, request_method", [("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_ask_by_each_method(endpoint, method, request_method):
    for query, expected in ((ASK_ALICE, True), (f"ASK {{ <{EX}nobody> ?p ?o }}", False)):
        client = wrapper(endpoint, query, JSON)
        client.setMethod(method)
        if request_method:
            client.setRequestMethod(request_method)
        assert client.query().convert() == {"head": {}, "boolean": expected}


@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, RDFXML])
def test_sparqlwrapper_construct(endpoint, fmt):
    converted = wrapper(endpoint, CONSTRUCT_NAMES, fmt).query().convert()
    if isinstance(converted, bytes):  # Turtle and N3 come back as text to parse
        converted = rdflib.Graph().parse(data=converted.decode("utf-8"), format="turtle")
    assert {str(o) for o in converted.objects()} == NAMES


def test_sparqlwrapper_update_is_refused(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(f"INSERT DATA {{ <{EX}x> <{EX}p> 1 }}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    assert wrapper(endpoint, f"ASK {{ <{EX}x> ?p ?o }}", JSON).query().convert()["boolean"] is False


# -- rdflib's SPARQLStore ----------------------------------------------------------------------

def test_rdflib_sparqlstore_select_ask_construct(endpoint):
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint))  # SPARQL XML, RDF/XML for graphs
    rows = list(graph.query(SELECT_NAMES))
    assert {str(row.name) for row in rows} == NAMES
    assert {type(row.s) for row in rows} == {rdflib.URIRef, rdflib.BNode}
    assert graph.query(ASK_ALICE).askAnswer is True
    constructed = graph.query(CONSTRUCT_NAMES).graph
    assert {str(o) for o in constructed.objects()} == NAMES


@pytest.mark.parametrize("return_format", ["json", "csv", "tsv"])
def test_rdflib_sparqlstore_select_in_other_formats(endpoint, return_format):
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat=return_format))
    assert {str(row.name) for row in graph.query(SELECT_NAMES)} == NAMES
    if return_format == "json":  # CSV and TSV have no form for a boolean
        assert graph.query(ASK_ALICE).askAnswer is True


def test_rdflib_sparqlstore_reads_triples_and_counts(endpoint):
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint))
    alice = rdflib.URIRef(EX + "alice")
    assert list(graph.objects(alice, rdflib.URIRef(EX + "name"))) == [rdflib.Literal("Alice", lang="en")]
    assert len(graph) == 6  # the union default graph: 3 documents + 3 names


# -- every format, two parsers -----------------------------------------------------------------

RESULT_FORMATS = {  # media type: (pyoxigraph format or None for CSV, which it cannot read; rdflib's name)
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, "json"),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, "xml"),
    "text/csv": (None, "csv"),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, "tsv"),
}
GRAPH_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml"}


def fetch(endpoint: str, query: str, accept: str) -> bytes:
    r = httpx.get(endpoint, params={"query": query}, headers={"Accept": accept}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == accept
    return r.content


@pytest.mark.parametrize("media_type", RESULT_FORMATS)
def test_select_results_parse_in_pyoxigraph_and_rdflib(endpoint, media_type):
    body = fetch(endpoint, SELECT_NAMES, media_type)
    ox_format, rdflib_format = RESULT_FORMATS[media_type]
    if ox_format is None:
        ox_names = {row["name"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))}
    else:
        ox_names = {s["name"].value for s in ox.parse_query_results(body, ox_format)}
    rdflib_names = {str(row["name"]) for row in Result.parse(io.BytesIO(body), format=rdflib_format)}
    assert ox_names == rdflib_names == NAMES


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_results_parse_in_pyoxigraph_and_rdflib(endpoint, media_type):
    body = fetch(endpoint, ASK_ALICE, media_type)
    ox_format, rdflib_format = RESULT_FORMATS[media_type]
    assert bool(ox.parse_query_results(body, ox_format)) is True
    assert Result.parse(io.BytesIO(body), format=rdflib_format).askAnswer is True


def test_every_graph_format_parses_to_the_same_graph_in_pyoxigraph_and_rdflib(endpoint):
    graphs = []
    for media_type, rdflib_format in GRAPH_FORMATS.items():
        body = fetch(endpoint, CONSTRUCT_NAMES, media_type)
        from_ox = list(ox.parse(body, ox.RdfFormat.from_media_type(media_type)))
        assert {t.object.value for t in from_ox} == NAMES
        graphs.append(rdflib.Graph().parse(data=body, format=rdflib_format))
        # and pyoxigraph's reading, written again as N-Triples, is the same graph to rdflib
        graphs.append(rdflib.Graph().parse(data=ox.serialize(from_ox, format=ox.RdfFormat.N_TRIPLES), format="nt"))
    assert len(graphs[0]) == 3
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


def test_the_service_description_parses_in_rdflib(endpoint):
    sd = rdflib.Graph().parse(data=httpx.get(endpoint, timeout=60).text, format="turtle")
    service = rdflib.URIRef(endpoint)
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (service, SD.endpoint, service) in sd
    assert len(list(sd.objects(service, SD.resultFormat))) == 8


# -- a cut answer is still read by the clients --------------------------------------------------

@pytest.fixture(scope="module")
def capped_endpoint(store_path):
    with serving(create_app(ServeConfig(store_path, workers=1, max_rows=2))) as url:
        yield f"{url}/sparql"


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_clients_read_an_answer_cut_at_max_rows(capped_endpoint, fmt):
    response = wrapper(capped_endpoint, SELECT_NAMES, fmt).query()
    assert response.info()["x-kg-partial"] == "true"
    converted = response.convert()
    if fmt == JSON:
        assert converted["partial"] is True and len(converted["results"]["bindings"]) == 2
    else:
        assert len(converted.getElementsByTagName("result")) == 2
    rows = list(rdflib.Graph(store=SPARQLStore(query_endpoint=capped_endpoint, returnFormat=fmt)).query(SELECT_NAMES))
    assert len(rows) == 2


def test_a_port_in_use_is_refused_in_one_line(store_path, capsys):
    import socket

    from kg.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--store", str(store_path), "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "give another with --port" in err
    assert "Traceback" not in err
