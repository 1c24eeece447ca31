"""The query worker: a process that holds the store open read-only and answers
one query at a time, written in the format the request's Accept header chose.

Oxigraph cannot interrupt a query, and a thread cannot be stopped from
outside, so a query that must be stopped runs where it can be: in a process
the server kills (:mod:`kg.serve.pool`). The worker talks to the server over
a ``multiprocessing`` connection: it receives a pickled :class:`QueryJob`
and sends back messages of one tag byte each, ``D`` + a chunk of the answer,
then one ``E`` + a JSON :class:`Outcome` that ends it (or, before any job,
``R`` when the store is open and ``E`` when it could not be opened).

With ``max_rows`` the answer is cut after that many rows (solutions, or
triples for CONSTRUCT and DESCRIBE) and the :class:`Outcome` says it is
partial; where a format has room for it, the body says so too:

- SPARQL JSON results open with a top-level member ``"partial": true``;
- SPARQL XML results and RDF/XML end with a comment ``<!-- partial: ... -->``;
- Turtle and N-Triples end with a comment line ``# partial: ...``;
- CSV, TSV and JSON-LD have no room for it: the response header says it alone.
"""
from __future__ import annotations

import io
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query import DEFAULT_PREFIXES, syntax_error_message
from kg.serve import answers
from kg.serve.answers import PageJob
from kg.serve.negotiate import AnswerKind, MediaRange, Offer, choose, not_acceptable, offers_for
from kg.query.words import keywords, names_own_dataset
from kg.serve.protocol import READ_ONLY, QueryOperation
from kg.serve.sources import open_source
from kg.store.oxigraph import GraphStore

READY, DATA, END = b"R", b"D", b"E"
CHUNK = 256 * 1024  # bytes a message carries: few messages per answer, little held twice
SPOOL_MEMORY = 8 * 1024 * 1024  # bytes of a cut answer held in memory before it goes to a file


@dataclass(frozen=True)
class QueryJob:
    operation: QueryOperation
    accept: tuple[MediaRange, ...] = ()
    accept_header: str | None = None
    max_rows: int | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class Outcome:
    """How a job ended: ``status`` 200 with the answer's media type, else an
    error status and its message."""

    status: int
    content_type: str = ""
    partial: bool = False
    message: str = ""
    location: str = ""  # a page job's 303 target
    content_location: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Outcome:
        return cls(**json.loads(data))


def main(conn, store_path: str) -> None:
    """The worker process: open the store, then answer jobs until the server
    closes the connection, or dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    _exit_with_parent()
    try:
        store = open_source(store_path)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the server's to report
        conn.send_bytes(END + Outcome(500, message=str(exc)).to_bytes())
        return
    conn.send_bytes(READY)
    # search's indexes, read while the worker waits for its first job (seconds on a large store)
    threading.Thread(target=answers.warm, args=(store,), name="kg serve: warm", daemon=True).start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        out = _Chunks(conn)
        try:
            outcome = answer_page(store, job, out) if isinstance(job, PageJob) else answer(store, job, out)
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 and the worker goes on
            outcome = Outcome(500, message=f"internal error in the query worker: {exc!r}")
        if outcome.status == 200 or isinstance(job, PageJob):
            out.close()
        conn.send_bytes(END + outcome.to_bytes())


def _exit_with_parent() -> None:
    """Exit as soon as the server process is gone, even in the middle of a query
    (pyoxigraph runs a query without the GIL, so this thread wakes): a server
    killed with SIGKILL leaves no query computing for no one."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="kg serve: exit with the server", daemon=True).start()


def answer_page(store: GraphStore, job: PageJob, out: _Chunks) -> Outcome:
    """Answer a request for a page, a data document or a search (:mod:`kg.serve.answers`);
    the body goes out whatever the status (a 404 is a page too)."""
    result = answers.answer(store, job)
    out.write(result.body)
    return Outcome(result.status, result.content_type, result.headers.get("X-KG-Partial") == "true",
                   location=result.location, content_location=result.content_location, headers=result.headers)


def answer(store: GraphStore, job: QueryJob, out: _Chunks) -> Outcome:
    """Run ``job`` and write its answer to ``out``; the outcome says how it went."""
    sparql = job.operation.query
    try:
        result = query_in_dataset(store, job.operation, base_iri=job.base_iri)
    except QueryError as exc:
        if not isinstance(exc.__cause__, SyntaxError):
            return Outcome(500, message=str(exc))
        if is_update(sparql):
            return Outcome(403, message=READ_ONLY)
        return Outcome(400, message=syntax_error_message(str(exc.__cause__), sparql, "query"))
    except (OSError, RuntimeError, ValueError) as exc:
        return Outcome(500, message=f"query failed: {exc}")
    kind = (AnswerKind.BOOLEAN if isinstance(result, ox.QueryBoolean) else
            AnswerKind.SOLUTIONS if isinstance(result, ox.QuerySolutions) else AnswerKind.GRAPH)  # QueryTriples
    offer = choose(job.accept, offers_for(kind))
    if offer is None:
        return Outcome(406, message=not_acceptable(kind, job.accept_header))
    try:
        if kind is AnswerKind.BOOLEAN:
            result.serialize(out, offer.format)
            partial = False
        elif kind is AnswerKind.SOLUTIONS:
            partial = _write_solutions(result, offer, out, job.max_rows)
        else:
            partial = _write_triples(result, offer, out, job.max_rows)
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        return Outcome(500, message=f"query failed while its answer was read: {exc}")
    if partial:
        out.mark_partial(offer, job.max_rows)
    return Outcome(200, offer.content_type, partial)


