"""``kg serve``: a store as a read-only SPARQL 1.1 endpoint and linked data;
``kg publish``: the same pages and data as a static site.

``kg.cli`` adds the commands with :func:`add_serve_parser` and
:func:`add_publish_parser` and runs them with :func:`cmd_serve` and
:func:`cmd_publish`; ``python -m kg.serve.cli`` runs ``kg serve`` alone.
"""
from __future__ import annotations

import argparse
import sys

from kg.args import at_least, seconds
from kg.errors import KGError

DEFAULT_STORE = "kg-store"  # as kg.cli's --store (which this layer cannot import)


def add_serve_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``serve`` to a ``kg`` command line's subparsers."""
    from kg.serve.limits import DEFAULT_TIMEOUT, MAX_BODY, default_workers

    p = subparsers.add_parser("serve", help="serve the store read-only: SPARQL at /sparql, pages, linked data",
                              description="Serve a kg store, read-only: a SPARQL 1.1 Protocol endpoint at "
                                          "/sparql (GET ?query=, POST a form or the query; a GET without a "
                                          "query gives the service description; updates are refused with 403, "
                                          f"request bodies over {MAX_BODY:,} bytes with 413), every IRI of the "
                                          "dataset dereferenceable (303 to a page or data), entity and document "
                                          "pages, search, named queries and dumps, and the dataset's VoID at "
                                          "/.well-known/void. A store a build is writing is read through its "
                                          "snapshots: new documents show within seconds of each commit.")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="DIR|URL",
                   help=f"store directory, opened read-only, or the URL of a SPARQL endpoint holding a kg dataset "
                        f"(its queries then run there) (default: ./{DEFAULT_STORE})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine "
                                                      "only; 0.0.0.0 for every network)")
    p.add_argument("--port", type=at_least(0), default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--base-iri", default=None, metavar="IRI",
                   help="the IRI clients reach the server at, when behind a proxy (https://example.org/kg/): "
                        "the endpoint is IRI + 'sparql' in the service description (default: as requested)")
    limits = p.add_mutually_exclusive_group()
    limits.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"stop a query after S seconds and answer 503 (default: {DEFAULT_TIMEOUT:g})")
    limits.add_argument("--no-timeout", dest="timeout", action="store_const", const=None,
                        help="let every query run to its end")
    p.add_argument("--max-rows", type=at_least(1), default=None, metavar="N",
                   help="cut answers after N rows (or triples), saying so in the X-KG-Partial header "
                        "(default: no limit)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let pages from ORIGIN (https://example.org, or *) query from a browser; repeatable")
    p.add_argument("--workers", type=at_least(1), default=None, metavar="N",
                   help=f"queries run at once, each in its own process (default: {default_workers()})")
    about = p.add_argument_group("the dataset's description (/.well-known/void, VoID and DCAT)")
    about.add_argument("--title", default="kg knowledge graph", help="its title (default: kg knowledge graph)")
    about.add_argument("--description", default=None, help="what it holds (default: written from its counts)")
    about.add_argument("--licence", default=None, metavar="IRI",
                       help="the licence's IRI, e.g. https://creativecommons.org/licenses/by/4.0/ (default: none said)")
    about.add_argument("--publisher", default=None, metavar="IRI|NAME", help="who publishes it (default: none said)")
    return p


def add_publish_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``publish`` to a ``kg`` command line's subparsers."""
    p = subparsers.add_parser("publish", help="write the store's pages and data as a static site",
                              description="Write every entity's, relation type's and document's page and data "
                                          "(Turtle, JSON-LD, N-Triples, RDF/XML), search by name, the dumps and "
                                          "the VoID/DCAT description as a static site any host can serve, with "
                                          "the redirect rules that make the dataset's IRIs dereference "
                                          "(_redirects, .htaccess; README gives nginx's).")
    p.add_argument("--store", default=DEFAULT_STORE, metavar="DIR", help=f"store directory (default: ./{DEFAULT_STORE})")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder to write the site to: a new or empty one, or a site kg published before (replaced "
                        "whole, only once the new one is written)")
    p.add_argument("--site-iri", default=None, metavar="IRI",
                   help="where the site will be hosted, for the VoID document's links (default: the dataset's base IRI)")
    p.add_argument("--title", default="kg knowledge graph", help="the site's title (default: kg knowledge graph)")
    p.add_argument("--description", default=None, help="a line on what it holds")
    p.add_argument("--licence", default=None, metavar="IRI", help="the licence's IRI, for the VoID description")
    p.add_argument("--publisher", default=None, metavar="IRI|NAME", help="who publishes it")
    return p


def cmd_publish(args) -> int:
    """Write the static site and say what was written."""
    import time

    from tqdm import tqdm

    from kg.rdf.iris import check_base_iri
    from kg.serve.pages import SiteInfo
    from kg.serve.publish import publish
    from kg.serve.void import DatasetMetadata
    from kg.store import open_store

    site_iri = check_base_iri(args.site_iri) if args.site_iri else None
    metadata = DatasetMetadata(args.title, args.description, args.licence, args.publisher)
    started = time.monotonic()
    with open_store(args.store, read_only=True) as store:
        published = publish(store, args.out, site=SiteInfo(args.title, args.description or ""), metadata=metadata,
                            site_iri=site_iri,
                            progress=lambda items: tqdm(items, desc="kg publish", unit=" resources",
                                                        file=sys.stderr, disable=None))
    skipped = (f"; {len(published.skipped)} resource(s) skipped (names too long for a file; listed in "
               f"kg-site.json)" if published.skipped else "")
    print(f"wrote {published.out}: {published.pages:,} pages, {published.data_documents:,} data documents, "
          f"{published.files:,} files, {published.bytes / 1e6:,.1f} MB in {time.monotonic() - started:.1f} s{skipped}")
    return 0


def cmd_serve(args) -> int:
    """Check the store, then serve it until interrupted."""
    import uvicorn

    from kg.rdf.iris import check_base_iri
    from kg.serve.app import ServeConfig, create_app
    from kg.serve.limits import default_workers
    from kg.store import open_store

    base = check_base_iri(args.base_iri) if args.base_iri else None  # ends in "/"
    open_store(args.store, read_only=True).close()  # a missing or damaged store stops here, said as kg says it
    config = ServeConfig(args.store, base_iri=base, timeout=args.timeout, max_rows=args.max_rows,
                         cors=tuple(args.cors), workers=args.workers or default_workers(), title=args.title,
                         description=args.description, licence=args.licence, publisher=args.publisher)
    limits = ", ".join([f"timeout {args.timeout:g} s" if args.timeout else "no timeout",
                        f"at most {args.max_rows:,} rows" if args.max_rows else "no row limit",
                        f"{config.workers} query worker{'s' if config.workers > 1 else ''}"])
    print(f"kg serve: {args.store}, read-only, {limits}; SPARQL endpoint at http://{args.host}:{args.port}/sparql, "
          f"its description at /.well-known/void",
          file=sys.stderr)
    _check_port(args.host, args.port)
    # on Ctrl-C, queries still running after a few seconds are stopped (their workers killed)
    uvicorn.run(create_app(config), host=args.host, port=args.port, server_header=False, timeout_graceful_shutdown=5)
    return 0


def _check_port(host: str, port: int) -> None:
    """Refuse, in kg's words, an address another program listens on (uvicorn would
    log its own error and exit with 3), before the workers start."""
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError as exc:
        raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; another program may be using "
                      f"that port: give another with --port, or stop it") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kg")
    add_serve_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    try:
        return cmd_serve(args)
    except KGError as exc:
        print(f"kg serve: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
