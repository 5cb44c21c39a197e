"""Numbers written in digits or words."""

from __future__ import annotations

import pytest

from parallax.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("27", 27),
        ("2.5", 2.5),
        ("120,000", 120_000),
        ("1,200,000", 1_200_000),
        ("3 thousand", 3000),
        ("nine", 9),
        ("Eleven", 11),
        ("twenty-five", 25),
        ("Forty-Two", 42),
        ("ninety nine", 99),
        ("one hundred and five", 105),
        ("five thousand three hundred", 5300),
        ("a hundred", 100),
        ("a dozen", 12),
        ("two dozen", 24),
        ("  14 ", 14),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "a", "people", "dozens", "a few", "twenty people", "12a"])
def test_not_a_number(text: str) -> None:
    assert parse_number(text) is None
