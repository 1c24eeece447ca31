"""Extraction records -> RDF quads, one named graph per document.

The graph of a document holds: the document and its metadata, its sentences,
its entity mentions, the entities (type, label, aliases, links), the relation
types it uses, every fact as a direct triple plus a statement node with its
evidence, and the build activity that produced it.
"""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=65536)
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
    of the document ends now. The last quad is the document's commit marker,
    its ``kg:contentHash`` (see :meth:`kg.store.GraphStore.write_documents`).
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
    sentence_node = [iris.sentence(a.doc_id, s.index) for s in x.sentences]
    for s, node in zip(x.sentences, sentence_node):
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
            if e.role_of and e.role_of in entity_iri:
                yield q(node, KG.roleOf, entity_iri[e.role_of])
        for m in e.mentions:
            mnode = iris.mention(a.doc_id, m.start, m.end)
            yield q(mnode, RDF.type, KG.Mention)
            yield q(mnode, KG.denotes, node)
            yield q(mnode, KG.document, doc)
            yield q(mnode, KG.sentence, sentence_node[m.sentence])
            yield q(mnode, NIF.anchorOf, Literal(m.text))
            yield q(mnode, NIF.beginIndex, _int(m.start))
            yield q(mnode, NIF.endIndex, _int(m.end))

    # -- values: time expressions and quantities
    time_at = {}
    for t in x.times:
        node = iris.fragment(a.doc_id, "time", t.start, t.end)
        time_at[(t.start, t.end)] = node
        yield q(node, RDF.type, KG.TimeExpression)
        yield from _span(q, node, doc, sentence_node, t.sentence, t.start, t.end, t.text)
        if t.value and t.datatype in _TIME_TYPES:
            yield q(node, KG.timeValue, Literal(t.value, datatype=_TIME_TYPES[t.datatype]))
        if t.interval_start:
            yield q(node, KG.intervalStart, Literal(t.interval_start, datatype=XSD.date))
        if t.interval_end:
            yield q(node, KG.intervalEnd, Literal(t.interval_end, datatype=XSD.date))
        yield q(node, KG.relativeToPublication, _TRUE if t.relative else _FALSE)
    quantity_at = {}
    for v in x.quantities:
        node = iris.fragment(a.doc_id, "quantity", v.start, v.end)
        quantity_at[(v.start, v.end)] = node
        yield q(node, RDF.type, KG.Quantity)
        yield from _span(q, node, doc, sentence_node, v.sentence, v.start, v.end, v.text)
        yield q(node, KG.quantityKind, Literal(v.kind))
        if v.value is not None:
            yield q(node, SCHEMA.value, double(v.value))
        if v.upper is not None:
            yield q(node, SCHEMA.maxValue, double(v.upper))
        if v.unit:
            yield q(node, SCHEMA.unitText, Literal(v.unit))
        if v.qualifier:
            yield q(node, KG.qualifier, Literal(v.qualifier))
        if v.counted:
            yield q(node, KG.counted, Literal(v.counted))

    phrases: set = set()

    def argument_node(arg, sentence: int):
        """An entity's IRI, or a kg:Phrase node for text that names no entity."""
        if arg.entity is not None and arg.entity in entity_iri:
            return entity_iri[arg.entity]
        node = iris.fragment(a.doc_id, "phrase", arg.start, arg.end)
        if node not in phrases:
            phrases.add(node)
            pending.append(q(node, RDF.type, KG.Phrase))
            pending.append(q(node, RDFS.label, _en(arg.text)))
            pending.extend(_span(q, node, doc, sentence_node, sentence, arg.start, arg.end, arg.text))
            for (qs, qe), qnode in quantity_at.items():
                if arg.start <= qs and qe <= arg.end:
                    pending.append(q(node, KG.quantity, qnode))
        return node

    def evidence(node, sentence, start, end, confidence, negated, asserted, modality, speaker, build=build):
        yield q(node, KG.document, doc)
        yield q(node, KG.sentence, sentence_node[sentence])
        yield q(node, NIF.beginIndex, _int(start))
        yield q(node, NIF.endIndex, _int(end))
        yield q(node, KG.confidence, double(confidence))
        yield q(node, KG.negated, _TRUE if negated else _FALSE)
        yield q(node, KG.asserted, _TRUE if asserted else _FALSE)
        if modality:
            yield q(node, KG.modality, Literal(modality))
        if speaker and speaker in entity_iri:
            yield q(node, KG.attributedTo, entity_iri[speaker])
        yield q(node, PROV.wasGeneratedBy, build)
        yield q(node, PROV.wasDerivedFrom, doc)

    # -- relations: a direct triple when asserted, always a statement node.
    # A relation needs at least one entity end; the other may be a phrase.
    declared: set[str] = set()
    direct: set[tuple] = set()  # the same fact read twice is one triple, two statements
    for r in x.relations:
        if not is_mapped(r):
            continue
        pending: list[Quad] = []
        subj = argument_node(r.subject, r.sentence)
        obj = argument_node(r.object, r.sentence)
        yield from pending
        pred = iris.relation(r.predicate)
        if r.predicate not in declared:
            declared.add(r.predicate)
            yield q(pred, RDF.type, KG.RelationType)
            yield q(pred, RDF.type, OWL.ObjectProperty)
            yield q(pred, RDFS.label, _en(r.label))
        if r.asserted and (subj, pred, obj) not in direct:
            direct.add((subj, pred, obj))
            yield q(subj, pred, obj)
        st = iris.statement(a.doc_id, r.subject.entity or r.subject.text, r.predicate,
                            r.object.entity or r.object.text, r.start, r.end)
        yield q(st, RDF.type, KG.Statement)
        yield q(st, RDF.subject, subj)
        yield q(st, RDF.predicate, pred)
        yield q(st, RDF.object, obj)
        yield q(st, KG.surfaceText, Literal(r.phrase))
        yield from evidence(st, r.sentence, r.start, r.end, r.confidence, r.negated, r.asserted,
                            r.modality, r.attributed_to)

    # -- events read off nouns and reporting verbs
    for ev in x.events:
        node = iris.fragment(a.doc_id, "event", ev.start, ev.end)
        pending = []
        yield q(node, RDF.type, KG.Event)
        yield q(node, RDFS.label, _en(f"{ev.kind}: {ev.trigger}"))
        yield q(node, KG.eventKind, Literal(ev.kind))
        yield q(node, KG.trigger, Literal(ev.trigger))
        if ev.cameo:
            yield q(node, KG.cameoCode, Literal(ev.cameo))
        if ev.cameo_label:
            yield q(node, KG.cameoLabel, Literal(ev.cameo_label))
        # two mentions of one participant ("Wal-Mart ... Wal-Mart's") are one participant
        for participant in dict.fromkeys(argument_node(p, ev.sentence) for p in ev.participants):
            yield q(node, SCHEMA.participant, participant)
        if ev.topic is not None:
            yield q(node, SCHEMA.about, argument_node(ev.topic, ev.sentence))
        if ev.place is not None:
            yield q(node, SCHEMA.location, argument_node(ev.place, ev.sentence))
        if ev.time is not None:
            time_node = next((n for (ts, te), n in time_at.items()
                              if ts <= ev.time.start and ev.time.end <= te), None)
            if time_node is not None:
                yield q(node, KG.time, time_node)
        if ev.text:
            yield q(node, KG.reportedText, Literal(ev.text))
        yield from pending
        yield from evidence(node, ev.sentence, ev.start, ev.end, ev.confidence, ev.negated, ev.asserted,
                            ev.modality, ev.attributed_to)

    # -- the commit marker, last: a graph with it is complete
    yield q(doc, KG.contentHash, Literal(content_hash(a.text)))


def split_markers(quads: list[Quad]) -> tuple[list[Quad], list[Quad]]:
    """A document's quads as (content, commit markers).

    :func:`extraction_quads` puts the marker last, so its lists are split
    without looking at every quad; any other list is scanned.
    """
    if quads and quads[-1].predicate == KG.contentHash:
        return quads[:-1], quads[-1:]
    return ([q for q in quads if q.predicate != KG.contentHash],
            [q for q in quads if q.predicate == KG.contentHash])


def is_mapped(r) -> bool:
    """A relation goes into the graph when it has an object and at least one entity end."""
    return r.object is not None and (r.subject.entity is not None or r.object.entity is not None)


_TIME_TYPES = {"date": XSD.date, "gYearMonth": XSD.gYearMonth, "gYear": XSD.gYear}


def _span(q, node, doc, sentence_node, sentence, start, end, text):
    """The text position of a node: document, sentence, offsets and the text itself."""
    yield q(node, KG.document, doc)
    yield q(node, KG.sentence, sentence_node[sentence])
    yield q(node, NIF.beginIndex, _int(start))
    yield q(node, NIF.endIndex, _int(end))
    yield q(node, NIF.anchorOf, Literal(text))
