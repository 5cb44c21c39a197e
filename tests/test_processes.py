"""Worker processes and concurrent runs: workers die with their parent, a report that
kills its worker fails alone, and two runs on one database both finish."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from parallax import pipeline
from parallax.models import InputError, RawDocument
from parallax.pipeline import Settings

ROOT = Path(__file__).resolve().parent.parent

POOL_SCRIPT = textwrap.dedent(
    """
    import os, time
    from concurrent.futures import ProcessPoolExecutor
    from parallax.pipeline import watch_parent

    def pid(_):
        time.sleep(0.2)
        return os.getpid()

    with ProcessPoolExecutor(2, initializer=watch_parent, initargs=(os.getpid(),)) as pool:
        print(" ".join(str(p) for p in sorted(set(pool.map(pid, range(6))))), flush=True)
        time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", POOL_SCRIPT], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    for _ in range(200):  # a bound on waiting, not a timing assertion
        if not any(_alive(p) for p in workers):
            break
        time.sleep(0.1)
    left = [p for p in workers if _alive(p)]
    for p in left:  # leave nothing behind, then fail
        os.kill(p, signal.SIGKILL)
    assert left == []


def _no_model(settings: Settings, parent: int) -> None:
    pipeline.watch_parent(parent)


def _crash_on_marker(raws: list[RawDocument]) -> list[InputError]:
    if any(raw.text.startswith("CRASH") for raw in raws):
        os._exit(1)  # as a segfault or the out-of-memory killer would
    return [InputError("done", raw.name) for raw in raws]


def test_a_report_that_kills_its_worker_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 4)  # always the pool, never in-process
    monkeypatch.setattr(pipeline, "_init_worker", _no_model)
    monkeypatch.setattr(pipeline, "_work", _crash_on_marker)
    texts = [f"Report {i} from Valdoria." for i in range(9)]
    texts[4] = "CRASH this worker."
    raws = [
        RawDocument(name=f"r{i}", text=t, source=f"r{i}.txt", format="text")
        for i, t in enumerate(texts)
    ]
    out = list(pipeline.analyze(raws, Settings(workers=2)))
    assert [str(e) for e in out] == [
        *(f"r{i}: done" for i in range(4)),
        "r4.txt: analysis failed (worker process died)",
        *(f"r{i}: done" for i in range(5, 9)),
    ]


def test_two_concurrent_runs_on_one_database_both_finish(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(4):
        (folder / f"r{i}.txt").write_text(
            f"Officials in Dornik said {i + 2} people were hurt when a crane fell on Tuesday.",
            encoding="utf-8",
        )
    db = tmp_path / "shared.db"
    command = [sys.executable, "-m", "parallax.cli", "analyze", str(folder), "--db", str(db)]
    runs = [
        subprocess.Popen([*command, "--workers", "1", "-q"], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=600)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    conn = sqlite3.connect(db)
    try:
        counts = conn.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone()
        failures = conn.execute("SELECT COUNT(*) FROM failures").fetchone()[0]
    finally:
        conn.close()
    assert counts == (4, 4) and failures == 0


def test_forked_workers_leave_the_parent_objects_out_of_collections() -> None:
    """While workers forked from this process run, the objects it had are frozen (no
    collection walks them, the workers' included), and collected as usual afterwards."""
    import gc

    from parallax import collector

    gc.unfreeze()
    before = [object() for _ in range(10)]
    with collector.frozen_for_children():
        assert gc.get_freeze_count() >= len(before)
    assert gc.get_freeze_count() == 0
