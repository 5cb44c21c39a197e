"""The Python API: `parallax.analyze(reports)` over texts, paths and report dicts, the
typed record back; the same run as `parallax analyze` (same database, same record)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GAZETTEER, run_analyze

import parallax
from parallax.analyze import run_analysis
from parallax.api import Analysis
from parallax.crossdoc.record import Record
from parallax.models import DocumentRecord
from parallax.store import Store

# Invented: Dornik, Velgrad, Valdoria and the people named do not exist.
A = """Shelling kills civilians in Dornik

DORNIK, Valdoria, March 3, 2025 - At least 12 people were killed when artillery shells hit \
the central market of Dornik on Monday, the regional governor said."""
B = """Market strike in Dornik

VELGRAD, March 3, 2025 - Artillery shelling of the market in Dornik on Monday killed 15 \
people, the health ministry said."""
C = """Dornik mourns its dead

DORNIK, March 3, 2025 - Fourteen people were killed when artillery shelled the market in \
Dornik on Monday, according to local police."""


@pytest.fixture(scope="module")
def three() -> Analysis:
    return parallax.analyze([A, B, C], gazetteer=[GAZETTEER])


def test_three_strings_give_one_event_with_its_reports_and_a_range(three: Analysis) -> None:
    assert isinstance(three.record, Record)
    assert all(isinstance(d, DocumentRecord) for d in three.documents)
    assert three.added == ["report 1", "report 2", "report 3"] and three.failed == []
    shelling = [e for e in three.record.events if e.type == "shelling"]
    assert len(shelling) == 1
    event = shelling[0]
    assert event.date == "2025-03-03" and event.location == "Dornik"
    assert event.mentioned_in == ["report 1", "report 2", "report 3"]
    killed = [r for r in three.record.ranges if r.event == event.id and r.metric == "killed"]
    assert len(killed) == 1
    assert (killed[0].low, killed[0].high, killed[0].sources) == (12, 15, 3)
    assert sorted(c.value for c in killed[0].values) == [12, 14, 15]
    # the export is the record as `parallax export` writes it
    assert [e["id"] for e in three.export["events"]] == [e.id for e in three.record.events]


def test_paths_dicts_and_a_database(tmp_path: Path) -> None:
    report = tmp_path / "velgrad.txt"
    report.write_text(B, encoding="utf-8")
    db = tmp_path / "api.db"
    first = parallax.analyze(
        [report, {"name": "police", "text": C, "outlet": "Dornik Courier"}],
        db=db,
        gazetteer=[GAZETTEER],
    )
    assert sorted(first.added) == ["police", "velgrad.txt"]
    assert next(d for d in first.documents if d.name == "police").outlet == "Dornik Courier"
    # a str naming a file is read as that file: stored already, so skipped; the text is new
    again = parallax.analyze([str(report), A], db=db, gazetteer=[GAZETTEER])
    assert again.skipped == ["velgrad.txt"] and again.added == ["report 1"]
    assert len(again.documents) == 3 and db.is_file()
    with Store(db) as store:
        assert store.count() == 3
        assert [e.id for e in store.record().events] == [e.id for e in again.record.events]


def test_the_api_and_the_command_line_give_the_same_record(three: Analysis, tmp_path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, text in enumerate((A, B, C), 1):
        (folder / f"report {i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "cli.db"
    assert run_analyze(folder, db=db).exit_code == 0
    with Store(db) as store:
        cli_record = store.record()
    assert [(e.id, e.mentioned_in) for e in cli_record.events] == [
        (e.id, [f"{d}.txt" for d in e.mentioned_in]) for e in three.record.events
    ]


def test_the_command_lines_module_stays_reachable() -> None:
    assert parallax.analyze.run_analysis is run_analysis
    with pytest.raises(TypeError, match="a report is a text, a path or a dict"):
        parallax.analyze([42])
