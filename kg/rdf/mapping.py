"""Extraction records -> RDF quads, one named graph per document.

The graph of a document holds only what the document says: the document and
its metadata, its sentences, its entity mentions, what it observed about each
entity and relation type it names (label, type, aliases, links: a
``kg:Observation``), every fact as a direct triple plus a statement node with
its evidence, and the build activity that produced it. The one description of
each entity and relation type is computed from all documents' observations
(:mod:`kg.rdf.descriptions`) and kept in the entity graph by the store. One function maps each
kind of record; :func:`extraction_quads` calls them in turn.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from kg.model import (Argument, Entity, Event, Extraction, Quantity, Relation, Sentence, TimeValue,
                      content_hash, iso_date)
from kg.rdf.descriptions import Observed, observed_quads
from kg.rdf.iris import IriMinter
from kg.rdf.namespace import DCTERMS, NIF, PROV, RDF, RDFS, SCHEMA, XSD
from kg.rdf.terms import KG
from kg.version import __version__

_TRUE = Literal("true", datatype=XSD.boolean)
_FALSE = Literal("false", datatype=XSD.boolean)
_TIME_TYPES = {"date": XSD.date, "gYearMonth": XSD.gYearMonth, "gYear": XSD.gYear}


@functools.lru_cache(maxsize=65536)
def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)  # Oxigraph stores integer subtypes as xsd:integer


def double(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=XSD.double)


def _date(value: str) -> Literal | None:
    """A publication date as a typed literal, or None when it is not an ISO 8601
    date (the reader has warned; the text is kept as ``dcterms:date``)."""
    value = iso_date(value)
    if value is None:
        return None
    if "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    return Literal(value, datatype={10: XSD.date, 7: XSD.gYearMonth}.get(len(value), XSD.gYear))


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def now_literal() -> Literal:
    """The current UTC time as an xsd:dateTime literal."""
    return Literal(datetime.now(timezone.utc).isoformat(timespec="seconds"), datatype=XSD.dateTime)


@dataclass(frozen=True)
class DocumentTerms:
    """The nodes of one document that every part of its mapping refers to."""

    doc_id: str
    graph: NamedNode  # the document's IRI, which is also the name of its graph
    build: NamedNode
    sentences: tuple[NamedNode, ...]  # by sentence index
    entities: Mapping[str, NamedNode]  # Entity.key -> IRI
    times: Mapping[tuple[int, int], NamedNode]  # (start, end) -> time expression node
    quantities: Mapping[tuple[int, int], NamedNode]  # (start, end) -> quantity node
    # entity or relation type IRI -> what this document observed of it (written as its observation)
    observations: Mapping[NamedNode, Observed]

    @classmethod
    def of(cls, x: Extraction, iris: IriMinter) -> DocumentTerms:
        doc_id = x.article.doc_id
        graph = iris.document(doc_id)
        entities = {e.key: iris.entity(e.key, e.type) for e in x.entities}
        return cls(
            doc_id=doc_id,
            graph=graph,
            build=iris.build(doc_id),
            sentences=tuple(iris.sentence(doc_id, s.index) for s in x.sentences),
            entities=entities,
            times={(t.start, t.end): iris.fragment(doc_id, "time", t.start, t.end) for t in x.times},
            quantities={(v.start, v.end): iris.fragment(doc_id, "quantity", v.start, v.end)
                        for v in x.quantities},
            observations=_observations(x, iris, graph, entities),
        )

    def quad(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> Quad:
        return Quad(subject, predicate, obj, self.graph)


def _observations(x: Extraction, iris: IriMinter, graph: NamedNode,
                  entities: Mapping[str, NamedNode]) -> dict[NamedNode, Observed]:
    """What the document observes of each entity (the label, type, aliases, links
    and job title it used) and each relation type it uses (its label)."""
    found: dict[NamedNode, Observed] = {}
    for e in x.entities:
        node, role = entities[e.key], entities.get(e.role_of) if e.role_of else None
        titles = (_en(e.job_title),) if e.job_title else ()
        found[node] = Observed(node, graph, types=(SCHEMA[e.type],), labels=(_en(e.label),),
                               aliases=tuple(_en(alias) for alias in e.aliases),
                               links=tuple(NamedNode(same) for same in e.same_as), job_titles=titles,
                               roles=(role,) if titles and role is not None else ())
    for r in x.relations:
        if is_mapped(r):
            node, label = iris.relation(r.predicate), _en(r.label)
            known = found.get(node)
            if known is None:
                found[node] = Observed(node, graph, types=(KG.RelationType,), labels=(label,))
            elif label not in known.labels:  # two predicates whose keys mint one IRI: both labels
                found[node] = replace(known, labels=(*known.labels, label))
    return found


def extraction_quads(x: Extraction, iris: IriMinter, *, model: str, started: Literal | None = None,
                     terms: DocumentTerms | None = None) -> Iterator[Quad]:
    """All quads for one document; the graph name is the document IRI.

    ``started`` is the build's start time (xsd:dateTime); the build activity
    of the document ends now. The last quad is the document's commit marker,
    its ``kg:contentHash`` (see :mod:`kg.store.markers`). Each quad is
    yielded once. ``terms`` are the document's nodes, when the caller has
    minted them already (:meth:`DocumentTerms.of`).
    """
    terms = terms or DocumentTerms.of(x, iris)
    phrases = ArgumentNodes(terms, iris)
    yield from document_quads(x, terms)
    yield from provenance_quads(terms, iris.software(), model=model, started=started)
    yield from sentence_quads(x.sentences, terms)
    for entity in x.entities:
        yield from entity_quads(entity, terms, iris)
    for t in x.times:
        yield from time_quads(t, terms)
    for v in x.quantities:
        yield from quantity_quads(v, terms)
    yield from relation_quads(x.relations, terms, iris, phrases)
    for event in x.events:
        yield from event_quads(event, terms, iris, phrases)
    yield commit_marker(x, terms)


def document_quads(x: Extraction, terms: DocumentTerms) -> Iterator[Quad]:
    """The document: its types, identifier, size and the metadata read with it."""
    a, doc, q = x.article, terms.graph, terms.quad
    yield q(doc, RDF.type, KG.Document)
    yield q(doc, RDF.type, SCHEMA.NewsArticle)
    yield q(doc, DCTERMS.identifier, Literal(a.doc_id))
    yield q(doc, SCHEMA.wordCount, _int(x.words))
    if a.title:
        yield q(doc, SCHEMA.headline, Literal(a.title))
    if a.date:
        published = _date(a.date)
        yield q(doc, SCHEMA.datePublished, published) if published else q(doc, DCTERMS.date, Literal(a.date))
    if a.url:
        yield q(doc, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI))
    for predicate, value in ((SCHEMA.author, a.author), (SCHEMA.sourceOrganization, a.source),
                             (SCHEMA.publisher, a.publisher), (SCHEMA.copyrightNotice, a.copyright),
                             (KG.sourceFile, a.origin)):
        if value:
            yield q(doc, predicate, Literal(value))


def provenance_quads(terms: DocumentTerms, software: NamedNode, *, model: str,
                     started: Literal | None) -> Iterator[Quad]:
    """The build activity that produced this graph (the software that ran it is
    described once, in the entity graph)."""
    doc, build, q = terms.graph, terms.build, terms.quad
    yield q(doc, PROV.wasGeneratedBy, build)
    yield q(build, RDF.type, KG.Build)
    yield q(build, PROV.used, doc)
    yield q(build, KG.model, Literal(model))
    yield q(build, KG.softwareVersion, Literal(__version__))
    yield q(build, PROV.wasAssociatedWith, software)
    yield q(build, PROV.startedAtTime, started or now_literal())
    yield q(build, PROV.endedAtTime, now_literal())


def sentence_quads(sentences: Iterable[Sentence], terms: DocumentTerms) -> Iterator[Quad]:
    """Each sentence: its text and offsets."""
    q = terms.quad
    for s in sentences:
        node = terms.sentences[s.index]
        yield q(node, RDF.type, KG.Sentence)
        yield q(node, KG.document, terms.graph)
        yield q(node, NIF.anchorOf, Literal(s.text))
        yield q(node, NIF.beginIndex, _int(s.start))
        yield q(node, NIF.endIndex, _int(s.end))


def entity_quads(e: Entity, terms: DocumentTerms, iris: IriMinter) -> Iterator[Quad]:
    """What this document says about an entity (an observation: the label, type,
    aliases, links and job title it used), and each of its mentions. The
    entity's one description is computed from every document's observations
    (:mod:`kg.rdf.descriptions`) and lives in the entity graph."""
    q = terms.quad
    node = terms.entities[e.key]
    yield q(node, KG.mentionedIn, terms.graph)
    yield from observed_quads(iris.observation(terms.doc_id, node), terms.observations[node])
    for m in e.mentions:
        mention = iris.mention(terms.doc_id, m.start, m.end)
        yield q(mention, RDF.type, KG.Mention)
        yield q(mention, KG.denotes, node)
        yield from span_quads(mention, m.sentence, m.start, m.end, m.text, terms)


def time_quads(t: TimeValue, terms: DocumentTerms) -> Iterator[Quad]:
    """A time expression with its ISO value and the interval it covers."""
    q = terms.quad
    node = terms.times[(t.start, t.end)]
    yield q(node, RDF.type, KG.TimeExpression)
    yield from span_quads(node, t.sentence, t.start, t.end, t.text, terms)
    if t.value and t.datatype in _TIME_TYPES:
        yield q(node, KG.timeValue, Literal(t.value, datatype=_TIME_TYPES[t.datatype]))
    if t.interval_start:
        yield q(node, KG.intervalStart, Literal(t.interval_start, datatype=XSD.date))
    if t.interval_end:
        yield q(node, KG.intervalEnd, Literal(t.interval_end, datatype=XSD.date))
    yield q(node, KG.relativeToPublication, _TRUE if t.relative else _FALSE)


def quantity_quads(v: Quantity, terms: DocumentTerms) -> Iterator[Quad]:
    """An amount with its value, range, unit, qualifier and what it counts."""
    q = terms.quad
    node = terms.quantities[(v.start, v.end)]
    yield q(node, RDF.type, KG.Quantity)
    yield from span_quads(node, v.sentence, v.start, v.end, v.text, terms)
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


class ArgumentNodes:
    """The node of a relation or event argument: its entity's IRI, or a
    ``kg:Phrase`` for text that names no entity, described the first time the
    document uses it."""

    def __init__(self, terms: DocumentTerms, iris: IriMinter) -> None:
        self.terms, self.iris = terms, iris
        self.described: set[NamedNode] = set()

    def node(self, arg: Argument, sentence: int) -> tuple[NamedNode, list[Quad]]:
        """``(node, the quads that describe it, if not written before)``."""
        if arg.entity is not None and arg.entity in self.terms.entities:
            return self.terms.entities[arg.entity], []
        node = self.iris.fragment(self.terms.doc_id, "phrase", arg.start, arg.end)
        if node in self.described:
            return node, []
        self.described.add(node)
        return node, list(self._phrase_quads(node, arg, sentence))

    def _phrase_quads(self, node: NamedNode, arg: Argument, sentence: int) -> Iterator[Quad]:
        q = self.terms.quad
        yield q(node, RDF.type, KG.Phrase)
        yield q(node, RDFS.label, _en(arg.text))
        yield from span_quads(node, sentence, arg.start, arg.end, arg.text, self.terms)
        for (start, end), quantity in self.terms.quantities.items():
            if arg.start <= start and end <= arg.end:
                yield q(node, KG.quantity, quantity)


def relation_quads(relations: Iterable[Relation], terms: DocumentTerms, iris: IriMinter,
                   arguments: ArgumentNodes) -> Iterator[Quad]:
    """Each relation as a statement node with its evidence, an observation of
    its relation type (once per document), and a direct triple when it is asserted (once, however
    often the same fact is read). A relation needs at least one entity end;
    the other may be a phrase."""
    q = terms.quad
    declared: set[NamedNode] = set()
    direct: set[tuple[NamedNode, NamedNode, NamedNode]] = set()
    for r in relations:
        if not is_mapped(r):
            continue
        subject, subject_quads = arguments.node(r.subject, r.sentence)
        obj, object_quads = arguments.node(r.object, r.sentence)
        yield from subject_quads
        yield from object_quads
        predicate = iris.relation(r.predicate)
        if predicate not in declared:  # what this document says of the relation type: its label
            declared.add(predicate)
            yield from observed_quads(iris.observation(terms.doc_id, predicate), terms.observations[predicate])
        if r.asserted and (subject, predicate, obj) not in direct:
            direct.add((subject, predicate, obj))
            yield q(subject, predicate, obj)
        statement = iris.statement(terms.doc_id, r.subject.entity or r.subject.text, r.predicate,
                                   r.object.entity or r.object.text, r.start, r.end)
        yield q(statement, RDF.type, KG.Statement)
        yield q(statement, RDF.subject, subject)
        yield q(statement, RDF.predicate, predicate)
        yield q(statement, RDF.object, obj)
        yield q(statement, KG.surfaceText, Literal(r.phrase))
        yield from evidence_quads(statement, r, terms)


def event_quads(ev: Event, terms: DocumentTerms, iris: IriMinter, arguments: ArgumentNodes) -> Iterator[Quad]:
    """An event read off a noun or a reporting verb: kind, CAMEO class,
    participants, topic, place, time, reported text and its evidence."""
    q = terms.quad
    node = iris.fragment(terms.doc_id, "event", ev.start, ev.end)
    yield q(node, RDF.type, KG.Event)
    yield q(node, RDFS.label, _en(f"{ev.kind}: {ev.trigger}"))
    yield q(node, KG.eventKind, Literal(ev.kind))
    yield q(node, KG.trigger, Literal(ev.trigger))
    if ev.cameo:
        yield q(node, KG.cameoCode, Literal(ev.cameo))
    if ev.cameo_label:
        yield q(node, KG.cameoLabel, Literal(ev.cameo_label))
    roles = [(SCHEMA.participant, p) for p in ev.participants]
    roles += [(predicate, arg) for predicate, arg in ((SCHEMA.about, ev.topic), (SCHEMA.location, ev.place))
              if arg is not None]
    linked: set[tuple[NamedNode, NamedNode]] = set()  # a participant mentioned twice is one participant
    for predicate, arg in roles:
        argument, argument_quads = arguments.node(arg, ev.sentence)
        yield from argument_quads
        if (predicate, argument) not in linked:
            linked.add((predicate, argument))
            yield q(node, predicate, argument)
    if ev.time is not None:
        time_node = next((n for (start, end), n in terms.times.items()
                          if start <= ev.time.start and ev.time.end <= end), None)
        if time_node is not None:
            yield q(node, KG.time, time_node)
    if ev.text:
        yield q(node, KG.reportedText, Literal(ev.text))
    yield from evidence_quads(node, ev, terms)


def evidence_quads(node: NamedNode, fact: Relation | Event, terms: DocumentTerms) -> Iterator[Quad]:
    """Where a statement or event was read, how sure we are, and who said it."""
    q = terms.quad
    yield q(node, KG.document, terms.graph)
    yield q(node, KG.sentence, terms.sentences[fact.sentence])
    yield q(node, NIF.beginIndex, _int(fact.start))
    yield q(node, NIF.endIndex, _int(fact.end))
    yield q(node, KG.confidence, double(fact.confidence))
    yield q(node, KG.negated, _TRUE if fact.negated else _FALSE)
    yield q(node, KG.asserted, _TRUE if fact.asserted else _FALSE)
    if fact.modality:
        yield q(node, KG.modality, Literal(fact.modality))
    if fact.attributed_to and fact.attributed_to in terms.entities:
        yield q(node, KG.attributedTo, terms.entities[fact.attributed_to])
    yield q(node, PROV.wasGeneratedBy, terms.build)
    yield q(node, PROV.wasDerivedFrom, terms.graph)


def span_quads(node: NamedNode, sentence: int, start: int, end: int, text: str,
               terms: DocumentTerms) -> Iterator[Quad]:
    """The text position of a node: document, sentence, offsets and the text itself."""
    q = terms.quad
    yield q(node, KG.document, terms.graph)
    yield q(node, KG.sentence, terms.sentences[sentence])
    yield q(node, NIF.beginIndex, _int(start))
    yield q(node, NIF.endIndex, _int(end))
    yield q(node, NIF.anchorOf, Literal(text))


def commit_marker(x: Extraction, terms: DocumentTerms) -> Quad:
    """The document's content hash, written last: a graph holding it is complete."""
    return terms.quad(terms.graph, KG.contentHash, Literal(content_hash(x.article.text)))


def is_mapped(r: Relation) -> bool:
    """A relation goes into the graph when it has an object and at least one entity end."""
    return r.object is not None and (r.subject.entity is not None or r.object.entity is not None)
