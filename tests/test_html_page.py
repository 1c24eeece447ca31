"""The HTML page draws the whole view with vis-network, and nothing in it runs but our scripts.

Its static files are package data, inlined byte for byte and allowed by hash;
vis-network is read from the installed pyvis package; the markup is written
by the Jinja2 template alone (escaped, strict about missing values); every
node and edge of the view reaches the page's JSON, where hostile text stays
text; the same graph gives the same bytes. In headless Chromium (skipped
where there is none) the page draws every node and edge of a small real
graph and of a synthetic 10,000-node / 30,000-edge one, with no console
error and no Content-Security-Policy violation.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import html
import importlib.metadata
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jinja2.meta
import networkx as nx
import pytest

import kg.export
import kg.export.html as html_export
from kg.export.html import generate_html, write_html
from kg.export.layout import CHAR_W, LABEL_H, entity_layout, node_size

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = ("graph.html", "graph.js", "graph.css")
HOSTILE = ["</script><script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "${x}",
           "<!--<script>", "line\u2028separator\u2029para", "Quote \"double\" 'single' \\ back",
           "\u0645\u0631\u062d\u0628\u0627 \u05e2\u05d1\u05e8\u05d9\u05ea \u202eRTL override",
           "emoji \U0001F469\u200d\U0001F4BB \U0001F1EC\U0001F1E7", "a & b; &amp; ]]>", "{% raw %}'&amp;"]


def small_graph() -> nx.MultiDiGraph:
    """Two linked pairs (one pair with three relations, one a self-relation) and two unlinked nodes; dated."""
    G = nx.MultiDiGraph(name="small", view="entities", documents=2)
    for i, kind in enumerate(["Person", "Country", "Organization", "Event", "Place", "Thing"]):
        G.add_node(f"urn:e:{i}", label=f"Entity {i}", type=kind, mentions=i, documents=1,
                   first=f"2024-01-0{i + 1}", last=f"2024-02-0{i + 1}")
    G.add_edge("urn:e:0", "urn:e:1", key="urn:p:visits", label="visits", statements=2, weight=2,
               sentence="0 visits 1.", document="d1", url="https://news.example/1", first="2024-01-05", last="2024-01-09")
    G.add_edge("urn:e:1", "urn:e:0", key="urn:p:hosts", label="hosts", statements=1, weight=1)
    G.add_edge("urn:e:0", "urn:e:1", key="urn:p:leaves", label="leaves", statements=1, weight=1, confidence=0.5)
    G.add_edge("urn:e:2", "urn:e:3", key="urn:p:runs", label="runs", statements=1, weight=1)
    G.add_edge("urn:e:3", "urn:e:3", key="urn:p:repeats", label="repeats", statements=1, weight=1)
    return G


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(document=HOSTILE[0])
    for i, label in enumerate(HOSTILE):
        G.add_node(f"urn:h:{i}", label=label, type=HOSTILE[-1 - i], mentions=i, documents=1,
                   wikidata="javascript:alert(1)" if i == 0 else f"http://www.wikidata.org/entity/Q{i}")
    G.add_node("urn:h:alone", label=HOSTILE[2], type="Thing")
    for i in range(len(HOSTILE) - 1):
        G.add_edge(f"urn:h:{i}", f"urn:h:{i + 1}", key=f"urn:p:{i}", label=HOSTILE[i], statements=1, weight=1,
                   sentence=HOSTILE[-1 - i], surface=HOSTILE[i], document=HOSTILE[i],
                   url="javascript:alert(1)" if i % 2 else "https://news.example/a?b=1&c=<2>")
    return G


def big_graph(nodes: int = 10_000, edges: int = 30_000) -> nx.MultiDiGraph:
    """A synthetic view of the size the page must draw: a long tail of hubs,
    a fifth of the nodes in no relation, hostile labels among the rest."""
    import random

    rng = random.Random(3)
    G = nx.MultiDiGraph(name="big", view="entities")
    kinds = ["Person", "Organization", "Country", "City", "Place", "Event", "Product", "Phrase"]
    for i in range(nodes):
        G.add_node(f"urn:b:{i}", label=HOSTILE[i % len(HOSTILE)] if i % 97 == 0 else f"Node {i}",
                   type=kinds[i % len(kinds)], mentions=rng.randrange(1, 50), documents=1,
                   first=f"2024-{1 + i % 12:02d}-01", last=f"2024-{1 + i % 12:02d}-28")
    linked = int(nodes * 0.8)
    made = 0
    while made < edges:
        u, v = rng.randrange(linked), int(rng.paretovariate(0.6)) % linked
        key = f"urn:p:{rng.randrange(5)}"
        if u == v or G.has_edge(f"urn:b:{u}", f"urn:b:{v}", key):
            continue
        G.add_edge(f"urn:b:{u}", f"urn:b:{v}", key=key, label="rel", statements=1, weight=1 + made % 3,
                   sentence=f"Sentence {made}.", document=f"doc/{made % 500}")
        made += 1
    return G


@pytest.fixture(scope="module")
def examples_graph(nlp) -> nx.MultiDiGraph:
    """The real entity graph of the texts in examples/, built by the real model."""
    from kg.export.views import entity_graph
    from kg.graph import KnowledgeGraph

    with KnowledgeGraph() as graph:
        for path in sorted((ROOT / "examples").glob("*.txt")):
            graph.add_text(path.read_text(encoding="utf-8"), doc_id=path.stem)
        G = entity_graph(graph.store)
    assert G.number_of_nodes() > 10 and G.number_of_edges() > 5, "the model found too little in examples/"
    return G


def _resource(name: str) -> str:
    return importlib.resources.files("kg.export.page").joinpath(name).read_text(encoding="utf-8")


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script(?: [^>]*)?>(.*?)</script>", page, re.DOTALL)


def _data_text(page: str) -> str:
    return re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1)


def _data(page: str) -> dict:
    return json.loads(_data_text(page))


def _csp(page: str) -> str:
    return html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# -- the files and where they come from -------------------------------------------------------

def test_the_static_files_are_package_resources():
    folder = importlib.resources.files("kg.export.page")
    for name in PAGE_FILES:
        assert folder.joinpath(name).is_file(), f"{name} is missing from the kg.export.page package"
    text = {name: _resource(name) for name in PAGE_FILES}
    assert not html_export.NOT_INLINABLE.search(text["graph.js"]) and "</style" not in text["graph.css"].lower()
    assert "<!DOCTYPE html>" in text["graph.html"]


def test_the_page_reads_its_files_through_importlib_resources(monkeypatch):
    read = []

    def recording_files(package):
        read.append(package)
        return importlib.resources.files(package)

    def recording_distribution(name):
        read.append(name)
        return importlib.metadata.distribution(name)

    monkeypatch.setattr(html_export, "files", recording_files)
    monkeypatch.setattr(html_export, "distribution", recording_distribution)  # pyvis: read, not imported
    html_export.page_template.cache_clear()  # read once per process: make this the first time
    html_export.vis_bundle.cache_clear()
    try:
        generate_html(small_graph())
    finally:
        html_export.page_template.cache_clear()
        html_export.vis_bundle.cache_clear()
    assert Counter(read) == {"kg.export.page": len(PAGE_FILES), "pyvis": 1}
    source = Path(html_export.__file__).read_text(encoding="utf-8")
    assert "__file__" not in source and "Path(" not in source


def test_vis_network_is_inlined_from_the_installed_pyvis_and_not_copied_into_the_repository():
    page = generate_html(small_graph())
    bundle = importlib.resources.files("pyvis").joinpath(html_export.VIS_BUNDLE).read_text(encoding="utf-8")
    scripts = _scripts(page)
    assert len(scripts) == 3 and "vis-network" in scripts[1][:200]
    # byte for byte, but for the source-map comment (a map that is not shipped would be fetched by devtools)
    assert scripts[1] == re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", bundle)
    assert "sourceMappingURL" not in scripts[1]
    shipped = [p.name for p in (ROOT / "kg").rglob("*") if p.suffix in (".js", ".css")]
    # our own: the graph page's and the linked-data pages' (kg/serve/site) files
    assert sorted(shipped) == ["graph.css", "graph.js", "site.css", "site.js"], \
        "a copy of a library in kg/? read it from its package"


def test_scripts_and_style_are_inlined_exactly_and_allowed_by_hash():
    page = generate_html(small_graph())
    _, vis, script = _scripts(page)
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    assert script == _resource("graph.js") and style == _resource("graph.css") and vis == html_export.vis_bundle()
    csp = _csp(page)
    assert f"script-src {_sha256(vis)} {_sha256(script)};" in csp and f"style-src {_sha256(style)};" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    markup = re.sub(r'id="kg-data">.*?</script>', "", page.replace(vis, "").replace(script, "").replace(style, ""),
                    flags=re.DOTALL)
    assert not re.search(r"\{[{%#]|[}%#]\}", markup)  # no template syntax left over
    # nothing in the markup loads anything: no src, href, url() or import
    assert not re.search(r"\b(src|href)=|url\(|@import", markup)


def test_filled_values_are_not_filled_again():
    page = generate_html(small_graph(), title="{{ script }} {% if 1 %}x{% endif %} ${script} $data <b>")
    assert "<h1>{{ script }} {% if 1 %}x{% endif %} ${script} $data &lt;b&gt;</h1>" in page
    markup = re.sub(r"<script(?: [^>]*)?>.*?</script>", "", page, flags=re.DOTALL)
    assert markup.count("<b>") == 0 and len(_scripts(page)) == 3


# -- the markup is the template's --------------------------------------------------------------

def _string_literals(tree: ast.Module) -> list[ast.Constant]:
    """The string constants of a module, f-string parts included, docstrings not."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)}
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_python_sources_of_kg_export_hold_no_script_style_or_markup():
    export = Path(kg.export.__file__).parent
    sources = sorted(export.rglob("*.py"))
    assert export / "html.py" in sources and export / "layout.py" in sources
    tag = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")  # <g, </text, <!DOCTYPE, <!--x ...
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for needle in ("<script", "<style", "function ", "<!DOCTYPE"):
            assert needle not in text, f"{path.relative_to(export)} holds {needle!r}: move it to kg/export/page/"
    found = [f"{path.relative_to(export)}:{node.lineno}: {node.value!r}"
             for path in sources for node in _string_literals(ast.parse(path.read_text(encoding="utf-8")))
             if tag.search(node.value)]
    assert not found, "markup in Python strings; write it in kg/export/page/graph.html:\n" + "\n".join(found)


