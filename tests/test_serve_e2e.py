"""The review workspace in a real headless Chromium (Debian's `chromium`, driven through
Playwright without its own browser download): open an event, check the side-by-side view
and the figure table, correct a speaker, re-analyse, and see the correction kept; a report
with markup in it shows as text and runs nothing; the first page says where the sources
disagree (filters, links to each span), the event page draws the time axis and the map
(basemap, labels) on the examples and on a generated 200-report corpus of syndicated
copies, whose event page stays under 1 MB. Screenshots (1280x800) of each page go to
bench/screens/ for a reviewer."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from corpus_helpers import write_corpus
from serve_helpers import SETTINGS, copy_db, make_app

from parallax.ingest import wanted_in_folder
from parallax.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(  # the reports `parallax analyze examples` reads (not the README)
    p for p in (ROOT / "examples").iterdir() if wanted_in_folder(p)
)
SCREENS = ROOT / "bench" / "screens"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANALYSIS_MS = 180_000  # re-analysing four reports on a slow shared machine

# Invented: Fernhollow, Pell Harbour and everyone named here do not exist.
MARKUP_REPORT = """Storm floods harbour road in Pell Harbour

By Corin Vale

PELL HARBOUR - High water closed the harbour road in Pell Harbour on Tuesday, the port \
authority said.

"Someone painted <script>window.__pwned = 1; alert('x')</script> on the sea wall," said \
Maren Holt, the harbour warden. "Then a sign read <img src=x onerror="window.__pwned = 2"> \
and <b>closed</b>."

At least 4 people were injured near the pier, the port authority said.
"""


def chromium_path() -> str | None:
    found = os.environ.get("PARALLAX_CHROMIUM") or shutil.which("chromium")
    return found if found and Path(found).exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The workspace over a new, empty database, served on a free loopback port."""
    db = tmp_path_factory.mktemp("e2e") / "e2e.db"
    Store(db).close()
    yield from serve(db)


def serve(db: Path) -> Iterator[str]:
    """The workspace over `db`, served on a free loopback port until the generator ends."""
    app = make_app(db)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    exe = chromium_path()
    if exe is None:
        message = "no chromium found (apt-get install chromium, or set PARALLAX_CHROMIUM)"
        if os.environ.get("PARALLAX_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="parallax-chromium-") as profile,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=exe,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        yield context
        context.close()


def test_review_an_event_and_keep_the_correction_through_reanalysis(base_url: str, browser) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "/")
    for path in EXAMPLES:  # load the example corpus through the upload form
        page.set_input_files("#upload-form input[type=file]", str(path))
        with page.expect_navigation(timeout=ANALYSIS_MS):
            page.click("#upload-form button[type=submit]")
        expect(page.locator("#message")).to_contain_text("analysed: ")
    docs = httpx.get(base_url + "/api/documents").json()
    assert len(docs) >= len(EXAMPLES)
    expect(page.locator("#documents tbody tr")).to_have_count(len(docs))
    events = httpx.get(base_url + "/api/events").json()
    event = max(events, key=lambda e: len(e["documents"]))
    page.click(f'#events a[href="/event/{event["id"]}"]')
    page.wait_for_url(f"**/event/{event['id']}")

    # sources side by side: one column per report, each with the event's sentences marked
    columns = page.locator("#sources article.source")
    expect(columns).to_have_count(len(event["documents"]))
    assert len(event["documents"]) >= 2
    boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
    assert boxes[0] and boxes[1] and boxes[0]["x"] < boxes[1]["x"]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5  # next to each other, not stacked
    for i in range(columns.count()):
        assert columns.nth(i).locator("mark.k-sentence").count() > 0

    # the figure table: low / best / high and every claimant
    headers = page.locator("#figures thead th").all_inner_texts()
    assert headers[1:4] == ["Low", "Best", "High"]
    api_event = httpx.get(f"{base_url}/api/events/{event['id']}").json()
    table = page.locator("#figures").inner_text()
    for rng in api_event["figures"]:
        for claim in rng["values"]:
            assert (claim["claimant"] or "unnamed") in table
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "event.png"))
    page.screenshot(path=str(SCREENS / "event-full.png"), full_page=True)

    # correct the speaker of a quote tied to the event
    export = httpx.get(base_url + "/api/export").json()
    doc, quote = next(
        (d, q) for d in export["documents"] for q in d["quotes"] if event["id"] in q["events"]
    )
    uid = f"d{doc['id']}-quote-{quote['start']}-{quote['end']}"
    page.locator(f'#sources mark[data-items~="{uid}"]').first.click()
    detail = page.locator(".side-details.open section.detail:not([hidden])").filter(
        has_text="quote:"
    )
    expect(detail.first).to_be_visible()
    form = detail.first.locator("form.correct")
    form.locator("select[name=field]").select_option("speaker")
    form.locator("input[name=value]").fill("Wenna Quill")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(f"/event/{event['id']}"), page.content()[:500]
    quotes = page.locator("#quotes")
    expect(quotes.locator("dt", has_text="Wenna Quill")).to_have_count(1)
    expect(quotes.locator(".badge.corrected")).to_have_count(1)
    screenshot_detail(page, event["id"])

    # re-analyse the whole corpus: the machine output is replaced, the correction stays
    with page.expect_navigation(timeout=ANALYSIS_MS):
        page.click("#reanalyse")
    expect(page.locator("#quotes dt", has_text="Wenna Quill")).to_have_count(1)
    expect(page.locator("#quotes .badge.corrected")).to_have_count(1)
    page.goto(base_url + "/speaker/Wenna%20Quill")
    expect(page.locator("#statements li")).to_have_count(1)
    expect(page.locator("#statements .badge.corrected")).to_have_count(1)
    exported = httpx.get(base_url + "/api/export").json()
    fixed = [q for d in exported["documents"] for q in d["quotes"] if q.get("corrected")]
    assert [q["speaker"] for q in fixed] == ["Wenna Quill"]
    assert errors == []


