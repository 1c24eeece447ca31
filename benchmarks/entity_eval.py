"""Entities on real news, scored against the hand-annotated set in benchmarks/annotated/.

    .venv/bin/python benchmarks/entity_eval.py --half dev [--verbose]
    .venv/bin/python benchmarks/entity_eval.py --half heldout      # the headline; never --verbose

Builds one in-memory graph from the half's BBC articles with the real pipeline
(``KnowledgeGraph.add_documents``, as ``kg build`` does) and reads back, by
SPARQL, every mention (offsets, entity, how it was resolved), every
``kg:Phrase`` argument and every entity's one description (type, links).
Then, per annotated entity (see benchmarks/annotated/FORMAT.md):

- **found**: some name mention of it denotes an entity;
- **one node**: all its name mentions, in every article of the half that names
  it (entities shared across articles are grouped by Wikidata item, else by
  label), denote one and the same entity, and no ``kg:Phrase`` argument spans
  one of its name mentions (a phrase beside the entity is a second node);
- **type**: the entity's type in the entity graph, coarse (person,
  organisation, place, group: ``Organization`` and ``GovernmentOrganization``
  are one class, as are ``Country``, ``City``, ``Place``,
  ``AdministrativeArea``); the fine figure is printed too;
- **linked**: among entities of a knowledge-base class (not ``none`` or
  ``politician``), the share whose node has an ``owl:sameAs`` Wikidata link;
- **link precision**: among annotated entities with a gold Wikidata item whose
  node has a Wikidata link, the share that is the gold item;
- **coreference**: among annotated pronouns and descriptions, the share that a
  mention at that place (overlapping it) resolves to the entity's node; and the
  precision of the resolved mentions the graph made there.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ANNOTATED = ROOT / "benchmarks" / "annotated"
sys.path.insert(0, str(ROOT))

COARSE = {"Person": "person", "Organization": "organisation", "GovernmentOrganization": "organisation",
          "Corporation": "organisation", "PoliticalParty": "organisation", "NewsMediaOrganization": "organisation",
          "SportsTeam": "organisation", "Country": "place", "City": "place", "Place": "place",
          "AdministrativeArea": "place", "Group": "group"}
KB_CLASSES = {"head", "party", "legislature", "company", "news", "city", "region", "intl", "country"}
WIKIDATA = "http://www.wikidata.org/entity/"

MENTIONS = """
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?doc ?start ?end ?entity ?how WHERE {
  GRAPH ?doc { ?m a kg:Mention ; kg:denotes ?entity ; nif:beginIndex ?start ; nif:endIndex ?end .
               OPTIONAL { ?m kg:resolvedBy ?how } }
}"""
PHRASES = """
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?doc ?start ?end ?phrase WHERE {
  GRAPH ?doc { ?phrase a kg:Phrase ; nif:beginIndex ?start ; nif:endIndex ?end }
}"""
DESCRIPTIONS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?entity ?type ?link ?label WHERE {
  GRAPH ?g { ?entity a ?type . OPTIONAL { ?entity owl:sameAs ?link } OPTIONAL { ?entity rdfs:label ?label } }
  FILTER(STRENDS(STR(?g), "/entity/"))
}"""


def read_annotations(half: str) -> list[dict]:
    files = sorted(ANNOTATED.glob(f"entities-{half}*.jsonl"))
    if not files:
        sys.exit(f"no annotation files benchmarks/annotated/entities-{half}*.jsonl")
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def read_articles(ids: set[str]) -> list[dict]:
    bbc = SHARED / "corpus" / "bbc" / "bbc.jsonl"
    if not bbc.exists():
        sys.exit(f"{bbc} not found: this benchmark needs ../shared (the dev/CI checkout)")
    with open(bbc, encoding="utf-8") as fh:
        return [{"id": r["id"], "title": r["title"], "text": r["text"]}
                for r in map(json.loads, fh) if r["id"] in ids]


