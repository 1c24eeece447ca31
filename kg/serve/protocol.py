"""Reading a SPARQL 1.1 Protocol request (https://www.w3.org/TR/sparql11-protocol/)
into the operation it asks for, or the HTTP error it earns.

The three ways to send a query are read here: ``GET ?query=``, a POST of an
``application/x-www-form-urlencoded`` form with ``query=``, and a POST of the
query itself as ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` (each repeatable) name the dataset. Everything about an
update is refused: this endpoint is read-only (403). The rest of the
protocol's errors are 400 (a malformed request), 405 (a method other than
GET, HEAD or POST) and 415 (a body in another media type or charset). This
module only reads: it knows nothing of Starlette or of the store.

>>> read_operation("GET", "query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fex%2Fg", None, b"")
QueryOperation(query='ASK {}', default_graphs=('http://ex/g',), named_graphs=())
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl

import pyoxigraph as ox

from kg.errors import KGError
from kg.query.words import keywords

ALLOWED_METHODS = ("GET", "HEAD", "POST")
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
# more fields than any real request has (a dataset of this many graphs is
# better named with FROM in the query); parse_qsl stops counting there
MAX_FIELDS = 1000


class ProtocolError(KGError):
    """A request the protocol answers with an error ``status``; the message says
    what was wrong and how to ask instead."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class Param(StrEnum):
    QUERY = "query"
    UPDATE = "update"
    DEFAULT_GRAPH = "default-graph-uri"
    NAMED_GRAPH = "named-graph-uri"


READ_ONLY = ("this SPARQL endpoint is read-only: it answers queries (SELECT, ASK, CONSTRUCT, DESCRIBE) "
             "and refuses every update (INSERT, DELETE, LOAD, CLEAR ...). Change the store with kg build, "
             "kg remove or kg load, then restart kg serve.")


@dataclass(frozen=True)
class QueryOperation:
    """A query and the dataset the request names for it (none: the store's own,
    where the default graph is the union of all graphs)."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read_operation(method: str, query_string: str, content_type: str | None, body: bytes) -> QueryOperation | None:
    """The query a request asks for, or None for a GET that asks none (which the
    endpoint answers with its service description). Raises :class:`ProtocolError`."""
    method = method.upper()
    if method not in ALLOWED_METHODS:
        raise ProtocolError(405, f"method {method} is not allowed here: send a query with GET ?query=... or POST",
                            {"Allow": ", ".join(ALLOWED_METHODS)})
    url = _fields(query_string, "the URL's query string")
    if method in ("GET", "HEAD"):
        if url.get(Param.UPDATE):
            raise ProtocolError(403, READ_ONLY)
        if not url.get(Param.QUERY):
            if url.get(Param.DEFAULT_GRAPH) or url.get(Param.NAMED_GRAPH):
                raise ProtocolError(400, "default-graph-uri / named-graph-uri were given without a query= to run")
            return None
        return _operation(url)
    media_type = _media_type(content_type)
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if media_type == FORM:
        fields = _fields(_utf8(body, "the form body"), "the form body")
        if fields.get(Param.UPDATE) or url.get(Param.UPDATE):
            raise ProtocolError(403, READ_ONLY)
        merged = {name: url.get(name, []) + fields.get(name, []) for name in set(url) | set(fields)}
        if not merged.get(Param.QUERY):
            raise ProtocolError(400, "the form has no query= field; send the query as query=... "
                                     "(URL-encoded), or POST it as application/sparql-query")
        return _operation(merged)
    if media_type == SPARQL_QUERY:
        if url.get(Param.UPDATE):
            raise ProtocolError(403, READ_ONLY)
        if url.get(Param.QUERY):
            raise ProtocolError(400, "two queries: one in the URL (query=) and one in the body; send one")
        query = _utf8(body, "the query").removeprefix("\ufeff")
        return _operation({**url, Param.QUERY: [query]})
    if media_type is None:
        raise ProtocolError(415, f"a POST needs a Content-Type: {FORM} (with query=...) or {SPARQL_QUERY} "
                                 "(the query itself as the body)")
    raise ProtocolError(415, f"cannot read a POST body of type {media_type[:100]!r}: send {FORM} "
                             f"(with query=...) or {SPARQL_QUERY} (the query itself as the body)")


def _media_type(content_type: str | None) -> str | None:
    """The media type of a Content-Type header (lower case; None when absent), after
    checking that any charset it names is UTF-8, the only one the protocol allows."""
    if content_type is None or not content_type.strip():
        return None
    media_type, *params = (part.strip() for part in content_type.split(";"))
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"charset={value.strip()[:40]} is not supported: the SPARQL protocol sends "
                                     "queries in UTF-8 (say charset=utf-8, or no charset)")
    return media_type.lower()


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not UTF-8 (byte {body[exc.start]:#04x} at offset {exc.start}); "
                                 "the SPARQL protocol sends queries in UTF-8") from None


def _fields(encoded: str, what: str) -> dict[str, list[str]]:
    """URL-encoded ``name=value`` pairs by name, percent-escapes read as UTF-8."""
    try:
        pairs = parse_qsl(encoded, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} has a percent-escape that is not UTF-8; the SPARQL protocol "
                                 "encodes queries as UTF-8") from None
    except ValueError:
        raise ProtocolError(400, f"{what} has more than {MAX_FIELDS} fields") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _operation(fields: dict[str, list[str]]) -> QueryOperation:
    queries = fields.get(Param.QUERY, [])
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} queries in one request (query= given {len(queries)} times); "
                                 "send one query a request")
    return QueryOperation(queries[0], _iris(fields, Param.DEFAULT_GRAPH), _iris(fields, Param.NAMED_GRAPH))


def _iris(fields: dict[str, list[str]], param: Param) -> tuple[str, ...]:
    iris = fields.get(param, [])
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ProtocolError(400, f"{param}={iri[:200]!r} is not an absolute IRI ({exc}); give one like "
                                     "http://example.org/graph") from None
    return tuple(dict.fromkeys(iris))


def uses_service(query: str) -> bool:
    """Whether ``query`` has a SERVICE clause, which would have the server fetch
    from any URL it names (Oxigraph runs federated queries over HTTP): a public
    endpoint must not be made to reach into the network it stands in.

    >>> uses_service("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    True
    """
    return "SERVICE" in keywords(query)
