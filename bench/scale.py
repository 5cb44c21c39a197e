"""Parallax at scale: the whole `analyze` run on corpora of N reports, beside bare spaCy.

For each N (default 1,000 and 5,000; `--n` to choose, 20,000 allowed) it builds a corpus of
N report files from the texts of ../shared/eval (PolNeAR, GVDB, ECB+), each text repeated
with small edits (an update line, a retitled headline) so no two reports are identical,
plus syndicated copies (about 1 in 10: another report's text with a wire credit line). It
then times, each in a fresh Python process (imports before the clock):

- the whole run, `parallax.analyze.run_analysis` into a fresh SQLite database with default
  settings (one worker per core): documents/s and words/s, the cross-document share of the
  time (`relink`: linking, reconciliation and storing the record), and peak memory
  (`resource.getrusage` maxrss of the process plus that of its largest child);
- adding 10 new reports to the database of N (a second `run_analysis`, cross-check included),
  then the same 10 again (a third run that adds nothing: no cross-check, `readd_s`);
- adding 10 other new reports to a copy of that database in a new process, as a
  `parallax analyze` of new reports runs (`add10_new_process_s`; the copy is read through
  once first, as a database in use is in the page cache);
- bare spaCy, `nlp.pipe(texts, n_process=2, batch_size=BATCH_SIZE)` on the same texts, the
  batch size Parallax's workers use, model loading left out;
- with `--ray`, the per-report stage alone on a local Ray (`--ray-n` reports, default 200)
  with 1 then 2 workers, and the scaling efficiency (time with 1 / time with 2 / 2).

Run from the repository root: `.venv/bin/python bench/scale.py [--n 1000 5000] [--ray]`.
The last line is for machines:

    scale: n=1000 words_per_s=... ratio_to_spacy=... crossdoc_share=... add10_s=... peak_mb=...

(for the last N; a line per N above it). Without ../shared/eval it says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL = REPO_ROOT.parent / "shared" / "eval"
DEFAULT_NS = (1000, 5000)
SYNDICATED_EVERY = 10  # one report in ten is a syndicated copy of an earlier one
ADDED = 10
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "charset_normalizer")
# Invented lines an editor adds to a running story (names and places are fictional).
UPDATES = [
    "This story has been updated with a statement from the Dornik regional office.",
    "An earlier version of this report misspelled the name of a Velgrad official.",
    "Additional reporting by the Ostravia desk.",
    "The regional office did not respond to a request for comment.",
    "Officials in Velgrad said they would give more details later in the day.",
    "Updated to add background on the Valdoria talks.",
]
OUTLETS = ["Northwire", "Harbour Press Agency", "Meridian Wire", "Lakeside Syndicate"]


# ----------------------------------------------------------------------------- corpus


def base_texts(root: Path) -> list[str]:
    """Real news texts, interleaved from the sources found under `root`."""
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    sources: list[list[str]] = []
    polnear = sorted((root / "polnear" / "data").glob("*/text/*.txt"))
    if polnear:
        sources.append([p.read_text("utf-8", errors="replace") for p in polnear])
    gvdb = root / "gvdb" / "dev.tsv"
    if gvdb.is_file():
        csv.field_size_limit(sys.maxsize)
        with gvdb.open(encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            sources.append([r["Full text"] for r in rows if r.get("Full text")])
    ecb = root / "ecbplus" / "ECB+"
    if ecb.is_dir():
        from ecbplus import read_topics  # bench/ecbplus.py: tokens back to text

        sources.append([d.text for docs in read_topics(ecb, None).values() for d in docs])
    texts: list[str] = []
    seen: set[str] = set()
    for group in _interleave(sources):
        if len(group.split()) >= 40 and group not in seen:  # a report, not a caption
            seen.add(group)
            texts.append(group)
    return texts


def _interleave(sources: list[list[str]]) -> list[str]:
    out = []
    for i in range(max((len(s) for s in sources), default=0)):
        out.extend(s[i] for s in sources if i < len(s))
    return out


def edited(text: str, copy: int, rng: random.Random) -> str:
    """Copy `copy` of a text: the first untouched, later ones retitled with an update line
    inserted between two paragraphs (or at the end)."""
    if copy == 0:
        return text
    lines = text.split("\n")
    lines[0] = f"Update {copy}: {lines[0]}"
    at = rng.randrange(1, len(lines) + 1)
    lines.insert(at, rng.choice(UPDATES) + f" (edition {copy})")
    return "\n".join(lines)


def build_corpus(texts: list[str], n: int, seed: int = 14) -> tuple[list[str], list[str]]:
    """N reports and ADDED more, all distinct: texts repeated with edits, and syndicated
    copies (an earlier report with a wire credit line)."""
    rng = random.Random(seed)
    reports: list[str] = []
    made = 0
    while len(reports) < n + ADDED:
        if reports and len(reports) % SYNDICATED_EVERY == SYNDICATED_EVERY - 1:
            original = reports[rng.randrange(len(reports))]
            outlet = OUTLETS[len(reports) % len(OUTLETS)]
            reports.append(f"{original}\n\nDistributed by {outlet} ({len(reports)}).\n")
            continue
        reports.append(edited(texts[made % len(texts)], made // len(texts), rng))
        made += 1
    return reports[:n], reports[n:]


def write_corpus(reports: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(reports):
        (folder / f"report_{i:06d}.txt").write_text(text, encoding="utf-8")


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


# ----------------------------------------------------------------------------- measured runs


def peak_mb() -> float:
    """maxrss of this process plus that of its largest finished child, in MB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (me + children) / 1024


