// The entity graph page: hover, zoom and pan, search, and the side panel.
// kg/export/html.py inlines this file into the page (allowed by its hash in the
// Content-Security-Policy); everything it needs from Python is in the #kg-data block.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const nodes = data.nodes, edges = data.edges, others = data.others;
  const labelBox = data.labelBox;  // label sizes in pixels: the numbers label_box in kg/export/layout.py uses
  const svg = document.getElementById("graph");
  const vb = svg.viewBox.baseVal;
  const pins = Array.from(svg.querySelectorAll(".pin")).map(el => [el, +el.dataset.x, +el.dataset.y]);
  const markers = Array.from(svg.querySelectorAll("marker"))  // with their size in the page at zoom 1
    .map(m => [m, +m.getAttribute("markerWidth"), +m.getAttribute("markerHeight")]);
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
  const widths = labelEls.map((el, i) => el.querySelector("text").getComputedTextLength() || nodes[i].label.length * labelBox.charWidth);
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
    for (const [m, w, h] of markers) { m.setAttribute("markerWidth", w / s); m.setAttribute("markerHeight", h / s); }
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
      const w = fitted[i], r = n.r, h = labelBox.height, side = labelBox.sideGap, end = labelBox.endGap;
      const box = n.side === "r" ? [px + r + side, py - h / 2, px + r + side + w, py + h / 2]  // as label_box
                : n.side === "l" ? [px - r - side - w, py - h / 2, px - r - side, py + h / 2]
                : n.side === "t" ? [px - w / 2, py - r - end - h, px + w / 2, py - r - end]
                : [px - w / 2, py + r + end, px + w / 2, py + r + end + h];
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
