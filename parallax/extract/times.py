"""Time expressions: find them, then normalise them at TimeML precision.

Finding is rule-based over the text (fast, and it sees "since", durations and weekday
phrases that spaCy's DATE entities split or miss); spaCy DATE entities the rules did
not cover are parsed with dateparser against the document date. Relative expressions
("on Tuesday", "September 20", "this week") keep a `rule` and are resolved once the
document date (the anchor) is known, which may only happen at the link stage.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from parallax.extensions import doc_text
from parallax.models import TimeExpr
from parallax.numbers import WORD_NUMBERS, parse_number
from parallax.spans import write_times

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M",
         "year": "Y", "decade": "DE", "century": "CE"}  # fmt: skip
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
YEAR_SHIFT = {"this": 0, "last": -1, "next": 1}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
REFS = {"coming": "FUTURE_REF", "future": "FUTURE_REF", "currently": "PRESENT_REF",
        "current": "PRESENT_REF", "these days": "PRESENT_REF", "nowadays": "PRESENT_REF"}  # fmt: skip
SETS = {"daily": "P1D", "day": "P1D", "weekly": "P1W", "week": "P1W", "monthly": "P1M",
        "month": "P1M", "hourly": "PT1H", "year": "P1Y", "quarter": "P1Q"}  # fmt: skip
APPROX = r"(?:about|around|roughly|approximately|nearly|almost|some|more than|over|at least|up to)"

_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_MONTH = rf"(?:{_MONTH_NAMES}|{_MONTH_NAMES.upper()})\.?"  # 'AUGUST 5, 2020' too
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:morning|afternoon|evening|night)"
_NUMWORD = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_COUNT = rf"(?:\d+(?:\.\d+)?|(?:{_NUMWORD})(?:[- ](?:{_NUMWORD}))?|a|an|a few|(?:a\s+)?couple of|few|several|many)"
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century)"

_FULL_MONTH = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December)"
)
_ORDINAL_Q = r"(first|second|third|fourth|1st|2nd|3rd|4th)"
_SEASON = r"(spring|summer|fall|autumn|winter)"
_YEAR = r"((?:1[89]|20)\d{2})"
# a bare number read as a year: not money, a share, a count of people ("2000 troops")
_NOT_COUNT = r"(?![\d%]|[-\u2013/]\d|,\d|\.\d|\s+(?:percent|people|[a-z]+s\b))"

_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    (
        "spelled_year",  # broadcast transcripts: 'nineteen ninety-six', 'the year two thousand'
        re.compile(
            rf"\b(?:(?:the\s+)?year\s+(two thousand)|nineteen[- ]({_TENS}(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?))\b",
            re.I,
        ),
    ),
    (
        "clock",
        re.compile(
            r"\b(?:(?:about|around)\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?(?:\s+(?:[ECMP][SD]T|GMT|UTC)\b)?",
            re.I,
        ),
    ),
    ("clock", re.compile(r"\b()()(noon|midnight)\b", re.I)),
    (
        "quarter",
        re.compile(
            rf"\b(?:(?:the|a|this|last|next)\s+)?(?:(this|last|next)\s+year's\s+)?(?:(?:fiscal|calendar|current|latest)\s+)?(?:{_YEAR}\s+)?{_ORDINAL_Q}[- ](?:fiscal[- ])?quarter(?:\s+of\s+(?:fiscal\s+)?{_YEAR})?",
            re.I,
        ),
    ),
    (
        "quarter_ref",
        re.compile(
            r"\b(the|this|that|last|a year-(?:ago|earlier)|the\s+(?:same|latest|recent|current|past|previous|year-ago|year-earlier|comparable(?:\s+year-ago)?)|this\s+year's)\s+(quarter|period)\b",
            re.I,
        ),
    ),
    # page timestamps: '27-09-2023', '08.30.20' after a 'Published:' label, '04/08/2022'
    (
        "numeric",
        re.compile(r"(?<![\d./-])(\d{1,2})([-./])(\d{1,2})\2((?:19|20)\d{2})(?![\d/-]|\.\d)"),
    ),
    (
        "numeric_cued",
        re.compile(
            r"(?i:published|updated|posted|created|date)d?\s*:?\s*(\d{1,2})([-./])(\d{1,2})\2(\d{2})(?![\d/-]|\.\d)"
        ),
    ),
    (
        "clock24",
        re.compile(
            r"(?<![\d:.,$])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])(?!\s*[ap]\.?m\b)(?i:\s*(?:[ECMP][SD]T|GMT|UTC|IST|local time)\b)?"
        ),
    ),
    ("clock24", re.compile(r"(?<![\d:.,$])([01]\d|2[0-3])([0-5]\d)()\s*(?:GMT|UTC|[ECMP][SD]T)\b")),
    ("mdy", re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")),
    # a misspelt month a reader forgives, with its day and year: 'Aprl 6, 2022', '6 Febuary 2022'
    (
        "mdy_typo",
        re.compile(r"\b([A-Z][a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b"),
    ),
    (
        "dmy_typo",
        re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]{3,9})\.?,?\s+((?:19|20)\d{2})\b"),
    ),
    (
        "dmy",
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?:,?\s+(\d{{4}}))?\b"),
    ),
    (
        "month_year_rel",
        re.compile(rf"\b({_MONTH})(?:\s+of)?\s+((?i:this|last|next))\s+year\b"),
    ),
    ("my", re.compile(rf"\b(?:(early|mid|late)[- ])?({_MONTH})(?:\s+of)?,?\s+(\d{{4}})\b")),
    (
        "season",
        re.compile(
            rf"\b(?:(last|this|next|early|late|the)\s+(?:past\s+)?)?{_SEASON}(?:\s+of\s+{_YEAR}|\s+{_YEAR})?\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?:the\s+)?(last|next|this|early|late|previous)\s+)?({_WEEKDAY})(?:\s+({_PART}))?\b",
            re.I,
        ),
    ),
    (
        "vague_duration",
        re.compile(
            r"\b(?:for\s+)?(many|several|thousands of|hundreds of|decades of)\s+(years|months|weeks|days|decades)\b(?!\s+ago)",
            re.I,
        ),
    ),
    (
        # told from the story's own time: 'the previous day', 'the next morning', 'a day later'
        "narrative",
        re.compile(
            rf"\b(?:the\s+(previous|next|following|preceding)\s+(day|morning|afternoon|evening|night)"
            rf"|the\s+(day|night|evening)\s+(before|after)(?!\s+(?:the|a|an|his|her|its|their|yesterday|\w+'s)\b)"
            rf"|({_COUNT})\s+(days?|weeks?)\s+later)\b",
            re.I,
        ),
    ),
    (
        # 'two days after the blast', 'day after blast', 'a week after the incident'
        "after_event",
        re.compile(
            rf"(?<!last )(?<!this )(?<!next )(?<!that )(?<!each )(?<!every )"
            rf"\b(?:(?:the\s+)?({_COUNT})\s+)?(days?|weeks?)\s+after(?=\s+(?:the\s+|a\s+|an\s+|this\s+|that\s+)?[a-z]+\b)(?!\s+day\b)",
            re.I,
        ),
    ),
    (
        "earlier",
        re.compile(
            rf"\b({_COUNT})\s+({_UNIT})\s+(earlier)\b",
            re.I,
        ),
    ),
    (
        "year_ago",
        re.compile(r"\b(?:the\s+)?(year-(?:ago|earlier))\b(?!\s+(?:quarter|period))", re.I),
    ),
    ("hyphen_duration", re.compile(rf"\b({_COUNT})-({_UNIT[3:-1]})(?!-old)\b", re.I)),
    (
        "duration",
        re.compile(
            rf"\b(?:(?:the\s+)?(?:(last|past|next|previous|coming|first)\s+))?(?:({APPROX})\s+)?({_COUNT})\s+({_UNIT})(?!\s+(?:old|ago|earlier))(?:\s+(of|ago))?\b",
            re.I,
        ),
    ),
    ("ago", re.compile(rf"\b({_COUNT})\s+({_UNIT})\s+ago\b", re.I)),
    (
        "relative",
        re.compile(
            r"\b(today|yesterday|tomorrow|tonight|last night|overnight|this morning|this afternoon|this evening|"
            r"(?:earlier|later)\s+(?:this|in the|that)\s+(?:week|month|year)|"
            r"(?:this|last|next|the previous|the past|the coming)\s+(?:week|month|year|weekend)|"
            r"the weekend|(?:the\s+)?current\s+(?:fiscal\s+|calendar\s+)?year|now)\b",
            re.I,
        ),
    ),
    (
        "ref",
        re.compile(
            r"\b(?:(?:in\s+)?(recent|coming|past)\s+(years|months|weeks|days|decades)|"
            r"the\s+(?:near\s+|distant\s+)?(future|past)(?!\s+(?:few|several|two|three|four|five|six|\d))|"
            r"(recently|currently|these days|nowadays|current|recent))\b",
            re.I,
        ),
    ),
    (
        "holiday",
        re.compile(
            r"\b(Thanksgiving(?:\s+Day)?|Christmas\s+(?:Day|Eve)|New\s+Year's\s+(?:Day|Eve)|"
            r"Election\s+Day|Independence\s+Day)\b"
        ),
    ),
    (
        "the_year",  # 'for the full year', 'the year ended June 30' (a fiscal year: P1Y)
        re.compile(
            r"\bthe\s+(?:full\s+|fiscal\s+|calendar\s+)?year\b(?!-|\s+(?:ago|earlier|before|after|to|of|two)\b)(\s+end(?:ed|ing))?",
            re.I,
        ),
    ),
    (
        "set",
        re.compile(
            r"\b(daily|weekly|monthly|hourly|(?:every|each|per)\s+(?:day|week|month|year|quarter))\b",
            re.I,
        ),
    ),
    (
        "month",
        re.compile(rf"\b(?:in|since|from|until|by|of|early|late|mid-?)\s+({_MONTH})\b(?!\s+\d)"),
    ),
    (
        "month_mod",
        re.compile(rf"\b(?:((?i:last|this|next|early|late|mid-?))\s*)?({_FULL_MONTH})\b(?!\s+\d)"),
    ),
    ("month_mod", re.compile(r"\b((?i:last|this|next|early|late|mid-?))\s*(May)\b(?!\s+\d)")),
    ("decade", re.compile(r"\b(?:the\s+)?(?:(early|mid|late)[- ])?(\d{3})0'?s\b")),
    (
        "year",
        re.compile(
            r"(?:\b(?:in|since|from|until|by|of|before|after|during|early|late|mid|year|around|through)\s+|\bmid-)((?:1[89]|20)\d{2})\b(?![-\d])"
        ),
    ),
    (
        "bare_year",
        re.compile(
            rf"(?<![$\d.,\u00a3\u20ac-])\b(?:(?:fiscal|calendar)\s+{_YEAR}\b(?![\d%])|{_YEAR}\b{_NOT_COUNT})",
            re.I,
        ),
    ),
]
# What every match of some of the patterns above contains (searched with the same flags):
# a text without it is not searched with the pattern, which finds nothing there anyway.
# (Each case-insensitive scan of a long alternation costs about as much as the whole
# report's tagging; most reports have no 'quarter', no 'ago', no 'days after'.)
_NEEDS: dict[str, re.Pattern[str]] = {
    "numeric": re.compile(r"\d[-./]\d{1,2}[-./]\d\d"),
    "numeric_cued": re.compile(r"\d[-./]\d{1,2}[-./]\d\d"),
    "spelled_year": re.compile(r"two thousand|nineteen", re.I),
    "quarter": re.compile(r"quarter", re.I),
    "quarter_ref": re.compile(r"quarter|period", re.I),
    "season": re.compile(r"spring|summer|fall|autumn|winter", re.I),
    "vague_duration": re.compile(r"many|several|thousands|hundreds|decades", re.I),
    "narrative": re.compile(
        r"later|(?:previous|next|following|preceding)\s+(?:day|morning|afternoon|evening|night)"
        r"|(?:day|night|evening)\s+(?:before|after)",
        re.I,
    ),
    "after_event": re.compile(r"(?:day|week)s?\s+after", re.I),
    "earlier": re.compile(r"earlier", re.I),
    "year_ago": re.compile(r"year-", re.I),
    "hyphen_duration": re.compile(rf"-{_UNIT}", re.I),
    "ago": re.compile(r"ago", re.I),
}
SINCE = re.compile(r"\b(since|from)\s+$", re.I)
LEAD = re.compile(r"\b(?:mid-?|early |late )$", re.I)


def _count(text: str) -> float | None:
    text = text.lower()
    if text in ("a", "an"):
        return 1
    if text in ("a few", "few", "several", "many"):
        return None
    if text.endswith("couple of"):
        return 2
    return parse_number(text)


def _duration_value(count: float | None, unit: str) -> str:
    u = unit.lower().rstrip("s")
    if u == "centurie":
        u = "century"
    code = UNITS.get(u, "X")
    n = "X" if count is None else (str(int(count)) if float(count).is_integer() else str(count))
    if code == "DE":
        return f"P{n}DE" if n == "X" else f"P{int(float(n) * 10)}Y"
    if code == "CE":
        return f"P{n}CE" if n == "X" else f"P{int(float(n) * 100)}Y"
    return f"PT{n}{code}" if code in ("H", "S") or (u == "minute") else f"P{n}{code}"


def _numeric_date(g: tuple[str | Any, ...]) -> tuple[str, str | None, dict | None, bool]:
    """'27-09-2023' / '08.30.20' / '04/08/2022': day first with a dash or a dot (as most
    of the world writes it), month first with a slash (as US pages do), unless the
    numbers allow only the other order."""
    a, sep, b, year = int(g[0]), g[1], int(g[2]), g[3]
    y = int(year) + (2000 if len(year) == 2 else 0)
    day, month = (b, a) if sep == "/" else (a, b)
    if month > 12 and day <= 12:
        day, month = month, day
    try:
        return "date", dt.date(y, month, day).isoformat(), None, False
    except ValueError:
        return "", None, None, False


FULL_MONTHS = list(MONTHS)[:12]


def _edits(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def forgiven_month(word: str) -> int | None:
    """A month name with one slip a reader forgives ('Aprl', 'Febuary', 'Setpember'),
    never a correctly spelt word or a short month (May, June, July read as names)."""
    w = word.lower().rstrip(".")
    if w in MONTHS:
        return None
    fits = [m for m in FULL_MONTHS if len(m) >= 5 and _edits(w, m) == 1]
    return MONTHS[fits[0]] if len(fits) == 1 else None


def _narrative_rule(g: tuple[Any, ...]) -> dict[str, Any] | None:
    """'the previous day' (-1), 'the next morning' (+1, part MO), 'two days later' (+2)."""
    if g[0]:
        shift, part = (-1 if g[0].lower() in ("previous", "preceding") else 1), g[1].lower()
    elif g[2]:
        shift, part = (-1 if g[3].lower() == "before" else 1), g[2].lower()
    else:
        count = _count(g[4])
        if count is None or not float(count).is_integer():
            return None
        shift = int(count) * (7 if g[5].lower().startswith("week") else 1)
        part = "day"
    rule: dict[str, Any] = {"narrative": shift}
    if part in PARTS:
        rule["part"] = PARTS[part]
    return rule


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _modifier(word: str | None) -> str | None:
    return word.lower().rstrip("- ") if word else None


def _match_to_time(kind: str, m: re.Match[str]) -> tuple[str, str | None, dict | None, bool]:
    """(kind, value, rule, approximate) for one pattern match."""
    g = m.groups()
    if kind == "iso":
        return "date", f"{g[0]}-{g[1]}-{g[2]}", None, False
    if kind in ("mdy", "dmy"):
        month, day = (g[0], g[1]) if kind == "mdy" else (g[1], g[0])
        mo, d, y = _month(month), int(day), _year(g[2])
        if not 1 <= d <= 31:
            return "", None, None, False
        if y:
            return "date", f"{y:04d}-{mo:02d}-{d:02d}", None, False
        return "date", None, {"month": mo, "day": d}, False
    if kind in ("numeric", "numeric_cued"):
        return _numeric_date(g)
    if kind in ("mdy_typo", "dmy_typo"):
        word, typo_day = (g[0], g[1]) if kind == "mdy_typo" else (g[1], g[0])
        typo_month = forgiven_month(word)
        if typo_month is None or not 1 <= int(typo_day) <= 31:
            return "", None, None, False
        return "date", f"{int(g[2]):04d}-{typo_month:02d}-{int(typo_day):02d}", None, False
    if kind == "clock24":
        clock = f"{int(g[0]):02d}:{g[1]}" + (f":{g[2]}" if g[2] else "")
        return "time", None, {"clock": clock}, False
    if kind == "narrative":
        narrative = _narrative_rule(g)
        return ("date", None, narrative, False) if narrative else ("", None, None, False)
    if kind == "after_event":
        unit_word: str = g[1].lower()
        n_after = 1.0 if g[0] is None and not unit_word.endswith("s") else _count(g[0] or "")
        if n_after is None or not float(n_after).is_integer():
            return "", None, None, False
        days = int(n_after) * (7 if unit_word.startswith("week") else 1)
        return "date", None, {"after_event": days}, False
    if kind == "my":
        return "date", f"{int(g[2]):04d}-{_month(g[1]):02d}", None, False
    if kind == "month":
        return "date", None, {"month": _month(g[0])}, False
    if kind == "year":
        return "date", g[0], None, False
    if kind == "decade":
        return "date", g[1], None, False
    if kind == "bare_year":
        return "date", g[0] or g[1], None, False
    if kind == "month_mod":
        return "date", None, {"month": _month(g[1]), "modifier": _modifier(g[0])}, False
    if kind == "season":
        rule: dict = {"season": SEASONS[g[1].lower()], "modifier": _modifier(g[0])}
        if g[2] or g[3]:
            return "date", f"{g[2] or g[3]}-{rule['season']}", None, False
        if not g[0]:
            return "", None, None, False  # a bare "summer" is too often no date at all
        return "date", None, rule, False
    if kind == "quarter":
        year = g[1] or g[3]
        n = int(g[2][0]) if g[2][0].isdigit() else ORDINALS[g[2].lower()]
        if year:
            return "date", f"{year}-Q{n}", None, False
        if g[0]:
            return "date", None, {"quarter": n, "year_shift": YEAR_SHIFT[g[0].lower()]}, False
        return "date", None, {"quarter": n}, False
    if kind == "month_year_rel":
        rule = {"month": _month(g[0]), "year_shift": YEAR_SHIFT[g[1].lower()]}
        return "date", None, rule, False
    if kind == "quarter_ref":
        word = re.sub(r"\s+", " ", g[0].lower())
        shift = -4 if "year-" in word else (0 if word in ("this", "the current") else None)
        return "date", None, {"quarter_ref": shift}, False
    if kind in ("earlier", "year_ago"):
        back = [1.0, "year"] if kind == "year_ago" else [_count(g[0]), g[1].lower().rstrip("s")]
        return "date", None, {"ago": back}, False
    if kind == "clock":
        if g[2].lower() in ("noon", "midnight"):
            return "time", None, {"clock": "12:00" if g[2].lower() == "noon" else "24:00"}, False
        hour = int(g[0]) % 12 + (12 if g[2].lower() == "p" else 0)
        if int(g[0]) > 12:
            return "", None, None, False
        return "time", None, {"clock": f"{hour:02d}:{g[1] or '00'}"}, False
    if kind == "ref":
        if g[0] and g[0].lower() == "recent":  # 'in recent years': some years, not a date
            return "duration", _duration_value(None, g[1]), None, True
        word = (g[0] or g[2] or g[3]).lower()
        return "ref", REFS.get(word, "PAST_REF"), None, False
    if kind == "holiday":
        name = re.sub(r"\s+", " ", g[0].lower()).replace(" day", "")
        return "date", None, {"holiday": name}, False
    if kind == "the_year":
        if g[0]:
            return "duration", "P1Y", None, False
        return "date", None, {"relative": "this year"}, False
    if kind == "spelled_year":
        if g[0]:
            return "date", "2000", None, False
        return "date", str(1900 + int(parse_number(g[1]) or 0)), None, False
    if kind == "set":
        word = g[0].lower().split()[-1]
        return "set", SETS.get(word), None, False
    if kind == "weekday":
        mod = {"previous": "last"}.get((g[0] or "").lower(), (g[0] or "").lower()) or None
        rule = {"weekday": WEEKDAYS.index(g[1].lower()), "modifier": mod}
        if g[2]:
            rule["part"] = PARTS[g[2].lower()]
        return "date", None, rule, False
    if kind == "hyphen_duration":
        return "duration", _duration_value(_count(g[0]), g[1]), None, False
    if kind == "duration":
        direction, approx, count, unit, tail = g
        if tail == "ago":
            return "date", None, {"ago": [_count(count), unit.lower().rstrip("s")]}, bool(approx)
        if count.lower() in ("a", "an") and unit.lower() == "second":
            return "", None, None, False  # "a second time", "a second attack": an ordinal
        return "duration", _duration_value(_count(count), unit), None, bool(approx)
    if kind == "ago":
        return "date", None, {"ago": [_count(g[0]), g[1].lower().rstrip("s")]}, False
    if kind == "vague_duration":
        return "duration", _duration_value(None, g[1]), None, True
    if kind == "relative":
        word = re.sub(r"\s+", " ", g[0].lower())
        if word == "now":
            return "date", "PRESENT_REF", None, False
        return "date", None, {"relative": word}, False
    return "", None, None, False


def find_times(text: str, start: int = 0, end: int | None = None) -> list[TimeExpr]:
    """All time expressions in text[start:end], longest match first, no overlaps."""
    end = len(text) if end is None else end
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    region = text[start:end]
    for kind, pattern in PATTERNS:
        needs = _NEEDS.get(kind)
        if needs is not None and needs.search(region) is None:
            continue
        for m in pattern.finditer(region):
            s, e = m.start() + start, m.end() + start
            if kind == "numeric_cued":  # the label stays out of the span
                s = m.start(1) + start
            if kind in ("month", "year"):  # keep a preposition out of the span, "mid-" in it
                s = m.start(1) + start
                lead = LEAD.search(text[max(0, s - 6) : s])
                if lead:
                    s -= len(lead.group(0))
            if _is_rate_or_generic(text, kind, s, e):
                continue
            if kind == "the_year" and m.group(1):  # 'the year ended June 30': 'ended' stays out
                e = m.start(1) + start
            if any(s < te and ts < e for ts, te in taken):
                continue
            tkind, value, rule, approx = _match_to_time(kind, m)
            if not tkind:
                continue
            t = TimeExpr(
                text=text[s:e],
                start=s,
                end=e,
                kind=tkind,
                value=value,
                rule=rule,
                approximate=approx,
            )
            _extend_since(text, t)
            taken.append((t.start, t.end))
            found.append(t)
    found.sort(key=lambda t: t.start)
    return _merge_clock_times(text, found)


RATE = re.compile(
    rf"(?:\d|\b(?:{_NUMWORD}))[\w,.$]*(?:\s+(?:million|billion))?\s+(?:\w+\s+)?$", re.I
)


def _is_rate_or_generic(text: str, kind: str, start: int, end: int) -> bool:
    """'$2 million a year', 'four flights a week': a rate, not a time; 'today's world':
    the present age, not the document date."""
    span = text[start:end].lower()
    if kind == "duration" and re.fullmatch(r"an?\s+\w+", span):
        return bool(RATE.search(text[max(0, start - 30) : start]))
    return span == "today" and text[end : end + 2] in ("'s", "\u2019s")


CLOCK_GLUE = re.compile(r"^(?:\s+on|,)?\s+$")
DATE_GLUE = re.compile(r"^(?:,)?\s+(?:at\s+)?(?:about\s+|around\s+)?$")


def _day_rule(t: TimeExpr) -> bool:
    """A date naming one day: '10 p.m. Wednesday', 'Tuesday at noon'."""
    if t.kind != "date":
        return False
    if t.value:
        return len(t.value) == 10
    r = t.rule or {}
    return (
        "weekday" in r
        or "day" in r
        or "narrative" in r
        or r.get("relative") in ("today", "yesterday", "tomorrow")
    )


WEEKDAY_GLUE = re.compile(r"^,?\s+$")


def _merge_clock_times(text: str, times: list[TimeExpr]) -> list[TimeExpr]:
    """A weekday before its date is one expression ('Saturday, April 25' takes the date's
    value). A clock time next to the day it falls on ('10 p.m. Wednesday', 'Apr 8, 2022
    09:46 PM') stays its own expression, on that day: its rule points at the day
    (`base_at`), and the day keeps its own value."""
    out: list[TimeExpr] = []
    for t in times:
        prev = out[-1] if out else None
        if (
            prev is not None
            and "weekday" in (prev.rule or {})
            and t.kind == "date"
            and (t.value and len(t.value) == 10 or "day" in (t.rule or {}))
            and WEEKDAY_GLUE.match(text[prev.end : t.start])
        ):
            t.start, t.text = prev.start, text[prev.start : t.end]
            if t.rule is not None:
                t.rule["on_weekday"] = (prev.rule or {})["weekday"]
            out[-1] = t
            continue
        if prev is not None:
            gap = text[prev.end : t.start]
            if prev.kind == "time" and _day_rule(t) and CLOCK_GLUE.match(gap):
                assert prev.rule is not None
                prev.rule["base_at"] = t.start
            elif t.kind == "time" and _day_rule(prev) and DATE_GLUE.match(gap):
                assert t.rule is not None
                t.rule["base_at"] = prev.start
        out.append(t)
    return out


def _extend_since(text: str, t: TimeExpr) -> None:
    """'since December 2022' / 'from 2021': a since range starting at the date."""
    if t.kind != "date":
        return
    m = SINCE.search(text[max(0, t.start - 8) : t.start])
    if m and m.group(1).lower() == "since":
        t.start -= len(text[max(0, t.start - 8) : t.start]) - m.start()
        t.text = text[t.start : t.end]
        t.kind = "since"


# -- resolution against the anchor --------------------------------------------


def iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _shift_month(day: dt.date, months: int) -> tuple[int, int]:
    idx = day.year * 12 + day.month - 1 + months
    return idx // 12, idx % 12 + 1


def _closest_year(anchor: dt.date, month: int, day: int | None) -> int:
    """Year for a month (and day) given without one: the occurrence nearest the anchor,
    preferring the past within about seven months (news reports look back)."""
    best = anchor.year
    best_score = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(y, month, day or 15)
        except ValueError:
            continue
        delta = (cand - anchor).days
        score = abs(delta) if delta <= 0 else delta * 2.5
        if best_score is None or score < best_score:
            best, best_score = y, score
    return best


def resolve(
    t: TimeExpr, anchor: dt.date | None, future: bool = False, nearest: bool = False
) -> str | None:
    """TimeML value of a relative expression against the document date, or None.

    With `nearest`, the anchor is a day the report is known to talk about (not its
    publication date) and a weekday resolves to the closest such day, before or after."""
    if t.value is not None or not t.rule or anchor is None:
        return t.value
    r = t.rule
    if "clock" in r:
        return _resolve_clock(r, anchor, future, nearest)
    if "weekday" in r and nearest and not r.get("modifier"):
        offset = (r["weekday"] - anchor.weekday()) % 7
        day = anchor + dt.timedelta(days=offset if offset <= 3 else offset - 7)
        return day.isoformat()
    if "weekday" in r:
        delta = (anchor.weekday() - r["weekday"]) % 7
        mod = r.get("modifier")
        if mod == "next" or (future and mod != "last"):
            day = anchor + dt.timedelta(days=(r["weekday"] - anchor.weekday()) % 7 or 7)
        elif mod == "last" and delta == 0:
            day = anchor - dt.timedelta(days=7)
        else:
            day = anchor - dt.timedelta(days=delta)
        return day.isoformat()
    if "season" in r:
        return _resolve_season(r, anchor, future)
    if "holiday" in r:
        return _resolve_holiday(r["holiday"], anchor, future)
    if "year_shift" in r:
        year = anchor.year + r["year_shift"]
        return f"{year:04d}-Q{r['quarter']}" if "quarter" in r else f"{year:04d}-{r['month']:02d}"
    if "quarter" in r:
        q = (anchor.month - 1) // 3 + 1
        year = anchor.year - 1 if r["quarter"] > q and not future else anchor.year
        return f"{year:04d}-Q{r['quarter']}"
    if "quarter_ref" in r:
        q = (anchor.month - 1) // 3 + 1
        if r["quarter_ref"] == 0:
            return f"{anchor.year:04d}-Q{q}"
        year, q = (anchor.year, q - 1) if q > 1 else (anchor.year - 1, 4)
        if r["quarter_ref"] == -4:
            year -= 1
        return f"{year:04d}-Q{q}"
    if "day" in r:
        y = _closest_year(anchor, r["month"], r["day"])
        if "on_weekday" in r:
            near = (y, y - 1, y + 1)
            y = _weekday_year(r["month"], r["day"], r["on_weekday"], near) or y
        return f"{y:04d}-{r['month']:02d}-{r['day']:02d}"
    if "month" in r:
        return f"{_month_year(anchor, r['month'], r.get('modifier'), future):04d}-{r['month']:02d}"
    if "ago" in r:
        count, unit = r["ago"]
        if count is None:
            return "PAST_REF"
        if not float(count).is_integer():
            return None
        n = int(count)
        if unit == "day":
            return (anchor - dt.timedelta(days=n)).isoformat()
        if unit == "week":
            return iso_week(anchor - dt.timedelta(weeks=n))
        if unit == "month":
            y, m = _shift_month(anchor, -n)
            return f"{y:04d}-{m:02d}"
        if unit == "year":
            return f"{anchor.year - n:04d}"
        return None
    if "relative" in r:
        return _resolve_relative(r["relative"], anchor)
    return None


def _month_year(anchor: dt.date, month: int, modifier: str | None, future: bool) -> int:
    """Year of a month named without one: 'last April' is the latest April before the
    document date, 'next April' the first after it; otherwise the nearest occurrence,
    after the document date only in a future-tense clause."""
    if modifier == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if modifier == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if future and modifier != "this":
        return anchor.year if month >= anchor.month else anchor.year + 1
    if modifier == "this":
        return anchor.year
    return _closest_year(anchor, month, None)


SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _resolve_season(r: dict, anchor: dt.date, future: bool) -> str:
    """'last summer', 'this fall': the season's year against the document date."""
    start = SEASON_START[r["season"]]
    mod = r.get("modifier")
    if mod == "last":
        year = anchor.year if start + 2 < anchor.month else anchor.year - 1
    elif mod == "next" or (future and mod != "this"):
        year = anchor.year if start > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return f"{year:04d}-{r['season']}"


def _holiday(name: str, year: int) -> dt.date:
    """Day of a fixed or rule-based US holiday in a year."""
    if name in ("thanksgiving", "election"):
        first = dt.date(year, 11, 1)
        if name == "thanksgiving":  # fourth Thursday of November
            return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        return first + dt.timedelta(days=(0 - first.weekday()) % 7 + 1)  # Tuesday after 1st Monday
    fixed = {"christmas": (12, 25), "christmas eve": (12, 24), "new year's": (1, 1),
             "new year's eve": (12, 31), "independence": (7, 4)}  # fmt: skip
    month, day = fixed[name]
    return dt.date(year, month, day)


def _resolve_holiday(name: str, anchor: dt.date, future: bool) -> str:
    """The holiday's latest occurrence up to the document date (its next one in a
    future-tense clause)."""
    this = _holiday(name, anchor.year)
    if future:
        return (this if this >= anchor else _holiday(name, anchor.year + 1)).isoformat()
    return (this if this <= anchor else _holiday(name, anchor.year - 1)).isoformat()


def _resolve_clock(r: dict, anchor: dt.date, future: bool, nearest: bool) -> str | None:
    """'10 p.m. Wednesday' -> the Wednesday's date with T22:00; a clock time alone is
    on the document date."""
    base: str | None = r.get("base_value")
    if base is None and r.get("base"):
        base = resolve(TimeExpr("", 0, 0, "date", rule=r["base"]), anchor, future, nearest)
    if base is None:
        base = anchor.isoformat()
    return f"{base[:10]}T{r['clock']}"


PART_WORDS = {"tonight": "NI", "last night": "NI", "overnight": "NI", "this morning": "MO",
              "this afternoon": "AF", "this evening": "EV"}  # fmt: skip


def _resolve_relative(word: str, anchor: dt.date) -> str | None:
    days = {"today": 0, "tonight": 0, "overnight": 0, "this morning": 0, "this afternoon": 0,
            "this evening": 0, "yesterday": -1, "last night": -1, "tomorrow": 1}  # fmt: skip
    if word in days:
        part = f"T{PART_WORDS[word]}" if word in PART_WORDS else ""
        return (anchor + dt.timedelta(days=days[word])).isoformat() + part
    if word.endswith("weekend"):
        return _resolve_weekend(word, anchor)
    if "current" in word:
        return f"{anchor.year:04d}"
    unit = word.split()[-1]
    offset = -1 if word.split()[0] in ("last", "the") and "coming" not in word else 0
    offset = 1 if word.startswith(("next", "the coming")) else offset
    if word.startswith(("earlier", "later")):
        offset = 0
    if unit == "week":
        return iso_week(anchor + dt.timedelta(weeks=offset))
    if unit == "month":
        y, m = _shift_month(anchor, offset)
        return f"{y:04d}-{m:02d}"
    if unit == "year":
        return f"{anchor.year + offset:04d}"
    return None


def _resolve_weekend(word: str, anchor: dt.date) -> str:
    """'the weekend' / 'last weekend': the one just past (or under way); 'next' and
    'this' weekend from Monday to Friday: the coming one."""
    if word.startswith("next") or (word.startswith("this") and anchor.weekday() < 5):
        day = anchor + dt.timedelta(days=7 if word.startswith("next") else 0)
    elif anchor.weekday() >= 5 and not word.startswith("last"):
        day = anchor
    else:
        day = anchor - dt.timedelta(days=7)
    return iso_week(day) + "-WE"


FUTURE_CUE = re.compile(
    r"\b(will|shall|'ll|to be held|scheduled|planned|planning|plans? to|(?:is|are) expected|"
    r"expected to|due to|set to|"
    r"(?:is|are) to|(?:is|are) going to|as soon as|as early as|next week's)\b",
    re.I,
)
PAST_PERFECT = re.compile(r"\bhad\s+(?:been\s+)?$", re.I)
CLAUSE_END = re.compile(r"[.;:!?,\n]|''|``|\u201d|\u201c")


def is_future_context(text: str, t: TimeExpr) -> bool:
    """A weekday in a future-tense clause ('talks will resume on Friday'): the cue comes
    before it in the same clause, within a few words ('they would appeal the decision,
    announced Wednesday' and 'had been scheduled to expire Friday' look back)."""
    before = text[max(0, t.start - 80) : t.start]
    ends = list(CLAUSE_END.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    cue = FUTURE_CUE.search(clause)
    return cue is not None and not PAST_PERFECT.search(clause[: cue.start()])


TOLD_RULES = ("clock", "narrative", "after_event")


def resolve_all(
    text: str, times: Iterable[TimeExpr], anchor: dt.date | None, nearest: bool = False
) -> None:
    """Fill in `value` of every relative expression in place. A quarter named earlier
    is the reference of 'the quarter' and 'a year earlier' (the same quarter a year
    before) in the text after it. Clock times, 'the previous day' and 'two days after
    the blast' are resolved last, against the days the text tells (see `_resolve_told`)."""
    times = list(times)
    _year_from_text(times, anchor)
    quarter: tuple[int, int, int] | None = None  # (year, quarter, end offset)
    for t in times:
        if t.rule and any(k in t.rule for k in TOLD_RULES):
            t.value = None
            continue
        if t.rule and t.value is None:
            t.value = _in_quarter_context(t, quarter) if anchor else None
            if t.value is None:
                t.value = resolve(t, anchor, future=is_future_context(text, t), nearest=nearest)
        m = QUARTER_VALUE.fullmatch(t.value or "")
        if m and (t.rule is None or "quarter" in t.rule):
            quarter = (int(m.group(1)), int(m.group(2)), t.end)
    _resolve_told(text, times, anchor, nearest)


CLOCK_REACH = 400  # characters within which a clock time falls on the day told before it
EVENT_WINDOW = 31  # days: the event 'two days after the blast' counts from is recent


def _day_of(t: TimeExpr) -> dt.date | None:
    day, precision = calendar_date(t.value)
    if day is None or precision != "day" or t.kind not in ("date", "time"):
        return None
    return dt.date.fromisoformat(day)


def _resolve_told(
    text: str, times: list[TimeExpr], anchor: dt.date | None, nearest: bool = False
) -> None:
    """Expressions told from the story's own time, in text order:
    - a clock time is on the day written next to it ('Apr 8, 2022 09:46 PM'), else on the
      day told just before it in the same paragraph, else on the document date;
    - 'the previous day', 'the next morning', 'a day later' count from the day told last
      before them (news narrative moves its reference day along), else the document date;
    - 'two days after the blast' counts from the earliest day of the recent days the text
      tells (the event's day), unless that lands after the document date: then the
      phrase dates the report's own day (with `nearest` the anchor is a day the report
      talks about, not its date, and sets no such bound)."""
    by_start = {t.start: t for t in times}
    told = sorted((d, t.start) for t in times if (d := _day_of(t)) is not None)
    latest = anchor or (told[-1][0] if told else None)
    recent = [d for d, _ in told if latest and 0 <= (latest - d).days <= EVENT_WINDOW]
    ordered = sorted(times, key=lambda x: x.start)
    last: tuple[dt.date, int] | None = None  # the day told last, and where
    for t in ordered:
        r = t.rule or {}
        if "narrative" in r:
            ref = last[0] if last else anchor
            t.value = (ref + dt.timedelta(days=r["narrative"])).isoformat() if ref else None
        elif "after_event" in r:
            t.value = None
            if recent:
                after = recent[0] + dt.timedelta(days=r["after_event"])
                bound = anchor if anchor and not nearest and after > anchor else None
                t.value = (bound or after).isoformat()
            elif anchor:
                t.value = anchor.isoformat()
        told_day = _day_of(t)
        if told_day is not None and "clock" not in r:
            last = (told_day, t.end)
    last = None
    for t in ordered:
        r = t.rule or {}
        told_day = _day_of(t)
        if "clock" not in r:
            if told_day is not None:
                last = (told_day, t.end)
            continue
        base = by_start.get(r.get("base_at", -1))
        on: dt.date | None = _day_of(base) if base is not None else None
        if on is None and last is not None:
            near = t.start - last[1] <= CLOCK_REACH and "\n" not in text[last[1] : t.start]
            if anchor is None or near:
                on = last[0]  # the day told just before (on an undated page: any before)
        on = on or anchor
        t.value = f"{on.isoformat()}T{r['clock']}" if on else None


def _year_from_text(times: list[TimeExpr], anchor: dt.date | None) -> None:
    """A day written without its year ('the following morning, August 5') after a full
    date ('August 4, 2020') is in that date's year when it falls within a season of it,
    or whenever the report has no date of its own."""
    last: dt.date | None = None
    for t in sorted(times, key=lambda x: x.start):
        r = t.rule or {}
        if t.rule is None and t.kind in ("date", "since") and _day_of(t) is not None:
            last = _day_of(t)
            continue
        if last is None or t.value is not None or "day" not in r or "month" not in r:
            continue
        fits = []
        for y in (last.year - 1, last.year, last.year + 1):
            try:
                fits.append(dt.date(y, r["month"], r["day"]))
            except ValueError:
                continue
        if not fits:
            continue
        day = min(fits, key=lambda d: abs((d - last).days))
        if anchor is None or abs((day - last).days) <= NARRATIVE_SEASON:
            t.value = day.isoformat()


NARRATIVE_SEASON = 92  # days


QUARTER_VALUE = re.compile(r"(\d{4})-Q([1-4])")
QUARTER_REACH = 1500  # characters within which 'a year earlier' still speaks of a quarter


def _in_quarter_context(t: TimeExpr, quarter: tuple[int, int, int] | None) -> str | None:
    """Value of a quarter reference or a year-back expression after a named quarter."""
    if quarter is None or not t.rule:
        return None
    year, q, end = quarter
    shift = t.rule.get("quarter_ref", 1)
    if shift is None or shift == -4:
        return f"{year + (-1 if shift else 0):04d}-Q{q}"
    year_back = t.rule.get("ago") == [1.0, "year"]
    if year_back and t.start - end <= QUARTER_REACH:
        return f"{year - 1:04d}-Q{q}"
    return None


# -- calendar dates of events --------------------------------------------------


DAY_VALUE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T|$)")
WEEK_VALUE = re.compile(r"(\d{4}-W\d{2})(?:-WE)?$")
MONTH_VALUE = re.compile(r"\d{4}-\d{2}")
YEAR_VALUE = re.compile(r"(\d{4})(?:-(?:Q[1-4]|H[12]|SP|SU|FA|WI))?")


@functools.lru_cache(maxsize=1 << 14)
def calendar_date(value: str | None) -> tuple[str | None, str | None]:
    """(date, precision) of a TimeML value on the calendar, in the spirit of ACLED's time
    precision: a day ('2023-09-20', also from '2023-09-20TMO' or a clock time), a week
    ('2023-W38', also its weekend), a month, or a year (also from a quarter, a half or a
    season). Anything else (durations, PRESENT_REF, decades) is no date: (None, None).
    (News repeats a few values: each is read once per process.)"""
    v = value or ""
    m = DAY_VALUE.match(v)
    if m:
        return m.group(1), "day"
    m = WEEK_VALUE.match(v)
    if m:
        return m.group(1), "week"
    if MONTH_VALUE.fullmatch(v):
        return v, "month"
    m = YEAR_VALUE.fullmatch(v)
    if m:
        return m.group(1), "year"
    return None, None


# -- document date -----------------------------------------------------------


RETROSPECTIVE = re.compile(
    r"\b(?:anniversary|since|ago|back in|as far back as|recalled?|remembered?)\b[^.]{0,30}$", re.I
)
RETRO_AFTER = re.compile(r"^\W{0,2}(?:attacks?|anniversary|bombings?|massacre)\b", re.I)


def _year_of(value: str | None) -> int | None:
    m = re.match(r"(\d{4})(?:$|-)", value or "")
    return int(m.group(1)) if m else None


def _falls_on(year: int, month: int, day: int, weekdays: set[int]) -> bool:
    try:
        return dt.date(year, month, day).weekday() in weekdays
    except ValueError:
        return False


def _weekday_year(month: int, day: int, weekday: int, years: Iterable[int]) -> int | None:
    """The one year among `years` in which the day falls on the weekday."""
    fits = [y for y in years if _falls_on(y, month, day, {weekday})]
    return fits[0] if len(fits) == 1 else None


DEADLINE = re.compile(
    r"\b(?:until|through|by|due|matur\w*|expir\w*|effective|deadline|starting|from)\b[^.,;]{0,25}$",
    re.I,
)


def _prospective(text: str, t: TimeExpr) -> bool:
    """A date ahead of the writing: a future-tense clause, a deadline or a maturity
    ('the offer expires Nov. 9', 'notes due March 1, 2011')."""
    if not text:
        return False
    return is_future_context(text, t) or bool(DEADLINE.search(text[max(0, t.start - 40) : t.start]))


def _retrospective(text: str, t: TimeExpr) -> bool:
    """A date told as a memory ('the anniversary of September 11, 2001')."""
    if not text:
        return False
    return bool(
        RETROSPECTIVE.search(text[max(0, t.start - 60) : t.start])
        or RETRO_AFTER.match(text[t.end : t.end + 20])
    )


def infer_document_date(times: list[TimeExpr], text: str = "") -> dt.date | None:
    """When a report was written, from its own text; None when it does not say.

    The latest calendar day it mentions, where:
    - a day ahead of the writing (a future clause, a deadline, a maturity), one told as
      a memory ('the anniversary of September 11, 2001'), a 'since' date and a bare
      year never give the date;
    - a day from an earlier year than the latest year mentioned is history;
    - a day given without a year comes after the latest month-and-year mentioned and
      takes the year that makes it fall on a weekday the text names ('Wednesday ...
      September 20');
    - the day must fall on a weekday the text names ('on Tuesday'); a text that names
      none gets no inferred date."""
    usable = [t for t in times if t.kind != "ref" and not _prospective(text, t)]
    latest_year = max((y for t in usable if (y := _year_of(t.value))), default=None)
    weekdays = {
        t.rule["weekday"]
        for t in times
        if t.rule and "weekday" in t.rule and not t.rule.get("modifier")
    } | {  # a weekday written with its date ("Monday, March 3, 2025") names it too
        WEEKDAYS.index(m.group(0).lower())
        for t in times
        if t.kind == "date" and (t.rule is None or "on_weekday" in t.rule)
        and (m := re.search(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", t.text))
    }  # fmt: skip
    explicit: list[tuple[int, int]] = []
    days: list[dt.date] = []
    for t in usable:
        v = t.value or ""
        if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", v):
            explicit.append((int(v[:4]), int(v[5:7])))
        if t.kind not in ("date", "time") or not re.match(r"\d{4}-\d{2}-\d{2}", v) or t.rule:
            continue
        day = dt.date.fromisoformat(v[:10])
        if (latest_year and day.year < latest_year) or _retrospective(text, t):
            continue
        days.append(day)
    yearless = [t.rule for t in usable if t.rule and "day" in t.rule and t.value is None]
    if yearless and explicit:
        floor_year, floor_month = max(explicit)
        for r in yearless:
            mo, d = r["month"], r["day"]
            year = floor_year if (mo, d) >= (floor_month, 1) else floor_year + 1
            named = {r["on_weekday"]} if "on_weekday" in r else weekdays
            if not _falls_on(year, mo, d, named) and _falls_on(year + 1, mo, d, named):
                year += 1
            try:
                days.append(dt.date(year, mo, d))
            except ValueError:
                continue
    # a text naming no weekday confirms no day: its latest full date is as often history
    days = [day for day in days if day.weekday() in weekdays]
    return max(days) if days else None


# -- spaCy component ------------------------------------------------------------


def _covered(t_start: int, t_end: int, times: list[TimeExpr]) -> bool:
    return any(t.start < t_end and t_start < t.end for t in times)


def _dateparser_fallback(doc: Doc, times: list[TimeExpr], body_start: int) -> None:
    """spaCy DATE entities the rules missed: keep the span, value at the right precision
    only where dateparser gives an absolute date with an explicit year in the text."""
    for ent in doc.ents:
        if ent.label_ != "DATE" or ent.start_char < body_start:
            continue
        if _covered(ent.start_char, ent.end_char, times):
            continue
        if not re.search(r"\b(?:1[89]|20)\d\d\b", ent.text) or not re.search(_MONTH, ent.text):
            continue  # only a calendar date with a month name and a plausible year
        import dateparser

        parsed = dateparser.parse(
            ent.text, settings={"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["year"]}
        )
        if parsed is None:
            continue
        value = (
            parsed.date().isoformat() if re.search(r"\b\d{1,2}\b", ent.text) else str(parsed.year)
        )
        times.append(
            TimeExpr(
                text=ent.text, start=ent.start_char, end=ent.end_char, kind="date", value=value
            )
        )
    times.sort(key=lambda t: t.start)


CITY_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Za-z.'\- ]{{1,40}},\s+(?:[A-Z][A-Za-z.]+,\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"
    r"(?:,?\s+\d{4})?\s*(?:\([^)\n]{1,40}\))?\s*[-_\u2013\u2014]*\s*$"
)


def _header_dateline_times(text: str, body_start: int, header: Any = None) -> list[TimeExpr]:
    """Time expressions of the header's lines: the title ('... day after blast'), a photo
    caption, timestamp and dateline lines ('Published: Apr 8, 2022 09:46 PM', 'KYIV, March
    3 (Agency) --'); never the store's leading date marker or a byline."""
    out: list[TimeExpr] = []
    spans = [
        (a, b)
        for a, b, role in getattr(header, "line_spans", [])
        if role in ("dateline", "title", "credit")
    ]
    pos = getattr(header, "marker_span", None)
    start = pos[1] if pos else 0
    for line in text[start:body_start].split("\n"):
        if CITY_DATELINE.match(line) and not any(a <= start < b for a, b in spans):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    for a, b in sorted(spans):
        out += find_times(text, a, b)
    return out


@Language.component("parallax_times", assigns=["doc._.times", "doc.spans"])
def times_component(doc: Doc) -> Doc:
    """Sets doc._.times: time expressions of the body (after any header lines) and of the
    header's timestamp lines; and the span group "parallax_times". Needs no parse: the
    header (doc._.header, from parallax_lines) and DATE entities are used when present."""
    header = doc._.header
    body_start = header.body_start if header else 0
    text = doc_text(doc)
    times = _header_dateline_times(text, body_start, header) + find_times(text, body_start)
    _dateparser_fallback(doc, times, body_start)
    doc._.times = times
    write_times(doc)
    return doc


__all__ = ["find_times", "resolve", "resolve_all", "infer_document_date", "iso_week", "TimeExpr"]
