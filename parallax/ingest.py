"""Ingest: turn files, folders and URLs into `RawDocument`s.

Readable formats are plain text, Markdown, HTML (main text and metadata through
trafilatura), JSON Lines (one report per line, read as a stream), RSS and Atom feeds (one
report per item, `parallax.feeds`) and PDF (`parallax.pdf`). Anything that cannot be read
becomes an `InputError` naming the file (and line or feed item) with a one-line reason, so
that one bad input never stops a batch. What is deliberately not read (a folder's hidden
files, files of other kinds, a feed's items past its cap) becomes a `SkippedInput` with
its reason: never dropped silently, never a failure.

Size: one report (a file, a JSON Lines line or a fetched page) is at most
MAX_REPORT_BYTES bytes, and its article text at most MAX_TEXT_CHARS characters; a JSON
Lines file may be as long as it likes.

Decoding: UTF-8 (with or without a byte-order mark); UTF-16 and UTF-32 (with or without
one); UTF-8 with a few stray bytes is kept with U+FFFD in their place and the report is
flagged `bytes_replaced`; other text is read as Windows-1252 or, when that reads as
another alphabet misread, in the single-byte encoding charset-normalizer finds (Cyrillic,
Greek, Central European...), and refused when none reads as text. NUL bytes anywhere
outside UTF-16/32 make a file binary.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import os
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from parallax.models import InputError, RawDocument, SkippedInput

MAX_REPORT_BYTES = 5 * 1024 * 1024  # one report (file, JSON Lines line, page) above this is refused
MAX_TEXT_CHARS = 200_000  # an article text longer than this is refused
MIN_TEXT_LETTERS = 3  # a text with fewer letters than this is not a report
MIN_ARTICLE_WORDS = 5  # HTML whose extracted text is shorter has "no article text"
SNIFF_BYTES = 8192  # how much of a file the control-character check looks at
MAX_CONTROL_SHARE = 0.10  # share of control characters above which content is binary
MAX_JSON_DIGITS = 4300  # a JSON integer literal longer than this is refused (Python's limit)
FETCH_TIMEOUT = 10.0  # seconds to connect, and at most between two reads
FETCH_DEADLINE = 30.0  # seconds for a whole URL, redirects included
MAX_REDIRECTS = 3
USER_AGENT = "parallax/0.1"
REPLACED_FLAG = "bytes_replaced"  # report flag: undecodable bytes were replaced by U+FFFD

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
FEED_EXTENSIONS = frozenset({".rss", ".atom"})  # `.xml` too, when it is a feed
PDF_EXTENSIONS = frozenset({".pdf"})
FOLDER_EXTENSIONS = (
    TEXT_EXTENSIONS
    | MARKDOWN_EXTENSIONS
    | HTML_EXTENSIONS
    | JSONL_EXTENSIONS
    | FEED_EXTENSIONS
    | PDF_EXTENSIONS
)
# why a file of another kind met in a folder is not read (see `skip_reason`)
_OTHER_KINDS = {
    **dict.fromkeys(
        (".doc", ".docx", ".odt", ".rtf", ".pages", ".wpd"),
        "word-processor document, not read (save it as PDF, HTML or text)",
    ),
    **dict.fromkeys(
        (".csv", ".tsv", ".xls", ".xlsx", ".ods"),
        "spreadsheet, not read (give one report per line as JSON Lines)",
    ),
    **dict.fromkeys(
        (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".svg", ".heic"),
        "image, not read",
    ),
    **dict.fromkeys(
        (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar"),
        "archive, not read (unpack it first)",
    ),
    **dict.fromkeys((".eml", ".msg", ".mbox"), "e-mail, not read (save the message as text)"),
}

_MB = 1024 * 1024
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_MD_TITLE_RE = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_HTML_TAG_RE = re.compile(r"<(?:p|div|article|body|br|h[1-6]|section|span)\b[^>]*>", re.IGNORECASE)
_DATE_FORMATS = ("%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_BOMS = (  # longest first: the UTF-32 LE mark starts like the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BOM_OF = {encoding: bom for bom, encoding in _BOMS}


@dataclass
class FetchResponse:
    """One HTTP response, redirects not followed (what a `fetch` callable returns)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


Fetcher = Callable[[str], FetchResponse]


