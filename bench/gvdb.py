"""Casualty counts on the Gun Violence Database (GVDB): killed and injured per article.

Each article of the TSV (`Full text` column) is analysed by Parallax's full per-document
path (`parallax.nlp.get_pipeline()` and `parallax.pipeline.analyze_batch`, the records that
`parallax analyze` stores and `parallax export` writes out). The predicted count of a metric
for an article is the largest figure of that metric among the exported figures (0 when
there is none). Gold is counted from the `Json` column the documented way: killed = victims
whose outcome (`victim-was`) includes "killed"; injured = victims whose outcome includes
"injured" or "hospitalized" and not "killed"; victims with no outcome are not counted.

Beside Parallax it scores two baselines: 0 everywhere, and a number-near-keyword regex (the
largest number, in digits or words, at most three words before a killed/injured keyword).

GVDB's span annotation (`dev.json`, matched to the TSV articles by text) labels no casualty
counts, so precision and recall of figure spans cannot be measured against it; what it
does label are numbers that are NOT casualty figures (victim and shooter ages, shots fired,
clock times). The benchmark reports how many exported figure spans overlap one of those:
each is a number wrongly taken as a count (0 is the target).

Run from the repository root:
`.venv/bin/python bench/gvdb.py [--tsv FILE] [--json FILE] [--limit N] [--errors]`.
The last line is for machines: `gvdb: killed_acc=... injured_acc=... ...`.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "eval" / "gvdb"
METRICS = ("killed", "injured")
NON_FIGURE_LABELS = {"VIC-AGE", "SHO-AGE", "CIR-NUM-SHOTS", "DAT-CLOCK"}
NUMBER = (
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
)
KEYWORDS = {
    "killed": r"killed|dead|died|deaths|fatalities|slain",
    "injured": r"injured|wounded|hurt|hospitalized|injuries",
}


@dataclass
class Article:
    """One TSV row: its text and gold counts."""

    key: str
    text: str
    gold: dict[str, int]
    non_figures: list[tuple[int, int]] = field(default_factory=list)
    annotated: bool = False  # a dev.json entry was matched to it


def gold_counts(record: dict[str, Any]) -> dict[str, int]:
    """Killed and injured victims, counted the documented way."""
    killed = injured = 0
    for victim in record.get("victim-section") or []:
        outcome = victim.get("victim-was") or []
        if "killed" in outcome:
            killed += 1
        elif "injured" in outcome or "hospitalized" in outcome:
            injured += 1
    return {"killed": killed, "injured": injured}


def read_tsv(path: Path, limit: int | None) -> list[Article]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for row in rows[:limit] if limit else rows:
        record = json.loads(row["Json"]) if row.get("Json") else {}
        out.append(Article(row["Article id"], row["Full text"], gold_counts(record)))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def token_offsets(text: str, tokens: list[str]) -> list[tuple[int, int]] | None:
    """Character offsets of each token in the text (tokens in order). A token the
    annotation added (a full stop after a title) gets an empty span; None when more
    than a few are missing."""
    out, pos, missing = [], 0, 0
    for tok in tokens:
        at = text.find(tok, pos)
        if at < 0 or at - pos > 20:
            missing += 1
            out.append((pos, pos))
            continue
        out.append((at, at + len(tok)))
        pos = at + len(tok)
    return out if missing <= max(3, len(tokens) // 20) else None


def attach_spans(articles: list[Article], json_path: Path) -> int:
    """Annotated non-figure numbers of dev.json, as character spans of the TSV texts."""
    if not json_path.is_file():
        return 0
    by_prefix = {_squash(a.text)[:200]: a for a in articles}
    matched = 0
    with json_path.open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            tokens = [t for sent in entry["full_text"] for t in sent]
            article = by_prefix.get(_squash("".join(tokens))[:200])
            offsets = token_offsets(article.text, tokens) if article else None
            if article is None or offsets is None:
                continue
            matched += 1
            article.annotated = True
            for start, end, label, *_ in entry["spans"]:
                if label in NON_FIGURE_LABELS:
                    article.non_figures.append((offsets[start][0], offsets[end - 1][1]))
    return matched


def counts_a_non_figure(article: Article, fig: Any) -> bool:
    """The figure's value is the number of an annotated age, shot count or clock time
    inside its span ('killed at 23' read as 23 killed)."""
    for s, e in article.non_figures:
        if s < fig.end and fig.start < e:
            numbers = re.findall(r"\d+", article.text[s:e])
            if fig.value is not None and str(fig.value) in numbers:
                return True
    return False


def regex_counts(text: str) -> dict[str, int]:
    """Largest number at most three words before a metric keyword."""
    from parallax.numbers import parse_number

    out = {}
    for metric, words in KEYWORDS.items():
        pattern = rf"\b({NUMBER})\b(?:\W+\w+){{0,3}}?\W+(?:{words})\b"
        values = [parse_number(m.group(1)) for m in re.finditer(pattern, text, re.I)]
        out[metric] = int(max((v for v in values if v is not None), default=0))
    return out


def parallax_figures(articles: list[Article], batch: int) -> list[list[Any]]:
    """Parallax's figures for each article, by the path `parallax analyze` takes."""
    from parallax.models import InputError, RawDocument
    from parallax.nlp import get_pipeline
    from parallax.pipeline import analyze_batch

    nlp = get_pipeline()
    raws = [RawDocument(f"gvdb-{a.key}", a.text, f"gvdb:{a.key}", "text") for a in articles]
    out: list[list[Any]] = []
    for i in range(0, len(raws), batch):
        for rec in analyze_batch(nlp, raws[i : i + batch]):
            out.append([] if isinstance(rec, InputError) else rec.figures)
    return out


