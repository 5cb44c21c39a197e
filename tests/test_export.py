"""Tests for the export: offsets, event links and the renderings of an analysed database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parallax.export import FORMATS, build_export, render
from parallax.store import Store

EXPORT_KEYS = {"documents", "events", "discrepancies", "contradictions", "agreements", "entities"}


def load(db: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The export of `db` and each stored document's text by name."""
    with Store(db) as store:
        return build_export(store), {d.name: d.text for d in store.documents()}


@pytest.fixture(scope="module")
def examples_export(examples_db: Path) -> tuple[dict[str, Any], dict[str, str]]:
    return load(examples_db)


@pytest.mark.parametrize("kind", ["quotes", "figures", "times"])
def test_offsets_point_at_the_item_text(
    kind: str, examples_export: tuple[dict[str, Any], dict[str, str]]
) -> None:
    export, texts = examples_export
    checked = 0
    wrong = []
    for doc in export["documents"]:
        text = texts[doc["name"]]
        for item in doc[kind]:
            start, end = item["start"], item["end"]
            assert type(start) is int and type(end) is int, item
            assert 0 <= start < end <= len(text), item
            if text[start:end] != item["text"]:
                wrong.append((doc["name"], item["text"], text[start:end]))
            checked += 1
    assert checked > 0, f"no {kind} extracted from examples/"
    assert wrong == []


def test_quote_speaker_offsets(examples_export: tuple[dict[str, Any], dict[str, str]]) -> None:
    export, texts = examples_export
    spans = [
        (q["speaker_text"], texts[d["name"]][q["speaker_start"] : q["speaker_end"]])
        for d in export["documents"]
        for q in d["quotes"]
        if q["speaker_start"] is not None
    ]
    assert spans
    assert [s for s in spans if s[0] != s[1]] == []


def test_figure_events_are_null_or_known(
    examples_export: tuple[dict[str, Any], dict[str, str]],
) -> None:
    export, _ = examples_export
    ids = {e["id"] for e in export["events"]}
    figures = [f for d in export["documents"] for f in d["figures"]]
    assert figures
    assert [f["event"] for f in figures if f["event"] is not None and f["event"] not in ids] == []
    assert any(f["event"] in ids for f in figures), "no figure linked to an event"


def test_quote_events_are_known(examples_export: tuple[dict[str, Any], dict[str, str]]) -> None:
    export, _ = examples_export
    ids = {e["id"] for e in export["events"]}
    quotes = [q for d in export["documents"] for q in d["quotes"]]
    assert quotes
    assert all(isinstance(q["events"], list) for q in quotes)
    assert [e for q in quotes for e in q["events"] if e not in ids] == []


def test_times_leave_out_the_resolution_rule(
    examples_export: tuple[dict[str, Any], dict[str, str]],
) -> None:
    export, _ = examples_export
    times = [t for d in export["documents"] for t in d["times"]]
    assert times
    assert all("rule" not in t for t in times)
    assert all({"text", "start", "end", "kind", "value"} <= set(t) for t in times)


def test_json_export_is_valid_and_complete(
    examples_export: tuple[dict[str, Any], dict[str, str]],
) -> None:
    export, texts = examples_export
    data = json.loads(render(export, "json"))
    assert set(data) >= EXPORT_KEYS
    assert data == export
    assert {d["name"] for d in data["documents"]} == set(texts)
    assert all(isinstance(data[key], list) for key in EXPORT_KEYS)
    assert data["events"], "no events linked in examples/"


def test_render_refuses_unknown_format(
    examples_export: tuple[dict[str, Any], dict[str, str]],
) -> None:
    export, _ = examples_export
    assert set(FORMATS) == {"json", "csv", "md", "html", "acled", "ucdp", "geojson"}
    with pytest.raises(ValueError, match="unknown format"):
        render(export, "xml")


def test_html_export_escapes_script_in_quote(script_run: Any, tmp_path: Path, cli: Any) -> None:
    export, _ = load(script_run.db)
    quotes = [q["text"] for d in export["documents"] for q in d["quotes"]]
    assert any("<script>alert(1)</script>" in q for q in quotes), quotes  # the hostile input
    out = tmp_path / "report.html"
    result = cli("export", script_run.db, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_export_neutralises_script_in_quote(script_run: Any) -> None:
    export, _ = load(script_run.db)
    md = render(export, "md")
    assert "Orla Fenn" in md
    assert "<script>alert" not in md.lower()


def test_entity_mentions_point_back_to_their_text(examples_db: Path) -> None:
    with Store(examples_db) as store:
        export = build_export(store)
        texts = {d.name: d.text for d in store.documents()}
    mentions = [m for e in export["entities"] for m in e["mentions"]]
    assert mentions
    for m in mentions:
        assert texts[m["document"]][m["start"] : m["end"]] == m["text"]
