"""The dataset's VoID and DCAT description at ``/.well-known/void`` (VoID,
https://www.w3.org/TR/void/ section 7.2; DCAT 3, https://www.w3.org/TR/vocab-dcat-3/):
what the store holds (triples, entities, documents, its classes and properties
with their counts), the vocabularies it uses, its links to Wikidata, and the
SPARQL endpoint that serves it. Turtle by default; N-Triples, JSON-LD and
RDF/XML by ``Accept``.

The store is opened read-only, so the counts are taken once, in the
background, when the server starts (:func:`read_void_statistics`), as the
service description's are (:mod:`kg.serve.description`).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Sequence
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from kg.errors import KGError
from kg.rdf.iris import base_of_entity_graph
from kg.rdf.namespace import (
    DCTERMS,
    NIF,
    OWL,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
    ClosedNamespace,
)
from kg.rdf.prefixes import WIKIDATA, dataset_prefixes
from kg.rdf.terms import KG_NAMESPACE
from kg.serve.description import VOID
from kg.serve.pages import Dump
from kg.serve.negotiate import (
    GRAPH_OFFERS,
    MalformedAccept,
    choose,
    not_acceptable,
    parse_accept,
)
from kg.serve.sparql import endpoint_iri, error_response
from kg.serve.sources import store_spec
from kg.store import open_store
from kg.store.base import Store

DCAT = ClosedNamespace("http://www.w3.org/ns/dcat#", [
    "Dataset", "Distribution", "DataService", "distribution", "accessURL", "accessService", "endpointURL",
    "endpointDescription", "servesDataset", "downloadURL", "mediaType", "byteSize", "compressFormat"],
    source="kg/serve/void.py")
# SPDX checksums, as DCAT 3 section 6.8.15 (dcat:Distribution, spdx:checksum) uses them
SPDX = ClosedNamespace("http://spdx.org/rdf/terms#", ["Checksum", "checksum", "algorithm", "checksumValue",
                                                      "checksumAlgorithm_sha256"], source="kg/serve/void.py")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
DCT = ClosedNamespace(DCTERMS.prefix, ["title", "description", "license", "publisher", "modified", "conformsTo"],
                      source="kg/serve/void.py")
FOAF = ClosedNamespace("http://xmlns.com/foaf/0.1/", ["Agent", "name", "homepage"], source="kg/serve/void.py")
# the vocabularies a kg store may use; the description lists those whose terms it does
VOCABULARIES = (SCHEMA.prefix, KG_NAMESPACE, PROV.prefix, NIF.prefix, SKOS.prefix, DCTERMS.prefix, OWL.prefix)
WIKIDATA_HOME = "http://www.wikidata.org/"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
# a class or property partition per line of the page: past this many, the
# largest are listed (void:classes / void:properties still count them all)
MAX_PARTITIONS = 50
PATH = "/.well-known/void"
DEFAULT_TITLE = "kg knowledge graph"

# Every count is over the named graphs, where kg writes everything (it leaves the
# default graph alone); void:triples is the store's number of quads, as in the
# service description.
_QUERY_PREFIXES = {"kg": KG_NAMESPACE, "prov": PROV.prefix, "owl": OWL.prefix}
_ENTITIES = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?g a kg:EntityGraph . ?e a kg:Entity } }"
_DOCUMENTS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d a kg:Document } }"
_MODIFIED = "SELECT (MAX(?t) AS ?t) WHERE { GRAPH ?g { ?b a kg:Build ; prov:endedAtTime ?t } }"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"
_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p"
_WIKIDATA_LINKS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s owl:sameAs ?o "
                   f"FILTER(STRSTARTS(STR(?o), {ox.Literal(WIKIDATA)})) }} }}")


@dataclass(frozen=True)
class VoidStatistics:
    """What the store holds, for its VoID description: quads in all, entities (in
    the entity graphs), documents, the end of the last build (an xsd:dateTime,
    None for a store with no build), every class (IRI, distinct instances) and
    property (IRI, triples), most used first, the owl:sameAs links to Wikidata,
    and the base IRI of each dataset in the store."""

    triples: int
    entities: int
    documents: int
    modified: str | None
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    wikidata_links: int
    bases: tuple[str, ...]


@dataclass(frozen=True)
class DatasetMetadata:
    """What the publisher says of the dataset: ``title``, ``description`` (None: one
    is written from the counts), ``licence`` (an IRI) and ``publisher`` (an IRI or a
    name), absent unless given."""

    title: str = DEFAULT_TITLE
    description: str | None = None
    licence: str | None = None
    publisher: str | None = None

    def __post_init__(self) -> None:
        if self.licence is not None and not _is_iri(self.licence):
            raise KGError(f"licence {self.licence[:100]!r} is not an IRI: give the licence's address, "
                          "like https://creativecommons.org/licenses/by/4.0/")


def read_void_statistics(store_path: str | Path) -> VoidStatistics:
    """Count what a VoID description says of a store, opened read-only (raises
    :class:`kg.errors.StoreError` if it cannot be)."""
    with open_store(store_spec(store_path), read_only=True) as store:
        return read_void_statistics_of(store)


def read_void_statistics_of(store: Store) -> VoidStatistics:
    """Count what a VoID description says of an open store."""
    modified = next(iter(store.query(_MODIFIED, prefixes=_QUERY_PREFIXES)))["t"]
    return VoidStatistics(
        triples=len(store),
        entities=_count(store, _ENTITIES),
        documents=_count(store, _DOCUMENTS),
        modified=modified.value if isinstance(modified, ox.Literal) else None,
        classes=_ranked(store.query(_CLASSES), "c"),
        properties=_ranked(store.query(_PROPERTIES), "p"),
        wikidata_links=_count(store, _WIKIDATA_LINKS),
        bases=tuple(sorted({base for g in store.entity_graphs() if (base := base_of_entity_graph(g.value))})),
    )


def void_description(document: str, endpoint: str | None, stats: VoidStatistics,
                     metadata: DatasetMetadata = DatasetMetadata(), *, dumps: Sequence[Dump] = (),
                     dump_base: str = "") -> list[ox.Triple]:
    """The triples of the VoID document at ``document`` (an absolute IRI) describing
    the dataset served at ``endpoint`` (None: a static copy, with no endpoint),
    with its ``dumps`` (each at ``dump_base`` + its name) as DCAT distributions."""
    void, dcat, dct = VOID, DCAT, DCT
    dataset = ox.NamedNode(f"{document}#dataset")
    triples = [
        ox.Triple(dataset, RDF.type, void.Dataset),
        ox.Triple(dataset, RDF.type, dcat.Dataset),
        ox.Triple(dataset, dct.title, ox.Literal(metadata.title, language="en")),
        ox.Triple(dataset, dct.description, ox.Literal(metadata.description or _describe(stats), language="en")),
        *_publishing(dataset, metadata),
        *(ox.Triple(dataset, void.uriSpace, ox.Literal(base)) for base in stats.bases),
        ox.Triple(dataset, void.triples, _integer(stats.triples)),
        ox.Triple(dataset, void.entities, _integer(stats.entities)),
        ox.Triple(dataset, void.documents, _integer(stats.documents)),
        ox.Triple(dataset, void.classes, _integer(len(stats.classes))),
        ox.Triple(dataset, void.properties, _integer(len(stats.properties))),
        *(ox.Triple(dataset, void.vocabulary, ox.NamedNode(v)) for v in vocabularies(stats)),
    ]
    if endpoint is not None:
        triples += _endpoint(document, dataset, ox.NamedNode(endpoint))
    for dump in dumps:
        triples += _dump(dataset, dump, dump_base)
    if stats.modified is not None:
        triples.append(ox.Triple(dataset, dct.modified, ox.Literal(stats.modified, datatype=XSD.dateTime)))
    if metadata.licence is not None:
        triples.append(ox.Triple(dataset, dct.license, ox.NamedNode(metadata.licence)))
    triples += _partitions(document, dataset, stats)
    triples += _wikidata_linkset(document, dataset, stats)
    return _by_subject(triples)


def _endpoint(document: str, dataset: ox.NamedNode, service: ox.NamedNode) -> list[ox.Triple]:
    """The SPARQL endpoint, in VoID and as DCAT sees it: a distribution whose
    access service it is."""
    distribution = ox.NamedNode(f"{document}#sparql-endpoint")
    return [
        ox.Triple(dataset, VOID.sparqlEndpoint, service),
        ox.Triple(dataset, DCAT.distribution, distribution),
        ox.Triple(distribution, RDF.type, DCAT.Distribution),
        ox.Triple(distribution, DCAT.accessURL, service),
        ox.Triple(distribution, DCAT.accessService, service),
        ox.Triple(service, RDF.type, DCAT.DataService),
        ox.Triple(service, DCAT.endpointURL, service),
        ox.Triple(service, DCAT.endpointDescription, service),  # a GET without a query: the service description
        ox.Triple(service, DCT.conformsTo, ox.NamedNode(SPARQL_PROTOCOL)),
        ox.Triple(service, DCAT.servesDataset, dataset),
    ]


def _dump(dataset: ox.NamedNode, dump: Dump, dump_base: str) -> list[ox.Triple]:
    """A dump as a DCAT distribution (and a VoID data dump): where to download
    it, its media type and compression, its size and SHA-256."""
    url = ox.NamedNode(dump_base + dump.name)
    distribution = ox.NamedNode(f"{url.value}#distribution")
    checksum = ox.NamedNode(f"{url.value}#sha256")
    return [
        ox.Triple(dataset, VOID.dataDump, url),
        ox.Triple(dataset, DCAT.distribution, distribution),
        ox.Triple(distribution, RDF.type, DCAT.Distribution),
        ox.Triple(distribution, DCAT.accessURL, url),
        ox.Triple(distribution, DCAT.downloadURL, url),
        ox.Triple(distribution, DCAT.mediaType, ox.NamedNode(IANA_MEDIA_TYPES + dump.media_type)),
        ox.Triple(distribution, DCAT.compressFormat, ox.NamedNode(IANA_MEDIA_TYPES + "application/gzip")),
        ox.Triple(distribution, DCAT.byteSize, ox.Literal(str(dump.size), datatype=XSD.nonNegativeInteger)),
        ox.Triple(distribution, SPDX.checksum, checksum),
        ox.Triple(checksum, RDF.type, SPDX.Checksum),
        ox.Triple(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        ox.Triple(checksum, SPDX.checksumValue, ox.Literal(dump.sha256, datatype=XSD.hexBinary)),
    ]


def vocabularies(stats: VoidStatistics) -> list[str]:
    """The known vocabularies whose properties or classes the store uses, in
    :data:`VOCABULARIES` order."""
    used = [iri for iri, _ in stats.properties + stats.classes]
    return [v for v in VOCABULARIES if any(iri.startswith(v) for iri in used)]


def prefixes(stats: VoidStatistics) -> dict[str, str]:
    """The Turtle prefixes of the description: the vocabularies', the dataset's own
    namespaces (``entity:``, ``rel:`` ...) and VoID's, DCAT's and FOAF's."""
    table = dataset_prefixes(stats.bases[0] if stats.bases else None, links=True)
    return {**table, "void": VOID.prefix, "dcat": DCAT.prefix, "foaf": FOAF.prefix, "xsd": XSD.prefix,
            "spdx": SPDX.prefix}


