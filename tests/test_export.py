"""Exports: RDF round trips, the entity graph for Gephi/yEd, and the HTML page.

Most tests use a small store built from hand-made extraction records with
hostile text (quotes, backslashes, newlines, control characters, right-to-left
script, emoji, markup) and hostile document ids, mapped to RDF by the real
mapper; one test runs the real model end to end.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.errors import ExportError, InputError
from kg.export import FORMATS, write_export
from kg.export.html import entity_layout, generate_html, write_html
from kg.export.formats import write_gexf, write_graphml
from kg.export.network import display_text
from kg.export.views import entity_graph
from kg.export.rdf import write_rdf
from kg.model import Argument, Article, Entity, Extraction, Mention, Relation, Sentence
from kg.rdf.iris import IriMinter
from kg.rdf.mapping import extraction_quads
from kg.store import GraphStore
from kg.store.entities import write_documents

ROOT = Path(__file__).resolve().parents[1]
IRIS = IriMinter()
RDF_FORMATS = ["turtle", "trig", "nquads", "ntriples", "jsonld", "rdfxml"]
QUAD_FORMATS = {"trig", "nquads", "jsonld"}
RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt",
                 "jsonld": "json-ld", "rdfxml": "xml"}

XSS = "<script>alert(1)</script>"
NASTY = ['Quote "double" \'single\'', "back\\slash \\n \\u0041", "line\nbreak\r\nand\ttab",
         "\u0645\u0631\u062d\u0628\u0627 \u05e2\u05d1\u05e8\u05d9\u05ea \u202eRTL override",
         "emoji \U0001F469\u200d\U0001F4BB \U0001F1EC\U0001F1E7", "</script><!--<script>", "a & b; &amp; ]]>"]
BELL = "bell \x07 and \x1b escape"
HOSTILE_IDS = ["business/001", "a b#c%d?e=f&g", "caf\u00e9 \u65e5\u672c/\u0416 \U0001F600", "..", "%2F"]


# -- fixtures: hand-made extraction records through the real mapper ---------------------------

def _entity(key, label, kind, *spans):
    mentions = tuple(Mention(start, end, label[: end - start], 0, "X") for start, end in spans)
    return Entity(key=key, label=label, type=kind, mentions=mentions)


def _relation(subj, obj, predicate, label, *, sentence=0, start=0, end=10, confidence=0.5, **kw):
    return Relation(subject=Argument(subj, start, start + 2, subj), phrase=label, predicate=predicate, label=label,
                    object=Argument(obj, end - 2, end, obj), sentence=sentence, start=start, end=end,
                    confidence=confidence, **kw)


def _extraction(doc_id, sentence, entities, relations, *, title=None):
    text = sentence + " The end."
    return Extraction(article=Article(doc_id=doc_id, text=text, title=title),
                      sentences=(Sentence(0, 0, len(sentence), sentence), Sentence(1, len(sentence) + 1, len(text), "The end.")),
                      entities=tuple(entities), relations=tuple(relations), words=len(text.split()))


def _documents(*, bell: bool):
    """Three documents: hostile ids, hostile labels and sentences; the triple
    uk -> eu appears in two documents (so triple formats must write it once)."""
    uk = _entity("united kingdom", "United Kingdom", "Country", (0, 2))
    eu = _entity("european union", "European Union", "Organization", (10, 12), (20, 22))
    xss = _entity("xss", XSS, "Person", (30, 40))
    nasty = [_entity(f"nasty {i}", label, "Organization", (50 + i, 51 + i)) for i, label in enumerate(NASTY)]
    docs = [
        _extraction(HOSTILE_IDS[0], "The UK will enter talks with the EU.", [uk, eu], [
            _relation("united kingdom", "european union", "enter_talk_with", "entered talks with", confidence=0.6),
            _relation("european union", "united kingdom", "might_sue", "might sue", modality="might"),
        ], title=XSS),
        _extraction(HOSTILE_IDS[1], f"The UK met the EU; {XSS} \"quoted\" \\ back.", [uk, eu, xss, *nasty], [
            _relation("united kingdom", "european union", "enter_talk_with", "entered talks with", confidence=0.9,
                      start=2, end=30),
            _relation("united kingdom", "european union", "criticise", "criticised", start=3, end=20),
            _relation("xss", "united kingdom", "praise", XSS, confidence=0.7),
            _relation("xss", "xss", "quote", "quoted", confidence=0.4),
            _relation("nasty 0", "nasty 4", "link", NASTY[3], confidence=0.3),
        ]),
        _extraction(HOSTILE_IDS[2], NASTY[2] + " " + NASTY[4], [eu, *nasty[:3]], [
            _relation("nasty 1", "nasty 2", "deny", "denied", negated=True),
        ], title=NASTY[0]),
    ]
    if bell:
        bad = _entity("bell", BELL, "Person", (0, 4))
        docs.append(_extraction(HOSTILE_IDS[3], "Bell \x07 rang.", [bad], [], title=BELL))
    docs.append(_extraction(HOSTILE_IDS[4], "Nothing here.", [], []))
    return docs


def _store(*, bell: bool = True) -> GraphStore:
    """The documents' graphs, and the entity graph describing their entities once."""
    store = GraphStore(None)
    graphs: dict = {}
    for x in _documents(bell=bell):
        for quad in extraction_quads(x, IRIS, model="test-model"):
            graphs.setdefault(quad.graph_name, []).append(quad)
    write_documents(store, graphs)
    return store


