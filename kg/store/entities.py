"""The entity graph: one description per entity, kept true as documents come and go.

Every dataset in a store (one base IRI) has one entity graph, ``{base}entity/``,
holding the one description of each entity and relation type, computed from
the observations in the document graphs (:mod:`kg.rdf.descriptions`). Every
write keeps it true, and stays crash-safe, in three steps:

1. **mark**: what the write touches (the things observed by the old versions
   of the graphs it replaces or removes, and by the new ones) is marked stale
   in the entity graph (``kg:staleEntity``), before any document changes;
2. the documents are written (content, then commit markers) or removed;
3. **refresh**: each marked thing's description is recomputed from the
   observations now in the store and replaces the old one (a thing no document
   observes any more loses its description), and then its mark is removed.

A write killed anywhere leaves its marks behind. Opening the store for
writing, or ``kg repair``, refreshes what they name, which gives exactly the
entity graph an uninterrupted write gives.

A build marks and refreshes once per batch of documents, in its writer thread
(beside the parsing of the next batch). What a batch only adds votes to
without changing (:func:`kg.rdf.descriptions.unchanged_by`: the UK, observed
as "the UK", of type Country, with its Wikidata link) is neither marked nor
counted: that is most of what a batch names, and all of the entities that a
thousand documents mention, whose counts cost the most. A thing is counted
when it is new, when a document gave it something its description lacks, or
when a document that observed it is replaced or removed; a count reads every
observation of the thing in the store.
"""
from __future__ import annotations

import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from pyoxigraph import NamedNode, Quad, Variable

from kg.errors import StoreWarning
from kg.rdf.descriptions import (Observed, Tally, describe_tally, entity_graph_quads, observations_in,
                                 stale_marks, tally, unchanged_by)
from kg.rdf.iris import IriMinter, base_of, base_of_entity_graph
from kg.rdf.namespace import RDF, SKOS
from kg.rdf.terms import KG
from kg.rdf.upgrade import upgrade_document
from kg.store.base import Store
from kg.store.markers import MARKER_PREFIXES

# Things refreshed per round of aggregate queries. Oxigraph 0.5 joins a VALUES block of n
# things in more than linear time: on 300 BBC articles, counting the observations of 1,000
# things took 0.48 s in one chunk and 0.21 s in chunks of 200.
REFRESH_CHUNK = 200
# Descriptions a session keeps in memory (see EntityRefresh._descriptions): about 1 kB each.
DESCRIPTIONS_CACHED = 20_000
# Test hook: with this set to N, a refresh kills its own process (SIGKILL) once it
# has replaced the descriptions of N things and before it drops their marks, with
# others still to do, so that tests/test_crash_safety.py kills a build inside the
# entity refresh at a known point. Unset in normal use.
_KILL_AFTER = "KG_TEST_KILL_IN_ENTITY_REFRESH"


def entity_graph_of(document_graph: NamedNode) -> NamedNode | None:
    """The entity graph of the dataset a document graph belongs to."""
    base = base_of(document_graph.value)
    return IriMinter(base).entity_graph() if base else None


