"""`kg stats`: what is in a store, counted with SPARQL."""
from __future__ import annotations

from dataclasses import dataclass

from kg.rdf.prefixes import VOCABULARY_PREFIXES as PREFIXES
from kg.store.base import Store

_DOCS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }"
_SENTENCES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:Sentence }"
_ENTITIES_BY_TYPE = """
SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?m kg:denotes ?e . ?e a ?type } }
GROUP BY ?type ORDER BY DESC(?n) ?type
"""
_STATEMENTS = "SELECT (COUNT(DISTINCT ?st) AS ?n) (SUM(IF(?a, 1, 0)) AS ?asserted) WHERE { ?st a kg:Statement ; kg:asserted ?a }"
_RELATION_TYPES = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:RelationType }"


@dataclass
class StoreStats:
    documents: int
    sentences: int
    entities_by_type: dict[str, int]
    statements: int
    asserted: int
    relation_types: int
    triples: int

    @property
    def entities(self) -> int:
        return sum(self.entities_by_type.values())

    def render(self) -> str:
        lines = [
            f"documents       {self.documents:>10,}",
            f"sentences       {self.sentences:>10,}",
            f"entities        {self.entities:>10,}",
        ]
        for t, n in self.entities_by_type.items():
            lines.append(f"  {t:<22}{n:>10,}")
        lines += [
            f"relations       {self.statements:>10,}  ({self.asserted:,} asserted as triples)",
            f"relation types  {self.relation_types:>10,}",
            f"quads           {self.triples:>10,}",
        ]
        return "\n".join(lines)


def _one(store: Store, sparql: str) -> int:
    rows = list(store.query(sparql, prefixes=PREFIXES))
    value = rows[0]["n"] if rows else None
    return int(value.value) if value is not None else 0


def store_stats(store: Store) -> StoreStats:
    by_type: dict[str, int] = {}
    for row in store.query(_ENTITIES_BY_TYPE, prefixes=PREFIXES):
        iri = row["type"].value
        by_type[iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]] = int(row["n"].value)
    st_rows = list(store.query(_STATEMENTS, prefixes=PREFIXES))
    statements = int(st_rows[0]["n"].value) if st_rows else 0
    asserted = int(st_rows[0]["asserted"].value) if st_rows and st_rows[0]["asserted"] else 0
    return StoreStats(
        documents=_one(store, _DOCS),
        sentences=_one(store, _SENTENCES),
        entities_by_type=by_type,
        statements=statements,
        asserted=asserted,
        relation_types=_one(store, _RELATION_TYPES),
        triples=len(store),
    )


__all__ = ["store_stats", "StoreStats"]
