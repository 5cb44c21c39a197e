"""The cross-document record as typed SQLite tables, for SQL and Datasette: events and the
reports that tell them, ranges with the claims they settle, contradictions, entities,
speakers and sources, with primary and foreign keys, indexes, full-text search (FTS5) on
the reports and their quotes, and the views an analyst opens first.

These tables are derived: the store writes them from the typed record after each
analysis or recheck, next to the `result_*` tables from which it reads the record back
(`Store.record()`), and drops, rebuilds and refills them when a database written with
another layout of them is opened (`LAYOUT`). Nothing here is read back into the record."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parallax.crossdoc.record import Entity, Record, Speaker

# Of the store's own tables: 1, item tables without keys, the record as JSON only; 2, item
# tables with an `id` primary key and `figures.event_id` / `event_mentions.event_id`
# (with the typed tables, FTS5 and views below, which follow `LAYOUT`).
SCHEMA_VERSION = 2

DERIVED_TABLES = (
    "events",
    "event_reports",
    "ranges",
    "claims",
    "contradictions",
    "entities",
    "entity_mentions",
    "speakers",
    "sources",
    "source_reports",
)
VIEWS = ("event_ranges", "disagreements", "contradictions_by_event", "reports_per_event")

# Every foreign key column has an index: a parent row deleted (a report re-analysed, the
# record rewritten) finds its children without a scan.
# documents(id) is the report's integer key; the record names reports by `name`, kept
# next to the id so a row reads without a join (and stays when a name is not stored).
_DOC = "INTEGER REFERENCES documents(id) ON DELETE SET NULL"
DERIVED_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, label TEXT, plover TEXT, date TEXT,
    date_precision TEXT, location TEXT, actor TEXT, target TEXT, background INTEGER NOT NULL,
    reported_by TEXT, reports INTEGER NOT NULL, mentions INTEGER NOT NULL,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS event_reports (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, document TEXT NOT NULL,
    document_id {_DOC}, news INTEGER NOT NULL,
    block TEXT NOT NULL DEFAULT 'whole', PRIMARY KEY (event_id, document));
CREATE INDEX IF NOT EXISTS event_reports_document ON event_reports(document_id);
CREATE TABLE IF NOT EXISTS ranges (
    id INTEGER PRIMARY KEY, event_id TEXT REFERENCES events(id) ON DELETE CASCADE,
    metric TEXT NOT NULL, side TEXT, "group" TEXT, low INTEGER, best INTEGER, high INTEGER,
    agreed INTEGER NOT NULL, rule TEXT, claims INTEGER NOT NULL, claimants TEXT,
    claimant_count INTEGER NOT NULL, sources INTEGER NOT NULL,
    independent_sources INTEGER NOT NULL, latest_value INTEGER, latest_as_of TEXT,
    latest_claimant TEXT, corrected INTEGER NOT NULL,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE INDEX IF NOT EXISTS ranges_event ON ranges(event_id, metric);
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY, range_id INTEGER NOT NULL REFERENCES ranges(id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events(id) ON DELETE CASCADE, metric TEXT NOT NULL, side TEXT,
    value INTEGER, qualifier TEXT, claimant TEXT, document TEXT NOT NULL,
    document_id {_DOC}, figure_id INTEGER REFERENCES figures(id) ON DELETE SET NULL,
    text TEXT, start INTEGER, "end" INTEGER, reportedly INTEGER, "update" INTEGER,
    previous INTEGER, as_of TEXT, date TEXT, population TEXT, source TEXT, role TEXT,
    copy INTEGER, counted INTEGER, superseded INTEGER, corrected INTEGER, review TEXT,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE INDEX IF NOT EXISTS claims_range ON claims(range_id);
CREATE INDEX IF NOT EXISTS claims_event ON claims(event_id);
CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id);
CREATE INDEX IF NOT EXISTS claims_figure ON claims(figure_id);
CREATE TABLE IF NOT EXISTS contradictions (
    id INTEGER PRIMARY KEY, event_id TEXT REFERENCES events(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, what TEXT,
    a_text TEXT, a_claimant TEXT, a_document TEXT, a_document_id {_DOC}, a_start INTEGER,
    a_end INTEGER,
    b_text TEXT, b_claimant TEXT, b_document TEXT, b_document_id {_DOC}, b_start INTEGER,
    b_end INTEGER,
    documents TEXT, reports INTEGER NOT NULL,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE INDEX IF NOT EXISTS contradictions_event ON contradictions(event_id);
CREATE INDEX IF NOT EXISTS contradictions_a_document ON contradictions(a_document_id);
CREATE INDEX IF NOT EXISTS contradictions_b_document ON contradictions(b_document_id);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, canonical TEXT NOT NULL, kind TEXT, aliases TEXT, lat REAL, lon REAL,
    precision TEXT, reports INTEGER NOT NULL, mentions INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entities_kind ON entities(kind);
CREATE TABLE IF NOT EXISTS entity_mentions (
    id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    document TEXT NOT NULL, document_id {_DOC}, start INTEGER, "end" INTEGER, text TEXT,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE INDEX IF NOT EXISTS entity_mentions_entity ON entity_mentions(entity_id);
CREATE INDEX IF NOT EXISTS entity_mentions_document ON entity_mentions(document_id);
CREATE TABLE IF NOT EXISTS speakers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT,
    entity_id TEXT REFERENCES entities(id) ON DELETE SET NULL, roles TEXT, affiliations TEXT,
    reports INTEGER NOT NULL, statements INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS speakers_entity ON speakers(entity_id);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, basis TEXT, reports INTEGER NOT NULL,
    block TEXT NOT NULL DEFAULT 'whole');
CREATE TABLE IF NOT EXISTS source_reports (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE, document TEXT NOT NULL,
    document_id {_DOC},
    block TEXT NOT NULL DEFAULT 'whole', PRIMARY KEY (source_id, document));
CREATE INDEX IF NOT EXISTS source_reports_document ON source_reports(document_id);
CREATE INDEX IF NOT EXISTS events_block ON events(block);
CREATE INDEX IF NOT EXISTS event_reports_block ON event_reports(block);
CREATE INDEX IF NOT EXISTS ranges_block ON ranges(block);
CREATE INDEX IF NOT EXISTS claims_block ON claims(block);
CREATE INDEX IF NOT EXISTS contradictions_block ON contradictions(block);
CREATE INDEX IF NOT EXISTS entity_mentions_block ON entity_mentions(block);
CREATE INDEX IF NOT EXISTS sources_block ON sources(block);
CREATE INDEX IF NOT EXISTS source_reports_block ON source_reports(block);
-- the items' event ids (store.ITEM_EXTRA_COLUMNS): a rewritten event is found at once
CREATE INDEX IF NOT EXISTS figures_event ON figures(event_id);
CREATE INDEX IF NOT EXISTS event_mentions_event ON event_mentions(event_id);
"""

