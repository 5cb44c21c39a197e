"""The export: the stored record as one JSON-ready dict (the gold format of
../shared/gold/README.md plus offsets and the cross-document record), and its
renderings as JSON, Markdown and HTML, and the dataset-shaped ones of `parallax.formats`
(tidy CSV tables, ACLED- and UCDP-shaped CSV, GeoJSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from parallax import __version__
from parallax.crossdoc.corrections import apply_verdicts, correct_range, source_groups
from parallax.models import DocumentRecord
from parallax.report import to_html, to_markdown
from parallax.store import Correction, Store

FORMATS = ("json", "csv", "md", "html", "acled", "ucdp", "geojson")
TABLES_ONLY = "csv writes one CSV file per table: give -o FILE.zip or -o FOLDER/"


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
    record = store.record()
    keys = {(m.document, m.key): e.id for e in record.events for m in e.mentions}
    docs = store.documents() if docs is None else docs
    export = {
        "generator": f"parallax {__version__}",
        "documents": [document_dict(d, keys) for d in docs],
        **record.to_dict(),
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


def rejected_item(document: str, kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """An item marked wrong as `rejected[]` lists it: its document, what it is (`kind`:
    quote, figure, time...) and its own fields; a quote's or time's own kind (direct,
    date...) kept apart as `item_kind`, never over the item's."""
    out = {"document": document, "kind": kind}
    out.update((k, v) for k, v in item.items() if k != "kind")
    if "kind" in item:
        out["item_kind"] = item["kind"]
    return out


def apply_corrections(export: dict[str, Any], corrections: list[Correction]) -> None:
    """Use the analysts' corrections in the export, once, for every page and report built
    from it: corrected fields (marked `corrected` with the `machine_value`), items marked
    wrong moved from their document to `rejected[]`, figure ranges recomputed from the
    corrected values (`parallax.crossdoc.corrections`), verdicts on event and entity
    mentions applied to their events and entities, and every correction listed under
    `corrections[]`."""
    index = index_corrections(corrections)
    shas = {d["name"]: d["sha256"] for d in export["documents"]}
    rejected: list[dict[str, Any]] = []
    for doc in export["documents"]:
        for kind, key in ITEM_LISTS.items():
            kept = []
            for item in doc[key]:
                found = index.get((doc["sha256"], kind, item["start"], item["end"]), [])
                if correct_item(item, kind, found) == "wrong":
                    rejected.append(rejected_item(doc["name"], kind, item))
                else:
                    kept.append(item)
            doc[key] = kept

    def lookup(sha: str, kind: str, start: int, end: int) -> list[Correction]:
        return index.get((sha, kind, start, end), [])

    source_of = source_groups(export)
    export["discrepancies"] = [
        correct_range(disc, lookup, correct_item, shas, source_of)
        for disc in export.get("discrepancies", [])
    ]
    apply_verdicts(export, lookup, shas, rejected)
    export["rejected"] = rejected
    export["corrections"] = [asdict(c) for c in corrections]


def render(export: dict[str, Any], fmt: str) -> str:
    """The export in one of FORMATS as text (csv, several tables, is `write`'s)."""
    from parallax import formats

    if fmt == "json":
        return json.dumps(export, ensure_ascii=False, indent=1)
    if fmt == "csv":
        raise ValueError(TABLES_ONLY)
    if fmt == "acled":
        return formats.to_acled(export)
    if fmt == "ucdp":
        return formats.to_ucdp(export)
    if fmt == "geojson":
        return formats.to_geojson(export)
    if fmt == "md":
        return to_markdown(export)
    if fmt == "html":
        return to_html(export)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write(export: dict[str, Any], fmt: str, output: Path) -> list[Path]:
    """Write the export in one of FORMATS to `output` (csv: a zip of tables, or a folder
    of them when `output` is a folder or ends with '/'). Returns the paths written."""
    from parallax.formats import write_tables

    if fmt == "csv":
        return write_tables(export, output)
    output.write_text(render(export, fmt), encoding="utf-8")
    return [output]
