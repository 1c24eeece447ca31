"""Where the HTML page draws each entity, label and relation.

Each connected group of entities gets a seeded networkx spring layout, turned
to lie flat and pushed apart until no two nodes overlap; every label goes on
the side of its node that covers the least; the groups are shelf-packed in
rows and the entities in no relation sit in a grid underneath. The same graph
and seed always give the same layout.

Nodes, labels and gaps are sized in screen pixels, because the page keeps
them at their pixel size at every zoom level: the plan is made for the zoom
of the first view (``Layout.px`` user units per pixel). The page's script
redoes the label boxes of :func:`label_box` while zooming; it gets the
numbers they are made of (``LABEL_H``, ``LABEL_SIDE_GAP`` ...) as data.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from math import atan2, cos, hypot, log, sin, sqrt
from typing import TYPE_CHECKING, Literal, NamedTuple

from kg.errors import ExportError
from kg.export.network import TYPE_COLOURS

if TYPE_CHECKING:
    import networkx as nx

MAX_NODES = 250  # beyond this a page is a hairball; Gephi (graphml/gexf) is the tool
# Sizes in screen pixels: nodes, labels and gaps keep them at every zoom level.
CHAR_WIDTH = 6.8  # average width of a 12 px label character, for planning
LABEL_H = 16.0
LABEL_SIDE_GAP = 4.0  # between a node and a label to its right or left
LABEL_END_GAP = 2.0  # between a node and a label above or below it
CELL_W, CELL_H = 125.0, 22.0  # grid of entities that take part in no relation
GAP = 28.0
CAPTION_H = 30.0
UNLINKED_MAX_R = 6.5
# The window the first view is planned for: 1400 x 900 minus the side panel and header.
VIEWPORT = (1040.0, 840.0)
PAD = 40.0
MIN_VIEW = (720.0, 480.0)  # small graphs are not blown up beyond about 1.5x

Side = Literal["r", "l", "t", "b"]
Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom
Positions = dict[str, Point]


def node_radius(mentions: int) -> float:
    """Radius in screen pixels: the area grows with the number of mentions."""
    return 4.0 + 1.8 * sqrt(min(max(mentions, 0), 100))


@dataclass(frozen=True)
class Layout:
    """Where everything goes. Positions are SVG user units; ``px`` is user units
    per screen pixel in the first view (below 1 when the picture is zoomed
    out to fit). ``sides`` says where each label sits: ``r``ight, ``l``eft,
    ``t``op or ``b``ottom of its node."""

    positions: dict[str, Point] = field(default_factory=dict)
    sides: dict[str, Side] = field(default_factory=dict)
    radii: dict[str, float] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)
    unlinked_top: float | None = None
    width: float = 0.0
    height: float = 0.0
    px: float = 1.0


class GroupBox(NamedTuple):
    """One group of linked entities with its labels: its size, and its node
    positions relative to its top left corner."""

    width: float
    height: float
    positions: Positions


class Packing(NamedTuple):
    """Group boxes packed in rows: each box's origin, the top of the grid of
    unlinked entities below them, and the size of the whole."""

    origins: list[Point]
    grid_top: float
    width: float
    height: float


def visible_subgraph(G: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES) -> nx.MultiDiGraph:
    """The part of ``G`` a page shows: all of it, or the ``max_nodes`` entities in
    the most relations (then the most mentioned)."""
    if G.number_of_nodes() <= max_nodes:
        return G
    rank = sorted(G.nodes, key=lambda n: (-G.degree(n), -G.nodes[n].get("mentions", 0), n))
    return ordered_subgraph(G, set(rank[:max_nodes]))


def ordered_subgraph(G: nx.Graph, keep: set[str]) -> nx.Graph:
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


def view_box(layout: Layout) -> Box:
    """The SVG viewBox (x, y, width, height) of the first view: the layout with
    a margin, centred, and no smaller than ``MIN_VIEW``."""
    pad = PAD * layout.px
    w, h = max(layout.width + 2 * pad, MIN_VIEW[0]), max(layout.height + 2 * pad, MIN_VIEW[1])
    return (layout.width / 2 - w / 2, layout.height / 2 - h / 2, w, h)


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
    groups = [_spring_group(G, U, nodes, seed) for nodes in components if len(nodes) > 1]
    unlinked = sorted((c[0] for c in components if len(c) == 1), key=lambda n: _type_rank(G, n))
    if not groups and not unlinked:
        return Layout()
    if fit:
        unlinked = _unlinked_that_fit(G, U, groups, unlinked)

    px = 1.0
    for _ in range(6):
        layout = _plan(G, U, groups, unlinked, px)
        wanted = max(1.0, 1.0 / _first_view_zoom(layout))  # the plan is shown at 1/wanted pixels per unit
        if abs(wanted - px) < 0.02 * px:
            break
        px = min(3.0, sqrt(px * wanted))  # damped: more units per pixel grows the plan too
    return layout


def _spring_group(G: nx.MultiDiGraph, U: nx.Graph, nodes: list[str], seed: int) -> Positions:
    """A seeded spring layout of one connected group, spread by its node sizes
    and turned to lie flat."""
    import networkx as nx

    try:
        mean_r = sum(_r(G, n) for n in nodes) / len(nodes)
        pos = nx.spring_layout(ordered_subgraph(U, set(nodes)), seed=seed, k=1.8 / sqrt(len(nodes)),
                               scale=8.0 + (18.0 + mean_r) * sqrt(len(nodes)), iterations=300)
    except ImportError as exc:  # networkx needs scipy for groups of 500+
        raise ExportError(f"laying out a group of {len(nodes)} linked entities needs scipy "
                          f"({exc}); install it, or lower max_nodes") from None
    return _lie_flat({n: (float(x), float(y)) for n, (x, y) in pos.items()})


def _first_view_zoom(layout: Layout) -> float:
    """Screen pixels per user unit when the layout and its margin fill ``VIEWPORT``."""
    return min(VIEWPORT[0] / (layout.width + 2 * PAD), VIEWPORT[1] / (layout.height + 2 * PAD))


def _unlinked_that_fit(G: nx.MultiDiGraph, U: nx.Graph, groups: list[Positions], unlinked: list[str]) -> list[str]:
    """The unlinked entities that fit under the groups in the first view at
    full size, most mentioned first (all of them if they all fit)."""
    plan = _plan(G, U, groups, unlinked, 1.0)
    if plan.width + 2 * PAD <= VIEWPORT[0] and plan.height + 2 * PAD <= VIEWPORT[1]:
        return unlinked
    width = VIEWPORT[0] - 2 * PAD
    top = _pack(_group_boxes(G, U, groups, plan.radii, 1.0, {}), 0, width, 1.0).grid_top
    rows = int((VIEWPORT[1] - 2 * PAD - top - CAPTION_H) // CELL_H)
    room = max(0, rows) * max(1, int(width // CELL_W))
    keep = set(sorted(unlinked, key=lambda n: (-int(G.nodes[n].get("mentions", 0)), n))[:room])
    return [n for n in unlinked if n in keep]


def _plan(G: nx.MultiDiGraph, U: nx.Graph, groups: list[Positions], unlinked: list[str], px: float) -> Layout:
    """The whole layout for ``px`` user units per screen pixel."""
    radii = {n: _r(G, n) for n in G}
    for n in unlinked:
        radii[n] = min(radii[n], UNLINKED_MAX_R)
    sides: dict[str, Side] = {}
    boxes = _group_boxes(G, U, groups, radii, px, sides)
    width = _packing_width(boxes, len(unlinked), px)
    packing = _pack(boxes, len(unlinked), width, px)
    positions = {}
    for (x, y), box in zip(packing.origins, boxes):
        for n, (bx, by) in box.positions.items():
            positions[n] = (x + bx, y + by)
    if unlinked:
        positions.update(_grid_positions(unlinked, width, packing.grid_top, px))
        sides.update(dict.fromkeys(unlinked, "r"))
    return Layout(positions=positions, sides=sides, radii=radii, unlinked=list(unlinked),
                  unlinked_top=packing.grid_top if unlinked else None,
                  width=packing.width, height=packing.height, px=px)


def _packing_width(boxes: list[GroupBox], unlinked: int, px: float) -> float:
    """The row width, among 41 from the widest box to one long row, whose
    packing has the shape closest to the viewport's."""
    cell_w = CELL_W * px
    narrowest = max([w for w, _, _ in boxes] + [cell_w])
    widest = max(narrowest, sum(w + GAP * px for w, _, _ in boxes) + unlinked * cell_w)
    candidates = [narrowest * (widest / narrowest) ** (i / 40) for i in range(41)]
    aspect = VIEWPORT[0] / VIEWPORT[1]
    packed = {w: _pack(boxes, unlinked, w, px) for w in candidates}
    return min(candidates, key=lambda w: (abs(log(packed[w].width / max(packed[w].height, 1.0) / aspect)), w))


