"""A bounded loopback load test of `kg serve`: N requests, C at a time, mixed
pages, data documents, search, named queries and SPARQL, against a real
`kg serve` process on a built store. Prints per kind of request the count,
errors, p50, p99 and max latency, and the throughput.

    python benchmarks/serve_load.py --store /tmp/s1000               # 5,000 requests, 16 at a time
    python benchmarks/serve_load.py --store DIR --requests 500 --concurrency 4

An error is any answer other than the one the request expects (200; 303 for
a thing's IRI) or a failed connection. The mix is drawn with a fixed seed
from the store's own entities and documents (the most mentioned first, as
visitors would find them, and a tail of rare ones).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx2 as httpx

ENTITIES = """SELECT ?e (COUNT(?m) AS ?n) WHERE { GRAPH ?g { ?m kg:denotes ?e } } GROUP BY ?e ORDER BY DESC(?n) ?e"""
DOCUMENTS = "SELECT ?d WHERE { GRAPH ?d { ?d a kg:Document } } ORDER BY ?d"
LABELS = "SELECT ?l WHERE { GRAPH ?g { ?e a kg:Entity ; rdfs:label ?l } } ORDER BY ?l"
SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a kg:Statement } }",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100",
    "SELECT ?label WHERE { ?e a kg:Entity ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
    "SELECT ?x ?rel ?y WHERE { ?s a kg:Statement ; rdf:subject ?x ; rdf:predicate ?rel ; rdf:object ?y } LIMIT 200",
    "ASK { ?s a kg:Document }",
]
# kind -> share of the requests
MIX = {"entity page": 25, "thing 303": 10, "data document": 10, "document page": 10, "autocomplete": 10,
       "search page": 5, "named query": 15, "sparql": 15}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str, port: int, workers: int | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "kg", "serve", "--store", store, "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(command, stderr=log, stdout=log, text=True)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(1200):
            try:
                client.get("/sparql")
                return process
            except httpx.TransportError:
                if process.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"kg serve did not start:\n{log.read()}")
                time.sleep(0.1)
    raise SystemExit("kg serve did not answer within 120 s")


def select(client: httpx.Client, sparql: str) -> list[dict]:
    r = client.post("/sparql", data={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    r.raise_for_status()
    return r.json()["results"]["bindings"]


def plan(client: httpx.Client, n: int, seed: int) -> list[tuple[str, str, dict, dict, int]]:
    """The requests: (kind, path, params, headers, expected status)."""
    base = next(iter(select(client, "SELECT ?g WHERE { GRAPH ?g { ?g a kg:EntityGraph } }")))["g"]["value"]
    base = base.removesuffix("entity/")
    entities = [row["e"]["value"][len(base):] for row in select(client, ENTITIES) if row["e"]["value"].startswith(base)]
    documents = [row["d"]["value"][len(base):] for row in select(client, DOCUMENTS)]
    labels = [row["l"]["value"] for row in select(client, LABELS)]
    rng = random.Random(seed)

    def entity() -> str:  # the popular ones often, any one sometimes
        return rng.choice(entities[:200]) if rng.random() < 0.7 else rng.choice(entities)

    requests = []
    kinds = [k for k, share in MIX.items() for _ in range(share)]
    for _ in range(n):
        kind = rng.choice(kinds)
        if kind == "entity page":
            requests.append((kind, f"/page/{entity()}.html", {}, {}, 200))
        elif kind == "thing 303":
            accept = rng.choice(["text/html", "text/turtle", "application/ld+json"])
            requests.append((kind, f"/{entity()}", {}, {"Accept": accept}, 303))
        elif kind == "data document":
            requests.append((kind, f"/data/{entity()}.{rng.choice(['ttl', 'jsonld', 'nt'])}", {}, {}, 200))
        elif kind == "document page":
            requests.append((kind, f"/{rng.choice(documents)}", {}, {"Accept": "text/html"}, 200))
        elif kind == "autocomplete":
            label = rng.choice(labels)
            requests.append((kind, "/search/labels", {"q": label[: rng.randint(2, 5)]}, {}, 200))
        elif kind == "search page":
            words = rng.choice(labels).split()
            requests.append((kind, "/search", {"q": words[0]}, {}, 200))
        elif kind == "named query":
            label = labels[rng.randrange(len(labels))]
            name, params = rng.choice([("entity", {"entity": f"<{base}{entity()}>"}),
                                       ("documents-mentioning", {"entity": f"<{base}{entity()}>"}),
                                       ("timeline", {"entity": f"<{base}{entity()}>"}),
                                       ("top-entities", {}), ("relation-types", {}),
                                       ("search-sentences", {"word": label.split()[0]})])
            requests.append((kind, f"/queries/{name}", {**params, "format": "json"}, {}, 200))
        else:
            requests.append((kind, "/sparql", {"query": rng.choice(SPARQL)},
                             {"Accept": "application/sparql-results+json"}, 200))
    return requests


async def run(url: str, requests, concurrency: int):
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    queue: asyncio.Queue = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def worker():
            while not queue.empty():
                kind, path, params, headers, expected = queue.get_nowait()
                started = time.perf_counter()
                try:
                    r = await client.get(path, params=params, headers=headers, follow_redirects=False)
                    await r.aread()
                    if r.status_code != expected:
                        errors[kind].append(f"{r.status_code} {path} {r.text[:120]!r}")
                except httpx.HTTPError as exc:
                    errors[kind].append(f"{type(exc).__name__} {path}")
                results[kind].append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return results, errors, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", help="a built store (e.g. 1,000 BBC articles): served here by `kg serve`")
    where.add_argument("--url", help="a kg serve already running (http://127.0.0.1:8000)")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="kg serve --workers (default: its own)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.store and not Path(args.store).is_dir():
        raise SystemExit(f"no store at {args.store}; build one with `kg build INPUT --store {args.store}`")
    server = None
    if args.store:
        port = free_port()
        server = start_server(args.store, port, args.workers)
        url = f"http://127.0.0.1:{port}"
    else:
        url = args.url.rstrip("/")
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            requests = plan(client, args.requests, args.seed)
            documents = len(select(client, DOCUMENTS))
        results, errors, wall = asyncio.run(run(url, requests, args.concurrency))
        alive = server.poll() is None if server else httpx.get(f"{url}/sparql").status_code == 200
    finally:
        if server:
            server.terminate()
            server.wait(30)
    print(f"kg serve load test: {len(requests):,} requests, {args.concurrency} at a time, {args.store or url} "
          f"({documents:,} documents)")
    print(f"{'kind':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind in MIX:
        times = results.get(kind, [])
        if not times:
            continue
        print(f"{kind:<16}{len(times):>9,}{len(errors.get(kind, [])):>8}{percentile(times, .5) * 1e3:>9.1f}"
              f"{percentile(times, .99) * 1e3:>9.1f}{max(times) * 1e3:>9.1f}")
    every = [t for times in results.values() for t in times]
    total_errors = sum(len(e) for e in errors.values())
    print(f"{'all':<16}{len(every):>9,}{total_errors:>8}{percentile(every, .5) * 1e3:>9.1f}"
          f"{percentile(every, .99) * 1e3:>9.1f}{max(every) * 1e3:>9.1f}")
    print(f"{len(every) / wall:,.0f} requests/s over {wall:.1f} s; server still up: {alive}")
    for kind, messages in errors.items():
        for message in messages[:5]:
            print(f"  error ({kind}): {message}")
    return 1 if total_errors or not alive else 0


if __name__ == "__main__":
    raise SystemExit(main())
