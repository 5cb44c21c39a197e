"""The export: the stored record as one JSON-ready dict (the gold format of
../shared/gold/README.md plus offsets and the cross-document record), and its
renderings as JSON, Markdown and HTML, and the dataset-shaped ones of `parallax.formats`
(tidy CSV tables, ACLED- and UCDP-shaped CSV, GeoJSON)."""

from __future__ import annotations

import copy
import functools
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, fields
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _encode_str
from pathlib import Path
from typing import Any, TextIO

from parallax import __version__
from parallax.crossdoc.corrections import apply_verdicts, correct_range, source_groups
from parallax.crossdoc.record import (
    TABLES,
    Agreement,
    Contradiction,
    Entity,
    Event,
    Framing,
    Range,
    Source,
    Speaker,
)
from parallax.models import DocumentRecord
from parallax.report import (
    REPORT_SECTIONS,
    ExportParts,
    report_reads,
    to_html,
    to_markdown,
    write_html,
    write_markdown,
)
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


_PLAIN = (str, int, float, bool, type(None))


def _item_dict(item: Any, fresh: bool = False) -> dict[str, Any]:
    """`dataclasses.asdict` of an extracted item (a flat record: its fields hold plain
    values, lists and dicts, never another dataclass), a few times faster: the same dict,
    containers copied as asdict copies them, or shared with an item read for this export
    alone (`fresh`: no one else holds it)."""
    kind: type = type(item)
    names = _field_names(kind)
    if fresh:
        return {name: getattr(item, name) for name in names}
    out = {}
    for name in names:
        value = getattr(item, name)
        out[name] = value if isinstance(value, _PLAIN) else copy.deepcopy(value)
    return out


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def document_dict(
    doc: DocumentRecord, keys: dict[tuple[str, str], str], fresh: bool = False
) -> dict[str, Any]:
    """One report as exported: metadata, quotes, figures and times with offsets. `fresh`:
    the report was read for this export alone (its items' lists and dicts are not
    copied)."""
    quotes = []
    for q in doc.quotes:
        item = _item_dict(q, fresh)
        item["events"] = _quote_events(doc, q.start, q.end, keys)
        quotes.append(item)
    figures = []
    for f in doc.figures:
        item = _item_dict(f, fresh)
        item["event"] = keys.get((doc.name, f.event)) if f.event else None
        figures.append(item)
    times = [{k: v for k, v in _item_dict(t, fresh).items() if k != "rule"} for t in doc.times]
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
        correct_document(doc, index, rejected)
    correct_record(export, index, shas, rejected)
    export["rejected"] = rejected
    export["corrections"] = [asdict(c) for c in corrections]


def correct_document(
    doc: dict[str, Any], index: CorrectionIndex, rejected: list[dict[str, Any]]
) -> dict[str, Any]:
    """One exported report with its items' corrections applied in place; the items marked
    wrong leave it for `rejected`."""
    for kind, key in ITEM_LISTS.items():
        kept = []
        for item in doc[key]:
            found = index.get((doc["sha256"], kind, item["start"], item["end"]), [])
            if correct_item(item, kind, found) == "wrong":
                rejected.append(rejected_item(doc["name"], kind, item))
            else:
                kept.append(item)
        doc[key] = kept
    return doc


def correct_record(
    record: dict[str, Any],
    index: CorrectionIndex,
    shas: dict[str, str],
    rejected: list[dict[str, Any]],
) -> None:
    """The record's part of the corrections (its sections in `record`, corrected in
    place): ranges recomputed from their corrected claims, verdicts on event and entity
    mentions; what they reject added to `rejected`. `shas`: report name -> its hash."""

    def lookup(sha: str, kind: str, start: int, end: int) -> list[Correction]:
        return index.get((sha, kind, start, end), [])

    source_of = source_groups(record)
    record["discrepancies"] = [
        correct_range(disc, lookup, correct_item, shas, source_of)
        for disc in record.get("discrepancies", [])
    ]
    apply_verdicts(record, lookup, shas, rejected)


# -- the streamed export -------------------------------------------------------------------
BATCH = 500  # reports read from the store at once by a streamed export
STREAMED = ("json", "md", "html")  # the formats `write_streamed` writes piece by piece

# one row of a stored record table as the export writes it: read through its typed class
# and back, as `Store.record().to_dict()` gives it
_ROW: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "entities": lambda d: Entity.from_dict(d).to_dict(),
    "events": lambda d: Event.from_dict(d).to_dict(),
    "discrepancies": lambda d: Range.from_dict(d).to_dict(),
    "contradictions": lambda d: Contradiction.from_dict(d).to_dict(),
    "agreements": lambda d: Agreement.from_dict(d).to_dict(),
    "speakers": lambda d: Speaker.from_dict(d).to_dict(),
    "stories": lambda d: {"documents": list(d.get("documents", []))},
    "sources": lambda d: Source.from_dict(d).to_dict(),
    "framing": lambda d: Framing.from_dict(d).to_dict(),
}


