"""What the snapshots for readers (kg.store.snapshots) cost a build: the same
articles built twice into new stores, with snapshots and with KG_SNAPSHOTS=0,
each `kg build` a process of its own, alternated. Prints wall and CPU time
of each, the ratio, the snapshots taken and the disk they hold at the end.

    python benchmarks/snapshot_cost.py            # the first 300 BBC articles, 2 runs each
    python benchmarks/snapshot_cost.py 1000 --runs 1
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bbc" / "bbc.jsonl"


def du(path: Path) -> int:
    """Bytes of the files under ``path`` not shared with the store (hard links counted once)."""
    seen, total = set(), 0
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            if st.st_nlink == 1 and st.st_ino not in seen:
                total += st.st_size
            seen.add(st.st_ino)
    return total


def build(articles: Path, store: Path, snapshots: bool) -> tuple[float, float, int]:
    env = {**os.environ, "KG_SNAPSHOTS": "1" if snapshots else "0"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", str(articles), "--store", str(store)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, du(store / "kg-snapshots") if (store / "kg-snapshots").exists() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=300, help="articles (default 300)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"no corpus at {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles.jsonl"
        with open(CORPUS, encoding="utf-8") as f, open(articles, "w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= args.n:
                    break
                out.write(line)
        times = {True: [], False: []}
        left = 0
        for run in range(args.runs):
            for snapshots in (True, False) if run % 2 == 0 else (False, True):
                store = Path(tmp) / f"store-{run}-{snapshots}"
                wall, cpu, held = build(articles, store, snapshots)
                times[snapshots].append((wall, cpu))
                if snapshots:
                    left = held
                shutil.rmtree(store)
    on = [min(t[0] for t in times[True]), min(t[1] for t in times[True])]
    off = [min(t[0] for t in times[False]), min(t[1] for t in times[False])]
    print(f"kg build of {args.n} BBC articles, best of {args.runs} runs each, alternated")
    print(f"{'':<22}{'wall s':>9}{'CPU s':>9}")
    print(f"{'snapshots on':<22}{on[0]:>9.1f}{on[1]:>9.1f}")
    print(f"{'snapshots off':<22}{off[0]:>9.1f}{off[1]:>9.1f}")
    print(f"{'on / off':<22}{on[0] / off[0]:>9.3f}{on[1] / off[1]:>9.3f}")
    print(f"bytes the snapshots hold after the build (not shared with the store): {left:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
