"""The one range computation of the record: which claims of one event, metric, side and
group count, and low / best / high over them. The cross-check, the analysts'
corrections and every renderer use this, never a computation of their own."""

from __future__ import annotations

from typing import Any

from parallax.crossdoc.record import Claim, Latest, Range
from parallax.reconcile import settle


def settle_claims(claims: list[Claim], source_of: dict[str, str] | None = None) -> dict[str, Any]:
    """Mark each claim (`copy`, `superseded_by`, `counted`) and return the range's
    figures (low, best, high, agreed, rule, sources, independent_sources, latest).
    `source_of` (document -> independent source) fills a claim's missing source, so
    that wire copies count once whatever the claim was read from."""
    values = []
    for c in claims:
        if source_of and not c.source:
            c.source = source_of.get(c.document)
        values.append(c.to_dict())
    stats = settle(values)
    for c, v in zip(claims, values, strict=True):
        c.copy, c.superseded_by, c.counted = v["copy"], v["superseded_by"], v["counted"]
    return stats


def settle_range(
    event: str | None,
    metric: str,
    side: str | None,
    group: str | None,
    claims: list[Claim],
    source_of: dict[str, str] | None = None,
    corrected: bool = False,
) -> Range:
    """A range over `claims` (marked in place: see `settle_claims`)."""
    stats = settle_claims(claims, source_of)
    latest = stats["latest"]
    return Range(
        event,
        metric,
        side,
        group,
        stats["low"],
        stats["best"],
        stats["high"],
        stats["agreed"],
        stats["rule"],
        stats["sources"],
        stats["independent_sources"],
        Latest(**latest) if latest else None,
        claims,
        corrected,
    )


def resettle(rng: Range, claims: list[Claim], source_of: dict[str, str] | None = None) -> Range:
    """The range recomputed over (corrected) claims: marked `corrected`."""
    return settle_range(rng.event, rng.metric, rng.side, rng.group, claims, source_of, True)