def test_the_string_literal_check_sees_f_strings_and_skips_docstrings():
    tree = ast.parse('"""A <g> in a docstring."""\nx = f\'<circle r="{r}"/>\'\ndef f():\n    """<b>"""\n')
    assert [node.value for node in _string_literals(tree)] == ['<circle r="', '"/>']


def test_the_template_is_autoescaped_strict_and_given_exactly_what_it_names():
    template = html_export.page_template()
    env = template.environment
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    context = html_export.page_context(small_graph())
    source = env.loader.get_source(env, html_export.PAGE_TEMPLATE)[0]
    assert jinja2.meta.find_undeclared_variables(env.parse(source)) == set(context)
    for name in context:  # leaving out any one value is an error, not an empty attribute
        with pytest.raises(jinja2.UndefinedError):
            template.render({k: v for k, v in context.items() if k != name})
    with pytest.raises(jinja2.UndefinedError):  # and so is a misspelt field of a record
        env.from_string("{{ row.colour }}{{ row.color }}").render(row=context["legend"][0])


def test_only_our_own_files_are_inserted_unescaped():
    source = _resource("graph.html")
    assert sorted(re.findall(r"\{\{\s*(\w+)\|safe\s*\}\}", source)) == ["data", "script", "style", "vis"]
    assert "Markup" not in Path(html_export.__file__).read_text(encoding="utf-8")  # nothing else is marked safe


