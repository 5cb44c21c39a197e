"""The per-report stage on a Ray cluster (`parallax analyze --ray [ADDRESS]`).

Batches of reports go to Ray actors, each of which loads the spaCy pipeline once; the
records come back to the driver in input order, as each batch finishes, and the driver
stores them and cross-checks as it does for a local run. Ray is an optional extra
(`pip install 'parallax-news[ray]'`): only this module imports it, and only when called.

A report that fails is isolated as on the local path: the extractors' exceptions are caught
per report inside the batch (`pipeline.analyze_batch`); a batch whose actor dies (a report
that crashes the interpreter or exhausts memory) or that fails as a whole is run again one
report per task, and only a report that fails alone becomes an error.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from parallax.models import DocumentRecord, InputError, RawDocument
from parallax.pipeline import BATCH_SIZE, Settings, analyze_batch

INSTALL_HINT = "Ray is not installed; install the extra: pip install 'parallax-news[ray]'"
IN_FLIGHT_PER_ACTOR = 2  # batches queued per actor: it never waits, the driver holds few


def import_ray() -> Any:
    """The `ray` module, or a RuntimeError that says how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    return ray


class _Analyzer:
    """A Ray actor: one spaCy pipeline, loaded once, analysing batch after batch."""

    def __init__(self, settings: Settings) -> None:
        from parallax.nlp import build_pipeline

        self.nlp = build_pipeline(settings.model, settings.gazetteer_files)

    def ready(self) -> bool:
        return True

    def run(self, raws: list[RawDocument]) -> list[DocumentRecord | InputError]:
        return analyze_batch(self.nlp, raws)


@dataclass
class _Job:
    """A batch in flight, or one report of a batch that failed, run alone."""

    slot: int  # the batch's place in the input order
    pos: int  # the report's place in its batch (0 for a whole batch)
    raws: list[RawDocument]
    alone: bool = False
    retried: bool = False  # blamed once for an actor's death already, and run again


def connect(address: str) -> bool:
    """Join the Ray cluster at `address` ('local' starts Ray on this machine; 'auto' joins
    the one running here), unless this process is already connected. True when this call
    connected (and so disconnects when done)."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    ray.init(
        address=address,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    return True


def actor_count(settings: Settings, n_batches: int) -> int:
    """Actors to start: `--workers` when given, else one per CPU of the cluster."""
    ray = import_ray()
    cpus = int(ray.cluster_resources().get("CPU", 1))
    wanted = settings.workers or cpus
    return max(1, min(wanted, n_batches))


def analyze_on_ray(
    raws: list[RawDocument],
    settings: Settings,
    address: str = "local",
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[DocumentRecord | InputError]:
    """Analyse reports on Ray; yields each record (or InputError) in input order, as soon
    as its batch and every batch before it are done."""
    if not raws:
        return
    ray = import_ray()
    connected = connect(address)
    try:
        batches = [raws[i : i + batch_size] for i in range(0, len(raws), batch_size)]
        yield from _run(ray, batches, settings, progress)
    finally:
        if connected:
            ray.shutdown()


def _run(
    ray: Any,
    batches: list[list[RawDocument]],
    settings: Settings,
    progress: Callable[[int], None] | None,
    actor: type = _Analyzer,
) -> Iterator[DocumentRecord | InputError]:
    """Batches over actors of class `actor`, results in input order. An actor runs its
    tasks one after another, so when it dies the earliest task still running on it is the
    one that killed it; the others queued there go again, unchanged, on a new actor. A
    report blamed alone runs once more before it fails: a dying process may not have sent
    the result of a report it had finished, which then looks like the one that killed it."""
    remote = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(actor)
    actors = [remote.remote(settings) for _ in range(actor_count(settings, len(batches)))]
    ray.get([a.ready.remote() for a in actors])  # a model that cannot load fails here, once
    todo: deque[_Job] = deque(_Job(slot, 0, batch) for slot, batch in enumerate(batches))
    waiting = [1] * len(batches)  # per batch: its jobs not done yet
    parts: dict[int, dict[int, list[DocumentRecord | InputError]]] = {}
    running: dict[Any, tuple[_Job, int, Any, int]] = {}  # ref -> (job, actor no., actor, seq)
    load = [0] * len(actors)
    dead: list[tuple[Any, int]] = []  # (dead actor, the task running when it died)
    seq = 0
    next_slot = 0
    while next_slot < len(batches):
        while todo and min(load) < IN_FLIGHT_PER_ACTOR:
            job, idx = todo.popleft(), load.index(min(load))
            running[actors[idx].run.remote(job.raws)] = (job, idx, actors[idx], seq)
            load[idx] += 1
            seq += 1
        ready, _ = ray.wait(list(running), num_returns=1)
        job, idx, handle, job_seq = running.pop(ready[0])
        if handle is actors[idx]:
            load[idx] -= 1
        try:
            results = ray.get(ready[0])
        except ray.exceptions.RayActorError as exc:  # the actor's process died
            if handle is actors[idx]:  # a new actor in its place; what was queued there
                actors[idx], load[idx] = remote.remote(settings), 0  # comes back below
                on_it = [(r, s) for r, (_, _, h, s) in running.items() if h is handle]
                dead.append((handle, min([job_seq, *_unfinished(ray, on_it)])))
            if job_seq != next(s for h, s in dead if h is handle):
                todo.appendleft(job)  # queued behind the task that killed the actor
                continue
            if _split(job, todo, waiting):
                continue
            if not job.retried:  # a result the dying process never sent looks the same as
                todo.appendleft(replace(job, retried=True))  # the crash: once more, alone
                continue
            results = [_failure(exc, job.raws[0])]
        except Exception as exc:  # noqa: BLE001  the batch failed whole (not one report)
            if _split(job, todo, waiting):
                continue
            results = [_failure(exc, job.raws[0])]
        parts.setdefault(job.slot, {})[job.pos] = results
        waiting[job.slot] -= 1
        while next_slot < len(batches) and waiting[next_slot] == 0:
            if progress:
                progress(len(batches[next_slot]))
            done = parts.pop(next_slot, {})
            for pos in sorted(done):
                yield from done[pos]
            next_slot += 1


def _unfinished(ray: Any, tasks: list[tuple[Any, int]]) -> list[int]:
    """The numbers of the tasks that did not finish well (still running, or failed)."""
    if not tasks:
        return []
    refs = [ref for ref, _ in tasks]
    ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
    finished = set()
    for ref in ready:
        try:
            ray.get(ref)
            finished.add(ref)
        except Exception:  # noqa: BLE001  failed: it may be the one that killed the actor
            pass
    return [n for ref, n in tasks if ref not in finished]


def _split(job: _Job, todo: deque[_Job], waiting: list[int]) -> bool:
    """A failed batch goes again one report per task, ahead of the rest; False for a
    report that already failed alone."""
    if job.alone:
        return False
    waiting[job.slot] += len(job.raws) - 1
    todo.extendleft(
        _Job(job.slot, pos, [raw], alone=True) for pos, raw in reversed(list(enumerate(job.raws)))
    )
    return True


def _failure(exc: Exception, raw: RawDocument) -> InputError:
    """The error line of a report that failed alone on a Ray worker."""
    ray = import_ray()
    if isinstance(exc, ray.exceptions.RayActorError):
        reason = "worker process died"
    elif isinstance(exc, ray.exceptions.RayTaskError) and exc.cause is not None:
        reason = type(exc.cause).__name__
    else:
        reason = type(exc).__name__
    return InputError(f"analysis failed ({reason})", raw.source, raw.line)
