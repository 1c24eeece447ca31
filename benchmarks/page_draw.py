"""How long the HTML page takes to export and to draw, measured in one run.

    python benchmarks/page_draw.py                       # a synthetic 10,000-node / 30,000-edge view
    python benchmarks/page_draw.py --nodes 2000 --edges 6000
    python benchmarks/page_draw.py --store DIR [--view comentions]  # also a view of a real store
    python benchmarks/page_draw.py --keep out/           # keep the pages (and a screenshot of each)

For each graph: the export's time (layout, JSON, template; split into the
layout and the rest), the page's size, and in headless Chromium the time to
the first drawing (the page's own performance.now() when vis-network's first
``afterDrawing`` fires, counted from the start of navigation, read from
``body[data-draw-ms]``), the nodes and edges drawn, and the time one redraw
takes while the user drags (frames measured over a scripted drag, edges
hidden while moving as the page does for big graphs) and once zoomed in to
where labels show, and how long hiding the commonest type and halving the
time window take to reach the screen. Chromium is driven over the DevTools protocol
(``websocket-client``), without virtual time, so the times are wall-clock.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import networkx as nx

TYPES = [("Person", 30), ("Organization", 18), ("GovernmentOrganization", 6), ("Country", 5), ("City", 7),
         ("Place", 6), ("Event", 4), ("Product", 4), ("Phrase", 20)]
WORDS = ("talks minister union council bank market court energy police health trade league party budget deal "
         "election rail water steel climate film music school army press").split()
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic_graph(nodes: int = 10_000, edges: int = 30_000, *, seed: int = 1, unlinked: float = 0.2) -> nx.MultiDiGraph:
    """A view shaped like a news entity graph: a few hubs, a long tail, a share of
    entities in no relation, dated nodes and edges with sentences and URLs."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(name="synthetic view", view="entities", documents=nodes // 10)
    kinds = [k for k, w in TYPES for _ in range(w)]
    day0 = date(2024, 1, 1)
    for i in range(nodes):
        first = rng.randrange(300)
        G.add_node(f"https://example.org/entity/{i}", label=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
                   type=rng.choice(kinds), mentions=int(rng.paretovariate(1.2)), documents=1 + rng.randrange(5),
                   first=(day0 + timedelta(first)).isoformat(),
                   last=(day0 + timedelta(first + rng.randrange(60))).isoformat())
    ids = list(G)
    linked = ids[: int(nodes * (1 - unlinked))]
    ends = linked[:10]  # preferential attachment: an end is drawn in proportion to its edges so far
    made = 0
    while made < edges:
        u = rng.choice(linked) if rng.random() < 0.5 else rng.choice(ends)
        v = rng.choice(ends) if rng.random() < 0.7 else rng.choice(linked)
        key = f"https://example.org/rel/{rng.choice(WORDS)}"
        if u == v or G.has_edge(u, v, key):
            continue
        day = max(G.nodes[u]["first"], G.nodes[v]["first"])
        doc = rng.randrange(nodes // 10)
        G.add_edge(u, v, key=key, label=key.rsplit("/", 1)[1],
                   weight=int(rng.paretovariate(2)), statements=1, confidence=round(rng.random(), 2),
                   sentence=" ".join(rng.choice(WORDS) for _ in range(20)) + ".", surface=rng.choice(WORDS),
                   document=f"news/{doc:05d}", url=f"https://news.example.org/{doc:05d}", first=day, last=day)
        ends += [u, v]
        made += 1
    return G


def export(G: nx.MultiDiGraph, out: Path) -> dict[str, float]:
    from kg.export.html import write_html
    from kg.export.layout import entity_layout

    start = time.perf_counter()
    entity_layout(G)
    layout = time.perf_counter() - start
    start = time.perf_counter()
    write_html(G, out)
    total = time.perf_counter() - start
    return {"export_s": total, "layout_s": layout, "page_mb": out.stat().st_size / 1e6}


class Browser:
    """One headless Chromium and one page in it, spoken to over the DevTools protocol."""

    def __init__(self, chromium: str, width: int = 1400, height: int = 900) -> None:
        import websocket  # websocket-client

        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        self.process = subprocess.Popen([chromium, *CHROMIUM, f"--user-data-dir={self.profile}",
                                         f"--window-size={width},{height}", "--remote-debugging-port=0",
                                         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ws = None
        try:
            port = None
            for line in self.process.stderr:
                if line.startswith("DevTools listening on ws://"):
                    port = int(line.split(":")[2].split("/")[0])
                    break
            if port is None:
                raise RuntimeError("Chromium did not open its DevTools port")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
                page = next(t for t in json.load(answer) if t["type"] == "page")
            # the DevTools server refuses a connection that names an origin
            self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=300, suppress_origin=True)
            self.next_id = 0
            self.errors: list[str] = []
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description", "exception"))
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            self.errors.append(params["entry"]["text"])

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, path: Path, timeout: float = 120.0) -> dict:
        self.call("Page.navigate", url=path.resolve().as_uri())
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            found = self.evaluate("document.body && document.body.dataset.drawMs ? "
                                  "Object.assign({}, document.body.dataset) : null")
            if found:
                return found
            time.sleep(0.05)
        raise RuntimeError(f"{path} did not draw within {timeout:.0f} s")

    def frame_ms(self, frames: int = 10) -> float:
        """Milliseconds per frame while the mouse drags across the canvas."""
        self.call("Input.dispatchMouseEvent", type="mousePressed", x=500, y=450, button="left", clickCount=1)
        start = time.perf_counter()
        for i in range(frames):
            self.call("Input.dispatchMouseEvent", type="mouseMoved", x=500 + 8 * (i + 1), y=450, button="left")
            self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        elapsed = time.perf_counter() - start
        self.call("Input.dispatchMouseEvent", type="mouseReleased", x=500 + 8 * frames, y=450, button="left")
        return elapsed * 1000 / frames

    def filter_ms(self, action: str) -> float:
        """Milliseconds from a filter's input (a script statement) to the second frame after it."""
        return self.evaluate("(async () => { const t = performance.now(); " + action + "; "
                             "for (let i = 0; i < 3; i++) await new Promise(r => requestAnimationFrame(r)); "
                             "return performance.now() - t; })()")

    def zoom_in(self, steps: int = 12) -> None:
        for _ in range(steps):
            self.call("Input.dispatchMouseEvent", type="mouseWheel", x=500, y=450, deltaX=0, deltaY=-240)
        self.evaluate("new Promise(r => setTimeout(r, 200))")

    def screenshot(self, path: Path) -> None:
        import base64

        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def measure(name: str, G: nx.MultiDiGraph, folder: Path, chromium: str | None) -> None:
    page = folder / f"{name}.html"
    figures = export(G, page)
    line = (f"{name}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges: export {figures['export_s']:.2f} s "
            f"(layout {figures['layout_s']:.2f} s), page {figures['page_mb']:.1f} MB")
    if chromium is None:
        print(line + "; no Chromium, not drawn")
        return
    browser = Browser(chromium)
    try:
        drawn = browser.open(page)
        drag = browser.frame_ms()
        toggle = browser.filter_ms("document.querySelector('#legend button').click()")
        browser.filter_ms("document.querySelector('#legend button').click()")
        slide = browser.filter_ms("(() => { const s = document.getElementById('time-to'); "
                                  "s.value = String(Math.floor(s.max / 2)); s.dispatchEvent(new Event('input')); })()")
        browser.filter_ms("(() => { const s = document.getElementById('time-to'); "
                          "s.value = s.max; s.dispatchEvent(new Event('input')); })()")
        browser.zoom_in()
        zoomed = browser.frame_ms()
        browser.screenshot(folder / f"{name}-zoomed.png")
        errors = browser.errors
    finally:
        browser.close()
    print(line + f"; first drawing at {int(drawn['drawMs']):,} ms, drawn {int(drawn['drawnNodes']):,} nodes "
          f"{int(drawn['drawnEdges']):,} edges; {drag:.0f} ms a frame dragging, {zoomed:.0f} ms zoomed in; "
          f"hiding the commonest type {toggle:.0f} ms, half the time window {slide:.0f} ms; "
          f"{len(errors)} console errors" + (f": {errors[:3]}" if errors else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=30_000)
    parser.add_argument("--store", help="also measure a view of this store (opened read-only)")
    parser.add_argument("--view", default="entities", help="the view of --store (entities, comentions, events, documents)")
    parser.add_argument("--keep", type=Path, help="write the pages and screenshots here instead of a temporary folder")
    parser.add_argument("--chromium", default=shutil.which("chromium"))
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-page-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    G = synthetic_graph(args.nodes, args.edges)
    print(f"synthetic graph made in {time.perf_counter() - start:.1f} s")
    measure(f"synthetic-{args.nodes}-{args.edges}", G, folder, args.chromium)
    if args.store:
        from kg.export.views import build_view
        from kg.store import open_store

        with open_store(args.store, read_only=True) as store:
            start = time.perf_counter()
            G = build_view(store, args.view)
            print(f"{args.view} view of {args.store} read in {time.perf_counter() - start:.1f} s")
        measure(f"store-{args.view}", G, folder, args.chromium)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
