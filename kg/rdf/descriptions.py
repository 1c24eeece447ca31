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
from dataclasses import dataclass, field
from typing import Iterable, Iterator

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
    titles = (job_title,) if job_title is not None else ()
    yield from observed_quads(node, Observed(thing, graph, types=(type,), labels=(label,), aliases=tuple(aliases),
                                             links=tuple(links), job_titles=titles,
                                             roles=(role_of,) if titles and role_of is not None else ()))


def observed_quads(node: NamedNode, o: Observed) -> Iterator[Quad]:
    """The quads of the observation ``node`` holding ``o``, in ``o.document``'s graph
    (roles are written only with a job title: they are what the title belonged to)."""
    graph = o.document
    yield Quad(node, RDF.type, KG.Observation, graph)
    yield Quad(node, KG.observes, o.thing, graph)
    yield Quad(node, KG.document, graph, graph)
    for predicate, values in ((KG.observedType, o.types), (KG.observedLabel, o.labels),
                              (KG.observedAlias, o.aliases), (KG.observedLink, o.links),
                              (KG.observedJobTitle, o.job_titles),
                              (KG.observedRoleOf, o.roles if o.job_titles else ())):
        for value in values:
            yield Quad(node, predicate, value, graph)


@dataclass
class Tally:
    """All observations of one thing, counted: what :func:`describe_tally` needs.

    The store computes it inside the database (one aggregate query per chunk of
    things), so a refresh never reads the observations of an entity that a
    thousand documents mention one by one; :func:`tally` computes the same
    from :class:`Observed` records.
    """

    types: Counter = field(default_factory=Counter)  # observations per type
    labels: Counter = field(default_factory=Counter)  # observations per label
    linked_labels: Counter = field(default_factory=Counter)  # per label, of observations with a link out
    aliases: set = field(default_factory=set)
    links: set = field(default_factory=set)
    titles: Counter = field(default_factory=Counter)  # observations per job title
    roles: dict = field(default_factory=dict)  # job title -> what it belonged to, in those observations


def tally(observations: Iterable[Observed]) -> Tally:
    """The counts the store's aggregate queries give for these observations
    (:func:`kg.store.entities.tally_observations`): each distinct value an
    observation gives is one vote."""
    counted = Tally()
    for o in observations:
        counted.types.update(set(o.types))
        labels = list(dict.fromkeys(o.labels))
        counted.labels.update(labels)
        if o.links:
            counted.linked_labels.update(labels)
        counted.aliases.update(o.aliases)
        counted.links.update(o.links)
        counted.titles.update(set(o.job_titles))
        for title in o.job_titles:
            counted.roles.setdefault(title, set()).update(o.roles)
    return counted


# What each field of an Observed is read from, in a document graph.
_FIELDS = {KG.observedType: "types", KG.observedLabel: "labels", KG.observedAlias: "aliases",
           KG.observedLink: "links", KG.observedJobTitle: "job_titles", KG.observedRoleOf: "roles"}


def observations_in(graph: NamedNode, quads: Iterable[Quad]) -> dict[NamedNode, list[Observed]]:
    """Thing -> the observations of it that a document graph's quads hold (what
    writing the graph adds to the store's tally)."""
    things: dict = {}
    fields: dict = {}
    for quad in quads:
        predicate = quad.predicate
        if predicate == KG.observes:
            things[quad.subject] = quad.object
        elif predicate in _FIELDS:
            fields.setdefault(quad.subject, {}).setdefault(_FIELDS[predicate], []).append(quad.object)
    found: dict[NamedNode, list[Observed]] = {}
    for node, thing in things.items():
        said = {name: tuple(values) for name, values in fields.get(node, {}).items()}
        found.setdefault(thing, []).append(Observed(thing=thing, document=graph, **said))
    return found


