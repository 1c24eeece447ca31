"""``kg publish``: the pages and data of ``kg serve`` as a static site, for any
static host (files only, no server code).

The site holds, under its root::

    index.html                     the landing page (the named queries listed, not runnable)
    page/{rel}.html, page/{rel},{n}.html   every entity's, relation type's and document's page
    data/{rel}.{ttl,jsonld,nt,rdf} every resource's data document
    search.html, search/labels.json        search by name, in the browser
    void.ttl, .well-known/void     the VoID and DCAT description (with the dumps, no endpoint)
    dumps/dataset.nq.gz, dumps/dataset.trig.gz
    static/site.css, static/site.js
    _redirects, .htaccess          the rules that make the dataset's IRIs dereference
    kg-site.json                   what was published, from which store, when

File names keep the IRIs' percent-encoding (``page/doc/business%2F001.html``)
and links write each ``%`` as ``%25``: a host decodes the path once and finds
the file. The rules that answer a thing's IRI with 303 and a document's with
200 are written for Netlify-style hosts (``_redirects``) and Apache
(``.htaccess``); README "Publishing a static site" gives them for nginx.

The site is written into a temporary folder beside ``out`` and renamed into
place, so ``out`` is either the old site or the new one; a folder that is not
a site kg published is never replaced.
"""
from __future__ import annotations

import datetime as _dt
import importlib.resources
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import DEFAULT_PREFIXES
from kg.rdf.prefixes import dataset_prefixes
from kg.serve.answers import named_query_forms
from kg.serve.dumps import write_dumps
from kg.serve.pages import (DATA_FORMATS, Links, SiteInfo, data_document, document_page, entity_page, landing_page,
                            search_page)
from kg.serve.resources import (FACTS_PER_PAGE, dataset_base, document_view, entity_view, overview,
                                resource_triples)
from kg.serve.void import DatasetMetadata, read_void_statistics_of, prefixes as void_prefixes, void_description
from kg.store.base import Store

MARKER = "kg-site.json"
MAX_NAME = 240  # bytes of a file name most file systems take (255), less room for ",n.html"

_THINGS = """
SELECT DISTINCT ?g ?x WHERE { GRAPH ?g { { ?x a kg:Entity } UNION { ?x a kg:RelationType } } } ORDER BY ?x"""
_DOCUMENTS = "SELECT ?d WHERE { GRAPH ?d { ?d a kg:Document } } ORDER BY ?d"
_LABELS = """
SELECT ?g ?x ?l ?t WHERE { GRAPH ?g { ?x a kg:Entity ; rdfs:label ?l OPTIONAL { ?x a ?t FILTER(?t != kg:Entity) } } }"""


@dataclass(frozen=True)
class Published:
    """What :func:`publish` wrote."""

    out: Path
    pages: int
    data_documents: int
    skipped: tuple[str, ...]
    files: int
    bytes: int


def publish(store: Store, out: str | Path, *, site: SiteInfo, metadata: DatasetMetadata = DatasetMetadata(),
            site_iri: str | None = None, progress: Callable[[Iterable], Iterable] | None = None) -> Published:
    """Write the static site of ``store`` to ``out``. ``site_iri`` is where it will
    be hosted (its root; the VoID document's IRIs hang from it; by default the
    dataset's base IRI). ``progress`` wraps the loop over resources (a tqdm)."""
    out = Path(out)
    _check_out(out)
    base = dataset_base(store)
    if base is None:
        raise KGError("the store has no dataset built by kg (no entity graph): nothing to publish; "
                      "build one with `kg build INPUT --store DIR`")
    root_iri = site_iri or base
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        counts = _write_site(store, work, base, root_iri, site, metadata, progress or (lambda items: items))
        _replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    files = [p for p in out.rglob("*") if p.is_file()]
    return Published(out, counts[0], counts[1], tuple(counts[2]), len(files), sum(p.stat().st_size for p in files))


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise KGError(f"--out {out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise KGError(f"--out {out} is a folder with files kg did not publish; kg publish replaces only a site "
                      "it wrote (it has kg-site.json): give an empty or new folder")


