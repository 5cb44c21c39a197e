"""Character ranges asked whether an offset falls inside one (parallax.intervals)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parallax.intervals import Intervals


def test_overlapping_touching_and_empty_ranges() -> None:
    ranges = Intervals([(10, 20), (15, 30), (30, 35), (50, 50), (40, 45)])
    assert [x in ranges for x in (9, 10, 29, 30, 34, 35, 40, 44, 45, 50)] == [
        False, True, True, True, True, False, True, True, False, False,
    ]  # fmt: skip
    assert 0 not in Intervals([])


@given(
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=30),
    st.integers(-5, 205),
)
def test_same_answer_as_scanning_every_range(spans: list[tuple[int, int]], at: int) -> None:
    assert (at in Intervals(spans)) == any(a <= at < b for a, b in spans)
