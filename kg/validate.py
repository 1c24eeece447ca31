"""Checking a store against ``ontology/shapes.ttl`` with pyshacl, and as a whole (``kg check``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg.rdf.ontology import SHAPES, ontology_text
from kg.errors import StoreError
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


# -- kg check: the store as a whole (see kg.store.integrity) ---------------------

@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class IntegrityReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def summary(self) -> str:
        return "\n".join(f"{'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in self.checks)


def check_store(store: Store, where: str, *, shapes: bool = True,
                progress: Callable[[int], None] | None = None) -> IntegrityReport:
    """Run the checks of the module on ``store`` (named ``where`` in advice)."""
    from kg.store.entities import check as entity_health
    from kg.store.integrity import read_every_index
    from kg.store.markers import partial_documents

    from kg.store.seal import changed_files

    report = IntegrityReport()
    path = getattr(store, "path", None)
    changed = changed_files(path) if path is not None else []
    if changed:
        report.checks.append(Check("sealed", False, f"table files changed since kg last wrote them "
                                   f"({'; '.join(changed[:3])}{' ...' if len(changed) > 3 else ''}): the store "
                                   "is damaged. Rebuild it from your articles, or load a dump "
                                   "(kg load FILE.nq.gz --store NEW)"))
    elif path is not None:
        report.checks.append(Check("sealed", True, "every table file kg sealed is as it wrote it"))
    try:
        quads = read_every_index(store, progress=progress)
    except (OSError, RuntimeError, StoreError, ValueError) as exc:
        report.checks.append(Check("readable", False, f"reading the store failed "
                                   f"({str(exc).splitlines()[0][:200]}): it is damaged. Rebuild it from your "
                                   "articles, or load a dump (kg load FILE.nq.gz --store NEW)"))
        return report  # nothing else can be trusted
    report.checks.append(Check("readable", True, f"{quads:,} quads read through every index, "
                                                 "every block's checksum verified"))

    hashes = store.document_hashes()
    partial = partial_documents(store.named_graphs(), hashes, store.entity_graphs())
    report.checks.append(Check(
        "documents", not partial,
        f"{len(hashes):,} documents complete" if not partial else
        f"{len(partial):,} half-written document graphs (an interrupted write); "
        f"`kg repair --store {where}` drops them"))

    health = entity_health(store)
    report.checks.append(Check("entity graph", health.ok, "up to date" if health.ok else health.advice(where)))

    if shapes:
        result = validate_store(store)
        report.checks.append(Check("shapes", result.conforms, "the SHACL shapes hold" if result.conforms else
                                   f"{result.violations} violations; `kg validate --store {where}` lists them"))
    return report
