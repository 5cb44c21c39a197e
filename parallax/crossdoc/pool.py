"""The cross-check of many blocks on every core. Blocks (see `crossdoc.blocks`) are
independent of one another, so a full re-check of a large corpus computes them in forked
worker processes (which share the loaded gazetteer) while this process reads the next
blocks' reports and writes the finished ones. Results come back in the order the blocks
were given, so the stored record is the same as with one process."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar

from parallax import collector
from parallax.crossdoc import features as text
from parallax.crossdoc.blocks import BlockKeys, block_keys
from parallax.crossdoc.record import Record
from parallax.crossdoc.stage import cross_check
from parallax.gazetteer import get_gazetteer
from parallax.models import DocumentRecord

T = TypeVar("T")
BATCH_DOCS = 64  # reports sent to a worker at once (small blocks travel together)
POOL_FROM = 400  # reports to check from which workers are worth starting
ASIDE_FROM = 16  # reports beside the largest block from which one worker checks them
IN_FLIGHT = 3  # batches per worker sent ahead (bounds the memory of reports in transit)


def workers_for(docs: int, workers: int = 0) -> int:
    """How many processes check `docs` reports: one below POOL_FROM, else `workers`
    (0: one per core)."""
    if docs < POOL_FROM:
        return 1
    return _cores(workers)


def _cores(workers: int) -> int:
    """The processes `workers` asks for (0: one per core)."""
    return max(1, workers or os.cpu_count() or 1)


def aside(beside: int, workers: int = 0) -> bool:
    """Whether the blocks beside the largest (`beside` reports, fewer than POOL_FROM) are
    worth checking in one forked worker while this process checks the largest: the case
    of reports added to a large corpus, where one large story's block and a few small
    ones are checked again."""
    return ASIDE_FROM <= beside < POOL_FROM and _cores(workers) > 1


def _keys(docs: list[DocumentRecord], files: tuple[str, ...]) -> list[BlockKeys]:
    gaz = get_gazetteer(files)
    return [block_keys(d, gaz) for d in docs]


class Block(NamedTuple):
    """A block's reports, with the stored `TextFeatures` of those that have them (by
    report name, as `features.encode` writes them)."""

    docs: list[DocumentRecord]
    features: dict[str, text.Row]


class Checked(NamedTuple):
    """A block's record (without its linked copies of the reports: `changed` has those
    that differ from the reports as stored, or all of them when asked to rewrite all),
    and the `TextFeatures` computed for its reports that had none stored (by report
    name, encoded: to store)."""

    record: Record
    changed: list[DocumentRecord]
    features: dict[str, text.Row]


def changed_documents(record: Record, stored: list[DocumentRecord]) -> list[DocumentRecord]:
    """The record's linked copies that differ from the reports as stored: writing the
    others again would store what is there."""
    own = {(d.sha256, d.name): d for d in stored}
    return [d for d in record.documents if own.get((d.sha256, d.name)) != d]


def _check(
    blocks: list[Block], files: tuple[str, ...], anchored: bool, every: bool
) -> list[Checked]:
    gaz = get_gazetteer(files)
    out = []
    for block in blocks:
        known = {name: text.decode(row) for name, row in block.features.items()}
        new = {d.name: text.text_features(d) for d in block.docs if d.name not in known}
        record = cross_check(block.docs, gaz, anchored, {**known, **new})
        changed = record.documents if every else changed_documents(record, block.docs)
        out.append(
            Checked(
                replace(record, documents=[]),  # only `changed` travel back
                changed,
                {name: text.encode(f) for name, f in new.items()},
            )
        )
    return out


def keys(
    docs: Iterable[DocumentRecord], files: tuple[str, ...], workers: int
) -> Iterator[tuple[DocumentRecord, BlockKeys]]:
    """Each report with its block keys."""
    batches = _batched(((d, d) for d in docs), lambda d: 1)
    for batch, found in _mapped(batches, _keys, (files,), workers):
        for (doc, _), k in zip(batch, found, strict=True):
            yield doc, k


def check(
    blocks: Iterable[tuple[T, Block]],
    files: tuple[str, ...],
    anchored: bool,
    workers: int,
    every: bool = False,
) -> Iterator[tuple[T, Block, Checked]]:
    """Each block (a tag and its reports) with its record, in the order given. `every`:
    every linked copy comes back as changed (to write every report again)."""
    batches = _batched(blocks, lambda b: len(b.docs))
    for batch, records in _mapped(batches, _check, (files, anchored, every), workers):
        for (tag, block), checked in zip(batch, records, strict=True):
            yield tag, block, checked


def check_aside(
    blocks: list[tuple[T, Block]], files: tuple[str, ...], anchored: bool, every: bool = False
) -> Iterator[tuple[T, Block, Checked]]:
    """As `check`, the largest block checked here while one forked worker checks the
    others (see `aside`)."""
    if not blocks:
        return
    largest = max(range(len(blocks)), key=lambda i: len(blocks[i][1].docs))
    others = [b for i, (_, b) in enumerate(blocks) if i != largest]
    context = multiprocessing.get_context("fork")
    with collector.frozen_for_children(), ProcessPoolExecutor(1, mp_context=context) as pool:
        future = pool.submit(_check, others, files, anchored, every)
        (own,) = _check([blocks[largest][1]], files, anchored, every)
        done = iter(future.result())
    for i, (tag, block) in enumerate(blocks):
        yield tag, block, own if i == largest else next(done)


def _batched(
    items: Iterable[tuple[T, Any]], size: Callable[[Any], int]
) -> Iterator[list[tuple[T, Any]]]:
    batch: list[tuple[T, Any]] = []
    filled = 0
    for tag, value in items:
        batch.append((tag, value))
        filled += size(value)
        if filled >= BATCH_DOCS:
            yield batch
            batch, filled = [], 0
    if batch:
        yield batch


def _mapped(
    batches: Iterator[list[tuple[T, Any]]],
    fn: Callable[..., list[Any]],
    args: tuple[Any, ...],
    workers: int,
) -> Iterator[tuple[list[tuple[T, Any]], list[Any]]]:
    """`fn(values, *args)` per batch, in order: here with one worker, else in a pool of
    forked processes with at most IN_FLIGHT batches per worker outstanding."""
    if workers <= 1:
        for batch in batches:
            yield batch, fn([v for _, v in batch], *args)
        return
    context = multiprocessing.get_context("fork")
    with collector.frozen_for_children(), ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[tuple[list[tuple[T, Any]], Future[list[Any]]]] = deque()
        for batch in batches:
            pending.append((batch, pool.submit(fn, [v for _, v in batch], *args)))
            while len(pending) > IN_FLIGHT * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
