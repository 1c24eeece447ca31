"""Running SPARQL for researchers: named queries, safe parameters, output formats.

>>> from kg import KnowledgeGraph                                # doctest: +SKIP
>>> graph = KnowledgeGraph("kg-store", read_only=True)           # doctest: +SKIP
>>> graph.query("relations-between", entity="UK", other="EU").to_dicts()   # doctest: +SKIP

A query is SPARQL text, the name of a file in ``queries/`` or a ``.rq`` path.
Parameters are bound with pyoxigraph's ``substitutions`` (never pasted into the
text), after being read as the kind the query's header declares: an ``entity``
given as a label is looked up in the store (:mod:`kg.query.params`).
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Mapping

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query.named import (KINDS, NamedQuery, Parameter, is_query_reference, list_queries, load_query,
                            parse_query, query_dirs, resolve_query)
from kg.query.params import (bind_parameters, check_value, parse_param, read_value, resolve_entity, resolve_relation,
                             split_param, to_term)
from kg.query.results import FORMATS, Result, Row, term_value, to_result, write, write_table
from kg.rdf.iris import base_of
from kg.rdf.prefixes import VOCABULARY_PREFIXES as DEFAULT_PREFIXES
from kg.rdf.prefixes import dataset_prefixes
from kg.query.words import names_own_dataset
from kg.store.base import Store

__all__ = [
    "DEFAULT_PREFIXES", "FORMATS", "KINDS", "NamedQuery", "Parameter", "QueryTimeout", "Result", "Row",
    "bind_parameters", "call_with_timeout", "display_prefixes", "execute", "format_answer",
    "is_query_reference", "list_queries", "load_query", "parse_param", "parse_query", "query_dirs",
    "read_value", "resolve_entity", "resolve_query", "resolve_relation", "run", "stream", "split_param",
    "syntax_error_message", "term_value", "to_result", "to_term", "write", "write_table",
]


class QueryTimeout(QueryError):
    """A query did not answer within the time it was given."""


def execute(store: Store, sparql: str, params: Mapping[str, object] | None = None, *, origin: str = ""):
    """Run a query with parameters bound as RDF terms (never spliced into text);
    returns pyoxigraph's lazy answer. A syntax error names ``origin``, the line
    and the column."""
    for name, value in (params or {}).items():
        check_value(name, value)
    subs = {ox.Variable(k): to_term(v) for k, v in (params or {}).items()}
    where = f"{origin}: " if origin else ""
    try:
        # kg's default graph is the union of all graphs, unless the query names its
        # own dataset (pyoxigraph's union would silently override FROM / FROM NAMED)
        return store.query(sparql, substitutions=subs, prefixes=DEFAULT_PREFIXES,
                           union=not names_own_dataset(sparql))
    except SyntaxError as exc:
        raise QueryError(_read_only(sparql) or syntax_error_message(str(exc), sparql, origin)) from None
    except QueryError as exc:
        if isinstance(exc.__cause__, SyntaxError):
            raise QueryError(_read_only(sparql)
                             or syntax_error_message(str(exc.__cause__), sparql, origin)) from None
        raise QueryError(f"{where}{exc}") from None


def _read_only(sparql: str) -> str | None:
    """The message for a SPARQL update given where a query goes, or None when
    ``sparql`` is not one (rdflib's parser reads it; nothing is run)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - any failure: not an update, the query's own error stands
        return None
    return ("kg query is read-only: this is a SPARQL update (INSERT, DELETE, LOAD, CLEAR ...). "
            "Change the store with kg build, kg remove or kg load.")


def syntax_error_message(message: str, sparql: str, origin: str = "") -> str:
    """pyoxigraph's ``error at LINE:COLUMN: ...`` as ``FILE:LINE:COLUMN: ...`` on one
    line, quoting the offending line. The text is parsed as given, so the
    position is the position in the file."""
    where = origin or "query"
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", message, re.DOTALL)
    if match is None:
        return f"{where}: SPARQL syntax error: {' '.join(message.split())}"
    line, column = int(match[1]), int(match[2])
    detail = " ".join(match[3].split())
    lines = sparql.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    prefix = re.search(r"([A-Za-z][\w.\-]*):[\w.\-]*$", source[: column - 1])
    if "Prefix not found" in detail and prefix:
        known = ", ".join(sorted(DEFAULT_PREFIXES))
        detail = (f"unknown prefix '{prefix[1]}:'; declare it with PREFIX {prefix[1]}: <...> "
                  f"(these need no declaration: {known})")
    elif len(detail) > 120:
        detail = detail[:117] + "..."
    near = f" in line {line}: {source.strip()[:80]!r}" if source.strip() else ""
    return f"{where}:{line}:{column}: SPARQL syntax error: {detail}{near}"


def run(store: Store, query: str | NamedQuery, params: Mapping[str, object] | None = None, *,
        limit: int | None = None, timeout: float | None = None) -> Result:
    """Run SPARQL text, a named query (``"relations"``) or a ``.rq`` file.

    ``params`` are checked against the parameters the query's header declares,
    defaults filled in and labels resolved to IRIs. ``limit`` stops reading after
    that many rows (``Result.truncated`` tells whether there were more).

    ``timeout`` (seconds) runs the query in a worker thread and raises
    :class:`QueryTimeout` when it has not answered in time. Oxigraph cannot stop
    a query half-way: a query still streaming rows stops at the next row, but
    one that computes its whole answer first (ORDER BY, GROUP BY) runs on in the
    background until it finishes or the process exits, as ``kg query`` does.
    """
    named = _named(query, limit)

    def work(cancelled: Callable[[], bool]) -> Result:
        bound = bind_parameters(store, named, params)
        answer = execute(store, named.text, bound, origin=named.origin)
        with _reading(named):
            return to_result(answer, limit=limit, cancelled=cancelled, origin=named.origin)

    return call_with_timeout(work, timeout, origin=named.origin)


def stream(store: Store, query: str | NamedQuery, params: Mapping[str, object] | None = None, *,
           fmt: str = "table", out=None, limit: int | None = None,
           prefixes: Mapping[str, str] | None = None) -> int:
    """Run a query as :func:`run` does and write its rows to ``out`` (stdout) in
    ``fmt`` as they are read, without holding them: for answers of any size.
    Returns the rows written."""
    import sys

    from kg.query.results import answer_rows, write_stream

    named = _named(query, limit)
    bound = bind_parameters(store, named, params)
    variables, rows, boolean = answer_rows(execute(store, named.text, bound, origin=named.origin))
    with _reading(named):
        return write_stream(variables, rows, boolean, fmt, out or sys.stdout,
                            prefixes=DEFAULT_PREFIXES if prefixes is None else prefixes, limit=limit)


def _named(query: str | NamedQuery, limit: int | None) -> NamedQuery:
    """The query :func:`run` and :func:`stream` are given: SPARQL text, a name or a file."""
    if isinstance(query, NamedQuery):
        named = query
    else:
        named = load_query(query) if is_query_reference(query) else parse_query(query)
    if limit is not None and limit < 0:
        raise QueryError(f"--limit must be 0 or more, not {limit}")
    return named


@contextmanager
def _reading(named: NamedQuery) -> Iterator[None]:
    """An error while reading an answer's rows is the query's, named by its origin;
    a closed pipe and a damaged store (RocksDB's "Corruption") go on as they are,
    for the command to report."""
    try:
        yield
    except (OSError, RuntimeError, ValueError) as exc:
        if isinstance(exc, BrokenPipeError) or "Corruption" in str(exc):
            raise
        raise QueryError(f"{named.origin}: query failed: {exc}") from exc


def call_with_timeout(work: Callable[[Callable[[], bool]], Result], timeout: float | None, *,
                      origin: str = "query") -> Result:
    """``work(cancelled)`` in a daemon thread, given up on after ``timeout`` seconds."""
    if timeout is None:
        return work(lambda: False)
    if timeout <= 0:
        raise QueryError(f"--timeout must be more than 0 seconds, not {timeout:g}")
    stop = threading.Event()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work(stop.is_set)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"kg query {origin}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        stop.set()
        raise QueryTimeout(f"{origin}: no answer after {timeout:g} s (--timeout {timeout:g}); the query was "
                           "abandoned. Narrow it with parameters or a LIMIT, or allow more time.")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def display_prefixes(store: Store) -> dict[str, str]:
    """Prefixes for showing IRIs in a table: the vocabularies, Wikidata, DBpedia,
    and this store's own ``entity:``, ``rel:`` and ``doc:`` namespaces (read off a
    document IRI, so any --base-iri works)."""
    rows = list(store.query("SELECT ?d WHERE { ?d a kg:Document } LIMIT 1", prefixes=DEFAULT_PREFIXES))
    return dataset_prefixes(base_of(rows[0]["d"].value) if rows else None, links=True)


def format_answer(answer, fmt: str = "table", *, prefixes: Mapping[str, str] | None = None) -> str:
    """Render a :class:`Result` (or a pyoxigraph answer) as an aligned table, CSV,
    TSV, SPARQL JSON or JSON Lines."""
    result = answer if isinstance(answer, Result) else to_result(answer)
    return write(result, fmt, prefixes=DEFAULT_PREFIXES if prefixes is None else prefixes)


def _table(result: Result) -> str:
    return write_table(result, prefixes=DEFAULT_PREFIXES)