class StreamedExport:
    """`build_export` read piece by piece: the reports `batch` at a time from the store
    (`Store.iter_documents`), each exported and corrected on its own, and the record's
    sections row by row (`Store.iter_results`), so that memory holds one batch of
    reports and the record's index of events (report and mention -> event id), not the
    whole export. The pieces are those of `build_export(store, corrected)`, in its order.
    The record's sections are read whole only where a correction changes them (a range's
    claim or a verdict on an event or entity mention), as `apply_corrections` does."""

    def __init__(self, store: Store, corrected: bool = True, batch: int = BATCH) -> None:
        self.store = store
        self.corrected = corrected
        self.batch = batch
        self.corrections = store.corrections() if corrected else []
        self.index = index_corrections(self.corrections)
        self.generator = f"parallax {__version__}"
        self._keys: dict[tuple[str, str], str] | None = None
        self._record: dict[str, Any] | None = None
        self._record_rejected: list[dict[str, Any]] = []
        self._doc_rejected: list[dict[str, Any]] = []

    def event_keys(self) -> dict[tuple[str, str], str]:
        """(report name, its event mention's key) -> the record's event id."""
        if self._keys is None:
            keys: dict[tuple[str, str], str] = {}
            for ev in self._events():
                for m in ev.mentions:
                    keys[(m.document, m.key)] = ev.id
            self._keys = keys
        return self._keys

    def _events(self) -> Iterator[Event]:
        for row in self.store.iter_results("events"):
            yield Event.from_dict(row)

    def documents(self) -> Iterator[dict[str, Any]]:
        """The exported reports in order, corrected; the items they reject are kept for
        `rejected()` once every report was read."""
        keys = self.event_keys()
        rejected: list[dict[str, Any]] = []
        items = ("quotes", "figures", "times", "events")
        for doc in self.store.iter_documents(self.batch, items=items, text=False):
            out = document_dict(doc, keys, fresh=True)
            if self.corrected:
                correct_document(out, self.index, rejected)
            yield out
        self._doc_rejected = rejected

    def _corrected_record(self) -> dict[str, Any]:
        """The record's sections read whole and corrected (only with corrections)."""
        if self._record is None:
            record: dict[str, Any] = {
                t: [_ROW[t](row) for row in self.store.iter_results(t)] for t in TABLES
            }
            rejected: list[dict[str, Any]] = []
            correct_record(record, self.index, self.store.document_hashes(), rejected)
            self._record, self._record_rejected = record, rejected
        return self._record

    def section(self, table: str) -> Iterable[dict[str, Any]]:
        """One section of the record (a name of `crossdoc.record.TABLES`), as exported."""
        if self.corrected and self.corrections:
            return iter(self._corrected_record()[table])
        return (_ROW[table](row) for row in self.store.iter_results(table))

    def record(self) -> dict[str, Any]:
        """Every section of the record, and what follows the reports in the export
        (failures, and with corrections the rejected items and the corrections): the
        export but its reports."""
        out: dict[str, Any] = {"generator": self.generator}
        out.update((t, list(self.section(t))) for t in TABLES)
        out["failures"] = self.store.failures()
        return out

    def rejected(self) -> list[dict[str, Any]]:
        """The items marked wrong: the reports' (once `documents()` was read through),
        then the record's."""
        if self.corrections:
            self._corrected_record()
        return self._doc_rejected + self._record_rejected

    def parts(self) -> ExportParts:
        """The export as the report renderers read it: the part of the record they read
        (`report.REPORT_SECTIONS`), and the reports read again from the store on each
        pass."""
        record: dict[str, Any] = {"generator": self.generator}
        for table in REPORT_SECTIONS:
            record[table] = [row for row in self.section(table) if report_reads(table, row)]
        record["failures"] = self.store.failures()
        return ExportParts(record, self.documents)

    def write_json(self, out: TextIO) -> None:
        """`json.dumps(build_export(store), ensure_ascii=False, indent=1)`, written piece
        by piece: byte for byte the same text."""
        out.write("{\n")
        _write_member(out, "generator", self.generator, first=True)
        _write_member(out, "documents", self.documents())
        for table in TABLES:
            _write_member(out, table, self.section(table))
        _write_member(out, "failures", self.store.failures())
        if self.corrected:
            _write_member(out, "rejected", self.rejected())
            _write_member(out, "corrections", [asdict(c) for c in self.corrections])
        out.write("\n}")


def _dump(value: Any, indent: int) -> str:
    """`value` as `json.dumps(..., ensure_ascii=False, indent=1)` writes it `indent`
    levels deep."""
    return _encode(value, "\n" + " " * indent)


_SCALARS = frozenset([str, int, float, bool, type(None)])
_CONTAINERS = frozenset([dict, list, tuple])


