"""Our Open IE on the CaRB dev split, scored by `kg eval carb`, beside published systems.

    python benchmarks/carb_dev.py [--out FILE]

Runs what `kg extract --format carb dev.txt` runs, writes the tab file (to
FILE, or a temporary file), scores it against `gold/dev.tsv` with
:mod:`kg.eval.carb`, and prints optimal F1 and AUC next to the published CaRB
figures (those are on the *test* split, from CaRB's own scorer and system
outputs; see shared/eval/carb/FORMAT.md section 5a). Rules were tuned on dev
only; the dev figure is therefore optimistic.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from kg.eval.carb import format_score, score_files
from kg.extract.openie import carb_lines
from kg.nlp import load_pipeline

CARB = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "carb"
PUBLISHED = [  # CaRB test split, FORMAT.md 5a (OpenIE-6: 5b, from its README/paper)
    ("OpenIE-4", 0.488, 0.272),
    ("OpenIE-5", 0.467, 0.245),
    ("ClausIE", 0.450, 0.224),
    ("OLLIE", 0.411, 0.224),
    ("PropS", 0.319, 0.126),
    ("OpenIE-6", 0.527, 0.337),
]
REFERENCE_DEV = ("OpenIE-5 on dev (reference_outputs/openie5_dev.tsv)", "reference_outputs/openie5_dev.tsv")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="where to write our tab-format extractions")
    args = ap.parse_args()
    dev, gold = CARB / "dev.txt", CARB / "gold" / "dev.tsv"
    if not dev.exists():
        sys.exit(f"{dev} not found: this benchmark needs ../shared/eval/carb (in the dev/CI checkout)")
    out = args.out or Path(tempfile.mkdtemp(prefix="kg-carb-")) / "kg_dev.tsv"

    nlp = load_pipeline()
    started = time.perf_counter()
    lines = dev.read_text(encoding="utf-8").splitlines()
    with out.open("w", encoding="utf-8") as fh:
        n = sum(fh.write(line + "\n") > 0 for line in carb_lines(nlp, lines))
    seconds = time.perf_counter() - started
    ours = score_files(gold, out)
    reference = score_files(gold, CARB / REFERENCE_DEV[1])

    print(f"kg Open IE on CaRB dev: {len(lines)} sentences -> {n} extractions in {seconds:.1f} s ({out})")
    print(format_score(ours))
    print()
    print(f"{'system':<52} {'F1':>6} {'AUC':>6}")
    print(f"{'kg (dev, tuned on dev)':<52} {ours.f1:6.3f} {ours.auc:6.3f}")
    print(f"{REFERENCE_DEV[0]:<52} {reference.f1:6.3f} {reference.auc:6.3f}")
    for name, f1, auc in PUBLISHED:
        print(f"{name + ' (published, test)':<52} {f1:6.3f} {auc:6.3f}")


if __name__ == "__main__":
    main()
