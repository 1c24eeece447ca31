"""The graph file formats of ``kg export``: what each writes reads back, in the
tools' own readers (networkx, pydot, Graphviz, the csv module) and against the
GEXF 1.3 schemas (tests/data/gexf-1.3, from gephi/gexf).

The views are built by hand with every attribute a view carries and hostile
text (quotes, markup, ``]]>``, newlines, control characters, emoji,
right-to-left script, very long strings, IRIs with ``#`` and ``%``); one test
runs the real ``entity_graph`` of a small store.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import ExportError
from kg.export.formats import (FORMAT_SUFFIXES, FORMAT_WRITERS, GEXF_NS, GEXF_VIZ_NS, csv_paths, node_size,
                               plain_value, write_csv, write_cytoscape, write_d3, write_dot, write_gexf,
                               write_graphml)
from kg.export.network import display_text, type_colour
from kg.export.views import entity_graph

SCHEMAS = Path(__file__).parent / "data" / "gexf-1.3"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = f"{{{GEXF_NS}}}"

HOSTILE = ['Quote "double" \'single\'', "back\\slash \\n \\N \\\\ trailing\\", "line\nbreak\r\nand\ttab",
           "<script>alert(1)</script>", "<b>", "a & b; &amp; ]]>", "control \x00\x01\x07\x1b\x1f end",
           "\u0645\u0631\u062d\u0628\u0627 \u05e2\u05d1\u05e8\u05d9\u05ea \u202eRTL override",
           "emoji \U0001F469\u200d\U0001F4BB \U0001F1EC\U0001F1E7", "node", "-1", "=HYPERLINK(\"x\")",
           "long " + "\u00e9x" * 20_000]
WRITE_TO_PATH = {fmt: writer for fmt, writer in FORMAT_WRITERS.items() if fmt != "csv"}


# -- views ----------------------------------------------------------------------------------------

def iri(name: str) -> str:
    return f"http://example.org/kg/entity/{name}"


def predicate(name: str) -> str:
    return f"http://example.org/kg/relation#{name}"


def view(labels=HOSTILE) -> nx.MultiDiGraph:
    """Every attribute a view carries; hostile labels and sentences; a node
    and an edge without dates, confidence or url; parallel edges; two edges
    of one predicate between other nodes; a self-loop; a NaN and a None."""
    G = nx.MultiDiGraph(name="kg entity graph", documents=3)
    kinds = ["Person", "Organization", "Country", "City", "Place", "Event", "Phrase", "Document", "Thing"]
    for i, label in enumerate(labels):
        attrs = {"label": label, "type": kinds[i % len(kinds)], "mentions": i, "documents": 1 + i % 2}
        if i % 3:
            attrs.update(first=f"2024-0{1 + i % 9}-0{1 + i % 7}", last=f"2024-1{i % 3}-2{i % 8}")
        if i % 2:
            attrs["wikidata"] = f"http://www.wikidata.org/entity/Q{100 + i}"
        G.add_node(iri(f"n{i}%20x#frag-{i}"), **attrs)
    nodes = list(G)
    for i, label in enumerate(labels):
        u, v = nodes[i], nodes[(i + 1) % len(nodes)]
        p = predicate(f"p{i % 3}")
        attrs = {"label": label, "predicate": p, "weight": 1 + i % 4, "statements": 1 + i % 4,
                 "sentence": f"It said: {label}", "surface": label, "document": f"doc/{i}#%41"}
        if i % 2:
            attrs.update(confidence=0.25 + i / 100, first="2024-03-01", last="2024-03-0" + str(1 + i % 8),
                         url=f"https://news.example/{i}?a=1&b=2")
        G.add_edge(u, v, key=p, **attrs)
    G.add_edge(nodes[0], nodes[1], key=predicate("also"), label="also", predicate=predicate("also"), weight=1,
               statements=1, confidence=float("nan"), url=None)
    G.add_edge(nodes[-1], nodes[-1], key=predicate("self"), label="self", predicate=predicate("self"), weight=1,
               statements=1)
    return G


def static_view() -> nx.MultiDiGraph:
    G = view(HOSTILE[:4])
    for _, data in G.nodes(data=True):
        data.pop("first", None), data.pop("last", None)
    for *_, data in G.edges(data=True):
        data.pop("first", None), data.pop("last", None)
    return G


def present(data: dict) -> dict:
    return {k: plain_value(v) for k, v in data.items() if plain_value(v) is not None}


def as_xml(data: dict) -> dict:
    """What XML carries of an element's attributes: display text, and an empty one absent."""
    shown = {k: display_text(v) if isinstance(v, str) else v for k, v in present(data).items()}
    return {k: v for k, v in shown.items() if v != ""}