async def void_endpoint(request: Request) -> Response:
    """``GET /.well-known/void``: the description, in the RDF format ``Accept`` prefers."""
    header = request.headers.get("accept")
    try:
        offer = choose(parse_accept(header), GRAPH_OFFERS)
    except MalformedAccept as exc:
        return error_response(400, str(exc))
    if offer is None:
        return error_response(406, not_acceptable("the dataset's VoID description", header))
    stats = await asyncio.shield(request.app.state.void_statistics)
    endpoint = endpoint_iri(request)
    document = endpoint.removesuffix("sparql") + PATH.lstrip("/")
    dumps = request.app.state.dumps.ready()
    triples = void_description(document, endpoint, stats, request.app.state.metadata, dumps=dumps,
                               dump_base=endpoint.removesuffix("sparql") + "dumps/")
    body = ox.serialize(triples, format=offer.format,
                        prefixes=prefixes(stats) if offer.format == ox.RdfFormat.TURTLE else None)
    return Response(body, media_type=None, headers={"Content-Type": offer.content_type, "Vary": "Accept"})


def _count(store, sparql: str) -> int:
    return int(next(iter(store.query(sparql, prefixes=_QUERY_PREFIXES)))["n"].value)


def _ranked(rows, var: str) -> tuple[tuple[str, int], ...]:
    counts = [(row[var].value, int(row["n"].value)) for row in rows if isinstance(row[var], ox.NamedNode)]
    return tuple(sorted(counts, key=lambda c: (-c[1], c[0])))


