"""Answering a request for a page, a data document or a search, in a query
worker (:mod:`kg.serve.worker`): the worker has the store open, so what
reading the store takes (and the timeout that bounds it) is the worker's,
and the server process only routes and caches.

Dereferencing follows "Cool URIs for the Semantic Web" (W3C Interest Group
Note, 2008), section 4.3 (303 URIs forwarding to one generic document, here
two: a page and a data document):

- an entity's or relation type's IRI (a thing, not a document) answers 303
  See Other to its page (``page/...html``) or its data document
  (``data/...ttl`` and the other formats), by the request's Accept header or
  a ``?format=`` override;
- a document's IRI answers 200 with the page or the data (``Vary: Accept``,
  ``Content-Location`` naming which); its statements, mentions and sentences
  are ``#fragments`` of it, which a client never sends, so they are answered
  with it.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import list_queries, load_query, run
from kg.query.results import FORMATS, write
from kg.rdf.prefixes import dataset_prefixes
from kg.serve.negotiate import MediaRange, Offer, choose
from kg.serve.pages import (DATA_FORMATS, HTML, DataFormat, Dump, Links, NamedQueryForm, ParamField, SiteInfo, answer_page,
                            data_document, document_page, entity_page, error_page, landing_page, search_page)
from kg.serve.resources import (dataset_base, document_view, entity_view, exists, is_document, overview,
                                resource_triples, search_labels, search_sentences)
from kg.serve import resources
from kg.store.base import Store

Kind = Literal["thing", "page", "data", "document", "search", "labels", "landing", "query"]

HTML_OFFER = Offer("text/html", ("application/xhtml+xml",), ox.RdfFormat.TURTLE)  # format unused: a page
DATA_OFFERS = {f.extension: Offer(f.media_type, _aliases, f.format) for f, _aliases in (
    (DATA_FORMATS["ttl"], ("application/x-turtle",)),
    (DATA_FORMATS["jsonld"], ("application/json",)),
    (DATA_FORMATS["nt"], ("text/plain",)),
    (DATA_FORMATS["rdf"], ("application/xml", "text/xml")),
)}
_FORMAT_NAMES = {"html": "html", **{ext: ext for ext in DATA_FORMATS}, "turtle": "ttl", "json-ld": "jsonld",
                 "ntriples": "nt", "n-triples": "nt", "rdfxml": "rdf", "xml": "rdf"}
PAGE_ROWS = 1_000  # rows a named query's page shows (a table past that is no page to read); the formats give all
ANSWER_FORMATS = {"html": HTML, "json": "application/sparql-results+json", "csv": "text/csv; charset=utf-8",
                  "tsv": "text/tab-separated-values; charset=utf-8"}


@dataclass(frozen=True)
class PageJob:
    """A request for a resource of the dataset, as the server routed it:
    ``rel`` the resource's IRI without the dataset's base, ``here`` the path the
    request reached (links are relative to it)."""

    kind: Kind
    site: SiteInfo
    rel: str = ""
    here: str = ""
    extension: str = ""
    page: int = 1
    text: str = ""
    params: tuple[tuple[str, str], ...] = ()
    accept: tuple[MediaRange, ...] = ()
    format: str = ""  # a ?format= override
    dumps: tuple[Dump, ...] = ()
    max_rows: int | None = None


@dataclass(frozen=True)
class PageAnswer:
    status: int
    content_type: str = ""
    body: bytes = b""
    location: str = ""  # a 303's target, relative to the request's path
    content_location: str = ""
    headers: dict[str, str] = field(default_factory=dict, hash=False)


class NotAcceptable(KGError):
    pass


ANSWERS_KEPT = 256  # answers a worker keeps (pages are 5-60 KB): a store's state never changes under a worker


def answer(store: Store, job: PageJob) -> PageAnswer:
    """The answer to ``job`` (any status: a missing resource is a 404 page). A
    worker reads one state of the store for its whole life (a newer state gets
    new workers, :meth:`kg.serve.pool.WorkerPool.renew`), so the answers to the
    last :data:`ANSWERS_KEPT` distinct requests are kept and given again."""
    return _kept(store, job)


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def _kept(store: Store, job: PageJob) -> PageAnswer:
    base = _base(store)
    links = Links(base, job.here)
    try:
        return _HANDLERS[job.kind](store, job, base, links)
    except NotAcceptable as exc:
        return PageAnswer(406, "text/plain; charset=utf-8", (str(exc) + "\n").encode())
    except _Missing as exc:
        return _error(404, str(exc), links, job)


@functools.lru_cache(maxsize=4)
def _base(store: Store) -> str | None:
    return dataset_base(store)


class _Missing(Exception):
    pass


def _iri(base: str | None, rel: str) -> str:
    """The IRI a path names under the dataset's base; _Missing when it names none."""
    if base is None:
        raise _Missing("this store has no dataset built by kg: there are no entity or document pages")
    iri = base + rel
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise _Missing(f"{rel[:200]!r} names no IRI of this dataset") from None
    return iri


