"""Accuracy of mention -> entity resolution on hand-checked cases.

    .venv/bin/python benchmarks/entity_accuracy.py [--verbose]

Reads ``tests/data/entity_cases.tsv`` (news passages from the BBC corpus, the
seed article and ``examples/``), runs the real pipeline (article anatomy,
spaCy, ``kg_gazetteer``, entity resolution) on each source document once,
and checks that the mention names the expected entity: same key (hence the
same IRI in every document) and same schema.org type. "-" cases expect no
entity at all (footer lines, headlines in capitals). Prints the accuracy.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = ROOT / "tests" / "data" / "entity_cases.tsv"
sys.path.insert(0, str(ROOT))


def read_cases(path: Path = CASES) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


def source_texts(sources: set[str]) -> dict[str, str]:
    texts = {}
    bbc_ids = {s.split(":", 1)[1] for s in sources if s.startswith("bbc:")}
    if bbc_ids:
        bbc = SHARED / "corpus" / "bbc" / "bbc.jsonl"
        if not bbc.exists():
            sys.exit(f"{bbc} not found: this benchmark needs ../shared (the dev/CI checkout)")
        with open(bbc, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if record["id"] in bbc_ids:
                    texts["bbc:" + record["id"]] = record["text"]
    for source in sources:
        if source == "seed":
            texts[source] = (SHARED / "corpus" / "seed" / "uk-eu-data-sharing.txt").read_text(encoding="utf-8")
        elif source.startswith("example:"):
            texts[source] = (ROOT / "examples" / source.split(":", 1)[1]).read_text(encoding="utf-8")
    missing = sources - set(texts)
    if missing:
        sys.exit(f"unknown sources in {CASES}: {sorted(missing)}")
    return texts


def evaluate(cases: list[dict], *, verbose: bool = False, quiet: bool = False) -> dict[str, float]:
    from kg.extract.article import read_anatomy
    from kg.extract.entities import read_entities
    from kg.model import Article
    from kg.nlp import load_pipeline

    nlp = load_pipeline()
    texts = source_texts({c["source"] for c in cases})
    by_source = defaultdict(list)
    for case in cases:
        by_source[case["source"]].append(case)
    right = key_right = type_right = 0
    failures = []
    for source, group in by_source.items():
        text = texts[source]
        article = read_anatomy(Article(doc_id=source, text=text))
        doc = nlp(text[article.body_start:article.body_end])
        entities = read_entities(doc, offset=article.body_start)
        for case in group:
            at = text.find(case["context"])
            if at < 0:
                sys.exit(f"case {case['id']}: context {case['context']!r} not in {source}")
            at += case["context"].index(case["mention"])
            found = next((e for e in entities if any(m.start <= at < m.end for m in e.mentions)), None)
            got_key, got_type = (found.key, found.type) if found else ("-", "-")
            key_ok, type_ok = got_key == case["key"], got_type == case["type"]
            key_right += key_ok
            type_right += type_ok
            right += key_ok and type_ok
            if not (key_ok and type_ok):
                failures.append((case, got_key, got_type))
            if verbose:
                mark = "ok  " if key_ok and type_ok else "FAIL"
                print(f"{mark} {case['id']} {case['mention']!r:28} -> {got_key} ({got_type})")
    n = len(cases)
    if failures and not quiet:
        print(f"\n{len(failures)} of {n} cases wrong:")
        for case, got_key, got_type in failures:
            print(f"  {case['id']} {case['mention']!r} in {case['source']}: expected {case['key']} ({case['type']}), "
                  f"got {got_key} ({got_type})  [{case['note']}]")
    return {"cases": n, "accuracy": right / n, "key_accuracy": key_right / n, "type_accuracy": type_right / n}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="print every case")
    args = parser.parse_args(argv)
    cases = read_cases()
    # "c" cases were used while writing the rules; "h" cases were annotated afterwards
    # and never used to change them, so their figure is the fairer estimate.
    sets = {"all": cases, "development (c)": [c for c in cases if c["id"].startswith("c")],
            "held out (h)": [c for c in cases if c["id"].startswith("h")]}
    results = {name: evaluate(group, verbose=args.verbose and name == "all", quiet=name != "all")
               for name, group in sets.items() if group}
    print()
    for name, r in results.items():
        print(f"entity accuracy, {name:16} {r['accuracy']:6.1%} of {r['cases']:3} hand-checked cases "
              f"(key {r['key_accuracy']:.1%}, type {r['type_accuracy']:.1%})")


if __name__ == "__main__":
    main()