def query_in_dataset(store: GraphStore, operation: QueryOperation, *, base_iri: str | None = None):
    """Run a query on the dataset the request names: its ``default-graph-uri``s
    merged as the default graph and its ``named-graph-uri``s as the named graphs
    (the protocol's dataset replaces any FROM / FROM NAMED in the query); with
    neither, the query's FROM / FROM NAMED if it has them, else kg's own dataset,
    whose default graph is the union of all graphs. kg's vocabulary prefixes
    are predeclared, as for ``kg query``.

    """
    options: dict[str, object] = {"prefixes": dict(DEFAULT_PREFIXES), "base_iri": base_iri}
    if operation.names_dataset:
        options["default_graph"] = [ox.NamedNode(iri) for iri in operation.default_graphs]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in operation.named_graphs]
    else:
        options["union"] = not names_own_dataset(operation.query)
    return store.query(operation.query, **options)


_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


def is_update(sparql: str) -> bool:
    """Whether text that is no query is a SPARQL update (rdflib's parser reads it,
    if it has an update's keywords at all; nothing runs)."""
    if not keywords(sparql) & _UPDATE_WORDS:
        return False
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - any failure: not an update, the query's syntax error stands
        return False
    return True


def _write_solutions(result: ox.QuerySolutions, offer: Offer, out: _Chunks, max_rows: int | None) -> bool:
    """Write solutions with pyoxigraph's writer; say whether they were cut.

    Cut at ``max_rows``, pyoxigraph writes them first as TSV (one line a
    solution: newlines in terms are escaped) into a file that stops taking
    them after that many lines, which stops the writer, and so the query; its
    TSV reader reads them back for the writer of the format asked for. That
    keeps every row in Rust (10,000 rows as JSON: 99 ms, against 94 ms uncut
    and 255 ms through a Python loop over the rows), and it tells whether the
    answer was cut before any of it is written (SPARQL JSON says so at its start)."""
    if max_rows is None:
        result.serialize(out, offer.format)
        return False
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as tsv:
        lines = _Lines(tsv, max_rows + 1)  # the header, then the rows
        try:
            result.serialize(lines, ox.QueryResultsFormat.TSV)
        except _Enough:
            pass
        tsv.seek(0)
        if lines.more:
            out.mark_partial_at_start(offer)
        if offer.format == ox.QueryResultsFormat.TSV:
            shutil.copyfileobj(tsv, out)
        else:
            ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(out, offer.format)
        return lines.more


class _Enough(Exception):
    """Raised into pyoxigraph's writer to stop it once the rows wanted are written."""


class _Lines(io.RawIOBase):
    """A binary file that passes the first ``wanted`` lines written to it on to
    ``into``; written more, it notes that there was more and raises :class:`_Enough`."""

    def __init__(self, into, wanted: int) -> None:
        self._into = into
        self._left = wanted
        self.more = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        if not data:
            return 0
        if self._left == 0:
            self.more = True
            raise _Enough
        if data.count(b"\n") < self._left:
            self._left -= data.count(b"\n")
            self._into.write(data)
            return len(data)
        end = -1
        for _ in range(self._left):
            end = data.index(b"\n", end + 1)
        self._into.write(data[:end + 1])
        self._left = 0
        if end + 1 < len(data):
            self.more = True
            raise _Enough
        return len(data)


def _write_triples(result: ox.QueryTriples, offer: Offer, out: _Chunks, max_rows: int | None) -> bool:
    """Write triples (Turtle with kg's prefixes); cut at ``max_rows``, say whether there were more."""
    triples = _Counted(result if max_rows is None else itertools.islice(result, max_rows))
    prefixes = dict(DEFAULT_PREFIXES) if offer.format == ox.RdfFormat.TURTLE else None
    ox.serialize(triples, out, offer.format, prefixes=prefixes)
    return max_rows is not None and triples.n == max_rows and next(iter(result), None) is not None


class _Counted:
    """Items passed through, counted."""

    def __init__(self, items) -> None:
        self._items = items
        self.n = 0

    def __iter__(self) -> Iterator:
        for item in self._items:
            self.n += 1
            yield item


class _Chunks(io.RawIOBase):
    """A binary file that sends what is written to it over ``conn`` in
    :data:`CHUNK`-sized ``D`` messages."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self._buffer = bytearray()
        self._start = b""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        n = len(data)
        if self._start and data[:1] == b"{":  # SPARQL JSON's one object opens: the member goes first
            data, self._start = self._start + bytes(data)[1:], b""
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self._conn.send_bytes(DATA + bytes(self._buffer))
            self._buffer.clear()
        return n

    def mark_partial_at_start(self, offer: Offer) -> None:
        """Before any answer is written: a SPARQL JSON answer is to open with
        ``"partial": true`` (readers such as pyoxigraph's take no member after the
        bindings, so it cannot wait for the end)."""
        if offer.format == ox.QueryResultsFormat.JSON:
            self._start = b'{"partial":true,'

    def mark_partial(self, offer: Offer, max_rows: int | None) -> None:
        """Once the answer is written: say in its own syntax that it was cut, where
        the format has a comment."""
        # no "--" in it: an XML comment may not hold one
        note = f"partial: the answer was cut after {max_rows} rows, the limit this server sets"
        if offer.format in (ox.QueryResultsFormat.XML, ox.RdfFormat.RDF_XML):
            self._buffer += f"\n<!-- {note} -->\n".encode()  # XML allows comments after the root element
        elif offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            self._buffer += f"\n# {note}\n".encode()

    def close(self) -> None:
        if self._buffer:
            self._conn.send_bytes(DATA + bytes(self._buffer))
            self._buffer.clear()
        super().close()