# -- hostile text stays text -------------------------------------------------------------------

class _Page(HTMLParser):
    """Elements, attributes, and the text of the heading and legend buttons, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, list[str]] = {"title": [], "button": [], "h1": [], "script": []}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.text:
            self.text[tag].append("")
            self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.text[self._open[-1]][-1] += data


def test_hostile_labels_types_and_sentences_are_inert_text():
    G = hostile_graph()
    page = generate_html(G)
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    # nothing but our elements: the data block and two scripts, no image, no handler, no link
    assert [a for tag, a in parsed.tags if tag == "script"] == [{"type": "application/json", "id": "kg-data"}, {}, {}]
    assert "img" not in {tag for tag, _ in parsed.tags}
    assert not [(tag, a) for tag, attrs in parsed.tags for a in attrs if a.startswith("on") or a in ("src", "href")]
    # the data block cannot end or disturb its element, nor a JavaScript line
    raw = _data_text(page)
    assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    assert parsed.text["script"][0] == raw  # the parser saw the whole block as the element's text
    data = json.loads(raw)
    # every hostile string reads back exactly, as data: not run, not filled in as a template
    assert sorted(n["label"] for n in data["nodes"]) == sorted([*HOSTILE, HOSTILE[2]])
    assert {n["type"] for n in data["nodes"]} == set(HOSTILE) | {"Thing"}
    assert sorted(e["label"] for e in data["edges"]) == sorted(HOSTILE[:-1])
    assert sorted(e["sentence"] for e in data["edges"]) == sorted(HOSTILE[1:])
    heading = f"kg entity graph \u2014 {HOSTILE[0]}"
    assert parsed.text["h1"] == [heading] and parsed.text["title"] == [heading]
    legend = {a["data-type"] for tag, a in parsed.tags if tag == "button"}
    assert legend == set(HOSTILE) | {"Thing"}
    assert {t.rsplit(" ", 1)[0] for t in parsed.text["button"]} == legend
    # only web links are kept: a javascript: URL never reaches the page's data
    assert all(e.get("url", "https://").startswith("https://") for e in data["edges"])
    assert sum("url" in e for e in data["edges"]) == 5 and "javascript:" not in raw
    assert all(n.get("wikidata", "http://").startswith("http://") for n in data["nodes"])


def test_the_script_shows_data_as_text_only():
    script = _resource("graph.js")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)
    assert "JSON.parse(" in script and "textContent" in script
    # a link is made only for http(s) URLs
    assert re.search(r"/\^https\?:\\/\\//i\.test\(url\)", script)


# -- every node and edge, the same bytes --------------------------------------------------------

def test_every_node_and_edge_of_the_view_is_in_the_page(tmp_path):
    G = small_graph()
    out = tmp_path / "page.html"
    assert write_html(G, out) == G.number_of_edges()
    data = _data(out.read_text(encoding="utf-8"))
    nodes = data["nodes"]
    assert {n["id"] for n in nodes} == set(G) and len(nodes) == G.number_of_nodes()
    ids = [n["id"] for n in nodes]
    assert Counter((ids[e["s"]], ids[e["t"]], e["predicate"]) for e in data["edges"]) == Counter(
        (u, v, k) for u, v, k in G.edges(keys=True))
    visits = next(e for e in data["edges"] if e["predicate"] == "urn:p:visits")
    assert {k: visits[k] for k in visits if k not in ("width", "curve")} == {
        "s": ids.index("urn:e:0"), "t": ids.index("urn:e:1"), "label": "visits", "predicate": "urn:p:visits",
        "weight": 2, "statements": 2, "sentence": "0 visits 1.", "document": "d1", "url": "https://news.example/1",
        "first": "2024-01-05", "last": "2024-01-09"}
    assert visits["width"] > next(e for e in data["edges"] if e["predicate"] == "urn:p:hosts")["width"]
    leaves = next(e for e in data["edges"] if e["predicate"] == "urn:p:leaves")
    assert leaves["confidence"] == 0.5 and "url" not in leaves and "first" not in leaves
    person = next(n for n in nodes if n["id"] == "urn:e:0")
    assert (person["label"], person["type"], person["first"], person["last"]) == ("Entity 0", "Person", "2024-01-01",
                                                                                  "2024-02-01")
    assert person["size"] == node_size(0) and data["dates"] == ["2024-01-01", "2024-02-06"]
    assert [t["name"] for t in data["types"]] == ["Country", "Event", "Organization", "Person", "Place", "Thing"]


def test_parallel_edges_curve_apart_and_a_lone_edge_is_straight():
    data = _data(generate_html(small_graph()))
    pair = {data["edges"][0]["s"], data["edges"][0]["t"]}
    # vis-network bends an edge to its own right (clockwise) or left: the side on the page
    # flips with the edge's direction
    sides = [e.get("curve", 0) * (1 if e["s"] < e["t"] else -1) for e in data["edges"] if {e["s"], e["t"]} == pair]
    assert len(sides) == 3 and len(set(sides)) == 3
    runs = next(e for e in data["edges"] if e["label"] == "runs")
    assert "curve" not in runs


def test_a_view_without_dates_has_no_time_window():
    G = small_graph()
    for _, d in G.nodes(data=True):
        d.pop("first"), d.pop("last")
    for *_, d in G.edges(data=True):
        d.pop("first", None), d.pop("last", None)
    assert _data(generate_html(G))["dates"] is None


def test_the_same_graph_gives_the_same_bytes_whatever_order_it_was_built_in():
    G = small_graph()
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert generate_html(G) == generate_html(G) == generate_html(H)


def test_the_page_does_not_depend_on_the_hash_seed():
    script = ("import hashlib, sys\nsys.path.insert(0, 'tests')\nfrom test_html_page import big_graph\n"
              "from kg.export.html import generate_html\n"
              "print(hashlib.sha256(generate_html(big_graph(2000, 5000)).encode()).hexdigest())\n")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


# -- the layout ---------------------------------------------------------------------------------

def test_the_layout_places_every_node_apart_inside_its_box():
    G = big_graph(3000, 6000)
    layout = entity_layout(G)
    assert set(layout.positions) == set(G)
    assert len(set(layout.positions.values())) == G.number_of_nodes()
    for x, y in layout.positions.values():
        assert 0 <= x <= layout.width and 0 <= y <= layout.height
    unlinked = {n for n in G if not set(nx.all_neighbors(G, n)) - {n}}
    assert set(layout.unlinked) == unlinked and layout.unlinked_top is not None
    assert all(layout.positions[n][1] > layout.unlinked_top for n in unlinked)  # in the grid under the groups


def test_no_two_labels_of_a_small_graph_overlap(examples_graph):
    layout = entity_layout(examples_graph)
    boxes = []
    for n, (x, y) in layout.positions.items():
        d = examples_graph.nodes[n]
        r = node_size(d["mentions"])
        half = max(r, len(d["label"]) * CHAR_W / 2)
        boxes.append((x - half, y - r, x + half, y + r + LABEL_H))
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert not clashes


def test_the_layout_leaves_the_callers_random_numbers_alone():
    import random

    random.seed(5)
    expected = random.random()
    random.seed(5)
    entity_layout(small_graph())
    assert random.random() == expected


# -- in a browser -------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: the page is not drawn in a browser")


def _drawn(page: Path) -> tuple[dict[str, str], list[str]]:
    """The body's data-* attributes once the page has drawn (and ``time`` for the
    time slider's state), and every console line Chromium logged."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                              "--no-first-run", "--disable-background-networking", "--disable-component-update",
                              "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                              "--window-size=1400,900", "--dump-dom", "--virtual-time-budget=60000", page.as_uri()],
                             capture_output=True, text=True, timeout=180)
    body = re.search(r"<body([^>]*)>", run.stdout)
    assert body, f"Chromium wrote no page (exit {run.returncode}): {run.stderr[-2000:]}"
    attributes = dict(re.findall(r'data-([\w-]+)="([^"]*)"', body.group(1)))
    slider = re.search(r'<input id="time-to"[^>]*>', run.stdout).group(0)
    attributes["time"] = "disabled" if " disabled" in slider else "enabled"
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return attributes, console


