"""Extraction results as plain JSON-ready records, for `kg extract --format jsonl`."""
from __future__ import annotations

import dataclasses
from typing import Iterator

from kg.model import Extraction


def extraction_records(x: Extraction) -> Iterator[dict]:
    """One record per entity, relation, event, time expression and quantity."""
    doc = x.article.doc_id
    for e in x.entities:
        yield {"doc": doc, "kind": "entity", "key": e.key, "label": e.label, "type": e.type,
               "aliases": list(e.aliases), "same_as": list(e.same_as), "job_title": e.job_title,
               "role_of": e.role_of, "mentions": [[m.start, m.end, m.text] for m in e.mentions]}
    for r in x.relations:
        yield {"doc": doc, "kind": "relation", **_plain(r), "asserted": r.asserted}
    for ev in x.events:
        yield {"doc": doc, "kind": "event", **_plain(ev), "asserted": ev.asserted}
    for t in x.times:
        yield {"doc": doc, "kind": "time", **_plain(t)}
    for q in x.quantities:
        yield {"doc": doc, "kind": "quantity", **_plain(q)}


def _plain(record) -> dict:
    data = dataclasses.asdict(record)
    if "kind" in data:  # an event's own kind goes under event_kind, not over the record kind
        data["event_kind"] = data.pop("kind")
    return data
