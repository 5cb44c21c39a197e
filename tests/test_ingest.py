from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from parallax import ingest
from parallax.ingest import FetchResponse, iter_inputs, read_file, read_url
from parallax.models import InputError, RawDocument, SkippedInput

STORY = (
    "The ferry between the two islands resumed service on Monday after a week of storms. "
    "Harbour staff said the first crossing carried forty passengers and a van of supplies."
)

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Ferry service resumes | Island Gazette</title>
<meta property="og:site_name" content="Island Gazette">
<meta property="og:title" content="Ferry service resumes">
<meta name="author" content="Tomas Reed">
<meta property="article:published_time" content="2023-05-14T09:30:00Z">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Ferry service resumes</h1>
<p>The ferry between the two islands resumed service on Monday after a week of storms.</p>
<p>Harbour staff said the first crossing carried forty passengers and a van of supplies.</p>
</article></body></html>"""

UNDATED_HTML = """<html><head><title>Library extends opening hours</title></head><body>
<article>
<p>The town library will open until nine in the evening from next month, the council said.</p>
<p>Volunteers will run a homework club on weekday afternoons in the reading room upstairs.</p>
</article>
<footer><p>Copyright © 2019 Example Town News. All rights reserved.</p></footer>
</body></html>"""

EMPTY_HTML = """<!doctype html><html><head><title>Menu</title></head><body>
<nav><ul><li><a href="/a">Home</a></li><li><a href="/b">Contact</a></li></ul></nav>
<footer>© 2019 Site</footer></body></html>"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def collect(*paths: Path | str) -> tuple[list[RawDocument], list[InputError]]:
    docs, errors, _ = collect_all(*paths)
    return docs, errors


def collect_all(
    *paths: Path | str,
) -> tuple[list[RawDocument], list[InputError], list[SkippedInput]]:
    items = list(iter_inputs([str(p) for p in paths]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, InputError)]
    skipped = [i for i in items if isinstance(i, SkippedInput)]
    assert len(docs) + len(errors) + len(skipped) == len(items)
    return docs, errors, skipped


# --------------------------------------------------------------------------- files


def test_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path / "ferry.txt", STORY + "\n\n  \n")
    [doc] = read_file(path)
    assert doc.text == STORY
    assert (doc.name, doc.format, doc.source) == ("ferry.txt", "text", str(path))
    assert doc.title is None and doc.published is None


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", "\ufeffCafé owners reopened their terraces.".encode())
    [doc] = read_file(path)
    assert doc.text == "Café owners reopened their terraces."


def test_crlf_and_cr_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", b"First line.\r\nSecond line.\rThird line.\r\n")
    [doc] = read_file(path)
    assert doc.text == "First line.\nSecond line.\nThird line."
    assert doc.text.index("Second") == 12


def test_markdown_title_kept_in_text(tmp_path: Path) -> None:
    text = "# Ferry service resumes\n\n" + STORY
    [doc] = read_file(write(tmp_path / "ferry.md", text))
    assert doc.format == "markdown"
    assert doc.title == "Ferry service resumes"
    assert doc.text == text


def test_markdown_without_heading_has_no_title(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path / "plain.md", "## Subheading\n\n" + STORY))
    assert doc.title is None


def test_html_with_metadata(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path / "ferry.html", ARTICLE_HTML))
    assert doc.format == "html"
    assert "forty passengers" in doc.text
    assert "<p>" not in doc.text and "Home" not in doc.text
    assert doc.title == "Ferry service resumes"
    assert doc.author == "Tomas Reed"
    assert doc.published == "2023-05-14"
    assert doc.outlet == "Island Gazette"


def test_html_footer_copyright_year_is_not_a_date(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path / "library.htm", UNDATED_HTML))
    assert "homework club" in doc.text
    assert doc.published is None


def test_html_without_article_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "menu.html", EMPTY_HTML)
    with pytest.raises(InputError, match=r"menu\.html: no article text found$"):
        read_file(path)


