"""Reading a store a build is writing (kg.store.snapshots): the writer's marker
and lock, the snapshots it takes and prunes, what a reader opens, and a real
`kg build` read the way `kg query` reads it while it runs."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.rdf.namespace import RDF
from kg.rdf.terms import KG
from kg.store import GraphStore, Source, open_read_only, open_store, read_source
from kg.store import snapshots
from kg.store.snapshots import FOLDER, LOCK_FILE, POINTER, WriterLock, prune, writer_is_live

EX = "http://example.org/"


def quad(i: int) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), ox.NamedNode(f"{EX}g"))


def current(path: Path) -> str:
    return (path / FOLDER / POINTER).read_text(encoding="utf-8").strip()


def kept(path: Path) -> list[str]:
    return sorted(p.name for p in (path / FOLDER).iterdir() if p.is_dir())


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


# -- the writer's marker --------------------------------------------------------------------------
def test_a_writer_leaves_a_marker_naming_itself_and_clears_it_on_closing(tmp_path):
    path = tmp_path / "store"
    with GraphStore(path):
        marker = json.loads((path / LOCK_FILE).read_text(encoding="utf-8"))
        assert marker["pid"] == os.getpid() and marker["host"] == socket.gethostname()
        assert marker["started"] <= time.time()
        assert writer_is_live(path)
    assert (path / LOCK_FILE).read_text(encoding="utf-8") == ""
    assert not writer_is_live(path)


def test_a_second_writer_is_refused_with_who_holds_the_store(tmp_path):
    path = tmp_path / "store"
    with GraphStore(path):
        with pytest.raises(StoreError, match=rf"being written by another process \(process {os.getpid()} on"):
            GraphStore(path)


def test_a_writer_that_died_holding_the_store_leaves_a_marker_that_counts_for_nothing(tmp_path):
    path = tmp_path / "store"
    GraphStore(path).close()
    code = f"import os\nfrom kg.store import GraphStore\ns = GraphStore({str(path)!r})\nos._exit(0)\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert json.loads((path / LOCK_FILE).read_text(encoding="utf-8"))["pid"] != os.getpid()  # its marker is left
    assert not writer_is_live(path)
    assert not read_source(path).snapshot and read_source(path).path == path  # readers read the store
    with GraphStore(path) as store:  # and the next writer may write
        store.add_quads([quad(2)])


def test_without_flock_a_marker_of_a_dead_pid_is_no_writer_and_one_of_a_live_pid_is(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "fcntl", None)  # a file system without flock: the marker alone decides
    path = tmp_path / "store"
    path.mkdir()
    marker = {"pid": dead_pid(), "host": socket.gethostname(), "started": time.time()}
    (path / LOCK_FILE).write_text(json.dumps(marker), encoding="utf-8")
    assert not writer_is_live(path)
    (path / LOCK_FILE).write_text(json.dumps({**marker, "pid": os.getpid()}), encoding="utf-8")
    assert writer_is_live(path)
    (path / LOCK_FILE).write_text("", encoding="utf-8")  # a writer that closed
    assert not writer_is_live(path)


# -- snapshots ------------------------------------------------------------------------------------
def test_a_writer_snapshots_the_store_on_opening_before_it_writes(tmp_path):
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.add_quads([quad(1)])
    with GraphStore(path) as store:
        name = current(path)
        store.add_quads([quad(2)])
        store.flush()
        with GraphStore(path, read_only=True) as reader:  # the store as the writer found it
            assert reader.source.path == path / FOLDER / name and len(reader) == 1


def test_a_checkpoint_makes_a_snapshot_current_at_most_once_an_interval_unless_forced(tmp_path, monkeypatch):
    path = tmp_path / "store"
    with GraphStore(path) as store:
        opened = current(path)
        store.add_quads([quad(1)])
        store.checkpoint()
        assert current(path) == opened  # one was just taken on opening
        store.checkpoint(force=True)
        forced = current(path)
        assert forced != opened and forced in kept(path)
        with GraphStore(path, read_only=True) as reader:
            assert len(reader) == 1
        monkeypatch.setenv("KG_SNAPSHOT_INTERVAL", "0")
        store.checkpoint()
        assert current(path) not in (opened, forced)


def test_pruning_keeps_current_and_the_one_before_and_on_closing_only_current(tmp_path, monkeypatch):
    path = tmp_path / "store"
    monkeypatch.setenv("KG_SNAPSHOT_INTERVAL", "0")
    with GraphStore(path) as store:
        for i in range(5):
            store.add_quads([quad(i)])
            store.checkpoint()
        names = kept(path)
        assert len(names) == 7  # two on opening, five checkpoints: none replaced a minute ago
        monkeypatch.setattr(snapshots, "KEEP_FOR", -1.0)  # every replaced one is old enough to go
        prune(path)
        assert kept(path) == names[-2:] and current(path) == names[-1]
        with GraphStore(path, read_only=True) as reader:
            assert len(reader) == 5
    assert kept(path) == [names[-1]]
    assert not read_source(path).snapshot


def test_pruning_keeps_a_replaced_snapshot_a_reader_may_still_be_on(tmp_path, monkeypatch):
    path = tmp_path / "store"
    monkeypatch.setenv("KG_SNAPSHOT_INTERVAL", "0")
    with GraphStore(path) as store:
        for i in range(3):
            store.add_quads([quad(i)])
            store.checkpoint()
        assert len(kept(path)) == 5  # all replaced less than KEEP_FOR seconds ago


def test_pruning_removes_what_a_writer_that_died_left_half_made(tmp_path):
    path = tmp_path / "store"
    GraphStore(path).close()
    (path / FOLDER / ".new-00000000000000000001-1").mkdir()
    (path / FOLDER / f".{POINTER}-00000000000000000001-1").write_text("x", encoding="utf-8")
    prune(path)
    assert not [p for p in (path / FOLDER).iterdir() if p.name.startswith(".")]


# -- readers --------------------------------------------------------------------------------------
def test_a_reader_reads_the_snapshot_while_a_writer_is_live_and_the_store_after(tmp_path):
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.add_quads([quad(1)])
        store.checkpoint(force=True)
        source = read_source(path)
        assert source.snapshot and source.path == path / FOLDER / current(path)
        assert source.token == f"snapshot:{current(path)}" and source.modified <= time.time()
        with open_store(path, read_only=True) as reader:  # as kg query opens it
            assert reader.source == source and reader.path == path and len(reader) == 1
    after = read_source(path)
    assert not after.snapshot and after.path == path and after.token != source.token
    with open_read_only(path) as reader:
        assert reader.source == after and reader.path == path and len(reader) == 1


def test_the_store_s_token_changes_when_a_writer_closes_and_not_when_read(tmp_path):
    path = tmp_path / "store"
    GraphStore(path).close()
    before = read_source(path).token
    GraphStore(path, read_only=True).close()
    assert read_source(path).token == before
    with GraphStore(path) as store:
        store.add_quads([quad(1)])
    assert read_source(path).token != before


def test_a_reader_never_reads_the_snapshot_a_previous_writer_left(tmp_path, monkeypatch):
    """The last snapshot of a writer is older than the store when the writer wrote
    after it: a writer that is opening withdraws it, so readers wait for its own."""
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.add_quads([quad(1)])  # after the snapshots taken on opening: in none of them
    assert kept(path)  # the last snapshot stays for readers still on it
    lock = WriterLock(path)
    lock.acquire()  # a writer that is opening ...
    snapshots.withdraw_current(path)  # ... as GraphStore does before RocksDB opens
    monkeypatch.setattr(snapshots, "OPEN_WAIT", 0.2)
    with pytest.raises(StoreError, match="no snapshot to read yet"):
        read_source(path)
    lock.release()
    with GraphStore(path, read_only=True) as reader:
        assert not reader.source.snapshot and len(reader) == 1


def test_a_reader_opens_again_when_a_snapshot_goes_or_a_writer_starts_while_it_opens(tmp_path, monkeypatch):
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.add_quads([quad(1)])
        store.checkpoint(force=True)
        real = read_source
        answers = [Source(path / FOLDER / "pruned-meanwhile", "snapshot:gone", 0.0, snapshot=True),
                   Source(path, "store:before-the-writer", 0.0)]  # opened, then the writer is found live

        def racing(p):
            return answers.pop(0) if answers else real(p)

        monkeypatch.setattr("kg.store.oxigraph.read_source", racing)
        with GraphStore(path, read_only=True) as reader:
            assert reader.source == real(path) and reader.source.snapshot and len(reader) == 1


def test_the_seal_the_folder_check_and_kg_check_ignore_the_snapshots(tmp_path):
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.add_quads([quad(1)])
    assert (path / FOLDER).is_dir() and (path / LOCK_FILE).is_file()
    with open_store(path, read_only=True) as store:  # verified against its seal
        assert len(store) == 1
    with GraphStore(path) as store:  # the folder check takes it for a store
        assert len(store) == 1
    done = subprocess.run([sys.executable, "-m", "kg", "check", "--store", str(path), "--no-shapes"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "FAIL" not in done.stdout, done.stdout + done.stderr


# -- a real build, read while it runs ------------------------------------------------------------
PEOPLE = ["Angela Merkel", "Emmanuel Macron", "Keir Starmer", "Olaf Scholz", "Giorgia Meloni", "Pedro Sanchez",
          "Mark Rutte", "Donald Tusk", "Ursula von der Leyen", "Antonio Costa"]
PLACES = ["Paris", "Berlin", "London", "Rome", "Madrid", "Warsaw", "Brussels", "Lisbon", "Vienna", "Dublin"]
ARTICLES = 90

# entities a document names that the entity graph does not describe: a batch
# whose entity refresh is not in the snapshot
UNDESCRIBED = """
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?thing) AS ?n) WHERE {
  GRAPH ?d { ?m kg:denotes ?thing } FILTER NOT EXISTS { GRAPH ?eg { ?thing rdfs:label ?label } }
}"""


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 3 + 1) % len(PEOPLE)]
        place, other = PLACES[(i * 7) % len(PLACES)], PLACES[(i + 3) % len(PLACES)]
        (folder / f"article-{i:03d}.txt").write_text(
            f"{a} met {b} in {place} on Monday for the {i + 1}th round of talks this year.\n\n"
            f"{a} said the two governments agreed to share data on migration. "
            f"{b} visited {other} afterwards.\n", encoding="utf-8")


def look(path: Path) -> dict:
    """What a reader sees, opening the store as `kg query` does: each complete
    document's quads, statements and mentions, and what is left half written."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stale entity graph would warn
        with open_store(path, read_only=True) as store:
            complete = store.document_hashes()
            graphs = {g.value for g in store.named_graphs()} - {g.value for g in store.entity_graphs()}
            documents = {}
            for graph in complete:
                quads = list(store.quads(ox.NamedNode(graph)))
                types = [q.object for q in quads if q.predicate == RDF.type]
                documents[graph] = {"quads": len(quads), "statements": types.count(KG.Statement),
                                    "mentions": types.count(KG.Mention)}
            undescribed = int(next(iter(store.query(UNDESCRIBED)))["n"].value)
            return {"documents": documents, "partial": sorted(graphs - set(complete)),
                    "undescribed": undescribed, "snapshot": store.source.snapshot}


