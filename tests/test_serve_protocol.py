"""`kg serve` speaks the SPARQL 1.1 Protocol, read-only.

The W3C protocol suite (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl)
has 34 tests: 20 send queries (13 that must answer, 7 `bad_query_*` that
must be refused with a 4xx), 7 `bad_update_*` that must be refused with a
4xx, and 7 that perform updates and expect a 2xx. Each is written here in our
own words from the manifest's request (method, path, headers, body) and
expected response; the first 27 are run as the manifest says. A read-only
endpoint refuses the 7 updates on purpose: for those the test checks the
403 and that the store did not change (the manifest's follow-up ASK answers
false). Every case runs against the app in-process (Starlette's TestClient)
and against a real uvicorn server on a loopback port.

The store holds what the manifest's `ut:graphData` loads: graphs
<http://kasei.us/2009/09/sparql/data/dataN.rdf> (N = 1, 2, 3), each with the
one triple `<dataN.rdf> a foaf:Document` (data1.nt ... data3.nt).
"""
from __future__ import annotations

import asyncio
import csv
import io
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import httpx2 as httpx  # what Starlette's TestClient uses
import pyoxigraph as ox
import pytest
import uvicorn
from starlette.testclient import TestClient

from kg.serve.app import ServeConfig, create_app
from kg.serve.negotiate import MalformedAccept, parse_accept
from kg.serve.protocol import ProtocolError, QueryOperation, read_operation, uses_service
from kg.store import GraphStore

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EX = "http://example.org/"
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


def kasei(n: int) -> str:
    return f"{KASEI}data{n}.rdf"


def manifest_quads() -> list[ox.Quad]:
    """data1.nt, data2.nt, data3.nt, each in the graph its rdfs:label names."""
    return [ox.Quad(ox.NamedNode(kasei(n)), RDF_TYPE, FOAF_DOCUMENT, ox.NamedNode(kasei(n))) for n in (1, 2, 3)]


def extra_quads() -> list[ox.Quad]:
    """A graph of awkward terms for the format tests: a language tag, a datatype,
    tabs, newlines, quotes and non-ASCII text, a blank node, an unbound variable."""
    g, p = ox.NamedNode(EX + "people"), ox.NamedNode(EX + "name")
    alice, bob, someone = ox.NamedNode(EX + "alice"), ox.NamedNode(EX + "bob"), ox.BlankNode("someone")
    return [
        ox.Quad(alice, p, ox.Literal("Alice", language="en"), g),
        ox.Quad(bob, p, ox.Literal('Bob "the builder"\tof\nZürich, 東京'), g),
        ox.Quad(someone, p, ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g),
    ]


def build_store(path: Path, quads: list[ox.Quad]) -> Path:
    with GraphStore(path) as store:
        store.add_quads(quads)
    return path


@contextmanager
def serving(app):
    """Run ``app`` on a real uvicorn server on a free loopback port, in a thread;
    yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("w3c") / "store", manifest_quads() + extra_quads())


@pytest.fixture(scope="module")
def app_client(store_path):
    with TestClient(create_app(ServeConfig(store_path, workers=2, timeout=30)),
                    base_url="http://www.example") as client:
        yield client


@pytest.fixture(scope="module")
def server_url(store_path):
    with serving(create_app(ServeConfig(store_path, workers=2, timeout=30))) as url:
        yield url


@pytest.fixture(scope="module")
def http_client(server_url):
    with httpx.Client(base_url=server_url, timeout=60) as client:
        yield client


@pytest.fixture(params=["testclient", "uvicorn"])
def client(request):
    """The same requests, in-process and over a real socket."""
    return request.getfixturevalue("app_client" if request.param == "testclient" else "http_client")


# -- the W3C SPARQL 1.1 Protocol tests --------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One request of a manifest test and what its response must be."""

    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    status: int = 200  # what this endpoint answers, in the class the manifest asks for
    boolean: bool | None = None
    form: str | None = None  # the manifest's mf:expectedFormat: "boolean", "tabular" or "RDF"


@dataclass(frozen=True)
class Case:
    name: str
    steps: tuple[Step, ...]
    as_manifest: bool = True  # False: the manifest expects a 2xx a read-only endpoint must not give


def q(text: str) -> str:
    return quote(text, safe="")


def dataset(param: str, *graphs: int) -> str:
    return "&".join(f"{param}={q(kasei(n))}" for n in graphs)


ASK_1_2 = f"ASK {{ <{kasei(1)}> a ?type . <{kasei(2)}> a ?type . }}"
ASK_GRAPHS_1_2 = f"ASK {{ GRAPH ?g1 {{ <{kasei(1)}> a ?type }} GRAPH ?g2 {{ <{kasei(2)}> a ?type }} }}"
ASK_FULL = (f"ASK {{\n  <{kasei(3)}> a ?type\n  GRAPH ?g1 {{ <{kasei(1)}> a ?type }}\n"
            f"  GRAPH ?g2 {{ <{kasei(2)}> a ?type }}\n}}")
