"""The review workspace over HTTP (no browser): pages, the JSON API, corrections and how
exports use them, and the guards (CSP, escaping, tokens, origins, body bounds)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SCRIPT_REPORT
from fastapi.testclient import TestClient
from serve_helpers import SETTINGS, TOKEN, client, copy_db

from parallax.analyze import reanalyse
from parallax.export import build_export
from parallax.serve.app import MAX_BODY, _local, _safe_name
from parallax.store import Correction, Store

API = {"X-Parallax-Token": TOKEN}


@pytest.fixture(scope="module")
def db(examples_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_db(examples_db, tmp_path_factory.mktemp("serve") / "serve.db")


@pytest.fixture(scope="module")
def web(db: Path) -> TestClient:
    return client(db)


def a_quote(web: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A document with an attributed quote, and that quote."""
    for summary in web.get("/api/documents").json():
        doc = web.get(f"/api/documents/{summary['id']}").json()
        for q in doc["quotes"]:
            if q["speaker"] and not q.get("corrected"):
                return doc, q
    raise AssertionError("no attributed quote in examples/")


def speaker_fix(doc: dict[str, Any], quote: dict[str, Any], value: str) -> dict[str, Any]:
    """A correction of the quote's speaker, as the API takes it."""
    key = {"sha256": doc["sha256"], "kind": "quote", "start": quote["start"], "end": quote["end"]}
    return {**key, "field": "speaker", "value": value}


# -- pages --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/api/documents", "/static/app.js", "/nowhere", "/event/x"])
def test_every_response_has_the_security_headers(web: TestClient, path: str) -> None:
    r = web.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_render_with_no_inline_script(web: TestClient) -> None:
    events = web.get("/api/events").json()
    docs = web.get("/api/documents").json()
    pages = ["/", f"/event/{events[0]['id']}", f"/document/{docs[0]['id']}"]
    for path in pages:
        r = web.get(path)
        assert r.status_code == 200, path
        scripts = re.findall(r"<script\b[^>]*>", r.text)
        assert scripts and all("src=" in s for s in scripts), (path, scripts)
        assert not re.search(r"\son\w+=", r.text), path  # no inline event handlers


def test_corpus_page_lists_documents_and_events(web: TestClient) -> None:
    page = web.get("/").text
    for d in web.get("/api/documents").json():
        assert f'href="/document/{d["id"]}"' in page
    for e in web.get("/api/events").json():
        assert f'href="/event/{e["id"]}"' in page


def test_event_page_shows_sources_side_by_side_and_figures(web: TestClient) -> None:
    events = web.get("/api/events").json()
    event = max(events, key=lambda e: len(e["documents"]))
    assert len(event["documents"]) >= 2
    page = web.get(f"/event/{event['id']}").text
    assert page.count('<article class="source">') == len(event["documents"])
    figures = web.get(f"/api/events/{event['id']}").json()["figures"]
    assert figures, "the most reported example event has figures"
    for claim in figures[0]["values"]:
        if claim["claimant"]:
            assert claim["claimant"] in page


def test_unknown_items_are_404(web: TestClient) -> None:
    assert web.get("/event/nope").status_code == 404
    assert web.get("/document/999999").status_code == 404
    assert web.get("/api/documents/999999").status_code == 404
    assert web.get("/api/events/nope").status_code == 404


