"""SQLite storage (the embedded default): one row per report, one table per kind of
extracted item (each row with its own id, its document id and character offsets), and the
cross-document record (entities, events, discrepancies, ...) rewritten after each run:
as JSON in `result_*` (what `Store.record()` reads back) and as typed tables, views and
full-text indexes for SQL and Datasette (`parallax.tables`)."""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from parallax import tables
from parallax.crossdoc.blocks import WHOLE, BlockKeys
from parallax.crossdoc.record import (
    Entity,
    Event,
    Record,
    Speaker,
    event_order,
    merge_entities,
    merge_speakers,
)
from parallax.models import DocumentRecord, EventMention, Figure, Mention, Quote, TimeExpr

if TYPE_CHECKING:
    from parallax.crossdoc.features import Row as FeatureRow

SCHEMA_VERSION = tables.SCHEMA_VERSION
DOC_COLUMNS = [
    "sha256",
    "name",
    "source",
    "format",
    "title",
    "author",
    "image_credit",
    "outlet",
    "url",
    "published",
    "published_basis",
    "published_from",
    "language",
    "flags",
    "text",
]
ITEM_TABLES: dict[str, tuple[str, type]] = {
    "quotes": ("quotes", Quote),
    "figures": ("figures", Figure),
    "times": ("times", TimeExpr),
    "mentions": ("mentions", Mention),
    "events": ("event_mentions", EventMention),
}
# Columns an item table has beyond its record's fields (not read back into the record):
# the event id the export gives a figure or event mention (the report's own key is `event`
# / `key`), written with the cross-document record.
ITEM_EXTRA_COLUMNS: dict[str, dict[str, str]] = {
    "figures": {"event_id": "TEXT REFERENCES events(id) ON DELETE SET NULL"},
    "event_mentions": {"event_id": "TEXT REFERENCES events(id) ON DELETE SET NULL"},
}
RESULT_TABLES = [
    "entities",
    "events",
    "discrepancies",
    "contradictions",
    "agreements",
    "speakers",
    "stories",
    "sources",
    "framing",
]
# What an analyst may review: the item kinds (as exported) and, per kind, the fields they
# may correct; `verdict` (correct | wrong) applies to every kind.
REVIEW_FIELDS: dict[str, tuple[str, ...]] = {
    "quote": ("speaker", "kind"),
    "figure": ("value", "claimant", "metric", "qualifier"),
    "time": ("value",),
    "mention": (),  # entities and events are cross-document: a verdict only
    "event": (),
}
VERDICTS = ("correct", "wrong")
# Corrections live apart from machine output, keyed by the document's content hash and the
# item's offsets, so that they outlive the document rows (re-analysis deletes and re-adds).
CORRECTIONS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS corrections (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, "
    'kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, '
    "field TEXT NOT NULL, value TEXT, machine_value TEXT, note TEXT, "
    'at TEXT DEFAULT CURRENT_TIMESTAMP, UNIQUE (sha256, kind, start, "end", field))'
)


@dataclass
class Correction:
    """An analyst's review of one extracted item: a verdict (`field` = "verdict",
    `value` = correct | wrong) or a corrected value of one field, with the machine's
    value as it was when the correction was made (JSON-encoded)."""

    sha256: str
    kind: str
    start: int
    end: int
    field: str
    value: str | None
    machine_value: str | None = None
    note: str | None = None
    id: int | None = None
    at: str | None = None


def _sql_type(ftype: object) -> str:
    text = str(ftype)
    if text.startswith(("int", "bool")):
        return "INTEGER"
    return "REAL" if text.startswith("float") else "TEXT"


def _item_table(table: str, cls: type, name: str | None = None) -> str:
    """An item table: its own integer key, its document, the record's fields, extras."""
    cols = [f'"{f.name}" {_sql_type(f.type)}' for f in fields(cls)]
    cols += [f'"{c}" {decl}' for c, decl in ITEM_EXTRA_COLUMNS.get(table, {}).items()]
    return (
        f"CREATE TABLE IF NOT EXISTS {name or table} (id INTEGER PRIMARY KEY, doc_id INTEGER "
        f"NOT NULL REFERENCES documents(id) ON DELETE CASCADE, {', '.join(cols)})"
    )


def _schema() -> list[str]:
    parts = [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
        "CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, "
        + ", ".join(
            f'"{c}" TEXT' + (" UNIQUE NOT NULL" if c == "sha256" else "") for c in DOC_COLUMNS
        )
        + ", added_at TEXT DEFAULT CURRENT_TIMESTAMP)",
        "CREATE TABLE IF NOT EXISTS failures (id INTEGER PRIMARY KEY, source TEXT, error TEXT, "
        "at TEXT DEFAULT CURRENT_TIMESTAMP)",
    ]
    for table, cls in ITEM_TABLES.values():
        parts.append(_item_table(table, cls))
        parts.append(f"CREATE INDEX IF NOT EXISTS {table}_doc ON {table}(doc_id)")
    for table in RESULT_TABLES:
        parts.append(
            f"CREATE TABLE IF NOT EXISTS result_{table} (position INTEGER PRIMARY KEY, "
            f"data TEXT NOT NULL{RESULT_EXTRA})"
        )
    parts.append(CORRECTIONS_SCHEMA)
    parts += [*BLOCK_SCHEMA, FEATURES_SCHEMA]
    return parts


