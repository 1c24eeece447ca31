"""The whole path, with the real model, as a user meets it."""
from __future__ import annotations

import json
import warnings

import pytest

from kg.cli import main
from kg.errors import KGError
from kg.store import GraphStore

LABELS = """
SELECT ?label ?type WHERE {
  ?e rdfs:label ?label ; a ?type .
  FILTER(STRSTARTS(STR(?type), "https://schema.org/"))
}"""


def labels_and_types(graph) -> dict[str, str]:
    return {str(r["label"]): str(r["type"]) for r in graph.query(LABELS).to_dicts()}


def test_seed_entities_have_labels_and_types(seed_graph):
    found = labels_and_types(seed_graph)
    for label, schema_type in [
        ("United Kingdom", "Country"),
        ("European Union", "Organization"),
        ("European Commission", "GovernmentOrganization"),
        ("Keir Starmer", "Person"),
        ("Albania", "Country"),
    ]:
        assert label in found, f"{label} missing from {sorted(found)}"
        assert found[label] == f"https://schema.org/{schema_type}"


def test_seed_has_a_relation_between_uk_and_eu(seed_graph):
    rows = seed_graph.query("""
        SELECT ?plabel ?text WHERE {
          ?uk rdfs:label "United Kingdom"@en . ?eu rdfs:label "European Union"@en .
          { ?uk ?p ?eu } UNION { ?eu ?p ?uk }
          ?p rdfs:label ?plabel .
          ?st rdf:predicate ?p ; kg:sentence/nif:anchorOf ?text .
        }""").to_dicts()
    assert rows, "no relation between the UK and the EU"
    assert any("talks" in r["plabel"] for r in rows)
    assert all("EU" in r["text"] for r in rows)


def test_header_and_footer_are_metadata_not_entities(seed_graph):
    meta = seed_graph.query("""
        SELECT ?date ?author WHERE { ?d a kg:Document ; schema:datePublished ?date ; schema:author ?author }
    """).to_dicts()
    assert meta == [{"date": "2025-05-19T13:59:00", "author": "Anahita Hossein-Pour"}]
    labels = labels_and_types(seed_graph)
    assert not any("Alliance News" in label or "Hossein" in label for label in labels)


def test_every_statement_points_to_its_sentence(seed_graph):
    rows = seed_graph.query("""
        SELECT ?st ?b ?e ?sb ?se WHERE {
          ?st a kg:Statement ; nif:beginIndex ?b ; nif:endIndex ?e ; kg:sentence ?s .
          ?s nif:beginIndex ?sb ; nif:endIndex ?se .
        }""").to_dicts()
    assert rows
    for r in rows:
        assert r["sb"] <= r["b"] < r["e"] <= r["se"]


@pytest.fixture(scope="module")
def built_store(tmp_path_factory, seed_path):
    store = tmp_path_factory.mktemp("cli") / "store"
    assert main(["build", str(seed_path), "--store", str(store)]) == 0
    return store


