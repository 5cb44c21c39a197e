"""The whole record on real crisis coverage: ../shared/eval/crises, scored per crisis.

Each crisis folder holds `articles/*.txt` (line 1 the page's URL, then the text) and a
hand-made `gold.json`. The reports go through Parallax as a new user would give them:
JSON Lines with `name`, `url` and `text`, then `parallax analyze` and
`parallax export --format json`, and the export is scored with the shared scorer
(`../shared/tools/score.py`). Beside the scorer's categories the bench counts the
predicted events that carry a figure or a contradiction (against the gold events) and
the reports whose date differs from gold's.

Run from the repository root:
`.venv/bin/python bench/crises.py [--dir DIR] [--only NAME] [--keep OUT]`.
The last line is for machines: `crises: quote_attr=... figures=... times=... ...` (means
over the crises).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
DEFAULT_DIR = SHARED / "eval" / "crises"
SCORER = SHARED / "tools" / "score.py"
CATEGORIES = (
    "metadata",
    "quote_attr",
    "quote_attr_precision",
    "figures",
    "figure_precision",
    "times",
    "figure_events",
    "event_docs",
    "numeric_disagreements",
    "claim_contradictions",
)


@dataclass
class CrisisResult:
    """Scores of one crisis, with the counts behind the record's shape."""

    name: str
    scores: dict[str, float | None] = field(default_factory=dict)
    counts: dict[str, tuple[float, int]] = field(default_factory=dict)
    events_found: int = 0  # predicted events with a figure or a contradiction
    events_gold: int = 0
    dated: int = 0  # reports with a date both in gold and in the export
    wrong_dates: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("parallax_shared_score", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def crisis_dirs(root: Path, only: str | None = None) -> list[Path]:
    return [
        d
        for d in sorted(root.iterdir())
        if d.is_dir() and (d / "gold.json").is_file() and (only is None or d.name == only)
    ]


def write_jsonl(articles: Path, out: Path) -> None:
    """The reports as JSON Lines: name = file name, url = line 1, text = the rest."""
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(articles.glob("*.txt")):
            url, _, text = path.read_text(encoding="utf-8").partition("\n")
            fh.write(json.dumps({"name": path.name, "url": url.strip(), "text": text}) + "\n")


def run_parallax(jsonl: Path, work: Path, workers: int) -> dict[str, Any]:
    """`parallax analyze` then `parallax export --format json`, as a user runs them."""
    cli = [sys.executable, "-m", "parallax.cli"]
    db, export = work / "crisis.db", work / "export.json"
    analyze = [*cli, "analyze", str(jsonl), "--db", str(db), "-q", "--workers", str(workers)]
    subprocess.run(analyze, check=True, capture_output=True, text=True)
    subprocess.run(
        [*cli, "export", str(db), "--format", "json", "-o", str(export)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, Any] = json.loads(export.read_text(encoding="utf-8"))
    return data


def record_shape(result: CrisisResult, gold: dict[str, Any], export: dict[str, Any]) -> None:
    """Events that carry figures or contradictions, and dates that differ from gold."""
    with_items = {f.get("event") for d in export.get("documents", []) for f in d.get("figures", [])}
    with_items |= {c.get("event") for c in export.get("contradictions", [])}
    with_items.discard(None)
    result.events_found = sum(1 for e in export.get("events", []) if e.get("id") in with_items)
    result.events_gold = len(gold.get("events", []))
    predicted = {
        str(d.get("name") or "").rsplit("/", 1)[-1]: d.get("published")
        for d in export.get("documents", [])
    }
    for name, doc in gold["documents"].items():
        got, want = predicted.get(name), doc.get("published")
        if got:
            result.dated += 1
            if want and str(got)[:10] != want:
                result.wrong_dates.append(f"{name}: {got} (gold {want})")


def score_crisis(folder: Path, scorer: ModuleType, workers: int, keep: Path | None) -> CrisisResult:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        jsonl = work / "reports.jsonl"
        write_jsonl(folder / "articles", jsonl)
        export = run_parallax(jsonl, work, workers)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / "export.json", keep / f"{folder.name}.json")
    res, misses = scorer.score(gold, export)
    result = CrisisResult(name=folder.name, counts=res, misses=misses)
    result.scores = {k: round(f / t, 3) if t else None for k, (f, t) in res.items()}
    record_shape(result, gold, export)
    return result


def mean(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return round(sum(real) / len(real), 3) if real else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of crisis folders")
    ap.add_argument("--only", help="one crisis folder by name")
    ap.add_argument("--keep", type=Path, help="keep each export as OUT/NAME.json")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--verbose", action="store_true", help="list the scorer's misses")
    args = ap.parse_args()
    if not args.dir.is_dir() or not SCORER.is_file():
        print(f"skipped: crisis sets or scorer not found under {SHARED}")
        return 0
    scorer = load_scorer()
    results = [
        score_crisis(folder, scorer, args.workers, args.keep)
        for folder in crisis_dirs(args.dir, args.only)
    ]
    for r in results:
        cells = " ".join(f"{k}={r.scores.get(k)}" for k in CATEGORIES)
        print(f"{r.name}: {cells}")
        print(
            f"{r.name}: events with figures or contradictions {r.events_found} / gold "
            f"{r.events_gold}; dated {r.dated}, wrong dates {len(r.wrong_dates)}"
        )
        for wrong in r.wrong_dates:
            print(f"  wrong date: {wrong}")
        if args.verbose:
            for miss in r.misses:
                print(f"  miss: {miss}")
    means = {k: mean([r.scores.get(k) for r in results]) for k in CATEGORIES}
    wrong = sum(len(r.wrong_dates) for r in results)
    ratio = max((r.events_found / r.events_gold for r in results if r.events_gold), default=0.0)
    print(
        "crises: "
        + " ".join(f"{k}={v}" for k, v in means.items())
        + f" wrong_dates={wrong} max_event_ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
