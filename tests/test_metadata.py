"""Header lines (title, image credit, byline, dateline) told apart by split_header.

All names are invented (the Valdoria / Ostravia world of examples/)."""

from __future__ import annotations

import pytest

from parallax.extract.metadata import (
    byline_author,
    classify_line,
    find_image_credit,
    reporting_by,
    split_header,
    url_date,
)

BODY = "The river burst its banks in Lisk on Sunday."


def test_title_and_byline() -> None:
    text = f"Floods close the road to Lisk\n\nBy Ana Kovac\n\n{BODY}\n"
    header = split_header(text)
    assert header.title == "Floods close the road to Lisk"
    assert header.author == "Ana Kovac"
    assert header.image_credit is None
    assert text[header.body_start :].startswith(BODY)
    assert [role for _, _, role in header.line_spans] == ["title", "byline"]


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo by Ivo Brandt/Northwind Images", "Ivo Brandt/Northwind Images"),
        ("Image provided by https://example.org/lisk-floods", "https://example.org/lisk-floods"),
        ("By Lisknews.com, via Wikipedia", "Lisknews.com, via Wikipedia"),
    ],
)
def test_image_credit_is_not_the_author(line: str, credit: str) -> None:
    text = f"Floods close the road to Lisk\n{line}\nBy Mira Tessik\n\n{BODY}\n"
    header = split_header(text)
    assert header.image_credit == credit
    assert header.author == "Mira Tessik"
    assert text[header.body_start :].startswith(BODY)


def test_credit_line_alone_leaves_author_empty() -> None:
    header = split_header(
        f"Floods close the road to Lisk\nBy Lisknews.com, via Wikipedia\n\n{BODY}"
    )
    assert header.author is None
    assert header.image_credit == "Lisknews.com, via Wikipedia"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Ana KOVAC", "Ana Kovac"),
        ("By ANA KOVAC", "Ana Kovac"),
        ("By Ana Kovac", "Ana Kovac"),
    ],
)
def test_shouted_surname_is_fixed(line: str, author: str) -> None:
    assert classify_line(line) == ("byline", author)


def test_markdown_title_and_emphasised_byline() -> None:
    text = f"# Floods close the road to Lisk\n\n*By Ana Kovac*\n\n{BODY}\n"
    header = split_header(text)
    assert header.title == "Floods close the road to Lisk"
    assert header.author == "Ana Kovac"
    assert text[header.body_start :].startswith(BODY)


def test_no_header_when_first_line_is_a_sentence() -> None:
    text = "The river burst its banks in Lisk on Sunday, and the road to Dornik was closed.\nMore rain is expected.\n"
    header = split_header(text)
    assert header.title is None
    assert header.author is None
    assert header.body_start == 0
    assert header.line_spans == []


def test_no_header_when_first_sentence_starts_with_by() -> None:
    text = "By Tuesday evening the shelling of Dornik had stopped, officials in Lisk said.\nMore rain.\n"
    header = split_header(text)
    assert header.image_credit is None
    assert header.body_start == 0


@pytest.mark.parametrize(
    "dateline", ["March 3, 2025", "3 March 2025", "Published: 4 March 2025 10:15 UTC", "2025-03-04"]
)
def test_dateline_line(dateline: str) -> None:
    text = f"Floods close the road to Lisk\nBy Ana Kovac\n{dateline}\n\n{BODY}\n"
    header = split_header(text)
    assert header.dateline == dateline
    assert header.author == "Ana Kovac"
    assert [role for _, _, role in header.line_spans] == ["title", "byline", "dateline"]
    assert text[header.body_start :].startswith(BODY)


def test_line_spans_slice_the_header_lines() -> None:
    text = f"Floods close the road to Lisk\nPhoto by Ivo Brandt/Northwind Images\nBy Ana Kovac\n\n{BODY}"
    header = split_header(text)
    lines = [text[a:b] for a, b, _ in header.line_spans]
    assert lines == [
        "Floods close the road to Lisk",
        "Photo by Ivo Brandt/Northwind Images",
        "By Ana Kovac",
    ]


def test_subhead_after_byline_is_body() -> None:
    text = f"Floods close the road to Lisk\nBy Ana Kovac\nA town cut off\n{BODY}"
    header = split_header(text)
    assert header.title == "Floods close the road to Lisk"
    assert text[header.body_start :].startswith("A town cut off")


# -- headers as real pages print them ----------------------------------------------


def test_store_date_marker_is_neither_title_nor_body() -> None:
    text = f" date 2026-03-13 Floods close the road to Lisk\n\n{BODY}\n"
    header = split_header(text)
    assert header.marker_date == "2026-03-13"
    assert header.title == "Floods close the road to Lisk"
    assert text[header.body_start :].startswith(BODY)


def test_marker_before_the_first_sentence_leaves_no_title() -> None:
    text = f" date 2026-03-13 {BODY} More rain is expected in Dornik.\n"
    header = split_header(text)
    assert header.marker_date == "2026-03-13"
    assert header.title is None
    assert text[header.body_start :].startswith(BODY)


@pytest.mark.parametrize("furniture", ["ADVERTISEMENT", "CONFLICT", "Left Menu", "All news"])
def test_page_furniture_and_section_labels_are_never_the_title(furniture: str) -> None:
    text = (
        f"{furniture}\n\nFloods close the road to Lisk\n\nPublished Mar 13, 2026 07:37 am\n\n{BODY}"
    )
    header = split_header(text)
    assert header.title == "Floods close the road to Lisk"
    assert header.dateline == "Published Mar 13, 2026 07:37 am"
    assert text[header.body_start :].startswith(BODY)


