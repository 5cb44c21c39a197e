"""The whole run: ingest -> NLP and extraction -> store -> link -> reconcile -> store."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parallax.crossdoc import Record, cross_check
from parallax.gazetteer import get_gazetteer
from parallax.ingest import REPLACED_FLAG, iter_inputs
from parallax.models import DocumentRecord, InputError, RawDocument, SkippedInput
from parallax.pipeline import Settings, analyze
from parallax.store import Store


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already stored (same content)
    flagged: list[str] = field(default_factory=list)  # stored, not extracted (not English)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line error)
    notes: list[str] = field(default_factory=list)  # stored, with a warning (bytes replaced)
    # deliberately not read (a folder's hidden or unsupported files, a feed's items past its
    # cap or without text): listed and counted, not failures (the exit status stays 0)
    not_read: list[SkippedInput] = field(default_factory=list)
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    documents: int = 0
    # False when the run added no report and the stored record already covered every
    # stored report: the cross-check was not run again (the record stays as it was)
    rechecked: bool = True


def collect(paths: Sequence[str], store: Store, summary: Summary) -> list[RawDocument]:
    """Read every input; errors are recorded, reports already stored are skipped."""
    raws: list[RawDocument] = []
    seen: set[str] = set()
    names = store.names()
    for item in iter_inputs(paths):
        if isinstance(item, SkippedInput):
            summary.not_read.append(item)
        elif isinstance(item, InputError):
            _failed(item, store, summary)
        elif item.sha256 in seen or store.has(item.sha256):
            summary.skipped.append(item.name)
        else:
            seen.add(item.sha256)
            item.name = _unique_name(item.name, names)
            names.add(item.name)
            raws.append(item)
    return raws


def _unique_name(name: str, taken: set[str]) -> str:
    """Reports are keyed by name across the record: a second 'report.txt' from another
    folder becomes 'report.txt #2'."""
    if name not in taken:
        return name
    n = 2
    while f"{name} #{n}" in taken:
        n += 1
    return f"{name} #{n}"


def _failed(err: InputError, store: Store, summary: Summary) -> None:
    """Record a report that could not be read or analysed; the run goes on."""
    summary.failed.append((err.source or "", str(err)))
    store.add_failure(err.source or "", str(err))


# flags ingest gives a report (how it was decoded) that its record keeps
INGEST_FLAGS = (REPLACED_FLAG,)


def with_ingest_flags(rec: DocumentRecord, raw: RawDocument | None) -> DocumentRecord:
    """The record with the flags ingest gave its report (a new record if any)."""
    extra = [f for f in (raw.flags if raw else []) if f not in rec.flags]
    return replace(rec, flags=[*rec.flags, *extra]) if extra else rec


def _store(rec: DocumentRecord, raw: RawDocument | None, store: Store, summary: Summary) -> None:
    """Store one analysed report; a report that cannot be stored is a failure of its own,
    and one stored meanwhile by another run is skipped."""
    try:
        doc_id = store.add_if_new(rec)
    except (sqlite3.Error, ValueError, OverflowError, UnicodeError) as exc:
        reason = f"cannot store ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
        _failed(InputError(reason, rec.source, raw.line if raw else None), store, summary)
        return
    if doc_id is None:
        summary.skipped.append(rec.name)
        return
    summary.added.append(rec.name)
    if "not_english" in rec.flags:
        summary.flagged.append(rec.name)
    if REPLACED_FLAG in rec.flags:
        line = f":{raw.line}" if raw and raw.line is not None else ""
        summary.notes.append(
            f"{rec.source}{line}: undecodable bytes replaced by U+FFFD (flagged {REPLACED_FLAG})"
        )


RELINK_TRIES = 5


def relink(
    store: Store, settings: Settings, rewrite_all: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Recompute the cross-document record over everything stored. When another run adds
    reports meanwhile, the record is computed again over them (the last run to finish
    leaves the record of every report). Only the reports whose linked copy differs from
    what is stored (a date or a name found through the new reports) are written again;
    `rewrite_all` writes every one."""
    record = Record()
    for attempt in range(RELINK_TRIES):
        ids = store.document_ids()
        stored = store.documents()
        record = _cross_check(stored, settings)
        last = attempt == RELINK_TRIES - 1
        # the last try stores its record whatever was added meanwhile: it is then not
        # known to cover every report, and the next run checks again
        covers = None if last else record_key(ids, settings)
        docs = record.documents if rewrite_all else changed_documents(record, stored)
        if store.save_record(record, None if last else ids, covers, docs):
            break
    return record.to_dict()


