"""Named queries: the ``.rq`` files in ``queries/`` and what their headers declare.

A named query is a plain SPARQL file that other tools can run unchanged. Its
leading comment block is read for documentation and parameters::

    # Everything the graph knows about one entity            <- title (first line)
    #
    # Labels, types, Wikidata links, the documents ...        <- description
    #
    # @param entity: entity -- the entity, as a label or <IRI>
    # @param type: class, optional -- only entities of this schema.org class
    # @param from: date = 0001-01-01 -- earliest document date
    #
    # Example:
    #   kg query entity --param entity="Keir Starmer"

A parameter is required unless it is marked ``optional`` (left unbound, so it
matches anything) or has a ``= default``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.errors import QueryError

#: Parameter kinds and how a value given on the command line is read.
KINDS = {
    "entity": "a label (case-insensitive) or an <IRI>",
    "relation": "a relation label (\"met\"), its key (meet) or an <IRI>",
    "class": "a schema.org class (Person), a prefixed name (schema:Person) or an <IRI>",
    "iri": "an <IRI> or a prefixed name (schema:Person)",
    "string": "any text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "an ISO date: YYYY, YYYY-MM or YYYY-MM-DD",
}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_PARAM = re.compile(
    r"^@param\s+\??(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<kind>[a-z]+)"
    r"\s*(?:,\s*(?P<flag>optional|required)|=\s*(?P<default>\"[^\"]*\"|\S+))?"
    r"\s*(?:--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    """A variable a named query lets its caller bind."""

    name: str
    kind: str
    required: bool = True
    default: str | None = None
    description: str = ""

    def usage(self) -> str:
        """``entity`` for a required parameter, ``[type]`` for an optional one."""
        return self.name if self.required else f"[{self.name}]"


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with the documentation and parameters of its header."""

    name: str
    text: str
    origin: str  # the file it was read from, or "-e" for a query given inline
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    example: str = ""

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def header(self) -> str:
        """The leading comment block, as written in the file."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line)
        return "\n".join(lines)


def query_dirs() -> list[Traversable]:
    """Where named queries are looked up: the user's ``./queries`` first, then
    the queries installed with kg (the package ``kg.queries``)."""
    dirs: list[Traversable] = []
    local = Path.cwd() / "queries"
    if local.is_dir():
        dirs.append(local)
    shipped = resources.files("kg.queries")
    if not (isinstance(shipped, Path) and local.is_dir() and shipped.resolve() == local.resolve()):
        dirs.append(shipped)
    return dirs


def list_queries() -> dict[str, Traversable]:
    """Query name -> file, for every ``.rq`` file in the query folders (a user's
    own query of the same name wins)."""
    found: dict[str, Traversable] = {}
    for d in query_dirs():
        for path in sorted((p for p in d.iterdir() if p.name.endswith(".rq") and p.is_file()),
                           key=lambda p: p.name):
            found.setdefault(path.name[: -len(".rq")], path)
    return dict(sorted(found.items()))


_SUFFIXES = (".rq", ".sparql")


def is_query_reference(spec: str) -> bool:
    """Does ``spec`` name a query (a name or a file) rather than hold SPARQL text?"""
    if spec.endswith(_SUFFIXES) or _NAME.match(spec):
        return True
    return not any(c.isspace() or c in "{}" for c in spec) and Path(spec).is_file()


def load_query(spec: str) -> NamedQuery:
    """The query a name (``relations``) or a file path (``my/query.rq``) refers to.
    A bare name is looked up in the query folders first."""
    path = Path(spec)
    if _NAME.match(spec) and not spec.endswith(_SUFFIXES):
        candidate = list_queries().get(spec)
        if candidate is not None:
            return parse_query(candidate.read_text(encoding="utf-8"), name=spec, origin=str(candidate))
    if spec.endswith(_SUFFIXES) or path.is_file() or not _NAME.match(spec):
        if not path.is_file():
            raise QueryError(f"query file not found: {spec}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read the query file {spec}: {exc}") from None
        return parse_query(text, name=path.stem, origin=str(path))
    names = ", ".join(list_queries()) or "none found"
    raise QueryError(f"no query named {spec!r}; named queries: {names}. "
                     "`kg queries` lists them; or pass a .rq file or -e 'SPARQL'.")


def resolve_query(spec: str) -> tuple[str, str]:
    """(SPARQL text, the file it came from) for a named query or a ``.rq`` path."""
    query = load_query(spec)
    return query.text, query.origin


def parse_query(text: str, *, name: str = "-e", origin: str = "-e") -> NamedQuery:
    """Read a query's header comment; text without a header gives a query without
    declared parameters."""
    comments: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            if comments:
                comments.append((lineno, ""))
            continue
        if not stripped.startswith("#"):
            break
        comments.append((lineno, stripped[1:].strip()))

    title = ""
    description: list[str] = []
    example: list[str] = []
    params: list[Parameter] = []
    section = "description"
    for lineno, line in comments:
        if not title:
            title = line
            continue
        if line.startswith("@param"):
            params.append(_parse_param_line(line, f"{origin}:{lineno}"))
            section = "params"
        elif re.match(r"^examples?:", line, re.IGNORECASE):
            section = "example"
            rest = line.split(":", 1)[1].strip()
            if rest:
                example.append(rest)
        elif section == "example":
            if line:
                example.append(line)
        elif section == "description":
            description.append(line)
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise QueryError(f"{origin}: parameter {', '.join(duplicates)} declared twice")
    return NamedQuery(name=name, text=text, origin=origin, title=title,
                      description=" ".join(" ".join(description).split()),
                      parameters=tuple(params), example="\n".join(example))


def _parse_param_line(line: str, where: str) -> Parameter:
    match = _PARAM.match(line)
    if match is None:
        raise QueryError(f"{where}: cannot read {line!r}; write "
                         "'@param NAME: KIND[, optional | = DEFAULT] -- description'")
    kind = match["kind"]
    if kind not in KINDS:
        raise QueryError(f"{where}: unknown parameter kind {kind!r}; use one of {', '.join(KINDS)}")
    default = match["default"]
    if default is not None and default.startswith('"'):
        default = default[1:-1]
    required = default is None and match["flag"] != "optional"
    return Parameter(name=match["name"], kind=kind, required=required, default=default,
                     description=(match["doc"] or "").strip())
