"""Pages and the export served from stored bytes: each has an entity tag, a client that
names it gets 304 without a body, and a change to the record gives new bytes and a new tag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_helpers import TOKEN, client, copy_db

from parallax.serve.cache import Stored

API = {"X-Parallax-Token": TOKEN}


@pytest.fixture
def web(examples_db: Path, tmp_path: Path) -> TestClient:
    return client(copy_db(examples_db, tmp_path / "cache.db"))


def _paths(web: TestClient) -> list[str]:
    event = web.get("/api/events").json()[0]["id"]
    return ["/", f"/event/{event}", "/api/export"]


def test_stored_responses_carry_a_tag_and_answer_304_to_it(web: TestClient) -> None:
    for path in _paths(web):
        first = web.get(path)
        tag = first.headers["etag"]
        assert first.status_code == 200 and tag.startswith('"')
        again = web.get(path)
        assert again.headers["etag"] == tag and again.content == first.content
        unchanged = web.get(path, headers={"If-None-Match": f'"other", {tag}'})
        assert unchanged.status_code == 304, path
        assert unchanged.content == b""
        assert unchanged.headers["etag"] == tag
        assert unchanged.headers["cache-control"] == "no-store"  # security headers kept
        assert web.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def _quote_fix(web: TestClient) -> dict[str, Any]:
    for summary in web.get("/api/documents").json():
        doc = web.get(f"/api/documents/{summary['id']}").json()
        for q in doc["quotes"]:
            if q["speaker"]:
                key = {"sha256": doc["sha256"], "kind": "quote", "start": q["start"]}
                return {**key, "end": q["end"], "field": "speaker", "value": "Wenna Quill"}
    raise AssertionError("no attributed quote in examples/")


def test_a_correction_gives_new_bytes_and_a_new_tag(web: TestClient) -> None:
    before = web.get("/api/export")
    tag = before.headers["etag"]
    assert web.post("/api/corrections", json=_quote_fix(web), headers=API).status_code == 201
    after = web.get("/api/export", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert b"Wenna Quill" in after.content and b"Wenna Quill" not in before.content


def test_the_tag_is_the_bodys_digest() -> None:
    a, b = Stored.of(b"one record"), Stored.of(b"another record")
    assert a.etag == Stored.of(b"one record").etag != b.etag
    assert a.matches(f"W/{a.etag}") and a.matches("*") and not a.matches(None)
    assert not a.matches(b.etag)
