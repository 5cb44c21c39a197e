"""Tests for the SQLite store: documents with their items, results and failures."""

from __future__ import annotations

import copy
import hashlib
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from parallax.models import DocumentRecord, EventMention, Figure, Mention, Quote, TimeExpr
from parallax.store import RESULT_TABLES, Store, open_existing

# Invented: Brannock, Selm Reach and the people below do not exist.
TEXT = (
    'BRANNOCK - "The river rose two metres in 2023," said Ada Quill. At least 7 people were '
    "killed, including 2 children, in Selm Reach on Monday, police said. Flooding began in 2023."
)


def span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def make_record(text: str = TEXT, name: str = "brannock.txt") -> DocumentRecord:
    """A record using every field, with values that could lose their type in SQLite."""
    q0, q1 = span(text, "The river rose two metres in 2023,")
    s0, s1 = span(text, "Ada Quill")
    f0, f1 = span(text, "At least 7 people were killed")
    t0, t1 = span(text, "2023")
    m0, m1 = span(text, "Selm Reach")
    e0, e1 = span(text, "killed")
    d0, d1 = span(text, "Monday")
    return DocumentRecord(
        name=name,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=f"/reports/{name}",
        format="text",
        title="2023",  # a number-like string in a document column
        author="Ada Quill",
        image_credit=None,
        outlet="Brannock Ledger",
        url="https://example.org/brannock",
        published="2031-05-06",
        published_basis="given",
        published_from=None,
        language="en",
        flags=["short", "checked"],
        quotes=[
            Quote(
                text=text[q0:q1],
                start=q0,
                end=q1,
                kind="direct",
                speaker="Ada Quill",
                speaker_text="Ada Quill",
                speaker_start=s0,
                speaker_end=s1,
                speaker_type="person",
                cue="said",
                via=None,
            )
        ],
        figures=[
            Figure(
                text=text[f0:f1],
                start=f0,
                end=f1,
                metric="killed",
                value=7,
                qualifier="at_least",
                of_which={"children": 2},
                population=None,
                claimant="police",
                reportedly=True,
                event="e0",
            ),
            Figure(
                text=text[f0:f1],
                start=f0,
                end=f1,
                metric="killed",
                value=None,
                qualifier="unquantified",
            ),
        ],
        times=[
            TimeExpr(
                text="2023",
                start=t0,
                end=t1,
                kind="date",
                value="2023",
                rule={"year": 2023, "relative": False, "parts": ["y"], "weekday": None},
                approximate=False,
            ),
            TimeExpr(text="Monday", start=d0, end=d1, kind="date", value=None, approximate=True),
        ],
        mentions=[
            Mention(
                text="Selm Reach",
                start=m0,
                end=m1,
                label="GPE",
                canonical="Selm Reach",
                kind="place",
                lat=51.25,
                lon=-3.0,
                precision="town",
            ),
            Mention(text="1812", start=0, end=4, label="ORG", canonical="007", kind="group"),
        ],
        events=[
            EventMention(
                key="e0",
                type="attack",
                trigger="killed",
                start=e0,
                end=e1,
                sentence_start=0,
                sentence_end=len(text),
                date="2023",
                date_text="2023",
                time_index=0,
                location="Selm Reach",
                actor=None,
                target="12",
            )
        ],
    )


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "test.db") as s:
        yield s


def test_round_trip_keeps_every_field(store: Store) -> None:
    rec = make_record()
    expected = copy.deepcopy(rec)
    doc_id = store.add(rec)
    assert rec.id == doc_id
    expected.id = doc_id
    (back,) = store.documents()
    assert back == expected
    for name in [f.name for f in fields(DocumentRecord)]:
        assert getattr(back, name) == getattr(expected, name), name


def test_round_trip_keeps_types(store: Store) -> None:
    store.add(make_record())
    (back,) = store.documents()
    assert type(back.title) is str and back.title == "2023"
    assert back.flags == ["short", "checked"]
    time = back.times[0]
    assert type(time.value) is str and time.value == "2023"
    assert time.rule == {"year": 2023, "relative": False, "parts": ["y"], "weekday": None}
    assert type(time.rule["year"]) is int
    assert type(time.approximate) is bool and time.approximate is False
    assert back.times[1].value is None and back.times[1].rule is None
    assert back.times[1].approximate is True
    fig = back.figures[0]
    assert type(fig.value) is int and fig.value == 7
    assert fig.of_which == {"children": 2} and type(fig.of_which["children"]) is int
    assert type(fig.reportedly) is bool and fig.reportedly is True
    assert type(fig.event) is str
    assert back.figures[1].value is None and back.figures[1].of_which == {}
    assert type(back.figures[1].reportedly) is bool
    quote = back.quotes[0]
    assert all(type(v) is int for v in (quote.start, quote.end, quote.speaker_start))
    place, group = back.mentions
    assert type(place.lat) is float and place.lat == 51.25 and place.lon == -3.0
    assert group.text == "1812" and group.canonical == "007" and group.lat is None
    event = back.events[0]
    assert type(event.time_index) is int and event.time_index == 0
    assert type(event.date) is str and event.date == "2023"
    assert type(event.target) is str and event.target == "12"


