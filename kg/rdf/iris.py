"""Minting IRIs: deterministic, valid, and injective on their inputs.

Every IRI is ``base`` + a fixed path + a percent-encoded key, so two different
keys never share an IRI and the same key always gets the same one, whatever
order documents are read in.

>>> iris = IriMinter("https://example.org/kg/")
>>> iris.entity("united kingdom", "Country").value
'https://example.org/kg/entity/place/united_kingdom'
>>> iris.entity("john smith", "Person", disambiguator="2").value
'https://example.org/kg/entity/person/john_smith/2'
>>> iris.document("business/001").value
'https://example.org/kg/doc/business%2F001'
>>> iris.entity_graph().value
'https://example.org/kg/entity/'
"""
from __future__ import annotations

import functools
import hashlib
from urllib.parse import quote, unquote, urlsplit

from pyoxigraph import NamedNode

from kg.errors import InputError

DEFAULT_BASE_IRI = "https://example.org/kg/"


@functools.lru_cache(maxsize=8192)
def encode_key(key: str) -> str:
    """Percent-encode a key into one IRI path segment; spaces read as ``_``.

    Underscores in the key are encoded (``%5F``), so the mapping is injective:
    ``a_b`` and ``a b`` are two keys and get two segments, and
    :func:`decode_key` gives the key back.

    >>> encode_key("a b"), encode_key("a_b"), encode_key("x/y%")
    ('a_b', 'a%5Fb', 'x%2Fy%25')
    """
    # quote() leaves "_" alone and writes a space as %20; every "%" of the key
    # itself becomes %25, so a %5F or %20 in its output can only be ours
    return quote(key, safe="-.~").replace("_", "%5F").replace("%20", "_")


def decode_key(segment: str) -> str:
    """The key :func:`encode_key` made ``segment`` from."""
    return unquote(segment.replace("_", "%20"))


def check_base_iri(base: str) -> str:
    """Validate a base IRI given by a user and make it end with ``/`` or ``#``."""
    parts = urlsplit(base)
    if not parts.scheme or not (parts.netloc or parts.scheme in {"urn", "tag"}):
        raise InputError(
            f"--base-iri {base!r} is not an absolute IRI; give one like {DEFAULT_BASE_IRI!r}."
        )
    if any(c in base for c in ' <>"{}|\\^`') or any(ord(c) < 0x21 for c in base):
        raise InputError(f"--base-iri {base!r} contains characters not allowed in an IRI.")
    if parts.fragment or base.endswith("#"):
        raise InputError(f"--base-iri {base!r} must not have a fragment; end it with '/'.")
    return base if base.endswith("/") else base + "/"


ENTITY_KINDS = {
    "Person": "person",
    "Organization": "organization", "GovernmentOrganization": "organization",
    "Corporation": "organization", "PoliticalParty": "organization", "SportsTeam": "organization",
    "NGO": "organization", "EducationalOrganization": "organization",
    "Place": "place", "Country": "place", "City": "place", "AdministrativeArea": "place",
    "Continent": "place", "BodyOfWater": "place", "Landform": "place",
    "Event": "event",
}


def entity_kind(schema_type: str) -> str:
    """The coarse kind used in entity IRIs: fine types (Country vs City) can be
    revised later without changing an entity's IRI."""
    return ENTITY_KINDS.get(schema_type, "thing")