def predicted(figures: list[Any]) -> dict[str, int]:
    """Largest exported figure of each metric (0 when none)."""
    return {
        m: max((f.value for f in figures if f.metric == m and f.value is not None), default=0)
        for m in METRICS
    }


def error_kinds(pairs: list[tuple[int, int]]) -> dict[str, int]:
    """Miscounts by kind: a count where gold has none, none where gold has one, too
    many, too few."""
    kinds = {"spurious": 0, "missed": 0, "over": 0, "under": 0}
    for pred, gold in pairs:
        if pred != gold:
            kind = "spurious" if gold == 0 else "missed" if pred == 0 else None
            kinds[kind or ("over" if pred > gold else "under")] += 1
    return kinds


def accuracy(pairs: list[tuple[int, int]]) -> float:
    return sum(p == g for p, g in pairs) / len(pairs) if pairs else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", type=Path, default=DEFAULT_DIR / "dev.tsv")
    ap.add_argument("--json", type=Path, default=None, help="span annotation (dev.json)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--errors", action="store_true", help="list the articles miscounted")
    args = ap.parse_args(argv)
    if not args.tsv.is_file():
        print(f"gvdb: skipped, no data at {args.tsv}")
        return 0
    articles = read_tsv(args.tsv, args.limit)
    json_path = args.json or args.tsv.with_suffix(".json")
    matched = attach_spans(articles, json_path)
    t0 = time.perf_counter()
    figures = parallax_figures(articles, args.batch)
    seconds = time.perf_counter() - t0
    systems = {
        "zero": [dict.fromkeys(METRICS, 0) for _ in articles],
        "regex": [regex_counts(a.text) for a in articles],
        "parallax": [predicted(f) for f in figures],
    }
    print(f"GVDB: {len(articles)} articles from {args.tsv} ({seconds:.1f}s for Parallax)")
    print(f"{'system':10} {'killed_acc':>10} {'injured_acc':>11}")
    acc: dict[str, dict[str, float]] = {}
    for name, preds in systems.items():
        acc[name] = {
            m: accuracy([(p[m], a.gold[m]) for p, a in zip(preds, articles, strict=True)])
            for m in METRICS
        }
        print(f"{name:10} {acc[name]['killed']:10.3f} {acc[name]['injured']:11.3f}")
    for metric in METRICS:
        preds = systems["parallax"]
        pairs = [(p[metric], a.gold[metric]) for p, a in zip(preds, articles, strict=True)]
        kinds = ", ".join(f"{k} {v}" for k, v in error_kinds(pairs).items())
        print(f"{metric} errors: {kinds}")
    exported = sum(len(fs) for fs in figures)
    annotated = [(a, fs) for a, fs in zip(articles, figures, strict=True) if a.annotated]
    in_annotated = sum(len(fs) for _, fs in annotated)
    wrong = sum(1 for a, fs in annotated for f in fs if counts_a_non_figure(a, f))
    print(
        f"figure spans: {exported} exported; dev.json labels no casualty-count spans, so "
        f"span precision/recall is n/a; {matched} articles matched to it, {in_annotated} "
        f"figures there, {wrong} whose value is an annotated age, shot count or clock time"
    )
    if args.errors:
        for a, p, fs in zip(articles, systems["parallax"], figures, strict=True):
            if p != a.gold:
                print(f"- {a.key}: gold {a.gold} predicted {p}: {[f.text for f in fs]}")
    print(
        f"gvdb: killed_acc={acc['parallax']['killed']:.3f} "
        f"injured_acc={acc['parallax']['injured']:.3f} "
        f"zero_killed_acc={acc['zero']['killed']:.3f} zero_injured_acc={acc['zero']['injured']:.3f} "
        f"regex_killed_acc={acc['regex']['killed']:.3f} "
        f"regex_injured_acc={acc['regex']['injured']:.3f} "
        f"nonfigure_overlaps={wrong} docs={len(articles)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
