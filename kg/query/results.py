"""Query results as plain rows, and the formats they are written in.

Machine formats (CSV, TSV, SPARQL JSON, JSON Lines) carry full IRIs; the table
is for reading on a terminal and shortens IRIs with prefixes.

The writers take a :class:`Result`, rows already read (and cut at ``limit``,
or at a timeout), which pyoxigraph's ``QuerySolutions.serialize`` cannot be
handed back: it writes only a live answer, whole. So CSV and JSON go through
the standard library's ``csv`` and ``json``, and a term in N-Triples syntax
(TSV) is written by pyoxigraph itself (``str(term)``).

>>> import pyoxigraph as ox
>>> r = Result(["who", "n"], [(ox.NamedNode("https://schema.org/Person"), ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))])
>>> r.rows[0].who.value, r.to_dicts()
('https://schema.org/Person', [{'who': 'https://schema.org/Person', 'n': 2}])
>>> print(write_table(r, prefixes={"schema": "https://schema.org/"}))
who            n
-------------  -
schema:Person  2
(1 row)
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterator, Mapping

import pyoxigraph as ox

from kg.errors import KGError, QueryError

FORMATS = ("table", "csv", "tsv", "json", "jsonl")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long", "short")}
_DECIMALS = {_XSD + t for t in ("double", "decimal", "float")}
_MAX_CELL = 60


class Row(tuple):
    """One solution: a tuple of RDF terms (``None`` where a variable is unbound)
    that can also be read by variable name, ``row.label`` or ``row["label"]``."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __getattr__(self, name: str):
        try:
            return tuple.__getitem__(self, self._fields.index(name))
        except ValueError:
            raise AttributeError(f"no variable {name!r} in this result; it has {', '.join(self._fields)}") from None

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._fields.index(key))
            except ValueError:
                raise KeyError(key) from None
        return tuple.__getitem__(self, key)

    def _asdict(self) -> dict[str, object]:
        return dict(zip(self._fields, self))

    def __repr__(self) -> str:
        cells = ", ".join(f"{k}={term_value(v)!r}" for k, v in zip(self._fields, self))
        return f"Row({cells})"


@lru_cache(maxsize=256)
def row_type(variables: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (), "_fields": variables})


