"""Where the HTML page draws each entity: a seeded layout made in Python.

Each connected group of nodes gets an igraph Fruchterman-Reingold layout
(the grid variant for large groups), scaled so that a typical relation is
``EDGE_LENGTH`` long and a large group has ``AREA_PER_NODE`` for each node;
the groups are shelf-packed in rows, largest first, and the nodes in no
relation sit in rows underneath, most mentioned first.

Why here and not in the browser: on a synthetic view of 10,000 nodes and
30,000 edges, vis-network's Barnes-Hut physics took 0.45 s an iteration in
headless Chromium (50 stabilisation iterations 28 s, 200 iterations 93 s, on
every opening of the page, and 50 are far from settled); igraph lays the same
graph out in under 2 s once, at export time, and the same graph always gives
the same positions and so the same page (``benchmarks/page_draw.py``).

Small groups (up to ``SPREAD_UP_TO`` nodes) are then pushed apart until no
two labels overlap, and the grid gives a long label the room it needs, so a
page of a few dozen entities reads without zooming.

Coordinates are vis-network canvas units (pixels at zoom 1). igraph draws its
random numbers from a ``random.Random(seed)`` of its own while it lays out,
so the caller's ``random`` module is left alone.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from math import hypot, log, sqrt
from statistics import median
from typing import TYPE_CHECKING, Iterable, Sequence

from kg.errors import ExportError

if TYPE_CHECKING:
    import networkx as nx

EDGE_LENGTH = 120.0  # the median relation of a small group, in canvas units: a 12 px label fits along it
AREA_PER_NODE = 4000.0  # canvas units² per node of a large group: as dense as the grid of unlinked nodes
DENSE_FROM = 30  # nodes from which a group is also spread to AREA_PER_NODE (a dense core squeezes the median)
GAP = 50.0  # between packed groups
CELL_W, CELL_H = 150.0, 55.0  # grid of nodes in no relation: room for a label of 20 characters under each
CHAR_W, LABEL_H = 7.0, 18.0  # a 12 px label, as vis-network draws it under its node: width per character, height
ASPECT = 1.6  # width / height the packing aims at: the canvas of a landscape window
SPREAD_UP_TO = 300  # groups up to this size are pushed apart until no two labels overlap (numpy, n² a pass)
SPREAD_PASSES = 60
GRID_FROM = 1000  # nodes from which igraph's grid variant of Fruchterman-Reingold is used (igraph's own "auto")

Point = tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """Node positions, all inside ``[0, width] x [0, height]``; ``unlinked``
    are the nodes in no relation (with another node), in the order of the grid."""

    positions: dict[str, Point]
    width: float
    height: float
    unlinked: tuple[str, ...] = ()
    unlinked_top: float | None = None


@dataclass(frozen=True)
class Group:
    """One connected group laid out on its own: positions relative to its top left corner."""

    nodes: tuple[int, ...]
    points: tuple[Point, ...]
    width: float
    height: float


def node_size(mentions: int) -> float:
    """The radius of a node in canvas units: grows with the log of its mentions (1: 7, 100: 19, 1000: 26)."""
    return round(5.0 + 3.0 * log(1 + max(mentions, 0)), 1)


def entity_layout(G: nx.MultiDiGraph, *, seed: int = 7) -> Layout:
    """Positions for every node of ``G`` (ids sorted, so the order nodes were added in does not matter)."""
    order = sorted(G, key=str)
    index = {n: i for i, n in enumerate(order)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v})
    mentions = [_mentions(G.nodes[n]) for n in order]
    extents = [_extent(str(G.nodes[n].get("label", n)), node_size(m)) for n, m in zip(order, mentions, strict=True)]
    linked, unlinked = _components(len(order), pairs)
    group_of = {n: g for g, nodes in enumerate(linked) for n in nodes}
    edges: list[list[tuple[int, int]]] = [[] for _ in linked]
    for a, b in pairs:
        edges[group_of[a]].append((a, b))
    groups = _group_layouts(linked, edges, extents, seed=seed)
    placed, width, top = _pack(groups)
    lonely = sorted(unlinked, key=lambda i: (-mentions[i], str(G.nodes[order[i]].get("label", "")), i))
    grid, width, height = _grid(lonely, extents, width, top)
    positions = placed | grid
    return Layout(positions={n: positions[i] for i, n in enumerate(order)}, width=width, height=height,
                  unlinked=tuple(order[i] for i in lonely), unlinked_top=top if lonely else None)


def _mentions(d: dict) -> int:
    try:
        return int(d.get("mentions", 0) or 0)
    except (TypeError, ValueError):
        return 0


def _extent(label: str, size: float) -> tuple[float, float, float]:
    """How far a node and its label reach from its centre: to each side, above, below."""
    return max(size, len(label) * CHAR_W / 2), size, size + LABEL_H


def _components(n: int, pairs: Sequence[tuple[int, int]]) -> tuple[list[tuple[int, ...]], list[int]]:
    """The groups of two or more linked nodes, largest first, and the nodes in no pair."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    linked = sorted((tuple(m) for m in members.values() if len(m) > 1), key=lambda m: (-len(m), m[0]))
    return linked, [m[0] for m in members.values() if len(m) == 1]


