"""The whole run: ingest -> NLP and extraction -> store -> link -> reconcile -> store."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parallax import collector
from parallax.crossdoc import pool
from parallax.crossdoc.blocks import WHOLE, WHOLE_LIMIT, components, merged, neighbours
from parallax.crossdoc.features import FEATURES_VERSION
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


FULL_SHARE = 4  # new reports over a quarter of all: every block is computed again


def relink(store: Store, settings: Settings, rewrite_all: bool = False) -> int:
    """Bring the cross-document record up to date with every stored report, and return
    the number of blocks cross-checked (see `crossdoc.blocks`). Up to `WHOLE_LIMIT`
    reports the corpus is one block, checked whole. Beyond, only the blocks that the
    reports added since the last cross-check join are checked again (a full re-check with
    `rewrite_all`, or when the corpus just grew past the limit). The write lock is held
    throughout, so a run adding reports meanwhile waits and then checks its own. Only the
    reports whose linked copy differs from what is stored (a date or a name found
    through other reports) are written again; `rewrite_all` writes every one."""
    with collector.paused():
        return _relink(store, settings, rewrite_all)


def _relink(store: Store, settings: Settings, rewrite_all: bool) -> int:
    files = settings.gazetteer_files
    store.begin()
    try:
        unkeyed = store.unkeyed()
        found = pool.keys(
            _read(store, unkeyed), files, pool.workers_for(len(unkeyed), settings.workers)
        )
        store.save_keys([(d.id, k) for d, k in found if d.id is not None])
        ids = store.document_ids()
        english = store.english_ids()
        blocked = store.blocked()
        whole = len(english) <= WHOLE_LIMIT
        old: Sequence[str | None]
        if whole:
            groups, old = [english], list(blocked)
        elif rewrite_all or WHOLE in blocked or blocked.get(None, 0) * FULL_SHARE > len(english):
            # a corpus just grown past the limit, or mostly new: every block computed
            # at once (the same blocks the incremental path finds, at less cost)
            groups, old = components(store.keys_of(english)), list(blocked)
        else:
            groups, old = _joined(store, english)
        every = whole or set(old) == set(blocked)
        shared = store.shared_ids([b for b in old if b])
        store.replace_blocks(None if every else [b for b in old if b])
        todo = ((members, _block(store, members)) for members in groups)
        # the largest block is checked by one process whatever the others do: a pool of
        # workers pays off when the other blocks are many (else their reports would travel
        # for nothing); a few, one worker checks while this process checks the largest
        beside = sum(map(len, groups)) - max(map(len, groups), default=0)
        workers = pool.workers_for(beside, settings.workers)
        if workers == 1 and pool.aside(beside, settings.workers):
            checked = pool.check_aside(list(todo), files, not whole, every=rewrite_all)
        else:
            checked = pool.check(todo, files, not whole, workers, every=rewrite_all)
        for members, block, (record, changed, computed) in checked:
            docs = block.docs
            name = WHOLE if whole else block_name(docs)
            store.write_block(name, members, record, changed, docs)
            id_of = {d.name: d.id for d in docs}
            store.save_features(
                FEATURES_VERSION, [(i, row) for n, row in computed.items() if (i := id_of[n])]
            )
            shared[0].update(e.id for e in record.entities)
            shared[1].update(s.id or s.name for s in record.speakers)
        readable = set(english)
        store.exclude([i for i in ids if i not in readable])
        store.write_shared(None if every else shared)
        store.set_covers(record_key(ids, settings))
        store.conn.commit()
    except BaseException:
        store.conn.rollback()
        raise
    return len(groups)


def _block(store: Store, members: list[int]) -> pool.Block:
    """A block's reports as stored, with their stored cross-check features."""
    docs = store.documents_by_ids(members)
    rows = store.features_of(members, FEATURES_VERSION)
    return pool.Block(docs, {d.name: rows[d.id] for d in docs if d.id in rows})


def _read(store: Store, ids: list[int], batch: int = 500) -> Iterator[DocumentRecord]:
    for i in range(0, len(ids), batch):
        yield from store.documents_by_ids(ids[i : i + batch])


def _joined(store: Store, english: list[int]) -> tuple[list[list[int]], list[str]]:
    """The blocks the reports not yet cross-checked join, as they are now, and the old
    blocks they replace. An old block still holding the reports it was named after is
    connected, so it joins as one unit; should one have lost a report, the blocks are
    computed again from every member's keys."""
    where = store.blocks_of(english)
    new = [i for i in english if where.get(i) is None]
    keys = store.keys_of(new)
    touches = {i: neighbours(keys[i], *store.sharing(keys[i])) for i in new}
    touched = sorted(set().union(*touches.values()))
    block_of = {i: b for i, b in store.blocks_of(touched).items() if b}
    old = sorted(set(block_of.values()))
    held = store.block_hashes(old)
    readable = set(english)
    intact = all(
        block_name_of(list(members.values())) == b and readable.issuperset(members)
        for b, members in held.items()
    )
    if not intact:
        members = sorted({*(i for m in held.values() for i in m), *new} & readable)
        return components(store.keys_of(members)), old
    return merged(new, touches, {b: sorted(m) for b, m in held.items()}), old


def block_name(docs: list[DocumentRecord]) -> str:
    """A block's id, from its reports' contents: the same reports, the same id."""
    return block_name_of([d.sha256 for d in docs])


def block_name_of(hashes: list[str]) -> str:
    """A block's id from its reports' content hashes."""
    digest = hashlib.sha1("|".join(sorted(hashes)).encode())
    return "blk-" + digest.hexdigest()[:12]


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


def cross_check_stored(store: Store, settings: Settings, added: bool) -> bool:
    """Bring the record up to date after a run that stored new reports (`added`) or
    none; whether the cross-check ran: a run that added none keeps the stored record
    when it covers every stored report."""
    if not added and store.record_covers() == record_key(store.document_ids(), settings):
        return False
    relink(store, settings)
    return True


def current_results(store: Store, settings: Settings) -> dict[str, list[dict[str, Any]]] | None:
    """The stored record when it covers every stored report (same reports, gazetteer and
    version: re-running the cross-check would give it again), else None."""
    if store.record_covers() == record_key(store.document_ids(), settings):
        return store.results()
    return None


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
    summary.rechecked = cross_check_stored(store, settings, bool(summary.added))
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