@dataclass
class EntityRefresh:
    """The mark and refresh steps of the writes of one session (a build, a
    remove, a load): :meth:`touch` before each write, :meth:`refresh` after
    the last."""

    store: Store
    pending: dict[NamedNode, set[NamedNode]] = field(default_factory=dict)
    seconds: float = 0.0  # time spent marking and refreshing
    refreshed: int = 0  # things whose description was recomputed
    unchanged: int = 0  # things written documents observed without changing their description
    # entity graph -> thing -> its observations, for marked things that no stored document
    # observed before: described from these instead of counted in the store
    known: dict[NamedNode, dict[NamedNode, Tally]] = field(default_factory=dict)
    _ready: set[NamedNode] = field(default_factory=set)  # entity graphs known to exist
    _removing: bool = False  # a removal was touched: a dataset may have lost its last document
    # entity graph -> thing -> its description as it is in the store (see _descriptions)
    _cache: dict[NamedNode, dict[NamedNode, tuple[Quad, ...]]] = field(default_factory=dict)

    def touch(self, documents: Iterable[NamedNode],
              observing: Mapping[NamedNode, Iterable[NamedNode]] | None = None,
              observations: Mapping[NamedNode, Mapping[NamedNode, list[Observed]]] | None = None) -> None:
        """Mark stale what writing (or removing) ``documents`` changes: the things
        their versions in the store observe, and the things the versions about to
        be written observe (``observing``: document -> things; None for a removal).

        With ``observations`` (document -> thing -> what the new version observes
        of it), a thing the new versions only add votes to that cannot change its
        description (:func:`kg.rdf.descriptions.unchanged_by`) is neither marked nor
        recounted: the UK, observed by every other article as the UK, costs a
        read of its description, not a count of its thousand observations."""
        started = time.perf_counter()
        if observations is not None:
            observing = {document: list(things) for document, things in observations.items()}
        if observing is None:
            self._removing = True
        by_graph: dict[NamedNode, list[NamedNode]] = {}
        for document in documents:
            graph = entity_graph_of(document)
            if graph is not None:
                by_graph.setdefault(graph, []).append(document)
        for graph, members in by_graph.items():
            if observing is not None:  # before a document is written, so a half-written one is known as kg's
                self.ensure_entity_graph(graph)
            touched = self.store.things_observed_in(members)  # the versions written before: counted again
            already = self.pending.setdefault(graph, set())
            added: dict[NamedNode, list[Observed]] = {}
            for document in members:
                if observations is not None:
                    for thing, observed in observations.get(document, {}).items():
                        added.setdefault(thing, []).extend(observed)
                else:
                    touched.update((observing or {}).get(document, ()))
            candidates = sorted((t for t in added if t not in touched and t not in already), key=lambda n: n.value)
            if candidates:
                described = self._descriptions(graph, candidates)
                undescribed = [thing for thing in candidates if not described[thing]]
                stored = {row["thing"] for row in self.store.select(_OBSERVED, {Variable("thing"): undescribed})} \
                    if undescribed else set()
                for thing in candidates:
                    if not described[thing]:
                        if thing not in stored:  # new to the store: what it is written with is all there is
                            self.known.setdefault(graph, {})[thing] = tally(added[thing])
                        touched.add(thing)
                    elif unchanged_by(described[thing], added[thing]):
                        self.unchanged += 1
                    else:
                        touched.add(thing)
            for thing in set(added) & already:  # observed again before its refresh: counted in the store
                self.known.get(graph, {}).pop(thing, None)
            fresh = touched - already
            if fresh:
                self.ensure_entity_graph(graph)
                self.store.add_quads(stale_marks(graph, sorted(fresh, key=lambda n: n.value)))
                already |= fresh
        self.seconds += time.perf_counter() - started

    def _descriptions(self, graph: NamedNode, things: list[NamedNode]) -> dict[NamedNode, tuple[Quad, ...]]:
        """Thing -> its description in ``graph`` (empty when it has none), read
        once a session: only this session's refreshes change them."""
        cached = self._cache.setdefault(graph, {})
        missing = [thing for thing in things if thing not in cached]
        if missing:
            if sum(map(len, self._cache.values())) + len(missing) > DESCRIPTIONS_CACHED:
                cached.clear()
            read: dict[NamedNode, list[Quad]] = {thing: [] for thing in missing}
            for quad in self.store.quads_about(graph, missing):
                read[quad.subject].append(quad)
            cached.update((thing, tuple(quads)) for thing, quads in read.items())
        return {thing: cached[thing] for thing in things}

    def refresh(self, *, drop_empty: bool | None = None) -> int:
        """Recompute the description of everything marked; return how many. An
        entity graph whose dataset has no documents left goes too (looked for
        after removals, or with ``drop_empty``)."""
        started = time.perf_counter()
        done = 0
        for graph, things in sorted(self.pending.items(), key=lambda item: item[0].value):
            done += refresh_descriptions(self.store, graph, things, known=self.known.get(graph),
                                         cache=self._cache.setdefault(graph, {}))
        if self.pending:
            self.store.clear_stale_marks()  # every mark in the store is this session's (one writer)
            if self._removing if drop_empty is None else drop_empty:
                self._drop_empty(set(self.pending))
        self.pending.clear()
        self.known.clear()
        self._removing = False
        self.refreshed += done
        self.seconds += time.perf_counter() - started
        return done

    def _drop_empty(self, graphs: set[NamedNode]) -> None:
        """A dataset whose last document went leaves nothing behind: its entity graph goes too."""
        bases = {base_of(d) for d in self.store.document_hashes()}
        for graph in graphs:
            if base_of_entity_graph(graph.value) not in bases and not self.store.stale_things(graph):
                self.store.remove_document(graph)
                self._ready.discard(graph)

    def ensure_entity_graph(self, graph: NamedNode) -> None:
        """Create the dataset's entity graph (its own description) if the store has none."""
        if graph in self._ready:
            return
        if graph not in self.store.entity_graphs():
            base = base_of_entity_graph(graph.value)
            self.store.add_quads(entity_graph_quads(graph, IriMinter(base).software()))
        self._ready.add(graph)


