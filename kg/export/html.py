"""One self-contained HTML page that shows the entity graph.

The picture is an inline SVG laid out in Python (:mod:`kg.export.layout`:
a seeded spring layout, so the same graph always gives the same page); a
small script adds hover highlighting, zoom and pan, a search box and a side
panel with the sentence behind every relation. Nothing is fetched: no CDN,
no fonts, no network, and a Content-Security-Policy that forbids any.

The page is the Jinja2 template ``kg/export/page/graph.html``; this module
hands it plain records (positions, radii, colours, path data, legend rows)
and the template writes every element. Script and style (``graph.js``,
``graph.css``) are inlined, so the page works as one offline file, and
allowed by their sha256 hashes in the policy. Every number the script shares
with the layout reaches it as data, in the JSON block it reads.

Text from the data reaches the page in two ways, both inert: escaped into the
SVG by the template's autoescaping, and as JSON inside a non-executed script
element of type ``application/json`` that the page reads with
``JSON.parse`` and shows with ``textContent`` only.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Literal

import jinja2

from kg.export.layout import (
    CELL_W,
    CHAR_WIDTH,
    LABEL_END_GAP,
    LABEL_H,
    LABEL_SIDE_GAP,
    MAX_NODES,
    Layout,
    Side,
    edge_paths,
    entity_layout,
    ordered_subgraph,
    view_box,
    visible_subgraph,
)
from kg.export.network import type_colour
from kg.output import Target, open_output

if TYPE_CHECKING:
    import networkx as nx

MAX_LISTED = 5000  # entities not drawn are listed in the side panel, up to this many
PAGE_FILES = "kg.export.page"  # the package holding the template, script and style
PAGE_TEMPLATE = "graph.html"
# The sizes the script redraws label boxes with while zooming (see kg.export.layout.label_box).
LABEL_BOX = {"height": LABEL_H, "charWidth": CHAR_WIDTH, "sideGap": LABEL_SIDE_GAP, "endGap": LABEL_END_GAP}

Record = dict[str, Any]
Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class EdgeMark:
    """One relation as drawn: its curve (SVG path data), stroke width, and the
    labels its tooltip names."""

    path: str
    width: float
    source: str
    label: str
    target: str


@dataclass(frozen=True)
class NodeMark:
    """One entity as drawn: a circle at ``x, y`` and its label, offset from the
    centre along x (``label_x``, label to the right or left) or along y
    (``label_y``, above or below); the other offset is ``None``."""

    x: float
    y: float
    r: float
    colour: str
    label: str
    type: str
    unlinked: bool
    label_x: float | None
    label_y: float | None
    label_anchor: Anchor


@dataclass(frozen=True)
class Caption:
    """The heading over the grid of entities in no relation."""

    x: float
    y: float
    count: int


@dataclass(frozen=True)
class LegendRow:
    """One entity type in the legend, with how many entities have it."""

    type: str
    colour: str
    count: int


def generate_html(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7, max_nodes: int = MAX_NODES) -> str:
    """The page for an entity graph (see :func:`kg.export.network.entity_graph`)."""
    return page_template().render(page_context(G, title=title, seed=seed, max_nodes=max_nodes))


def write_html(G: nx.MultiDiGraph, out: Target, *, title: str | None = None, seed: int = 7,
               max_nodes: int = MAX_NODES) -> int:
    """Write the page; return the number of relations (edges) it shows."""
    page = generate_html(G, title=title, seed=seed, max_nodes=max_nodes)
    with open_output(out) as handle:
        handle.write(page.encode("utf-8"))
    return visible_subgraph(G, max_nodes=max_nodes).number_of_edges()  # unlinked entities carry no edges


def page_context(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7,
                 max_nodes: int = MAX_NODES) -> dict[str, object]:
    """Everything the template writes, as plain values and records.

    ``style``, ``script`` and ``data`` are inserted unescaped: the first two are
    our package files, the last is JSON escaped for its script element.
    """
    shown = visible_subgraph(G, max_nodes=max_nodes)
    layout = entity_layout(shown, seed=seed)
    if len(layout.positions) < shown.number_of_nodes():
        shown = ordered_subgraph(shown, set(layout.positions))
    nodes, edges = _node_records(shown, layout), _edge_records(shown)
    others = _not_drawn(G, shown)
    data = {"nodes": nodes, "edges": edges, "others": [_other_record(G, n) for n in others[:MAX_LISTED]],
            "unlisted": max(0, len(others) - MAX_LISTED), "cell": CELL_W * layout.px, "labelBox": LABEL_BOX}
    script, style = page_file("graph.js"), page_file("graph.css")
    return {"csp": _content_security_policy(script, style), "title": _heading(G, title),
            "summary": _summary(G, len(nodes), len(edges)), "style": style, "script": script,
            "data": _json_for_script(data), "view_box": view_box(layout),
            "edges": _edge_marks(shown, layout, nodes, edges), "nodes": [_node_mark(n) for n in nodes],
            "caption": _caption(layout), "legend": _legend_rows(G)}


def page_file(name: str) -> str:
    """The text of one of the page's static files. They are package data, so
    an installed wheel has them too."""
    return files(PAGE_FILES).joinpath(name).read_text(encoding="utf-8")


@cache
def page_template() -> jinja2.Template:
    """The page template, read once per process; escaping on, and a value the
    template names but is not given is an error."""
    env = jinja2.Environment(loader=jinja2.FunctionLoader(page_file), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["fixed"] = _fixed
    env.filters["thousands"] = _thousands
    return env.get_template(PAGE_TEMPLATE)


# -- the data the script reads ---------------------------------------------------------------

def _node_records(shown: nx.MultiDiGraph, layout: Layout) -> list[Record]:
    unlinked = set(layout.unlinked)
    records = []
    for n in shown.nodes:
        d = shown.nodes[n]
        x, y = layout.positions[n]
        records.append({"id": n, "label": str(d.get("label", n)), "type": str(d.get("type", "Thing")),
                        "mentions": int(d.get("mentions", 0)), "documents": int(d.get("documents", 0)),
                        "degree": shown.degree(n), "x": round(x, 1), "y": round(y, 1), "r": round(layout.radii[n], 1),
                        "side": layout.sides[n], "unlinked": n in unlinked})
    return records


def _edge_records(shown: nx.MultiDiGraph) -> list[Record]:
    index = {n: i for i, n in enumerate(shown.nodes)}
    return [{"s": index[u], "t": index[v], "label": str(d.get("label", "")), "predicate": str(key),
             "statements": int(d.get("statements", 0)), "confidence": d.get("confidence"),
             "sentence": d.get("sentence"), "surface": d.get("surface"), "document": d.get("document")}
            for u, v, key, d in shown.edges(keys=True, data=True)]


def _not_drawn(G: nx.MultiDiGraph, shown: nx.MultiDiGraph) -> list[str]:
    """The entities of ``G`` left out of the picture, most mentioned first."""
    return sorted((n for n in G if n not in shown), key=lambda n: (-int(G.nodes[n].get("mentions", 0)), n))


def _other_record(G: nx.MultiDiGraph, n: str) -> Record:
    d = G.nodes[n]
    return {"id": n, "label": str(d.get("label", n)), "type": str(d.get("type", "Thing")),
            "mentions": int(d.get("mentions", 0)), "documents": int(d.get("documents", 0)),
            "degree": G.degree(n), "colour": type_colour(str(d.get("type", "Thing")))}


# -- the records the template draws -------------------------------------------------------

def _edge_marks(shown: nx.MultiDiGraph, layout: Layout, nodes: list[Record], edges: list[Record]) -> list[EdgeMark]:
    return [EdgeMark(path=path, width=1.3 + 0.5 * min(e["statements"], 5), source=nodes[e["s"]]["label"],
                     label=e["label"], target=nodes[e["t"]]["label"])
            for e, path in zip(edges, edge_paths(shown, layout.positions, layout.px), strict=True)]


def _node_mark(n: Record) -> NodeMark:
    label_x, label_y, anchor = _label_placement(n["side"], n["r"])
    return NodeMark(x=n["x"], y=n["y"], r=n["r"], colour=type_colour(n["type"]), label=n["label"], type=n["type"],
                    unlinked=n["unlinked"], label_x=label_x, label_y=label_y, label_anchor=anchor)


def _label_placement(side: Side, r: float) -> tuple[float | None, float | None, Anchor]:
    """The text offset (along x or y) and anchor that put a label where
    ``label_box`` plans it (the text is vertically centred by the style)."""
    if side == "r":
        return r + LABEL_SIDE_GAP, None, "start"
    if side == "l":
        return -r - LABEL_SIDE_GAP, None, "end"
    if side == "t":
        return None, -r - LABEL_END_GAP - LABEL_H / 2, "middle"
    return None, r + LABEL_END_GAP + LABEL_H / 2, "middle"


def _caption(layout: Layout) -> Caption | None:
    if layout.unlinked_top is None:
        return None
    return Caption(x=0.0, y=layout.unlinked_top + 8 * layout.px, count=len(layout.unlinked))


def _legend_rows(G: nx.MultiDiGraph) -> list[LegendRow]:
    """One row per entity type, the most common first."""
    counts: dict[str, int] = {}
    for _, kind in G.nodes(data="type", default="Thing"):
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    return [LegendRow(type=kind, colour=type_colour(kind), count=counts[kind])
            for kind in sorted(counts, key=lambda k: (-counts[k], k))]


def _fixed(value: float) -> str:
    """A coordinate or width as the page writes it: one decimal place."""
    return f"{value:.1f}"


def _thousands(count: int) -> str:
    return f"{count:,}"


def _heading(G: nx.MultiDiGraph, title: str | None) -> str:
    return title or ("kg entity graph" + (f" \u2014 {G.graph['document']}" if G.graph.get("document") else ""))


def _summary(G: nx.MultiDiGraph, drawn_nodes: int, drawn_edges: int) -> str:
    total, relations = G.number_of_nodes(), G.number_of_edges()
    summary = (f"{total:,} entities \u00b7 {relations:,} relations"
               + (f" \u00b7 {G.graph['documents']:,} documents" if G.graph.get("documents") else ""))
    if drawn_nodes < total:
        summary += f" \u00b7 {drawn_nodes:,} entities and {drawn_edges:,} relations drawn, the rest listed"
    return summary


def _json_for_script(data: object) -> str:
    """JSON that cannot end or disturb the script element holding it.

    Escaping every ``<`` (not only the ``</`` of an end tag) also defuses
    ``<!--`` and script start tags, which switch the HTML parser into states
    where a later end tag no longer closes the element.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _content_security_policy(script: str, style: str) -> str:
    """Nothing may load; only the inline script and style, by the hashes of their exact text, may run."""
    return (f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"
