"""One self-contained HTML page that draws a whole graph view.

Every node and edge is drawn on a canvas by vis-network, whose standalone
bundle is read at export time from the installed ``pyvis`` package and
inlined, so the page works as one offline file. Positions are computed here
(:mod:`kg.export.layout`: seeded, so the same graph always gives the same
page) and vis-network's physics stays off: the page opens drawn, without a
simulation to wait for. The page's own script adds a search box, type
toggles, a time slider over the first/last dates and a side panel with the
facts behind every node and relation.

The page is the Jinja2 template ``kg/export/page/graph.html``; this module
hands it plain values (title, summary, legend rows) and one JSON block that
the script reads. Script and style (``graph.js``, ``graph.css`` and the vis
bundle) are inlined and allowed by their sha256 hashes in the
Content-Security-Policy; nothing may be fetched.

Text from the data reaches the page in two ways, both inert: escaped into the
markup by the template's autoescaping, and as JSON inside a non-executed
script element of type ``application/json`` that the page reads with
``JSON.parse``; the script shows it with ``textContent`` and vis-network
draws it on the canvas.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.metadata import PackageNotFoundError, distribution
from math import isfinite, log
from typing import TYPE_CHECKING, Any

import jinja2

from kg.errors import ExportError
from kg.export.layout import Layout, entity_layout, node_size
from kg.export.network import type_colour
from kg.output import Target, open_output

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["entity_layout", "generate_html", "write_html"]

PAGE_FILES = "kg.export.page"  # the package holding the template, script and style
PAGE_TEMPLATE = "graph.html"
# vis-network's standalone build (no CSS needed, no other script), as pyvis 0.3 ships it
VIS_PACKAGE, VIS_BUNDLE = "pyvis", "lib/vis-9.1.2/vis-network.min.js"
CURVE_STEP = 0.2  # roundness between parallel edges of one pair, so each can be seen and clicked
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WEB_LINK = re.compile(r"https?://", re.IGNORECASE)
# what would end a script element early, or make the HTML parser miss its end
NOT_INLINABLE = re.compile(r"<\s*/\s*script|<!--", re.IGNORECASE)
# what a view's nodes and edges are called in the summary line
NOUNS = {"entities": ("entities", "relations"), "comentions": ("entities", "co-mentions"),
         "events": ("nodes", "links"), "documents": ("nodes", "links")}

Record = dict[str, Any]


@dataclass(frozen=True)
class LegendRow:
    """One node type in the legend, with how many nodes have it."""

    type: str
    colour: str
    count: int


def generate_html(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7) -> str:
    """The page for a graph view (see :func:`kg.export.views.build_view`)."""
    return page_template().render(page_context(G, title=title, seed=seed))


def write_html(G: nx.MultiDiGraph, out: Target, *, title: str | None = None, seed: int = 7) -> int:
    """Write the page; return the number of edges it draws (all of them)."""
    page = generate_html(G, title=title, seed=seed)
    with open_output(out) as handle:
        handle.write(page.encode("utf-8"))
    return G.number_of_edges()


def page_context(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7) -> dict[str, object]:
    """Everything the template writes, as plain values and records.

    ``style``, ``vis``, ``script`` and ``data`` are inserted unescaped: the
    first three are package files, the last is JSON escaped for its script element.
    """
    layout = entity_layout(G, seed=seed)
    order = list(layout.positions)
    legend = _legend_rows(G)
    data = {"view": str(G.graph.get("view", "entities")), "directed": G.is_directed(),
            "types": [{"name": r.type, "colour": r.colour} for r in legend],
            "nodes": _node_records(G, order, layout), "edges": _edge_records(G, order),
            "unlinked": len(layout.unlinked)}
    data["dates"] = _date_range(data["nodes"], data["edges"])
    vis, script, style = vis_bundle(), page_file("graph.js"), page_file("graph.css")
    return {"csp": _content_security_policy([vis, script], style), "title": _heading(G, title),
            "summary": _summary(G), "style": style, "vis": vis, "script": script,
            "data": _json_for_script(data), "legend": legend}


def page_file(name: str) -> str:
    """The text of one of the page's static files. They are package data, so
    an installed wheel has them too."""
    return files(PAGE_FILES).joinpath(name).read_text(encoding="utf-8")


@cache
def vis_bundle() -> str:
    """vis-network's standalone script, from the installed pyvis package, ready to inline.

    Its closing source-map comment is dropped: the map is not shipped, and
    a browser's developer tools would try to load it from beside the page.
    """
    # read through the installed distribution, not by importing the package:
    # pyvis's own __init__ imports IPython (a tenth of a second)
    try:
        text = distribution(VIS_PACKAGE).locate_file(f"{VIS_PACKAGE}/{VIS_BUNDLE}").read_text(encoding="utf-8")
    except (PackageNotFoundError, FileNotFoundError) as exc:
        raise ExportError(f"the HTML export draws with vis-network from the pyvis package, and "
                          f"{VIS_PACKAGE}/{VIS_BUNDLE} was not found; install it with "
                          f"pip install 'pyvis>=0.3.2,<0.4'") from exc
    text = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)
    if NOT_INLINABLE.search(text):
        raise ExportError(f"{VIS_PACKAGE}/{VIS_BUNDLE} holds the end tag of a script element or a comment "
                          f"start and cannot be inlined safely; install pyvis 0.3.2")
    return text


@cache
def page_template() -> jinja2.Template:
    """The page template, read once per process; escaping on, and a value the
    template names but is not given is an error."""
    env = jinja2.Environment(loader=jinja2.FunctionLoader(page_file), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["thousands"] = _thousands
    return env.get_template(PAGE_TEMPLATE)


# -- the data the script reads ---------------------------------------------------------------

def edge_width(weight: int) -> float:
    """The stroke width of an edge: grows with the log of its weight (1: 1, 10: 4.5)."""
    return round(1.0 + 1.5 * log(max(weight, 1)), 1)


def _node_records(G: nx.MultiDiGraph, order: list[str], layout: Layout) -> list[Record]:
    records = []
    for n in order:
        d = G.nodes[n]
        x, y = layout.positions[n]
        mentions = _int(d.get("mentions"))
        record = {"id": n, "label": str(d.get("label", n)), "type": str(d.get("type", "Thing")), "x": x, "y": y,
                  "size": node_size(mentions), "mentions": mentions, "documents": _int(d.get("documents"))}
        record.update(_dates(d))
        record.update(_links(d, "wikidata", "url"))
        if d.get("sentence") is not None:  # an event's, in the events view
            record["sentence"] = str(d["sentence"])
        records.append(record)
    return records


def _edge_records(G: nx.MultiDiGraph, order: list[str]) -> list[Record]:
    """Edges sorted by their ends' places in ``order`` and their key, so the
    page does not depend on the order they were added in."""
    index = {n: i for i, n in enumerate(order)}
    edges = sorted(((index[u], index[v], str(key), d) for u, v, key, d in G.edges(keys=True, data=True)),
                   key=lambda e: e[:3])
    seen: Counter[tuple[int, int]] = Counter()
    records = []
    for s, t, key, d in edges:
        weight = max(1, _int(d.get("weight", d.get("statements", 1))))
        record: Record = {"s": s, "t": t, "label": str(d.get("label", "")), "predicate": str(d.get("predicate", key)),
                          "weight": weight, "statements": _int(d.get("statements")), "width": edge_width(weight)}
        pair = (min(s, t), max(s, t))
        if s != t and seen[pair]:  # the second and later edges of a pair curve away, alternately to each side
            k = seen[pair]
            bend = CURVE_STEP * ((k + 1) // 2) * (1 if k % 2 else -1)
            record["curve"] = round(bend if s < t else -bend, 2)
        seen[pair] += 1
        if isinstance(d.get("confidence"), (int, float)) and isfinite(d["confidence"]):  # NaN is not JSON
            record["confidence"] = float(d["confidence"])
        for name in ("sentence", "surface", "document"):
            if d.get(name) is not None:
                record[name] = str(d[name])
        record.update(_links(d, "url"))
        record.update(_dates(d))
        records.append(record)
    return records


def _dates(d: dict) -> Record:
    """``first`` and ``last`` when they are ISO dates (a later ``first`` is taken as it is)."""
    return {name: str(d[name])[:10] for name in ("first", "last")
            if d.get(name) is not None and ISO_DATE.match(str(d[name]))}


def _links(d: dict, *names: str) -> Record:
    """The attributes among ``names`` that are web links: a ``javascript:`` or
    ``data:`` URL would run or load something when clicked, so it is left out."""
    return {name: d[name] for name in names if isinstance(d.get(name), str) and WEB_LINK.match(d[name])}


def _date_range(nodes: list[Record], edges: list[Record]) -> list[str] | None:
    days = [r[name] for r in (*nodes, *edges) for name in ("first", "last") if name in r]
    return [min(days), max(days)] if days else None


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


# -- the values the template writes -------------------------------------------------------

def _legend_rows(G: nx.MultiDiGraph) -> list[LegendRow]:
    """One row per node type, the most common first."""
    counts = Counter(str(kind) for _, kind in G.nodes(data="type", default="Thing"))
    return [LegendRow(type=kind, colour=type_colour(kind), count=counts[kind])
            for kind in sorted(counts, key=lambda k: (-counts[k], k))]


def _thousands(count: int) -> str:
    return f"{count:,}"


def _heading(G: nx.MultiDiGraph, title: str | None) -> str:
    name = str(G.graph.get("name") or "kg entity graph")
    return title or (name + (f" \u2014 {G.graph['document']}" if G.graph.get("document") else ""))


def _summary(G: nx.MultiDiGraph) -> str:
    nodes, edges = NOUNS.get(str(G.graph.get("view", "entities")), NOUNS["entities"])
    summary = f"{G.number_of_nodes():,} {nodes} \u00b7 {G.number_of_edges():,} {edges}"
    if G.graph.get("documents"):
        summary += f" \u00b7 {G.graph['documents']:,} documents"
    return summary


def _json_for_script(data: object) -> str:
    """JSON that cannot end or disturb the script element holding it.

    Escaping every ``<`` (not only the ``</`` of an end tag) also defuses
    ``<!--`` and script start tags, which switch the HTML parser into states
    where a later end tag no longer closes the element; U+2028 and U+2029
    are escaped too, as older JavaScript parsers end a line at them.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _content_security_policy(scripts: list[str], style: str) -> str:
    """Nothing may load; only the inline scripts and style, by the hashes of their exact text, may run.

    vis-network styles its canvas and frame through the CSSOM (``element.style``),
    which the policy does not govern, so it needs neither ``'unsafe-inline'``
    nor ``'unsafe-eval'``.
    """
    return (f"default-src 'none'; script-src {' '.join(_csp_hash(s) for s in scripts)}; "
            f"style-src {_csp_hash(style)}; base-uri 'none'; form-action 'none'")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"
