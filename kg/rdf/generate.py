"""Generate :mod:`kg.rdf.terms` from ``ontology/kg.ttl``.

Run ``python -m kg.rdf.generate`` after editing the ontology; a test fails when
the generated module is out of date.
"""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import ontology

# In a checkout (an editable install) kg.ontology is the folder ontology/, so
# the generated files land beside kg.ttl, where they are committed.
ONTOLOGY_DIR = Path(str(resources.files(ontology.ONTOLOGY_PACKAGE)))
ONTOLOGY = ONTOLOGY_DIR / ontology.VOCABULARY
TERMS_MODULE = Path(__file__).resolve().parent / "terms.py"
DOCS = ONTOLOGY_DIR / ontology.DOCS
CONTEXT = ONTOLOGY_DIR / ontology.CONTEXT
KG_NS = "https://w3id.org/newskg/ns#"
_DECLARING_TYPES = {
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
}


def declared_terms(path: Path = ONTOLOGY) -> list[str]:
    """Local names of every kg: class and property declared in the ontology."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    names = set()
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s = triple.subject
        if (isinstance(s, ox.NamedNode) and s.value.startswith(KG_NS)
                and triple.predicate == rdf_type and triple.object.value in _DECLARING_TYPES):
            names.add(s.value[len(KG_NS):])
    return sorted(names)


def render(names: list[str]) -> str:
    lines = [
        '"""The kg: vocabulary as Python attributes. GENERATED from ontology/kg.ttl by',
        "``python -m kg.rdf.generate``; do not edit by hand.",
        '"""',
        "from __future__ import annotations",
        "",
        "from kg.rdf.namespace import ClosedNamespace",
        "",
        f'KG_NAMESPACE = "{KG_NS}"',
        "KG = ClosedNamespace(KG_NAMESPACE, [",
        *[f'    "{n}",' for n in names],
        '], source="ontology/kg.ttl")',
        "",
    ]
    return "\n".join(lines)


def render_docs(path: Path = ONTOLOGY) -> str:
    """A Markdown page listing every class and property with its definition."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    g = rdflib.Graph().parse(path, format="turtle")
    nm = g.namespace_manager

    def name(term) -> str:
        return nm.normalizeUri(term) if isinstance(term, rdflib.URIRef) else str(term)

    def text(term, prop) -> str:
        values = sorted(str(v) for v in g.objects(term, prop))
        return "; ".join(values).replace("|", "\\|")

    onto = next(g.subjects(RDF.type, OWL.Ontology))
    out = [
        f"# {text(onto, RDFS.label)}",
        "",
        "GENERATED from `ontology/kg.ttl` by `python -m kg.rdf.generate`; do not edit by hand.",
        "",
        text(onto, RDFS.comment),
        "",
        f"- Namespace: `{KG_NS}` (prefix `kg:`)",
        f"- Version: {text(onto, OWL.versionInfo)}",
        f"- Licence: {text(onto, rdflib.URIRef('http://purl.org/dc/terms/license'))}",
        "",
    ]
    sections = [("Classes", [OWL.Class]), ("Object properties", [OWL.ObjectProperty]),
                ("Datatype properties", [OWL.DatatypeProperty])]
    for title, types in sections:
        out += [f"## {title}", "", "| term | label | definition | domain | range | parent |",
                "| --- | --- | --- | --- | --- | --- |"]
        terms = sorted({s for t in types for s in g.subjects(RDF.type, t) if str(s).startswith(KG_NS)})
        for term in terms:
            parents = sorted(name(p) for p in (*g.objects(term, RDFS.subClassOf), *g.objects(term, RDFS.subPropertyOf)))
            out.append("| " + " | ".join([
                f"`{name(term)}`", text(term, RDFS.label), text(term, RDFS.comment),
                ", ".join(f"`{name(d)}`" for d in g.objects(term, RDFS.domain)),
                ", ".join(f"`{name(r)}`" for r in g.objects(term, RDFS.range)),
                ", ".join(f"`{p}`" for p in parents),
            ]) + " |")
        out.append("")
    return "\n".join(out)


_OBJECT_PROPERTIES = {"sentence", "document", "denotes", "mentionedIn", "attributedTo",
                      "observes", "observedType", "observedLink", "observedRoleOf"}
# Plain-JSON names for the standard terms kg writes, so a web developer can read
# `"label"` and `"sameAs"` instead of full IRIs.
_FRIENDLY_TERMS: dict[str, object] = {
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
    "headline": "schema:headline",
    "datePublished": "schema:datePublished",
    "author": "schema:author",
    "publisher": "schema:publisher",
    "sourceOrganization": "schema:sourceOrganization",
    "jobTitle": "schema:jobTitle",
    "wordCount": "schema:wordCount",
    "identifier": "dcterms:identifier",
    "anchorOf": "nif:anchorOf",
    "beginIndex": "nif:beginIndex",
    "endIndex": "nif:endIndex",
    "subject": {"@id": "rdf:subject", "@type": "@id"},
    "predicate": {"@id": "rdf:predicate", "@type": "@id"},
    "object": {"@id": "rdf:object", "@type": "@id"},
    "wasGeneratedBy": {"@id": "prov:wasGeneratedBy", "@type": "@id"},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "used": {"@id": "prov:used", "@type": "@id"},
    "wasAssociatedWith": {"@id": "prov:wasAssociatedWith", "@type": "@id"},
    "startedAtTime": "prov:startedAtTime",
    "endedAtTime": "prov:endedAtTime",
}


def render_context(names: list[str]) -> str:
    """A JSON-LD @context: prefixes plus every kg: term by its local name."""
    import json

    from kg.rdf.namespace import PREFIXES

    context: dict[str, object] = {"kg": KG_NS, **PREFIXES, "id": "@id", "type": "@type"}
    for n in names:
        # object properties hold IRIs: coerce so they read as plain strings in JSON
        is_object = n[0].islower() and n in _OBJECT_PROPERTIES
        context[n] = {"@id": f"kg:{n}", "@type": "@id"} if is_object else f"kg:{n}"
    context.update(_FRIENDLY_TERMS)
    return json.dumps({"@context": context}, indent=2, sort_keys=True) + "\n"


def outputs() -> dict[Path, str]:
    names = declared_terms()
    return {TERMS_MODULE: render(names), DOCS: render_docs(), CONTEXT: render_context(names)}


def main() -> int:
    for path, text in outputs().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
