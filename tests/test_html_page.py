"""The HTML page's static files: shipped as package data, inlined byte for byte
and allowed by hash, the markup written by the Jinja2 template alone (escaped,
strict about missing values, never re-reading what was filled in), and fed
every number the layout shares with the script as data.

(The page's escaping, layout and large-graph behaviour are in test_export.py.)
"""
from __future__ import annotations

import ast
import base64
import hashlib
import html
import importlib.resources
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jinja2.meta
import networkx as nx
import pytest

import kg.export
import kg.export.html as html_export
from kg.export.html import generate_html
from kg.export.layout import (
    CELL_W,
    CHAR_WIDTH,
    LABEL_END_GAP,
    LABEL_H,
    LABEL_SIDE_GAP,
    entity_layout,
    label_box,
)

PAGE_FILES = ("graph.html", "graph.js", "graph.css")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    """Two linked pairs (one pair with three relations, one a self-relation) and two unlinked entities."""
    G = nx.MultiDiGraph(documents=2)
    for i, kind in enumerate(["Person", "Country", "Organization", "Event", "Place", "Thing"]):
        G.add_node(f"urn:e:{i}", label=f"Entity {i}", type=kind, mentions=i, documents=1)
    G.add_edge("urn:e:0", "urn:e:1", key="urn:p:visits", label="visits", statements=2, sentence="0 visits 1.")
    G.add_edge("urn:e:1", "urn:e:0", key="urn:p:hosts", label="hosts", statements=1)
    G.add_edge("urn:e:0", "urn:e:1", key="urn:p:leaves", label="leaves", statements=1)
    G.add_edge("urn:e:2", "urn:e:3", key="urn:p:runs", label="runs", statements=1)
    G.add_edge("urn:e:3", "urn:e:3", key="urn:p:repeats", label="repeats", statements=1)
    return G


def _resource(name: str) -> str:
    return importlib.resources.files("kg.export.page").joinpath(name).read_text(encoding="utf-8")


def _inline(page: str, tag: str) -> str:
    return re.search(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL).group(1)


def _data(page: str) -> dict:
    return json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))


def _csp(page: str) -> str:
    return html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_the_static_files_are_package_resources():
    folder = importlib.resources.files("kg.export.page")
    for name in PAGE_FILES:
        assert folder.joinpath(name).is_file(), f"{name} is missing from the kg.export.page package"
    text = {name: _resource(name) for name in PAGE_FILES}
    assert "</script" not in text["graph.js"].lower() and "</style" not in text["graph.css"].lower()  # safe to inline
    assert "<!DOCTYPE html>" in text["graph.html"]


def test_the_page_reads_its_files_through_importlib_resources(graph, monkeypatch):
    read = []

    def recording_files(package):
        read.append(package)
        return importlib.resources.files(package)

    monkeypatch.setattr(html_export, "files", recording_files)
    html_export.page_template.cache_clear()  # the template is read once per process: make this the first time
    try:
        generate_html(graph)
    finally:
        html_export.page_template.cache_clear()
    assert set(read) == {"kg.export.page"} and len(read) == len(PAGE_FILES)
    source = Path(html_export.__file__).read_text(encoding="utf-8")
    assert "__file__" not in source and "Path(" not in source


def test_script_and_style_are_inlined_exactly_and_allowed_by_hash(graph):
    page = generate_html(graph)
    script, style = _inline(page, "script"), _inline(page, "style")
    assert script == _resource("graph.js") and style == _resource("graph.css")
    csp = _csp(page)
    assert f"script-src {_sha256(script)};" in csp and f"style-src {_sha256(style)};" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    markup = re.sub(r'id="kg-data">.*?</script>', "", page.replace(script, "").replace(style, ""), flags=re.DOTALL)
    assert not re.search(r"\{[{%#]|[}%#]\}", markup)  # no template syntax left over


def test_filled_values_are_not_filled_again(graph):
    page = generate_html(graph, title="{{ script }} {% if 1 %}x{% endif %} ${script} $data <b>")
    assert "<h1>{{ script }} {% if 1 %}x{% endif %} ${script} $data &lt;b&gt;</h1>" in page
    assert page.count("<script>") == 1 and page.count("<b>") == 0


def test_python_sources_of_kg_export_hold_no_script_style_or_page():
    export = Path(kg.export.__file__).parent
    sources = sorted(export.rglob("*.py"))
    assert export / "html.py" in sources and export / "layout.py" in sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for needle in ("<script", "<style", "function ", "<!DOCTYPE"):
            assert needle not in text, f"{path.relative_to(export)} holds {needle!r}: move it to kg/export/page/"


def test_the_numbers_the_script_shares_with_the_layout_arrive_as_data(graph):
    page = generate_html(graph)
    data = _data(page)
    assert data["labelBox"] == {"height": LABEL_H, "charWidth": CHAR_WIDTH, "sideGap": LABEL_SIDE_GAP,
                                "endGap": LABEL_END_GAP}
    assert data["cell"] == pytest.approx(CELL_W * entity_layout(graph).px)
    # the script takes them from the data, not from numbers of its own
    script = _resource("graph.js")
    assert "data.labelBox" in script and "data.cell" in script
    assert not re.search(r"(?<![\w.])(6\.8|16)(?![\w.])", script)
    # and they are the numbers the layout's label boxes are made of
    r, width = 5.0, 30.0
    side, end, h = LABEL_SIDE_GAP, LABEL_END_GAP, LABEL_H
    assert label_box(0.0, 0.0, r, width, "r") == (r + side, -h / 2, r + side + width, h / 2)
    assert label_box(0.0, 0.0, r, width, "b") == (-width / 2, r + end, width / 2, r + end + h)


