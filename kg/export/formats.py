"""A view of the entity graph in the file formats graph tools open.

A view is a networkx ``MultiDiGraph`` (node id = entity IRI, edge key =
predicate IRI) whose attributes are strings, numbers and ISO dates. Each
writer takes the view and a :data:`~kg.output.Target` and returns the number
of edges written; every file goes through :func:`kg.output.open_output`, so
it appears whole or not at all.

========= ======================================= ===========================
format    opens in                                notes
========= ======================================= ===========================
graphml   Gephi, yEd, Cytoscape, networkx, igraph every attribute a typed key
gexf      Gephi (timeline), sigma.js, networkx    GEXF 1.3, dynamic, coloured
cytoscape Cytoscape.js, Cytoscape desktop (.cyjs) ``{"elements": ...}``
d3        D3 (force layouts), networkx            node-link JSON, ``links``
dot       Graphviz, and whatever reads DOT        labels escaped, filled
csv       spreadsheets, Kumu, Gephi, pandas       two files: nodes and edges
========= ======================================= ===========================

What every format shares:

- A missing value is absent: ``None``, NaN and infinities are never written
  (JSON has no NaN; Gephi would show the text "None").
- An attribute has one type across the graph: ints where every value is an
  int, doubles where ints and floats mix, booleans, else strings. The XML
  formats declare that type, so Gephi and yEd show typed columns.
- XML (GraphML, GEXF) and DOT carry display text (:func:`display_text`: one
  line, the characters XML 1.0 forbids replaced by U+FFFD); an empty text is
  absent there, as Gephi and networkx read an empty value as missing. JSON and
  CSV carry every string exactly (lone surrogates, which UTF-8 cannot encode,
  are escaped in JSON and replaced in CSV).

>>> import io, networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("http://ex.org/a", "http://ex.org/b", key="http://ex.org/says", label="says")
'http://ex.org/says'
>>> write_d3(G, io.BytesIO())
1
"""
from __future__ import annotations

import csv
import io
import json
import numbers
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from math import isfinite
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.errors import ExportError
from kg.export.network import display_text, type_colour
from kg.output import Target, open_output
from kg.version import __version__

if TYPE_CHECKING:
    import networkx as nx

GraphFormat = Literal["graphml", "gexf", "cytoscape", "d3", "dot", "csv"]
# The value types GraphML declares; GEXF says "integer" for "int".
Kind = Literal["boolean", "int", "long", "double", "string"]
Value = bool | int | float | str

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_INT32 = range(-2**31, 2**31)
_SURROGATES = re.compile("[\ud800-\udfff]")
# CSV cells a spreadsheet would run as a formula (OWASP, "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# -- values and columns, shared by every format -------------------------------------------------

def plain_value(value: object) -> Value | None:
    """``value`` as a bool, int, float or str; ``None`` if missing (None, NaN, infinite).

    >>> plain_value(float("nan")) is None, plain_value(date(2024, 5, 1))
    (True, '2024-05-01')
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if isfinite(number) else None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _kind_of(value: Value) -> Kind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if value in _INT32 else "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _unify(kinds: set[Kind]) -> Kind:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds <= {"int", "long"}:
        return "long"
    if kinds <= {"int", "long", "double"}:
        return "double"
    return "string"  # e.g. an int on one node and a string on another


def column_kinds(records: Iterable[Mapping[object, object]], *, skip: Iterable[str] = ()) -> dict[str, Kind]:
    """The one type of each attribute over ``records``, in first-seen order.

    >>> column_kinds([{"n": 1}, {"n": 2.5, "s": "x"}, {"n": None}])
    {'n': 'double', 's': 'string'}
    """
    skipped = set(skip)
    seen: dict[str, set[Kind]] = {}
    for record in records:
        for name, value in record.items():
            plain = plain_value(value)
            if plain is not None and str(name) not in skipped:
                seen.setdefault(str(name), set()).add(_kind_of(plain))
    return {name: _unify(kinds) for name, kinds in seen.items()}


def value_text(value: Value, kind: Kind) -> str:
    """The text of ``value`` in a column of type ``kind`` (XML, DOT and CSV cells)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _attributes(data: Mapping[object, object]) -> dict[str, Value]:
    """The present attributes of a node or edge, as plain values."""
    present = {}
    for name, value in data.items():
        plain = plain_value(value)
        if plain is not None:
            present[str(name)] = plain
    return present