VIEWS_SCHEMA = """
CREATE VIEW IF NOT EXISTS event_ranges AS
    SELECT r.event_id, e.label, e.date, e.location, r.metric, r.side, r."group", r.low,
        r.best, r.high, r.agreed, r.claims, r.claimant_count, r.claimants, r.sources,
        r.independent_sources, r.latest_value, r.latest_as_of, r.id AS range_id
    FROM ranges r LEFT JOIN events e ON e.id = r.event_id
    ORDER BY e.date IS NULL, e.date, r.event_id, r.metric, r.side;
CREATE VIEW IF NOT EXISTS disagreements AS
    SELECT * FROM event_ranges WHERE NOT agreed;
CREATE VIEW IF NOT EXISTS contradictions_by_event AS
    SELECT c.event_id, e.label, e.date, e.location, c.kind, c.what, c.a_claimant, c.a_text,
        c.a_document, c.b_claimant, c.b_text, c.b_document, c.reports, c.id AS contradiction_id
    FROM contradictions c LEFT JOIN events e ON e.id = c.event_id
    ORDER BY e.date IS NULL, e.date, c.event_id, c.id;
CREATE VIEW IF NOT EXISTS reports_per_event AS
    SELECT e.id AS event_id, e.label, e.date, e.location, e.background,
        SUM(er.news) AS reports, COUNT(er.document) AS mentioned_in,
        GROUP_CONCAT(er.document, ', ') AS documents
    FROM events e LEFT JOIN event_reports er ON er.event_id = e.id
    GROUP BY e.id ORDER BY reports DESC, e.date IS NULL, e.date;
"""