def shown_path(path: str | Path) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not
    UTF-8 (kept by Python as lone surrogates) become U+FFFD."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- inputs


Item = RawDocument | InputError | SkippedInput


def iter_inputs(paths: Sequence[str]) -> Iterator[Item]:
    """Yield one RawDocument per report found in `paths`, an InputError per failure, and a
    SkippedInput per thing deliberately not read (with its reason).

    A path is a file (read whatever its extension), a folder (read recursively in sorted
    order; hidden, unknown and auxiliary files are skipped, each one given as a
    SkippedInput) or an http(s) URL (a page, a PDF or a feed).
    """
    for raw in paths:
        shown = shown_path(raw)
        try:
            for item, source in _iter_path(raw):
                if isinstance(item, InputError) and item.source is None:
                    item.source = source
                yield item
        except Exception as exc:  # noqa: BLE001 - an unforeseen failure must not stop the batch
            yield InputError(_unexpected(exc), shown)


def _unexpected(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"cannot read ({type(exc).__name__}{': ' + detail if detail else ''})"


def _iter_path(raw: str) -> Iterator[tuple[Item, str]]:
    """(report, error or skipped input, the file or URL it came from) for one command-line
    path."""
    shown = shown_path(raw)
    path = Path(raw)
    if _URL_RE.match(raw) and not _exists(path):
        yield from ((item, shown) for item in read_url_reports(raw))
        return
    try:
        is_dir, is_file, exists = path.is_dir(), path.is_file(), path.exists()
    except OSError as err:  # e.g. a path part longer than the file system allows
        yield InputError(f"cannot read: {err.strerror or err}"), shown
        return
    if is_dir:
        for entry in _walk_folder(path, set()):
            if isinstance(entry, InputError | SkippedInput):
                yield entry, shown
            else:
                source = shown_path(entry)
                yield from ((item, source) for item in _iter_file(entry))
    elif is_file:
        yield from ((item, shown) for item in _iter_file(path))
    elif exists:
        yield InputError("not a regular file"), shown
    else:
        yield InputError("no such file or folder"), shown


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _iter_file(path: Path) -> Iterator[Item]:
    """Yield the reports of one file; a JSON Lines file yields per line, a feed per item."""
    try:
        suffix = path.suffix.lower()
        if suffix in JSONL_EXTENSIONS:
            yield from _iter_jsonl(path)
        elif _file_kind(path) == "feed":
            yield from _feed_items(path)
        else:
            yield from read_file(path)
    except InputError as err:
        yield err
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
        yield InputError(_unexpected(exc), shown_path(path))


def _walk_folder(folder: Path, seen: set[Path]) -> Iterator[Path | InputError | SkippedInput]:
    """Readable files under `folder`, recursively, in sorted order; a SkippedInput for
    every file or folder in it that is not read."""
    try:
        real = folder.resolve()
        if real in seen:  # symlink loop
            yield SkippedInput(shown_path(folder), "folder already read (a link back into it)")
            return
        seen.add(real)
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        yield InputError(f"cannot read folder {shown_path(folder)}: {err.strerror or err}")
        return
    for child in children:
        try:
            is_dir, is_file = child.is_dir(), child.is_file()
        except OSError as err:
            yield InputError(f"cannot read {shown_path(child)}: {err.strerror or err}")
            continue
        if child.name.startswith("."):
            kind = "folder" if is_dir else "file"
            yield SkippedInput(shown_path(child), f"hidden {kind}, not read")
        elif is_dir:
            yield from _walk_folder(child, seen)
        elif not is_file:
            yield SkippedInput(shown_path(child), "not a regular file")
        elif reason := skip_reason(child):
            yield SkippedInput(shown_path(child), reason)
        else:
            yield child


def skip_reason(path: Path) -> str | None:
    """Why a file met while walking a folder is not read, or None if it is a report to
    read: a known extension (`.xml` when it is a feed), or none at all (read like a file
    named on the command line: a PDF or feed if it starts like one, else HTML if it looks
    like it, else text)."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    for prefix, what in (
        ("readme", "README"),
        ("gazetteer", "gazetteer"),
        ("license", "licence"),
        ("licence", "licence"),
        ("makefile", "Makefile"),
    ):
        if name.startswith(prefix):
            return f"not a report ({what})"
    if suffix == ".json":
        return "JSON, not read (give reports one per line as JSON Lines, .jsonl)"
    if suffix == ".xml":
        return None if _file_kind(path) == "feed" else "XML that is not an RSS or Atom feed"
    if suffix in FOLDER_EXTENSIONS or not suffix:
        return None
    return _OTHER_KINDS.get(suffix, f"unsupported file type ({shown_path(suffix)}), not read")


def wanted_in_folder(path: Path) -> bool:
    """Whether a file met while walking a folder is a report to read (see `skip_reason`)."""
    return skip_reason(path) is None


# --------------------------------------------------------------------------- files


def read_file(path: Path) -> list[RawDocument]:
    """Read one file into its reports; raise InputError if it (or any line) is unreadable.

    The format follows the extension; other files are a PDF or a feed if they start like
    one, else HTML if they look like it, else text. A JSON Lines file or a feed raises on
    its first bad line or item (`iter_inputs` reports them one by one, and a feed's items
    that are not read).
    """
    path = Path(path)
    source = shown_path(path)
    suffix = path.suffix.lower()
    kind = "jsonl" if suffix in JSONL_EXTENSIONS else _file_kind(path)
    if kind in ("jsonl", "feed"):
        docs: list[RawDocument] = []
        for item in _iter_jsonl(path) if kind == "jsonl" else _feed_items(path):
            if isinstance(item, InputError):
                item.source = item.source or source
                raise item
            if isinstance(item, RawDocument):
                docs.append(item)
        return docs
    try:
        name = shown_path(path.name)
        if kind == "pdf":
            from parallax.pdf import MAX_PDF_BYTES, read_pdf

            return [read_pdf(_load_bytes(path, MAX_PDF_BYTES), name=name, source=source)]
        if kind == "xml":
            raise InputError("XML that is not an RSS or Atom feed")
        text, flags = decode_report(_load_bytes(path))
        if suffix in MARKDOWN_EXTENSIONS:
            return [_markdown_document(text, name, source, flags)]
        if suffix in HTML_EXTENSIONS or (suffix not in TEXT_EXTENSIONS and looks_like_html(text)):
            page = extract_html(text)
            return [page.document(name=name, source=source, format="html", flags=flags)]
        body = _check_text(normalize_text(text))
        return [RawDocument(name=name, text=body, source=source, format="text", flags=flags)]
    except InputError as err:
        err.source = err.source or source
        raise


def _load_bytes(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes after the size check, at most `limit` (default MAX_REPORT_BYTES)
    bytes (InputError without a source)."""
    limit = MAX_REPORT_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"report too large ({_size(size)} > {_size(limit)})")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from err
    if len(data) > limit:  # grew since stat, or a device
        raise InputError(f"report too large (> {_size(limit)})")
    return data


