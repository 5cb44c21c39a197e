"""The document date of a record and its basis (given, dateline, inferred, unknown), and
the dates its events carry, on short reports written for these tests."""

from __future__ import annotations

from typing import Any

from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import record_from_doc

BODY = (
    "Shells hit the market in Dornik on Tuesday, the town council said. "
    "A ceasefire was agreed in Lisk on Wednesday morning.\n"
)


def _record(nlp: Any, text: str, published: str | None = None) -> DocumentRecord:
    raw = RawDocument("r.txt", text, "r.txt", "text", published=published)
    return record_from_doc(raw, nlp(text))


def test_given_date_wins_and_anchors_weekdays(nlp: Any) -> None:
    rec = _record(nlp, BODY, published="2023-09-21")
    assert (rec.published, rec.published_basis) == ("2023-09-21", "given")
    assert [t.value for t in rec.times] == ["2023-09-19", "2023-09-20"]


def test_dateline_line_dates_the_report(nlp: Any) -> None:
    text = "Shelling in Dornik\n\nSeptember 21, 2023\n\n" + BODY
    rec = _record(nlp, text)
    assert (rec.published, rec.published_basis) == ("2023-09-21", "dateline")


def test_weekday_names_alone_leave_the_date_unknown(nlp: Any) -> None:
    rec = _record(nlp, BODY)
    assert (rec.published, rec.published_basis) == (None, None)
    assert all(t.value is None for t in rec.times)


def test_inferred_from_weekday_consistency(nlp: Any) -> None:
    text = (
        "The road to Dornik has been blockaded since December 2022. "
        + BODY
        + "Aid reached Lisk on September 20, the Red Crescent said.\n"
    )
    rec = _record(nlp, text)
    # 20 September falls on a Wednesday in 2023 (the year after December 2022)
    assert (rec.published, rec.published_basis) == ("2023-09-20", "inferred")
    assert [t.value for t in rec.times if t.text in ("Tuesday", "Wednesday morning")] == [
        "2023-09-19",
        "2023-09-20",
    ]


def test_history_does_not_date_the_report(nlp: Any) -> None:
    text = (
        "Crowds in Lisk marked the anniversary of the flood of March 2, 2001, on Tuesday. "
        "The 2015 fair in Dornik was cancelled.\n"
    )
    rec = _record(nlp, text)
    assert rec.published is None


def test_agency_dateline_among_header_lines_is_a_time(nlp: Any) -> None:
    text = "Truce holds in Lisk\n\nLISK, March 3 (Northern Wire) --\n\nThe truce held on Monday.\n"
    rec = _record(nlp, text, published="2025-03-04")
    assert ("March 3", "2025-03-03") in [(t.text, t.value) for t in rec.times]


def test_events_carry_a_precision_level_date(nlp: Any) -> None:
    text = (
        "Troops attacked the market in Dornik at 10 p.m. Tuesday, the council said. "
        "Troops attacked Lisk last week, officials said.\n"
    )
    rec = _record(nlp, text, published="2023-09-21")
    dated = {e.date for e in rec.events if e.date}
    assert "2023-09-19" in dated  # a clock time counts as its day
    assert all(len(d) in (4, 7, 8, 10) for d in dated)  # year, month, week, day


def _page(nlp: Any, text: str, url: str | None = None) -> DocumentRecord:
    raw = RawDocument("r.txt", text, "r.txt", "text", url=url)
    return record_from_doc(raw, nlp(text))


def test_page_timestamp_wins_over_the_store_marker(nlp: Any) -> None:
    text = " date 2023-09-22 Shelling in Dornik\n\nPublished: Sep 21, 2023 09:46 PM\n\n" + BODY
    rec = _page(nlp, text)
    assert (rec.published, rec.published_basis) == ("2023-09-21", "dateline")
    assert ("Sep 21, 2023", "2023-09-21") in [(t.text, t.value) for t in rec.times]
    assert ("09:46 PM", "2023-09-21T21:46") in [(t.text, t.value) for t in rec.times]
    assert not any("2023-09-22" in t.text for t in rec.times)  # the marker is no time


def test_store_marker_dates_the_report(nlp: Any) -> None:
    rec = _page(nlp, " date 2023-09-21 " + BODY)
    assert (rec.published, rec.published_basis) == ("2023-09-21", "marker")
    assert [t.value for t in rec.times] == ["2023-09-19", "2023-09-20"]


def test_page_address_dates_a_report_that_says_nothing(nlp: Any) -> None:
    rec = _page(nlp, BODY, url="https://dornik.example/2023/09/21/shelling")
    assert (rec.published, rec.published_basis) == ("2023-09-21", "url")


def test_dateline_with_agency_gives_date_and_author(nlp: Any) -> None:
    rec = _page(nlp, "DORNIK, Sept. 21, 2023 (Reuters) - " + BODY)
    assert (rec.published, rec.published_basis) == ("2023-09-21", "dateline")
    assert rec.author == "Reuters"
    assert rec.outlet == "Reuters"