def written(writer, G, **kw) -> bytes:
    out = io.BytesIO()
    assert writer(G, out, **kw) == G.number_of_edges()
    return out.getvalue()


def edges_by_key(G) -> dict:
    return {(u, v, k): data for u, v, k, data in G.edges(keys=True, data=True)}


# -- GraphML --------------------------------------------------------------------------------------

def test_graphml_reads_back_in_networkx_with_its_keys_attributes_and_types():
    G = view()
    H = nx.read_graphml(io.BytesIO(written(write_graphml, G)), force_multigraph=True)
    assert list(H) == list(G)
    for node, data in G.nodes(data=True):
        assert H.nodes[node] == as_xml(data)
        assert type(H.nodes[node]["mentions"]) is int
    back = {}
    for u, v, key, data in H.edges(keys=True, data=True):
        data = dict(data)
        assert data.pop("key") == key
        back[u, v, key] = data
    assert back == {edge: as_xml(data) for edge, data in edges_by_key(G).items()}
    assert {k: H.graph[k] for k in ("name", "documents")} == {"name": "kg entity graph", "documents": 3}


def test_graphml_declares_one_typed_key_per_attribute_and_never_writes_none():
    G = nx.MultiDiGraph()
    G.add_node("a", count=1, mixed=1, flag=True, big=2**40)
    G.add_node("b", count=None, mixed="one", flag=False, ratio=float("nan"))
    G.add_node("c", count=2.5)  # int on one node, absent or None on another, float on a third
    G.add_edge("a", "b", key="k", weight=2)
    text = written(write_graphml, G).decode()
    root = ElementTree.fromstring(text)
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")}
    assert keys == {("node", "count"): "double", ("node", "mixed"): "string", ("node", "flag"): "boolean",
                    ("node", "big"): "long", ("edge", "key"): "string", ("edge", "weight"): "int"}
    assert "None" not in text and "nan" not in text.lower()
    H = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    assert H.nodes["a"] == {"count": 1.0, "mixed": "1", "flag": True, "big": 2**40}
    assert H.nodes["b"] == {"mixed": "one", "flag": False}
    assert H.nodes["c"] == {"count": 2.5}


def test_graphml_edges_of_one_predicate_do_not_share_an_id():
    # networkx writes a multigraph key as the GraphML edge id; Gephi drops an
    # edge whose id it has already seen, so every predicate would keep one edge
    G = view()
    edges = list(ElementTree.fromstring(written(write_graphml, G)).iter(f"{GRAPHML}edge"))
    assert len(edges) == G.number_of_edges() and all(e.get("id") is None for e in edges)
    theirs = io.BytesIO()
    nx.write_graphml(nx.MultiDiGraph(G.edges(keys=True)), theirs)
    ids = [e.get("id") for e in ElementTree.fromstring(theirs.getvalue()).iter(f"{GRAPHML}edge")]
    assert len(set(ids)) < len(ids)


# -- GEXF -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def relaxng():
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf.rng")))


@pytest.fixture(scope="module")
def xsd():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / "gexf.xsd"))


def without_viz(document: bytes) -> bytes:
    root = ElementTree.fromstring(document)
    for parent in root.iter():
        for child in [c for c in parent if c.tag.startswith(f"{{{GEXF_VIZ_NS}}}")]:
            parent.remove(child)
    return ElementTree.tostring(root)


@pytest.mark.parametrize("make", [view, static_view], ids=["dynamic", "static"])
def test_gexf_is_valid_gexf_1_3(make, relaxng, xsd):
    from lxml import etree

    document = written(write_gexf, make())
    assert relaxng.validate(etree.fromstring(document)), relaxng.error_log
    # the XSD places viz elements in the GEXF namespace (tests/data/gexf-1.3/README.md)
    errors = [str(e) for e in xsd.iter_errors(without_viz(document))]
    assert errors == []


