"""Hostile input a user found (issue "Hardening"): each case, fixed where it belongs."""
from __future__ import annotations

import json
import os
import warnings

import pytest

from kg.inputs import InputWarning, count_documents, read_articles, resolve_inputs

from .conftest import content

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
    before = content(store)
    capsys.readouterr()
    assert main(["build", str(corpus), "--store", str(store)]) == 0  # a re-run swaps nothing
    assert "(2 unchanged, skipped)" in capsys.readouterr().out
    assert content(store) == before


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
    assert content(old) == content(fresh)
    with GraphStore(old) as store:
        assert check(store).ok
        report = build(articles, store)
        assert report.unchanged == 3
    assert content(old) == content(fresh)


# 4. a text over spaCy's own limit, under the user's --max-chars

def test_max_chars_above_spacys_limit_builds_the_long_text(tmp_path, nlp, capsys):
    from kg.cli import main
    from kg.rdf.prefixes import VOCABULARY_PREFIXES
    from kg.store import GraphStore

    long = tmp_path / "long.txt"
    long.write_text("Angela Merkel visited Paris. " + "x" * 1_050_000 + "\n", encoding="utf-8")
    store = tmp_path / "s"
    assert main(["build", str(long), "--store", str(store)]) == 0  # the default limit skips it, saying how
    assert "over the limit of 1,000,000; skipped" in capsys.readouterr().err
    assert main(["build", str(long), "--store", str(store), "--max-chars", "2000000"]) == 0
    with GraphStore(store, read_only=True) as s:
        assert len(s.document_hashes()) == 1
        labels = {r["l"].value for r in s.query("SELECT ?l WHERE { ?e a kg:Entity ; rdfs:label ?l }",
                                                 prefixes=VOCABULARY_PREFIXES)}
    assert {"Angela Merkel", "Paris"} <= labels


# 6. dates

@pytest.mark.parametrize("raw, expected", [
    ("2005-03-01", "2005-03-01"), ("2005-03", "2005-03"), ("2005", "2005"),
    ("2005-03-01T10:30:00Z", "2005-03-01T10:30:00Z"), ("2005-03-01 10:30", "2005-03-01T10:30:00"),
    ("2005-03-01T10:30:00+01:00", "2005-03-01T10:30:00+01:00"),
    ("not a date", None), ("Tuesday", None), ("2005-02-30", None), ("2005-13", None), ("", None),
    ("T" * 11, None), ("1 March 2005", None),
])
def test_iso_dates_are_read_and_others_are_not(raw, expected):
    from kg.model import iso_date

    assert iso_date(raw) == expected


def test_a_date_that_is_not_a_date_is_kept_as_text_with_a_warning(tmp_path, nlp):
    from kg.build import build
    from kg.rdf.namespace import DCTERMS, SCHEMA
    from kg.store import GraphStore
    from kg.validate import validate_store

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "d", "text": "Angela Merkel visited Paris.", "date": "not a date"}) + "\n"
                    + json.dumps({"id": "e", "text": "Keir Starmer visited Tirana.", "date": "2005-03-01"}) + "\n",
                    encoding="utf-8")
    articles, said = _read(path)
    assert any(f"{path}:1: date 'not a date' is not an ISO 8601 date" in m for m in said), said
    with GraphStore(tmp_path / "s") as store:
        build(articles, store)
        by_doc = {q.graph_name.value.rsplit("/", 1)[1]: (q.predicate, q.object) for q in store.quads()
                  if q.predicate in (SCHEMA.datePublished, DCTERMS.date)}
        assert by_doc["d"][0] == DCTERMS.date and by_doc["d"][1].value == "not a date"
        assert by_doc["d"][1].datatype.value.endswith("#string")
        assert by_doc["e"][0] == SCHEMA.datePublished and by_doc["e"][1].datatype.value.endswith("#date")
        assert validate_store(store).conforms


def test_the_api_refuses_a_date_that_is_not_a_date(nlp):
    from kg import KnowledgeGraph
    from kg.errors import InputError

    with KnowledgeGraph() as graph:
        with pytest.raises(InputError, match="'Tuesday' is not an ISO 8601 date"):
            graph.add_text("Angela Merkel visited Paris.", doc_id="d", date="Tuesday")
        assert len(graph) == 0


# 9. inputs that were silently ignored or mangled

def test_an_empty_folder_says_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    with pytest.warns(InputWarning, match="no .* files in this folder"):
        assert resolve_inputs([empty]) == []


