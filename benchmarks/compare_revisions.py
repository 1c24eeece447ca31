"""Is this checkout's `kg build` as fast as another's? Whole builds, alternated, in one run.

    python benchmarks/compare_revisions.py OTHER_CHECKOUT [N_ARTICLES] [--runs R] [--this CHECKOUT]

Builds the first N BBC articles into a fresh store with this checkout's kg
and with OTHER_CHECKOUT's (a `git worktree` of an earlier commit, say), each
build a process of its own, and parses the same story bodies with bare
`nlp.pipe` in a process too. The order is this, other, pipe, pipe, other,
this, ... (each side first as often as last), R runs of each, because the
machines here swing by 30% from one minute to the next. Each process loads
the model before its clock starts; the CPU of a build includes its
parsing process's, where it has one (`kg.nlp.worker`). Prints, per side, the summed wall time and
CPU time (all threads) of the timed work, and the ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Run in a fresh process with PYTHONPATH set to the checkout being measured; works with
# the layouts kg has had (Article in kg.model, or earlier in kg.extract.model).
_CHILD = r"""
import json, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from _corpus import bbc_records
side, n = sys.argv[2], int(sys.argv[3])
try:
    from kg.model import Article
except ImportError:
    from kg.extract.model import Article
from kg.extract.article import read_anatomy
from kg.nlp import load_pipeline
records = bbc_records(n)
articles = [Article(doc_id=r["id"], text=r["text"], title=r["title"]) for r in records]
if side == "pipe":
    import spacy
    from kg.nlp import default_model
    nlp = spacy.load(default_model())
    bodies = [a.text[a.body_start:a.body_end] for a in map(read_anatomy, articles)]
    list(nlp.pipe(bodies[:5]))
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(bodies, batch_size=32):
        pass
else:
    from kg.build import build
    from kg.store import GraphStore
    load_pipeline()
    try:
        from kg.extract.inflect import load_lexicon
        load_lexicon()
    except ImportError:
        pass
    store = GraphStore(tempfile.mkdtemp(prefix="kg-compare-") + "/store")
    try:
        from kg.nlp import default_model
        from kg.nlp.worker import parse_worker, worker_cpu_seconds
        parse_worker(default_model()).ready()  # started before the clock, as the model is
    except ImportError:
        worker_cpu_seconds = lambda: 0.0
    wall, cpu = time.perf_counter(), time.process_time() + worker_cpu_seconds()
    build(iter(articles), store)
    store.close()
    cpu -= worker_cpu_seconds()  # the parsing process's CPU counts too
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


def run(side: str, checkout: Path, n: int) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if checkout != HERE.parent:  # this checkout is the installed (editable) kg
        env["PYTHONPATH"] = str(checkout)
    out = subprocess.run([sys.executable, "-c", _CHILD, str(HERE), side, str(n)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{side} run with {checkout} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", type=Path, help="the other checkout (its root, holding kg/)")
    ap.add_argument("n", type=int, nargs="?", default=300)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--this", type=Path, default=HERE.parent, help="measure this checkout instead of the one "
                    "holding this script")
    args = ap.parse_args()
    this = args.this.resolve()
    sides = {"this": this, "other": args.other.resolve(), "pipe": this}
    order = ["this", "other", "pipe", "pipe", "other", "this"]
    totals = {side: {"wall": 0.0, "cpu": 0.0} for side in sides}
    for k in range(3 * args.runs):
        side = order[k % len(order)]
        got = run("pipe" if side == "pipe" else "build", sides[side], args.n)
        for key in ("wall", "cpu"):
            totals[side][key] += got[key]
        print(f"run {k + 1}: {side:5} {got['wall']:7.2f} s wall {got['cpu']:7.2f} s CPU", flush=True)
    print(f"{args.n} articles, {args.runs} runs a side; this = {this}, other = {sides['other']}")
    for side in sides:
        print(f"{side:5}: {totals[side]['wall'] / args.runs:7.2f} s wall, {totals[side]['cpu'] / args.runs:7.2f} s CPU a run")
    for side in ("this", "other"):
        print(f"ratio {side} build / bare nlp.pipe words per second: "
              f"{totals['pipe']['wall'] / totals[side]['wall']:.3f} (wall), CPU {totals[side]['cpu'] / totals['pipe']['cpu']:.3f}x")
    print(f"this / other, wall time: {totals['this']['wall'] / totals['other']['wall']:.3f}; "
          f"CPU: {totals['this']['cpu'] / totals['other']['cpu']:.3f}")


if __name__ == "__main__":
    main()
