"""The SPARQL service description (https://www.w3.org/TR/sparql11-service-description/)
the endpoint answers a GET without a query with, and the dataset statistics
in it (VoID, https://www.w3.org/TR/void/).

The store is opened read-only, so its contents cannot change while the
server runs: the statistics are counted once, when it starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.namespace import RDF, RDFS, XSD, ClosedNamespace
from kg.serve.negotiate import GRAPH_OFFERS, RESULT_OFFERS
from kg.serve.sources import store_spec
from kg.store import open_store

SD = ClosedNamespace("http://www.w3.org/ns/sparql-service-description#", [
    "Service", "endpoint", "supportedLanguage", "SPARQL11Query", "feature", "UnionDefaultGraph",
    "defaultEntailmentRegime", "resultFormat", "defaultDataset", "Dataset", "defaultGraph", "namedGraph",
    "NamedGraph", "name", "graph", "Graph"], source="kg/serve/description.py")
VOID = ClosedNamespace("http://rdfs.org/ns/void#", [
    "Dataset", "sparqlEndpoint", "triples",
    # the dataset's own description (kg/serve/void.py)
    "Linkset", "entities", "documents", "classes", "properties", "classPartition", "propertyPartition", "class",
    "property", "vocabulary", "uriSpace", "dataDump", "subset", "subjectsTarget", "objectsTarget", "linkPredicate"],
    source="kg/serve/description.py")
SIMPLE_ENTAILMENT = ox.NamedNode("http://www.w3.org/ns/entailment/Simple")
FORMATS = "http://www.w3.org/ns/formats/"
PREFIXES = {"sd": SD.prefix, "void": VOID.prefix, "formats": FORMATS,
            "rdfs": RDFS.prefix, "xsd": XSD.prefix}
# a kg store has a graph per document: past this many, the description gives
# their number and lists the largest, so that it stays a page and not a dump
MAX_LISTED_GRAPHS = 1000

_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_UNION = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@dataclass(frozen=True)
class DatasetStatistics:
    """What the store holds: quads in all, distinct triples in the union default
    graph, and the triples of each named graph (IRI, count), sorted by IRI."""

    quads: int
    union_triples: int
    graphs: tuple[tuple[str, int], ...]


def read_statistics(store_path: str | Path) -> DatasetStatistics:
    """Count a store's contents, opened read-only (the open checks it as every
    ``kg`` command does, and raises :class:`kg.errors.StoreError` if it cannot)."""
    with open_store(store_spec(store_path), read_only=True) as store:
        graphs = sorted((row["g"].value, int(row["n"].value)) for row in store.query(_PER_GRAPH)
                        if isinstance(row["g"], ox.NamedNode))
        union = next(iter(store.query(_UNION)))["n"]
        return DatasetStatistics(len(store), int(union.value), tuple(graphs))


def service_description(endpoint: str, stats: DatasetStatistics) -> list[ox.Triple]:
    """The triples describing the endpoint at ``endpoint`` (an absolute IRI)."""
    sd, void = SD, VOID
    service, dataset, default_graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF.type, sd.Service),
        ox.Triple(service, sd.endpoint, service),
        ox.Triple(service, sd.supportedLanguage, sd.SPARQL11Query),
        ox.Triple(service, sd.feature, sd.UnionDefaultGraph),  # kg's default graph: the union of all graphs
        ox.Triple(service, sd.defaultEntailmentRegime, SIMPLE_ENTAILMENT),
        *(ox.Triple(service, sd.resultFormat, format_iri(o.format)) for o in RESULT_OFFERS + GRAPH_OFFERS),
        ox.Triple(service, sd.defaultDataset, dataset),
        ox.Triple(dataset, RDF.type, sd.Dataset),
        ox.Triple(dataset, RDF.type, void.Dataset),
        ox.Triple(dataset, void.sparqlEndpoint, service),
        ox.Triple(dataset, void.triples, _integer(stats.quads)),
        ox.Triple(dataset, sd.defaultGraph, default_graph),
        ox.Triple(default_graph, RDF.type, sd.Graph),
        ox.Triple(default_graph, void.triples, _integer(stats.union_triples)),
        ox.Triple(default_graph, RDFS.comment, ox.Literal(
            f"The default graph is the union of all {len(stats.graphs):,} named graphs: "
            f"{stats.union_triples:,} distinct triples of the dataset's {stats.quads:,}.")),
    ]
    listed = sorted(stats.graphs, key=lambda g: -g[1])[:MAX_LISTED_GRAPHS]
    if len(listed) < len(stats.graphs):
        triples.append(ox.Triple(dataset, RDFS.comment, ox.Literal(
            f"{len(stats.graphs):,} named graphs; the {len(listed):,} largest are listed.")))
    for iri, count in sorted(listed):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd.namedGraph, named),
            ox.Triple(named, RDF.type, sd.NamedGraph),
            ox.Triple(named, sd.name, ox.NamedNode(iri)),
            ox.Triple(named, sd.graph, graph),
            ox.Triple(graph, RDF.type, sd.Graph),
            ox.Triple(graph, void.triples, _integer(count)),
        ]
    return triples


def format_iri(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> ox.NamedNode:
    """The format's IRI in https://www.w3.org/ns/formats/ (pyoxigraph 0.5 names
    JSON-LD by another IRI than the one that list gives)."""
    return ox.NamedNode(FORMATS + "JSON-LD" if fmt == ox.RdfFormat.JSON_LD else fmt.iri)


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD.integer)