# Full-text search: external-content FTS5 tables kept in step by triggers (Datasette finds
# them by their double-quoted `content="table"` and offer `?_search=` on the table's page).
FTS_INDEXED = {"documents": ("title", "text"), "quotes": ("text", "speaker")}


def _fts(table: str, columns: tuple[str, ...]) -> str:
    """The FTS5 index of `table`'s `columns`, and the triggers that keep it in step."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    add = f"    INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});\n"
    drop = (
        f"    INSERT INTO {fts}({fts}, rowid, {cols})\n        VALUES ('delete', old.id, {old});\n"
    )
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(\n"
        f'    {cols}, content="{table}", content_rowid="id");\n'
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN\n{add}END;\n"
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN\n{drop}END;\n"
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN\n"
        f"{drop}{add}END;\n"
    )


FTS_SCHEMA = "\n" + "".join(_fts(t, cols) for t, cols in FTS_INDEXED.items())
FTS_TABLES = tuple(f"{t}_fts" for t in FTS_INDEXED)
# The layout of everything above: a database whose `meta.tables_layout` differs (written
# by another version) has them dropped, made anew and refilled when it is opened.
LAYOUT = hashlib.sha256((DERIVED_SCHEMA + FTS_SCHEMA + VIEWS_SCHEMA).encode()).hexdigest()[:16]


def create(conn: sqlite3.Connection) -> None:
    """The derived tables, views and full-text indexes, where missing (inside the
    caller's transaction: no executescript, which would commit it)."""
    for script in (DERIVED_SCHEMA, FTS_SCHEMA, VIEWS_SCHEMA):
        for stmt in _statements(script):
            conn.execute(stmt)


def drop(conn: sqlite3.Connection) -> None:
    """Drop the derived tables, views and full-text indexes (a layout change rebuilds
    them; the documents, items and `result_*` tables stay)."""
    for view in VIEWS:
        conn.execute(f"DROP VIEW IF EXISTS {view}")
    for name in ("documents", "quotes"):
        for op in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}_fts_{op}")
    for table in (*FTS_TABLES, *reversed(DERIVED_TABLES)):
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def reindex_text(conn: sqlite3.Connection) -> None:
    """Fill the full-text indexes from their tables (after a migration)."""
    for table in FTS_TABLES:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def _statements(script: str) -> list[str]:
    """The statements of a script, triggers kept whole (their bodies hold semicolons)."""
    out, buf = [], ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _int(value: Any) -> Any:
    """An integer as SQLite can hold it: one beyond 64 bits as its digits (text)."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return str(value)
    return value


BLOCK_TABLES = tuple(t for t in DERIVED_TABLES if t not in ("entities", "speakers"))


def clear(conn: sqlite3.Connection, blocks: list[str] | None = None) -> None:
    """Delete the rows of the record's `blocks` (see `crossdoc.blocks`), of every block
    when None; entities and speakers, shared between blocks, are `write_shared`'s."""
    for table in reversed(BLOCK_TABLES):
        if blocks is None:
            conn.execute(f"DELETE FROM {table}")
        else:
            conn.executemany(f"DELETE FROM {table} WHERE block = ?", [(b,) for b in blocks])


