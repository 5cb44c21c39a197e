"""The offline map: basemap borders, a scale bar, precision drawn, labels never lost,
hostile names escaped, the same output for the same places. Invented place names on real
coordinates (the basemap is real)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources

from parallax.crossdoc.view import event_places
from parallax.mapdraw import MapPlace, country_at, decode, svg_map

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    """Every text drawn, unescaped, in document order."""
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_the_basemap_is_packaged_small_and_public_domain() -> None:
    data = resources.files("parallax.data")
    text = data.joinpath("basemap.json").read_text("utf-8")
    assert len(text) < 500_000
    assert "Natural Earth" in json.loads(text)["source"]
    assert "public domain" in data.joinpath("BASEMAP-NOTICE.md").read_text("utf-8")


def test_polyline_decoding_round_trips_signed_deltas() -> None:
    # "_p~iF~ps|U" is the classic example: (38.5, -120.2) at 1e-5, lat first
    assert decode("_p~iF~ps|U") == [(3850000, -12020000)]
    assert decode("") == []


def test_a_place_in_a_known_country_is_drawn_with_its_borders() -> None:
    svg = svg_map([MapPlace("Dornik", 33.89, 35.50, "town")])
    assert 'data-name="Lebanon"' in svg and 'data-name="Syria"' in svg
    assert country_at(33.89, 35.50) == "Lebanon"
    assert country_at(48.72, 37.56) == "Ukraine"
    assert country_at(0.0, -30.0) is None  # the Atlantic


def test_admin1_borders_are_drawn_inside_a_country() -> None:
    svg = svg_map([MapPlace("Velgrad", 48.72, 37.56, "town")])
    assert 'class="admin1"' in svg
    path = re.search(r'class="admin1"[^>]* d="([^"]+)"', svg)
    assert path is not None and path.group(1).count("M") >= 1


def test_the_scale_bar_follows_the_map_span() -> None:
    near = svg_map([MapPlace("A", 47.0, 21.0), MapPlace("B", 47.1, 21.1)])
    far = svg_map([MapPlace("A", 47.0, 21.0), MapPlace("B", 52.0, 30.0)])

    def km(svg: str) -> float:
        assert 'class="scale-bar"' in svg
        m = re.search(r'class="scale-label"[^>]*>(\d+) km<', svg)
        assert m is not None
        return float(m.group(1))

    assert km(near) < km(far)
    assert km(near) in (1, 2, 5, 10, 20, 50)


def test_colliding_places_lose_no_label() -> None:
    names = [f"Ostrava Camp {i}" for i in range(9)]
    places = [MapPlace(n, 47.0 + 0.0005 * i, 21.4) for i, n in enumerate(names)]
    texts = _texts(svg_map(places))
    labelled = [n for n in names if n in texts]
    legend = " · ".join(t for t in texts if ": Ostrava" in t)
    numbered = [n for n in names if re.search(rf"\d+: {n}(?: ·|$)", legend)]
    assert sorted(labelled + numbered) == sorted(names)  # each once, either way
    assert numbered  # nine names cannot all sit around one point
    for n in range(1, len(numbered) + 1):
        assert str(n) in texts  # the number is drawn at its point


def test_labels_stay_inside_the_frame() -> None:
    svg = svg_map([MapPlace("Westmost Harbour", 47.0, 10.0), MapPlace("Eastmost", 47.0, 11.0)])
    for m in re.finditer(r'<text class="label" x="([\d.-]+)" y="([\d.-]+)"', svg):
        assert 0 <= float(m.group(1)) <= 360 and 0 <= float(m.group(2)) <= 220


def test_hostile_names_are_escaped() -> None:
    bad = '<script>alert("x")</script> & "Co"'
    svg = svg_map([MapPlace(bad, 47.0, 21.0, "region"), MapPlace("Lisk", 47.2, 21.1)])
    assert "<script" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # well-formed: no attribute or element broken out of
    assert bad in root.get("aria-label", "")
    assert any(bad in t for t in _texts(svg))


def test_precision_is_drawn_differently() -> None:
    svg = svg_map(
        [
            MapPlace("Town", 33.89, 35.50, "town"),
            MapPlace("Region", 33.80, 35.70, "region"),
            MapPlace("Country", 33.90, 35.90, "country"),
        ]
    )
    town = re.search(r'<g class="place town">.*?</g>', svg)
    region = re.search(r'<g class="place region">.*?</g>', svg)
    country = re.search(r'<g class="place country">.*?</g>', svg)
    assert town and region and country
    assert "<circle" in town.group(0) and "stroke-dasharray" not in town.group(0)
    assert "stroke-dasharray" in region.group(0)  # a ring: somewhere around here
    assert "<path" in country.group(0) and "<circle" not in country.group(0)
    # the country named is outlined more strongly than its neighbours
    assert re.search(r'data-name="Lebanon" stroke="[^"]+" stroke-width="1.6"', svg)
    assert not re.search(r'data-name="Syria" stroke=', svg)
    key = "".join(_texts(svg))
    assert "town" in key and "region" in key and "country" in key


def test_the_same_places_give_the_same_map() -> None:
    places = [MapPlace("B", 47.1, 21.2), MapPlace("A", 47.0, 21.0, "region", True)]
    assert svg_map(places) == svg_map(list(reversed(places)))
    assert svg_map([]) == ""
    assert svg_map([MapPlace("Nan", float("nan"), 1.0)]) == ""


def test_a_wide_map_stays_small() -> None:
    svg = svg_map([MapPlace("North", 64.0, 40.0), MapPlace("South", 45.0, 130.0)])
    assert 'data-name="Russia"' in svg and len(svg) < 120_000


def test_event_places_are_its_location_and_where_its_mentions_place_it() -> None:
    event = {
        "location": "Dornik",
        "mentions": [
            {"document": "a.txt", "sentence_start": 0, "sentence_end": 80,
             "spans": {"location": [40, 48]}},
        ],
    }  # fmt: skip
    entities = [
        {"canonical": "Dornik", "lat": 47.0, "lon": 21.0, "precision": "town", "mentions": []},
        {"canonical": "Ostravia", "lat": 47.2, "lon": 21.3, "precision": "region",
         "mentions": [{"document": "a.txt", "start": 40}]},
        {"canonical": "Velgrad", "lat": 47.5, "lon": 21.9,  # a dateline in the same sentence
         "mentions": [{"document": "a.txt", "start": 2}]},
        {"canonical": "Lisk", "lat": 48.0, "lon": 22.0,
         "mentions": [{"document": "a.txt", "start": 400}]},
        {"canonical": "Tarnov", "lat": None, "lon": None,
         "mentions": [{"document": "a.txt", "start": 41}]},
    ]  # fmt: skip
    places = event_places(event, entities)
    assert [(p.name, p.precision, p.main) for p in places] == [
        ("Dornik", "town", True),
        ("Ostravia", "region", False),
    ]
