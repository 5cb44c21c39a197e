"""Character ranges of a document, asked "does this offset fall inside one?" in log time.

Extractors ask it for every number or date of a report (is it inside a time expression,
inside a quotation?); scanning every range for each question would make a long report
cost its length squared."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class Intervals:
    """Half-open ranges [start, end), merged where they overlap or touch."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted((a, b) for a, b in spans if a < b):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, offset: int) -> bool:
        """Whether some range has start <= offset < end."""
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]
