"""The review workspace under hostile or heavy use: request bodies bounded whatever their
framing (checked on the headers before any byte of body is read), ids past SQLite's
integers, and pages served from the stored record, built again only when it changed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from serve_helpers import TOKEN, client, copy_db, make_app

from parallax.serve import cache
from parallax.serve.app import MAX_REQUEST
from parallax.store import Correction, Store

API = {"X-Parallax-Token": TOKEN}
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def db(examples_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_db(examples_db, tmp_path_factory.mktemp("serve-limits") / "limits.db")


@pytest.fixture(scope="module")
def web(db: Path) -> TestClient:
    return client(db)


# -- bodies -------------------------------------------------------------------------------
def send_chunked(
    app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: int
) -> tuple[int, int, dict[str, Any]]:
    """Send `chunks` pieces of CHUNK bytes as a chunked body (no Content-Length) straight
    to the ASGI app: (status, pieces the app read, JSON answer)."""
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= chunks:
            await asyncio.sleep(3600)  # the client stays; only a disconnect would come
        read += 1
        return {"type": "http.request", "body": b"{" * CHUNK, "more_body": read < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"transfer-encoding", b"chunked"),
            (b"content-type", b"application/json"),
            *raw,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def run() -> None:
        async with asyncio.timeout(60):
            await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers_out = {k.decode(): v.decode() for k, v in start["headers"]}
    assert "content-security-policy" in headers_out
    return start["status"], read, json.loads(body or b"null")


MANY = 200  # 12.5 MiB, far past the bound


def test_a_chunked_write_without_the_token_is_refused_before_its_body_is_read(db: Path) -> None:
    status, read, answer = send_chunked(make_app(db), "POST", "/api/corrections", {}, MANY)
    assert status == 403 and "X-Parallax-Token" in answer["detail"]
    assert read == 0


def test_off_loopback_a_chunked_body_without_the_token_is_not_read(db: Path) -> None:
    app = make_app(db, host="0.0.0.0")
    status, read, _ = send_chunked(app, "POST", "/analyze", {}, MANY)
    assert status == 401 and read == 0


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/api/corrections", API), ("/analyze", {}), ("/review", {})],
)
def test_a_chunked_body_past_the_bound_is_refused_unread(
    db: Path, path: str, headers: dict[str, str]
) -> None:
    status, read, answer = send_chunked(make_app(db), "POST", path, headers, MANY)
    assert status == 413 and answer["detail"] == "request body too large"
    assert read * CHUNK <= MAX_REQUEST + CHUNK  # stopped at the bound, the rest unread
    assert read < MANY


def test_a_chunked_body_within_the_bound_reaches_the_route(db: Path) -> None:
    status, read, _ = send_chunked(make_app(db), "POST", "/api/corrections", API, 2)
    assert status == 422 and read == 2  # read whole, then found not to be JSON


@pytest.mark.parametrize("length", ["9" * 5000, "²".encode("latin-1"), "-1", str(MAX_REQUEST + 1)])
def test_a_bad_or_large_declared_length_is_refused(web: TestClient, length: str | bytes) -> None:
    r = web.post("/analyze", content=b"token=x", headers={"Content-Length": length})
    assert r.status_code == 413


def test_a_small_form_still_works_after_the_guard_read_it(web: TestClient) -> None:
    r = web.post("/review", data={"token": "guess", "sha256": "0", "kind": "quote"})
    assert r.status_code in (403, 422)  # the route parsed the replayed body
    assert r.headers["x-frame-options"] == "DENY"


# -- ids past 64 bits ---------------------------------------------------------------------
HUGE = "9" * 23


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", f"/api/corrections/{HUGE}"),
        ("DELETE", f"/api/corrections/-{HUGE}"),
        ("GET", f"/api/documents/{HUGE}"),
        ("GET", f"/document/{HUGE}"),
    ],
)
def test_ids_past_sqlite_integers_are_not_found(web: TestClient, method: str, path: str) -> None:
    assert web.request(method, path, headers=API).status_code == 404


def test_withdrawing_a_huge_id_by_form_changes_nothing(web: TestClient) -> None:
    r = web.post(f"/review/{HUGE}/withdraw", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303


# -- the stored record --------------------------------------------------------------------
def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    real = cache.build_export

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "build_export", counted)
    return builds


def test_pages_and_the_export_are_built_once_per_database_version(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = client(copy_db(db, tmp_path / "once.db"))
    builds = count_builds(monkeypatch)
    event = web.get("/api/events").json()[0]["id"]
    for _ in range(3):
        for path in ("/", f"/event/{event}", "/api/export", "/api/documents"):
            assert web.get(path).status_code == 200, path
    assert len(builds) == 1


def test_a_write_from_anywhere_shows_on_the_next_request(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_db(db, tmp_path / "fresh.db")
    web = client(path)
    builds = count_builds(monkeypatch)
    doc = web.get("/api/export").json()["documents"][0]
    quote = next(q for q in doc["quotes"] if q["speaker"])
    key = {"sha256": doc["sha256"], "kind": "quote", "start": quote["start"], "end": quote["end"]}

    r = web.post("/api/corrections", json={**key, "field": "speaker", "value": "Ilse Varga"})
    assert r.status_code == 403
    r = web.post(
        "/api/corrections", json={**key, "field": "speaker", "value": "Ilse Varga"}, headers=API
    )
    assert r.status_code == 201
    assert "Ilse Varga" in web.get("/").text  # a write through the server
    assert len(builds) == 2

    with Store(path) as store:  # another connection, as another process would
        store.add_correction(
            Correction(doc["sha256"], "quote", quote["start"], quote["end"], "speaker", "Oren Tal")
        )
    export = web.get("/api/export").json()
    assert "Oren Tal" in [c["value"] for c in export["corrections"]]
    assert "Oren Tal" in web.get("/").text and "Ilse Varga" not in web.get("/").text
    assert len(builds) == 3


def test_opening_the_store_is_not_a_change(db: Path) -> None:
    results = cache.Results(db)
    before = results.version()
    Store(db).close()
    assert results.version() == before
    results.invalidate()
    assert results.version() != before
    results.close()


# -- over a socket ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[int]:
    """uvicorn over the workspace on a free loopback port, in a thread; its port."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(make_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield port
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize(("token", "status"), [("", b" 403 "), (TOKEN, b" 413 ")])
def test_over_a_socket_the_server_answers_and_closes_without_reading_the_rest(
    server: int, token: str, status: bytes
) -> None:
    total = 64 * 1024 * 1024
    head = (
        "POST /api/corrections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        + (f"X-Parallax-Token: {token}\r\n" if token else "")
        + "\r\n"
    )
    chunk = b"%x\r\n" % CHUNK + b"{" * CHUNK + b"\r\n"
    answer = bytearray()
    sent = 0
    with socket.create_connection(("127.0.0.1", server), timeout=30) as sock:

        def read() -> None:
            with contextlib.suppress(OSError):
                while data := sock.recv(4096):
                    answer.extend(data)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        sock.sendall(head.encode())
        with contextlib.suppress(OSError):  # the server closed the connection
            while sent < total:
                sock.sendall(chunk)
                sent += CHUNK
        reader.join(timeout=30)
    assert sent < total
    assert answer.startswith(b"HTTP/1.1") and status in answer.split(b"\r\n")[0]


def test_event_pages_built_from_kept_pieces_are_whole(web: TestClient) -> None:
    events = web.get("/api/events").json()
    shared = [e for e in events if len(e["documents"]) >= 2]
    for event in [*shared[:2], events[-1]]:
        page = web.get(f"/event/{event['id']}").text
        # the time axis, rendered once, with the page's own event marked
        current = set(re.findall(r'<a href="/event/([^"]+)" class="current"', page))
        assert current == {event["id"]}
        axis = page[page.index('id="timeline"') : page.index('id="map"')]
        linked = set(re.findall(r'href="/event/([^"]+)"', axis))
        assert linked == {e["id"] for e in events if not e.get("background")}
        assert f'name="back" value="/event/{event["id"]}"' in page  # the page's own path
        assert "\ue000" not in page
