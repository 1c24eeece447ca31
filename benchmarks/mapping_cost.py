"""What mapping to RDF costs next to parsing, and why: one run.

    python benchmarks/mapping_cost.py [N_ARTICLES]

Parses N BBC articles with kg's pipeline, then times (CPU seconds of this
thread) `extract()` and the mapping of every extraction to pyoxigraph quads,
each as a fraction of the parse. It also times building a `pyoxigraph.Quad`
whose object is a `Literal` against one whose object is an IRI, which is most
of the mapping's cost.
"""
from __future__ import annotations

import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

from pyoxigraph import Literal, NamedNode, Quad  # noqa: E402

from kg.pipeline import PARSE_BATCH_CHARS, batched_by_chars, map_extraction  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.extract.article import read_anatomy  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.nlp import load_pipeline, model_id  # noqa: E402
from kg.rdf.iris import IriMinter  # noqa: E402
from kg.rdf.mapping import now_literal  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    articles = [read_anatomy(Article(doc_id=r["id"], text=r["text"], title=r["title"])) for r in bbc_records(n)]
    nlp = load_pipeline()
    pairs = [(a.text[a.body_start:a.body_end], a) for a in articles]
    t = time.thread_time()
    docs = [d for batch in batched_by_chars(pairs, PARSE_BATCH_CHARS)
            for d in nlp.pipe(batch, as_tuples=True, batch_size=len(batch))]
    parse = time.thread_time() - t
    t = time.thread_time()
    extractions = [extract(doc, article) for doc, article in docs]
    extracting = time.thread_time() - t
    iris, started, name = IriMinter(), now_literal(), model_id(nlp)
    t = time.thread_time()
    graphs = [map_extraction(x, iris, model=name, started=started) for x in extractions]
    mapping = time.thread_time() - t
    quads = [q for g in graphs for q in g.quads]
    literal_objects = sum(isinstance(q.object, Literal) for q in quads)
    print(f"{n} articles, {len(quads):,} quads ({len(quads) / n:.0f} a document, "
          f"{literal_objects / len(quads):.0%} with a literal object); CPU seconds of this thread:")
    print(f"parse {parse:7.2f}   extract {extracting:5.2f} ({extracting / parse:.1%})   "
          f"map {mapping:5.2f} ({mapping / parse:.1%})")
    g, s, p = (NamedNode(f"https://example.org/{x}") for x in "gsp")
    lit, iri = Literal("Keir Starmer", language="en"), NamedNode("https://example.org/o")
    each = {label: min(timeit.repeat(lambda o=o: Quad(s, p, o, g), number=100_000, repeat=5)) / 100_000
            for label, o in (("literal", lit), ("IRI", iri))}
    print(f"pyoxigraph.Quad(...) with a literal object {each['literal'] * 1e6:.2f} µs, with an IRI object "
          f"{each['IRI'] * 1e6:.2f} µs: {each['literal'] / each['IRI']:.1f}x")


if __name__ == "__main__":
    main()
