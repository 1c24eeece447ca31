"""Parameter values -> RDF terms, bound with ``substitutions`` and never spliced
into query text.

A value is read according to the kind its query declares (see
:data:`kg.query.named.KINDS`). An ``entity`` or ``relation`` given as a label is
looked up in the store; the lookup is itself a parameterised query, so a label
full of quotes and braces is just a label that matches nothing.
"""
from __future__ import annotations

import re
from typing import Mapping

import pyoxigraph as ox

from kg.errors import QueryError
from kg.model import shown
from kg.query.named import KINDS, NamedQuery, Parameter
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import SCHEMA, XSD
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.store.base import Store
from kg.store.documents import dataset_bases

Term = ox.NamedNode | ox.Literal

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CURIE = re.compile(r"^([A-Za-z][\w\-]*):([^\s/<>]*)$")
_MAX_CANDIDATES = 8

# An entity's labels are in its one description, in the entity graph: one
# preferred label per language (skos:prefLabel, the same as its rdfs:label) and
# its alternative labels (skos:altLabel), no label twice. Reading skos:prefLabel
# rather than rdfs:label leaves out the phrases and events that document graphs
# label (609 labels to scan instead of 2,032 on 80 BBC stories); kg:mentionedIn,
# in the document graphs, keeps what the store's documents mention (Oxigraph 0.5
# tests it six times faster than `a kg:Entity`: 2 ms against 14 ms for one
# case-insensitive lookup there). Exact matches first (an index lookup), then a
# case-insensitive scan of the labels.
_ENTITY_EXACT = """
SELECT ?name ?entity ?preferred WHERE {
  { ?entity skos:prefLabel ?name BIND(true AS ?preferred) }
  UNION { ?entity skos:altLabel ?name BIND(false AS ?preferred) }
  FILTER EXISTS { ?entity kg:mentionedIn ?document }
}"""
_ENTITY_FOLDED = """
SELECT ?folded ?entity ?preferred WHERE {
  { ?entity skos:prefLabel ?label BIND(true AS ?preferred) }
  UNION { ?entity skos:altLabel ?label BIND(false AS ?preferred) }
  FILTER(LCASE(STR(?label)) = ?folded)
  FILTER EXISTS { ?entity kg:mentionedIn ?document }
}"""
# DISTINCT: different entities may share a label (Paris the city, Paris the person)
_ENTITY_NEAR = """
SELECT DISTINCT ?folded ?label WHERE {
  ?entity skos:prefLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), ?folded))
  FILTER EXISTS { ?entity kg:mentionedIn ?document }
} ORDER BY STRLEN(?label) ?label LIMIT 5"""
_RELATION_LABELLED = """
SELECT ?folded ?entity WHERE {
  ?entity a kg:RelationType ; rdfs:label ?label .
  FILTER(LCASE(STR(?label)) = ?folded)
}"""
_RELATION_TYPE = "SELECT ?entity WHERE { ?entity a kg:RelationType }"
# an entity or a relation type, by its label and (for an entity) its schema.org class
_DESCRIBE = """
SELECT ?entity ?name ?kind WHERE {
  ?entity rdfs:label ?name .
  OPTIONAL { ?entity a ?type FILTER(STRSTARTS(STR(?type), STR(schema:))) }
  BIND(STRAFTER(STR(?type), STR(schema:)) AS ?kind)
} ORDER BY ?name"""


def split_param(raw: str) -> tuple[str, str]:
    """``name=value`` from the command line -> (variable name, raw value)."""
    if "=" not in raw:
        raise QueryError(f"--param {shown(raw)} must look like name=value")
    name, value = raw.split("=", 1)
    name = name.strip().lstrip("?$")
    if not _VARIABLE.match(name):
        raise QueryError(f"--param name {name!r} is not a SPARQL variable name (letters, digits, _)")
    return name, value


def parse_param(raw: str) -> tuple[str, Term]:
    """``name=value`` -> (variable name, RDF term), guessing the term's kind from
    the value: ``<iri>`` is an IRI, integers are xsd:integer, decimals
    xsd:double, anything else a string."""
    name, value = split_param(raw)
    return name, to_term(value)


