"""A remote SPARQL 1.1 store, behind the same interface as the embedded ``GraphStore``.

Writes go through the SPARQL 1.1 Graph Store HTTP Protocol, one ``PUT`` per
document graph; reads go through the SPARQL 1.1 Protocol. So ``kg build`` and
``kg query`` work unchanged against an Oxigraph server, Jena Fuseki, GraphDB,
Virtuoso or Neptune.

Three choices worth knowing about:

* **Commit marker in the same request.** A document's ``kg:contentHash`` triple
  travels in the same ``PUT`` body as its content, serialised *last*. Where the
  server loads a body in one transaction (Oxigraph, Fuseki, RDF4J/GraphDB) the
  graph appears whole or not at all; where it streams the body into the store,
  an interrupted load stops before the marker, and :meth:`remove_incomplete`
  (run on opening) drops what it left. Oxigraph clears the old graph in its own
  transaction before loading the new one, so a crash in between leaves an
  empty, unmarked graph: again dropped on opening and rebuilt by a re-run.
* **The union default graph.** The SPARQL protocol has no standard way to ask
  for "all graphs as the default graph", which kg's queries assume. See
  ``union_default_graph`` on :class:`RemoteStore` for the three ways stores do it.
* **Parameters.** The protocol has no way to pass variable bindings beside the
  query, so :func:`bind_values` writes them into the query as a ``VALUES``
  block opening the ``WHERE`` group; every term is written by pyoxigraph's own
  N-Triples serialiser (``str(term)``), never by formatting text from data.
"""
from __future__ import annotations

import re
from typing import IO, Iterable, Iterator, Mapping
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from kg.errors import QueryError, StoreError
from kg.store.entities import repair_if_needed
from kg.store.values import bind_values
from kg.store.markers import (CLEAR_STALE_MARKS, COMMIT_MARKER, COMPLETE_DOCUMENTS, ENTITY_GRAPHS, MARKER_PREFIXES,
                              partial_documents, split_markers)

DEFAULT_TIMEOUT = 60.0  # seconds to wait for a connection or for the next bytes of an answer

# Oxigraph's own request parameter: this query sees the union of all graphs
OXIGRAPH_UNION = "oxigraph"
# the store's default graph already is the union of its graphs (or is configured so)
NATIVE_UNION = "native"

_PREFIXES = MARKER_PREFIXES
# graphs holding at least one quad but no commit marker (empty graphs hold nothing to hide)
_INCOMPLETE = """SELECT ?g WHERE { GRAPH ?g {}
  FILTER EXISTS { GRAPH ?g { ?s ?p ?o } }
  FILTER NOT EXISTS { GRAPH ?g { ?g kg:contentHash ?hash } } }"""
# re-checks the marker inside the update itself, so a graph completed by another
# writer since _INCOMPLETE was asked is left alone
_DROP_INCOMPLETE = """DELETE { GRAPH ?g { ?s ?p ?o } } WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?g kg:contentHash ?hash } } }"""
_OBSERVED_IN = "SELECT DISTINCT ?thing WHERE { GRAPH ?g { ?o kg:observes ?thing } }"
_STALE = "SELECT ?thing WHERE { GRAPH ?g { ?g kg:staleEntity ?thing } }"
_ABOUT = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_DROP_QUADS = "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"
_CHUNK = 500  # terms per VALUES block: keeps each request a few tens of kilobytes
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g {} FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

# what a query may answer: solutions or a boolean (JSON, XML), or triples (N-Triples, Turtle)
_ACCEPT_QUERY = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                 "application/n-triples;q=0.8, text/turtle;q=0.7")
_ACCEPT_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_N_TRIPLES = ox.RdfFormat.N_TRIPLES.media_type


