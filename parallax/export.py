"""The export: the stored record as one JSON-ready dict (the gold format of
../shared/gold/README.md plus offsets and the cross-document record), and its
renderings as JSON, CSV, Markdown and HTML."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from parallax import __version__
from parallax.models import DocumentRecord
from parallax.reconcile import settle
from parallax.report import to_csv, to_html, to_markdown
from parallax.store import Correction, Store

FORMATS = ("json", "csv", "md", "html")


def _event_keys(events: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    return {(m["document"], m["key"]): e["id"] for e in events for m in e.get("mentions", [])}


def _quote_events(
    doc: DocumentRecord, start: int, end: int, keys: dict[tuple[str, str], str]
) -> list[str]:
    out = []
    for ev in doc.events:
        if ev.sentence_start < end and start < ev.sentence_end:
            eid = keys.get((doc.name, ev.key))
            if eid and eid not in out:
                out.append(eid)
    return out


def document_dict(doc: DocumentRecord, keys: dict[tuple[str, str], str]) -> dict[str, Any]:
    """One report as exported: metadata, quotes, figures and times with offsets."""
    quotes = []
    for q in doc.quotes:
        item = asdict(q)
        item["events"] = _quote_events(doc, q.start, q.end, keys)
        quotes.append(item)
    figures = []
    for f in doc.figures:
        item = asdict(f)
        item["event"] = keys.get((doc.name, f.event)) if f.event else None
        figures.append(item)
    times = [{k: v for k, v in asdict(t).items() if k != "rule"} for t in doc.times]
    return {
        "id": doc.id,
        "name": doc.name,
        "source": doc.source,
        "format": doc.format,
        "sha256": doc.sha256,
        "title": doc.title,
        "author": doc.author,
        "image_credit": doc.image_credit,
        "outlet": doc.outlet,
        "url": doc.url,
        "published": doc.published,
        "published_basis": doc.published_basis,
        "published_from": doc.published_from,
        "language": doc.language,
        "flags": doc.flags,
        "quotes": quotes,
        "figures": figures,
        "times": times,
    }


def build_export(
    store: Store, corrected: bool = True, docs: list[DocumentRecord] | None = None
) -> dict[str, Any]:
    """Everything in the database as one dict; with `corrected`, the analysts' corrections
    applied (see `apply_corrections`). `docs`: the stored reports, if already read."""
    results = store.results()
    keys = _event_keys(results["events"])
    docs = store.documents() if docs is None else docs
    export = {
        "generator": f"parallax {__version__}",
        "documents": [document_dict(d, keys) for d in docs],
        **results,
        "failures": store.failures(),
    }
    if corrected:
        apply_corrections(export, store.corrections())
    return export


# -- the analysts' corrections ------------------------------------------------------------
ITEM_LISTS = {"quote": "quotes", "figure": "figures", "time": "times"}
CorrectionIndex = dict[tuple[str, str, int, int], list[Correction]]


def coerce_value(kind: str, field: str, text: str | None) -> Any:
    """A corrected value as the export types it (figure values are integers)."""
    if text is None or text.strip() == "":
        return None
    if kind == "figure" and field == "value":
        return int(text.strip().replace(",", ""))
    return text.strip()


def correct_item(item: dict[str, Any], kind: str, corrections: list[Correction]) -> str | None:
    """Apply corrections to one exported item in place: each corrected field gets the
    analyst's value, the item says `corrected: true` and keeps `machine_value` (field ->
    the machine's value). Returns the verdict (correct | wrong) if there is one."""
    verdict = None
    machine: dict[str, Any] = {}
    for corr in corrections:
        if corr.field == "verdict":
            verdict = corr.value
        elif corr.field in item:
            machine[corr.field] = item[corr.field]
            item[corr.field] = coerce_value(kind, corr.field, corr.value)
    if machine:
        item["corrected"] = True
        item["machine_value"] = machine
    if verdict:
        item["review"] = verdict
    return verdict


def index_corrections(corrections: list[Correction]) -> CorrectionIndex:
    index: CorrectionIndex = {}
    for corr in corrections:
        index.setdefault((corr.sha256, corr.kind, corr.start, corr.end), []).append(corr)
    return index


def apply_corrections(export: dict[str, Any], corrections: list[Correction]) -> None:
    """Use the analysts' corrections in the export: corrected fields (marked `corrected`
    with the `machine_value`), items marked wrong moved from their document to
    `rejected[]`, figure ranges recomputed from the corrected values, and every correction
    listed under `corrections[]`."""
    index = index_corrections(corrections)
    shas = {d["name"]: d["sha256"] for d in export["documents"]}
    rejected: list[dict[str, Any]] = []
    for doc in export["documents"]:
        for kind, key in ITEM_LISTS.items():
            kept = []
            for item in doc[key]:
                found = index.get((doc["sha256"], kind, item["start"], item["end"]), [])
                if correct_item(item, kind, found) == "wrong":
                    rejected.append({"document": doc["name"], "kind": kind, **item})
                else:
                    kept.append(item)
            doc[key] = kept
    for disc in export.get("discrepancies", []):
        _correct_discrepancy(disc, index, shas)
    export["rejected"] = rejected
    export["corrections"] = [asdict(c) for c in corrections]


def _correct_discrepancy(
    disc: dict[str, Any], index: CorrectionIndex, shas: dict[str, str]
) -> None:
    """Corrected claims in one figure range, and the range recomputed from them."""
    kept = []
    for value in disc["values"]:
        key = (shas.get(value["document"], ""), "figure", value["start"], value["end"])
        if correct_item(value, "figure", index.get(key, [])) != "wrong":
            kept.append(value)
    if not any(v.get("corrected") or v.get("review") for v in kept) and len(kept) == len(
        disc["values"]
    ):
        return
    disc["values"] = kept
    disc.update(settle(kept))
    disc["corrected"] = True


def render(export: dict[str, Any], fmt: str) -> str:
    """The export in one of FORMATS."""
    if fmt == "json":
        return json.dumps(export, ensure_ascii=False, indent=1)
    if fmt == "csv":
        return to_csv(export)
    if fmt == "md":
        return to_markdown(export)
    if fmt == "html":
        return to_html(export)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
