"""`kg stats`: what is in a store, counted with SPARQL."""
from __future__ import annotations

from dataclasses import dataclass

from kg.rdf.prefixes import VOCABULARY_PREFIXES as PREFIXES
from kg.store.base import Store

# Each node below is typed once, in its own graph (a document, a sentence, a
# statement in its document's graph; an entity or a relation type in the entity
# graph, where its one description says it is a kg:Entity of one schema.org
# class), so plain counts over the union count each once.
_DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"
_SENTENCES = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a kg:Sentence }"
_ENTITIES_BY_TYPE = """
SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a kg:Entity , ?type FILTER(?type != kg:Entity) }
GROUP BY ?type ORDER BY DESC(?n) ?type
"""
_STATEMENTS = "SELECT (COUNT(?st) AS ?n) (SUM(IF(?a, 1, 0)) AS ?asserted) WHERE { ?st a kg:Statement ; kg:asserted ?a }"
_RELATION_TYPES = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:RelationType }"


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
