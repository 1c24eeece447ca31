"""Exporting a view vs building the store it comes from (issue "Pictures of the whole graph").

    python benchmarks/export_vs_build.py [N] [--store DIR] [--view entities] [--formats graphml,gexf,...]

Builds the first N BBC articles (default 1,000) with `kg build` into a new
store (or reuses --store DIR, a store this script built before, whose build
time it then rebuilds to measure), then times `kg export --view V --format F`
for each format, each a separate process as a user runs it, and prints each
export's wall time as a share of the build's (goal: under 10%).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

FORMATS = ("graphml", "gexf", "cytoscape", "d3", "dot", "csv", "html")


def _kg(*args: str) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", *args], check=True, capture_output=True, text=True)
    return time.perf_counter() - t, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--view", default="entities")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-export-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in bbc_records(args.n)), encoding="utf-8")
        store = Path(tmp) / "store"
        build, said = _kg("build", str(corpus), "--store", str(store))
        print(f"build of {args.n:,} BBC articles: {build:.1f} s ({said})")
        for fmt in args.formats.split(","):
            out = Path(tmp) / ("csv" if fmt == "csv" else f"view.{fmt}")
            if fmt == "csv":
                out.mkdir()
            seconds, said = _kg("export", "--store", str(store), "--view", args.view, "--format", fmt,
                                "--out", str(out / "graph.csv" if fmt == "csv" else out))
            size = sum(p.stat().st_size for p in out.iterdir()) if out.is_dir() else out.stat().st_size
            print(f"  export {args.view:<10} {fmt:<9} {seconds:6.2f} s = {seconds / build:6.1%} of the build "
                  f"({size / 1e6:.1f} MB; {said.removeprefix('wrote ')})")
    print("goal: every export under 10% of the build")


if __name__ == "__main__":
    main()
