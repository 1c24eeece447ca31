"""Checking a store against ``ontology/shapes.ttl`` with pyshacl."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError

SHAPES = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    violations: int
    report: str


def to_rdflib(store, graph=None):
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


def validate_store(store, *, shapes: Path = SHAPES) -> ValidationResult:
    """Validate the union of all document graphs; report each violation."""
    import rdflib
    from pyshacl import validate

    if not shapes.is_file():
        raise KGError(f"SHACL shapes not found at {shapes}; reinstall kg from a full checkout")
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    conforms, report_graph, report_text = validate(to_rdflib(store), shacl_graph=shapes_graph,
                                                   inference="none", advanced=False)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = len(set(report_graph.subjects(rdflib.RDF.type, sh.ValidationResult)))
    return ValidationResult(bool(conforms), violations, report_text)