def _describe(stats: VoidStatistics) -> str:
    return (f"Entities, relations and events extracted by kg from {stats.documents:,} English news "
            f"documents: {stats.entities:,} entities, each statement with the sentence and document it came from.")


def _publishing(dataset: ox.NamedNode, metadata: DatasetMetadata) -> list[ox.Triple]:
    if metadata.publisher is None:
        return []
    if _is_iri(metadata.publisher):
        return [ox.Triple(dataset, DCT.publisher, ox.NamedNode(metadata.publisher))]
    agent = ox.BlankNode()
    return [ox.Triple(dataset, DCT.publisher, agent), ox.Triple(agent, RDF.type, FOAF.Agent),
            ox.Triple(agent, FOAF.name, ox.Literal(metadata.publisher))]


def _partitions(document: str, dataset: ox.NamedNode, stats: VoidStatistics) -> list[ox.Triple]:
    """A void:classPartition (with its instances) per class and a void:propertyPartition
    (with its triples) per property, the :data:`MAX_PARTITIONS` most used of each."""
    void = VOID
    triples = []
    for i, (iri, instances) in enumerate(stats.classes[:MAX_PARTITIONS]):
        part = ox.NamedNode(f"{document}#class-{i + 1}")
        triples += [ox.Triple(dataset, void.classPartition, part), ox.Triple(part, void["class"], ox.NamedNode(iri)),
                    ox.Triple(part, void.entities, _integer(instances))]
    for i, (iri, count) in enumerate(stats.properties[:MAX_PARTITIONS]):
        part = ox.NamedNode(f"{document}#property-{i + 1}")
        triples += [ox.Triple(dataset, void.propertyPartition, part),
                    ox.Triple(part, void.property, ox.NamedNode(iri)), ox.Triple(part, void.triples, _integer(count))]
    return triples


