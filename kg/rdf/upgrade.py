"""Document graphs written by kg before store format 2, rewritten in today's layout.

Before format 2 every document graph carried its own copy of the description
of each entity it mentioned (types, ``rdfs:label``, ``skos:prefLabel``,
``skos:altLabel``, ``owl:sameAs``, ``schema:jobTitle``, ``kg:roleOf``), of each
relation type it used, and of the kg software agent. Format 2 keeps in a
document graph only what the document said: those descriptions become the
document's observations (:mod:`kg.rdf.descriptions`), from which the entity
graph is computed. Nothing is lost: every value moves into an observation.
"""
from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf.descriptions import observation_quads
from kg.rdf.iris import observation_in
from kg.rdf.namespace import OWL, PROV, RDF, RDFS, SCHEMA, SKOS
from kg.rdf.terms import KG

_DESCRIPTION = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, OWL.sameAs, SCHEMA.jobTitle, KG.roleOf}


def upgrade_document(graph: NamedNode, quads: list[Quad]) -> tuple[list[Quad], list[Quad]]:
    """What turns one pre-format-2 document graph into format 2: (quads to add,
    quads to remove), both empty when the graph already is in format 2.

    Adding first and removing after is safe to interrupt and to run again: a
    second run finds what the first left and moves only that (observation
    nodes are named by what they observe, so both runs write the same ones).
    """
    entities = {q.subject for q in quads if q.predicate == KG.mentionedIn}
    relation_types = {q.subject for q in quads if q.predicate == RDF.type and q.object == KG.RelationType}
    software = {q.subject for q in quads if q.predicate == RDF.type and q.object == PROV.SoftwareAgent}
    described = entities | relation_types | software
    moved = [q for q in quads if q.subject in described and _is_description(q)]
    if not moved:
        return [], []
    by_subject: dict[NamedNode, list[Quad]] = {}
    for q in moved:
        by_subject.setdefault(q.subject, []).append(q)
    observations: list[Quad] = []
    for thing in sorted(entities | relation_types, key=lambda n: n.value):
        values = by_subject.get(thing, [])
        kind = KG.RelationType if thing in relation_types else _schema_type(values)
        label = _first(values, RDFS.label) or _first(values, SKOS.prefLabel)
        if kind is None or label is None:
            continue
        title = _first(values, SCHEMA.jobTitle)
        observations += observation_quads(
            observation_in(graph, thing), thing, graph, type=kind, label=label,
            aliases=sorted((q.object for q in values if q.predicate == SKOS.altLabel), key=lambda lit: lit.value),
            links=sorted((q.object for q in values if q.predicate == OWL.sameAs), key=lambda n: n.value),
            job_title=title, role_of=_first(values, KG.roleOf) if title is not None else None)
    return observations, moved


def _is_description(q: Quad) -> bool:
    """A triple of an entity's, relation type's or the software's description
    (their kg:mentionedIn stays: it is what the document says)."""
    return q.predicate == RDF.type or q.predicate in _DESCRIPTION


def _schema_type(values: list[Quad]) -> NamedNode | None:
    types = sorted((q.object for q in values if q.predicate == RDF.type and q.object.value.startswith(SCHEMA.prefix)),
                   key=lambda n: n.value)
    return types[0] if types else None


def _first(values: list[Quad], predicate: NamedNode) -> Literal | NamedNode | None:
    found = sorted((q.object for q in values if q.predicate == predicate), key=lambda t: t.value)
    return found[0] if found else None
