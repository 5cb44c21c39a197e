"""Time expressions: spans and TimeML values from find_times, resolution against an
anchor date, and the document date inferred from the days a text mentions."""

from __future__ import annotations

import datetime as dt

import pytest

from parallax.extract.times import (
    find_times,
    infer_document_date,
    iso_week,
    resolve,
    resolve_all,
)
from parallax.models import TimeExpr

TUESDAY = dt.date(2025, 3, 4)  # the anchor used below is a Tuesday


def only(text: str) -> TimeExpr:
    times = find_times(text)
    assert len(times) == 1, times
    t = times[0]
    assert text[t.start : t.end] == t.text
    return t


def resolved(text: str, anchor: dt.date, nearest: bool = False) -> TimeExpr:
    t = only(text)
    resolve_all(text, [t], anchor, nearest=nearest)
    return t


# -- finding ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "kind", "value"),
    [
        ("The border closed on March 3, 2025.", "March 3, 2025", "date", "2025-03-03"),
        ("The border closed on 3 March 2025.", "3 March 2025", "date", "2025-03-03"),
        ("The border closed on 2025-03-03.", "2025-03-03", "date", "2025-03-03"),
        ("The road to Lisk was cut in December 2022.", "December 2022", "date", "2022-12"),
        ("The road has been cut since December 2022.", "since December 2022", "since", "2022-12"),
        ("Ostravia has been disputed since 1988.", "since 1988", "since", "1988"),
        ("The bridge at Lesnya was built in 1988.", "1988", "date", "1988"),
        ("The siege of Dornik lasted about nine months.", "about nine months", "duration", "P9M"),
        ("Prices in Lisk rose over the last 10 months.", "the last 10 months", "duration", "P10M"),
        ("Valdoria declared a 24-hour truce.", "24-hour", "duration", "PT24H"),
        ("The talks in Lisk lasted two weeks.", "two weeks", "duration", "P2W"),
        ("Dornik has been under curfew for three days.", "three days", "duration", "P3D"),
        ("The bridge at Tarnov is now closed.", "now", "date", "PRESENT_REF"),
    ],
)
def test_absolute_values(text: str, span: str, kind: str, value: str) -> None:
    t = only(text)
    assert (t.text, t.kind, t.value) == (span, kind, value)


def test_approximate_duration() -> None:
    assert only("The siege of Dornik lasted about nine months.").approximate is True
    assert only("The talks in Lisk lasted two weeks.").approximate is False


@pytest.mark.parametrize(
    ("text", "span", "rule"),
    [
        ("Shells hit Dornik on Tuesday.", "Tuesday", {"weekday": 1, "modifier": None}),
        (
            "Talks resumed in Lisk on Wednesday morning.",
            "Wednesday morning",
            {"weekday": 2, "modifier": None, "part": "MO"},
        ),
        ("The convoy reached Tarnov on September 20.", "September 20", {"month": 9, "day": 20}),
        ("Talks in Lisk are planned for this week.", "this week", {"relative": "this week"}),
        ("Shells hit Lesnya yesterday.", "yesterday", {"relative": "yesterday"}),
    ],
)
def test_relative_expressions_keep_a_rule(text: str, span: str, rule: dict) -> None:
    t = only(text)
    assert (t.text, t.kind, t.value, t.rule) == (span, "date", None, rule)


def test_mid_year() -> None:
    t = only("The blockade of Dornik began in mid-2023.")
    assert (t.text, t.value) == ("mid-2023", "2023")


def test_vague_duration_is_approximate() -> None:
    t = only("The siege of Dornik lasted for several months.")
    assert (t.kind, t.value, t.approximate) == ("duration", "PXM", True)


def test_since_weekday() -> None:
    t = resolved("Since Monday, shells have hit Dornik.", TUESDAY)
    assert (t.text, t.kind, t.value) == ("Since Monday", "since", "2025-03-03")


def test_age_is_not_a_duration() -> None:
    assert find_times("A 24-year-old soldier was hurt in Lisk.") == []


def test_spans_do_not_overlap_and_slice_the_text() -> None:
    text = (
        "Shells hit Dornik on Monday, March 3, 2025, and again on Tuesday morning; "
        "the region has been blockaded since December 2022 and the 24-hour truce lasted two weeks."
    )
    times = find_times(text)
    assert [t.text for t in times] == [
        "Monday, March 3, 2025",
        "Tuesday morning",
        "since December 2022",
        "24-hour",
        "two weeks",
    ]
    for a, b in zip(times, times[1:], strict=False):
        assert a.end <= b.start
    assert all(text[t.start : t.end] == t.text for t in times)


