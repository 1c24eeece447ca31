"""What extraction adds to bare `nlp.pipe`, measured in one run.

    python benchmarks/extract_vs_pipe.py [N_ARTICLES] [--rounds R]

Parses the story bodies of the first N BBC articles (default 500) with
`nlp.pipe(..., as_tuples=True)` and runs `kg.extract.extract` on each Doc as
it comes out, timing the two interleaved: the time spent waiting for the next
Doc is the pipeline's, the time inside `extract` is ours. Interleaving makes
the ratio robust to other load on the machine (both sides see it alike).
Also times a bare `nlp.pipe` pass over the same texts for reference, and the
share of `extract` spent on clauses, relations and events (`read_facts`).
Best of R rounds (default 2). Goal: extraction adds < 15% to `nlp.pipe`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

import kg.extract as extract_package  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.extract.article import read_anatomy  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.nlp import load_pipeline  # noqa: E402


class _Stopwatch:
    """Wraps a function and adds up the time spent in it."""

    def __init__(self, func):
        self.func, self.seconds = func, 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=500)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    articles = [read_anatomy(Article(doc_id=r["id"], text=r["text"], title=r["title"]))
                for r in bbc_records(args.n)]
    bodies = [(a.text[a.body_start:a.body_end], a) for a in articles]
    nlp = load_pipeline()
    list(nlp.pipe(t for t, _ in bodies[:20]))  # warm up
    facts = extract_package.read_facts = _Stopwatch(extract_package.read_facts)

    best = None
    bare = float("inf")
    for _ in range(args.rounds):
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(t for t, _ in bodies))
        bare = min(bare, time.perf_counter() - started)

        facts.seconds = 0.0
        in_pipe = in_extract = 0.0
        relations = events = 0
        stream = nlp.pipe(bodies, as_tuples=True)
        while True:
            t0 = time.perf_counter()
            item = next(stream, None)
            t1 = time.perf_counter()
            if item is None:
                break
            x = extract(*item)
            in_extract += time.perf_counter() - t1
            in_pipe += t1 - t0
            relations += len(x.relations)
            events += len(x.events)
        ratio = (in_pipe + in_extract) / in_pipe
        if best is None or ratio < best[0]:
            best = (ratio, in_pipe, in_extract, facts.seconds, relations, events)

    ratio, in_pipe, in_extract, in_facts, relations, events = best
    print(f"{len(articles)} BBC articles, {tokens:,} tokens -> {relations:,} relations, {events:,} events")
    print(f"bare nlp.pipe pass           {bare:8.2f} s")
    print(f"interleaved: nlp.pipe        {in_pipe:8.2f} s")
    print(f"             extract()       {in_extract:8.2f} s  (clauses, relations, events: {in_facts:.2f} s)")
    print(f"ratio (pipe + extract) / pipe {ratio:7.3f}   (goal < 1.15)")


if __name__ == "__main__":
    main()
