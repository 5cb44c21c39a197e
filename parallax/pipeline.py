"""Per-document analysis: a RawDocument in, a DocumentRecord out (NLP + extractors),
spread over worker processes that each load the spaCy pipeline once."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from parallax import collector
from parallax.extract.events import date_events, detach_earlier_incidents
from parallax.extract.figures import date_figures
from parallax.extract.metadata import byline_author, find_image_credit, page_date
from parallax.extract.times import infer_document_date, resolve_all
from parallax.language import detect_language
from parallax.models import DocumentRecord, InputError, RawDocument

BATCH_SIZE = 16


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    gazetteer_files: tuple[str, ...] = ()
    workers: int = 0  # 0: one per core, at most 2 documents' worth of work each


def _given_date(raw: RawDocument) -> str | None:
    if raw.published:
        try:
            return dt.date.fromisoformat(raw.published[:10]).isoformat()
        except ValueError:
            return None
    return None


def record_from_doc(raw: RawDocument, doc: Doc) -> DocumentRecord:
    """Gather the extractors' output of one parsed document into its record."""
    header = doc._.header
    rec = DocumentRecord(
        name=raw.name,
        text=raw.text,
        sha256=raw.sha256,
        source=raw.source,
        format=raw.format,
        title=raw.title or header.title,
        author=raw.author or byline_author(raw.text, header),
        image_credit=header.image_credit or find_image_credit(raw.text),
        outlet=raw.outlet or header.outlet,
        url=raw.url,
        quotes=doc._.quotes or [],
        figures=doc._.figures or [],
        times=doc._.times or [],
        mentions=doc._.mentions or [],
        events=doc._.events or [],
    )
    rec.published, rec.published_basis = page_date(raw, header)
    if rec.published is None:
        inferred = infer_document_date(rec.times, rec.text)
        if inferred:
            rec.published, rec.published_basis = inferred.isoformat(), "inferred"
    anchor = dt.date.fromisoformat(rec.published) if rec.published else None
    resolve_all(rec.text, rec.times, anchor)
    date_events(rec.events, rec.times)
    detach_earlier_incidents(rec.figures, rec.events, rec.times)
    date_figures(rec.figures, rec.times, rec.published)
    return rec


def flagged_record(raw: RawDocument, language: str) -> DocumentRecord:
    """A report that is stored but not extracted (not English)."""
    given = _given_date(raw)
    return DocumentRecord(
        name=raw.name,
        text=raw.text,
        sha256=raw.sha256,
        source=raw.source,
        format=raw.format,
        title=raw.title,
        author=raw.author,
        outlet=raw.outlet,
        url=raw.url,
        published=given,
        published_basis="given" if given else None,
        language=language,
        flags=["not_english"],
    )


def analyze_batch(nlp: Language, raws: list[RawDocument]) -> list[DocumentRecord | InputError]:
    """Records for a batch (or an InputError per report that failed)."""
    from parallax.nlp import parse_text, parse_texts

    out: list[DocumentRecord | InputError | None] = [None] * len(raws)
    english = []
    for i, raw in enumerate(raws):
        lang = detect_language(raw.text)
        if lang != "en":
            out[i] = flagged_record(raw, lang)
        else:
            english.append(i)
    try:
        docs = list(parse_texts(nlp, [raws[i].text for i in english], BATCH_SIZE))
        for i, doc in zip(english, docs, strict=True):
            out[i] = record_from_doc(raws[i], doc)
    except Exception:  # one bad report must not lose the batch: retry one by one
        for i in english:
            try:
                out[i] = record_from_doc(raws[i], parse_text(nlp, raws[i].text))
            except Exception as exc:  # noqa: BLE001
                reason = f"analysis failed ({type(exc).__name__})"
                out[i] = InputError(reason, raws[i].source, raws[i].line)
    return [r for r in out if r is not None]


_WORKER_NLP: Language | None = None
PARENT_POLL = 1.0  # seconds between a worker's checks that its parent is alive
_PR_SET_PDEATHSIG = 1


def watch_parent(parent: int) -> None:
    """In a worker process: exit as soon as the process that started it (`parent`) is
    gone, even killed with SIGKILL. On Linux the kernel sends SIGKILL at the parent's
    death (prctl PR_SET_PDEATHSIG); everywhere a daemon thread checks the parent id."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parallax-parent").start()


def _watch(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(settings: Settings, parent: int) -> None:
    global _WORKER_NLP
    watch_parent(parent)
    from parallax.nlp import build_pipeline

    _WORKER_NLP = build_pipeline(settings.model, settings.gazetteer_files)


def _work(raws: list[RawDocument]) -> list[DocumentRecord | InputError]:
    assert _WORKER_NLP is not None
    return analyze_batch(_WORKER_NLP, raws)


def _call_work(raws: list[RawDocument]) -> list[DocumentRecord | InputError]:
    return _work(raws)  # looked up when called, in the worker


def _batches(raws: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    for raw in raws:
        batch.append(raw)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def worker_count(settings: Settings, n_docs: int) -> int:
    cores = os.cpu_count() or 1
    wanted = settings.workers or cores
    return max(1, min(wanted, cores, (n_docs + 1) // 2))


def analyze(
    raws: list[RawDocument], settings: Settings, progress: Callable[[int], None] | None = None
) -> Iterator[DocumentRecord | InputError]:
    """Analyse reports, in worker processes when there are enough of them; yields each
    record (or InputError) as soon as its batch is done."""
    if not raws:
        return
    workers = worker_count(settings, len(raws))
    # a few reports: one per batch, so that each worker takes the next as it is free
    size = max(1, min(BATCH_SIZE, len(raws) // (workers * 4)))
    if workers == 1:
        from parallax.nlp import get_pipeline

        nlp = get_pipeline(settings.model, settings.gazetteer_files)
        for batch in _batches(raws, size):
            results = analyze_batch(nlp, batch)
            if progress:
                progress(len(batch))
            yield from results
        return
    yield from _pooled(list(_batches(raws, size)), settings, workers, progress)


def _pooled(
    pending: list[list[RawDocument]],
    settings: Settings,
    workers: int,
    progress: Callable[[int], None] | None,
) -> Iterator[DocumentRecord | InputError]:
    """Batches through worker processes, results in order. A worker that dies (a report
    that crashes the interpreter or exhausts memory) breaks the pool: the first unfinished
    batch is then run again in a new pool one report at a time, each alone in the pool, so
    that only a report that kills a worker on its own fails ("worker process died")."""
    alone = 0  # how many of the first pending batches to run one at a time
    while pending:
        try:
            with (
                collector.frozen_for_children(),
                ProcessPoolExecutor(
                    workers, initializer=_init_worker, initargs=(settings, os.getpid())
                ) as pool,
            ):
                while alone and pending:
                    results = pool.submit(_call_work, pending[0]).result()
                    yield from _done(pending, progress, results)
                    alone -= 1
                futures = [pool.submit(_call_work, batch) for batch in pending]
                for future in futures:
                    yield from _done(pending, progress, future.result())
        except BrokenProcessPool:
            first = pending.pop(0)
            if alone:  # it was alone in the pool: it killed the worker
                alone -= 1
                if progress:
                    progress(len(first))
                for raw in first:
                    yield InputError("analysis failed (worker process died)", raw.source, raw.line)
            else:
                pending[:0] = [[raw] for raw in first]
                alone = len(first)


def _done(
    pending: list[list[RawDocument]],
    progress: Callable[[int], None] | None,
    results: list[DocumentRecord | InputError],
) -> list[DocumentRecord | InputError]:
    batch = pending.pop(0)
    if progress:
        progress(len(batch))
    return results
