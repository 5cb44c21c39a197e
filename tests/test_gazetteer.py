"""Offline place lookup: curated aliases (the fictional places of examples/), GeoNames
countries and cities, fuzzy matches for misspellings, demonyms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GAZETTEER

from parallax.gazetteer import Gazetteer, fold, get_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer((GAZETTEER,))


@pytest.mark.parametrize(
    ("name", "canonical", "kind"),
    [
        ("Ostravia", "Ostravia", "region"),
        ("Kessaria", "Ostravia", "region"),  # local name
        ("the Ostravia region", "Ostravia", "region"),
        ("Dornikgrad", "Dornik", "town"),
        ("Dornik", "Dornik", "town"),
        ("Lisk", "Lisk", "town"),
        ("Valdoria", "Valdoria", "country"),
        ("Republic of Corvenia", "Corvenia", "country"),
        ("valdoria's", "Valdoria", "country"),
    ],
)
def test_curated_names_and_aliases(gaz: Gazetteer, name: str, canonical: str, kind: str) -> None:
    place = gaz.lookup(name)
    assert place is not None
    assert (place.canonical, place.kind) == (canonical, kind)


def test_curated_place_carries_country_and_coordinates(gaz: Gazetteer) -> None:
    place = gaz.lookup("Lisk")
    assert place is not None
    assert place.country == "Corvenia"
    assert (place.lat, place.lon) == pytest.approx((48.47, 22.18))


def test_geonames_country(gaz: Gazetteer) -> None:
    place = gaz.lookup("France")
    assert place is not None
    assert (place.canonical, place.kind) == ("France", "country")


def test_geonames_city(gaz: Gazetteer) -> None:
    place = gaz.lookup("Lyon")
    assert place is not None
    assert (place.canonical, place.kind, place.country) == ("Lyon", "town", "FR")
    assert place.lat == pytest.approx(45.75, abs=0.1)


def test_cities_can_be_left_out(gaz: Gazetteer) -> None:
    assert gaz.lookup("Lyon", fuzzy=False, cities=False) is None


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("Ostrovia", "Ostravia"), ("Valdorria", "Valdoria"), ("Corvania", "Corvenia")],
)
def test_fuzzy_misspelling(gaz: Gazetteer, name: str, canonical: str) -> None:
    place = gaz.lookup(name)
    assert place is not None
    assert place.canonical == canonical
    assert gaz.lookup(name, fuzzy=False, cities=False) is None


def test_misspelt_curated_name_beats_an_exact_town(gaz: Gazetteer) -> None:
    # "Ostrovia" is also a GeoNames alternate name of a town far away
    town = gaz.lookup("Ostrovia", fuzzy=False)
    assert town is not None and town.canonical != "Ostravia"
    place = gaz.lookup("Ostrovia")
    assert place is not None
    assert place.canonical == "Ostravia"


def test_short_names_are_not_fuzzy_matched(gaz: Gazetteer) -> None:
    assert gaz.fuzzy("Lesk") is None  # shorter than the fuzzy minimum


def test_unknown_name(gaz: Gazetteer) -> None:
    assert gaz.lookup("Nowhere Atall") is None
    assert gaz.lookup("") is None


def test_extra_files_do_not_leak_into_the_default_gazetteer() -> None:
    assert get_gazetteer().lookup("Kessaria", fuzzy=False) is None


@pytest.mark.parametrize(
    ("word", "country"),
    [("French", "France"), ("Germans", "Germany"), ("Martian", None)],
)
def test_demonym_to_country(gaz: Gazetteer, word: str, country: str | None) -> None:
    assert gaz.country_of_demonym(word) == country


def test_demonyms_and_aliases_from_an_extra_file(tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps(
            {
                "places": [{"canonical": "Valdoria", "kind": "country", "aliases": []}],
                "demonyms": {"Valdorian": "Valdoria"},
                "country_aliases": {"Velgrad": "Valdoria"},
            }
        ),
        encoding="utf-8",
    )
    gaz = Gazetteer((str(extra),))
    assert gaz.country_of_demonym("Valdorians") == "Valdoria"
    assert gaz.actor_name("Velgrad") == "Valdoria"
    assert gaz.actor_name("Valdoria's") == "Valdoria"


def test_actor_name(gaz: Gazetteer) -> None:
    assert gaz.actor_name("France's") == "France"
    assert gaz.actor_name("Dornik") is None  # a town is not an actor


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dornik", "dornik"),
        ("the Ostravia region", "ostravia region"),
        ("Valdoria's", "valdoria"),
        ("Valdoria\u2019s", "valdoria"),
        ("L\u00edsk", "lisk"),
        ("Dornik-grad", "dornik grad"),
    ],
)
def test_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_ruler_names_hold_curated_aliases(gaz: Gazetteer) -> None:
    names = set(gaz.ruler_names())
    assert ("Kessaria", "LOC") in names
    assert ("Dornik", "GPE") in names
    assert ("Valdoria", "GPE") in names


@pytest.mark.parametrize(
    ("name", "canonical", "kind"),
    [
        ("Florida", "Florida", "region"),  # a US state, not a town that shares its name
        ("Georgia", "Georgia", "country"),  # the country comes before the state
        ("New York", "New York City", "town"),  # a big city comes before the state
        ("Washington", "Washington", "town"),  # a place here, a country only as an actor
    ],
)
def test_states_countries_and_cities(name: str, canonical: str, kind: str) -> None:
    place = Gazetteer().lookup(name)
    assert place is not None
    assert (place.canonical, place.kind) == (canonical, kind)


def test_a_second_prefetch_batch_finds_the_same_towns() -> None:
    """A long-running process (a benchmark, a server) links many batches: from the second
    batch on, names are found through an index of every city name, with the same result
    as the one-pass search of the first batch."""
    fresh = Gazetteer()
    fresh.prefetch(["Toulouse", "Nantes"])
    repeated = Gazetteer()
    repeated.prefetch(["Lyon"])
    repeated.prefetch(["Toulouse", "Nantes"])
    for name in ("Toulouse", "Nantes", "Lyon"):
        place = repeated.lookup(name, fuzzy=False)
        assert place is not None and place.kind == "town"
    for name in ("Toulouse", "Nantes"):
        assert repeated.lookup(name, fuzzy=False) == fresh.lookup(name, fuzzy=False)
