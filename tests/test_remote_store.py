"""Issue 6, item 5: a remote SPARQL store (a real `oxigraph serve`) behaves like the embedded one.

The same two short documents are built into an Oxigraph server through the Graph
Store Protocol and into an in-memory ``GraphStore``; the two must hold the same
quads (build times aside) and answer queries with the same rows.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build import build
from kg.errors import QueryError, StoreError
from kg.model import Article
from kg.query import list_queries, load_query, run
from kg.store.documents import remove_documents
from kg.store.entities import repair
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import PROV
from kg.rdf.terms import KG
from kg.store import GraphStore, open_store
from kg.store.remote import RemoteStore, bind_values

from .conftest import content

DOCS = [
    Article(doc_id="politics/uk eu talks", title='UK and EU to hold "reset" talks', date="2025-05-19",
            source="Example News",
            text=("LONDON (Example News) - Prime Minister Keir Starmer will enter talks with the European Union "
                  "on Monday, officials said.\nThe talks in Brussels will focus on defence and the "
                  "\"reset\" of trade ties with France and Germany.\n")),
    Article(doc_id="business/café-deal", title="France and Germany sign trade pact", date="2025-05-20",
            text=("PARIS - France signed a trade agreement with Germany in Berlin on Tuesday. "
                  "Emmanuel Macron said the deal would help farmers across the European Union.\n")),
]
CHANGED = Article(doc_id="business/café-deal", title="France and Germany sign trade pact", date="2025-05-20",
                  text=("PARIS - France signed a trade agreement with Germany in Munich on Tuesday. "
                        "Emmanuel Macron said the deal would help farmers across the European Union.\n"))
BUILD_TIMES = (PROV.startedAtTime, PROV.endedAtTime)


# -- a real Oxigraph server -----------------------------------------------------------
def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        pytest.skip("the `oxigraph` server binary is not installed; `pip install oxigraph` "
                    "(it is in kg's [test] extra) to run the remote-store tests")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(location: Path, *flags: str):
    """Run `oxigraph serve` on a free 127.0.0.1 port; yield its root URL."""
    binary = _oxigraph_binary()
    port = _free_port()
    log_path = location.with_suffix(".log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                                 *flags], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60  # a generous start-up allowance, not a measurement
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited with {proc.returncode}: {log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not start listening: {log_path.read_text()}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(remote store, embedded store), each holding DOCS built by kg.build.build."""
    with serve(tmp_path_factory.mktemp("oxigraph") / "db") as url:
        remote, embedded = RemoteStore(url), GraphStore(None)
        remote_report, embedded_report = build(DOCS, remote), build(DOCS, embedded)
        assert remote_report.documents == embedded_report.documents == 2
        assert remote_report.triples == embedded_report.triples
        yield remote, embedded
        remote.close()


@pytest.fixture
def fresh(tmp_path):
    """(remote, embedded) stores with DOCS, on a server of this test's own."""
    with serve(tmp_path / "db") as url:
        remote, embedded = RemoteStore(url), GraphStore(None)
        build(DOCS, remote)
        build(DOCS, embedded)
        yield remote, embedded
        remote.close()


def rows(store, query, params=None, build_times=frozenset()) -> list[tuple[str, ...]]:
    """The answer's rows as sorted tuples of text; a term in ``build_times``
    reads "<build time>" (two stores built a moment apart differ only there)."""
    result = run(store, query, params)
    if result.boolean is not None:
        return [(str(result.boolean),)]
    return sorted(tuple(_cell(term, build_times) for term in row) for row in result.rows)


def build_times(store) -> set[ox.Literal]:
    return {q.object for q in store.quads() if q.predicate in BUILD_TIMES}


def _cell(term, build_times=frozenset()) -> str:
    """A term as text; a GROUP_CONCAT list with its parts sorted, since SPARQL
    leaves their order to the engine."""
    if term in build_times:
        return "<build time>"
    if isinstance(term, ox.Literal) and ", " in term.value:
        return ", ".join(sorted(term.value.split(", "))) + f"|{term.language}|{term.datatype}"
    return str(term)


# -- the build --------------------------------------------------------------------------
def test_remote_build_is_isomorphic_to_embedded(built):
    remote, embedded = built
    remote_quads = content(remote)
    assert len(remote_quads) > 200
    assert remote_quads == content(embedded)
    assert remote.named_graphs() == embedded.named_graphs()
    assert len(remote.named_graphs()) == 3  # two documents and the entity graph
    assert IriMinter().entity_graph() in remote.named_graphs()
    assert len(remote) == len(embedded)
    assert remote.document_hashes() == embedded.document_hashes()
    # text with quotes and newlines survived N-Triples on the wire
    doc = IriMinter().document("politics/uk eu talks")
    anchors = {q.object.value for q in remote.quads(doc) if q.predicate.value.endswith("#anchorOf")}
    assert any('"reset"' in a for a in anchors)


