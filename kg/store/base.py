"""The interface every kg store implements: the embedded ``GraphStore`` and the ``RemoteStore``.

Everything above the store layer (build, query, export, validate) takes a
:class:`Store` and works the same on either. A store holds one named graph
per document, each complete with its commit marker (:mod:`kg.store.markers`),
one entity graph per dataset (:mod:`kg.store.entities`), and whatever other
graphs a user loaded, and answers SPARQL with the union of its graphs as the
default graph.
"""
from __future__ import annotations

from typing import IO, Iterable, Mapping, Protocol, runtime_checkable

import pyoxigraph as ox


@runtime_checkable
class Store(Protocol):
    """What kg asks of a store."""

    read_only: bool

    # -- documents
    def document_hashes(self) -> dict[str, str]:
        """Document graph IRI -> content hash, for every complete document."""

    def remove_incomplete(self) -> list[str]:
        """Drop graphs left without a commit marker; return their IRIs."""

    def write_documents(self, graphs: Mapping[ox.NamedNode, list[ox.Quad]], *, bulk: bool = False) -> int:
        """Replace each document graph with its quads, markers last; return quads written."""

    def remove_document(self, graph: ox.NamedNode) -> bool:
        """Delete one document graph; False if there was none."""

    # -- the entity graph (see kg.store.entities)
    def entity_graphs(self) -> list[ox.NamedNode]:
        """The entity graph of every dataset in the store."""

    def things_observed_in(self, graphs: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        """Every entity and relation type the given document graphs observe."""

    def select(self, sparql: str, values: Mapping[ox.Variable, list[ox.NamedNode | ox.Literal]]):
        """A SELECT over the union of all graphs, with ``values`` (lists of terms)
        bound by a ``VALUES`` block (:mod:`kg.store.values`)."""

    def stale_things(self, entity_graph: ox.NamedNode) -> set[ox.NamedNode]:
        """What the entity graph marks as being refreshed."""

    def quads_about(self, graph: ox.NamedNode, subjects: Iterable[ox.NamedNode]) -> list[ox.Quad]:
        """Every quad of ``graph`` whose subject is one of ``subjects``."""

    def clear_stale_marks(self) -> None:
        """Drop every stale mark of every entity graph (in one write)."""

    def add_quads(self, quads: Iterable[ox.Quad]) -> None: ...

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None: ...

    # -- reading
    def query(self, sparql: str, *, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
              prefixes: Mapping[str, str] | None = None, union: bool = True,
              default_graph: list[ox.NamedNode] | None = None, named_graphs: list[ox.NamedNode] | None = None,
              base_iri: str | None = None):
        """Run SPARQL (the union of all graphs as default graph unless ``union=False``,
        or the dataset ``default_graph`` and ``named_graphs`` name);
        answers are pyoxigraph's ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``."""

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        """The quads of one graph, or of the whole store."""

    def __len__(self) -> int:
        """Quads in the store."""

    def named_graphs(self) -> list[ox.NamedNode]:
        """Every named graph, sorted by IRI."""

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, *, graph: ox.NamedNode | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        """Write the store (or one graph, as a default graph) to a binary file."""

    def load(self, input: IO[bytes], fmt: ox.RdfFormat) -> None:
        """Load a dump, then drop graphs left without a marker."""

    # -- lifetime
    def flush(self) -> None: ...

    def checkpoint(self, *, force: bool = False) -> None:
        """Let readers see what is committed so far (kg.store.snapshots)."""

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