ASK_FROM_3 = (f"ASK FROM <{kasei(3)}> {{ GRAPH ?g1 {{ <{kasei(1)}> a ?type }} "
              f"GRAPH ?g2 {{ <{kasei(2)}> a ?type }} }}")
DATA0 = dataset("default-graph-uri", 0)  # data0.rdf: a graph the store does not have
ASK_TRUE = Step("POST", "/sparql/", b"ASK {}", "application/sparql-query", boolean=True, form="boolean")
UPDATE_TARGET = "http://example.org/protocol-update-dataset-test/"
ASK_UPDATED = Step("POST", "/sparql/", f"ASK {{ GRAPH <{UPDATE_TARGET}> {{ ?s a ?type }} }}".encode(),
                   "application/sparql-query", boolean=False, form="boolean")
COPY_DOCUMENTS = (f"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nINSERT {{ GRAPH <{UPDATE_TARGET}> "
                  "{ ?s a foaf:Document } } WHERE { ?s a foaf:Document }").encode()


def update_step(path: str, body: bytes = COPY_DOCUMENTS, content_type: str = "application/sparql-update") -> Step:
    return Step("POST", path, body, content_type, status=403)


W3C_CASES = [
    # the 13 queries that must answer
    Case("query_post_form", (Step("POST", f"/sparql/?{DATA0}", b"query=ASK%20%7B%7D", "application/x-www-form-urlencoded",
                                  boolean=True, form="boolean"),)),
    Case("query_dataset_default_graphs_get", (Step(
        "GET", f"/sparql/?query={q(ASK_1_2)}&{dataset('default-graph-uri', 1, 2)}", boolean=True, form="boolean"),)),
    Case("query_dataset_default_graphs_post", (Step(
        "POST", f"/sparql/?{dataset('default-graph-uri', 1, 2)}", ASK_1_2.encode(), "application/sparql-query",
        boolean=True, form="boolean"),)),
    Case("query_dataset_named_graphs_post", (Step(
        "POST", f"/sparql/?{dataset('named-graph-uri', 1, 2)}", ASK_GRAPHS_1_2.encode(), "application/sparql-query",
        boolean=True, form="boolean"),)),
    Case("query_dataset_named_graphs_get", (Step(
        "GET", f"/sparql/?query={q(ASK_GRAPHS_1_2)}&{dataset('named-graph-uri', 1, 2)}", boolean=True,
        form="boolean"),)),
    Case("query_dataset_full", (Step(
        "POST", f"/sparql/?{dataset('default-graph-uri', 3)}&{dataset('named-graph-uri', 1, 2)}", ASK_FULL.encode(),
        "application/sparql-query", boolean=True, form="boolean"),)),
    Case("query_multiple_dataset", (Step(
        "POST", f"/sparql/?{dataset('named-graph-uri', 1, 2)}", ASK_FROM_3.encode(), "application/sparql-query",
        boolean=True, form="boolean"),)),
    Case("query_get", (Step("GET", f"/sparql/?query={q('ASK {}')}&{DATA0}", boolean=True, form="boolean"),)),
    Case("query_content_type_select", (Step("POST", f"/sparql/?{DATA0}", b"SELECT (1 AS ?value) {}",
                                            "application/sparql-query", form="tabular"),)),
    Case("query_content_type_ask", (Step("POST", f"/sparql/?{DATA0}", b"ASK {}", "application/sparql-query",
                                         form="boolean"),)),
    Case("query_content_type_describe", (Step("POST", f"/sparql/?{DATA0}", b"DESCRIBE <http://example.org/>",
                                              "application/sparql-query", form="RDF"),)),
    Case("query_content_type_construct", (Step("POST", f"/sparql/?{DATA0}", b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                                               "application/sparql-query", form="RDF"),)),
    Case("query_post_direct", (ASK_TRUE,)),
    # the 7 queries that must be refused
    Case("bad_query_method", (Step("PUT", f"/sparql/?query={q('ASK {}')}&{DATA0}", b"",
                                   "application/x-www-form-urlencoded", status=405),)),
    Case("bad_multiple_queries", (Step("GET", f"/sparql/?query={q('ASK {}')}&query={q('SELECT * {}')}",
                                       status=400),)),
    Case("bad_query_wrong_media_type", (Step("POST", "/sparql/", b"ASK {}", "text/plain", status=415),)),
    Case("bad_query_missing_form_type", (Step("POST", "/sparql/", b"query=ASK%20%7B%7D", None, status=415),)),
    Case("bad_query_missing_direct_type", (Step("POST", "/sparql/", b"ASK {}", None, status=415),)),
    Case("bad_query_non_utf8", (Step("POST", "/sparql/", "ASK {}".encode("utf-16"),
                                     "application/sparql-query; charset=UTF-16", status=415),)),
    Case("bad_query_syntax", (Step("GET", f"/sparql/?query={q('ASK {')}", status=400),)),
    # the 7 updates that must be refused (a read-only endpoint refuses the well-formed ones too: 403)
    Case("bad_update_get", (Step("GET", f"/sparql/?update={q('CLEAR ALL')}", status=403),)),
    Case("bad_multiple_updates", (Step("POST", "/sparql/", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                                       "application/x-www-form-urlencoded", status=403),)),
    Case("bad_update_wrong_media_type", (Step("POST", "/sparql/", b"CLEAR NAMED", "text/plain", status=415),)),
    Case("bad_update_missing_form_type", (Step("POST", "/sparql/", b"update=CLEAR%20NAMED", None, status=415),)),
    Case("bad_update_non_utf8", (Step("POST", "/sparql/", "CLEAR NAMED".encode("utf-16"),
                                      "application/sparql-update; charset=UTF-16", status=415),)),
    Case("bad_update_syntax", (Step("POST", "/sparql/", b"update=CLEAR%20XYZ", "application/x-www-form-urlencoded",
                                    status=403),)),
    Case("bad_update_dataset_conflict", (update_step(
        f"/sparql/?using-named-graph-uri={q('http://example/people')}",
        b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        b"DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' }\n"
        b"WHERE { ?person foaf:givenName 'Bill' }"),)),
    # the 7 updates the manifest expects to succeed: refused, and nothing changed
    Case("update_dataset_default_graph", (update_step(f"/sparql/?{dataset('using-graph-uri', 1)}"), ASK_UPDATED),
         as_manifest=False),
    Case("update_dataset_default_graphs", (update_step(f"/sparql/?{dataset('using-graph-uri', 1, 2)}"),
                                           ASK_UPDATED), as_manifest=False),
    Case("update_dataset_named_graphs", (update_step(f"/sparql/?{dataset('using-named-graph-uri', 1, 2)}"),
                                         ASK_UPDATED), as_manifest=False),
    Case("update_dataset_full", (update_step(f"/sparql/?{dataset('using-graph-uri', 1)}&"
                                             f"{dataset('using-named-graph-uri', 2)}"), ASK_UPDATED),
         as_manifest=False),
    Case("update_post_form", (update_step("/sparql/", b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
                              Step("GET", f"/sparql/?query={q(ASK_1_2)}", boolean=True, form="boolean")),
         as_manifest=False),
    Case("update_post_direct", (update_step("/sparql/", b"CLEAR ALL"),
                                Step("GET", f"/sparql/?query={q(ASK_1_2)}", boolean=True, form="boolean")),
         as_manifest=False),
    Case("update_base_uri", (update_step("/sparql/", b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
                                                     b"{ <http://example.org/s> <http://example.org/p> <test> } }"),
                             Step("POST", "/sparql/", b"ASK { GRAPH <http://example.org/protocol-base-test/> "
                                                      b"{ ?s ?p ?o } }", "application/sparql-query",
                                  boolean=False, form="boolean")),
         as_manifest=False),
]


# the manifest's mf:entries, in its order
MANIFEST_ENTRIES = """
query_post_form query_dataset_default_graphs_get query_dataset_default_graphs_post
query_dataset_named_graphs_post query_dataset_named_graphs_get query_dataset_full query_multiple_dataset
query_get query_content_type_select query_content_type_ask query_content_type_describe
query_content_type_construct update_dataset_default_graph update_dataset_default_graphs
update_dataset_named_graphs update_dataset_full update_post_form update_post_direct update_base_uri
query_post_direct bad_query_method bad_multiple_queries bad_query_wrong_media_type bad_query_missing_form_type
bad_query_missing_direct_type bad_query_non_utf8 bad_query_syntax bad_update_get bad_multiple_updates
bad_update_wrong_media_type bad_update_missing_form_type bad_update_non_utf8 bad_update_syntax
bad_update_dataset_conflict
""".split()


def test_the_cases_cover_the_whole_manifest():
    names = [c.name for c in W3C_CASES]
    assert sorted(names) == sorted(MANIFEST_ENTRIES) and len(names) == 34
    assert sum(c.as_manifest for c in W3C_CASES) == 27  # 20 queries + 7 refused updates


def send(client, step: Step) -> httpx.Response:
    headers = {"Content-Type": step.content_type} if step.content_type else {}
    return client.request(step.method, step.path, content=step.body, headers=headers)


def check_answer(step: Step, response: httpx.Response) -> None:
    """The response is what the manifest (and, for a status, this endpoint) expects."""
    assert response.status_code == step.status, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("text/plain")
        assert len(response.text.strip()) > 20  # a message, not just a status
        return
    media_type = response.headers["content-type"].split(";")[0]
    if step.form in ("boolean", "tabular"):
        allowed = RESULT_TYPES if step.form == "tabular" else {"application/sparql-results+json",
                                                             "application/sparql-results+xml"}
        assert media_type in allowed
        parsed = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
        if step.form == "boolean":
            assert isinstance(parsed, ox.QueryBoolean)
            if step.boolean is not None:
                assert bool(parsed) is step.boolean
        else:
            assert [s["value"].value for s in parsed] == ["1"]
    elif step.form == "RDF":
        assert media_type in RDF_TYPES
        list(ox.parse(response.content, ox.RdfFormat.from_media_type(media_type)))


@pytest.mark.parametrize("case", W3C_CASES, ids=[c.name for c in W3C_CASES])
def test_w3c_protocol_suite(client, case):
    for step in case.steps:
        check_answer(step, send(client, step))


# -- the protocol, beyond the suite -----------------------------------------------------------

def test_a_query_sent_three_ways_answers_the_same(client):
    query = f"SELECT ?doc WHERE {{ ?doc a <{FOAF_DOCUMENT.value}> }} ORDER BY ?doc"
    answers = [client.get("/sparql", params={"query": query}),
               client.post("/sparql", data={"query": query}),
               client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})]
    for r in answers:
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/sparql-results+json"
        assert [b["doc"]["value"] for b in r.json()["results"]["bindings"]] == [kasei(1), kasei(2), kasei(3)]


