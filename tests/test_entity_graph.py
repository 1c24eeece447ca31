"""One description per entity, kept true however documents come and go.

The entity graph ({base}entity/) is computed from the observations in the
document graphs; any order of adding, replacing and removing documents must
end in the entity graph a fresh build of the final documents gives.
"""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import Article, Entity, Extraction, Mention, Sentence
from kg.pipeline import map_extraction
from kg.rdf.descriptions import Observed, describe
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import OWL, PROV, RDF, RDFS, SCHEMA, SKOS
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.rdf.terms import KG
from kg.store import GraphStore
from kg.store.entities import remove_documents, write_documents

from .conftest import content

IRIS = IriMinter()
ENTITY_GRAPH = IRIS.entity_graph()
BUILD_TIMES = (PROV.startedAtTime, PROV.endedAtTime)

# a small world: each key with the names, types and links documents may give it
WORLD = {
    "united kingdom": (["United Kingdom", "UK", "Britain"], ["Country", "Place"],
                       ["http://www.wikidata.org/entity/Q145"]),
    "keir starmer": (["Keir Starmer", "Starmer", "Sir Keir Starmer"], ["Person"], []),
    "acme": (["Acme", "ACME", "Acme Corp"], ["Organization", "GovernmentOrganization"], []),
    "worldcom": (["WorldCom", "Worldcom"], ["Organization"], []),
}


@st.composite
def documents(draw) -> tuple:
    """What one document says: (key, label, type, aliases, linked, job title) per entity."""
    keys = draw(st.lists(st.sampled_from(sorted(WORLD)), min_size=1, max_size=3, unique=True))
    said = []
    for key in keys:
        names, types, links = WORLD[key]
        label = draw(st.sampled_from(names))
        aliases = tuple(draw(st.lists(st.sampled_from(names), max_size=2, unique=True)))
        linked = bool(links) and draw(st.booleans())
        title = draw(st.sampled_from([None, "Prime Minister", "Chancellor"])) if types == ["Person"] else None
        said.append((key, label, draw(st.sampled_from(types)), aliases, linked, title))
    return tuple(said)


def extraction(doc_id: str, said: tuple) -> Extraction:
    text = " ".join(label for _, label, *_ in said) + "."
    entities, at = [], 0
    for key, label, kind, aliases, linked, title in said:
        mention = Mention(start=at, end=at + len(label), text=label, sentence=0, label="X")
        at += len(label) + 1
        entities.append(Entity(key=key, label=label, type=kind, mentions=(mention,),
                               aliases=tuple(a for a in aliases if a != label),
                               same_as=tuple(WORLD[key][2]) if linked else (), job_title=title))
    article = Article(doc_id=doc_id, text=text)
    return Extraction(article=article, sentences=(Sentence(0, 0, len(text), text),), entities=tuple(entities))


def graph_of(doc_id: str, said: tuple) -> dict:
    document = map_extraction(extraction(doc_id, said), IRIS, model="test")
    return {document.graph: document.quads}


def fresh(final: dict[str, tuple]) -> set:
    store = GraphStore()
    for doc_id, said in sorted(final.items()):
        write_documents(store, graph_of(doc_id, said))
    return content(store)


operations = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]),
                                st.one_of(st.none(), documents())), min_size=1, max_size=12)


@settings(max_examples=60)
@given(operations)
def test_any_order_of_adds_replaces_and_removes_ends_as_a_fresh_build(ops):
    store = GraphStore()
    final: dict[str, tuple] = {}
    for doc_id, said in ops:
        if said is None:  # remove
            remove_documents(store, [IRIS.document(doc_id)])
            final.pop(doc_id, None)
        else:  # add or replace
            write_documents(store, graph_of(doc_id, said))
            final[doc_id] = said
    assert content(store) == fresh(final)