def refresh_descriptions(store: Store, graph: NamedNode, things: Iterable[NamedNode], *,
                         known: Mapping[NamedNode, Tally] | None = None,
                         cache: dict[NamedNode, tuple[Quad, ...]] | None = None) -> int:
    """Make the descriptions of ``things`` in the entity graph ``graph`` what the
    observations in the store give: only the quads that differ are written
    (most refreshes change nothing: another document said the same). Things in
    ``known`` are described from the tally given there, without counting.
    ``cache`` (thing -> its description in the store) is read instead of the
    store where it has the thing, and kept up to date. The marks are dropped by
    the caller once every graph is refreshed."""
    known = known or {}
    cache = {} if cache is None else cache
    ordered = sorted(set(things), key=lambda n: n.value)
    kill_after = int(os.environ.get(_KILL_AFTER, "0") or 0)
    size = min(REFRESH_CHUNK, kill_after) if kill_after else REFRESH_CHUNK
    for start in range(0, len(ordered), size):
        chunk = ordered[start:start + size]
        counted = tally_observations(store, [thing for thing in chunk if thing not in known])
        counted.update((thing, known[thing]) for thing in chunk if thing in known)
        wanted = {thing: describe_tally(thing, counted.get(thing, Tally()), graph=graph) for thing in chunk}
        present = {quad for thing in chunk if thing in cache for quad in cache[thing]}
        present.update(store.quads_about(graph, [thing for thing in chunk if thing not in cache]))
        wanted_quads = {quad for quads in wanted.values() for quad in quads}
        store.remove_quads(sorted(present - wanted_quads, key=str))
        store.add_quads(sorted(wanted_quads - present, key=str))
        for thing, quads in wanted.items():
            if thing in cache:
                cache[thing] = tuple(quads)
        if kill_after and start + size < len(ordered):  # the test hook: die with descriptions half-refreshed
            store.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    return len(ordered)


# Which of some things any stored document observes (a thing with no description
# normally has no observations: its first document is being written).
_OBSERVED = "SELECT DISTINCT ?thing WHERE { GRAPH ?g { ?o kg:observes ?thing } }"
# What describe_tally needs, counted inside the store: a refresh never reads one by one
# the observations of an entity that a thousand documents mention.
_TALLY = """SELECT ?thing ?p ?v (COUNT(?o) AS ?n) WHERE {
  ?o kg:observes ?thing ; ?p ?v .
  FILTER(?p IN (kg:observedType, kg:observedLabel, kg:observedAlias, kg:observedLink, kg:observedJobTitle))
} GROUP BY ?thing ?p ?v"""
_LINKED_LABELS = """SELECT ?thing ?v (COUNT(?o) AS ?n) WHERE {
  ?o kg:observes ?thing ; kg:observedLabel ?v . FILTER EXISTS { ?o kg:observedLink ?link }
} GROUP BY ?thing ?v"""
_TITLED_ROLES = """SELECT DISTINCT ?thing ?title ?role WHERE {
  ?o kg:observes ?thing ; kg:observedJobTitle ?title ; kg:observedRoleOf ?role }"""


def tally_observations(store: Store, things: list[NamedNode]) -> dict[NamedNode, Tally]:
    """Thing -> its observations counted (:class:`kg.rdf.descriptions.Tally`), by
    three aggregate queries for the whole chunk."""
    counted: dict[NamedNode, Tally] = {}
    if not things:
        return counted
    values = {Variable("thing"): things}
    for row in store.select(_TALLY, values):
        entry = counted.setdefault(row["thing"], Tally())
        predicate, value, n = row["p"], row["v"], int(row["n"].value)
        if predicate == KG.observedType:
            entry.types[value] += n
        elif predicate == KG.observedLabel:
            entry.labels[value] += n
        elif predicate == KG.observedAlias:
            entry.aliases.add(value)
        elif predicate == KG.observedLink:
            entry.links.add(value)
        elif predicate == KG.observedJobTitle:
            entry.titles[value] += n
    for row in store.select(_LINKED_LABELS, values):
        counted.setdefault(row["thing"], Tally()).linked_labels[row["v"]] += int(row["n"].value)
    for row in store.select(_TITLED_ROLES, values):
        counted.setdefault(row["thing"], Tally()).roles.setdefault(row["title"], set()).add(row["role"])
    return counted