def _edges(G: nx.MultiDiGraph) -> Iterator[tuple[object, object, object, Mapping]]:
    if G.is_multigraph():
        yield from G.edges(keys=True, data=True)
    else:
        for u, v, data in G.edges(data=True):
            yield u, v, None, data


def _node_ids(G: nx.MultiDiGraph, text: Callable[[str], str]) -> dict[object, str]:
    """Each node's id as the format writes it; two nodes may not share one."""
    ids: dict[object, str] = {}
    owner: dict[str, object] = {}
    for node in G:
        written = text(str(node))
        if written in owner:
            raise ExportError(f"nodes {owner[written]!r} and {node!r} would both be written as {written!r}; "
                              "give the graph distinct node ids")
        owner[written] = node
        ids[node] = written
    return ids


# -- XML: GraphML and GEXF ----------------------------------------------------------------------

def _xml_text(value: Value, kind: Kind) -> str:
    text = value_text(value, kind)
    return display_text(text) if kind == "string" else text


def _write_xml(root: ElementTree.Element, out: Target, prettyprint: bool) -> None:
    if prettyprint:
        ElementTree.indent(root, space="  ")
    with open_output(out) as handle:
        ElementTree.ElementTree(root).write(handle, encoding="utf-8", xml_declaration=True)
        handle.write(b"\n")


