"""The Python API: `parallax.analyze(reports)` analyses reports across each other and
returns the typed record.

A thin layer over the command line's run (`parallax.analyze.run_analysis`): report texts
and report dicts are written to a JSON Lines file that the run reads like any other input,
so a report analysed here and one analysed by `parallax analyze` go through the same
reading, extraction, storage and cross-check.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parallax.crossdoc.record import Record
from parallax.models import DocumentRecord, RawDocument

Report = str | os.PathLike[str] | Mapping[str, Any] | RawDocument

# the keys of a report dict the JSON Lines reader takes (`parallax.ingest`)
REPORT_KEYS = ("name", "text", "title", "url", "outlet", "author", "published")
_MAX_PATH = 4096


@dataclass
class Analysis:
    """What `analyze` returns: the cross-document record (events with their reports,
    figure ranges, contradictions, speakers, ...), every stored report's own extraction,
    the export (`parallax export --format json`, valid against `parallax schema`), and
    what the run did with each input."""

    record: Record
    documents: list[DocumentRecord]
    export: dict[str, Any]
    added: list[str] = field(default_factory=list)  # reports analysed by this call
    skipped: list[str] = field(default_factory=list)  # already in the database
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    not_read: list[str] = field(default_factory=list)  # inputs deliberately not read


def analyze(
    reports: Report | Iterable[Report],
    db: str | os.PathLike[str] | None = None,
    *,
    gazetteer: Iterable[str | os.PathLike[str]] = (),
    model: str | None = None,
    workers: int = 1,
) -> Analysis:
    """Analyse `reports` and cross-check them with every report in `db`.

    A report is a text (a `str` that is not the path of an existing file or folder), a
    path (`pathlib.Path`, or a one-line `str` naming a file, folder or http(s) URL: read
    as `parallax analyze` reads it), or a dict (or `RawDocument`) with `text` and
    optionally `name`, `title`, `url`, `outlet`, `author`, `published`. Texts are named
    `report 1`, `report 2`, ... in the order given.

    `db`: a SQLite database to add the reports to (created if missing; reports already
    stored are skipped, the record covers everything stored); None analyses in a
    temporary database removed afterwards. `gazetteer`: extra gazetteer JSON files;
    `model`: the spaCy model; `workers`: worker processes (0: one per core).
    """
    from parallax.analyze import run_analysis
    from parallax.export import build_export
    from parallax.pipeline import Settings
    from parallax.store import Store

    items = [reports] if isinstance(reports, str | os.PathLike | Mapping | RawDocument) else reports
    settings = Settings(
        model=model, gazetteer_files=tuple(str(g) for g in gazetteer), workers=workers
    )
    with tempfile.TemporaryDirectory(prefix="parallax-") as tmp:
        paths = _inputs(list(items), Path(tmp))
        with Store(Path(tmp) / "parallax.db" if db is None else Path(db)) as store:
            summary = run_analysis(paths, store, settings)
            docs = store.documents()
            return Analysis(
                record=store.record(),
                documents=docs,
                export=build_export(store, docs=docs),
                added=summary.added,
                skipped=summary.skipped,
                failed=summary.failed,
                not_read=[str(s) for s in summary.not_read],
            )


def _inputs(items: list[Report], folder: Path) -> list[str]:
    """The run's inputs: paths as given, then one JSON Lines file of the texts and dicts."""
    paths: list[str] = []
    lines: list[str] = []
    for item in items:
        if isinstance(item, RawDocument):
            item = {k: v for k, v in dataclasses.asdict(item).items() if k in REPORT_KEYS}
        if isinstance(item, os.PathLike) or (isinstance(item, str) and _is_path(item)):
            paths.append(os.fspath(item))
        elif isinstance(item, str):
            lines.append(json.dumps({"name": f"report {len(lines) + 1}", "text": item}))
        elif isinstance(item, Mapping):
            record = {k: item[k] for k in REPORT_KEYS if item.get(k) is not None}
            record.setdefault("name", f"report {len(lines) + 1}")
            lines.append(json.dumps(record, ensure_ascii=False))
        else:
            raise TypeError(f"a report is a text, a path or a dict, not {type(item).__name__}")
    if lines:
        reports = folder / "reports.jsonl"
        reports.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(reports))
    return paths


def _is_path(text: str) -> bool:
    """A one-line string naming an existing file or folder, or an http(s) URL."""
    if "\n" in text or len(text) > _MAX_PATH or not text.strip():
        return False
    if text.startswith(("http://", "https://")):
        return True
    try:
        return Path(text).exists()
    except (OSError, ValueError):
        return False
