"""The export: the stored record as one JSON-ready dict (the gold format of
../shared/gold/README.md plus offsets and the cross-document record), and its
renderings as JSON, CSV, Markdown and HTML."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from parallax import __version__
from parallax.models import DocumentRecord
from parallax.report import to_csv, to_html, to_markdown
from parallax.store import Store

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


def build_export(store: Store) -> dict[str, Any]:
    """Everything in the database as one dict."""
    results = store.results()
    keys = _event_keys(results["events"])
    return {
        "generator": f"parallax {__version__}",
        "documents": [document_dict(d, keys) for d in store.documents()],
        **results,
        "failures": store.failures(),
    }


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
