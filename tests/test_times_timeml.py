"""TimeML precision of the time tagger, on sentences written for these tests: quarters,
seasons, months and years without a preposition, decades, clock times, references to the
present, past and future, sets, weekends, and the document date inferred from a text."""

from __future__ import annotations

import datetime as dt

import pytest
from time_helpers import tag

from parallax.extract.times import calendar_date, find_times, infer_document_date
from parallax.models import TimeExpr

THURSDAY = dt.date(2024, 10, 24)  # anchor below: a Thursday in the fourth quarter


def tagged(text: str, anchor: dt.date = THURSDAY) -> list[tuple[str, str | None]]:
    return tag(text, anchor)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quarters: named, relative, and the same quarter a year back
        ("Orvane Mills lost money in the third quarter.", [("the third quarter", "2024-Q3")]),
        ("Its third-quarter profit at Kessel fell.", [("third-quarter", "2024-Q3")]),
        (
            "Sales at Kessel rose in the second quarter of 2022.",
            [("the second quarter of 2022", "2022-Q2")],
        ),
        (
            "Kessel expects a loss in next year's first quarter.",
            [("next year's first quarter", "2025-Q1")],
        ),
        (
            "Kessel earned more in the third quarter than a year earlier.",
            [("the third quarter", "2024-Q3"), ("a year earlier", "2023-Q3")],
        ),
        ("Kessel earned less in the latest quarter.", [("the latest quarter", "2024-Q3")]),
        # months and years with no preposition, with modifiers
        ("Orvane Mills reopened last April.", [("last April", "2024-04")]),
        ("The Lisk office will reopen next March.", [("next March", "2025-03")]),
        ("The Lisk plant shut in February this year.", [("February this year", "2024-02")]),
        ("The mayor of Tarnov took office last May.", [("last May", "2024-05")]),
        ("Tarnov's 2019 budget was cut.", [("2019", "2019")]),
        ("Kessel's fiscal 2023 results were late.", [("fiscal 2023", "2023")]),
        ("The mill was built in the 1990s.", [("the 1990s", "199")]),
        ("Lisk was founded in nineteen ninety-six.", [("nineteen ninety-six", "1996")]),
        # seasons
        ("The Lisk bridge was closed last summer.", [("last summer", "2024-SU")]),
        ("The Lisk bridge was closed in the winter of 2021.", [("the winter of 2021", "2021-WI")]),
        # parts of day and clock times
        ("Shells hit Dornik this morning.", [("this morning", "2024-10-24TMO")]),
        (  # a clock time is its own expression, on the day written next to it
            "Sirens sounded in Dornik at 10 p.m. Wednesday.",
            [("10 p.m.", "2024-10-23T22:00"), ("Wednesday", "2024-10-23")],
        ),
        ("The curfew in Lisk starts at noon.", [("noon", "2024-10-24T12:00")]),
        # present, past and future references, vague durations, sets
        ("Tarnov is now quiet.", [("now", "PRESENT_REF")]),
        ("Lisk recently reopened its market.", [("recently", "PAST_REF")]),
        ("Dornik will rebuild in the near future.", [("the near future", "FUTURE_REF")]),
        ("Prices in Lisk rose in recent years.", [("in recent years", "PXY")]),
        ("Prices in Lisk rose over the past few weeks.", [("the past few weeks", "PXW")]),
        ("Buses leave Tarnov daily.", [("daily", "P1D")]),
        ("The Lisk council meets every week.", [("every week", "P1W")]),
        # weeks and weekends
        ("Shells hit Dornik over the weekend.", [("the weekend", "2024-W42-WE")]),
        ("The Lisk fair opens this weekend.", [("this weekend", "2024-W43-WE")]),
        ("Troops left Dornik two weeks ago.", [("two weeks ago", "2024-W41")]),
    ],
)
def test_timeml_values(text: str, expected: list[tuple[str, str]]) -> None:
    assert tagged(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Lisk ferry sank on Thanksgiving Day.", [("Thanksgiving Day", "2023-11-23")]),
        ("Tarnov will vote on Election Day.", [("Election Day", "2024-11-05")]),
        (
            "The Dornik offer runs until 5 p.m. EST Nov. 9.",
            [("5 p.m. EST", "2024-11-09T17:00"), ("Nov. 9", "2024-11-09")],
        ),
        ("Lisk left the talks several years ago.", [("several years ago", "PAST_REF")]),
        ("Lisk rebuilt the bridge twenty years after the flood.", [("twenty years", "P20Y")]),
        # told from the story's own day (here the document date): a date, not a duration
        ("Talks in Lisk resumed two days later.", [("two days later", "2024-10-26")]),
        ("Kessel pays $2 million a year in rent.", []),
        ("Buses run four times a week to Lisk.", []),
        ("In today's Tarnov, few remember the war.", []),
        (
            "The Kessel accord is scheduled to expire at the end of October.",
            [("October", "2024-10")],
        ),
    ],
)
def test_holidays_rates_and_clock_zones(text: str, expected: list[tuple[str, str]]) -> None:
    assert tagged(text) == expected


