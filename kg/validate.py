"""Checking a store against ``ontology/shapes.ttl`` with pyshacl."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.rdf.ontology import SHAPES, ontology_text
from kg.store.base import Store


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    violations: int
    report: str


def to_rdflib(store: Store, graph=None):
    """The store (union of its graphs, or one graph) as an rdflib ``Graph``."""
    import io

    import pyoxigraph as ox
    import rdflib

    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_QUADS, graph=graph) if graph is not None else store.dump(buffer, ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset()
    dataset.parse(data=buffer.getvalue(), format="nquads")
    union = rdflib.Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_store(store: Store, *, shapes: Path | None = None) -> ValidationResult:
    """Validate the union of all document graphs against kg's shapes (or the
    Turtle file ``shapes``); report each violation."""
    import rdflib
    from pyshacl import validate

    text = shapes.read_text(encoding="utf-8") if shapes is not None else ontology_text(SHAPES)
    shapes_graph = rdflib.Graph().parse(data=text, format="turtle")
    conforms, report_graph, report_text = validate(to_rdflib(store), shacl_graph=shapes_graph,
                                                   inference="none", advanced=False)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = len(set(report_graph.subjects(rdflib.RDF.type, sh.ValidationResult)))
    return ValidationResult(bool(conforms), violations, report_text)
