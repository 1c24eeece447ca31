"""What the snapshots for readers (kg.store.snapshots) cost a build: the same
articles built into new stores with snapshots on and off (``KG_SNAPSHOTS=0``,
which exists for this measurement only), each `kg build` a process of its own,
the two alternated. Prints wall and CPU time of each (best of the runs), the
ratio, the snapshots taken, and the disk they hold that the store does not:
at most during the build and at its end.

    python benchmarks/snapshot_cost.py                  # the first 300 BBC articles, 2 runs each
    python benchmarks/snapshot_cost.py 1000 --runs 1
    python benchmarks/snapshot_cost.py --interval 0.5   # KG_SNAPSHOT_INTERVAL for the build

Not a test: run it on a quiet machine (the figures swing with other load).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bbc" / "bbc.jsonl"
SNAPSHOTS = "kg-snapshots"  # kg.store.snapshots.FOLDER, not imported: the builds are what is measured
POLL = 0.1  # seconds between looks at the snapshot folder during a build


def held(store: Path) -> int:
    """Bytes under the snapshot folder in files the store itself no longer has,
    each counted once (the rest are hard links to the store's own files)."""
    try:
        own = {e.inode() for e in os.scandir(store) if e.is_file()}
        files = {}
        for p in (store / SNAPSHOTS).rglob("*"):
            st = p.stat()
            if p.is_file() and st.st_ino not in own:
                files[st.st_ino] = st.st_size
        return sum(files.values())
    except OSError:  # a snapshot pruned while it was looked at: the next look counts
        return 0


class Watch(threading.Thread):
    """Looks at a store's snapshot folder while it is built: names seen, most bytes held."""

    def __init__(self, store: Path) -> None:
        super().__init__(daemon=True)
        self.store, self.names, self.peak = store, set(), 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(POLL):
            self.look()

    def look(self) -> None:
        with_snapshots = self.store / SNAPSHOTS
        try:
            self.names.update(p.name for p in with_snapshots.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return
        self.peak = max(self.peak, held(self.store))


def build(articles: Path, store: Path, *, snapshots: bool, interval: float | None) -> dict:
    env = {**os.environ, "KG_SNAPSHOTS": "1" if snapshots else "0"}
    if interval is not None:
        env["KG_SNAPSHOT_INTERVAL"] = str(interval)
    watch = Watch(store)
    watch.start()
    before = os.times()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", str(articles), "--store", str(store)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = os.times()
    watch.done.set()
    watch.join()
    watch.look()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "snapshots": len(watch.names), "peak": watch.peak, "end": held(store),
            "store": sum(e.stat().st_size for e in os.scandir(store) if e.is_file())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="?", default=300, help="articles (default 300)")
    parser.add_argument("--runs", type=int, default=2, help="builds each way (default 2)")
    parser.add_argument("--interval", type=float, default=None,
                        help="KG_SNAPSHOT_INTERVAL for the builds (default: kg's SNAPSHOT_INTERVAL)")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"no corpus at {CORPUS}")
    results: dict[bool, list[dict]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles.jsonl"
        with open(CORPUS, encoding="utf-8") as f, open(articles, "w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= args.n:
                    break
                out.write(line)
        for run in range(args.runs):
            for snapshots in (True, False) if run % 2 == 0 else (False, True):
                store = Path(tmp) / f"store-{run}-{'on' if snapshots else 'off'}"
                results[snapshots].append(build(articles, store, snapshots=snapshots, interval=args.interval))
                subprocess.run(["rm", "-rf", str(store)], check=True)
    best = {k: {"wall": min(r["wall"] for r in v), "cpu": min(r["cpu"] for r in v)} for k, v in results.items()}
    on = results[True]
    interval = f"KG_SNAPSHOT_INTERVAL={args.interval:g}" if args.interval is not None else "the default interval"
    print(f"kg build of {args.n} BBC articles, {interval}, best of {args.runs} run(s) each way, alternated")
    print(f"{'':<16}{'wall s':>9}{'CPU s':>9}")
    for name, key in (("snapshots on", True), ("snapshots off", False)):
        print(f"{name:<16}{best[key]['wall']:>9.2f}{best[key]['cpu']:>9.2f}")
    print(f"{'on / off':<16}{best[True]['wall'] / best[False]['wall']:>9.3f}{best[True]['cpu'] / best[False]['cpu']:>9.3f}")
    for name, key in (("on", True), ("off", False)):
        runs = ", ".join(f"{r['wall']:.2f}/{r['cpu']:.2f}" for r in results[key])
        print(f"each run {name:<3} (wall/CPU s): {runs}")
    print(f"snapshots taken per build: {', '.join(str(r['snapshots']) for r in on)}")
    mib = 1 << 20
    print(f"store: {max(r['store'] for r in on) / mib:.1f} MiB; kg-snapshots holds beyond it: at most "
          f"{max(r['peak'] for r in on) / mib:.1f} MiB during the build, {max(r['end'] for r in on) / mib:.1f} MiB "
          "at its end (hard links to the store's files not counted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