def test_find_times_offsets_within_a_region() -> None:
    text = "Headline about Lisk\nShells hit Dornik on Tuesday."
    start = text.index("Shells")
    times = find_times(text, start)
    assert [(t.text, text[t.start : t.end]) for t in times] == [("Tuesday", "Tuesday")]


# -- resolving -------------------------------------------------------------------------


def test_same_weekday_as_anchor_is_the_anchor_day() -> None:
    assert resolved("Shells hit Dornik on Tuesday.", TUESDAY).value == "2025-03-04"


def test_weekday_resolves_to_the_past_week() -> None:
    assert resolved("Talks resumed in Lisk on Wednesday morning.", TUESDAY).value == "2025-02-26"


def test_last_weekday_on_the_same_weekday_goes_a_week_back() -> None:
    assert resolved("Shells hit Dornik last Tuesday.", TUESDAY).value == "2025-02-25"


def test_weekday_in_a_future_clause_looks_ahead() -> None:
    assert resolved("Talks in Lisk will resume on Friday.", TUESDAY).value == "2025-03-07"


@pytest.mark.parametrize(
    ("anchor", "value"),
    [
        (dt.date(2025, 3, 4), "2024-09-20"),  # months after: last year's
        (dt.date(2025, 9, 25), "2025-09-20"),
        (dt.date(2025, 9, 10), "2025-09-20"),  # ten days ahead beats a year back
    ],
)
def test_yearless_day_resolves_near_the_anchor(anchor: dt.date, value: str) -> None:
    assert resolved("The convoy reached Tarnov on September 20.", anchor).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Talks in Lisk are planned for this week.", "2025-W10"),
        ("Talks in Lisk were held last week.", "2025-W09"),
        ("Shells hit Lesnya yesterday.", "2025-03-03"),
        ("Shells hit Lesnya today.", "2025-03-04"),
        ("A week ago the market in Dornik reopened.", "2025-W09"),
    ],
)
def test_relative_words(text: str, value: str) -> None:
    assert resolved(text, TUESDAY).value == value


def test_iso_week() -> None:
    assert iso_week(TUESDAY) == "2025-W10"
    assert iso_week(dt.date(2025, 1, 1)) == "2025-W01"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Shells hit Dornik on Wednesday.", "2025-03-05"),  # one day after the anchor
        ("Shells hit Dornik on Sunday.", "2025-03-02"),  # two days before
        ("Shells hit Dornik on Tuesday.", "2025-03-04"),
    ],
)
def test_nearest_weekday(text: str, value: str) -> None:
    assert resolved(text, TUESDAY, nearest=True).value == value


def test_resolve_without_anchor_keeps_none() -> None:
    t = only("Shells hit Dornik on Tuesday.")
    assert resolve(t, None) is None
    resolve_all("Shells hit Dornik on Tuesday.", [t], None)
    assert t.value is None


def test_resolve_all_leaves_absolute_values() -> None:
    text = "The border closed on March 3, 2025."
    t = only(text)
    resolve_all(text, [t], dt.date(2030, 1, 1))
    assert t.value == "2025-03-03"


# -- document date -----------------------------------------------------------------


def _date_of(text: str) -> dt.date | None:
    return infer_document_date(find_times(text))


def test_document_date_is_the_latest_day() -> None:
    text = (
        "Shells hit Dornik on March 3, 2025. A truce was agreed in Lisk on Wednesday, 5 March 2025."
    )
    assert _date_of(text) == dt.date(2025, 3, 5)


def test_a_text_naming_no_weekday_gets_no_date() -> None:
    # its latest full date may be the event it recalls, not the day it was written
    text = "The accord was signed in Lisk on 5 March 2025 after the shelling of Dornik."
    assert _date_of(text) is None


def test_yearless_day_after_the_latest_explicit_month() -> None:
    text = (
        "Shells hit Dornik on March 3, 2025. The convoy reached Tarnov on Saturday, September 20."
    )
    assert _date_of(text) == dt.date(2025, 9, 20)


def test_yearless_day_before_the_explicit_month_rolls_into_next_year() -> None:
    text = "The blockade began in December 2022. Talks opened in Lisk on Thursday, January 5."
    assert _date_of(text) == dt.date(2023, 1, 5)


def test_no_document_date_from_weekdays_or_months_only() -> None:
    assert _date_of("Shells hit Dornik on Tuesday, the worst day since December 2022.") is None


def test_a_bare_year_does_not_place_a_yearless_day() -> None:
    times = find_times("Troops have been there since 2001. Talks resumed on September 8.")
    assert infer_document_date(times) is None