@pytest.fixture(scope="module")
def store() -> GraphStore:
    return _store(bell=True)


@pytest.fixture(scope="module")
def xml_store() -> GraphStore:
    """The same data without the control characters XML 1.0 cannot carry."""
    return _store(bell=False)


def _export(store, fmt, **kw) -> tuple[int, bytes]:
    out = io.BytesIO()
    n = write_export(store, fmt, out, **kw)
    return n, out.getvalue()


# -- RDF ----------------------------------------------------------------------------------------

def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _expected_graphs(store) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    for q in store.quads():
        graphs.setdefault(q.graph_name.value, rdflib.Graph()).add(tuple(map(_to_rdflib, (q.subject, q.predicate, q.object))))
    return graphs


def _union(store) -> rdflib.Graph:
    union = rdflib.Graph()
    for g in _expected_graphs(store).values():
        for t in g:
            union.add(t)
    return union


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_formats_parse_back_in_pyoxigraph(store, xml_store, fmt):
    source = xml_store if fmt == "rdfxml" else store
    n, data = _export(source, fmt)
    parsed = list(ox.parse(data, format=ox.RdfFormat.from_extension({"turtle": "ttl", "trig": "trig",
                  "nquads": "nq", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}[fmt])))
    if fmt in QUAD_FORMATS:
        assert set(parsed) == set(source.quads())
        assert n == len(source)
    else:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in source.quads()}
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples
        assert n == len(parsed) == len(triples) < len(source)  # the union, each triple once


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_formats_parse_back_in_rdflib_isomorphic(store, xml_store, fmt):
    source = xml_store if fmt == "rdfxml" else store
    _, data = _export(source, fmt)
    if fmt in QUAD_FORMATS:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        parsed = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        expected = _expected_graphs(source)
        assert parsed.keys() == expected.keys()
        for name, graph in expected.items():
            assert isomorphic(parsed[name], graph), name
    else:
        parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert isomorphic(parsed, _union(source))


def test_hostile_text_survives_exactly(store):
    _, data = _export(store, "ntriples")
    labels = {t.object.value for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
              if t.predicate.value.endswith("#label")}
    assert {XSS, BELL, *NASTY} <= labels
    ids = {t.object.value for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if t.predicate.value.endswith("/identifier")}
    assert set(HOSTILE_IDS) <= ids


def test_turtle_and_trig_use_the_dataset_prefixes(store):
    for fmt in ("turtle", "trig"):
        text = _export(store, fmt)[1].decode()
        assert "@prefix kg: <https://w3id.org/newskg/ns#>" in text
        assert "@prefix rel: <https://example.org/kg/relation/>" in text
        assert "@prefix place: <https://example.org/kg/entity/place/>" in text
        assert "rel:enter_talk_with" in text and "place:united_kingdom" in text