@settings(max_examples=40)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), documents(), min_size=1))
def test_every_entity_has_one_label_one_type_and_only_what_documents_said(corpus):
    store = GraphStore()
    for doc_id, said in corpus.items():
        write_documents(store, graph_of(doc_id, said))
    rows = list(store.query("SELECT ?e ?label WHERE { ?e rdfs:label ?label }", prefixes=VOCABULARY_PREFIXES))
    subjects = [row["e"] for row in rows]
    assert len(subjects) == len(set(subjects))  # one label a subject (one language here)
    for key in {key for said in corpus.values() for key, *_ in said}:
        said_of = [s for said in corpus.values() for s in said if s[0] == key]
        iri = IRIS.entity(key, said_of[0][2])
        types = {q.object for q in store.quads(ENTITY_GRAPH) if q.subject == iri and q.predicate == RDF.type}
        assert KG.Entity in types and len(types) == 2
        labels = {q.object.value for q in store.quads(ENTITY_GRAPH) if q.subject == iri and q.predicate == RDFS.label}
        assert len(labels) == 1 and labels <= {s[1] for s in said_of}
        alternatives = {q.object.value for q in store.quads(ENTITY_GRAPH)
                        if q.subject == iri and q.predicate == SKOS.altLabel}
        assert alternatives == ({s[1] for s in said_of} | {a for s in said_of for a in s[3]}) - labels


def _observed_as_said(doc_id: str, said_entity: tuple) -> Observed:
    key, label, kind, aliases, linked, title = said_entity
    return Observed(IRIS.entity(key, kind), IRIS.document(doc_id), types=(SCHEMA[kind],),
                    labels=(ox.Literal(label, language="en"),),
                    aliases=tuple(ox.Literal(a, language="en") for a in aliases if a != label),
                    links=tuple(ox.NamedNode(link) for link in WORLD[key][2]) if linked else (),
                    job_titles=(ox.Literal(title, language="en"),) if title else ())


@settings(max_examples=40)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), documents(), min_size=1))
def test_the_store_describes_each_entity_as_the_rules_say(corpus):
    """The refresh counts observations inside the store (three aggregate queries);
    its descriptions are those the rules give from what each document said."""
    store = GraphStore()
    for doc_id, said in corpus.items():
        write_documents(store, graph_of(doc_id, said))
    by_thing: dict = {}
    for doc_id, said in corpus.items():
        for entity in said:
            observed = _observed_as_said(doc_id, entity)
            by_thing.setdefault(observed.thing, []).append(observed)
    for thing, observations in by_thing.items():
        expected = set(describe(thing, observations, graph=ENTITY_GRAPH))
        assert {q for q in store.quads(ENTITY_GRAPH) if q.subject == thing} == expected


def test_an_entity_no_document_mentions_any_more_loses_its_description():
    store = GraphStore()
    write_documents(store, graph_of("a", (("acme", "Acme", "Organization", (), False, None),)))
    write_documents(store, graph_of("b", (("worldcom", "WorldCom", "Organization", (), False, None),)))
    acme = IRIS.entity("acme", "Organization")
    assert any(q.subject == acme for q in store.quads(ENTITY_GRAPH))
    remove_documents(store, [IRIS.document("a")])
    assert not any(q.subject == acme for q in store.quads())
    assert any(q.subject == IRIS.entity("worldcom", "Organization") for q in store.quads(ENTITY_GRAPH))


def _observed(label: str, *, linked: bool = False, kind: str = "Organization", document: str = "a") -> Observed:
    return Observed(ox.NamedNode("https://example.org/kg/entity/x"), IRIS.document(document),
                    types=(SCHEMA[kind],), labels=(ox.Literal(label, language="en"),),
                    links=(ox.NamedNode("http://www.wikidata.org/entity/Q1"),) if linked else ())


def _label(quads) -> str:
    return next(q.object.value for q in quads if q.predicate == RDFS.label)


def test_the_preferred_label_is_the_linked_one_else_the_commonest_else_the_first():
    thing = ox.NamedNode("https://example.org/kg/entity/x")
    assert _label(describe(thing, [_observed("Worldcom", document="a"), _observed("WorldCom", document="b"),
                                   _observed("Worldcom", document="c")], graph=ENTITY_GRAPH)) == "Worldcom"
    assert _label(describe(thing, [_observed("Worldcom", document="a"), _observed("WorldCom", document="b")],
                           graph=ENTITY_GRAPH)) == "WorldCom"  # a tie: the first in code-point order
    assert _label(describe(thing, [_observed("UK", document="a"), _observed("UK", document="b"),
                                   _observed("United Kingdom", linked=True, document="c")],
                           graph=ENTITY_GRAPH)) == "United Kingdom"  # the gazetteer's label wins