def test_a_symlink_loop_and_a_dangling_link_are_warned_about_and_the_rest_read(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("Angela Merkel visited Paris.", encoding="utf-8")
    (root / "sub" / "up").symlink_to(root)  # a loop
    (root / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, said = _read(root)
    assert [a.doc_id for a in articles] == ["sub/a"]
    assert any("already read" in m for m in said) and any("gone.txt: a symbolic link to nothing" in m for m in said)


def test_an_unlistable_subfolder_is_warned_about(tmp_path, monkeypatch):
    from pathlib import Path

    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "ok.txt").write_text("Angela Merkel visited Paris.", encoding="utf-8")
    real = Path.iterdir

    def iterdir(self):
        if self.name == "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    articles, said = _read(root)
    assert [a.doc_id for a in articles] == ["ok"]
    assert any("locked: folder cannot be read (Permission denied)" in m for m in said), said


def test_json_lines_on_stdin_are_read_as_json_lines(monkeypatch):
    import io
    import sys

    data = ('{"id": "a", "text": "Angela Merkel visited Paris."}\n'
            '{"id": "b", "text": "Keir Starmer visited Tirana.", "title": "T"}\n').encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    articles, _ = _read("-")
    assert [(a.doc_id, a.title) for a in articles] == [("a", None), ("b", "T")]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"not": "a record"} is my text')))
    articles, _ = _read("-")
    assert [a.doc_id for a in articles] == ["stdin"]  # plain text that starts with a brace stays text


def test_ids_must_be_strings_or_integers(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [{"id": True, "text": "A."}, {"id": ["x"], "text": "B."}, {"id": 7, "text": "C."},
             {"id": "", "text": "D."}, {"id": "s", "text": "E.", "title": ["a", 1]}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    articles, said = _read(path)
    assert [(a.doc_id, a.title) for a in articles] == [("7", None), ("c/4", None), ("s", '["a", 1]')]
    assert any(f"{path}:1: 'id' must be a string or an integer, not true" in m for m in said)
    assert any(f"{path}:2: 'id' must be a string or an integer, not [\"x\"]" in m for m in said)
    assert any("'title' must be a string" in m and "kept as its JSON text" in m for m in said)


def test_nul_and_control_characters_are_replaced_offsets_kept(tmp_path):
    path = tmp_path / "c.jsonl"
    text = "Angela Merkel visited Paris." + " filler" * 2000 + "\u0000 and \u000b end."
    path.write_text(json.dumps({"id": "x\u0001y", "text": text}) + "\n", encoding="utf-8")
    txt = tmp_path / "t.txt"
    txt.write_bytes(("A" * 9000 + "\x00B").encode("utf-8"))
    articles, said = _read(path)
    (article,) = articles
    assert len(article.text) == len(text) and "\x00" not in article.text and "\x0b" not in article.text
    assert article.doc_id == "x\ufffdy"
    assert any("U+0000, U+000B" in m for m in said), said


# 10. the Python API checks its arguments

@pytest.mark.parametrize("text, message", [
    (None, "text must be a string, not NoneType"), (b"abc", "text is bytes; decode it first"),
    (5, "text must be a string, not int"), ("", "text is empty"), ("  \n\t", "text is empty"),
])
def test_add_text_refuses_what_is_not_text(text, message):
    from kg import KnowledgeGraph
    from kg.errors import InputError

    with KnowledgeGraph() as graph:
        with pytest.raises(InputError, match=message):
            graph.add_text(text)
        with pytest.raises(InputError, match="doc_id must be a string"):
            graph.add_text("Angela Merkel visited Paris.", doc_id=["x"])
        with pytest.raises(InputError, match="title must be a string"):
            graph.add_text("Angela Merkel visited Paris.", title=5)
        with pytest.raises(InputError, match="a mapping with 'id' and 'text'"):
            graph.add_documents(["just a string"])
        assert len(graph) == 0


def test_a_closed_graph_says_it_is_closed(tmp_path):
    from kg import KnowledgeGraph
    from kg.errors import StoreError

    graph = KnowledgeGraph(tmp_path / "s")
    graph.close()
    graph.close()  # closing twice is fine
    for use in (lambda: len(graph), lambda: graph.query("SELECT * { ?s ?p ?o }"),
                lambda: graph.add_text("Angela Merkel visited Paris.")):
        with pytest.raises(StoreError, match="is closed; open it again"):
            use()


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "--jobs: 0 is too small"), (["--batch-docs", "-5"], "--batch-docs: -5 is too small"),
    (["--max-chars", "0"], "--max-chars: 0 is too small"), (["--jobs", "two"], "'two' is not a whole number"),
])
def test_build_options_out_of_range_are_refused(tmp_path, capsys, args, message):
    from kg.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["build", "examples", "--store", str(tmp_path / "s"), *args])
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_query_timeout_must_be_a_finite_positive_number(tmp_path, capsys, value):
    from kg.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["query", "-e", "SELECT * { ?s ?p ?o }", "--store", str(tmp_path / "s"), "--timeout", value])
    assert exit_.value.code == 2 and "--timeout" in capsys.readouterr().err


# 8. exports and dumps that cannot be written

@pytest.fixture(scope="module")
def small_store(tmp_path_factory, nlp):
    from kg.cli import main

    store = tmp_path_factory.mktemp("small") / "s"
    assert main(["build", "examples/uk-albania-returns.txt", "--store", str(store)]) == 0
    return store