def test_html_is_sniffed_in_explicit_file_of_other_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "saved_page.dat", ARTICLE_HTML)
    [doc] = read_file(path)
    assert doc.format == "html"
    assert doc.author == "Tomas Reed"


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    for name, content in (("empty.txt", ""), ("blank.txt", " \n\t\r\n ")):
        path = write(tmp_path / name, content)
        with pytest.raises(InputError) as info:
            read_file(path)
        assert str(info.value) == f"{path}: empty file"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match=r": binary file, not a report$"):
        read_file(path)


def test_utf16_mark_before_bytes_that_are_not_utf16_is_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.txt", b"\xff\xfe\x00garbage!")  # odd length: not UTF-16
    with pytest.raises(InputError, match="binary file"):
        read_file(path)


def test_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "ctl.txt", b"ab\x01\x02\x03\x04\x05\x06cd\x07\x08\x0e\x0f" * 50)
    with pytest.raises(InputError, match="binary file"):
        read_file(path)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.txt", "Le café a rouvert à Noël.".encode("latin-1"))
    [doc] = read_file(path)
    assert doc.text == "Le café a rouvert à Noël."


def test_cp1252_quotes_are_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "quotes.txt", "\u201cWe are open,\u201d she said.".encode("cp1252"))
    [doc] = read_file(path)
    assert doc.text == "\u201cWe are open,\u201d she said."


def test_undecodable_bytes_are_an_error(tmp_path: Path) -> None:
    # not UTF-8, undefined in cp1252, and C1 control characters in latin-1
    path = write(tmp_path / "bad.txt", b"Report \x81\x8d\x8f\x90\x9d\x81\x8d\x8f\x90\x9d end")
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(info.value) == f"{path}: cannot decode file as text"


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "big.txt", STORY * 3)
    monkeypatch.setattr(ingest, "MAX_REPORT_BYTES", 100)
    with pytest.raises(InputError, match=r": report too large \(\d+ bytes > 100 bytes\)$"):
        read_file(path)


def test_file_size_message_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse file: no 6 MB written to disk
        handle.truncate(6 * 1024 * 1024)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(info.value) == f"{path}: report too large (6 MB > 5 MB)"


