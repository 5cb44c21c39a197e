"""The streamed export (`parallax export` of JSON, Markdown and HTML written piece by piece
from the store) gives the same text as the export built whole, corrected or not, and
never reads every report at once."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import EVENT, TEXTS, _at, report, stored

from parallax.crossdoc.view import copy_groups, framing_by_event, framing_lines
from parallax.export import StreamedExport, _dump, build_export, render, write_streamed
from parallax.store import Correction, Store

STREAMED = ("json", "md", "html")


def streamed(db: Path, fmt: str, corrected: bool = True, batch: int | None = None) -> str:
    out = io.StringIO()
    with Store(db) as store:
        if batch is None:
            write_streamed(store, fmt, out, corrected)
        else:
            stream = StreamedExport(store, corrected, batch=batch)
            assert fmt == "json"
            stream.write_json(out)
    return out.getvalue()


def whole(db: Path, fmt: str, corrected: bool = True) -> str:
    with Store(db) as store:
        return render(build_export(store, corrected), fmt)


@pytest.mark.parametrize("fmt", STREAMED)
def test_streamed_export_of_the_examples_is_the_whole_export(examples_db: Path, fmt: str) -> None:
    text = streamed(examples_db, fmt)
    assert text == whole(examples_db, fmt)
    assert len(text) > 1000


def test_streamed_json_is_the_same_in_batches_of_one(examples_db: Path) -> None:
    one = streamed(examples_db, "json", batch=1)
    assert one == streamed(examples_db, "json", batch=2) == whole(examples_db, "json")
    assert len(json.loads(one)["documents"]) > 2


@pytest.fixture
def corrected_db(tmp_path: Path) -> Path:
    """The hand-made flood corpus with an analyst's corrections of every kind: a figure's
    value corrected (its range recomputed), a quote marked wrong, an event mention of one
    report marked wrong, an entity mention marked correct."""
    db = stored(tmp_path / "flood.db")
    ledger, herald = (report(name) for name in TEXTS)
    with Store(db) as store:
        fig = herald.figures[0]
        store.add_correction(
            Correction(herald.sha256, "figure", fig.start, fig.end, "value", "11", "9")
        )
        quote = ledger.quotes[0]
        store.add_correction(
            Correction(ledger.sha256, "quote", quote.start, quote.end, "verdict", "wrong")
        )
        k0, k1 = _at("herald.txt", "killed")
        store.add_correction(Correction(herald.sha256, "event", k0, k1, "verdict", "wrong"))
        p0, p1 = _at("ledger.txt", "Selm Reach")
        store.add_correction(Correction(ledger.sha256, "mention", p0, p1, "verdict", "correct"))
    return db


@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("corrected", [True, False])
def test_streamed_export_applies_the_corrections_as_the_whole_one(
    corrected_db: Path, fmt: str, corrected: bool
) -> None:
    assert streamed(corrected_db, fmt, corrected) == whole(corrected_db, fmt, corrected)


def test_corrections_reach_the_streamed_json(corrected_db: Path) -> None:
    export = json.loads(streamed(corrected_db, "json"))
    kinds = sorted(r["kind"] for r in export["rejected"])
    assert kinds == ["event", "quote"]
    (killed,) = export["discrepancies"]
    assert killed["corrected"] is True
    assert sorted(v["value"] for v in killed["values"]) == [7, 11]
    (flood,) = export["events"]
    assert flood["id"] == EVENT and flood["mentioned_in"] == ["ledger.txt"]
    assert len(export["corrections"]) == 4


def test_the_streamed_export_never_reads_every_report_or_the_whole_record(
    examples_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {fmt: whole(examples_db, fmt) for fmt in STREAMED}

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the streamed export read everything at once")

    for name in ("documents", "results", "record"):
        monkeypatch.setattr(Store, name, refused)
    for fmt in STREAMED:
        assert streamed(examples_db, fmt) == expected[fmt]


def test_iter_documents_reads_the_stored_reports_in_batches(examples_db: Path) -> None:
    with Store(examples_db) as store:
        every = [asdict(d) for d in store.documents()]
        assert len(every) > 2
        for batch in (1, 2, 500):
            assert [asdict(d) for d in store.iter_documents(batch)] == every
        light = list(store.iter_documents(2, items=("quotes",), text=False))
    assert [d.name for d in light] == [d["name"] for d in every]
    assert all(d.text == "" and d.figures == [] and d.events == [] for d in light)
    assert [[asdict(q) for q in d.quotes] for d in light] == [d["quotes"] for d in every]
    assert any(d.quotes for d in light)


def test_iter_results_reads_the_stored_record_row_by_row(tmp_path: Path) -> None:
    db = stored(tmp_path / "flood.db")
    with Store(db) as store:
        results = store.results()
        for table, rows in results.items():
            assert list(store.iter_results(table)) == rows
        assert store.document_hashes() == {d.name: d.sha256 for d in store.documents()}
        with pytest.raises(ValueError):
            list(store.iter_results("documents"))


def test_cli_export_streams_to_a_file_and_to_stdout(
    examples_db: Path, tmp_path: Path, cli: Any
) -> None:
    db = tmp_path / "copy.db"
    shutil.copyfile(examples_db, db)
    out = tmp_path / "export.md"
    out.write_text("an older export", encoding="utf-8")
    result = cli("export", db, "--format", "md", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == whole(db, "md")
    assert list(tmp_path.glob("*.part")) == []
    result = cli("export", db, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(whole(db, "json"))


def test_the_report_indexes_give_what_the_scans_gave(examples_db: Path) -> None:
    with Store(examples_db) as store:
        export = build_export(store)
    framing = export["framing"] + [
        {"term": "massacre", "users": ["Ostravian army"], "one_sided": True,
         "uses": [{"text": "massacre", "event": "ev-a", "document": "a.txt"},
                  {"text": "a massacre", "event": "ev-b", "document": "b.txt"},
                  {"text": "massacre", "event": "ev-a", "document": "c.txt", "user": "Dornik"}]},
    ]  # fmt: skip
    by_event = framing_by_event(framing)
    events = {u.get("event") or "" for t in framing for u in t["uses"]} | {"ev-none"}
    for event in events:
        assert by_event.get(event, []) == framing_lines(framing, event)
    assert len(by_event["ev-a"]) == 1 and "c.txt" in by_event["ev-a"][0]
    names = [d["name"] for d in export["documents"]]
    groups = {doc: s["source"] for s in export["sources"] for doc in s["documents"]}
    assert copy_groups(export, names, groups) == copy_groups(export, names)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.integers(min_value=0, max_value=3))
def test_the_fast_encoder_writes_what_json_dumps_writes(value: Any, depth: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)
    assert _dump(value, depth) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"a": [], "b": {}, "c": [[]], "d": [{}], "e": {"f": []}},
        ["line\nbreak", 'quote " and \\ slash', "\u2028 é 😀", float("nan"), -0.0],
        (1, 2),
        {"nested": (1, [2, {"x": (3,)}])},
        2**64,
    ],
)
def test_the_fast_encoder_on_edge_values(value: Any) -> None:
    assert _dump(value, 1) == json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
