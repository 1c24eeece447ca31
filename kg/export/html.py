"""One self-contained HTML page that shows the entity graph.

The picture is an inline SVG laid out here, in Python (networkx spring layout,
seeded, so the same graph always gives the same page); a few lines of inline
JavaScript add hover highlighting, zoom and pan, a search box and a side panel
with the sentence behind every relation. Nothing is fetched: no CDN, no fonts,
no network, and a Content-Security-Policy that forbids any.

Text from the data reaches the page in two ways, both inert: escaped into the
SVG with :func:`html.escape`, and as JSON inside a non-executed
``<script type="application/json">`` block that the page reads with
``JSON.parse`` and shows with ``textContent`` only.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass, field
from math import atan2, cos, hypot, log, sin, sqrt
from typing import TYPE_CHECKING

from kg.errors import ExportError
from kg.export.network import TYPE_COLOURS, type_colour
from kg.export.output import Target, open_output

if TYPE_CHECKING:
    import networkx as nx

MAX_NODES = 250  # beyond this a page is a hairball; Gephi (graphml/gexf) is the tool
MAX_LISTED = 5000  # entities not drawn are listed in the side panel, up to this many
# Sizes in screen pixels: nodes, labels and gaps keep them at every zoom level.
CHAR_WIDTH = 6.8  # average width of a 12 px label character, for planning
LABEL_H = 16.0
CELL_W, CELL_H = 125.0, 22.0  # grid of entities that take part in no relation
GAP = 28.0
CAPTION_H = 30.0
UNLINKED_MAX_R = 6.5
# The window the first view is planned for: 1400 x 900 minus the side panel and header.
VIEWPORT = (1040.0, 840.0)
PAD = 40.0
MIN_VIEW = (720.0, 480.0)  # small graphs are not blown up beyond about 1.5x


def node_radius(mentions: int) -> float:
    """Radius in screen pixels: the area grows with the number of mentions."""
    return 4.0 + 1.8 * sqrt(min(max(mentions, 0), 100))


@dataclass
class Layout:
    """Where everything goes. Positions are SVG user units; ``px`` is user units
    per screen pixel in the first view (below 1 when the picture is zoomed
    out to fit). ``sides`` says where each label sits: ``r``ight, ``l``eft,
    ``t``op or ``b``ottom of its node."""

    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    radii: dict[str, float] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)
    unlinked_top: float | None = None
    width: float = 0.0
    height: float = 0.0
    px: float = 1.0


def visible_subgraph(G: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES) -> nx.MultiDiGraph:
    """The part of ``G`` a page shows: all of it, or the ``max_nodes`` entities in
    the most relations (then the most mentioned)."""
    if G.number_of_nodes() <= max_nodes:
        return G
    rank = sorted(G.nodes, key=lambda n: (-G.degree(n), -G.nodes[n].get("mentions", 0), n))
    return _ordered_subgraph(G, set(rank[:max_nodes]))


def _ordered_subgraph(G, keep: set):
    """``G`` restricted to ``keep``, in ``G``'s node and edge order. (networkx's
    subgraph views may iterate in set order, which changes from run to run and
    would change the seeded layout with it.)"""
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if n in keep)
    if G.is_multigraph():
        H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep)
    else:
        H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if u in keep and v in keep)
    return H


def entity_layout(G: nx.MultiDiGraph, *, seed: int = 7, fit: bool = True) -> Layout:
    """Lay out each connected group of entities with a seeded spring layout
    turned to lie flat, pack the groups in rows, and put the entities that
    take part in no relation in a grid underneath, grouped by type.

    Labels keep their pixel size when the picture is zoomed out to fit the
    window, so the plan is made for the zoom it will be shown at, found by a
    few rounds of planning. With ``fit``, only as many unlinked entities (the
    most mentioned) are placed as fit in the first view at full size; the
    others are left out (``Layout.positions`` lacks them). Deterministic for
    a given graph and seed.
    """
    import networkx as nx

    U = nx.Graph(G)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    components = sorted((sorted(c) for c in nx.connected_components(U)), key=lambda c: (-len(c), c[0]))
    groups = []
    for nodes in (c for c in components if len(c) > 1):
        try:
            mean_r = sum(_r(G, n) for n in nodes) / len(nodes)
            pos = nx.spring_layout(_ordered_subgraph(U, set(nodes)), seed=seed, k=1.8 / sqrt(len(nodes)),
                                   scale=8.0 + (18.0 + mean_r) * sqrt(len(nodes)), iterations=300)
        except ImportError as exc:  # networkx needs scipy for groups of 500+
            raise ExportError(f"laying out a group of {len(nodes)} linked entities needs scipy "
                              f"({exc}); install it, or lower max_nodes") from None
        groups.append(_lie_flat({n: (float(x), float(y)) for n, (x, y) in pos.items()}))
    unlinked = sorted((c[0] for c in components if len(c) == 1), key=lambda n: _type_rank(G, n))
    if not groups and not unlinked:
        return Layout()
    if fit:
        unlinked = _unlinked_that_fit(G, U, groups, unlinked)

    px = 1.0
    for _ in range(6):
        layout = _plan(G, U, groups, unlinked, px)
        zoom = min(VIEWPORT[0] / (layout.width + 2 * PAD), VIEWPORT[1] / (layout.height + 2 * PAD))
        wanted = max(1.0, 1.0 / zoom)  # the plan is shown at 1/wanted pixels per unit
        if abs(wanted - px) < 0.02 * px:
            break
        px = min(3.0, sqrt(px * wanted))  # damped: more units per pixel grows the plan too
    return layout


def _unlinked_that_fit(G, U, groups, unlinked: list[str]) -> list[str]:
    """The unlinked entities that fit under the groups in the first view at
    full size, most mentioned first (all of them if they all fit)."""
    plan = _plan(G, U, groups, unlinked, 1.0)
    if plan.width + 2 * PAD <= VIEWPORT[0] and plan.height + 2 * PAD <= VIEWPORT[1]:
        return unlinked
    width = VIEWPORT[0] - 2 * PAD
    _, top, _, _ = _pack(_group_boxes(G, U, groups, plan.radii, 1.0, {}), 0, width, 1.0)
    rows = int((VIEWPORT[1] - 2 * PAD - top - CAPTION_H) // CELL_H)
    room = max(0, rows) * max(1, int(width // CELL_W))
    keep = set(sorted(unlinked, key=lambda n: (-int(G.nodes[n].get("mentions", 0)), n))[:room])
    return [n for n in unlinked if n in keep]


def _plan(G, U, groups, unlinked, px: float) -> Layout:
    layout = Layout(px=px, unlinked=list(unlinked))
    layout.radii = {n: _r(G, n) for n in G}
    for n in unlinked:
        layout.radii[n] = min(layout.radii[n], UNLINKED_MAX_R)
    boxes = _group_boxes(G, U, groups, layout.radii, px, layout.sides)

    cell_w = CELL_W * px
    narrowest = max([w for w, _, _ in boxes] + [cell_w])
    widest = max(narrowest, sum(w + GAP * px for w, _, _ in boxes) + len(unlinked) * cell_w)
    candidates = [narrowest * (widest / narrowest) ** (i / 40) for i in range(41)]
    aspect = VIEWPORT[0] / VIEWPORT[1]
    shape = {w: _pack(boxes, len(unlinked), w, px)[2:] for w in candidates}
    width = min(candidates, key=lambda w: (abs(log(shape[w][0] / max(shape[w][1], 1.0) / aspect)), w))
    placed, unlinked_top, layout.width, layout.height = _pack(boxes, len(unlinked), width, px)
    for (x, y), (_, _, pos) in zip(placed, boxes):
        for n, (nx_, ny_) in pos.items():
            layout.positions[n] = (x + nx_, y + ny_)
    if unlinked:
        layout.unlinked_top = unlinked_top
        columns = max(1, int(width // cell_w))
        for i, n in enumerate(unlinked):
            row, col = divmod(i, columns)
            layout.positions[n] = (col * cell_w + 10.0 * px,
                                   unlinked_top + (CAPTION_H + 10.0 + row * CELL_H) * px)
            layout.sides[n] = "r"
    return layout


def _group_boxes(G, U, groups, radii, px: float, sides: dict[str, str]) -> list:
    """Each group with its nodes pushed apart and labels placed (into ``sides``),
    as (width, height, positions in the box), tallest first."""
    boxes = []
    for pos in groups:
        pos = _separate(pos, radii, px)
        sides.update(_place_labels(G, U, pos, radii, px))
        boxes.append(_box(G, pos, sides, radii, px))
    return sorted(boxes, key=lambda b: (-b[1], -b[0]))


def _pack(boxes, unlinked: int, width: float, px: float):
    """Shelf-pack boxes into rows ``width`` wide, the unlinked grid below:
    (box origins, top of the grid, used width, height)."""
    placed = []
    gap = GAP * px
    x = y = row_height = used = 0.0
    for w, h, _ in boxes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        placed.append((x, y))
        used = max(used, x + w)
        x, row_height = x + w + gap, max(row_height, h)
    top = y + row_height + gap if boxes else 0.0
    height = top
    if unlinked:
        columns = max(1, int(width // (CELL_W * px)))
        used = max(used, min(unlinked, columns) * CELL_W * px)
        height = top + (CAPTION_H + -(-unlinked // columns) * CELL_H) * px
    return placed, top, used, height


def _separate(pos: dict[str, tuple[float, float]], radii: dict[str, float], px: float,
              *, rounds: int = 80) -> dict[str, tuple[float, float]]:
    """Push overlapping nodes apart (the spring layout does not know node
    sizes) until each pair is at least its radii and 4 pixels apart."""
    import numpy as np

    names = list(pos)
    if len(names) < 2:
        return pos
    xy = np.array([pos[n] for n in names], dtype=float)
    r = np.array([radii[n] * px for n in names])
    need = r[:, None] + r[None, :] + 4 * px
    np.fill_diagonal(need, 0.0)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        overlap = np.where(dist < need, need - dist, 0.0)
        if not overlap.any():
            break
        # coincident nodes get a fixed direction, so the result stays deterministic
        unit = np.where(dist[..., None] > 1e-9, delta / np.maximum(dist, 1e-9)[..., None], np.array([1.0, 0.0]))
        unit = np.where(np.tri(len(names), k=-1, dtype=bool)[..., None] | (dist[..., None] > 1e-9), unit, -unit)
        xy += 0.5 * (overlap[..., None] * unit).sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy)}


def _lie_flat(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Turn a layout so its longest extent is horizontal: groups then pack in
    rows, and labels (which run horizontally) collide less."""
    n = len(pos)
    mx = sum(x for x, _ in pos.values()) / n
    my = sum(y for _, y in pos.values()) / n
    sxx = sum((x - mx) ** 2 for x, _ in pos.values())
    syy = sum((y - my) ** 2 for _, y in pos.values())
    sxy = sum((x - mx) * (y - my) for x, y in pos.values())
    angle = 0.5 * atan2(2 * sxy, sxx - syy)
    c, s = cos(-angle), sin(-angle)
    return {k: ((x - mx) * c - (y - my) * s, (x - mx) * s + (y - my) * c) for k, (x, y) in pos.items()}


