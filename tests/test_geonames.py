"""The GeoNames city index on disk: built once, and holding what an index built in memory
would (the same towns under each key, in the same order)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax import geonames
from parallax.gazetteer import Gazetteer, _city_keys, _indexable, fold

# Invented towns: two Velgrads (one per country, the second more populous), a Velgrad
# listed twice in one country, and a Dornik known in English by another name.
CITIES = {
    "1": {
        "name": "Velgrad",
        "countrycode": "VA",
        "latitude": 1.5,
        "longitude": 2.5,
        "population": 5000,
        "alternatenames": ["Велград", "velgrad-town"],
    },
    "2": {
        "name": "Velgrad",
        "countrycode": "OS",
        "latitude": 3.0,
        "longitude": 4.0,
        "population": 90000,
        "alternatenames": [],
    },
    "3": {
        "name": "Velgrad",
        "countrycode": "VA",
        "latitude": 9.0,
        "longitude": 9.0,
        "population": 1_000_000,
        "alternatenames": [],
    },
    "4": {
        "name": "Dornik",
        "countrycode": "OS",
        "latitude": 5.0,
        "longitude": 6.0,
        "population": 1200,
        "alternatenames": ["Port Dornik", "Dörnik"],
    },
}


@pytest.fixture
def index(tmp_path: Path) -> geonames.CityIndex:
    path = tmp_path / "cities.sqlite"
    geonames.build(path, CITIES, fold, _indexable, _city_keys)
    return geonames.CityIndex(path)


def test_towns_keep_the_first_city_of_a_name_and_country_in_file_order(
    index: geonames.CityIndex,
) -> None:
    towns = index.towns("velgrad")
    assert [(t[0], t[1], t[4]) for t in towns] == [
        ("Velgrad", "VA", 5000),
        ("Velgrad", "OS", 90000),
    ]
    assert index.towns("port dornik") == [("Dornik", "OS", 5.0, 6.0, 1200, True, None)]
    assert index.towns("dornik")[0][5] is False  # under its own name: not an alias
    assert index.towns("велград") == []  # not Latin script: English reports never write it
    assert index.towns("velgrad-town") == []  # lower-case: not a name as written


def test_named_finds_names_by_any_key_in_file_order(index: geonames.CityIndex) -> None:
    found = index.named(["velgrad town", "dornik"])
    # "velgrad-town" matches with its hyphen read as a space; "Dörnik" by its folded form
    assert [(row[0], row[1], row[2]) for row in found] == [
        ("velgrad town", "Velgrad", "VA"),
        ("dornik", "Dornik", "OS"),
        ("dornik", "Dornik", "OS"),
    ]
    assert index.named([]) == []


def test_the_index_is_built_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(geonames.CACHE_ENV, str(tmp_path / "cache"))
    built: list[Path] = []

    def make(path: Path) -> None:
        built.append(path)
        geonames.build(path, CITIES, fold, _indexable, _city_keys)

    first = geonames.open_index("test.sqlite", make)
    second = geonames.open_index("test.sqlite", make)
    assert built == [tmp_path / "cache" / "test.sqlite"]
    assert first.path == second.path and first.towns("dornik") == second.towns("dornik")


def test_a_new_layout_removes_the_old_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv(geonames.CACHE_ENV, str(cache))
    cache.mkdir()
    for old in ("geonames-2.0-1000-aaaa.sqlite", "geonames-3.0-1000-bbbb.sqlite"):
        (cache / old).write_bytes(b"old")
        (cache / f"{old}.lock").touch()
    (cache / "notes.txt").write_text("kept")

    def make(path: Path) -> None:
        geonames.build(path, CITIES, fold, _indexable, _city_keys)

    index = geonames.open_index("geonames-3.0-1000-cccc.sqlite", make)
    assert sorted(p.name for p in cache.iterdir()) == [
        "geonames-3.0-1000-cccc.sqlite",
        "geonames-3.0-1000-cccc.sqlite.lock",
        "notes.txt",
    ]
    assert index.towns("dornik")


def test_a_full_lookup_and_a_prefetch_find_the_same_towns() -> None:
    """Every city counting (a worker's dateline check) or a prefetched few (the
    cross-check): the same town under the same name."""
    names = ["Toulouse", "Kramatorsk", "Sloviansk", "Springfield", "Lviv"]
    full = Gazetteer()
    full._load_cities()
    pre = Gazetteer()
    pre.prefetch(names)
    for name in names:
        place = full.lookup(name, fuzzy=False)
        assert place is not None and place.kind == "town"
        assert pre.lookup(name, fuzzy=False) == place
