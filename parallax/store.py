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
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from parallax import tables
from parallax.crossdoc.record import Record
from parallax.models import DocumentRecord, EventMention, Figure, Mention, Quote, TimeExpr

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
            "data TEXT NOT NULL)"
        )
    parts.append(CORRECTIONS_SCHEMA)
    return parts


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


def _decode(name: str, value: Any, cls: type) -> Any:
    ftype = _field_types(cls)[name]
    if isinstance(value, bytes) and ftype.startswith("int"):  # beyond 64 bits: see _encode
        return int(value)
    if value is not None and ("dict" in ftype or "list" in ftype):
        return json.loads(value)
    if value is not None and ftype.startswith("bool"):
        return bool(value)
    if value is not None and ftype.startswith("float"):
        return float(value)
    return value


def _int_value(value: Any) -> Any:
    return int(value) if isinstance(value, bytes) else value  # beyond 64 bits: see _encode


@functools.cache
def _decoders(cls: type) -> list[tuple[int, Any]]:
    """(position, decode) for each field of `cls` whose stored value `_decode` changes:
    `_decode` with the field's type looked at once per class, not per value (the
    streamed reader decodes every field of every item of a large database)."""
    out: list[tuple[int, Any]] = []
    for k, name in enumerate(_field_types(cls)):
        ftype = _field_types(cls)[name]
        if ftype.startswith("int"):
            out.append((k, _int_value))
        elif "dict" in ftype or "list" in ftype:
            out.append((k, json.loads))
        elif ftype.startswith(("bool", "float")):
            out.append((k, bool if ftype.startswith("bool") else float))
    return out


class Store:
    """A Parallax database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # another run may be writing the same database: wait for it rather than fail
        self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT)
        self.conn.execute("PRAGMA foreign_keys = ON")
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
        """A database written by an earlier version gets the item fields added since."""
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
            record = Record.from_dict(self.results())
        except (KeyError, TypeError, ValueError):
            return
        tables.write(self.conn, record)

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

    def update(self, rec: DocumentRecord) -> None:
        """Rewrite a stored report's dates and items after linking."""
        assert rec.id is not None
        self.conn.execute(
            "UPDATE documents SET published = ?, published_basis = ?, published_from = ? WHERE id = ?",
            (rec.published, rec.published_basis, rec.published_from, rec.id),
        )
        for table, _ in ITEM_TABLES.values():
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (rec.id,))
        self._write_items(rec.id, rec)

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

    def _read_documents(self, where: str, args: tuple[Any, ...]) -> list[DocumentRecord]:
        self.conn.row_factory = sqlite3.Row
        try:
            docs = []
            for row in self.conn.execute(f"SELECT * FROM documents{where} ORDER BY id", args):
                data = {c: row[c] for c in DOC_COLUMNS}
                data["flags"] = json.loads(data["flags"] or "[]")
                rec = DocumentRecord(**data, id=row["id"])
                for attr, (table, cls) in ITEM_TABLES.items():
                    items = self.conn.execute(
                        f"SELECT * FROM {table} WHERE doc_id = ? ORDER BY rowid", (row["id"],)
                    )
                    names = list(_field_types(cls))
                    setattr(
                        rec, attr, [cls(**{n: _decode(n, r[n], cls) for n in names}) for r in items]
                    )
                docs.append(rec)
            return docs
        finally:
            self.conn.row_factory = None

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
                self.conn.executemany(
                    f"INSERT INTO result_{table} (position, data) VALUES (?, ?)",
                    [
                        (i, json.dumps(item, ensure_ascii=False))
                        for i, item in enumerate(results.get(table, []))
                    ],
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
        out = {}
        for table in RESULT_TABLES:
            rows = self.conn.execute(
                f"SELECT data FROM result_{table} ORDER BY position"
            ).fetchall()
            out[table] = [json.loads(r[0]) for r in rows]
        return out

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
            found: dict[str, dict[int, list[Any]]] = {}
            for attr in items:
                table, cls = ITEM_TABLES[attr]
                names = list(_field_types(cls))
                decoders = _decoders(cls)
                picked = ", ".join(f'"{n}"' for n in names)
                per_doc: dict[int, list[Any]] = {}
                for doc_id, *values in self.conn.execute(
                    f"SELECT doc_id, {picked} FROM {table} WHERE doc_id BETWEEN ? AND ? "
                    "ORDER BY doc_id, id",
                    (first, last),
                ):
                    for k, decode in decoders:
                        if values[k] is not None:
                            values[k] = decode(values[k])
                    # the columns are the record's fields, in its order
                    per_doc.setdefault(doc_id, []).append(cls(*values))
                found[attr] = per_doc
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
        for (data,) in self.conn.execute(f"SELECT data FROM result_{table} ORDER BY position"):
            yield json.loads(data)

    def document_hashes(self) -> dict[str, str]:
        """Report name -> content hash, for every stored report (the last of a name wins)."""
        return {
            str(name): str(sha)
            for name, sha in self.conn.execute("SELECT name, sha256 FROM documents ORDER BY id")
        }


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
