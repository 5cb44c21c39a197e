"""Render a Parallax export dict as an analyst's report: Markdown, HTML or CSV.

Every string in the export comes from article text and is treated as hostile:
the HTML renderer escapes every interpolated value, the Markdown renderer neutralises
raw HTML and link/image syntax, and the CSV renderer defuses spreadsheet formulas.
The renderers only show what the export holds; they never average or invent values.

Both report renderers share one plain-text view of the export (`_build_view`); the view
holds unescaped strings and each renderer escapes them as it writes them out.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from parallax import mapdraw
from parallax.crossdoc.view import (
    ClaimView,
    Overview,
    Place,
    SpanRef,
    View,
    as_dicts,
    as_text,
    copy_groups,
    count_noun,
    located,
    overview,
    place_name,
    source_group_map,
)
from parallax.timeaxis import export_items, time_axis

_dicts, _text = as_dicts, as_text  # the export read as every renderer reads it

_QUALIFIER_WORDS = {"at_least": "at least", "at_most": "at most", "about": "about"}
_FIGURE_HEADERS = ["Figure", "Claimant", "Document", "As reported"]


# --------------------------------------------------------------------------- access


def _strs(value: Any) -> list[str]:
    """The non-null items of a list field, as strings."""
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if item is not None]


def _doc_name(doc: dict[str, Any]) -> str:
    """The name a document is referred to by elsewhere in the export."""
    name = doc.get("name")
    if name:
        return str(name)
    return f"document {_text(doc.get('id'))}".strip()


def _event_ids(item: dict[str, Any]) -> list[str]:
    """The event ids a quote is linked to."""
    return _strs(item.get("events"))


# --------------------------------------------------------------------- plain phrases


def _when(date: Any, precision: Any) -> str:
    """'2023-09-19 (day)', or 'undated'."""
    if not date:
        return "undated"
    return f"{date} ({precision})" if precision else str(date)


def _figure_phrase(item: dict[str, Any]) -> str:
    """'at least 138 civilians, of which 2 children' from a figure or discrepancy value."""
    value = item.get("value")
    qualifier = item.get("qualifier")
    if value is None:
        phrase = str(qualifier) if qualifier else "no value"
    elif qualifier in (None, "", "exact"):
        phrase = str(value)
    elif qualifier in _QUALIFIER_WORDS:
        phrase = f"{_QUALIFIER_WORDS[qualifier]} {value}"
    else:
        phrase = f"{value} ({qualifier})"
    population = _text(item.get("population"))
    if population:
        noun = count_noun(1, population)[2:] if value == 1 else population
        phrase = f"{phrase} {noun}"
    of_which = item.get("of_which")
    if isinstance(of_which, dict) and of_which and of_which != {population: value}:
        parts = ", ".join(count_noun(count, group) for group, count in of_which.items())
        phrase += f", of which {parts}"
    if item.get("side"):
        phrase += f" ({_text(item['side'])} side)"
    if item.get("update"):
        since = f" from {item['previous']}" if item.get("previous") is not None else ""
        when = f" as of {_text(item['as_of'])}" if item.get("as_of") else ""
        phrase += f" (updated toll{since}{when})"
    return phrase


def _claimant(item: dict[str, Any]) -> str:
    """The claimant, 'unnamed' when null, with '(reportedly)' when hedged."""
    who = _text(item.get("claimant")) or "unnamed"
    return f"{who} (reportedly)" if item.get("reportedly") else who


def _speaker(quote: dict[str, Any]) -> str:
    """'Ilham Aliyev (said; via BBC)', or 'unresolved "he"', or 'unattributed'."""
    if quote.get("speaker"):
        who = str(quote["speaker"])
    elif quote.get("speaker_text"):
        who = f"unresolved “{quote['speaker_text']}”"
    else:
        who = "unattributed"
    details = [str(quote["cue"])] if quote.get("cue") else []
    if quote.get("via"):
        details.append(f"via {quote['via']}")
    return f"{who} ({'; '.join(details)})" if details else who


def _corrected(item: dict[str, Any]) -> str:
    """' [corrected; machine: speaker X]' for an item an analyst corrected, else ''."""
    if not item.get("corrected"):
        return ""
    machine = item.get("machine_value") or {}
    was = "; ".join(f"{k} {_text(v) or 'none'}" for k, v in machine.items())
    return f" [corrected; machine: {was}]" if was else " [corrected]"


def _quote_line(quote: dict[str, Any]) -> str:
    """'“text” — speaker (cue) [kind]', marked when an analyst corrected it."""
    line = f"“{_text(quote.get('text'))}” — {_speaker(quote)}"
    kind = quote.get("kind")
    line = f"{line} [{kind}]" if kind and kind != "direct" else line
    return line + _corrected(quote)


def _value_line(item: dict[str, Any]) -> str:
    """'27 (Health ministry, a.txt)' for one discrepancy value."""
    return f"{_figure_phrase(item)} ({_claimant(item)}, {_text(item.get('document'))})"


def _range_line(disc: dict[str, Any]) -> str:
    """'low 2 · best 25 · high 27' as the export gives them."""
    parts = [f"{key} {disc[key]}" for key in ("low", "best", "high") if disc.get(key) is not None]
    line = " · ".join(parts) if parts else "no range given"
    if disc.get("agreed"):
        return f"{line} (values agree)"
    line = f"{line} ({_text(disc['rule'])})" if disc.get("rule") and parts else line
    latest = disc.get("latest")
    if isinstance(latest, dict) and latest.get("value") is not None:
        line += (
            f"; latest update {latest['value']}"
            + (f" as of {_text(latest.get('as_of'))}" if latest.get("as_of") else "")
            + f" ({_text(latest.get('claimant')) or 'unnamed'}, {_text(latest.get('document'))})"
        )
    return line


def _distinct_values(disc: dict[str, Any]) -> int:
    """How many distinct non-null values a discrepancy holds."""
    values = {
        json.dumps(v.get("value"), sort_keys=True)
        for v in _dicts(disc.get("values"))
        if v.get("value") is not None
    }
    return len(values)


def _disagreement_line(disc: dict[str, Any]) -> str:
    """'killed: 27 (…, a.txt); 25 (…, b.txt)'."""
    values = "; ".join(_value_line(v) for v in _dicts(disc.get("values")))
    return f"{_text(disc.get('metric')) or 'figure'}: {values}"


def _contradiction_line(con: dict[str, Any]) -> str:
    """'allegation denial: “A” (claimant, doc) vs “B” (claimant, doc)'."""

    def side(key: str) -> str:
        who = _text(con.get(f"{key}_claimant")) or "unnamed"
        return f"“{_text(con.get(key))}” ({who}, {_text(con.get(f'{key}_document'))})"

    kind = _text(con.get("kind")).replace("_", " ") or "contradiction"
    what = f" [{_text(con.get('what'))}]" if con.get("what") else ""
    return f"{kind}{what}: {side('a')} vs {side('b')}"


def _agreement_line(agr: dict[str, Any]) -> str:
    """'what (a.txt, b.txt)'."""
    docs = ", ".join(_strs(agr.get("documents")))
    what = _text(agr.get("what"))
    return f"{what} ({docs})" if docs else what


# ------------------------------------------------------------------------------ view


@dataclass
class _Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class _Metric:
    name: str
    table: _Table
    range: str | None


@dataclass
class _Column:
    document: str
    quotes: list[str]
    copies: list[str] = field(default_factory=list)  # syndicated copies folded into it


@dataclass
class _EventView:
    anchor: str
    title: str
    when: str
    short: str
    facts: list[tuple[str, str]]
    sources: list[str]
    metrics: list[_Metric]
    columns: list[_Column]
    mentions: list[str]
    disagreements: list[str]
    agreements: list[str]
    framing: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


@dataclass
class _DocView:
    anchor: str
    heading: str
    fields: list[tuple[str, str]]
    times: list[str]
    unlinked_quotes: list[str]


@dataclass
class _View:
    summary: str
    events: Iterable[_EventView]  # made one at a time, as they are written
    documents: Iterable[_DocView]  # read once, as they are written (a second pass)
    unlinked_figures: _Table | None
    unlinked_lines: list[str]
    failures: list[str]
    flagged: list[str]
    generator: str
    timeline: list[tuple[str, str, str]] = field(default_factory=list)
    framing: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    overview: Overview | None = None  # where the sources disagree (the shared view model)
    event_anchors: dict[str, str] = field(default_factory=dict)  # event id -> anchor
    doc_anchors: dict[str, str] = field(default_factory=dict)  # document name -> anchor
    axis: str = ""  # the time axis (HTML), as the server draws it
    event_count: int = 0


@dataclass
class ExportParts:
    """An export as the report reads it: everything but its reports (`record`: the
    record's sections, failures, generator), and its reports, read again on each call of
    `documents` (a list, or a store read in batches: `parallax.export.StreamedExport`),
    so that a report of a large database holds its record and an index of its reports,
    not every report at once."""

    record: dict[str, Any]
    documents: Callable[[], Iterable[dict[str, Any]]]
    valid: bool = True  # False: what was given was no export (the report says nothing)

    @classmethod
    def of(cls, export: Any) -> ExportParts:
        """The parts of a whole export dict."""
        if isinstance(export, ExportParts):
            return export
        if not isinstance(export, dict):
            return cls({}, list, valid=False)
        record = {k: v for k, v in export.items() if k != "documents"}
        return cls(record, lambda: _dicts(export.get("documents")))


# what the report reads of a report but in its own section (written in a second pass)
_META_KEYS = ("id", "name", "published", "outlet", "flags")
# The record's sections the report reads (not the speakers, nor the stories), and of the
# entities only the places with coordinates (the maps' `PlaceIndex` keeps no other): what
# a report of a large database needs of its record (`parallax.export.StreamedExport`).
REPORT_SECTIONS = (
    "entities",
    "events",
    "discrepancies",
    "contradictions",
    "agreements",
    "sources",
    "framing",
)


def report_reads(section: str, item: dict[str, Any]) -> bool:
    """Whether the report reads an item of one of REPORT_SECTIONS."""
    return section != "entities" or located(item)


class _Index:
    """Look-ups over the export shared by the view builders, built in one pass over the
    reports: each report's metadata (its items left out), the figures per event, the
    quotes per event; the record's parts per event."""

    def __init__(self, parts: ExportParts) -> None:
        record = parts.record
        self.view = View(record)  # what the report shares with the server and `summary`
        self.events = self.view.events
        self.discrepancies = self.view.ranges
        self.contradictions = self.view.contradictions
        self.agreements = _dicts(record.get("agreements"))
        self.failures = _dicts(record.get("failures"))
        self.sources = _dicts(record.get("sources"))
        self.groups = source_group_map(record)
        self.event_ids = {_text(ev.get("id")) for ev in self.events if ev.get("id")}
        wanted = {_text(ev.get("id")) for ev in self.events}  # what events look up
        self.discrepancies_of = _per_event(self.discrepancies)
        self.contradictions_of = _per_event(self.contradictions)
        self.agreements_of = _per_event(self.agreements)
        self.documents: list[dict[str, Any]] = []  # each report's _META_KEYS
        self.by_name: dict[str, dict[str, Any]] = {}
        self.figures_of: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.unlinked_figures: list[tuple[str, dict[str, Any]]] = []
        self.figure_count = self.quote_count = 0
        quote_docs: dict[str, list[str]] = {}
        quote_lines: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for doc in parts.documents():
            name = _doc_name(doc)
            meta = {k: doc[k] for k in _META_KEYS if k in doc}
            self.documents.append(meta)
            first = name not in self.by_name
            self.by_name.setdefault(name, meta)
            figures, quotes = _dicts(doc.get("figures")), _dicts(doc.get("quotes"))
            self.figure_count += len(figures)
            self.quote_count += len(quotes)
            for fig in figures:
                if (ev := _text(fig.get("event"))) in wanted:
                    self.figures_of.setdefault(ev, []).append((name, fig))
                if not self.linked(fig):
                    self.unlinked_figures.append((name, fig))
            for ev_id in {e for q in quotes for e in _event_ids(q)} & wanted:
                quote_docs.setdefault(ev_id, []).append(name)
            if first:  # the quotes of the first report of a name (as `by_name` keeps)
                for q in quotes:
                    for ev_id in dict.fromkeys(_event_ids(q)):
                        if ev_id in wanted:
                            quote_lines.setdefault((ev_id, name), []).append(q)
        self.quotes = _QuotesByEvent(quote_docs, quote_lines)
        self.export = {**record, "documents": self.documents}

    def linked(self, item: dict[str, Any], key: str = "event") -> bool:
        """Whether an item's event refers to a known event."""
        return _text(item.get(key)) in self.event_ids


def _per_event(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Items of the record by the text of their event (in the record's order)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(_text(item.get("event")), []).append(item)
    return out


def _period_start(date: Any) -> str:
    """First day of a day, ISO week, month or year, for ordering: '2023-W38' -> '2023-09-18'."""
    text = _text(date)
    m = re.fullmatch(r"(\d{4})-W(\d{2})", text)
    if m:
        return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).isoformat()
    if re.fullmatch(r"\d{4}(?:-\d{2})?", text):
        return text + "-01" * (3 - len(text.split("-")))
    return text


PRECISION_RANK = {"year": 0, "month": 1, "week": 2, "day": 3}


def _sorted_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in calendar order, a coarser period before the days it holds (2022-12 before
    2022-12-05, the week 2023-W38 from its Monday), undated last; ties keep export order."""

    def key(ev: dict[str, Any]) -> tuple[bool, str, int]:
        rank = PRECISION_RANK.get(_text(ev.get("date_precision")), 3)
        return (not ev.get("date"), _period_start(ev.get("date")), rank)

    return sorted(events, key=key)


def _source_line(name: str, index: _Index) -> str:
    """'BBC (a.txt, 2023-09-21)' or 'a.txt (date unknown)'."""
    doc = index.by_name.get(name, {})
    published = _text(doc.get("published")) or "date unknown"
    outlet = _text(doc.get("outlet"))
    return f"{outlet} ({name}, {published})" if outlet else f"{name} ({published})"


def _figure_row(document: str, item: dict[str, Any]) -> list[str]:
    phrase = _figure_phrase(item) + _corrected(item)
    return [phrase, _claimant(item), document, _text(item.get("text"))]


def _metric_views(ev_id: str, index: _Index) -> list[_Metric]:
    """One figures table per metric, with the discrepancy range when there is one."""
    rows: dict[str, list[list[str]]] = {}
    seen: dict[tuple[str, ...], list[str]] = {}  # a row repeated by copies: counted once
    for document, fig in index.figures_of.get(ev_id, []):
        metric = _text(fig.get("metric")) or "figure"
        row = _figure_row(document, fig)
        key = (metric, row[0], row[1], row[3])
        if key in seen:
            seen[key].append(document)
            continue
        seen[key] = [document]
        rows.setdefault(metric, []).append(row)
    for (metric, *_rest), documents in seen.items():
        if len(documents) > 1:
            for row in rows[metric]:
                if row[2] == documents[0]:
                    row[2] = documents[0] + _and_copies(len(documents) - 1)
    ranges: dict[str, str] = {}
    for disc in index.discrepancies_of.get(ev_id, []):
        metric = _text(disc.get("metric")) or "figure"
        whose = ", ".join(_text(disc.get(k)) for k in ("side", "group") if disc.get(k))
        line = f"{whose}: {_range_line(disc)}" if whose else _range_line(disc)
        ranges[metric] = f"{ranges[metric]}; {line}" if metric in ranges else line
        if metric not in rows:
            values = _dicts(disc.get("values"))
            rows[metric] = [_figure_row(_text(v.get("document")), v) for v in values]
    return [
        _Metric(name, _Table(list(_FIGURE_HEADERS), table_rows), ranges.get(name))
        for name, table_rows in rows.items()
    ]


def _told_in(event: dict[str, Any]) -> list[str]:
    """Every report that tells of the event (`documents` holds only those whose news it
    is; exports before `mentioned_in` existed have `documents` alone)."""
    return _strs(event.get("mentioned_in") or event.get("documents"))


@dataclass
class _QuotesByEvent:
    """Every quote indexed by the events it is linked to, built once for the whole report
    (scanning every quote for each event made the report quadratic in the corpus), in
    the one pass over the reports (`_Index`)."""

    documents: dict[str, list[str]]  # event id -> names of documents quoting about it
    lines: dict[tuple[str, str], list[dict[str, Any]]]  # (event id, name) -> its quotes


def _quote_columns(
    event: dict[str, Any], ev_id: str, index: _Index, quotes: _QuotesByEvent
) -> list[_Column]:
    """One column per document reporting the event (or quoting about it)."""
    names = _told_in(event)
    names += [n for n in quotes.documents.get(ev_id, []) if n not in names]
    columns = []
    # copies of one story (the record's source groups) share their first report's column
    for name, copies in copy_groups(index.export, list(dict.fromkeys(names)), index.groups):
        lines = [_quote_line(q) for q in quotes.lines.get((ev_id, name), [])]
        for copy in copies:
            lines += [_quote_line(q) for q in quotes.lines.get((ev_id, copy), [])]
        columns.append(_Column(_source_line(name, index), list(dict.fromkeys(lines)), copies))
    return columns


def _event_label(event: dict[str, Any]) -> str:
    """'Attack', from the label or the type."""
    label = _text(event.get("label")) or _text(event.get("type")).replace("_", " ").title()
    return label or "Event"


def _event_title(event: dict[str, Any]) -> str:
    """'Attack · 2023-09-19 (day) · Stepanakert'."""
    parts = [_event_label(event), _when(event.get("date"), event.get("date_precision"))]
    if event.get("location"):
        parts.append(str(event["location"]))
    return " · ".join(parts)


def _timeline_when(event: dict[str, Any], index: _Index) -> str:
    """'2023-09-19 (day)'; an undated event says by when it was reported (its earliest
    report's date), which bounds it without inventing a date: 'undated, reported by ...'."""
    when = _when(event.get("date"), event.get("date_precision"))
    if event.get("date"):
        return when
    if event.get("reported_by"):
        return f"{when}, reported by {_text(event['reported_by'])}"
    published = [_text(index.by_name.get(name, {}).get("published")) for name in _told_in(event)]
    known = sorted(p for p in published if p)
    return f"{when}, reported by {known[0]}" if known else when


def _timeline_entry(event: dict[str, Any]) -> str:
    """'Attack · Stepanakert (2 sources)'."""
    parts = [_event_label(event)]
    if event.get("location"):
        parts.append(str(event["location"]))
    sources = _plural(len(_told_in(event)), "source")
    return f"{' · '.join(parts)} ({sources})"


def _and_copies(count: int) -> str:
    """' and 3 copies' (syndicated copies folded into the report named before)."""
    return f" and {_plural(count, 'copy', 'copies')}" if count else ""


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    """'1 quote', '2 quotes'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _event_anchor(number: int) -> str:
    return f"event-{number}"


def _event_view(number: int, event: dict[str, Any], index: _Index) -> _EventView:
    ev_id = _text(event.get("id"))
    facts = [
        (label, _text(event.get(key)))
        for label, key in (("Actor", "actor"), ("Target", "target"), ("Event id", "id"))
        if event.get(key)
    ]
    # a sentence told by copies, or holding two of the event's words, is listed once
    told: dict[str, tuple[list[str], list[str]]] = {}
    for m in _dicts(event.get("mentions")):
        docs, triggers = told.setdefault(_text(m.get("sentence")), ([], []))
        for value, seen in ((_text(m.get("document")), docs), (_text(m.get("trigger")), triggers)):
            if value not in seen:
                seen.append(value)
    mentions = [
        f"{docs[0]}{_and_copies(len(docs) - 1)} — "
        + ", ".join(f"“{t}”" for t in triggers)
        + f": {sentence}"
        for sentence, (docs, triggers) in told.items()
    ]
    own_discs = index.discrepancies_of.get(ev_id, [])
    disagreements = [_disagreement_line(d) for d in own_discs if _distinct_values(d) > 1]
    disagreements += [_contradiction_line(c) for c in index.contradictions_of.get(ev_id, [])]
    return _EventView(
        anchor=_event_anchor(number),
        title=_event_title(event),
        when=_when(event.get("date"), event.get("date_precision")),
        short=_timeline_entry(event),
        facts=facts,
        sources=[
            _source_line(name, index) + _and_copies(len(copies))
            for name, copies in copy_groups(index.export, _told_in(event), index.groups)
        ],
        metrics=_metric_views(ev_id, index),
        columns=_quote_columns(event, ev_id, index, index.quotes),
        mentions=mentions,
        disagreements=disagreements,
        agreements=[_agreement_line(a) for a in index.agreements_of.get(ev_id, [])],
        framing=index.view.event_framing(ev_id),
        places=index.view.places(event),
    )


MAP_WIDTH, MAP_HEIGHT = mapdraw.EVENT_MAP_WIDTH, mapdraw.EVENT_MAP_HEIGHT


def svg_map(places: list[Place]) -> str:
    """The event's places on the offline basemap (parallax.mapdraw: borders, a scale bar,
    precision shown, every name labelled or numbered and listed); the server draws the same."""
    return mapdraw.event_map(places)


def _place_line(p: Place) -> str:
    return f"{p.name} ({p.precision or 'place'}, {p.lat:.3f}, {p.lon:.3f})"


def _doc_fields(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The metadata lines of one document, empty ones left out."""
    published = _text(doc.get("published"))
    if published and doc.get("published_basis"):
        published += f" ({doc['published_basis']})"
    counts = ", ".join(
        _plural(len(_dicts(doc.get(key))), noun)
        for key, noun in (("quotes", "quote"), ("figures", "figure"), ("times", "time expression"))
    )
    pairs = [
        ("Title", _text(doc.get("title"))),
        ("Author", _text(doc.get("author"))),
        ("Image credit", _text(doc.get("image_credit"))),
        ("Outlet", _text(doc.get("outlet"))),
        ("URL", _text(doc.get("url"))),
        ("Published", published or "unknown"),
        ("Language", _text(doc.get("language"))),
        ("Flags", ", ".join(_strs(doc.get("flags")))),
        ("Format", _text(doc.get("format"))),
        ("Source", _text(doc.get("source"))),
        ("Extracted", counts),
    ]
    return [(key, value) for key, value in pairs if value]


def _time_line(time: dict[str, Any]) -> str:
    """'“last Tuesday” → 2023-09-19 (approximate)'."""
    value = _text(time.get("value")) or "unresolved"
    line = f"“{_text(time.get('text'))}” → {value}"
    return f"{line} (approximate)" if time.get("approximate") else line


def _doc_view(
    number: int, doc: dict[str, Any], index: _Index, copy_of: str | None = None
) -> _DocView:
    """A report's section; a syndicated copy (`copy_of` its first report) gives only its
    metadata, its times and quotes being those of the report it copies."""
    if copy_of:
        fields = [(k, v) for k, v in _doc_fields(doc) if k in ("Title", "Outlet", "Published")]
        return _DocView(f"doc-{number}", _doc_name(doc), [*fields, ("Copy of", copy_of)], [], [])
    quotes = _dicts(doc.get("quotes"))
    unlinked = [
        _quote_line(q) for q in quotes if not any(e in index.event_ids for e in _event_ids(q))
    ]
    return _DocView(
        anchor=f"doc-{number}",
        heading=_doc_name(doc),
        fields=_doc_fields(doc),
        times=[_time_line(t) for t in _dicts(doc.get("times"))],
        unlinked_quotes=unlinked,
    )


def _unlinked(index: _Index) -> tuple[_Table | None, list[str]]:
    """Figures and cross-checks whose event is null or unknown."""
    rows = [
        [_text(fig.get("metric"))] + _figure_row(document, fig)
        for document, fig in index.unlinked_figures
    ]
    table = _Table(["Metric"] + _FIGURE_HEADERS, rows) if rows else None
    lines = [
        f"{_disagreement_line(d)} — range {_range_line(d)}"
        for d in index.discrepancies
        if not index.linked(d)
    ]
    lines += [_contradiction_line(c) for c in index.contradictions if not index.linked(c)]
    lines += [_agreement_line(a) for a in index.agreements if not index.linked(a)]
    return table, lines


def _summary(index: _Index) -> str:
    """'2 documents, 3 events, 3 figures, 3 quotes, 1 discrepancy, …'."""
    docs = index.documents
    counts = [
        (len(docs), "document", None),
        (len(index.events), "event", None),
        (index.figure_count, "figure", None),
        (index.quote_count, "quote", None),
        (len(index.discrepancies), "discrepancy", "discrepancies"),
        (len(index.contradictions), "contradiction", None),
        (len(index.failures), "failure", None),
    ]
    return ", ".join(_plural(count, noun, plural) for count, noun, plural in counts)


def _build_view(export: dict[str, Any] | ExportParts) -> _View:
    """The plain-text view both report renderers write out (its documents read again, in
    a second pass over the reports, as they are written)."""
    parts = ExportParts.of(export)
    index = _Index(parts)
    ordered = _sorted_events(index.events)
    numbered = list(enumerate(ordered, start=1))
    events = (_event_view(number, event, index) for number, event in numbered)
    table, lines = _unlinked(index)
    anchors = {_text(event.get("id")): _event_anchor(number) for number, event in numbered}
    copy_of = {
        copy: first
        for first, copies in copy_groups(
            index.export, [_doc_name(d) for d in index.documents], index.groups
        )
        for copy in copies
    }

    def documents() -> Iterator[_DocView]:
        for number, doc in enumerate(parts.documents(), start=1):
            yield _doc_view(number, doc, index, copy_of.get(_doc_name(doc)))

    return _View(
        summary=_summary(index),
        events=events,
        timeline=[
            (_timeline_when(event, index), _timeline_entry(event), _event_anchor(number))
            for number, event in numbered
        ],
        documents=documents(),
        unlinked_figures=table,
        unlinked_lines=lines,
        failures=[f"{_text(f.get('source'))}: {_text(f.get('error'))}" for f in index.failures],
        flagged=[
            f"{_doc_name(d)}: {', '.join(_strs(d.get('flags')))}"
            for d in index.documents
            if _strs(d.get("flags"))
        ],
        generator=_text(index.export.get("generator")) if parts.valid else "",
        framing=index.view.event_framing(None),
        sources=[_independent_line(s) for s in index.sources],
        overview=overview(index.export) if parts.valid else None,
        event_anchors=anchors,
        doc_anchors={
            _doc_name(doc): f"doc-{number}" for number, doc in enumerate(index.documents, start=1)
        },
        axis=time_axis(export_items(index.export, href=lambda i: f"#{anchors.get(i, 'events')}"))
        if parts.valid
        else "",
        event_count=len(ordered),
    )


def _independent_line(source: dict[str, Any]) -> str:
    """'Reuters (wire credit): a.txt, b.txt'."""
    basis = _text(source.get("basis")).replace("_", " ")
    docs = ", ".join(_strs(source.get("documents")))
    return f"{_text(source.get('source'))} ({basis}): {docs}"


# -------------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK_START = re.compile(r"^([#+\-=~]|\d+[.)])")


def _md(value: Any) -> str:
    """Markdown-safe inline text: no raw HTML, links, images, code or table breaks."""
    text = " ".join(_text(value).split())
    text = _MD_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


def _md_table(table: _Table) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in table.headers) + " |"]
    lines.append("|" + "---|" * len(table.headers))
    for row in table.rows:
        lines.append("| " + " | ".join(_md(cell) or " " for cell in row) + " |")
    return lines


