"""Full `kg build` throughput vs bare `nlp.pipe` on the same BBC texts, in one run.

    python benchmarks/build_vs_pipe.py [N_ARTICLES] [--jobs N] [--chunk K] [--whole R]

Prints words/s for both and their ratio (goal >= 0.95 with --jobs 1).

Two ways of cutting the work, because they answer two questions:

- chunks (the default): incremental builds of K articles into one growing
  store, interleaved with the bare pipeline chunk by chunk (below);
- ``--whole R``: what a user runs, one ``kg build`` of all N articles into a
  fresh store against one ``nlp.pipe`` over the same texts, R times each, in
  the order pipe, build, build, pipe, pipe, build ... (each side first as often
  as last); the ratio of the summed times is printed, and each run's, to show
  how much the machine swung.

The machines we measure on are shared and their speed swings by 30% from one
minute to the next, so the two sides are interleaved: the corpus is cut into
chunks of K articles (default 50) and each chunk is parsed by bare `nlp.pipe`
and built by `kg.build.build` into one store, before moving to the next chunk;
the order of the sides rotates from chunk to chunk, so none is always first
or last. A slow minute then hurts all sides alike. Each chunk is a separate
`build` call, so its fixed costs (reading the store's document hashes,
starting the writer thread) are paid once per chunk: a little pessimistic.
The entity refresh (each batch recounts, from every observation in the
store, what it may have changed: new entities, new names) grows with the
store; its cost is printed on a line of its own.

Both sides parse the same texts (the story bodies `kg build` parses, which for
the BBC corpus are the whole texts) with the same model and process count.
"bare nlp.pipe" is spaCy's `nlp.pipe(texts, batch_size=32)`, the way most code
calls it. With --jobs 1 kg batches by characters instead (see
`kg.pipeline.PARSE_BATCH_CHARS`); a third side, "nlp.pipe in kg's batches", runs
the bare pipeline in those batches, so the last ratio is kg's own overhead on
top of exactly the parsing it does.

With --jobs 1, `kg build` parses in a process of its own (`kg.nlp.worker`)
while the calling process extracts and maps, and a thread writes the store
(RocksDB adds its own): one parsing process, as for the bare side, but more
than one core busy. So the CPU seconds of all threads and of the parsing
process are printed too, against the bare sides': they are what kg costs in
total, where the words/s are what a user waits. Words are counted the same way on all
sides (tokens that are neither space nor punctuation).

Both bare sides run the model as spaCy loads it, its lemmatizer over every
token; kg's pipeline disables the lemmatizer and asks the same lemmatizer for
the lemmas of just the tokens its rules read (`kg.nlp.lemmas`), with the same
results. The components each side runs are printed.
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
from kg.pipeline import PARSE_BATCH_CHARS, batched_by_chars  # noqa: E402
from kg.extract.article import read_anatomy  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.nlp import default_model, load_pipeline  # noqa: E402
from kg.nlp.worker import parse_worker, worker_cpu_seconds  # noqa: E402
from kg.store import GraphStore  # noqa: E402


def _words(doc) -> int:
    return sum(1 for tok in doc if not tok.is_space and not tok.is_punct)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=50)
    ap.add_argument("--verbose", action="store_true", help="print running totals after each chunk")
    ap.add_argument("--whole", type=int, default=0, metavar="R",
                    help="instead of chunks: R whole-corpus runs of each side, alternated")
    args = ap.parse_args()
    articles = [Article(doc_id=r["id"], text=r["text"], title=r["title"]) for r in bbc_records(args.n)]
    bodies = []
    for a in map(read_anatomy, articles):
        bodies.append(a.text[a.body_start:a.body_end])
    import spacy

    nlp = spacy.load(default_model())  # the bare pipeline: the same model, without kg's component
    load_pipeline()  # load the build's own pipeline now so loading is not timed
    parse_worker(default_model()).ready()  # and its parsing process
    list(nlp.pipe(bodies[:20]))
    if args.whole:
        return whole(articles, bodies, nlp, args)
    sides = {"pipe": 0.0, "pipe_kg_batches": 0.0, "build": 0.0}
    process_cpu = dict.fromkeys(sides, 0.0)  # CPU time of all threads: the parser's, writer's and RocksDB's
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        with GraphStore(tmp / "store") as store:
            counts = {"words": 0, "build_words": 0, "quads": 0, "relations": 0, "refresh": 0.0}

            def pipe(texts, _articles):
                counts["words"] += sum(_words(d) for d in nlp.pipe(texts, n_process=args.jobs, batch_size=32))

            def pipe_kg_batches(texts, _articles):
                for batch in batched_by_chars(((x, None) for x in texts), PARSE_BATCH_CHARS):
                    for _ in nlp.pipe([x for x, _ in batch], batch_size=len(batch)):
                        pass

            def kg_build(_texts, chunk):
                report = build(iter(chunk), store, jobs=args.jobs)
                counts["build_words"] += report.words
                counts["quads"] += report.triples
                counts["relations"] += report.relations
                counts["refresh"] += report.entity_refresh_seconds

            runners = {"pipe": pipe, "pipe_kg_batches": pipe_kg_batches, "build": kg_build}
            if args.jobs != 1:
                del runners["pipe_kg_batches"]
            order = list(runners)
            for k, start in enumerate(range(0, len(articles), args.chunk)):
                texts, chunk = bodies[start:start + args.chunk], articles[start:start + args.chunk]
                turn = k % len(order)  # each side goes first, second and third equally often
                for side in order[turn:] + order[:turn]:
                    t, all_cpu = time.perf_counter(), time.process_time() + worker_cpu_seconds()
                    runners[side](texts, chunk)
                    sides[side] += time.perf_counter() - t
                    process_cpu[side] += time.process_time() + worker_cpu_seconds() - all_cpu
                if args.verbose:
                    print(f"chunk {start:>5}: pipe {sides['pipe']:7.2f}  kg batches {sides['pipe_kg_batches']:7.2f}  build {sides['build']:7.2f}", flush=True)
            words, build_words = counts["words"], counts["build_words"]
            quads, relations = counts["quads"], counts["relations"]
    finally:
        shutil.rmtree(tmp)
    assert build_words == words, (build_words, words)
    pipe_wps = words / sides["pipe"]
    build_wps = words / sides["build"]
    print(f"articles: {len(articles)}  words: {words:,}  jobs: {args.jobs}  chunks of {args.chunk}")
    print(f"components, bare: {', '.join(nlp.pipe_names)}; kg build: {', '.join(load_pipeline().pipe_names)} "
          "(lemmas on demand)")
    print(f"bare nlp.pipe           : {sides['pipe']:7.2f} s  {pipe_wps:10,.0f} words/s")
    if args.jobs == 1:
        print(f"nlp.pipe in kg's batches: {sides['pipe_kg_batches']:7.2f} s  "
              f"{words / sides['pipe_kg_batches']:10,.0f} words/s")
    print(f"kg build                : {sides['build']:7.2f} s  {build_wps:10,.0f} words/s  "
          f"({quads:,} quads, {relations:,} relations)")
    print(f"entity refresh (marks and descriptions, per batch in the writer thread): "
          f"{counts['refresh']:.2f} s = {counts['refresh'] / sides['build']:.1%} of kg build's time")
    print(f"ratio build/pipe words per second: {build_wps / pipe_wps:.3f}  (goal >= 0.95)")
    if args.jobs == 1:
        print(f"ratio build/(pipe in kg's batches): {sides['pipe_kg_batches'] / sides['build']:.3f}  "
              "(kg's own overhead on the same parsing)")
    cpu = ", ".join(f"{name} {process_cpu[side]:.2f}" for side, name in
                    (("pipe", "bare nlp.pipe"), ("pipe_kg_batches", "nlp.pipe in kg's batches"), ("build", "kg build"))
                    if side in runners)
    print(f"CPU seconds, all threads: {cpu}; bare nlp.pipe / kg build {process_cpu['pipe'] / process_cpu['build']:.3f}")


def whole(articles, bodies, nlp, args) -> None:
    """R alternated whole-corpus runs of each side: bare nlp.pipe, and kg build into a fresh store."""
    runs: dict[str, list[tuple[float, float]]] = {"pipe": [], "build": []}  # (wall, CPU of all threads)
    words = sum(_words(d) for d in nlp.pipe(bodies[:20]))  # warm, as in the chunked mode
    refresh, quads = [], 0
    for k in range(2 * args.whole):
        side = ("pipe", "build", "build", "pipe")[k % 4]
        t, cpu = time.perf_counter(), time.process_time() + worker_cpu_seconds()
        if side == "pipe":
            words = sum(_words(d) for d in nlp.pipe(bodies, n_process=args.jobs, batch_size=32))
        else:
            tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
            try:
                with GraphStore(tmp / "store") as store:
                    report = build(iter(articles), store, jobs=args.jobs)
            finally:
                shutil.rmtree(tmp)
            refresh.append(report.entity_refresh_seconds)
            quads = report.triples
        runs[side].append((time.perf_counter() - t, time.process_time() + worker_cpu_seconds() - cpu))
        print(f"run {k + 1}: {side:5} {runs[side][-1][0]:7.2f} s wall {runs[side][-1][1]:7.2f} s CPU", flush=True)
    pipe_wall, build_wall = (sum(w for w, _ in runs[s]) for s in ("pipe", "build"))
    pipe_cpu, build_cpu = (sum(c for _, c in runs[s]) for s in ("pipe", "build"))
    n = args.whole
    print(f"articles: {len(articles)}  words: {words:,}  jobs: {args.jobs}  whole corpus, {n} runs a side")
    print(f"bare nlp.pipe: {pipe_wall / n:7.2f} s a run  {words * n / pipe_wall:10,.0f} words/s")
    print(f"kg build     : {build_wall / n:7.2f} s a run  {words * n / build_wall:10,.0f} words/s  ({quads:,} quads)")
    print(f"entity refresh (marks and descriptions, per batch in the writer thread): "
          f"{sum(refresh) / n:.2f} s a build = {sum(refresh) / build_wall:.1%} of kg build's time")
    print(f"ratio build/pipe words per second: {pipe_wall / build_wall:.3f}  (goal >= 0.95)")
    print(f"CPU seconds, all threads, a run: bare nlp.pipe {pipe_cpu / n:.2f}, kg build {build_cpu / n:.2f}; "
          f"kg build / bare nlp.pipe {build_cpu / pipe_cpu:.3f}")


if __name__ == "__main__":
    main()