def test_gexf_plays_on_gephis_timeline_from_first_and_last():
    G = view()
    root = ElementTree.fromstring(written(write_gexf, G))
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat"), root.get("version")) == ("dynamic", "date", "1.3")
    for element in graph.iter(f"{GEXF}node"):
        data = G.nodes[element.get("id")]
        assert (element.get("start"), element.get("end")) == (data.get("first"), data.get("last"))
    for element, (u, v, key, data) in zip(graph.iter(f"{GEXF}edge"), G.edges(keys=True, data=True)):
        assert (element.get("source"), element.get("target"), element.get("kind")) == (u, v, key)
        assert (element.get("start"), element.get("end")) == (data.get("first"), data.get("last"))
    static = ElementTree.fromstring(written(write_gexf, static_view())).find(f"{GEXF}graph")
    assert static.get("mode") == "static" and static.get("timeformat") is None
    assert all(e.get("start") is None and e.get("end") is None for e in static.iter())


def test_gexf_reads_back_in_networkx_with_colour_size_and_typed_attributes():
    G = view()
    document = written(write_gexf, G)
    H = nx.read_gexf(io.BytesIO(document), version="1.3")
    assert list(H) == list(G)
    for node, data in G.nodes(data=True):
        back = dict(H.nodes[node])
        viz = back.pop("viz")
        colour = type_colour(data["type"])
        assert viz["color"] == {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16),
                                "a": 1.0}
        assert viz["size"] == node_size(data["mentions"])
        times = {"start": data["first"], "end": data["last"]} if "first" in data else {}
        assert back == {**as_xml(data), **times}
        assert type(back["mentions"]) is int
    # networkx's reader ignores GEXF 1.3's kind: the key comes from the file
    kinds = {e.get("id"): e.get("kind") for e in ElementTree.fromstring(document).iter(f"{GEXF}edge")}
    back = {}
    for u, v, edge_id, data in H.edges(keys=True, data=True):
        data = dict(data)
        assert data.pop("id") == edge_id
        data.pop("start", None), data.pop("end", None)
        back[u, v, kinds[edge_id]] = data
    expected = {edge: {**as_xml(data), "weight": float(data["weight"])} for edge, data in edges_by_key(G).items()}
    assert back == expected


@pytest.mark.parametrize("bad, message", [({"first": "yesterday"}, "not an ISO date"),
                                          ({"first": "2024-05-02", "last": "2024-05-01"}, "is after")])
def test_gexf_refuses_dates_it_cannot_put_on_a_timeline(bad, message):
    G = nx.MultiDiGraph()
    G.add_node(iri("a"), label="A", **bad)
    with pytest.raises(ExportError, match=message):
        write_gexf(G, io.BytesIO())


# -- JSON -----------------------------------------------------------------------------------------

def no_constants(name):
    raise AssertionError(f"JSON has {name}")


def test_cytoscape_ids_are_unique_and_every_edge_joins_written_nodes():
    G = view()
    G.add_node("e0", label="a node whose id looks like an edge id")
    document = json.loads(written(write_cytoscape, G), parse_constant=no_constants)
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    ids = [element["data"]["id"] for element in nodes + edges]
    assert len(ids) == len(set(ids)) == G.number_of_nodes() + G.number_of_edges()
    node_ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in edges)
    assert [n["data"]["label"] for n in nodes] == [data["label"] for _, data in G.nodes(data=True)]
    assert [n["data"]["name"] for n in nodes] == [data["label"] for _, data in G.nodes(data=True)]
    assert [(e["data"]["source"], e["data"]["target"], e["data"]["key"]) for e in edges] == list(G.edges(keys=True))
    for element, (*_, data) in zip(edges, G.edges(keys=True, data=True)):
        assert {k: v for k, v in element["data"].items() if k not in ("id", "source", "target", "key",
                                                                       "interaction")} == present(data)


def test_d3_node_link_json_reads_back_exactly():
    G = view()
    document = json.loads(written(write_d3, G), parse_constant=no_constants)
    assert set(document) == {"directed", "multigraph", "graph", "nodes", "links"}
    H = nx.node_link_graph(document, directed=True, multigraph=True, edges="links")
    assert list(H) == list(G)
    assert {n: dict(d) for n, d in H.nodes(data=True)} == {n: present(d) for n, d in G.nodes(data=True)}
    assert edges_by_key(H) == {edge: present(data) for edge, data in edges_by_key(G).items()}
    assert H.graph == G.graph


