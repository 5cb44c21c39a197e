"""Every field of an event mention points back to its span in the text; a database
written before the span fields existed gains their columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from parallax.store import Store


def _span(text: str, start: int | None, end: int | None) -> str | None:
    return text[start:end] if start is not None and end is not None else None


def test_event_fields_keep_their_spans(nlp) -> None:
    text = "Valdoria sent troops into Corvenia near Dornik on Monday, March 3, 2025.\n"
    (ev,) = nlp(text)._.events
    assert ev.actor == "Valdoria" and _span(text, ev.actor_start, ev.actor_end) == "Valdoria"
    assert _span(text, ev.target_start, ev.target_end) == "Corvenia"
    assert _span(text, ev.location_start, ev.location_end) == "Dornik"
    assert ev.date_text and _span(text, ev.date_start, ev.date_end) == ev.date_text


def test_event_without_place_has_no_place_span(nlp) -> None:
    text = "The shelling went on through the night.\n"
    (ev,) = nlp(text)._.events
    assert ev.location is None and ev.location_start is None


def test_old_database_gains_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE event_mentions (doc_id INTEGER NOT NULL, key TEXT, type TEXT)")
    conn.commit()
    conn.close()
    with Store(db) as store:
        cols = {r[1] for r in store.conn.execute("PRAGMA table_info(event_mentions)")}
    assert {"date_start", "actor_end", "trigger", "sentence_start"} <= cols