def _file_kind(path: Path) -> str:
    """'pdf', 'feed', 'xml' (XML that is no feed) or 'other', from the extension, and
    for `.xml` and extensions Parallax does not know, from the file's first bytes."""
    suffix = path.suffix.lower()
    if suffix in PDF_EXTENSIONS:
        return "pdf"
    if suffix in FEED_EXTENSIONS:
        return "feed"
    known = TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS
    if suffix in known:
        return "other"
    from parallax.feeds import looks_like_feed
    from parallax.pdf import looks_like_pdf

    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return "other"  # reading it again gives the error
    if looks_like_pdf(head):
        return "pdf"
    if looks_like_feed(head):
        return "feed"
    return "xml" if suffix == ".xml" else "other"


def _feed_items(path: Path) -> Iterator[Item]:
    """The items of a feed file (errors and skipped items carry no source: the caller adds
    it; an item's error its number as `line`)."""
    from parallax.feeds import read_feed

    source = shown_path(path)
    try:
        data = _load_bytes(path)
    except InputError as err:
        yield err
        return
    yield from read_feed(data, source=source, name=shown_path(path.name))


def decode_bytes(data: bytes, source: str, what: str = "file") -> str:
    """The text of `data` (see `decode_report`); InputError naming `source`."""
    try:
        return decode_report(data, what)[0]
    except InputError as err:
        err.source = source
        raise