def write_graphml(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write GraphML with a typed ``<key>`` for every attribute; return the edges written.

    Each edge carries its key (the predicate IRI) as the attribute ``key`` and
    no GraphML id: networkx writes the key as the id, so every edge with the
    same predicate shares one, and Gephi drops an edge whose id it has seen.
    networkx's ``read_graphml`` gives the keys back from ``key``. ``label``
    and ``weight`` are the names Gephi reads as its Label and Weight; yEd
    shows ``label`` once mapped (Edit > Properties Mapper).
    """
    root = ElementTree.Element("graphml", {
        "xmlns": GRAPHML_NS, "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"})
    edges = [(u, v, {"key": key, **{k: x for k, x in data.items() if k != "key"}})
             for u, v, key, data in _edges(G)]
    scopes = {"graph": column_kinds([G.graph]),
              "node": column_kinds(data for _, data in G.nodes(data=True)),
              "edge": column_kinds(data for _, _, data in edges)}
    key_ids: dict[tuple[str, str], str] = {}
    for scope, kinds in scopes.items():
        for name, kind in kinds.items():
            key_ids[scope, name] = key_id = f"d{len(key_ids)}"
            ElementTree.SubElement(root, "key", {"id": key_id, "for": scope,
                                                 "attr.name": display_text(name), "attr.type": kind})

    def add_data(element: ElementTree.Element, scope: str, data: Mapping) -> None:
        for name, value in _attributes(data).items():
            text = _xml_text(value, scopes[scope][name])
            if text:
                ElementTree.SubElement(element, "data", {"key": key_ids[scope, name]}).text = text

    graph = ElementTree.SubElement(root, "graph", {
        "id": "G", "edgedefault": "directed" if G.is_directed() else "undirected"})
    add_data(graph, "graph", G.graph)
    ids = _node_ids(G, display_text)
    for node, data in G.nodes(data=True):
        add_data(ElementTree.SubElement(graph, "node", {"id": ids[node]}), "node", data)
    for u, v, data in edges:
        add_data(ElementTree.SubElement(graph, "edge", {"source": ids[u], "target": ids[v]}), "edge", data)
    _write_xml(root, out, prettyprint)
    return len(edges)


_GEXF_KIND = {"int": "integer", "long": "long", "double": "double", "boolean": "boolean", "string": "string"}


def write_gexf(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write GEXF 1.3 for Gephi; return the edges written.

    Nodes are coloured by ``type`` and sized by ``mentions`` (as
    :func:`kg.export.network.write_gexf` does). A node or edge with a
    ``first``/``last`` date exists from ``start`` to ``end`` (GEXF intervals
    include both ends), and then the graph is ``mode="dynamic"`` with
    ``timeformat="date"``, so Gephi's timeline plays; one without dates is
    there the whole time. Each edge's key goes in ``kind``, which GEXF 1.3
    added for parallel edges: Gephi keeps two relations between the same
    entities apart by it. ``label`` and ``weight`` are GEXF's own attributes;
    everything else is a declared, typed attribute.

    networkx 3.6 writes GEXF 1.3 that the 1.3 schema rejects (the XML Schema
    instance namespace without ``www.``, a ``name`` on ``<graph>``), and its
    reader ignores ``kind``: read back with networkx, an edge's key is its
    GEXF id and the predicate is in ``predicate``.
    """
    edges = list(_edges(G))
    node_kinds = column_kinds((data for _, data in G.nodes(data=True)), skip=["label"])
    edge_kinds = column_kinds((data for *_, data in edges), skip=["label"])
    if edge_kinds.get("weight") in ("int", "long", "double"):
        del edge_kinds["weight"]  # numeric weights are GEXF's own weight="..."
    spans = {node: _span(data, f"node {node}") for node, data in G.nodes(data=True)}
    spans.update({(u, v, key): _span(data, f"edge {u} -> {v} ({key})") for u, v, key, data in edges})
    dynamic = any(start or end for start, end in spans.values())

    # no xsi:schemaLocation: the 1.3 RelaxNG schema (the normative one) allows no such attribute
    root = ElementTree.Element("gexf", {"xmlns": GEXF_NS, "xmlns:viz": GEXF_VIZ_NS, "version": "1.3"})
    meta = ElementTree.SubElement(root, "meta")
    ElementTree.SubElement(meta, "creator").text = f"kg {__version__}"
    if display_text(G.graph.get("name") or ""):
        ElementTree.SubElement(meta, "description").text = display_text(G.graph["name"])
    graph = ElementTree.SubElement(root, "graph", {
        "defaultedgetype": "directed" if G.is_directed() else "undirected", "idtype": "string",
        "mode": "dynamic" if dynamic else "static", **({"timeformat": "date"} if dynamic else {})})
    attribute_ids = {}
    for cls, kinds in (("node", node_kinds), ("edge", edge_kinds)):
        if kinds:
            declared = ElementTree.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
            for name, kind in kinds.items():
                attribute_ids[cls, name] = attribute_id = f"{cls[0]}{len(attribute_ids)}"
                ElementTree.SubElement(declared, "attribute", {"id": attribute_id, "title": display_text(name),
                                                               "type": _GEXF_KIND[kind]})

    def add_attvalues(element: ElementTree.Element, cls: str, kinds: dict[str, Kind], data: Mapping) -> None:
        values = []
        for name, value in _attributes(data).items():
            if name in kinds:
                text = _xml_text(value, kinds[name])
                if text:
                    values.append({"for": attribute_ids[cls, name], "value": text})
        if values:
            attvalues = ElementTree.SubElement(element, "attvalues")
            for value in values:
                ElementTree.SubElement(attvalues, "attvalue", value)

    def when(span: tuple[str | None, str | None]) -> dict[str, str]:
        start, end = span
        return {**({"start": start} if start else {}), **({"end": end} if end else {})}

    ids = _node_ids(G, display_text)
    nodes = ElementTree.SubElement(graph, "nodes", {"count": str(G.number_of_nodes())})
    for node, data in G.nodes(data=True):
        label = display_text(plain_value(data.get("label")) or "")
        element = ElementTree.SubElement(nodes, "node", {"id": ids[node], **({"label": label} if label else {}),
                                                         **when(spans[node])})
        add_attvalues(element, "node", node_kinds, data)
        colour = type_colour(str(data.get("type", "")))
        r, g, b = (str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
        ElementTree.SubElement(element, "viz:color", {"r": r, "g": g, "b": b})
        ElementTree.SubElement(element, "viz:size", {"value": repr(node_size(data.get("mentions")))})
    edge_list = ElementTree.SubElement(graph, "edges", {"count": str(len(edges))})
    for index, (u, v, key, data) in enumerate(edges):
        attrs = {"id": str(index), "source": ids[u], "target": ids[v]}
        label = display_text(plain_value(data.get("label")) or "")
        if label:
            attrs["label"] = label
        weight = plain_value(data.get("weight"))
        if "weight" not in edge_kinds and weight is not None:  # a number: the column's kind says so
            attrs["weight"] = repr(float(weight))
        if key is not None and display_text(key):
            attrs["kind"] = display_text(key)
        element = ElementTree.SubElement(edge_list, "edge", {**attrs, **when(spans[u, v, key])})
        add_attvalues(element, "edge", edge_kinds, data)
    _write_xml(root, out, prettyprint)
    return len(edges)


def node_size(mentions: object) -> float:
    """The GEXF viz size of a node mentioned ``mentions`` times: 4 plus twice its square root."""
    count = plain_value(mentions)
    count = float(count) if isinstance(count, (int, float)) and not isinstance(count, bool) and count > 0 else 0.0
    return 4.0 + 2.0 * count ** 0.5


def _span(data: Mapping, what: str) -> tuple[str | None, str | None]:
    start, end = _iso_date(data.get("first"), what, "first"), _iso_date(data.get("last"), what, "last")
    if start and end and start > end:
        raise ExportError(f"{what}: first={start} is after last={end}; a view's dates must run forwards")
    return start, end


def _iso_date(value: object, what: str, name: str) -> str | None:
    plain = plain_value(value)
    if plain is None or plain == "":
        return None
    try:
        # a dateTime keeps its date: the timeline is by day
        return date.fromisoformat(str(plain)[:10]).isoformat()
    except ValueError:
        raise ExportError(f"{what}: {name}={plain!r} is not an ISO date (YYYY-MM-DD)") from None


# -- JSON: Cytoscape.js and D3 ------------------------------------------------------------------

def _write_json(document: object, out: Target, prettyprint: bool) -> None:
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, indent=2 if prettyprint else None,
                      separators=None if prettyprint else (",", ":"))
    with open_output(out) as handle:
        # a lone surrogate only ever sits inside a JSON string, where \udXXX is its escape
        handle.write(text.encode("utf-8", "backslashreplace"))
        handle.write(b"\n")


def cytoscape_elements(G: nx.MultiDiGraph) -> dict[str, object]:
    """The Cytoscape.js document of a view: ``{"elements": {"nodes": [...], "edges": [...]}}``.

    Every element has a unique string ``id`` (Cytoscape.js wants ids unique
    across nodes and edges; networkx's ``cytoscape_data`` gives edges none).
    Nodes also carry ``name`` (Cytoscape desktop's label column) and edges
    ``key`` and ``interaction`` (the predicate and its label, as Cytoscape
    desktop names it); ``id``, ``source`` and ``target`` are the structure's own.
    """
    ids = _node_ids(G, str)
    used = set(ids.values())
    nodes = []
    for node, data in G.nodes(data=True):
        attrs = _attributes(data)
        nodes.append({"data": {"id": ids[node], **({"name": attrs["label"]} if "label" in attrs else {}),
                               **{k: x for k, x in attrs.items() if k != "id"}}})
    edges = []
    for index, (u, v, key, data) in enumerate(_edges(G)):
        edge_id = f"e{index}"
        while edge_id in used:
            edge_id = f"_{edge_id}"
        used.add(edge_id)
        attrs = {k: x for k, x in _attributes(data).items() if k not in ("id", "source", "target")}
        edge = {"id": edge_id, "source": ids[u], "target": ids[v]}
        if plain_value(key) is not None:
            edge["key"] = plain_value(key)
        if "label" in attrs:
            edge["interaction"] = attrs["label"]
        edges.append({"data": {**edge, **{k: x for k, x in attrs.items() if k not in edge}}})
    return {"format_version": "1.0", "generated_by": f"kg {__version__}", "target_cytoscapejs_version": "~3",
            "data": _attributes(G.graph), "directed": G.is_directed(), "multigraph": G.is_multigraph(),
            "elements": {"nodes": nodes, "edges": edges}}


def write_cytoscape(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write Cytoscape.js JSON (``.cyjs``: Cytoscape.js and Cytoscape desktop); return the edges written."""
    document = cytoscape_elements(G)
    _write_json(document, out, prettyprint)
    return len(document["elements"]["edges"])


def node_link(G: nx.MultiDiGraph) -> dict[str, object]:
    """The D3 node-link document: ``nodes`` with ``id``, ``links`` with ``source``, ``target``, ``key``."""
    import networkx as nx

    plain = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    plain.graph.update(_attributes(G.graph))
    plain.add_nodes_from((node, _attributes(data)) for node, data in G.nodes(data=True))
    plain.add_edges_from((u, v, key, _attributes(data)) for u, v, key, data in _edges(G))
    # every field name spelled out: networkx 3.4 to 3.6 changed the default of `edges`
    return nx.node_link_data(plain, source="source", target="target", name="id", key="key",
                             edges="links", nodes="nodes")


def write_d3(G: nx.MultiDiGraph, out: Target, *, prettyprint: bool = True) -> int:
    """Write D3 node-link JSON (``d3.forceLink(links).id(d => d.id)``); return the edges written."""
    document = node_link(G)
    _write_json(document, out, prettyprint)
    return len(document["links"])


# -- DOT ----------------------------------------------------------------------------------------

def dot_string(text: str, *, label: bool = False) -> str:
    """A DOT quoted string showing ``text`` (display text: one line, no control characters).

    Inside quotes DOT unescapes only ``\\"``; Graphviz then reads a label's
    ``\\\\`` as one backslash and ``\\n``, ``\\l``, ``\\N`` ... as line breaks and
    names, so a backslash is doubled to stay a backslash. Always quoted, so a
    label like ``<b>`` is text, not an HTML-like label, and ``node`` is no keyword.
    Graphviz also reads character entities (``&amp;``, ``&#65;``) in a label,
    so for ``label=True`` each ``&`` is written ``&amp;``. A long text goes as
    pieces joined by DOT's ``+``: Graphviz 2.43 stops at a quoted string
    longer than 16384 bytes.

    >>> print(dot_string('say "hi" \\\\o/'))
    "say \\"hi\\" \\\\o/"
    """
    shown = display_text(text).replace("&", "&amp;") if label else display_text(text)
    # 1024 characters are at most 8 KiB once escaped (4 bytes each, doubled)
    pieces = [shown[i:i + 1024] for i in range(0, len(shown), 1024)] or [""]
    return " + ".join('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"' for piece in pieces)


_DOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
# the attributes Graphviz draws as text, reading entities in them
_DOT_LABELS = {"label", "xlabel", "headlabel", "taillabel", "tooltip"}


def _dot_name(name: str) -> str:
    # a plain name bare, as readers such as pydot look attributes up by it
    return name if _DOT_NAME.match(name) and name.lower() not in _DOT_KEYWORDS else dot_string(name)


def _dot_attributes(attrs: Mapping[str, Value]) -> str:
    return ", ".join(
        f"{_dot_name(name)}={dot_string(value_text(value, _kind_of(value)), label=name in _DOT_LABELS)}"
        for name, value in attrs.items())


def write_dot(G: nx.MultiDiGraph, out: Target) -> int:
    """Write Graphviz DOT, nodes filled with their type's colour; return the edges written.

    Every id and value is a quoted string escaped by :func:`dot_string`
    (networkx's ``nx_pydot`` writes an IRI unquoted, so ``http://...`` reads
    as node ``http`` with a port, and writes labels like ``<b>`` as HTML).
    Each edge's key is its attribute ``key``. Render with ``dot -Tsvg``.
    """
    directed = G.is_directed()
    ids = {node: dot_string(text) for node, text in _node_ids(G, display_text).items()}
    lines = [f"{'digraph' if directed else 'graph'} {dot_string(str(G.graph.get('name') or 'kg'))} {{",
             "  node [style=filled];"]
    for node, data in G.nodes(data=True):
        attrs = _attributes(data)
        attrs.setdefault("fillcolor", type_colour(str(attrs.get("type", ""))))
        lines.append(f"  {ids[node]} [{_dot_attributes(attrs)}];")
    arrow = "->" if directed else "--"
    count = 0
    for u, v, key, data in _edges(G):
        attrs = {**({"key": plain_value(key)} if plain_value(key) is not None else {}),
                 **{k: x for k, x in _attributes(data).items() if k != "key"}}
        lines.append(f"  {ids[u]} {arrow} {ids[v]} [{_dot_attributes(attrs)}];")
        count += 1
    lines.append("}")
    with open_output(out) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    return count


# -- CSV ----------------------------------------------------------------------------------------

NODE_COLUMNS = ("id", "label", "type")
EDGE_COLUMNS = ("source", "target", "predicate", "label", "weight")


def csv_paths(out: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Where :func:`write_csv` writes its nodes and edges files, beside each other.

    - an existing folder ``DIR``: ``DIR/nodes.csv`` and ``DIR/edges.csv``
    - a file name ``NAME.csv``: ``NAME.nodes.csv`` and ``NAME.edges.csv`` (so
      two exports in one folder stay apart, and no file named NAME.csv is
      promised and then missing)

    >>> [p.name for p in csv_paths("out/graph.csv")]
    ['graph.nodes.csv', 'graph.edges.csv']
    """
    path = Path(out)
    if path.is_dir():
        return path / "nodes.csv", path / "edges.csv"
    if path.suffix.lower() == ".csv" and not str(out).endswith(("/", os.sep)):
        stem = path.with_suffix("")
        return stem.with_name(f"{stem.name}.nodes.csv"), stem.with_name(f"{stem.name}.edges.csv")
    if str(out).endswith(("/", os.sep)):
        raise ExportError(f"cannot write CSV into {out}: the folder does not exist; create it first")
    raise ExportError(f"cannot write CSV to {out}: give a folder (nodes.csv and edges.csv go in it) "
                      f"or a file name ending in .csv (e.g. {path.with_suffix('.csv')}: "
                      f"{path.name}.nodes.csv and {path.name}.edges.csv go beside it)")


def write_csv(G: nx.MultiDiGraph, out: str | os.PathLike[str], *, spreadsheet_safe: bool = False) -> int:
    """Write a nodes file and an edges file (see :func:`csv_paths`); return the edges written.

    Nodes: ``id,label,type``, then the other attributes in first-seen order;
    edges: ``source,target,predicate,label,weight`` (``predicate`` is the
    edge key, the predicate IRI of a view), then the others. A header row,
    one column order for every row, UTF-8 without a byte-order mark, RFC 4180
    quoting; a missing value is an empty cell, text is exact (newlines, tabs
    and quotes included). Kumu names these columns ``Label``/``Type`` and
    ``From``/``To``: rename the header row to import there.

    A text cell starting with ``=``, ``+``, ``-`` or ``@`` is a formula to
    Excel and LibreOffice. ``spreadsheet_safe=True`` puts an apostrophe in
    front of such cells (OWASP's advice), at the price of changing the text
    every other tool reads; off by default.
    """
    if not isinstance(out, (str, os.PathLike)) or str(out) == "-":
        raise ExportError("CSV is two files (nodes and edges); give a folder or a file name ending in .csv, "
                          "not standard output or an open file")
    nodes_path, edges_path = csv_paths(out)
    node_rows = [{"id": node, **_attributes(data)} for node, data in G.nodes(data=True)]
    edge_rows = [{"source": u, "target": v, "predicate": key,
                  **{k: x for k, x in _attributes(data).items() if k not in ("source", "target", "predicate")}}
                 for u, v, key, data in _edges(G)]
    # both files are written before either is moved into place
    with open_output(nodes_path) as nodes_file, open_output(edges_path) as edges_file:
        _write_table(nodes_file, NODE_COLUMNS, node_rows, spreadsheet_safe)
        _write_table(edges_file, EDGE_COLUMNS, edge_rows, spreadsheet_safe)
    return len(edge_rows)


def _write_table(handle, fixed: tuple[str, ...], rows: list[dict[str, object]], spreadsheet_safe: bool) -> None:
    kinds = column_kinds(rows)
    columns = [*fixed, *(name for name in kinds if name not in fixed)]
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name), kinds.get(name, "string"), spreadsheet_safe) for name in columns])
    text.flush()
    text.detach()  # the file is open_output's to close


def _cell(value: object, kind: Kind, spreadsheet_safe: bool) -> str:
    plain = plain_value(value)
    if plain is None:
        return ""
    cell = _SURROGATES.sub("\ufffd", value_text(plain, kind))
    if spreadsheet_safe and isinstance(plain, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


FORMAT_WRITERS: dict[str, Callable[..., int]] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "cytoscape": write_cytoscape,
    "d3": write_d3,
    "dot": write_dot,
    "csv": write_csv,
}
FORMAT_SUFFIXES: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
    "d3": ".json",
    "dot": ".dot",
    "csv": ".csv",
}