def test_the_default_graph_is_the_union_of_all_graphs_unless_the_request_names_one(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = client.get("/sparql", params={"query": count}).json()
    one = client.get("/sparql", params={"query": count, "default-graph-uri": kasei(2)}).json()
    none = client.get("/sparql", params={"query": count, "default-graph-uri": EX + "no-such-graph"}).json()
    named_only = client.get("/sparql", params={"query": count, "named-graph-uri": kasei(1)}).json()
    n = [int(a["results"]["bindings"][0]["n"]["value"]) for a in (union, one, none, named_only)]
    assert n == [6, 1, 0, 0]  # 3 documents + 3 people; a named graph alone leaves the default graph empty


def test_from_in_a_query_is_kept_when_the_request_names_no_dataset(client):
    r = client.get("/sparql", params={"query": f"SELECT ?s FROM <{kasei(3)}> WHERE {{ ?s ?p ?o }}"})
    assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == [kasei(3)]


def test_kg_prefixes_are_predeclared(client):
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s rdf:type ?t } LIMIT 1"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 1


@pytest.mark.parametrize("accept, media_type", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/*", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
])
def test_select_answers_in_the_format_accept_prefers(client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name }"},
                   headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert r.headers["vary"] == "Accept"
    assert r.headers["x-kg-partial"] == "false"
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["s", "name"] and len(rows) == 4
    else:
        solutions = list(ox.parse_query_results(r.content, ox.QueryResultsFormat.from_media_type(media_type)))
        assert {s["name"].value for s in solutions} == {"Alice", 'Bob "the builder"\tof\nZürich, 東京', "42"}


@pytest.mark.parametrize("accept, media_type", [
    (None, "text/turtle"), ("*/*", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
    ("text/plain", "application/n-triples"),
])
def test_construct_answers_in_the_rdf_format_accept_prefers(client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "CONSTRUCT { ?s <http://example.org/name> ?o } "
                                               "WHERE { ?s <http://example.org/name> ?o }"}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    triples = list(ox.parse(r.content, ox.RdfFormat.from_media_type(media_type)))
    assert {t.object.value for t in triples} == {"Alice", 'Bob "the builder"\tof\nZürich, 東京', "42"}


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0, */*;q=0", "application/sparql-results+json"])
def test_an_accept_that_no_format_satisfies_gets_406(client, accept):
    if accept == "application/sparql-results+json":  # fine for SELECT, not for CONSTRUCT
        r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": accept})
    else:
        r = client.get("/sparql", params={"query": "SELECT * {}"}, headers={"Accept": accept})
    assert r.status_code == 406
    assert "ask for one of" in r.text


@pytest.mark.parametrize("accept", ["garbage", "text/", "*/json", "text/csv;q=2", "text/csv;q=high", "\u00e9/x"])
def test_a_malformed_accept_header_is_a_400_that_says_why(client, accept):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": accept.encode("utf-8")})
    assert r.status_code == 400
    assert "Accept" in r.text


