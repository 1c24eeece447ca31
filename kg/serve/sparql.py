"""The ``/sparql`` endpoint: a SPARQL 1.1 Protocol request in, an answer or an
error status with a one-paragraph message out.

The request is read by :mod:`kg.serve.protocol`, its Accept header by
:mod:`kg.serve.negotiate`; the query runs in a worker process
(:mod:`kg.serve.pool`) within the server's ``--timeout``. A GET without a
query gets the service description. Errors are ``text/plain``:

- 400 a malformed request, Accept header or query (the parser's message, with line and column);
- 403 any update (the endpoint is read-only), 405 another method, 406 no acceptable format,
  413 a body over ``max_body`` bytes, 415 a body in another media type or charset;
- 500 a query that failed while running, 503 one stopped at the timeout (or no free worker in time).

An answer cut at ``--max-rows`` carries ``X-KG-Partial: true`` and
``X-KG-Max-Rows: N`` (every query answer says ``X-KG-Partial``), and says so in
its body where the format has room (:mod:`kg.serve.worker`).
"""
from __future__ import annotations

import asyncio

import pyoxigraph as ox
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from kg.serve.description import PREFIXES, service_description
from kg.serve.negotiate import GRAPH_OFFERS, RESULT_OFFERS, MalformedAccept, choose, not_acceptable, parse_accept
from kg.serve.pool import SPOOL_MEMORY, Answer, PoolBusy, QueryTimedOut, WorkerDied
from kg.serve.protocol import ProtocolError, read_operation, uses_service
from kg.serve.worker import QueryJob

READ_CHUNK = 64 * 1024


async def sparql_endpoint(request: Request) -> Response:
    config = request.app.state.config
    header = request.headers.get("accept")
    try:
        accept = parse_accept(header)
        body = await read_body(request, config.max_body) if request.method == "POST" else b""
        operation = read_operation(request.method, _query_string(request), request.headers.get("content-type"), body)
    except MalformedAccept as exc:
        return error_response(400, str(exc))
    except ProtocolError as exc:
        return error_response(exc.status, str(exc), exc.headers)
    endpoint = endpoint_iri(request)
    if operation is None:
        return await describe(request, endpoint, accept, header)
    if uses_service(operation.query):
        return error_response(400, "SERVICE (federated query) is not allowed here: this endpoint does not "
                                   "fetch from other servers. Query the other endpoint yourself.")
    if choose(accept, RESULT_OFFERS) is None and choose(accept, GRAPH_OFFERS) is None:
        return error_response(406, not_acceptable("any answer", header))
    job = QueryJob(operation, accept, header, config.max_rows, base_iri=endpoint)
    answer = await run_job(request, job, heavy=True)
    if isinstance(answer, Response):
        return answer
    outcome = answer.outcome
    if answer.body is None:
        return error_response(outcome.status, outcome.message)
    headers = {"Vary": "Accept", "X-KG-Partial": "true" if outcome.partial else "false"}
    if outcome.partial:
        headers["X-KG-Max-Rows"] = str(config.max_rows)
    return _file_response(answer.body, outcome.content_type, headers)


async def describe(request: Request, endpoint: str, accept, header: str | None) -> Response:
    """The service description, in the RDF format the Accept header prefers."""
    offer = choose(accept, GRAPH_OFFERS)
    if offer is None:
        return error_response(406, not_acceptable("the service description", header))
    triples = service_description(endpoint, await asyncio.shield(request.app.state.statistics))
    prefixes = PREFIXES if offer.format == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples, format=offer.format, prefixes=prefixes)
    return Response(body, media_type=None, headers={"Content-Type": offer.content_type, "Vary": "Accept"})


async def run_job(request: Request, job, *, heavy: bool) -> Answer | Response:
    """``job``'s answer from the query workers, or the error response a timeout
    (503), a pool kept busy (503) or a worker that died (500) gets."""
    state = request.app.state
    try:
        return await state.pool.run(job, timeout=state.config.timeout, heavy=heavy)
    except (QueryTimedOut, PoolBusy) as exc:
        return error_response(503, str(exc))
    except WorkerDied as exc:
        return error_response(500, str(exc))


def endpoint_iri(request: Request) -> str:
    """The endpoint's IRI: under ``--base-iri`` when given (the IRI clients reach
    the server at, behind a proxy), else as this request reached it."""
    base = request.app.state.config.base_iri
    iri = f"{base}sparql" if base else f"{request.url.scheme}://{request.url.netloc}/sparql"
    try:
        ox.NamedNode(iri)
    except ValueError:  # a Host header that makes no IRI
        return "http://localhost/sparql"
    return iri


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (before reading it,
    when Content-Length says so)."""
    declared = request.headers.get("content-length")
    too_large = ProtocolError(413, f"the request body is over the limit of {limit:,} bytes; a SPARQL query is "
                                   "seldom more than kilobytes (name large sets of IRIs with FROM or a "
                                   "graph, not a VALUES block)")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _query_string(request: Request) -> str:
    raw: bytes = request.scope.get("query_string", b"")
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:  # a URL is ASCII; other characters go percent-encoded
        raise ProtocolError(400, "the URL's query string has bytes that are not ASCII; percent-encode "
                                 "the query (UTF-8) as the SPARQL protocol does") from None


def _file_response(body, content_type: str, headers: dict[str, str]) -> Response:
    """The spooled answer: from memory as it is when it stayed there, else
    streamed from its temporary file, closed (deleted) once sent."""
    size = body.seek(0, 2)
    body.seek(0)
    headers = {**headers, "Content-Type": content_type}
    if size <= SPOOL_MEMORY:
        data = body.read()
        body.close()
        return Response(data, media_type=None, headers=headers)
    headers["Content-Length"] = str(size)

    def chunks():
        while chunk := body.read(READ_CHUNK):
            yield chunk

    return StreamingResponse(chunks(), media_type=None, headers=headers, background=BackgroundTask(body.close))
