"""`kg serve` on a store that `kg build` is writing: every answer comes from a
committed state (no document without its commit marker, no entity without
its description), the number of documents never goes down, and new
documents show while the build goes on and all of them once it is done."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from kg.serve.app import ServeConfig, create_app
from tests.test_serve_protocol import serving

PEOPLE = ["Angela Merkel", "Emmanuel Macron", "Keir Starmer", "Olaf Scholz", "Giorgia Meloni", "Pedro Sanchez",
          "Mark Rutte", "Donald Tusk", "Ursula von der Leyen", "Antonio Costa"]
PLACES = ["Paris", "Berlin", "London", "Rome", "Madrid", "Warsaw", "Brussels", "Lisbon", "Vienna", "Dublin"]

STATE = """
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT
  (COUNT(DISTINCT ?complete) AS ?documents)
  (COUNT(DISTINCT ?partial) AS ?partials)
  (COUNT(DISTINCT ?undescribed) AS ?undescribed)
WHERE {
  { GRAPH ?complete { ?complete kg:contentHash ?hash } }
  UNION
  # a graph with a statement or mention but no commit marker: half written
  { GRAPH ?partial { ?x kg:document ?partial } FILTER NOT EXISTS { GRAPH ?partial { ?partial kg:contentHash ?h } } }
  UNION
  # an entity a document names that the entity graph does not describe
  { GRAPH ?d { ?m kg:denotes ?undescribed } FILTER NOT EXISTS { GRAPH ?eg { ?undescribed rdfs:label ?l } } }
}"""


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 3 + 1) % len(PEOPLE)]
        place = PLACES[(i * 7) % len(PLACES)]
        (folder / f"article-{i:03d}.txt").write_text(
            f"{a} met {b} in {place} on Monday, the {i % 28 + 1}th talks this year.\n\n"
            f"{a} said the two governments agreed to share data on migration. "
            f"{b} visited {PLACES[(i + 3) % len(PLACES)]} afterwards.\n", encoding="utf-8")


def build(source: Path, store: Path) -> subprocess.Popen:
    # a snapshot after every other batch or so, so that the build is seen in several states
    env = {**os.environ, "KG_SNAPSHOT_INTERVAL": "0.5"}
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(source), "--store", str(store),
                             "--batch-docs", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def state(client: httpx.Client) -> dict[str, int]:
    r = client.post("/sparql", data={"query": STATE}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    row = r.json()["results"]["bindings"][0]
    return {k: int(v["value"]) for k, v in row.items()}


def test_serving_while_building_sees_only_whole_documents_and_new_ones_within_seconds(tmp_path):
    first, everything, store = tmp_path / "first", tmp_path / "all", tmp_path / "store"
    write_articles(first, 4)
    write_articles(everything, 160)
    assert build(first, store).wait(300) == 0  # a store to start the server on
    seen: list[dict[str, int]] = []
    with serving(create_app(ServeConfig(store, workers=2, timeout=60))) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        assert state(client)["documents"] == 4
        builder = build(everything, store)
        while builder.poll() is None:
            seen.append(state(client))
            assert client.get("/").status_code == 200
            time.sleep(0.2)
        output = builder.stdout.read()
        assert builder.returncode == 0, output
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the build's last commit, picked up
            seen.append(state(client))
            if seen[-1]["documents"] == 160:
                break
            time.sleep(0.2)
        landing = client.get("/").text
    counts = [s["documents"] for s in seen]
    assert all(s["partials"] == 0 for s in seen), [s for s in seen if s["partials"]]
    assert all(s["undescribed"] == 0 for s in seen), [s for s in seen if s["undescribed"]]
    assert counts == sorted(counts), counts  # never fewer than before
    assert any(4 < c < 160 for c in counts), counts  # new documents while the build went on
    assert counts[-1] == 160
    assert "<b>160</b> articles" in landing
