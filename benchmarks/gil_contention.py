"""How much does Python work in another thread slow spaCy's parse? (One run, ratios.)

    python benchmarks/gil_contention.py [N_ARTICLES]

With ``--jobs 1`` kg parses in a thread of its own while the calling thread
extracts and maps and a third thread writes the store. That hides kg's work
only as far as spaCy runs without the GIL. This script parses the same texts
with kg's pipeline alone, then again while another thread runs plain Python
(holding the GIL) for half and for a quarter of each 10 ms, and prints how
much longer the parse took against how much Python work was done beside it:
a slowdown equal to the Python work means none of it was hidden.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

from kg.nlp import load_pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=40)
    args = ap.parse_args()
    texts = [r["text"] for r in bbc_records(args.n)]
    nlp = load_pipeline()
    list(nlp.pipe(texts[:5]))

    def parse() -> None:
        for _ in nlp.pipe(texts, batch_size=12):
            pass

    started = time.perf_counter()
    parse()
    alone = time.perf_counter() - started
    print(f"{args.n} articles parsed alone: {alone:.2f} s")
    for duty in (0.5, 0.25):
        done = threading.Event()
        thread = threading.Thread(target=lambda: (parse(), done.set()))
        busy, started = 0.0, time.perf_counter()
        thread.start()
        while not done.is_set():
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.01 * duty:  # pure Python: holds the GIL
                pass
            busy += time.perf_counter() - t0
            time.sleep(0.01 * (1 - duty))
        thread.join()
        both = time.perf_counter() - started
        print(f"beside a thread running Python {duty:.0%} of the time: parse {both:.2f} s "
              f"({both / alone:.2f}x); slowdown {both - alone:.2f} s for {busy:.2f} s of Python work "
              f"({(both - alone) / busy:.0%} of it not hidden)")


if __name__ == "__main__":
    main()