def test_a_dateline_is_never_the_title() -> None:
    header = split_header(f"Lisk, September 19\n\n{BODY}")
    assert header.title is None
    assert header.dateline == "Lisk, September 19"


def test_menu_bars_before_the_headline_are_skipped() -> None:
    text = (
        "The Valdoria Courier - Home News World Politics Sport Culture Opinion\n"
        "Valdoria Courier Breaking News\n"
        "Floods close the road to Lisk - river authority\n\n"
        "By REUTERS\n"
        "MARCH 13, 2026 00:59\n"
        f"{BODY}"
    )
    header = split_header(text)
    assert header.title == "Floods close the road to Lisk - river authority"
    assert header.author == "REUTERS"
    assert header.dateline == "MARCH 13, 2026 00:59"
    assert text[header.body_start :].startswith(BODY)


def test_agency_over_the_timestamp_is_the_author() -> None:
    text = f"Floods close the road to Lisk\n\nReuters |\nPublished: 03.13.26 , 10:51\n{BODY}"
    header = split_header(text)
    assert header.author == "Reuters"
    assert header.dateline == "Published: 03.13.26 , 10:51"


def test_bare_name_under_the_headline_is_the_byline() -> None:
    header = split_header(f"Floods close the road to Lisk\n\nAna Kovac\n\n{BODY}")
    assert header.author == "Ana Kovac"


def test_link_list_ends_the_header() -> None:
    text = (
        " date 2026-03-14 -\nALSO READ\nDornik fair opens with record crowds\n"
        "Lisk council approves new bridge\n-\n" + BODY
    )
    assert split_header(text).title is None


@pytest.mark.parametrize(
    ("first", "outlet", "dateline"),
    [
        ("KYIV, Jan 5 (Reuters) - ", "Reuters", "Jan 5"),
        ("VELGRAD (Meridian Wire) - ", "Meridian Wire", None),
        ("LISK, March 8. /TASS/. ", "TASS", "March 8"),
        (
            "DORNIK (Lisk News / Sputnik - 08th April, 2022) ",
            "Lisk News / Sputnik",
            "08th April, 2022",
        ),
        ("Lisk, Valdoria (AP) \u2014 ", "AP", None),
    ],
)
def test_dateline_opening_the_first_paragraph(
    first: str, outlet: str, dateline: str | None
) -> None:
    header = split_header(f"Floods close the road to Lisk\n\n{first}{BODY}")
    assert header.outlet == outlet
    assert header.dateline == dateline


def test_a_capitalised_opening_is_no_dateline() -> None:
    header = split_header(f"Floods close the road to Lisk\n\nThe Lisk council (LC) met.\n{BODY}")
    assert header.outlet is None
    assert header.dateline is None


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        (
            "Rescuers in Lisk on Friday. (Ana Kovac, Meridian photo via AP)\n",
            "Ana Kovac, Meridian photo via AP",
        ),
        ("Rescuers in Lisk on Friday (Ivo Brandt/AP)\n", "Ivo Brandt/AP"),
        ("The flooded square in Lisk. Credit: Ivo Brandt/X\n", "Ivo Brandt/X"),
        ("Ana Kovac Image Credit: Wikipedia\n", "Wikipedia"),
        ("Rescuers in Lisk (Photo by - / AFP / LISK TIMES)\n", "AFP / LISK TIMES"),
        (
            "Rescuers in Lisk [File: Ivo Brandt/Northwind/Getty Images]\n",
            "Ivo Brandt/Northwind/Getty Images",
        ),
        ("Rescuers in Lisk, Valdoria, March 3, 2026. REUTERS/Ana Kovac\n", "REUTERS/Ana Kovac"),
        ("Rescuers in Lisk. (Courtesy of the Lisk council)\n", "Courtesy of the Lisk council"),
    ],
)
def test_photo_credit_in_a_caption(text: str, credit: str) -> None:
    assert find_image_credit(f"{BODY}\n{text}{BODY}") == credit


def test_a_story_credit_is_no_photo_credit() -> None:
    assert find_image_credit(f"{BODY} The council will meet again. (LNA/AFP)\n") is None


def test_reporting_by_names_the_author() -> None:
    text = f"{BODY}\n(Reporting by Ana Kovac in Lisk; Editing by Ivo Brandt)\n"
    assert reporting_by(text) == "Ana Kovac"
    assert byline_author(text, split_header(text)) == "Ana Kovac"


def test_byline_below_the_lead_photo() -> None:
    text = (
        "Floods close the road to Lisk\n\nThe flooded square in Lisk, March 3, 2026.\nBy Mira Tessik\n"
        + BODY
    )
    assert byline_author(text, split_header(text)) == "Mira Tessik"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://lisknews.example/2026/03/13/floods-close-road", "2026-03-13"),
        ("https://lisknews.example/world/2020/aug/07/floods", "2020-08-07"),
        ("https://lisknews.example/news/2020/8/10/floods", "2020-08-10"),
        ("https://lisknews.example/floods-20260313-p5ed3n.html", None),
        ("https://lisknews.example/2020/08/floods", None),
        (None, None),
    ],
)
def test_url_date(url: str | None, day: str | None) -> None:
    assert url_date(url) == day
