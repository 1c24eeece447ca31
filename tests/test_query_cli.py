"""Through the command line: `kg query NAME --param ...`, the output formats,
--limit, --timeout, `kg queries`, and the error messages a user sees."""
from __future__ import annotations

import csv
import io
import json
import shlex

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.query import list_queries, load_query

STORIES = [
    {"id": "talks/2025-03-04", "title": "UK and EU agree to deepen security cooperation", "date": "2025-03-04",
     "text": "The United Kingdom agreed a deal with the European Union on Tuesday.\n\n"
             "Keir Starmer said the UK would cooperate with the European Commission on migration.\n\n"
             "France did not sign a deal with Albania.\n\n"
             "Officials in the EU welcomed the deal."},
    {"id": "visits/2025-04-10", "title": "Minister visits Tirana", "date": "2025-04-10",
     "text": "Home Secretary Yvette Cooper visited Albania on Thursday.\n\n"
             "Yvette Cooper met Edi Rama in Tirana to discuss returns.\n\n"
             "Cooper praised Albania for its cooperation with the UK."},
]
UK = "https://example.org/kg/entity/place/united_kingdom"
EU = "https://example.org/kg/entity/organization/european_union"
BETWEEN = ["relations-between", "--param", "entity=UK", "--param", "other=European Union"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("query-cli")
    corpus = folder / "stories.jsonl"
    corpus.write_text("".join(json.dumps(s) + "\n" for s in STORIES), encoding="utf-8")
    path = str(folder / "store")
    assert main(["build", str(corpus), "--store", path]) == 0
    return path


def query(capsys, store, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["query", "--store", store, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_shows_compact_iris(capsys, store):
    code, out, _ = query(capsys, store, *BETWEEN)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["subjectLabel", "relationLabel", "objectLabel"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    agreed = next(line for line in lines if "agreed a deal with" in line)
    assert "United Kingdom" in agreed and "European Union" in agreed
    assert "entity:place/united_kingdom" in agreed and UK not in out  # prefixed in tables
    assert lines[-1] == f"({len(lines) - 3} row{'s' if len(lines) > 4 else ''})"


def test_csv(capsys, store):
    code, out, _ = query(capsys, store, *BETWEEN, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {(r["entity"], r["other"]) for r in rows} == {(UK, EU)}  # full IRIs
    agreed = next(r for r in rows if r["relationLabel"] == "agreed a deal with")
    assert agreed["subjectLabel"] == "United Kingdom" and agreed["asserted"] == "true"
    assert "agreed a deal with the European Union" in agreed["sentence"]


def test_tsv_is_sparql_tsv(capsys, store):
    code, out, _ = query(capsys, store, *BETWEEN, "--format", "tsv")
    assert code == 0 and out.startswith("?subjectLabel\t?relationLabel\t?objectLabel")
    assert f"<{UK}>" in out and '"United Kingdom"@en' in out
    solutions = list(ox.parse_query_results(out, ox.QueryResultsFormat.TSV))
    assert len(out.splitlines()) == 1 + len(solutions)  # the sentences' newlines are escaped
    assert {s["entity"] for s in solutions} == {ox.NamedNode(UK)}
    agreed = next(s for s in solutions if s["relationLabel"].value == "agreed a deal with")
    assert agreed["sentence"].value.startswith("The United Kingdom agreed a deal with")


def test_json_is_sparql_json(capsys, store):
    code, out, _ = query(capsys, store, *BETWEEN, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["head"]["vars"][:3] == ["subjectLabel", "relationLabel", "objectLabel"]
    binding = next(b for b in data["results"]["bindings"] if b["relationLabel"]["value"] == "agreed a deal with")
    assert binding["entity"] == {"type": "uri", "value": UK}
    assert binding["subjectLabel"] == {"type": "literal", "value": "United Kingdom", "xml:lang": "en"}
    assert binding["asserted"]["datatype"] == "http://www.w3.org/2001/XMLSchema#boolean"
    assert "modality" not in binding  # unbound: left out, as the format says
    solutions = list(ox.parse_query_results(out, ox.QueryResultsFormat.JSON))
    assert {s["other"] for s in solutions} == {ox.NamedNode(EU)}


def test_jsonl_one_object_per_row(capsys, store):
    code, out, _ = query(capsys, store, "entities-by-type", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 8
    uk = next(r for r in rows if r["label"] == "United Kingdom")
    assert uk["entity"] == UK and uk["type"] == "https://schema.org/Country" and uk["documents"] == 2
    assert isinstance(uk["mentions"], int)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl"])
def test_limit_in_every_format(capsys, store, fmt):
    code, out, _ = query(capsys, store, "entities-by-type", "--limit", "3", "--format", fmt)
    assert code == 0
    if fmt == "table":
        assert out.splitlines()[-1] == "(3 rows, more not shown (--limit 3))"
        assert len(out.splitlines()) == 2 + 3 + 1
    elif fmt == "json":
        assert len(json.loads(out)["results"]["bindings"]) == 3
    elif fmt == "jsonl":
        assert len(out.splitlines()) == 3
    else:
        assert len(out.splitlines()) == 1 + 3


def test_label_parameter_resolves(capsys, store):
    code, out, _ = query(capsys, store, "timeline", "--param", "entity=yvette cooper", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {r["relationLabel"] for r in rows} >= {"visited", "met"}
    assert {r["entity"] for r in rows} == {"https://example.org/kg/entity/person/yvette_cooper"}


def test_every_example_in_the_query_headers_runs(capsys, store):
    for name in list_queries():
        for line in load_query(name).example.splitlines():
            argv = shlex.split(line.split(">")[0])
            assert argv[:3] == ["kg", "query", name], line
            capsys.readouterr()
            assert main([*argv[1:], "--store", store]) == 0, f"{line}: {capsys.readouterr().err}"


def test_unknown_query_name(capsys, store):
    code, out, err = query(capsys, store, "relatoins")
    assert code == 1 and out == ""
    assert "no query named 'relatoins'" in err and "relations" in err and "kg queries" in err


def test_syntax_error_names_file_line_and_column(capsys, store, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# A broken query\nSELECT ?x WHERE {\n  ?x a ?type .\n  FILTR(?x)\n}\n", encoding="utf-8")
    code, _, err = query(capsys, store, str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"{bad}:4:" in err and "SPARQL syntax error" in err and "FILTR(?x)" in err
    code, _, err = query(capsys, store, "-e", "SELECT ?x WHERE { ?x nope:thing ?y }")
    assert code == 1 and "-e:1:" in err and "unknown prefix 'nope:'" in err


def test_missing_store(capsys, tmp_path):
    code, out, err = query(capsys, str(tmp_path / "nowhere"), "entities-by-type")
    assert code == 1 and out == ""
    assert "no store at" in err and "kg build" in err


def test_missing_and_ambiguous_parameters(capsys, store):
    code, _, err = query(capsys, store, "entity")
    assert code == 1 and "missing parameter 'entity'" in err and "--param entity=" in err
    code, _, err = query(capsys, store, "entity", "--param", "entity=Starmer")
    assert code == 1 and "no entity is labelled 'Starmer'; did you mean 'Keir Starmer'?" in err
    code, _, err = query(capsys, store, "entity", "--param", "entity=} ; DROP ALL ; {")
    assert code == 1 and "no entity is labelled" in err
    code, _, err = query(capsys, store, "entity", "--param", "who=UK")
    assert code == 1 and "no parameter who; this query takes: entity" in err
    code, _, err = query(capsys, store, "entity", "--param", "oops")
    assert code == 1 and "name=value" in err


def test_hostile_search_changes_nothing(capsys, store):
    code, out, _ = query(capsys, store, "search-sentences", "--param", 'word=" } ; DROP ALL ; { "',
                         "--format", "jsonl")
    assert code == 0 and out == ""
    code, out, _ = query(capsys, store, "entities-by-type", "--format", "jsonl")
    assert any(json.loads(line)["label"] == "United Kingdom" for line in out.splitlines())


def test_timeout(capsys, store):
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    code, out, err = query(capsys, store, "-e", endless, "--timeout", "0.05")
    assert code == 124 and out == ""
    assert err.startswith("kg query: error: -e: no answer after 0.05 s") and "--timeout" in err


def test_queries_lists_names_and_titles(capsys):
    capsys.readouterr()
    assert main(["queries"]) == 0
    out = capsys.readouterr().out
    for name in list_queries():
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert load_query(name).title in line
    between = next(line for line in out.splitlines() if line.startswith("relations-between "))
    assert between.split()[1:3] == ["entity", "other"]
    assert next(line for line in out.splitlines() if line.startswith("new-entities ")).split()[1:3] == [
        "[from]", "[to]"]


def test_queries_shows_one(capsys):
    capsys.readouterr()
    assert main(["queries", "timeline"]) == 0
    out = capsys.readouterr().out
    assert "timeline.rq" in out and "@param entity: entity" in out and "SELECT" in out
    assert main(["queries", "nope"]) == 1


def test_from_names_the_dataset_and_the_union_is_the_default_otherwise(capsys, store):
    """pyoxigraph's union default graph would silently override FROM: kg leaves it
    off when the query names its own dataset (and a FROM inside a string is no FROM)."""
    from kg.store import open_store

    with open_store(store, read_only=True) as s:
        graphs = s.named_graphs()
        one = graphs[0]
        in_one = sum(1 for _ in s.quads(one))
        everything = len(s)
    with_from = f"SELECT (COUNT(*) AS ?n) FROM <{one.value}> WHERE {{ ?s ?p ?o }}"
    code, out, _ = query(capsys, store, "-e", with_from, "--format", "csv")
    assert code == 0 and out.splitlines()[1] == str(in_one)
    from_in_a_string = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "FROM") }'
    code, out, _ = query(capsys, store, "-e", from_in_a_string, "--format", "csv")
    assert code == 0 and len(graphs) > 1 and in_one < int(out.splitlines()[1]) <= everything
