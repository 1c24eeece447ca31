"""kg's imports flow one way, and nothing runs in a cycle.

The layers are declared once, as the import-linter contract in pyproject.toml;
these tests run it, check that it covers every module, and look for import
cycles inside the layers too (which a layers contract does not see).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def layers() -> list[list[str]]:
    contract = next(c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [re.split(r"\s*[|:]\s*", layer.strip()) for layer in contract["layers"]]


@pytest.fixture(scope="module")
def imports() -> grimp.ImportGraph:
    return grimp.build_graph("kg", include_external_packages=True)


def test_the_layers_contract_is_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    run = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_every_module_of_kg_belongs_to_a_layer(imports):
    declared = {name for layer in layers() for name in layer}
    outside = sorted(m for m in imports.modules if m.startswith("kg.")
                     and not any(m == d or m.startswith(d + ".") for d in declared)
                     and m not in {"kg.__main__", "kg.ontology", "kg.queries"})  # data packages: no code
    assert outside == [], f"add these modules to a layer in pyproject.toml: {outside}"


def test_kg_has_no_import_cycle(imports):
    graph = nx.DiGraph()
    for module in imports.modules:
        if module.startswith("kg"):
            graph.add_node(module)
            graph.add_edges_from((module, target) for target in imports.find_modules_directly_imported_by(module)
                                 if target.startswith("kg"))
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


@pytest.mark.parametrize("layer", ["kg.model", "kg.inputs", "kg.nlp", "kg.extract"])
def test_stages_before_rdf_import_no_rdf_library(imports, layer):
    for library in ("pyoxigraph", "rdflib", "pyshacl"):
        chains = imports.find_shortest_chain(importer=layer, imported=library, as_packages=True)
        assert chains is None, f"{layer} reaches {library}: {' -> '.join(chains or ())}"


def test_only_the_store_layer_opens_an_oxigraph_store():
    opening = re.compile(r"\b(?:ox|pyoxigraph)\.Store\b|\bfrom pyoxigraph import [^\n]*\bStore\b")
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "kg").rglob("*.py"))
                 if "store" not in path.relative_to(ROOT / "kg").parts and opening.search(path.read_text("utf-8"))]
    assert offenders == []


def test_nothing_reads_the_checkout_at_run_time():
    """ontology/ and queries/ are read through importlib.resources, never through
    the module's own path (an installed wheel has no checkout)."""
    through_checkout = re.compile(r"__file__\)?\.resolve\(\)\.parents|Path\.cwd\(\) / \"ontology\"")
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "kg").rglob("*.py"))
                 if through_checkout.search(path.read_text("utf-8"))]
    assert offenders == []
