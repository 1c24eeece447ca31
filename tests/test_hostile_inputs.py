"""Hostile input a user found (issue "Hardening"): each case, fixed where it belongs."""
from __future__ import annotations

import json
import os
import warnings

import pytest

from kg.inputs import InputWarning, count_documents, read_articles, resolve_inputs

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def _read(*paths) -> tuple[list, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = list(read_articles(resolve_inputs(paths)))
    return articles, [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def _lines(n: int) -> list[str]:
    return [json.dumps({"id": f"d{i}", "text": f"Angela Merkel visited Paris on day {i}."}) for i in range(n)]


def test_a_deeply_nested_line_is_skipped_and_the_lines_around_it_are_read(tmp_path):
    lines = _lines(80)
    lines.insert(10, '{"id": "deep", "text": "Paris.", "title": ' + "[" * 100_000 + "]" * 100_000 + "}")
    lines.insert(41, "[" * 100_000)
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, said = _read(path)
    assert [a.doc_id for a in articles] == [f"d{i}" for i in range(80)]
    for lineno in (11, 42):
        assert any(f"{path}:{lineno}: JSON nested too deeply" in m for m in said), said


def _unreadable(path):
    path.chmod(0)
    if ROOT_USER or os.access(path, os.R_OK):
        pytest.skip("running as root: file permissions do not stop reading")


def test_an_unreadable_jsonl_is_skipped_with_a_warning(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(_lines(3)) + "\n", encoding="utf-8")
    bad = tmp_path / "locked.jsonl"
    bad.write_text("\n".join(_lines(2)) + "\n", encoding="utf-8")
    _unreadable(bad)
    sources = resolve_inputs([tmp_path])
    assert count_documents(sources) == 3  # the progress bar's bound does not fail either
    articles, said = _read(tmp_path)
    assert [a.doc_id for a in articles] == ["d0", "d1", "d2"]
    assert any("locked.jsonl: cannot be read" in m for m in said), said


def test_a_jsonl_that_cannot_be_opened_is_skipped_with_a_warning(tmp_path, monkeypatch):
    """The same, whoever runs the tests (root reads any file): opening fails."""
    import builtins

    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(_lines(3)) + "\n", encoding="utf-8")
    bad = tmp_path / "locked.jsonl"
    bad.write_text("\n".join(_lines(2)) + "\n", encoding="utf-8")

    def refusing(file, *args, **kwargs):
        if str(file) == str(bad):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr("kg.inputs.open", refusing, raising=False)
    for given in ([tmp_path], [bad, good]):
        sources = resolve_inputs(given)
        assert count_documents(sources) == 3
        articles, said = _read(*given)
        assert sorted(a.doc_id for a in articles) == ["d0", "d1", "d2"]
        assert any("locked.jsonl: cannot be read (Permission denied); skipped" in m for m in said), said


# 1. two document ids, one IRI

TWO_IDS = ('{"id": "a_b", "text": "Angela Merkel visited Paris."}\n'
           '{"id": "a b", "text": "Keir Starmer visited Tirana."}\n')


def _store_content(path) -> set:
    from kg.rdf.namespace import PROV
    from kg.store import GraphStore

    with GraphStore(path, read_only=True) as store:
        return {q for q in store.quads() if q.predicate not in (PROV.startedAtTime, PROV.endedAtTime)}


def test_ids_a_underscore_b_and_a_space_b_are_two_documents(tmp_path, nlp, capsys):
    from kg.cli import main
    from kg.store import GraphStore

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(TWO_IDS, encoding="utf-8")
    store = tmp_path / "s"
    assert main(["build", str(corpus), "--store", str(store)]) == 0
    with GraphStore(store, read_only=True) as s:
        rows = s.query("SELECT ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } } ORDER BY ?id",
                       prefixes={"dcterms": "http://purl.org/dc/terms/"})
        assert [r["id"].value for r in rows] == ["a b", "a_b"]
    before = _store_content(store)
    capsys.readouterr()
    assert main(["build", str(corpus), "--store", str(store)]) == 0  # a re-run swaps nothing
    assert "(2 unchanged, skipped)" in capsys.readouterr().out
    assert _store_content(store) == before


def test_files_x_y_and_x_space_y_are_two_documents(tmp_path, nlp):
    from kg.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x_y.txt").write_text("Angela Merkel visited Paris.", encoding="utf-8")
    (folder / "x y.txt").write_text("Keir Starmer visited Tirana.", encoding="utf-8")
    store = tmp_path / "s"
    assert main(["build", str(folder), "--store", str(store)]) == 0
    from kg.store import GraphStore

    with GraphStore(store, read_only=True) as s:
        assert len(s.document_hashes()) == 2


def test_a_store_named_the_old_way_is_renamed_on_opening_to_what_a_build_gives(tmp_path, nlp, monkeypatch):
    """A store an earlier kg built (an ``_`` in an id read as a space) moves its
    documents to their new IRIs when opened for writing: the same quads as a
    fresh build, and a re-build finds them unchanged (no document twice)."""
    import warnings as w

    import kg.rdf.iris as iris_module
    from kg.build import build
    from kg.errors import StoreWarning
    from kg.model import Article
    from kg.store import GraphStore
    from kg.store.entities import check

    articles = [Article(doc_id="x_y", text="Angela Merkel visited Paris. She met Emmanuel Macron."),
                Article(doc_id="p q", text="Keir Starmer visited Tirana."),
                Article(doc_id="plain", text="The EU and the UK agreed to share data.")]
    old, fresh = tmp_path / "old", tmp_path / "fresh"
    with monkeypatch.context() as m:
        m.setattr(iris_module, "encode_key", lambda key: iris_module.quote(key, safe="-.~").replace("%20", "_"))
        with GraphStore(old) as store:
            build(articles, store)
            assert sorted(store.document_hashes())[0].endswith("/doc/p_q")
    with GraphStore(fresh) as store:
        build(articles, store)
    with GraphStore(old, read_only=True) as store:
        health = check(store)
        assert health.misnamed == 1 and not health.ok
        assert "kg repair" in health.advice("old")
    with w.catch_warnings(record=True) as caught:
        w.simplefilter("always")
        GraphStore(old).close()
    assert any(issubclass(c.category, StoreWarning) and "1 documents renamed" in str(c.message) for c in caught)
    assert _store_content(old) == _store_content(fresh)
    with GraphStore(old) as store:
        assert check(store).ok
        report = build(articles, store)
        assert report.unchanged == 3
    assert _store_content(old) == _store_content(fresh)
