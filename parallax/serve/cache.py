"""The stored record as the server shows it, read once per database version.

Building the export reads every stored report and applies the corrections: seconds at a
few hundred reports. The server keeps the last build (`Snapshot`) with what was derived
from it (rendered pages, the export as JSON) and builds again only when the database
changed: its version is SQLite's `PRAGMA data_version` read on a connection of its own
(it changes whenever another connection, in this process or another, commits a change),
the file's identity (a database replaced on disk) and a counter the server bumps after
its own writes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from parallax.export import build_export
from parallax.models import DocumentRecord
from parallax.store import Correction, Store

T = TypeVar("T")
R = TypeVar("R", bound=Response)
MEMO_SIZE = 256  # derived values of one kind kept per snapshot, least recently used out

Version = tuple[int, int, int, int]


@dataclass
class Snapshot:
    """The record at one database version. Shared between threads: read it, never change
    it; derived values go through `memo`."""

    version: Version
    docs: list[DocumentRecord]
    corrections: list[Correction]
    export: dict[str, Any]  # build_export(corrected=True)
    _memo: dict[Hashable, OrderedDict[Hashable, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def memo(self, key: Hashable, make: Callable[[], T], size: int = MEMO_SIZE) -> T:
        """`make()`, computed once per snapshot (by one thread; the others wait). Keys of
        one kind (a tuple's first element) share an allowance of `size` values, the least
        recently used dropped first."""
        space = key[0] if isinstance(key, tuple) else key
        kept = self._memo.setdefault(space, OrderedDict())
        try:
            value: T = kept[key]
            return value
        except KeyError:
            pass
        with self._lock:
            if key not in kept:
                kept[key] = make()
                while len(kept) > size:
                    kept.popitem(last=False)
            else:
                kept.move_to_end(key)
            found: T = kept[key]
            return found


@dataclass(frozen=True)
class Stored:
    """A response body kept as bytes, with its entity tag (a digest of the bytes: the same
    body always has the same tag, across database versions and server restarts)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Stored:
        return cls(body, '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"')

    def response(self, request: Request, kind: type[R], media_type: str | None = None) -> R:
        """The body as a response of class `kind`, or 304 Not Modified (no body) to a
        request whose If-None-Match names it."""
        headers = {"ETag": self.etag}
        if self.matches(request.headers.get("if-none-match")):
            return kind(status_code=304, headers=headers, media_type=media_type)
        return kind(self.body, headers=headers, media_type=media_type)

    def matches(self, if_none_match: str | None) -> bool:
        if not if_none_match:
            return False
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or self.etag in tags


class Results:
    """The current `Snapshot` of one database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._generation = 0  # bumped by `invalidate`
        self._probe: sqlite3.Connection | None = None
        self._probe_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def invalidate(self) -> None:
        """The server wrote to the database: the next `current()` builds again."""
        with self._probe_lock:
            self._generation += 1

    def version(self) -> Version:
        """A value that changes whenever the database does (cheap: one pragma, one stat)."""
        st = os.stat(self.path)
        with self._probe_lock:
            if self._probe is None:
                # autocommit: the pragma never holds a read transaction open
                self._probe = sqlite3.connect(
                    str(self.path), check_same_thread=False, isolation_level=None
                )
            (data_version,) = self._probe.execute("PRAGMA data_version").fetchone()
            return (st.st_dev, st.st_ino, int(data_version), self._generation)

    def current(self) -> Snapshot:
        """The snapshot of the database as it is now, built if it changed since the last."""
        snap = self._snapshot
        if snap is not None and snap.version == self.version():
            return snap
        with self._build_lock:  # one build at a time; the others wait for it
            version = self.version()
            snap = self._snapshot
            if snap is None or snap.version != version:
                snap = self._build(version)
                self._snapshot = snap
            return snap

    def _build(self, version: Version) -> Snapshot:
        # `version` was read before this read transaction began: a write in between makes
        # the snapshot newer than its version, and the next request builds again
        with Store(self.path) as store:
            store.conn.execute("BEGIN")  # one consistent read of reports, results, corrections
            try:
                docs = store.documents()
                corrections = store.corrections()
                export = build_export(store, docs=docs)
            finally:
                store.conn.rollback()
        return Snapshot(version, docs, corrections, export)

    def close(self) -> None:
        with self._probe_lock:
            if self._probe is not None:
                self._probe.close()
                self._probe = None
