"""Dates and times in the formats real pages print, on sentences written for these tests:
numeric page dates, abbreviated and upper-case months, 24-hour clocks on their day,
narrative relatives ('the previous day', 'One day later', 'two days after the blast'),
misspelt months a reader forgives, and a yearless day in the year of the date before it."""

from __future__ import annotations

import datetime as dt

import pytest
from time_helpers import tag

from parallax.extract.times import forgiven_month

FRIDAY = dt.date(2026, 3, 13)


def tagged(text: str, anchor: dt.date | None = FRIDAY) -> list[tuple[str, str | None]]:
    return tag(text, anchor)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numeric dates: day first with a dash or a dot, month first with a slash
        ("The Lisk council met on 27-09-2023.", [("27-09-2023", "2023-09-27")]),
        ("The Lisk council met on 08.04.2022.", [("08.04.2022", "2022-04-08")]),
        ("The Lisk council met on 04/08/2022.", [("04/08/2022", "2022-04-08")]),
        ("The Lisk council met on 09/27/2023.", [("09/27/2023", "2023-09-27")]),
        (
            "Published: 12.03.26 , 10:51",
            [("12.03.26", "2026-03-12"), ("10:51", "2026-03-12T10:51")],
        ),
        ("Published: 08.30.20", [("08.30.20", "2020-08-30")]),
        # month spellings
        ("Dornik, Apr 08, 2022", [("Apr 08, 2022", "2022-04-08")]),
        ("Talks opened Sept 29 2023 in Lisk.", [("Sept 29 2023", "2023-09-29")]),
        ("AUGUST 5, 2020", [("AUGUST 5, 2020", "2020-08-05")]),
        ("Floods reached Lisk on 27 Sep.", [("27 Sep", "2025-09-27")]),
        ("A ferry sank off Lisk on Aprl 6, 2022.", [("Aprl 6, 2022", "2022-04-06")]),
        ("A ferry sank off Lisk on 6 Febuary 2022.", [("6 Febuary 2022", "2022-02-06")]),
    ],
)
def test_page_date_formats(text: str, expected: list[tuple[str, str]]) -> None:
    assert tagged(text) == expected


def test_clock_time_after_its_date_keeps_both_values() -> None:
    assert tagged("Published: Apr 08, 2022 09:46 PM") == [
        ("Apr 08, 2022", "2022-04-08"),
        ("09:46 PM", "2022-04-08T21:46"),
    ]


def test_clock_time_before_its_weekday_falls_on_that_day() -> None:
    assert tagged("Sirens sounded in Dornik at 10 p.m. Wednesday.") == [
        ("10 p.m.", "2026-03-11T22:00"),
        ("Wednesday", "2026-03-11"),
    ]


def test_24_hour_clock_falls_on_the_day_told_before_it() -> None:
    text = "On the evening of August 4, 2020, at 18:08 local time, a depot exploded in Lisk."
    assert ("18:08 local time", "2020-08-04T18:08") in tagged(text)


def test_clock_alone_falls_on_the_document_date() -> None:
    assert tagged("The curfew in Lisk starts at 21:30.") == [("21:30", "2026-03-13T21:30")]


def test_a_score_or_a_ratio_is_no_clock() -> None:
    assert tagged("Lisk won 3:1 and the ratio was 2.5:1.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dornik was shelled on Saturday, after the market in Lisk was hit the previous day.",
            [("Saturday", "2026-03-07"), ("the previous day", "2026-03-06")],
        ),
        (
            "The dam at Lisk broke on 2 March. One day later, the water reached Dornik.",
            [("2 March", "2026-03-02"), ("One day later", "2026-03-03")],
        ),
        (
            "On the night of 7 April 2024 the Lisk bridge fell. At 10:10 the next morning, "
            "divers reached it.",
            [
                ("7 April 2024", "2024-04-07"),
                ("10:10", "2024-04-08T10:10"),
                ("the next morning", "2024-04-08"),
            ],
        ),
    ],
)
def test_narrative_relatives_count_from_the_day_told_last(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert tagged(text) == expected


def test_days_after_the_event_count_from_the_events_day() -> None:
    text = (
        "Rescuers in Lisk found two survivors on Thursday, two days after the blast. "
        "Tuesday's blast destroyed the port."
    )
    assert tagged(text) == [
        ("Thursday", "2026-03-12"),
        ("two days after", "2026-03-12"),
        ("Tuesday", "2026-03-10"),
    ]


def test_days_after_the_event_is_the_report_day_when_the_event_is_not_told() -> None:
    assert tagged("Ostravia's leader spoke three days after the blast.") == [
        ("three days after", "2026-03-13")
    ]


def test_yearless_day_takes_the_year_of_the_date_before_it() -> None:
    text = "The Lisk depot burned on August 4, 2020. The following morning, August 5, it fell."
    values = dict(tagged(text, dt.date(2022, 8, 14)))
    assert values["August 5"] == "2020-08-05"


def test_undated_text_still_resolves_from_its_own_dates() -> None:
    text = "The siege of Dornik began on 24 February 2022. On 7 April, the station was hit."
    assert tagged(text, None) == [("24 February 2022", "2022-02-24"), ("7 April", "2022-04-07")]


@pytest.mark.parametrize(
    ("word", "month"),
    [("Aprl", 4), ("Febuary", 2), ("Setpember", 9), ("Agust", 8), ("April", None), ("Mary", None)],
)
def test_forgiven_month(word: str, month: int | None) -> None:
    assert forgiven_month(word) == month
