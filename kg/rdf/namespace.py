"""Closed namespaces: a vocabulary term is an attribute, and a typo fails.

>>> SCHEMA.Person
<NamedNode value=https://schema.org/Person>
>>> SCHEMA.Persn
Traceback (most recent call last):
...
AttributeError: 'Persn' is not a term of https://schema.org/ that kg uses; add it to kg/rdf/namespace.py
"""
from __future__ import annotations

from pyoxigraph import NamedNode


class ClosedNamespace:
    """A fixed set of terms under one IRI prefix, as pyoxigraph ``NamedNode``s."""

    def __init__(self, prefix: str, terms: list[str] | tuple[str, ...], *, source: str = "kg/rdf/namespace.py") -> None:
        self._prefix = prefix
        self._source = source
        self._terms = {name: NamedNode(prefix + name) for name in terms}
        # terms as plain attributes: fast lookups on the hot path; __getattr__ only sees typos
        self.__dict__.update(self._terms)

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self.__dict__["_terms"][name]
        except KeyError:
            raise AttributeError(
                f"{name!r} is not a term of {self._prefix} that kg uses; add it to {self._source}"
            ) from None

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._terms

    def __iter__(self):
        return iter(self._terms.values())

    @property
    def prefix(self) -> str:
        return self._prefix


RDF = ClosedNamespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                      ["type", "Statement", "subject", "predicate", "object"])
RDFS = ClosedNamespace("http://www.w3.org/2000/01/rdf-schema#",
                       ["label", "comment", "subClassOf", "subPropertyOf", "domain", "range"])
OWL = ClosedNamespace("http://www.w3.org/2002/07/owl#",
                      ["sameAs", "ObjectProperty", "DatatypeProperty", "Class", "Ontology"])
XSD = ClosedNamespace("http://www.w3.org/2001/XMLSchema#",
                      ["string", "integer", "nonNegativeInteger", "double", "boolean", "date",
                       "dateTime", "gYear", "gYearMonth", "decimal", "anyURI", "hexBinary"])
SCHEMA = ClosedNamespace("https://schema.org/", [
    "Thing", "Person", "Organization", "GovernmentOrganization", "Country", "City", "Place",
    "Event", "Product", "CreativeWork", "Legislation", "Language", "NewsArticle",
    "headline", "datePublished", "author", "publisher", "sourceOrganization", "url",
    "copyrightNotice", "wordCount", "name", "jobTitle", "text", "identifier",
    "participant", "about", "location", "value", "maxValue", "unitText", "unitCode", "QuantitativeValue",
])
PROV = ClosedNamespace("http://www.w3.org/ns/prov#", [
    "Activity", "Entity", "SoftwareAgent", "wasGeneratedBy", "wasDerivedFrom", "used",
    "wasAssociatedWith", "wasAttributedTo", "value", "startedAtTime", "endedAtTime",
])
DCTERMS = ClosedNamespace("http://purl.org/dc/terms/", [
    "title", "source", "isPartOf", "identifier", "created", "creator", "publisher", "date",
])
SKOS = ClosedNamespace("http://www.w3.org/2004/02/skos/core#", ["prefLabel", "altLabel"])
NIF = ClosedNamespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#", [
    "Sentence", "Phrase", "beginIndex", "endIndex", "anchorOf", "isString", "referenceContext",
])

PREFIXES = {
    "rdf": RDF.prefix, "rdfs": RDFS.prefix, "owl": OWL.prefix, "xsd": XSD.prefix,
    "schema": SCHEMA.prefix, "prov": PROV.prefix, "dcterms": DCTERMS.prefix,
    "skos": SKOS.prefix, "nif": NIF.prefix,
}
