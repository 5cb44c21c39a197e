"""The per-report stage's shortcuts give what the plain code gave: the document text read
once (`doc_text`), quotation marks found by search, time patterns skipped on texts that
lack a word every match needs, the language guess counted in C, span attributes encoded
from a record's fields. Each is checked against the plain version it replaced."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.extensions import doc_text
from parallax.extract import times as times_mod
from parallax.extract.framing import PATTERNS as FRAMING_PATTERNS
from parallax.extract.framing import _term_matches
from parallax.extract.quotes import DOUBLED_APOSTROPHE, _marks
from parallax.extract.times import _NEEDS, PATTERNS, find_times
from parallax.language import _SCRIPTS, _STOPWORDS, _TOKEN_RE, detect_language
from parallax.models import Figure, TimeExpr
from parallax.nlp import MAX_RUN, BoundedTokenizer, parse_pieces
from parallax.spans import _plain

REPORT = (
    "Shelling hits Dornik market\n\n"
    "DORNIK (Northwire) - At least 14 people were killed on Monday, March 3, 2025, when "
    "shells hit the market, the regional health ministry said. \u201cThere were no soldiers "
    "there,\u201d said Aurel Stanek. Two days after the attack, a 36-hour ceasefire began.\n"
)


# -- doc_text --------------------------------------------------------------------------


def test_doc_text_is_the_text_and_read_once() -> None:
    nlp = spacy.blank("en")
    doc = nlp(REPORT)
    first = doc_text(doc)
    assert first == doc.text == REPORT
    assert doc_text(doc) is first  # kept, not joined again


def test_the_tokenizer_remembers_its_input() -> None:
    tokenizer = BoundedTokenizer(spacy.blank("en").tokenizer)
    doc = tokenizer(REPORT)
    assert doc_text(doc) is REPORT
    long_run = "x" * (MAX_RUN * 3 + 7)  # cut into pieces and joined again
    text = f"Before {long_run} after."
    doc = tokenizer(text)
    assert doc_text(doc) is text
    assert doc.text == text


def test_pieces_joined_keep_the_whole_text(nlp) -> None:  # noqa: ANN001
    text = ("Valdorian officials said the talks in Velgrad would resume. " * 30 + "\n\n") * 3
    doc = parse_pieces(nlp, text, size=800, processes=1)
    assert doc_text(doc) == doc.text == text


# -- quotation marks -------------------------------------------------------------------


def _marks_by_character(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The loop `_marks` replaced: every character looked at."""
    out = []
    i = start
    while i < end:
        ch = text[i]
        if ch in "\u201c\u201d":
            out.append((i, 1, "open" if ch == "\u201c" else "close"))
        elif ch == '"' and text[i - 1 : i] == "=":
            close = text.find('"', i + 1, end)
            i = close if close != -1 else i
        elif ch == '"':
            out.append((i, 1, "straight"))
        elif text.startswith(DOUBLED_APOSTROPHE, i):
            out.append((i, 2, "straight"))
            i += 1
        i += 1
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab =\"'\u201c\u201d\n", max_size=30),
    st.integers(min_value=0, max_value=32),
    st.integers(min_value=0, max_value=32),
)
def test_marks_found_by_search_as_by_character(text: str, start: int, end: int) -> None:
    end = min(end, len(text))
    assert _marks(text, start, end) == _marks_by_character(text, start, end)


def test_marks_on_markup_and_doubled_apostrophes() -> None:
    text = "He said ''we will stay'' and <a title=\"x\">\u201cgo\u201d</a> ''"
    assert _marks(text, 0, len(text)) == _marks_by_character(text, 0, len(text))
    # a doubled apostrophe that runs past the paragraph's end still counts, as before
    assert _marks("ab''", 0, 3) == [(2, 2, "straight")]


# -- time patterns ---------------------------------------------------------------------

TIME_SENTENCES = [
    "In the year two thousand, and again in nineteen ninety-six, the plant closed.",
    "Profits in the first quarter of 2024 beat the same quarter a year earlier; the "
    "year-ago period was weak, below the year-earlier level.",
    "Last summer, and in the spring of 2023, the river flooded for several weeks.",
    "The previous day, and the night before the vote, a few days later, crowds gathered.",
    "Two days after the blast, a week after the incident, rescuers left.",
    "Three hours earlier, a 36-hour barrage and a two-week truce had ended.",
    "Five years ago, about two weeks ago, the town was calm.",
    "Published: 27-09-2023 and updated 08.30.20 at 10:45 GMT; on 04/08/2022 it rained.",
    "Nineteen people died. Many years, thousands of days, hundreds of hours passed.",
    "They met on Tuesday morning, March 4, 2025, and again on Friday.",
]


def _without_needs(monkeypatch: pytest.MonkeyPatch, text: str) -> list[TimeExpr]:
    with monkeypatch.context() as m:
        m.setattr(times_mod, "_NEEDS", {})
        return find_times(text)


