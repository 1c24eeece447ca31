"""The HTML pages and data documents of the graph, for ``kg serve`` and
``kg publish``: the records of :mod:`kg.serve.resources` filled into the
Jinja templates of :mod:`kg.serve.site` (escaped by Jinja's autoescape), and
triples written by pyoxigraph.

Where a resource's representations live, relative to the site's root
(``rel`` is its IRI with the dataset's base cut off, percent-encoding kept)::

    page/{rel}.html           its page (a document's hash IRIs: #fragments of it)
    page/{rel},{n}.html       page n of an entity's facts (kg publish; the server takes ?page=n)
    data/{rel}.{ttl,jsonld,nt,rdf}   its data document

Links are relative, so a site works under any prefix; the static site's links
write each ``%`` of a path as ``%25``, since a static host decodes a URL's path
once to find the file, whose name keeps the IRI's encoding.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import jinja2
import pyoxigraph as ox

from kg.rdf.iris import document_of
from kg.rdf.prefixes import VOCABULARY_PREFIXES
from kg.serve.resources import DocumentView, EntityView, Hit, Overview

VOID_PATH = ".well-known/void"


@dataclass(frozen=True)
class DataFormat:
    extension: str
    name: str
    media_type: str
    format: ox.RdfFormat


DATA_FORMATS: dict[str, DataFormat] = {f.extension: f for f in (
    DataFormat("ttl", "Turtle", "text/turtle", ox.RdfFormat.TURTLE),
    DataFormat("jsonld", "JSON-LD", "application/ld+json", ox.RdfFormat.JSON_LD),
    DataFormat("nt", "N-Triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    DataFormat("rdf", "RDF/XML", "application/rdf+xml", ox.RdfFormat.RDF_XML),
)}
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class SiteInfo:
    """What every page says of the site: its title, a line of description, the
    SPARQL endpoint's IRI (empty for a static site)."""

    title: str
    description: str = ""
    endpoint: str = ""


