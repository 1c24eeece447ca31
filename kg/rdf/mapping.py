"""Extraction records -> RDF quads, one named graph per document.

The graph of a document holds: the document and its metadata, its sentences,
its entity mentions, the entities (type, label, aliases, links), the relation
types it uses, every fact as a direct triple plus a statement node with its
evidence, and the build activity that produced it.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.extract.model import Extraction
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import DCTERMS, NIF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from kg.rdf.terms import KG

_TRUE = Literal("true", datatype=XSD.boolean)
_FALSE = Literal("false", datatype=XSD.boolean)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)  # Oxigraph stores integer subtypes as xsd:integer


def double(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=XSD.double)


def _date(value: str) -> Literal:
    if "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    if len(value) == 4:
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def now_literal() -> Literal:
    """The current UTC time as an xsd:dateTime literal."""
    return Literal(datetime.now(timezone.utc).isoformat(timespec="seconds"), datatype=XSD.dateTime)


def extraction_quads(x: Extraction, iris: IriMinter, *, model: str, started: Literal | None = None) -> Iterator[Quad]:
    """All quads for one document; the graph name is the document IRI.

    ``started`` is the build's start time (xsd:dateTime); the build activity
    of the document ends now.
    """
    a = x.article
    entity_iri = {e.key: iris.entity(e.key, e.type) for e in x.entities}
    doc = iris.document(a.doc_id)
    g = doc

    def q(s, p, o) -> Quad:
        return Quad(s, p, o, g)

    # -- the document
    yield q(doc, RDF.type, KG.Document)
    yield q(doc, RDF.type, SCHEMA.NewsArticle)
    yield q(doc, DCTERMS.identifier, Literal(a.doc_id))
    yield q(doc, KG.contentHash, Literal(content_hash(a.text)))
    yield q(doc, SCHEMA.wordCount, _int(x.words))
    if a.title:
        yield q(doc, SCHEMA.headline, Literal(a.title))
    if a.date:
        yield q(doc, SCHEMA.datePublished, _date(a.date))
    if a.url:
        yield q(doc, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI))
    if a.author:
        yield q(doc, SCHEMA.author, Literal(a.author))
    if a.source:
        yield q(doc, SCHEMA.sourceOrganization, Literal(a.source))
    if a.publisher:
        yield q(doc, SCHEMA.publisher, Literal(a.publisher))
    if a.copyright:
        yield q(doc, SCHEMA.copyrightNotice, Literal(a.copyright))
    if a.origin:
        yield q(doc, KG.sourceFile, Literal(a.origin))

    # -- provenance of this graph
    build = iris.build(a.doc_id)
    software = iris.software()
    yield q(doc, PROV.wasGeneratedBy, build)
    yield q(build, RDF.type, KG.Build)
    yield q(build, PROV.used, doc)
    yield q(build, KG.model, Literal(model))
    yield q(build, KG.softwareVersion, Literal(__version__))
    yield q(build, PROV.wasAssociatedWith, software)
    yield q(build, PROV.startedAtTime, started or now_literal())
    yield q(build, PROV.endedAtTime, now_literal())
    yield q(software, RDF.type, PROV.SoftwareAgent)
    yield q(software, RDFS.label, Literal("kg"))

    # -- sentences
    for s in x.sentences:
        node = iris.sentence(a.doc_id, s.index)
        yield q(node, RDF.type, KG.Sentence)
        yield q(node, KG.document, doc)
        yield q(node, NIF.anchorOf, Literal(s.text))
        yield q(node, NIF.beginIndex, _int(s.start))
        yield q(node, NIF.endIndex, _int(s.end))

    # -- entities and their mentions
    for e in x.entities:
        node = entity_iri[e.key]
        yield q(node, RDF.type, SCHEMA[e.type])
        yield q(node, RDFS.label, _en(e.label))
        yield q(node, SKOS.prefLabel, _en(e.label))
        yield q(node, KG.mentionedIn, doc)
        for alias in e.aliases:
            yield q(node, SKOS.altLabel, _en(alias))
        for same in e.same_as:
            yield q(node, OWL.sameAs, NamedNode(same))
        if e.job_title:
            yield q(node, SCHEMA.jobTitle, _en(e.job_title))
        for m in e.mentions:
            mnode = iris.mention(a.doc_id, m.start, m.end)
            yield q(mnode, RDF.type, KG.Mention)
            yield q(mnode, KG.denotes, node)
            yield q(mnode, KG.document, doc)
            yield q(mnode, KG.sentence, iris.sentence(a.doc_id, m.sentence))
            yield q(mnode, NIF.anchorOf, Literal(m.text))
            yield q(mnode, NIF.beginIndex, _int(m.start))
            yield q(mnode, NIF.endIndex, _int(m.end))

    # -- relations: a direct triple when asserted, always a statement node
    declared: set[str] = set()
    for r in x.relations:
        if r.object is None or r.subject.entity is None or r.object.entity is None:
            continue
        pred = iris.relation(r.predicate)
        if r.predicate not in declared:
            declared.add(r.predicate)
            yield q(pred, RDF.type, KG.RelationType)
            yield q(pred, RDF.type, OWL.ObjectProperty)
            yield q(pred, RDFS.label, _en(r.label))
        subj = entity_iri[r.subject.entity]
        obj = entity_iri[r.object.entity]
        if r.asserted:
            yield q(subj, pred, obj)
        st = iris.statement(a.doc_id, r.subject.entity, r.predicate, r.object.entity, r.start, r.end)
        yield q(st, RDF.type, KG.Statement)
        yield q(st, RDF.subject, subj)
        yield q(st, RDF.predicate, pred)
        yield q(st, RDF.object, obj)
        yield q(st, KG.surfaceText, Literal(r.phrase))
        yield q(st, KG.document, doc)
        yield q(st, KG.sentence, iris.sentence(a.doc_id, r.sentence))
        yield q(st, NIF.beginIndex, _int(r.start))
        yield q(st, NIF.endIndex, _int(r.end))
        yield q(st, KG.confidence, double(r.confidence))
        yield q(st, KG.negated, _TRUE if r.negated else _FALSE)
        yield q(st, KG.asserted, _TRUE if r.asserted else _FALSE)
        if r.modality:
            yield q(st, KG.modality, Literal(r.modality))
        if r.attributed_to:
            yield q(st, KG.attributedTo, entity_iri[r.attributed_to])
        yield q(st, PROV.wasGeneratedBy, build)
        yield q(st, PROV.wasDerivedFrom, doc)