# -- corrections --------------------------------------------------------------------------
def test_a_corrected_speaker_is_used_and_marked(web: TestClient, db: Path) -> None:
    doc, quote = a_quote(web)
    body = speaker_fix(doc, quote, "Wenna Quill")
    assert web.post("/api/corrections", json=body).status_code == 403  # no token
    r = web.post("/api/corrections", json=body, headers=API)
    assert r.status_code == 201, r.text
    corr = r.json()
    assert corr["machine_value"] == f'"{quote["speaker"]}"'
    exported = web.get(f"/api/documents/{doc['id']}").json()
    fixed = next(q for q in exported["quotes"] if q["start"] == quote["start"])
    assert fixed["speaker"] == "Wenna Quill"
    assert fixed["corrected"] is True
    assert fixed["machine_value"] == {"speaker": quote["speaker"]}
    statements = web.get("/api/speakers/Wenna Quill").json()
    assert [s["start"] for s in statements] == [quote["start"]]
    assert "Wenna Quill" in web.get(f"/speaker/{'Wenna Quill'}").text
    with Store(db) as store:  # the machine output itself is untouched
        machine = build_export(store, corrected=False)
    raw = next(d for d in machine["documents"] if d["id"] == doc["id"])
    assert (
        next(q for q in raw["quotes"] if q["start"] == quote["start"])["speaker"]
        == quote["speaker"]
    )
    assert web.delete(f"/api/corrections/{corr['id']}", headers=API).status_code == 204
    assert web.delete(f"/api/corrections/{corr['id']}", headers=API).status_code == 404
    assert web.get("/api/speakers/Wenna Quill").json() == []


def test_a_figure_marked_wrong_leaves_the_range(web: TestClient) -> None:
    events = web.get("/api/events").json()
    ranges = [(e, f) for e in events for f in web.get(f"/api/events/{e['id']}").json()["figures"]]
    event, rng = next((e, f) for e, f in ranges if not f["agreed"])
    claim = next(v for v in rng["values"] if v["value"] == rng["high"])
    sha = next(
        d["sha256"]
        for d in web.get("/api/export").json()["documents"]
        if d["name"] == claim["document"]
    )
    key = {"sha256": sha, "kind": "figure", "start": claim["start"], "end": claim["end"]}
    r = web.post(
        "/api/corrections", json={**key, "field": "verdict", "value": "wrong"}, headers=API
    )
    assert r.status_code == 201, r.text
    try:
        after = next(
            f
            for f in web.get(f"/api/events/{event['id']}").json()["figures"]
            if f["metric"] == rng["metric"]
        )
        assert after["corrected"] is True
        assert len(after["values"]) == len(rng["values"]) - 1
        assert after["high"] is None or after["high"] <= rng["high"]
        export = web.get("/api/export").json()
        assert any(x["start"] == claim["start"] for x in export["rejected"])
    finally:
        web.delete(f"/api/corrections/{r.json()['id']}", headers=API)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"field": "verdict", "value": "maybe"}, 422),
        ({"field": "metric"}, 422),  # not a field of a quote
        ({"start": 0, "end": 1}, 404),  # no item there
        ({"sha256": "0" * 64}, 404),
    ],
)
def test_bad_corrections_are_refused(web: TestClient, change: dict[str, Any], status: int) -> None:
    doc, quote = a_quote(web)
    body = speaker_fix(doc, quote, "X") | change
    assert web.post("/api/corrections", json=body, headers=API).status_code == status


