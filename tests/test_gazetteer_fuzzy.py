"""Fuzzy place matching goes through rapidfuzz's bound before difflib: the matches (place
and ratio) must be exactly those of a plain difflib scan over every candidate."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from conftest import GAZETTEER

from parallax.gazetteer import FUZZY_MIN_LENGTH, Gazetteer, Place, fold, get_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer((GAZETTEER,))


def difflib_nearest(gaz: Gazetteer, key: str) -> tuple[Place | None, float]:
    """The reference: every candidate through difflib, the first best one kept."""
    if len(key) < FUZZY_MIN_LENGTH:
        return None, 0.0
    best, best_ratio = None, 0.0
    for cand_key, place in [*gaz.curated.items(), *gaz.countries.items()]:
        if abs(len(cand_key) - len(key)) > 3:
            continue
        ratio = SequenceMatcher(None, key, cand_key).ratio()
        if ratio > best_ratio:
            best, best_ratio = place, ratio
    return best, best_ratio


NAMES = [
    "Ostravvia",
    "Valdorria",
    "Dornikgradd",
    "Korvenia Republic",
    "Nargorno-Karakakh",
    "Azerbajan",
    "Afganistan",
    "Phillipines",
    "Kazakstan",
    "Switzerlnd",
    "New Zeeland",
    "Saudi Arabai",
    "United Kingdon",
    "Central African Repub",
    "Marshall Islnds",
    "Velgrad Province",
    "Stepanakert",
    "Kestrel Bay Harbour",
    "Orla Fenn",
    "the Ministry of Defence",
    "Eastern Command",
    "Bosnia Herzegovina",
    "Guinea Bisau",
    "Equatorial Guinea",
    "Papua New Guina",
]


@pytest.mark.parametrize("name", NAMES)
def test_fuzzy_match_is_difflibs(gaz: Gazetteer, name: str) -> None:
    assert gaz._nearest(fold(name)) == difflib_nearest(gaz, fold(name))


def test_every_candidate_finds_itself_first(gaz: Gazetteer) -> None:
    """Ties (a name under two keys, equally close) go to the first candidate, as before."""
    keys = [k for k, _ in [*gaz.curated.items(), *gaz.countries.items()]]
    long_keys = [k for k in keys if len(k) >= FUZZY_MIN_LENGTH]
    assert long_keys
    for key in long_keys:
        assert gaz._nearest(key) == difflib_nearest(gaz, key)
        assert gaz._nearest(key)[1] == 1.0


def test_misspelling_still_resolves(gaz: Gazetteer) -> None:
    place = gaz.fuzzy("Azerbajan")
    assert place is not None and place.canonical == "Azerbaijan"
