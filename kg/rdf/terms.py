"""The kg: vocabulary as Python attributes. GENERATED from ontology/kg.ttl by
``python -m kg.rdf.generate``; do not edit by hand.
"""
from __future__ import annotations

from kg.rdf.namespace import ClosedNamespace

KG_NAMESPACE = "https://w3id.org/newskg/ns#"
KG = ClosedNamespace(KG_NAMESPACE, [
    "Build",
    "Document",
    "Event",
    "Mention",
    "Phrase",
    "Quantity",
    "RelationType",
    "Sentence",
    "Statement",
    "TimeExpression",
    "asserted",
    "attributedTo",
    "cameoCode",
    "cameoLabel",
    "confidence",
    "contentHash",
    "counted",
    "denotes",
    "document",
    "eventKind",
    "intervalEnd",
    "intervalStart",
    "mentionedIn",
    "modality",
    "model",
    "negated",
    "qualifier",
    "quantity",
    "quantityKind",
    "relativeToPublication",
    "reportedText",
    "roleOf",
    "sentence",
    "softwareVersion",
    "sourceFile",
    "surfaceText",
    "time",
    "timeValue",
    "trigger",
], source="ontology/kg.ttl")