def test_an_update_given_as_a_query_is_refused_as_read_only(client):
    r = client.get("/sparql", params={"query": "INSERT DATA { <http://ex/s> <http://ex/p> 1 }"})
    assert r.status_code == 403
    assert "read-only" in r.text
    assert client.get("/sparql", params={"query": "ASK { <http://ex/s> ?p ?o }"}).json()["boolean"] is False


def test_a_syntax_error_gives_the_parsers_line_and_column(client):
    r = client.post("/sparql", content=b"SELECT ?x\nWHERE { ?x ?y }", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert r.text.startswith("query:2:")
    assert "SPARQL syntax error" in r.text


def test_an_unknown_prefix_says_which(client):
    r = client.get("/sparql", params={"query": "SELECT * { ?s nope:p ?o }"})
    assert r.status_code == 400 and "unknown prefix 'nope:'" in r.text


def test_service_is_refused_so_the_server_fetches_nothing(client):
    r = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.text


def test_a_bad_dataset_iri_is_a_400(client):
    r = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "default-graph-uri" in r.text


def test_a_form_without_a_query_is_a_400(client):
    r = client.post("/sparql", data={"default-graph-uri": kasei(1)})
    assert r.status_code == 400 and "query=" in r.text


def test_a_body_that_is_not_utf8_is_a_400(client):
    r = client.post("/sparql", content=b"ASK { ?s ?p \"\xff\" }", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "UTF-8" in r.text


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_a_wrong_method_is_a_405_with_allow(client, method):
    r = client.request(method, "/sparql")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, POST"
    assert "not allowed" in r.text


def test_head_answers_like_get_without_a_body(client):
    r = client.head("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    assert r.content == b""


# -- the service description ------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


def description(response: httpx.Response) -> ox.Store:
    media_type = response.headers["content-type"].split(";")[0]
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in
                 ox.parse(response.content, ox.RdfFormat.from_media_type(media_type)))
    return graph


def test_a_get_without_a_query_describes_the_service(app_client):
    r = app_client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = description(r)
    ask = graph.query
    prefix = f"PREFIX sd: <{SD}> PREFIX void: <{VOID}> PREFIX formats: <http://www.w3.org/ns/formats/> "
    assert bool(ask(prefix + "ASK { <http://www.example/sparql> a sd:Service ; sd:endpoint "
                             "<http://www.example/sparql> ; sd:supportedLanguage sd:SPARQL11Query ; "
                             "sd:feature sd:UnionDefaultGraph }"))
    formats = {row["f"].value for row in ask(prefix + "SELECT ?f { ?s sd:resultFormat ?f }")}
    assert formats == {"http://www.w3.org/ns/formats/" + name for name in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
        "Turtle", "N-Triples", "JSON-LD", "RDF_XML")}
    (stats,) = ask(prefix + "SELECT ?all ?union { ?s sd:defaultDataset ?d . ?d a void:Dataset ; void:triples ?all ; "
                            "sd:defaultGraph [ void:triples ?union ] }")
    assert (int(stats["all"].value), int(stats["union"].value)) == (6, 6)
    graphs = {row["name"].value: int(row["n"].value) for row in ask(
        prefix + "SELECT ?name ?n { ?d sd:namedGraph [ sd:name ?name ; sd:graph [ void:triples ?n ] ] }")}
    assert graphs == {kasei(1): 1, kasei(2): 1, kasei(3): 1, EX + "people": 3}


@pytest.mark.parametrize("accept", ["application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_the_service_description_comes_in_other_rdf_formats(app_client, accept):
    r = app_client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"] == accept
    assert len(description(r)) > 20


def test_the_service_description_is_not_given_as_query_results(app_client):
    r = app_client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 406


def test_base_iri_names_the_endpoint(store_path):
    app = create_app(ServeConfig(store_path, workers=1, base_iri="https://example.org/kg/"))
    with TestClient(app) as client:
        graph = description(client.get("/sparql"))
        assert bool(graph.query(f"ASK {{ <https://example.org/kg/sparql> <{SD}endpoint> "
                                "<https://example.org/kg/sparql> }"))
        # relative IRIs in a query are read against the endpoint
        r = client.get("/sparql", params={"query": "SELECT (<x> AS ?iri) {}"})
        assert r.json()["results"]["bindings"][0]["iri"]["value"] == "https://example.org/kg/x"


# -- --max-rows ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def capped_client(store_path):
    with TestClient(create_app(ServeConfig(store_path, workers=1, max_rows=2))) as client:
        yield client


ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"


def test_an_answer_past_max_rows_is_cut_and_says_so(capped_client):
    r = capped_client.get("/sparql", params={"query": ALL})
    assert r.headers["x-kg-partial"] == "true" and r.headers["x-kg-max-rows"] == "2"
    answer = r.json()
    assert answer["partial"] is True
    assert len(answer["results"]["bindings"]) == 2
    # the cut answer is still SPARQL JSON to a strict reader, the same first rows as the whole one
    assert len(list(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON))) == 2


def test_an_answer_within_max_rows_is_whole(capped_client):
    r = capped_client.get("/sparql", params={"query": ALL + " LIMIT 2"})
    assert r.headers["x-kg-partial"] == "false"
    assert "partial" not in r.json()


@pytest.mark.parametrize("query, rows, partial", [
    ("SELECT * {}", 1, "false"),  # one solution of no variables: an empty line in TSV
    ("SELECT * { VALUES ?x { 1 2 3 } }", 2, "true"),
    ("SELECT ?x { VALUES ?x { 'a\\nb' 'c\\td' 'e' } }", 2, "true"),  # escaped newlines are no rows
    ("SELECT ?x { VALUES ?x { 1 2 } }", 2, "false"),
])
def test_max_rows_counts_solutions(capped_client, query, rows, partial):
    r = capped_client.get("/sparql", params={"query": query})
    assert r.headers["x-kg-partial"] == partial
    assert len(r.json()["results"]["bindings"]) == rows
    assert capped_client.get("/sparql", params={"query": "ASK {}"}).headers["x-kg-partial"] == "false"


@pytest.mark.parametrize("accept, marker", [
    ("application/sparql-results+xml", b"<!-- partial:"), ("text/csv", None), ("text/tab-separated-values", None),
])
def test_a_cut_answer_says_so_in_formats_with_room_for_it(capped_client, accept, marker):
    r = capped_client.get("/sparql", params={"query": ALL}, headers={"Accept": accept})
    assert r.headers["x-kg-partial"] == "true"
    if marker:
        assert marker in r.content
    lines = r.text.strip().splitlines()
    if accept == "text/csv":
        assert len(lines) == 3  # header + 2 rows, nothing else a CSV reader would take for a row
    elif accept == "text/tab-separated-values":
        assert len(lines) == 3
    else:
        assert len(list(ox.parse_query_results(r.content, ox.QueryResultsFormat.XML))) == 2
        assert len(ElementTree.fromstring(r.content).findall(".//{*}result")) == 2


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/rdf+xml",
                                    "application/ld+json"])