def _choose(job: PageJob, *, html: bool = True) -> str:
    """The representation asked for: ``html`` or a data extension."""
    if job.format:
        wanted = _FORMAT_NAMES.get(job.format.lower())
        if wanted is None or (wanted == "html" and not html):
            known = ", ".join(["html", *DATA_FORMATS] if html else DATA_FORMATS)
            raise NotAcceptable(f"?format={job.format[:40]} is not a format given here; use one of {known}")
        return wanted
    offers = ([HTML_OFFER] if html else []) + list(DATA_OFFERS.values())
    chosen = choose(job.accept, offers)
    if chosen is None:
        types = ", ".join(o.media_type for o in offers)
        raise NotAcceptable(f"none of the types the Accept header names can be given for this resource; "
                            f"ask for one of: {types} (or add ?format=ttl)")
    if chosen is HTML_OFFER:
        return "html"
    return next(ext for ext, offer in DATA_OFFERS.items() if offer is chosen)


def _thing(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    iri = _iri(base, job.rel)
    if not exists(store, iri):
        raise _Missing(f"nothing is known of {iri} in this dataset")
    wanted = _choose(job)
    target = links.page(iri) if wanted == "html" else links.data(iri, wanted)
    return PageAnswer(303, "text/plain; charset=utf-8", f"See {target}\n".encode(), location=target)


def _page(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    iri = _iri(base, job.rel)
    if is_document(store, iri):
        html = document_page(document_view(store, iri), links, job.site)
    elif exists(store, iri):
        html = entity_page(entity_view(store, iri, page=job.page), links, job.site)
    else:
        raise _Missing(f"nothing is known of {iri} in this dataset")
    return PageAnswer(200, HTML, html.encode())


def _data(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    iri = _iri(base, job.rel)
    fmt = DATA_FORMATS.get(job.extension)
    if fmt is None:
        raise _Missing(f"no data format .{job.extension[:20]}; use one of " + ", ".join(f".{e}" for e in DATA_FORMATS))
    if not exists(store, iri):
        raise _Missing(f"nothing is known of {iri} in this dataset")
    return _data_answer(store, iri, fmt, base)


def _data_answer(store: Store, iri: str, fmt: DataFormat, base: str | None) -> PageAnswer:
    triples, partial = resource_triples(store, iri)
    body = data_document(triples, fmt, prefixes=dataset_prefixes(base, kinds=True, links=True), partial=partial)
    content_type = f"{fmt.media_type}; charset=utf-8" if fmt.media_type.startswith("text/") else fmt.media_type
    headers = {"X-KG-Partial": "true"} if partial else {}
    return PageAnswer(200, content_type, body, headers=headers)


def _document(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    """A document's own IRI: 200 with the representation Accept chose."""
    iri = _iri(base, job.rel)
    if not is_document(store, iri):
        if exists(store, iri):  # a thing under doc/ (none today): forward as for any thing
            return _thing(store, job, base, links)
        raise _Missing(f"no document {iri} in this dataset")
    wanted = _choose(job)
    if wanted == "html":
        html = document_page(document_view(store, iri), links, job.site)
        answer_ = PageAnswer(200, HTML, html.encode())
        location = links.page(iri)
    else:
        answer_ = _data_answer(store, iri, DATA_FORMATS[wanted], base)
        location = links.data(iri, wanted)
    return PageAnswer(answer_.status, answer_.content_type, answer_.body, content_location=location,
                      headers={**answer_.headers, "Vary": "Accept"})


def _search(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    text = job.text[:200]
    entities = search_labels(store, text, limit=50) if text else []
    sentences = search_sentences(store, text, limit=50) if text else []
    return PageAnswer(200, HTML, search_page(text, entities, sentences, links, job.site).encode())


def _labels(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    """Autocomplete: up to 10 entities as JSON ``[{label, kind, href}]``, href
    relative to the site's root."""
    root = Links(base, "")
    hits = search_labels(store, job.text[:200], limit=10)
    body = json.dumps([{"label": h.link.label, "kind": h.kind, "href": root.page(h.link.iri),
                        "iri": h.link.iri} for h in hits], ensure_ascii=False)
    return PageAnswer(200, "application/json", body.encode())


def named_query_forms() -> list[NamedQueryForm]:
    forms = []
    for name in sorted(list_queries()):
        query = load_query(name)
        params = tuple(ParamField(p.name, p.required, _hint(p.description)) for p in query.parameters)
        forms.append(NamedQueryForm(name, query.title, query.text, params))
    return forms


def _hint(description: str) -> str:
    """A placeholder from a parameter's description: its example, if it gives one."""
    example = description.rsplit("e.g.", 1)[-1] if "e.g." in description else ""
    return (example.strip(" .") or description)[:60]


@functools.lru_cache(maxsize=4)
def _overview(store: Store):
    return overview(store)


def warm(store: Store) -> None:
    """Fill the caches the first requests would otherwise wait for."""
    resources.warm(store)
    _overview(store)


def _landing(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    html = landing_page(_overview(store), named_query_forms(), job.dumps, links, job.site)
    return PageAnswer(200, HTML, html.encode())


def _query(store: Store, job: PageJob, base: str | None, links: Links) -> PageAnswer:
    """A named query run with the request's parameters: a page, or SPARQL results
    (JSON, CSV, TSV) by Accept or ``?format=``."""
    if job.rel not in list_queries():
        raise _Missing(f"no named query {job.rel[:80]!r}; the landing page lists them")
    query = load_query(job.rel)
    fmt = job.format.lower() if job.format else _answer_format(job)
    if fmt not in ANSWER_FORMATS:
        raise NotAcceptable(f"?format={job.format[:40]} is not given here; use one of {', '.join(ANSWER_FORMATS)}")
    values = {k: v for k, v in job.params if v.strip()}
    limit = min(job.max_rows or PAGE_ROWS, PAGE_ROWS) if fmt == "html" else job.max_rows
    try:
        result = run(store, query, values, limit=limit)
    except KGError as exc:
        if fmt != "html":
            return PageAnswer(400, "text/plain; charset=utf-8", (str(exc) + "\n").encode())
        html = answer_page(query.name, query.title, job.params, [], [], links, job.site, error=str(exc))
        return PageAnswer(400, HTML, html.encode())
    headers = {"X-KG-Partial": "true" if result.truncated else "false"}
    if fmt == "html":
        html = answer_page(query.name, query.title, sorted(values.items()), result.variables,
                           [list(row) for row in result.rows], links, job.site, partial=result.truncated)
        return PageAnswer(200, HTML, html.encode(), headers=headers)
    assert fmt in FORMATS
    return PageAnswer(200, ANSWER_FORMATS[fmt], write(result, fmt).encode(), headers=headers)


def _answer_format(job: PageJob) -> str:
    offers = [HTML_OFFER, Offer("application/sparql-results+json", ("application/json",), ox.QueryResultsFormat.JSON),
              Offer("text/csv", (), ox.QueryResultsFormat.CSV),
              Offer("text/tab-separated-values", (), ox.QueryResultsFormat.TSV)]
    chosen = choose(job.accept, offers)
    if chosen is None:
        raise NotAcceptable("ask for text/html, application/sparql-results+json, text/csv or "
                            "text/tab-separated-values (or add ?format=json)")
    return {"text/html": "html", "application/sparql-results+json": "json", "text/csv": "csv",
            "text/tab-separated-values": "tsv"}[chosen.media_type]


def _error(status: int, message: str, links: Links, job: PageJob) -> PageAnswer:
    wants_html = job.kind in ("page", "search", "landing") or (
        job.kind in ("thing", "document", "query") and choose(job.accept, [HTML_OFFER]) is not None and not job.format)
    if wants_html:
        return PageAnswer(status, HTML, error_page(status, message, links, job.site).encode())
    return PageAnswer(status, "text/plain; charset=utf-8", (message + "\n").encode())


_HANDLERS = {"thing": _thing, "page": _page, "data": _data, "document": _document, "search": _search,
             "labels": _labels, "landing": _landing, "query": _query}
