"""Data files shipped with kg (the gazetteer and its curated sources).

Readers here only parse files; what the data means is decided in
:mod:`kg.extract.gazetteer` (and the pipeline component in :mod:`kg.nlp`).
"""
from __future__ import annotations

import functools
import json
from importlib import resources


@functools.lru_cache(maxsize=None)
def read_json(name: str) -> dict:
    """A JSON file of this package, parsed once per process."""
    return json.loads(resources.files(__name__).joinpath(name).read_text("utf-8"))


def gazetteer_records() -> list[dict]:
    """The entries of the bundled gazetteer (``gazetteer.json``)."""
    return read_json("gazetteer.json")["entries"]
