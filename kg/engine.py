"""Running the NLP and mapping on a Dask cluster.

The client streams articles to the cluster in partitions; each worker loads
the spaCy model once (per process), parses and maps its partition and sends
back an N-Quads shard; the client writes each shard into the store in the
order it arrives, through the same crash-safe writer as a local build.

On a real cluster: start `dask scheduler` on one machine and
`dask worker tcp://SCHEDULER:8786` on each of the others (each needs kg and
the model installed), then run `kg build CORPUS --engine dask --scheduler
tcp://SCHEDULER:8786`. `--scheduler local` starts a LocalCluster here.
"""
from __future__ import annotations

import os
from collections import deque
from itertools import islice
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import KGError
from kg.model import Article
from kg.pipeline import DocumentGraph, map_articles
from kg.rdf.iris import IriMinter

SHARDS_IN_FLIGHT = 4  # partitions submitted ahead of the one being written


def map_partition(articles: list[Article], base_iri: str, model: str | None, started: str) -> tuple[bytes, list]:
    """Worker side: parse, extract and map a partition; return (N-Quads shard, per-doc counts)."""
    iris = IriMinter(base_iri)
    started_literal = ox.Literal(started, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    quads, counts = [], []
    for doc in map_articles(articles, iris=iris, model=model, jobs=1, started=started_literal):
        quads.extend(doc.quads)
        counts.append((doc.doc_id, doc.graph.value, doc.sentences, doc.entities, doc.relations, doc.words,
                       doc.observed))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), counts


def _client(scheduler: str | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise KGError("the Dask engine needs dask[distributed]: pip install 'kg[dask]'") from None
    if scheduler in (None, "", "local"):
        cluster = LocalCluster(n_workers=min(2, os.cpu_count() or 1), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except OSError as exc:
        raise KGError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def map_with_dask(articles: Iterable[Article], *, iris: IriMinter, model: str | None, scheduler: str | None,
                  started: ox.Literal, partition_docs: int = 32) -> Iterator[DocumentGraph]:
    """Yield DocumentGraphs computed on the cluster, keeping only a few shards in memory."""
    client, cluster = _client(scheduler)
    try:
        stream = iter(articles)
        in_flight: deque = deque()

        def submit() -> bool:
            part = list(islice(stream, partition_docs))
            if not part:
                return False
            in_flight.append(client.submit(map_partition, part, iris.base, model, started.value, pure=False))
            return True

        while len(in_flight) < SHARDS_IN_FLIGHT and submit():
            pass
        while in_flight:
            shard, counts = in_flight.popleft().result()
            submit()
            by_graph: dict[str, list] = {}
            for quad in ox.parse(shard, format=ox.RdfFormat.N_QUADS):
                by_graph.setdefault(quad.graph_name.value, []).append(quad)
            for doc_id, graph, sentences, entities, relations, words, observed in counts:
                yield DocumentGraph(doc_id, ox.NamedNode(graph), by_graph.get(graph, []),
                                    sentences, entities, relations, words, observed)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
