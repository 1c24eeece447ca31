"""The four views of the store (kg.export.views) and their filters, on the examples build."""
from __future__ import annotations

import pytest

from kg.cli import main
from kg.errors import InputError
from kg.export.views import VIEWS, build_view, filter_view
from kg.store import open_store

E = "https://example.org/kg/entity/"
STARMER, RAMA, ALBANIA, UK = E + "person/keir_starmer", E + "person/edi_rama", E + "place/albania", E + "place/united_kingdom"


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    path = tmp_path_factory.mktemp("views") / "s"
    assert main(["build", "examples", "--store", str(path)]) == 0
    with open_store(path, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def entities(store):
    return build_view(store, "entities")


def test_entities_carry_their_description_dates_and_link(entities):
    starmer = entities.nodes[STARMER]
    assert starmer["label"] == "Keir Starmer" and starmer["type"] == "Person"
    assert starmer["documents"] == 2 and starmer["mentions"] >= 3
    # seen in the Albania wire (10 June) and the returns story (23 June)
    assert (starmer["first"], starmer["last"]) == ("2025-06-10", "2025-06-23")
    assert entities.nodes[E + "place/france"]["wikidata"] == "http://www.wikidata.org/entity/Q142"
    assert "wikidata" not in entities.nodes[E + "place/western_balkans"]  # absent, never "None"
    assert entities.graph["view"] == "entities" and entities.graph["documents"] == 4


def test_relation_edges_cite_their_sentence_document_and_dates(entities):
    meet = entities.get_edge_data(STARMER, RAMA)
    assert meet is not None
    (predicate, data), = meet.items()
    assert predicate.endswith("/relation/meet")
    assert data["label"] == "met" and data["weight"] == data["statements"] == 1
    assert data["sentence"].startswith("Keir Starmer met Edi Rama in Tirana")
    assert data["document"] == "wire/2025-06-10-albania"
    assert data["first"] == data["last"] == "2025-06-10"
    # every value is typed data a format can declare: no None, no NaN
    for _, _, d in entities.edges(data=True):
        assert all(v is not None and v == v for v in d.values())


def test_comentions_weigh_shared_sentences(store):
    G = build_view(store, "comentions")
    assert not G.is_directed()
    pair = G.get_edge_data(RAMA, STARMER)["comention"]
    assert pair["weight"] >= 1 and "Starmer" in pair["sentence"] and "Rama" in pair["sentence"]
    assert all(d["weight"] >= 1 and d["label"] == "mentioned with" for _, _, d in G.edges(data=True))
    assert not any(d["type"] == "Phrase" for _, d in G.nodes(data=True))


def test_events_link_entities_to_cameo_coded_events(store):
    G = build_view(store, "events")
    events = {n: d for n, d in G.nodes(data=True) if d["type"] == "Event"}
    coded = [d for d in events.values() if "cameo" in d]
    assert len(coded) >= len(events) / 2 and all(len(d["cameo"]) >= 2 and d["cameo"].isdigit() for d in coded)
    talks = [d for d in events.values() if d["label"].startswith("talks")]
    assert talks and talks[0]["cameo"] == "04" and talks[0]["cameo_label"] == "Consult"
    assert all(G.degree(n) for n in G)  # the bipartite view holds only events entities take part in
    for u, v, k, d in G.edges(keys=True, data=True):
        assert G.nodes[v]["type"] == "Event" and G.nodes[u]["type"] != "Event"
        assert k == d["role"] in ("participant", "about", "location")


def test_documents_view_is_bipartite_with_mention_counts(store):
    G = build_view(store, "documents")
    docs = [n for n, t in G.nodes(data="type") if t == "Document"]
    assert len(docs) == 4
    albania = next(n for n in docs if G.nodes[n]["document"] == "wire/2025-06-10-albania")
    assert G.nodes[albania]["label"] == "Starmer meets Albanian leader on returns"
    assert G.nodes[albania]["date"] == "2025-06-10"
    assert G.get_edge_data(albania, STARMER)["mentions"]["weight"] >= 1
    assert all(G.nodes[u]["type"] == "Document" for u, _ in G.edges())


def test_one_document_view(store):
    G = build_view(store, "entities", graph="wire/2025-06-10-albania")
    assert STARMER in G and E + "place/france" not in G
    assert G.graph["document"] == "https://example.org/kg/doc/wire%2F2025-06-10-albania"


def test_filters(entities):
    people = filter_view(entities, types=["Person"])
    assert {d["type"] for _, d in people.nodes(data=True)} == {"Person"}
    assert STARMER in people
    near = filter_view(entities, around="keir starmer", depth=1)  # a label, any case
    assert {STARMER, RAMA} <= set(near) and E + "place/france" not in near
    assert set(filter_view(entities, around=STARMER, depth=0)) == {STARMER}
    late = filter_view(entities, since="2025-06-20")
    assert all(d["last"] >= "2025-06-20" for _, d in late.nodes(data=True))
    assert RAMA not in late and STARMER in late
    early = filter_view(entities, until="2025-06-05")
    assert all(d["first"] <= "2025-06-05" for _, d in early.nodes(data=True)) and STARMER not in early
    top = filter_view(entities, top=3)
    ranked = sorted((d["mentions"] for _, d in entities.nodes(data=True)), reverse=True)
    assert len(top) == 3 and sorted((d["mentions"] for _, d in top.nodes(data=True)), reverse=True) == ranked[:3]
    heavy = filter_view(entities, min_weight=2)
    assert all(d["weight"] >= 2 for _, _, d in heavy.edges(data=True))
    assert entities.number_of_nodes() > heavy.number_of_nodes()  # ends of dropped relations went with them
    assert filter_view(entities).number_of_edges() == entities.number_of_edges()


@pytest.mark.parametrize("bad, message", [
    ({"since": "last week"}, "--since 'last week' is not a date"),
    ({"around": "Nobody Known"}, "--around 'Nobody Known': no entity"),
])
def test_bad_filters_say_what_to_give(entities, bad, message):
    with pytest.raises(InputError, match=message):
        filter_view(entities, **bad)


def test_unknown_view(store):
    with pytest.raises(InputError, match="unknown view 'people'; choose one of " + ", ".join(VIEWS)):
        build_view(store, "people")


def test_the_python_api_gives_the_same_views(store, tmp_path):
    from kg import KnowledgeGraph

    with KnowledgeGraph(store.path, read_only=True) as graph:
        G = graph.to_networkx("entities", types=["Person"], around="Keir Starmer", depth=1)
    assert set(G) == {STARMER, RAMA}


def test_kg_export_writes_a_filtered_view(store, tmp_path, capsys):
    import networkx as nx

    out = tmp_path / "people.gexf"
    assert main(["export", "--store", str(store.path), "--view", "comentions", "--format", "gexf",
                 "--type", "Person,Country", "--type", "City", "--out", str(out)]) == 0
    assert "(gexf, comentions view, " in capsys.readouterr().err
    G = nx.read_gexf(out, version="1.3")
    assert G.number_of_nodes() and {d["type"] for _, d in G.nodes(data=True)} <= {"Person", "Country", "City"}
    assert STARMER in G and not G.is_directed()
    assert main(["export", "--store", str(store.path), "--format", "csv", "--around", "Edi Rama", "--depth", "1",
                 "--out", str(tmp_path / "rama.csv")]) == 0
    assert "rama.nodes.csv and " in capsys.readouterr().err
    nodes = (tmp_path / "rama.nodes.csv").read_text(encoding="utf-8")
    assert "Keir Starmer" in nodes and "France" not in nodes


@pytest.mark.parametrize("args, message", [
    (["--format", "turtle", "--view", "events"], "--view and its filters apply to the graph formats"),
    (["--format", "gexf", "--since", "yesterday"], "--since 'yesterday' is not a date"),
    (["--format", "gexf", "--around", "Nobody Known"], "no entity of that IRI or label"),
])
def test_kg_export_refuses_what_it_cannot_do(store, tmp_path, capsys, args, message):
    assert main(["export", "--store", str(store.path), *args, "--out", str(tmp_path / "x")]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()