def test_rebuild_skips_unchanged_documents(built):
    remote, _ = built
    before = content(remote)
    report = build(DOCS, remote)
    assert (report.documents, report.unchanged, report.triples) == (0, 2, 0)
    assert content(remote) == before


def test_changed_document_replaces_its_graph(fresh):
    remote, embedded = fresh
    graph = IriMinter().document(CHANGED.doc_id)
    old = {q for q in remote.quads(graph) if q.predicate not in BUILD_TIMES}
    report = build([DOCS[0], CHANGED], remote)
    build([DOCS[0], CHANGED], embedded)
    assert (report.documents, report.unchanged) == (1, 1)
    new = {q for q in remote.quads(graph) if q.predicate not in BUILD_TIMES}
    texts = " ".join(q.object.value for q in new if isinstance(q.object, ox.Literal))
    assert "Munich" in texts and "Berlin" not in texts
    assert old - new, "the old version's quads should be gone"
    assert content(remote) == content(embedded)
    assert [q for q in remote.quads(graph) if q.predicate == KG.contentHash] == \
        [q for q in embedded.quads(graph) if q.predicate == KG.contentHash]


def test_remove_document(fresh):
    remote, embedded = fresh
    graph = IriMinter().document(DOCS[1].doc_id)
    assert remove_documents(remote, [DOCS[1].doc_id]) == ([DOCS[1].doc_id], [])
    assert remove_documents(embedded, [DOCS[1].doc_id]) == ([DOCS[1].doc_id], [])
    assert graph not in remote.named_graphs()
    assert list(remote.quads(graph)) == []
    assert content(remote) == content(embedded)  # the entity graphs were refreshed alike
    assert remote.remove_document(graph) is False
    report = build(DOCS, remote)  # the removed document is built again, the other skipped
    assert (report.documents, report.unchanged) == (1, 1)


def test_a_users_graph_survives_builds_removes_and_repairs_on_a_remote_store(fresh):
    remote, _ = fresh
    mine = ox.NamedNode("http://example.com/mygraph")
    body = ox.serialize([ox.Triple(ox.NamedNode("http://example.com/a"), ox.NamedNode("http://example.com/p"),
                                   ox.Literal("mine"))], format=ox.RdfFormat.N_TRIPLES)
    requests.put(remote.gsp_endpoint, params={"graph": mine.value}, data=body,
                 headers={"Content-Type": "application/n-triples"}, timeout=30).raise_for_status()
    build([DOCS[0], CHANGED], remote)
    remove_documents(remote, [DOCS[0].doc_id])
    with RemoteStore(remote.url) as reopened:
        repair(reopened, rebuild=True)
        assert [q.object.value for q in reopened.quads(mine)] == ["mine"]


def test_opening_drops_a_graph_left_without_its_commit_marker(fresh):
    remote, _ = fresh
    half = ox.NamedNode("https://example.org/kg/doc/half-written")
    body = ox.serialize([ox.Triple(half, KG.surfaceText, ox.Literal("no marker"))], format=ox.RdfFormat.N_TRIPLES)
    requests.put(remote.gsp_endpoint, params={"graph": half.value}, data=body,
                 headers={"Content-Type": "application/n-triples"}, timeout=30).raise_for_status()
    assert half in remote.named_graphs()
    with RemoteStore(remote.url) as reopened:
        assert half not in reopened.named_graphs()
        assert len(reopened.named_graphs()) == 3  # two documents and the entity graph


# -- queries --------------------------------------------------------------------------
QUERIES = [
    ("SELECT ?label ?type WHERE { ?e rdfs:label ?label ; a ?type }", None),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", None),
    # a parameter used only in a FILTER: bound before the group is evaluated, as pyoxigraph does
    ("SELECT ?kind ?label WHERE { ?e a ?t ; rdfs:label ?label FILTER(?t = ?kind) }",
     {"kind": "<https://schema.org/Country>"}),
    ("SELECT ?word ?text WHERE { ?s a kg:Sentence ; nif:anchorOf ?text FILTER(CONTAINS(?text, ?word)) }",
     {"word": "talks"}),
    ("ASK { ?e rdfs:label \"Keir Starmer\"@en }", None),
    ("CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a schema:Person ; rdfs:label ?l }", None),
]


@pytest.mark.parametrize(("query", "params"), QUERIES)
def test_queries_give_the_same_rows(built, query, params):
    remote, embedded = built
    expected = rows(embedded, query, params)
    assert expected and expected != [("False",)]
    assert rows(remote, query, params) == expected


ARGUMENTS = {"entity": "European Union", "other": "France", "string": "talks", "relation": "entered talks with",
             "class": "Country"}


