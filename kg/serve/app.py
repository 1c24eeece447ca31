"""The ASGI application of ``kg serve``: a kg store, read-only, as a SPARQL 1.1
Protocol endpoint at ``/sparql`` (Starlette; run it with uvicorn).

>>> app = create_app(ServeConfig("kg-store", timeout=30, max_rows=10_000))   # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1", port=8000)                           # doctest: +SKIP

Starting the app (its lifespan) starts the query workers, which fails with
:class:`kg.errors.StoreError` when the store cannot be opened, and counts the
store's contents for the service description and the dataset's VoID
description (``/.well-known/void``, :mod:`kg.serve.void`) in the background.
"""
from __future__ import annotations

import asyncio
import contextlib
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
        app.state.pool = WorkerPool(Path(config.store), config.workers)
        await app.state.pool.start()
        # counted in the background (about 5 s a million quads): the first
        # service description waits for it, no query does
        app.state.statistics = asyncio.ensure_future(
            _ready(statistics) if statistics else anyio.to_thread.run_sync(read_statistics, config.store))
        app.state.void_statistics = asyncio.ensure_future(
            _ready(void_statistics) if void_statistics else anyio.to_thread.run_sync(read_void_statistics, config.store))
        try:
            yield
        finally:
            app.state.statistics.cancel()
            app.state.void_statistics.cancel()
            await app.state.pool.close()

    middleware = [Middleware(_SecurityHeaders)]
    if config.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors), allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"],
                                     expose_headers=["X-KG-Partial", "X-KG-Max-Rows"]))
    app = Starlette(
        routes=[Route("/sparql", sparql_endpoint, methods=_METHODS),
                Route("/sparql/", sparql_endpoint, methods=_METHODS),
                Route(VOID_PATH, void_endpoint, methods=["GET", "HEAD"])],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.metadata = metadata
    return app


async def _ready(statistics: _Counted) -> _Counted:
    return statistics


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return error_response(404, f"not found: this server answers SPARQL queries at /sparql and describes "
                                   f"its dataset at {VOID_PATH}")
    if exc.status_code == 405 and request.url.path == VOID_PATH:
        return error_response(405, f"method {request.method[:20]} is not allowed here: GET the dataset's "
                                   "description", {"Allow": "GET, HEAD"})
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