def _group_layouts(linked: list[tuple[int, ...]], edges: list[list[tuple[int, int]]],
                   extents: Sequence[tuple[float, float, float]], *, seed: int) -> list[Group]:
    """Each connected group laid out on its own; the groups of one size are
    pushed apart together (:func:`_spread`), which gives what one at a time
    would, for a fraction of numpy's cost a call on hundreds of small groups."""
    points: list[list[Point]] = []
    for nodes, group_edges in zip(linked, edges, strict=True):
        reach = [extents[n] for n in nodes]
        if len(nodes) == 2:  # side by side, their labels clear of each other
            length = max(EDGE_LENGTH, reach[0][0] + reach[1][0] + CHAR_W * 3)
            points.append([(0.0, 0.0), (length, 0.0)])
            continue
        local = {n: i for i, n in enumerate(nodes)}
        shape = [(local[a], local[b]) for a, b in group_edges]
        points.append(_scaled(_fruchterman_reingold(len(nodes), shape, seed=seed), shape))
    by_size: dict[int, list[int]] = {}
    for g, nodes in enumerate(linked):
        if 2 < len(nodes) <= SPREAD_UP_TO:
            by_size.setdefault(len(nodes), []).append(g)
    for same in by_size.values():
        spread = _spread([points[g] for g in same], [[extents[n] for n in linked[g]] for g in same])
        for g, moved in zip(same, spread, strict=True):
            points[g] = moved
    return [_placed(nodes, points[g], [extents[n] for n in nodes]) for g, nodes in enumerate(linked)]


def _fruchterman_reingold(n: int, edges: list[tuple[int, int]], *, seed: int) -> list[Point]:
    return list(_fruchterman_reingold_of(n, tuple(edges), seed))


@lru_cache(maxsize=4096)
def _fruchterman_reingold_of(n: int, edges: tuple[tuple[int, int], ...], seed: int) -> tuple[Point, ...]:
    """One layout a shape: a news graph has hundreds of small groups of the same
    few shapes (an entity and the phrases of its two relations), and the seeded
    layout of a shape is the same every time."""
    try:
        import igraph
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ExportError("the HTML export lays out the graph with python-igraph; install it "
                          "(pip install igraph)") from exc
    graph = igraph.Graph(n=n, edges=edges)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = graph.layout_fruchterman_reingold(grid=n >= GRID_FROM).coords
    finally:
        igraph.set_random_number_generator(random)
    return tuple((float(x), float(y)) for x, y in coords)


def _scaled(points: Sequence[Point], edges: Iterable[tuple[int, int]]) -> list[Point]:
    """Scaled so that the median edge is ``EDGE_LENGTH`` long, and a large group
    spread to at least ``AREA_PER_NODE`` a node; turned to be wider than tall."""
    lengths = [hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]) for a, b in edges]
    scale = EDGE_LENGTH / (median(lengths) or 1.0)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if len(points) >= DENSE_FROM:
        area = max((max(xs) - min(xs)) * (max(ys) - min(ys)), 1e-9)
        scale = max(scale, sqrt(AREA_PER_NODE * len(points) / area))
    if max(ys) - min(ys) > max(xs) - min(xs):
        xs, ys = ys, xs
    return [(x * scale, y * scale) for x, y in zip(xs, ys, strict=True)]


