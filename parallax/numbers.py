"""Numbers written in digits or words ("27", "120,000", "twenty-five", "a dozen")."""

from __future__ import annotations

import re

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "dozen": 12,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# ACLED's coding of vague counts, for an export to a dataset with that convention. The
# record itself never codes them: a vague count is a figure with no value (unquantified).
VAGUE_COUNTS = {"dozens": 12, "tens": 10, "scores": 20, "hundreds": 100, "thousands": 1000}


def parse_number(text: str) -> float | None:
    """Value of a number in digits or English words; None when it is not one."""
    t = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", t):
        return float(t)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(hundred|thousand|million)", t)
    if m:
        return float(m.group(1)) * SCALES[m.group(2)]
    words = [w for w in re.split(r"[\s-]+", t) if w and w != "and"]
    if words[:1] == ["a"] and len(words) > 1:
        words[0] = "one"
    if not words or any(w not in WORD_NUMBERS for w in words):
        return None
    total, current = 0.0, 0.0
    for w in words:
        n = WORD_NUMBERS[w]
        if w in SCALES:
            current = max(current, 1) * n
            if n >= 1000:
                total, current = total + current, 0
        elif w == "dozen":
            current = max(current, 1) * 12
        else:
            current += n
    return total + current
