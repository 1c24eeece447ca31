"""One description per entity and relation type, computed from what documents observed.

Each document graph holds a ``kg:Observation`` of every entity and relation
type it names: the label, type, aliases, links and job title it used. The
entity graph holds one description of each, made by :func:`describe` from all
of them, by rules that give the same answer whatever order documents came in:

- **type**: the class most observations gave it; a tie goes to the class whose
  IRI sorts first. An entity is also a ``kg:Entity``; a relation type is also
  an ``owl:ObjectProperty``.
- **preferred label**, one per language (``rdfs:label`` and ``skos:prefLabel``):
  the gazetteer's label when the thing was linked to the gazetteer (an
  observation with a link out used the gazetteer's label), else the label most
  observations used; a tie goes to the label that sorts first (by code point).
- **alternative labels** (``skos:altLabel``): every other label and alias any
  document used, in that language.
- **links out** (``owl:sameAs``): the union of all observed links.
- **job title** (``schema:jobTitle``): the one most observations gave, ties as
  for labels; ``kg:roleOf``: what that title belonged to in those observations.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf.namespace import OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from kg.rdf.terms import KG

STORE_FORMAT = 2  # graphs laid out as documented here: observations in documents, one entity graph


@dataclass(frozen=True)
class Observed:
    """One document's observation of one thing, as read back from the store."""

    thing: NamedNode
    document: NamedNode  # the graph it was read from
    types: tuple[NamedNode, ...] = ()
    labels: tuple[Literal, ...] = ()
    aliases: tuple[Literal, ...] = ()
    links: tuple[NamedNode, ...] = ()
    job_titles: tuple[Literal, ...] = ()
    roles: tuple[NamedNode, ...] = ()


def observation_quads(node: NamedNode, thing: NamedNode, graph: NamedNode, *, type: NamedNode,
                      label: Literal, aliases: Iterable[Literal] = (), links: Iterable[NamedNode] = (),
                      job_title: Literal | None = None, role_of: NamedNode | None = None) -> Iterator[Quad]:
    """The quads of one observation ``node`` of ``thing`` in the document graph ``graph``."""
    yield Quad(node, RDF.type, KG.Observation, graph)
    yield Quad(node, KG.observes, thing, graph)
    yield Quad(node, KG.document, graph, graph)
    yield Quad(node, KG.observedType, type, graph)
    yield Quad(node, KG.observedLabel, label, graph)
    for alias in aliases:
        yield Quad(node, KG.observedAlias, alias, graph)
    for link in links:
        yield Quad(node, KG.observedLink, link, graph)
    if job_title is not None:
        yield Quad(node, KG.observedJobTitle, job_title, graph)
        if role_of is not None:
            yield Quad(node, KG.observedRoleOf, role_of, graph)


_FIELDS = ("types", "labels", "aliases", "links", "job_titles", "roles")
_FIELD_OF = {predicate.value: i for i, predicate in enumerate(
    (KG.observedType, KG.observedLabel, KG.observedAlias, KG.observedLink, KG.observedJobTitle, KG.observedRoleOf))}


def read_observations(quads: Iterable[Quad]) -> dict[NamedNode, list[Observed]]:
    """Thing -> its observations, from the quads of observation nodes (in any order)."""
    # keyed by the IRIs' text and with one lookup a quad: this runs over every
    # observation of every entity a build touched
    observes = KG.observes.value
    nodes: dict[tuple[str, str], list] = {}
    for quad in quads:
        graph = quad.graph_name
        key = (quad.subject.value, graph.value)
        entry = nodes.get(key)
        if entry is None:
            entry = nodes[key] = [None, graph, [], [], [], [], [], []]
        predicate = quad.predicate.value
        if predicate == observes:
            entry[0] = quad.object
        else:
            field = _FIELD_OF.get(predicate)
            if field is not None:
                entry[2 + field].append(quad.object)
    found: dict[NamedNode, list[Observed]] = {}
    for thing, graph, *fields in nodes.values():
        if thing is not None:
            found.setdefault(thing, []).append(Observed(thing, graph, *map(tuple, fields)))
    return found


def describe(thing: NamedNode, observations: Iterable[Observed], *, graph: NamedNode) -> list[Quad]:
    """The one description of ``thing`` in ``graph`` (the entity graph); none
    when no document observes it any more."""
    seen = sorted(observations, key=lambda o: o.document.value)
    if not seen:
        return []
    kind = _most_common(t for o in seen for t in o.types[:1])
    if kind is None:
        return []
    q = lambda p, o: Quad(thing, p, o, graph)  # noqa: E731
    quads = [q(RDF.type, kind)]
    quads.append(q(RDF.type, OWL.ObjectProperty if kind == KG.RelationType else KG.Entity))
    linked = [o for o in seen if o.links]
    labels = _preferred_labels(linked or seen)
    for label in labels.values():
        quads.append(q(RDFS.label, label))
        if kind != KG.RelationType:
            quads.append(q(SKOS.prefLabel, label))
    if kind == KG.RelationType:
        return quads
    preferred = set(labels.values())
    others = {lit for o in seen for lit in (*o.labels, *o.aliases)} - preferred
    quads += [q(SKOS.altLabel, alt) for alt in sorted(others, key=_literal_order)]
    quads += [q(OWL.sameAs, link) for link in sorted({k for o in seen for k in o.links}, key=lambda n: n.value)]
    title = _most_common(t for o in seen for t in o.job_titles[:1])
    if title is not None:
        quads.append(q(SCHEMA.jobTitle, title))
        roles = {r for o in seen if title in o.job_titles for r in o.roles}
        quads += [q(KG.roleOf, role) for role in sorted(roles, key=lambda n: n.value)]
    return quads


def entity_graph_quads(graph: NamedNode, software: NamedNode) -> list[Quad]:
    """What the entity graph says of itself, and the software agent every build names."""
    return [Quad(graph, RDF.type, KG.EntityGraph, graph),
            Quad(graph, KG.storeFormat, Literal(str(STORE_FORMAT), datatype=XSD.integer), graph),
            Quad(software, RDF.type, PROV.SoftwareAgent, graph),
            Quad(software, RDFS.label, Literal("kg"), graph)]


def stale_marks(graph: NamedNode, things: Iterable[NamedNode]) -> list[Quad]:
    """The marks saying these things' descriptions in ``graph`` are being refreshed."""
    return [Quad(graph, KG.staleEntity, thing, graph) for thing in things]


def _preferred_labels(observations: list[Observed]) -> dict[str, Literal]:
    """Language -> the label most observations used (ties: the first in code-point order)."""
    by_language: dict[str, Counter] = {}
    for o in observations:
        for label in dict.fromkeys(o.labels):
            by_language.setdefault(label.language or "", Counter())[label] += 1
    return {language: min(counts, key=lambda lit: (-counts[lit], lit.value))
            for language, counts in sorted(by_language.items())}


def _most_common(terms: Iterable[NamedNode | Literal]):
    counts = Counter(terms)
    if not counts:
        return None
    return min(counts, key=lambda t: (-counts[t], t.value))


def _literal_order(literal: Literal) -> tuple[str, str]:
    return (literal.language or "", literal.value)


def group_by_graph(quads: Iterable[Quad]) -> Mapping[NamedNode, list[Quad]]:
    grouped: dict[NamedNode, list[Quad]] = {}
    for quad in quads:
        grouped.setdefault(quad.graph_name, []).append(quad)
    return grouped