def changed_documents(record: Record, stored: list[DocumentRecord]) -> list[DocumentRecord]:
    """The record's linked copies that differ from the reports as stored: writing the
    others again would store what is there."""
    own = {(d.sha256, d.name): d for d in stored}
    return [d for d in record.documents if own.get((d.sha256, d.name)) != d]


def record_key(ids: list[int], settings: Settings) -> str:
    """What a cross-document record depends on besides the stored reports' contents: which
    reports (their ids: a report's row never changes but by `reanalyse`, which gives it a
    new id), the extra gazetteer files (by content) and this version of Parallax. The same
    key: the same record."""
    from parallax import __version__

    digest = hashlib.sha256()
    for path in settings.gazetteer_files:
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"\0missing:" + path.encode())
        digest.update(b"\0")
    return json.dumps(
        {"version": __version__, "gazetteer": digest.hexdigest(), "ids": ids},
        separators=(",", ":"),
    )


def cross_check_stored(
    store: Store, settings: Settings, added: bool
) -> tuple[dict[str, list[dict[str, Any]]], bool]:
    """The cross-document record after a run that stored new reports (`added`) or none;
    and whether the cross-check ran: a run that added none keeps the stored record when
    it covers every stored report."""
    stored = None if added else current_results(store, settings)
    if stored is not None:
        return stored, False
    return relink(store, settings), True


def current_results(store: Store, settings: Settings) -> dict[str, list[dict[str, Any]]] | None:
    """The stored record when it covers every stored report (same reports, gazetteer and
    version: re-running the cross-check would give it again), else None."""
    if store.record_covers() == record_key(store.document_ids(), settings):
        return store.results()
    return None


def _cross_check(stored: list[DocumentRecord], settings: Settings) -> Record:
    docs = [d for d in stored if "not_english" not in d.flags]
    # in the order of their content, not of their arrival: the same reports added in any
    # order give the same record; the stage never changes the reports it reads
    return cross_check(docs, get_gazetteer(settings.gazetteer_files))


def run_analysis(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    ray: str | None = None,
) -> Summary:
    """Analyse the reports under `paths` into `store`; each report is stored as soon as it
    is done, so a failure later on loses nothing already analysed. `ray`: None analyses
    in worker processes here; a Ray cluster's address (or 'local' to start one here) analyses on
    Ray, the records streamed back here to be stored."""
    summary = Summary()
    raws = collect(paths, store, summary)
    if on_total:
        on_total(len(raws))
    by_sha = {raw.sha256: raw for raw in raws}
    if ray is None:
        results = analyze(raws, settings, on_progress)
    else:
        from parallax.distributed import analyze_on_ray

        results = analyze_on_ray(raws, settings, ray, on_progress)
    for result in results:
        if isinstance(result, InputError):
            _failed(result, store, summary)
            continue
        raw = by_sha.get(result.sha256)
        _store(with_ingest_flags(result, raw), raw, store, summary)
    summary.results, summary.rechecked = cross_check_stored(store, settings, bool(summary.added))
    summary.documents = store.count()
    return summary


def reanalyse(store: Store, settings: Settings) -> int:
    """Analyse every stored report again from its stored text and replace its machine
    output; corrections (keyed by content hash and offsets) stay and apply again."""
    docs = store.documents()
    raws = [
        RawDocument(
            name=d.name,
            text=d.text,
            source=d.source,
            format=d.format,
            title=d.title,
            author=d.author,
            outlet=d.outlet,
            url=d.url,
            published=d.published if d.published_basis == "given" else None,
            flags=[f for f in d.flags if f in INGEST_FLAGS],
        )
        for d in docs
    ]
    by_sha = {raw.sha256: raw for raw in raws}
    results = list(analyze(raws, settings))
    for d in docs:
        assert d.id is not None
        store.remove(d.id)
    for result in results:
        if isinstance(result, InputError):
            store.add_failure(result.source or "", str(result))
        else:
            store.add_if_new(with_ingest_flags(result, by_sha.get(result.sha256)))
    relink(store, settings)
    return len(results)
