"""What the pages show, computed from the store: every extracted item of a document with
the analysts' corrections over it, the text cut into highlighted segments, an event with
its sources, figures, quotes and contradictions, a speaker's statements, a small map."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from parallax import mapdraw
from parallax.crossdoc.view import (
    FILTERS,
    Place,
    PlaceIndex,
    SpanRef,
    View,
    copy_groups,
    dateline_outlet,
    event_places,
    fold_claims,
    framing_lines,
    is_pronoun,
    overview,
)
from parallax.export import correct_item, index_corrections
from parallax.models import DocumentRecord
from parallax.store import REVIEW_FIELDS, Correction
from parallax.timeaxis import export_items, time_axis

UNATTRIBUTED = "(unattributed)"
PAGE_ROWS = 50  # independent sources per page of the corpus table
EVENTS_SHOWN = 100  # events listed on the corpus page (the most reported)
SPEAKERS_LISTED = 60  # speakers listed on the corpus page (those quoted most)
SOURCE_COLUMNS = 6  # independent sources shown side by side on an event page; the rest linked
FIGURE_CLAIMS = 12  # distinct claims of a range listed on an event page
SPEAKERS_SHOWN = 30  # speakers of an event listed (those with most statements)
SPEAKER_QUOTES = 8  # distinct statements of one speaker listed on an event page


@dataclass
class Item:
    """One extracted item as the review pages show it."""

    uid: str  # unique on the page: "d3-quote-12-40"
    kind: str  # quote | figure | time | mention | event
    start: int
    end: int
    text: str
    values: dict[str, Any]  # the item's fields, corrected where an analyst corrected them
    machine: dict[str, Any]  # field -> the machine's value, for corrected fields
    verdict: str | None
    why: str  # what the extractor went by
    corrections: list[Correction] = field(default_factory=list)

    @property
    def fields(self) -> tuple[str, ...]:
        return REVIEW_FIELDS[self.kind]


@dataclass
class Segment:
    """A stretch of text covered by the same items (none for plain text)."""

    text: str
    items: list[Item]

    @property
    def kinds(self) -> list[str]:
        return sorted({i.kind for i in self.items})

    @property
    def uids(self) -> str:
        return " ".join(i.uid for i in self.items)

    @property
    def item_uids(self) -> str:
        """The uids of the extracted items here (event sentences left out)."""
        return " ".join(i.uid for i in self.items if i.kind != "sentence")

    @property
    def css(self) -> str:
        """The highlight's classes: one per kind, then per extracted item whether it was
        marked wrong or corrected."""
        marks = [f"k-{k}" for k in self.kinds]
        for i in self.items:
            if i.kind != "sentence":
                marks += ["rejected"] * (i.verdict == "wrong") + ["corrected"] * bool(i.machine)
        return " ".join(["hl", *marks])


@dataclass
class Source:
    """One document with its items and highlighted text."""

    doc: DocumentRecord
    items: list[Item]
    segments: list[Segment]
    orphans: list[Correction]  # corrections of items the last analysis no longer found


def _why(kind: str, v: dict[str, Any]) -> str:
    if kind == "quote":
        return (
            f"{v['kind']} quote; attribution cue {v['cue']!r}; speaker mention "
            f"{v['speaker_text']!r}" + (f"; relayed by {v['via']}" if v.get("via") else "")
        )
    if kind == "figure":
        return f"{v['metric']} count, qualifier {v['qualifier']}; claimant {v['claimant']!r}" + (
            "; reportedly" if v.get("reportedly") else ""
        )
    if kind == "time":
        return f"{v['kind']} expression; resolved by rule {v.get('rule')!r}"
    if kind == "mention":
        return f"named entity {v['label']} resolved to {v['canonical']!r} ({v['kind']})"
    return f"trigger {v['trigger']!r} read as {v['type']}"


def _raw_items(doc: DocumentRecord) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for kind, attr in (
        ("quote", "quotes"),
        ("figure", "figures"),
        ("time", "times"),
        ("mention", "mentions"),
        ("event", "events"),
    ):
        out.extend((kind, dict(vars(x))) for x in getattr(doc, attr))  # flat records
    return out


def document_items(doc: DocumentRecord, corrections: list[Correction]) -> list[Item]:
    """Every item of a document with its corrections applied (wrong ones kept, marked)."""
    index = index_corrections(corrections)
    items = []
    for kind, values in _raw_items(doc):
        found = index.get((doc.sha256, kind, values["start"], values["end"]), [])
        why = _why(kind, values)
        verdict = correct_item(values, kind, found)
        machine = values.pop("machine_value", {})
        values.pop("corrected", None)
        values.pop("review", None)
        text = values.get("text") or values.get("trigger") or ""
        items.append(
            Item(
                uid=f"d{doc.id}-{kind}-{values['start']}-{values['end']}",
                kind=kind,
                start=values["start"],
                end=values["end"],
                text=str(text),
                values=values,
                machine=machine,
                verdict=verdict,
                why=why,
                corrections=found,
            )
        )
    return items


def segments(text: str, items: list[Item], extra: list[Item] | None = None) -> list[Segment]:
    """The text cut at every item boundary; each piece knows the items covering it,
    innermost first (one sweep over the cuts: an item covers a piece from the cut at its
    start to the cut at its end)."""
    spans = [i for i in [*items, *(extra or [])] if 0 <= i.start < i.end <= len(text)]
    cuts = sorted({0, len(text), *(i.start for i in spans), *(i.end for i in spans)})
    pending = sorted(enumerate(spans), key=lambda p: p[1].start)
    active: list[tuple[int, Item]] = []
    out = []
    k = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while k < len(pending) and pending[k][1].start <= a:
            active.append(pending[k])
            k += 1
        active = [p for p in active if p[1].end > a]
        covering = sorted(active, key=lambda p: (p[1].end - p[1].start, p[0]))
        out.append(Segment(text[a:b], [i for _, i in covering]))
    return out


def source(
    doc: DocumentRecord,
    corrections: list[Correction],
    extra: list[Item] | None = None,
    items: list[Item] | None = None,
) -> Source:
    """A document ready to show: its items (`document_items`, unless given) and its
    highlighted text."""
    items = document_items(doc, corrections) if items is None else items
    found = {(i.kind, i.start, i.end) for i in items}
    orphans = [
        c for c in corrections if c.sha256 == doc.sha256 and (c.kind, c.start, c.end) not in found
    ]
    return Source(doc, items, segments(doc.text, items, extra), orphans)


def find_item(doc: DocumentRecord, kind: str, start: int, end: int) -> dict[str, Any] | None:
    """The machine's item of a kind at the given offsets, as a dict."""
    return next(
        (v for k, v in _raw_items(doc) if k == kind and v["start"] == start and v["end"] == end),
        None,
    )


