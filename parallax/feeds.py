"""Feeds: RSS (0.9x, 1.0, 2.0) and Atom, read with feedparser, one report per item.

Each item becomes a report with its link (`url`), title, date (`published`: the item's
publication date, else its update date, as written, in the feed's own time zone), outlet
(the feed's title, else the link's host) and author; its text is the item's content, else
its summary, with the HTML stripped (paragraphs kept as blank-line breaks). The linked page
is not fetched: a feed file is read offline, and a feed URL costs one fetch. An item with
no text in the feed (a title and a link only) is skipped with its reason and its link, to
be given as a URL if its page is wanted.

Bounds: the feed itself is one report's worth of bytes at most (`MAX_REPORT_BYTES`, a file
or a fetch, the fetch under the URL guard and deadline of `parallax.ingest`); at most
MAX_FEED_ITEMS items are read, in the feed's order, and the rest are listed as skipped;
each item's text is bounded like any report's (`MAX_TEXT_CHARS`). A feed that declares XML
entities is refused (entity expansion is not something a news feed needs).
"""

from __future__ import annotations

import io
import re
from datetime import date
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from parallax.ingest import MIN_TEXT_LETTERS, _check_text, iso_date, normalize_text
from parallax.models import InputError, RawDocument, SkippedInput

MAX_FEED_ITEMS = 100  # items read from one feed; the rest are listed as skipped

# MIME types that are a feed whatever the body looks like; other XML is sniffed
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})