def _spread(groups: Sequence[Sequence[Point]], reaches: Sequence[Sequence[tuple[float, float, float]]]
            ) -> list[list[Point]]:
    """Groups of one size, each's nodes moved apart until no two of them and
    their labels overlap (or ``SPREAD_PASSES`` passes are done): each
    overlapping pair is pushed apart along the axis it overlaps least, half
    the overlap each. Groups are independent (axis 0); one without overlaps
    gets no push, so groups that are done stay put while others go on."""
    import numpy as np

    xy = np.array(groups, dtype=float)  # (groups, nodes, 2)
    r = np.array(reaches, dtype=float)  # (groups, nodes, 3)
    n = xy.shape[1]
    margin = CHAR_W
    diagonal = np.arange(n)
    # ties (two nodes in one place) are broken by index, so the result does not depend on chance
    tie = np.sign(diagonal[:, None] - diagonal[None, :])
    for _ in range(SPREAD_PASSES):
        dx = xy[:, :, None, 0] - xy[:, None, :, 0]
        dy = xy[:, :, None, 1] - xy[:, None, :, 1]
        over_x = (r[:, :, None, 0] + r[:, None, :, 0] + margin) - np.abs(dx)
        # i above j: i's label (below it) meets j's top; i below j: j's label meets i's top
        over_y = (np.where(dy < 0, r[:, :, None, 2] + r[:, None, :, 1], r[:, None, :, 2] + r[:, :, None, 1])
                  + margin / 2 - np.abs(dy))
        clash = (over_x > 0) & (over_y > 0)
        clash[:, diagonal, diagonal] = False
        if not clash.any():
            break
        along_x = clash & (over_x <= over_y)
        along_y = clash & ~along_x
        push_x = np.where(along_x, over_x / 2 * np.where(dx == 0, tie, np.sign(dx)), 0.0)
        push_y = np.where(along_y, over_y / 2 * np.where(dy == 0, tie, np.sign(dy)), 0.0)
        clashes = np.maximum(clash.sum(axis=2), 1)
        xy[:, :, 0] += push_x.sum(axis=2) / clashes
        xy[:, :, 1] += push_y.sum(axis=2) / clashes
    return [[(float(x), float(y)) for x, y in group] for group in xy]


def _placed(nodes: tuple[int, ...], points: Sequence[Point], reach: Sequence[tuple[float, float, float]]) -> Group:
    """The group moved so that its nodes and labels start at (0, 0)."""
    left = min(x - r[0] for (x, _), r in zip(points, reach, strict=True))
    top = min(y - r[1] for (_, y), r in zip(points, reach, strict=True))
    right = max(x + r[0] for (x, _), r in zip(points, reach, strict=True))
    bottom = max(y + r[2] for (_, y), r in zip(points, reach, strict=True))
    return Group(nodes=nodes, points=tuple((x - left, y - top) for x, y in points),
                 width=right - left, height=bottom - top)


def _pack(groups: list[Group]) -> tuple[dict[int, Point], float, float]:
    """Shelf packing, in the order given (largest first): rows of columns, a
    group going under the one before it while the row's height has room.
    The positions, the width used and the bottom of the last row."""
    if not groups:
        return {}, 0.0, 0.0
    area = sum((g.width + GAP) * (g.height + GAP) for g in groups)
    row_width = max(max(g.width for g in groups), sqrt(area * ASPECT))
    placed: dict[int, Point] = {}
    row_top = row_height = width = 0.0
    column_x = column_bottom = column_width = 0.0  # the column being filled, its bottom relative to the row
    for i, g in enumerate(groups):
        if i and column_bottom + GAP + g.height <= row_height:  # under the last group of this column
            x, y = column_x, row_top + column_bottom + GAP
            column_bottom, column_width = column_bottom + GAP + g.height, max(column_width, g.width)
        else:
            column_x = column_x + column_width + GAP if i else 0.0
            if column_x and column_x + g.width > row_width:  # a new row
                row_top, row_height, column_x = row_top + row_height + GAP, 0.0, 0.0
            x, y = column_x, row_top
            column_bottom, column_width, row_height = g.height, g.width, max(row_height, g.height)
        for n, (px, py) in zip(g.nodes, g.points, strict=True):
            placed[n] = (round(x + px, 1), round(y + py, 1))
        width = max(width, x + g.width)
    return placed, width, row_top + row_height


def _grid(nodes: list[int], extents: Sequence[tuple[float, float, float]], width: float,
          top: float) -> tuple[dict[int, Point], float, float]:
    """The nodes in rows under the packed groups (or alone, when nothing is
    linked), like words in lines: each takes a cell, or more where its label
    is longer, so that no two labels meet."""
    if not nodes:
        return {}, width, top
    cells = [max(CELL_W, 2 * extents[n][0] + 2 * CHAR_W) for n in nodes]
    # as wide as the groups above, or wider when that would make the grid taller than wide
    row_width = max(width, sqrt(sum(cells) * CELL_H * ASPECT))
    start = top + 2 * GAP if width else 0.0
    grid: dict[int, Point] = {}
    x, y, right = 0.0, start, 0.0
    for n, cell in zip(nodes, cells, strict=True):
        if x and x + cell > row_width + CELL_W:
            x, y = 0.0, y + CELL_H
        # centred in its cell; the first column on the left edge, as the groups above start there
        centre = x + cell / 2 - CELL_W / 2
        grid[n] = (round(centre, 1), round(y, 1))
        right = max(right, centre)
        x += cell
    return grid, max(width, right), y
