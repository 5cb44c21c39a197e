"""`parallax recheck DB`: the cross-document stage again over a stored database, the
record it gives being the one `analyze` left."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from conftest import GAZETTEER, run_cli

from parallax.export import build_export
from parallax.store import RESULT_TABLES, Store


def record(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        export = build_export(store)
    for failure in export["failures"]:
        failure.pop("at", None)  # when it was recorded
    return export


def test_recheck_rebuilds_the_record_analyze_left(examples_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    before = record(db)
    assert before["events"], "the examples give events"
    with sqlite3.connect(db) as conn:  # lose the cross-document record
        for table in RESULT_TABLES:
            conn.execute(f"DELETE FROM result_{table}")
    assert record(db)["events"] == []
    result = run_cli("recheck", db, "--gazetteer", GAZETTEER)
    assert result.exit_code == 0, result.output
    assert "4 reports stored" in result.stdout
    assert record(db) == before


def test_recheck_twice_gives_the_same_record(examples_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    assert run_cli("recheck", db, "--gazetteer", GAZETTEER, "-q").exit_code == 0
    first = record(db)
    assert run_cli("recheck", db, "--gazetteer", GAZETTEER, "-q").exit_code == 0
    assert record(db) == first
    assert first == record(examples_db)


def test_recheck_a_missing_database_fails_in_one_line(tmp_path: Path) -> None:
    result = run_cli("recheck", tmp_path / "nothing.db")
    assert result.exit_code == 1
    assert "no such database" in result.output
    assert not (tmp_path / "nothing.db").exists()


def test_help_lists_recheck_and_the_ray_option() -> None:
    top = run_cli("--help")
    assert "recheck" in top.stdout
    analyze_help = run_cli("analyze", "--help")
    assert "--ray" in analyze_help.stdout
