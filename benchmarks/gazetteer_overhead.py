"""What the gazetteer and entity resolution add to the time of ``nlp.pipe``.

    .venv/bin/python benchmarks/gazetteer_overhead.py [--docs 500] [--rounds 2]

On the first N BBC articles, in one process, alternating the two so that
machine noise hits both alike, it times:

- bare: ``nlp.pipe`` with the ``kg_gazetteer`` component disabled;
- ours: ``nlp.pipe`` with ``kg_gazetteer``, then entity resolution
  (:func:`kg.extract.entities.read_entities`) on every document;

and prints ours / bare (the goal is under 1.10). The three runs are
interleaved chunk by chunk, in rotating order, so that other load on the
machine falls on all of them alike. For information it also times dates and
quantities on top. Not a test: timings vary by machine; the ratio matters.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _corpus import bbc_records  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=20, help="documents per timed chunk")
    args = parser.parse_args(argv)

    from kg.extract.article import read_anatomy
    from kg.extract.dates import read_times
    from kg.extract.entities import read_entities
    from kg.extract.gazetteer import default_gazetteer
    from kg.model import Article
    from kg.extract.quantities import read_quantities
    from kg.nlp import load_pipeline

    nlp = load_pipeline()
    gazetteer = default_gazetteer()
    articles = [read_anatomy(Article(doc_id=r["id"], text=r["text"])) for r in bbc_records(args.docs)]
    texts = [a.text[a.body_start:a.body_end] for a in articles]
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:20]))  # warm up

    def bare(chunk: list[str]) -> None:
        with nlp.select_pipes(disable=["kg_gazetteer"]):
            for _ in nlp.pipe(chunk):
                pass

    def ours(chunk: list[str]) -> None:
        for doc in nlp.pipe(chunk):
            read_entities(doc, gazetteer=gazetteer)

    def ours_with_values(chunk: list[str]) -> None:
        for doc in nlp.pipe(chunk):
            read_entities(doc, gazetteer=gazetteer)
            read_times(doc, "2005-01-01")
            read_quantities(doc)

    # Interleave small chunks, rotating the order, so that a busy machine slows all alike.
    runs = {"bare": bare, "ours": ours, "ours+values": ours_with_values}
    totals = dict.fromkeys(runs, 0.0)
    chunks = [texts[i:i + args.chunk] for i in range(0, len(texts), args.chunk)]
    for round_no in range(args.rounds):
        for n, chunk in enumerate(chunks):
            names = list(runs)
            shift = (n + round_no) % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                runs[name](chunk)
                totals[name] += time.perf_counter() - started
        print(f"round {round_no + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in totals.items()))
    best = totals

    entities = sum(len(read_entities(doc, gazetteer=gazetteer)) for doc in nlp.pipe(texts))
    print(f"\n{len(texts)} BBC articles, {words:,} words, {entities:,} entities, {len(gazetteer)} gazetteer entries")
    print(f"bare nlp.pipe:                         {best['bare']:.2f} s ({words / best['bare']:,.0f} words/s)")
    print(f"nlp.pipe + kg_gazetteer + entities:    {best['ours']:.2f} s")
    print(f"  ... + dates and quantities:          {best['ours+values']:.2f} s")
    print(f"ratio (gazetteer + entity resolution): {best['ours'] / best['bare']:.3f}   (goal < 1.10)")
    print(f"ratio (with dates and quantities):     {best['ours+values'] / best['bare']:.3f}")


if __name__ == "__main__":
    main()