def test_the_type_is_the_commonest_with_ties_to_the_first_iri():
    thing = ox.NamedNode("https://example.org/kg/entity/x")
    votes = [_observed("X", kind="Organization", document="a"),
             _observed("X", kind="GovernmentOrganization", document="b"),
             _observed("X", kind="GovernmentOrganization", document="c")]
    types = {q.object for q in describe(thing, votes, graph=ENTITY_GRAPH) if q.predicate == RDF.type}
    assert types == {SCHEMA.GovernmentOrganization, KG.Entity}
    tie = {q.object for q in describe(thing, votes[:2], graph=ENTITY_GRAPH) if q.predicate == RDF.type}
    assert tie == {SCHEMA.GovernmentOrganization, KG.Entity}  # "...GovernmentOrganization" < "...Organization"


def test_links_are_the_union_of_what_documents_linked():
    store = GraphStore()
    write_documents(store, graph_of("a", (("united kingdom", "United Kingdom", "Country", (), True, None),)))
    write_documents(store, graph_of("b", (("united kingdom", "UK", "Country", (), False, None),)))
    uk = IRIS.entity("united kingdom", "Country")
    links = {q.object.value for q in store.quads(ENTITY_GRAPH) if q.subject == uk and q.predicate == OWL.sameAs}
    assert links == {"http://www.wikidata.org/entity/Q145"}
    assert _label([q for q in store.quads(ENTITY_GRAPH) if q.subject == uk]) == "United Kingdom"


# -- with the real model ---------------------------------------------------------------

TEXTS = {
    "a": "The UK will enter talks with the European Union, Prime Minister Keir Starmer said on Monday.",
    "b": "Keir Starmer met Edi Rama in Tirana. Britain and Albania agreed to share data.",
    "c": "The European Commission said the EU would work with the United Kingdom on migration.",
}


def _build(store, texts: dict[str, str]) -> None:
    from kg.build import build

    build([Article(doc_id=k, text=v) for k, v in texts.items()], store)


def test_real_documents_added_replaced_and_removed_end_as_a_fresh_build(nlp, tmp_path):
    from kg.store.documents import remove_documents as remove_by_id

    with GraphStore(tmp_path / "changed") as changed, GraphStore(tmp_path / "fresh") as clean:
        _build(changed, TEXTS)
        remove_by_id(changed, ["b"])
        _build(changed, {"c": TEXTS["c"] + " Starmer visited Brussels.", "b": TEXTS["b"]})
        remove_by_id(changed, ["a"])
        _build(clean, {"b": TEXTS["b"], "c": TEXTS["c"] + " Starmer visited Brussels."})
        assert content(changed) == content(clean)
        labels = [(row["e"].value, row["label"].value) for row in
                  changed.query("SELECT ?e ?label WHERE { ?e a kg:Entity ; rdfs:label ?label }",
                                prefixes=VOCABULARY_PREFIXES)]
        assert len(labels) == len({e for e, _ in labels})
        assert ("https://example.org/kg/entity/person/keir_starmer", "Keir Starmer") in labels


@pytest.mark.parametrize("bad", [[], ["nope"]])
def test_removing_nothing_or_an_unknown_document_changes_nothing(bad):
    store = GraphStore()
    write_documents(store, graph_of("a", (("acme", "Acme", "Organization", (), False, None),)))
    before = content(store)
    remove_documents(store, [IRIS.document(d) for d in bad])
    assert content(store) == before


# -- votes that cannot change a description are not counted --------------------------

_THING = ox.NamedNode("https://example.org/kg/entity/organization/acme")
_LINKS = [ox.NamedNode("http://www.wikidata.org/entity/Q1"), ox.NamedNode("http://www.wikidata.org/entity/Q2")]
_ROLES = [ox.NamedNode("https://example.org/kg/entity/organization/beta"),
          ox.NamedNode("https://example.org/kg/entity/organization/gamma")]
_NAMES = [ox.Literal("Acme", language="en"), ox.Literal("ACME", language="en"), ox.Literal("Acme", language="de")]


