"""Ingest: turn files, folders and URLs into `RawDocument`s.

Readable formats are plain text, Markdown, HTML (main text and metadata through
trafilatura) and JSON Lines (one report per line). Anything that cannot be read becomes
an `InputError` with a one-line message, so that one bad input never stops a batch.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from parallax.models import InputError, RawDocument

MAX_FILE_BYTES = 5 * 1024 * 1024  # a file (or fetched page) larger than this is refused
MAX_TEXT_CHARS = 200_000  # an article text longer than this is refused
MIN_ARTICLE_WORDS = 5  # HTML whose extracted text is shorter has "no article text"
SNIFF_BYTES = 8192  # how much of a file the binary check looks at
MAX_CONTROL_SHARE = 0.10  # share of control characters above which content is binary
FETCH_TIMEOUT = 10.0  # seconds
MAX_REDIRECTS = 3
USER_AGENT = "parallax/0.1"

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
FOLDER_EXTENSIONS = TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS

_MB = 1024 * 1024
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_MD_TITLE_RE = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_HTML_TAG_RE = re.compile(r"<(?:p|div|article|body|br|h[1-6]|section|span)\b[^>]*>", re.IGNORECASE)
_DATE_FORMATS = ("%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")


@dataclass
class FetchResponse:
    """One HTTP response, redirects not followed (what a `fetch` callable returns)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


Fetcher = Callable[[str], FetchResponse]


# --------------------------------------------------------------------------- inputs


def iter_inputs(paths: Sequence[str]) -> Iterator[RawDocument | InputError]:
    """Yield one RawDocument per report found in `paths`, or an InputError per failure.

    A path is a file (read whatever its extension), a folder (read recursively in sorted
    order, skipping hidden, unknown and auxiliary files) or an http(s) URL.
    """
    for raw in paths:
        for item, source in _iter_path(raw):
            if isinstance(item, InputError) and item.source is None:
                item.source = source
            yield item


def _iter_path(raw: str) -> Iterator[tuple[RawDocument | InputError, str]]:
    """(report or error, the file or URL it came from) for one command-line path."""
    if _URL_RE.match(raw) and not Path(raw).exists():
        yield from ((item, raw) for item in _guard(partial(_read_url_list, raw)))
        return
    path = Path(raw)
    if path.is_dir():
        for entry in _walk_folder(path, set()):
            if isinstance(entry, InputError):
                yield entry, raw
            else:
                yield from ((item, str(entry)) for item in _iter_file(entry))
    elif path.is_file():
        yield from ((item, raw) for item in _iter_file(path))
    elif path.exists():
        yield InputError(f"not a regular file: {raw}"), raw
    else:
        yield InputError(f"no such file or folder: {raw}"), raw


def _iter_file(path: Path) -> Iterator[RawDocument | InputError]:
    """Yield the reports of one file; a JSON Lines file yields per line."""
    if path.suffix.lower() in JSONL_EXTENSIONS:
        try:
            text = _load_text(path)
        except InputError as err:
            yield err
            return
        yield from _iter_jsonl(text, path)
    else:
        yield from _guard(partial(read_file, path))


def _read_url_list(url: str) -> list[RawDocument]:
    return [read_url(url)]


def _guard(read: Callable[[], list[RawDocument]]) -> Iterator[RawDocument | InputError]:
    """Run `read`, turning an InputError into an item."""
    try:
        yield from read()
    except InputError as err:
        yield err


def _walk_folder(folder: Path, seen: set[Path]) -> Iterator[Path | InputError]:
    """Readable files under `folder`, recursively, in sorted order."""
    real = folder.resolve()
    if real in seen:  # symlink loop
        return
    seen.add(real)
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        yield InputError(f"cannot read folder {folder}: {err.strerror or err}")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk_folder(child, seen)
        elif child.is_file() and wanted_in_folder(child):
            yield child


def wanted_in_folder(path: Path) -> bool:
    """Whether a file met while walking a folder is a report to read."""
    name = path.name.lower()
    if name.startswith(("readme", "gazetteer")) or name.endswith(".json"):
        return False
    return path.suffix.lower() in FOLDER_EXTENSIONS


# --------------------------------------------------------------------------- files


