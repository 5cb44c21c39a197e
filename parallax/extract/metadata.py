"""Header lines of a report: title, image credit, byline and dateline, told apart
before sentence parsing so that a credit line is never taken for an author and a
title never runs into the first sentence; and the metadata that pages print outside
the header: the store's leading date marker, a dateline opening the first paragraph
('KYIV, Jan 5 (Reuters) -'), photo credits in captions ('(Ana Kovac/AP)') and the
closing '(Reporting by X; Editing by Y)' line.

Word lists (news agencies, page furniture, timestamp labels) are data:
parallax/lexicons/en/metadata.json."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "en" / "metadata.json"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LEXICON.read_text(encoding="utf-8"))
    return data


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


MAX_HEADER_LINES = 8
CREDIT_START = re.compile(
    r"^\s*(?:image|photo|picture|photograph|illustration|video|graphic|caption)s?\b"
    r"|^\s*(?:credit|source)\s*:",
    re.I,
)
CREDIT_HINT = re.compile(
    r"(?:https?://|www\.|\.(?:com|org|net|az|am|ru|gov|io)\b|\bvia\b|wikipedia|wikimedia|getty|"
    r"\bafp\b|shutterstock|\bap photo\b|/|\bimages?\b|\bphotos?\b)",
    re.I,
)
BYLINE = re.compile(r"^\s*[*_]*\s*by\s+(.+?)\s*[*_]*\s*$", re.I)
NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|de|van|von|der|da|al|bin|la|le)$")
DATELINE = re.compile(
    r"^\s*(?:(?:Published|Updated|Posted)\s*:?\s*)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"[\s\d:APMUTC.+-]*$",
    re.I,
)
# the store's metadata before the text: ' date 2023-09-21 ' (a day, or only a month)
MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*(?:-[ \t]*(?=\n|$))?")
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY_MONTH = (
    rf"(?:(?i:{_MONTHS})\s+\d{{1,2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?i:{_MONTHS}))(?:,?\s+\d{{4}})?"
)
_PLACE = r"[A-Z][A-Za-z'’.\-]+(?:\s+[A-Z][A-Za-z'’.\-]+){0,3}"
# 'KYIV, Jan 5 (Reuters) -', 'MOSCOW, April 8. /TASS/.', 'VELGRAD (Meridian Wire) -',
# 'GENEVA, (Reuters) –', 'MOSCOW (Lisk News / Sputnik - 08th April, 2022)', 'Baku, September 19'
INLINE_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{_PLACE})(?:,[ \t]+(?P<region>{_PLACE}))?"
    rf"(?:,?[ \t]+(?P<date>{_DAY_MONTH})\.?)?,?[ \t]*"
    r"(?:/(?P<slash>[A-Za-z][\w .-]{1,30})/\.?[ \t]+"
    r"|\((?P<paren>[^()\n]{2,60})\)(?:[ \t]*[-\u2013\u2014:]+[ \t]|[ \t]+(?=[A-Z\"\u201c])|[ \t]*$)"
    r"|[-\u2013\u2014:]+[ \t]|[ \t]*$)"
)
TABLE_ROW = re.compile(r"\s\|(?:\s|$)|^\|")
LIST_ITEM = re.compile(r"^\s*[-*\u2022]\s")


@dataclass
class Header:
    title: str | None = None
    author: str | None = None
    image_credit: str | None = None
    dateline: str | None = None
    body_start: int = 0  # offset of the first body character
    line_spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, role)
    marker_date: str | None = None  # the store's leading ' date YYYY-MM-DD' marker
    marker_span: tuple[int, int] | None = None
    outlet: str | None = None  # a news agency credited in a byline or dateline

    @property
    def title_span(self) -> tuple[int, int] | None:
        """(start, end) of the title line, if the header has one."""
        return next(((a, b) for a, b, role in self.line_spans if role == "title"), None)


def _lines(text: str, start: int = 0) -> list[tuple[int, int]]:
    spans, pos = [], start
    for line in text[start:].split("\n"):
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


@lru_cache(maxsize=1)
def _agency_re() -> re.Pattern[str]:
    return re.compile(rf"(?i:\b({_alternation(lexicon()['agencies'])})\b)")


def agency_name(text: str) -> str | None:
    """The news agency a short credit names ('Reuters', 'UrduPoint News / Sputnik'):
    the credit as written when it names a known agency, else None."""
    text = text.strip(" ,.;:-\u2013\u2014/")
    if not text or len(text.split()) > 6:
        return None
    return text if _agency_re().search(text) else None


def is_agency(text: str) -> bool:
    return bool(re.fullmatch(_agency_re().pattern, text.strip(" *_.,")))


def credit_text(line: str) -> str:
    """The credited source of an image credit line."""
    m = re.search(r"\b(?:provided by|courtesy of|credit:|by)\s+(.+)$", line, re.I)
    return (m.group(1) if m else line).strip(" *_")


@lru_cache(maxsize=1)
def _furniture() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon()["furniture"])


@lru_cache(maxsize=1)
def _link_list_re() -> re.Pattern[str]:
    return re.compile(rf"(?i)^\W*(?:{_alternation(lexicon()['link_lists'])})\W*$")


def is_furniture(line: str) -> bool:
    """Page furniture: 'ADVERTISEMENT', 'Left Menu', a section label ('CONFLICT', 'World
    news'), a bare dash; never a title."""
    s = line.strip(" \t*_#=|-\u2013\u2014:")
    if not s:
        return True
    if s.lower() in _furniture():
        return True
    return len(s.split()) <= 2 and not BYLINE.match(line) and not re.search(r"[.!?\"”]$", s)


def is_navigation(line: str) -> bool:
    """A menu bar: eight or more capitalised words, no lower-case word, no digit."""
    words = line.split()
    return (
        len(words) >= 8
        and not re.search(r"\d", line)
        and all(not w[0].islower() for w in words if w[0].isalpha())
    )


@lru_cache(maxsize=1)
def _stamp_residue() -> re.Pattern[str]:
    lex = lexicon()
    words = lex["timestamp_labels"] + lex["time_zones"]
    return re.compile(
        rf"(?i)\b(?:{_alternation(words)}|at|and|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
    )


def timestamp_agency(line: str) -> tuple[bool, str | None]:
    """Whether a line is a publication timestamp ('Published: Apr 8, 2022 09:46 PM',
    'Reuters | Updated: 08-04-2022 16:26 IST', 'AUGUST 5, 2020 00:59'), and the agency it
    credits. Only dates, clock times, their labels, zones and one agency may be on it."""
    from parallax.extract.times import find_times

    s = line.strip()
    if not s or len(s.split()) > 16 or LIST_ITEM.match(s):
        return False, None
    times = find_times(s)
    dated = [
        t for t in times if t.kind in ("date", "time") and (t.value or "day" in (t.rule or {}))
    ]
    if not any(t.kind == "date" for t in dated):
        return False, None
    rest, pos = [], 0
    for t in times:
        rest.append(s[pos : t.start])
        pos = t.end
    rest.append(s[pos:])
    residue = _stamp_residue().sub(" ", " ".join(rest))
    agency = None
    m = _agency_re().search(residue)
    if m:
        agency = m.group(1)
        residue = residue[: m.start()] + residue[m.end() :]
    if re.search(r"[A-Za-z0-9]", residue):
        return False, None
    return True, agency


def classify_line(line: str) -> tuple[str, str | None]:
    """Role of one header line: title | credit | byline | dateline | furniture | body, and
    its value."""
    stripped = line.strip()
    if CREDIT_START.match(stripped):
        return "credit", credit_text(stripped)
    m = BYLINE.match(stripped)
    if m and len(m.group(1).split()) <= 8 and not stripped.endswith("."):
        who = m.group(1).strip(" *_")
        if is_agency(who):
            return "byline", who
        if CREDIT_HINT.search(who) or not _is_person_name(who):
            return "credit", who
        return "byline", _clean_name(who)
    if DATELINE.match(stripped) or timestamp_agency(stripped)[0]:
        return "dateline", stripped
    d = INLINE_DATELINE.match(stripped)
    if d and d.group("date") and d.end() >= len(stripped.rstrip()):
        return "dateline", stripped  # 'Baku, September 19' on a line of its own
    if is_agency(stripped.strip(" |\u2022\u2013\u2014-")):
        return "byline", stripped.strip(" |\u2022\u2013\u2014-")  # 'Reuters |' over the date
    if any(p.search(stripped) for p in CREDIT_PATTERNS):
        return "body", None  # a photo caption ending in its credit: text to read, no title
    if TABLE_ROW.search(stripped) or LIST_ITEM.match(stripped):
        return "body", None
    if is_furniture(stripped) or is_navigation(stripped):
        return "furniture", None
    words = stripped.split()
    if stripped.startswith(("#", "=")):
        return "title", stripped.strip("#= ").strip()
    if len(words) <= 25 and not re.search(r"[.:;,]\s*[\"”’']?$", stripped):
        return "title", stripped.strip("*_ ")
    return "body", None


def _has_lower_word(title: str) -> bool:
    return any(w[0].islower() for w in title.split() if w[0].isalpha())


def split_header(text: str) -> Header:
    """Title, credit, byline and dateline lines at the top of a report.

    Page furniture ('ADVERTISEMENT', a menu bar, a section label) is skipped. The title is
    the first title-like line that reads as a headline (has a lower-case word), else the
    first title-like line; a bare name right after it is the byline. Further title-like
    lines (a subhead) belong to the header only when a byline or timestamp follows them."""
    header = Header()
    start = 0
    marker = MARKER.match(text)
    if marker:
        header.marker_date = marker.group(1)
        header.marker_span = (marker.start(1) - len("date "), marker.end(1))
        start = header.body_start = marker.end()
    rows: list[tuple[int, int, str, str | None]] = []
    for a, b in _lines(text, start):
        line = text[a:b]
        if not line.strip():
            continue
        if len(rows) >= MAX_HEADER_LINES:
            break
        if _link_list_re().match(line):
            break  # 'ALSO READ' and the links after it: no header beyond
        role, value = classify_line(line)
        if role == "body":
            break
        rows.append((a, b, role, value))
    titles = [i for i, r in enumerate(rows) if r[2] == "title"]
    chosen = next((i for i in titles if _has_lower_word(rows[i][3] or "")), None)
    if chosen is None and titles:
        chosen = titles[0]
    keep = len(rows)
    if chosen is not None:
        later = [i for i, r in enumerate(rows) if i > chosen and r[2] in ("byline", "dateline")]
        for i in range(chosen + 1, len(rows)):
            a, b, role, _ = rows[i]
            line = text[a:b].strip()
            if (
                role in ("title", "furniture")
                and i == chosen + 1
                and 2 <= len(line.split()) <= 4
                and line.lower() not in _furniture()
                and _is_person_name(line)
                and not line.isupper()
            ):
                rows[i] = (a, b, "byline", _clean_name(line))
                continue
            if role == "title" and not any(j > i for j in later):
                keep = i
                break
    for i, (a, b, role, value) in enumerate(rows[:keep]):
        if role == "title" and i != chosen:
            role = "furniture"
        header.line_spans.append((a, b, role))
        if role == "title":
            header.title = value
        elif role == "byline" and header.author is None:
            header.author = value
        elif role == "credit" and header.image_credit is None:
            header.image_credit = value
        elif role == "dateline":
            header.dateline = value
            ok, agency = timestamp_agency(value or "")
            if agency and header.outlet is None:
                header.outlet = agency
        header.body_start = b
    for a, b in _lines(text, header.body_start):  # the body starts at its first line
        if text[a:b].strip():
            header.body_start = a
            break
    if header.author and is_agency(header.author):
        header.outlet = header.outlet or header.author
    _first_paragraph_dateline(text, header)
    return header


def _first_paragraph_dateline(text: str, header: Header) -> None:
    """'KYIV, Jan 5 (Reuters) - ...' opening the first paragraph: its date (when the
    header has none) and the agency in it."""
    paragraphs = [p for p in text[header.body_start :].split("\n") if p.strip()][:3]
    for para in paragraphs:  # the first paragraph may follow a subhead
        m = INLINE_DATELINE.match(para)
        if m and (m.group("date") or m.group("paren") or m.group("slash")):
            break
    else:
        return
    agency = None
    if m.group("slash"):
        agency = agency_name(m.group("slash"))
    elif m.group("paren"):
        credit = re.split(r"\s+[-\u2013\u2014]\s+", m.group("paren"))[0].strip()
        agency = agency_name(credit)
        wire = m.group("place").isupper() and re.fullmatch(r"(?:[A-Z][\w&.'-]*\s?){1,4}", credit)
        if agency is None and wire and re.search(r"[-\u2013\u2014]\s*$", m.group(0)):
            agency = credit  # 'VELGRAD (Meridian Wire) -': a wire's own dateline
        if agency is None and not m.group("date"):
            return  # '(Lisk Region) -' is no dateline
    if agency and header.outlet is None:
        header.outlet = agency
    if header.dateline is None:
        date = m.group("date")
        if date is None and m.group("paren"):
            found = re.search(_DAY_MONTH, m.group("paren"))
            date = found.group(0) if found else None
        if date:
            header.dateline = date


# -- metadata outside the header ------------------------------------------------------

CREDIT_PATTERNS = [
    # 'Credit: Ana Kovac/X', 'Image Credit: Wikipedia', 'Photo credit: ...'
    re.compile(r"(?i:\b(?:image|photo|picture)?\s*credits?\s*:)\s*([^\n()\[\]]{2,80}?)\s*$", re.M),
    # '(Photo by Ana Kovac / Agency)', '(Photo: Agency)', '[File: Ana Kovac/Agency]'
    re.compile(
        r"[(\[](?i:(?:file\s+)?(?:photos?|images?|pictures?|file)\s*(?:by|:)\s*)([^()\[\]\n]{2,80})[)\]]"
    ),
    # '(Courtesy of the Lisk council)', '(Courtesy; used with permission)'
    re.compile(r"\(((?i:courtesy)\b[^()\n]{0,100})\)"),
    # '(Ana Kovac/AP)', '(Ana Kovac, Meridian photo via AP)' ending a caption
    re.compile(
        r"\(([A-Z][a-z][\w'’.-]*(?:\s+[A-Z][\w'’.-]+){1,3}\s*/\s*[A-Z][\w.&' -]{1,40}"
        r"|[A-Z][^()\n]{2,60}\bphoto\s+via\s+[A-Z][\w ]{1,20})\)\s*$",
        re.M,
    ),
    # 'REUTERS/Ana Kovac' ending a caption
    re.compile(
        r"\b((?:REUTERS|Reuters|AFP|AP|EPA|EPA-EFE|ANADOLU|Anadolu|Getty Images|AFP via Getty Images|Xinhua)"
        r"\s*/\s*[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})\s*\.?\s*$",
        re.M,
    ),
]
CREDIT_REACH = 4000  # captions sit near the top of a page


def find_image_credit(text: str, start: int = 0) -> str | None:
    """The first photo credit printed in a caption near the top of the report."""
    region = text[start : start + CREDIT_REACH]
    best: tuple[int, str] | None = None
    for pattern in CREDIT_PATTERNS:
        m = pattern.search(region)
        if m and (best is None or m.start() < best[0]):
            credit = m.group(1).strip(" -/\u2013")
            if credit:
                best = (m.start(), credit)
    return best[1] if best else None


REPORTING_BY = re.compile(
    r"\(\s*(?i:(?:additional\s+)?(?:reporting|writing|compiled)\s+by)\s+([^;()\n]{2,80}?)\s*[;)]"
)


def reporting_by(text: str) -> str | None:
    """The reporter of a wire story's closing '(Reporting by X; Editing by Y)' line."""
    m = REPORTING_BY.search(text)
    if not m:
        return None
    who = re.split(r",\s+|\s+and\s+|\s+in\s+[A-Z]", m.group(1))[0].strip()
    return who or None


BYLINE_ANYWHERE = re.compile(r"^\s*[*_]*\s*By\s+([A-Z][^\n]{1,60}?)\s*[*_]*\s*$", re.M)
BYLINE_REACH = 15  # lines: a byline printed under a caption or a lead photo


def late_byline(text: str, start: int = 0) -> str | None:
    """A 'By X' line of its own a little below the header (after a photo and caption)."""
    lines = text[start:].split("\n")[:BYLINE_REACH]
    for line in lines:
        m = BYLINE_ANYWHERE.match(line)
        if m and not line.rstrip().endswith("."):
            who = m.group(1).strip(" *_")
            if is_agency(who) or _is_person_name(who):
                return who if is_agency(who) else _clean_name(who)
    return None


URL_DATE = re.compile(
    r"/((?:19|20)\d{2})/(\d{1,2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/(\d{1,2})(?:/|$)",
    re.I,
)
URL_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def url_date(url: str | None) -> str | None:
    """The day in a page address ('/2023/10/17/...', '/2020/aug/07/'), or None."""
    m = URL_DATE.search(url or "")
    if not m:
        return None
    month = m.group(2).lower()
    mo = int(month) if month.isdigit() else URL_MONTHS.index(month) + 1
    try:
        return dt.date(int(m.group(1)), mo, int(m.group(3))).isoformat()
    except ValueError:
        return None


def byline_author(text: str, header: Header) -> str | None:
    """Who wrote the report: the byline in the header, a 'By X' line under the lead photo,
    the closing '(Reporting by X; ...)', else the agency credited in the dateline."""
    return (
        header.author or late_byline(text, header.body_start) or reporting_by(text) or header.outlet
    )


def _full_day(value: str | None) -> str | None:
    try:
        return dt.date.fromisoformat(value or "").isoformat()
    except ValueError:
        return None


def page_date(raw: Any, header: Header) -> tuple[str | None, str | None]:
    """(date, basis) of a report from its page: the date the caller gives ('given'), the
    header's timestamp or the dateline ('dateline'), the store's leading date marker
    ('marker'), a day in the page address ('url'); (None, None) when none says."""
    from parallax.extract.times import find_times

    given = _full_day((raw.published or "")[:10])
    if given:
        return given, "given"
    if header.dateline:
        for t in find_times(header.dateline):
            if t.value and _full_day(t.value[:10]) and t.kind in ("date", "time"):
                return t.value[:10], "dateline"
    marker = _full_day(header.marker_date)
    if marker:
        return marker, "marker"
    from_url = url_date(getattr(raw, "url", None))
    if from_url:
        return from_url, "url"
    return None, None
