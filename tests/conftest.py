from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No time limit on a property's examples: the machines we test on are shared
# and their speed swings, and a test never asserts on time (hypothesis'
# default 200 ms deadline failed a thread test under load).
settings.register_profile("kg", deadline=None)
settings.load_profile("kg")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed" / "uk-eu-data-sharing.txt"
BBC = SHARED / "corpus" / "bbc" / "bbc.jsonl"


def content(store) -> set:
    """Every quad of ``store`` (a store, or the path of one, opened read-only)
    but the two build times, which differ from run to run: what "the same graph"
    compares."""
    from kg.rdf.namespace import PROV

    if isinstance(store, (str, Path)):
        from kg.store import GraphStore

        with GraphStore(store, read_only=True) as opened:
            return content(opened)
    return {q for q in store.quads() if q.predicate not in (PROV.startedAtTime, PROV.endedAtTime)}


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present: ../shared is only in the project's CI/dev checkout")
    return path


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return need_shared(SEED)


@pytest.fixture(scope="session")
def seed_graph(seed_path, nlp):
    """The seed article built once into an in-memory store."""
    from kg.graph import KnowledgeGraph

    graph = KnowledgeGraph()
    graph.add_text(seed_path.read_text(encoding="utf-8"), doc_id="uk-eu-data-sharing")
    return graph