# A record row's block (see `crossdoc.blocks`) and, for an entity or speaker, its id (a
# record is kept per block, so adding reports rewrites only the blocks they join).
RESULT_COLUMNS = {"block": f"TEXT NOT NULL DEFAULT '{WHOLE}'", "item": "TEXT", "summary": "TEXT"}
RESULT_EXTRA = "".join(f", {c} {decl}" for c, decl in RESULT_COLUMNS.items())
# Per report: the block it was last cross-checked in (NULL: not yet) and the number of its
# sampled shingles; its block keys (`BlockKeys.rows`).
BLOCK_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS doc_blocks (doc_id INTEGER PRIMARY KEY REFERENCES "
    "documents(id) ON DELETE CASCADE, block TEXT, shingles INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS doc_blocks_block ON doc_blocks(block)",
    "CREATE TABLE IF NOT EXISTS block_keys (key TEXT NOT NULL, doc_id INTEGER NOT NULL "
    "REFERENCES documents(id) ON DELETE CASCADE)",
    "CREATE INDEX IF NOT EXISTS block_keys_key ON block_keys(key)",
    "CREATE INDEX IF NOT EXISTS block_keys_doc ON block_keys(doc_id)",
    # a block's typed rows find its reports by name (without it, a scan of every report's
    # text per block)
    "CREATE INDEX IF NOT EXISTS documents_name ON documents(name)",
]
# What the cross-check reads of each report's own text (`crossdoc.features`), kept from the
# first check of its block for every later one. Derived data: a table of other columns
# (an earlier version's) is made anew, and its reports' features are computed again.
FEATURE_COLUMNS = ("doc_id", "version", "copies", "shingles", "signature", "wire", "words",
                   "readings", "terms")  # fmt: skip
FEATURES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS doc_features (doc_id INTEGER PRIMARY KEY REFERENCES "
    "documents(id) ON DELETE CASCADE, version INTEGER NOT NULL, copies BLOB NOT NULL, "
    "shingles BLOB NOT NULL, signature BLOB NOT NULL, wire TEXT, words TEXT NOT NULL, "
    "readings TEXT NOT NULL, terms TEXT NOT NULL)"
)
SHARED_RESULTS = ("entities", "speakers")  # merged over the blocks that name them
CHUNK = 500  # ids per SQL statement
CACHE_KB = 65536  # SQLite's page cache per connection
RECORD_COVERS = "record_covers"  # meta key: what the stored cross-document record covers
_INT64 = range(-(2**63), 2**63)
BUSY_TIMEOUT = 600.0  # seconds a write waits for another run's write (concurrent analyses)