def decode_report(data: bytes, what: str = "file") -> tuple[str, list[str]]:
    """Decode a report's bytes: (text, flags). InputError (no source) if it is empty,
    binary, or reads as no known encoding; flags hold REPLACED_FLAG when stray bytes of
    UTF-8 were replaced by U+FFFD."""
    if not data.strip():
        raise InputError(f"empty {what}")
    flags: list[str] = []
    encoding = _bom_encoding(data)
    if encoding == "utf-8":
        text, flags = _decode_utf8(data[3:], what)
    elif encoding is not None:
        try:  # a byte-order mark then bytes that are not UTF-16/32: binary
            text = data[len(_BOM_OF[encoding]) :].decode(encoding)
        except UnicodeDecodeError as err:
            raise InputError(f"binary {what}, not a report") from err
    elif b"\x00" in data:
        text = _decode_wide(data, what)
    elif is_binary(data):
        raise InputError(f"binary {what}, not a report")
    else:
        text, flags = _decode_utf8(data, what)
    text = text.removeprefix("\ufeff")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise InputError(f"binary {what}, not a report")
    if not text.strip():
        raise InputError(f"empty {what}")
    return text, flags


def _decode_utf8(data: bytes, what: str = "file") -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return _decode_not_utf8(data, what)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _decode_wide(data: bytes, what: str) -> str:
    """UTF-32 or UTF-16 without a byte-order mark, if the bytes read as text in one of them;
    otherwise NUL bytes make the content binary."""
    for encoding, unit in (
        ("utf-32-le", 4),
        ("utf-32-be", 4),
        ("utf-16-le", 2),
        ("utf-16-be", 2),
    ):
        if len(data) % unit:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_as_text(text):
            return text
    raise InputError(f"binary {what}, not a report")


def _reads_as_text(text: str) -> bool:
    """Nearly every character printable or white space, and some letters."""
    if not text.strip():
        return False
    odd = sum(1 for c in text if not (c.isprintable() or c in "\t\n\r\f\v"))
    letters = sum(1 for c in text if c.isalpha())
    return odd <= 0.01 * len(text) and letters >= min(MIN_TEXT_LETTERS, len(text.strip()))


def _decode_not_utf8(data: bytes, what: str) -> tuple[str, list[str]]:
    """Bytes that are not valid UTF-8: UTF-8 with a few stray bytes (kept, replaced and
    flagged) when valid multi-byte sequences are at least as many as the bad bytes; else
    a legacy encoding: Windows-1252 when it reads plausibly, else the single-byte encoding
    charset-normalizer finds; refused when nothing reads as text."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode())
    if len(_UTF8_MULTIBYTE.findall(data)) >= bad:
        return replaced, [REPLACED_FLAG]
    try:
        text = data.decode("cp1252")
        if _plausible(text):
            return text, []
    except UnicodeDecodeError:
        pass
    return _detect_legacy(data, what), []


_SINGLE_BYTE = [
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "koi8_r",
    "koi8_u",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
]
# three Latin-1 letters in a row: another alphabet read as Windows-1252 ("ðÏÌÉÃÉÑ")
_GARBLED_RE = re.compile(r"[\u00c0-\u00ff]{3,}")


def _plausible(text: str) -> bool:
    """Whether a legacy decoding reads as text rather than as another encoding misread:
    no runs of accented Latin-1 letters, no CJK characters scattered in Latin text."""
    if _GARBLED_RE.search(text) or not _reads_as_text(text):
        return False
    letters = [c for c in text if c.isalpha()]
    wide = sum(1 for c in letters if unicodedata.east_asian_width(c) in "WF")
    latin = sum(1 for c in letters if c.isascii())
    return not (wide and latin > len(letters) / 2)


def _detect_legacy(data: bytes, what: str) -> str:
    """The text in the single-byte encoding charset-normalizer finds most plausible;
    InputError when the bytes above ASCII are mostly C1 codes (0x80-0x9F), which no
    alphabet's single-byte encoding is made of."""
    from charset_normalizer import from_bytes

    high = [b for b in data if b >= 0x80]
    if sum(1 for b in high if b < 0xA0) > len(high) / 2:
        raise InputError(f"cannot decode {what} as text")
    best = from_bytes(data, cp_isolation=_SINGLE_BYTE).best()
    if best is not None:
        try:
            text = data.decode(best.encoding)
        except (LookupError, UnicodeDecodeError):
            text = ""
        if text and _control_share(text) == 0 and _plausible(text):
            return text
    raise InputError(f"cannot decode {what} as text")


