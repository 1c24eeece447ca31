"""Full `kg build` throughput vs bare `nlp.pipe` on the same BBC texts, in one run.

    python benchmarks/build_vs_pipe.py [N_ARTICLES] [--jobs N]

Prints words/s for both and their ratio (goal >= 0.85), then the build's own
breakdown. Runs the bare pipe and the build alternately twice and keeps the
better of each, so a noisy neighbour hurts both sides alike.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

from kg.build import build  # noqa: E402
from kg.extract.model import Article  # noqa: E402
from kg.nlp import default_model, load_pipeline  # noqa: E402
from kg.store import GraphStore  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    records = bbc_records(args.n)
    articles = [Article(doc_id=r["id"], text=r["text"], title=r["title"]) for r in records]
    import spacy

    # the bare pipeline: the same model as the build, without kg's components
    nlp = spacy.load(default_model())
    load_pipeline()  # warm the build's own pipeline so loading is not timed
    words = None
    best_pipe = best_build = float("inf")
    report = None
    for _ in range(args.rounds):
        t = time.perf_counter()
        count = 0
        for doc in nlp.pipe((a.text for a in articles), n_process=args.jobs, batch_size=32):
            count += sum(1 for tok in doc if not tok.is_space and not tok.is_punct)
        best_pipe = min(best_pipe, time.perf_counter() - t)
        words = count
        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            with GraphStore(tmp / "store") as store:
                t = time.perf_counter()
                report = build(iter(articles), store, jobs=args.jobs)
                best_build = min(best_build, time.perf_counter() - t)
        finally:
            shutil.rmtree(tmp)
    pipe_wps = words / best_pipe
    build_wps = report.words / best_build
    print(f"articles: {len(articles)}  words: {words:,}  jobs: {args.jobs}")
    print(f"bare nlp.pipe : {best_pipe:7.2f} s  {pipe_wps:10,.0f} words/s")
    print(f"kg build      : {best_build:7.2f} s  {build_wps:10,.0f} words/s  "
          f"({report.triples:,} quads, {report.relations:,} relations)")
    print(f"ratio build/pipe words per second: {build_wps / pipe_wps:.3f}  (goal >= 0.85)")


if __name__ == "__main__":
    main()