def test_json_carries_a_lone_surrogate_as_its_escape():
    G = nx.MultiDiGraph()
    G.add_node("a", label="half \ud83d pair")
    for writer in (write_cytoscape, write_d3):
        text = written(writer, G)
        assert b"\\ud83d" in text and json.loads(text)  # valid JSON, valid UTF-8


# -- DOT ------------------------------------------------------------------------------------------

def dot_value(raw: str | None) -> str | None:
    """A pydot attribute as Graphviz shows it: quotes off, \\" and \\\\ unescaped."""
    if raw is None:
        return None
    if raw.startswith('"') and raw.endswith('"'):
        raw = raw[1:-1]
    return re.sub(r'\\([\\"])', r"\1", raw)


def dot_label(raw: str | None) -> str | None:
    """A label as Graphviz draws it: also its character entity ``&amp;`` read."""
    return None if raw is None else dot_value(raw).replace("&amp;", "&")


def parse_dot(text: str):
    import warnings

    import pydot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydot 4 uses pyparsing names pyparsing 3.3 deprecates
        graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1, text[:2000]
    return graphs[0]


def test_dot_parses_back_with_every_node_edge_and_label():
    G = view()
    P = parse_dot(written(write_dot, G).decode("utf-8"))
    nodes = {dot_value(n.get_name()): n for n in P.get_nodes() if n.get_name() not in ("node", "edge", "graph")}
    assert list(nodes) == list(G)
    for node, data in G.nodes(data=True):
        assert dot_label(nodes[node].get("label")) == display_text(data["label"])
        assert dot_value(nodes[node].get("fillcolor")) == type_colour(data["type"])
    edges = P.get_edges()
    assert len(edges) == G.number_of_edges()
    assert [(dot_value(e.get_source()), dot_value(e.get_destination()), dot_value(e.get("key")),
             dot_label(e.get("label"))) for e in edges] == [
        (u, v, k, display_text(d["label"])) for u, v, k, d in G.edges(keys=True, data=True)]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (apt-get install graphviz)")
