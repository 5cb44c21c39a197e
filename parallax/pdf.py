"""PDF reports, read with pypdf: the text of each page, joined.

A PDF's text comes out one printed line at a time; since a line break starts a new
sentence for the parser (`parallax.nlp`), the lines of one paragraph are joined again (a
word hyphenated across two lines is rejoined), and a paragraph ends at a blank line, at a
short line that ends a sentence, or before a short heading-like line. Pages are separated
by a blank line. The document's own title (its metadata) is kept when it is not a file
name; its dates are not used (they are when the file was made, not the report's date).

Bounds: a PDF file is at most MAX_PDF_BYTES (a fetched one is under the fetch limit of
`parallax.ingest`, MAX_REPORT_BYTES), has at most MAX_PDF_PAGES pages, and its text at most
MAX_TEXT_CHARS characters like any report's. An encrypted PDF is read only when it opens
with an empty password (restrictions on printing or copying only); otherwise, and for a
PDF pypdf cannot parse or one without any text (scanned pages: Parallax does no OCR), the
report fails with a one-line reason.
"""

from __future__ import annotations

import io
import re
from typing import Any

from parallax.ingest import MAX_TEXT_CHARS, MIN_TEXT_LETTERS, _check_text, normalize_text
from parallax.models import InputError, RawDocument

MAX_PDF_BYTES = 20 * 1024 * 1024  # a PDF file above this is refused
MAX_PDF_PAGES = 500  # a PDF with more pages is refused

_SENTENCE_END = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_FILE_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint) - |untitled)|\.(?:docx?|pdf|odt|rtf)$", re.I
)


def looks_like_pdf(head: bytes) -> bool:
    """Whether bytes start like a PDF (its header, in the first kilobyte)."""
    return b"%PDF-" in head[:1024]


def read_pdf(data: bytes, *, name: str, source: str, url: str | None = None) -> RawDocument:
    """A report from a PDF's bytes; InputError (no source) if it cannot be read."""
    reader = _open(data)
    count = _page_count(reader)
    if count > MAX_PDF_PAGES:
        raise InputError(f"PDF too long ({count} pages > {MAX_PDF_PAGES})")
    pages: list[str] = []
    total = 0
    for number in range(count):
        try:
            raw = reader.pages[number].extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
            raise InputError(f"unreadable PDF (page {number + 1}: {_detail(exc)})") from exc
        page = reflow(raw)
        total += len(page) + 2
        if total > MAX_TEXT_CHARS + 2:
            raise InputError(f"text too long (> {MAX_TEXT_CHARS} characters)")
        if page:
            pages.append(page)
    text = normalize_text("\n\n".join(pages))
    if sum(1 for c in text if c.isalpha()) < MIN_TEXT_LETTERS:
        raise InputError("no text in the PDF (scanned pages? Parallax does no OCR)")
    return RawDocument(
        name=name,
        text=_check_text(text),
        source=source,
        format="pdf",
        title=_title(reader),
        url=url,
    )


def _open(data: bytes) -> Any:
    """A pypdf reader, decrypted when an empty password opens it."""
    from pypdf import PdfReader  # only needed for PDFs

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # noqa: BLE001 - any parser failure is an unreadable PDF
        raise InputError(f"unreadable PDF ({_detail(exc)})") from exc
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - e.g. an unsupported encryption
            raise InputError(f"encrypted PDF, cannot be read ({_detail(exc)})") from exc
        if not opened:
            raise InputError("encrypted PDF (needs a password)")
    return reader


def _page_count(reader: Any) -> int:
    try:
        return len(reader.pages)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"unreadable PDF ({_detail(exc)})") from exc


def _detail(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _title(reader: Any) -> str | None:
    """The document's title from its metadata, unless it is a file name or a placeholder."""
    try:
        meta = reader.metadata
        title = meta.title if meta is not None else None
    except Exception:  # noqa: BLE001 - metadata is optional
        return None
    if not isinstance(title, str):
        return None
    title = " ".join(title.split())
    return title if title and not _FILE_TITLE.search(title) else None


def reflow(page: str) -> str:
    """A page's text with the lines of each paragraph joined: paragraphs separated by a
    blank line."""
    lines = [" ".join(line.split()) for line in page.replace("\r", "\n").split("\n")]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return ""
    full = widths[len(widths) * 3 // 4]  # a typical full line: the upper quartile's width
    paragraphs: list[str] = []
    current = last = ""
    for line in lines:
        if not line:  # a blank line ends a paragraph
            if current:
                paragraphs.append(current)
            current = last = ""
            continue
        if current:
            short = len(last) < 0.8 * full
            ends = bool(_SENTENCE_END.search(last))
            # a short line that ends a sentence ends its paragraph; a short first line
            # that does not is a heading
            if short and (ends or current == last):
                paragraphs.append(current)
                current = line
            elif _HYPHENATED.search(last) and line[:1].islower():
                current = current[:-1] + line  # "casu-" + "alties"
            else:
                current = f"{current} {line}"
        else:
            current = line
        last = line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)
