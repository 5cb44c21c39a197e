"""Where sources agree and disagree: per event and metric every claimed value with its
claimant and document, and a low / best / high range as UCDP keeps it (never an
average: `best` is always a value some source claimed); allegations set against their
denials; events and figures reported by more than one source."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from parallax.link import Linked
from parallax.models import DocumentRecord, Quote

DENIAL_CUES = {
    "denied",
    "denies",
    "deny",
    "rejected",
    "rejects",
    "dismissed",
    "dismisses",
    "refuted",
}
CLAIM_CUES = {
    "claimed",
    "claims",
    "alleged",
    "alleges",
    "alleging",
    "accused",
    "accuses",
    "said",
    "says",
    "reported",
    "reporting",
    "maintains",
    "maintained",
    "charged",
    "insisted",
}


def best_value(values: list[int]) -> int:
    """The value most sources give; on a tie, the lower middle of the tied values."""
    counts = Counter(values)
    top = max(counts.values())
    tied = sorted(v for v, c in counts.items() if c == top)
    return tied[(len(tied) - 1) // 2]


def discrepancies(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """One entry per (event, metric) with every value claimed for it."""
    table: dict[tuple[str | None, str], list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        for f in d.figures:
            event = linked.figure_event(d.name, f.event)
            table[(event, f.metric)].append(
                {
                    "value": f.value,
                    "qualifier": f.qualifier,
                    "of_which": f.of_which,
                    "claimant": f.claimant,
                    "reportedly": f.reportedly,
                    "document": d.name,
                    "text": f.text,
                    "start": f.start,
                    "end": f.end,
                    "update": f.update,
                    "previous": f.previous,
                    "as_of": f.as_of,
                    "side": f.side,
                }
            )
    out = []
    for (event, metric), values in sorted(
        table.items(), key=lambda kv: (kv[0][0] or "~", kv[0][1])
    ):
        numbers = [v["value"] for v in values if v["value"] is not None]
        out.append(
            {
                "event": event,
                "metric": metric,
                "low": min(numbers) if numbers else None,
                "best": best_value(numbers) if numbers else None,
                "high": max(numbers) if numbers else None,
                "agreed": len(set(numbers)) <= 1,
                "sources": len({v["document"] for v in values}),
                "values": values,
                "latest": latest_update(values),
            }
        )
    return out


def latest_update(values: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest value of a rising toll ("rose to 170 on Tuesday"): the update with the
    latest date (on the same date, the higher value), stated with its date and source;
    None when no value is an update. Every value stays in `values`."""
    updates = [v for v in values if v.get("update") and v["value"] is not None]
    if not updates:
        return None
    top = max(updates, key=lambda v: (v.get("as_of") or "", v["value"]))
    return {k: top[k] for k in ("value", "as_of", "claimant", "document", "start", "end")}


def _para(text: str, offset: int) -> int:
    """Index of the paragraph holding `offset` (blank lines do not count)."""
    return len(re.findall(r"\n+", text[:offset]))


def contradictions(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """A denial set against the claim it answers: the nearest earlier statement by another
    speaker in the same or the previous paragraph."""
    out = []
    for d in docs:
        quotes = sorted(d.quotes, key=lambda q: q.start)
        for i, q in enumerate(quotes):
            if (q.cue or "").lower() not in DENIAL_CUES or not q.speaker:
                continue
            claim = _claim_before(d, quotes[:i], q)
            if claim is None:
                continue
            out.append(
                {
                    "kind": "allegation_denial",
                    "event": _event_near(d, linked, q.start),
                    "a": claim.text,
                    "a_claimant": claim.speaker,
                    "a_document": d.name,
                    "a_start": claim.start,
                    "a_end": claim.end,
                    "b": q.text,
                    "b_claimant": q.speaker,
                    "b_document": d.name,
                    "b_start": q.start,
                    "b_end": q.end,
                }
            )
    return out


def _claim_before(d: DocumentRecord, earlier: list[Quote], denial: Quote) -> Quote | None:
    here = _para(d.text, denial.start)
    for c in reversed(earlier):
        if (
            c.speaker
            and c.speaker != denial.speaker
            and here - _para(d.text, c.start) <= 1
            and (c.cue or "").lower() in CLAIM_CUES
            and c.kind != "partial"
        ):
            return c
    return None


def _event_near(d: DocumentRecord, linked: Linked, offset: int) -> str | None:
    for ev in d.events:
        if ev.sentence_start <= offset < ev.sentence_end:
            return linked.event_of.get((d.name, ev.key))
    return None


def agreements(linked: Linked, discs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events reported by more than one source, and figures that several sources share."""
    out = []
    for e in linked.events:
        if len(e.documents) > 1:
            when = f" on {e.date}" if e.date else ""
            where = f" in {e.location}" if e.location else ""
            out.append(
                {
                    "event": e.id,
                    "what": f"{e.type.replace('_', ' ')}{where}{when}",
                    "documents": e.documents,
                }
            )
    for disc in discs:
        by_value: dict[int, set[str]] = defaultdict(set)
        for v in disc["values"]:
            if v["value"] is not None:
                by_value[v["value"]].add(v["document"])
        for value, documents in by_value.items():
            if len(documents) > 1:
                out.append(
                    {
                        "event": disc["event"],
                        "what": f"{disc['metric']}: {value}",
                        "documents": sorted(documents),
                    }
                )
    return out


SPECIFIC_ATTACKS = {"airstrike", "shelling", "ground_offensive"}


def descriptions(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """One event, told differently: a report that says troops went in against one that
    says drone strikes (each report's own words, side by side)."""
    texts = {d.name: d.text for d in docs}
    out = []
    for event in linked.events:
        kinds: dict[str, dict[str, Any]] = {}  # document -> first specific mention
        for doc, m in sorted(event.members, key=lambda dm: dm[1].start):
            if m.type in SPECIFIC_ATTACKS and doc not in kinds:
                kinds[doc] = {"type": m.type, "mention": m}
        docs_ = sorted(kinds)
        for i, a in enumerate(docs_):
            for b in docs_[i + 1 :]:
                ma, mb = kinds[a]["mention"], kinds[b]["mention"]
                if ma.type == mb.type:
                    continue
                out.append({
                    "kind": "description", "event": event.id,
                    "a": texts[a][ma.sentence_start : ma.sentence_end].strip(), "a_claimant": None,
                    "a_document": a, "a_start": ma.sentence_start, "a_end": ma.sentence_end,
                    "b": texts[b][mb.sentence_start : mb.sentence_end].strip(), "b_claimant": None,
                    "b_document": b, "b_start": mb.sentence_start, "b_end": mb.sentence_end,
                })  # fmt: skip
    return out


def reconcile(docs: list[DocumentRecord], linked: Linked) -> dict[str, list[dict[str, Any]]]:
    discs = discrepancies(docs, linked)
    return {
        "discrepancies": discs,
        "contradictions": contradictions(docs, linked) + descriptions(docs, linked),
        "agreements": agreements(linked, discs),
    }