@st.composite
def _observations(draw, kinds) -> Observed:
    title = draw(st.sampled_from([None, ox.Literal("Chair", language="en"), ox.Literal("Owner", language="en")]))
    return Observed(_THING, IRIS.document(draw(st.sampled_from("abcdef"))),
                    types=(draw(st.sampled_from(kinds)),), labels=(draw(st.sampled_from(_NAMES)),),
                    aliases=tuple(draw(st.lists(st.sampled_from(_NAMES), max_size=2, unique=True))),
                    links=tuple(draw(st.lists(st.sampled_from(_LINKS), max_size=2, unique=True))),
                    job_titles=(title,) if title else (),
                    roles=tuple(draw(st.lists(st.sampled_from(_ROLES), max_size=2, unique=True))) if title else ())


_KINDS = st.sampled_from([[SCHEMA.Organization, SCHEMA.GovernmentOrganization], [KG.RelationType]])


@settings(max_examples=300)
@given(st.data(), _KINDS)
def test_a_description_said_to_be_unchanged_by_new_observations_is_what_a_recount_gives(data, kinds):
    from kg.rdf.descriptions import unchanged_by

    before = data.draw(st.lists(_observations(kinds), min_size=1, max_size=6))
    added = data.draw(st.lists(_observations(kinds), min_size=1, max_size=3))
    description = describe(_THING, before, graph=ENTITY_GRAPH)
    if unchanged_by(description, added):
        assert set(describe(_THING, before + added, graph=ENTITY_GRAPH)) == set(description)


def test_no_description_or_a_new_name_is_never_said_to_be_unchanged():
    from kg.rdf.descriptions import unchanged_by

    said = _observed("Acme")
    assert not unchanged_by([], [said])  # a thing not yet described is counted
    description = describe(said.thing, [said], graph=ENTITY_GRAPH)
    assert unchanged_by(description, [_observed("Acme", document="b")])  # one more vote for the winner
    assert not unchanged_by(description, [_observed("ACME", document="b")])  # a tie: "ACME" < "Acme"
    assert not unchanged_by(description, [_observed("Acme", linked=True, document="b")])  # a link out
    assert not unchanged_by(description, [_observed("Acme", kind="Person", document="b")])


def test_a_write_marks_and_counts_only_what_it_may_change():
    from kg.rdf.descriptions import observations_in
    from kg.store.entities import EntityRefresh

    store = GraphStore()
    uk = ("united kingdom", "United Kingdom", "Country", (), True, None)
    write_documents(store, graph_of("a", (uk, ("acme", "Acme", "Organization", (), False, None))))
    graphs = graph_of("b", (uk, ("acme", "ACME", "Organization", (), False, None)))
    work = EntityRefresh(store)
    work.touch(graphs, observations={g: observations_in(g, quads) for g, quads in graphs.items()})
    marked = work.pending[ENTITY_GRAPH]
    assert IRIS.entity("united kingdom", "Country") not in marked  # the same vote again: not counted
    assert IRIS.entity("acme", "Organization") in marked  # a new name: counted
    assert work.unchanged >= 1
    assert set(store.stale_things(ENTITY_GRAPH)) == marked
    store.write_documents(graphs)
    work.refresh()
    assert not store.stale_things(ENTITY_GRAPH)
    expected = fresh({"a": (uk, ("acme", "Acme", "Organization", (), False, None)),
                      "b": (uk, ("acme", "ACME", "Organization", (), False, None))})
    assert content(store) == expected


def test_what_the_mapping_says_a_document_observes_is_what_its_quads_hold(nlp):
    """The build hands the writer each document's observations as the mapping made
    them, instead of reading them back from the quads: both must agree."""
    from kg.extract import extract
    from kg.rdf.descriptions import observations_in

    text = ("Prime Minister Keir Starmer met Edi Rama, the Albanian prime minister, in Tirana. "
            "Britain and Albania agreed to share data. The UK will enter talks with the EU, "
            "Acme Corp (ACME) said, and Acme's chief executive Jane Doe visited Paris.")
    document = map_extraction(extract(nlp(text), Article(doc_id="obs", text=text)), IRIS, model="test")
    assert document.observations
    assert document.observations == observations_in(document.graph, document.quads)
    assert {node.value for node in document.observations} == document.observed
