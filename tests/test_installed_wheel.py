"""kg works when installed as a wheel, far from the checkout.

The wheel is built from this checkout and installed, without its dependencies,
in a fresh virtual environment under a temporary directory. The dependencies
(spaCy, the model, pyoxigraph ...) are taken from the environment running the
tests through a ``.pth`` line, so the test needs no network and no second copy
of spaCy; that environment's editable install of kg is not seen (its finder is
a ``.pth`` hook, and ``.pth`` files of a directory added that way are not run).
Every command runs with the temporary directory as working directory, so
nothing can be found through the checkout or ``./queries``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT = ("The UK will enter talks with the European Union on sharing data, Prime Minister Keir Starmer "
        "said in London on Monday. Starmer met Ursula von der Leyen in Brussels.\n")


def _run(args: list[str], *, cwd: Path) -> subprocess.CompletedProcess:
    # without PYTHONPATH: nothing may reach a checkout (a developer's may point at one)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("wheel")
    # built from a copy of the project's files, so that setuptools' build/ folder (which keeps
    # files deleted since an earlier build) never lands in the checkout or in the wheel
    source = where / "source"
    for folder in ("kg", "ontology", "queries"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
          "--wheel-dir", str(where / "dist"), str(source)], cwd=where)
    wheel = next((where / "dist").glob("kg-*.whl"))
    venv = where / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=where)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     cwd=where).stdout.strip())
    (site / "kg-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
          "--quiet", str(wheel)], cwd=where)
    work = where / "work"
    work.mkdir()
    (work / "article.txt").write_text(TEXT, encoding="utf-8")
    return {"wheel": wheel, "python": python, "kg": venv / "bin" / "kg", "site": site, "work": work}


def test_the_wheel_carries_the_ontology_the_queries_and_the_page(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for expected in ("kg/ontology/kg.ttl", "kg/ontology/shapes.ttl", "kg/ontology/context.jsonld",
                     "kg/queries/relations.rq", "kg/data/gazetteer.json", "kg/py.typed"):
        assert expected in names
    shipped_queries = {n for n in names if n.startswith("kg/queries/") and n.endswith(".rq")}
    assert len(shipped_queries) == len(list((ROOT / "queries").glob("*.rq")))
    assert any(n.startswith("kg/export/page/") and n.endswith(".js") for n in names)
    for page in ("entity.html", "document.html", "landing.html", "site.css", "site.js"):
        assert f"kg/serve/site/{page}" in names
    shipped_modules = {n for n in names if n.startswith("kg/") and n.endswith(".py")}
    in_checkout = {f"kg/{p.relative_to(ROOT / 'kg').as_posix()}" for p in (ROOT / "kg").rglob("*.py")}
    in_checkout |= {f"kg/{folder}/__init__.py" for folder in ("ontology", "queries")}
    assert shipped_modules == in_checkout  # every module, and no stale one


def test_kg_is_imported_from_the_installed_wheel(installed):
    where = _run([str(installed["python"]), "-c", "import kg, kg.ontology; print(kg.__file__)"],
                 cwd=installed["work"]).stdout.strip()
    assert Path(where).is_relative_to(installed["site"])


def test_build_query_validate_and_export_from_the_installed_wheel(installed):
    kg, work = str(installed["kg"]), installed["work"]
    built = _run([kg, "build", "article.txt", "--store", "store"], cwd=work)
    assert "1 document" in built.stdout

    listed = _run([kg, "queries"], cwd=work).stdout
    assert "relations-between" in listed and "who-said-what" in listed

    rows = _run([kg, "query", "relations", "--store", "store", "--format", "jsonl"], cwd=work).stdout
    relations = [json.loads(line) for line in rows.splitlines()]
    assert any(r["subjectLabel"] == "United Kingdom" and r["objectLabel"] == "European Union" for r in relations)

    assert "conforms" in _run([kg, "validate", "--store", "store"], cwd=work).stdout

    _run([kg, "export", "--store", "store", "--format", "jsonld", "--out", "graph.jsonld"], cwd=work)
    document = json.loads((work / "graph.jsonld").read_text(encoding="utf-8"))
    assert "@context" in document and document["@graph"]

    # the pages' templates and files come from the wheel too
    assert "pages" in _run([kg, "publish", "--store", "store", "--out", "site"], cwd=work).stdout
    page = (work / "site/page/entity/place/united_kingdom.html").read_text(encoding="utf-8")
    assert "<h1>United Kingdom</h1>" in page and (work / "site/static/site.js").is_file()


def test_a_users_own_queries_folder_is_listed_beside_the_shipped_queries(installed):
    work = installed["work"] / "mine"
    (work / "queries").mkdir(parents=True)
    (work / "queries" / "my-people.rq").write_text(
        "# People in my graph\nSELECT ?p WHERE { ?p a schema:Person }\n", encoding="utf-8")
    listed = _run([str(installed["kg"]), "queries"], cwd=work).stdout
    assert "my-people" in listed and "People in my graph" in listed and "relations-between" in listed
