"""The time axis: items on their dates, precision visible, undated ones apart, one order."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from parallax.timeaxis import TimeItem, order, period, time_axis

SVG = "{http://www.w3.org/2000/svg}"


def _svg(fragment: str) -> ET.Element:
    m = re.search(r"<svg.*</svg>", fragment, re.S)
    assert m is not None
    return ET.fromstring(m.group(0))


def test_period_of_each_precision() -> None:
    d = dt.date
    assert period("2031-04-03", "day") == (d(2031, 4, 3), d(2031, 4, 4))
    assert period("2031-W14", "week") == (d(2031, 3, 31), d(2031, 4, 7))
    assert period("2031-04-03", "week") == (d(2031, 3, 31), d(2031, 4, 7))
    assert period("2031-04", "month") == (d(2031, 4, 1), d(2031, 5, 1))
    assert period("2031-12-24", "month") == (d(2031, 12, 1), d(2032, 1, 1))
    assert period("2031", "year") == (d(2031, 1, 1), d(2032, 1, 1))
    assert period("2031-04-03", "undated") is None
    assert period(None, "day") is None
    assert period("2031-13-40", "day") is None
    assert period("last week", "day") is None


def test_items_are_ordered_by_date_then_label_and_undated_apart() -> None:
    items = [
        TimeItem("Talks in Velgrad", "2031-04", "month"),
        TimeItem("Shelling of Dornik", "2031-04-03"),
        TimeItem("Bridge at Lisk struck", "2031-04-03"),
        TimeItem("Ceasefire", None, "undated"),
        TimeItem("Aid convoy", None, "undated"),
        TimeItem("Toll rises to 12", "2031-04-05", kind="toll"),
    ]
    dated, undated = order(items)
    assert [p.item.label for p in dated] == [
        "Talks in Velgrad",  # starts on 1 April
        "Bridge at Lisk struck",
        "Shelling of Dornik",
        "Toll rises to 12",
    ]
    assert [i.label for i in undated] == ["Aid convoy", "Ceasefire"]
    html = time_axis(items)
    assert html == time_axis(list(reversed(items)))
    drawn = ["".join(t.itertext()) for t in _svg(html).iter(f"{SVG}text")]
    labels = [t for t in drawn if t in {p.item.label for p in dated}]
    assert labels == [p.item.label for p in dated]
    undated_list = re.search(r'<ul class="undated">(.*)</ul>', html)
    assert undated_list and undated_list.group(1).index("Aid convoy") < undated_list.group(1).index(
        "Ceasefire"
    )
    assert "Ceasefire" not in ET.tostring(_svg(html), encoding="unicode")


def test_a_day_is_a_point_and_a_month_a_band() -> None:
    html = time_axis(
        [
            TimeItem("Shelling", "2031-04-03", "day"),
            TimeItem("Siege", "2031-04", "month"),
            TimeItem("Evacuation", "2031-W15", "week"),
        ]
    )
    root = _svg(html)
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
    day, month, week = (
        groups["item day event"],
        groups["item month event"],
        groups["item week event"],
    )
    assert day.find(f"{SVG}circle") is not None and day.find(f"{SVG}rect") is None
    month_band, week_band = month.find(f"{SVG}rect"), week.find(f"{SVG}rect")
    assert month_band is not None and week_band is not None
    assert float(month_band.get("width", 0)) > 3 * float(week_band.get("width", 0))
    assert "a dashed band is a week, a month or a year" in html


def test_labels_and_links_are_escaped() -> None:
    bad = '<img src=x onerror="alert(1)">'
    html = time_axis(
        [
            TimeItem(bad, "2031-04-03", href='/event/e1"><script>'),
            TimeItem(bad, None, "undated", href="/event/e2?a=1&b=2"),
        ]
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img" in html and "/event/e2?a=1&amp;b=2" in html
    root = _svg(html)
    assert bad in "".join(root.itertext())


def test_no_item_no_axis() -> None:
    assert time_axis([]) == ""
    only_undated = time_axis([TimeItem("Ceasefire", None, "undated")])
    assert "<svg" not in only_undated and "Ceasefire" in only_undated


def test_export_items_take_events_and_toll_updates() -> None:
    from parallax.timeaxis import export_items

    export = {
        "events": [
            {"id": "e1", "label": "Shelling of Dornik", "date": "2031-04-03",
             "date_precision": "day"},
            {"id": "e2", "label": "Siege of Lisk", "date": "2031-04", "date_precision": "month"},
            {"id": "e3", "label": "Talks", "date": None},
            {"id": "e4", "label": "The 1990 war", "date": "1990", "background": True},
        ],
        "discrepancies": [
            {"event": "e1", "metric": "killed", "values": [
                {"value": 12, "update": True, "as_of": "2031-04-05", "claimant": "Health Office"},
                {"value": 9, "update": False, "as_of": "2031-04-04"},
            ]},
        ],
    }  # fmt: skip
    items = export_items(export, href=lambda i: f"/event/{i}")
    assert [(i.label, i.precision, i.kind) for i in items] == [
        ("Shelling of Dornik", "day", "event"),
        ("Siege of Lisk", "month", "event"),
        ("Talks", "undated", "event"),
        ("killed 12 (Health Office)", "day", "toll"),
    ]
    assert items[0].href == "/event/e1" and items[3].href == "/event/e1"
