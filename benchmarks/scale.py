"""Issue 6 figures, each measured in one run of this script.

    python benchmarks/scale.py memory  [--small 200 --large 2000]
    python benchmarks/scale.py writes  [--n 300]
    python benchmarks/scale.py rerun   [--n 300]
    python benchmarks/scale.py jobs    [--n 300]

memory: peak RSS of `kg build` on the first SMALL vs LARGE BBC articles (separate
processes; goal: within 15%). writes: our store writes (write_documents in one
transaction with `extend`, or through pyoxigraph's bulk loader, and the
StoreWriter thread `kg build` uses) vs pyoxigraph bulk_load of the same quads
from an N-Quads file. rerun: a second
build of the same corpus vs the first (goal < 5%, nothing changes). jobs:
--jobs 2 vs --jobs 1 wall time.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402


def _corpus(tmp: Path, n: int) -> Path:
    path = tmp / f"bbc-{n}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in bbc_records(n):
            fh.write(json.dumps(r) + "\n")
    return path


def _kg(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def memory(args, tmp: Path) -> None:
    peaks = {}
    for n in (args.small, args.large):
        corpus = _corpus(tmp, n)
        out = subprocess.run([sys.executable, __file__, "_child", str(corpus), str(tmp / f"store-{n}")],
                             check=True, capture_output=True, text=True).stdout
        own, parser = map(int, out.strip().splitlines()[-1].split())
        peaks[n] = own + parser
        print(f"{n:>6} articles: peak RSS {peaks[n] / 1024:8.1f} MiB (the build's process {own / 1024:.1f} "
              f"plus its parsing process {parser / 1024:.1f})")
    ratio = peaks[args.large] / peaks[args.small]
    print(f"peak RSS ratio {args.large}/{args.small}: {ratio:.3f}  (goal within 15%: <= 1.15)")


def _child(corpus: str, store: str) -> None:
    from kg.cli import main

    from kg.nlp.worker import _stop_workers

    main(["build", corpus, "--store", store])
    _stop_workers()  # the parsing process, so that its peak is counted among the children's
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # both peaks; their sum is an upper bound


def writes(args, tmp: Path) -> None:
    import pyoxigraph as ox

    from kg.build import DEFAULT_BATCH
    from kg.pipeline import map_articles
    from kg.store import StoreWriter
    from kg.model import Article
    from kg.rdf.iris import IriMinter
    from kg.rdf.mapping import now_literal
    from kg.store import GraphStore

    articles = [Article(r["id"], r["text"]) for r in bbc_records(args.n)]
    docs = list(map_articles(articles, iris=IriMinter(), model=None, jobs=1, started=now_literal()))
    quads = [q for d in docs for q in d.quads]
    nq = tmp / "all.nq"
    nq.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    timings = {}
    step = DEFAULT_BATCH
    for bulk in (False, True):
        label = "bulk loader" if bulk else "extend"
        store = GraphStore(tmp / f"ours-{label.replace(' ', '-')}")
        t = time.perf_counter()
        for i in range(0, len(docs), step):
            store.write_documents({d.graph: d.quads for d in docs[i:i + step]}, bulk=bulk)
        store.flush()
        timings[label] = time.perf_counter() - t
        print(f"kg write_documents ({label}): {timings[label]:6.2f} s for {len(quads):,} quads")
        store.close()
    # what `kg build` does: the bulk loader in a background thread, a flush after each batch
    store = GraphStore(tmp / "ours-writer")
    t = time.perf_counter()
    with StoreWriter(store) as writer:
        for i in range(0, len(docs), step):
            writer.submit({d.graph: d.quads for d in docs[i:i + step]})
    timings["StoreWriter, as in kg build"] = time.perf_counter() - t
    print(f"kg StoreWriter (bulk loader + flush per batch of {step}, background thread): "
          f"{timings['StoreWriter, as in kg build']:6.2f} s")
    store.close()
    raw = ox.Store(str(tmp / "raw"))
    t = time.perf_counter()
    raw.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    base = time.perf_counter() - t
    print(f"pyoxigraph bulk_load of the same N-Quads file: {base:6.2f} s")
    for label, seconds in timings.items():
        print(f"ratio kg write ({label}) / bulk_load: {seconds / base:.2f}")


def rerun(args, tmp: Path) -> None:
    corpus = _corpus(tmp, args.n)
    store = tmp / "store"
    first = _kg("build", str(corpus), "--store", str(store))
    before = subprocess.run([sys.executable, "-m", "kg", "stats", "--store", str(store)],
                            check=True, capture_output=True, text=True).stdout
    second = _kg("build", str(corpus), "--store", str(store))
    after = subprocess.run([sys.executable, "-m", "kg", "stats", "--store", str(store)],
                           check=True, capture_output=True, text=True).stdout
    print(f"first build {first:.1f} s, re-run {second:.1f} s: {100 * second / first:.1f}% (goal < 5%)")
    print(f"store unchanged by the re-run: {before == after}")


def jobs(args, tmp: Path) -> None:
    corpus = _corpus(tmp, args.n)
    one = _kg("build", str(corpus), "--store", str(tmp / "j1"), "--jobs", "1")
    two = _kg("build", str(corpus), "--store", str(tmp / "j2"), "--jobs", "2")
    print(f"--jobs 1: {one:.1f} s   --jobs 2: {two:.1f} s   speed-up {one / two:.2f}x")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["memory", "writes", "rerun", "jobs"])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--large", type=int, default=2000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-scale-"))
    try:
        {"memory": memory, "writes": writes, "rerun": rerun, "jobs": jobs}[args.what](args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