class RemoteStore:
    """A SPARQL 1.1 store over HTTP; a :class:`kg.store.base.Store`.

    ``url`` is the server's root; the endpoints default to Oxigraph server's
    layout (``{url}/query``, ``{url}/update``, ``{url}/store``). For other
    stores pass them explicitly, e.g. Fuseki: ``query_endpoint=".../ds/query",
    update_endpoint=".../ds/update", gsp_endpoint=".../ds/data"``.

    ``union_default_graph`` says how a query asks for the union of all graphs as
    its default graph (``query(..., union=True)``, the default):

    * ``"oxigraph"`` sends Oxigraph server's ``union-default-graph`` parameter;
    * ``"native"`` sends nothing, for stores whose default graph already is the
      union (Virtuoso, GraphDB, Neptune, Blazegraph in quads mode, Fuseki with
      ``tdb2:unionDefaultGraph true``, ``oxigraph serve --union-default-graph``);
    * any other value is a graph IRI sent as ``default-graph-uri``, such as
      Jena's ``urn:x-arq:UnionGraph``.

    With ``union=False`` nothing is sent and the store's own default graph is
    used; kg's own queries of that kind name their graphs with ``GRAPH ?g``.

    ``auth`` is anything ``requests`` accepts (a ``(user, password)`` tuple for
    HTTP Basic). Credentials in the URL also work and are never echoed in errors.

    Unless ``read_only``, opening drops partly written document graphs left by
    an interrupted build. Run one writer per store at a time: a second writer
    could see the first one's half-loaded graph on a store whose ``PUT`` is not
    a transaction.
    """

    def __init__(self, url: str, *, query_endpoint: str | None = None, update_endpoint: str | None = None,
                 gsp_endpoint: str | None = None, union_default_graph: str = OXIGRAPH_UNION,
                 auth: tuple[str, str] | requests.auth.AuthBase | None = None,
                 timeout: float = DEFAULT_TIMEOUT, read_only: bool = False) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise StoreError(f"{_redact(url)} is not an http(s):// URL; a remote store is given as "
                             "http://HOST:PORT/ (an Oxigraph server's root, say)")
        root = url.rstrip("/")
        self.url = url
        self.path = None  # no local directory, unlike GraphStore
        self.query_endpoint = query_endpoint or f"{root}/query"
        self.update_endpoint = update_endpoint or f"{root}/update"
        self.gsp_endpoint = gsp_endpoint or f"{root}/store"
        self.union_default_graph = union_default_graph
        if union_default_graph not in (OXIGRAPH_UNION, NATIVE_UNION):
            try:
                ox.NamedNode(union_default_graph)
            except ValueError:
                raise StoreError(f"union_default_graph={union_default_graph!r} is neither 'oxigraph', "
                                 "'native' nor a graph IRI such as urn:x-arq:UnionGraph") from None
        self.timeout = timeout
        self.read_only = read_only
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "kg (https://w3id.org/newskg) RemoteStore"
        if auth is not None:
            self._session.auth = auth
        if read_only:
            self.query("ASK {}", union=False)  # fail now, with a clear message, if the store is unreachable
        else:
            repair_if_needed(self, _redact(self.url))

    def __repr__(self) -> str:
        return f"RemoteStore({_redact(self.url)!r})"

    # -- documents -----------------------------------------------------------------
    def document_hashes(self) -> dict[str, str]:
        """Document graph IRI -> content hash, for every complete document."""
        rows = self.query(COMPLETE_DOCUMENTS, prefixes=_PREFIXES, union=False)
        return {row["g"].value: row["hash"].value for row in rows}

    def remove_incomplete(self) -> list[str]:
        """Drop the content of kg's document graphs that have no commit marker (a
        write was interrupted); graphs that are not kg's are left alone."""
        self._writable("remove incomplete documents")
        unmarked = [row["g"] for row in self.query(_INCOMPLETE, prefixes=_PREFIXES, union=False)]
        partial = partial_documents(unmarked, self.document_hashes(), self.entity_graphs()) if unmarked else []
        if partial:
            update = bind_values(_DROP_INCOMPLETE, {ox.Variable("g"): partial})
            self._update(_prologue(_PREFIXES) + update, what="dropping partly written documents")
        return sorted(g.value for g in partial)

    # -- the entity graph ----------------------------------------------------------
    def entity_graphs(self) -> list[ox.NamedNode]:
        """The entity graph of every dataset in the store."""
        return sorted((row["g"] for row in self.query(ENTITY_GRAPHS, prefixes=_PREFIXES, union=False)),
                      key=lambda g: g.value)

    def things_observed_in(self, graphs: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        """Every entity and relation type the given document graphs observe."""
        found: set[ox.NamedNode] = set()
        for chunk in _chunks(list(graphs)):
            rows = self.query(_OBSERVED_IN, substitutions={ox.Variable("g"): chunk}, prefixes=_PREFIXES, union=False)
            found.update(row["thing"] for row in rows)
        return found

    def select(self, sparql: str, values: Mapping[ox.Variable, list[ox.NamedNode | ox.Literal]]):
        """A SELECT over the union of all graphs, with lists of terms bound by a ``VALUES`` block."""
        return self.query(sparql, substitutions=values, prefixes=_PREFIXES)

    def stale_things(self, entity_graph: ox.NamedNode) -> set[ox.NamedNode]:
        """What the entity graph marks as being refreshed (left by an interrupted write)."""
        rows = self.query(_STALE, substitutions={ox.Variable("g"): entity_graph}, prefixes=_PREFIXES, union=False)
        return {row["thing"] for row in rows}

    def quads_about(self, graph: ox.NamedNode, subjects: Iterable[ox.NamedNode]) -> list[ox.Quad]:
        """Every quad of ``graph`` whose subject is one of ``subjects``."""
        found: list[ox.Quad] = []
        for chunk in _chunks(list(subjects)):
            rows = self.query(_ABOUT, substitutions={ox.Variable("g"): [graph] * len(chunk), ox.Variable("s"): chunk},
                              union=False)
            found.extend(ox.Quad(row["s"], row["p"], row["o"], graph) for row in rows)
        return found

    def clear_stale_marks(self) -> None:
        """Drop every stale mark, in one update."""
        self._writable("write the entity graph")
        self._update(_prologue(_PREFIXES) + CLEAR_STALE_MARKS, what="clearing stale marks")

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their graphs (a Graph Store ``POST`` per graph)."""
        self._writable("add quads")
        by_graph: dict = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name, []).append(quad.triple)
        for graph, triples in by_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self._request("POST", self.gsp_endpoint, what=f"adding to graph <{graph.value}>",
                          params={"graph": graph.value}, data=body, headers={"Content-Type": _N_TRIPLES})

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Remove exactly these quads (a SPARQL update; their terms written by pyoxigraph)."""
        self._writable("remove quads")
        for chunk in _chunks(list(quads)):
            update = bind_values(_DROP_QUADS, {
                ox.Variable("g"): [q.graph_name for q in chunk], ox.Variable("s"): [q.subject for q in chunk],
                ox.Variable("p"): [q.predicate for q in chunk], ox.Variable("o"): [q.object for q in chunk]})
            self._update(update, what="removing quads")

    def write_documents(self, graphs: Mapping[ox.NamedNode, list[ox.Quad]], *, bulk: bool = False) -> int:
        """Replace each document graph with the given quads (one ``PUT`` each); return quads written.

        ``bulk`` is accepted for interface parity and ignored: a ``PUT`` is already one load.
        """
        self._writable("write documents")
        written = 0
        for graph, quads in graphs.items():
            for quad in quads:
                if quad.graph_name != graph:
                    raise StoreError(f"a quad for document graph <{graph.value}> is in graph "
                                     f"{quad.graph_name}; this is a bug in the RDF mapping")
            content, markers = split_markers(quads)
            body = ox.serialize((q.triple for q in content + markers), format=ox.RdfFormat.N_TRIPLES)  # marker last
            self._request("PUT", self.gsp_endpoint, what=f"writing document graph <{graph.value}>",
                          params={"graph": graph.value}, data=body,
                          headers={"Content-Type": _N_TRIPLES})
            written += len(content) + len(markers)
        return written

    def remove_document(self, graph: ox.NamedNode) -> bool:
        """Delete one document graph; False if there was none."""
        self._writable("remove documents")
        response = self._request("DELETE", self.gsp_endpoint, what=f"removing graph <{graph.value}>",
                                 params={"graph": graph.value}, missing_ok=True)
        return response.status_code != 404

    # -- reading -------------------------------------------------------------------
    def query(self, sparql: str, *, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
              prefixes: Mapping[str, str] | None = None, union: bool = True,
              default_graph: list[ox.NamedNode] | None = None, named_graphs: list[ox.NamedNode] | None = None,
              base_iri: str | None = None):
        """Run SPARQL on the server; answers are pyoxigraph's own result types
        (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``). A dataset given
        (``default_graph``, ``named_graphs``) goes as the protocol's
        ``default-graph-uri``/``named-graph-uri``."""
        text = bind_values(sparql, substitutions) if substitutions else sparql
        if prefixes:
            text = _prologue(prefixes) + text
        if base_iri is not None:
            text = f"BASE <{ox.NamedNode(base_iri).value}>\n" + text  # a checked IRI: no '>' in it
        form: list[tuple[str, str]] = [("query", text)]
        if default_graph is not None or named_graphs is not None:
            form += [("default-graph-uri", g.value) for g in default_graph or []]
            form += [("named-graph-uri", g.value) for g in named_graphs or []]
        elif union and self.union_default_graph == OXIGRAPH_UNION:
            form.append(("union-default-graph", "true"))
        elif union and self.union_default_graph != NATIVE_UNION:
            form.append(("default-graph-uri", self.union_default_graph))
        response = self._request("POST", self.query_endpoint, what="querying", data=form,
                                 headers={"Accept": _ACCEPT_QUERY}, on_query_error=_BadQuery(sparql, prefixes))
        return _answer(response)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of all named graphs (a remote store's
        default graph is not read: kg writes only named graphs)."""
        if graph is not None:
            response = self._request("GET", self.gsp_endpoint, what=f"reading graph <{graph.value}>",
                                     params={"graph": graph.value}, headers={"Accept": _N_TRIPLES},
                                     stream=True, missing_ok=True)
            if response.status_code == 404:
                response.close()
                return iter(())
            return _graph_quads(response, graph)
        response = self._request("POST", self.query_endpoint, what="reading all quads", data={"query": _ALL_QUADS},
                                 headers={"Accept": _ACCEPT_RESULTS}, stream=True)
        return _solution_quads(response)

    def __len__(self) -> int:
        rows = list(self.query(_COUNT, union=False))
        return int(rows[0]["n"].value) if rows else 0

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted((row["g"] for row in self.query(_GRAPHS, union=False)), key=lambda g: g.value)

    def dump(self, output, fmt: ox.RdfFormat, *, graph: ox.NamedNode | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        """Write the store (or one graph) to a binary file object, streaming."""
        if graph is None and not fmt.supports_datasets:
            raise StoreError(f"{fmt.name} holds one graph, not a dataset: dump the whole store as "
                             "N-Quads or TriG, or name one graph")
        quads: Iterable = self.quads(graph)
        if graph is not None:  # like pyoxigraph: one graph is written as the default graph
            quads = (q.triple for q in quads) if not fmt.supports_datasets else \
                (ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
        kwargs = {"format": fmt}
        if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = dict(prefixes)
        ox.serialize(quads, output, **kwargs)

    def load(self, input: IO[bytes], fmt: ox.RdfFormat) -> None:
        """Load a dump (N-Quads, TriG ...): each run of quads of one graph is sent in
        one request (``PUT`` the first time a graph is seen, ``POST`` to append after),
        so memory holds one graph at a time. Then drop graphs left without a marker."""
        self._writable("load a dump")
        seen: set = set()
        run: list[ox.Quad] = []
        for quad in ox.parse(input, format=fmt):
            if run and quad.graph_name != run[0].graph_name:
                self._send_run(run, seen)
                run = []
            run.append(quad)
        if run:
            self._send_run(run, seen)
        self.remove_incomplete()

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def checkpoint(self, *, force: bool = False) -> None:
        """Nothing to do: the server's readers see each committed request."""

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- HTTP ----------------------------------------------------------------------
    def _send_run(self, run: list[ox.Quad], seen: set) -> None:
        graph = run[0].graph_name
        # markers last, as in write_documents
        triples = sorted((q.triple for q in run), key=lambda t: t.predicate == COMMIT_MARKER)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if isinstance(graph, ox.DefaultGraph):
            params, method = {"default": ""}, "POST"
        else:
            params, method = {"graph": graph.value}, "POST" if graph in seen else "PUT"
        seen.add(graph)
        self._request(method, self.gsp_endpoint, what=f"loading graph {graph}", params=params, data=body,
                      headers={"Content-Type": _N_TRIPLES})

    def _update(self, update: str, *, what: str) -> None:
        self._request("POST", self.update_endpoint, what=what, data={"update": update})

    def _writable(self, action: str) -> None:
        if self.read_only:
            raise StoreError(f"cannot {action}: {_redact(self.url)} was opened read-only")

    def _request(self, method: str, url: str, *, what: str, params=None, data=None, headers=None,
                 stream: bool = False, missing_ok: bool = False, on_query_error=None) -> requests.Response:
        where = _redact(url)
        try:
            response = self._session.request(method, url, params=params, data=data, headers=headers,
                                             timeout=self.timeout, stream=stream)
        except requests.exceptions.Timeout:
            raise StoreError(f"{where} did not answer within {self.timeout:g} s while {what}; the server may "
                             "be overloaded or the query too costly (give RemoteStore a larger timeout=)") from None
        except requests.exceptions.ConnectionError as exc:
            raise StoreError(f"cannot reach {where} ({_reason(exc)}) while {what}. Check that the SPARQL server "
                             "is running and the URL is right (an Oxigraph server starts with "
                             "`oxigraph serve --location DIR --bind HOST:PORT`)") from None
        except requests.exceptions.RequestException as exc:
            raise StoreError(f"{what} failed: request to {where}: {exc}") from None
        if response.ok or (missing_ok and response.status_code == 404):
            return response
        first_line = _first_line(response)
        response.close()
        if on_query_error is not None and response.status_code in (400, 500):
            raise on_query_error(response.status_code, first_line)
        raise StoreError(f"{what[0].upper()}{what[1:]} failed: {method} {where} answered HTTP "
                         f"{response.status_code} {response.reason}: {first_line}{_hint(response.status_code, method)}")


class _BadQuery:
    """Turns a 400 answer to a query into a QueryError, with pyoxigraph's own
    syntax error (line and column in the user's text) when it finds one."""

    def __init__(self, sparql: str, prefixes: Mapping[str, str] | None) -> None:
        self.sparql, self.prefixes = sparql, prefixes

    def __call__(self, status: int, server_says: str) -> QueryError:
        if status != 400:
            return QueryError(f"the store failed to run the query (HTTP {status}): {server_says}")
        try:
            # to parse it: SELECT and CONSTRUCT answers are lazy and never read here, and an
            # ASK on an empty store is answered at once
            ox.Store().query(self.sparql, prefixes=dict(self.prefixes or {}))
        except SyntaxError as exc:
            error = QueryError(f"SPARQL syntax error: {exc}")
            error.__cause__ = exc
            return error
        except (RuntimeError, ValueError, OSError):
            pass
        return QueryError(f"the store rejected the query (HTTP 400): {server_says}")


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _prologue(prefixes: Mapping[str, str]) -> str:
    """``PREFIX`` declarations on one line, so the user's line numbers stay right."""
    parts = []
    for name, namespace in prefixes.items():
        if not re.fullmatch(r"(?:[A-Za-z][\w.-]*[\w-])?|[A-Za-z]", name):
            raise QueryError(f"{name!r} is not a SPARQL prefix name")
        try:
            iri = str(ox.NamedNode(namespace))
        except ValueError as exc:
            raise QueryError(f"prefix {name}: {namespace!r} is not an IRI ({exc})") from None
        parts.append(f"PREFIX {name}: {iri}")
    return " ".join(parts) + " "


# -- answers --------------------------------------------------------------------------
def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _answer(response: requests.Response):
    media_type = _media_type(response)
    results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if results_format is not None:
        return ox.parse_query_results(response.content, results_format)
    rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if rdf_format is not None:
        # pyoxigraph builds QueryTriples only from a query: run a trivial one on the received triples
        scratch = ox.Store()
        scratch.load(response.content, format=rdf_format, to_graph=ox.DefaultGraph())
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    raise StoreError(f"the SPARQL endpoint answered with {media_type or 'no content type'}, "
                     "neither SPARQL results nor RDF")


def _graph_quads(response: requests.Response, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    fmt = ox.RdfFormat.from_media_type(_media_type(response)) or ox.RdfFormat.N_TRIPLES
    for triple in _streamed(response, lambda body: ox.parse(body, format=fmt)):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def _solution_quads(response: requests.Response) -> Iterator[ox.Quad]:
    fmt = ox.QueryResultsFormat.from_media_type(_media_type(response)) or ox.QueryResultsFormat.JSON
    for row in _streamed(response, lambda body: ox.parse_query_results(body, fmt)):
        yield ox.Quad(row["s"], row["p"], row["o"], row["g"])


def _streamed(response: requests.Response, parse) -> Iterator:
    """Parse an answer as it arrives, so a whole store never sits in memory."""
    response.raw.decode_content = True
    try:
        yield from parse(response.raw)
    except (OSError, SyntaxError, requests.exceptions.RequestException) as exc:
        raise StoreError(f"reading from {_redact(response.url)} was cut short: {exc}") from None
    finally:
        response.close()


# -- messages -------------------------------------------------------------------------
def _redact(url: str) -> str:
    """The URL without any password in it."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _reason(exc: BaseException) -> str:
    """The innermost OS-level reason (\"Connection refused\") behind a requests error."""
    seen, todo = set(), [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.strerror:
            return e.strerror.lower()
        todo.extend(x for x in (getattr(e, "reason", None), e.__cause__, e.__context__, *e.args)
                    if isinstance(x, BaseException))
    return type(exc).__name__


def _first_line(response: requests.Response) -> str:
    try:
        text = response.text.strip()
    except (requests.exceptions.RequestException, UnicodeDecodeError):
        return "(no readable body)"
    line = text.splitlines()[0] if text else "(empty body)"
    return line if len(line) <= 300 else line[:299] + "\u2026"


def _hint(status: int, method: str) -> str:
    if status in (401, 403):
        return ". Check the credentials (RemoteStore(..., auth=(user, password))) and the user's rights"
    if status in (404, 405, 415) and method in ("PUT", "DELETE", "GET"):
        return (". Does the server offer the Graph Store Protocol at this address? "
                "Pass gsp_endpoint= (Fuseki: .../DATASET/data, GraphDB: .../repositories/REPO/rdf-graphs/service)")
    if status in (404, 405):
        return ". Is this the server's SPARQL endpoint? Pass query_endpoint= / update_endpoint="
    return ""
