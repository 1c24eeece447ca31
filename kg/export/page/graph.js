// The graph page: draws every node and edge with vis-network (the bundle inlined
// before this script), and adds search, type toggles, a time slider and the side panel.
// kg/export/html.py inlines this file (allowed by its hash in the Content-Security-Policy);
// everything it draws comes from the #kg-data block: positions are made in Python and
// vis-network's physics stays off, so the page opens drawn.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const nodes = data.nodes, edges = data.edges;
  // Past these sizes a redraw takes long enough to make dragging stutter: edges are then
  // hidden while the view moves, and moves are not animated.
  const BIG = nodes.length > 2000 || edges.length > 5000;
  // Drawing 30,000 arrowheads took 40% of a redraw; in a big graph they are drawn only
  // from this zoom on, where they are big enough to see.
  const ARROWS_FROM = 0.4;
  const LISTED = 50;  // relations listed at first in the panel; the rest behind "show all"
  const DAY = 86400000;
  const MIN_DOT = 1.5;  // screen pixels: zoomed out past this, a node is drawn as a dot of this radius in its colour
  const MARK = "#c2185b";  // the ring round a selected node too small to see its own highlight
  const body = document.body;
  const details = document.getElementById("details");
  const tip = document.getElementById("tip");
  const search = document.getElementById("search");
  const status = document.getElementById("status");
  const container = document.getElementById("graph");

  const typeIndex = new Map(data.types.map((t, i) => [t.name, i]));
  const outgoing = nodes.map(() => []), incoming = nodes.map(() => []);
  const nodeHidden = nodes.map(() => false), edgeHidden = edges.map(() => false);  // by the type toggles and time
  edges.forEach((e, k) => { outgoing[e.s].push(k); incoming[e.t].push(k); });

  // -- drawing ------------------------------------------------------------------------------
  // Each type is a vis group named by its place in the legend ("t0", "t1" ...), never by
  // the type's own text, which comes from the data.
  const groups = {};
  data.types.forEach((t, i) => {
    groups["t" + i] = {color: {background: t.colour, border: "#ffffff",
                               highlight: {background: t.colour, border: "#1d2329"},
                               hover: {background: t.colour, border: "#1d2329"}}};
  });
  const nodeSet = new vis.DataSet(nodes.map((n, i) => ({
    id: i, x: n.x, y: n.y, size: n.size, label: n.label, group: "t" + typeIndex.get(n.type)})));
  const edgeSet = new vis.DataSet(edges.map((e, k) => ({
    id: k, from: e.s, to: e.t, width: e.width,
    smooth: e.curve ? {enabled: true, type: e.curve > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(e.curve)}
                    : false})));
  const network = new vis.Network(container, {nodes: nodeSet, edges: edgeSet}, {
    autoResize: true,
    physics: {enabled: false},
    layout: {improvedLayout: false},
    groups: groups,
    nodes: {shape: "dot", borderWidth: 1, borderWidthSelected: 3,
            font: {size: 12, face: "system-ui, sans-serif", color: "#1d2329", strokeWidth: 3, strokeColor: "#fbfcfd"}},
    edges: {color: {color: "#8a949e", highlight: "#1d2329", hover: "#1d2329", opacity: BIG ? 0.5 : 0.8},
            arrows: {to: {enabled: data.directed && !BIG, scaleFactor: 0.45}}, selectionWidth: 1.5, smooth: false,
            selfReference: {size: 14}},
    interaction: {hover: false, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG,
                  multiselect: false, keyboard: false},
  });
  network.fit({animation: false});
  let arrows = data.directed && !BIG;
  function arrowsForZoom() {
    const wanted = data.directed && (!BIG || network.getScale() >= ARROWS_FROM);
    if (wanted !== arrows) { arrows = wanted; network.setOptions({edges: {arrows: {to: {enabled: wanted}}}}); }
  }
  network.on("zoom", arrowsForZoom);
  network.on("animationFinished", arrowsForZoom);  // focus() zooms without a "zoom" event
  // Zoomed out to a whole big graph, vis-network's dots are below a pixel and the
  // picture would be only grey edges: draw each node at least MIN_DOT pixels wide, over them.
  const byType = data.types.map(() => []);
  nodes.forEach((n, i) => byType[typeIndex.get(n.type)].push(i));
  network.on("afterDrawing", ctx => {
    const scale = network.getScale(), half = MIN_DOT / scale;
    byType.forEach((members, t) => {
      ctx.fillStyle = data.types[t].colour;
      for (const i of members) {
        const n = nodes[i];
        if (n.size * scale < MIN_DOT && !nodeHidden[i]) ctx.fillRect(n.x - half, n.y - half, 2 * half, 2 * half);
      }
    });
    ctx.strokeStyle = MARK; ctx.lineWidth = 2 / scale;
    for (const i of network.getSelectedNodes()) {
      const n = nodes[i];
      if (n.size * scale >= 3 * MIN_DOT) continue;
      ctx.beginPath(); ctx.arc(n.x, n.y, 4 * MIN_DOT / scale, 0, 2 * Math.PI); ctx.stroke();
    }
  });
  // When the first picture is on the canvas, say what it holds and how long it took to come
  // (performance.now() counts from the start of navigation).
  network.once("afterDrawing", () => {
    body.dataset.drawnNodes = String(network.body.nodeIndices.length);
    body.dataset.drawnEdges = String(network.body.edgeIndices.length);
    body.dataset.drawMs = String(Math.round(performance.now()));
    document.getElementById("drawing").hidden = true;
  });

  // -- text helpers: everything from the data is set with textContent only -------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  function webLink(url, text) {  // only http(s): a javascript: or data: URL would run or load
    if (!/^https?:\/\//i.test(url)) return el("span", null, text);
    const a = el("a", null, text);
    a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function span(first, last) {
    if (!first && !last) return null;
    return first === last ? "seen " + first : "seen " + (first || "?") + " \u2013 " + (last || "?");
  }

  // -- the side panel ------------------------------------------------------------------------
  function entityButton(i) {
    const b = el("button", null, nodes[i].label);
    b.type = "button";
    b.addEventListener("click", () => selectNode(i, true));
    return b;
  }
  function documentLine(e) {
    const line = el("div", "meta");
    const parts = [];
    if (e.document) parts.push(e.url ? webLink(e.url, "document " + e.document) : "document " + e.document);
    else if (e.url) parts.push(webLink(e.url, "article"));
    if (e.confidence !== undefined) parts.push("confidence " + Number(e.confidence).toFixed(2));
    parts.push(plural(e.statements || e.weight, "statement", "statements"));
    const dates = span(e.first, e.last);
    if (dates) parts.push(dates);
    parts.forEach((p, j) => { if (j) line.append(" \u00b7 "); line.append(p); });
    return line;
  }
  function relationItem(k) {
    const e = edges[k], li = el("li"), rel = el("div", "rel");
    rel.append(entityButton(e.s), " \u2014 ", el("span", "pred", e.label), data.directed ? " \u2192 " : " \u2014 ",
               entityButton(e.t));
    li.append(rel);
    if (e.sentence) li.append(el("blockquote", null, e.sentence));
    li.append(documentLine(e));
    return li;
  }
  function relationList(heading, list) {
    details.append(el("h3", null, heading + " (" + list.length.toLocaleString("en") + ")"));
    const ul = el("ul");
    details.append(ul);
    function show(upTo) { list.slice(ul.childElementCount, upTo).forEach(k => ul.append(relationItem(k))); }
    show(LISTED);
    if (list.length > LISTED) {
      const more = el("button", "more", "show all " + list.length.toLocaleString("en"));
      more.type = "button";
      more.addEventListener("click", () => { show(list.length); more.remove(); });
      details.append(more);
    }
  }
  function selectNode(i, centre) {
    network.selectNodes([i]);
    if (centre) {
      network.focus(i, {scale: Math.max(network.getScale(), 1), animation: !BIG});
      if (BIG) arrowsForZoom();
    }
    const n = nodes[i];
    details.replaceChildren(el("h2", null, n.label));
    details.append(el("div", "meta", n.type + " \u00b7 " + plural(n.mentions, "mention", "mentions") + " in " +
                                     plural(n.documents, "document", "documents")));
    const dates = span(n.first, n.last);
    if (dates) details.append(el("div", "meta", dates));
    details.append(el("div", "meta", n.id));
    for (const url of [n.wikidata, n.url]) {
      if (url) { const line = el("div", "meta"); line.append(webLink(url, url)); details.append(line); }
    }
    if (n.sentence) details.append(el("blockquote", null, n.sentence));
    if (!outgoing[i].length && !incoming[i].length) {
      details.append(el("p", "hint", "No relation with another node was extracted for this one."));
      return;
    }
    if (!data.directed) relationList("Links", [...new Set(outgoing[i].concat(incoming[i]))]);
    else {
      if (outgoing[i].length) relationList("Relations out", outgoing[i]);
      if (incoming[i].length) relationList("Relations in", incoming[i]);
    }
  }
  function selectEdge(k) {
    network.selectEdges([k]);
    const e = edges[k];
    details.replaceChildren(el("h2", null, nodes[e.s].label + " \u2014 " + e.label +
                                           (data.directed ? " \u2192 " : " \u2014 ") + nodes[e.t].label));
    if (e.sentence) details.append(el("blockquote", null, e.sentence));
    if (e.surface) details.append(el("div", "meta", "read as \u201c" + e.surface + "\u201d"));
    details.append(documentLine(e));
    details.append(el("div", "meta", "weight " + e.weight + " \u00b7 " + e.predicate));
    const others = outgoing[e.s].concat(incoming[e.s]).filter(j => j !== k &&
      ((edges[j].s === e.s && edges[j].t === e.t) || (edges[j].s === e.t && edges[j].t === e.s)));
    if (others.length) relationList("Between the same two", [...new Set(others)]);
  }
  function clearSelection() {
    network.unselectAll();
    details.replaceChildren(el("h2", null, "Facts"),
      el("p", "hint", "Click a node or an edge to read the sentences it was read from. " +
                      "Scroll to zoom, drag to pan, search to find a node by name."));
    if (data.unlinked) {
      details.append(el("p", "hint", plural(data.unlinked, "node", "nodes") + " in no relation " +
                                     (data.unlinked === 1 ? "sits" : "sit") + " in rows under the rest, most mentioned first."));
    }
  }
  network.on("click", p => {
    if (p.nodes.length) selectNode(p.nodes[0], false);
    else if (p.edges.length) selectEdge(p.edges[0]);
    else clearSelection();
  });

  // -- hover: a tooltip of our own, found without redrawing the canvas ------------------------
  let hoverAt = null, dragging = false;
  container.addEventListener("pointermove", ev => {
    if (hoverAt === null) requestAnimationFrame(showTip);
    const box = container.getBoundingClientRect();
    hoverAt = {x: ev.clientX - box.left, y: ev.clientY - box.top, cx: ev.clientX, cy: ev.clientY};
  });
  container.addEventListener("pointerleave", () => { tip.hidden = true; hoverAt = null; });
  network.on("dragStart", () => { dragging = true; tip.hidden = true; });
  network.on("dragEnd", () => { dragging = false; });
  function showTip() {
    const at = hoverAt;
    hoverAt = null;
    if (!at || dragging) return;
    const i = network.getNodeAt(at), k = i === undefined ? network.getEdgeAt(at) : undefined;
    if (i !== undefined) {
      const n = nodes[i];
      tip.replaceChildren(el("span", null, n.label), " (" + n.type + ")");
    } else if (k !== undefined) {
      const e = edges[k];
      tip.replaceChildren(el("span", null, nodes[e.s].label), " \u2014 ", el("span", null, e.label),
                          data.directed ? " \u2192 " : " \u2014 ", el("span", null, nodes[e.t].label));
    } else { tip.hidden = true; return; }
    tip.style.left = (at.cx + 14) + "px"; tip.style.top = (at.cy + 12) + "px"; tip.hidden = false;
  }

  // -- what is shown: type toggles and the time window ---------------------------------------
  const hiddenTypes = new Set();
  const fromInput = document.getElementById("time-from"), toInput = document.getElementById("time-to");
  const timeRange = document.getElementById("time-range");
  const day = iso => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY;
  const isoOf = d => new Date(d * DAY).toISOString().slice(0, 10);
  const start = data.dates ? day(data.dates[0]) : 0;
  let windowFrom = -Infinity, windowTo = Infinity;
  // undated nodes and edges are in every window; dated ones while their first..last overlaps it
  const inWindow = r => (!r.last || day(r.last) >= windowFrom) && (!r.first || day(r.first) <= windowTo);
  function applyFilters() {
    const nodeChanges = [], edgeChanges = [];
    nodes.forEach((n, i) => {
      const hide = hiddenTypes.has(n.type) || !inWindow(n);
      if (hide !== nodeHidden[i]) { nodeHidden[i] = hide; nodeChanges.push({id: i, hidden: hide}); }
    });
    edges.forEach((e, k) => {  // an edge to a hidden node is hidden by vis-network itself
      const hide = !inWindow(e);
      if (hide !== edgeHidden[k]) { edgeHidden[k] = hide; edgeChanges.push({id: k, hidden: hide}); }
    });
    if (nodeChanges.length) nodeSet.update(nodeChanges);
    if (edgeChanges.length) edgeSet.update(edgeChanges);
    const shown = nodeHidden.filter(h => !h).length;
    status.textContent = shown === nodes.length ? "" : shown.toLocaleString("en") + " of " +
      nodes.length.toLocaleString("en") + " shown";
  }
  let filterPending = false;
  function filterSoon() {
    if (!filterPending) { filterPending = true; requestAnimationFrame(() => { filterPending = false; applyFilters(); }); }
  }
  document.querySelectorAll("#legend button").forEach(b => b.addEventListener("click", () => {
    const type = b.dataset.type, shown = hiddenTypes.has(type);
    if (shown) hiddenTypes.delete(type); else hiddenTypes.add(type);
    b.setAttribute("aria-pressed", String(shown));
    filterSoon();
  }));
  if (data.dates) {
    const days = day(data.dates[1]) - start;
    for (const input of [fromInput, toInput]) { input.max = String(days); input.disabled = false; }
    fromInput.value = "0"; toInput.value = String(days);
    const onSlide = ev => {
      let a = +fromInput.value, b = +toInput.value;
      if (a > b) { if (ev.target === fromInput) toInput.value = String(b = a); else fromInput.value = String(a = b); }
      windowFrom = start + a; windowTo = start + b;
      timeRange.textContent = isoOf(windowFrom) + " \u2013 " + isoOf(windowTo);
      filterSoon();
    };
    fromInput.addEventListener("input", onSlide);
    toInput.addEventListener("input", onSlide);
    timeRange.textContent = data.dates[0] + " \u2013 " + data.dates[1];
  } else timeRange.textContent = "no dates in this view";

  // -- search: select every match while typing; Enter goes to the best ------------------------
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    const rank = i => { const l = nodes[i].label.toLowerCase(); return l === q ? 0 : l.startsWith(q) ? 1 : 2; };
    return nodes.map((n, i) => i).filter(i => !nodeHidden[i] && nodes[i].label.toLowerCase().includes(q))
      .sort((a, b) => rank(a) - rank(b) || nodes[b].mentions - nodes[a].mentions || a - b);
  }
  search.addEventListener("input", () => {
    const found = matches(search.value);
    network.selectNodes(found, false);
    status.textContent = search.value.trim() ? plural(found.length, "match", "matches") : "";
    if (found.length === 1 || (found.length && nodes[found[0]].label.toLowerCase() === search.value.trim().toLowerCase()))
      selectNode(found[0], false);
  });
  search.addEventListener("keydown", ev => {
    if (ev.key === "Enter") { const found = matches(search.value); if (found.length) selectNode(found[0], true); }
    if (ev.key === "Escape") { search.value = ""; search.dispatchEvent(new Event("input")); clearSelection(); }
  });
  const names = document.getElementById("names");
  [...new Set(nodes.map(n => n.label))].sort().forEach(l => { const o = document.createElement("option"); o.value = l; names.append(o); });

  // a link can open the page on one node: graph.html#entity=Tony%20Blair (a name or an IRI)
  function fromHash() {
    const m = /^#entity=(.*)$/.exec(location.hash);
    if (!m) return false;
    let wanted;
    try { wanted = decodeURIComponent(m[1]).toLowerCase(); } catch (err) { return false; }
    const i = nodes.findIndex(n => n.id.toLowerCase() === wanted || n.label.toLowerCase() === wanted);
    if (i >= 0) selectNode(i, true);
    return i >= 0;
  }
  window.addEventListener("hashchange", fromHash);
  if (!fromHash()) clearSelection();
})();