def test_graphviz_draws_each_label_as_its_text():
    G = view()
    svg = subprocess.run(["dot", "-Tsvg"], input=written(write_dot, G), capture_output=True, check=True).stdout
    texts = [t.text or "" for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    expected = [display_text(d["label"]) for _, d in G.nodes(data=True)]
    expected += [display_text(d["label"]) for *_, d in G.edges(data=True)]
    assert sorted(texts) == sorted(expected)


# -- CSV ------------------------------------------------------------------------------------------

def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_writes_every_node_and_edge_with_exact_text(tmp_path):
    G = view()
    assert write_csv(G, tmp_path) == G.number_of_edges()
    header, nodes = read_table(tmp_path / "nodes.csv")
    assert header == ["id", "label", "type", "mentions", "documents", "first", "last", "wikidata"]
    assert [(n["id"], n["label"], n["type"]) for n in nodes] == [
        (node, d["label"], d["type"]) for node, d in G.nodes(data=True)]
    assert [n["wikidata"] for n in nodes] == [d.get("wikidata", "") for _, d in G.nodes(data=True)]
    header, edges = read_table(tmp_path / "edges.csv")
    assert header[:5] == ["source", "target", "predicate", "label", "weight"]
    assert "confidence" in header and "sentence" in header and header.count("predicate") == 1
    assert [(e["source"], e["target"], e["predicate"], e["label"], e["sentence"], e["weight"]) for e in edges] == [
        (u, v, k, d["label"], d.get("sentence", ""), str(d["weight"])) for u, v, k, d in G.edges(keys=True, data=True)]
    confidences = [e["confidence"] for e in edges]
    assert "nan" not in confidences and "None" not in confidences
    assert [float(c) if c else None for c in confidences] == [
        d.get("confidence") if plain_value(d.get("confidence")) is not None else None for *_, d in G.edges(data=True)]


def test_csv_files_go_beside_each_other(tmp_path):
    assert csv_paths(tmp_path) == (tmp_path / "nodes.csv", tmp_path / "edges.csv")
    assert csv_paths(tmp_path / "graph.csv") == (tmp_path / "graph.nodes.csv", tmp_path / "graph.edges.csv")
    write_csv(view(HOSTILE[:2]), tmp_path / "graph.CSV")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.edges.csv", "graph.nodes.csv"]
    with pytest.raises(ExportError, match="ending in .csv"):
        write_csv(view(), tmp_path / "graph")
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(view(), tmp_path / "missing" / "graph.csv")
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(view(), f"{tmp_path / 'missing'}/")
    for out in ("-", io.BytesIO()):
        with pytest.raises(ExportError, match="two files"):
            write_csv(view(), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.edges.csv", "graph.nodes.csv"]


def test_csv_can_keep_spreadsheets_from_running_labels_as_formulas(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("a", label='=HYPERLINK("http://evil.example")', type="Person", mentions=-3)
    G.add_node("b", label="@handle", type="Person")
    write_csv(G, tmp_path / "safe.csv", spreadsheet_safe=True)
    _, nodes = read_table(tmp_path / "safe.nodes.csv")
    assert [(n["label"], n["mentions"]) for n in nodes] == [("'=HYPERLINK(\"http://evil.example\")", "-3"),
                                                           ("'@handle", "")]
    write_csv(G, tmp_path / "exact.csv")
    exact = read_table(tmp_path / "exact.nodes.csv")[1]
    assert [n["label"] for n in exact] == [d["label"] for _, d in G.nodes(data=True)]


# -- every format ---------------------------------------------------------------------------------

def test_every_format_has_a_suffix():
    assert set(FORMAT_WRITERS) == set(FORMAT_SUFFIXES) == {"graphml", "gexf", "cytoscape", "d3", "dot", "csv"}


@pytest.mark.parametrize("fmt", sorted(WRITE_TO_PATH))
def test_a_file_appears_whole_or_not_at_all(fmt, tmp_path):
    writer = WRITE_TO_PATH[fmt]
    with pytest.raises(ExportError, match="does not exist"):
        writer(view(), tmp_path / "missing" / f"graph{FORMAT_SUFFIXES[fmt]}")
    with pytest.raises(ExportError, match="is a folder"):
        writer(view(), tmp_path)
    bad = view(HOSTILE[:2])
    bad.add_node(iri("late"), first="not a date")  # gexf fails late; the others write it
    out = tmp_path / f"graph{FORMAT_SUFFIXES[fmt]}"
    out.write_bytes(b"the previous export")
    if fmt == "gexf":
        with pytest.raises(ExportError):
            writer(bad, out)
        assert out.read_bytes() == b"the previous export"
    else:
        assert writer(bad, out) == bad.number_of_edges()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.fixture(scope="module")
def store():
    from tests.test_export import _store  # the hand-made hostile store of the export tests

    return _store(bell=True)


def test_the_entity_graph_of_a_store_writes_in_every_format(store, tmp_path, relaxng):
    from lxml import etree

    G = entity_graph(store)
    assert G.number_of_edges() > 0
    for fmt, writer in FORMAT_WRITERS.items():
        out = tmp_path / f"graph{FORMAT_SUFFIXES[fmt]}"
        assert writer(G, out) == G.number_of_edges(), fmt
    assert relaxng.validate(etree.parse(str(tmp_path / "graph.gexf"))), relaxng.error_log
    H = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert {(u, v, d["key"]) for u, v, d in H.edges(data=True)} == set(G.edges(keys=True))
    assert {n: d["label"] for n, d in H.nodes(data=True)} == {n: d["label"] for n, d in G.nodes(data=True)}
    _, edges = read_table(tmp_path / "graph.edges.csv")
    assert len(edges) == G.number_of_edges()
    assert len(parse_dot((tmp_path / "graph.dot").read_text(encoding="utf-8")).get_edges()) == G.number_of_edges()


@pytest.fixture(scope="module")
def dated_store():
    """The export tests' documents, published on three days, with URLs."""
    import dataclasses

    from kg.rdf.mapping import extraction_quads
    from kg.store import GraphStore
    from kg.store.entities import write_documents
    from tests.test_export import IRIS, _documents

    graphs: dict = {}
    for i, x in enumerate(_documents(bell=False)):
        article = dataclasses.replace(x.article, date=f"2024-0{1 + i}-1{i}", url=f"https://news.example/{i}?q=a&b")
        for quad in extraction_quads(dataclasses.replace(x, article=article), IRIS, model="test-model"):
            graphs.setdefault(quad.graph_name, []).append(quad)
    store = GraphStore(None)
    write_documents(store, graphs)
    return store


def test_the_dated_entity_graph_plays_on_the_timeline(dated_store, relaxng):
    from lxml import etree

    G = entity_graph(dated_store)
    dated = {n for n, d in G.nodes(data=True) if "first" in d}
    assert dated and any("first" in d for *_, d in G.edges(data=True))
    document = written(write_gexf, G)
    assert relaxng.validate(etree.fromstring(document)), relaxng.error_log
    graph = ElementTree.fromstring(document).find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    starts = {e.get("id"): (e.get("start"), e.get("end")) for e in graph.iter(f"{GEXF}node")}
    assert starts == {n: (d.get("first"), d.get("last")) for n, d in G.nodes(data=True)}


@pytest.mark.parametrize("name", ["entities", "comentions", "events", "documents"])
def test_every_view_of_a_store_writes_valid_files(name, store, tmp_path, relaxng):
    from lxml import etree

    from kg.export.views import build_view

    G = build_view(store, name)
    for fmt, writer in FORMAT_WRITERS.items():
        assert writer(G, tmp_path / f"graph{FORMAT_SUFFIXES[fmt]}") == G.number_of_edges(), fmt
    assert relaxng.validate(etree.parse(str(tmp_path / "graph.gexf"))), relaxng.error_log
    H = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert H.is_directed() == G.is_directed() and H.number_of_edges() == G.number_of_edges()
    D = nx.node_link_graph(json.loads((tmp_path / "graph.json").read_text(encoding="utf-8")),
                           directed=G.is_directed(), multigraph=True, edges="links")
    assert {n: dict(d) for n, d in D.nodes(data=True)} == {n: present(d) for n, d in G.nodes(data=True)}


# -- properties: any label survives every format ---------------------------------------------------

@settings(max_examples=60)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=4),
       st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zs"]), min_size=1, max_size=12))
def test_any_label_round_trips(labels, tail):
    G = nx.MultiDiGraph()
    for i, label in enumerate(labels):
        G.add_node(f"http://example.org/e/{i}#{tail}", label=label, type="Person", mentions=i)
    nodes = list(G)
    for i, label in enumerate(labels):
        G.add_edge(nodes[i], nodes[-1 - i], key=f"http://example.org/p#{i}", label=label, weight=1)

    xml_labels = [display_text(label) or None for label in labels]
    H = nx.read_graphml(io.BytesIO(written(write_graphml, G)), force_multigraph=True)
    assert [H.nodes[n].get("label") for n in nodes] == xml_labels
    assert [d.get("label") for *_, d in H.edges(data=True)] == [
        xml_labels[i] for i in range(len(labels))]
    X = nx.read_gexf(io.BytesIO(written(write_gexf, G)), version="1.3")
    assert [X.nodes[n]["label"] for n in nodes] == xml_labels

    D = nx.node_link_graph(json.loads(written(write_d3, G)), directed=True, multigraph=True, edges="links")
    assert [D.nodes[n]["label"] for n in nodes] == labels
    cy = json.loads(written(write_cytoscape, G))
    assert [e["data"]["label"] for e in cy["elements"]["edges"]] == labels

    P = parse_dot(written(write_dot, G).decode("utf-8"))
    dot_nodes = {dot_value(n.get_name()): dot_label(n.get("label")) for n in P.get_nodes()
                 if n.get_name() not in ("node", "edge", "graph")}
    assert [dot_nodes[n] for n in nodes] == [display_text(label) for label in labels]

    with _csv_dir() as folder:
        write_csv(G, folder)
        assert [row["label"] for row in read_table(folder / "nodes.csv")[1]] == labels
        assert [row["label"] for row in read_table(folder / "edges.csv")[1]] == labels


class _csv_dir:
    """A fresh folder per hypothesis example (function-scoped fixtures are shared across examples)."""

    def __enter__(self) -> Path:
        import tempfile

        self._tmp = tempfile.TemporaryDirectory()
        return Path(self._tmp.name)

    def __exit__(self, *exc) -> None:
        self._tmp.cleanup()


def test_nan_is_never_written():
    G = nx.MultiDiGraph()
    G.add_node("a", label="A", score=float("nan"), other=float("inf"))
    G.add_edge("a", "a", key="k", confidence=float("-inf"))
    for fmt, writer in WRITE_TO_PATH.items():
        text = written(writer, G).decode()
        assert not re.search(r"\b(nan|inf|infinity|None)\b", text, re.IGNORECASE), fmt
    assert math.isnan(G.nodes["a"]["score"])  # the view itself is left as it was