def read_file(path: Path) -> list[RawDocument]:
    """Read one file into its reports; raise InputError if it (or any line) is unreadable.

    The format follows the extension; other files are HTML if they look like it, else text.
    A JSON Lines file raises on its first bad line (`iter_inputs` reports lines one by one).
    """
    path = Path(path)
    text = _load_text(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        docs: list[RawDocument] = []
        for item in _iter_jsonl(text, path):
            if isinstance(item, InputError):
                raise item
            docs.append(item)
        return docs
    if suffix in MARKDOWN_EXTENSIONS:
        return [_markdown_document(text, path)]
    if suffix in HTML_EXTENSIONS or (suffix not in TEXT_EXTENSIONS and looks_like_html(text)):
        page = extract_html(text, str(path))
        return [page.document(name=path.name, source=str(path), format="html")]
    body = _check_text(normalize_text(text), str(path))
    return [RawDocument(name=path.name, text=body, source=str(path), format="text")]


def _load_text(path: Path) -> str:
    """Read a file as text after the size, emptiness and binary checks."""
    if not path.is_file():
        raise InputError(f"no such file or folder: {path}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({_size(size)} > {_size(MAX_FILE_BYTES)}): {path}")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    return decode_bytes(data, str(path), "file")


def decode_bytes(data: bytes, source: str, what: str = "file") -> str:
    """Decode UTF-8 (BOM allowed), falling back to cp1252/latin-1 for text that is not binary."""
    if not data.strip():
        raise InputError(f"empty {what}: {source}")
    if is_binary(data):
        raise InputError(f"binary {what}, not a report: {source}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data, source)
    if not text.strip():
        raise InputError(f"empty {what}: {source}")
    return text


def _decode_legacy(data: bytes, source: str) -> str:
    """Decode non-UTF-8 bytes as cp1252, then latin-1, if the result reads as text."""
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text) <= MAX_CONTROL_SHARE / 10:
            return text
    raise InputError(f"cannot decode {source} as text")


def is_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control characters in the first 8 KiB."""
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return True
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


def _check_text(text: str, source: str) -> str:
    """Refuse an empty or overlong article text."""
    if not text.strip():
        raise InputError(f"empty file: {source}")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text too long ({len(text)} > {MAX_TEXT_CHARS} characters): {source}")
    return text


def _size(n: int) -> str:
    return f"{n / _MB:.3g} MB" if n >= _MB else f"{n} bytes"


# --------------------------------------------------------------------------- Markdown


def _markdown_document(text: str, path: Path) -> RawDocument:
    """A Markdown report: text kept as written, title from a leading `# Heading`."""
    body = _check_text(normalize_text(text), str(path))
    return RawDocument(
        name=path.name,
        text=body,
        source=str(path),
        format="markdown",
        title=markdown_title(body),
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
        self, *, name: str, source: str, format: str, url: str | None = None
    ) -> RawDocument:
        """A RawDocument with this content."""
        return RawDocument(name=name, source=source, format=format, url=url, **self._asdict())


def extract_html(html: str, source: str, url: str | None = None) -> HtmlContent:
    """Main text and metadata of an HTML page; InputError if it has no article text."""
    try:
        doc = _bare_extraction(html, url)
    except Exception as err:  # a parser bug must not stop the batch
        raise InputError(f"cannot parse HTML in {source}: {err}") from err
    text = normalize_text(_attr(doc, "text") or "")
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError(f"no article text found in {source}")
    return HtmlContent(
        text=_check_text(text, source),
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


def _iter_jsonl(text: str, path: Path) -> Iterator[RawDocument | InputError]:
    """One RawDocument per good line, one InputError per bad line; blank lines skipped."""
    for lineno, line in enumerate(normalize_text(text).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield _jsonl_document(line, path, lineno)
        except InputError as err:
            yield InputError(f"{path} line {lineno}: {err}")


def _jsonl_document(line: str, path: Path, lineno: int) -> RawDocument:
    """A report from one JSON Lines record (errors carry no location: the caller adds it)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg})") from err
    if not isinstance(record, dict):
        raise InputError("not a JSON object")
    raw_text = record.get("text")
    if not isinstance(raw_text, str) or not raw_text.strip():
        raise InputError('missing or empty "text"')
    meta = {key: _record_str(record, key) for key in ("name", "title", "url", "outlet", "author")}
    where = '"text"'
    if looks_like_html(raw_text):
        page = extract_html(raw_text, where, meta["url"])
    elif _HTML_TAG_RE.search(raw_text[:2048]):  # a fragment: trafilatura wants a whole page
        wrapped = f"<html><body><article>{raw_text}</article></body></html>"
        page = extract_html(wrapped, where, meta["url"])
    else:
        page = HtmlContent(text=_check_text(normalize_text(raw_text), where))
    return RawDocument(
        name=meta["name"] or f"{path.name}:{lineno}",
        text=page.text,
        source=str(path),
        format="jsonl",
        title=meta["title"] or page.title,
        author=meta["author"] or page.author,
        outlet=meta["outlet"] or page.outlet,
        url=meta["url"],
        published=iso_date(record.get("published")) or page.published,
    )