def is_binary(data: bytes) -> bool:
    """NUL bytes anywhere, or a high share of control characters in the first 8 KiB."""
    if b"\x00" in data:
        return True
    head = data[:SNIFF_BYTES]
    controls = sum(1 for b in head if (b < 32 and b not in b"\t\n\r\f\v") or b == 127)
    return controls > MAX_CONTROL_SHARE * len(head)


def _control_share(text: str) -> float:
    """Share of control characters (tabs and newlines excepted) in `text`."""
    head = text[:SNIFF_BYTES]
    controls = sum(1 for c in head if c not in "\t\n\r\f\v" and unicodedata.category(c) == "Cc")
    return controls / max(len(head), 1)


def normalize_text(text: str) -> str:
    """Normalise newlines to `\\n` and drop a BOM and trailing whitespace."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _check_text(text: str) -> str:
    """Refuse an empty, overlong or letterless article text (InputError without a source)."""
    if not text.strip():
        raise InputError("empty file")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text too long ({len(text)} > {MAX_TEXT_CHARS} characters)")
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if letters >= MIN_TEXT_LETTERS:
                return text
    raise InputError(f"no readable text (fewer than {MIN_TEXT_LETTERS} letters)")


def _size(n: int) -> str:
    return f"{n / _MB:.3g} MB" if n >= _MB else f"{n} bytes"


# --------------------------------------------------------------------------- Markdown


def _markdown_document(text: str, name: str, source: str, flags: list[str]) -> RawDocument:
    """A Markdown report: text kept as written, title from a leading `# Heading`."""
    body = _check_text(normalize_text(text))
    return RawDocument(
        name=name,
        text=body,
        source=source,
        format="markdown",
        title=markdown_title(body),
        flags=flags,
    )


def markdown_title(text: str) -> str | None:
    """The text of a leading level-1 ATX heading, if the first non-blank line is one."""
    for line in text.split("\n"):
        if line.strip():
            match = _MD_TITLE_RE.match(line.strip())
            return match.group(1).strip() if match else None
    return None


# --------------------------------------------------------------------------- HTML


def looks_like_html(text: str) -> bool:
    """Whether a document starts like an HTML page."""
    head = text[:1024].lstrip().lower()
    return "<html" in head or "<!doctype html" in head


class HtmlContent(NamedTuple):
    """What `extract_html` finds in a page."""

    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None

    def document(
        self,
        *,
        name: str,
        source: str,
        format: str,
        url: str | None = None,
        flags: list[str] | None = None,
    ) -> RawDocument:
        """A RawDocument with this content."""
        return RawDocument(
            name=name, source=source, format=format, url=url, flags=flags or [], **self._asdict()
        )


def extract_html(html: str, url: str | None = None) -> HtmlContent:
    """Main text and metadata of an HTML page; InputError (no source) if it has no
    article text."""
    try:
        doc = _bare_extraction(html, url)
    except RecursionError as err:
        raise InputError("cannot parse HTML (nested too deeply)") from err
    except Exception as err:  # a parser bug must not stop the batch
        detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise InputError(f"cannot parse HTML ({detail})") from err
    text = normalize_text(_attr(doc, "text") or "")
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError("no article text found")
    return HtmlContent(
        text=_check_text(text),
        title=_attr(doc, "title"),
        author=_attr(doc, "author"),
        outlet=_attr(doc, "sitename"),
        published=iso_date(_attr(doc, "date")),
    )


def _bare_extraction(html: str, url: str | None) -> Any:
    """trafilatura's main text and metadata, without a date guessed from the page's text."""
    import trafilatura  # slow import, only needed for HTML

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        include_tables=True,
        # no opportunistic text search: a footer's "© 2019" is not a publication date
        date_extraction_params={"extensive_search": False, "original_date": True},
    )


def _attr(doc: Any, name: str) -> str | None:
    """A non-empty string attribute of a trafilatura Document (or dict), else None."""
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return value.strip() or None if isinstance(value, str) else None


def iso_date(value: object) -> str | None:
    """Normalise a date or timestamp to YYYY-MM-DD; None if it is not a recognisable date."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- JSON Lines