@dataclass(frozen=True)
class StoreHealth:
    """What a store needs before its entity graph can be trusted."""

    stale: int = 0  # things marked stale by an interrupted write
    old_documents: int = 0  # document graphs written before store format 2
    missing_graphs: int = 0  # datasets with documents but no entity graph
    misnamed: int = 0  # documents named before ids were encoded injectively ("a_b" read as "a b")

    @property
    def ok(self) -> bool:
        return not self.stale and not self.old_documents and not self.missing_graphs and not self.misnamed

    def advice(self, where: str) -> str:
        parts = []
        if self.old_documents:
            parts.append(f"{self.old_documents:,} document graphs were written by an earlier kg (before store "
                         "format 2) and describe entities in every document")
        if self.stale:
            parts.append(f"{self.stale:,} entity descriptions were left stale by an interrupted write")
        if self.misnamed:
            parts.append(f"{self.misnamed:,} documents whose id holds '_' are named as an earlier kg named "
                         "them (which gave ids 'a_b' and 'a b' one name)")
        if self.missing_graphs and not self.old_documents:
            parts.append(f"{self.missing_graphs:,} datasets have documents but no entity graph")
        return f"{where}: {'; '.join(parts)}. Run `kg repair --store {where}` to bring it up to date."


def check(store: Store) -> StoreHealth:
    """How far the store is from a true entity graph (no description is read)."""
    graphs = store.entity_graphs()
    stale = sum(len(store.stale_things(g)) for g in graphs)
    with_graph = {base_of_entity_graph(g.value) for g in graphs}
    documents = store.document_hashes()
    without = {base_of(d) for d in documents} - with_graph - {None}
    return StoreHealth(stale=stale, old_documents=len(old_documents(store)), missing_graphs=len(without),
                       misnamed=len(misnamed_documents(store, documents)))


def misnamed_documents(store: Store, documents: Iterable[str] | None = None) -> dict[NamedNode, NamedNode]:
    """Document graphs an earlier kg named by reading ``_`` in an id as a space
    (so that ids ``a_b`` and ``a b`` shared one IRI): their IRI -> the IRI their
    id (``dcterms:identifier``) has now. Only IRIs with a ``_`` can be such.
    ``documents`` are the store's document IRIs, when already read."""
    documents = store.document_hashes() if documents is None else documents
    candidates = [NamedNode(g) for g in documents if "_" in g[g.rfind("/doc/"):]]
    if not candidates:
        return {}
    renamed = {}
    for row in store.select(_IDENTIFIERS, {Variable("g"): candidates}):
        graph, base = row["g"], base_of(row["g"].value)
        now = IriMinter(base).document(row["id"].value) if base else graph
        if now != graph:
            renamed[graph] = now
    return renamed


_IDENTIFIERS = ("SELECT ?g ?id WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } }")


def rename_documents(store: Store, renamed: Mapping[NamedNode, NamedNode], *, batch: int = 200) -> int:
    """Move each document graph to its new IRI, with the IRIs minted inside it
    (``{doc}#sentence-1`` ...), and refresh the descriptions; return how many moved.

    Each batch is written complete under the new names before the old graphs
    are removed, so an interrupted rename leaves at worst a document under both
    names; the next open finds the old one again and finishes the move.
    """
    moved = 0
    items = sorted(renamed.items(), key=lambda item: item[0].value)
    for k in range(0, len(items), batch):
        chunk = dict(items[k:k + batch])
        graphs = {new: [_renamed(q, old, new) for q in store.quads(old)] for old, new in chunk.items()}
        write_documents(store, graphs)
        remove_documents(store, list(chunk))
        moved += len(chunk)
    return moved


def _renamed(quad: Quad, old: NamedNode, new: NamedNode) -> Quad:
    def term(t):
        if isinstance(t, NamedNode) and (t.value == old.value or t.value.startswith(old.value + "#")):
            return NamedNode(new.value + t.value[len(old.value):])
        return t
    return Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def old_documents(store: Store) -> list[NamedNode]:
    """Document graphs that still describe entities or relation types themselves
    (written before store format 2, or half-way through their upgrade)."""
    rows = store.query(_DESCRIBING_DOCUMENTS, prefixes=MARKER_PREFIXES | {"skos": SKOS.prefix}, union=False)
    return sorted({row["g"] for row in rows if base_of(row["g"].value)}, key=lambda g: g.value)