def test_rdfxml_refuses_control_characters_and_leaves_no_file(store, tmp_path):
    out = tmp_path / "graph.rdf"
    with pytest.raises(ExportError, match="U\\+0007.*turtle"):
        write_export(store, "rdfxml", out)
    assert list(tmp_path.iterdir()) == []


def test_rdfxml_refuses_predicates_that_are_not_xml_names(tmp_path):
    store = GraphStore(None)
    g = ox.NamedNode("https://example.org/kg/doc/d")
    store.write_documents({g: [ox.Quad(ox.NamedNode("https://example.org/s"), IRIS.relation("rose_by_5%"),
                                       ox.Literal("x"), g)]})
    with pytest.raises(ExportError, match="rose_by_5%25"):
        write_export(store, "rdfxml", tmp_path / "x.rdf")
    assert _export(store, "ntriples")[0] == 1  # other formats are fine


@pytest.mark.parametrize("doc_id", HOSTILE_IDS[:3])
def test_one_document_by_id_or_iri(store, doc_id):
    graph = IRIS.document(doc_id)
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)}
    for selector in (doc_id, graph.value, f"<{graph.value}>", graph):
        n, data = _export(store, "ntriples", graph=selector)
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)} == expected
        assert n == len(expected)
    n, data = _export(store, "nquads", graph=doc_id)
    assert {q.graph_name for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)} == {graph}


def test_unknown_document_names_it_and_says_how_to_list_ids(store):
    with pytest.raises(InputError) as info:
        _export(store, "turtle", graph="no such doc")
    message = str(info.value)
    assert "'no such doc'" in message and "SELECT ?id WHERE { ?d dcterms:identifier ?id }" in message


def test_stdout_path_and_unknown_format(store, xml_store, tmp_path, capsysbinary):
    n = write_export(store, "nquads", "-")
    assert len(capsysbinary.readouterr().out.splitlines()) == n
    path = tmp_path / "out.ttl"
    assert write_rdf(store, path, format="turtle") == write_rdf(store, str(path), format="turtle") > 0
    assert path.read_bytes().startswith(b"@prefix")
    with pytest.raises(ExportError, match="choose one of"):
        write_export(store, "xlsx", "-")
    with pytest.raises(ExportError, match="CSV is two files"):
        write_export(store, "csv", "-")
    assert set(FORMATS) == {*RDF_FORMATS, "graphml", "gexf", "cytoscape", "d3", "dot", "csv", "html"}


def test_empty_store_exports_empty(tmp_path):
    for fmt in FORMATS:
        if fmt == "csv":  # two files, never one stream
            assert write_export(GraphStore(None), fmt, tmp_path / "empty.csv") == 0
            assert (tmp_path / "empty.nodes.csv").read_text().startswith("id,")
            continue
        n, data = _export(GraphStore(None), fmt)
        assert n == 0, fmt


# -- the entity graph -----------------------------------------------------------------------------

def test_entity_graph_nodes_and_asserted_edges(store):
    G = entity_graph(store)
    labels = {d["label"] for _, d in G.nodes(data=True)}
    assert {"United Kingdom", "European Union", XSS, display_text(BELL)} <= labels
    uk, eu = IRIS.entity("united kingdom", "Country").value, IRIS.entity("european union", "Organization").value
    assert G.nodes[uk]["type"] == "Country" and G.nodes[uk]["documents"] == 2 and G.nodes[uk]["mentions"] == 2
    assert G.nodes[eu]["mentions"] == 6 and G.nodes[eu]["documents"] == 3
    talks = G.edges[uk, eu, IRIS.relation("enter_talk_with").value]
    assert talks["label"] == "entered talks with" and talks["statements"] == 2
    assert talks["confidence"] == 0.9 and talks["document"] == HOSTILE_IDS[1]
    assert talks["sentence"] == display_text(f"The UK met the EU; {XSS} \"quoted\" \\ back.")
    # hypothetical ("might sue") and negated ("denied") statements are not edges
    assert not G.has_edge(eu, uk)
    assert {d["label"] for *_, d in G.edges(data=True)} == {"entered talks with", "criticised", XSS, "quoted",
                                                           display_text(NASTY[3])}
    assert G.number_of_edges() == 5