def write(
    conn: sqlite3.Connection,
    record: Record,
    block: str = "whole",
    documents: list[str] | None = None,
) -> None:
    """Write one block of the record into the typed tables (inside the caller's
    transaction, after `clear` and `write_shared`), and give each stored figure and event
    mention of its `documents` (by name; None: every report) the record's event id."""
    doc_ids: dict[str, int] = {}
    if documents is None:
        rows = conn.execute("SELECT id, name FROM documents ORDER BY id DESC").fetchall()
    else:
        rows = []
        for i in range(0, len(documents), 500):
            part = documents[i : i + 500]
            rows += conn.execute(
                f"SELECT id, name FROM documents WHERE name IN ({','.join('?' * len(part))})",
                part,
            ).fetchall()
        rows.sort(reverse=True)
    for doc_id, name in rows:
        doc_ids[name] = doc_id  # a name stored twice: the first report keeps it

    def doc(name: str | None) -> int | None:
        return doc_ids.get(name) if name is not None else None

    events = {e.id for e in record.events}
    conn.executemany(
        "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.id,
                e.type,
                e.label,
                e.plover,
                e.date,
                e.date_precision,
                e.location,
                e.actor,
                e.target,
                int(e.background),
                e.reported_by,
                len(e.documents),
                len(e.mentions),
                block,
            )
            for e in record.events
        ],  # fmt: skip
    )
    conn.executemany(
        "INSERT OR IGNORE INTO event_reports VALUES (?, ?, ?, ?, ?)",
        [
            (e.id, name, doc(name), int(name in e.documents), block)
            for e in record.events
            for name in dict.fromkeys([*e.documents, *e.mentioned_in])
        ],
    )

    def event(eid: str | None) -> str | None:
        return eid if eid in events else None

    for rng in record.ranges:
        latest = rng.latest
        claimants = rng.claimants
        rid = conn.execute(
            "INSERT INTO ranges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (None, event(rng.event), rng.metric, rng.side, rng.group, _int(rng.low),
             _int(rng.best), _int(rng.high), int(rng.agreed), rng.rule, len(rng.values),
             ", ".join(claimants), len(claimants), rng.sources, rng.independent_sources,
             _int(latest.value) if latest else None, latest.as_of if latest else None,
             latest.claimant if latest else None, int(rng.corrected), block),
        ).lastrowid  # fmt: skip
        conn.executemany(
            "INSERT INTO claims (range_id, event_id, metric, side, value, qualifier, claimant, "
            'document, document_id, text, start, "end", reportedly, "update", previous, as_of, '
            "date, population, source, role, copy, counted, superseded, corrected, review, block) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    rid,
                    event(rng.event),
                    rng.metric,
                    c.side if c.side is not None else rng.side,
                    _int(c.value),
                    c.qualifier,
                    c.claimant,
                    c.document,
                    doc(c.document),
                    c.text,
                    c.start,
                    c.end,
                    int(c.reportedly),
                    int(c.update),
                    _int(c.previous),
                    c.as_of,
                    c.date,
                    c.population,
                    c.source,
                    c.role,
                    int(c.copy),
                    int(c.counted),
                    int(bool(c.superseded_by)),
                    int(c.corrected),
                    c.review,
                    block,
                )
                for c in rng.values
            ],  # fmt: skip
        )
    conn.execute(
        "UPDATE claims SET figure_id = (SELECT f.id FROM figures f WHERE "
        'f.doc_id = claims.document_id AND f.start = claims.start AND f."end" = claims."end" '
        "ORDER BY f.id LIMIT 1) WHERE block = ?",
        (block,),
    )
    conn.executemany(
        "INSERT INTO contradictions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                None,
                event(c.event),
                c.kind,
                c.what,
                c.a.text,
                c.a.claimant,
                c.a.document,
                doc(c.a.document),
                c.a.start,
                c.a.end,
                c.b.text,
                c.b.claimant,
                c.b.document,
                doc(c.b.document),
                c.b.start,
                c.b.end,
                _json(c.documents),
                len(c.documents),
                block,
            )
            for c in record.contradictions
        ],  # fmt: skip
    )
    conn.executemany(
        'INSERT INTO entity_mentions (entity_id, document, document_id, start, "end", text, '
        "block) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, m.document, doc(m.document), m.start, m.end, m.text, block)
            for e in record.entities
            for m in e.mentions
        ],
    )
    for s in record.sources:
        sid = conn.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?)",
            (None, s.source, s.basis, len(s.documents), block),
        ).lastrowid
        conn.executemany(
            "INSERT OR IGNORE INTO source_reports VALUES (?, ?, ?, ?)",
            [(sid, name, doc(name), block) for name in s.documents],
        )
    # the exported event id of each stored figure and event mention (the report keeps its
    # own key in `event` / `key`)
    keys = [(e.id, doc_ids[m.document], m.key) for e in record.events for m in e.mentions
            if m.document in doc_ids]  # fmt: skip
    if documents is None:
        conn.execute("UPDATE figures SET event_id = NULL")
        conn.execute("UPDATE event_mentions SET event_id = NULL")
    else:
        own = [(doc_ids[n],) for n in documents if n in doc_ids]
        conn.executemany("UPDATE figures SET event_id = NULL WHERE doc_id = ?", own)
        conn.executemany("UPDATE event_mentions SET event_id = NULL WHERE doc_id = ?", own)
    conn.executemany("UPDATE figures SET event_id = ? WHERE doc_id = ? AND event = ?", keys)
    conn.executemany("UPDATE event_mentions SET event_id = ? WHERE doc_id = ? AND key = ?", keys)


