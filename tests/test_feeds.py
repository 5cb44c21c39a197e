"""RSS and Atom feeds: files, folders and URLs (a loopback server), one report per item."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from parallax import feeds, ingest
from parallax.feeds import html_to_text, looks_like_feed
from parallax.ingest import iter_inputs, read_file, read_url
from parallax.models import InputError, RawDocument, SkippedInput
from parallax.store import Store

# Invented: the Velgrad Courier, Dornik, Ostravia and their people do not exist.
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Velgrad Courier</title>
<link>https://courier.example/</link>
<description>News from Velgrad</description>
<item>
<title>Shelling &amp; fires in &lt;b&gt;Dornik&lt;/b&gt;</title>
<link>https://courier.example/2025/03/dornik-shelling</link>
<pubDate>Mon, 03 Mar 2025 01:30:00 +0300</pubDate>
<author>desk@courier.example (Anna Berg)</author>
<description>&lt;p&gt;At least 14 people were killed when shells hit the market in Dornik on \
Monday, the regional &lt;b&gt;health ministry&lt;/b&gt; said.&lt;/p&gt;&lt;script&gt;\
alert(1)&lt;/script&gt;&lt;p&gt;Rescue teams were still searching the rubble.&lt;/p&gt;\
</description>
</item>
<item>
<title>Ostravia closes the border crossing</title>
<link>https://courier.example/2025/03/border</link>
</item>
<item>
<title>Aid convoy reaches Dornik</title>
<link>https://courier.example/2025/03/convoy</link>
<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<description>A convoy of twelve lorries carrying food and medicine reached Dornik on \
Tuesday, the Red Cross said.</description>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>urn:example:ostravia-monitor</id>
<updated>2025-03-05T08:00:00Z</updated>
<entry>
<title type="html">Ceasefire talks &lt;em&gt;stall&lt;/em&gt;</title>
<link rel="alternate" href="https://monitor.example/ceasefire-talks"/>
<id>urn:example:1</id>
<updated>2025-03-05T07:30:00+02:00</updated>
<author><name>Jonas Kell</name></author>
<summary>Talks stalled.</summary>
<content type="html">&lt;p&gt;Ceasefire talks between Valdoria and Ostravia stalled on \
Wednesday, a mediator said.&lt;/p&gt;&lt;p&gt;&lt;q&gt;We are not giving up,&lt;/q&gt; he \
added.&lt;br/&gt;Delegations will meet again next week.&lt;/p&gt;</content>
</entry>
</feed>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def items(*paths: Path | str) -> list[RawDocument | InputError | SkippedInput]:
    return list(iter_inputs([str(p) for p in paths]))


def docs_of(found: list[Any]) -> list[RawDocument]:
    return [i for i in found if isinstance(i, RawDocument)]


# --------------------------------------------------------------------------- files


def test_rss_items_are_reports_with_link_title_date_outlet(tmp_path: Path) -> None:
    path = write(tmp_path / "courier.rss", RSS)
    found = items(path)
    docs = docs_of(found)
    assert [d.url for d in docs] == [
        "https://courier.example/2025/03/dornik-shelling",
        "https://courier.example/2025/03/convoy",
    ]
    first = docs[0]
    assert first.name == "courier.example/2025/03/dornik-shelling"
    assert (first.format, first.source, first.line) == ("feed", str(path), 1)
    assert first.title == "Shelling & fires in Dornik"
    assert first.outlet == "Velgrad Courier"
    assert first.author == "Anna Berg"
    # the date as the item wrote it (+03:00), not shifted back a day to UTC
    assert first.published == "2025-03-03"
    assert first.text == (
        "At least 14 people were killed when shells hit the market in Dornik on Monday, "
        "the regional health ministry said.\n\nRescue teams were still searching the rubble."
    )
    assert "alert" not in first.text
    assert docs[1].published == "2025-03-04" and docs[1].line == 3


def test_rss_item_without_text_is_listed_with_its_link(tmp_path: Path) -> None:
    path = write(tmp_path / "courier.rss", RSS)
    skipped = [i for i in items(path) if isinstance(i, SkippedInput)]
    assert [str(s) for s in skipped] == [
        f"{path}:2: item with no text in the feed "
        "(read its link as a URL: https://courier.example/2025/03/border)"
    ]


def test_atom_entry_content_author_and_date(tmp_path: Path) -> None:
    path = write(tmp_path / "monitor.atom", ATOM)
    [doc] = read_file(path)
    assert doc.url == "https://monitor.example/ceasefire-talks"
    assert doc.title == "Ceasefire talks stall"
    assert doc.author == "Jonas Kell"
    assert doc.published == "2025-03-05"
    assert doc.outlet == "monitor.example"  # the feed has no title: the link's host
    # the content, not the shorter summary; <br> keeps a line break inside the paragraph
    assert doc.text == (
        "Ceasefire talks between Valdoria and Ostravia stalled on Wednesday, a mediator said."
        "\n\nWe are not giving up, he added.\nDelegations will meet again next week."
    )


def test_xml_feed_in_a_folder_is_read_and_other_xml_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a_feed.xml", ATOM)
    write(tmp_path / "b_sitemap.xml", '<?xml version="1.0"?>\n<urlset><url/></urlset>')
    write(tmp_path / "c_feed_without_extension", RSS)
    found = items(tmp_path)
    assert [d.url for d in docs_of(found)] == [
        "https://monitor.example/ceasefire-talks",
        "https://courier.example/2025/03/dornik-shelling",
        "https://courier.example/2025/03/convoy",
    ]
    assert f"{tmp_path / 'b_sitemap.xml'}: XML that is not an RSS or Atom feed" in [
        str(i) for i in found if isinstance(i, SkippedInput)
    ]


def test_items_past_the_cap_are_counted_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_ITEMS", 1)
    path = write(tmp_path / "courier.rss", RSS)
    found = items(path)
    assert [d.line for d in docs_of(found)] == [1]
    assert [str(i) for i in found if isinstance(i, SkippedInput)] == [
        f"{path}: 2 items past the first 1 not read (MAX_FEED_ITEMS)"
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<rss version='2.0'><channel><title>Broken</ti", "not a readable RSS or Atom feed ("),
        ("just some words, not a feed at all", "not a readable RSS or Atom feed"),
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel>'
            "<item><description>&a;&a;</description></item></channel></rss>",
            "feed declares XML entities, not read",
        ),
    ],
)
def test_broken_feed_is_one_clear_error(content: str, reason: str, tmp_path: Path) -> None:
    path = write(tmp_path / "broken.rss", content)
    found = items(path)
    assert len(found) == 1 and isinstance(found[0], InputError)
    assert str(found[0]).startswith(f"{path}: {reason}")


def test_empty_feed_is_listed_as_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "quiet.rss", "<rss version='2.0'><channel><title>Q</title></channel></rss>"
    )
    assert [str(i) for i in items(path)] == [f"{path}: feed with no items"]


def test_feed_sniffing_and_html_to_text() -> None:
    assert looks_like_feed(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- x -->\n<rss version="2.0">')
    assert looks_like_feed(b'<feed xmlns="http://www.w3.org/2005/Atom">')
    assert not looks_like_feed(b"<!DOCTYPE html><html><body>rss</body></html>")
    assert not looks_like_feed(b'<?xml version="1.0"?><urlset>')
    html = (
        "<div>One <i>two</i></div><ul><li>three</li><li>four &amp; five</li></ul><style>x{}</style>"
    )
    assert html_to_text(html) == "One two\n\nthree\n\nfour & five"


# --------------------------------------------------------------------------- URLs


class FeedServer:
    """A loopback HTTP server answering GET with canned (content type, body) by path."""

    def __init__(self, pages: dict[str, tuple[str, bytes]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path not in pages:
                    self.send_error(404)
                    return
                kind, body = pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=30)


RELATIVE_RSS = RSS.replace("https://courier.example/2025/03/convoy", "/2025/03/convoy")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer(
        {
            "/feed": ("application/rss+xml; charset=utf-8", RELATIVE_RSS.encode()),
            "/atom": ("text/xml", ATOM.encode()),
            "/page": ("text/html", b"<html><body><p>Not a feed.</p></body></html>"),
        }
    )
    yield srv
    srv.close()


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The address guard lets this test's loopback server through (as in test_ingest)."""
    monkeypatch.setattr(ingest, "is_public_address", lambda address: True)