def test_entity_graph_of_one_document(store):
    G = entity_graph(store, graph=HOSTILE_IDS[0])
    assert G.number_of_nodes() == 2 and G.number_of_edges() == 1
    assert next(iter(G.edges(data=True)))[2]["statements"] == 1


def test_entity_graph_nodes_are_the_entities_descriptions():
    """A node shows the entity's one description (the entity graph's label and
    type), in the whole store and in one document, whatever each document called it."""
    from dataclasses import replace

    from kg.query import run

    linked = replace(_entity("united kingdom", "Britain", "Country", (4, 11)),
                     same_as=("http://www.wikidata.org/entity/Q145",))
    plain = _entity("united kingdom", "United Kingdom", "Place", (4, 18))
    store = GraphStore(None)
    graphs: dict = {}
    for doc_id, uk in (("d1", linked), ("d2", plain), ("d3", plain)):
        for quad in extraction_quads(_extraction(doc_id, f"The {uk.label} spoke.", [uk], []), IRIS, model="m"):
            graphs.setdefault(quad.graph_name, []).append(quad)
    write_documents(store, graphs)
    iri = IRIS.entity("united kingdom", "Country")
    [described] = run(store, "SELECT ?e ?label ?type WHERE { ?e rdfs:label ?label ; a ?type "
                             "FILTER(STRSTARTS(STR(?type), STR(schema:))) }", {"e": iri}).to_dicts()
    expected = {"label": described["label"], "type": described["type"].rsplit("/", 1)[-1]}
    whole = entity_graph(store).nodes[iri.value]
    assert {k: whole[k] for k in expected} == expected and whole["documents"] == 3 and whole["mentions"] == 3
    for doc_id in ("d1", "d2"):
        one = entity_graph(store, graph=doc_id).nodes[iri.value]
        assert {k: one[k] for k in expected} == expected and one["documents"] == 1


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_read_back_in_networkx(store, tmp_path, fmt):
    G = entity_graph(store)
    path = tmp_path / f"graph.{fmt}"
    n = write_export(store, fmt, path)
    H = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path, version="1.3")
    assert n == G.number_of_edges() == H.number_of_edges()
    assert H.number_of_nodes() == G.number_of_nodes()
    assert {d["label"] for _, d in H.nodes(data=True)} == {d["label"] for _, d in G.nodes(data=True)}
    assert sorted(d["label"] for *_, d in H.edges(data=True)) == sorted(d["label"] for *_, d in G.edges(data=True))
    for node, data in H.nodes(data=True):
        assert data["label"] == G.nodes[node]["label"]
        assert int(data["mentions"]) == G.nodes[node]["mentions"]


def test_graph_writers_accept_open_files(store):
    G = entity_graph(store)
    for write in (write_graphml, write_gexf):
        out = io.BytesIO()
        assert write(G, out) == G.number_of_edges()
        assert out.getvalue().startswith(b"<?xml")


# -- the HTML page -------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_html_is_escaped_and_loads_nothing(store):
    page = generate_html(entity_graph(store))
    parsed = _Tags()
    parsed.feed(page)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "kg-data"}, {}, {}]  # the data, vis-network, our script
    assert not [(tag, a) for tag, attrs in parsed.tags for a in attrs if a.startswith("on") or a in ("src", "href")]
    markup = re.sub(r"<script(?: [^>]*)?>.*?</script>", "", page, flags=re.DOTALL)
    assert "<script>alert" not in page and not re.search(r"url\(|@import|https?://", markup)
    # the only executable scripts are the two the Content-Security-Policy allows by hash
    csp = next(a["content"] for tag, a in parsed.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digests = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in parsed.scripts[1:]]
    assert f"script-src 'sha256-{digests[0]}' 'sha256-{digests[1]}';" in csp and "default-src 'none'" in csp
    # the data block holds the exact labels and sentences, and cannot close its element
    data = json.loads(parsed.scripts[0])
    labels = {n["label"] for n in data["nodes"]}
    assert {XSS, "United Kingdom", "European Union", display_text(NASTY[5])} <= labels
    assert not set(parsed.scripts[0]) & {"<", ">", "&", "\u2028", "\u2029"}
    assert any(XSS in e.get("sentence", "") for e in data["edges"])


