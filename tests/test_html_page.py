"""The HTML page's static files: shipped as package data, inlined byte for byte
and allowed by hash, filled without re-reading what was filled in, and fed
every number the layout shares with the script as data.

(The page's escaping, layout and large-graph behaviour are in test_export.py.)
"""
from __future__ import annotations

import base64
import hashlib
import html
import importlib.resources
import json
import re
from pathlib import Path

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
    assert text["graph.html"].startswith("<!DOCTYPE html>")


def test_the_page_reads_its_files_through_importlib_resources(graph, monkeypatch):
    read = []

    def recording_files(package):
        read.append(package)
        return importlib.resources.files(package)

    monkeypatch.setattr(html_export, "files", recording_files)
    generate_html(graph)
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
    assert "${" not in page  # every placeholder of the template was filled


def test_filled_values_are_not_filled_again(graph):
    page = generate_html(graph, title="${script} $data <b>")
    assert "<h1>${script} $data &lt;b&gt;</h1>" in page
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