# -- the corpus ---------------------------------------------------------------------------
def corpus(export: dict[str, Any], texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Documents with their counts, events, speakers, from the (corrected) export; an
    outlet the metadata lacks is read from the dateline of the report's text (`texts`)."""
    per_doc = Counter(c["sha256"] for c in export["corrections"])
    docs = []
    for d in export["documents"]:
        outlet = d["outlet"] or dateline_outlet((texts or {}).get(d["name"], ""))
        docs.append(
            {
                **{k: d[k] for k in ("id", "name", "title", "published", "flags")},
                "outlet": outlet or None,
                "quotes": len(d["quotes"]),
                "figures": len(d["figures"]),
                "times": len(d["times"]),
                "events": sum(
                    d["name"] in e.get("mentioned_in", e["documents"]) for e in export["events"]
                ),
                "corrections": per_doc.get(d["sha256"], 0),
            }
        )
    by_name = {d["name"]: d for d in docs}
    groups = copy_groups(export, [d["name"] for d in docs])
    events = timeline(export["events"])
    most = sorted(events, key=lambda e: -len(e["documents"]))[:EVENTS_SHOWN]
    return {
        "documents": docs,
        # one row per independent source: its first report, its copies folded under it
        "groups": [(by_name[n], [by_name[c] for c in copies]) for n, copies in groups],
        "events": [e for e in events if e in most],
        "more_events": max(0, len(events) - EVENTS_SHOWN),
        "speakers": speakers(export)[:SPEAKERS_LISTED],
        "more_speakers": max(0, len(speakers(export)) - SPEAKERS_LISTED),
        "failures": export["failures"],
    }


def page_of(rows: list[Any], number: int, size: int = PAGE_ROWS) -> dict[str, Any]:
    """One page of `rows`: {rows, page, pages}, the page number kept in range."""
    pages = max(1, -(-len(rows) // size))
    number = min(max(1, number), pages)
    return {"rows": rows[(number - 1) * size : number * size], "page": number, "pages": pages}


def timeline(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in date order, undated last."""
    return sorted(events, key=lambda e: (e.get("date") is None, e.get("date") or ""))


def speakers(export: dict[str, Any]) -> list[tuple[str, int]]:
    """Speakers with their number of statements, most first."""
    counts: dict[str, int] = {}
    for d in export["documents"]:
        for q in d["quotes"]:
            if q["speaker"] and not is_pronoun(q["speaker"]):
                counts[q["speaker"]] = counts.get(q["speaker"], 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def speaker_profile(export: dict[str, Any], name: str) -> dict[str, Any]:
    """Kind, roles and affiliations the reports give a speaker (machine output)."""
    for sp in export.get("speakers", []):
        if sp.get("name") == name:
            return {k: sp.get(k) or [] for k in ("roles", "affiliations")} | {
                "kind": sp.get("kind")
            }
    return {"roles": [], "affiliations": [], "kind": None}


def _statements(export: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every exported quote with the name and id of its document."""
    for d in export["documents"]:
        for q in d["quotes"]:
            yield {**q, "document": d["name"], "document_id": d["id"]}


def speaker_statements(export: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Every statement attributed to `name` (after corrections) across documents."""
    return [q for q in _statements(export) if q["speaker"] == name]


# -- an event -----------------------------------------------------------------------------
def _sentence_items(doc: DocumentRecord, event: dict[str, Any]) -> list[Item]:
    """The sentences of `doc` that tell the event, as pseudo-items to highlight."""
    out = []
    for m in event.get("mentions", []):
        if m["document"] != doc.name:
            continue
        for em in doc.events:
            if em.start == m["start"] and em.end == m["end"]:
                out.append(
                    Item(
                        uid="",
                        kind="sentence",
                        start=em.sentence_start,
                        end=em.sentence_end,
                        text="",
                        values={},
                        machine={},
                        verdict=None,
                        why="",
                    )
                )
    return out


def framing(export: dict[str, Any], event: dict[str, Any]) -> list[str]:
    """Framing terms used around the event, one line per term, as the report writes them
    (the shared view model)."""
    return framing_lines(export.get("framing") or [], event["id"])


@dataclass
class RecordIndex:
    """What every event page looks up in the whole record, gathered once."""

    by_name: dict[str, DocumentRecord]
    timeline: list[dict[str, Any]]
    statements: dict[str, list[dict[str, Any]]]  # event id -> its quotes, in record order
    places: PlaceIndex  # entities with coordinates, and where the reports name them
    view: View  # the record as every renderer looks it up


def record_index(export: dict[str, Any], docs: list[DocumentRecord]) -> RecordIndex:
    statements: dict[str, list[dict[str, Any]]] = {}
    for q in _statements(export):
        for event_id in dict.fromkeys(q["events"]):
            statements.setdefault(event_id, []).append(q)
    view = View(export)
    return RecordIndex(
        {d.name: d for d in docs}, timeline(export["events"]), statements, view.place_index, view
    )


def event_view(
    export: dict[str, Any],
    docs: list[DocumentRecord],
    corrections: list[Correction],
    event_id: str,
    index: RecordIndex | None = None,
    items: Callable[[DocumentRecord], list[Item]] | None = None,
) -> dict[str, Any] | None:
    """Everything the event page shows, from the (corrected) export of `docs` and the
    `corrections` it applied; `index` (`record_index`) and `items` (a document's
    `document_items`) where the caller keeps them."""
    index = index or record_index(export, docs)
    event = index.view.event(event_id)
    if event is None:
        return None
    groups = copy_groups(export, [n for n in event["documents"] if n in index.by_name])
    shown, hidden = groups[:SOURCE_COLUMNS], groups[SOURCE_COLUMNS:]
    sources = [
        source(
            index.by_name[n],
            corrections,
            _sentence_items(index.by_name[n], event),
            items(index.by_name[n]) if items else None,
        )
        for n, _copies in shown
    ]
    ids = doc_ids(export)
    quotes: dict[str, dict[str, dict[str, Any]]] = {}
    for q in index.statements.get(event_id, []):  # a quote repeated by copies shown once
        said = quotes.setdefault(q["speaker"] or UNATTRIBUTED, {})
        if q["text"] in said:
            said[q["text"]]["copies"] += 1
        else:
            said[q["text"]] = {**q, "copies": 0}
    by_speaker = sorted(quotes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {
        "event": event,
        "timeline": index.timeline,
        "sources": sources,
        # (first document, its copies) per source column, as links
        "copies": [[(n, ids.get(n)) for n in copies] for _n, copies in shown],
        # the outlet of each column: the metadata's, else the one its dateline credits
        "outlets": [s.doc.outlet or dateline_outlet(s.doc.text) for s in sources],
        "more_sources": [(n, ids.get(n), len(copies)) for n, copies in hidden],
        "figures": [_folded_range(f) for f in event["figures"]],
        "quotes": [
            (name, list(said.values())[:SPEAKER_QUOTES], max(0, len(said) - SPEAKER_QUOTES))
            for name, said in sorted(by_speaker[:SPEAKERS_SHOWN])
        ],
        "more_speakers": max(0, len(by_speaker) - SPEAKERS_SHOWN),
        "contradictions": event["contradictions"],
        "framing": framing(export, event),
        # the event's own places, as the report lists them: one map of one event
        "map": svg_map(event_places(event, index.places)),
    }


def _folded_range(rng: dict[str, Any]) -> dict[str, Any]:
    """A range with its claims folded (copies counted once per line), bounded."""
    folded = fold_claims(rng["values"], valued_only=False)  # every claimant on the event page
    return {**rng, "folded": folded[:FIGURE_CLAIMS], "more": max(0, len(folded) - FIGURE_CLAIMS)}


# -- the map ------------------------------------------------------------------------------


def svg_map(places: list[Place]) -> Markup:
    """The event's own places (its location and the places its mentions name) on the
    offline basemap, drawn by parallax.mapdraw exactly as the report draws them; every name
    escaped there, so the SVG goes into the page as it is."""
    return Markup(mapdraw.event_map(places))


# -- where the sources disagree -----------------------------------------------------------


def doc_ids(export: dict[str, Any]) -> dict[str, int]:
    return {d["name"]: d["id"] for d in export["documents"]}


def span_href(ids: dict[str, int], ref: SpanRef, kind: str | None = None) -> str:
    """The span in its report: the document page with the span marked (and, for an
    extracted item, its details open)."""
    doc_id = ids.get(ref.document)
    if doc_id is None:
        return "#"
    anchor = f"#d{doc_id}-{kind}-{ref.start}-{ref.end}" if kind else "#at"
    return f"/document/{doc_id}?at={ref.start}-{ref.end}{anchor}"


def disagreements(
    export: dict[str, Any], filters: dict[str, str], texts: dict[str, str] | None = None
) -> dict[str, Any]:
    """The overview of the shared view model and what its links need."""
    ids = doc_ids(export)
    return {
        "overview": overview(export, filters, texts=texts),
        "href": lambda ref, kind=None: span_href(ids, ref, kind),
        "filter_names": FILTERS,
        "event_labels": {
            e["id"]: f"{e['label']} ({e.get('date') or 'undated'})" for e in export["events"]
        },
    }


def marked_span(text: str, at: str | None) -> list[Item]:
    """The span `?at=START-END` names, as a pseudo-item the page highlights."""
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", at or "")
    if not m or not (0 <= int(m[1]) < int(m[2]) <= len(text)):
        return []
    return [Item("", "sentence", int(m[1]), int(m[2]), "", {}, {}, None, "")]


def time_axis_html(export: dict[str, Any]) -> str:
    """The crisis's time axis, drawn as the report draws it (parallax.timeaxis)."""
    return time_axis(export_items(export, href=lambda event_id: f"/event/{event_id}"))


def mark_current(axis: str, event_id: str) -> str:
    """The time axis with the page's own event marked (`aria-current`, styled)."""
    link = f'<a href="{html.escape(f"/event/{event_id}")}">'
    marked = f'<a href="{html.escape(f"/event/{event_id}")}" class="current" aria-current="page">'
    return axis.replace(link, marked)