@pytest.mark.parametrize("command", [["export", "--format", "turtle"], ["export", "--format", "graphml"], ["dump"]])
def test_an_export_to_a_folder_or_a_missing_folder_says_so(small_store, tmp_path, capsys, command):
    from kg.cli import main

    for out, message in ((tmp_path, "it is a folder"), (tmp_path / "no" / "x.out", "does not exist")):
        assert main([*command, "--store", str(small_store), "--out", str(out)]) == 1
        assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, name", [(["export", "--format", "nquads"], "x.nq"), (["dump"], "x.nq.gz")])
def test_a_full_disk_leaves_no_truncated_file(small_store, tmp_path, capsys, monkeypatch, command, name):
    import errno

    from kg.cli import main
    from kg.store import GraphStore

    real = GraphStore.dump

    def dump_then_fill(self, output, *args, **kwargs):
        output.write(b"<http://a> <http://b> <http://c> .\n" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(GraphStore, "dump", dump_then_fill)
    out = tmp_path / name
    assert main([*command, "--store", str(small_store), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "nothing was written" in err and "free some space" in err
    assert list(tmp_path.iterdir()) == []  # no truncated file, no temporary left
    monkeypatch.setattr(GraphStore, "dump", real)
    assert main([*command, "--store", str(small_store), "--out", str(out)]) == 0
    assert out.stat().st_size > 1000


# 11. a store folder, updates, long values

def test_a_store_in_a_folder_of_the_users_files_is_refused(tmp_path, capsys):
    from kg.cli import main

    mine = tmp_path / "my-papers"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["build", "examples/uk-albania-returns.txt", "--store", str(mine)]) == 1
    assert "is not a kg store: it holds other files (notes.txt)" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]  # nothing written beside it
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    assert main(["query", "-e", "SELECT * {}", "--store", str(afile)]) == 1
    assert "is a file" in capsys.readouterr().err


def test_an_update_given_to_query_is_refused_as_read_only(small_store, capsys):
    from kg.cli import main

    for update in ("INSERT DATA { <http://a> <http://b> <http://c> }", "CLEAR ALL",
                   "DELETE WHERE { ?s ?p ?o }", "LOAD <http://example.com/x.ttl>"):
        assert main(["query", "-e", update, "--store", str(small_store)]) == 1
        assert "kg query is read-only" in capsys.readouterr().err
    assert main(["query", "-e", "SELEC * { ?s ?p ?o }", "--store", str(small_store)]) == 1
    assert "read-only" not in capsys.readouterr().err  # a broken query keeps its own message


def test_a_huge_parameter_value_is_not_echoed_whole(small_store, capsys):
    from kg.cli import main

    big = "x" * 100_000
    assert main(["query", "entity", "--param", f"entity={big}", "--store", str(small_store)]) == 1
    err = capsys.readouterr().err
    assert len(err) < 1_000 and "100,00" in err


@pytest.mark.parametrize("value", [None, [1, 2], b"abc", {"a": 1}, object()])
def test_api_query_parameters_of_other_types_are_refused(value):
    from kg import KnowledgeGraph
    from kg.errors import QueryError

    with KnowledgeGraph() as graph:
        with pytest.raises(QueryError, match="give a string, a number"):
            graph.query("SELECT * WHERE { ?s ?p ?x }", x=value)
        with pytest.raises(QueryError, match="missing parameter" if value is None else "give a string, a number"):
            graph.query("entity", entity=value)  # None: not given


# 7. query results stream

@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl"])
def test_streamed_rows_equal_the_buffered_answer(small_store, capsys, fmt):
    from kg.cli import main

    query = ["query", "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "--store", str(small_store),
             "--format", fmt]
    assert main(query) == 0
    streamed = capsys.readouterr().out
    assert main([*query, "--timeout", "120"]) == 0  # --timeout reads the whole answer first
    buffered = capsys.readouterr().out
    if fmt == "table":  # the streamed table fixes its widths on its first 500 rows: cells may be cut sooner
        a, b = streamed.splitlines(), buffered.splitlines()
        assert len(a) == len(b) and a[-1] == b[-1] and a[2].split()[0] == b[2].split()[0]
    else:
        assert streamed == buffered
    if fmt == "json":
        assert len(json.loads(streamed)["results"]["bindings"]) > 500
    else:
        assert len(streamed) > 500
    assert main([*query, "--limit", "3"]) == 0
    limited = capsys.readouterr().out
    assert main([*query, "--limit", "3", "--timeout", "120"]) == 0
    assert capsys.readouterr().out == limited or fmt == "table"


def test_an_endless_query_writes_rows_at_once_in_flat_memory(small_store):
    """A cross join of the store with itself (millions of rows): rows come out
    while it runs, and the process stays small. Before, nothing was written and
    memory grew by gigabytes."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "kg", "query", "-e", "SELECT * { ?a ?b ?c . ?d ?e ?f }",
                             "--store", str(small_store), "--format", "jsonl"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        lines = [proc.stdout.readline() for _ in range(20_000)]
        assert all(line.startswith(b"{") for line in lines)
        assert proc.poll() is None  # still going: the rows were not all computed first
        with open(f"/proc/{proc.pid}/status") as fh:
            rss_kib = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))
        assert rss_kib < 600 * 1024, rss_kib
    finally:
        proc.kill()
        proc.wait()
