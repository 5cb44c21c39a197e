"""Header lines of a report: title, image credit, byline and dateline, told apart
before sentence parsing so that a credit line is never taken for an author and a
title never runs into the first sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_HEADER_LINES = 8
CREDIT_START = re.compile(
    r"^\s*(?:image|photo|picture|photograph|illustration|video|graphic|caption)s?\b"
    r"|^\s*(?:credit|source)\s*:",
    re.I,
)
CREDIT_HINT = re.compile(
    r"(?:https?://|www\.|\.(?:com|org|net|az|am|ru|gov|io)\b|\bvia\b|wikipedia|wikimedia|getty|"
    r"\bafp\b|reuters|shutterstock|\bap photo\b|/|\bimages?\b|\bphotos?\b)",
    re.I,
)
BYLINE = re.compile(r"^\s*[*_]*\s*by\s+(.+?)\s*[*_]*\s*$", re.I)
NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|de|van|von|der|da|al|bin|la|le)$")
DATELINE = re.compile(
    r"^\s*(?:(?:Published|Updated|Posted)\s*:?\s*)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"[\s\d:APMUTC.+-]*$"
)


@dataclass
class Header:
    title: str | None = None
    author: str | None = None
    image_credit: str | None = None
    dateline: str | None = None
    body_start: int = 0  # offset of the first body character
    line_spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, role)

    @property
    def title_span(self) -> tuple[int, int] | None:
        """(start, end) of the title line, if the header has one."""
        return next(((a, b) for a, b, role in self.line_spans if role == "title"), None)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_person_name(name: str) -> bool:
    words = re.split(r"\s+", name.strip())
    names = [w for w in words if w.lower() not in ("and",)]
    return 1 <= len(names) <= 6 and all(NAME_WORD.match(w) for w in names)


def _clean_name(name: str) -> str:
    """'Mary O'KEEFE' -> 'Mary O'Keefe': fix shouted surnames, keep the rest."""
    words = []
    for w in name.split():
        words.append(w.title() if w.isupper() and len(w) > 2 else w)
    return " ".join(words).strip(" ,*_")


def credit_text(line: str) -> str:
    """The credited source of an image credit line."""
    m = re.search(r"\b(?:provided by|courtesy of|credit:|by)\s+(.+)$", line, re.I)
    return (m.group(1) if m else line).strip(" *_")


def classify_line(line: str) -> tuple[str, str | None]:
    """Role of one header line: title | credit | byline | dateline | body, and its value."""
    stripped = line.strip()
    if CREDIT_START.match(stripped):
        return "credit", credit_text(stripped)
    m = BYLINE.match(stripped)
    if m and len(m.group(1).split()) <= 8 and not stripped.endswith("."):
        who = m.group(1)
        if CREDIT_HINT.search(who) or not _is_person_name(who):
            return "credit", who.strip(" *_")
        return "byline", _clean_name(who)
    if DATELINE.match(stripped):
        return "dateline", stripped
    words = stripped.split()
    if stripped.startswith("#"):
        return "title", stripped.lstrip("# ").strip()
    if len(words) <= 25 and not re.search(r"[.:;,]\s*[\"”’']?$", stripped):
        return "title", stripped.strip("*_ ")
    return "body", None


def split_header(text: str) -> Header:
    """Title, credit, byline and dateline lines at the top of a report."""
    header = Header()
    seen = 0
    for (
        start,
        end,
    ) in _lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        role, value = classify_line(line)
        if role == "body" or seen >= MAX_HEADER_LINES:
            header.body_start = start
            return header
        if role == "title" and (header.title or header.author or header.image_credit):
            header.body_start = start  # a second short line after the byline is body (a subhead)
            return header
        seen += 1
        header.line_spans.append((start, end, role))
        if role == "title":
            header.title = value
        elif role == "byline" and header.author is None:
            header.author = value
        elif role == "credit" and header.image_credit is None:
            header.image_credit = value
        elif role == "dateline":
            header.dateline = value
        header.body_start = end
    return header