def _md_bullets(items: list[str], empty: str | None = None) -> list[str]:
    if not items:
        return [f"_{_md(empty)}_"] if empty else []
    return [f"- {_md(item)}" for item in items]


def _md_event(ev: _EventView) -> list[str]:
    lines = [f"### {_md(ev.title)}", ""]
    lines += [f"- **{_md(key)}:** {_md(value)}" for key, value in ev.facts]
    sources = "; ".join(ev.sources) if ev.sources else "none listed"
    lines += [f"- **Sources:** {_md(sources)}", ""]
    if ev.metrics:
        lines += ["#### Figures", ""]
        for metric in ev.metrics:
            lines += [f"**{_md(metric.name)}**", ""] + _md_table(metric.table) + [""]
            if metric.range:
                lines += [f"Range: {_md(metric.range)}", ""]
    if any(column.quotes for column in ev.columns):
        lines += ["#### Quotes by source", ""]
        for column in ev.columns:
            lines += [f"##### {_md(column.document)}", ""]
            lines += _md_bullets(column.quotes, "No quotes linked to this event.") + [""]
    for heading, items in (
        ("Disagreements", ev.disagreements),
        ("Agreements", ev.agreements),
        ("Framing", ev.framing),
        ("Places", [_place_line(p) for p in ev.places]),
        ("Mentions", ev.mentions),
    ):
        if items:
            lines += [f"#### {heading}", ""] + _md_bullets(items) + [""]
    return lines


