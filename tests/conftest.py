"""Shared fixtures: the CLI run in-process, and databases analysed once per test session.

Loading spaCy takes seconds, so every `parallax analyze` here passes the same gazetteer
(the pipeline is cached per gazetteer list) and `--workers 1` (no process pool).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from parallax.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GAZETTEER = str(EXAMPLES / "gazetteer.json")

# Invented: Kestrel Bay, Orla Fenn and Ione Marsh do not exist.
SCRIPT_REPORT = """Vandals daub ferry office in Kestrel Bay

By Ione Marsh

KESTREL BAY - Vandals broke into the ferry office in the harbour town of Kestrel Bay on \
Sunday night, police said.

"Someone wrote <script>alert(1)</script> across the ticket window in red paint," said Orla \
Fenn, the harbour master. She said nobody had been hurt.

At least 3 people were injured when a crowd gathered outside the office on Monday, the town \
council said.
"""

# The start of a PNG file: NUL bytes make it binary.
BINARY_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def run_cli(*args: str | Path) -> Result:
    """Run `parallax ARGS` in-process."""
    return CliRunner().invoke(app, [str(a) for a in args])


def run_analyze(*paths: str | Path, db: str | Path) -> Result:
    """`parallax analyze PATHS --db DB` with the examples gazetteer and one worker."""
    return run_cli("analyze", *paths, "--db", db, "--gazetteer", GAZETTEER, "--workers", "1")


@dataclass
class Analysed:
    """One `parallax analyze` run: its CLI result, the database and the input folder."""

    result: Result
    db: Path
    folder: Path


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


@pytest.fixture
def analyze() -> Callable[..., Result]:
    return run_analyze


@pytest.fixture(scope="session")
def examples_run(tmp_path_factory: pytest.TempPathFactory) -> Analysed:
    """examples/ analysed once; tests must not add to this database."""
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    return Analysed(run_analyze(EXAMPLES, db=db), db, EXAMPLES)


@pytest.fixture(scope="session")
def examples_db(examples_run: Analysed) -> Path:
    assert examples_run.result.exit_code == 0, examples_run.result.output
    return examples_run.db


@pytest.fixture(scope="session")
def script_run(tmp_path_factory: pytest.TempPathFactory) -> Analysed:
    """A folder with one good report (a quote holding a <script> tag) and one binary file."""
    folder = tmp_path_factory.mktemp("script_reports")
    (folder / "kestrel_bay.txt").write_text(SCRIPT_REPORT, encoding="utf-8")
    (folder / "zz_image.txt").write_bytes(BINARY_BYTES)
    db = folder.parent / "script.db"
    return Analysed(run_analyze(folder, db=db), db, folder)


@pytest.fixture(scope="session")
def nlp():  # -> spacy.language.Language
    """The full spaCy pipeline with the examples gazetteer, loaded once per test session."""
    from parallax.nlp import get_pipeline

    return get_pipeline(None, (GAZETTEER,))  # the same cached pipeline the CLI tests use
