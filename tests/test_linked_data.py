"""`kg serve` as linked data, on the seed article built with the real model:
every IRI kg mints dereferences (303 for things, 200 for documents), each
representation parses in pyoxigraph and rdflib, pages show the facts with
their sentences, caching answers 304, search and named queries answer, and
`kg publish` writes the same as a static site."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx2 as httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.serve.app import ServeConfig, create_app
from tests.test_serve_protocol import serving

BASE = "https://example.org/kg/"
STARMER = "entity/person/keir_starmer"
UK = "entity/place/united_kingdom"
DOC = "doc/uk-eu-data-sharing"
RDF_TYPES = {"text/turtle": ("turtle", ox.RdfFormat.TURTLE), "application/ld+json": ("json-ld", ox.RdfFormat.JSON_LD),
             "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES), "application/rdf+xml": ("xml", ox.RdfFormat.RDF_XML)}
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
              "rdf": "application/rdf+xml"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, seed_path, nlp) -> Path:
    from kg.graph import KnowledgeGraph

    path = tmp_path_factory.mktemp("linked") / "store"
    graph = KnowledgeGraph(path)
    graph.add_text(seed_path.read_text(encoding="utf-8"), doc_id="uk-eu-data-sharing")
    graph.close()
    return path


@pytest.fixture(scope="module")
def server(store_path):
    with serving(create_app(ServeConfig(store_path, workers=2, timeout=30, title="Seed graph"))) as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


def parse_both(body: bytes, media_type: str, base: str = BASE) -> tuple[set, rdflib.Graph]:
    """The triples in pyoxigraph and the graph in rdflib: both must read it."""
    rdflib_format, ox_format = RDF_TYPES[media_type]
    triples = {q.triple for q in ox.parse(body, format=ox_format, base_iri=base)}
    graph = rdflib.Graph().parse(data=body, format=rdflib_format, publicID=base)
    assert len(graph) == len(triples) > 0
    return triples, graph


# -- dereferencing -------------------------------------------------------------------------------
def test_an_entity_iri_answers_303_to_its_page_for_a_browser(server):
    r = server.get(f"/{STARMER}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 303
    assert urlsplit(r.headers["location"]).path == f"/page/{STARMER}.html"
    page = server.get(r.headers["location"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Keir Starmer</h1>" in page.text


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_an_entity_iri_answers_303_to_data_that_parses_in_both_parsers(server, media_type):
    r = server.get(f"/{STARMER}", headers={"Accept": media_type})
    assert r.status_code == 303
    data = server.get(r.headers["location"])
    assert data.status_code == 200 and data.headers["content-type"].split(";")[0] == media_type
    triples, graph = parse_both(data.content, media_type)
    starmer = ox.NamedNode(BASE + STARMER)
    labels = {t.object.value for t in triples if t.subject == starmer and t.predicate.value.endswith("#prefLabel")}
    assert labels == {"Keir Starmer"}
    assert ox.Triple(starmer, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                     ox.NamedNode("http://www.wikidata.org/entity/Q6383803")) in triples
    # the relation he takes part in, and the label of the entity at its other end
    assert ox.Triple(starmer, ox.NamedNode(BASE + "relation/make_trip_to"), ox.NamedNode(BASE + "entity/place/albania")) in triples
    assert any(t.subject.value == BASE + "entity/place/albania" and t.object.value == "Albania" for t in triples)


def test_every_data_format_of_an_entity_holds_the_same_graph(server):
    graphs = []
    for extension, media_type in EXTENSIONS.items():
        r = server.get(f"/data/{UK}.{extension}")
        assert r.status_code == 200
        graphs.append(parse_both(r.content, media_type)[1])
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


def test_format_parameter_overrides_accept(server):
    r = server.get(f"/{STARMER}?format=jsonld", headers={"Accept": "text/html"})
    assert r.status_code == 303 and urlsplit(r.headers["location"]).path == f"/data/{STARMER}.jsonld"
    bad = server.get(f"/{STARMER}?format=yaml")
    assert bad.status_code == 406 and "html, ttl, jsonld, nt, rdf" in bad.text


def test_a_document_iri_answers_200_with_its_whole_graph(server, store_path):
    r = server.get(f"/{DOC}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["vary"] == "Accept"
    assert urlsplit(r.headers["content-location"]).path == f"/data/{DOC}.ttl"
    triples, _ = parse_both(r.content, "text/turtle")
    from kg.store import GraphStore

    with GraphStore(store_path, read_only=True) as store:
        expected = {q.triple for q in store.quads(ox.NamedNode(BASE + DOC))}
    assert triples == expected
    # its statements are #fragments of it: each one in the graph it answered with
    statements = {t.subject.value for t in triples if t.object.value.endswith("#Statement")}
    assert statements and all(s.startswith(BASE + DOC + "#statement-") for s in statements)


def test_a_document_iri_answers_its_page_for_a_browser(server):
    r = server.get(f"/{DOC}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert urlsplit(r.headers["content-location"]).path == f"/page/{DOC}.html"
    assert "Facts read from it" in r.text and "Alliance News" in r.text


def test_unknown_iris_are_404_and_bad_accept_is_400(server):
    assert server.get("/entity/place/atlantis").status_code == 404
    assert server.get("/doc/no-such-article").status_code == 404
    assert server.get("/page/entity/place/atlantis.html").status_code == 404
    assert server.get(f"/data/{UK}.yaml").status_code == 404
    assert server.get(f"/{STARMER}", headers={"Accept": "image/png"}).status_code == 406
    assert server.get(f"/{STARMER}", headers={"Accept": "text/html;q=2"}).status_code == 400


# -- caching ---------------------------------------------------------------------------------------
def test_etag_and_last_modified_give_304(server):
    r = server.get(f"/page/{UK}.html")
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert server.get(f"/page/{UK}.html", headers={"If-None-Match": etag}).status_code == 304
    assert server.get(f"/page/{UK}.html", headers={"If-None-Match": '"other"'}).status_code == 200
    assert server.get(f"/page/{UK}.html", headers={"If-Modified-Since": modified}).status_code == 304
    # another representation is another tag
    assert server.get(f"/{DOC}", headers={"Accept": "text/turtle"}).headers["etag"] != \
        server.get(f"/{DOC}", headers={"Accept": "application/n-triples"}).headers["etag"]


# -- pages -----------------------------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_entity_page_shows_facts_grouped_with_sentence_article_date_and_confidence(server):
    html = server.get(f"/page/{UK}.html").text
    page = read_page(html)
    text = " ".join(" ".join(page.text).split())
    assert "Also called UK" in text and "Wikidata Q145" in text
    assert "United Kingdom agreed to share …" in text
    assert "Elsewhere the UK-EU deal pledged to work together" in text
    assert "2025-05-19" in text and "0.75" in text
    assert "http://www.wikidata.org/entity/Q145" in page.links
    # the neighbourhood picture names the entities beside it, each a link to its page
    assert '<svg viewBox="0 0 640 360"' in html and "European Union" in html
    assert any(link.endswith("page/entity/organization/european_union.html") for link in page.links)


def test_every_link_on_the_pages_resolves(server):
    seen, todo = set(), ["/", f"/page/{UK}.html", f"/page/{DOC}.html"]
    while todo:
        url = todo.pop()
        if url in seen or len(seen) > 200:
            continue
        seen.add(url)
        r = server.get(url)
        assert r.status_code == 200, url
        if not r.headers["content-type"].startswith("text/html"):
            continue
        for link in read_page(r.text).links:
            target = urljoin(f"http://testserver{url}", link)
            parts = urlsplit(target)
            if parts.netloc == "testserver" and not parts.query and not parts.path.startswith("/dumps/"):
                todo.append(parts.path)  # dumps: written in the background, tested below
    assert len(seen) > 15


def test_statements_are_anchors_of_their_document_page(server):
    html = server.get(f"/page/{DOC}.html").text
    ids = read_page(html).ids
    assert sum(i.startswith("statement-") for i in ids) >= 10 and "sentence-0" in ids


def test_hub_facts_are_paginated(server, store_path, monkeypatch):
    from kg.serve import resources
    from kg.store import GraphStore

    with GraphStore(store_path, read_only=True) as store:
        first = resources.entity_view(store, BASE + UK, page=1, per_page=2)
        second = resources.entity_view(store, BASE + UK, page=2, per_page=2)
        everything = resources.entity_view(store, BASE + UK, per_page=1000)
    assert first.pages == -(-everything.fact_count // 2) and len(first.facts) == 2
    assert not {f.statement for _, f in first.facts} & {f.statement for _, f in second.facts}
    assert [f.statement for _, f in everything.facts][:4] == [f.statement for _, f in first.facts + second.facts]
    assert server.get(f"/page/{UK}.html?page=99").status_code == 200  # past the end: the last page


def test_pages_escape_what_the_text_says(tmp_path, nlp):
    from kg.graph import KnowledgeGraph
    from kg.serve.answers import PageJob, answer
    from kg.serve.pages import SiteInfo
    from kg.store import GraphStore

    path = tmp_path / "store"
    graph = KnowledgeGraph(path)
    graph.add_text('Angela Merkel met <script>alert(1)</script> Emmanuel Macron in Paris on Monday. '
                   'Macron said "<b>we agree</b>" to Merkel.', doc_id="x<y>")
    graph.close()
    with GraphStore(path, read_only=True) as store:
        body = answer(store, PageJob("page", SiteInfo("t"), rel="doc/x%3Cy%3E", here="page/doc/x%3Cy%3E.html")).body
    html = body.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>we agree</b>" not in html


# -- search and named queries ----------------------------------------------------------------------
def test_autocomplete_finds_entities_by_label_and_alias(server):
    hits = server.get("/search/labels", params={"q": "kei"}).json()
    assert hits[0]["label"] == "Keir Starmer" and hits[0]["href"] == f"page/{STARMER}.html"
    assert hits[0]["iri"] == BASE + STARMER
    assert [h["label"] for h in server.get("/search/labels", params={"q": "UK"}).json()][:1] == ["United Kingdom"]
    assert server.get("/search/labels", params={"q": "zzzz"}).json() == []


def test_search_page_finds_sentences(server):
    text = " ".join(read_page(server.get("/search", params={"q": "facial image"}).text).text)
    assert "The UK will enter talks to access facial image data sharing" in text


def test_named_queries_run_with_parameters_as_pages_and_results(server):
    page = server.get("/queries/entity", params={"entity": "Keir Starmer"})
    assert page.status_code == 200 and "make_trip_to" in page.text
    results = server.get("/queries/relations", headers={"Accept": "application/sparql-results+json"}).json()
    assert results["head"]["vars"] and len(results["results"]["bindings"]) >= 5
    unknown = server.get("/queries/entity", params={"entity": "Nobody At All"})
    assert unknown.status_code == 400 and "Nobody At All" in unknown.text
    assert server.get("/queries/no-such-query").status_code == 404


def test_landing_page_lists_counts_named_queries_and_dumps(server):
    html = server.get("/").text
    text = " ".join(" ".join(read_page(html).text).split())
    assert "1 articles" in text or "1 article" in text
    assert "relations-between" in text and "Ask the graph in SPARQL" in text
    assert 'id="query-form"' in html


# -- dumps and VoID --------------------------------------------------------------------------------
def test_dumps_match_the_sizes_and_checksums_dcat_gives(server, store_path):
    for _ in range(100):  # written in the background when the server starts
        void = server.get("/.well-known/void", headers={"Accept": "text/turtle"})
        if "dataset.trig.gz" in void.text:
            break
        import time

        time.sleep(0.1)
    graph = rdflib.Graph().parse(data=void.text, format="turtle")
    dcat, spdx = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.Namespace("http://spdx.org/rdf/terms#")
    downloads = list(graph.subject_objects(dcat.downloadURL))
    assert {str(url).rsplit("/", 1)[-1] for _, url in downloads} == {"dataset.nq.gz", "dataset.trig.gz"}
    from kg.store import GraphStore

    with GraphStore(store_path, read_only=True) as store:
        expected = set(store.quads())
    for distribution, url in downloads:
        body = server.get(urlsplit(str(url)).path).content
        assert int(graph.value(distribution, dcat.byteSize)) == len(body)
        checksum = graph.value(distribution, spdx.checksum)
        assert str(graph.value(checksum, spdx.checksumValue)) == hashlib.sha256(body).hexdigest()
        fmt = ox.RdfFormat.N_QUADS if str(url).endswith(".nq.gz") else ox.RdfFormat.TRIG
        assert set(ox.parse(gzip.decompress(body), format=fmt)) == expected


# -- hostile requests ------------------------------------------------------------------------------
@pytest.mark.parametrize("path, status", [
    ("/page/../../../etc/passwd.html", 404), ("/static/../app.py", 404), ("/dumps/../../kg-seal.json", 404),
    ("/entity/%00", 400), ("/" + "e" * 10_000, 414), ("/entity/%ZZ", 404), ('/entity/"<>', 404),
])
def test_hostile_paths_get_a_clean_answer(server, path, status):
    r = server.get(path)
    assert r.status_code == status
    assert server.get("/").status_code == 200  # and the server is still there


def test_pages_carry_a_content_security_policy(server):
    r = server.get(f"/page/{UK}.html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_writes_to_pages_are_refused(server):
    r = server.post(f"/page/{UK}.html", content=b"x")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"


# -- in a browser ---------------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: the pages are not drawn in a browser")
@pytest.mark.parametrize("path", ["/", f"/{STARMER}", f"/{DOC}", "/search?q=channel",
                                  "/queries/entity?entity=Keir+Starmer"])
def test_chromium_renders_the_pages_with_no_console_errors(server, path):
    url = f"{server.base_url}{path}"
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                              "--no-first-run", "--disable-background-networking", "--disable-component-update",
                              "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                              "--dump-dom", "--virtual-time-budget=10000", url],
                             capture_output=True, text=True, timeout=180)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, "console errors or policy violations:\n" + "\n".join(console)
    assert 'data-script="ready"' in run.stdout  # the script ran, under the page's policy
    assert "<h1>" in run.stdout


# -- kg publish ------------------------------------------------------------------------------------
def test_publish_writes_the_same_pages_and_data_as_a_static_site(store_path, tmp_path):
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "kg", "publish", "--store", str(store_path), "--out", str(out),
                           "--title", "Seed graph"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"wrote .*: \d+ pages, \d+ data documents", done.stdout)
    assert (out / f"page/{UK}.html").is_file() and (out / f"page/{DOC}.html").is_file()
    for extension, media_type in EXTENSIONS.items():
        parse_both((out / f"data/{STARMER}.{extension}").read_bytes(), media_type)
    labels = json.loads((out / "search/labels.json").read_text())
    assert {"label": "Keir Starmer", "kind": "Person", "href": f"page/{STARMER}.html"} in labels
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    assert (None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"), None) in void
    dataset = rdflib.URIRef(BASE + "void.ttl#dataset")
    assert (dataset, rdflib.URIRef("http://rdfs.org/ns/void#triples"), None) in void
    assert (dataset, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) not in void  # a static copy
    assert "/entity/*" in (out / "_redirects").read_text()
    # the static page is the served page, but for its links and the parts that need a server
    page = (out / f"page/{UK}.html").read_text()
    assert "United Kingdom agreed to share …" in " ".join(" ".join(read_page(page).text).split())
    assert 'href="../../../static/site.css"' in page


def test_publish_never_replaces_a_folder_it_did_not_write(store_path, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    done = subprocess.run([sys.executable, "-m", "kg", "publish", "--store", str(store_path), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "kg-site.json" in done.stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_publish_links_write_percent_signs_for_a_static_host(tmp_path, nlp):
    """An id with a slash is one percent-encoded segment; the file keeps the
    encoding and the link escapes its % so a host that decodes once finds it."""
    from kg.graph import KnowledgeGraph
    from kg.serve.pages import SiteInfo
    from kg.serve.publish import publish
    from kg.store import GraphStore

    path = tmp_path / "store"
    graph = KnowledgeGraph(path)
    graph.add_text("Angela Merkel visited Paris on Monday.", doc_id="world/001")
    graph.close()
    with GraphStore(path, read_only=True) as store:
        publish(store, tmp_path / "site", site=SiteInfo("t"))
    assert (tmp_path / "site/page/doc/world%2F001.html").is_file()
    landing = (tmp_path / "site/index.html").read_text()
    assert 'href="page/doc/world%252F001.html"' in landing


# -- links, for any IRI kg mints ---------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from urllib.parse import unquote  # noqa: E402

from kg.rdf.iris import IriMinter  # noqa: E402
from kg.serve.pages import Links  # noqa: E402

KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(key=KEYS, doc_id=KEYS, kind=st.sampled_from(["Person", "Country", "Organization", "Thing"]))
def test_a_page_link_leads_back_to_its_iri_on_the_server_and_on_a_static_host(key, doc_id, kind):
    minter = IriMinter(BASE)
    for iri in (minter.entity(key, kind).value, minter.document(doc_id).value, minter.relation(key).value):
        served = Links(BASE, "page/a/b.html").page(iri)
        assert served.startswith("../../page/") and served.endswith(".html")
        # the server reads its raw path: page/{rel}.html names BASE + rel
        assert BASE + served[len("../../page/"):-len(".html")] == iri
        # a static host decodes the path once and finds the file named with the IRI's encoding
        static = Links(BASE, "page/a/b.html", static=True).page(iri)
        assert unquote(static)[len("../../page/"):-len(".html")] == iri[len(BASE):]


# -- a remote store ----------------------------------------------------------------------------------
def test_kg_serve_serves_a_dataset_held_by_another_sparql_server(tmp_path):
    """`--store URL`: the pages and the endpoint answer from an Oxigraph server
    holding a kg dataset, its queries running there."""
    from kg.build import build as build_into
    from kg.store.remote import RemoteStore
    from tests.test_remote_store import DOCS
    from tests.test_remote_store import serve as oxigraph_server

    with oxigraph_server(tmp_path / "db") as url:
        remote = RemoteStore(url)
        build_into(DOCS, remote)
        remote.close()
        with serving(create_app(ServeConfig(url, workers=1, timeout=60))) as served, \
                httpx.Client(base_url=served, timeout=60) as client:
            r = client.get(f"/{STARMER}", headers={"Accept": "text/html"})
            assert r.status_code == 303
            page = client.get(r.headers["location"])
            assert page.status_code == 200 and "<h1>Keir Starmer</h1>" in page.text
            data = client.get(f"/{STARMER}", headers={"Accept": "text/turtle"}, follow_redirects=True)
            triples, _ = parse_both(data.content, "text/turtle")
            assert any(t.object.value == "Keir Starmer" for t in triples)
            assert client.get("/search/labels", params={"q": "starm"}).json()[0]["label"] == "Keir Starmer"
            answer = client.get("/sparql", params={"query": "ASK { ?d a kg:Document }"},
                                headers={"Accept": "application/sparql-results+json"})
            assert answer.json()["boolean"] is True
