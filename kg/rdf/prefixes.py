"""Prefix tables: the one place that says which prefix stands for which namespace.

``VOCABULARY_PREFIXES`` are predeclared in every query and used in every
export; :func:`dataset_prefixes` adds a dataset's own namespaces (``entity:``,
``rel:`` ...), laid out by :mod:`kg.rdf.iris`.
"""
from __future__ import annotations

from kg.rdf.iris import IriMinter
from kg.rdf.namespace import PREFIXES
from kg.rdf.terms import KG_NAMESPACE

VOCABULARY_PREFIXES: dict[str, str] = {**PREFIXES, "kg": KG_NAMESPACE}
WIKIDATA = "http://www.wikidata.org/entity/"
DBPEDIA = "http://dbpedia.org/resource/"
LINK_PREFIXES: dict[str, str] = {"wd": WIKIDATA, "dbr": DBPEDIA}


def dataset_prefixes(base: str | None, *, documents: bool = True, kinds: bool = False,
                     links: bool = False) -> dict[str, str]:
    """The vocabularies' prefixes, plus the namespaces of the dataset minted under
    ``base`` (none when ``base`` is None): ``entity:``, ``rel:``, ``doc:`` when
    ``documents``, one per entity kind (``person:`` ...) when ``kinds``, and
    Wikidata's ``wd:`` and DBpedia's ``dbr:`` when ``links``.

    >>> dataset_prefixes("https://example.org/kg/")["rel"]
    'https://example.org/kg/relation/'
    """
    prefixes = dict(VOCABULARY_PREFIXES)
    if links:
        prefixes.update(LINK_PREFIXES)
    if base is not None:
        prefixes.update(IriMinter(base).namespaces(documents=documents, kinds=kinds))
    return prefixes