def test_a_build_read_while_it_runs_shows_only_whole_documents_and_more_of_them_as_it_goes(tmp_path):
    articles, path = tmp_path / "articles", tmp_path / "store"
    write_articles(articles, ARTICLES)
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(articles), "--store", str(path),
                              "--batch-docs", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        while not writer_is_live(path) and build.poll() is None:
            time.sleep(0.02)
        seen = []
        while build.poll() is None:
            seen.append(look(path))
            time.sleep(0.05)
        output = build.stdout.read()
    finally:
        if build.poll() is None:
            build.kill()
        build.wait()
    assert build.returncode == 0, output
    final = look(path)
    assert not final["snapshot"] and len(final["documents"]) == ARTICLES

    counts = [len(view["documents"]) for view in seen]
    assert any(view["snapshot"] for view in seen)  # (the last may be of the store: the build closed it)
    assert counts == sorted(counts), counts  # never fewer than before
    assert any(0 < c < ARTICLES for c in counts), counts  # documents showed while the build ran
    for view in seen:
        assert view["partial"] == [] and view["undescribed"] == 0
        for graph, seen_then in view["documents"].items():  # each as whole as it is at the end
            assert seen_then == final["documents"][graph]
            assert seen_then["statements"] > 0 and seen_then["mentions"] > 0