@pytest.mark.parametrize("text", TIME_SENTENCES)
def test_time_patterns_skipped_only_where_they_find_nothing(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = find_times(text)
    assert found  # every sentence has a time expression
    assert found == _without_needs(monkeypatch, text)


def test_every_match_holds_what_its_pattern_needs() -> None:
    kinds = {kind for kind, _ in PATTERNS}
    assert set(_NEEDS) <= kinds
    matched = set()
    for kind, pattern in PATTERNS:
        needs = _NEEDS.get(kind)
        if needs is None:
            continue
        for text in TIME_SENTENCES:
            for m in pattern.finditer(text):
                assert needs.search(m.group(0)), (kind, m.group(0))
                matched.add(kind)
    assert matched == set(_NEEDS)  # each need was checked on a real match


WORDS = [
    "two", "thousand", "nineteen", "ninety-six", "quarter", "period", "spring", "fall",
    "many", "several", "days", "later", "previous", "day", "night", "before", "after",
    "week", "weeks", "earlier", "year-ago", "year-", "36-hour", "two-week", "ago", "the",
    "a", "few", "27-09-2023", "08.30.20", "published:", "updated", "Monday", "March", "4",
    "2025", ",", ".", "\n", "Ago", "LATER", "Quarter",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25))
def test_time_patterns_skipped_as_not_skipped(words: list[str]) -> None:
    text = " ".join(words)
    saved = dict(_NEEDS)
    found = find_times(text)
    try:
        _NEEDS.clear()
        plain = find_times(text)
    finally:
        _NEEDS.update(saved)
    assert found == plain


# -- language --------------------------------------------------------------------------


def _language_by_character(text: str) -> str:
    """The guess as it was computed before: every letter's script looked up in Python."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "und"
    for lang, ranges in _SCRIPTS.items():
        hits = sum(1 for c in letters if any(lo <= ord(c) <= hi for lo, hi in ranges))
        if hits * 2 > len(letters):
            return lang
    if sum(ord(c) > 0x24F for c in letters) * 2 > len(letters):
        return "und"
    tokens = _TOKEN_RE.findall(text.lower())
    counts = {lang: sum(t in words for t in tokens) for lang, words in _STOPWORDS.items()}
    best = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    if len(tokens) < 20:
        if counts["en"] and counts["en"] >= counts[best]:
            return "en"
        return best if counts[best] else "und"
    share = counts[best] / len(tokens)
    if best == "en":
        return "en" if share >= 0.12 else "und"
    return best if share >= 0.08 else "und"


LANGUAGE_PIECES = [
    "the", "of", "said", "le", "la", "der", "und", "el", "və", "Привет", "мир", "مرحبا",
    "Բարև", "日本語", "ſK", "ı", "İ", "²½", "ǅ", "٣", "ɐɑ", "ΩΣ", "\u024f\u0250", "x", "1",
    ",", "\u201c", " ",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LANGUAGE_PIECES), max_size=60))
def test_language_guess_as_by_character(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert detect_language(text) == _language_by_character(text)


# -- span attributes -------------------------------------------------------------------


@dataclasses.dataclass
class _Inner:
    a: int = 1
    b: tuple[int, ...] = (1, 2)


@dataclasses.dataclass
class _Outer:
    items: list[Any]
    table: dict[str, Any]
    other: object = None
    kind: type = _Inner


def _plain_by_asdict(record: Any) -> dict[str, Any]:
    is_record = dataclasses.is_dataclass(record) and not isinstance(record, type)
    fields = dataclasses.asdict(record) if is_record else dict(record)
    result: dict[str, Any] = json.loads(json.dumps(fields, default=str))
    return result


@pytest.mark.parametrize(
    "record",
    [
        Figure("14 people were killed", 0, 21, "killed", 14, "at_least", of_which={"children": 3}),
        TimeExpr("Monday", 0, 6, "date", None, {"weekday": 0, "modifier": None}),
        _Outer([_Inner(), 2, (_Inner(), "s")], {"k": _Inner(), "t": (1, 2)}, {1}),
        {"a": (1, _Inner()), "b": None},
    ],
)
def test_span_attributes_as_through_asdict(record: Any) -> None:
    assert _plain(record) == _plain_by_asdict(record)


FRAMING_WORDS = [
    "anti-terror", "counter-terrorist", "operation", "measures", "ethnic", "ethnically",
    "cleansing", "occupation", "occupied", "territory", "occupiers", "terrorists", "war",
    "crimes", "criminals", "self-proclaimed", "self-styled", "puppet", "regime", "illegal",
    "armed", "formations", "groups", "liberated", "massacres", "the", "a", ",", "-", "\n",
    "counter", "terror", "anti terror", "junta", "separatism", "genocidal",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAMING_WORDS), max_size=40), st.sampled_from([" ", "", "-"]))
def test_framing_terms_tried_where_one_starts_as_scanned(words: list[str], sep: str) -> None:
    """Each term's pattern tried only where some term starts finds what a scan of the
    whole text per term found (overlapping terms, adjacent words, no spaces)."""
    low = sep.join(words).lower()
    plain = [(t, m.start(), m.end()) for t, p in FRAMING_PATTERNS for m in p.finditer(low)]
    assert list(_term_matches(low)) == plain