def screenshot_detail(page, event_id: str) -> None:
    """The event page with a span's details open, for the reviewer."""
    page.locator("#sources mark[data-items]").first.click()
    page.screenshot(path=str(SCREENS / f"event-{event_id}-detail.png"))


def test_markup_in_a_report_is_shown_and_never_runs(base_url: str, browser) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/")
    page.fill("#paste-form input[name=name]", "pell_harbour.txt")
    page.fill("#paste-form textarea[name=text]", MARKUP_REPORT)
    with page.expect_navigation(timeout=ANALYSIS_MS):
        page.click("#paste-form button[type=submit]")
    expect(page.locator("#message")).to_contain_text("analysed: pell_harbour.txt")
    page.click('#documents a:has-text("Storm floods harbour road")')
    text = page.locator(".reader .text")
    expect(text).to_contain_text("<script>window.__pwned = 1; alert('x')</script>")
    expect(text).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    assert text.locator("script, img, b").count() == 0
    text.locator('mark[data-items*="-quote-"]', has_text="<script>").first.click()
    expect(page.locator("section.detail:not([hidden])").first).to_contain_text("<script>")
    page.goto(base_url + "/speaker/Maren%20Holt")
    expect(page.locator("#statements")).to_contain_text("<img src=x onerror=")
    assert page.locator("#statements img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []


def check_first_page(page, base_url: str, name: str) -> None:
    """The first page answers where the sources disagree: disputed events, filters, a
    claimant's filter one click away, each claim one click from its span."""
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    disputes = page.locator("#disagreements section.dispute")
    assert disputes.count() > 0
    expect(page.locator("#filters select")).to_have_count(4)
    assert page.locator("#disagreements table.ranges tr.disagreed").count() > 0
    page.screenshot(path=str(SCREENS / f"{name}-disagreements.png"))
    claimant = page.locator("#disagreements a.claimant").first
    who = claimant.inner_text()
    claimant.click()
    page.wait_for_url("**/?claimant=*")
    expect(page.locator("#active-filters")).to_contain_text(who)
    assert page.locator("#disagreements a.claimant", has_text=who).count() > 0
    page.goto(base_url + "/")
    page.locator('#disagreements a[href^="/document/"]').first.click()
    page.wait_for_url("**/document/*")
    expect(page.locator(".reader mark.linked").first).to_be_visible()  # scrolled to it


def check_event_page(page, base_url: str, event_id: str, name: str) -> None:
    """The event page: the time axis (items on dates), the map (basemap and a label for
    every place), the colour legend; copies folded, never more than the columns shown."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/event/{event_id}")
    axis = page.locator("#timeline svg.time-axis")
    expect(axis).to_be_visible()
    assert axis.locator("g.item").count() > 0 and axis.locator("text.tick").count() > 0
    current = axis.locator(f'a[href="/event/{event_id}"]')
    assert current.count() > 0  # the event itself is on the axis
    svg = page.locator("#map svg.map")
    expect(svg).to_be_visible()
    assert svg.locator("path.country").count() > 0  # the basemap
    places = svg.locator("g.place").count()
    assert places > 0 and svg.locator("text.label").count() >= places
    expect(page.locator("#legend mark.k-quote")).to_be_visible()
    assert page.locator("#sources article.source").count() <= 6
    page.screenshot(path=str(SCREENS / f"{name}-event.png"))


def test_first_page_and_event_page_on_the_examples(
    examples_db: Path, tmp_path: Path, browser
) -> None:
    db = copy_db(examples_db, tmp_path / "examples.db")
    server = serve(db)
    base = next(server)
    try:
        SCREENS.mkdir(parents=True, exist_ok=True)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        check_first_page(page, base, "examples")
        events = httpx.get(base + "/api/events").json()
        event = max(events, key=lambda e: len(e["documents"]))
        check_event_page(page, base, event["id"], "examples")
        assert errors == []
    finally:
        next(server, None)


@pytest.fixture(scope="module")
def corpus_200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 generated reports, most of them syndicated copies, analysed once."""
    from parallax.analyze import run_analysis

    folder = tmp_path_factory.mktemp("corpus200")
    paths = write_corpus(folder / "reports", 200)
    db = folder / "corpus.db"
    with Store(db) as store:
        summary = run_analysis([str(p) for p in paths], store, SETTINGS)
    assert not summary.failed
    return db


def test_a_200_report_corpus_with_copies_stays_small(corpus_200: Path, browser) -> None:
    server = serve(corpus_200)
    base = next(server)
    try:
        SCREENS.mkdir(parents=True, exist_ok=True)
        docs = httpx.get(base + "/api/documents").json()
        assert len(docs) == 200
        events = httpx.get(base + "/api/events").json()
        event = max(events, key=lambda e: len(e["documents"]))
        assert len(event["documents"]) > 20  # copies of one story tell the event
        body = httpx.get(f"{base}/event/{event['id']}").content
        assert len(body) < 1_000_000, len(body)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        check_first_page(page, base, "corpus200")
        # the corpus table: one row per independent source, its copies folded
        page.goto(base + "/")
        rows = page.locator("#documents tbody tr")
        assert 0 < rows.count() < 60
        assert page.locator("#documents details.copies").count() > 0
        check_event_page(page, base, event["id"], "corpus200")
        copies = page.locator("#sources details.copies summary").first
        expect_text = copies.inner_text()
        assert re.fullmatch(r"and \d+ cop(y|ies)", expect_text), expect_text
        assert errors == []
    finally:
        next(server, None)