_VALUE_TYPES = (str, int, float, ox.NamedNode, ox.Literal)


def check_value(name: str, value: object) -> None:
    """A parameter value is a string, a number, a bool or an RDF term: anything
    else (None, a list, bytes) would be bound as its Python repr."""
    if not isinstance(value, _VALUE_TYPES):
        raise QueryError(f"parameter {name!r}: give a string, a number, true/false or an RDF term, "
                         f"not {type(value).__name__} {shown(value)}")


def to_term(value: object) -> Term:
    """A Python value as an RDF term, for parameters no header declares."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=XSD.double)
    text = str(value)
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return _iri(text[1:-1], text)
    if re.fullmatch(r"[+-]?\d+", text):
        return ox.Literal(text, datatype=XSD.integer)
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        return ox.Literal(text, datatype=XSD.double)
    return ox.Literal(text)


def bind_parameters(store: Store, query: NamedQuery, values: Mapping[str, object] | None) -> dict[str, Term]:
    """Check the given values against the query's declared parameters, fill in
    defaults and read each value as its declared kind.

    A query with no declared parameters (e.g. one given with ``-e``) takes any
    variable, its term guessed by :func:`to_term`.
    """
    values = dict(values or {})
    if not query.parameters:
        for name, value in values.items():
            check_value(name, value)
        return {name: to_term(value) for name, value in values.items()}
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryError(f"{query.origin}: no parameter {', '.join(unknown)}; "
                         f"this query takes: {_describe_params(query.parameters)}")
    bound: dict[str, Term] = {}
    for param in query.parameters:
        if param.name in values and values[param.name] is not None:
            bound[param.name] = read_value(store, param, values[param.name])
        elif param.default is not None:
            bound[param.name] = read_value(store, param, param.default)
        elif param.required:
            hint = f" ({param.description})" if param.description else ""
            raise QueryError(f"{query.origin}: missing parameter {param.name!r}{hint}; "
                             f"give it with --param {param.name}=VALUE, where VALUE is {KINDS[param.kind]}")
    return bound


def _describe_params(params: tuple[Parameter, ...]) -> str:
    return ", ".join(f"{p.name} ({p.kind}{'' if p.required else ', optional'})" for p in params)


def read_value(store: Store, param: Parameter, value: object) -> Term:
    """One parameter value as the RDF term its kind calls for."""
    kind = param.kind
    check_value(param.name, value)
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    text = str(value).strip() if not isinstance(value, (bool, int, float)) else value
    where = f"--param {param.name}={shown(value)}"
    if kind == "string":
        return ox.Literal(str(value))
    if kind in ("entity", "relation", "class", "iri"):
        if not str(text).strip():
            raise QueryError(f"{where} is empty; give {KINDS[kind]}")
        if isinstance(text, str) and text.startswith("<") and text.endswith(">"):
            return _iri(text[1:-1], where)
        if isinstance(text, str) and re.match(r"^https?://\S+$", text):
            return _iri(text, where)
        if kind in ("class", "iri") and isinstance(text, str):
            return _prefixed(text, where, kind)
        if kind == "entity":
            return resolve_entity(store, str(text), param=param.name)
        return resolve_relation(store, str(text), param=param.name)
    if kind == "integer":
        if isinstance(text, bool) or not re.fullmatch(r"[+-]?\d+", str(text)):
            raise QueryError(f"{where} must be a whole number")
        return ox.Literal(str(int(text)), datatype=XSD.integer)
    if kind == "number":
        try:
            number = float(text)
        except (TypeError, ValueError):
            raise QueryError(f"{where} must be a number") from None
        return ox.Literal(repr(number), datatype=XSD.double)
    if kind == "boolean":
        truth = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        key = str(text).lower()
        if key not in truth:
            raise QueryError(f"{where} must be true or false")
        return ox.Literal("true" if truth[key] else "false", datatype=XSD.boolean)
    if kind == "date":
        if not _DATE.match(str(text)):
            raise QueryError(f"{where} must be an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
        return ox.Literal(str(text))
    raise QueryError(f"parameter {param.name!r} has an unknown kind {kind!r}")  # guarded by named.py


def _iri(text: str, where: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise QueryError(f"{where}: {shown(text)} is not a valid IRI ({exc}); "
                         "write it as <https://...> without spaces or quotes") from None


def _prefixed(text: str, where: str, kind: str) -> ox.NamedNode:
    match = _CURIE.match(text)
    if match and match[1] in VOCABULARY_PREFIXES:
        return _iri(VOCABULARY_PREFIXES[match[1]] + match[2], where)
    if kind == "class" and re.fullmatch(r"[A-Za-z]+", text):
        if text in SCHEMA:
            return SCHEMA[text]
        return _iri(SCHEMA.prefix + text, where)
    known = ", ".join(sorted(VOCABULARY_PREFIXES))
    raise QueryError(f"{where}: expected {KINDS[kind]}; known prefixes: {known}")


def _solutions(store: Store, sparql: str, bindings: dict[str, Term]) -> list:
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    return list(store.query(sparql, substitutions=subs, prefixes=VOCABULARY_PREFIXES))


def resolve_entity(store: Store, label: str, *, param: str = "entity") -> ox.NamedNode:
    """The entity whose label (or alternative label) is ``label``, ignoring case.

    A preferred label wins over an alternative one; two entities with the same
    preferred label are ambiguous, and the error lists them with their IRIs.
    """
    label = " ".join(label.split())
    matches: list = []
    for name in (ox.Literal(label, language="en"), ox.Literal(label)):
        matches += _solutions(store, _ENTITY_EXACT, {"name": name})
    if not matches:
        matches = _solutions(store, _ENTITY_FOLDED, {"folded": ox.Literal(label.lower())})
    preferred = {s["entity"] for s in matches if s["preferred"].value == "true"}
    others = {s["entity"] for s in matches}
    chosen = preferred or others
    if len(chosen) == 1:
        return next(iter(chosen))
    if not chosen:
        near = [s["label"].value for s in _solutions(store, _ENTITY_NEAR, {"folded": ox.Literal(label.lower())})]
        hint = (f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else
                "; `kg query entities-by-type` lists the entities, or pass an IRI as <https://...>")
        raise QueryError(f"--param {param}: no entity is labelled {shown(label)}{hint}")
    raise QueryError(f"--param {param}: {label!r} names {len(chosen)} entities: "
                     f"{_candidates(store, chosen)}; pass the one you mean as <IRI>")


def resolve_relation(store: Store, label: str, *, param: str = "relation") -> ox.NamedNode:
    """The relation type labelled ``label`` ("met"), or keyed so (``meet``)."""
    label = " ".join(label.split())
    found = {s["entity"] for s in _solutions(store, _RELATION_LABELLED, {"folded": ox.Literal(label.lower())})}
    key = label.lower().replace(" ", "_")
    for base in dataset_bases(store):  # the relation type minted from that key, if the store has it
        found.update(s["entity"] for s in _solutions(store, _RELATION_TYPE, {"entity": IriMinter(base).relation(key)}))
    if len(found) == 1:
        return next(iter(found))
    if not found:
        raise QueryError(f"--param {param}: no relation type is labelled {shown(label)}; "
                         "`kg query relation-types` lists them")
    raise QueryError(f"--param {param}: {label!r} names {len(found)} relation types: "
                     f"{_candidates(store, found)}; pass the one you mean as <IRI>")


def _candidates(store: Store, iris: set) -> str:
    described = []
    for iri in sorted(iris, key=lambda n: n.value)[:_MAX_CANDIDATES]:
        rows = _solutions(store, _DESCRIBE, {"entity": iri})
        name = rows[0]["name"].value if rows else "?"
        kind = rows[0]["kind"].value if rows and rows[0]["kind"] is not None else ""
        described.append(f"{name} ({kind}) <{iri.value}>" if kind else f"{name} <{iri.value}>")
    more = f" and {len(iris) - _MAX_CANDIDATES} more" if len(iris) > _MAX_CANDIDATES else ""
    return "; ".join(described) + more
