"""SQLite storage (the embedded default): one row per report, one table per kind of
extracted item (each row with its document id and character offsets), and the
cross-document record (entities, events, discrepancies, ...) rewritten after each run."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

from parallax.models import DocumentRecord, EventMention, Figure, Mention, Quote, TimeExpr

SCHEMA_VERSION = 1
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
RESULT_TABLES = [
    "entities",
    "events",
    "discrepancies",
    "contradictions",
    "agreements",
    "stories",
    "sources",
    "framing",
]


def _sql_type(ftype: object) -> str:
    text = str(ftype)
    if text.startswith(("int", "bool")):
        return "INTEGER"
    return "REAL" if text.startswith("float") else "TEXT"


def _schema() -> str:
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
        cols = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in fields(cls))
        parts.append(
            f"CREATE TABLE IF NOT EXISTS {table} (doc_id INTEGER NOT NULL REFERENCES "
            f"documents(id) ON DELETE CASCADE, {cols})"
        )
        parts.append(f"CREATE INDEX IF NOT EXISTS {table}_doc ON {table}(doc_id)")
    for table in RESULT_TABLES:
        parts.append(
            f"CREATE TABLE IF NOT EXISTS result_{table} (position INTEGER PRIMARY KEY, "
            "data TEXT NOT NULL)"
        )
    return ";\n".join(parts) + ";"


def _encode(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _decode(name: str, value: Any, cls: type) -> Any:
    ftype = str(next(f.type for f in fields(cls) if f.name == name))
    if value is not None and ("dict" in ftype or "list" in ftype):
        return json.loads(value)
    if value is not None and ftype.startswith("bool"):
        return bool(value)
    if value is not None and ftype.startswith("float"):
        return float(value)
    return value


class Store:
    """A Parallax database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(str(self.path))
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(_schema())
        self._add_missing_columns()
        self.conn.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
        self.conn.commit()

    def _add_missing_columns(self) -> None:
        """A database written before an item gained a field gets the column (empty)."""
        for table, cls in ITEM_TABLES.values():
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            for f in fields(cls):
                if f.name not in have:
                    self.conn.execute(
                        f'ALTER TABLE {table} ADD COLUMN "{f.name}" {_sql_type(f.type)}'
                    )

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
        self.conn.row_factory = sqlite3.Row
        try:
            docs = []
            for row in self.conn.execute("SELECT * FROM documents ORDER BY id"):
                data = {c: row[c] for c in DOC_COLUMNS}
                data["flags"] = json.loads(data["flags"] or "[]")
                rec = DocumentRecord(**data, id=row["id"])
                for attr, (table, cls) in ITEM_TABLES.items():
                    items = self.conn.execute(
                        f"SELECT * FROM {table} WHERE doc_id = ? ORDER BY rowid", (row["id"],)
                    )
                    names = [f.name for f in fields(cls)]
                    setattr(
                        rec, attr, [cls(**{n: _decode(n, r[n], cls) for n in names}) for r in items]
                    )
                docs.append(rec)
            return docs
        finally:
            self.conn.row_factory = None

    # -- failures and results -------------------------------------------------
    def add_failure(self, source: str, error: str) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO failures (source, error) VALUES (?, ?)", (source, error))

    def failures(self) -> list[dict[str, str]]:
        rows = self.conn.execute("SELECT source, error, at FROM failures ORDER BY id").fetchall()
        return [{"source": s, "error": e, "at": a} for s, e, a in rows]

    def save_results(
        self, results: dict[str, list[dict[str, Any]]], docs: list[DocumentRecord]
    ) -> None:
        """Replace the cross-document record and the linked documents' items at once."""
        with self.conn:
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

    def results(self) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for table in RESULT_TABLES:
            rows = self.conn.execute(
                f"SELECT data FROM result_{table} ORDER BY position"
            ).fetchall()
            out[table] = [json.loads(r[0]) for r in rows]
        return out


def open_existing(path: str | Path) -> Store:
    """Open a database that must already exist (for export)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such database: {p}")
    with p.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise ValueError(f"not a Parallax database: {p}")
    return Store(p)