def _flat(values: Iterable[Any]) -> bool:
    """Whether a container holds only scalars and empty containers (which json writes
    the same with an indent or without)."""
    for v in values:
        kind = type(v)
        if kind not in _SCALARS and (kind not in _CONTAINERS or v):
            return False
    return True


@functools.cache
def _flat_encoder(inner: str) -> Callable[[Any], str]:
    """json's C encoder, with the newline and indent of one level in its separator (made
    once: `JSONEncoder.encode` makes it anew on every call)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=("," + inner, ": "))
    if c_make_encoder is None:  # no C accelerator: json's own
        return encoder.encode
    chunks = c_make_encoder(
        None, encoder.default, _encode_str, None, ": ", "," + inner, False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


def _encode(value: Any, pad: str) -> str:
    """The text `json.dumps(value, ensure_ascii=False, indent=1)` gives, its lines after
    the first indented to `pad` (a newline and spaces): the same text, made a few times
    faster than json's own encoder makes it with an indent (which is pure Python,
    generator upon generator; only the unindented encoder is in C). Plain JSON data only
    (dicts with string keys, lists, strings, numbers, booleans, None); anything else is
    left to json itself."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    inner = pad + " "
    if kind is dict:
        if not value:
            return "{}"
        if _flat(value.values()):  # json's C encoder, the indent in its separator
            return "{" + inner + _flat_encoder(inner)(value)[1:-1] + pad + "}"
        if all(type(k) is str for k in value):
            return (
                "{"
                + inner
                + ("," + inner).join(
                    [
                        _encode_str(k)
                        + ": "
                        + (_encode_str(v) if type(v) is str else _encode(v, inner))
                        for k, v in value.items()
                    ]
                )
                + pad
                + "}"
            )
    elif kind is list or kind is tuple:
        if not value:
            return "[]"
        if _flat(value):
            return "[" + inner + _flat_encoder(inner)(value)[1:-1] + pad + "]"
        return (
            "["
            + inner
            + ("," + inner).join(
                [_encode_str(v) if type(v) is str else _encode(v, inner) for v in value]
            )
            + pad
            + "]"
        )
    elif value is None:
        return "null"
    elif value is True:
        return "true"
    elif value is False:
        return "false"
    elif kind is int:
        return int.__repr__(value)
    elif kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", pad)


def _write_member(out: TextIO, key: str, value: Any, first: bool = False) -> None:
    """One member of the export's top-level object; a list or iterator written item by
    item (an item at a time in memory)."""
    out.write(("" if first else ",\n") + " " + json.dumps(key, ensure_ascii=False) + ": ")
    if isinstance(value, dict | str | int | float | bool) or value is None:
        out.write(_dump(value, 1))
        return
    empty = True
    for item in value:
        out.write(("[\n  " if empty else ",\n  ") + _dump(item, 2))
        empty = False
    out.write("[]" if empty else "\n ]")


def write_streamed(store: Store, fmt: str, out: TextIO, corrected: bool = True) -> None:
    """Write the store's export in one of STREAMED to `out` piece by piece (see
    `StreamedExport`): the same text as `render(build_export(store, corrected), fmt)`."""
    with _snapshot(store):
        stream = StreamedExport(store, corrected)
        if fmt == "json":
            stream.write_json(out)
        elif fmt == "md":
            write_markdown(stream.parts(), out)
        elif fmt == "html":
            write_html(stream.parts(), out)
        else:
            raise ValueError(f"{fmt!r} is not streamed; choose one of {', '.join(STREAMED)}")


class _snapshot:  # noqa: N801 - used as a context manager
    """One read transaction around a streamed export, so that its pieces read one version
    of the database even while another run writes to it (WAL readers keep their snapshot)."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.began = False

    def __enter__(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            self.began = True

    def __exit__(self, *exc: object) -> None:
        if self.began and self.conn.in_transaction:
            self.conn.rollback()


def export_to(store: Store, fmt: str, output: Path | None) -> list[Path]:
    """`parallax export`: the store's export in `fmt` to `output` (None: standard output);
    JSON, Markdown and HTML streamed (`write_streamed`), the dataset formats built from
    `build_export`. Returns the paths written."""
    if fmt in STREAMED:
        if output is None:
            write_streamed(store, fmt, sys.stdout)
            return []
        # a file is written aside and moved in place once whole (no half export is left
        # where a failure stops it); a device or pipe (-o /dev/stdout) is written to
        part = output.with_name(output.name + ".part")
        target = part if output.is_file() or not output.exists() else output
        try:
            with target.open("w", encoding="utf-8") as fh:
                write_streamed(store, fmt, fh)
            if target is part:
                part.replace(output)
        finally:
            part.unlink(missing_ok=True)
        return [output]
    export = build_export(store)
    if output is None:
        sys.stdout.write(render(export, fmt))
        return []
    return write(export, fmt, output)


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