def _wikidata_linkset(document: str, dataset: ox.NamedNode, stats: VoidStatistics) -> list[ox.Triple]:
    """The entities' owl:sameAs links to Wikidata items, as a void:Linkset."""
    void = VOID
    linkset, wikidata = ox.NamedNode(f"{document}#wikidata-links"), ox.NamedNode(f"{document}#wikidata")
    return [
        ox.Triple(dataset, void.subset, linkset),
        ox.Triple(linkset, RDF.type, void.Linkset),
        ox.Triple(linkset, void.subjectsTarget, dataset),
        ox.Triple(linkset, void.objectsTarget, wikidata),
        ox.Triple(linkset, void.linkPredicate, OWL.sameAs),
        ox.Triple(linkset, void.triples, _integer(stats.wikidata_links)),
        ox.Triple(wikidata, RDF.type, void.Dataset),
        ox.Triple(wikidata, DCT.title, ox.Literal("Wikidata", language="en")),
        ox.Triple(wikidata, FOAF.homepage, ox.NamedNode(WIKIDATA_HOME)),
        ox.Triple(wikidata, void.uriSpace, ox.Literal(WIKIDATA)),
        ox.Triple(wikidata, void.sparqlEndpoint, ox.NamedNode(WIKIDATA_SPARQL)),
    ]


def _by_subject(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples grouped by subject, subjects in the order they first come: one
    Turtle block each, the dataset's first."""
    first: dict[ox.NamedNode | ox.BlankNode, int] = {}
    for t in triples:
        first.setdefault(t.subject, len(first))
    return sorted(triples, key=lambda t: first[t.subject])


def _is_iri(text: str) -> bool:
    """An absolute IRI (a scheme, then more): what pyoxigraph takes as a NamedNode."""
    scheme, colon, rest = text.partition(":")
    if not (colon and rest and scheme[:1].isalpha()):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD.integer)