def test_text_length_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_TEXT_CHARS", 50)
    with pytest.raises(InputError, match=r": text too long \(\d+ > 50 characters\)$"):
        read_file(write(tmp_path / "long.txt", STORY))


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": STORY,
                "title": "Ferry back",
                "outlet": "Island Radio",
                "published": "2023-05-15T08:00:00Z",
            }
        ),
        "",
        "{not json",
        json.dumps({"name": "library", "text": "<p>" + UNDATED_HTML.split("<p>")[1]}),
        json.dumps({"title": "no text here"}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    docs, errors = collect(path)
    assert [d.name for d in docs] == ["feed.jsonl:1", "library"]
    assert all(d.format == "jsonl" for d in docs)
    assert docs[0].text == STORY
    assert (docs[0].title, docs[0].outlet, docs[0].published) == (
        "Ferry back",
        "Island Radio",
        "2023-05-15",
    )
    assert "<p>" not in docs[1].text and "nine in the evening" in docs[1].text
    assert [str(e) for e in errors] == [
        f"{path}:3: invalid JSON (Expecting property name enclosed in double quotes)",
        f'{path}:5: missing or empty "text"',
    ]


def test_jsonl_bad_date_is_dropped(tmp_path: Path) -> None:
    record = {"text": STORY, "published": "sometime last spring"}
    path = write(tmp_path / "feed.ndjson", json.dumps(record) + "\n")
    [doc] = read_file(path)
    assert doc.published is None


def test_read_file_raises_on_bad_jsonl_line(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", json.dumps({"text": STORY}) + "\n[1, 2]\n")
    with pytest.raises(InputError, match=r"feed\.jsonl:2: not a JSON object$"):
        read_file(path)


# --------------------------------------------------------------------------- folders and paths


def test_folder_recursion_order_and_skipping(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    write(root / "b.txt", "Second story about the harbour.")
    write(root / "a.md", "# First\n\nFirst story about the bridge.")
    write(root / "sub" / "c.html", ARTICLE_HTML)
    write(root / "sub" / "d.jsonl", json.dumps({"text": "Fourth story."}) + "\n")
    write(root / "README.md", "# About this folder")
    write(root / "gold.json", "{}")
    write(root / "notes.json", "{}")
    write(root / "gazetteer.tsv", "Harbour\tplace")
    write(root / ".hidden.txt", "secret")
    write(root / ".cache" / "e.txt", "cached")
    write(root / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    write(root / "script.py", "print('no')")
    write(root / "brief.docx", b"PK\x03\x04 a zipped Word document")
    write(root / "sub" / "casualties.csv", "place,killed\nDornik,14\n")
    write(root / "sub" / "sitemap.xml", '<?xml version="1.0"?><urlset></urlset>')
    docs, errors, skipped = collect_all(root)
    assert errors == []
    assert [d.name for d in docs] == ["a.md", "b.txt", "c.html", "d.jsonl:1"]
    assert [d.format for d in docs] == ["markdown", "text", "html", "jsonl"]
    # nothing dropped silently: every file not read is listed, in walking order, with why
    assert [(Path(s.source).relative_to(root).as_posix(), s.reason) for s in skipped] == [
        (".cache", "hidden folder, not read"),
        (".hidden.txt", "hidden file, not read"),
        ("README.md", "not a report (README)"),
        ("brief.docx", "word-processor document, not read (save it as PDF, HTML or text)"),
        ("gazetteer.tsv", "not a report (gazetteer)"),
        ("gold.json", "JSON, not read (give reports one per line as JSON Lines, .jsonl)"),
        ("notes.json", "JSON, not read (give reports one per line as JSON Lines, .jsonl)"),
        ("photo.jpg", "image, not read"),
        ("script.py", "unsupported file type (.py), not read"),
        ("sub/casualties.csv", "spreadsheet, not read (give one report per line as JSON Lines)"),
        ("sub/sitemap.xml", "XML that is not an RSS or Atom feed"),
    ]
    assert str(skipped[1]) == f"{root / '.hidden.txt'}: hidden file, not read"


def test_folder_reports_bad_file_and_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "")
    write(tmp_path / "b.txt", "A readable report.")
    docs, errors = collect(tmp_path)
    assert [d.name for d in docs] == ["b.txt"]
    assert [str(e) for e in errors] == [f"{tmp_path / 'a.txt'}: empty file"]


def test_explicit_file_with_unknown_extension_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.log", STORY)
    docs, errors = collect(path)
    assert not errors
    assert [d.format for d in docs] == ["text"]


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    docs, errors = collect(missing, write(tmp_path / "ok.txt", STORY))
    assert [str(e) for e in errors] == [f"{missing}: no such file or folder"]
    assert [d.name for d in docs] == ["ok.txt"]


# --------------------------------------------------------------------------- URLs


class FakeFetch:
    """Serves canned responses by URL and records what was requested."""

    def __init__(self, responses: dict[str, FetchResponse]) -> None:
        self.responses = responses
        self.calls: list[str] = []

    def __call__(self, url: str) -> FetchResponse:
        self.calls.append(url)
        return self.responses[url]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open a socket or do a DNS lookup beyond /etc/hosts-free fakes."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access in a test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def fake_dns(table: dict[str, str]) -> Any:
    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in table:
            raise socket.gaierror("unknown host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    return getaddrinfo


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://10.0.0.5/",
        "http://[::1]/",
        "http://192.168.1.20:8080/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://localhost/",
    ],
)
def test_private_and_local_addresses_are_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"localhost": "127.0.0.1"}))
    fetch = FakeFetch({})
    with pytest.raises(InputError) as info:
        read_url(url, fetch=fetch)
    assert str(info.value) == f"{url}: refusing to fetch private or local address"
    assert fetch.calls == []


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://93.184.216.34/x", "gopher://a/"])
def test_other_schemes_are_refused(url: str) -> None:
    fetch = FakeFetch({})
    with pytest.raises(InputError, match="only http and https"):
        read_url(url, fetch=fetch)
    assert fetch.calls == []


