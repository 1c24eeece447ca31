"""The offline knowledge base (kg/data/kb/*.tsv) merged into the gazetteer, and what it links."""
from __future__ import annotations

import csv
import importlib.resources as resources
import re

import pytest

from kg.extract import extract
from kg.extract.article import read_anatomy
from kg.extract.gazetteer import (
    KB_FILES,
    WIKIDATA,
    Gazetteer,
    GazetteerEntry,
    _check,
    default_gazetteer,
    read_knowledge_base,
    with_knowledge_base,
)
from kg.extract.normalise import normalise_name
from kg.extract.resolution import role_agrees
from kg.model import Article


def key_for(label, *idents):
    return normalise_name(label)


def merged(rows, records=()):
    records = [dict(r) for r in records]
    out = with_knowledge_base(records, (rows, {}), key_for)
    _check(out)
    return {r["key"]: r for r in out}


def row(**fields):
    return {"kb": "companies", "aliases": "", "country": "", "role": "", "sources": "a b", **fields}


def test_a_new_row_becomes_an_entry_with_its_sources():
    out = merged([row(label="Royal Dutch Shell", type="Corporation", wikidata="Q154950", aliases="Shell|RDS",
                      sources="osm wikirate")])
    shell = out["royal dutch shell"]
    assert shell["wikidata"] == "Q154950" and shell["aliases"] == ["Shell", "RDS"]
    assert shell["verified"] == "Wikidata id agreed by: osm, wikirate"


def test_an_item_with_one_source_is_dropped_when_the_files_are_read(tmp_path, monkeypatch):
    rows, _ = read_knowledge_base()
    assert all(len(r["sources"].split()) >= 2 for r in rows if r.get("wikidata"))


def test_a_known_entity_gains_aliases_roles_and_a_finer_type():
    known = [{"key": "labour party", "label": "Labour Party", "type": "Organization", "aliases": ["Labour"]}]
    out = merged([row(kb="parties", label="Labour Party", type="PoliticalParty", wikidata="Q9630",
                      aliases="the Labour Party|Labour")], known)
    assert out["labour party"]["type"] == "PoliticalParty" and out["labour party"]["wikidata"] == "Q9630"
    assert len(out) == 1


def test_a_label_two_rows_share_names_neither():
    out = merged([row(kb="places", label="Hyderabad", type="City", country="IND", wikidata="Q1361"),
                  row(kb="places", label="Hyderabad", type="City", country="PAK", wikidata="Q185582")])
    assert set(out) == {"hyderabad (ind)", "hyderabad (pak)"}
    g = Gazetteer(GazetteerEntry.from_record(r) for r in out.values())
    assert g.lookup("Hyderabad") is None


def test_an_alias_of_parties_of_two_countries_needs_its_country():
    countries = [{"key": "united kingdom", "label": "United Kingdom", "type": "Country", "iso3": "GBR"},
                 {"key": "australia", "label": "Australia", "type": "Country", "iso3": "AUS"}]
    out = merged([row(kb="parties", label="Labour Party", type="PoliticalParty", country="GBR", aliases="Labor|Labour"),
                  row(kb="parties", label="Australian Labor Party", type="PoliticalParty", country="AUS",
                      aliases="Labor")], countries)
    uk, au = out["labour party"], out["australian labor party"]
    assert "Labor" not in uk["aliases"] and uk["contextual"] == ["Labor"] and uk["context"] == ["united kingdom"]
    assert au["contextual"] == ["Labor"] and au["context"] == ["australia"]


def test_a_surname_two_known_people_share_names_neither():
    out = merged([row(kb="heads", label="George W. Bush", type="Person"),
                  row(kb="heads", label="George H. W. Bush", type="Person"),
                  row(kb="heads", label="Tony Blair", type="Person")])
    assert "surnames" not in out["george w. bush"] and out["tony blair"]["surnames"] == ["Blair"]


def test_a_story_title_that_conflicts_with_a_known_persons_offices():
    blair = GazetteerEntry("tony blair", "Tony Blair", "Person", roles=("Prime Minister of the United Kingdom",))
    assert role_agrees("Prime Minister", blair) and role_agrees("Labour leader", blair)
    assert not role_agrees("coach", blair) and not role_agrees("Chief Executive", blair)
    unknown = GazetteerEntry("keir starmer", "Keir Starmer", "Person")
    assert role_agrees("coach", unknown)  # no offices known: nothing to conflict with


def test_two_people_who_share_a_name_get_two_iris_when_their_evidence_conflicts(nlp):
    g = default_gazetteer()
    heads = [e for e in g.entries if e.type == "Person" and e.roles and len(e.label.split()) == 2]
    if not heads:
        pytest.skip("the knowledge base lists no head of government yet")
    known = heads[0]

    def keys(text):
        article = read_anatomy(Article(doc_id="d", text=text))
        x = extract(nlp(text), article)
        return {e.key: e for e in x.entities if e.type == "Person"}

    politician = keys(f"Prime Minister {known.label} spoke in Leeds on Monday.")
    coach = keys(f"The new coach, {known.label}, said the team was ready.")
    plain = keys(f"{known.label} spoke in Leeds on Monday.")
    assert known.key in politician and known.key in plain
    assert known.key not in coach and any(k.startswith(normalise_name(known.label) + " (") for k in coach)
    assert WIKIDATA + known.wikidata in politician[known.key].same_as if known.wikidata else True
    assert not coach[next(iter(coach))].same_as


@pytest.mark.parametrize("name", KB_FILES)
def test_every_kb_file_names_its_sources_and_has_sound_rows(name):
    path = resources.files("kg.data").joinpath("kb", f"{name}.tsv")
    if not path.is_file():
        pytest.skip(f"kg/data/kb/{name}.tsv not written yet")
    text = path.read_text("utf-8")
    codes = {line[len("# source "):].split(":", 1)[0].strip() for line in text.splitlines()
             if line.startswith("# source ")}
    rows = list(csv.DictReader((line for line in text.splitlines() if line.strip() and not line.startswith("#")),
                               delimiter="\t"))
    assert rows and codes
    for r in rows:
        assert r["label"].strip(), r
        if r.get("wikidata"):
            assert re.fullmatch(r"Q[1-9]\d*", r["wikidata"]), r
            used = r["sources"].split()
            assert len(set(used)) >= 2 and set(used) <= codes, (r["label"], used)
        if r.get("geonames"):
            assert r["geonames"].isdigit(), r


def test_metonymy_targets_exist():
    g = default_gazetteer()
    for entry in g.entries:
        if entry.stands_for:
            target = entry.stands_for
            assert target in g or target.removeprefix("government of ") in g, (entry.label, target)
