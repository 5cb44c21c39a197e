"""Tests for the `parallax` command line, run in-process with typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result

from parallax import cli as cli_module
from parallax.cli import app
from parallax.store import Store

Invoke = Callable[..., Result]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXAMPLE_NAMES = {
    "01_harbor_times.txt",
    "02_meridian_wire.md",
    "03_lakeside_gazette.html",
    "aid_agency_update",  # the `name` field of the JSON Lines record
}

# Invented: Valmercy, the Orbe and Hélène Corbin do not exist.
FRENCH_REPORT = """Inondations à Valmercy : la préfecture ouvre des centres d'accueil

Selon la préfecture de Valmercy, les eaux de la rivière Orbe sont montées pendant la nuit et \
plusieurs quartiers ont été évacués. « Nous avons ouvert trois gymnases pour les familles », a \
déclaré la maire, Hélène Corbin. Au moins 12 personnes ont été blessées et 40 familles sont \
sans logement, selon les secours.
"""

# Invented: Tarrow Mill and Dace Holm do not exist.
SHORT_REPORT = """Bridge closed after barge strike in Tarrow Mill

A grain barge struck the old stone bridge in Tarrow Mill on Thursday, and engineers closed it \
to traffic, the county council said. "The arch has moved by a few centimetres," said Dace Holm, \
the council's chief engineer.
"""

NAV_ONLY_HTML = """<!doctype html><html><head><title>Menu</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/contact">Contact</a></li></ul></nav></body></html>"""

# Not UTF-8, not cp1252 (0x81 etc. are unassigned) and latin-1 reads them as C1 controls.
UNDECODABLE_BYTES = b"Harbour report: " + b"\x81\x8d\x8f\x90\x9d" * 12 + b"\n"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture
def narrow_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich consoles as wide as a pipe or a CI log gets by default (80 columns)."""
    monkeypatch.setenv("COLUMNS", "80")
    for console in (cli_module.err, cli_module.out):
        monkeypatch.setattr(console, "_width", None)


def error_lines(result: Result) -> list[str]:
    """The non-blank lines of standard error."""
    return [line for line in _ANSI.sub("", result.stderr).splitlines() if line.strip()]


def assert_clean_failure(result: Result, fragment: str) -> None:
    """Exit != 0 with exactly one `error:` line on stderr, naming `fragment`; no traceback."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: "), lines
    assert fragment in lines[0], lines


def flat(text: str) -> str:
    """Text with runs of whitespace (Rich's line wrapping among them) made single spaces."""
    return " ".join(_ANSI.sub("", text).split())


def export_dict(cli: Invoke, db: Path) -> dict[str, Any]:
    """`parallax export DB` (JSON on standard output), parsed."""
    result = cli("export", db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored_names(db: Path) -> list[str]:
    with Store(db) as store:
        return [d.name for d in store.documents()]


# --------------------------------------------------------------------------- analyze


def test_analyze_examples_succeeds_and_prints_summary(examples_run: Any) -> None:
    result = examples_run.result
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "4 reports stored (4 added, 0 already there)" in flat(result.stdout)
    assert re.search(r"\d+ events", result.stdout)
    assert "error:" not in result.output


def test_analyze_examples_stores_four_documents(examples_db: Path) -> None:
    names = stored_names(examples_db)
    assert len(names) == 4
    assert set(names) == EXAMPLE_NAMES


def test_analyze_same_folder_again_adds_nothing(
    examples_db: Path, tmp_path: Path, analyze: Invoke
) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)

    def contents() -> list[tuple[Any, ...]]:
        with Store(db) as store:
            return [
                (d.id, d.sha256, len(d.quotes), len(d.figures), len(d.times), len(d.events))
                for d in store.documents()
            ]

    before = contents()
    result = analyze(EXAMPLES, db=db)
    assert result.exit_code == 0, result.output
    assert "4 reports stored (0 added, 4 already there)" in flat(result.stdout)
    assert contents() == before


def test_same_text_under_another_name_is_skipped(
    examples_db: Path, tmp_path: Path, analyze: Invoke
) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    source = EXAMPLES / "01_harbor_times.txt"
    renamed = tmp_path / "in" / "renamed_copy.txt"
    renamed.parent.mkdir()
    shutil.copy(source, renamed)
    result = analyze(renamed.parent, db=db)
    assert result.exit_code == 0, result.output
    assert "(0 added, 1 already there)" in flat(result.stdout)
    assert "renamed_copy.txt" not in stored_names(db)
    assert len(stored_names(db)) == 4


