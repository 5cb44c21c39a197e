"""Speakers across reports: everything one person said, whichever report carried it.

The reports are invented (Lisk, Dornik and the people do not exist)."""

from __future__ import annotations

import json
from pathlib import Path

from parallax.models import DocumentRecord, Quote
from parallax.speakers import speaker_id, speaker_index

FIRST = """Bridge at Lesnya to reopen

By Ione Marsh

Petar Lukic, the mayor of Lisk, said on Monday that the bridge at Lesnya would reopen in May.

"Nobody will be cut off next winter," Lukic said.
"""

SECOND = """Convoy waits at Dornik

Lukic told reporters in Lisk on Tuesday that the convoy was still waiting at Dornik.

Jana Petrova said the road to Dornik had been cleared.
"""


def test_statements_of_one_speaker_are_listed_across_reports(tmp_path: Path, analyze, cli):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "first.txt").write_text(FIRST, encoding="utf-8")
    (folder / "second.txt").write_text(SECOND, encoding="utf-8")
    db = tmp_path / "s.db"
    assert analyze(folder, db=db).exit_code == 0
    out = tmp_path / "s.json"
    assert cli("export", db, "--format", "json", "-o", out).exit_code == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    by_name = {s["name"]: s for s in record["speakers"]}
    lukic = by_name["Petar Lukic"]
    assert lukic["documents"] == ["first.txt", "second.txt"]
    assert lukic["roles"] == ["mayor"]
    assert len(lukic["statements"]) == 3
    texts = {"first.txt": FIRST, "second.txt": SECOND}
    for st in lukic["statements"]:  # every statement points back to its span
        assert texts[st["document"]][st["start"] : st["end"]] == st["text"]
    # the id derives from what the speaker is, so it survives added reports
    assert record["speakers"][0]["id"] == speaker_id(lukic["kind"], "Petar Lukic")
    assert record["speakers"][0]["name"] == "Petar Lukic"  # most statements first
    assert "Jana Petrova" in by_name


def _record(name: str, *quotes: Quote) -> DocumentRecord:
    return DocumentRecord(name, "x" * 30, name, name, "text", quotes=list(quotes))


def test_speakers_are_keyed_by_kind_and_folded_name() -> None:
    a = Quote("one", 0, 3, "indirect", speaker="Ana Varga", speaker_type="person")
    b = Quote("two", 5, 8, "indirect", speaker="ANA VARGA", speaker_type="person")
    c = Quote("three", 9, 14, "indirect", speaker="Ana Varga", speaker_type="organization")
    unattributed = Quote("four", 20, 24, "partial")
    found = speaker_index([_record("a", a, unattributed), _record("b", b, c)], [])
    assert [(s.name, s.kind, len(s.statements)) for s in found] == [
        ("Ana Varga", "person", 2),
        ("Ana Varga", "organization", 1),
    ]
    assert found[0].documents == ["a", "b"]
