"""The linked-data side of ``kg serve``: every IRI kg mints under the dataset's
base dereferences here, beside the pages, search and named queries
(the answers are made in the query workers, :mod:`kg.serve.answers`).

Routing, by the request's raw path (percent-encoding kept: an IRI's
``%2F`` is not a ``/``)::

    /                        the landing page
    /entity/..., /relation/... (any thing)    303 to its page or data document
    /doc/{id}                200: the document's page or data, by Accept
    /page/{rel}.html         a resource's page (?page=n: more of an entity's facts)
    /data/{rel}.{ttl,jsonld,nt,rdf}          its data document
    /search?q=               entities by name and sentences by words (a page)
    /search/labels?q=        entities by name, JSON, for autocomplete
    /queries/{name}?param=   a named query's answer (a page, or SPARQL results by Accept)
    /dumps/{file}            the whole dataset (gzip N-Quads, gzip TriG)
    /static/{file}           the pages' style sheet and script

Caching: every answer carries an ``ETag`` made from the store's state (which
changes whenever what readers see changes) and what was asked (path, query
string, Accept), and ``Last-Modified`` from when the store last changed;
``If-None-Match`` (or, without it, ``If-Modified-Since``) answers 304 without
reading the store.
"""
from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import importlib.resources
from urllib.parse import parse_qsl, urljoin

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kg.serve.answers import PageJob
from kg.serve.negotiate import MalformedAccept, parse_accept
from kg.serve.sparql import endpoint_iri, error_response, run_job

MAX_PATH = 2048  # bytes of a path: every IRI kg mints is far shorter; past it 414
STATIC_FILES = {"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"}
PAGE_SECURITY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


async def linked_data(request: Request) -> Response:
    """Any GET or HEAD the SPARQL endpoint and the VoID document do not take."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    if len(raw) > MAX_PATH:
        return error_response(414, f"the path is {len(raw):,} bytes; no IRI of this dataset is over {MAX_PATH:,}")
    try:
        path = raw.decode("ascii").split("?", 1)[0].lstrip("/")
    except UnicodeDecodeError:
        return error_response(400, "the path has bytes that are not ASCII; percent-encode it (UTF-8)")
    if "\x00" in path or "%00" in path.lower():
        return error_response(400, "the path holds a NUL (%00), which no IRI of this dataset has")
    if path.startswith("static/"):
        return _static(path[len("static/"):])
    if path.startswith("dumps/"):
        return _dump(request, path[len("dumps/"):])
    job = _route(request, path)
    if isinstance(job, Response):
        return job
    return await _answer(request, job)


def _route(request: Request, path: str) -> PageJob | Response:
    state = request.app.state
    params = request.query_params
    try:
        accept = parse_accept(request.headers.get("accept"))
    except MalformedAccept as exc:
        return error_response(400, str(exc))
    site = dataclasses.replace(state.site, endpoint=endpoint_iri(request))
    common = {"site": site, "here": path, "accept": accept, "format": params.get("format", "")[:40],
              "max_rows": state.config.max_rows}
    if path == "":
        return PageJob("landing", dumps=tuple(state.dumps.ready()), **common)
    if path.startswith("page/") and path.endswith(".html"):
        return PageJob("page", rel=path[len("page/"):-len(".html")], page=_page_number(params.get("page")), **common)
    if path.startswith("data/") and "." in path:
        rel, extension = path[len("data/"):].rsplit(".", 1)
        return PageJob("data", rel=rel, extension=extension, **common)
    if path == "search":
        return PageJob("search", text=params.get("q", "")[:200], **common)
    if path == "search/labels":
        return PageJob("labels", text=params.get("q", "")[:200], **common)
    if path.startswith("queries/"):
        query_string = request.scope.get("query_string", b"").decode("latin-1")
        fields = tuple((k[:40], v[:500]) for k, v in parse_qsl(query_string)[:20] if k != "format")
        return PageJob("query", rel=path[len("queries/"):], params=fields, **common)
    if path.startswith("doc/"):
        return PageJob("document", rel=path, **common)
    return PageJob("thing", rel=path, **common)


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 1


async def _answer(request: Request, job: PageJob) -> Response:
    state = request.app.state
    version = state.source.token
    etag = '"' + hashlib.sha256("\x1f".join([version, request.url.path, request.url.query,
                                             request.headers.get("accept", "")]).encode()).hexdigest()[:24] + '"'
    modified = email.utils.formatdate(state.source.modified, usegmt=True)
    caching = {"ETag": etag, "Last-Modified": modified, "Vary": "Accept", "Cache-Control": "no-cache"}
    if _not_modified(request, etag, state.source.modified):
        return Response(status_code=304, headers=caching)
    answer = await run_job(request, job, heavy=job.kind == "query")
    if isinstance(answer, Response):
        return answer
    outcome = answer.outcome
    if answer.body is None:
        return error_response(outcome.status, outcome.message or "the page could not be made")
    body = answer.body.read()
    answer.body.close()
    headers = {**outcome.headers}
    if outcome.status < 400:
        headers.update(caching)
    if outcome.location:
        headers["Location"] = urljoin(str(request.url), outcome.location)
    if outcome.content_location:
        headers["Content-Location"] = urljoin(str(request.url), outcome.content_location)
    headers["Content-Type"] = outcome.content_type
    if outcome.content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = PAGE_SECURITY
    return Response(body, status_code=outcome.status, headers=headers, media_type=None)


def _not_modified(request: Request, etag: str, modified: float) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return any(tag.strip() in (etag, "*", f"W/{etag}") for tag in match.split(","))
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(modified) <= when
    return False


def _static(name: str) -> Response:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        return error_response(404, f"no static file {name[:80]!r}")
    data = importlib.resources.files("kg.serve.site").joinpath(name).read_bytes()
    return Response(data, headers={"Content-Type": media_type, "Cache-Control": "public, max-age=3600"},
                    media_type=None)


def _dump(request: Request, name: str) -> Response:
    dumps = request.app.state.dumps
    dump = dumps.get(name)
    if dump is None:
        ready = ", ".join(d.name for d in dumps.ready()) or "none yet: they are being written"
        return error_response(404, f"no dump {name[:80]!r}; the dumps here: {ready}")
    # sent as the gzip file it is (Content-Encoding: gzip would have clients unpack it, and the size
    # and checksum the DCAT description gives would no longer hold)
    return FileResponse(dumps.path(name), media_type="application/gzip",
                        headers={"Digest": f"sha-256={dump.sha256}", "Cache-Control": "no-cache"})
