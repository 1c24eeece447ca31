"""Running SPARQL for researchers: named queries, safe parameters, output formats."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.rdf.namespace import PREFIXES, XSD
from kg.rdf.terms import KG_NAMESPACE

QUERY_DIRS = (Path.cwd() / "queries", Path(__file__).resolve().parents[2] / "queries")
FORMATS = ("table", "csv", "tsv", "json")
DEFAULT_PREFIXES = {**PREFIXES, "kg": KG_NAMESPACE}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def query_dirs() -> list[Path]:
    seen, out = set(), []
    for d in (Path.cwd() / "queries", Path(__file__).resolve().parents[2] / "queries"):
        if d.is_dir() and d.resolve() not in seen:
            seen.add(d.resolve())
            out.append(d)
    return out


def resolve_query(spec: str) -> tuple[str, str]:
    """(sparql text, where it came from) for a file path or a named query."""
    path = Path(spec)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise QueryError(f"query file not found: {spec}")
        return path.read_text(encoding="utf-8"), str(path)
    if _NAME.match(spec):
        for d in query_dirs():
            candidate = d / f"{spec}.rq"
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8"), str(candidate)
    names = ", ".join(sorted(list_queries())) or "none found"
    raise QueryError(f"no query named {spec!r}; named queries: {names}. "
                     "Pass a .rq file path or -e 'SPARQL' instead.")


def list_queries() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in query_dirs():
        for p in sorted(d.glob("*.rq")):
            found.setdefault(p.stem, p)
    return found


def parse_param(raw: str) -> tuple[str, ox.NamedNode | ox.Literal]:
    """``name=value`` -> (variable name, RDF term). ``<iri>`` is an IRI, integers are
    xsd:integer, decimals xsd:double, anything else a plain string."""
    if "=" not in raw:
        raise QueryError(f"--param {raw!r} must look like name=value")
    name, value = raw.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise QueryError(f"--param name {name!r} is not a SPARQL variable name")
    return name, to_term(value)


def to_term(value: object) -> ox.NamedNode | ox.Literal:
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
        try:
            return ox.NamedNode(text[1:-1])
        except ValueError as exc:
            raise QueryError(f"parameter value {text!r} is not a valid IRI: {exc}") from None
    if re.fullmatch(r"[+-]?\d+", text):
        return ox.Literal(text, datatype=XSD.integer)
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        return ox.Literal(text, datatype=XSD.double)
    return ox.Literal(text)


@dataclass
class Result:
    """A SELECT result as plain rows (variable names and terms), or an ASK boolean."""

    variables: list[str]
    rows: list[tuple]
    boolean: bool | None = None

    def to_dicts(self) -> list[dict[str, object]]:
        return [{v: term_value(t) for v, t in zip(self.variables, row)} for row in self.rows]


def term_value(term) -> object:
    """A Python value for display: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith(("#double", "#decimal", "#float")):
            try:
                return float(term.value)
            except ValueError:
                return term.value
    return term.value


def execute(store, sparql: str, params: dict[str, object] | None = None):
    """Run a query with parameters bound as RDF terms (never spliced into text)."""
    subs = {ox.Variable(k): to_term(v) for k, v in (params or {}).items()}
    return store.query(sparql, substitutions=subs, prefixes=DEFAULT_PREFIXES)


def to_result(answer) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return Result([], [], boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return Result(variables, [tuple(sol[v] for v in variables) for sol in answer])
    # CONSTRUCT / DESCRIBE: triples as three columns
    return Result(["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in answer])


def run(store, sparql: str, params: dict[str, object] | None = None) -> Result:
    return to_result(execute(store, sparql, params))


_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}


def format_answer(answer, fmt: str = "table") -> str:
    """Render a query answer as an aligned table, or in a W3C SPARQL results format
    (CSV, TSV, JSON) written by pyoxigraph itself."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "table":
        result = to_result(answer)
        if result.boolean is not None:
            return "true" if result.boolean else "false"
        return _table(result)
    if isinstance(answer, ox.QueryTriples):
        raise QueryError(f"a CONSTRUCT/DESCRIBE result has no {fmt} form; use --format table "
                         "or `kg export` for RDF output")
    if isinstance(answer, ox.QueryBoolean) and fmt != "json":
        return "true" if bool(answer) else "false"
    return answer.serialize(format=_RESULT_FORMATS[fmt]).decode("utf-8")


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in DEFAULT_PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(result: Result) -> str:
    header = result.variables
    body = [[_short(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in body])) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join((c if len(c) <= w else c[: w - 1] + "\u2026").ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in body)
    out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(out)