def test_offsets_survive_the_round_trip(store: Store) -> None:
    store.add(make_record())
    (back,) = store.documents()
    for item in [*back.quotes, *back.figures, *back.times, *back.mentions[:1]]:
        assert back.text[item.start : item.end] == item.text


def test_documents_keep_insertion_order_and_survive_reopening(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    first = make_record()
    second = make_record(TEXT.replace("BRANNOCK", "KILMOREN"), "b.md")  # same length
    with Store(db) as s:
        id1 = s.add(first)
        id2 = s.add(second)
    assert id1 != id2
    with Store(db) as s:
        docs = s.documents()
    assert [d.name for d in docs] == ["brannock.txt", "b.md"]
    assert [d.id for d in docs] == [id1, id2]
    assert docs[1].text.startswith("KILMOREN")
    assert docs[1].sha256 != docs[0].sha256
    assert docs[1].quotes == docs[0].quotes  # same offsets: only the dateline changed


def test_empty_record_round_trip(store: Store) -> None:
    rec = DocumentRecord(
        name="bare.txt", text="Nothing here.", sha256="0" * 64, source="x", format="text"
    )
    store.add(rec)
    (back,) = store.documents()
    assert back == rec
    assert back.flags == [] and back.quotes == [] and back.events == []


def test_has_by_sha256(store: Store) -> None:
    rec = make_record()
    assert not store.has(rec.sha256)
    store.add(rec)
    assert store.has(rec.sha256)
    assert not store.has(hashlib.sha256(b"another text").hexdigest())
    assert not store.has(rec.name)


def test_one_document_by_id_or_hash(store: Store) -> None:
    rec = make_record()
    doc_id = store.add(rec)
    assert store.document(doc_id) == store.document(sha256=rec.sha256) == store.documents()[0]
    assert store.document(doc_id + 1) is None and store.document(sha256="0" * 64) is None
    assert store.document(2**70) is None  # past SQLite's integers


def test_same_text_cannot_be_stored_twice(store: Store) -> None:
    store.add(make_record())
    with pytest.raises(sqlite3.IntegrityError):
        store.add(make_record(name="copy.txt"))
    assert [d.name for d in store.documents()] == ["brannock.txt"]


def results_sample() -> dict[str, list[dict[str, Any]]]:
    return {
        "entities": [{"id": "p1", "name": "Ada Quill", "kind": "person", "documents": ["a"]}],
        "events": [
            {"id": "ev1", "date": "2023", "count": 2, "score": 0.5, "location": None},
            {"id": "ev2", "date": None, "mentions": [{"document": "a", "key": "e0"}]},
        ],
        "discrepancies": [{"metric": "killed", "low": 7, "high": 9, "agreed": False}],
        "contradictions": [{"a": "Ça n’a pas eu lieu", "b": "It did", "nested": {"x": [1, "1"]}}],
        "agreements": [],
        "speakers": [{"id": "spk1", "name": "Ada Quill", "statements": [{"start": 3}]}],
        "stories": [{"documents": ["a", "b"]}],
        "sources": [],
        "framing": [],
    }


def test_results_round_trip(store: Store) -> None:
    assert store.results() == {t: [] for t in RESULT_TABLES}
    sample = results_sample()
    store.save_results(sample, [])
    back = store.results()
    assert back == sample
    assert type(back["events"][0]["date"]) is str
    assert type(back["discrepancies"][0]["low"]) is int
    assert back["contradictions"][0]["nested"]["x"] == [1, "1"]


def test_save_results_replaces_previous_results(store: Store) -> None:
    store.save_results(results_sample(), [])
    store.save_results({"events": [{"id": "ev9"}]}, [])
    back = store.results()
    assert back["events"] == [{"id": "ev9"}]
    assert back["entities"] == [] and back["discrepancies"] == []


def test_save_results_rewrites_linked_documents(store: Store) -> None:
    store.add(make_record())
    (doc,) = store.documents()
    doc.published, doc.published_basis, doc.published_from = "2031-05-05", "linked", "other.md"
    doc.figures = doc.figures[:1]
    doc.figures[0].event = "e3"
    doc.times[1].value = "2031-05-05"
    store.save_results(results_sample(), [doc])
    (back,) = store.documents()
    assert back == doc
    assert back.published_basis == "linked" and back.published_from == "other.md"
    assert len(back.figures) == 1 and back.figures[0].event == "e3"
    assert back.times[1].value == "2031-05-05"


def test_failures_recorded(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    with Store(db) as s:
        assert s.failures() == []
        s.add_failure("scan.pdf", "binary file, not a report: scan.pdf")
        s.add_failure("feed.jsonl", "feed.jsonl line 3: invalid JSON (Expecting value)")
    with Store(db) as s:
        failures = s.failures()
    assert [(f["source"], f["error"]) for f in failures] == [
        ("scan.pdf", "binary file, not a report: scan.pdf"),
        ("feed.jsonl", "feed.jsonl line 3: invalid JSON (Expecting value)"),
    ]
    assert all(f["at"] for f in failures)


def test_open_existing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such database"):
        open_existing(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all", encoding="utf-8")
    with pytest.raises(ValueError, match="not a Parallax database"):
        open_existing(text_file)
    db = tmp_path / "real.db"
    with Store(db) as s:
        s.add(make_record())
    with open_existing(db) as s:
        assert [d.name for d in s.documents()] == ["brannock.txt"]


def test_a_database_from_an_earlier_version_gets_new_item_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path):
        pass
    conn = sqlite3.connect(path)  # drop a column, as a database written before it existed
    conn.execute('ALTER TABLE quotes DROP COLUMN "speaker_role"')
    conn.commit()
    conn.close()
    with Store(path) as store:
        store.add(make_record())
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(quotes)")}
        assert {f.name for f in fields(Quote)} <= columns
        assert store.documents()[0].quotes == make_record().quotes


def test_figure_beyond_64_bits_is_stored_exactly(store: Store) -> None:
    rec = make_record()
    big = 2**63  # "9,223,372,036,854,775,808 people were injured"
    rec.figures[0].value = big
    rec.figures[0].previous = -(2**70)
    rec.figures[0].of_which = {"children": 2**64}
    doc_id = store.add(rec)
    [figure, *_] = store.documents()[0].figures
    assert (figure.value, figure.previous, figure.of_which) == (big, -(2**70), {"children": 2**64})
    assert type(figure.value) is int
    stored = store.document(doc_id)
    assert stored is not None
    store.save_results({"discrepancies": [{"best": big}]}, [stored])  # rewrite: no overflow
    assert store.results()["discrepancies"] == [{"best": big}]
    assert store.documents()[0].figures[0].value == big


def test_a_report_stored_meanwhile_by_another_run_is_skipped(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with Store(db) as first, Store(db) as second:
        assert first.add_if_new(make_record()) is not None
        assert second.add_if_new(make_record(name="other-run.txt")) is None  # no IntegrityError
        assert [d.name for d in second.documents()] == ["brannock.txt"]


def test_results_are_not_saved_over_reports_added_meanwhile(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with Store(db) as first, Store(db) as second:
        first.add(make_record())
        seen = first.document_ids()
        second.add(make_record(text=TEXT + " Later news.", name="later.txt"))
        assert not first.save_results({"events": [{"id": "ev1"}]}, [], if_ids=seen)
        assert first.results()["events"] == []
        assert first.save_results({"events": [{"id": "ev1"}]}, [], if_ids=first.document_ids())
        assert second.results()["events"] == [{"id": "ev1"}]


# -- typed tables, keys, full-text search, views, migration ----------------------------------


def _rows(conn: sqlite3.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_the_record_is_stored_typed_and_still_reads_back(tmp_path: Path) -> None:
    from store_helpers import EVENT, record, stored

    with Store(stored(tmp_path / "typed.db")) as store:
        assert store.record().to_dict() == record().to_dict()  # the blobs stay the truth
        conn = store.conn
        (event,) = _rows(conn, "SELECT * FROM events")
        assert (event["id"], event["date"], event["reports"]) == (EVENT, "2031-05-05", 2)
        ids = {n: i for i, n in conn.execute("SELECT id, name FROM documents")}
        reports = _rows(conn, "SELECT * FROM event_reports ORDER BY document")
        assert [(r["document"], r["document_id"], r["news"]) for r in reports] == [
            ("herald.txt", ids["herald.txt"], 1),
            ("ledger.txt", ids["ledger.txt"], 1),
        ]
        (rng,) = _rows(conn, "SELECT * FROM ranges")
        assert (rng["event_id"], rng["low"], rng["best"], rng["high"]) == (EVENT, 7, 8, 9)
        assert (rng["claimant_count"], rng["independent_sources"]) == (2, 2)
        claims = _rows(conn, "SELECT * FROM claims ORDER BY value")
        assert [(c["value"], c["claimant"], c["event_id"]) for c in claims] == [
            (7, "police", EVENT),
            (9, "Tor Vennick", EVENT),
        ]
        # each claim points at the stored figure it was read from
        fig = _rows(conn, "SELECT * FROM figures WHERE id = ?", claims[0]["figure_id"])
        assert fig[0]["doc_id"] == ids["ledger.txt"] and fig[0]["value"] == 7
        (con,) = _rows(conn, "SELECT * FROM contradictions")
        assert (con["a_claimant"], con["b_claimant"], con["event_id"]) == (
            "Ada Quill",
            "Tor Vennick",
            EVENT,
        )
        assert con["b_document_id"] == ids["herald.txt"]
        assert conn.execute("SELECT COUNT(*) FROM entity_mentions").fetchone()[0] == 2
        assert conn.execute("SELECT reports FROM sources ORDER BY id").fetchall() == [(1,), (1,)]


def test_figures_carry_the_exported_event_id(tmp_path: Path) -> None:
    from store_helpers import EVENT, stored

    with Store(stored(tmp_path / "ev.db")) as store:
        rows = store.conn.execute("SELECT event, event_id FROM figures").fetchall()
        assert rows == [("e0", EVENT), ("e0", EVENT)]
        mentions = store.conn.execute("SELECT key, event_id FROM event_mentions").fetchall()
        assert mentions == [("e0", EVENT), ("e0", EVENT)]
        # the report still reads back with its own key
        assert {f.event for d in store.documents() for f in d.figures} == {"e0"}


def test_item_tables_have_keys_and_foreign_keys(tmp_path: Path) -> None:
    from store_helpers import stored

    with Store(stored(tmp_path / "keys.db")) as store:
        conn = store.conn
        for table in ("quotes", "figures", "times", "mentions", "event_mentions"):
            pk = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
            assert pk == ["id"], table
            refs = {r[2] for r in conn.execute(f"PRAGMA foreign_key_list({table})")}
            assert "documents" in refs, table
        for table, pk_cols in (("events", ["id"]), ("event_reports", ["event_id", "document"])):
            info = sorted((r[5], r[1]) for r in conn.execute(f"PRAGMA table_info({table})") if r[5])
            assert [name for _, name in info] == pk_cols
        assert {r[2] for r in conn.execute("PRAGMA foreign_key_list(claims)")} == {
            "ranges",
            "events",
            "documents",
            "figures",
        }
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        indexes = {
            r[1] for r in conn.execute("SELECT type, name FROM sqlite_master") if r[0] == "index"
        }
        assert {"claims_range", "ranges_event", "event_reports_document"} <= indexes


def test_full_text_search_on_reports_and_quotes(tmp_path: Path) -> None:
    from store_helpers import stored

    with Store(stored(tmp_path / "fts.db")) as store:
        conn = store.conn
        hits = conn.execute(
            "SELECT d.name FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
            "WHERE documents_fts MATCH 'rescue'"
        ).fetchall()
        assert hits == [("herald.txt",)]
        quote = conn.execute(
            "SELECT q.speaker FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid "
            "WHERE quotes_fts MATCH 'dam NOT broke'"
        ).fetchall()
        assert quote == [("Ada Quill",)]
        # a re-analysis rewrites the items: the index follows, a removed report leaves it
        store.remove(next(d.id for d in store.documents() if d.name == "herald.txt"))  # type: ignore[arg-type]
        assert conn.execute(
            "SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH 'dam'"
        ).fetchone() == (1,)
        assert conn.execute(
            "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'rescue'"
        ).fetchone() == (0,)


def test_views_an_analyst_opens_first(tmp_path: Path) -> None:
    from store_helpers import EVENT, stored

    with Store(stored(tmp_path / "views.db")) as store:
        conn = store.conn
        (rng,) = _rows(conn, "SELECT * FROM event_ranges")
        assert (rng["event_id"], rng["label"], rng["low"], rng["high"]) == (EVENT, "Flood", 7, 9)
        assert rng["claimants"] == "Tor Vennick, police"
        assert len(_rows(conn, "SELECT * FROM disagreements")) == 1
        (con,) = _rows(conn, "SELECT * FROM contradictions_by_event")
        assert (con["event_id"], con["a_text"]) == (EVENT, "The dam held until noon,")
        (per,) = _rows(conn, "SELECT * FROM reports_per_event")
        assert (per["event_id"], per["reports"], per["mentioned_in"]) == (EVENT, 2, 2)


def test_loose_results_leave_the_typed_tables_empty(tmp_path: Path) -> None:
    from store_helpers import stored

    with Store(stored(tmp_path / "loose.db")) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone() == (1,)
        store.save_results(results_sample(), [])  # events without a type: no typed record
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
        assert store.conn.execute(
            "SELECT COUNT(*) FROM figures WHERE event_id IS NOT NULL"
        ).fetchone() == (0,)
        assert store.results() == results_sample()


def _downgrade(path: Path) -> None:
    """Make a database look written by version 1: item tables without keys, no typed
    tables, views or full-text indexes, schema_version 1."""
    from parallax import tables
    from parallax.store import ITEM_TABLES

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    tables.drop(conn)
    for table, _ in ITEM_TABLES.values():
        cols = [
            r[1]
            for r in conn.execute(f"PRAGMA table_info({table})")
            if r[1] not in ("id", "event_id")
        ]
        names = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f"CREATE TABLE old_{table} AS SELECT {names} FROM {table} ORDER BY id")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE old_{table} RENAME TO {table}")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.execute("DELETE FROM meta WHERE key = 'tables_layout'")
    conn.commit()
    conn.close()


def test_a_version_1_database_is_migrated_when_opened(tmp_path: Path) -> None:
    from store_helpers import EVENT, record, stored

    path = stored(tmp_path / "old.db")
    with Store(path) as store:
        before = store.documents()
    _downgrade(path)
    conn = sqlite3.connect(path)
    assert "id" not in {r[1] for r in conn.execute("PRAGMA table_info(quotes)")}
    assert (
        conn.execute("SELECT name FROM sqlite_master WHERE name = 'event_ranges'").fetchone()
        is None
    )
    conn.close()
    with Store(path) as store:
        assert store.conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone() == ("2",)
        assert "id" in {r[1] for r in store.conn.execute("PRAGMA table_info(quotes)")}
        assert store.documents() == before  # items in their order, every field
        assert store.record().to_dict() == record().to_dict()
        # the typed tables, views and indexes are there at once, from the stored record
        assert store.conn.execute("SELECT event_id, low, high FROM event_ranges").fetchall() == [
            (EVENT, 7, 9)
        ]
        assert store.conn.execute("SELECT DISTINCT event_id FROM figures").fetchall() == [(EVENT,)]
        assert store.conn.execute(
            "SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH 'dam'"
        ).fetchone() == (2,)
        # and the next analysis writes them as usual
        rec = record()
        for doc in rec.documents:
            doc.id = next(d.id for d in before if d.name == doc.name)
        assert store.save_record(rec)
        assert store.conn.execute("SELECT COUNT(*) FROM claims").fetchone() == (2,)


def test_typed_tables_of_another_layout_are_rebuilt_when_opened(tmp_path: Path) -> None:
    from store_helpers import EVENT, stored

    path = stored(tmp_path / "layout.db")
    conn = sqlite3.connect(path)  # as written by a version with other views and columns
    conn.execute("DROP VIEW event_ranges")
    conn.execute("CREATE VIEW event_ranges AS SELECT 1 AS old")
    conn.execute("DELETE FROM claims")
    conn.execute("UPDATE meta SET value = 'older' WHERE key = 'tables_layout'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("SELECT event_id, best FROM event_ranges").fetchall() == [
            (EVENT, 8)
        ]
        assert store.conn.execute("SELECT COUNT(*) FROM claims").fetchone() == (2,)
        assert store.conn.execute(
            "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'flood'"
        ).fetchone() == (2,)


def test_opening_a_current_database_writes_nothing(tmp_path: Path) -> None:
    from store_helpers import stored

    path = stored(tmp_path / "quiet.db")
    watcher = sqlite3.connect(path, isolation_level=None)
    (before,) = watcher.execute("PRAGMA data_version").fetchone()
    with Store(path) as store:
        store.documents()
    (after,) = watcher.execute("PRAGMA data_version").fetchone()
    watcher.close()
    assert after == before