@pytest.mark.usefixtures("no_network")
def test_localhost_refused_by_real_resolver() -> None:
    # "localhost" resolves locally (hosts file), without any network access
    try:
        socket.getaddrinfo("localhost", 80)
    except OSError:
        pytest.skip("localhost does not resolve here")
    with pytest.raises(InputError, match="refusing to fetch private or local address"):
        read_url("http://localhost:8000/")


@pytest.mark.usefixtures("no_network")
def test_url_fetched_through_fake_fetcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"news.example": "93.184.216.34"}))
    url = "https://news.example/2023/ferry"
    headers = {"Content-Type": "text/html; charset=utf-8"}
    fetch = FakeFetch({url: FetchResponse(200, headers, ARTICLE_HTML.encode())})
    doc = read_url(url, fetch=fetch)
    assert fetch.calls == [url]
    assert (doc.format, doc.source, doc.url) == ("html", url, url)
    assert doc.name == "news.example/2023/ferry"
    assert doc.author == "Tomas Reed" and doc.published == "2023-05-14"
    assert "forty passengers" in doc.text


@pytest.mark.usefixtures("no_network")
def test_url_through_iter_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_http_fetch(url: str, address: str, deadline: float) -> FetchResponse:
        assert address == "93.184.216.34"  # only the checked public address is fetched
        return FetchResponse(200, {}, ARTICLE_HTML.encode())

    monkeypatch.setattr(ingest, "http_fetch", fake_http_fetch)
    docs, errors = collect("http://93.184.216.34/story", "http://127.0.0.1/")
    assert [d.url for d in docs] == ["http://93.184.216.34/story"]
    assert [str(e) for e in errors] == [
        "http://127.0.0.1/: refusing to fetch private or local address"
    ]


@pytest.mark.usefixtures("no_network")
def test_redirect_is_rechecked() -> None:
    start = "http://93.184.216.34/go"
    fetch = FakeFetch({start: FetchResponse(302, {"Location": "http://10.1.2.3/internal"})})
    with pytest.raises(InputError, match="refusing to fetch private or local address"):
        read_url(start, fetch=fetch)
    assert fetch.calls == [start]


@pytest.mark.usefixtures("no_network")
def test_redirects_followed_then_capped() -> None:
    base = "http://93.184.216.34"
    hops = {f"{base}/{i}": FetchResponse(301, {"location": f"/{i + 1}"}) for i in range(5)}
    hops[f"{base}/2"] = FetchResponse(200, {"content-type": "text/plain"}, STORY.encode())
    doc = read_url(f"{base}/0", fetch=FakeFetch(hops))
    assert (doc.format, doc.url, doc.text) == ("text", f"{base}/2", STORY)

    del hops[f"{base}/2"]
    hops[f"{base}/2"] = FetchResponse(301, {"location": "/3"})
    fetch = FakeFetch(hops)
    with pytest.raises(InputError, match="too many redirects"):
        read_url(f"{base}/0", fetch=fetch)
    assert len(fetch.calls) == ingest.MAX_REDIRECTS + 1


@pytest.mark.usefixtures("no_network")
def test_http_error_and_non_page_content() -> None:
    url = "http://93.184.216.34/missing"
    with pytest.raises(InputError, match="HTTP 404"):
        read_url(url, fetch=FakeFetch({url: FetchResponse(404)}))
    png = FetchResponse(200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match=r"not a web page \(image/png\)"):
        read_url(url, fetch=FakeFetch({url: png}))


@pytest.mark.usefixtures("no_network")
def test_default_fetcher_refuses_private_peer(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeSocket:
        def getpeername(self) -> tuple[str, int]:
            return ("127.0.0.1", 80)

        def close(self) -> None:
            pass

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: FakeSocket())
    with pytest.raises(InputError, match="refusing to fetch private or local address"):
        ingest.http_fetch("http://93.184.216.34/rebound")