def test_named_queries_give_the_same_rows(built):
    remote, embedded = built
    stamps = [(store, build_times(store)) for store in (embedded, remote)]  # provenance-of-fact shows them
    ran = 0
    for name in sorted(list_queries()):
        named = load_query(name)
        required = [p for p in named.parameters if p.required]
        if any(p.kind not in ARGUMENTS for p in required):
            continue
        params = {p.name: ARGUMENTS[p.kind] for p in required}
        outcomes = []
        for store, times in stamps:
            try:
                outcomes.append(rows(store, named, params, times))
            except QueryError as exc:
                outcomes.append(type(exc).__name__)
        assert outcomes[1] == outcomes[0], name
        ran += 1
    if ran == 0:
        pytest.skip("no named queries in queries/ to compare")


def test_parameter_values_cannot_break_out_of_the_query(built):
    remote, _ = built
    for text in ['"} } ; DROP ALL ; #', "x' . ?s ?p ?o", "line\nbreak \\ \u0001 \U0001F600", "<http://x/>"]:
        answer = list(remote.query("SELECT ?v WHERE { }", substitutions={ox.Variable("v"): ox.Literal(text)}))
        assert [row["v"] for row in answer] == [ox.Literal(text)]
    assert len(remote.named_graphs()) == 3  # nothing dropped: two documents and the entity graph


def test_syntax_error_is_a_query_error_with_the_users_line(built):
    remote, _ = built
    with pytest.raises(QueryError, match=r"syntax error: error at 2:"):
        remote.query("SELECT ?x WHERE {\n  ?x ?y }", prefixes={"kg": KG.contentHash.value[:-11]})


def test_dump_and_load_round_trip(built, tmp_path):
    remote, embedded = built
    dump = tmp_path / "store.nq"
    with open(dump, "wb") as fh:
        remote.dump(fh, ox.RdfFormat.N_QUADS)
    copy = GraphStore(None)
    with open(dump, "rb") as fh:
        copy.load(fh, ox.RdfFormat.N_QUADS)
    assert set(copy.quads()) == set(remote.quads())
    with serve(tmp_path / "second") as url, RemoteStore(url) as second:
        with open(dump, "rb") as fh:
            second.load(fh, ox.RdfFormat.N_QUADS)
        assert set(second.quads()) == set(remote.quads())


def test_open_store_picks_the_backend(built, tmp_path):
    remote, _ = built
    with open_store(remote.url, read_only=True) as store:
        assert isinstance(store, RemoteStore) and len(store) == len(remote)
        with pytest.raises(StoreError, match="read-only"):
            store.remove_document(store.named_graphs()[0])
    with open_store(str(tmp_path / "local")) as store:
        assert isinstance(store, GraphStore)


def test_native_union_default_graph(tmp_path):
    graph = ox.NamedNode("https://example.org/kg/doc/one")
    quads = [ox.Quad(graph, KG.surfaceText, ox.Literal("hello"), graph),
             ox.Quad(graph, KG.contentHash, ox.Literal("h1"), graph)]
    with serve(tmp_path / "db", "--union-default-graph") as url, \
            RemoteStore(url, union_default_graph="native") as store:
        assert store.write_documents({graph: quads}) == 2
        found = [r["t"].value for r in store.query("SELECT ?t WHERE { ?d kg:surfaceText ?t }",
                                                   prefixes={"kg": KG.surfaceText.value[:-11]})]
        assert found == ["hello"]
        assert store.document_hashes() == {graph.value: "h1"}
    with pytest.raises(StoreError, match="neither 'oxigraph', 'native' nor a graph IRI"):
        RemoteStore("http://127.0.0.1:1/", union_default_graph="not an iri")


# -- failures a user can meet ---------------------------------------------------------
def test_stopped_server_gives_a_clear_store_error(tmp_path):
    with serve(tmp_path / "db") as url:
        store = RemoteStore(url)
    with pytest.raises(StoreError, match=r"cannot reach http://127\.0\.0\.1:\d+/query \(connection refused\)"):
        build(DOCS, store)
    with pytest.raises(StoreError, match="connection refused"):
        store.write_documents({IriMinter().document("x"): []})


def test_silent_server_gives_a_timeout_error():
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(StoreError, match=r"did not answer within 0\.3 s"):
            RemoteStore(url, timeout=0.3)


def test_http_error_names_the_status_and_the_servers_message(built):
    remote, _ = built
    wrong = RemoteStore(remote.url, gsp_endpoint=remote.url + "no-such-endpoint", read_only=False)
    with pytest.raises(StoreError, match=r"HTTP 404 Not Found: PUT /no-such-endpoint is not supported"
                                         r".*Graph Store Protocol"):
        wrong.write_documents({IriMinter().document("x"): []})


