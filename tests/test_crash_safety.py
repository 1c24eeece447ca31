"""A build killed mid-way leaves only whole documents, and a re-run completes it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest

from kg.errors import StoreWarning
from kg.rdf.iris import IriMinter
from kg.store import GraphStore
from kg.store.entities import check, repair

from .conftest import BBC, content, need_shared

N_DOCS = 40


def _run(corpus: Path, store: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store),
                             "--batch-docs", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **env})


def _entity_graph_is_what_its_documents_give(path: Path) -> None:
    """Recomputing every description from the documents changes nothing."""
    with GraphStore(path) as store:
        before = content(store)
        repair(store, rebuild=True)
        after = content(store)
    assert before == after


@pytest.fixture(scope="module")
def expected(corpus, tmp_path_factory) -> set:
    clean = tmp_path_factory.mktemp("clean") / "store"
    proc = _run(corpus, clean)
    assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    return content(clean)


def _wal_bytes(store: Path) -> int:
    return sum(p.stat().st_size for p in store.glob("*.log")) + sum(p.stat().st_size for p in store.glob("*.sst"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    src = need_shared(BBC)
    path = tmp_path_factory.mktemp("crash") / "corpus.jsonl"
    with open(src, encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
        for line in islice(fh, N_DOCS):
            out.write(json.dumps(json.loads(line)) + "\n")
    return path


def test_sigkill_mid_build_then_rerun_equals_clean_build(corpus, expected, tmp_path):
    crashed = tmp_path / "crashed"
    proc = _run(corpus, crashed)
    # wait until the first batches are on disk, then kill without warning
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if crashed.exists() and _wal_bytes(crashed) > 60_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "build finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with GraphStore(crashed) as store:  # opens, drops any half-written graph, refreshes what was marked
        hashes = store.document_hashes()
        entity_graph = IriMinter().entity_graph()
    partial = content(crashed)
    # the kill landed before the end; depending on timing 0..N-1 whole documents are in
    assert len(hashes) < N_DOCS
    # every document present is whole: its quads are exactly those of the clean build
    for graph in hashes:
        mine = {q for q in partial if q.graph_name.value == graph}
        theirs = {q for q in expected if q.graph_name.value == graph}
        assert mine == theirs
    assert {q.graph_name.value for q in partial} - {entity_graph.value} == set(hashes)
    _entity_graph_is_what_its_documents_give(crashed)

    proc = _run(corpus, crashed)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert f"{len(hashes)} unchanged" in out.decode()
    assert content(crashed) == expected


def test_sigkill_inside_the_entity_refresh_is_repaired_on_opening(corpus, expected, tmp_path):
    crashed = tmp_path / "crashed"
    proc = _run(corpus, crashed, KG_TEST_KILL_IN_ENTITY_REFRESH="50")
    proc.wait(timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    with GraphStore(crashed, read_only=True) as store:  # it knows it is stale
        health = check(store)
        assert health.stale > 0 and health.old_documents == 0
        written = len(store.document_hashes())  # the batches written before the kill, each complete
        assert 0 < written < N_DOCS
    with pytest.warns(StoreWarning, match="repaired on opening"):
        GraphStore(crashed).close()  # a writable open repairs
    with GraphStore(crashed, read_only=True) as store:
        assert check(store).ok and len(store.document_hashes()) == written
    proc = _run(corpus, crashed)  # the re-run writes the rest
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert f"{written} unchanged" in out.decode()
    assert content(crashed) == expected


KILLS = 20


def test_twenty_random_kills_each_leave_a_store_that_repairs_to_a_clean_build(corpus, expected, tmp_path):
    """Issue "Hardening": kill -9 at 20 random moments (model loading, parsing,
    document writes, the entity refresh), one build after another on the same
    store. After each kill the store opens, every document in it is whole and
    its entity graph is what those documents give; after every fifth, and at
    the end, a re-run to completion gives exactly the uninterrupted build."""
    import random
    import shutil
    import warnings

    rng = random.Random(20)
    crashed = tmp_path / "crashed"
    kills = finished = 0
    for point in range(KILLS):
        proc = _run(corpus, crashed)
        delay = rng.uniform(0.3, 8.0)
        try:
            proc.wait(timeout=delay)
            finished += 1  # it ended before the kill; the next run finds nothing to do
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
        proc.stdout.close()
        proc.stderr.close()
        if not crashed.exists():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StoreWarning)  # "repaired on opening": expected here
            with GraphStore(crashed) as store:  # a writable open repairs what the kill left
                hashes = store.document_hashes()
        partial = content(crashed)
        for graph in hashes:
            assert {q for q in partial if q.graph_name.value == graph} == \
                   {q for q in expected if q.graph_name.value == graph}, f"kill {point}: {graph} not whole"
        _entity_graph_is_what_its_documents_give(crashed)
        if point % 5 == 4:  # every fifth kill: the re-run to the end is the uninterrupted build; start again
            proc = _run(corpus, crashed)
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err.decode()
            assert content(crashed) == expected, f"re-run after kill {point}"
            shutil.rmtree(crashed)
    assert kills >= KILLS // 2, f"only {kills} of {KILLS} runs were killed"
    proc = _run(corpus, crashed)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert content(crashed) == expected