def test_a_cut_construct_counts_triples(capped_client, accept):
    r = capped_client.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
                          headers={"Accept": accept})
    assert r.headers["x-kg-partial"] == "true"
    assert len(list(ox.parse(r.content, ox.RdfFormat.from_media_type(accept)))) == 2
    if accept != "application/ld+json":
        assert b"partial: the answer was cut after 2 rows" in r.content
    if accept == "application/rdf+xml":  # a strict XML reader takes the comment after the root
        ElementTree.fromstring(r.content)


# -- hostile requests -----------------------------------------------------------------------

def raw_request(url: str, data: bytes) -> bytes:
    """Send bytes as they are (no client to tidy the path) and read the status line."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(data)
        return sock.recv(4096).split(b"\r\n", 1)[0]


@pytest.mark.parametrize("path", ["/sparql/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/sparql%00",
                                  "/%00", "/sparql/" + "a" * 10_000, "/" + "%ff" * 100])
def test_hostile_paths_get_a_clean_4xx_and_the_server_stays_up(server_url, http_client, path):
    status = raw_request(server_url, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status.startswith(b"HTTP/1.1 4"), status
    assert http_client.get("/sparql", params={"query": "ASK {}"}).json() == {"head": {}, "boolean": True}


def test_a_10_mb_post_is_refused_with_413(server_url, http_client):
    r = http_client.post("/sparql", content=b"ASK {} #" + b"x" * 10_000_000,
                         headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert "1,048,576 bytes" in r.text
    assert http_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_10_mb_post_without_content_length_is_refused_with_413(app_client):
    def chunks():
        for _ in range(10):
            yield b"#" + b"x" * 1_000_000

    r = app_client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_a_malformed_accept_over_a_socket_is_a_400_and_the_server_stays_up(server_url, http_client):
    status = raw_request(server_url, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
                                     b"Accept: ;;;,,\xff\xfe/\r\nConnection: close\r\n\r\n")
    assert status == b"HTTP/1.1 400 Bad Request"
    assert http_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_bad_content_length_or_a_broken_request_line_does_not_stop_the_server(server_url, http_client):
    for data in (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                 b"GARBAGE\r\n\r\n", b"GET /sparql?query=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n"):
        status = raw_request(server_url, data)
        assert status == b"" or status.startswith(b"HTTP/1.1 4"), status
    assert http_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# -- the timeout: a query past it is stopped, in a real server process -------------------------

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 2,000^3 rows: hours


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    g, p = ox.NamedNode(EX + "g"), ox.NamedNode(EX + "p")
    return build_store(tmp_path_factory.mktemp("big") / "store",
                       [ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(str(i)), g) for i in range(2000)])


@contextmanager
def serve_command(store: Path, *options: str):
    """`python -m kg.serve.cli` as a process of its own; yields it and a client."""
    port = free_port()
    log = tempfile.TemporaryFile("w+")  # not a pipe: a server that logs much would block on a full one
    process = subprocess.Popen([sys.executable, "-m", "kg.serve.cli", "--store", str(store), "--port", str(port),
                                *options], stderr=log, text=True)
    with log, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(600):
            try:
                client.get("/sparql")
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read()) from None
                time.sleep(0.1)
        try:
            yield process, client
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(30)


@pytest.fixture(scope="module")
def slow_server(big_store):
    """One worker, a 2-second timeout."""
    with serve_command(big_store, "--timeout", "2", "--workers", "1") as server:
        yield server


def workers_of(pid: int) -> set[int]:
    psutil = pytest.importorskip("psutil")
    return {child.pid for child in psutil.Process(pid).children(recursive=True)}


def test_a_query_past_the_timeout_is_stopped_and_the_server_goes_on(slow_server):
    psutil = pytest.importorskip("psutil")
    process, client = slow_server
    before = workers_of(process.pid)
    r = client.get("/sparql", params={"query": CROSS_PRODUCT})
    assert r.status_code == 503
    assert "did not finish within 2 s" in r.text and "stopped" in r.text
    # the next request is answered, by a new worker
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    after = workers_of(process.pid)
    killed = before - after
    assert len(killed) == 1 and len(after - before) == 1
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
                   for pid in killed)
    # and nothing goes on computing: the server's processes are idle
    processes = [psutil.Process(pid) for pid in after | {process.pid}]
    cpu_before = sum(sum(p.cpu_times()[:2]) for p in processes)
    time.sleep(1.0)
    assert sum(sum(p.cpu_times()[:2]) for p in processes) - cpu_before < 0.5


def test_the_serve_command_refuses_an_update_over_a_socket(slow_server):
    _, client = slow_server
    r = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text
    assert client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).json()[
        "results"]["bindings"][0]["n"]["value"] == "2000"


def test_a_server_killed_mid_query_leaves_no_worker_computing(big_store):
    psutil = pytest.importorskip("psutil")
    with serve_command(big_store, "--no-timeout", "--workers", "1") as (process, client):
        children = [psutil.Process(pid) for pid in workers_of(process.pid)]
        asking = threading.Thread(target=lambda: _ignore_errors(client.get, "/sparql",
                                                                params={"query": CROSS_PRODUCT}), daemon=True)
        asking.start()
        busy = None
        while busy is None:  # the worker starts computing
            busy = next((c for c in children if c.cpu_percent(interval=0.1) > 50), None)
        process.kill()
        process.wait(30)
        _, alive = psutil.wait_procs(children, timeout=30)
        assert alive == []


def _ignore_errors(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except httpx.HTTPError:
        pass


def test_cors_lets_a_named_origin_read_answers_and_the_partial_header(store_path):
    app = create_app(ServeConfig(store_path, workers=1, cors=("https://example.org",), max_rows=1))
    with TestClient(app) as client:
        preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                       "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://example.org"
        r = client.get("/sparql", params={"query": ALL}, headers={"Origin": "https://example.org"})
        assert r.headers["access-control-allow-origin"] == "https://example.org"
        assert "X-KG-Partial" in r.headers["access-control-expose-headers"]
        other = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_without_cors_no_origin_is_allowed(app_client):
    r = app_client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_serve_command_says_what_is_wrong_with_a_missing_store(tmp_path):
    run = subprocess.run([sys.executable, "-m", "kg.serve.cli", "--store", str(tmp_path / "nope")],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.startswith("kg serve: error: no store at")


# -- the pure parts --------------------------------------------------------------------------

def test_read_operation_reads_the_three_ways_and_the_dataset():
    assert read_operation("GET", "query=ASK%7B%7D&named-graph-uri=http%3A%2F%2Fa%2F", None, b"") == \
        QueryOperation("ASK{}", (), ("http://a/",))
    assert read_operation("POST", "default-graph-uri=http%3A%2F%2Fa%2F", "application/x-www-form-urlencoded",
                          b"query=ASK+%7B%7D") == QueryOperation("ASK {}", ("http://a/",))
    assert read_operation("POST", "", "Application/SPARQL-Query; charset=utf-8", "\ufeffASK {}".encode()) == \
        QueryOperation("ASK {}")
    assert read_operation("GET", "", None, b"") is None


@pytest.mark.parametrize("method, query_string, content_type, body, status", [
    ("GET", "query=a&update=b", None, b"", 403),
    ("POST", "query=ASK", "application/sparql-query", b"ASK {}", 400),
    ("POST", "", "application/x-www-form-urlencoded", b"query=%FF", 400),
    ("POST", "", "application/x-www-form-urlencoded", b"&".join([b"a=1"] * 1001), 400),
    ("GET", "default-graph-uri=http%3A%2F%2Fa%2F", None, b"", 400),
    ("PATCH", "", None, b"", 405),
    ("POST", "", "multipart/form-data; boundary=x", b"", 415),
])
def test_read_operation_refuses(method, query_string, content_type, body, status):
    with pytest.raises(ProtocolError) as error:
        read_operation(method, query_string, content_type, body)
    assert error.value.status == status


def test_parse_accept_reads_qualities_and_rejects_nonsense():
    assert [(r.type, r.subtype, r.q) for r in parse_accept('text/csv;q=0.5, application/*;x="a,b";q=1')] == \
        [("text", "csv", 0.5), ("application", "*", 1.0)]
    assert parse_accept(None) == parse_accept("  ") == ()
    with pytest.raises(MalformedAccept):
        parse_accept("text/csv; q=1.5")


@pytest.mark.parametrize("query, expected", [
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ("select * { service silent ?x { } }", True),
    ("SELECT * {FILTER(1<2)SERVICE<http://x/>{}}", True),
    ("SELECT ?service { ?service <http://x/SERVICE> 'SERVICE' }", False),
    ('SELECT * { ?s ?p """\nSERVICE <x> {}\n""" }', False),
    ("SELECT * { ?s ?p 'x'@service . ?s ex:SERVICE ?o } # SERVICE <x> {}", False),
])
def test_uses_service_finds_the_keyword_and_only_the_keyword(query, expected):
    assert uses_service(query) is expected


# -- the worker pool ------------------------------------------------------------------------

def test_a_pool_with_no_free_worker_says_it_is_busy(big_store):
    from kg.serve.pool import PoolBusy, WorkerPool
    from kg.serve.worker import QueryJob

    async def scenario():
        pool = WorkerPool(big_store, 1)
        await pool.start()
        try:
            taken = pool._idle.get_nowait()  # the one worker, as if busy with another request
            with pytest.raises(PoolBusy, match="all 1 query workers stayed busy for 0.2 s"):
                await pool.run(QueryJob(QueryOperation("ASK {}")), timeout=0.2)
            pool._idle.put_nowait(taken)
            answer = await pool.run(QueryJob(QueryOperation("ASK {}")), timeout=30)
            assert answer.outcome.status == 200 and answer.body.read() == b'{"head":{},"boolean":true}'
        finally:
            await pool.close()
        assert pool.pids() == []

    asyncio.run(scenario())


def test_a_worker_killed_from_outside_mid_query_is_a_500_and_is_replaced(big_store):
    psutil = pytest.importorskip("psutil")
    from kg.serve.pool import WorkerDied, WorkerPool
    from kg.serve.worker import QueryJob

    async def scenario():
        pool = WorkerPool(big_store, 1)
        await pool.start()
        try:
            (pid,) = pool.pids()

            async def kill_when_busy():
                worker = psutil.Process(pid)
                while worker.cpu_percent(interval=None) < 50:
                    await asyncio.sleep(0.1)
                worker.kill()  # as the kernel's out-of-memory killer would

            killer = asyncio.create_task(kill_when_busy())
            with pytest.raises(WorkerDied, match="exited before it answered"):
                await pool.run(QueryJob(QueryOperation(CROSS_PRODUCT)), timeout=None)
            await killer
            answer = await pool.run(QueryJob(QueryOperation("ASK {}")), timeout=60)
            assert answer.outcome.status == 200
            assert pool.pids() != [pid]
        finally:
            await pool.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("max_rows, partial", [(1500, "true"), (1999, "true"), (2000, "false"), (2001, "false")])
def test_max_rows_cuts_an_answer_written_in_many_chunks(big_store, max_rows, partial):
    with TestClient(create_app(ServeConfig(big_store, workers=1, max_rows=max_rows))) as client:
        for accept in ("application/sparql-results+json", "text/tab-separated-values"):
            r = client.get("/sparql", params={"query": "SELECT ?s ?o { ?s ?p ?o }"}, headers={"Accept": accept})
            assert len(r.content) > 4 * 8192  # pyoxigraph writes 8 KiB at a time: the cut falls in a later one
            assert r.headers["x-kg-partial"] == partial
            rows = list(ox.parse_query_results(r.content, ox.QueryResultsFormat.from_media_type(accept)))
            assert len(rows) == min(max_rows, 2000)
