"""``kg check``: is a store whole, and can its graph be trusted?

Four checks, each named in the report with what to run when it fails:

1. **readable**: every quad is read once, so RocksDB verifies the checksum of
   every block it holds (it does on every read); a damaged file shows as an
   error here instead of as wrong answers or a runaway query later. Reading
   streams: memory stays flat whatever the store's size.
2. **documents**: every kg document graph has its commit marker (no write was
   interrupted half-way).
3. **entity graph**: no description is marked stale, no document is in an old
   layout or under an old name, every dataset has its entity graph.
4. **shapes**: the SHACL shapes hold (``kg validate``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from kg.errors import StoreError
from kg.store.base import Store


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class IntegrityReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def summary(self) -> str:
        return "\n".join(f"{'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in self.checks)


def check_store(store: Store, where: str, *, shapes: bool = True,
                progress: Callable[[int], None] | None = None) -> IntegrityReport:
    """Run the checks of the module on ``store`` (named ``where`` in advice)."""
    from kg.store.entities import check as entity_health
    from kg.store.markers import partial_documents

    report = IntegrityReport()
    try:
        quads = 0
        for _ in store.quads():
            quads += 1
            if progress and quads % 100_000 == 0:
                progress(100_000)
    except (OSError, StoreError, ValueError) as exc:
        report.checks.append(Check("readable", False, f"reading the store failed after {quads:,} quads "
                                   f"({str(exc).splitlines()[0][:200]}): it is damaged. Rebuild it from your "
                                   "articles, or load a dump (kg load FILE.nq.gz --store NEW)"))
        return report  # nothing else can be trusted
    report.checks.append(Check("readable", True, f"{quads:,} quads read, every block's checksum verified"))

    hashes = store.document_hashes()
    partial = partial_documents(store.named_graphs(), hashes, store.entity_graphs())
    report.checks.append(Check(
        "documents", not partial,
        f"{len(hashes):,} documents complete" if not partial else
        f"{len(partial):,} half-written document graphs (an interrupted write); "
        f"`kg repair --store {where}` drops them"))

    health = entity_health(store)
    report.checks.append(Check("entity graph", health.ok, "up to date" if health.ok else health.advice(where)))

    if shapes:
        from kg.validate import validate_store

        result = validate_store(store)
        report.checks.append(Check("shapes", result.conforms, "the SHACL shapes hold" if result.conforms else
                                   f"{result.violations} violations; `kg validate --store {where}` lists them"))
    return report