def test_credentials_are_not_echoed():
    with pytest.raises(StoreError) as info:
        RemoteStore("http://reader:s3cret@127.0.0.1:1/")
    assert "s3cret" not in str(info.value) and "reader:***@" in str(info.value)


# -- binding parameters, without a server ---------------------------------------------
def _answer(result):
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = result.variables
        return sorted(tuple(str(s[v]) for v in names) for s in result)
    return sorted(str(t) for t in result)


@pytest.fixture(scope="module")
def small():
    store = ox.Store()
    ex = "http://example.com/"
    for i, (name, label) in enumerate([("a", "Alpha"), ("b", "Beta {x}"), ("c", "Gamma")]):
        g = ox.NamedNode(f"{ex}g{i}")
        store.add(ox.Quad(ox.NamedNode(ex + name), ox.NamedNode(ex + "label"), ox.Literal(label), g))
        store.add(ox.Quad(ox.NamedNode(ex + name), ox.NamedNode(ex + "rank"), ox.Literal(i), g))
    return store


E = "http://example.com/"
SHAPES = [
    ("SELECT ?q ?l WHERE { ?e <http://example.com/label> ?l FILTER(CONTAINS(?l, ?q)) }", "q", ox.Literal("e")),
    ("# SELECT { in a comment\nSELECT ?q (COUNT(*) AS ?n) WHERE { ?e <http://example.com/label> ?l "
     "FILTER(CONTAINS(?l, ?q)) } GROUP BY ?q", "q", ox.Literal("a")),
    ('SELECT ?e ?l WHERE { ?e <http://example.com/label> ?l FILTER(?l != "} { SELECT") }', "e", ox.NamedNode(E + "b")),
    ("ASK { ?e <http://example.com/label> ?l }", "e", ox.NamedNode(E + "nobody")),
    ("SELECT ?e (EXISTS { ?e <http://example.com/rank> ?r } AS ?ranked) WHERE { ?e <http://example.com/label> ?l }",
     "e", ox.NamedNode(E + "c")),
    ("CONSTRUCT { ?e <http://example.com/seen> ?l } WHERE { ?e <http://example.com/label> ?l }",
     "e", ox.NamedNode(E + "a")),
    ("SELECT * { { SELECT ?e WHERE { ?e ?p ?o } } ?e <http://example.com/label> ?l }", "e", ox.NamedNode(E + "a")),
    ("SELECT ?g ?e WHERE { GRAPH ?g { ?e <http://example.com/label> ?l } }", "g", ox.NamedNode(E + "g1")),
]


@pytest.mark.parametrize(("query", "name", "value"), SHAPES)
def test_bound_values_answer_like_pyoxigraph_substitutions(small, query, name, value):
    subs = {ox.Variable(name): value}
    expected = _answer(small.query(query, substitutions=subs, use_default_graph_as_union=True))
    assert _answer(small.query(bind_values(query, subs), use_default_graph_as_union=True)) == expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
       language=st.sampled_from([None, "en", "fr-BE"]))
def test_any_literal_round_trips_through_bind_values(text, language):
    literal = ox.Literal(text, language=language) if language else ox.Literal(text)
    query = bind_values("SELECT ?v WHERE { }", {ox.Variable("v"): literal})
    assert [row["v"] for row in ox.Store().query(query)] == [literal]


@pytest.mark.parametrize(("query", "message"), [
    ("CONSTRUCT WHERE { ?s ?p ?o }", "short `CONSTRUCT WHERE"),
    ("DESCRIBE <http://example.com/a>", "DESCRIBE query that has a WHERE"),
    ("INSERT DATA { <http://example.com/a> <http://example.com/b> 1 }", "update with a WHERE group"),
])
def test_bind_values_refuses_what_it_cannot_place(query, message):
    with pytest.raises(QueryError, match=message):
        bind_values(query, {ox.Variable("s"): ox.NamedNode(E + "a")})


def test_bind_values_refuses_blank_nodes():
    with pytest.raises(QueryError, match="only IRIs and literals"):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {ox.Variable("s"): ox.BlankNode()})


def test_a_query_over_a_named_dataset_gives_the_same_rows_on_both_stores(built):
    """The SPARQL protocol's default-graph-uri/named-graph-uri (what kg serve passes on)."""
    remote, embedded = built
    doc = IriMinter().document("politics/uk eu talks")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    for store in (remote, embedded):
        only = int(next(iter(store.query(count, default_graph=[doc])))["n"].value)
        assert only == sum(1 for _ in embedded.quads(doc))
        assert [row["g"] for row in store.query(named, named_graphs=[doc])] == [doc]
        assert int(next(iter(store.query(count, default_graph=[])))["n"].value) == 0