def test_the_marker_size_is_written_once_in_the_template():
    template, script = _resource("graph.html"), _resource("graph.js")
    assert 'markerWidth="10"' in template
    assert 'getAttribute("markerWidth")' in script and not re.search(r"\b10 / s\b", script)


def test_labels_sit_where_the_data_says(graph):
    page = generate_html(graph)
    nodes = _data(page)["nodes"]
    for i, n in enumerate(nodes):
        text = re.search(rf'<g class="label pin[^"]*" data-i="{i}" [^>]*><text ([^>]*)>', page).group(1)
        if n["side"] == "r":
            assert text == f'x="{n["r"] + LABEL_SIDE_GAP:.1f}" text-anchor="start"'
        elif n["side"] == "b":
            assert text == f'y="{n["r"] + LABEL_END_GAP + LABEL_H / 2:.1f}" text-anchor="middle"'
        else:
            assert "text-anchor" in text


# -- the markup is the template's --------------------------------------------------------------

def _string_literals(tree: ast.Module) -> list[ast.Constant]:
    """The string constants of a module, f-string parts included, docstrings not."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)}
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_python_sources_of_kg_export_write_no_markup():
    export = Path(kg.export.__file__).parent
    sources = sorted(export.rglob("*.py"))
    assert export / "html.py" in sources
    tag = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")  # <g, </text, <!DOCTYPE, <!--x ...
    found = [f"{path.relative_to(export)}:{node.lineno}: {node.value!r}"
             for path in sources for node in _string_literals(ast.parse(path.read_text(encoding="utf-8")))
             if tag.search(node.value)]
    assert not found, "markup in Python strings; write it in kg/export/page/graph.html:\n" + "\n".join(found)


def test_the_string_literal_check_sees_f_strings_and_skips_docstrings():
    tree = ast.parse('"""A <g> in a docstring."""\nx = f\'<circle r="{r}"/>\'\ndef f():\n    """<b>"""\n')
    assert [node.value for node in _string_literals(tree)] == ['<circle r="', '"/>']


def test_the_template_is_autoescaped_strict_and_given_exactly_what_it_names(graph):
    template = html_export.page_template()
    env = template.environment
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    context = html_export.page_context(graph)
    source = env.loader.get_source(env, html_export.PAGE_TEMPLATE)[0]
    assert jinja2.meta.find_undeclared_variables(env.parse(source)) == set(context)
    for name in context:  # leaving out any one value is an error, not an empty attribute
        with pytest.raises(jinja2.UndefinedError):
            template.render({k: v for k, v in context.items() if k != name})
    record = context["nodes"][0]
    with pytest.raises(jinja2.UndefinedError):  # and so is a misspelt field of a record
        env.from_string("{{ node.colour }}{{ node.color }}").render(node=record)


def test_only_our_own_files_are_inserted_unescaped():
    source = _resource("graph.html")
    assert sorted(re.findall(r"\{\{\s*(\w+)\|safe\s*\}\}", source)) == ["data", "script", "style"]
    assert "Markup" not in Path(html_export.__file__).read_text(encoding="utf-8")  # nothing else is marked safe


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "${x}", "</svg>",
           "</text></g><g onclick=alert(1)>", "{% raw %}'&amp;"]


class _Page(HTMLParser):
    """Elements, attributes and the text of each SVG label, title and legend button, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, list[str]] = {"text": [], "title": [], "button": [], "h1": []}
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


def test_hostile_labels_and_types_are_inert_text():
    G = nx.MultiDiGraph(document=HOSTILE[0])
    for i, label in enumerate(HOSTILE):
        G.add_node(f"urn:h:{i}", label=label, type=HOSTILE[-1 - i], mentions=i, documents=1)
    G.add_node("urn:h:alone", label=HOSTILE[2], type="Thing")  # an unlinked one too
    for i in range(len(HOSTILE) - 1):
        G.add_edge(f"urn:h:{i}", f"urn:h:{i + 1}", key=f"urn:p:{i}", label=HOSTILE[i], statements=1,
                   sentence=HOSTILE[-1 - i])
    page = generate_html(G)
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    # nothing but our elements: two scripts, no image, no handler, no stray end of the picture
    assert [a for tag, a in parsed.tags if tag == "script"] == [{"type": "application/json", "id": "kg-data"}, {}]
    assert "img" not in {tag for tag, _ in parsed.tags}
    assert not [(tag, a) for tag, attrs in parsed.tags for a in attrs if a.startswith("on") or a in ("src", "href")]
    assert page.count("</svg>") == 1 + len(set(HOSTILE) | {"Thing"})  # the picture's own and one per legend swatch
    # every hostile string reads back exactly, as text: not run, not filled in as a template
    nodes = _data(page)["nodes"]
    labels = [n["label"] for n in nodes]
    assert sorted(labels) == sorted([*HOSTILE, HOSTILE[2]])
    assert parsed.text["text"][:len(nodes)] == labels
    heading = f"kg entity graph \u2014 {HOSTILE[0]}"
    tips = [f"{labels[e['s']]} \u2014 {e['label']} \u2192 {labels[e['t']]}" for e in _data(page)["edges"]]
    assert parsed.text["title"] == [heading, *tips, *(f"{n['label']} ({n['type']})" for n in nodes)]
    assert parsed.text["h1"] == [heading]
    legend = {a["data-type"] for tag, a in parsed.tags if tag == "button"}
    assert legend == set(HOSTILE) | {"Thing"}
    assert {t.rsplit(" ", 1)[0] for t in parsed.text["button"]} == legend
