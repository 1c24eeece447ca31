"""A bundled, offline gazetteer: known names -> one canonical entity.

Countries come from ``pycountry`` (ISO 3166); a small curated file
(``kg/data/gazetteer.json``) adds the common short names news uses ("UK",
"Britain", "the EU", "the Commission") and Wikidata identifiers that were
checked by hand. No service is called.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from kg.extract.normalise import normalise_name


@dataclass(frozen=True)
class GazetteerEntry:
    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None

    @property
    def same_as(self) -> tuple[str, ...]:
        if not self.wikidata:
            return ()
        return (f"http://www.wikidata.org/entity/{self.wikidata}",)


class Gazetteer:
    """Alias lookup by normalised name: ``gazetteer.lookup("the UK")``."""

    def __init__(self, entries: list[GazetteerEntry]) -> None:
        self.entries = entries
        self._by_alias: dict[str, GazetteerEntry] = {}
        for entry in entries:
            for name in (entry.label, *entry.aliases):
                self._by_alias.setdefault(normalise_name(name), entry)

    def lookup(self, name: str) -> GazetteerEntry | None:
        return self._by_alias.get(normalise_name(name))

    def __len__(self) -> int:
        return len(self.entries)


def _country_entries(curated_keys: set[str]) -> list[GazetteerEntry]:
    import pycountry

    entries = []
    for country in pycountry.countries:
        label = getattr(country, "common_name", None) or country.name
        key = normalise_name(label)
        if key in curated_keys:
            continue
        aliases = {country.name, getattr(country, "official_name", country.name), country.alpha_3}
        aliases.discard(label)
        entries.append(GazetteerEntry(key=key, label=label, type="Country", aliases=tuple(sorted(aliases))))
    return entries


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    raw = json.loads(resources.files("kg.data").joinpath("gazetteer.json").read_text("utf-8"))
    curated = [
        GazetteerEntry(key=normalise_name(e["label"]), label=e["label"], type=e["type"],
                       aliases=tuple(e.get("aliases", ())), wikidata=e.get("wikidata"))
        for e in raw["entries"]
    ]
    curated_names = {normalise_name(n) for e in curated for n in (e.label, *e.aliases)}
    return Gazetteer(curated + _country_entries(curated_names))