# --------------------------------------------------------------------------- hostile input


def test_jsonl_huge_integer_fails_its_line_only(tmp_path: Path) -> None:
    huge = '{"text": "Police said 3 people were killed.", "x": ' + "1" * 5000 + "}"
    path = write(tmp_path / "b.jsonl", "\n".join([json.dumps({"text": STORY}), huge, "{}"]))
    docs, errors = collect(path)
    assert [d.name for d in docs] == ["b.jsonl:1"]
    assert [str(e) for e in errors] == [
        f"{path}:2: invalid JSON (a number of more than 4300 digits)",
        f'{path}:3: missing or empty "text"',
    ]


def test_jsonl_deep_nesting_fails_its_line_only(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.jsonl", "[" * 100_000 + "\n" + json.dumps({"text": STORY}))
    docs, errors = collect(path)
    assert [d.name for d in docs] == ["deep.jsonl:2"]
    assert [(e.source, e.line, e.reason) for e in errors] == [
        (str(path), 1, "invalid JSON (nested too deeply)")
    ]


def test_jsonl_lone_surrogate_escape_is_replaced_and_flagged(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", '{"text": "Harbour staff said \\ud800 forty were rescued."}')
    [doc] = read_file(path)
    assert doc.text == "Harbour staff said \ufffd forty were rescued."
    assert doc.flags == [ingest.REPLACED_FLAG]
    doc.text.encode("utf-8")  # storable


def test_jsonl_size_bound_is_per_report_not_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_REPORT_BYTES", 1000)
    lines = [json.dumps({"text": f"Report {i}. {STORY}"}) for i in range(20)]
    lines[7] = json.dumps({"text": STORY + " More." * 300})  # one report over the bound
    path = write(tmp_path / "many.jsonl", "\n".join(lines) + "\n")
    assert path.stat().st_size > 4 * 1000
    docs, errors = collect(path)
    assert len(docs) == 19
    assert [(e.line, e.reason.split(" (")[0]) for e in errors] == [(8, "report too large")]


def test_file_name_not_utf8_is_read_under_a_printable_name(tmp_path: Path) -> None:
    raw = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xff.txt")
    Path(raw).write_text(STORY, encoding="utf-8")
    write(tmp_path / "good.txt", STORY + " Again.")
    docs, errors = collect(tmp_path)
    assert errors == []
    assert [d.name for d in docs] == ["bad\ufffd.txt", "good.txt"]
    for doc in docs:
        doc.source.encode("utf-8")  # printable and storable


def test_path_part_over_255_bytes_is_a_clear_error(tmp_path: Path) -> None:
    long_name = str(tmp_path / ("y" * 300 + ".txt"))
    docs, errors = collect(long_name, write(tmp_path / "ok.txt", STORY))
    assert [d.name for d in docs] == ["ok.txt"]
    assert [str(e) for e in errors] == [f"{long_name}: cannot read: File name too long"]


def test_utf8_with_a_stray_byte_is_kept_and_flagged(tmp_path: Path) -> None:
    data = "\u201cWe are open,\u201d she said.".encode() + b" Caf\xe9 staff agreed."
    [doc] = read_file(write(tmp_path / "stray.txt", data))
    assert doc.text == "\u201cWe are open,\u201d she said. Caf\ufffd staff agreed."
    assert doc.flags == [ingest.REPLACED_FLAG]


def test_clean_files_carry_no_decoding_flag(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path / "clean.txt", STORY))
    assert doc.flags == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_utf16_and_utf32_with_or_without_mark_are_decoded(encoding: str, tmp_path: Path) -> None:
    text = "\u201cThe ferry is back,\u201d the harbour master said. " + STORY
    [doc] = read_file(write(tmp_path / "wide.txt", text.encode(encoding)))
    assert doc.text == text
    assert doc.flags == []


def test_cyrillic_in_a_legacy_encoding_is_not_stored_garbled(tmp_path: Path) -> None:
    text = "Полиция сообщила о трёх погибших после взрыва в порту."
    [doc] = read_file(write(tmp_path / "koi.txt", text.encode("koi8-r")))
    assert doc.text == text


@pytest.mark.parametrize(
    "content",
    ["\u200b\u200b\u2060 \u200d\n\u00ad", b"\xe9\xe8", "1 2 3", b"\x9f\x12"],
    ids=["invisible", "two-bytes", "no-letters", "two-control-bytes"],
)
def test_texts_without_readable_letters_are_refused(content: str | bytes, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_file(write(tmp_path / "x.txt", content))
    assert info.value.reason in (
        "no readable text (fewer than 3 letters)",
        "binary file, not a report",
    )


def test_nul_byte_after_the_first_8_kib_is_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "late.txt", (STORY + "\n") * 60 + "\x00tail")
    assert path.stat().st_size > ingest.SNIFF_BYTES
    with pytest.raises(InputError, match=r": binary file, not a report$"):
        read_file(path)


def test_file_without_extension_in_a_folder_is_read(tmp_path: Path) -> None:
    write(tmp_path / "dispatch", STORY)
    write(tmp_path / "page", ARTICLE_HTML)
    docs, errors = collect(tmp_path)
    assert errors == []
    assert [(d.name, d.format) for d in docs] == [("dispatch", "text"), ("page", "html")]


# --------------------------------------------------------------------------- address guard


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2002:c0a8:0101::1",  # 6to4 of 192.168.1.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::7f00:1",  # IPv4-compatible
        "fec0::1",  # site-local
        "feed::1",  # site-local
    ],
)
def test_embedded_and_site_local_forms_are_not_public(address: str) -> None:
    assert not ingest.is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "2002:5db8:d822::1"])
