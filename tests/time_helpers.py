"""Helper shared by the time tests: a text's expressions, resolved against an anchor day and
checked against their spans."""

from __future__ import annotations

import datetime as dt

from parallax.extract.times import find_times, resolve_all


def tag(text: str, anchor: dt.date | None) -> list[tuple[str, str | None]]:
    times = find_times(text)
    resolve_all(text, times, anchor)
    assert all(text[t.start : t.end] == t.text for t in times)
    return [(t.text, t.value) for t in times]