def _iter_jsonl(path: Path) -> Iterator[RawDocument | InputError]:
    """One RawDocument per good line, one InputError (with its line) per bad line; blank
    lines skipped. The file is read as a stream: only one line is held at a time, and a
    line longer than MAX_REPORT_BYTES is refused without being held whole."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield InputError(f"cannot read: {err.strerror or err}")
        return
    source = shown_path(path)
    any_line = False
    with handle:
        for lineno, line in _lines(handle):
            if isinstance(line, InputError):
                line.line = lineno
                yield line
                continue
            if lineno == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            any_line = True
            try:
                yield _jsonl_document(line, path, source, lineno)
            except InputError as err:
                err.line = lineno
                yield err
    if not any_line:
        yield InputError("empty file")


def _lines(handle: Any) -> Iterator[tuple[int, bytes | InputError]]:
    """(line number, bytes) per line of a binary file; an overlong line is skipped to its
    end and given as an InputError."""
    lineno = 0
    while True:
        try:
            line = handle.readline(MAX_REPORT_BYTES + 1)
        except OSError as err:
            yield lineno + 1, InputError(f"cannot read: {err.strerror or err}")
            return
        if not line:
            return
        lineno += 1
        if len(line) <= MAX_REPORT_BYTES:
            yield lineno, line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(_MB)
            if not line:
                break
            size += len(line)
        yield lineno, InputError(f"report too large ({_size(size)} > {_size(MAX_REPORT_BYTES)})")


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_JSON_DIGITS:
        raise InputError(f"invalid JSON (a number of more than {MAX_JSON_DIGITS} digits)")
    return int(literal)


def _jsonl_document(line: bytes, path: Path, source: str, lineno: int) -> RawDocument:
    """A report from one JSON Lines record (errors carry no location: the caller adds it)."""
    if b"\x00" in line:
        raise InputError("binary data, not a report")
    flags: list[str] = []
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        decoded, flags = decode_report(line, "line")
    try:
        record = json.loads(decoded, parse_int=_parse_int)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg})") from err
    except RecursionError as err:
        raise InputError("invalid JSON (nested too deeply)") from err
    except ValueError as err:  # e.g. a number Python refuses to convert
        raise InputError(f"invalid JSON ({str(err).splitlines()[0][:200]})") from err
    if not isinstance(record, dict):
        raise InputError("not a JSON object")
    raw_text = record.get("text")
    if not isinstance(raw_text, str) or not raw_text.strip():
        raise InputError('missing or empty "text"')
    if _has_surrogates(raw_text):  # a lone "\\udXXX" escape: no character, no UTF-8
        raw_text = _replace_surrogates(raw_text)
        flags = flags if REPLACED_FLAG in flags else [*flags, REPLACED_FLAG]
    meta = {key: _record_str(record, key) for key in ("name", "title", "url", "outlet", "author")}
    if looks_like_html(raw_text):
        page = extract_html(raw_text, meta["url"])
    elif _HTML_TAG_RE.search(raw_text[:2048]):  # a fragment: trafilatura wants a whole page
        wrapped = f"<html><body><article>{raw_text}</article></body></html>"
        page = extract_html(wrapped, meta["url"])
    else:
        page = HtmlContent(text=_check_text(normalize_text(raw_text)))
    return RawDocument(
        name=meta["name"] or f"{shown_path(path.name)}:{lineno}",
        text=page.text,
        source=source,
        format="jsonl",
        title=meta["title"] or page.title,
        author=meta["author"] or page.author,
        outlet=meta["outlet"] or page.outlet,
        url=meta["url"],
        published=iso_date(record.get("published")) or page.published,
        line=lineno,
        flags=flags,
    )


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _replace_surrogates(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _record_str(record: dict[str, Any], key: str) -> str | None:
    """An optional string field of a record (numbers accepted for `name`)."""
    value = record.get(key)
    if value is None:
        return None
    if key == "name" and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f'"{key}" must be a string')
    return _replace_surrogates(value).strip() or None


# --------------------------------------------------------------------------- URLs


def read_url(url: str, fetch: Fetcher | None = None) -> RawDocument:
    """Fetch a public http(s) page and read it as HTML (or plain text, or a PDF); raise
    InputError (with the URL as its source), also for a feed (see `read_url_reports`).

    Every address the host resolves to must be public; the request then goes to the address
    that was checked (the Host header and TLS name stay the host's), so a second DNS answer
    cannot lead elsewhere. Redirects (at most 3) are followed by hand, each target checked
    the same way. The whole fetch, redirects included, has FETCH_DEADLINE seconds and a page
    at most MAX_REPORT_BYTES. `fetch` performs one request (tests inject a fake).
    """
    items = read_url_reports(url, fetch)
    for item in items:
        if isinstance(item, InputError):
            raise item
    docs = [item for item in items if isinstance(item, RawDocument)]
    if len(docs) != 1 or len(items) != 1 or docs[0].format == "feed":
        raise InputError("an RSS or Atom feed, not one page", url)
    return docs[0]


def read_url_reports(url: str, fetch: Fetcher | None = None) -> list[Item]:
    """The reports at a public http(s) URL, fetched as `read_url` does: one page or PDF, or
    one per item of an RSS or Atom feed (with its errors and skipped items); a failure is
    returned as an InputError with the URL as its source, never raised."""
    try:
        final_url, headers, body = _fetch_url(url, fetch)
        content_type = headers.get("content-type", "")
        mime = content_type.partition(";")[0].strip().lower()
        from parallax.feeds import FEED_TYPES, looks_like_feed, read_feed
        from parallax.pdf import looks_like_pdf, read_pdf

        parts = urlsplit(final_url)
        name = (parts.netloc + parts.path).rstrip("/") or final_url
        if mime in FEED_TYPES or looks_like_feed(body[:SNIFF_BYTES]):
            items = read_feed(body, source=url, name=name, url=final_url, content_type=content_type)
            for item in items:
                if isinstance(item, InputError):
                    item.source = item.source or url
            return items
        if mime == "application/pdf" or looks_like_pdf(body[:SNIFF_BYTES]):
            return [read_pdf(body, name=name, source=url, url=final_url)]
        return [_page_document(url, final_url, body, content_type)]
    except InputError as err:
        err.source = err.source or url
        return [err]


def _fetch_url(url: str, fetch: Fetcher | None) -> tuple[str, dict[str, str], bytes]:
    """(final URL, headers with lower-case names, body) of a 200 response, redirects
    followed under the address guard, the overall deadline and the size limit."""
    deadline = time.monotonic() + FETCH_DEADLINE
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        addresses = check_url(current)
        if fetch is not None:
            response = fetch(current)
        else:
            response = http_fetch(current, addresses[0], deadline)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if response.status in _REDIRECT_CODES:
            location = headers.get("location")
            if not location:
                raise InputError(f"redirect without a location from {current}")
            current = urljoin(current, location.strip())
            continue
        if response.status != 200:
            raise InputError(f"HTTP {response.status} fetching {current}")
        if len(response.body) > MAX_REPORT_BYTES:
            raise InputError(f"report too large (> {_size(MAX_REPORT_BYTES)})")
        return current, headers, response.body
    raise InputError(f"too many redirects (> {MAX_REDIRECTS})")


def _page_document(url: str, final_url: str, body: bytes, content_type: str) -> RawDocument:
    """A RawDocument from a fetched page body."""
    if len(body) > MAX_REPORT_BYTES:
        raise InputError(f"report too large (> {_size(MAX_REPORT_BYTES)})")
    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    if mime and not mime.startswith("text/") and "html" not in mime:
        raise InputError(f"not a web page ({mime})")
    text, flags = _decode_page(body, params)
    parts = urlsplit(final_url)
    name = (parts.netloc + parts.path).rstrip("/") or final_url
    if "html" not in mime and not looks_like_html(text):
        body_text = _check_text(normalize_text(text))
        return RawDocument(
            name=name, text=body_text, source=url, format="text", url=final_url, flags=flags
        )
    page = extract_html(text, final_url)
    return page.document(name=name, source=url, format="html", url=final_url, flags=flags)


def _decode_page(body: bytes, params: str) -> tuple[str, list[str]]:
    """Decode a page with its declared charset if it works, else like a file."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    if match and body.strip() and not is_binary(body) and _bom_encoding(body) is None:
        try:
            return body.decode(match.group(1)), []
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_report(body, "page")


def check_url(url: str) -> list[str]:
    """The addresses `url`'s host resolves to; InputError unless `url` is http(s) and every
    one of them is public."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise InputError("invalid URL", url) from err
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError("only http and https URLs can be fetched", url)
    host = parts.hostname
    if not host:
        raise InputError("no host in URL", url)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    addresses = _resolve(host, port or default_port, url)
    for address in addresses:
        if not is_public_address(address):
            raise InputError("refusing to fetch private or local address", url)
    return addresses


def _resolve(host: str, port: int, url: str) -> list[str]:
    """The addresses `host` stands for (an IP literal is not looked up)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise InputError(f"cannot resolve host {host}", url) from err
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise InputError(f"cannot resolve host {host}", url)
    return addresses


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: an IPv4 address inside
_NEVER_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "fec0::/10",  # site-local (deprecated, still routed inside sites)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001:db8::/32",  # documentation
    )
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: IPv4-mapped, IPv4-compatible, 6to4, Teredo,
    NAT64 (well-known prefix)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # NAT64, IPv4-compatible
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or any(ip in net for net in _NEVER_PUBLIC if ip.version == net.version)
    )
    return ip.is_global and not blocked


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, site-local, multicast, reserved or
    unspecified addresses, and for IPv6 addresses that carry such an IPv4 address
    (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded and ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is an IPv4 address
            return _public(embedded[0])
        return _public(ip) and all(_public(v4) for v4 in embedded)
    return _public(ip)


def http_fetch(
    url: str, address: str | None = None, deadline: float | None = None
) -> FetchResponse:
    """One GET with http.client, to `address` (checked by `check_url` when not given):
    no redirects, no proxy, FETCH_TIMEOUT per connect or read, everything done by
    `deadline` (default FETCH_DEADLINE from now) and at most MAX_REPORT_BYTES read.

    The connected peer's address is checked again before anything is sent.
    """
    if address is None:
        address = check_url(url)[0]
    deadline = time.monotonic() + FETCH_DEADLINE if deadline is None else deadline
    parts = urlsplit(url)
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(f"fetch took longer than {FETCH_DEADLINE:g} s", url)
    https = parts.scheme.lower() == "https"
    cls = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    conn = cls(parts.hostname or address, parts.port, timeout=min(FETCH_TIMEOUT, left))
    conn.pinned = address
    timer = threading.Timer(left, conn.abort)
    timer.daemon = True
    timer.start()
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        response = conn.getresponse()
        body = _read_body(response, conn) if response.status == 200 else b""
        if conn.aborted:
            raise InputError(f"fetch took longer than {FETCH_DEADLINE:g} s", url)
        return FetchResponse(response.status, dict(response.getheaders()), body)
    except InputError as err:
        err.source = err.source or url
        raise
    except (OSError, http.client.HTTPException, ValueError) as err:
        if conn.aborted:
            raise InputError(f"fetch took longer than {FETCH_DEADLINE:g} s", url) from err
        raise InputError(f"cannot fetch: {err}", url) from err
    finally:
        timer.cancel()
        conn.close()


def _read_body(response: http.client.HTTPResponse, conn: _PinnedHTTPConnection) -> bytes:
    """The body, a chunk at a time, refused past MAX_REPORT_BYTES."""
    chunks: list[bytes] = []
    total = 0
    while not conn.aborted:
        chunk = response.read1(65536)
        if not chunk:
            break
        total += len(chunk)
        if total > MAX_REPORT_BYTES:
            raise InputError(f"report too large (> {_size(MAX_REPORT_BYTES)})")
        chunks.append(chunk)
    return b"".join(chunks)


def _guarded_connection(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None, **kwargs: Any
) -> socket.socket:
    """`socket.create_connection` that refuses a non-public peer."""
    sock = socket.create_connection(address, timeout, source_address, **kwargs)
    peer = str(sock.getpeername()[0])
    if not is_public_address(peer):
        sock.close()
        raise InputError("refusing to fetch private or local address")
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, whatever DNS says now."""

    pinned: str = ""
    aborted: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = self._connect_pinned

    def _connect_pinned(
        self, hostport: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        return _guarded_connection(
            (self.pinned or hostport[0], hostport[1]), timeout, source_address
        )

    def abort(self) -> None:
        """End a fetch past its deadline: a blocked read returns at once."""
        self.aborted = True
        sock = self.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _PinnedHTTPSConnection(_PinnedHTTPConnection, http.client.HTTPSConnection):
    """HTTPS to the checked address; certificate and SNI for the URL's host name."""
