"""The database as Datasette shows it, through Datasette's own Python API (no server
process): an event's ranges read through the `event_ranges` view, full-text search on
quotes offered on the table's page, and a claim's event shown as a link to its row."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from store_helpers import EVENT, stored


def _get(path: Path, url: str) -> Any:
    async def fetch() -> Any:
        ds = Datasette([str(path)])
        await ds.invoke_startup()
        response = await ds.client.get(url)
        assert response.status_code == 200, (url, response.text[:500])
        return response.json()

    return asyncio.run(fetch())


def test_an_events_ranges_through_the_view(tmp_path: Path) -> None:
    db = stored(tmp_path / "crisis.db")
    rows = _get(db, f"/crisis/event_ranges.json?_shape=array&event_id={EVENT}")
    assert [(r["metric"], r["low"], r["best"], r["high"]) for r in rows] == [("killed", 7, 8, 9)]
    assert rows[0]["claimants"] == "Tor Vennick, police"
    assert rows[0]["claimant_count"] == 2 and rows[0]["independent_sources"] == 2
    assert _get(db, "/crisis/event_ranges.json?_shape=array&event_id=ev-none") == []


def test_datasette_searches_quotes_and_links_keys(tmp_path: Path) -> None:
    db = stored(tmp_path / "crisis.db")
    hits = _get(db, "/crisis/quotes.json?_shape=array&_search=broke")
    assert [h["speaker"] for h in hits] == ["Tor Vennick"]
    tables = {t["name"]: t for t in _get(db, "/crisis.json")["tables"]}
    assert tables["quotes"]["fts_table"] == "quotes_fts"
    assert tables["documents"]["fts_table"] == "documents_fts"
    assert tables["events"]["primary_keys"] == ["id"]
    claims = _get(db, "/crisis/claims.json?_shape=array&_labels=on&_sort=value")
    assert [c["event_id"] for c in claims] == [{"value": EVENT, "label": EVENT}] * 2
    (event,) = _get(db, f"/crisis/events/{EVENT}.json?_shape=array")
    assert event["label"] == "Flood" and event["reports"] == 2
