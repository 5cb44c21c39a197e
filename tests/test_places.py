"""Where a place lies: country (name, ISO code), admin1 and admin2 from the gazetteer,
through the mentions and entities into the exports; the precision codes ACLED and UCDP
use; and places resolved from what the report names, not from an attacker's nationality."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import GAZETTEER

from parallax.admin import geo_precision, iso_admin1_names, where_prec
from parallax.gazetteer import Gazetteer, fold, get_gazetteer

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    g = get_gazetteer((GAZETTEER,))
    g.prefetch(["Pokrovsk", "Donetsk", "Kramatorsk", "Washington", "Beirut"])
    return g


# -- admin areas ----------------------------------------------------------------------------


def _city(name: str, cc: str, code: str, population: int) -> dict[str, Any]:
    return {"name": name, "countrycode": cc, "admin1code": code, "population": population}


def test_a_geonames_code_is_named_by_its_largest_town_naming_a_subdivision() -> None:
    cities = [
        _city("Donetsk", "UA", "05", 900_000),
        _city("Mariupol", "UA", "05", 400_000),
        _city("Kharkiv", "UA", "07", 1_400_000),  # ISO's UA-07 is Volynska oblast
        _city("Hebron", "PS", "WE", 200_000),  # one code, many governorates
        _city("Nablus", "PS", "WE", 150_000),
        _city("Springfield", "US", "IL", 110_000),  # ISO codes: named as they are
        _city("Chicago", "US", "IL", 2_700_000),
        _city("New York", "US", "NY", 8_000_000),
    ]
    names = iso_admin1_names(cities, fold)
    assert names[("UA", "05")] == "Donetska oblast"
    assert names[("UA", "07")] == "Kharkivska oblast"
    assert ("PS", "WE") not in names
    assert names[("US", "IL")] == "Illinois"


def test_a_small_namesake_town_does_not_name_its_code() -> None:
    # a village called Donetsk under Odesa's code: the code is not Donetska oblast
    cities = [_city("Odesa", "UA", "17", 1_000_000), _city("Donetsk", "UA", "17", 5_000)]
    names = iso_admin1_names(cities, fold)
    assert "Donetska oblast" not in names.values()
    assert iso_admin1_names(cities[:1], fold)[("UA", "17")] == "Odeska oblast"


def test_user_gazetteer_places_carry_their_admin_areas(gaz: Gazetteer) -> None:
    dornik = gaz.resolve("Dornik")
    assert dornik is not None
    areas = gaz.admin(dornik)
    assert (areas.country, areas.admin1, areas.admin2) == (
        "Valdoria",
        "Ostravia",
        "Dornik District",
    )
    region = gaz.resolve("Ostravia")
    assert region is not None and gaz.admin(region).admin1 == "Ostravia"  # itself
    country = gaz.resolve("Ukraine")
    assert country is not None
    assert (gaz.admin(country).country_code, gaz.admin(country).admin1) == ("UA", None)


def test_geonames_town_has_country_name_code_and_named_admin1(gaz: Gazetteer) -> None:
    town = gaz.resolve("Kramatorsk", gaz.report_countries(["Ukraine"]))
    assert town is not None
    areas = gaz.admin(town)
    assert (areas.country, areas.country_code, areas.admin1) == (
        "Ukraine",
        "UA",
        "Donetska oblast",
    )
    capital = gaz.resolve("Washington")
    assert capital is not None and gaz.admin(capital).admin1 == "District of Columbia"
    beirut = gaz.resolve("Beirut")  # named by another of its names (Bayrut)
    assert beirut is not None and gaz.admin(beirut).admin1 == "Bayrūt"


# -- precision codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "acled", "ucdp"),
    [("town", 1, 1), ("region", 3, 4), ("country", 3, 6), (None, None, None)],
)
def test_precision_codes(precision: str | None, acled: int | None, ucdp: int | None) -> None:
    assert (geo_precision(precision), where_prec(precision)) == (acled, ucdp)
    assert where_prec("region", admin1=False) == 5  # an area larger than one division


# -- context --------------------------------------------------------------------------------


def test_an_attackers_nationality_does_not_place_a_town(gaz: Gazetteer) -> None:
    named = gaz.report_countries(["Donetsk region"])
    actors = gaz.report_countries(["Russian", "Russia"])
    assert fold("Ukraine") in named
    town = gaz.resolve("Pokrovsk", named, actors - named)
    assert town is not None and gaz.admin(town).country == "Ukraine"
    # the nationality adjective alone: no evidence of where the town lies
    assert gaz.resolve("Pokrovsk", frozenset(), actors) is None


def test_weak_match_in_a_country_the_report_never_names_is_unknown(gaz: Gazetteer) -> None:
    assert gaz.resolve("Pokrovsk", gaz.report_countries(["Corvenia"])) is None


SENTENCES = [
    "Russian forces shelled the town of Pokrovsk in the Donetsk region on Monday, killing "
    "two people, the regional governor said.",
    "Russian drones struck Pokrovsk overnight. The governor of Donetsk Oblast said a school "
    "was damaged.",
    "Russian forces shelled Pokrovsk on Monday, killing two people at a bus stop.",
]


@pytest.fixture(scope="module")
def analysed() -> Any:
    import parallax

    return parallax.analyze(SENTENCES, gazetteer=(GAZETTEER,))


def test_pokrovsk_in_a_report_about_donetsk_region_is_in_ukraine(analysed: Any) -> None:
    places = {
        (d.name, m.text): m for d in analysed.documents for m in d.mentions if m.kind == "place"
    }
    for report in ("report 1", "report 2"):
        town = places[(report, "Pokrovsk")]
        assert (town.country, town.country_code, town.admin1) == (
            "Ukraine",
            "UA",
            "Donetska oblast",
        )
    oblast = places[("report 2", "Donetsk Oblast")]  # tagged ORG: a region, read as context
    assert (oblast.canonical, oblast.context) == ("Donetsk oblast", True)
    # no country named, only the attackers' nationality: unknown, not a Russian namesake
    assert places[("report 3", "Pokrovsk")].lat is None
    entity = next(e for e in analysed.record.entities if e.canonical == "Pokrovsk" and e.lat)
    assert (entity.country, entity.admin1) == ("Ukraine", "Donetska oblast")
    exported = next(e for e in analysed.export["entities"] if e["id"] == entity.id)
    assert (exported["country"], exported["country_code"], exported["admin1"]) == (
        "Ukraine",
        "UA",
        "Donetska oblast",
    )


# -- the examples' exports ------------------------------------------------------------------


def test_acled_export_of_the_examples_has_admin1_for_every_known_place(
    examples_db: Path, cli: Invoke, gaz: Gazetteer
) -> None:
    result = cli("export", examples_db, "--format", "acled")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    located = [r for r in rows if r["location"] and gaz.lookup(r["location"], cities=False)]
    assert located, rows
    for r in located:
        assert r["admin1"] and r["country"], r
        assert r["geo_precision"] in ("1", "3"), r
    dornik = [r for r in located if r["location"] == "Dornik"]
    assert dornik and (dornik[0]["admin1"], dornik[0]["admin2"]) == ("Ostravia", "Dornik District")


def test_json_export_entities_carry_country_and_admin1(examples_db: Path, cli: Invoke) -> None:
    import json

    result = cli("export", examples_db, "--format", "json")
    assert result.exit_code == 0, result.output
    entities = {e["canonical"]: e for e in json.loads(result.stdout)["entities"]}
    assert (entities["Dornik"]["country"], entities["Dornik"]["admin1"]) == ("Valdoria", "Ostravia")
    valdoria = next(
        e
        for e in json.loads(result.stdout)["entities"]
        if (e["canonical"], e["kind"]) == ("Valdoria", "country")
    )
    assert (valdoria["country"], valdoria["admin1"]) == ("Valdoria", None)


def test_geojson_places_carry_admin_areas_and_codes(examples_db: Path, cli: Invoke) -> None:
    import json

    result = cli("export", examples_db, "--format", "geojson")
    assert result.exit_code == 0, result.output
    props = [f["properties"] for f in json.loads(result.stdout)["features"]]
    dornik = next(p for p in props if p["feature"] == "place" and p["name"] == "Dornik")
    assert (dornik["admin1"], dornik["geo_precision"], dornik["where_prec"]) == ("Ostravia", 1, 1)
    events = [p for p in props if p["feature"] == "event" and p["place"] == "Dornik"]
    assert events and events[0]["admin1"] == "Ostravia"