_SIDE_PREFERENCE = {"r": 0.0, "l": 0.1, "t": 0.2, "b": 0.3}


def _label_width(G, n) -> float:
    return CHAR_WIDTH * len(str(G.nodes[n].get("label", "")))


def _label_box(x: float, y: float, r: float, width: float, side: str, px: float = 1.0):
    """(left, top, right, bottom) in user units of a label on ``side`` of a
    node at (x, y); ``r`` and ``width`` are in pixels. The page's script uses
    the same boxes."""
    r, width, h = r * px, width * px, LABEL_H * px
    if side == "r":
        return (x + r + 4 * px, y - h / 2, x + r + 4 * px + width, y + h / 2)
    if side == "l":
        return (x - r - 4 * px - width, y - h / 2, x - r - 4 * px, y + h / 2)
    if side == "t":
        return (x - width / 2, y - r - 2 * px - h, x + width / 2, y - r - 2 * px)
    return (x - width / 2, y + r + 2 * px, x + width / 2, y + r + 2 * px + h)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(box, start, end) -> bool:
    """Does the segment start-end pass through the box? (Liang-Barsky clipping)"""
    (x1, y1), (x2, y2) = start, end
    if max(x1, x2) < box[0] or min(x1, x2) > box[2] or max(y1, y2) < box[1] or min(y1, y2) > box[3]:
        return False
    t0, t1 = 0.0, 1.0
    for p, q in ((x1 - x2, x1 - box[0]), (x2 - x1, box[2] - x1), (y1 - y2, y1 - box[1]), (y2 - y1, box[3] - y1)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
        if t0 > t1:
            return False
    return True


def _place_labels(G, U, pos, radii, px: float) -> dict[str, str]:
    """For each node of one group, the side of its label that covers the fewest
    other nodes, edges and labels (the most connected nodes choose first)."""
    segments = [(pos[u], pos[v]) for u, v in U.edges(list(pos)) if v in pos]
    discs = {m: (x - radii[m] * px, y - radii[m] * px, x + radii[m] * px, y + radii[m] * px)
             for m, (x, y) in pos.items()}
    placed: list[tuple[float, float, float, float]] = []
    sides = {}
    for n in sorted(pos, key=lambda n: (-U.degree(n), n)):
        x, y = pos[n]
        r, width = radii[n], _label_width(G, n)

        def cost(side: str) -> float:
            box = _label_box(x, y, r, width, side, px)
            return (3 * sum(_overlaps(box, d) for m, d in discs.items() if m != n)
                    + 2 * sum(_crosses(box, a, b) for a, b in segments)
                    + 4 * sum(_overlaps(box, other) for other in placed)
                    + _SIDE_PREFERENCE[side])

        sides[n] = min(_SIDE_PREFERENCE, key=cost)
        placed.append(_label_box(x, y, r, width, sides[n], px))
    return sides


def _box(G, pos, sides, radii, px: float):
    """A group's size including its labels, and its positions relative to the box."""
    extents = [_label_box(x, y, radii[n], _label_width(G, n), sides[n], px) for n, (x, y) in pos.items()]
    extents += [(x - radii[n] * px, y - radii[n] * px, x + radii[n] * px, y + radii[n] * px)
                for n, (x, y) in pos.items()]
    left, top = min(e[0] for e in extents) - 4 * px, min(e[1] for e in extents) - 4 * px
    right, bottom = max(e[2] for e in extents) + 4 * px, max(e[3] for e in extents) + 4 * px
    return right - left, bottom - top, {n: (x - left, y - top) for n, (x, y) in pos.items()}


def _r(G, n) -> float:
    return node_radius(int(G.nodes[n].get("mentions", 0)))


_TYPE_ORDER = {t: i for i, t in enumerate(TYPE_COLOURS)}


def _type_rank(G, n) -> tuple:
    data = G.nodes[n]
    kind = str(data.get("type", ""))
    return (_TYPE_ORDER.get(kind, len(_TYPE_ORDER)), kind, -int(data.get("mentions", 0)), str(data.get("label", "")), n)


def _edge_paths(G, positions, px: float) -> list[str]:
    """SVG path data per edge (in ``G.edges`` order), centre to centre with a
    vertex halfway for the direction arrow: straight when alone, bowed apart
    when two entities share several relations, a loop for self-relations."""
    from collections import defaultdict

    bundles: dict[frozenset, list] = defaultdict(list)
    for e in G.edges(keys=True):
        bundles[frozenset(e[:2])].append(e)
    bends = {}
    for bundle in bundles.values():
        for i, e in enumerate(bundle):
            bends[e] = (i - (len(bundle) - 1) / 2) * 28.0 * px
    paths = []
    for e in G.edges(keys=True):
        u, v = e[0], e[1]
        (x1, y1), (x2, y2) = positions[u], positions[v]
        if u == v:  # out to the upper right and back, arrow at the far end
            a, b, c = 46 * px, 8 * px, 30 * px
            paths.append(f"M{x1:.1f},{y1:.1f} Q{x1 + a:.1f},{y1 - b:.1f} {x1 + c:.1f},{y1 - c:.1f} "
                         f"Q{x1 + b:.1f},{y1 - a:.1f} {x1:.1f},{y1:.1f}")
            continue
        # bend in one frame per pair (from the smaller IRI), so a->b and b->a bow apart
        (ax, ay), (bx, by) = (positions[u], positions[v]) if u <= v else (positions[v], positions[u])
        length = hypot(bx - ax, by - ay) or 1.0
        cx = (x1 + x2) / 2 - (by - ay) / length * bends[e]
        cy = (y1 + y2) / 2 + (bx - ax) / length * bends[e]
        # split the quadratic at t=1/2 so marker-mid sits on the curve, pointing along it
        mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
        paths.append(f"M{x1:.1f},{y1:.1f} Q{(x1 + cx) / 2:.1f},{(y1 + cy) / 2:.1f} {mx:.1f},{my:.1f} "
                     f"Q{(cx + x2) / 2:.1f},{(cy + y2) / 2:.1f} {x2:.1f},{y2:.1f}")
    return paths


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _json_for_script(data: object) -> str:
    """JSON that cannot end or disturb the <script> element holding it.

    Escaping every ``<`` (not only ``</``) also defuses ``<!--`` and
    ``<script``, which switch the HTML parser into states where a later
    ``</script>`` no longer closes the element.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


_TEXT_PLACEMENT = {  # SVG text attributes matching _label_box (text is vertically centred)
    "r": lambda r: f'x="{r + 4:.1f}" text-anchor="start"',
    "l": lambda r: f'x="{-r - 4:.1f}" text-anchor="end"',
    "t": lambda r: f'y="{-r - 2 - LABEL_H / 2:.1f}" text-anchor="middle"',
    "b": lambda r: f'y="{r + 2 + LABEL_H / 2:.1f}" text-anchor="middle"',
}


def _pin(x: float, y: float) -> str:
    return f'data-x="{x:.1f}" data-y="{y:.1f}" transform="translate({x:.1f} {y:.1f})"'


def generate_html(G: nx.MultiDiGraph, *, title: str | None = None, seed: int = 7, max_nodes: int = MAX_NODES) -> str:
    """The page for an entity graph (see :func:`kg.export.network.entity_graph`)."""
    shown = visible_subgraph(G, max_nodes=max_nodes)
    layout = entity_layout(shown, seed=seed)
    if len(layout.positions) < shown.number_of_nodes():
        shown = _ordered_subgraph(shown, set(layout.positions))
    nodes = list(shown.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    unlinked = set(layout.unlinked)

    node_data = []
    for n in nodes:
        d = shown.nodes[n]
        x, y = layout.positions[n]
        node_data.append({"id": n, "label": str(d.get("label", n)), "type": str(d.get("type", "Thing")),
                          "mentions": int(d.get("mentions", 0)), "documents": int(d.get("documents", 0)),
                          "degree": shown.degree(n), "x": round(x, 1), "y": round(y, 1), "r": round(layout.radii[n], 1),
                          "side": layout.sides[n], "unlinked": n in unlinked})
    edge_data = []
    for u, v, key, d in shown.edges(keys=True, data=True):
        edge_data.append({"s": index[u], "t": index[v], "label": str(d.get("label", "")), "predicate": str(key),
                          "statements": int(d.get("statements", 0)), "confidence": d.get("confidence"),
                          "sentence": d.get("sentence"), "surface": d.get("surface"), "document": d.get("document")})

    parts = []
    for i, path in enumerate(_edge_paths(shown, layout.positions, layout.px)):
        e = edge_data[i]
        width = 1.3 + 0.5 * min(e["statements"], 5)
        tip = f"{node_data[e['s']]['label']} \u2014 {e['label']} \u2192 {node_data[e['t']]['label']}"
        parts.append(f'<g class="edge" data-i="{i}"><title>{_e(tip)}</title>'
                     f'<path class="hit" d="{path}"/><path class="line" d="{path}" stroke-width="{width:.1f}"/></g>')
    edges_svg = "\n".join(parts)
    nodes_svg = "\n".join(
        f'<g class="node pin{" unlinked" if n["unlinked"] else ""}" data-i="{i}" {_pin(n["x"], n["y"])}>'
        f'<title>{_e(n["label"])} ({_e(n["type"])})</title><circle r="{n["r"]}" fill="{type_colour(n["type"])}"/></g>'
        for i, n in enumerate(node_data))
    labels_svg = "\n".join(
        f'<g class="label pin{" unlinked" if n["unlinked"] else ""}" data-i="{i}" {_pin(n["x"], n["y"])}>'
        f'<text {_TEXT_PLACEMENT[n["side"]](n["r"])}>{_e(n["label"])}</text></g>'
        for i, n in enumerate(node_data))
    if layout.unlinked_top is not None:
        labels_svg += (f'\n<g class="caption pin" {_pin(0, layout.unlinked_top + 8 * layout.px)}>'
                       f"<text>Entities in no extracted relation ({len(layout.unlinked):,})</text></g>")

    counts: dict[str, int] = {}
    for _, kind in G.nodes(data="type", default="Thing"):
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    drawn = set(nodes)
    others = sorted((n for n in G if n not in drawn), key=lambda n: (-int(G.nodes[n].get("mentions", 0)), n))
    other_data = [{"id": n, "label": str(G.nodes[n].get("label", n)), "type": str(G.nodes[n].get("type", "Thing")),
                   "mentions": int(G.nodes[n].get("mentions", 0)), "documents": int(G.nodes[n].get("documents", 0)),
                   "degree": G.degree(n), "colour": type_colour(str(G.nodes[n].get("type", "Thing")))}
                  for n in others[:MAX_LISTED]]
    legend = "\n".join(
        f'<li><button type="button" data-type="{_e(kind)}" aria-pressed="false">'
        f'<svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5.5" fill="{type_colour(kind)}"/></svg>'
        f'{_e(kind)} <span class="n">{counts[kind]:,}</span></button></li>'
        for kind in sorted(counts, key=lambda k: (-counts[k], k)))

    heading = title or ("kg entity graph" + (f" \u2014 {G.graph['document']}" if G.graph.get("document") else ""))
    total, relations = G.number_of_nodes(), G.number_of_edges()
    summary = (f"{total:,} entities \u00b7 {relations:,} relations"
               + (f" \u00b7 {G.graph['documents']:,} documents" if G.graph.get("documents") else ""))
    if len(node_data) < total:
        summary += f" \u00b7 {len(node_data):,} entities and {len(edge_data):,} relations drawn, the rest listed"

    pad = PAD * layout.px
    w, h = max(layout.width + 2 * pad, MIN_VIEW[0]), max(layout.height + 2 * pad, MIN_VIEW[1])
    view = (layout.width / 2 - w / 2, layout.height / 2 - h / 2, w, h)
    data_json = _json_for_script({"nodes": node_data, "edges": edge_data, "others": other_data,
                                  "unlisted": max(0, len(others) - MAX_LISTED), "cell": CELL_W * layout.px})
    csp = (f"default-src 'none'; script-src {_csp_hash(_SCRIPT)}; style-src {_csp_hash(_STYLE)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return _PAGE.format(
        title=_e(heading), summary=_e(summary), csp=_e(csp), style=_STYLE, script=_SCRIPT, data=data_json,
        viewbox=" ".join(f"{v:.1f}" for v in view), edges=edges_svg, nodes=nodes_svg, labels=labels_svg,
        legend=legend)


def write_html(G: nx.MultiDiGraph, out: Target, *, title: str | None = None, seed: int = 7,
               max_nodes: int = MAX_NODES) -> int:
    """Write the page; return the number of relations (edges) it shows."""
    page = generate_html(G, title=title, seed=seed, max_nodes=max_nodes)
    with open_output(out) as handle:
        handle.write(page.encode("utf-8"))
    return visible_subgraph(G, max_nodes=max_nodes).number_of_edges()  # unlinked entities carry no edges


_STYLE = """
:root { --panel: 360px; --ink: #1d2329; --muted: #5b6670; --line: #a3acb5; --bg: #fbfcfd; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
header { height: 52px; display: flex; align-items: center; gap: 16px; padding: 0 16px; border-bottom: 1px solid #e3e6e9; }
header h1 { font-size: 16px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40%; }
header .summary { color: var(--muted); font-size: 13px; flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header input { width: 240px; padding: 6px 10px; border: 1px solid #c5ccd3; border-radius: 6px; font: inherit; }
header .status { color: var(--muted); font-size: 12px; min-width: 70px; }
main { position: absolute; top: 52px; left: 0; right: 0; bottom: 0; }
#graph { position: absolute; left: 0; top: 0; width: calc(100% - var(--panel)); height: 100%;
  cursor: grab; user-select: none; background: var(--bg); }
#graph.panning { cursor: grabbing; }
.edge .line { fill: none; stroke: var(--line); vector-effect: non-scaling-stroke; marker-mid: url(#arrow); }
.edge .hit { fill: none; stroke: transparent; stroke-width: 12px; vector-effect: non-scaling-stroke; }
.edge, .node { cursor: pointer; }
.node circle { stroke: #fff; stroke-width: 1.5px; }
.label text { font-size: 12px; fill: var(--ink); paint-order: stroke; stroke: var(--bg); stroke-width: 3px;
  stroke-linejoin: round; dominant-baseline: central; }
.label { pointer-events: none; }
.label.unlinked text { fill: #46505a; font-size: 11.5px; }
.label.hidden { display: none; }
.caption text { font-size: 13px; font-style: italic; fill: var(--muted); }
svg.focus .node, svg.focus .label, svg.focus .edge { opacity: 0.12; }
svg.focus .hi { opacity: 1; }
.label.hi, .label.sel, .label.match { display: inline; }
.label.hi text, .label.sel text, .label.match text { font-weight: 600; fill: var(--ink); }
.edge.hi .line, .edge.sel .line { stroke: #2d3640; marker-mid: url(#arrow-hi); }
.node.sel circle { stroke: #1d2329; stroke-width: 3px; }
.node.match circle { stroke: #c2185b; stroke-width: 4px; }
#panel { position: absolute; top: 0; right: 0; bottom: 0; width: var(--panel); overflow-y: auto;
  border-left: 1px solid #e3e6e9; padding: 12px 16px; background: #fff; }
#panel h2 { font-size: 17px; margin: 0 0 4px; overflow-wrap: anywhere; }
#panel h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
#panel .meta { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
#details ul { list-style: none; padding: 0; margin: 12px 0 0; }
#details li { border-top: 1px solid #eef0f2; padding: 10px 0; }
#details .rel { font-weight: 600; }
#details .rel button { all: unset; cursor: pointer; color: #0b5cad; }
#details .rel button:hover { text-decoration: underline; }
#details blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid #d6dbe0; color: #333; overflow-wrap: anywhere; }
#details .hint { color: var(--muted); }
#details h3 { margin-top: 16px; }
#details ul.others { display: flex; flex-wrap: wrap; gap: 2px 4px; margin-top: 4px; }
#details ul.others li { border: 0; padding: 0; }
#details ul.others button, #details button.back { all: unset; cursor: pointer; display: inline-flex; align-items: center;
  gap: 4px; padding: 1px 5px; border-radius: 4px; font-size: 12.5px; }
#details ul.others button:hover, #details button.back:hover { background: #f0f2f4; }
#details button.back { margin-top: 12px; color: #0b5cad; }
#legend { border-bottom: 1px solid #e3e6e9; padding-bottom: 10px; margin-bottom: 12px; }
#legend ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 12.5px; }
#legend button { all: unset; cursor: pointer; display: inline-flex; align-items: center; gap: 5px; padding: 1px 4px;
  border-radius: 4px; }
#legend button:hover { background: #f0f2f4; }
#legend button[aria-pressed="true"] { background: #e3e8ee; font-weight: 700; }
#legend .n { color: var(--muted); }
#tip { position: fixed; pointer-events: none; background: #1d2329; color: #fff; padding: 5px 8px; border-radius: 5px;
  font-size: 12px; max-width: 360px; z-index: 10; }
#tip[hidden] { display: none; }
/* names may carry bidi controls (U+202E ...): keep each one from reordering the text around it */
#details button, #details .pred, #details h2, #legend button, #tip span, .label text { unicode-bidi: isolate; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const nodes = data.nodes, edges = data.edges, others = data.others;
  const svg = document.getElementById("graph");
  const vb = svg.viewBox.baseVal;
  const pins = Array.from(svg.querySelectorAll(".pin")).map(el => [el, +el.dataset.x, +el.dataset.y]);
  const markers = Array.from(svg.querySelectorAll("marker"));
  const nodeEls = Array.from(svg.querySelectorAll(".node"));
  const edgeEls = Array.from(svg.querySelectorAll(".edge"));
  const labelEls = Array.from(svg.querySelectorAll(".label"));
  const details = document.getElementById("details");
  const tip = document.getElementById("tip");
  const search = document.getElementById("search");
  const status = document.getElementById("status");
  const incident = nodes.map(() => []);
  edges.forEach((e, i) => { incident[e.s].push(i); if (e.t !== e.s) incident[e.t].push(i); });
  // label widths in screen pixels (labels keep their size at every zoom)
  const widths = labelEls.map((el, i) => el.querySelector("text").getComputedTextLength() || nodes[i].label.length * 6.8);
  const texts = labelEls.map(el => el.querySelector("text"));
  const fitted = widths.slice();
  const order = nodes.map((n, i) => i).sort((a, b) =>
    (nodes[b].degree - nodes[a].degree) || (nodes[b].mentions - nodes[a].mentions) || (a - b));

  function scale() {
    const box = svg.getBoundingClientRect();
    return Math.min(box.width / vb.width, box.height / vb.height) || 1;
  }

  // Zooming moves things apart; nodes, labels and arrows keep their screen size.
  function applyView() {
    const s = scale(), inv = (1 / s).toFixed(5);
    for (const [el, x, y] of pins) el.setAttribute("transform", "translate(" + x + " " + y + ") scale(" + inv + ")");
    for (const m of markers) { m.setAttribute("markerWidth", 10 / s); m.setAttribute("markerHeight", 10 / s); }
    fitGrid(s);
    declutter(s);
  }

  // In the grid of unlinked entities a long name is cut to its cell (the full name is on hover and in the panel).
  function fitGrid(s) {
    nodes.forEach((n, i) => {
      if (!n.unlinked) return;
      const room = data.cell * s - n.r - 12, chars = Array.from(n.label);
      let text = n.label;
      fitted[i] = widths[i];
      if (widths[i] > room) {
        text = chars.slice(0, Math.max(1, Math.floor(chars.length * room / widths[i]) - 1)).join("") + "\u2026";
        fitted[i] = Math.max(room, 0);
      }
      if (texts[i].textContent !== text) texts[i].textContent = text;
    });
  }

  // Show a label only where it does not overlap one already shown, most connected first.
  function declutter(s) {
    const CELL = 80, grid = new Map(), taken = [];
    for (const i of order) {
      const n = nodes[i], px = (n.x - vb.x) * s, py = (n.y - vb.y) * s;
      const w = fitted[i], r = n.r, h = 16;  // the same boxes as _label_box in Python
      const box = n.side === "r" ? [px + r + 4, py - h / 2, px + r + 4 + w, py + h / 2]
                : n.side === "l" ? [px - r - 4 - w, py - h / 2, px - r - 4, py + h / 2]
                : n.side === "t" ? [px - w / 2, py - r - 2 - h, px + w / 2, py - r - 2]
                : [px - w / 2, py + r + 2, px + w / 2, py + r + 2 + h];
      const keys = [];
      let clash = false;
      for (let gx = Math.floor(box[0] / CELL); gx <= Math.floor(box[2] / CELL); gx++) {
        for (let gy = Math.floor(box[1] / CELL); gy <= Math.floor(box[3] / CELL); gy++) {
          const key = gx + "," + gy;
          keys.push(key);
          for (const j of grid.get(key) || []) {
            const o = taken[j];
            if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) clash = true;
          }
        }
      }
      labelEls[i].classList.toggle("hidden", clash);
      if (!clash) {
        taken.push(box);
        for (const key of keys) { if (!grid.has(key)) grid.set(key, []); grid.get(key).push(taken.length - 1); }
      }
    }
  }
  let pending = false;
  function redraw() { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; applyView(); }); } }

  // .hi marks what is in focus; svg.focus dims the rest
  function clearClass(name) { svg.querySelectorAll("." + name).forEach(el => el.classList.remove(name)); }
  function focusOn(nodeIdx, edgeIdx) {
    clearClass("hi");
    const mark = i => { nodeEls[i].classList.add("hi"); labelEls[i].classList.add("hi"); };
    for (const i of nodeIdx) {
      mark(i);
      for (const k of incident[i]) { edgeEls[k].classList.add("hi"); mark(edges[k].s); mark(edges[k].t); }
    }
    for (const k of edgeIdx) { edgeEls[k].classList.add("hi"); mark(edges[k].s); mark(edges[k].t); }
    svg.classList.toggle("focus", nodeIdx.length + edgeIdx.length > 0);
  }
  let selected = null, legendType = null;
  function restoreFocus() {
    if (selected && selected.node !== undefined) focusOn([selected.node], []);
    else if (selected) focusOn([], [selected.edge]);
    else if (legendType !== null) focusOn(nodes.map((n, i) => i).filter(i => nodes[i].type === legendType), []);
    else focusOn([], []);
  }

  // the side panel is built with textContent only: data never becomes markup
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function entityButton(i) {
    const b = el("button", null, nodes[i].label);
    b.type = "button";
    b.addEventListener("click", () => selectNode(i, true));
    return b;
  }
  function relationItem(k) {
    const e = edges[k], li = el("li"), rel = el("div", "rel");
    rel.append(entityButton(e.s), " \u2014 ", el("span", "pred", e.label), " \u2192 ", entityButton(e.t));
    li.append(rel);
    if (e.sentence) li.append(el("blockquote", null, e.sentence));
    const meta = [];
    if (e.document) meta.push("document " + e.document);
    if (e.confidence !== null && e.confidence !== undefined) meta.push("confidence " + Number(e.confidence).toFixed(2));
    meta.push(e.statements + (e.statements === 1 ? " statement" : " statements"));
    li.append(el("div", "meta", meta.join(" \u00b7 ")));
    return li;
  }
  function showDetails(heading, meta, items, empty) {
    details.replaceChildren(el("h2", null, heading));
    for (const line of meta) details.append(el("div", "meta", line));
    if (items.length) { const ul = el("ul"); items.forEach(k => ul.append(relationItem(k))); details.append(ul); }
    else details.append(el("p", "hint", empty));
  }
  function selectNode(i, centre) {
    selected = {node: i};
    clearClass("sel"); nodeEls[i].classList.add("sel"); labelEls[i].classList.add("sel");
    restoreFocus();
    const n = nodes[i];
    showDetails(n.label, [n.type + " \u00b7 " + n.mentions + (n.mentions === 1 ? " mention" : " mentions") + " in " +
      n.documents + (n.documents === 1 ? " document" : " documents"), n.id], incident[i],
      "No relation with another entity was extracted for this entity.");
    if (centre) centreOn(n.x, n.y);
  }
  function selectEdge(k) {
    selected = {edge: k};
    clearClass("sel"); edgeEls[k].classList.add("sel");
    restoreFocus();
    const e = edges[k];
    const pair = edges.map((o, j) => j).filter(j => (edges[j].s === e.s && edges[j].t === e.t) ||
                                                    (edges[j].s === e.t && edges[j].t === e.s));
    showDetails(nodes[e.s].label + " \u2014 " + nodes[e.t].label, [e.predicate], pair, "");
  }
  function clearSelection() {
    selected = null; clearClass("sel"); restoreFocus();
    details.replaceChildren(el("h2", null, "Relations"),
      el("p", "hint", "Click an entity or a relation to see the sentences it was read from. " +
                      "Scroll to zoom, drag to pan, search to find an entity."));
    if (others.length) {
      details.append(el("h3", null, "Not drawn (" + (others.length + data.unlisted) + ")"),
        el("p", "hint", "Entities left out of the picture to keep it readable, most mentioned first."));
      const ul = el("ul", "others");
      others.forEach((o, j) => {
        const b = el("button"), dot = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        dot.setAttribute("width", "10"); dot.setAttribute("height", "10");
        const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
        c.setAttribute("cx", "5"); c.setAttribute("cy", "5"); c.setAttribute("r", "4.5"); c.setAttribute("fill", o.colour);
        dot.append(c);
        b.type = "button"; b.append(dot, o.label); b.title = o.type;
        b.addEventListener("click", () => selectOther(j));
        const li = el("li"); li.append(b); ul.append(li);
      });
      details.append(ul);
      if (data.unlisted) details.append(el("p", "hint", "\u2026 and " + data.unlisted + " more: open the GraphML export in Gephi."));
    }
  }
  function selectOther(j) {
    selected = null; clearClass("sel"); restoreFocus();
    const o = others[j];
    showDetails(o.label, [o.type + " \u00b7 " + o.mentions + (o.mentions === 1 ? " mention" : " mentions") + " in " +
      o.documents + (o.documents === 1 ? " document" : " documents"), o.id], [],
      o.degree ? "Not drawn: in " + o.degree + " relations beyond the picture; open the GraphML export in Gephi."
               : "No relation with another entity was extracted for this entity; it is not drawn.");
    const back = el("button", "back", "\u2190 all entities not drawn");
    back.type = "button"; back.addEventListener("click", clearSelection);
    details.append(back);
  }
  function centreOn(x, y) {
    const k = Math.max(1, 1.5 / scale());  // zoom in until the neighbourhood is readable
    vb.width /= k; vb.height /= k;
    vb.x = x - vb.width / 2; vb.y = y - vb.height / 2;
    redraw();
  }

  // pointer: hover, click, drag to pan, wheel to zoom
  let drag = null, moved = false;
  svg.addEventListener("pointerdown", ev => {
    drag = {x: ev.clientX, y: ev.clientY, vx: vb.x, vy: vb.y, s: scale()}; moved = false;
  });
  svg.addEventListener("pointermove", ev => {
    if (drag) {
      const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!moved && Math.hypot(dx, dy) > 4) { moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add("panning"); }
      if (moved) { vb.x = drag.vx - dx / drag.s; vb.y = drag.vy - dy / drag.s; tip.hidden = true; redraw(); return; }
    }
    const edge = ev.target.closest(".edge");
    if (edge) {
      const e = edges[+edge.dataset.i];
      tip.replaceChildren(el("span", null, nodes[e.s].label), " \u2014 ", el("span", null, e.label), " \u2192 ",
                          el("span", null, nodes[e.t].label));
      tip.style.left = (ev.clientX + 14) + "px"; tip.style.top = (ev.clientY + 12) + "px"; tip.hidden = false;
    } else tip.hidden = true;
  });
  svg.addEventListener("pointerup", ev => {
    if (drag && moved) { svg.releasePointerCapture(ev.pointerId); svg.classList.remove("panning"); }
    drag = null;
  });
  svg.addEventListener("click", ev => {
    if (moved) return;
    const node = ev.target.closest(".node"), edge = ev.target.closest(".edge");
    if (node) selectNode(+node.dataset.i, false);
    else if (edge) selectEdge(+edge.dataset.i);
    else clearSelection();
  });
  svg.addEventListener("pointerover", ev => {
    if (drag && moved) return;
    const node = ev.target.closest(".node"), edge = ev.target.closest(".edge");
    if (node) focusOn([+node.dataset.i], []);
    else if (edge) focusOn([], [+edge.dataset.i]);
  });
  svg.addEventListener("pointerout", ev => {
    if (ev.target.closest(".node, .edge")) { restoreFocus(); tip.hidden = true; }
  });
  svg.addEventListener("wheel", ev => {
    ev.preventDefault();
    const k = Math.exp(-ev.deltaY * 0.0015);
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
    vb.x = p.x - (p.x - vb.x) / k; vb.y = p.y - (p.y - vb.y) / k;
    vb.width /= k; vb.height /= k;
    redraw();
  }, {passive: false});
  window.addEventListener("resize", redraw);

  // search: highlight every match while typing; Enter selects the best
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    const rank = i => { const l = nodes[i].label.toLowerCase(); return l === q ? 0 : l.startsWith(q) ? 1 : 2; };
    return nodes.map((n, i) => i).filter(i => nodes[i].label.toLowerCase().includes(q))
      .sort((a, b) => rank(a) - rank(b) || nodes[b].mentions - nodes[a].mentions);
  }
  search.addEventListener("input", () => {
    clearClass("match");
    const found = matches(search.value);
    found.forEach(i => { nodeEls[i].classList.add("match"); labelEls[i].classList.add("match"); });
    const extra = otherMatches(search.value);
    status.textContent = !search.value.trim() ? "" : found.length + (found.length === 1 ? " match" : " matches") +
      (extra.length ? " + " + extra.length + " not drawn" : "");
    if (found.length === 1 || (found.length && nodes[found[0]].label.toLowerCase() === search.value.trim().toLowerCase()))
      selectNode(found[0], false);
  });
  function otherMatches(q) {
    q = q.trim().toLowerCase();
    return q ? others.map((o, j) => j).filter(j => others[j].label.toLowerCase().includes(q)) : [];
  }
  search.addEventListener("keydown", ev => {
    if (ev.key === "Enter") {
      const found = matches(search.value), extra = otherMatches(search.value);
      if (found.length) selectNode(found[0], true); else if (extra.length) selectOther(extra[0]);
    }
    if (ev.key === "Escape") { search.value = ""; search.dispatchEvent(new Event("input")); }
  });
  const names = document.getElementById("names");
  [...new Set(nodes.concat(others).map(n => n.label))].sort().forEach(l => { const o = document.createElement("option"); o.value = l; names.append(o); });

  // legend: click a type to highlight its entities
  const legendButtons = Array.from(document.querySelectorAll("#legend button"));
  legendButtons.forEach(b => b.addEventListener("click", () => {
    legendType = legendType === b.dataset.type ? null : b.dataset.type;
    legendButtons.forEach(o => o.setAttribute("aria-pressed", String(o.dataset.type === legendType)));
    restoreFocus();
  }));

  // a link can open the page on one entity: graph.html#entity=Tony%20Blair (a name or an IRI)
  function fromHash() {
    const m = /^#entity=(.*)$/.exec(location.hash);
    if (!m) return false;
    const wanted = decodeURIComponent(m[1]).toLowerCase();
    const i = nodes.findIndex(n => n.id.toLowerCase() === wanted || n.label.toLowerCase() === wanted);
    if (i >= 0) { selectNode(i, true); return true; }
    const j = others.findIndex(o => o.id.toLowerCase() === wanted || o.label.toLowerCase() === wanted);
    if (j >= 0) { selectOther(j); return true; }
    return false;
  }
  window.addEventListener("hashchange", fromHash);

  applyView();
  if (!fromHash()) clearSelection();
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div class="summary">{summary}</div>
<input id="search" type="search" list="names" placeholder="Find an entity\u2026" autocomplete="off" aria-label="Find an entity">
<datalist id="names"></datalist>
<span id="status" class="status" aria-live="polite"></span>
</header>
<main>
<svg id="graph" viewBox="{viewbox}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{title}">
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M1,1 L9,5 L1,9 z" fill="#7d8893"/></marker>
<marker id="arrow-hi" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto"><path d="M1,1 L9,5 L1,9 z" fill="#2d3640"/></marker>
</defs>
<g id="edges">
{edges}
</g>
<g id="nodes">
{nodes}
</g>
<g id="labels">
{labels}
</g>
</svg>
<aside id="panel">
<section id="legend"><h3>Entity types</h3><ul>
{legend}
</ul></section>
<section id="details" aria-live="polite"></section>
</aside>
<div id="tip" hidden></div>
</main>
<script type="application/json" id="kg-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
