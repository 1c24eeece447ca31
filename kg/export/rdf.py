"""RDF serialisations of the store, written by pyoxigraph.

Quad formats (TriG, N-Quads, JSON-LD) keep one named graph per document.
Triple formats (Turtle, N-Triples, RDF/XML) cannot name graphs, so the whole
store goes out as the union of its graphs, each triple once: an entity
described by ten documents gets one ``rdfs:label`` triple, not ten.

>>> from kg.store import GraphStore
>>> import io
>>> out = io.BytesIO()
>>> write_turtle(GraphStore(None), out)
0
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export.documents import resolve_graph
from kg.output import Target, open_output
from kg.rdf.prefixes import dataset_prefixes as prefixes_under
from kg.store.base import Store
from kg.store.documents import dataset_bases

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

# distinct triples of the union graph; DISTINCT makes the dedup a guarantee
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"

# characters XML 1.0 cannot carry at all, not even as character references
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def dataset_prefixes(store: Store) -> dict[str, str]:
    """Prefixes for Turtle/TriG: the common vocabularies, ``kg:``, and the
    dataset's own ``entity:`` (with one per entity kind: ``person:`` ...) and
    ``rel:`` namespaces when all documents share one base IRI."""
    bases = dataset_bases(store)
    return prefixes_under(bases[0] if len(bases) == 1 else None, documents=False, kinds=True)


def write_rdf(store: Store, out: Target, *, format: str, graph: str | ox.NamedNode | None = None) -> int:
    """Write the store (or one document's graph) as RDF; return the number of
    triples (triple formats) or quads (quad formats) written.

    ``graph`` is a document id or graph IRI; ``out`` a path, ``-`` or a binary file.
    """
    try:
        fmt = RDF_FORMATS[format]
    except KeyError:
        raise ExportError(f"unknown RDF format {format!r}; choose one of {', '.join(RDF_FORMATS)}") from None
    scope = resolve_graph(store, graph)
    prefixes = dataset_prefixes(store)
    if fmt == ox.RdfFormat.JSON_LD:
        return _write_compact_jsonld(store, out, scope, prefixes)
    if fmt == ox.RdfFormat.RDF_XML:
        _check_rdfxml(store.quads(scope), prefixes)
    counter = _Counter()
    with open_output(out) as handle:
        if fmt == ox.RdfFormat.RDF_XML:
            handle = _EscapedCarriageReturns(handle)
        if fmt.supports_datasets:
            if scope is None:
                store.dump(handle, fmt, prefixes=prefixes)
                return len(store)
            ox.serialize(counter.count(store.quads(scope)), handle, fmt, prefixes=prefixes)
        else:
            if scope is None:
                triples: Iterable[ox.Triple] = store.query(_UNION)
            else:
                triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(scope))
            # sorted, so each subject's triples come together and Turtle groups them
            triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
            ox.serialize(counter.count(triples), handle, fmt, prefixes=prefixes)
    return counter.n


def write_turtle(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """Turtle: the union of all graphs (or one document's graph), with prefixes."""
    return write_rdf(store, out, format="turtle", graph=graph)


def write_ntriples(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """N-Triples: one triple a line, the union of all graphs (or one document's)."""
    return write_rdf(store, out, format="ntriples", graph=graph)


def write_rdfxml(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """RDF/XML: the union of all graphs (or one document's). Fails with
    :class:`~kg.errors.ExportError` on data XML cannot carry."""
    return write_rdf(store, out, format="rdfxml", graph=graph)


def write_trig(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """TriG: one named graph per document, with prefixes."""
    return write_rdf(store, out, format="trig", graph=graph)


def write_nquads(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """N-Quads: one quad a line, graph names kept."""
    return write_rdf(store, out, format="nquads", graph=graph)


def write_jsonld(store: Store, out: Target, *, graph: str | ox.NamedNode | None = None) -> int:
    """JSON-LD compacted with kg's published context (``ontology/context.jsonld``),
    one ``@graph`` per document, so it reads as plain JSON: ``"label": {"en": ...}``."""
    return write_rdf(store, out, format="jsonld", graph=graph)


def jsonld_context(prefixes: dict[str, str]) -> dict:
    """kg's published JSON-LD context plus the dataset's own prefixes."""
    import json

    from kg.rdf.ontology import CONTEXT, ontology_text

    context = json.loads(ontology_text(CONTEXT))["@context"]
    return {**prefixes, **context}


def _write_compact_jsonld(store: Store, out: Target, scope, prefixes: dict[str, str]) -> int:
    # pyoxigraph writes expanded JSON-LD with every literal's lexical form kept;
    # pyld (the JSON-LD processor) compacts it with our context without retyping values.
    import json

    from pyld import jsonld

    counter = _Counter()
    expanded = json.loads(ox.serialize(counter.count(store.quads(scope)), format=ox.RdfFormat.JSON_LD))
    context = jsonld_context(prefixes)
    compacted = jsonld.compact(expanded, context, options={"documentLoader": _no_remote_contexts})
    with open_output(out) as handle:
        handle.write(json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8"))
    return counter.n


def _no_remote_contexts(url, options=None):
    raise ExportError(f"JSON-LD export never fetches remote contexts (asked for {url})")


class _EscapedCarriageReturns:
    """Writes ``\r`` as ``&#13;``. XML parsers turn a raw CR LF into LF, so a
    literal holding ``\r`` would not survive; pyoxigraph 0.5 writes it raw.
    A CR can only occur in literal text (IRIs cannot hold one), where the
    character reference is the right spelling."""

    def __init__(self, handle) -> None:
        self._handle = handle

    def write(self, data) -> int:
        self._handle.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)  # what pyoxigraph handed over, not what was written

    def flush(self) -> None:
        self._handle.flush()


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def count(self, items: Iterable) -> Iterator:
        for item in items:
            self.n += 1
            yield item


def _check_rdfxml(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> None:
    """Refuse, before writing anything, data that RDF/XML cannot represent:
    literals with control characters XML 1.0 forbids, and predicates whose IRI
    does not end in an XML name (RDF/XML writes predicates as element names)."""
    predicates: set[ox.NamedNode] = set()
    for quad in quads:
        predicates.add(quad.predicate)
        obj = quad.object
        if isinstance(obj, ox.Literal):
            bad = _NOT_XML.search(obj.value)
            if bad:
                raise ExportError(
                    f"RDF/XML cannot hold the literal {obj.value[:60]!r} of <{quad.subject.value}> "
                    f"(control character U+{ord(bad.group()):04X} is not allowed in XML 1.0); "
                    "export as turtle, ntriples, trig or nquads instead")
    for predicate in sorted(predicates, key=lambda p: p.value):
        if not _writes_as_xml(predicate, prefixes):
            raise ExportError(
                f"RDF/XML cannot use <{predicate.value}> as a property: the IRI does not end in an "
                "XML name (a letter or _ followed by letters, digits, _ - .); "
                "export as turtle, ntriples, trig or nquads instead")


def _writes_as_xml(predicate: ox.NamedNode, prefixes: dict[str, str]) -> bool:
    # Ask the writer itself rather than re-implementing its QName split.
    sample = ox.Triple(ox.NamedNode("urn:kg:s"), predicate, ox.Literal("o"))
    try:
        ElementTree.fromstring(ox.serialize([sample], format=ox.RdfFormat.RDF_XML, prefixes=prefixes))
    except ElementTree.ParseError:
        return False
    return True
