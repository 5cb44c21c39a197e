"""The seed reports scored against their gold annotations with the shared scorer.

The seeds are third-party text: they are read from ../shared and never copied here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax.cli import app

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds.json"
SCORER = SHARED / "tools" / "score.py"

# Floors: raise them whenever results improve.
FLOORS = {
    "metadata": 1.0,
    "quote_span": 1.0,
    "quote_attr": 1.0,
    "quote_attr_precision": 1.0,
    "figures": 1.0,
    "figure_precision": 1.0,
    "times": 1.0,
    "never_merge": 1.0,
    "events": 1.0,
    "numeric_disagreements": 1.0,
    "claim_contradictions": 1.0,
}


@pytest.fixture(scope="module")
def seed_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    if not (SEEDS.is_dir() and GOLD.is_file() and SCORER.is_file()):
        pytest.skip(f"seed reports and scorer not found under {SHARED}")
    tmp = tmp_path_factory.mktemp("seeds")
    runner = CliRunner()
    db, out = tmp / "s.db", tmp / "s.json"
    res = runner.invoke(app, ["analyze", str(SEEDS), "--db", str(db), "--workers", "1", "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["export", str(db), "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(GOLD), str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("{"))
    return json.loads(line)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_seed_score_floor(seed_scores: dict[str, float], metric: str) -> None:
    assert seed_scores.get(metric) is not None, f"scorer did not report {metric}"
    assert seed_scores[metric] >= FLOORS[metric]
