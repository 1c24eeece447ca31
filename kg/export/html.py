"""One self-contained HTML page that shows the entity graph.

The picture is an inline SVG laid out in Python (:mod:`kg.export.layout`:
a seeded spring layout, so the same graph always gives the same page); a
small script adds hover highlighting, zoom and pan, a search box and a side
panel with the sentence behind every relation. Nothing is fetched: no CDN,
no fonts, no network, and a Content-Security-Policy that forbids any.

The page's template, script and style are the package files
``kg/export/page/graph.html``, ``graph.js`` and ``graph.css``. Script and
style are inlined, so the page works as one offline file, and allowed by
their sha256 hashes in the policy. Every number the script shares with the
layout reaches it as data, in the JSON block it reads.

Text from the data reaches the page in two ways, both inert: escaped into the
SVG with :func:`html.escape`, and as JSON inside a non-executed script
element of type ``application/json`` that the page reads with
``JSON.parse`` and shows with ``textContent`` only.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib.resources import files
from string import Template
from typing import TYPE_CHECKING, Any

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
from kg.export.output import Target, open_output

if TYPE_CHECKING:
    import networkx as nx

MAX_LISTED = 5000  # entities not drawn are listed in the side panel, up to this many
PAGE_FILES = "kg.export.page"  # the package holding the template, script and style
# The sizes the script redraws label boxes with while zooming (see kg.export.layout.label_box).
LABEL_BOX = {"height": LABEL_H, "charWidth": CHAR_WIDTH, "sideGap": LABEL_SIDE_GAP, "endGap": LABEL_END_GAP}

Record = dict[str, Any]


def generate_html(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7, max_nodes: int = MAX_NODES) -> str:
    """The page for an entity graph (see :func:`kg.export.network.entity_graph`)."""
    shown = visible_subgraph(G, max_nodes=max_nodes)
    layout = entity_layout(shown, seed=seed)
    if len(layout.positions) < shown.number_of_nodes():
        shown = ordered_subgraph(shown, set(layout.positions))
    nodes, edges = _node_records(shown, layout), _edge_records(shown)
    others = _not_drawn(G, shown)
    data = {"nodes": nodes, "edges": edges, "others": [_other_record(G, n) for n in others[:MAX_LISTED]],
            "unlisted": max(0, len(others) - MAX_LISTED), "cell": CELL_W * layout.px, "labelBox": LABEL_BOX}
    script, style = page_file("graph.js"), page_file("graph.css")
    return Template(page_file("graph.html")).substitute(
        csp=_e(_content_security_policy(script, style)), title=_e(_heading(G, title)),
        summary=_e(_summary(G, len(nodes), len(edges))), style=style, script=script, data=_json_for_script(data),
        viewbox=" ".join(f"{v:.1f}" for v in view_box(layout)), edges=_edges_svg(shown, layout, nodes, edges),
        nodes=_nodes_svg(nodes), labels=_labels_svg(nodes, layout), legend=_legend(G))


def write_html(G: nx.MultiDiGraph, out: Target, *, title: str | None = None, seed: int = 7,
               max_nodes: int = MAX_NODES) -> int:
    """Write the page; return the number of relations (edges) it shows."""
    page = generate_html(G, title=title, seed=seed, max_nodes=max_nodes)
    with open_output(out) as handle:
        handle.write(page.encode("utf-8"))
    return visible_subgraph(G, max_nodes=max_nodes).number_of_edges()  # unlinked entities carry no edges


def page_file(name: str) -> str:
    """The text of one of the page's static files. They are package data, so
    an installed wheel has them too."""
    return files(PAGE_FILES).joinpath(name).read_text(encoding="utf-8")


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


# -- the markup: SVG and text, every piece of data escaped ----------------------------------

def _edges_svg(shown: nx.MultiDiGraph, layout: Layout, nodes: list[Record], edges: list[Record]) -> str:
    parts = []
    for i, path in enumerate(edge_paths(shown, layout.positions, layout.px)):
        e = edges[i]
        width = 1.3 + 0.5 * min(e["statements"], 5)
        tip = f"{nodes[e['s']]['label']} \u2014 {e['label']} \u2192 {nodes[e['t']]['label']}"
        parts.append(f'<g class="edge" data-i="{i}"><title>{_e(tip)}</title>'
                     f'<path class="hit" d="{path}"/><path class="line" d="{path}" stroke-width="{width:.1f}"/></g>')
    return "\n".join(parts)


def _nodes_svg(nodes: list[Record]) -> str:
    return "\n".join(
        f'<g class="node pin{" unlinked" if n["unlinked"] else ""}" data-i="{i}" {_pin(n["x"], n["y"])}>'
        f'<title>{_e(n["label"])} ({_e(n["type"])})</title><circle r="{n["r"]}" fill="{type_colour(n["type"])}"/></g>'
        for i, n in enumerate(nodes))


def _labels_svg(nodes: list[Record], layout: Layout) -> str:
    labels = "\n".join(
        f'<g class="label pin{" unlinked" if n["unlinked"] else ""}" data-i="{i}" {_pin(n["x"], n["y"])}>'
        f'<text {_text_placement(n["side"], n["r"])}>{_e(n["label"])}</text></g>'
        for i, n in enumerate(nodes))
    if layout.unlinked_top is not None:
        labels += (f'\n<g class="caption pin" {_pin(0, layout.unlinked_top + 8 * layout.px)}>'
                   f"<text>Entities in no extracted relation ({len(layout.unlinked):,})</text></g>")
    return labels


def _text_placement(side: Side, r: float) -> str:
    """SVG text attributes that put a label where ``label_box`` plans it (the
    text is vertically centred by the style)."""
    if side == "r":
        return f'x="{r + LABEL_SIDE_GAP:.1f}" text-anchor="start"'
    if side == "l":
        return f'x="{-r - LABEL_SIDE_GAP:.1f}" text-anchor="end"'
    if side == "t":
        return f'y="{-r - LABEL_END_GAP - LABEL_H / 2:.1f}" text-anchor="middle"'
    return f'y="{r + LABEL_END_GAP + LABEL_H / 2:.1f}" text-anchor="middle"'


def _pin(x: float, y: float) -> str:
    """Attributes of an element the script keeps at screen size while zooming."""
    return f'data-x="{x:.1f}" data-y="{y:.1f}" transform="translate({x:.1f} {y:.1f})"'


def _legend(G: nx.MultiDiGraph) -> str:
    """One button per entity type, the most common first."""
    counts: dict[str, int] = {}
    for _, kind in G.nodes(data="type", default="Thing"):
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    return "\n".join(
        f'<li><button type="button" data-type="{_e(kind)}" aria-pressed="false">'
        f'<svg width="12" height="12" aria-hidden="true">'
        f'<circle cx="6" cy="6" r="5.5" fill="{type_colour(kind)}"/></svg>'
        f'{_e(kind)} <span class="n">{counts[kind]:,}</span></button></li>'
        for kind in sorted(counts, key=lambda k: (-counts[k], k)))


def _heading(G: nx.MultiDiGraph, title: str | None) -> str:
    return title or ("kg entity graph" + (f" \u2014 {G.graph['document']}" if G.graph.get("document") else ""))


def _summary(G: nx.MultiDiGraph, drawn_nodes: int, drawn_edges: int) -> str:
    total, relations = G.number_of_nodes(), G.number_of_edges()
    summary = (f"{total:,} entities \u00b7 {relations:,} relations"
               + (f" \u00b7 {G.graph['documents']:,} documents" if G.graph.get("documents") else ""))
    if drawn_nodes < total:
        summary += f" \u00b7 {drawn_nodes:,} entities and {drawn_edges:,} relations drawn, the rest listed"
    return summary


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


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