def _md_document(doc: _DocView) -> list[str]:
    lines = [f"### {_md(doc.heading)}", ""]
    lines += [f"- **{_md(key)}:** {_md(value)}" for key, value in doc.fields]
    if doc.times:
        lines.append(f"- **Times:** {_md('; '.join(doc.times))}")
    lines.append("")
    if doc.unlinked_quotes:
        lines += ["Quotes not linked to an event:", ""] + _md_bullets(doc.unlinked_quotes)
        lines.append("")
    return lines


def to_markdown(export: dict[str, Any]) -> str:
    """Render the export as a Markdown report organised per event."""
    out = io.StringIO()
    write_markdown(ExportParts.of(export), out)
    return out.getvalue()


def write_markdown(parts: ExportParts, out: TextIO) -> None:
    """`to_markdown` written to `out` as it is made, its documents read in a second
    pass over the reports (see `ExportParts`)."""
    first = True
    batch: list[str] = []
    for lines in _md_blocks(_build_view(parts)):
        batch += lines
        if len(batch) >= 2000:
            out.write(("" if first else "\n") + "\n".join(batch))
            first, batch = False, []
    if batch:
        out.write(("" if first else "\n") + "\n".join(batch))


def _md_blocks(view: _View) -> Iterator[list[str]]:
    """The report's lines, a block at a time (joined with newlines, they are the report)."""
    lines = ["# Parallax report", "", f"Summary: {_md(view.summary)}.", ""]
    lines += ["## Timeline", ""]
    lines += _md_bullets([f"{when} — {title}" for when, title, _ in view.timeline], "No events.")
    lines += ["", "## Events", ""]
    yield lines
    for ev in view.events:
        yield _md_event(ev)
    lines = []
    if not view.event_count:
        lines += ["_No events._", ""]
    if view.framing:
        lines += ["## Framing", ""] + _md_bullets(view.framing) + [""]
    if view.sources:
        lines += ["## Independent sources", ""] + _md_bullets(view.sources) + [""]
    if view.unlinked_figures or view.unlinked_lines:
        lines += ["## Not linked to an event", ""]
        if view.unlinked_figures:
            lines += _md_table(view.unlinked_figures) + [""]
        lines += _md_bullets(view.unlinked_lines) + [""]
    lines += ["## Documents", ""]
    yield lines
    written = 0
    for doc in view.documents:
        yield _md_document(doc)
        written += 1
    lines = ["_None._", ""] if not written else []
    lines += ["## Failed or flagged", ""]
    lines += ["**Failures**", ""] + _md_bullets(view.failures, "None.") + [""]
    lines += ["**Flagged documents**", ""] + _md_bullets(view.flagged, "None.") + [""]
    if view.generator:
        lines += [f"_Generated by {_md(view.generator)}._", ""]
    yield lines


