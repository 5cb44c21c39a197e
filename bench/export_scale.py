"""Exports of a large database: `parallax export DB --format json|html|md` at N reports.

Running the NLP on 20,000 reports takes hours, so the database is made cheaply: about 200
real news texts (from ../shared/eval, as `bench/scale.py` reads them) are analysed once and
cross-checked (`parallax analyze`), then the stored reports are replicated in SQLite up to N
with distinct names and content hashes (plain `INSERT ... SELECT` on the documents and item
tables), and the stored cross-document record is replicated with them: each copy of the
~200 reports gets a copy of the record's rows with its report names and its entity and
event ids renamed (the cross-check itself, pairwise in places, is not what this measures
and would not finish at 20,000 on a small machine). The database at N thus holds N reports
and about N/200 times the record of 200: what an export of N reports has to write.

Each export then runs in a fresh process (`parallax export DB --format F -o FILE`), timed
with the peak memory of that process (resource maxrss of the child). Run from the
repository root:

    .venv/bin/python bench/export_scale.py [--n 5000 20000] [--base 200] [--work DIR]
        [--parallax CMD] [--timeout SECONDS] [--keep]

`--parallax` names the `parallax` executable to time (default: this venv's), so that
another checkout's export can be timed on the same databases (before / after). The
databases are kept under --work (default: a folder in the system's temporary directory)
and reused. The last line is for machines:

    export_scale: n=20000 json_s=... html_s=... md_s=... json_mb=... peak_mb=...
        json_cpu_s=... html_cpu_s=... md_cpu_s=...

(one line, for the last N; a line per N above it, and per format the ratio of the times
and of the CPU times between the first and the last N, 4.0 for linear from 5,000 to
20,000; `peak_mb` is the largest of the three exports'). Without ../shared/eval it says so
and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from parallax.store import RESULT_TABLES

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL = REPO_ROOT.parent / "shared" / "eval"
FORMATS = ("json", "html", "md")
ITEM_TABLES = ("quotes", "figures", "times", "mentions", "event_mentions")
RECORD_TABLES = tuple(RESULT_TABLES)
DEFAULT_NS = (5000, 20000)
TIMEOUT_S = 600  # seconds: an export slower than this is reported as such (`--timeout`)


def build_base(work: Path, count: int, parallax: str) -> Path:
    """The database of `count` analysed real reports (made once, kept under `work`)."""
    db = work / f"base_{count}.db"
    if db.is_file():
        return db
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    from scale import base_texts

    texts = base_texts(EVAL)[:count]
    folder = work / f"base_{count}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"r{i:04d}.txt").write_text(text, encoding="utf-8")
    part = work / f"base_{count}.part.db"
    part.unlink(missing_ok=True)
    cmd = [parallax, "analyze", str(folder), "--db", str(part), "--quiet"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    part.rename(db)
    return db


def _renamer(mapping: dict[str, str]) -> Any:
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return mapping.get(value, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk


def replicate(base: Path, n: int, work: Path) -> Path:
    """A database of `n` reports: the base's reports and record copied until n (copy k of
    a report named NAME is NAME~k, with its own content hash)."""
    db = work / f"export_{n}.db"
    if db.is_file():
        return db
    part = work / f"export_{n}.part.db"
    shutil.copyfile(base, part)
    conn = sqlite3.connect(part)
    docs = conn.execute("SELECT id, name FROM documents ORDER BY id").fetchall()
    cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)") if r[1] != "id"]
    item_cols = {
        t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in ("id", "doc_id")]
        for t in ITEM_TABLES
    }
    rows = {t: [json.loads(r[0]) for r in conn.execute(
        f"SELECT data FROM result_{t} ORDER BY position")] for t in RECORD_TABLES}  # fmt: skip
    ids = {str(x["id"]) for t in ("entities", "events") for x in rows[t] if x.get("id")}
    names = {str(name) for _, name in docs}
    next_pos = {t: len(rows[t]) for t in RECORD_TABLES}
    copies = -(-n // len(docs))
    with conn:
        for k in range(1, copies):
            take = docs[: min(len(docs), n - k * len(docs))]
            if not take:
                break
            last = take[-1][0]
            select = ", ".join(
                f"name || '~{k}'" if c == "name" else f"sha256 || '~{k}'" if c == "sha256" else c
                for c in cols
            )
            conn.execute(
                f"INSERT INTO documents ({', '.join(cols)}) SELECT {select} FROM documents "
                f"WHERE id <= ? AND name NOT LIKE '%~%' ORDER BY id",
                (last,),
            )
            new_ids = dict(conn.execute(
                f"SELECT d.id, c.id FROM documents d JOIN documents c ON c.name = d.name || '~{k}' "
                "WHERE d.id <= ?", (last,)).fetchall())  # fmt: skip
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS idmap (old INTEGER, new INTEGER)")
            conn.execute("DELETE FROM idmap")
            conn.executemany("INSERT INTO idmap VALUES (?, ?)", new_ids.items())
            for table, tcols in item_cols.items():
                quoted = ", ".join(f'"{c}"' for c in tcols)
                picked = ", ".join(f'i."{c}"' for c in tcols)
                conn.execute(
                    f"INSERT INTO {table} (doc_id, {quoted}) SELECT m.new, {picked} "
                    f"FROM {table} i JOIN idmap m ON m.old = i.doc_id ORDER BY i.id"
                )
            kept = {str(name) for _, name in take}
            mapping = {name: f"{name}~{k}" for name in names}
            mapping.update({i: f"{i}~{k}" for i in ids})
            walk = _renamer(mapping)
            for table in RECORD_TABLES:
                out = []
                for row in rows[table]:
                    told = _documents_of(row)
                    if told and not told <= kept:
                        continue  # the record of reports left out at this N
                    out.append((next_pos[table], json.dumps(walk(row), ensure_ascii=False)))
                    next_pos[table] += 1
                conn.executemany(f"INSERT INTO result_{table} (position, data) VALUES (?, ?)", out)
    conn.close()
    if n < len(docs):
        raise SystemExit(f"export_scale: n={n} is below the {len(docs)} base reports")
    part.rename(db)
    return db


def _documents_of(row: Any) -> set[str]:
    """The report names a record row refers to (its `document(s)` fields, nested)."""
    found: set[str] = set()
    if isinstance(row, dict):
        for key, value in row.items():
            if key == "document" and isinstance(value, str):
                found.add(value)
            elif key == "documents" and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            else:
                found |= _documents_of(value)
    elif isinstance(row, list):
        for value in row:
            found |= _documents_of(value)
    return found


def time_export(
    parallax: str, db: Path, fmt: str, out: Path, timeout: int = TIMEOUT_S
) -> dict[str, Any]:
    """One export in a fresh process: seconds, the output's size, the child's peak memory."""
    cmd = [sys.executable, __file__, "--child", parallax, str(db), fmt, str(out), str(timeout)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        return {"s": None, "cpu_s": None, "mb": None, "peak_mb": None}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def child(parallax: str, db: str, fmt: str, out: str, timeout: str) -> None:
    """Run the export as a child and report on it (maxrss of that child alone)."""
    cmd = [parallax, "export", db, "--format", fmt, "-o", out]
    t = time.perf_counter()
    try:
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL, timeout=int(timeout))
    except subprocess.TimeoutExpired:
        print(json.dumps({"s": None, "cpu_s": None, "mb": None, "peak_mb": None}))
        return
    seconds = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    size = os.path.getsize(out) / 1e6
    print(json.dumps({"s": round(seconds, 2), "cpu_s": round(cpu, 2), "mb": round(size, 1),
                      "peak_mb": round(usage.ru_maxrss / 1024)}))  # fmt: skip


def _fmt(value: Any) -> str:
    return "nan" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=list(DEFAULT_NS))
    ap.add_argument("--base", type=int, default=200, help="real reports analysed (default 200)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "export_scale")
    ap.add_argument("--parallax", default=str(Path(sys.executable).parent / "parallax"))
    ap.add_argument("--keep", action="store_true", help="keep the exports under --work")
    ap.add_argument("--timeout", type=int, default=TIMEOUT_S, help="seconds per export")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if not EVAL.is_dir():
        print(f"export_scale: skipped, no {EVAL}")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    base = build_base(args.work, args.base, args.parallax)
    results = []
    for n in args.n:
        db = replicate(base, n, args.work)
        row: dict[str, Any] = {"n": n}
        for fmt in FORMATS:
            out = args.work / f"export_{n}.{fmt}"
            got = time_export(args.parallax, db, fmt, out, args.timeout)
            row[f"{fmt}_s"], row[f"{fmt}_mb"] = got["s"], got["mb"]
            row[f"{fmt}_peak_mb"], row[f"{fmt}_cpu_s"] = got["peak_mb"], got["cpu_s"]
            if not args.keep:
                out.unlink(missing_ok=True)
            print(
                f"  n={n} {fmt}: {_fmt(got['s'])} s ({_fmt(got['cpu_s'])} s CPU), "
                f"{_fmt(got['mb'])} MB written, "
                f"peak {_fmt(got['peak_mb'])} MB",
                flush=True,
            )
        results.append(row)
    first, last = results[0], results[-1]
    if len(results) > 1:
        for fmt in FORMATS:
            ratios = []
            for key in ("s", "cpu_s"):
                a, b = first[f"{fmt}_{key}"], last[f"{fmt}_{key}"]
                ratios.append(_fmt(round(b / a, 2) if a and b else None))
            print(
                f"  {fmt}: n {first['n']} -> {last['n']} ({last['n'] / first['n']:g} times the "
                f"reports): {ratios[0]} times the time, {ratios[1]} times the CPU time"
            )
    for row in results:
        peaks = [row[f"{f}_peak_mb"] for f in FORMATS if row[f"{f}_peak_mb"] is not None]
        print(
            f"export_scale: n={row['n']} json_s={_fmt(row['json_s'])} "
            f"html_s={_fmt(row['html_s'])} md_s={_fmt(row['md_s'])} "
            f"json_mb={_fmt(row['json_mb'])} peak_mb={_fmt(max(peaks) if peaks else None)} "
            f"json_cpu_s={_fmt(row['json_cpu_s'])} html_cpu_s={_fmt(row['html_cpu_s'])} "
            f"md_cpu_s={_fmt(row['md_cpu_s'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
