"""Does a change leave the graph as it was? Build N BBC articles and write a canonical dump.

    python benchmarks/same_graph.py N --out FILE.nq [--compare OTHER.nq] [--jobs J]

Builds the first N articles of ../shared/corpus/bbc with `kg build` (whichever
`kg` is importable: run it with ``PYTHONPATH=/path/to/other/checkout`` to build
with another revision) into a fresh store, then writes every quad as one
N-Quads line, sorted, leaving out the two build times (``prov:startedAtTime``,
``prov:endedAtTime``), which differ from run to run. Two dumps are the same
graph exactly when the files are byte-identical; ``--compare`` says so and
prints the first lines that differ.

Blank nodes would need canonicalisation before such a comparison; kg mints
none, and the script stops if it meets one.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from pathlib import Path

from _corpus import bbc_records

import pyoxigraph as ox

BUILD_TIMES = {"http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime"}


def canonical_lines(store_dir: Path) -> list[str]:
    store = ox.Store.read_only(str(store_dir))
    lines = []
    for quad in store:
        if quad.predicate.value in BUILD_TIMES:
            continue
        if any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object)):
            sys.exit(f"blank node in {quad}: a plain sort is no canonical form for it")
        lines.append(f"{quad} .\n")
    return sorted(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--compare", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()

    import kg
    from kg.cli import main as kg_main

    print(f"kg from {Path(kg.__file__).parent}", file=sys.stderr)
    records = bbc_records(args.n)
    out, compare = args.out.resolve(), args.compare.resolve() if args.compare else None
    with tempfile.TemporaryDirectory() as tmp:
        # built from inside the folder, by a relative name: every document's kg:sourceFile
        # ("corpus.jsonl:LINE") is then the same from run to run
        os.chdir(tmp)
        Path("corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        status = kg_main(["build", "corpus.jsonl", "--store", "store", "--jobs", str(args.jobs)])
        if status:
            sys.exit(f"kg build failed with status {status}")
        lines = canonical_lines(Path("store"))
        os.chdir("/")
    args.out, args.compare = out, compare
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"{args.out}: {len(lines):,} quads (build times left out)")
    if args.compare is not None:
        other = args.compare.read_text(encoding="utf-8").splitlines(keepends=True)
        if other == lines:
            print(f"identical to {args.compare}: {len(lines):,} quads")
            return
        diff = list(difflib.unified_diff(other, lines, str(args.compare), str(args.out), n=0))
        print(f"DIFFERENT from {args.compare} ({len(other):,} vs {len(lines):,} quads):")
        sys.stdout.writelines(diff[:40])
        sys.exit(1)


if __name__ == "__main__":
    main()
