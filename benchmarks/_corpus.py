"""Shared helpers for the benchmarks: where the BBC corpus is, and reading it."""
from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path

BBC = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "bbc" / "bbc.jsonl"


def bbc_records(n: int) -> list[dict]:
    if not BBC.exists():
        sys.exit(f"{BBC} not found: the benchmarks need ../shared/corpus/bbc (in the dev/CI checkout)")
    with open(BBC, encoding="utf-8") as fh:
        return [json.loads(line) for line in islice(fh, n)]