class Links:
    """URLs of a dataset's resources as seen from one page (``here``, its path
    from the site's root), relative so that the site works under any prefix."""

    def __init__(self, base: str | None, here: str, *, static: bool = False) -> None:
        self.base = base or "\x00"  # no dataset: nothing is local
        self.static = static
        self.root = "../" * here.count("/")
        self.void = "void.ttl" if static else VOID_PATH

    def local(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def rel(self, iri: str) -> str:
        return iri[len(self.base):].split("#", 1)[0]

    def _href(self, path: str) -> str:
        return self.root + (path.replace("%", "%25") if self.static else path)

    def page(self, iri: str) -> str:
        """The page of ``iri``: a document's nodes (statements, mentions,
        sentences) are anchors of the document's page."""
        if not self.local(iri):
            return iri
        fragment = iri.split("#", 1)[1] if "#" in iri and document_of(iri) else ""
        href = self._href(f"page/{self.rel(iri)}.html")
        return f"{href}#{fragment}" if fragment else href

    def page_number(self, iri: str, n: int) -> str:
        if n <= 1:
            return self.page(iri)
        if self.static:
            return self._href(f"page/{self.rel(iri)},{n}.html")
        return f"{self.page(iri)}?page={n}"

    def data(self, iri: str, extension: str) -> str:
        return self._href(f"data/{self.rel(iri)}.{extension}")

    def data_links(self, iri: str) -> list[tuple[str, str]]:
        return [(f.name, self.data(iri, f.extension)) for f in DATA_FORMATS.values()]

    def fragment(self, iri: str) -> str:
        return iri.split("#", 1)[1] if "#" in iri else ""


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("kg.serve", "site"),
                             autoescape=jinja2.select_autoescape(["html"], default=True),
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env


def _render(template: str, **context) -> str:
    context.setdefault("iri", "")
    context.setdefault("data_links", [])
    context.setdefault("query", "")
    context["types"] = {f.name: f.media_type for f in DATA_FORMATS.values()}
    return environment().get_template(template).render(**context)


def entity_page(view: EntityView, links: Links, site: SiteInfo) -> str:
    return _render("entity.html", view=view, links=links, site=site, iri=view.iri,
                   data_links=links.data_links(view.iri), picture=neighbourhood(view, links))


def document_page(view: DocumentView, links: Links, site: SiteInfo) -> str:
    return _render("document.html", view=view, links=links, site=site, iri=view.iri,
                   data_links=links.data_links(view.iri))


def search_page(query: str, entities: Sequence[Hit], sentences: Sequence[Hit], links: Links, site: SiteInfo) -> str:
    return _render("search.html", query=query, entities=entities, sentences=sentences, links=links, site=site)


@dataclass(frozen=True)
class ParamField:
    name: str
    required: bool
    hint: str


@dataclass(frozen=True)
class NamedQueryForm:
    name: str
    title: str
    text: str
    params: tuple[ParamField, ...]


@dataclass(frozen=True)
class Dump:
    """A dump of the whole dataset: its file name, media type, size and SHA-256."""

    name: str
    media_type: str
    size: int
    sha256: str

    @property
    def size_text(self) -> str:
        size = float(self.size)
        for unit in ("bytes", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
            size /= 1024
        return f"{self.size:,} bytes"


EXAMPLE_QUERY = """SELECT ?subject ?relation ?object WHERE {
  ?s a kg:Statement ; rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?y .
  ?x rdfs:label ?subject . ?p rdfs:label ?relation . ?y rdfs:label ?object .
} LIMIT 20"""


def landing_page(view: Overview, named: Sequence[NamedQueryForm], dumps: Sequence[Dump], links: Links,
                 site: SiteInfo) -> str:
    return _render("landing.html", view=view, named=named, dumps=dumps, links=links, site=site,
                   example_query=EXAMPLE_QUERY)


def answer_page(name: str, title: str, params: Sequence[tuple[str, str]], variables: Sequence[str],
                rows: Sequence[Sequence[object]], links: Links, site: SiteInfo, *, partial: bool = False,
                error: str = "") -> str:
    """A named query's answer as a table: IRIs under the dataset's base link to their pages."""
    cells = [[_cell(term, links) for term in row] for row in rows]
    return _render("answer.html", name=name, title=title, params=list(params), variables=list(variables),
                   rows=cells, partial=partial, error=error, links=links, site=site)


def _cell(term, links: Links) -> dict[str, str]:
    if term is None:
        return {"text": "", "href": ""}
    if isinstance(term, ox.NamedNode):
        if links.local(term.value):
            return {"text": _short(term.value, links), "href": links.page(term.value)}
        return {"text": term.value, "href": term.value if term.value.startswith(("http://", "https://")) else ""}
    return {"text": getattr(term, "value", str(term)), "href": ""}


def _short(iri: str, links: Links) -> str:
    rel = iri[len(links.base):]
    return rel.rsplit("/", 1)[-1] if "/" in rel else rel


def error_page(status: int, message: str, links: Links, site: SiteInfo) -> str:
    return _render("error.html", status=status, message=message, links=links, site=site)


# -- the neighbourhood picture --------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    x: float
    y: float
    r: float
    label: str
    title: str
    href: str
    weight: float


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    nodes: tuple[Node, ...]


def neighbourhood(view: EntityView, links: Links, *, width: int = 640, height: int = 360) -> Picture:
    """The entity in the middle and the entities it is most often related to or
    named with on a ring around it, nearer and larger the more often (an SVG the
    template draws: no script, so the static site has it too)."""
    cx, cy = width / 2, height / 2
    nodes = [Node(cx, cy, 18, _clip(view.label), view.label, links.page(view.iri), 0)]
    shown = view.neighbours[:12]
    most = max((n for _, n in shown), default=1)
    for i, (link, n) in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        reach = 0.95 - 0.35 * (n / most)
        x = cx + math.cos(angle) * (width / 2 - 70) * reach
        y = cy + math.sin(angle) * (height / 2 - 40) * reach
        nodes.append(Node(round(x, 1), round(y, 1), round(6 + 8 * n / most, 1), _clip(link.label),
                          f"{link.label}: {n} fact{'s' if n != 1 else ''} or sentence{'s' if n != 1 else ''} with {view.label}",
                          links.page(link.iri), round(1 + 3 * n / most, 1)))
    return Picture(width, height, tuple(nodes))


def _clip(text: str, size: int = 22) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


# -- data documents ---------------------------------------------------------------------------
def data_document(triples: Sequence[ox.Triple], fmt: DataFormat, *, prefixes: Mapping[str, str] | None = None,
                  partial: bool = False) -> bytes:
    """``triples`` written in ``fmt`` (Turtle with the dataset's and kg's prefixes)."""
    options: dict[str, object] = {"format": fmt.format}
    if fmt.format in (ox.RdfFormat.TURTLE,):
        options["prefixes"] = {**VOCABULARY_PREFIXES, **(prefixes or {})}
    body = ox.serialize(list(triples), **options)
    if partial and fmt.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        body += b"# partial: this entity takes part in more relations than one document carries; ask the SPARQL endpoint\n"
    return body