def _encode(value: Any) -> Any:
    """A value as SQLite stores it: lists and dicts as JSON; an integer beyond SQLite's
    64 bits (a figure of 2**63 people, say) as its decimal digits in a BLOB (which no
    column affinity turns into an inexact REAL), read back as the same integer."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
        return str(value).encode("ascii")
    return value


@functools.cache
def _field_types(cls: type) -> dict[str, str]:
    """A dataclass's field names and their types as written (looked up once per class:
    reading a database decodes every field of every stored item)."""
    return {f.name: str(f.type) for f in fields(cls)}


def _as_int(value: Any) -> Any:
    return int(value) if isinstance(value, bytes) else value  # beyond 64 bits: see _encode


@functools.cache
def _readers(cls: type) -> tuple[list[str], list[tuple[int, Callable[[Any], Any]]]]:
    """An item class's fields in order, and the decoder of each field stored otherwise
    than read (by position): each type looked at once per class, not per value."""
    names: list[str] = []
    decoders: list[tuple[int, Callable[[Any], Any]]] = []
    for i, (name, ftype) in enumerate(_field_types(cls).items()):
        names.append(name)
        if ftype.startswith("int"):
            decoders.append((i, _as_int))
        elif "dict" in ftype or "list" in ftype:
            decoders.append((i, json.loads))
        elif ftype.startswith("bool"):
            decoders.append((i, bool))
        elif ftype.startswith("float"):
            decoders.append((i, float))
    return names, decoders


class Store:
    """A Parallax database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # another run may be writing the same database: wait for it rather than fail
        self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT)
        self.conn.execute("PRAGMA foreign_keys = ON")
        # a block's rows go into indexes spread over a large file: a page cache of 64 MB
        # (SQLite's default is 2 MB) keeps the pages a cross-check rewrites
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._prepare()
                break
            except sqlite3.OperationalError as exc:  # switching to WAL does not wait
                self.conn.rollback()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _prepare(self) -> None:
        """WAL journal (readers never wait for the writer), the schema, and a database
        written by an earlier version brought up to this one (see `_migrate` and
        `_rebuild_tables`)."""
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _schema():
                self.conn.execute(stmt)
            meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
            self._add_new_columns()
            migrate = int(meta.get("schema_version", SCHEMA_VERSION)) < 2
            if migrate:
                self._migrate()
            if migrate or meta.get("tables_layout") != tables.LAYOUT:
                self._rebuild_tables()
            else:
                tables.create(self.conn)
            want = {"schema_version": str(SCHEMA_VERSION), "tables_layout": tables.LAYOUT}
            if any(meta.get(k) != v for k, v in want.items()):
                # written only when it changes: opening a database never changes it (a
                # reader watching `PRAGMA data_version`, the server's cache, sees no write)
                self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", want.items())
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise

    def _add_new_columns(self) -> None:
        """A database written by an earlier version gets the item fields added since (and
        the feature table of this version)."""
        features = tuple(r[1] for r in self.conn.execute("PRAGMA table_info(doc_features)"))
        if features != FEATURE_COLUMNS:
            self.conn.execute("DROP TABLE doc_features")
            self.conn.execute(FEATURES_SCHEMA)
        for table in RESULT_TABLES:
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info(result_{table})")}
            for name, decl in RESULT_COLUMNS.items():
                if name not in have:
                    self.conn.execute(f"ALTER TABLE result_{table} ADD COLUMN {name} {decl}")
        for table in RESULT_TABLES:
            self.conn.execute(
                f"CREATE INDEX IF NOT EXISTS result_{table}_block ON result_{table}(block)"
            )
        for table in SHARED_RESULTS:
            self.conn.execute(
                f"CREATE INDEX IF NOT EXISTS result_{table}_item ON result_{table}(item)"
            )
        for table, cls in ITEM_TABLES.values():
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            new = {f.name: _sql_type(f.type) for f in fields(cls)}
            new.update(ITEM_EXTRA_COLUMNS.get(table, {}))
            for name, decl in new.items():
                if name not in have:
                    self.conn.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {decl}')

    def _migrate(self) -> None:
        """A version-1 database, in this run's transaction: item tables without a primary
        key are copied into tables with one (`id` = the old rowid, so the order of items
        is kept). The typed tables follow (`_rebuild_tables`: version 1 had none)."""
        tables.drop(self.conn)
        tables.create(self.conn)  # the parents of the items' new foreign keys
        for table, cls in ITEM_TABLES.values():
            have = [row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")]
            if "id" in have:
                continue
            cols = ", ".join(f'"{c}"' for c in have)
            self.conn.execute(_item_table(table, cls, f"{table}__new"))
            self.conn.execute(
                f"INSERT INTO {table}__new (id, {cols}) SELECT rowid, {cols} FROM {table}"
            )
            self.conn.execute(f"DROP TABLE {table}")
            self.conn.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
            self.conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_doc ON {table}(doc_id)")

    def _rebuild_tables(self) -> None:
        """The typed tables, views and full-text indexes of a database written with
        another layout of them (`tables.LAYOUT`, or none: a new or version-1 database),
        dropped, made anew and filled from the stored record (`result_*`) and items.
        Should the stored record not read as one, the typed tables stay empty until the
        next `parallax analyze` or `parallax recheck` rewrites them."""
        tables.drop(self.conn)
        tables.create(self.conn)
        tables.reindex_text(self.conn)
        try:
            blocks = self._block_records()
            record = self.record()
        except (KeyError, TypeError, ValueError):
            return
        tables.write_shared(
            self.conn,
            map(tables.EntityRow.of, record.entities),
            map(tables.SpeakerRow.of, record.speakers),
        )
        for block, rec in blocks:
            tables.write(self.conn, rec, block)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents ------------------------------------------------------------
    def has(self, sha256: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
            is not None
        )

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def names(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM documents")}

    def add(self, rec: DocumentRecord) -> int:
        """Store one analysed report with its items (its own transaction)."""
        with self.conn:
            cur = self.conn.execute(
                f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}) VALUES ({', '.join('?' * len(DOC_COLUMNS))})",
                [_encode(getattr(rec, c)) for c in DOC_COLUMNS],
            )
            doc_id = int(cur.lastrowid or 0)
            self._write_items(doc_id, rec)
        rec.id = doc_id
        return doc_id

    def add_if_new(self, rec: DocumentRecord) -> int | None:
        """Store one analysed report unless a report with the same text is stored already
        (by another run meanwhile, say); its id, or None when it was there."""
        with self.conn:
            cur = self.conn.execute(
                f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}) VALUES ({', '.join('?' * len(DOC_COLUMNS))}) "
                "ON CONFLICT (sha256) DO NOTHING",
                [_encode(getattr(rec, c)) for c in DOC_COLUMNS],
            )
            if cur.rowcount == 0:
                return None
            doc_id = int(cur.lastrowid or 0)
            self._write_items(doc_id, rec)
        rec.id = doc_id
        return doc_id

    def document_ids(self) -> list[int]:
        return [int(r[0]) for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def _write_items(self, doc_id: int, rec: DocumentRecord) -> None:
        for attr, (table, cls) in ITEM_TABLES.items():
            names = [f.name for f in fields(cls)]
            rows = [
                [doc_id, *(_encode(getattr(item, n)) for n in names)] for item in getattr(rec, attr)
            ]
            cols = ", ".join(f'"{n}"' for n in names)
            self.conn.executemany(
                f"INSERT INTO {table} (doc_id, {cols}) VALUES ({', '.join('?' * (len(names) + 1))})",
                rows,
            )

    def update(self, rec: DocumentRecord, before: DocumentRecord | None = None) -> None:
        """Rewrite a stored report's dates and items after linking; with `before` (the
        report as stored), only the kinds of item that differ from it."""
        assert rec.id is not None
        self.conn.execute(
            "UPDATE documents SET published = ?, published_basis = ?, published_from = ? WHERE id = ?",
            (rec.published, rec.published_basis, rec.published_from, rec.id),
        )
        for attr, (table, cls) in ITEM_TABLES.items():
            if before is not None and getattr(before, attr) == getattr(rec, attr):
                continue
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (rec.id,))
            self._write_table(rec.id, getattr(rec, attr), table, cls)

    def _write_table(self, doc_id: int, items: list[Any], table: str, cls: type) -> None:
        names = [f.name for f in fields(cls)]
        cols = ", ".join(f'"{n}"' for n in names)
        self.conn.executemany(
            f"INSERT INTO {table} (doc_id, {cols}) VALUES ({', '.join('?' * (len(names) + 1))})",
            [[doc_id, *(_encode(getattr(item, n)) for n in names)] for item in items],
        )

    def documents(self) -> list[DocumentRecord]:
        """Every stored report with its items, in the order they were added."""
        return self._read_documents("", ())

    def document(
        self, doc_id: int | None = None, sha256: str | None = None
    ) -> DocumentRecord | None:
        """One stored report with its items, by id or else by content hash; None if absent."""
        where, key = (" WHERE id = ?", doc_id) if sha256 is None else (" WHERE sha256 = ?", sha256)
        try:
            found = self._read_documents(where, (key,))
        except OverflowError:  # an id past SQLite's integers names no document
            return None
        return found[0] if found else None

    def _items(self, attr: str, where: str, args: tuple[Any, ...]) -> dict[int, list[Any]]:
        """One kind of item of the reports `where` selects, per report id, in order."""
        table, cls = ITEM_TABLES[attr]
        names, decoders = _readers(cls)
        picked = ", ".join(f'"{n}"' for n in names)
        per_doc: dict[int, list[Any]] = {}
        for doc_id, *values in self.conn.execute(
            f"SELECT doc_id, {picked} FROM {table} WHERE {where} ORDER BY doc_id, id", args
        ):
            for k, decode in decoders:
                if values[k] is not None:
                    values[k] = decode(values[k])
            # the columns are the record's fields, in its order
            per_doc.setdefault(doc_id, []).append(cls(*values))
        return per_doc

    def _read_documents(self, where: str, args: tuple[Any, ...]) -> list[DocumentRecord]:
        cols = ", ".join(f'"{c}"' for c in DOC_COLUMNS)
        docs: dict[int, DocumentRecord] = {}
        for row in self.conn.execute(f"SELECT id, {cols} FROM documents{where} ORDER BY id", args):
            data = dict(zip(DOC_COLUMNS, row[1:], strict=True))
            data["flags"] = json.loads(data["flags"] or "[]")
            docs[row[0]] = DocumentRecord(**data, id=row[0])
        ids = list(docs)
        for attr in ITEM_TABLES:
            for doc in docs.values():
                setattr(doc, attr, [])
            for chunk in _chunks(ids):
                where = f"doc_id IN ({','.join('?' * len(chunk))})"
                for doc_id, found in self._items(attr, where, tuple(chunk)).items():
                    setattr(docs[doc_id], attr, found)
        return list(docs.values())

    def remove(self, doc_id: int) -> None:
        """Delete one report and its machine output (its corrections stay)."""
        with self.conn:
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    # -- corrections ----------------------------------------------------------
    def add_correction(self, corr: Correction) -> Correction:
        """Store (or replace) the analyst's correction of one field of one item."""
        check_correction(corr)
        with self.conn:
            cur = self.conn.execute(
                'INSERT INTO corrections (sha256, kind, start, "end", field, value, '
                "machine_value, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                'ON CONFLICT (sha256, kind, start, "end", field) DO UPDATE SET '
                "value = excluded.value, machine_value = excluded.machine_value, "
                "note = excluded.note, at = CURRENT_TIMESTAMP RETURNING id, at",
                (
                    corr.sha256,
                    corr.kind,
                    corr.start,
                    corr.end,
                    corr.field,
                    corr.value,
                    corr.machine_value,
                    corr.note,
                ),
            )
            corr.id, corr.at = cur.fetchone()
        return corr

    def corrections(self, sha256: str | None = None) -> list[Correction]:
        """Every correction (of one document when `sha256` is given), oldest first."""
        sql = 'SELECT sha256, kind, start, "end", field, value, machine_value, note, id, at FROM corrections'
        args: tuple[str, ...] = ()
        if sha256 is not None:
            sql += " WHERE sha256 = ?"
            args = (sha256,)
        return [Correction(*row) for row in self.conn.execute(sql + " ORDER BY id", args)]

    def delete_correction(self, corr_id: int) -> bool:
        """Withdraw a correction; False when there was none with that id."""
        with self.conn:
            cur = self.conn.execute("DELETE FROM corrections WHERE id = ?", (corr_id,))
        return cur.rowcount > 0

    # -- failures and results -------------------------------------------------
    def add_failure(self, source: str, error: str) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO failures (source, error) VALUES (?, ?)", (source, error))

    def failures(self) -> list[dict[str, str]]:
        rows = self.conn.execute("SELECT source, error, at FROM failures ORDER BY id").fetchall()
        return [{"source": s, "error": e, "at": a} for s, e, a in rows]

    def save_results(
        self,
        results: dict[str, list[dict[str, Any]]],
        docs: list[DocumentRecord],
        if_ids: list[int] | None = None,
        record: Record | None = None,
        covers: str | None = None,
    ) -> bool:
        """Replace the cross-document record and the linked documents' items at once.
        With `if_ids`, only if the stored documents are still those (another run may have
        added some meanwhile); False when they are not and nothing was written. The typed
        tables are written from `record`, else from `results` read as a record (left
        empty when they do not read as one). `covers`: what the record was computed over
        (see `record_covers`), kept beside it; without it the record counts as stale."""
        if record is None:
            try:
                record = Record.from_dict(results)
            except (KeyError, TypeError, ValueError):
                record = Record()
        with self.conn:
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN IMMEDIATE")
            if if_ids is not None and self.document_ids() != if_ids:
                return False
            for rec in docs:
                self.update(rec)
            for table in RESULT_TABLES:
                self.conn.execute(f"DELETE FROM result_{table}")
            self._insert_results(WHOLE, results)
            tables.clear(self.conn)
            tables.write_shared(
                self.conn,
                map(tables.EntityRow.of, record.entities),
                map(tables.SpeakerRow.of, record.speakers),
            )
            tables.write(self.conn, record)
            if covers is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (RECORD_COVERS,))
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (RECORD_COVERS, covers)
                )
        return True

    def save_record(
        self,
        record: Record,
        if_ids: list[int] | None = None,
        covers: str | None = None,
        documents: list[DocumentRecord] | None = None,
    ) -> bool:
        """Store the cross-document record: its tables, and the reports as the record
        reads them (its new copies, with the dates and names the stage derived).
        `documents`: only those of its copies to write (the others are stored as they
        read already); all of them by default."""
        docs = record.documents if documents is None else documents
        return self.save_results(record.to_dict(), docs, if_ids, record, covers)

    def record_covers(self) -> str | None:
        """What the stored record was computed over (a key its writer chose: the reports'
        ids, the gazetteer, the version), or None when unknown (a record written without
        it, or by a run that could not be sure no report was added meanwhile)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (RECORD_COVERS,)).fetchone()
        return None if row is None else str(row[0])

    def record(self) -> Record:
        """The stored cross-document record, typed."""
        return Record.from_dict(self.results())

    def results(self) -> dict[str, list[dict[str, Any]]]:
        """The stored record as the export reads it (see `_result_rows`)."""
        return {table: self._result_rows(table) for table in RESULT_TABLES}

    def _result_rows(self, table: str) -> list[dict[str, Any]]:
        """One section of the stored record, in order. A record kept in several blocks is
        read block by block, with an entity or speaker that several blocks name merged
        and the events in `event_order`."""
        rows = [
            json.loads(data)
            for (data,) in self.conn.execute(
                f"SELECT data FROM result_{table} ORDER BY block, position"
            )
        ]
        if self._blocks() < 2:
            return rows
        if table == "events":
            return sorted(rows, key=lambda d: event_order(Event.from_dict(d)))
        if table == "entities":
            return [e.to_dict() for e in _merged_entities(rows)]
        if table == "speakers":
            speakers = sorted(_merged_speakers(rows), key=lambda sp: (-len(sp.statements), sp.name))
            return [sp.to_dict() for sp in speakers]
        return rows

    def _blocks(self) -> int:
        """How many blocks the stored record has (see `crossdoc.blocks`)."""
        union = " UNION ".join(f"SELECT block FROM result_{t}" for t in RESULT_TABLES)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM ({union})").fetchone()[0])

    def _block_records(self) -> list[tuple[str, Record]]:
        """The stored record's blocks, in the order of their ids."""
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table in RESULT_TABLES:
            for block, data in self.conn.execute(
                f"SELECT block, data FROM result_{table} ORDER BY block, position"
            ):
                rows.setdefault(block, {t: [] for t in RESULT_TABLES})[table].append(
                    json.loads(data)
                )
        return [(b, Record.from_dict(rows[b])) for b in sorted(rows)]

    def _insert_results(self, block: str, results: dict[str, list[dict[str, Any]]]) -> None:
        for table in RESULT_TABLES:
            self.conn.executemany(
                f"INSERT INTO result_{table} (data, block, item, summary) VALUES (?, ?, ?, ?)",
                [
                    (
                        json.dumps(item, ensure_ascii=False),
                        block,
                        (item.get("id") or item.get("name")) if table in SHARED_RESULTS else None,
                        _summary(table, item),
                    )
                    for item in results.get(table, [])
                ],
            )

    # -- blocks of the record (see `crossdoc.blocks`) ------------------------------------

    def unkeyed(self) -> list[int]:
        """Reports whose block keys are not stored yet."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM doc_blocks) "
                "ORDER BY id"
            )
        ]

    def save_keys(self, keyed: list[tuple[int, BlockKeys]]) -> None:
        """Store reports' block keys (inside the caller's transaction)."""
        for doc_id, keys in keyed:
            self.conn.execute(
                "INSERT OR REPLACE INTO doc_blocks VALUES (?, NULL, ?)",
                (doc_id, len(keys.shingles)),
            )
            self.conn.execute("DELETE FROM block_keys WHERE doc_id = ?", (doc_id,))
            self.conn.executemany(
                "INSERT INTO block_keys VALUES (?, ?)", [(k, doc_id) for k in keys.rows()]
            )

    def save_features(self, version: int, rows: list[tuple[int, FeatureRow]]) -> None:
        """Store reports' cross-check features (`crossdoc.features.encode` rows) of the
        given version (inside the caller's transaction)."""
        self.conn.executemany(
            f"INSERT OR REPLACE INTO doc_features VALUES ({', '.join('?' * len(FEATURE_COLUMNS))})",
            [(doc_id, version, *row) for doc_id, row in rows],
        )

    def features_of(self, ids: list[int], version: int) -> dict[int, FeatureRow]:
        """The stored cross-check features of these reports, of this version, by id."""
        out: dict[int, FeatureRow] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for doc_id, *row in self.conn.execute(
                f"SELECT {', '.join(FEATURE_COLUMNS[:1] + FEATURE_COLUMNS[2:])} FROM "
                f"doc_features WHERE version = ? AND doc_id IN ({marks})",
                (version, *chunk),
            ):
                out[int(doc_id)] = cast("FeatureRow", tuple(row))
        return out

    def keys_of(self, ids: list[int]) -> dict[int, BlockKeys]:
        rows: dict[int, list[str]] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for key, doc_id in self.conn.execute(
                f"SELECT key, doc_id FROM block_keys WHERE doc_id IN ({marks})", chunk
            ):
                rows[int(doc_id)].append(key)
        return {i: BlockKeys.from_rows(r) for i, r in rows.items()}

    def sharing(self, keys: BlockKeys) -> tuple[set[int], Counter[int], dict[int, int]]:
        """The stored reports sharing an incident place with `keys`; the shingles each
        report shares with them; and those reports' numbers of shingles."""
        places: set[int] = set()
        for chunk in _chunks(sorted(f"p{p}" for p in keys.places)):
            marks = ",".join("?" * len(chunk))
            places.update(
                int(r[0])
                for r in self.conn.execute(
                    f"SELECT DISTINCT doc_id FROM block_keys WHERE key IN ({marks})", chunk
                )
            )
        hits: Counter[int] = Counter()
        for chunk in _chunks(sorted(f"s{h}" for h in keys.shingles)):
            marks = ",".join("?" * len(chunk))
            for doc_id, n in self.conn.execute(
                f"SELECT doc_id, COUNT(*) FROM block_keys WHERE key IN ({marks}) GROUP BY doc_id",
                chunk,
            ):
                hits[int(doc_id)] += int(n)
        sizes: dict[int, int] = {}
        for chunk in _chunks(sorted(hits)):
            marks = ",".join("?" * len(chunk))
            sizes.update(
                (int(a), int(b))
                for a, b in self.conn.execute(
                    f"SELECT doc_id, shingles FROM doc_blocks WHERE doc_id IN ({marks})", chunk
                )
            )
        return places, hits, sizes

    def blocks_of(self, ids: list[int]) -> dict[int, str | None]:
        out: dict[int, str | None] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(
                (int(a), b)
                for a, b in self.conn.execute(
                    f"SELECT doc_id, block FROM doc_blocks WHERE doc_id IN ({marks})", chunk
                )
            )
        return out

    def block_hashes(self, blocks: list[str]) -> dict[str, dict[int, str]]:
        """Each block's reports now: their ids and content hashes."""
        out: dict[str, dict[int, str]] = {b: {} for b in blocks}
        for chunk in _chunks(blocks):
            marks = ",".join("?" * len(chunk))
            for block, doc_id, sha in self.conn.execute(
                "SELECT b.block, b.doc_id, d.sha256 FROM doc_blocks b JOIN documents d "
                f"ON d.id = b.doc_id WHERE b.block IN ({marks})",
                chunk,
            ):
                out[block][int(doc_id)] = str(sha)
        return out

    def block_members(self, blocks: list[str]) -> list[int]:
        out: list[int] = []
        for chunk in _chunks(blocks):
            marks = ",".join("?" * len(chunk))
            out += [
                int(r[0])
                for r in self.conn.execute(
                    f"SELECT doc_id FROM doc_blocks WHERE block IN ({marks})", chunk
                )
            ]
        return sorted(out)

    def english_ids(self) -> list[int]:
        """The reports the cross-check reads (those flagged `not_english` are stored,
        not extracted)."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT id FROM documents WHERE flags IS NULL OR flags NOT LIKE "
                "'%\"not_english\"%' ORDER BY id"
            )
        ]

    def exclude(self, ids: list[int]) -> None:
        """Reports the cross-check does not read: in no block (the empty name)."""
        self.conn.executemany(
            "UPDATE doc_blocks SET block = '' WHERE doc_id = ?", [(i,) for i in ids]
        )

    def blocked(self) -> dict[str | None, int]:
        """How many reports each block holds (None: not yet cross-checked)."""
        return {
            b: int(n)
            for b, n in self.conn.execute("SELECT block, COUNT(*) FROM doc_blocks GROUP BY block")
        }

    def documents_by_ids(self, ids: list[int]) -> list[DocumentRecord]:
        out: list[DocumentRecord] = []
        for chunk in _chunks(sorted(ids)):
            out += self._read_documents(
                f" WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
        return out

    def begin(self) -> None:
        """Take the write lock now (a cross-check that reads and writes blocks)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
        # blocks' rows name entities written after the last block (`write_shared`)
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def replace_blocks(self, old: list[str] | None) -> None:
        """Delete the record's rows of `old` blocks, of every block when None (inside
        `begin`'s transaction)."""
        for table in RESULT_TABLES:
            if old is None:
                self.conn.execute(f"DELETE FROM result_{table}")
            else:
                self.conn.executemany(
                    f"DELETE FROM result_{table} WHERE block = ?", [(b,) for b in old]
                )
        tables.clear(self.conn, old)

    def write_block(
        self,
        block: str,
        ids: list[int],
        record: Record,
        docs: list[DocumentRecord],
        stored: list[DocumentRecord] | None = None,
    ) -> None:
        """One block's record, its reports' assignment to it, and the given linked copies
        of its reports (inside `begin`'s transaction; entities and speakers need
        `write_shared` after the last block). `stored`: the block's reports as stored, to
        write only the kinds of item that changed (and whose items take the record's event
        ids; by default, those of the record's own copies)."""
        before = {(d.sha256, d.name): d for d in stored or []}
        for rec in docs:
            self.update(rec, before.get((rec.sha256, rec.name)))
        self._insert_results(block, record.to_dict())
        tables.write(self.conn, record, block, [d.name for d in stored or record.documents])
        self.conn.executemany(
            "UPDATE doc_blocks SET block = ? WHERE doc_id = ?", [(block, i) for i in ids]
        )

    def write_shared(self, touched: tuple[set[str], set[str]] | None) -> None:
        """The typed entity and speaker rows of the ids `touched` (entities, speakers),
        merged over the blocks that have them; None: all of them. Only what those rows
        keep is read of each block's entry (SQLite's JSON functions pick it out: a
        common name's mentions in every block are counted, not decoded)."""
        found: list[list[tuple[Any, ...]]] = []
        for table, want in zip(SHARED_RESULTS, touched or (None, None), strict=True):
            select = f"SELECT item, {SHARED_SUMMARY[table]} FROM result_{table}"
            if want is None:
                found.append(self.conn.execute(f"{select} ORDER BY block, position").fetchall())
                continue
            rows: list[tuple[Any, ...]] = []
            for chunk in _chunks(sorted(want)):
                marks = ",".join("?" * len(chunk))
                rows += self.conn.execute(
                    f"{select} WHERE item IN ({marks}) ORDER BY block, position", chunk
                ).fetchall()
            found.append(rows)
        ents, spks = _entity_rows(_unpacked(found[0])), _speaker_rows(_unpacked(found[1]))
        gone = None
        if touched is not None:
            gone = (
                sorted(touched[0] - {e.id for e in ents}),
                sorted(touched[1] - {sp.id for sp in spks}),
            )
        tables.write_shared(self.conn, ents, spks, gone)

    def shared_ids(self, blocks: list[str]) -> tuple[set[str], set[str]]:
        """The entity and speaker ids the record's `blocks` name."""
        out: tuple[set[str], set[str]] = (set(), set())
        for table, into in zip(SHARED_RESULTS, out, strict=True):
            for chunk in _chunks(blocks):
                marks = ",".join("?" * len(chunk))
                into.update(
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT item FROM result_{table} WHERE block IN ({marks})", chunk
                    )
                )
        return out

    def set_covers(self, covers: str | None) -> None:
        if covers is None:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (RECORD_COVERS,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (RECORD_COVERS, covers))

    # -- streaming readers (exports of large databases) -------------------------
    def iter_documents(
        self,
        batch: int = 500,
        items: tuple[str, ...] = tuple(ITEM_TABLES),
        text: bool = True,
    ) -> Iterator[DocumentRecord]:
        """Every stored report, in the order they were added, as `documents()` reads them
        but `batch` reports at a time (their items read per batch, not per report), so
        that a caller holds one batch at once. `items`: the item lists to read (the
        others stay empty); without `text`, the reports' texts are left out ("")."""
        cols = ["id", *(c for c in DOC_COLUMNS if text or c != "text")]
        select = ", ".join(f'"{c}"' for c in cols)
        last = -(2**63)
        while True:
            rows = self.conn.execute(
                f"SELECT {select} FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                (last, max(1, batch)),
            ).fetchall()
            if not rows:
                return
            first, last = rows[0][0], rows[-1][0]
            found = {
                attr: self._items(attr, "doc_id BETWEEN ? AND ?", (first, last)) for attr in items
            }
            for row in rows:
                data = dict(zip(cols, row, strict=True))
                doc_id = data.pop("id")
                data.setdefault("text", "")
                data["flags"] = json.loads(data["flags"] or "[]")
                rec = DocumentRecord(**data, id=doc_id)
                for attr in items:
                    setattr(rec, attr, found[attr].get(doc_id, []))
                yield rec

    def iter_results(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one table of the stored cross-document record (one of
        RESULT_TABLES), in order, one at a time (`results()` reads them all at once)."""
        if table not in RESULT_TABLES:
            raise ValueError(f"no record table {table!r}")
        if self._blocks() > 1:  # a record kept per block: read merged
            yield from self._result_rows(table)
            return
        for (data,) in self.conn.execute(f"SELECT data FROM result_{table} ORDER BY position"):
            yield json.loads(data)

    def document_hashes(self) -> dict[str, str]:
        """Report name -> content hash, for every stored report (the last of a name wins)."""
        return {
            str(name): str(sha)
            for name, sha in self.conn.execute("SELECT name, sha256 FROM documents ORDER BY id")
        }


# What `write_shared` reads of each block's entity and speaker entries: their fields but
# the long lists, and the number of mentions or statements, as one JSON array. It is kept
# beside each entry when written (`summary`, see `_summary`); an entry written by an
# earlier version has it read from the entry with SQLite's JSON functions.
SUMMARY_FIELDS = {
    "entities": ("canonical", "kind", "aliases", "lat", "lon", "precision", "documents"),
    "speakers": ("name", "kind", "entity", "roles", "affiliations", "documents"),
}
SUMMARY_COUNTED = {"entities": "mentions", "speakers": "statements"}
SHARED_SUMMARY = {
    table: "COALESCE(summary, json_insert(json_extract(data, "
    + ", ".join(f"'$.{f}'" for f in fields_)
    + f"), '$[#]', json_array_length(data, '$.{SUMMARY_COUNTED[table]}')))"
    for table, fields_ in SUMMARY_FIELDS.items()
}


def _summary(table: str, item: dict[str, Any]) -> str | None:
    """An entity's or speaker's `summary` (see SHARED_SUMMARY); None for other entries."""
    if table not in SUMMARY_FIELDS:
        return None
    values = [item.get(f) for f in SUMMARY_FIELDS[table]]
    values.append(len(item.get(SUMMARY_COUNTED[table]) or []))
    return json.dumps(values, ensure_ascii=False)


def _unpacked(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """(item, summary) -> (item, *fields, count)."""
    return [(item, *json.loads(packed)) for item, packed in rows]


def _by_item(rows: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    return list(found.values())


def _listed(value: list[str] | None) -> list[str]:
    return list(value) if value else []


def _entity_rows(rows: list[tuple[Any, ...]]) -> list[tables.EntityRow]:
    """The entities table's rows from the blocks' entries (in first-seen order): what
    `merge_entities` gives, as the table keeps it."""
    out = []
    for same in _by_item(rows):
        item, canonical, kind, aliases, lat, lon, precision, docs, mentions = same[0]
        names, reports = _listed(aliases), len(_listed(docs))
        if len(same) > 1:
            names = sorted({a for r in same for a in _listed(r[3])})
            reports = len({d for r in same for d in _listed(r[7])})
        total = sum(int(r[8] or 0) for r in same)
        out.append(tables.EntityRow(item, canonical, kind, names, lat, lon, precision, reports,
                                    total))  # fmt: skip
    return out


def _speaker_rows(rows: list[tuple[Any, ...]]) -> list[tables.SpeakerRow]:
    """The speakers table's rows from the blocks' entries: what `merge_speakers` gives."""
    out = []
    for same in _by_item(rows):
        item, name, kind, entity, roles_, affiliations_, docs, _ = same[0]
        roles, affiliations, reports = _listed(roles_), _listed(affiliations_), len(_listed(docs))
        if len(same) > 1:
            entity = next((r[3] for r in same if r[3]), None)
            roles = list(dict.fromkeys(x for r in same for x in _listed(r[4])))
            affiliations = list(dict.fromkeys(x for r in same for x in _listed(r[5])))
            reports = len(dict.fromkeys(x for r in same for x in _listed(r[6])))
        total = sum(int(r[7] or 0) for r in same)
        out.append(tables.SpeakerRow(item, name, kind, entity, roles, affiliations, reports,
                                     total))  # fmt: skip
    return out


def _merged_entities(rows: list[dict[str, Any]]) -> list[Entity]:
    """Stored entity rows of several blocks, one entity per id (in first-seen order)."""
    found: dict[str, list[Entity]] = {}
    for d in rows:
        found.setdefault(d["id"], []).append(Entity.from_dict(d))
    return [merge_entities(same) for same in found.values()]


def _merged_speakers(rows: list[dict[str, Any]]) -> list[Speaker]:
    """Stored speaker rows of several blocks, one speaker per id (in first-seen order)."""
    found: dict[str, list[Speaker]] = {}
    for d in rows:
        found.setdefault(d.get("id") or d["name"], []).append(Speaker.from_dict(d))
    return [merge_speakers(same) for same in found.values()]


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def check_correction(corr: Correction) -> None:
    """Raise ValueError for a correction of an unknown kind or field, or a bad verdict."""
    if corr.kind not in REVIEW_FIELDS:
        raise ValueError(f"unknown item kind {corr.kind!r}")
    if corr.field == "verdict":
        if corr.value not in VERDICTS:
            raise ValueError(f"a verdict is one of {', '.join(VERDICTS)}")
    elif corr.field not in REVIEW_FIELDS[corr.kind]:
        raise ValueError(f"a {corr.kind} has no correctable field {corr.field!r}")
    if not 0 <= corr.start <= corr.end:
        raise ValueError("offsets must satisfy 0 <= start <= end")


def open_existing(path: str | Path) -> Store:
    """Open a database that must already exist (for export)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such database: {p}")
    with p.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise ValueError(f"not a Parallax database: {p}")
    return Store(p)