def _grid_positions(unlinked: list[str], width: float, top: float, px: float) -> Positions:
    """The unlinked entities in rows of cells under the caption at ``top``."""
    cell_w = CELL_W * px
    columns = max(1, int(width // cell_w))
    positions = {}
    for i, n in enumerate(unlinked):
        row, col = divmod(i, columns)
        positions[n] = (col * cell_w + 10.0 * px, top + (CAPTION_H + 10.0 + row * CELL_H) * px)
    return positions


def _group_boxes(G: nx.MultiDiGraph, U: nx.Graph, groups: list[Positions], radii: dict[str, float], px: float,
                 sides: dict[str, Side]) -> list[GroupBox]:
    """Each group with its nodes pushed apart and labels placed (into ``sides``),
    tallest first."""
    boxes = []
    for pos in groups:
        pos = _separate(pos, radii, px)
        sides.update(_place_labels(G, U, pos, radii, px))
        boxes.append(_box(G, pos, sides, radii, px))
    return sorted(boxes, key=lambda b: (-b.height, -b.width))


def _pack(boxes: list[GroupBox], unlinked: int, width: float, px: float) -> Packing:
    """Shelf-pack boxes into rows ``width`` wide, the grid of ``unlinked``
    entities below."""
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
    return Packing(placed, top, used, height)


def _separate(pos: Positions, radii: dict[str, float], px: float, *, rounds: int = 80) -> Positions:
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


def _lie_flat(pos: Positions) -> Positions:
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


# Ties between equally good sides go to the one first in this order.
_SIDE_PREFERENCE: dict[Side, float] = {"r": 0.0, "l": 0.1, "t": 0.2, "b": 0.3}


def label_width(G: nx.Graph, n: str) -> float:
    """The planned width of ``n``'s label in screen pixels."""
    return CHAR_WIDTH * len(str(G.nodes[n].get("label", "")))


def label_box(x: float, y: float, r: float, width: float, side: Side, px: float = 1.0) -> Box:
    """(left, top, right, bottom) in user units of a label on ``side`` of a
    node at (x, y); ``r`` and ``width`` are in pixels. The page's script makes
    the same boxes from the same numbers, passed to it as data."""
    r, width, h = r * px, width * px, LABEL_H * px
    side_gap, end_gap = LABEL_SIDE_GAP * px, LABEL_END_GAP * px
    if side == "r":
        return (x + r + side_gap, y - h / 2, x + r + side_gap + width, y + h / 2)
    if side == "l":
        return (x - r - side_gap - width, y - h / 2, x - r - side_gap, y + h / 2)
    if side == "t":
        return (x - width / 2, y - r - end_gap - h, x + width / 2, y - r - end_gap)
    return (x - width / 2, y + r + end_gap, x + width / 2, y + r + end_gap + h)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(box: Box, start: Point, end: Point) -> bool:
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


def _place_labels(G: nx.MultiDiGraph, U: nx.Graph, pos: Positions, radii: dict[str, float],
                  px: float) -> dict[str, Side]:
    """For each node of one group, the side of its label that covers the fewest
    other nodes, edges and labels (the most connected nodes choose first)."""
    segments = [(pos[u], pos[v]) for u, v in U.edges(list(pos)) if v in pos]
    discs = {m: (x - radii[m] * px, y - radii[m] * px, x + radii[m] * px, y + radii[m] * px)
             for m, (x, y) in pos.items()}
    placed: list[Box] = []
    sides: dict[str, Side] = {}
    for n in sorted(pos, key=lambda n: (-U.degree(n), n)):
        x, y = pos[n]
        r, width = radii[n], label_width(G, n)
        others = [d for m, d in discs.items() if m != n]
        sides[n] = min(_SIDE_PREFERENCE, key=lambda side: _label_cost(
            label_box(x, y, r, width, side, px), side, others, segments, placed))
        placed.append(label_box(x, y, r, width, sides[n], px))
    return sides


def _label_cost(box: Box, side: Side, discs: list[Box], segments: list[tuple[Point, Point]],
                placed: list[Box]) -> float:
    """How much a label at ``box`` covers: other nodes, edges, labels already placed."""
    return (3 * sum(_overlaps(box, d) for d in discs)
            + 2 * sum(_crosses(box, a, b) for a, b in segments)
            + 4 * sum(_overlaps(box, other) for other in placed)
            + _SIDE_PREFERENCE[side])


def _box(G: nx.MultiDiGraph, pos: Positions, sides: dict[str, Side], radii: dict[str, float], px: float) -> GroupBox:
    """A group's size including its labels, and its positions relative to the box."""
    extents = [label_box(x, y, radii[n], label_width(G, n), sides[n], px) for n, (x, y) in pos.items()]
    extents += [(x - radii[n] * px, y - radii[n] * px, x + radii[n] * px, y + radii[n] * px)
                for n, (x, y) in pos.items()]
    left, top = min(e[0] for e in extents) - 4 * px, min(e[1] for e in extents) - 4 * px
    right, bottom = max(e[2] for e in extents) + 4 * px, max(e[3] for e in extents) + 4 * px
    return GroupBox(right - left, bottom - top, {n: (x - left, y - top) for n, (x, y) in pos.items()})


def _r(G: nx.Graph, n: str) -> float:
    return node_radius(int(G.nodes[n].get("mentions", 0)))


_TYPE_ORDER = {t: i for i, t in enumerate(TYPE_COLOURS)}


def _type_rank(G: nx.Graph, n: str) -> tuple:
    """Sort key of the unlinked grid: by type (in ``TYPE_COLOURS`` order), then most mentioned."""
    data = G.nodes[n]
    kind = str(data.get("type", ""))
    return (_TYPE_ORDER.get(kind, len(_TYPE_ORDER)), kind, -int(data.get("mentions", 0)), str(data.get("label", "")), n)


def edge_paths(G: nx.MultiDiGraph, positions: Positions, px: float) -> list[str]:
    """SVG path data per edge (in ``G.edges`` order), centre to centre with a
    vertex halfway for the direction arrow: straight when alone, bowed apart
    when two entities share several relations, a loop for self-relations."""
    bends = _bends(G, px)
    paths = []
    for e in G.edges(keys=True):
        u, v = e[0], e[1]
        if u == v:
            paths.append(_loop_path(positions[u], px))
        else:
            paths.append(_bowed_path(positions[u], positions[v], u <= v, bends[e]))
    return paths


def _bends(G: nx.MultiDiGraph, px: float) -> dict[tuple, float]:
    """How far each edge bows out, in user units: relations between the same
    two entities fan out 28 pixels apart, a lone one stays straight."""
    bundles: dict[frozenset, list] = defaultdict(list)
    for e in G.edges(keys=True):
        bundles[frozenset(e[:2])].append(e)
    bends = {}
    for bundle in bundles.values():
        for i, e in enumerate(bundle):
            bends[e] = (i - (len(bundle) - 1) / 2) * 28.0 * px
    return bends


def _loop_path(centre: Point, px: float) -> str:
    """A self-relation: out to the upper right and back, arrow at the far end."""
    x1, y1 = centre
    a, b, c = 46 * px, 8 * px, 30 * px
    return (f"M{x1:.1f},{y1:.1f} Q{x1 + a:.1f},{y1 - b:.1f} {x1 + c:.1f},{y1 - c:.1f} "
            f"Q{x1 + b:.1f},{y1 - a:.1f} {x1:.1f},{y1:.1f}")


def _bowed_path(start: Point, end: Point, forward: bool, bend: float) -> str:
    """A quadratic curve from ``start`` to ``end``, bowed ``bend`` to the side.
    The side is taken in one frame per pair (``forward``: ``start`` has the
    smaller IRI), so a->b and b->a bow apart."""
    (x1, y1), (x2, y2) = start, end
    (ax, ay), (bx, by) = (start, end) if forward else (end, start)
    length = hypot(bx - ax, by - ay) or 1.0
    cx = (x1 + x2) / 2 - (by - ay) / length * bend
    cy = (y1 + y2) / 2 + (bx - ax) / length * bend
    # split the quadratic at t=1/2 so marker-mid sits on the curve, pointing along it
    mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
    return (f"M{x1:.1f},{y1:.1f} Q{(x1 + cx) / 2:.1f},{(y1 + cy) / 2:.1f} {mx:.1f},{my:.1f} "
            f"Q{(cx + x2) / 2:.1f},{(cy + y2) / 2:.1f} {x2:.1f},{y2:.1f}")