def _replace(work: Path, out: Path) -> None:
    """``work`` becomes ``out``: the old site is moved aside, then removed."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def _write_site(store: Store, work: Path, base: str, root_iri: str, site: SiteInfo, metadata: DatasetMetadata,
                progress) -> tuple[int, int, list[str]]:
    graph = store.entity_graphs()[0]
    things = [row["x"].value for row in store.query(_THINGS, substitutions={ox.Variable("g"): graph}, prefixes=DEFAULT_PREFIXES)]
    documents = [row["d"].value for row in store.query(_DOCUMENTS, prefixes=DEFAULT_PREFIXES)]
    prefixes = dataset_prefixes(base, kinds=True, links=True)
    pages = data_docs = 0
    skipped: list[str] = []
    is_document = frozenset(documents)
    for iri in progress([*things, *documents]):
        rel = iri[len(base):]
        if not iri.startswith(base) or len(rel.rsplit("/", 1)[-1].encode()) > MAX_NAME:
            skipped.append(iri)
            continue
        here = f"page/{rel}.html"
        links = Links(base, here, static=True)
        if iri in is_document:
            _write(work / here, document_page(document_view(store, iri), links, site))
            pages += 1
        else:
            view = entity_view(store, iri)
            _write(work / here, entity_page(view, links, site))
            pages += 1
            for n in range(2, view.pages + 1):
                page_path = f"page/{rel},{n}.html"
                more = entity_view(store, iri, page=n, per_page=FACTS_PER_PAGE)
                _write(work / page_path, entity_page(more, Links(base, page_path, static=True), site))
                pages += 1
        triples, partial = resource_triples(store, iri)
        for fmt in DATA_FORMATS.values():
            _write(work / f"data/{rel}.{fmt.extension}", data_document(triples, fmt, prefixes=prefixes,
                                                                       partial=partial))
            data_docs += 1
    dumps = write_dumps(store, work / "dumps")
    _write(work / "index.html", landing_page(overview(store), named_query_forms(), dumps,
                                             Links(base, "index.html", static=True), site))
    _write(work / "search.html", search_page("", [], [], Links(base, "search.html", static=True), site))
    _write(work / "search" / "labels.json", _labels_json(store, graph, base))
    stats = read_void_statistics_of(store)
    void = void_description(f"{root_iri}void.ttl", None, stats, metadata, dumps=dumps, dump_base=f"{root_iri}dumps/")
    void_ttl = ox.serialize(void, format=ox.RdfFormat.TURTLE, prefixes=void_prefixes(stats))
    _write(work / "void.ttl", void_ttl)
    _write(work / ".well-known" / "void", void_ttl)
    for name in ("site.css", "site.js"):
        _write(work / "static" / name, importlib.resources.files("kg.serve.site").joinpath(name).read_bytes())
    _write(work / "_redirects", _netlify_rules())
    _write(work / ".htaccess", _apache_rules())
    _write(work / MARKER, json.dumps({
        "published": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "base_iri": base, "site_iri": root_iri, "pages": pages, "data_documents": data_docs,
        "documents": len(documents), "things": len(things), "skipped": skipped,
        "dumps": [{"name": d.name, "size": d.size, "sha256": d.sha256} for d in dumps],
    }, indent=2) + "\n")
    return pages, data_docs, skipped


def _labels_json(store: Store, graph: ox.NamedNode, base: str) -> str:
    """Every entity's label, kind and page, for the search box (about 80 bytes an entity)."""
    root = Links(base, "", static=True)
    found: dict[str, dict[str, str]] = {}
    for row in store.query(_LABELS, substitutions={ox.Variable("g"): graph}, prefixes=DEFAULT_PREFIXES):
        iri = row["x"].value
        kind = row["t"].value.rsplit("/", 1)[-1] if row["t"] is not None else ""
        entry = found.setdefault(iri, {"label": row["l"].value, "kind": kind, "href": root.page(iri)})
        if kind and not entry["kind"]:
            entry["kind"] = kind
    return json.dumps(sorted(found.values(), key=lambda e: (e["label"], e["href"])), ensure_ascii=False,
                      separators=(",", ":"))


def _netlify_rules() -> str:
    return """\
# kg publish: how the dataset's IRIs dereference on a host that reads _redirects
# (Netlify, Cloudflare Pages). A thing (entity, relation type) answers 303 See
# Other to its page; a document answers 200 with its page.
/entity/*    /page/entity/:splat.html    303
/relation/*  /page/relation/:splat.html  303
/doc/*       /page/doc/:splat.html       200
"""


def _apache_rules() -> str:
    return """\
# kg publish: how the dataset's IRIs dereference on Apache (mod_rewrite; the
# server's config needs AllowEncodedSlashes NoDecode for document ids with
# a %2F). A thing answers 303 to its page, or to its Turtle for an RDF client;
# a document answers 200.
RewriteEngine On
RewriteCond %{HTTP_ACCEPT} text/turtle|application/rdf\\+xml|application/ld\\+json|application/n-triples
RewriteRule ^(entity|relation)/(.*)$ data/$1/$2.ttl [R=303,L,NE]
RewriteRule ^(entity|relation)/(.*)$ page/$1/$2.html [R=303,L,NE]
RewriteRule ^doc/(.*)$ page/doc/$1.html [L,NE]
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
AddType text/turtle void
"""
