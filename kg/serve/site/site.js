// kg's pages: search suggestions as you type, the static site's search page,
// and the SPARQL query editor of the landing page. Text from the graph is
// always written with textContent, never as HTML.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var isStatic = body.getAttribute("data-static") === "true";
  var labels = null;  // the static site's search/labels.json, once loaded
  body.setAttribute("data-script", "ready");  // the page's script ran (the tests look for it)

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function staticLabels() {
    if (labels) return Promise.resolve(labels);
    return fetch(root + "search/labels.json").then(function (r) { return r.json(); })
      .then(function (data) { labels = data; return data; });
  }

  function rank(all, text) {
    var low = text.toLowerCase();
    var hits = all.filter(function (e) { return e.label.toLowerCase().indexOf(low) >= 0; });
    hits.sort(function (a, b) {
      var sa = a.label.toLowerCase().indexOf(low) === 0 ? 0 : 1, sb = b.label.toLowerCase().indexOf(low) === 0 ? 0 : 1;
      return sa - sb || a.label.length - b.label.length || (a.label < b.label ? -1 : 1);
    });
    return hits;
  }

  function suggest(text) {
    if (isStatic) return staticLabels().then(function (all) { return rank(all, text).slice(0, 10); });
    return fetch(root + "search/labels?q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; });
  }

  var box = document.getElementById("search-box");
  var list = document.getElementById("suggestions");
  if (box && list) {
    var timer = null, asked = "";
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var text = box.value.trim();
      if (text.length < 2) { list.hidden = true; return; }
      timer = setTimeout(function () {
        asked = text;
        suggest(text).then(function (hits) {
          if (asked !== text) return;  // an older answer
          list.textContent = "";
          hits.forEach(function (h) {
            var item = el("li"), a = el("a", h.label, {href: root + h.href});
            item.appendChild(a);
            if (h.kind) item.appendChild(el("span", " " + h.kind, {"class": "type"}));
            list.appendChild(item);
          });
          list.hidden = hits.length === 0;
        }).catch(function () { list.hidden = true; });
      }, 150);
    });
    box.addEventListener("keydown", function (e) { if (e.key === "Escape") list.hidden = true; });
  }

  var staticResults = document.getElementById("static-results");
  if (staticResults) {
    var q = new URLSearchParams(location.search).get("q") || "";
    if (box) box.value = q;
    staticLabels().then(function (all) {
      var hits = q ? rank(all, q).slice(0, 100) : [];
      if (!hits.length) staticResults.appendChild(el("li", q ? "No entity name contains it." : "Type a name above."));
      hits.forEach(function (h) {
        var item = el("li");
        item.appendChild(el("a", h.label, {href: root + h.href}));
        if (h.kind) item.appendChild(el("span", " " + h.kind, {"class": "type"}));
        staticResults.appendChild(item);
      });
    });
  }

  var form = document.getElementById("query-form");
  if (form) {
    var status = document.getElementById("query-status");
    var out = document.getElementById("query-results");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = document.getElementById("query-text").value;
      status.textContent = "running…";
      out.textContent = "";
      var started = performance.now();
      fetch(root + "sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
                  Accept: "application/sparql-results+json, text/turtle;q=0.9"},
        body: "query=" + encodeURIComponent(text)
      }).then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        return r.text().then(function (t) { return {ok: r.ok, status: r.status, type: type, text: t,
                                                     partial: r.headers.get("X-KG-Partial") === "true"}; });
      }).then(function (a) {
        var ms = Math.round(performance.now() - started);
        if (!a.ok) { status.textContent = "error " + a.status; out.appendChild(el("pre", a.text, {"class": "error"})); return; }
        if (a.type.indexOf("json") < 0) { status.textContent = ms + " ms"; out.appendChild(el("pre", a.text)); return; }
        var data = JSON.parse(a.text);
        if (data.boolean !== undefined) { status.textContent = ms + " ms"; out.appendChild(el("p", String(data.boolean))); return; }
        var vars = data.head.vars, rows = data.results.bindings;
        status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s") + (a.partial ? " (cut)" : "") + " · " + ms + " ms";
        var table = el("table", null, {"class": "answer"}), head = el("tr");
        vars.forEach(function (v) { head.appendChild(el("th", v)); });
        table.appendChild(el("thead")).appendChild(head);
        var tbody = table.appendChild(el("tbody"));
        rows.forEach(function (b) {
          var tr = el("tr");
          vars.forEach(function (v) { tr.appendChild(el("td", b[v] ? b[v].value : "")); });
          tbody.appendChild(tr);
        });
        out.appendChild(table);
      }).catch(function (err) { status.textContent = "failed: " + err; });
    });
  }
})();
