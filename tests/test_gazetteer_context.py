"""Place resolution in a report's context: a town in a country the report names beats a
namesake elsewhere, "X region" is the region, and a weak match in a country the report
never names is no place rather than a far-away namesake."""

from __future__ import annotations

import pytest
from conftest import GAZETTEER

from parallax.gazetteer import Gazetteer, get_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    g = get_gazetteer((GAZETTEER,))
    g.prefetch(["Pokrovsk", "Donetsk", "London", "Gazan", "Kiev", "Palestine"])
    return g


def test_town_in_a_named_country_beats_a_namesake(gaz: Gazetteer) -> None:
    ukraine = gaz.report_countries(["Ukraine"])
    place = gaz.resolve("Pokrovsk", ukraine)
    assert place is not None
    assert (place.canonical, place.country) == ("Pokrovsk", "UA")


def test_town_under_another_name_in_an_unnamed_country_is_unknown(gaz: Gazetteer) -> None:
    # a town's former or foreign name, in a country the report never names
    assert gaz.lookup("Pokrovsk") is not None  # without context: some town
    assert gaz.resolve("Gazan", gaz.report_countries(["Israel", "Gaza Strip"])) is None


def test_small_town_with_no_context_of_its_country_is_unknown(gaz: Gazetteer) -> None:
    assert gaz.resolve("Pokrovsk", gaz.report_countries(["Valdoria"])) is None


def test_big_city_keeps_its_own_name_whatever_the_report_names(gaz: Gazetteer) -> None:
    place = gaz.resolve("London", gaz.report_countries(["United States"]))
    assert place is not None and place.country == "GB"
    kyiv = gaz.resolve("Kiev", frozenset())
    assert kyiv is not None and kyiv.canonical == "Kyiv"


@pytest.mark.parametrize("name", ["Donetsk region", "Donetsk Oblast", "the Donetsk province"])
def test_named_region_is_the_region_not_its_town(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name, gaz.report_countries(["Ukraine"]))
    assert place is not None
    assert (place.canonical, place.kind) == ("Donetsk region", "region")
    town = gaz.resolve("Donetsk", gaz.report_countries(["Ukraine"]))
    assert town is not None and town.kind == "town"


def test_curated_region_with_a_region_word_stays_itself(gaz: Gazetteer) -> None:
    place = gaz.resolve("Ostravia province", frozenset())
    assert place is not None
    assert (place.canonical, place.kind) == ("Ostravia", "region")


def test_palestine_is_a_country_not_a_town(gaz: Gazetteer) -> None:
    place = gaz.resolve("Palestine", gaz.report_countries(["United States"]))
    assert place is not None and place.kind == "country"
    assert "palestine" in gaz.report_countries(["Gaza Strip"])


def test_report_countries_reads_curated_places_and_countries(gaz: Gazetteer) -> None:
    named = gaz.report_countries(["Dornik", "Corvenia", "nowhere at all"])
    assert named == {"valdoria", "corvenia"}


def test_reports_resolve_places_in_their_own_context(nlp) -> None:
    """End to end: a report about Ukraine gets Ukraine's Pokrovsk and the Donetsk region;
    a report's "Gazan" is Gaza, not a town of that name elsewhere."""
    from parallax.link import link
    from parallax.models import RawDocument
    from parallax.pipeline import record_from_doc

    texts = {
        "east": "Shells hit Pokrovsk, a town in Donetsk region, on Monday, March 3, 2025, "
        "Ukraine said.",
        "south": "Israeli officials said on Monday, March 3, 2025, that a Gazan clinic in "
        "the Gaza Strip had been damaged.",
    }
    docs = [
        record_from_doc(RawDocument(n, t, n, "text", published="2025-03-03"), nlp(t))
        for n, t in texts.items()
    ]
    lk = link(docs, get_gazetteer((GAZETTEER,)))
    places = {(e.canonical, e.precision) for e in lk.entities if e.kind == "place"}
    assert ("Donetsk region", "region") in places
    assert ("Gaza Strip", "region") in places
    pokrovsk = [e for e in lk.entities if e.canonical == "Pokrovsk"]
    assert pokrovsk and pokrovsk[0].lat is not None and 47 < pokrovsk[0].lat < 49
    assert not {"Engels", "Jizan", "Donetsk"} & {e.canonical for e in lk.entities}
