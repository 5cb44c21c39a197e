"""Per-event sections of the report: places on an offline SVG map, framing with its
users, independent sources. A small invented export."""

from __future__ import annotations

import re
from typing import Any

from parallax.crossdoc.view import Place as _Place
from parallax.report import MAP_HEIGHT, MAP_WIDTH, svg_map, to_html, to_markdown

HOSTILE = "<script>alert(1)</script>"


def _export(place: str = "Dornik") -> dict[str, Any]:
    mention = {"document": "a.txt", "key": "e0", "trigger": "shelled", "start": 10, "end": 17,
               "sentence_start": 0, "sentence_end": 60, "sentence": "Guns shelled Dornik.",
               "spans": {"location": [40, 48]}}  # fmt: skip
    return {
        "documents": [{"name": "a.txt", "quotes": [], "figures": [], "times": []}],
        "events": [
            {
                "id": "ev1",
                "type": "shelling",
                "label": "Shelling",
                "date": "2031-04-03",
                "date_precision": "day",
                "location": place,
                "documents": ["a.txt"],
                "mentions": [mention],
            },
        ],  # fmt: skip
        "entities": [
            {
                "canonical": place,
                "kind": "place",
                "lat": 47.05,
                "lon": 21.42,
                "precision": "town",
                "mentions": [{"document": "a.txt", "start": 20, "end": 26}],
            },
            {
                "canonical": "Ostravia",
                "kind": "place",
                "lat": 47.1,
                "lon": 21.3,
                "precision": "region",
                "mentions": [{"document": "a.txt", "start": 40, "end": 48}],
            },
            {
                "canonical": "Lisk",
                "kind": "place",
                "lat": 48.47,
                "lon": 22.18,
                "precision": "town",
                "mentions": [{"document": "a.txt", "start": 400, "end": 404}],
            },
        ],  # fmt: skip
        "framing": [
            {
                "term": "anti-terror operation",
                "users": ["Valdoria"],
                "one_sided": True,
                "uses": [
                    {
                        "document": "a.txt",
                        "user": "Valdoria",
                        "text": "anti-terror",
                        "distanced": True,
                        "how": "so_called",
                        "event": "ev1",
                    }
                ],
            },
        ],  # fmt: skip
        "sources": [{"source": "Reuters", "basis": "wire_credit", "documents": ["a.txt"]}],
    }


def test_map_shows_the_event_places_only() -> None:
    page = to_html(_export())
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="map"') == 1
    assert page.count('<g class="place ') == 2
    assert ">Dornik</text>" in page and ">Ostravia</text>" in page
    assert "Lisk" not in page.split('class="map"', 1)[1].split("</svg>", 1)[0]
    assert '<g class="place town main"><title>Dornik' in page  # the event's location


def test_map_escapes_place_names() -> None:
    page = to_html(_export(HOSTILE))
    assert "<script" not in page and "&lt;script&gt;" in page


def test_map_is_drawn_offline_on_the_basemap() -> None:
    svg = svg_map([_Place("Dornik", 47.05, 21.42, "town")])
    assert svg.startswith("<svg") and "<circle" in svg
    assert 'class="country"' in svg and 'class="scale-bar"' in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert svg_map([]) == ""


def test_far_apart_places_stay_inside_the_frame() -> None:
    svg = svg_map([_Place("A", -40.0, -70.0, "town"), _Place("B", 60.0, 100.0, "town")])
    found = re.findall(r'<title>(\w) \(town[^<]*</title><circle cx="([\d.-]+)" cy="([\d.-]+)"', svg)
    at = {name: (float(x), float(y)) for name, x, y in found}
    assert set(at) == {"A", "B"}
    assert all(0 <= x <= MAP_WIDTH and 0 <= y <= MAP_HEIGHT for x, y in at.values())
    assert at["A"][0] < at["B"][0] and at["A"][1] > at["B"][1]  # west is left, north is up


def test_report_and_server_draw_one_map() -> None:
    from parallax.serve.views import svg_map as server_map

    places = [_Place("Dornik", 47.05, 21.42, "town", True), _Place("Ostravia", 47.1, 21.3, "")]
    assert svg_map(places) == str(server_map(places))
    assert '<g class="place town main"><title>Dornik' in svg_map(places)


def test_markdown_framing_places_and_sources() -> None:
    md = to_markdown(_export())
    assert "#### Framing" in md and "one side only: Valdoria" in md
    assert "distanced (so called)" in md
    assert "#### Places" in md and "Dornik (town, 47.050, 21.420)" in md
    assert "## Independent sources" in md and "Reuters (wire credit): a.txt" in md


def test_range_line_names_the_rule() -> None:
    export = _export()
    export["discrepancies"] = [
        {"event": "ev1", "metric": "killed", "low": 2, "best": 25, "high": 27, "agreed": False,
         "rule": "best: the value most sources give",
         "values": [{"value": 2, "document": "a.txt"}, {"value": 27, "document": "a.txt"}]},
    ]  # fmt: skip
    md = to_markdown(export)
    assert "Range: low 2 · best 25 · high 27 (best: the value most sources give)" in md


def test_contradiction_names_the_point_at_issue() -> None:
    export = _export()
    export["contradictions"] = [
        {"kind": "incompatible_accounts", "event": "ev1", "what": "authors: A vs B",
         "a": "a plan by A", "a_claimant": None, "a_document": "a.txt",
         "b": "drafted by B", "b_claimant": "Ivo Brandt", "b_document": "b.txt"},
    ]  # fmt: skip
    md = to_markdown(export)
    assert "incompatible accounts \\[authors: A vs B\\]: “a plan by A” (unnamed, a.txt)" in md
    assert "“drafted by B” (Ivo Brandt, b.txt)" in md
