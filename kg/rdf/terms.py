"""The kg: vocabulary as Python attributes. GENERATED from ontology/kg.ttl by
``python -m kg.rdf.generate``; do not edit by hand.
"""
from __future__ import annotations

from kg.rdf.namespace import ClosedNamespace

KG_NAMESPACE = "https://w3id.org/newskg/ns#"
KG = ClosedNamespace(KG_NAMESPACE, [
    "Build",
    "Document",
    "Mention",
    "RelationType",
    "Sentence",
    "Statement",
    "asserted",
    "attributedTo",
    "confidence",
    "contentHash",
    "denotes",
    "document",
    "mentionedIn",
    "modality",
    "model",
    "negated",
    "sentence",
    "softwareVersion",
    "sourceFile",
    "surfaceText",
], source="ontology/kg.ttl")
