"""Check annotation files against FORMAT.md: offsets, closed sets, no overlaps.

    python benchmarks/annotated/check.py benchmarks/annotated/entities-dev.jsonl [...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"Person", "Organization", "GovernmentOrganization", "Country", "Place", "Group"}
CLASSES = {"head", "politician", "party", "legislature", "company", "news", "city", "region", "intl", "country", "none"}
KINDS = {"name", "pronoun", "description"}


def load_texts(shared: Path = ROOT.parent / "shared") -> dict[str, str]:
    with open(shared / "corpus" / "bbc" / "bbc.jsonl", encoding="utf-8") as fh:
        return {r["id"]: r["text"] for r in map(json.loads, fh)}


def check(path: Path, texts: dict[str, str]) -> list[str]:
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            article = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not JSON ({error})")
            continue
        text = texts.get(article.get("id"))
        if text is None:
            problems.append(f"{where}: unknown article id {article.get('id')!r}")
            continue
        spans = []
        for entity in article.get("entities", []):
            label = entity.get("label")
            if entity.get("type") not in TYPES:
                problems.append(f"{where}: {label}: type {entity.get('type')!r} not in {sorted(TYPES)}")
            if entity.get("class") not in CLASSES:
                problems.append(f"{where}: {label}: class {entity.get('class')!r} not in {sorted(CLASSES)}")
            qid = entity.get("wikidata", "")
            if qid and not (qid.startswith("Q") and qid[1:].isdigit()):
                problems.append(f"{where}: {label}: wikidata {qid!r} is not a Q-id")
            if not any(m.get("kind") == "name" for m in entity.get("mentions", [])):
                problems.append(f"{where}: {label}: no name mention")
            for mention in entity.get("mentions", []):
                start, said = mention.get("start"), mention.get("text", "")
                if mention.get("kind") not in KINDS:
                    problems.append(f"{where}: {label}: mention kind {mention.get('kind')!r}")
                if not isinstance(start, int) or text[start:start + len(said)] != said:
                    found = text.find(said)
                    problems.append(f"{where}: {label}: {said!r} is not at {start} (first found at {found})")
                    continue
                spans.append((start, start + len(said), label))
        spans.sort()
        for (s1, e1, l1), (s2, e2, l2) in zip(spans, spans[1:]):
            if s2 < e1 and (s1, e1) != (s2, e2) and not (s1 <= s2 and e2 <= e1) and not (s2 <= s1 and e1 <= e2):
                problems.append(f"{where}: mentions overlap: {l1} [{s1},{e1}) and {l2} [{s2},{e2})")
            if (s1, e1) == (s2, e2):
                problems.append(f"{where}: one span annotated twice: {text[s1:e1]!r} for {l1} and {l2}")
    return problems


def main() -> None:
    texts = load_texts()
    problems = [p for name in sys.argv[1:] for p in check(Path(name), texts)]
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
