"""Binding lists of terms to SPARQL variables as a ``VALUES`` block.

pyoxigraph's ``substitutions=`` binds one term per variable, and the SPARQL 1.1
protocol has no way to send bindings beside a query. So the remote store (for
every parameter) and the entity refresh (for a chunk of entities at once, on
either store) write the bindings into the query as a ``VALUES`` block opening
its ``WHERE`` group; every term is written by pyoxigraph's own serialiser
(``str(term)``, N-Triples syntax), never by formatting text from data.
"""
from __future__ import annotations

import re
from typing import Mapping

import pyoxigraph as ox

from kg.errors import QueryError

_STRING = (r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
           r'|"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*'")
_TOKENS = re.compile(
    r"(?P<skip>\#[^\r\n]*|" + _STRING + r"|<[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<word>(?<![\w?$:@.-])[A-Za-z]+(?![\w:-]))"
    r"|(?P<punct>[{}()])",
    re.DOTALL,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def bind_values(sparql: str, substitutions: Mapping[ox.Variable, object]) -> str:
    """The query with ``substitutions`` written as a ``VALUES`` block opening its
    ``WHERE`` group.

    A block at the start of the group is joined with everything in it, so the
    values are seen by the group's patterns, ``FILTER``s and ``BIND``s, as
    pyoxigraph's ``substitutions=`` are. (A trailing ``VALUES`` after the query
    would be joined only with its results: a variable used just in a ``FILTER``
    would be unbound there.) Unlike pyoxigraph, the variable need not be in
    the SELECT clause. A value may be a list of terms: one row each.
    Terms are written by pyoxigraph (``str(term)``: N-Triples syntax, escaped
    by the library), and variable names are checked by ``ox.Variable``.

    >>> bind_values('SELECT ?n WHERE { ?e rdfs:label ?n }', {ox.Variable("e"): ox.NamedNode("http://x/e")})
    'SELECT ?n WHERE { VALUES (?e) { (<http://x/e>) } ?e rdfs:label ?n }'
    """
    variables = list(substitutions)
    columns = [_column(v, substitutions[v]) for v in variables]
    if len({len(c) for c in columns}) > 1:
        raise QueryError("parameters given as lists must all have the same length")
    head = " ".join(str(v) for v in variables)
    rows = " ".join("(" + " ".join(row) + ")" for row in zip(*columns))
    at = _where_group(sparql)
    return f"{sparql[:at]} VALUES ({head}) {{ {rows} }}{sparql[at:]}"


def _column(variable, value) -> list[str]:
    if not isinstance(variable, ox.Variable):
        raise QueryError(f"parameter {variable!r} must be a pyoxigraph Variable")
    terms = value if isinstance(value, (list, tuple)) else [value]
    for term in terms:
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise QueryError(f"parameter {variable} = {term!r}: only IRIs and literals can be bound")
    return [str(term) for term in terms]


def _where_group(sparql: str) -> int:
    """Offset just inside the ``{`` opening the ``WHERE`` group of a query (or of
    a ``DELETE``/``INSERT ... WHERE`` update).

    Comments, strings and IRIs are skipped as wholes, so braces and keywords
    inside them do not count; nor do braces inside parentheses (``EXISTS { }``
    in a SELECT expression) or inside a CONSTRUCT or update template.
    """
    form = None
    depth = parens = 0
    templates = 0  # top-level groups closed before the WHERE group: CONSTRUCT / update templates
    after_where = False
    for match in _TOKENS.finditer(sparql):
        kind, token = match.lastgroup, match.group()
        if kind == "skip":
            continue
        top = depth == 0 and parens == 0
        if kind == "word":
            word = token.upper()
            if top and form is None and word in _FORMS:
                form = word
            elif top and word == "WHERE":
                after_where = True
            continue
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "{":
            if top and (after_where or form in ("SELECT", "ASK", "DESCRIBE")
                        or (form == "CONSTRUCT" and templates == 1)):
                if templates == 0 and form in (None, "CONSTRUCT"):
                    raise QueryError("parameters cannot be bound in the short `CONSTRUCT WHERE { }` or "
                                     "`DELETE WHERE { }` form on a remote store; write the template "
                                     "and the WHERE group separately")
                return match.end()
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0 and parens == 0:
                templates += 1
    if form is None:
        raise QueryError("parameters can only be bound in a query, or an update with a WHERE group")
    raise QueryError(f"parameters can only be bound in a {form} query that has a WHERE {{ }} group")
