"""The ASGI application of ``kg serve``: a kg store, read-only, as a SPARQL 1.1
Protocol endpoint at ``/sparql`` and as linked data, every IRI of the
dataset dereferenceable, with pages, search and dumps (:mod:`kg.serve.linked`)
(Starlette; run it with uvicorn).

>>> app = create_app(ServeConfig("kg-store", timeout=30, max_rows=10_000))   # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1", port=8000)                           # doctest: +SKIP

Starting the app (its lifespan) starts the query workers, which fails with
:class:`kg.errors.StoreError` when the store cannot be opened, and counts the
store's contents for the service description and the dataset's VoID
description (``/.well-known/void``, :mod:`kg.serve.void`) in the background,
and writes the dumps (:mod:`kg.serve.dumps`).

A store that a build is writing is read through its snapshots
(:mod:`kg.store.snapshots`): the app looks every :data:`POLL_INTERVAL`
seconds for a newer one, and when there is, starts fresh workers on it,
counts again and writes new dumps; a request sees one state or the next,
never a document half-written.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.serve.description import DatasetStatistics, read_statistics
from kg.serve.dumps import ServedDumps
from kg.serve.linked import linked_data
from kg.serve.pages import SiteInfo
from kg.serve.limits import DEFAULT_TIMEOUT, MAX_BODY, default_workers
from kg.serve.pool import WorkerPool
from kg.serve.protocol import ALLOWED_METHODS
from kg.serve.sparql import error_response, sparql_endpoint
from kg.serve.void import (
    DEFAULT_TITLE,
    DatasetMetadata,
    VoidStatistics,
    read_void_statistics,
    void_endpoint,
)
from kg.serve.void import PATH as VOID_PATH
from kg.serve.sources import read_source, store_spec

log = logging.getLogger("kg.serve")
POLL_INTERVAL = 1.0  # seconds between looks for a newer state of the store (a build's next commit)

_Counted = TypeVar("_Counted")
_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]  # the endpoint answers 405 itself


@dataclass(frozen=True)
class ServeConfig:
    """How ``kg serve`` serves a store: ``timeout`` seconds a query may take (None:
    no limit), ``max_rows`` rows (or triples) an answer may have before it is cut
    (None: no limit), ``base_iri`` the IRI the server is reached at (the endpoint is
    its ``sparql``), ``cors`` the origins allowed to query from a browser page;
    ``title``, ``description``, ``licence`` (an IRI) and ``publisher`` (an IRI or a
    name) what the VoID description says of the dataset (None: ``description`` is
    written from the counts, the others are left out)."""

    store: str | Path
    base_iri: str | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    max_rows: int | None = None
    cors: tuple[str, ...] = ()
    workers: int = field(default_factory=default_workers)
    max_body: int = MAX_BODY
    title: str = DEFAULT_TITLE
    description: str | None = None
    licence: str | None = None
    publisher: str | None = None


def create_app(config: ServeConfig, *, statistics: DatasetStatistics | None = None,
               void_statistics: VoidStatistics | None = None) -> Starlette:
    """The app serving ``config.store``; ``statistics`` and ``void_statistics`` when
    already counted. Raises :class:`kg.errors.KGError` for a ``licence`` that is no IRI."""
    metadata = DatasetMetadata(config.title, config.description, config.licence, config.publisher)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.source = await anyio.to_thread.run_sync(read_source, config.store)
        app.state.pool = WorkerPool(store_spec(config.store), config.workers)
        await app.state.pool.start()
        app.state.dumps = ServedDumps()
        # counted in the background (about 5 s a million quads): the first
        # service description waits for it, no query does
        app.state.statistics = asyncio.ensure_future(
            _ready(statistics) if statistics else anyio.to_thread.run_sync(read_statistics, config.store))
        app.state.void_statistics = asyncio.ensure_future(
            _ready(void_statistics) if void_statistics else anyio.to_thread.run_sync(read_void_statistics, config.store))
        app.state.store_changed = asyncio.Event()
        app.state.store_changed.set()
        background = {asyncio.ensure_future(_write_dumps(app)), asyncio.ensure_future(_follow(app))}
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            app.state.statistics.cancel()
            app.state.void_statistics.cancel()
            await app.state.pool.close()
            app.state.dumps.close()

    middleware = [Middleware(_SecurityHeaders)]
    if config.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors), allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"],
                                     expose_headers=["X-KG-Partial", "X-KG-Max-Rows"]))
    app = Starlette(
        routes=[Route("/sparql", sparql_endpoint, methods=_METHODS),
                Route("/sparql/", sparql_endpoint, methods=_METHODS),
                Route(VOID_PATH, void_endpoint, methods=["GET", "HEAD"]),
                Route("/{path:path}", linked_data, methods=["GET", "HEAD"])],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.metadata = metadata
    app.state.site = SiteInfo(config.title, config.description or "", f"{config.base_iri}sparql" if config.base_iri
                              else "/sparql")
    return app


async def _write_dumps(app: Starlette) -> None:
    """Write the dumps of the store's state, and again whenever it changes (a
    change while they are written is caught up with once they are done)."""
    while True:
        await app.state.store_changed.wait()
        app.state.store_changed.clear()
        await anyio.to_thread.run_sync(app.state.dumps.refresh, app.state.config.store, app.state.source.token)


async def _follow(app: Starlette) -> None:
    """Pick up the store's next state (a build committed): new workers, new
    counts, new dumps; requests already running finish on the old state."""
    config = app.state.config
    while True:
        await asyncio.sleep(POLL_INTERVAL)
        try:
            source = await anyio.to_thread.run_sync(read_source, config.store)
        except Exception as exc:  # noqa: BLE001 - a store that cannot be read now may be readable next time
            log.warning("kg serve: could not look at the store (%s); trying again", exc)
            continue
        if source.token == app.state.source.token:
            continue
        try:
            await app.state.pool.renew()
        except Exception as exc:  # noqa: BLE001 - the old workers go on answering
            log.error("kg serve: could not start workers on the store's new state (%s)", exc)
            continue
        app.state.source = source
        app.state.statistics = asyncio.ensure_future(anyio.to_thread.run_sync(read_statistics, config.store))
        app.state.void_statistics = asyncio.ensure_future(
            anyio.to_thread.run_sync(read_void_statistics, config.store))
        app.state.store_changed.set()


async def _ready(statistics: _Counted) -> _Counted:
    return statistics


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return error_response(404, f"not found: this server answers SPARQL queries at /sparql and describes "
                                   f"its dataset at {VOID_PATH}")
    if exc.status_code == 405 and request.url.path not in ("/sparql", "/sparql/"):
        return error_response(405, f"method {request.method[:20]} is not allowed here: this server is "
                                   "read-only; GET a page or data (POST a query to /sparql)", {"Allow": "GET, HEAD"})
    if exc.status_code == 405:  # a method Starlette's router knows no route for (TRACE, made-up ones)
        return error_response(405, f"method {request.method[:20]} is not allowed here: send a query with GET "
                                   "?query=... or POST", {"Allow": ", ".join(ALLOWED_METHODS)})
    return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(500, f"internal server error ({type(exc).__name__}); the server goes on")


class _SecurityHeaders:
    """``X-Content-Type-Options: nosniff`` on every response: a browser shows an
    answer as the type it says, never as a page a query's text could script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_headers)