def timed_relink() -> list[float]:
    """Quiet the chatty loggers and time each cross-document stage (`analyze.relink`)
    of this process: the list it returns gets each one's seconds."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    import parallax.analyze as analyze_mod

    relink_s: list[float] = []
    relink = analyze_mod.relink

    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return relink(*args, **kwargs)
        finally:
            relink_s.append(time.perf_counter() - t)

    analyze_mod.relink = timed  # type: ignore[assignment]
    return relink_s


def run_parallax(corpus: Path, extra: Path, db: Path) -> dict[str, Any]:
    """In a fresh process: the whole run into a new database `db`, then adding ADDED
    reports."""
    import parallax.analyze as analyze_mod
    from parallax.pipeline import Settings
    from parallax.store import Store

    relink_s = timed_relink()
    settings = Settings()
    with Store(db) as store:
        t = time.perf_counter()
        summary = analyze_mod.run_analysis([str(corpus)], store, settings)
        whole_s = time.perf_counter() - t
        peak = peak_mb()
        t = time.perf_counter()
        more = analyze_mod.run_analysis([str(extra)], store, settings)
        add_s = time.perf_counter() - t
        t = time.perf_counter()  # the same reports again: nothing new, no cross-check
        again = analyze_mod.run_analysis([str(extra)], store, settings)
        readd_s = time.perf_counter() - t
        return {
            "docs": len(summary.added),
            "skipped": len(summary.skipped),
            "failed": len(summary.failed),
            "whole_s": whole_s,
            "crossdoc_s": relink_s[0],
            "add10_s": add_s,
            "add10_crossdoc_s": relink_s[1],
            "added": len(more.added),
            "readd_s": readd_s,
            "readd_rechecked": again.rechecked,
            "peak_mb": max(peak, peak_mb()),
            "events": store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
            "blocks": len(store.blocked()),
        }


def run_add(db: Path, more: Path) -> dict[str, Any]:
    """In a fresh process: the reports of `more` added to a copy of `db`, cross-check
    included."""
    import sqlite3

    import parallax.analyze as analyze_mod
    from parallax.pipeline import Settings
    from parallax.store import Store

    relink_s = timed_relink()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "more.db"
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        with copy.open("rb") as f:
            while f.read(1 << 24):
                pass
        with Store(copy) as store:
            t = time.perf_counter()
            summary = analyze_mod.run_analysis([str(more)], store, Settings())
            took = time.perf_counter() - t
    return {"add10_new_process_s": took, "add10_new_process_crossdoc_s": relink_s[0],
            "added_new_process": len(summary.added)}  # fmt: skip


def run_recheck(db: Path, upto: int) -> dict[str, Any]:
    """In a fresh process: the cross-document stage over the first `upto` reports of a
    copy of `db`, as the whole run computes it (their block keys, text features, blocks and
    record computed anew)."""
    import sqlite3

    import parallax.analyze as analyze_mod
    from parallax.pipeline import Settings
    from parallax.store import RESULT_TABLES, Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "part.db"
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        with sqlite3.connect(copy) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("DELETE FROM documents WHERE id > ?", (upto,))
            # the reports' text features too: the whole run computes them (a later check
            # of a block reads them)
            cleared = ("doc_blocks", "block_keys", "doc_features")
            for table in (*cleared, *(f"result_{t}" for t in RESULT_TABLES)):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM meta WHERE key = 'record_covers'")
        with Store(copy) as store:
            docs = store.count()
            t = time.perf_counter()
            blocks = analyze_mod.relink(store, Settings())
            took = time.perf_counter() - t
    return {"upto": upto, "docs": docs, "crossdoc_s": took, "blocks": blocks, "peak_mb": peak_mb()}


def run_spacy(corpus: Path, limit: int | None = None) -> dict[str, Any]:
    """In a fresh process: bare spaCy over the same texts (the first `limit`), 2
    processes, Parallax's batch."""
    import spacy

    from parallax.nlp import model_name
    from parallax.pipeline import BATCH_SIZE

    texts = [p.read_text("utf-8") for p in sorted(corpus.glob("*.txt"))[:limit]]
    nlp = spacy.load(model_name())
    t = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=2, batch_size=BATCH_SIZE):
        pass
    took = time.perf_counter() - t
    return {"spacy_s": took, "spacy_words": words(texts), "spacy_docs": len(texts),
            "batch_size": BATCH_SIZE}  # fmt: skip


