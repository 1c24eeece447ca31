"""A bundled, offline gazetteer: known names -> one canonical entity.

``kg/data/gazetteer.json`` lists every ISO 3166 country (from ``pycountry``,
with ``country_converter``'s short names, memberships and Gleditsch-Ward
codes), the main international organisations and EU institutions, UK
institutions, parties, regions, continents and cities, with their aliases,
acronyms, demonyms ("British" -> United Kingdom) and Wikidata / DBpedia
identifiers. Every identifier was checked against public sources recorded in
the entry's ``verified`` field; an entity whose identifier could not be
checked has none, because a wrong link is worse than none.

Lookups are case-aware: acronyms and demonyms match only as written ("US",
never "us"); names match case-insensitively but only in capitalised text.

Regenerate the JSON from its sources with::

    python -m kg.extract.build_gazetteer      # needs the [gazetteer] extra
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Iterable, Iterator

from kg.extract.normalise import normalise_name

WIKIDATA = "http://www.wikidata.org/entity/"
DBPEDIA = "http://dbpedia.org/resource/"


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity. ``key`` is frozen: it is part of the entity's IRI."""

    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    contextual: tuple[str, ...] = ()  # short names valid only next to one of `context`
    context: tuple[str, ...] = ()  # entity keys
    surnames: tuple[str, ...] = ()  # a person's surname, valid when no other person has it
    wikidata: str | None = None
    dbpedia: str | None = None
    iso3: str | None = None
    memberships: tuple[str, ...] = ()  # keys of organisations it belongs to
    verified: str | None = None

    @property
    def same_as(self) -> tuple[str, ...]:
        """Full IRIs of the same thing elsewhere: Wikidata first, then DBpedia."""
        links = []
        if self.wikidata:
            links.append(WIKIDATA + self.wikidata)
        if self.dbpedia:
            links.append(DBPEDIA + self.dbpedia)
        return tuple(links)

    @classmethod
    def from_record(cls, record: dict) -> GazetteerEntry:
        tuples = {f: tuple(record.get(f, ())) for f in
                  ("aliases", "acronyms", "demonyms", "contextual", "context", "surnames", "memberships")}
        return cls(key=record["key"], label=record["label"], type=record["type"],
                   wikidata=record.get("wikidata"), dbpedia=record.get("dbpedia"),
                   iso3=record.get("iso3"), verified=record.get("verified"), **tuples)


class Gazetteer:
    """Name lookup over gazetteer entries.

    >>> g = default_gazetteer()
    >>> g.lookup("the UK").label, g.lookup("Britain's").key
    ('United Kingdom', 'united kingdom')
    >>> g.lookup("us") is None, g.demonym("British").label
    (True, 'United Kingdom')
    """

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries = list(entries)
        self.by_key: dict[str, GazetteerEntry] = {}
        self._names: dict[str, GazetteerEntry] = {}
        self._exact: dict[str, GazetteerEntry] = {}
        self._demonyms: dict[str, GazetteerEntry] = {}
        self._contextual: dict[str, list[GazetteerEntry]] = {}
        self._surnames: dict[str, GazetteerEntry] = {}
        for e in self.entries:
            self.by_key[e.key] = e
            for name in (e.label, *e.aliases):
                self._names.setdefault(normalise_name(name), e)
            for acronym in e.acronyms:
                self._exact.setdefault(_bare(acronym), e)
            for demonym in e.demonyms:
                self._demonyms.setdefault(demonym, e)
            for short in e.contextual:
                self._contextual.setdefault(normalise_name(short), []).append(e)
            for surname in e.surnames:
                self._surnames.setdefault(normalise_name(surname), e)

    def lookup(self, text: str) -> GazetteerEntry | None:
        """The entry a name denotes, or None; "the" and "'s" are ignored."""
        bare = _bare(text)
        if not bare:
            return None
        hit = self._exact.get(bare)
        if hit is not None:
            return hit
        if not bare[0].isupper():  # "china" the material, "turkey" the bird
            return None
        return self._names.get(normalise_name(bare))

    def demonym(self, text: str) -> GazetteerEntry | None:
        """The place a demonym refers to ("British" -> United Kingdom), or None."""
        return self._demonyms.get(_bare(text))

    def contextual(self, text: str) -> list[GazetteerEntry]:
        """Entries a short name ("Commission") may mean, given the right context."""
        bare = _bare(text)
        if not bare or not bare[0].isupper():
            return []
        return self._contextual.get(normalise_name(bare), [])

    def surname(self, text: str) -> GazetteerEntry | None:
        """A known person whose surname this is ("Starmer"), or None."""
        return self._surnames.get(normalise_name(text))

    def surface_forms(self) -> Iterator[str]:
        """Every string that names an entry as it appears in text, for phrase matching."""
        for e in self.entries:
            yield e.label
            yield from e.aliases
            yield from e.acronyms
            yield from e.demonyms
            yield from e.contextual

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: str) -> bool:
        return key in self.by_key


