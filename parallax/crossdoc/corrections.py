"""The analysts' corrections over the cross-document record: the claims of each range
corrected (and the range recomputed by the one range computation, `ranges.resettle`),
and the verdicts on event mentions and entity mentions, which the record merges across
reports, applied to their events and entities. Used by the export, and so by every
page and report built from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parallax.crossdoc.ranges import resettle
from parallax.crossdoc.record import Claim, Range

# (sha256, kind, start, end) -> the corrections of that item
Lookup = Callable[[str, str, int, int], list[Any]]
# (item as a dict, kind, its corrections) -> the verdict, the item corrected in place
Correct = Callable[[dict[str, Any], str, list[Any]], str | None]


def source_groups(export: dict[str, Any]) -> dict[str, str]:
    """Document name -> its independent source (wire copies of one story share one)."""
    return {doc: s["source"] for s in export.get("sources", []) for doc in s.get("documents", [])}


def correct_range(
    disc: dict[str, Any], lookup: Lookup, correct: Correct, shas: dict[str, str],
    source_of: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    """One exported range with its claims corrected; recomputed (and marked
    `corrected`) when an analyst reviewed or rejected any of its claims. Claims are
    counted per independent source from the record's source groups, so a corrected
    range counts wire copies once as the machine's did."""
    kept: list[Claim] = []
    touched = False
    for value in disc["values"]:
        item = dict(value)
        found = lookup(shas.get(item["document"], ""), "figure", item["start"], item["end"])
        verdict = correct(item, "figure", found)
        touched = touched or verdict is not None or bool(item.get("corrected"))
        if verdict != "wrong":
            kept.append(Claim.from_dict(item))
    if not touched:
        return disc
    return resettle(Range.from_dict(disc), kept, source_of).to_dict()


def apply_verdicts(
    export: dict[str, Any], lookup: Lookup, shas: dict[str, str], rejected: list[dict[str, Any]]
) -> None:
    """Verdicts on event and entity mentions: a mention marked wrong leaves its event or
    entity (listed in `rejected`), one marked correct says `review: correct`; an event
    or entity left with no mention leaves the record, and the documents of what stays
    are those of its remaining mentions."""
    events = []
    for ev in export.get("events", []):
        mentions = _reviewed(ev.get("mentions", []), "event", lookup, shas, rejected, ev["id"])
        if mentions is None:
            events.append(ev)
            continue
        if not mentions:
            continue
        told = sorted({m["document"] for m in mentions})
        ev["mentions"] = mentions
        ev["documents"] = [d for d in ev.get("documents", []) if d in told]
        ev["mentioned_in"] = told
        events.append(ev)
    export["events"] = events
    entities = []
    for ent in export.get("entities", []):
        mentions = _reviewed(ent.get("mentions", []), "mention", lookup, shas, rejected, ent["id"])
        if mentions is None:
            entities.append(ent)
            continue
        if not mentions:
            continue
        ent["mentions"] = mentions
        ent["documents"] = sorted({m["document"] for m in mentions})
        entities.append(ent)
    export["entities"] = entities


def _reviewed(
    mentions: list[dict[str, Any]], kind: str, lookup: Lookup, shas: dict[str, str],
    rejected: list[dict[str, Any]], owner: str,
) -> list[dict[str, Any]] | None:  # fmt: skip
    """The mentions kept after their verdicts; None when none was reviewed."""
    kept = []
    reviewed = False
    for m in mentions:
        found = lookup(shas.get(m["document"], ""), kind, m["start"], m["end"])
        verdicts = [c.value for c in found if c.field == "verdict"]
        if not verdicts:
            kept.append(m)
            continue
        reviewed = True
        if verdicts[-1] == "wrong":
            key = "event" if kind == "event" else "entity"
            rejected.append({"document": m["document"], "kind": kind, key: owner, **m})
        else:
            kept.append({**m, "review": verdicts[-1]})
    return kept if reviewed else None