def test_duplicate_texts_in_one_run_are_stored_once(tmp_path: Path, analyze: Invoke) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SHORT_REPORT, encoding="utf-8")
    (folder / "b.txt").write_text(SHORT_REPORT, encoding="utf-8")
    result = analyze(folder, db=tmp_path / "p.db")
    assert result.exit_code == 0, result.output
    assert "(1 added, 1 already there)" in flat(result.stdout)
    assert stored_names(tmp_path / "p.db") == ["a.txt"]


BAD_INPUTS: list[tuple[str, bytes | str | None, str]] = [
    ("nowhere.txt", None, "nowhere.txt: no such file or folder"),
    ("empty.txt", b"", "empty.txt: empty file"),
    ("blank.txt", b"  \n\n\t \n", "blank.txt: empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.txt: binary file"),
    ("garbled.txt", UNDECODABLE_BYTES, "garbled.txt: cannot decode file as text"),
    ("menu.html", NAV_ONLY_HTML, "menu.html: no article text found"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gives_one_line_error(
    name: str,
    content: bytes | str | None,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    narrow_console: None,
    analyze: Invoke,
) -> None:
    monkeypatch.chdir(tmp_path)
    if isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    elif isinstance(content, str):
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = analyze(name, db="p.db")
    assert_clean_failure(result, message)
    assert result.exit_code == 1
    assert stored_names(tmp_path / "p.db") == []


def test_failure_among_good_files_keeps_the_good_ones(script_run: Any) -> None:
    result = script_run.result
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    stderr = _ANSI.sub("", result.stderr)
    assert stderr.count("error:") == 1
    # the message may be wrapped (see test_long_error_message_stays_on_one_line)
    assert "binary file" in stderr
    assert "zz_image.txt" in stderr.replace("\n", "")
    assert stored_names(script_run.db) == ["kestrel_bay.txt"]
    assert "1 reports stored (1 added, 0 already there)" in flat(result.stdout)


def test_failure_is_recorded_in_the_database(script_run: Any, cli: Invoke) -> None:
    failures = export_dict(cli, script_run.db)["failures"]
    assert len(failures) == 1
    assert failures[0]["source"] == str(script_run.folder / "zz_image.txt")
    assert "binary file" in failures[0]["error"]


def test_jsonl_line_failure_records_the_file_as_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyze: Invoke, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("feed.jsonl").write_text('{"text": }\n{"name": "no text here"}\n', encoding="utf-8")
    result = analyze("feed.jsonl", db="p.db")
    assert result.exit_code == 1
    failures = export_dict(cli, tmp_path / "p.db")["failures"]
    assert len(failures) == 2
    assert [f["source"] for f in failures] == ["feed.jsonl", "feed.jsonl"]


def test_french_report_is_stored_flagged_and_not_extracted(
    tmp_path: Path, analyze: Invoke, cli: Invoke
) -> None:
    report = tmp_path / "inondations.txt"
    report.write_text(FRENCH_REPORT, encoding="utf-8")
    db = tmp_path / "fr.db"
    result = analyze(report, db=db)
    assert result.exit_code == 0, result.output
    assert "1 not in English: inondations.txt" in flat(result.stdout)
    docs = export_dict(cli, db)["documents"]
    assert len(docs) == 1
    doc = docs[0]
    assert doc["name"] == "inondations.txt"
    assert "not_english" in doc["flags"]
    assert doc["language"] == "fr"
    assert doc["quotes"] == []
    assert doc["figures"] == []


def test_summary_prints_names_with_brackets(tmp_path: Path, analyze: Invoke) -> None:
    feed = tmp_path / "feed.jsonl"
    record = {"name": "bulletin [/] matin", "text": FRENCH_REPORT}
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "fr.db"
    result = analyze(feed, db=db)
    assert stored_names(db) == ["bulletin [/] matin"]
    assert result.exit_code == 0, repr(result.exception)
    assert "1 not in English: bulletin [/] matin" in flat(result.stdout)


def test_long_error_message_stays_on_one_line(
    tmp_path: Path, narrow_console: None, analyze: Invoke
) -> None:
    folder = tmp_path / "incoming_reports_from_the_northern_desk" / "second_batch_of_the_day"
    folder.mkdir(parents=True)
    bad = folder / "scanned_photo_of_the_front_page.txt"
    bad.write_bytes(b"\x00\x01\x02 not a report")
    result = analyze(bad, db=tmp_path / "p.db")
    assert_clean_failure(result, str(bad))


@pytest.mark.parametrize("name", ["missing[/].txt", "[red]missing.txt"])
def test_path_with_brackets_in_error_message(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyze: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    result = analyze(name, db="p.db")
    assert_clean_failure(result, f"{name}: no such file or folder")


def test_missing_gazetteer_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(SHORT_REPORT, encoding="utf-8")
    result = cli("analyze", "a.txt", "--db", "p.db", "--gazetteer", "nope.json", "--workers", "1")
    assert_clean_failure(result, "no such gazetteer file: nope.json")


def test_summary_command_prints_the_stored_record(examples_db: Path, cli: Invoke) -> None:
    result = cli("summary", examples_db)
    assert result.exit_code == 0, result.output
    assert "4 reports stored" in flat(result.stdout)
    assert "events" in result.stdout


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html"])
def test_export_writes_file(
    fmt: str, examples_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    out = Path("record.zip" if fmt == "csv" else f"record.{fmt}")  # csv: a zip of tables
    result = cli("export", examples_db, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in flat(result.stderr)
    text = (
        zipfile.ZipFile(out).read("documents.csv").decode("utf-8")
        if fmt == "csv"
        else out.read_text(encoding="utf-8")
    )
    assert text.strip()
    if fmt == "json":
        assert len(json.loads(text)["documents"]) == 4
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][0] == "document"
        assert {r[0] for r in rows[1:]} == EXAMPLE_NAMES
    elif fmt == "md":
        assert text.startswith("# ")
        assert "## Documents" in text
        assert "01\\_harbor\\_times.txt" in text  # Markdown escapes the underscores
    else:
        assert text.lstrip().lower().startswith("<!doctype html>")
        assert "</html>" in text


def test_export_json_to_stdout(examples_db: Path, cli: Invoke) -> None:
    data = export_dict(cli, examples_db)
    assert {d["name"] for d in data["documents"]} == EXAMPLE_NAMES


def test_export_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "nowhere.db")
    assert_clean_failure(result, "no such database: nowhere.db")
    assert not (tmp_path / "nowhere.db").exists()


def test_export_non_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.db").write_text("shopping list: bread, eggs\n", encoding="utf-8")
    result = cli("export", "notes.db")
    assert_clean_failure(result, "not a Parallax database: notes.db")
    assert Path("notes.db").read_text(encoding="utf-8") == "shopping list: bread, eggs\n"


def test_export_corrupt_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    result = cli("export", "broken.db")
    assert_clean_failure(result, "broken.db")


def test_export_missing_database_with_brackets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "old[/]record.db")
    assert_clean_failure(result, "no such database: old[/]record.db")


def test_export_unknown_format(examples_db: Path, cli: Invoke) -> None:
    result = cli("export", examples_db, "--format", "xml")
    assert_clean_failure(result, "unknown format 'xml'")
    assert "json, csv, md, html" in result.stderr


def test_export_to_unwritable_path(
    examples_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", examples_db, "-o", "no_such_dir/out.json")
    assert_clean_failure(result, "cannot write no_such_dir/out.json")


# --------------------------------------------------------------------------- help


def _command(name: str | None) -> Any:
    """The click command behind `parallax [NAME]` (typer vendors its own click)."""
    group = typer.main.get_command(app)
    return group if name is None else group.commands[name]  # type: ignore[attr-defined]


def _options(name: str | None) -> list[str]:
    return [
        opt
        for param in _command(name).params
        if param.param_type_name == "option"
        for opt in param.opts + param.secondary_opts
    ]


@pytest.mark.parametrize("command", [None, "analyze", "export", "summary"])
def test_help_mentions_every_option(command: str | None, narrow_console: None, cli: Invoke) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    text = _ANSI.sub("", result.stdout)
    options = ["--help", *_options(command)]
    missing = [
        opt for opt in options if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text)
    ]
    assert missing == []


def test_help_lists_the_documented_options() -> None:
    """The options the CLI documents exist (so the help test above checks them)."""
    assert {"--db", "--gazetteer", "--model", "--workers", "--quiet", "-q"} <= set(
        _options("analyze")
    )
    assert {"--format", "-f", "--output", "-o"} <= set(_options("export"))
    assert "--version" in _options(None)


def test_version(cli: Invoke) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("parallax ")


def test_reports_with_the_same_file_name_keep_apart(tmp_path: Path, analyze) -> None:
    for folder, toll in (("north", 12), ("south", 19)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(
            f"Valdorian artillery shelled Dornik on Monday, March 3, 2025. "
            f"At least {toll} people were killed, the council said.\n",
            encoding="utf-8",
        )
    db = tmp_path / "same.db"
    result = analyze(tmp_path / "north", tmp_path / "south", db=db)
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert sorted(d.name for d in store.documents()) == ["report.txt", "report.txt #2"]


def test_every_event_is_bounded_by_its_earliest_report(
    examples_db: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    out = tmp_path / "record.json"
    assert cli("export", examples_db, "-o", out).exit_code == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    published = {d["name"]: d["published"] for d in record["documents"]}
    assert any(ev["date"] is None for ev in record["events"])
    for ev in record["events"]:
        dates = sorted(published[n] for n in ev["mentioned_in"] if published[n])
        assert ev["reported_by"] == (dates[0] if dates else None)
        # a report whose weekdays were read in another report's week has no date of its own
        if ev["date"] and ev["date_precision"] == "day" and ev["reported_by"]:
            assert ev["date"] <= ev["reported_by"]  # nothing is told before it happened


BIG_FIGURE_REPORT = (
    "Police in Valdoria said 9,223,372,036,854,775,808 people were injured in the blast at "
    "the Dornik grain depot on Monday."
)


def test_one_bad_report_loses_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyze: Invoke
) -> None:
    """Issue 13: a 5,000-digit number, a deeply nested line, a figure past 2**63-1, a file
    name that is not UTF-8 and a stray byte each cost at most their own report."""
    monkeypatch.chdir(tmp_path)
    folder = Path("in")
    folder.mkdir()
    (folder / "a_short.txt").write_text(SHORT_REPORT, encoding="utf-8")
    (folder / "b_big.txt").write_text(BIG_FIGURE_REPORT, encoding="utf-8")
    huge = '{"text": "Police said 3 people were killed.", "x": ' + "1" * 5000 + "}"
    good = json.dumps({"text": "Rescuers in Ostravia said 12 people were missing after the flood."})
    (folder / "c_feed.jsonl").write_text(f"{huge}\n{'[' * 100_000}\n{good}\n", encoding="utf-8")
    stray = (
        "\u201cThe road is open,\u201d the mayor of Velgrad said.".encode()
        + b" Caf\xe9 owners cheered."
    )
    (folder / "d_stray.txt").write_bytes(stray)
    odd_name = os.fsdecode(b"in/e_bad\xff.txt")
    Path(odd_name).write_text(
        "The ferry to Kestrel Bay resumed service on Friday.", encoding="utf-8"
    )
    result = analyze(folder, db="p.db")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    feed = str(folder / "c_feed.jsonl")
    assert [line for line in error_lines(result) if line.startswith("error:")] == [
        f"error: {feed}:1: invalid JSON (a number of more than 4300 digits)",
        f"error: {feed}:2: invalid JSON (nested too deeply)",
    ]
    assert any(
        line.startswith(f"warning: {folder / 'd_stray.txt'}: undecodable bytes replaced")
        for line in error_lines(result)
    )
    with Store(tmp_path / "p.db") as store:
        docs = {d.name: d for d in store.documents()}
        assert set(docs) == {
            "a_short.txt",
            "b_big.txt",
            "c_feed.jsonl:3",
            "d_stray.txt",
            "e_bad\ufffd.txt",
        }
        assert [f.value for f in docs["b_big.txt"].figures] == [2**63]
        assert docs["d_stray.txt"].flags == ["bytes_replaced"]
        assert [(f["source"], f["error"].split(": ", 1)[1]) for f in store.failures()] == [
            (feed, "invalid JSON (a number of more than 4300 digits)"),
            (feed, "invalid JSON (nested too deeply)"),
        ]
        assert store.results()["entities"]  # the cross-check ran over what was stored
