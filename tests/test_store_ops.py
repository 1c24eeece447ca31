"""Incremental builds, kg remove, kg dump / kg load."""
from __future__ import annotations

import pytest

from kg.cli import main
from kg.store import GraphStore

DOC_A = "Keir Starmer visited Albania. The UK will enter talks with the EU."
DOC_B = "Albanian Prime Minister Edi Rama met Keir Starmer in Tirana on Friday."


@pytest.fixture()
def store(tmp_path, nlp):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DOC_A)
    (docs / "b.txt").write_text(DOC_B)
    path = tmp_path / "store"
    assert main(["build", str(docs), "--store", str(path)]) == 0
    return path, docs


def labels(path) -> set[str]:
    with GraphStore(path, read_only=True) as s:
        return {r["l"].value for r in s.query("SELECT DISTINCT ?l WHERE { ?m kg:denotes ?e . ?e rdfs:label ?l }",
                                              prefixes={"kg": "https://w3id.org/newskg/ns#",
                                                        "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})}


def test_changed_document_replaces_its_graph(store, capsys):
    path, docs = store
    (docs / "b.txt").write_text("Edi Rama met Emmanuel Macron in Paris.")
    capsys.readouterr()
    assert main(["build", str(docs), "--store", str(path)]) == 0
    assert "1 document (1 unchanged" in capsys.readouterr().out
    found = labels(path)
    assert "Emmanuel Macron" in found and "Tirana" not in found


def test_remove_drops_documents_and_orphaned_entities(store, capsys):
    path, _ = store
    assert {"Keir Starmer", "Tirana", "Albania", "Edi Rama"} <= labels(path)
    assert main(["remove", "b", "--store", str(path)]) == 0
    found = labels(path)
    assert "Tirana" not in found and "Edi Rama" not in found   # only b mentioned them
    assert {"Keir Starmer", "Albania"} <= found                 # a still does
    with GraphStore(path, read_only=True) as s:
        assert len(s.document_hashes()) == 1
    assert main(["remove", "nope", "--store", str(path)]) == 1
    assert "no document 'nope'" in capsys.readouterr().err


def test_dump_and_load_round_trip(store, tmp_path, capsys):
    path, _ = store
    dump = tmp_path / "kg.nq.gz"
    assert main(["dump", "--store", str(path), "--out", str(dump)]) == 0
    assert main(["load", str(dump), "--store", str(tmp_path / "copy")]) == 0
    with GraphStore(path, read_only=True) as a, GraphStore(tmp_path / "copy", read_only=True) as b:
        assert set(a.quads()) == set(b.quads()) and len(a) > 100
    bad = tmp_path / "bad.nq"
    bad.write_text("<not a quad\n")
    assert main(["load", str(bad), "--store", str(tmp_path / "other")]) == 1
    assert "bad.nq: not valid N-Quads" in capsys.readouterr().err
