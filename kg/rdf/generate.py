"""Generate :mod:`kg.rdf.terms` from ``ontology/kg.ttl``.

Run ``python -m kg.rdf.generate`` after editing the ontology; a test fails when
the generated module is out of date.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
TERMS_MODULE = Path(__file__).resolve().parent / "terms.py"
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


def main() -> int:
    TERMS_MODULE.write_text(render(declared_terms()), encoding="utf-8")
    print(f"wrote {TERMS_MODULE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
