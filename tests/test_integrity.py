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