@pytest.mark.usefixtures("loopback_allowed")
def test_feed_url_from_a_loopback_server(server: FeedServer) -> None:
    url = f"{server.base}/feed"
    found = items(url)
    docs = docs_of(found)
    assert [d.source for d in docs] == [url, url]
    assert docs[0].outlet == "Velgrad Courier" and docs[0].published == "2025-03-03"
    # a relative item link resolves against the feed's address
    assert docs[1].url == f"{server.base}/2025/03/convoy"
    assert "twelve lorries" in docs[1].text
    assert [str(i) for i in found if isinstance(i, SkippedInput)][0].startswith(f"{url}:2: ")


@pytest.mark.usefixtures("loopback_allowed")
def test_atom_served_as_plain_xml_is_sniffed(server: FeedServer) -> None:
    [doc] = docs_of(items(f"{server.base}/atom"))
    assert (doc.format, doc.author) == ("feed", "Jonas Kell")
    with pytest.raises(InputError, match="an RSS or Atom feed, not one page"):
        read_url(f"{server.base}/feed")


@pytest.mark.usefixtures("loopback_allowed")
def test_feed_url_over_the_size_limit_is_refused(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_REPORT_BYTES", 500)
    url = f"{server.base}/feed"
    assert [str(i) for i in items(url)] == [f"{url}: report too large (> 500 bytes)"]


def test_feed_url_on_loopback_is_refused_by_the_guard(server: FeedServer) -> None:
    url = f"{server.base}/feed"
    assert [str(i) for i in items(url)] == [f"{url}: refusing to fetch private or local address"]


# --------------------------------------------------------------------------- a whole run


def test_analyze_reads_a_feed_and_lists_what_it_skips(
    tmp_path: Path, analyze: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = Path("in")
    write(folder / "courier.rss", RSS)
    write(folder / "brief.docx", b"PK\x03\x04 a zipped Word document")
    write(folder / "table.csv", "place,killed\nDornik,14\n")
    write(folder / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    result = analyze(folder, db="p.db")
    assert result.exit_code == 0, result.output  # skipping is not a failure
    stderr = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stderr)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines == [
        f"skipped: {folder / '.DS_Store'}: hidden file, not read",
        f"skipped: {folder / 'brief.docx'}: word-processor document, not read "
        "(save it as PDF, HTML or text)",
        f"skipped: {folder / 'courier.rss'}:2: item with no text in the feed "
        "(read its link as a URL: https://courier.example/2025/03/border)",
        f"skipped: {folder / 'table.csv'}: spreadsheet, not read "
        "(give one report per line as JSON Lines)",
    ]
    stdout = " ".join(result.stdout.split())
    assert "2 reports stored (2 added, 0 already there), 4 not read" in stdout
    with Store(tmp_path / "p.db") as store:
        stored = {d.url: d for d in store.documents()}
    shelling = stored["https://courier.example/2025/03/dornik-shelling"]
    assert (shelling.outlet, shelling.published, shelling.format) == (
        "Velgrad Courier",
        "2025-03-03",
        "feed",
    )
    assert any(f.value == 14 for f in shelling.figures)