class IriMinter:
    """Mints the IRIs of one dataset under a base IRI."""

    def __init__(self, base: str = DEFAULT_BASE_IRI) -> None:
        self.base = check_base_iri(base)

    def document(self, doc_id: str) -> NamedNode:
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}")

    def sentence(self, doc_id: str, index: int) -> NamedNode:
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}#sentence-{index}")

    def mention(self, doc_id: str, start: int, end: int) -> NamedNode:
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}#mention-{start}-{end}")

    def statement(self, doc_id: str, *parts: object) -> NamedNode:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}#statement-{digest}")

    def fragment(self, doc_id: str, kind: str, start: int, end: int) -> NamedNode:
        """A node for a span of a document: ``doc#event-120-125``, ``doc#phrase-...``."""
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}#{kind}-{start}-{end}")

    def build(self, doc_id: str) -> NamedNode:
        return NamedNode(f"{self.base}doc/{encode_key(doc_id)}#build")

    def entity(self, key: str, schema_type: str = "Thing", *, disambiguator: str | None = None) -> NamedNode:
        """An entity's IRI from its normalised name, its kind (person,
        organization, place, event, thing) and an optional disambiguator that
        separates different things sharing a name."""
        iri = f"{self.base}entity/{entity_kind(schema_type)}/{encode_key(key)}"
        if disambiguator:
            iri += "/" + encode_key(disambiguator)
        return NamedNode(iri)

    def relation(self, key: str) -> NamedNode:
        """A relation type's IRI from its key, lemmas joined by ``_`` (``agree_to_share``):
        percent-encoded with the ``_`` kept, which is as injective (a key has no spaces
        to stand for)."""
        return NamedNode(f"{self.base}relation/{quote(key, safe='-._~')}")

    def software(self) -> NamedNode:
        return NamedNode(f"{self.base}software/kg")

    def observation(self, doc_id: str, thing: NamedNode) -> NamedNode:
        """The node holding what one document said about an entity or relation type."""
        return observation_in(self.document(doc_id), thing)

    def entity_graph(self) -> NamedNode:
        """The graph of the one description of every entity and relation type: the
        dataset's entity namespace itself."""
        return NamedNode(f"{self.base}entity/")

    def namespaces(self, *, documents: bool = True, kinds: bool = False) -> dict[str, str]:
        """Prefix -> namespace for this dataset: ``entity``, ``rel``, ``doc`` (when
        ``documents``) and one per entity kind, ``person`` ... (when ``kinds``)."""
        spaces = {"entity": f"{self.base}entity/"}
        if kinds:
            for kind in sorted(set(ENTITY_KINDS.values()) | {"thing"}):
                spaces[kind] = f"{self.base}entity/{kind}/"
        spaces["rel"] = f"{self.base}relation/"
        if documents:
            spaces["doc"] = f"{self.base}doc/"
        return spaces


def base_of_entity_graph(graph_iri: str) -> str | None:
    """The base IRI of an entity graph's IRI (``{base}entity/``), if it is one."""
    return graph_iri[: -len("entity/")] if graph_iri.endswith("/entity/") else None


def observation_in(document: NamedNode, thing: NamedNode) -> NamedNode:
    """The observation node of ``thing`` in the graph of ``document``: ``{doc}#about-{hash}``."""
    digest = hashlib.sha256(thing.value.encode("utf-8")).hexdigest()[:16]
    return NamedNode(f"{document.value}#about-{digest}")


def base_of(document_iri: str) -> str | None:
    """The base IRI a document IRI was minted under (``{base}doc/{id}``), if it was.

    >>> base_of("https://example.org/kg/doc/business%2F001")
    'https://example.org/kg/'
    """
    # ids are percent-encoded into one path segment, so the last "/doc/" is ours
    cut = document_iri.rfind("/doc/")
    rest = document_iri[cut + 5:]
    if cut < 0 or not rest or "/" in rest or "#" in rest:
        return None
    return document_iri[: cut + 1]


def document_of(iri: str) -> str | None:
    """The document IRI ``iri`` is (``{base}doc/{id}``) or is a node of
    (``{base}doc/{id}#statement-...``), else None (an entity, a relation type).

    >>> document_of("https://example.org/kg/doc/a%2Fb#mention-3-5")
    'https://example.org/kg/doc/a%2Fb'
    >>> document_of("https://example.org/kg/entity/place/albania") is None
    True
    """
    doc = iri.split("#", 1)[0]
    return doc if base_of(doc) is not None else None