@dataclass
class Result:
    """A SELECT result as rows of RDF terms, or an ASK answer in ``boolean``.

    ``truncated`` is true when the query had more rows than were read (``limit``).
    """

    variables: list[str]
    rows: list[Row]
    boolean: bool | None = None
    truncated: bool = False
    origin: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        make = row_type(tuple(self.variables))
        self.rows = [r if type(r) is make else make(r) for r in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def to_dicts(self) -> list[dict[str, object]]:
        """Rows as dicts of Python values: IRIs and strings as ``str``, numbers as
        numbers, booleans as ``bool``, unbound as ``None``."""
        return [{v: term_value(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def to_dataframe(self):
        """The rows as a pandas ``DataFrame`` (needs pandas: ``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise KGError("Result.to_dataframe() needs pandas, which is not installed; "
                          "install it with `pip install pandas` (or `pip install kg[pandas]`)") from None
        return pd.DataFrame(self.to_dicts(), columns=list(self.variables))


def term_value(term) -> object:
    """A Python value for a term: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _DECIMALS:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def to_result(answer, *, limit: int | None = None, cancelled: Callable[[], bool] | None = None,
              origin: str = "") -> Result:
    """Read a pyoxigraph answer into a :class:`Result`, at most ``limit`` rows.

    ``cancelled`` is checked between rows so that a query given up on (timeout)
    stops pulling solutions.
    """
    variables, source, boolean = answer_rows(answer)
    if boolean is not None:
        return Result([], [], boolean=boolean, origin=origin)
    rows: list[tuple] = []
    truncated = False
    for row in source:
        if cancelled is not None and cancelled():
            break
        if limit is not None and len(rows) >= limit:
            truncated = True
            break
        rows.append(row)
    return Result(variables, rows, truncated=truncated, origin=origin)


# -- formats ----------------------------------------------------------------------

def write(result: Result, fmt: str = "table", *, prefixes: Mapping[str, str] | None = None) -> str:
    """The result as text in one of :data:`FORMATS`."""
    writer = {"table": lambda r: write_table(r, prefixes=prefixes), "csv": write_csv, "tsv": write_tsv,
              "json": write_json, "jsonl": write_jsonl}.get(fmt)
    if writer is None:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writer(result)


def shorten(term, prefixes: Mapping[str, str] | None = None) -> str:
    """A term as a table cell: IRIs as prefixed names where a prefix fits."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = ""
        for prefix, ns in (prefixes or {}).items():
            if term.value.startswith(ns) and len(ns) > len(best) and len(term.value) > len(ns):
                best, name = ns, prefix
        return f"{name}:{term.value[len(best):]}" if best else term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def write_table(result: Result, *, prefixes: Mapping[str, str] | None = None) -> str:
    """Columns aligned for a terminal; long cells are cut at 60 characters."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    return _written(result, "table", prefixes).removesuffix("\n")


def write_csv(result: Result) -> str:
    """W3C SPARQL 1.1 CSV: variable names, then plain values (full IRIs)."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    return _written(result, "csv")


def _csv_cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def write_tsv(result: Result) -> str:
    """W3C SPARQL 1.1 TSV: ``?var`` header, terms in N-Triples syntax."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    return _written(result, "tsv")


def ntriples(term) -> str:
    """A term in N-Triples syntax (tabs and newlines escaped), as pyoxigraph writes it;
    a triple term as ``<< s p o >>``."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return f"<< {term} >>"
    return str(term)


def sparql_json_term(term) -> dict:
    """A term as a binding of the W3C SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": sparql_json_term(term.subject),
                                            "predicate": sparql_json_term(term.predicate),
                                            "object": sparql_json_term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def write_json(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean})
    return _written(result, "json").removesuffix("\n")


def write_jsonl(result: Result) -> str:
    """JSON Lines: one object a row, keyed by variable, with plain values (full
    IRIs, numbers as numbers, ``null`` where unbound)."""
    if result.boolean is not None:
        return json.dumps({"boolean": result.boolean}) + "\n"
    return _written(result, "jsonl")


def _written(result: Result, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The rows of ``result`` as :func:`write_rows` writes them, as text; a table
    fits its columns to all of them."""
    buffer = io.StringIO()
    write_rows(result.variables, iter(result.rows), fmt, buffer, prefixes=prefixes,
               truncated=lambda: result.truncated, sample=None)
    return buffer.getvalue()


# -- streaming: rows written as they are read -----------------------------------------

TABLE_SAMPLE = 500  # rows a streamed table reads before fixing its column widths


def answer_rows(answer) -> tuple[list[str], Iterator[tuple] | None, bool | None]:
    """(variables, rows, boolean) of a live pyoxigraph answer, the rows read lazily."""
    if isinstance(answer, ox.QueryBoolean):
        return [], None, bool(answer)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return variables, (tuple(sol[v] for v in variables) for sol in answer), None
    # CONSTRUCT / DESCRIBE: triples as three columns
    return ["subject", "predicate", "object"], ((t.subject, t.predicate, t.object) for t in answer), None


def write_stream(variables: list[str], rows: Iterator[tuple] | None, boolean: bool | None, fmt: str,
                 out, *, prefixes: Mapping[str, str] | None = None, limit: int | None = None) -> int:
    """Write rows to the text file ``out`` as they come, in one of :data:`FORMATS`;
    return how many. Memory stays flat however many rows the query has (a table
    reads :data:`TABLE_SAMPLE` rows first, for its column widths)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if boolean is not None:
        out.write(write(Result([], [], boolean=boolean), fmt).rstrip("\n") + "\n")
        return 0
    make = row_type(tuple(variables))
    source = (make(r) for r in rows)
    truncated = False
    if limit is not None:
        def capped(it=source):
            nonlocal truncated
            for n, row in enumerate(it):
                if n >= limit:
                    truncated = True
                    return
                yield row
        source = capped()
    return write_rows(variables, source, fmt, out, prefixes=prefixes, truncated=lambda: truncated)


def write_rows(variables: list[str], rows: Iterator[tuple], fmt: str, out, *,
               prefixes: Mapping[str, str] | None = None, truncated: Callable[[], bool] = lambda: False,
               sample: int | None = TABLE_SAMPLE) -> int:
    """Write ``rows`` (not a boolean answer) to ``out`` in ``fmt``, each as it
    comes, every format ending in a newline; return how many. A table fits its
    columns to its first ``sample`` rows (all, for None); ``truncated`` says,
    once the rows are read, whether there were more."""
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for n, row in enumerate(rows, 1):
            writer.writerow([_csv_cell(t) for t in row])
    elif fmt == "tsv":
        out.write("\t".join(f"?{v}" for v in variables) + "\n")
        for n, row in enumerate(rows, 1):
            out.write("\t".join(ntriples(t) for t in row) + "\n")
    elif fmt == "jsonl":
        for n, row in enumerate(rows, 1):
            out.write(json.dumps({v: term_value(t) for v, t in zip(variables, row)}, ensure_ascii=False) + "\n")
    elif fmt == "json":
        out.write(json.dumps({"head": {"vars": list(variables)}}, ensure_ascii=False)[:-1] + ', "results": {"bindings": [')
        for n, row in enumerate(rows, 1):
            binding = {v: sparql_json_term(t) for v, t in zip(variables, row) if t is not None}
            out.write(("" if n == 1 else ", ") + json.dumps(binding, ensure_ascii=False))
        out.write("]}}\n")
    elif fmt == "table":
        n = _write_table_rows(variables, rows, out, prefixes, truncated, sample)
    else:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return n


def _write_table_rows(variables, rows, out, prefixes, truncated: Callable[[], bool], sample: int | None) -> int:
    def cells(row) -> list[str]:
        return [" ".join(shorten(t, prefixes).split()) for t in row]

    first = []
    for row in rows:
        first.append(cells(row))
        if sample is not None and len(first) >= sample:
            break
    widths = [min(_MAX_CELL, max([len(h)] + [len(r[i]) for r in first])) for i, h in enumerate(variables)]

    def line(row: list[str]) -> str:
        return "  ".join((c if len(c) <= w else c[: w - 1] + "\u2026").ljust(w)
                         for c, w in zip(row, widths)).rstrip() + "\n"

    out.write(line(list(variables)) + line(["-" * w for w in widths]))
    n = 0
    for n, row in enumerate(first, 1):
        out.write(line(row))
    for n, row in enumerate(rows, n + 1):
        out.write(line(cells(row)))
    more = f", more not shown (--limit {n})" if truncated() else ""
    out.write(f"({n} row{'' if n == 1 else 's'}{more})\n")
    return n
