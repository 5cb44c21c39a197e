"""TempEval-3 time expressions: Parallax's tagger beside a dateparser baseline.

Each `.tml` document's TEXT is fed to Parallax (spaCy pipeline with the times component,
then the record step that resolves relative expressions) with its creation time (DCT) as
the publication date; its time expressions are compared with the gold TIMEX3 spans (the
DCT itself sits in the header and is not counted). The figures follow the official
TempEval-3 entity scorer (`evaluation-entities/evaluate_entities.py`):

- relaxed match: a system and a gold expression overlap; strict match: same extent;
- precision = matched system expressions / system expressions, recall = matched gold
  expressions / gold expressions, F1 their harmonic mean (strict and relaxed);
- value accuracy = gold expressions whose overlapping system expression has the same
  value / relaxed-matched gold expressions; value F1 = value accuracy x relaxed F1.

The baseline is `dateparser.search.search_dates` anchored on the DCT (values as days).

Run from the repository root:
`.venv/bin/python bench/tempeval.py [--dir DIR ...] [--limit N] [--errors K]`; DIR may be
a folder of `.tml` files or a parent of such folders (default: TimeBank and AQUAINT in
`../shared/eval/tempeval3`). The last line is `tempeval: extent_f1_relaxed=... value_f1=...`.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import html
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO_ROOT.parent / "shared" / "eval" / "tempeval3"
DEFAULT_DIRS = [DEFAULT_ROOT / "TimeBank", DEFAULT_ROOT / "AQUAINT"]
TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Span:
    start: int
    end: int
    text: str
    value: str | None


@dataclass
class GoldDoc:
    name: str
    text: str
    dct: dt.date
    timexes: list[Span]


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    strict_recall: int = 0
    relaxed_recall: int = 0
    strict_precision: int = 0
    relaxed_precision: int = 0
    value_match: int = 0
    seconds: float = 0.0
    docs: int = 0


def parse_tml(path: Path) -> GoldDoc | None:
    """Text of the TEXT element (tags removed, entities unescaped) and its TIMEX3 spans."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    dct_m = re.search(r'<DCT>\s*<TIMEX3[^>]*value="(\d{4}-\d{2}-\d{2})', raw)
    body_m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    if not dct_m or not body_m:
        return None
    body = body_m.group(1)
    out: list[str] = []
    pos, length = 0, 0
    timexes: list[Span] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    for m in TAG.finditer(body):
        chunk = html.unescape(body[pos : m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name = m.group(1), m.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(ATTR.findall(m.group(3))))
        elif open_timex:
            start, attrs = open_timex
            timexes.append(Span(start, length, "", attrs.get("value")))
            open_timex = None
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    for t in timexes:
        t.text = text[t.start : t.end]
    return GoldDoc(path.stem, text, dt.date.fromisoformat(dct_m.group(1)), timexes)


def tml_files(dirs: list[Path]) -> list[Path]:
    """`.tml` files in each folder, or in its sub-folders when it holds none itself."""
    files: list[Path] = []
    for d in dirs:
        own = sorted(d.glob("*.tml"))
        files.extend(own or sorted(d.glob("*/*.tml")))
    return files


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _norm(text: str) -> str:
    return " ".join(text.split())


def score(gold: list[Span], system: list[Span], counts: Counts) -> None:
    """Add one document's matches to the counts (official scorer's definitions)."""
    counts.gold += len(gold)
    counts.system += len(system)
    for g in gold:
        hits = [s for s in system if _overlaps(g, s)]
        if not hits:
            continue
        s = next((h for h in hits if (h.start, h.end) == (g.start, g.end)), hits[0])
        counts.relaxed_recall += 1
        if _norm(s.text) == _norm(g.text):
            counts.strict_recall += 1
        if s.value == g.value:
            counts.value_match += 1
    for s in system:
        hits = [g for g in gold if _overlaps(g, s)]
        if not hits:
            continue
        counts.relaxed_precision += 1
        if any(_norm(g.text) == _norm(s.text) for g in hits):
            counts.strict_precision += 1


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def figures(c: Counts) -> dict[str, float]:
    sp = c.strict_precision / c.system if c.system else 0.0
    rp = c.relaxed_precision / c.system if c.system else 0.0
    sr = c.strict_recall / c.gold if c.gold else 0.0
    rr = c.relaxed_recall / c.gold if c.gold else 0.0
    acc = c.value_match / c.relaxed_recall if c.relaxed_recall else 0.0
    rf = _f1(rp, rr)
    return {
        "strict_p": sp,
        "strict_r": sr,
        "strict_f1": _f1(sp, sr),
        "relaxed_p": rp,
        "relaxed_r": rr,
        "relaxed_f1": rf,
        "value_acc": acc,
        "value_f1": acc * rf,
        "docs_per_s": c.docs / c.seconds if c.seconds else 0.0,
    }


# -- the two taggers ------------------------------------------------------------


DOC_DATES: Counter[str] = Counter()  # document dates inferred with the DCT withheld


def _date_outcome(inferred: str | None, dct: str | None) -> str:
    """exact | within a week | further | unknown."""
    if inferred is None or dct is None:
        return "unknown"
    days = abs((dt.date.fromisoformat(inferred) - dt.date.fromisoformat(dct)).days)
    return "exact" if days == 0 else ("within a week" if days <= 7 else "further")


def parallax_tagger() -> Callable[[list[GoldDoc]], list[list[Span]]]:
    """Parallax's pipeline (times component only) and its record step, per document."""
    from parallax.models import RawDocument
    from parallax.nlp import get_pipeline
    from parallax.pipeline import record_from_doc

    nlp = get_pipeline()
    off = [
        n for n in ("parallax_quotes", "parallax_figures", "parallax_events") if n in nlp.pipe_names
    ]

    def tag(docs: list[GoldDoc]) -> list[list[Span]]:
        raws = [
            RawDocument(d.name, d.text, d.name, "text", published=d.dct.isoformat()) for d in docs
        ]
        with nlp.select_pipes(disable=off):
            parsed = list(nlp.pipe([r.text for r in raws], batch_size=16))
        out = []
        DOC_DATES.clear()
        for raw, doc in zip(raws, parsed, strict=True):
            unresolved = copy.deepcopy(doc._.times)
            rec = record_from_doc(raw, doc)
            out.append([Span(t.start, t.end, t.text, t.value) for t in rec.times])
            doc._.times = unresolved  # the same text again, its DCT withheld
            blind = record_from_doc(RawDocument(raw.name, raw.text, raw.source, "text"), doc)
            DOC_DATES[_date_outcome(blind.published, raw.published)] += 1
        return out

    return tag


def dateparser_tagger() -> Callable[[list[GoldDoc]], list[list[Span]]]:
    """dateparser's search_dates relative to the DCT, each hit's value as a day."""
    from dateparser.search import search_dates

    def tag_one(d: GoldDoc) -> list[Span]:
        base = dt.datetime.combine(d.dct, dt.time(12))
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
        found = search_dates(d.text, languages=["en"], settings=settings) or []  # type: ignore[arg-type]
        spans, pos = [], 0
        for sub, when in found:
            i = d.text.find(sub, pos)
            if i < 0:
                continue
            spans.append(Span(i, i + len(sub), sub, when.date().isoformat()))
            pos = i + len(sub)
        return spans

    return lambda docs: [tag_one(d) for d in docs]


def run(
    tagger: Callable[[list[GoldDoc]], list[list[Span]]], docs: list[GoldDoc]
) -> tuple[Counts, list[list[Span]]]:
    """The tagger's counts over the documents, and its expressions per document."""
    counts = Counts(docs=len(docs))
    t0 = time.perf_counter()
    results = tagger(docs)
    counts.seconds = time.perf_counter() - t0
    for d, spans in zip(docs, results, strict=True):
        score(d.timexes, spans, counts)
    return counts, results


def show_errors(docs: list[GoldDoc], results: list[list[Span]], k: int) -> None:
    """The most frequent missed, spurious and wrongly valued expressions (lower-cased)."""
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for d, spans in zip(docs, results, strict=True):
        for g in d.timexes:
            hits = [s for s in spans if _overlaps(g, s)]
            if not hits:
                missed[f"{_norm(g.text).lower()} [{g.value}]"] += 1
            elif hits[0].value != g.value:
                wrong[
                    f"{_norm(g.text).lower()} | {_norm(hits[0].text).lower()}: {g.value} != {hits[0].value}"
                ] += 1
        for s in spans:
            if not any(_overlaps(g, s) for g in d.timexes):
                spurious[_norm(s.text).lower()] += 1
    for title, c in (("missed", missed), ("spurious", spurious), ("wrong value", wrong)):
        print(f"\n{title} ({sum(c.values())}):")
        for text, n in c.most_common(k):
            print(f"  {n:3d}  {text}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", action="append", type=Path, help="folder of .tml files (repeatable)")
    ap.add_argument("--limit", type=int, default=0, help="at most N documents (0: all)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the dateparser baseline")
    ap.add_argument("--errors", type=int, default=0, help="list the K commonest errors")
    args = ap.parse_args(argv)
    dirs = args.dir or DEFAULT_DIRS
    files = tml_files([d for d in dirs if d.is_dir()])
    if not files:
        print(f"tempeval: no .tml files under {', '.join(map(str, dirs))}; skipped (data absent)")
        return 0
    docs = [d for d in map(parse_tml, files) if d is not None]
    if args.limit:
        docs = docs[: args.limit]
    counts, spans = run(parallax_tagger(), docs)
    if args.errors:
        show_errors(docs, spans, args.errors)
    rows = {"parallax": figures(counts)}
    if not args.no_baseline:
        rows["dateparser"] = figures(run(dateparser_tagger(), docs)[0])
    gold = sum(len(d.timexes) for d in docs)
    print(f"TempEval-3: {len(docs)} documents, {gold} gold time expressions (DCT excluded)")
    keys = list(next(iter(rows.values())))
    print(f"{'':12s}" + "".join(f"{k:>11s}" for k in keys))
    for name, fig in rows.items():
        print(f"{name:12s}" + "".join(f"{fig[k]:11.3f}" for k in keys))
    outcomes = ", ".join(
        f"{k} {DOC_DATES[k]}" for k in ("exact", "within a week", "further", "unknown")
    )
    print(f"document date inferred with the DCT withheld: {outcomes}")
    p = rows["parallax"]
    print(
        f"tempeval: extent_f1_relaxed={p['relaxed_f1']:.3f} value_f1={p['value_f1']:.3f} "
        f"extent_f1_strict={p['strict_f1']:.3f} value_acc={p['value_acc']:.3f} "
        f"docs_per_s={p['docs_per_s']:.1f} docs={len(docs)} gold={gold} "
        f"docdate_exact={DOC_DATES['exact']} docdate_unknown={DOC_DATES['unknown']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