def test_public_addresses_stay_public(address: str) -> None:
    assert ingest.is_public_address(address)


@pytest.mark.usefixtures("no_network")
def test_6to4_loopback_url_is_refused_before_any_request() -> None:
    fetch = FakeFetch({})
    with pytest.raises(InputError, match="refusing to fetch private or local address"):
        read_url("http://[2002:7f00:1::]/", fetch=fetch)
    assert fetch.calls == []


def test_connects_only_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])  # a rebinding name

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    connected: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    with pytest.raises(InputError, match="cannot fetch"):
        read_url("http://rebind.example/story")
    assert connected == [("93.184.216.34", 80)]


# --------------------------------------------------------------------------- fetch bounds


class DripServer:
    """A loopback HTTP server that sends its headers, then one byte of body per tick."""

    def __init__(self, length: int, bytes_per_tick: int, tick: float) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/slow"
        self.length, self.step, self.tick = length, bytes_per_tick, tick
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {self.length}\r\n\r\n"
            try:
                conn.sendall(head.encode())
                for sent in range(0, self.length, self.step):
                    conn.sendall(b"a" * min(self.step, self.length - sent))
                    time.sleep(self.tick)
            except OSError:
                pass  # the client gave up

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=30)


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "is_public_address", lambda address: True)


@pytest.mark.usefixtures("loopback_allowed")
def test_slow_server_hits_the_overall_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "FETCH_DEADLINE", 1.0)
    server = DripServer(length=40, bytes_per_tick=1, tick=0.1)  # 4 s in all, reads never idle
    try:
        with pytest.raises(InputError) as info:
            read_url(server.url)
    finally:
        server.close()
    assert str(info.value) == f"{server.url}: fetch took longer than 1 s"


@pytest.mark.usefixtures("loopback_allowed")
def test_page_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_REPORT_BYTES", 1000)
    server = DripServer(length=5000, bytes_per_tick=500, tick=0.0)
    try:
        with pytest.raises(InputError) as info:
            read_url(server.url)
    finally:
        server.close()
    assert info.value.reason == "report too large (> 1000 bytes)"
