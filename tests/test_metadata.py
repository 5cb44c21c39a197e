"""Header lines (title, image credit, byline, dateline) told apart by split_header.

All names are invented (the Valdoria / Ostravia world of examples/)."""

from __future__ import annotations

import pytest

from parallax.extract.metadata import classify_line, split_header

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
