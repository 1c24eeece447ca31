"""kg check, and damaged stores (issue "Hardening" 2): found, said plainly, never a traceback."""
from __future__ import annotations

import os
import random
import shutil

import pytest

from kg.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory, nlp):
    store = tmp_path_factory.mktemp("integrity") / "s"
    assert main(["build", "examples", "--store", str(store)]) == 0
    return store


def _copy(built, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(built, target, ignore=shutil.ignore_patterns("LOCK"))
    return target


def test_a_sound_store_checks_out(built, capsys):
    assert main(["check", "--store", str(built)]) == 0
    out = capsys.readouterr().out
    for name in ("readable", "documents", "entity graph", "shapes"):
        assert f"ok   {name}:" in out
    assert "quads read through every index" in out


def _largest_ssts(path, n=None):
    files = sorted(path.glob("*.sst"), key=lambda p: p.stat().st_size, reverse=True)
    return files[:n] if n else files


def test_random_bytes_in_the_data_are_found(built, tmp_path, capsys):
    """Every SST gets random blocks written into it; some index that a plain scan
    never reads is hit too, and check reads them all."""
    damaged = _copy(built, tmp_path)
    rng = random.Random(7)
    for sst in _largest_ssts(damaged):
        size = sst.stat().st_size
        if size < 8192:
            continue
        with open(sst, "r+b") as fh:
            for _ in range(4):
                fh.seek(rng.randrange(size // 8, size - 2048))
                fh.write(rng.randbytes(1024))
    code = main(["check", "--store", str(damaged)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code in (1, 2) and "damaged" in text and "Traceback" not in text
    assert "Corruption" in text  # RocksDB's own words are kept, shortened


@pytest.mark.parametrize("what", ["truncated sst", "truncated manifest", "missing current"])
def test_a_store_whose_files_are_cut_says_it_is_damaged(built, tmp_path, capsys, what):
    damaged = _copy(built, tmp_path)
    if what == "truncated sst":
        os.truncate(_largest_ssts(damaged, 1)[0], 1000)
    elif what == "truncated manifest":
        os.truncate(next(damaged.glob("MANIFEST-*")), 100)
    else:
        (damaged / "CURRENT").unlink()
    for command in (["stats"], ["query", "-e", "SELECT * { ?s ?p ?o } LIMIT 1"], ["check"],
                    ["dump", "--out", str(tmp_path / "d.nq")], ["build", "examples"]):
        code = main([*command, "--store", str(damaged)])
        err = capsys.readouterr().err
        assert code in (1, 2), (command, err)
        assert "Traceback" not in err and len(err.splitlines()) <= 2, err
        assert ("damaged" in err or "not a kg store" in err), err
    assert not (tmp_path / "d.nq").exists()


def test_check_reports_half_written_documents_and_stale_descriptions(built, tmp_path, capsys):
    import pyoxigraph as ox

    from kg.rdf.iris import IriMinter

    broken = _copy(built, tmp_path)
    raw = ox.Store(str(broken))
    half = IriMinter().document("half-written")
    raw.add(ox.Quad(half, ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal("half-written"), half))
    raw.flush()
    del raw
    assert main(["check", "--store", str(broken), "--no-shapes"]) == 1
    out = capsys.readouterr().out
    assert "FAIL documents: 1 half-written document graphs" in out and "kg repair" in out
    assert main(["repair", "--store", str(broken)]) == 0
    assert main(["check", "--store", str(broken)]) == 0


def _overwrite_in_place(sst, rng, blocks=4):
    size = sst.stat().st_size
    with open(sst, "r+b") as fh:
        for _ in range(blocks):
            fh.seek(rng.randrange(size // 8, size - 1100))
            fh.write(rng.randbytes(1024))


def test_a_store_changed_behind_kgs_back_is_refused_on_open(built, tmp_path, capsys):
    """Random bytes in a table file: RocksDB reads the file's other blocks happily
    and Oxigraph answers from them, so every command would answer wrongly (or an
    aggregate would run out of memory). The seal sees the file changed, in a few
    stat calls and one hash: every command refuses, naming the file; kg check
    says so too."""
    damaged = _copy(built, tmp_path)
    assert (damaged / "kg-seal.json").is_file()  # the build sealed its store on closing
    sst = _largest_ssts(damaged, 1)[0]
    _overwrite_in_place(sst, random.Random(3))
    for command in (["stats"], ["query", "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"],
                    ["dump", "--out", str(tmp_path / "d.nq")], ["export", "--format", "graphml",
                                                                "--out", str(tmp_path / "g.graphml")],
                    ["validate"], ["build", "examples"]):
        code = main([*command, "--store", str(damaged)])
        err = capsys.readouterr().err
        assert code in (1, 2), (command, err)
        assert "damaged" in err and sst.name in err and "Traceback" not in err, err
    assert not (tmp_path / "d.nq").exists() and not (tmp_path / "g.graphml").exists()
    assert main(["check", "--store", str(damaged), "--no-shapes"]) == 1
    out = capsys.readouterr().out
    assert f"FAIL sealed: table files changed since kg last wrote them ({sst.name} has different contents)" in out


def test_a_copied_store_opens_and_keeps_its_seal(built, tmp_path, capsys):
    """A copy gives every file a new time, not new contents: the files are hashed
    once, found equal, and the seal takes the new times."""
    import json

    copy = tmp_path / "copied"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("LOCK"), copy_function=shutil.copy)
    before = json.loads((copy / "kg-seal.json").read_text())["files"]
    assert main(["stats", "--store", str(copy)]) == 0
    after = json.loads((copy / "kg-seal.json").read_text())["files"]
    assert {n: f["sha256"] for n, f in after.items()} == {n: f["sha256"] for n, f in before.items()}
    assert all(after[n]["mtime_ns"] == (copy / n).stat().st_mtime_ns for n in after)
    capsys.readouterr()


def test_a_store_with_no_seal_opens_and_is_sealed_by_its_next_write(built, tmp_path):
    """Stores from before the seal (or written by another program) are taken as
    they are; the next kg write seals them."""
    old = _copy(built, tmp_path)
    (old / "kg-seal.json").unlink()
    assert main(["stats", "--store", str(old)]) == 0
    assert not (old / "kg-seal.json").exists()  # reading never seals
    assert main(["repair", "--store", str(old)]) == 0
    assert (old / "kg-seal.json").is_file()


def test_an_emptied_store_folder_with_only_its_seal_left_starts_a_new_store(tmp_path):
    from kg.store import GraphStore

    folder = tmp_path / "s"
    with GraphStore(folder) as store:
        store.add_quads([])
    for f in folder.iterdir():
        if f.name != "kg-seal.json":
            shutil.rmtree(f) if f.is_dir() else f.unlink()  # kg-snapshots/ is a folder
    with GraphStore(folder) as store:
        assert len(store) == 0