def _bare(text: str) -> str:
    """Text without a leading "the" and a trailing possessive, case kept."""
    text = text.strip()
    for article in ("the ", "The "):
        if text.startswith(article):
            text = text[len(article):]
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text.strip()


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer bundled in ``kg/data/gazetteer.json`` (loaded once)."""
    from kg.data import gazetteer_records

    return Gazetteer(GazetteerEntry.from_record(r) for r in gazetteer_records())


# -- building gazetteer.json from its sources --------------------------------------------------

def build_records(existing: list[dict] | None = None) -> list[dict]:
    """Gazetteer records from pycountry, country_converter and the curated files.

    Keys of ``existing`` records are kept (matched by ISO code, Wikidata id or
    label), so regenerating never changes an entity's IRI.
    """
    import csv
    import importlib.resources as resources

    import pycountry

    from kg.data import read_json

    curated = read_json("gazetteer_curated.json")
    links_text = resources.files("kg.data").joinpath("country_links.tsv").read_text("utf-8")
    links = {row["iso3"]: row for row in csv.DictReader(
        (line for line in links_text.splitlines() if not line.startswith("#")), delimiter="\t")}
    coco = _country_converter_rows()

    old_keys: dict[str, str] = {}
    for r in existing or ():
        for ident in (r.get("iso3"), r.get("wikidata"), r.get("label")):
            if ident:
                old_keys.setdefault(ident, r["key"])

    def key_for(label: str, *idents: str | None) -> str:
        for ident in (*idents, label):
            if ident and ident in old_keys:
                return old_keys[ident]
        return normalise_name(label)

    records: list[dict] = []
    countries = list(pycountry.countries) + [_Kosovo()]
    for country in countries:
        iso3 = country.alpha_3
        over = curated["countries"].get(iso3, {})
        row = coco.get(iso3, {})
        label = over.get("label") or row.get("name_short") or getattr(country, "common_name", None) or country.name
        names = {country.name, getattr(country, "official_name", ""), getattr(country, "common_name", ""),
                 row.get("name_short", ""), row.get("name_official", ""), *over.get("aliases", ())}
        dropped = set(over.get("drop_aliases", ()))  # ambiguous names ("Congo")
        aliases = sorted(n for n in names if n and ", " not in n and "(" not in n and n != label and n not in dropped)
        sovereign = bool(row.get("UNmember")) or iso3 in {"XKX", "TWN", "PSE", "VAT"}
        link = links.get(iso3, {})
        memberships = []
        if row.get("EU"):
            memberships.append("european union")
        if row.get("UNmember"):
            memberships.append("united nations")
        if row.get("OECD"):
            memberships.append("organisation for economic co-operation and development")
        if row.get("G7"):
            memberships.append("g7")
        record = {
            "key": key_for(label, iso3, link.get("wikidata")),
            "label": label,
            "type": "Country" if sovereign else "Place",
            "aliases": aliases,
            "acronyms": over.get("acronyms", []),
            "demonyms": over.get("demonyms", []),
            "iso3": iso3,
            "iso2": country.alpha_2,
            "gw_code": int(row["GWcode"]) if row.get("GWcode", "").isdigit() else None,
            "memberships": memberships,
        }
        if link.get("wikidata"):
            record["wikidata"] = link["wikidata"]
            record["verified"] = "Wikidata id agreed by: " + ", ".join(link["verified"].split())
        if over.get("dbpedia"):
            record["dbpedia"] = over["dbpedia"]
            record["dbpedia_verified"] = over["dbpedia_verified"]
        records.append({k: v for k, v in record.items() if v not in (None, [], "")})

    for e in curated["entries"]:
        record = {"key": key_for(e["label"], e.get("wikidata")), **e}
        if "surname" in record:
            record["surnames"] = [record.pop("surname")]
        if "wikidata" in record:
            record["verified"] = "Wikidata id from: " + record["verified"]
        records.append({k: v for k, v in record.items() if v not in (None, [], "")})

    _check(records)
    return records


def _check(records: list[dict]) -> None:
    """Keys unique; aliases that would name two entries are dropped from both."""
    seen: dict[str, str] = {}
    for r in records:
        if r["key"] in seen:
            raise ValueError(f"gazetteer key {r['key']!r} is used by {seen[r['key']]!r} and {r['label']!r}; "
                             "give one of them a distinct label in gazetteer_curated.json")
        seen[r["key"]] = r["label"]
    owners: dict[str, set[str]] = {}
    for r in records:
        for name in (r["label"], *r.get("aliases", ())):
            owners.setdefault(normalise_name(name), set()).add(r["key"])
    clashes = {name for name, keys in owners.items() if len(keys) > 1}
    for r in records:
        if "aliases" in r:
            r["aliases"] = [a for a in r["aliases"] if normalise_name(a) not in clashes]
        if normalise_name(r["label"]) in clashes:
            raise ValueError(f"gazetteer label {r['label']!r} also names another entry; rename one")


def _country_converter_rows() -> dict[str, dict]:
    """country_converter's country table by ISO3, read as text (no pandas needed)."""
    import csv
    import importlib.resources as resources

    try:
        table = resources.files("country_converter").joinpath("country_data.tsv")
    except ModuleNotFoundError as exc:
        raise SystemExit("regenerating the gazetteer needs country_converter: "
                         "pip install 'kg[gazetteer]'") from exc
    with table.open(encoding="utf-8") as fh:
        return {row["ISO3"]: row for row in csv.DictReader(fh, delimiter="\t") if row["ISO3"]}


class _Kosovo:
    """Kosovo has no ISO 3166-1 entry; XK/XKX are the codes in common use."""

    alpha_2, alpha_3, name, official_name = "XK", "XKX", "Kosovo", "Republic of Kosovo"


def write_gazetteer() -> int:
    """Rewrite kg/data/gazetteer.json from pycountry, country_converter and the curated files."""
    import json
    from pathlib import Path

    import kg.data

    path = Path(kg.data.__file__).with_name("gazetteer.json")
    existing = json.loads(path.read_text("utf-8")).get("entries", []) if path.exists() else []
    existing = [r for r in existing if "key" in r]
    records = build_records(existing)
    curated = kg.data.read_json("gazetteer_curated.json")
    document = {
        "about": "Generated by `python -m kg.extract.build_gazetteer` from pycountry, country_converter, "
                 "kg/data/country_links.tsv and kg/data/gazetteer_curated.json; edit those, not this. "
                 "Keys are frozen (they are part of entity IRIs).",
        "sources": curated["sources"],
        "entries": records,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(records)
