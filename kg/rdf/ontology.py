"""The files of ``ontology/`` (installed as the package ``kg.ontology``), read
through ``importlib.resources`` so that an installed wheel finds them too.

>>> ontology_text("kg.ttl").startswith("@prefix")
True
"""
from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from kg.errors import KGError

ONTOLOGY_PACKAGE = "kg.ontology"
VOCABULARY = "kg.ttl"  # the OWL ontology: every kg: term
SHAPES = "shapes.ttl"  # the SHACL shapes every build conforms to
CONTEXT = "context.jsonld"  # the JSON-LD context of kg's exports (generated from kg.ttl)
DOCS = "kg.md"  # the vocabulary's documentation (generated from kg.ttl)


def ontology_file(name: str) -> Traversable:
    """One file of the ontology package; a clear error when the install lacks it."""
    path = resources.files(ONTOLOGY_PACKAGE).joinpath(name)
    if not path.is_file():
        raise KGError(f"{name} is missing from the installed kg ({ONTOLOGY_PACKAGE}); "
                      "reinstall kg (pip install --force-reinstall kg)")
    return path


def ontology_text(name: str) -> str:
    return ontology_file(name).read_text(encoding="utf-8")