def test_a_count_of_people_is_not_a_year() -> None:
    assert tagged("About 2000 soldiers reached Lisk.") == []
    assert tagged("The Tarnov fund holds $2015 in cash.") == []


def test_a_weekday_written_with_its_date_takes_the_date() -> None:
    assert tagged("Lisk voted on Monday, October 21, 2024.") == [
        ("Monday, October 21, 2024", "2024-10-21")
    ]


def test_a_weekday_with_a_yearless_date_picks_the_year_it_falls_on() -> None:
    # 20 September is a Wednesday in 2023, not in 2024
    text = "The Lisk talks opened on Wednesday, September 20."
    assert tagged(text, dt.date(2024, 10, 24)) == [("Wednesday, September 20", "2023-09-20")]


def test_since_range() -> None:
    assert tagged("Dornik has been blockaded since last April.") == [
        ("since last April", "2024-04")
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("They said they would appeal the ruling, announced Friday.", "2024-10-18"),
        ("The Lisk talks are set to resume Monday.", "2024-10-28"),
        ("The Lisk vote had been scheduled to close Friday.", "2024-10-18"),
    ],
)
def test_future_cue_stays_in_its_clause(text: str, value: str) -> None:
    assert tagged(text)[-1][1] == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-24", ("2024-10-24", "day")),
        ("2024-10-24TMO", ("2024-10-24", "day")),
        ("2024-10-23T22:00", ("2024-10-23", "day")),
        ("2024-W43", ("2024-W43", "week")),
        ("2024-W42-WE", ("2024-W42", "week")),
        ("2024-10", ("2024-10", "month")),
        ("2024-Q3", ("2024", "year")),
        ("2024-SU", ("2024", "year")),
        ("2024", ("2024", "year")),
        ("P9M", (None, None)),
        ("PRESENT_REF", (None, None)),
        ("199", (None, None)),
        (None, (None, None)),
    ],
)
def test_calendar_date_of_an_event(value: str | None, expected: tuple) -> None:
    assert calendar_date(value) == expected


# -- document date -----------------------------------------------------------------


def _date_of(text: str) -> dt.date | None:
    return infer_document_date(find_times(text), text)


def test_weekdays_choose_the_year_of_yearless_days() -> None:
    # after December 2022 both 2023 and 2024 are possible; 20 September 2023 is a Wednesday
    text = (
        "The road to Lisk has been cut since December 2022. On Wednesday the convoy left; "
        "it reached Tarnov on September 20."
    )
    assert _date_of(text) == dt.date(2023, 9, 20)


def test_a_day_from_an_earlier_year_than_the_text_mentions_is_history() -> None:
    text = "Dornik marked the fire of March 2, 2001, as it does every year. The 2015 fair went on."
    assert _date_of(text) is None


def test_an_anniversary_date_is_not_the_date_of_writing() -> None:
    text = "Crowds in Lisk marked the anniversary of September 11, 2001, on Tuesday."
    assert _date_of(text) is None


def test_a_recent_day_wins_over_an_older_one() -> None:
    text = "Lisk recalled the flood of 4 May 2019. Shells hit Dornik on Thursday, 6 June 2019."
    assert _date_of(text) == dt.date(2019, 6, 6)


def test_since_dates_never_date_the_report() -> None:
    times = find_times("Dornik has been under curfew since March 3, 2024.")
    assert times[0].kind == "since"
    assert infer_document_date(times) is None


def test_inferred_date_needs_a_day() -> None:
    t = TimeExpr("this week", 0, 9, "date", rule={"relative": "this week"})
    assert infer_document_date([t]) is None


def test_from_to_range_keeps_both_ends() -> None:
    text = "The Lisk road was closed from March 2022 to June 2023, and from Monday until Wednesday."
    assert tagged(text) == [
        ("March 2022", "2022-03"),
        ("June 2023", "2023-06"),
        ("Monday", "2024-10-21"),
        ("Wednesday", "2024-10-23"),
    ]


def test_a_deadline_or_maturity_does_not_date_the_report() -> None:
    text = "Shells hit Lisk on Saturday, May 4, 2024. The Kessel notes are due March 1, 2031."
    assert _date_of(text) == dt.date(2024, 5, 4)


def test_named_weekdays_rule_out_a_day_far_from_them() -> None:
    # 26 March 1996 was a Tuesday; a report telling of 'Thursday' was not written then
    text = "Troops left Lisk on Thursday. The Dornik accord was signed on March 26, 1996."
    assert _date_of(text) is None
