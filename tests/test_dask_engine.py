"""The Dask engine on a LocalCluster gives the same graph as a local build."""
from __future__ import annotations

import pytest

from kg.build import build
from kg.model import Article
from kg.store import GraphStore

from .conftest import content

pytest.importorskip("dask.distributed", reason="dask[distributed] is in the test extra")

DOCS = [
    Article("a", "The UK will enter talks with the EU, the government said. Keir Starmer visited Albania."),
    Article("b", "Albania signed a deal with the UK. Edi Rama met Keir Starmer in Tirana on Friday."),
    Article("c", "France and Germany urged the European Commission to act on migration."),
    Article("d", "BAE Systems won a contract from the Ministry of Defence in London."),
    Article("e", "Angela Merkel visited Poland and met Donald Tusk in Warsaw."),
]


def test_dask_local_cluster_matches_local_build(nlp):
    local, remote = GraphStore(None), GraphStore(None)
    build(DOCS, local)
    report = build(DOCS, remote, engine="dask", scheduler="local", batch_docs=2)
    assert report.documents == len(DOCS)
    assert content(local) == content(remote)
    again = build(DOCS, remote, engine="dask", scheduler="local")
    assert again.unchanged == len(DOCS) and again.documents == 0