# the root element of a feed, after an optional BOM, XML declaration, comments,
# processing instructions and a document type declaration
_FEED_ROOT = re.compile(
    rb"(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<(?:rss|feed|rdf:RDF)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def looks_like_feed(head: bytes) -> bool:
    """Whether bytes start like an RSS or Atom document (its root element)."""
    return bool(_FEED_ROOT.match(head.removeprefix(b"\xef\xbb\xbf")))


def read_feed(
    data: bytes,
    *,
    source: str,
    name: str,
    url: str | None = None,
    content_type: str = "",
) -> list[RawDocument | InputError | SkippedInput]:
    """The reports of a feed's bytes: one RawDocument per readable item, an InputError
    (source and item number set) per item that cannot be read, a SkippedInput per item
    with no text and one for the items past MAX_FEED_ITEMS. Raises InputError (no source)
    when the bytes are not a readable feed. `name` names the reports of items without a
    link (`NAME:N`); `url` is where the feed was fetched from (relative links resolve
    against it)."""
    if _ENTITY_DECL.search(data):
        raise InputError("feed declares XML entities, not read")
    import feedparser  # only needed for feeds

    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    try:  # a stream, never a string: feedparser opens strings that look like paths or URLs
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
        raise InputError(f"not a readable RSS or Atom feed ({_detail(exc)})") from exc
    entries = list(parsed.get("entries") or [])
    if not entries:  # a damaged feed whose items feedparser recovers is read
        if parsed.get("bozo"):
            reason = _detail(parsed.get("bozo_exception"))
            raise InputError(f"not a readable RSS or Atom feed ({reason})")
        if not parsed.get("version"):
            raise InputError("not an RSS or Atom feed")
        return [SkippedInput(source, "feed with no items")]
    feed = parsed.get("feed") or {}
    outlet = _plain(feed.get("title"))
    out: list[RawDocument | InputError | SkippedInput] = []
    for number, entry in enumerate(entries[:MAX_FEED_ITEMS], 1):
        try:
            out.append(_item_report(entry, number, source, name, outlet))
        except InputError as err:
            err.source, err.line = source, number
            out.append(err)
    if len(entries) > MAX_FEED_ITEMS:
        rest = len(entries) - MAX_FEED_ITEMS
        out.append(
            SkippedInput(
                source,
                f"{rest} item{'s' if rest > 1 else ''} past the first {MAX_FEED_ITEMS} "
                "not read (MAX_FEED_ITEMS)",
            )
        )
    return out


def _detail(exc: object) -> str:
    text = str(exc).splitlines()[0][:200] if exc is not None and str(exc) else ""
    return text or type(exc).__name__


def _item_report(
    entry: Any, number: int, source: str, feed_name: str, outlet: str | None
) -> RawDocument | SkippedInput:
    link = _http_link(entry.get("link"))
    title = _plain(entry.get("title"))
    text = normalize_text(_entry_text(entry))
    if sum(1 for c in text[:1000] if c.isalpha()) < MIN_TEXT_LETTERS:
        where = f" (read its link as a URL: {link})" if link else ""
        return SkippedInput(f"{source}:{number}", f"item with no text in the feed{where}")
    author = _author(entry.get("author"))
    host = urlsplit(link).hostname if link else None
    if link:
        parts = urlsplit(link)
        name = (parts.netloc + parts.path).rstrip("/") or link
    else:
        name = f"{feed_name}:{number}"
    return RawDocument(
        name=name,
        text=_check_text(text),
        source=source,
        format="feed",
        title=title,
        author=author,
        outlet=outlet or (host.removeprefix("www.") if host else None),
        url=link,
        published=_entry_date(entry),
        line=number,
    )


_EMAIL = r"[^\s@()<>]+@[^\s@()<>]+"
_AUTHOR_FORMS = (
    re.compile(rf"^{_EMAIL}\s*\((.+)\)$"),  # RSS: desk@outlet.example (Anna Berg)
    re.compile(rf"^(.+?)\s*[(<]{_EMAIL}[)>]$"),  # Anna Berg <desk@...>, Anna Berg (desk@...)
)


def _author(value: object) -> str | None:
    """The author's name from an item's author field, without the e-mail address (an
    address alone is no name)."""
    text = _plain(value)
    if text is None:
        return None
    for form in _AUTHOR_FORMS:
        if match := form.match(text):
            return match.group(1).strip() or None
    return None if re.fullmatch(_EMAIL, text) else text


def _http_link(value: object) -> str | None:
    """An item's link, if it is an http(s) URL."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if re.match(r"https?://[^/\s]", value, re.IGNORECASE) else None


def _entry_text(entry: Any) -> str:
    """The item's content, else its summary (whichever says more), as plain text."""
    texts = []
    for content in entry.get("content") or []:
        texts.append(_as_text(content.get("value"), content.get("type")))
    detail = entry.get("summary_detail") or {}
    texts.append(_as_text(entry.get("summary"), detail.get("type")))
    return max(texts, key=len)


def _as_text(value: object, kind: object) -> str:
    if not isinstance(value, str):
        return ""
    if kind == "text/plain" and "<" not in value:
        return value.strip()
    return html_to_text(value)


def _plain(value: object) -> str | None:
    """A one-line field (title, author) as plain text, None if empty."""
    if not isinstance(value, str):
        return None
    text = html_to_text(value) if "<" in value or "&" in value else value
    return " ".join(text.split()) or None


def _entry_date(entry: Any) -> str | None:
    """The item's date as written (its own time zone), else as feedparser read it (UTC)."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            try:
                return parsedate_to_datetime(raw.strip()).date().isoformat()  # RSS, RFC 822
            except (TypeError, ValueError, IndexError):
                pass
            if found := iso_date(raw):  # Atom, RFC 3339
                return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
            except (AttributeError, ValueError):
                continue
    return None


# --------------------------------------------------------------------------- HTML to text

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "pre",
        "figure",
        "figcaption",
        "header",
        "footer",
        "hr",
    }
)
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object"})


class _TextOf(HTMLParser):
    """Text of an HTML fragment: block elements end paragraphs, `<br>` ends a line, scripts
    and styles are dropped, character references are resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, white space
    inside a line collapsed."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    paragraphs = []
    for block in re.split(r"\n\s*\n", "".join(parser.parts)):
        lines = (" ".join(line.split()) for line in block.split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)