@dataclass(frozen=True)
class EntityRow:
    """What the `entities` table keeps of an entity: its first block's name, kind and place,
    every spelling, and how many reports and mentions name it over all blocks."""

    id: str
    canonical: str
    kind: str
    aliases: list[str]
    lat: float | None
    lon: float | None
    precision: str | None
    reports: int
    mentions: int

    @classmethod
    def of(cls, e: Entity) -> EntityRow:
        return cls(e.id, e.canonical, e.kind, e.aliases, e.lat, e.lon, e.precision,
                   len(e.documents), len(e.mentions))  # fmt: skip


@dataclass(frozen=True)
class SpeakerRow:
    """What the `speakers` table keeps of a speaker (merged over the blocks)."""

    id: str
    name: str
    kind: str | None
    entity: str | None
    roles: list[str]
    affiliations: list[str]
    reports: int
    statements: int

    @classmethod
    def of(cls, s: Speaker) -> SpeakerRow:
        return cls(s.id or s.name, s.name, s.kind, s.entity, s.roles, s.affiliations,
                   len(s.documents), len(s.statements))  # fmt: skip


def write_shared(
    conn: sqlite3.Connection,
    entities: Iterable[EntityRow],
    speakers: Iterable[SpeakerRow],
    gone: tuple[list[str], list[str]] | None = None,
) -> None:
    """Write entities and speakers, each merged over every block that has it (inserted or
    updated in place, so their mentions stay); `gone`: the entity and speaker ids no
    block has any more, deleted; None: every entity and speaker not given is deleted."""
    entities, speakers = list(entities), list(speakers)
    if gone is None:
        keep = ({e.id for e in entities}, {s.id for s in speakers})
        gone = (
            [r[0] for r in conn.execute("SELECT id FROM entities") if r[0] not in keep[0]],
            [r[0] for r in conn.execute("SELECT id FROM speakers") if r[0] not in keep[1]],
        )
    conn.executemany("DELETE FROM speakers WHERE id = ?", [(i,) for i in gone[1]])
    conn.executemany("DELETE FROM entities WHERE id = ?", [(i,) for i in gone[0]])
    conn.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "canonical = excluded.canonical, kind = excluded.kind, aliases = excluded.aliases, "
        "lat = excluded.lat, lon = excluded.lon, precision = excluded.precision, "
        "reports = excluded.reports, mentions = excluded.mentions",
        [
            (
                e.id,
                e.canonical,
                e.kind,
                _json(e.aliases),
                e.lat,
                e.lon,
                e.precision,
                e.reports,
                e.mentions,
            )
            for e in entities
        ],  # fmt: skip
    )
    conn.executemany(
        "INSERT INTO speakers VALUES (?, ?, ?, (SELECT id FROM entities WHERE id = ?), ?, ?, ?, "
        "?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
        "entity_id = excluded.entity_id, roles = excluded.roles, "
        "affiliations = excluded.affiliations, reports = excluded.reports, "
        "statements = excluded.statements",
        [
            (
                s.id,
                s.name,
                s.kind,
                s.entity,
                _json(s.roles),
                _json(s.affiliations),
                s.reports,
                s.statements,
            )
            for s in speakers
        ],  # fmt: skip
    )