def test_review_form_needs_its_token_and_same_origin(web: TestClient) -> None:
    doc, quote = a_quote(web)
    form = {
        "sha256": doc["sha256"],
        "kind": "quote",
        "start": str(quote["start"]),
        "end": str(quote["end"]),
        "field": "verdict",
        "value": "correct",
        "back": "https://elsewhere.example/",
    }
    assert web.post("/review", data={**form, "token": "guess"}).status_code == 403
    cross = {"Origin": "http://evil.example"}
    assert web.post("/review", data={**form, "token": TOKEN}, headers=cross).status_code == 403
    r = web.post("/review", data={**form, "token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"  # never off-site
    page = web.get(f"/document/{doc['id']}").text
    assert "marked correct" in page
    for c in web.get("/api/corrections").json():
        web.delete(f"/api/corrections/{c['id']}", headers=API)


# -- guards -------------------------------------------------------------------------------
def test_off_loopback_every_request_needs_the_token(db: Path) -> None:
    web = client(db, host="0.0.0.0")
    assert web.get("/").status_code == 401
    assert web.get("/api/documents").status_code == 401
    assert web.get("/api/documents", headers=API).status_code == 200
    r = web.get("/", params={"token": TOKEN})
    assert r.status_code == 200
    assert web.get("/api/documents").status_code == 200  # the cookie set by ?token=


def test_on_loopback_other_host_names_are_refused(web: TestClient) -> None:
    assert web.get("/", headers={"Host": "attacker.example"}).status_code == 421
    assert web.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_bodies_are_bounded(web: TestClient) -> None:
    big = "x" * (MAX_BODY + 100 * 1024)
    r = web.post("/analyze", data={"token": TOKEN, "text": big})
    assert r.status_code == 413


def test_helpers_keep_names_and_redirects_tame() -> None:
    assert _safe_name("../../etc/passwd") == "passwd.txt"
    assert _safe_name("report <1>.html") == "report _1_.html"
    assert _local("//evil.example/x") == "/"
    assert _local("/event/ev1") == "/event/ev1"


def test_an_uploaded_pdf_is_read_as_a_pdf(tmp_path: Path) -> None:
    from test_pdf import make_pdf

    assert _safe_name("sitrep.pdf") == "sitrep.pdf" and _safe_name("feed.rss") == "feed.rss"
    db = tmp_path / "upload.db"
    Store(db).close()
    web = client(db)
    data = make_pdf([["Shelling hit Dornik on Monday, police said."]])
    r = web.post(
        "/analyze",
        data={"token": TOKEN},
        files={"upload": ("sitrep.pdf", data, "application/pdf")},
    )
    assert r.status_code == 200 and "analysed: sitrep.pdf" in r.text
    (doc,) = web.get("/api/documents").json()
    full = web.get(f"/api/documents/{doc['id']}").json()
    assert full["format"] == "pdf" and "Dornik" in full["text"]


def test_pasted_html_is_shown_as_text_and_reanalysis_keeps_corrections(
    tmp_path: Path,
) -> None:
    db = tmp_path / "paste.db"
    Store(db).close()
    web = client(db)
    r = web.post("/analyze", data={"token": TOKEN, "name": "kestrel.txt", "text": SCRIPT_REPORT})
    assert r.status_code == 200 and "analysed: kestrel.txt" in r.text
    doc = web.get("/api/documents").json()[0]
    page = web.get(f"/document/{doc['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    full = web.get(f"/api/documents/{doc['id']}").json()
    quote = next(q for q in full["quotes"] if "script" in q["text"])
    body = speaker_fix(full, quote, "Tamsin Reed")
    assert web.post("/api/corrections", json=body, headers=API).status_code == 201
    with Store(db) as store:
        store.conn.execute("UPDATE quotes SET speaker = 'stale machine output'")
        store.conn.commit()
        reanalyse(store, SETTINGS)
        speakers = {q.speaker for q in store.documents()[0].quotes}
        assert "stale machine output" not in speakers  # the machine output was replaced
        assert len(store.corrections()) == 1
    again = web.get("/api/documents").json()[0]
    fixed = next(
        q
        for q in web.get(f"/api/documents/{again['id']}").json()["quotes"]
        if q["start"] == quote["start"]
    )
    assert fixed["speaker"] == "Tamsin Reed" and fixed["corrected"] is True


def test_corrections_outlive_their_document_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        corr = Correction("ab" * 32, "figure", 3, 9, "value", "12", "10")
        store.add_correction(corr)
        store.add_correction(Correction("ab" * 32, "figure", 3, 9, "value", "13", "10"))
        assert [c.value for c in store.corrections()] == ["13"]  # one per field, replaced
        with pytest.raises(ValueError):
            store.add_correction(Correction("ab" * 32, "figure", 3, 9, "speaker", "x"))
        assert store.corrections("cd" * 32) == []


def test_export_command_uses_corrections(
    db: Path, cli: Any, web: TestClient, tmp_path: Path
) -> None:
    doc, quote = a_quote(web)
    body = speaker_fix(doc, quote, "Odo Brask")
    corr = web.post("/api/corrections", json=body, headers=API).json()
    try:
        out = tmp_path / "record.json"
        assert cli("export", db, "-o", out).exit_code == 0
        record = json.loads(out.read_text(encoding="utf-8"))
        fixed = [q for d in record["documents"] for q in d["quotes"] if q.get("corrected")]
        assert [(q["speaker"], q["machine_value"]) for q in fixed] == [
            ("Odo Brask", {"speaker": quote["speaker"]})
        ]
        assert [c["value"] for c in record["corrections"]] == ["Odo Brask"]
        md = tmp_path / "report.md"
        assert cli("export", db, "--format", "md", "-o", md).exit_code == 0
        lines = md.read_text(encoding="utf-8").replace("\\", "").splitlines()
        marked = [ln for ln in lines if "Odo Brask" in ln]
        assert marked and all(
            f"[corrected; machine: speaker {quote['speaker']}]" in ln for ln in marked
        )
    finally:
        web.delete(f"/api/corrections/{corr['id']}", headers=API)


def test_serve_command_binds_loopback_and_prints_the_token_elsewhere(
    db: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert cli("serve", db).exit_code == 0
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    r = cli("serve", db, "--host", "0.0.0.0", "--port", "8123", "--token", "s3cret-token")
    assert r.exit_code == 0
    assert "?token=s3cret-token" in r.output
    assert calls[-1]["host"] == "0.0.0.0"
    missing = cli("serve", db.parent / "missing.db")
    assert missing.exit_code == 1 and "no such database" in missing.output


def test_a_correction_whose_item_is_gone_stays_listed(web: TestClient, db: Path) -> None:
    doc, quote = a_quote(web)
    with Store(db) as store:
        store.add_correction(
            Correction(doc["sha256"], "quote", 0, 1, "speaker", "Lio Arden", '"nobody"')
        )
    try:
        page = web.get(f"/document/{doc['id']}").text
        assert 'id="orphans"' in page and "Lio Arden" in page
        exported = web.get("/api/export").json()
        assert "Lio Arden" in [c["value"] for c in exported["corrections"]]
    finally:
        for c in web.get("/api/corrections").json():
            web.delete(f"/api/corrections/{c['id']}", headers=API)


def test_map_draws_the_event_places_only_on_the_basemap() -> None:
    from parallax.crossdoc.view import event_places
    from parallax.serve.views import svg_map

    def at(doc: str, start: int) -> list[dict[str, object]]:
        return [{"document": doc, "start": start}]

    entities = [
        {"canonical": "Aston Vale", "lat": 10.0, "lon": 20.0, "mentions": at("a", 5)},
        {"canonical": "Brindle", "lat": 10.001, "lon": 20.001, "mentions": at("a", 500)},
        {"canonical": "Cobham Reach", "lat": 10.2, "lon": 20.3, "mentions": at("b", 3)},
        {"canonical": "Nowhere", "lat": None, "lon": None, "mentions": at("a", 6)},
        {"canonical": "Elsewhere", "lat": 10.1, "lon": 20.1, "mentions": at("a", 300)},
    ]
    mentions = [
        {"document": "a", "sentence_start": 0, "sentence_end": 400, "spans": {"location": [5, 15]}},
        {"document": "b", "sentence_start": 0, "sentence_end": 50, "spans": {"location": [3, 9]}},
    ]
    svg = str(svg_map(event_places({"location": "Brindle", "mentions": mentions}, entities)))
    assert all(name in svg for name in ("Aston Vale", "Brindle", "Cobham Reach"))
    assert "Elsewhere" not in svg and "Nowhere" not in svg  # not where the event happened
    assert '<g class="place town main"><title>Brindle' in svg
    assert 'class="country"' in svg and 'class="scale-bar"' in svg
    assert svg_map(event_places({"location": None, "mentions": []}, entities)) == ""


def test_a_speaker_page_shows_the_role_apart_from_the_name(web: TestClient) -> None:
    r = web.get("/speaker/Aurel Stanek")
    assert r.status_code == 200
    profile = re.search(r'<p id="profile">([^<]*)</p>', r.text)
    assert profile is not None
    assert "head of the separatist administration" in profile.group(1)
    assert "Dornik" in profile.group(1)
