"""Helpers for the review-workspace tests: a private copy of an analysed database and an
app over it (the session databases of conftest.py must not be written to)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from parallax.pipeline import Settings
from parallax.serve import ServeConfig, create_app

GAZETTEER = str(Path(__file__).resolve().parent.parent / "examples" / "gazetteer.json")
SETTINGS = Settings(gazetteer_files=(GAZETTEER,), workers=1)  # the pipeline conftest caches
TOKEN = "test-token-0123456789"


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a (WAL-mode) database."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def make_app(db: Path, host: str = "127.0.0.1") -> FastAPI:
    """The workspace over `db` with the test token and settings."""
    return create_app(ServeConfig(db=db, host=host, token=TOKEN, settings=SETTINGS))


def client(db: Path, host: str = "127.0.0.1") -> TestClient:
    return TestClient(make_app(db, host), base_url="http://127.0.0.1:8000")