def read_graph(articles: list[dict]):
    """(mentions by doc id, phrases by doc id, entity descriptions, seconds to build)."""
    from kg.graph import KnowledgeGraph
    from kg.rdf.iris import IriMinter

    started = time.perf_counter()
    kg = KnowledgeGraph()
    kg.add_documents(articles)
    seconds = time.perf_counter() - started
    iris = IriMinter(kg.base_iri)
    doc_of = {iris.document(a["id"]).value: a["id"] for a in articles}
    mentions: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)
    for row in kg.query(MENTIONS).to_dicts():
        mentions[doc_of[row["doc"]]].append((row["start"], row["end"], row["entity"], row["how"]))
    phrases: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for row in kg.query(PHRASES).to_dicts():
        phrases[doc_of[row["doc"]]].append((row["start"], row["end"], row["phrase"]))
    described: dict[str, dict] = defaultdict(lambda: {"types": set(), "links": set(), "label": None})
    for row in kg.query(DESCRIPTIONS).to_dicts():
        d = described[row["entity"]]
        d["types"].add(row["type"].rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        if row["link"] and row["link"].startswith(WIKIDATA):
            d["links"].add(row["link"][len(WIKIDATA):])
        if row["label"]:
            d["label"] = row["label"]
    kg.close()
    return mentions, phrases, described, seconds



def overlapping(spans, start: int, end: int):
    return [s for s in spans if s[0] < end and start < s[1]]


def score(annotations: list[dict], mentions, phrases, described, *, verbose: bool) -> dict[str, float]:
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)  # one real thing across articles
    gold_at: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # every annotated span, by article
    for article in annotations:
        for entity in article["entities"]:
            ident = entity.get("wikidata") or entity["label"].lower()
            groups[ident].append((article["id"], entity))
            for m in entity["mentions"]:
                gold_at[article["id"]].append((m["start"], m["start"] + len(m["text"]), ident))
    node_of_ident: dict[str, str | None] = {}
    found = one = typed = typed_fine = 0
    kb = linked = 0
    judged_links = right_links = 0
    coref_total = coref_right = 0
    made_coref = made_coref_right = 0
    problems: list[str] = []
    for ident, members in sorted(groups.items()):
        nodes: set[str] = set()
        extra_phrases = 0
        for doc_id, entity in members:
            for m in entity["mentions"]:
                if m["kind"] != "name":
                    continue
                start, end = m["start"], m["start"] + len(m["text"])
                hits = [h for h in overlapping(mentions[doc_id], start, end) if h[3] is None]
                nodes.update(h[2] for h in hits)
                for p in overlapping(phrases[doc_id], start, end):
                    if p[1] - p[0] <= 1.5 * (end - start) + 4:
                        extra_phrases += 1
        gold = members[0][1]
        label = gold["label"]
        if nodes:
            found += 1
        if len(nodes) == 1 and not extra_phrases:
            one += 1
        elif verbose:
            problems.append(f"one node: {label} ({members[0][0]}): {sorted(nodes)} phrases={extra_phrases}")
        node = node_of_ident[ident] = _main_node(nodes, members, mentions)
        d = described.get(node) if node else None
        types = d["types"] - {"Entity", "Thing"} if d else set()
        got = next(iter(sorted(types)), "-")
        if any(COARSE.get(t) == COARSE.get(gold["type"]) for t in types):
            typed += 1
        elif verbose:
            problems.append(f"type: {label}: gold {gold['type']} got {sorted(types) or '-'}")
        if gold["type"] in types or (gold["type"] == "Organization" and types & {"Corporation", "PoliticalParty",
                                                                                "NewsMediaOrganization"}) \
                or (gold["type"] == "Place" and types & {"City", "AdministrativeArea"}):
            typed_fine += 1
        links = d["links"] if d else set()
        if gold["class"] in KB_CLASSES:
            kb += 1
            if links:
                linked += 1
            elif verbose:
                problems.append(f"not linked: {label} [{gold['class']}] {gold.get('wikidata') or ''} (got {got})")
        if links and gold.get("wikidata"):
            judged_links += 1
            if gold["wikidata"] in links:
                right_links += 1
            elif verbose:
                problems.append(f"WRONG LINK: {label}: gold {gold['wikidata']} got {sorted(links)}")
        elif links and verbose and not gold.get("wikidata"):
            problems.append(f"link not judged (no gold item): {label} -> {sorted(links)}")
        for doc_id, entity in members:
            for m in entity["mentions"]:
                if m["kind"] == "name":
                    continue
                coref_total += 1
                start, end = m["start"], m["start"] + len(m["text"])
                hits = overlapping(mentions[doc_id], start, end)
                if node and any(h[2] == node for h in hits):
                    coref_right += 1
                elif verbose:
                    problems.append(f"coref: {m['text']!r} -> {label} ({doc_id}@{start}): got "
                                    f"{[described.get(h[2], {}).get('label') or h[2] for h in hits] or '-'}")
    # precision of the resolved mentions the graph made at annotated places
    for doc_id, spans in mentions.items():
        for start, end, entity, how in spans:
            if how is None:
                continue
            made_coref += 1
            golds = overlapping(gold_at[doc_id], start, end)
            if any(node_of_ident.get(g[2]) == entity for g in golds):
                made_coref_right += 1
            elif verbose:
                problems.append(f"coref made ({how}) {doc_id}@{start}-{end} -> "
                                f"{described.get(entity, {}).get('label') or entity}: gold "
                                f"{[g[2] for g in golds] or 'nothing'}")
    n = len(groups)
    figures = {
        "entities": n, "found": found / n, "one node": one / n, "type (coarse)": typed / n,
        "type (fine)": typed_fine / n, "kb entities": kb, "linked": linked / kb if kb else float("nan"),
        "links judged": judged_links,
        "link precision": right_links / judged_links if judged_links else float("nan"),
        "coref mentions": coref_total, "coref accuracy": coref_right / coref_total if coref_total else float("nan"),
        "coref made": made_coref,
        "coref precision": made_coref_right / made_coref if made_coref else float("nan"),
    }
    if verbose:
        print("\n".join(problems))
    return figures


def _main_node(nodes: set[str], members, mentions) -> str | None:
    """The node most of the entity's name mentions denote (ties: the IRI that sorts first)."""
    if not nodes:
        return None
    counts: dict[str, int] = defaultdict(int)
    for doc_id, entity in members:
        for m in entity["mentions"]:
            if m["kind"] == "name":
                for h in overlapping(mentions[doc_id], m["start"], m["start"] + len(m["text"])):
                    if h[2] in nodes:
                        counts[h[2]] += 1
    return max(sorted(counts), key=lambda k: counts[k])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "heldout"), required=True)
    parser.add_argument("--verbose", action="store_true", help="list every miss (dev half only)")
    args = parser.parse_args()
    if args.verbose and args.half == "heldout":
        sys.exit("--verbose is for the dev half: the held-out half is only scored, never looked at")
    annotations = read_annotations(args.half)
    articles = read_articles({a["id"] for a in annotations})
    mentions, phrases, described, seconds = read_graph(articles)
    figures = score(annotations, mentions, phrases, described, verbose=args.verbose)
    print(f"{args.half}: {len(annotations)} articles, built in {seconds:.1f} s")
    for name, value in figures.items():
        print(f"  {name:16} {value:.3f}" if isinstance(value, float) else f"  {name:16} {value}")


if __name__ == "__main__":
    main()