QUERY = 'SELECT ?label WHERE { ?e a schema:Country ; rdfs:label ?label } ORDER BY ?label'


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats(built_store, capsys, fmt):
    capsys.readouterr()
    assert main(["query", "--store", str(built_store), "-e", QUERY, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "United Kingdom" in out and "Albania" in out
    if fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == ["label"]
        values = [b["label"]["value"] for b in data["results"]["bindings"]]
        assert values == sorted(values) and "Albania" in values
    elif fmt == "csv":
        assert out.splitlines()[0] == "label"
    elif fmt == "tsv":
        assert out.splitlines()[0] == "?label"
    else:
        assert out.splitlines()[0].strip() == "label"
        assert "rows)" in out


def test_build_twice_same_triples(built_store, seed_path, capsys):
    before = len(GraphStore(built_store, read_only=True))
    assert main(["build", str(seed_path), "--store", str(built_store)]) == 0
    assert "1 unchanged" in capsys.readouterr().out
    assert main(["build", str(seed_path), "--store", str(built_store), "--force"]) == 0
    assert len(GraphStore(built_store, read_only=True)) == before


def test_missing_path_is_one_line_error(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    assert main(["build", str(missing), "--store", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(missing) in err and "not found" in err


def test_bad_files_are_skipped_and_build_goes_on(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_text("   \n")
    (docs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (docs / "latin1.txt").write_bytes("Caf\xe9 owners in France met Emmanuel Macron in Paris.".encode("latin-1"))
    (docs / "good.md").write_text("The UK will enter talks with the EU, the government said.\n")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["build", str(docs), "--store", str(tmp_path / "s")]) == 0
    captured = capsys.readouterr()
    assert "empty.txt: empty document; skipped" in captured.err
    assert "binary.txt: looks like a binary file" in captured.err
    assert "latin1.txt: not valid UTF-8" in captured.err
    assert "2 documents" in captured.out
    assert main(["query", "--store", str(tmp_path / "s"), "-e",
                 "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l", "--format", "csv"]) == 0
    labels = capsys.readouterr().out.splitlines()[1:]
    assert "Emmanuel Macron" in labels and "United Kingdom" in labels


def test_jsonl_stdin_and_metadata(tmp_path, capsys, monkeypatch):
    import io
    import sys

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "a/1", "title": "Talks", "date": "2025-01-02", "author": "A. Writer",
                    "text": "France signed a treaty with Germany in Berlin."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "a/2"}) + "\n",
        encoding="utf-8")
    store = str(tmp_path / "s")
    assert main(["build", str(corpus), "--store", store]) == 0
    err = capsys.readouterr().err
    assert f"{corpus}:2: not valid JSON" in err and f"{corpus}:3: no 'text'" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Angela Merkel visited Poland.")))
    assert main(["build", "-", "--store", store]) == 0
    capsys.readouterr()
    assert main(["query", "--store", store, "--format", "json", "-e",
                 "SELECT ?id ?title ?date WHERE { ?d a kg:Document ; dcterms:identifier ?id "
                 "OPTIONAL { ?d schema:headline ?title ; schema:datePublished ?date } } ORDER BY ?id"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [r["id"]["value"] for r in rows] == ["a/1", "stdin"]
    assert rows[0]["title"]["value"] == "Talks" and rows[0]["date"]["value"] == "2025-01-02"


def test_python_api(tmp_path):
    from kg import KnowledgeGraph

    with KnowledgeGraph(tmp_path / "store") as graph:
        report = graph.add_text("Keir Starmer visited Albania on Friday.", doc_id="visit", title="Visit")
        assert report.documents == 1 and report.entities >= 2
        rows = graph.query("SELECT ?label ?type WHERE { ?e rdfs:label ?label ; a ?type }",
                           type="<https://schema.org/Person>").rows
        assert [str(r[0].value) for r in rows] == ["Keir Starmer"]
        with pytest.raises(KGError, match="SELECT"):
            graph.query("SELECT ?label WHERE { ?e rdfs:label ?label ; a ?type }", type="x")
    with KnowledgeGraph(tmp_path / "store", read_only=True) as graph:
        assert len(graph) > 0


def test_query_errors_are_one_line(built_store, capsys):
    assert main(["query", "--store", str(built_store), "-e", "SELECT WHERE {"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kg query: error:") and len(err.strip().splitlines()) == 1
    assert main(["stats", "--store", str(built_store) + "-missing"]) == 1
    assert "no store at" in capsys.readouterr().err


def test_extract_prints_records_without_a_store(seed_path, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["extract", str(seed_path)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = {r["kind"] for r in records}
    assert kinds == {"entity", "relation", "event", "time", "quantity"}
    assert {"key": "united kingdom", "type": "Country"}.items() <= next(
        r for r in records if r["kind"] == "entity" and r["label"] == "United Kingdom").items()
    assert any(r["kind"] == "relation" and r["label"] == "entered talks with" for r in records)
    assert any(r["kind"] == "quantity" and r["value"] == 12500 for r in records)
    assert not (tmp_path / "kg-store").exists()