@needs_chromium
def test_chromium_draws_every_node_and_edge_of_a_real_graph(examples_graph, tmp_path):
    page = tmp_path / "examples.html"
    write_html(examples_graph, page)
    drawn, console = _drawn(page)
    assert not console, "console errors or policy violations:\n" + "\n".join(console)
    assert int(drawn["drawn-nodes"]) == examples_graph.number_of_nodes()
    assert int(drawn["drawn-edges"]) == examples_graph.number_of_edges()


@needs_chromium
def test_chromium_draws_hostile_text_without_running_it(tmp_path):
    page = tmp_path / "hostile.html"
    G = hostile_graph()
    write_html(G, page)
    drawn, console = _drawn(page)
    assert not console, "console errors or policy violations:\n" + "\n".join(console)  # alert() would be refused
    assert (int(drawn["drawn-nodes"]), int(drawn["drawn-edges"])) == (G.number_of_nodes(), G.number_of_edges())
    assert drawn["time"] == "disabled"  # the view has no dates


@needs_chromium
def test_chromium_draws_an_empty_view_and_a_lone_self_relation(tmp_path):
    lone = nx.MultiDiGraph()
    lone.add_node("urn:a", label="A", type=None)
    lone.add_edge("urn:a", "urn:a", key="urn:p", label="self")
    for name, G in (("empty", nx.MultiDiGraph()), ("lone", lone)):
        page = tmp_path / f"{name}.html"
        write_html(G, page)
        drawn, console = _drawn(page)
        assert not console, f"{name}: " + "\n".join(console)
        assert (int(drawn["drawn-nodes"]), int(drawn["drawn-edges"])) == (G.number_of_nodes(), G.number_of_edges())


@needs_chromium
def test_chromium_draws_all_of_a_10000_node_30000_edge_graph(tmp_path):
    G = big_graph()
    page = tmp_path / "big.html"
    assert write_html(G, page) == 30_000
    drawn, console = _drawn(page)
    assert not console, "console errors or policy violations:\n" + "\n".join(console)
    assert (int(drawn["drawn-nodes"]), int(drawn["drawn-edges"])) == (10_000, 30_000)
    assert int(drawn["draw-ms"]) > 0 and drawn["time"] == "enabled"


@needs_chromium
def test_chromium_draws_an_undirected_view(tmp_path):
    G = nx.MultiGraph(big_graph(300, 600), view="comentions")
    page = tmp_path / "comentions.html"
    write_html(G, page)
    assert _data(page.read_text(encoding="utf-8"))["directed"] is False
    drawn, console = _drawn(page)
    assert not console, "console errors or policy violations:\n" + "\n".join(console)
    assert (int(drawn["drawn-nodes"]), int(drawn["drawn-edges"])) == (300, G.number_of_edges())