# ------------------------------------------------------------------------------ html

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;
color:#1d1d1f;line-height:1.45}
h1,h2,h3,h4{line-height:1.2}
h2{border-bottom:2px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
section.event{border:1px solid #ddd;border-radius:6px;padding:0 1rem 1rem;margin:1.5rem 0}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.range{color:#444}
.scroll{overflow-x:auto}
.quotes{display:grid;gap:.75rem}
.source-col{background:#fafafa;border:1px solid #e2e2e2;border-radius:4px;padding:.5rem}
.source-col h5{margin:.2rem 0 .5rem;font-size:.95rem}
.empty{color:#777;font-style:italic}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}
dt{font-weight:600}
dd{margin:0}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _h(value: Any) -> str:
    """HTML-escape any value, quotes included."""
    return html.escape(_text(value), quote=True)


def _html_list(items: list[str], empty: str | None = None) -> str:
    if not items:
        return f'<p class="empty">{_h(empty)}</p>' if empty else ""
    return "<ul>" + "".join(f"<li>{_h(item)}</li>" for item in items) + "</ul>"


def _html_table(table: _Table) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_fields(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    return "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in pairs) + "</dl>"


def _html_copies(copies: list[str]) -> str:
    """'and N copies', expandable to their names."""
    if not copies:
        return ""
    names = "".join(f"<li>{_h(name)}</li>" for name in copies)
    label = _plural(len(copies), "copy", "copies")
    return f'<details class="copies"><summary>and {label}</summary><ul>{names}</ul></details>'


def _html_quotes(columns: list[_Column]) -> str:
    """A grid with one column per source document."""
    cells = "".join(
        f'<div class="source-col"><h5>{_h(col.document)}</h5>{_html_copies(col.copies)}'
        f"{_html_list(col.quotes, 'No quotes linked to this event.')}</div>"
        for col in columns
    )
    style = f"grid-template-columns:repeat({len(columns)},minmax(14rem,1fr))"
    return f'<div class="scroll"><div class="quotes" style="{style}">{cells}</div></div>'


def _html_event(ev: _EventView) -> str:
    sources = ev.sources or ["none listed"]
    parts = [
        f'<section class="event" id="{_h(ev.anchor)}"><h3>{_h(ev.title)}</h3>',
        _html_fields(ev.facts + [("Sources", "; ".join(sources))]),
    ]
    if ev.metrics:
        parts.append("<h4>Figures</h4>")
        for metric in ev.metrics:
            parts.append(f"<h5>{_h(metric.name)}</h5>{_html_table(metric.table)}")
            if metric.range:
                parts.append(f'<p class="range">Range: {_h(metric.range)}</p>')
    if ev.columns:
        parts.append(f"<h4>Quotes by source</h4>{_html_quotes(ev.columns)}")
    for heading, items in (
        ("Disagreements", ev.disagreements),
        ("Agreements", ev.agreements),
        ("Framing", ev.framing),
    ):
        if items:
            parts.append(f"<h4>{_h(heading)}</h4>{_html_list(items)}")
    if ev.places:
        places = _html_list([_place_line(p) for p in ev.places])
        parts.append(f"<h4>Places</h4>{svg_map(ev.places)}{places}")
    if ev.mentions:
        parts.append(f"<h4>Mentions</h4>{_html_list(ev.mentions)}")
    parts.append("</section>")
    return "".join(parts)


def _html_document(doc: _DocView) -> str:
    parts = [
        f'<section class="document" id="{_h(doc.anchor)}"><h3>{_h(doc.heading)}</h3>',
        _html_fields(doc.fields),
    ]
    if doc.times:
        parts.append(f"<h4>Times</h4>{_html_list(doc.times)}")
    if doc.unlinked_quotes:
        parts.append(f"<h4>Quotes not linked to an event</h4>{_html_list(doc.unlinked_quotes)}")
    parts.append("</section>")
    return "".join(parts)


def _html_timeline(view: _View) -> str:
    """The time axis the server draws too (parallax.timeaxis)."""
    return view.axis or '<p class="empty">No events.</p>'


def _html_claim(claim: ClaimView, view: _View) -> str:
    where = view.doc_anchors.get(claim.ref.document)
    value = _h(claim.value if claim.value is not None else "?")
    if where:
        value = f'<a href="#{_h(where)}" title="{_h(claim.ref.document)}">{value}</a>'
    extra = [*claim.outlets, *([claim.date] if claim.date else [])]
    if claim.reports > 1:
        extra.append(f"{claim.reports} reports")
    if claim.superseded:
        extra.append("since updated")
    return f"<li>{value} — {_h(claim.claimant)}{_h(', ' + ', '.join(extra) if extra else '')}</li>"


def _html_side(text: str, who: list[str], ref: SpanRef, view: _View) -> str:
    where = view.doc_anchors.get(ref.document)
    quote = f"<q>{_h(text)}</q>"
    if where:
        quote = f'<a href="#{_h(where)}" title="{_h(ref.document)}">{quote}</a>'
    return f"{_h(', '.join(who))} {quote}"


def _html_disagreements(view: _View) -> str:
    """Where the sources disagree: the shared view model's overview, linked to the events
    and the reports."""
    ov = view.overview
    if ov is None or not ov.events:
        return '<p class="empty">No disagreement found between the sources.</p>'
    parts = []
    for ev in ov.events:
        title = _h(ev.label)
        if ev.id and ev.id in view.event_anchors:
            title = f'<a href="#{_h(view.event_anchors[ev.id])}">{title}</a>'
        when = _when(ev.date, ev.precision) if ev.date else "undated"
        place = f" · {_h(place_name(ev.location))}" if ev.id else ""
        parts.append(f'<div class="dispute"><h3>{title} <small>{_h(when)}{place}</small></h3>')
        if ev.toll:
            t = ev.toll
            line = f"Latest toll: {t.value} {t.metric} ({t.claimant}"
            line += f", as of {t.as_of})" if t.as_of else ")"
            if t.previous is not None:
                line += f"; was {t.previous}" + (
                    f" on {t.previous_date}" if t.previous_date else ""
                )
            parts.append(f'<p class="toll">{_h(line)}.</p>')
        if ev.ranges:
            rows = []
            for r in ev.ranges:
                metric = r.metric + (f" ({r.group})" if r.group else "")
                span = f"{r.best} (agreed)" if r.agreed else f"{r.low}–{r.high}"
                if not r.agreed and r.best is not None:
                    span += f", best {r.best}"
                claims = "".join(_html_claim(c, view) for c in r.claims)
                if r.more_claims:
                    claims += f"<li>and {r.more_claims} more</li>"
                rows.append(
                    f'<tr class="{"agreed" if r.agreed else "disagreed"}"><td>{_h(metric)}</td>'
                    f"<td>{_h(r.side or '—')}</td><td>{_h(span)}</td>"
                    f"<td>{r.independent_sources}</td><td><ul>{claims}</ul></td></tr>"
                )
            parts.append(
                "<table><thead><tr><th>Metric</th><th>Side</th><th>Range</th>"
                "<th>Independent sources</th><th>Claims</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
            )
        if ev.contradictions:
            items = "".join(
                f"<li>{_h(c.kind)}: {_html_side(c.a, c.a_claimants, c.a_ref, view)} vs "
                f"{_html_side(c.b, c.b_claimants, c.b_ref, view)}</li>"
                for c in ev.contradictions
            )
            parts.append(f'<ul class="contradictions">{items}</ul>')
        parts.append("</div>")
    if ov.total_events > len(ov.events):
        parts.append(
            f'<p class="more">{len(ov.events)} of {ov.total_events} events shown, '
            "most disputed first.</p>"
        )
    return "".join(parts)


def _html_unlinked(view: _View) -> str:
    if not (view.unlinked_figures or view.unlinked_lines):
        return ""
    table = _html_table(view.unlinked_figures) if view.unlinked_figures else ""
    return (
        f'<section id="unlinked"><h2>Not linked to an event</h2>{table}'
        f"{_html_list(view.unlinked_lines)}</section>"
    )


def to_html(export: dict[str, Any]) -> str:
    """Render the export as one self-contained HTML page (inline CSS, no scripts)."""
    out = io.StringIO()
    write_html(ExportParts.of(export), out)
    return out.getvalue()


def write_html(parts: ExportParts, out: TextIO) -> None:
    """`to_html` written to `out` as it is made, its documents read in a second pass
    over the reports (see `ExportParts`)."""
    for piece in _html_pieces(_build_view(parts)):
        out.write(piece)


def _html_pieces(view: _View) -> Iterator[str]:
    """The page, a piece at a time."""
    footer = f"<footer><p>Generated by {_h(view.generator)}</p></footer>" if view.generator else ""
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_h(_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Parallax report</title><style>{_CSS}</style></head><body>"
        "<header><h1>Parallax report</h1></header><main>"
        f'<section id="disagreements"><h2>Where the sources disagree</h2>'
        f"{_html_disagreements(view)}</section>"
        f'<section id="summary"><h2>Summary</h2><p>{_h(view.summary)}</p></section>'
        f'<section id="timeline"><h2>Timeline</h2>{_html_timeline(view)}</section>'
        '<section id="events"><h2>Events</h2>'
    )
    for ev in view.events:
        yield _html_event(ev)
    if not view.event_count:
        yield '<p class="empty">No events.</p>'
    yield (
        "</section>"
        f'<section id="framing"><h2>Framing</h2>{_html_list(view.framing, "None.")}</section>'
        f'<section id="sources"><h2>Independent sources</h2>{_html_list(view.sources, "None.")}'
        "</section>"
        f"{_html_unlinked(view)}"
        '<section id="documents"><h2>Documents</h2>'
    )
    written = 0
    for doc in view.documents:
        yield _html_document(doc)
        written += 1
    if not written:
        yield _html_list([], "None.")
    yield (
        "</section>"
        '<section id="problems"><h2>Failed or flagged</h2>'
        f"<h3>Failures</h3>{_html_list(view.failures, 'None.')}"
        f"<h3>Flagged documents</h3>{_html_list(view.flagged, 'None.')}</section>"
        f"</main>{footer}</body></html>\n"
    )