# Every graph with a preferred label: the entity graphs, and document graphs of an earlier kg
# (any document with a relation type there has an entity too). Filtered to document graphs
# by their IRIs: 3 ms on 400 BBC articles, where joining through kg:mentionedIn took 85 ms.
_DESCRIBING_DOCUMENTS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e skos:prefLabel ?label } }"


@dataclass(frozen=True)
class RepairReport:
    partial: int = 0  # half-written document graphs dropped
    upgraded: int = 0  # document graphs rewritten in store format 2
    refreshed: int = 0  # entity and relation type descriptions recomputed
    renamed: int = 0  # documents moved to the IRI their id has now

    def summary(self) -> str:
        return (f"{self.partial:,} half-written documents dropped, {self.upgraded:,} documents upgraded to "
                f"store format 2, {self.renamed:,} documents renamed, {self.refreshed:,} descriptions refreshed")


def repair(store: Store, *, rebuild: bool = False) -> RepairReport:
    """Bring the entity graph up to date: drop half-written documents, upgrade
    documents of an earlier kg, refresh what interrupted writes marked stale
    (with ``rebuild``: recompute every description from scratch)."""
    partial = len(store.remove_incomplete())
    upgraded = upgrade(store)
    renamed = rename_documents(store, misnamed_documents(store))
    work = EntityRefresh(store)
    documents = [NamedNode(d) for d in sorted(store.document_hashes())]
    missing = {entity_graph_of(d) for d in documents} - set(store.entity_graphs()) - {None}
    if upgraded or rebuild or missing:  # a dataset whose entity graph went missing gets it rebuilt
        work.touch(documents)
        for graph in store.entity_graphs():  # descriptions of things no document observes any more go too
            work.pending.setdefault(graph, set()).update(described_things(store, graph))
    for graph in store.entity_graphs():
        work.pending.setdefault(graph, set()).update(store.stale_things(graph))
    refreshed = work.refresh(drop_empty=True)  # marks of an interrupted removal may leave a dataset empty
    store.flush()
    return RepairReport(partial=partial, upgraded=upgraded, refreshed=refreshed, renamed=renamed)


def repair_if_needed(store: Store, where: str) -> RepairReport | None:
    """On opening a store for writing: finish what an interrupted write or an
    earlier kg left (a warning says what was done); None when nothing was."""
    partial = len(store.remove_incomplete())
    if check(store).ok:
        if partial:
            warnings.warn(f"{where}: dropped {partial:,} half-written documents", StoreWarning, stacklevel=3)
        return None
    report = repair(store)
    report = RepairReport(partial=report.partial + partial, upgraded=report.upgraded, refreshed=report.refreshed,
                          renamed=report.renamed)
    warnings.warn(f"{where}: repaired on opening: {report.summary()}", StoreWarning, stacklevel=3)
    return report


def upgrade(store: Store) -> int:
    """Rewrite, in store format 2, the document graphs an earlier kg wrote; return
    how many changed. Each graph stays complete (its commit marker is never
    touched) and the rewrite is safe to interrupt and run again."""
    changed = 0
    for graph in old_documents(store):
        EntityRefresh(store).ensure_entity_graph(entity_graph_of(graph))
        additions, removals = upgrade_document(graph, list(store.quads(graph)))
        if additions or removals:
            store.add_quads(additions)
            store.remove_quads(removals)
            changed += 1
    store.flush()
    return changed


def described_things(store: Store, graph: NamedNode) -> set[NamedNode]:
    """Every entity and relation type the entity graph describes."""
    return {q.subject for q in store.quads(graph)
            if q.predicate == RDF.type and q.object in (KG.Entity, KG.RelationType)}


def write_documents(store: Store, graphs: Mapping[NamedNode, list[Quad]], *, bulk: bool = False) -> int:
    """Replace document graphs and refresh the descriptions they change: the
    whole protocol for a one-off write (a build uses :class:`EntityRefresh`
    across its batches)."""
    work = EntityRefresh(store)
    work.touch(graphs, observations={graph: observations_in(graph, quads) for graph, quads in graphs.items()})
    written = store.write_documents(graphs, bulk=bulk)
    work.refresh()
    return written


def remove_documents(store: Store, graphs: Iterable[NamedNode]) -> list[NamedNode]:
    """Remove document graphs and refresh the descriptions they changed; return
    the graphs that were there."""
    graphs = list(graphs)
    work = EntityRefresh(store)
    work.touch(graphs)
    removed = [g for g in graphs if store.remove_document(g)]
    work.refresh()
    return removed