def unchanged_by(description: Iterable[Quad], observations: Iterable[Observed]) -> bool:
    """True when adding ``observations`` of one thing provably leaves its
    ``description`` (the quads :func:`describe_tally` gave it) as it is, so a
    write need not count its observations again.

    Adding observations can only change a description through its votes and
    unions, and a vote for what already won keeps it winning (its count grows,
    the others' do not). So the description is unchanged when every
    observation gives the described type, votes only for the preferred label
    of each language it uses (when its votes count: it has a link out, or the
    thing has none), names nothing the description does not already list
    (labels, aliases, links, roles), and gives no job title but the described
    one. A thing with no description, or a write that removes observations,
    always needs counting. False answers are always safe.
    """
    types, labels, listed, links, titles, roles = set(), {}, set(), set(), set(), set()
    for quad in description:
        predicate, value = quad.predicate, quad.object
        if predicate == RDF.type:
            types.add(value)
        elif predicate == RDFS.label:
            labels[value.language or ""] = value
            listed.add(value)
        elif predicate == SKOS.altLabel:
            listed.add(value)
        elif predicate == OWL.sameAs:
            links.add(value)
        elif predicate == SCHEMA.jobTitle:
            titles.add(value)
        elif predicate == KG.roleOf:
            roles.add(value)
    kinds = types - {KG.Entity, OWL.ObjectProperty}
    if len(kinds) != 1 or len(titles) > 1:
        return False  # no description (or not one kg wrote)
    (kind,) = kinds
    relation_type = kind == KG.RelationType
    for o in observations:
        if any(t != kind for t in o.types) or not set(o.links) <= links:
            return False
        if o.links or not links:  # its labels vote for the preferred ones
            said = set(o.labels)
            if any(labels.get(label.language or "") not in said for label in said):
                return False
        if not relation_type and not set(o.labels) | set(o.aliases) <= listed:
            return False  # a new alternative label
        if o.job_titles:
            if set(o.job_titles) != titles or not set(o.roles) <= roles:
                return False
    return True


def describe(thing: NamedNode, observations: Iterable[Observed], *, graph: NamedNode) -> list[Quad]:
    """The one description of ``thing`` in ``graph`` (the entity graph); none
    when no document observes it any more."""
    return describe_tally(thing, tally(observations), graph=graph)


def describe_tally(thing: NamedNode, counted: Tally, *, graph: NamedNode) -> list[Quad]:
    """The one description of a thing whose observations are ``counted``."""
    kind = _most_common(counted.types)
    if kind is None:
        return []
    q = lambda p, o: Quad(thing, p, o, graph)  # noqa: E731
    quads = [q(RDF.type, kind)]
    quads.append(q(RDF.type, OWL.ObjectProperty if kind == KG.RelationType else KG.Entity))
    labels = _preferred_labels(counted.linked_labels or counted.labels)
    for label in labels.values():
        quads.append(q(RDFS.label, label))
        if kind != KG.RelationType:
            quads.append(q(SKOS.prefLabel, label))
    if kind == KG.RelationType:
        return quads
    others = (set(counted.labels) | counted.aliases) - set(labels.values())
    quads += [q(SKOS.altLabel, alt) for alt in sorted(others, key=_literal_order)]
    quads += [q(OWL.sameAs, link) for link in sorted(counted.links, key=lambda n: n.value)]
    title = _most_common(counted.titles)
    if title is not None:
        quads.append(q(SCHEMA.jobTitle, title))
        quads += [q(KG.roleOf, role) for role in sorted(counted.roles.get(title, ()), key=lambda n: n.value)]
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


def _preferred_labels(counts: Counter) -> dict[str, Literal]:
    """Language -> the label most observations used (ties: the first in code-point order)."""
    by_language: dict[str, list[Literal]] = {}
    for label in counts:
        by_language.setdefault(label.language or "", []).append(label)
    return {language: min(labels, key=lambda lit: (-counts[lit], lit.value))
            for language, labels in sorted(by_language.items())}


def _most_common(counts: Counter):
    if not counts:
        return None
    return min(counts, key=lambda t: (-counts[t], t.value))


def _literal_order(literal: Literal) -> tuple[str, str]:
    return (literal.language or "", literal.value)