def test_html_shows_every_entity_and_relation(store):
    G = entity_graph(store)
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', generate_html(G), re.S).group(1))
    assert sorted(n["label"] for n in data["nodes"]) == sorted(label for _, label in G.nodes(data="label"))
    assert sorted(e["label"] for e in data["edges"]) == sorted(label for *_, label in G.edges(data="label"))


def _escaped(text: str) -> str:
    """Text as the page's template escapes it (Jinja2's autoescape, MarkupSafe)."""
    import markupsafe

    return str(markupsafe.escape(text))


def test_html_layout_is_deterministic_and_inside_the_picture(store):
    G = entity_graph(store)
    assert generate_html(G) == generate_html(G)
    layout = entity_layout(G)
    assert set(layout.positions) == set(G)
    assert len(set(layout.positions.values())) == G.number_of_nodes()
    for x, y in layout.positions.values():
        assert 0 <= x <= layout.width and 0 <= y <= layout.height


def test_html_layout_does_not_depend_on_hash_seed(store, tmp_path):
    """networkx subgraph views iterate in set order; the page must not change with it."""
    dump = tmp_path / "store.nq"
    write_export(store, "nquads", dump)
    script = ("import hashlib, sys, pyoxigraph as ox\n"
              "from kg.store import GraphStore\nfrom kg.export.views import entity_graph\n"
              "from kg.export.html import generate_html\n"
              "graphs = {}\n"
              "for q in ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_QUADS):\n"
              "    graphs.setdefault(q.graph_name, []).append(q)\n"
              "s = GraphStore(None); s.write_documents(graphs)\n"
              "print(hashlib.sha256(generate_html(entity_graph(s)).encode()).hexdigest())\n")
    digests = {subprocess.run([sys.executable, "-c", script, str(dump)], capture_output=True, text=True, check=True,
                              cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


def test_html_of_a_large_graph_draws_every_entity_and_relation(tmp_path):
    G = nx.MultiDiGraph(name="big", documents=3)
    for i in range(600):
        G.add_node(f"urn:e:{i:03d}", label=f"Entity number {i}", type=["Person", "Place", "Organization"][i % 3],
                   mentions=i % 7, documents=1)
    for i in range(0, 120, 2):
        G.add_edge(f"urn:e:{i:03d}", f"urn:e:{i + 1:03d}", key="urn:p", label="met", statements=1, weight=1)
    out = tmp_path / "big.html"
    assert write_html(G, out) == 60
    page = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["edges"]) == 60 and len(data["nodes"]) == 600 and data["unlinked"] == 480
    assert "600 entities" in page


# -- end to end with the real model ------------------------------------------------------------

TEXT = ("The United Kingdom will enter talks with the European Union, Prime Minister Keir Starmer said on Monday. "
        "Microsoft praised Google in London.")


def test_real_model_to_every_format(nlp, tmp_path):
    from kg.graph import KnowledgeGraph

    with KnowledgeGraph() as graph:
        graph.add_text(TEXT, doc_id="talks & <tests>")
        store = graph.store
        labels = {row[0].value for row in graph.query("SELECT DISTINCT ?l WHERE { ?m kg:denotes ?e . ?e rdfs:label ?l }").rows}
        assert labels, "the model found no entities in the test text"
        for fmt in FORMATS:
            n = write_export(store, fmt, tmp_path / f"out.{fmt}")
            written = [tmp_path / "out.nodes.csv", tmp_path / "out.edges.csv"] if fmt == "csv" else [tmp_path / f"out.{fmt}"]
            assert all(f.stat().st_size > 0 for f in written) and n >= 0
        page = (tmp_path / "out.html").read_text(encoding="utf-8")
        for label in labels:
            assert _escaped(label) in page
        G = nx.read_graphml(tmp_path / "out.graphml", force_multigraph=True)
        assert {d["label"] for _, d in G.nodes(data=True)} == labels
        assert write_export(store, "turtle", tmp_path / "one.ttl", graph="talks & <tests>") > 0
