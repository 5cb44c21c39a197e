"""`parallax analyze --ray`: the per-report stage on a local Ray (`ray.init(num_cpus=2)`)
gives the same record as the local path, and a report that fails there fails alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, GAZETTEER, run_cli

from parallax.export import build_export
from parallax.models import DocumentRecord, InputError, RawDocument
from parallax.pipeline import Settings, flagged_record
from parallax.store import Store

NO_RAY = "Ray is not installed (pip install 'parallax-news[ray]'): the Ray path is not tested"
try:
    import ray
except ImportError:
    if os.environ.get("PARALLAX_REQUIRE_RAY"):  # CI with the extra: fail, never skip
        pytest.fail(NO_RAY, pytrace=False)
    pytest.skip(NO_RAY, allow_module_level=True)

RUN_SPECIFIC = {"at"}  # when a failure was recorded


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def record(db: Path) -> Any:
    with Store(db) as store:
        return _without(build_export(store))


def _without(value: Any) -> Any:
    """The export less its run-specific fields."""
    if isinstance(value, dict):
        return {k: _without(v) for k, v in value.items() if k not in RUN_SPECIFIC}
    if isinstance(value, list):
        return [_without(v) for v in value]
    return value


def test_ray_path_gives_the_local_record(local_ray: Any, examples_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "ray.db"
    result = run_cli("analyze", EXAMPLES, "--db", db, "--gazetteer", GAZETTEER, "--ray", "local")
    assert result.exit_code == 0, result.output
    ray_record, local_record = record(db), record(examples_db)
    assert ray_record["documents"], "nothing analysed on Ray"
    assert ray_record["events"]
    assert ray_record == local_record


def stand_in() -> type:
    """A stand-in for the spaCy actor: a report saying CRASH kills its worker process,
    one saying BOOM fails its whole batch; the others get a cheap record. (Defined in a
    function so that Ray ships the class itself to its workers.)"""

    class StandIn:
        def __init__(self, settings: Settings) -> None:
            self.settings = settings

        def ready(self) -> bool:
            return True

        def run(self, raws: list[RawDocument]) -> list[DocumentRecord | InputError]:
            if any("CRASH" in raw.text for raw in raws):
                os._exit(1)
            for raw in raws:  # "FLAKY <file>": kills its worker on its first two runs only
                if raw.text.startswith("FLAKY "):
                    marks = Path(raw.text.split()[1])
                    marks.write_text(marks.read_text() + "x" if marks.exists() else "x")
                    if len(marks.read_text()) <= 2:
                        os._exit(1)
            if any("BOOM" in raw.text for raw in raws):
                raise ValueError("boom")
            return [flagged_record(raw, "xx") for raw in raws]

    return StandIn


def test_a_failing_report_fails_alone_and_order_is_kept(local_ray: Any) -> None:
    from parallax.distributed import _run

    texts = [f"Report {i} about the Dornik ferry." for i in range(9)]
    texts[2] += " CRASH"
    texts[6] += " BOOM"
    raws = [
        RawDocument(name=f"r{i}.txt", text=t, source=f"r{i}.txt", format="txt")
        for i, t in enumerate(texts)
    ]
    batches = [raws[i : i + 4] for i in range(0, len(raws), 4)]
    done: list[int] = []
    results = list(_run(local_ray, batches, Settings(workers=2), done.append, actor=stand_in()))
    assert [r.source for r in results] == [raw.source for raw in raws]
    errors = {r.source: str(r) for r in results if isinstance(r, InputError)}
    assert set(errors) == {"r2.txt", "r6.txt"}
    assert "worker process died" in errors["r2.txt"]
    assert (
        errors["r6.txt"] == "r6.txt: analysis failed (ValueError)"
        or "ValueError" in errors["r6.txt"]
    )
    assert sum(done) == len(raws)


def test_a_report_whose_worker_died_alone_gets_one_more_run(local_ray: Any, tmp_path: Path) -> None:
    """A worker that dies may take a finished report's unsent result with it: a report
    blamed once, alone, runs once more before it is given up."""
    from parallax.distributed import _run

    marks = tmp_path / "flaky.marks"
    texts = ["Report about the Dornik ferry.", f"FLAKY {marks}", "Another report."]
    raws = [RawDocument(f"r{i}.txt", t, f"r{i}.txt", "txt") for i, t in enumerate(texts)]
    results = list(_run(local_ray, [raws], Settings(workers=1), None, actor=stand_in()))
    assert [r.source for r in results] == [raw.source for raw in raws]
    assert not any(isinstance(r, InputError) for r in results)
    assert marks.read_text() == "xxx"  # the batch, the report alone, its one more run


def test_without_the_flag_ray_is_not_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from parallax.cli import app; from parallax import analyze, pipeline;"
        "print('ray' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
