"""The store owns only kg's graphs; a store of an earlier kg is upgraded in place.

- a user's own graph (an ontology, a curated list) loaded with `kg load`
  survives builds, removes, repairs and reopening;
- `kg load` never merges into a document graph: it replaces it whole and says so;
- a store written before store format 2 (entity descriptions copied into every
  document graph; tests/data/store-format-1.nq.gz, a dump the previous kg made
  of two files of examples/) is detected, and upgraded to exactly what a build
  with this kg gives, nothing lost.
"""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.errors import StoreWarning
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import PROV, SCHEMA
from kg.store import GraphStore, open_store
from kg.store.entities import check

from .conftest import content

ROOT = Path(__file__).resolve().parents[1]
FORMAT_1 = ROOT / "tests" / "data" / "store-format-1.nq.gz"
FORMAT_1_SOURCES = ["examples/uk-albania-returns.txt", "examples/eu-uk-security-pact.txt"]
BUILD_TIMES = (PROV.startedAtTime, PROV.endedAtTime)
MINE = ox.NamedNode("http://example.com/mygraph")
MY_QUAD = ox.Quad(ox.NamedNode("http://example.com/a"), ox.NamedNode("http://example.com/p"), ox.Literal("mine"), MINE)


@pytest.fixture()
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("uk-albania-returns.txt", "eu-uk-security-pact.txt"):
        shutil.copy(ROOT / "examples" / name, folder / name)
    return folder


def test_a_users_graph_survives_load_build_remove_repair_and_reopening(tmp_path, docs, capsys, nlp):
    mine = tmp_path / "mine.nq"
    mine.write_bytes(ox.serialize([MY_QUAD], format=ox.RdfFormat.N_QUADS))
    store = tmp_path / "store"
    assert main(["load", str(mine), "--store", str(store)]) == 0
    assert "1 other graphs" in capsys.readouterr().out
    assert main(["build", str(docs), "--store", str(store)]) == 0
    assert main(["remove", "uk-albania-returns", "--store", str(store)]) == 0
    assert main(["repair", "--rebuild", "--store", str(store)]) == 0
    with GraphStore(store) as reopened:
        assert list(reopened.quads(MINE)) == [MY_QUAD]
    assert main(["build", str(docs), "--store", str(store), "--force"]) == 0
    assert MY_QUAD in content(store)


def test_load_replaces_a_document_graph_whole_and_says_so(tmp_path, docs, capsys, nlp):
    store = tmp_path / "store"
    assert main(["build", str(docs), "--store", str(store)]) == 0
    graph = IriMinter().document("eu-uk-security-pact")
    injected = [ox.Quad(graph, SCHEMA.headline, ox.Literal("An injected headline"), graph),
                ox.Quad(graph, ox.NamedNode("https://w3id.org/newskg/ns#contentHash"), ox.Literal("0" * 64), graph)]
    dump = tmp_path / "inject.nq"
    dump.write_bytes(ox.serialize(injected, format=ox.RdfFormat.N_QUADS))
    capsys.readouterr()
    assert main(["load", str(dump), "--store", str(store)]) == 0
    said = capsys.readouterr()
    assert f"replaced document graph <{graph.value}> whole" in said.err
    assert "1 documents (1 replaced)" in said.out
    with GraphStore(store, read_only=True) as opened:
        assert set(opened.quads(graph)) == set(injected)  # replaced, not merged into
    # the next build sees a content hash that is not the text's, and builds the document again
    assert main(["build", str(docs), "--store", str(store)]) == 0
    assert "1 document (1 unchanged, skipped)" in capsys.readouterr().out
    headlines = {q.object.value for q in content(store) if q.predicate == SCHEMA.headline}
    assert "An injected headline" not in headlines


def test_a_store_of_the_previous_kg_is_upgraded_in_place_to_what_a_build_gives(tmp_path, monkeypatch, nlp):
    old = tmp_path / "old"
    raw = ox.Store(str(old))
    raw.bulk_load(gzip.decompress(FORMAT_1.read_bytes()), format=ox.RdfFormat.N_QUADS)
    raw.flush()
    del raw
    with pytest.warns(StoreWarning, match="kg repair"):
        with open_store(str(old), read_only=True) as store:  # read-only: it says what to run
            assert check(store).old_documents == 2
    with pytest.warns(StoreWarning, match="2 documents upgraded"):
        GraphStore(old).close()  # writable: upgrades itself
    monkeypatch.chdir(ROOT)  # the dump names its files relative to the checkout
    fresh = tmp_path / "fresh"
    assert main(["build", *FORMAT_1_SOURCES, "--store", str(fresh)]) == 0
    assert content(old) == content(fresh)
    with GraphStore(old, read_only=True) as store:
        assert check(store).ok  # no document graph describes an entity any more
    assert main(["build", *FORMAT_1_SOURCES, "--store", str(old)]) == 0  # nothing to rebuild after
    assert content(old) == content(fresh)


def test_a_lost_entity_graph_is_rebuilt_on_opening(tmp_path, docs, nlp):
    store = tmp_path / "store"
    assert main(["build", str(docs), "--store", str(store)]) == 0
    expected = content(store)
    with GraphStore(store) as opened:
        opened.remove_document(IriMinter().entity_graph())  # as a careless DROP GRAPH would
    with pytest.warns(StoreWarning, match="repaired on opening"):
        GraphStore(store).close()
    assert content(store) == expected