def run_ray(corpus: Path, limit: int) -> dict[str, Any]:
    """In a fresh process: the per-report stage on a local Ray, 1 then 2 workers."""
    from parallax.distributed import analyze_on_ray, connect
    from parallax.ingest import iter_inputs
    from parallax.models import RawDocument
    from parallax.pipeline import Settings

    files = [str(p) for p in sorted(corpus.glob("*.txt"))[:limit]]
    raws = [r for r in iter_inputs(files) if isinstance(r, RawDocument)]
    connect("local")
    out: dict[str, Any] = {"ray_docs": len(raws)}
    for workers in (1, 2):
        t = time.perf_counter()
        n = sum(1 for _ in analyze_on_ray(raws, Settings(workers=workers)))
        out[f"ray_{workers}_s"] = time.perf_counter() - t
        assert n == len(raws), (n, len(raws))
    out["ray_efficiency"] = out["ray_1_s"] / out["ray_2_s"] / 2
    return out


def child(kind: str, *args: str) -> dict[str, Any]:
    """Run one measured part in a fresh Python process; its JSON line back."""
    cmd = [sys.executable, __file__, "--child", kind, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"scale: the {kind} run failed (exit {done.returncode})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ----------------------------------------------------------------------------- report


def fitted_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(N): 1 is linear, 2 quadratic."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-9)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def measure(n: int, texts: list[str], args: argparse.Namespace) -> dict[str, Any]:
    reports, extra = build_corpus(texts, n)
    _, later = build_corpus(texts, n + ADDED)  # the ADDED reports after those
    with tempfile.TemporaryDirectory(prefix=f"parallax_scale_{n}_") as tmp:
        corpus, more, other = Path(tmp) / "corpus", Path(tmp) / "more", Path(tmp) / "other"
        write_corpus(reports, corpus)
        write_corpus(extra, more)
        write_corpus(later, other)
        keep = args.keep or Path(tmp)
        keep.mkdir(parents=True, exist_ok=True)
        db = keep / f"scale_{n}.db"
        for old in keep.glob(f"scale_{n}.db*"):
            old.unlink()
        row: dict[str, Any] = {"n": n, "words": words(reports)}
        print(f"n={n}: {row['words']} words; parallax ...", file=sys.stderr, flush=True)
        row |= child("parallax", str(corpus), str(more), str(db))
        print(f"n={n}: adding {ADDED} others in a new process ...", file=sys.stderr, flush=True)
        row |= child("add", str(db), str(other))
        row["rechecks"] = []
        for upto in sorted(k for k in args.recheck_at if k < n):
            print(f"n={n}: cross-check of the first {upto} ...", file=sys.stderr, flush=True)
            row["rechecks"].append(child("recheck", str(db), str(upto)))
        limit = args.spacy_limit if args.spacy_limit and args.spacy_limit < n else None
        print(f"n={n}: spacy on {limit or n} reports ...", file=sys.stderr, flush=True)
        row |= child("spacy", str(corpus), str(limit or 0))
        if args.ray:
            print(f"n={n}: ray, 1 then 2 workers ...", file=sys.stderr, flush=True)
            row |= child("ray", str(corpus), str(args.ray_n))
    row["docs_per_s"] = n / row["whole_s"]
    row["words_per_s"] = row["words"] / row["whole_s"]
    row["spacy_words_per_s"] = row["spacy_words"] / row["spacy_s"]
    row["ratio_to_spacy"] = row["words_per_s"] / row["spacy_words_per_s"]
    row["crossdoc_share"] = row["crossdoc_s"] / row["whole_s"]
    return row


def show(row: dict[str, Any]) -> None:
    print(
        f"N={row['n']}: {row['docs']} stored ({row['skipped']} skipped, {row['failed']} failed), "
        f"{row['words']} words, {row['events']} events"
    )
    print(
        f"  whole run {row['whole_s']:.1f} s: {row['docs_per_s']:.1f} docs/s, "
        f"{row['words_per_s']:.0f} words/s; cross-document {row['crossdoc_s']:.1f} s "
        f"({row['crossdoc_share']:.0%}); peak {row['peak_mb']:.0f} MB"
    )
    print(
        f"  adding {ADDED} reports: {row['add10_s']:.1f} s "
        f"(cross-document {row['add10_crossdoc_s']:.1f} s); the same {ADDED} again "
        f"(nothing new): {row['readd_s']:.1f} s, cross-check "
        f"{'run again' if row['readd_rechecked'] else 'not run again'}"
    )
    print(
        f"  adding {ADDED} others to a copy in a new process: "
        f"{row['add10_new_process_s']:.1f} s (cross-document "
        f"{row['add10_new_process_crossdoc_s']:.1f} s)"
    )
    print(
        f"  bare spaCy, n_process=2, batch_size={row['batch_size']}, on {row['spacy_docs']} "
        f"reports: {row['spacy_s']:.1f} s, {row['spacy_words_per_s']:.0f} words/s; Parallax "
        f"at {row['ratio_to_spacy']:.2f} of it"
    )
    for r in row.get("rechecks", []):
        print(
            f"  cross-document stage over the first {r['docs']} reports: "
            f"{r['crossdoc_s']:.1f} s, {r['blocks']} blocks, peak {r['peak_mb']:.0f} MB"
        )
    if "ray_efficiency" in row:
        print(
            f"  Ray, per-report stage on {row['ray_docs']} reports: 1 worker "
            f"{row['ray_1_s']:.1f} s, 2 workers {row['ray_2_s']:.1f} s, "
            f"efficiency {row['ray_efficiency']:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=list(DEFAULT_NS))
    parser.add_argument("--ray", action="store_true", help="also the per-report stage on Ray")
    parser.add_argument("--ray-n", type=int, default=200, help="reports for the Ray runs")
    parser.add_argument("--eval", type=Path, default=EVAL, help="../shared/eval")
    parser.add_argument(
        "--recheck-at",
        type=int,
        nargs="*",
        default=[],
        help="also time the cross-document stage over the first K reports of the largest N",
    )
    parser.add_argument(
        "--spacy-limit",
        type=int,
        default=0,
        help="time bare spaCy on the first K reports only (its words/s do not depend on N)",
    )
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "parallax":
            out = run_parallax(Path(rest[0]), Path(rest[1]), Path(rest[2]))
        elif kind == "add":
            out = run_add(Path(rest[0]), Path(rest[1]))
        elif kind == "recheck":
            out = run_recheck(Path(rest[0]), int(rest[1]))
        elif kind == "spacy":
            out = run_spacy(Path(rest[0]), int(rest[1]) or None)
        else:
            out = run_ray(Path(rest[0]), int(rest[1]))
        print(json.dumps(out))
        return 0
    texts = base_texts(args.eval)
    if not texts:
        print(f"scale: skipped, no texts under {args.eval} (PolNeAR, GVDB, ECB+)")
        return 0
    print(f"{len(texts)} distinct texts from {args.eval}", file=sys.stderr)
    rows = []
    for n in sorted(args.n):
        row = measure(n, texts, args)
        show(row)
        rows.append(row)
    points = [(r["n"], r["crossdoc_s"]) for r in rows]
    points += [(x["docs"], x["crossdoc_s"]) for r in rows for x in r.get("rechecks", [])]
    exponent = fitted_exponent(sorted(set(points)))
    if exponent is not None:
        print(f"cross-document time grows as N^{exponent:.2f} (N log N is about N^1.1)")
    for r in rows:
        line = (
            f"scale: n={r['n']} words_per_s={r['words_per_s']:.0f} "
            f"ratio_to_spacy={r['ratio_to_spacy']:.2f} crossdoc_share={r['crossdoc_share']:.3f} "
            f"add10_s={r['add10_s']:.1f} add10_new_process_s={r['add10_new_process_s']:.1f} "
            f"readd_s={r['readd_s']:.1f} peak_mb={r['peak_mb']:.0f}"
        )
        if "ray_efficiency" in r:
            line += f" ray_efficiency={r['ray_efficiency']:.2f}"
        if exponent is not None and r is rows[-1]:
            line += f" crossdoc_exponent={exponent:.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
