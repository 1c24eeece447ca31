"""Pick the annotated entity set by the rule in README.md (prints one line per article).

    python benchmarks/annotated/select.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUOTA = {"politics": 8, "business": 8, "tech": 4, "entertainment": 2, "sport": 2}
SALT = "kg-entity-set-2026:"
ID = re.compile(r"\b(?:business|politics|tech|sport|entertainment)/\d{3}\b")


def used_in_project() -> set[str]:
    used: set[str] = set()
    for folder in ("tests", "benchmarks", "docs", "examples", "kg"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".tsv", ".md", ".txt", ".json", ".jsonl"} and "annotated" not in path.parts:
                used.update(ID.findall(path.read_text(encoding="utf-8", errors="replace")))
    used.update(ID.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    return used


def pick(shared: Path) -> list[tuple[str, str]]:
    bbc = shared / "corpus" / "bbc"
    duplicates = {line.split("\t")[1].strip() for line in (bbc / "duplicates.tsv").read_text().splitlines()[1:] if line}
    used = used_in_project()
    by_category: dict[str, list[str]] = {}
    with open(bbc / "bbc.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["id"] in duplicates or record["id"] in used:
                continue
            if 150 <= len(record["text"].split()) <= 500:
                by_category.setdefault(record["category"], []).append(record["id"])
    picked = []
    for category, quota in QUOTA.items():
        ranked = sorted(by_category[category], key=lambda i: hashlib.sha256((SALT + i).encode()).hexdigest())
        for position, doc_id in enumerate(ranked[:quota]):
            picked.append((doc_id, "dev" if position % 2 == 0 else "heldout"))
    return picked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    for doc_id, half in pick(args.shared):
        print(f"{doc_id}\t{half}")


if __name__ == "__main__":
    main()