def _record_str(record: dict[str, Any], key: str) -> str | None:
    """An optional string field of a record (numbers accepted for `name`)."""
    value = record.get(key)
    if value is None:
        return None
    if key == "name" and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f'"{key}" must be a string')
    return value.strip() or None


# --------------------------------------------------------------------------- URLs


def read_url(url: str, fetch: Fetcher | None = None) -> RawDocument:
    """Fetch a public http(s) page and read it as HTML (or plain text); raise InputError.

    Every address the host resolves to must be public; redirects (at most 3) are followed
    by hand, each target checked the same way. `fetch` performs one request (tests inject a
    fake); it defaults to urllib with a timeout, a size cap and no proxy.
    """
    fetch = fetch or urllib_fetch
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        check_url(current)
        response = fetch(current)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if response.status in _REDIRECT_CODES:
            location = headers.get("location")
            if not location:
                raise InputError(f"redirect without a location: {current}")
            current = urljoin(current, location.strip())
            continue
        if response.status != 200:
            raise InputError(f"HTTP {response.status} fetching {current}")
        return _page_document(url, current, response.body, headers.get("content-type", ""))
    raise InputError(f"too many redirects (> {MAX_REDIRECTS}): {url}")


def _page_document(url: str, final_url: str, body: bytes, content_type: str) -> RawDocument:
    """A RawDocument from a fetched page body."""
    if len(body) > MAX_FILE_BYTES:
        raise InputError(f"page too large (> {_size(MAX_FILE_BYTES)}): {url}")
    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    if mime and not mime.startswith("text/") and "html" not in mime:
        raise InputError(f"not a web page ({mime}): {url}")
    text = _decode_page(body, params, url)
    parts = urlsplit(final_url)
    name = (parts.netloc + parts.path).rstrip("/") or final_url
    if "html" not in mime and not looks_like_html(text):
        body_text = _check_text(normalize_text(text), url)
        return RawDocument(name=name, text=body_text, source=url, format="text", url=final_url)
    page = extract_html(text, url, final_url)
    return page.document(name=name, source=url, format="html", url=final_url)


def _decode_page(body: bytes, params: str, url: str) -> str:
    """Decode a page with its declared charset if it works, else like a file."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    if match and body.strip() and not is_binary(body):
        try:
            return body.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(body, url, "page")


def check_url(url: str) -> None:
    """Raise InputError unless `url` is http(s) and its host resolves only to public addresses."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise InputError(f"invalid URL: {url}") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"only http and https URLs can be fetched: {url}")
    host = parts.hostname
    if not host:
        raise InputError(f"no host in URL: {url}")
    default_port = 443 if parts.scheme.lower() == "https" else 80
    for address in _resolve(host, port or default_port, url):
        if not is_public_address(address):
            raise InputError(f"refusing to fetch private or local address: {url}")


def _resolve(host: str, port: int, url: str) -> list[str]:
    """The addresses `host` stands for (an IP literal is not looked up)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise InputError(f"cannot resolve host {host}: {url}") from err
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise InputError(f"cannot resolve host {host}: {url}")
    return addresses


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved or unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not blocked


def urllib_fetch(url: str) -> FetchResponse:
    """One GET with urllib: no redirects, no proxy, 10 s timeout, at most 5 MB read.

    The connected peer's address is checked again, so a DNS answer that changed since
    `check_url` cannot lead to a private address.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_FILE_BYTES + 1)
            return FetchResponse(response.status, dict(response.headers.items()), body)
    except urllib.error.HTTPError as err:
        return FetchResponse(err.code, dict(err.headers.items()) if err.headers else {}, b"")
    except urllib.error.URLError as err:
        raise InputError(f"cannot fetch {url}: {err.reason}") from err
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise InputError(f"cannot fetch {url}: {err}") from err


def _guarded_connection(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None, **kwargs: Any
) -> socket.socket:
    """`socket.create_connection` that refuses a non-public peer."""
    sock = socket.create_connection(address, timeout, source_address, **kwargs)
    peer = str(sock.getpeername()[0])
    if not is_public_address(peer):
        sock.close()
        raise InputError(f"refusing to fetch private or local address: {address[0]}")
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req, context=getattr(self, "_context", None))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to `read_url` (as HTTPError) instead of following them."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _HTTPHandler(), _HTTPSHandler(), _NoRedirect()
)
