"""The one view model of the record: what the analyst's report (`parallax.report`), the
review server (`parallax.serve`) and `parallax summary` show, read from the corrected
export (`parallax.export.build_export`, where every kind of correction is applied once),
so that the three never compute a part of the record differently: an event's figures
and contradictions, its framing, the places it happened (its own mentions' locations,
which every map draws), the figures where sources disagree."""

from __future__ import annotations

import functools
import json
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass
class Place:
    """A geocoded place as maps and lists show it."""

    name: str
    lat: float
    lon: float
    precision: str
    main: bool = False  # the event's own location (the map marks it)


def as_dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list field of the export; a missing, null or malformed field
    gives [] (every renderer reads the export this way)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def as_text(value: Any) -> str:
    """A value of the export as text; None gives ''."""
    return "" if value is None else str(value)


_dicts, _text = as_dicts, as_text


# -- places -------------------------------------------------------------------------------


def _location_spans(event: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(document, start, end) of the place each of the event's mentions names."""
    out = []
    for m in _dicts(event.get("mentions")):
        span = (m.get("spans") or {}).get("location")
        if isinstance(span, list) and len(span) == 2:
            out.append((_text(m.get("document")), int(span[0]), int(span[1])))
    return out


def located(entity: dict[str, Any]) -> bool:
    """Whether an entity of the export is a place with coordinates (one a map can draw)."""
    return isinstance(entity.get("lat"), int | float) and isinstance(entity.get("lon"), int | float)


class PlaceIndex:
    """The geocoded entities, and where the reports name each (document -> offsets), so
    that an event's places are found from its own spans instead of every entity's every
    mention (a page per event over a large corpus)."""

    def __init__(self, entities: list[dict[str, Any]]) -> None:
        self.entities = [e for e in entities if located(e)]
        named: dict[str, list[tuple[int, int]]] = {}
        for k, ent in enumerate(self.entities):
            for m in _dicts(ent.get("mentions")):
                named.setdefault(_text(m.get("document")), []).append(
                    (int(m.get("start") or -1), k)
                )
        self.named = {doc: sorted(pairs) for doc, pairs in named.items()}
        self.starts = {doc: [start for start, _ in pairs] for doc, pairs in self.named.items()}
        self.by_name: dict[str, list[int]] = {}
        for k, ent in enumerate(self.entities):
            self.by_name.setdefault(_text(ent.get("canonical")), []).append(k)

    def within(self, doc: str, start: int, end: int) -> list[int]:
        """The entities (by position) named at an offset in [start, end) of `doc`."""
        starts = self.starts.get(doc, [])
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        return [k for _, k in self.named[doc][lo:hi]] if hi > lo else []


def event_place_entities(
    event: dict[str, Any], entities: list[dict[str, Any]] | PlaceIndex
) -> list[dict[str, Any]]:
    """The geocoded entities where the event happened: its location and the place each
    of its mentions names (not every place its reports name elsewhere), by name."""
    index = entities if isinstance(entities, PlaceIndex) else PlaceIndex(entities)
    location = _text(event.get("location"))
    found = set(index.by_name.get(location, [])) if location else set()
    for doc, a, b in _location_spans(event):
        found.update(index.within(doc, a, b))
    out: dict[str, dict[str, Any]] = {}
    for k in sorted(found):  # the first entity of a name, in the record's order
        ent = index.entities[k]
        out.setdefault(_text(ent.get("canonical")), ent)
    return [out[name] for name in sorted(out)]


def event_places(event: dict[str, Any], entities: list[dict[str, Any]] | PlaceIndex) -> list[Place]:
    """`event_place_entities` as places."""
    location = _text(event.get("location"))
    return [
        Place(
            _text(e.get("canonical")),
            float(e["lat"]),
            float(e["lon"]),
            _text(e.get("precision")),
            bool(location) and _text(e.get("canonical")) == location,
        )
        for e in event_place_entities(event, entities)
    ]


# -- framing ------------------------------------------------------------------------------


def _framing_use(use: dict[str, Any]) -> str:
    who = _text(use.get("user")) or "the report's own words"
    how = _text(use.get("how")).replace("_", " ")
    distance = f", distanced ({how})" if use.get("distanced") else f", {how}" if how else ""
    return f"“{_text(use.get('text'))}” ({who}, {_text(use.get('document'))}{distance})"


def _framing_line(term: dict[str, Any], uses: list[dict[str, Any]]) -> str:
    users = [_text(u) for u in term.get("users") or []]
    side = f" [one side only: {users[0]}]" if term.get("one_sided") and users else ""
    return f"{_text(term.get('term'))}{side}: " + "; ".join(_framing_use(u) for u in uses)


def framing_lines(framing: list[dict[str, Any]], event_id: str | None = None) -> list[str]:
    """Contested terms used around the event (with None, every use), one line per term:
    'genocide [one side only: X]: “genocidal” (X, a.txt); ...'."""
    out = []
    for term in _dicts(framing):
        uses = [
            u
            for u in _dicts(term.get("uses"))
            if event_id is None or _text(u.get("event")) == event_id
        ]
        if uses:
            out.append(_framing_line(term, uses))
    return out


def framing_by_event(framing: list[dict[str, Any]]) -> dict[str, list[str]]:
    """`framing_lines(framing, event)` for every event at once (event id -> its lines),
    in one pass over the uses."""
    out: dict[str, list[str]] = {}
    for term in _dicts(framing):
        uses: dict[str, list[dict[str, Any]]] = {}
        for u in _dicts(term.get("uses")):
            uses.setdefault(_text(u.get("event")), []).append(u)
        for event_id, own in uses.items():
            out.setdefault(event_id, []).append(_framing_line(term, own))
    return out


# -- the view -----------------------------------------------------------------------------


class View:
    """The corrected export, looked up as every renderer needs it."""

    def __init__(self, export: dict[str, Any]) -> None:
        self.export = export
        self.events = _dicts(export.get("events"))
        self.ranges = _dicts(export.get("discrepancies"))
        self.contradictions = _dicts(export.get("contradictions"))
        self.entities = _dicts(export.get("entities"))
        self.framing = _dicts(export.get("framing"))
        self._by_id = {_text(e.get("id")): e for e in self.events}

    def timeline(self) -> list[dict[str, Any]]:
        """Events in date order, undated last."""
        return sorted(self.events, key=lambda e: (e.get("date") is None, e.get("date") or ""))

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its figure ranges and contradictions (corrections applied)."""
        event = self._by_id.get(event_id)
        if event is None:
            return None
        return {
            **event,
            "figures": [x for x in self.ranges if x.get("event") == event_id],
            "contradictions": [c for c in self.contradictions if c.get("event") == event_id],
        }

    def event_framing(self, event_id: str | None) -> list[str]:
        if event_id is None:
            return framing_lines(self.framing, None)
        return list(self._framing_of.get(event_id, []))

    @functools.cached_property
    def _framing_of(self) -> dict[str, list[str]]:
        return framing_by_event(self.framing)

    @functools.cached_property
    def place_index(self) -> PlaceIndex:
        return PlaceIndex(self.entities)

    def places(self, event: dict[str, Any]) -> list[Place]:
        return event_places(event, self.place_index)

    def place_entities(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        return event_place_entities(event, self.place_index)

    def disagreements(self) -> list[dict[str, Any]]:
        """The ranges whose claims differ."""
        return [d for d in self.ranges if not d.get("agreed")]


# -- where the sources disagree -------------------------------------------------------------

PRONOUNS = frozenset(
    [
        "i",
        "me",
        "we",
        "us",
        "you",
        "he",
        "him",
        "she",
        "her",
        "they",
        "them",
        "it",
        "one",
        "someone",
        "somebody",
    ]
)  # never a speaker to list: the report's own voice or an unresolved pronoun
CLAIMS_SHOWN = 6  # distinct claims of one range shown before "and N more"
_DATELINE_CREDIT = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .'’-]{1,30})?\s*\(([A-Z][^()\n]{1,40})\)\s*[-–—:]"
)


_FIGURES_LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "en" / "figures.json"


@lru_cache(maxsize=1)
def _singulars() -> dict[str, str]:
    """Population (plural) -> its singular, from the figures lexicon."""
    lex = json.loads(_FIGURES_LEXICON.read_text(encoding="utf-8"))
    singular = set(lex.get("singular_people") or [])
    out: dict[str, str] = {}
    for word, population in (lex.get("populations") or {}).items():
        if word in singular and word != population:
            out.setdefault(population, word)
    return out


def count_noun(count: Any, noun: str) -> str:
    """'1 woman', '2 women', '1 fighter': a population named for one."""
    if count != 1 or not noun:
        return f"{count} {noun}".strip()
    one = _singulars().get(noun) or (noun[:-1] if noun.endswith("s") else noun)
    return f"1 {one}"


def is_pronoun(name: str | None) -> bool:
    """Whether a speaker name is only a pronoun ("I", "We", "he")."""
    return _text(name).strip().lower() in PRONOUNS


def dateline_outlet(text: str) -> str:
    """The outlet a dateline credits ('DORNIK (Meridian Wire) - ...' -> 'Meridian Wire'),
    looked for at the start of the report's paragraphs near its top; '' when none."""
    for para in text[:3000].split("\n")[:40]:
        if m := _DATELINE_CREDIT.match(para):
            return m[1].strip()
    return ""


@dataclass
class SpanRef:
    """A claim's place in its report: the document and the characters it covers."""

    document: str
    start: int
    end: int


@dataclass
class ClaimView:
    """Claims of one value by one claimant, copies and repeats folded into one line."""

    value: int | None
    claimant: str
    outlets: list[str]
    ref: SpanRef  # the first report saying it
    reports: int  # how many reports say it (syndicated copies included)
    date: str | None
    superseded: bool = False  # a newer value of the same claimant replaced it


@dataclass
class RangeView:
    """One metric's range on one side of an event."""

    metric: str
    side: str
    group: str
    low: int | None
    best: int | None
    high: int | None
    agreed: bool
    independent_sources: int
    claims: list[ClaimView]
    more_claims: int  # distinct claims left out of `claims`


@dataclass
class ContradictionView:
    kind: str
    what: str
    a: str
    a_claimants: list[str]
    a_ref: SpanRef
    b: str
    b_claimants: list[str]
    b_ref: SpanRef


@dataclass
class TollView:
    """The newest value of the event's toll and when it changed."""

    metric: str
    value: int
    as_of: str | None
    previous: int | None  # the value it replaced, if the record links one
    previous_date: str | None
    claimant: str
    ref: SpanRef


@dataclass
class EventDisagreement:
    id: str | None  # None: contradictions tied to no event
    label: str
    date: str | None
    precision: str
    location: str
    ranges: list[RangeView]
    contradictions: list[ContradictionView]
    toll: TollView | None

    @property
    def disputes(self) -> int:
        return sum(not r.agreed for r in self.ranges) + len(self.contradictions)


@dataclass
class Overview:
    """The first page: where the sources disagree, event by event, filtered."""

    events: list[EventDisagreement]
    total_events: int  # events with a disagreement after the filters, before the limit
    filters: dict[str, str]
    options: dict[str, list[str]]  # filter name -> the values to choose from


def _plural_noun(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def source_group_map(export: dict[str, Any]) -> dict[str, str]:
    """Document name -> its independent source, from the record's source groups."""
    return {
        doc: _text(s.get("source"))
        for s in _dicts(export.get("sources"))
        for doc in s.get("documents") or []
    }


def copy_groups(
    export: dict[str, Any], names: list[str], groups: dict[str, str] | None = None
) -> list[tuple[str, list[str]]]:
    """`names` (documents) grouped by independent source (the record's source groups:
    wire copies and near-duplicates of one story together): (first document, its
    copies), in the order of `names`. `groups`: `source_group_map(export)`, where the
    caller groups many lists of names (an event's reports, each event's)."""
    group = source_group_map(export) if groups is None else groups
    out: dict[str, tuple[str, list[str]]] = {}
    for name in names:
        key = group.get(name) or name
        if key in out:
            out[key][1].append(name)
        else:
            out[key] = (name, [])
    return list(out.values())


def place_name(location: Any) -> str:
    """An event's place, or 'unknown place'."""
    return _text(location) or "unknown place"


class _Outlets:
    def __init__(self, export: dict[str, Any], texts: dict[str, str] | None) -> None:
        groups = {
            doc: _text(s.get("source"))
            for s in _dicts(export.get("sources"))
            for doc in s.get("documents") or []
        }
        self.of: dict[str, str] = {}
        for d in _dicts(export.get("documents")):
            name = _text(d.get("name"))
            outlet = _text(d.get("outlet")) or dateline_outlet((texts or {}).get(name, ""))
            group = groups.get(name, "")
            if not outlet and group and group != name:
                outlet = group
            self.of[name] = outlet

    def __call__(self, document: str) -> str:
        return self.of.get(document, "")


def fold_claims(
    values: list[dict[str, Any]],
    outlet: Callable[[str], str] | None = None,
    valued_only: bool = True,
) -> list[ClaimView]:
    """A range's claims, one line per value and claimant (wire copies and repeats
    counted in `reports`), current values first, the most repeated first; claims with no
    number ("civilians were killed") only where not `valued_only`."""
    outlet = outlet or (lambda _doc: "")
    folded: dict[tuple[Any, str], ClaimView] = {}
    for v in values:
        if valued_only and v.get("value") is None:
            continue
        claimant = _text(v.get("claimant")) or "unnamed source"
        key = (v.get("value"), claimant)
        doc = _text(v.get("document"))
        found = folded.get(key)
        if found is None:
            folded[key] = ClaimView(
                v.get("value"),
                claimant,
                [o for o in [outlet(doc)] if o],
                SpanRef(doc, int(v.get("start") or 0), int(v.get("end") or 0)),
                1,
                _text(v.get("as_of") or v.get("date")) or None,
                bool(v.get("superseded_by")),
            )
        else:
            found.reports += 1
            if (o := outlet(doc)) and o not in found.outlets:
                found.outlets.append(o)
    return sorted(
        folded.values(), key=lambda c: (c.superseded, -c.reports, c.value or 0, c.claimant)
    )


def _toll(ranges: list[dict[str, Any]]) -> TollView | None:
    """The newest dated value among the event's tolls (the killed first)."""
    best: tuple[tuple[str, int], TollView] | None = None
    for r in ranges:
        latest = r.get("latest")
        if not isinstance(latest, dict) or latest.get("value") is None:
            continue
        # the value it replaced: the newest claim it superseded
        earlier = sorted(
            (_text(v.get("as_of") or v.get("date")), int(v["value"]))
            for v in _dicts(r.get("values"))
            if isinstance(v.get("value"), int)
            and isinstance(v.get("superseded_by"), dict)
            and v["superseded_by"].get("document") == latest.get("document")
            and v["superseded_by"].get("start") == latest.get("start")
        )
        as_of = _text(latest.get("as_of"))
        before = [e for e in earlier if e[0] and as_of and e[0] < as_of]
        earlier = before or earlier
        previous = earlier[-1][1] if earlier else None
        previous_date = earlier[-1][0] or None if earlier else None
        toll = TollView(
            _text(r.get("metric")),
            int(latest["value"]),
            _text(latest.get("as_of")) or None,
            previous,
            previous_date,
            _text(latest.get("claimant")) or "unnamed source",
            SpanRef(
                _text(latest.get("document")),
                int(latest.get("start") or 0),
                int(latest.get("end") or 0),
            ),
        )
        key = (_text(latest.get("as_of")), int(r.get("metric") == "killed"))
        if best is None or key > best[0]:
            best = (key, toll)
    return best[1] if best else None


def overview(
    export: dict[str, Any],
    filters: dict[str, str] | None = None,
    limit: int = 50,
    texts: dict[str, str] | None = None,
) -> Overview:
    """Where the sources disagree: per event (most disputed first), each metric's range
    per side with its independent sources and its claims (copies folded), the
    contradictions with both sides' claimants, the newest toll. `filters` (event, metric,
    claimant, outlet; empty values ignored) keep what they name; at most `limit` events.
    `texts` (document name -> text) lets a dateline name an outlet the metadata lacks."""
    wanted = {k: v for k, v in (filters or {}).items() if v and k in FILTERS}
    outlet = _Outlets(export, texts)
    events = {_text(e.get("id")): e for e in _dicts(export.get("events"))}
    ranges = _dicts(export.get("discrepancies"))
    contradictions = _dicts(export.get("contradictions"))
    options: dict[str, set[str]] = {k: set() for k in FILTERS}

    def claim_ok(v: dict[str, Any]) -> bool:
        return ("claimant" not in wanted or _text(v.get("claimant")) == wanted["claimant"]) and (
            "outlet" not in wanted or outlet(_text(v.get("document"))) == wanted["outlet"]
        )

    def contradiction_ok(c: dict[str, Any]) -> bool:
        if "metric" in wanted:
            return False
        claimants = [*_strs(c.get("a_claimants")), *_strs(c.get("b_claimants"))]
        claimants += [_text(c.get("a_claimant")), _text(c.get("b_claimant"))]
        outlets = {outlet(_text(c.get("a_document"))), outlet(_text(c.get("b_document")))}
        return ("claimant" not in wanted or wanted["claimant"] in claimants) and (
            "outlet" not in wanted or wanted["outlet"] in outlets
        )

    by_event: dict[str | None, EventDisagreement] = {}

    def entry(event_id: str | None) -> EventDisagreement:
        if event_id not in by_event:
            ev = events.get(event_id or "", {})
            by_event[event_id] = EventDisagreement(
                event_id,
                _text(ev.get("label")) or _text(ev.get("type")).replace("_", " ").title()
                if event_id
                else "Not tied to an event",
                _text(ev.get("date")) or None,
                _text(ev.get("date_precision")) or ("day" if ev.get("date") else "undated"),
                _text(ev.get("location")),
                [],
                [],
                None,
            )
        return by_event[event_id]

    for r in ranges:
        ev_id = _text(r.get("event")) or None
        values = _dicts(r.get("values"))
        for v in values:
            if v.get("claimant"):
                options["claimant"].add(_text(v["claimant"]))
            if o := outlet(_text(v.get("document"))):
                options["outlet"].add(o)
        options["metric"].add(_text(r.get("metric")))
        if "event" in wanted and ev_id != wanted["event"]:
            continue
        if "metric" in wanted and _text(r.get("metric")) != wanted["metric"]:
            continue
        if not any(claim_ok(v) for v in values):
            continue
        claims = fold_claims(values, outlet)
        entry(ev_id).ranges.append(
            RangeView(
                _text(r.get("metric")),
                _text(r.get("side")),
                _text(r.get("group")),
                r.get("low"),
                r.get("best"),
                r.get("high"),
                bool(r.get("agreed")),
                int(r.get("independent_sources") or r.get("sources") or 0),
                claims[:CLAIMS_SHOWN],
                max(0, len(claims) - CLAIMS_SHOWN),
            )
        )
    for c in contradictions:
        ev_id = _text(c.get("event")) or None
        for key in ("a", "b"):
            for who in _strs(c.get(f"{key}_claimants")) or [_text(c.get(f"{key}_claimant"))]:
                if who:
                    options["claimant"].add(who)
            if o := outlet(_text(c.get(f"{key}_document"))):
                options["outlet"].add(o)
        if "event" in wanted and ev_id != wanted["event"]:
            continue
        if not contradiction_ok(c):
            continue

        def side(key: str, c: dict[str, Any] = c) -> tuple[str, list[str], SpanRef]:
            who = _strs(c.get(f"{key}_claimants")) or [
                _text(c.get(f"{key}_claimant")) or _text(c.get(f"{key}_document"))
            ]
            ref = SpanRef(
                _text(c.get(f"{key}_document")),
                int(c.get(f"{key}_start") or 0),
                int(c.get(f"{key}_end") or 0),
            )
            return _text(c.get(key)), who, ref

        entry(ev_id).contradictions.append(
            ContradictionView(
                _text(c.get("kind")).replace("_", " "),
                _text(c.get("what")),
                *side("a"),
                *side("b"),
            )
        )
    ranges_of: dict[str | None, list[dict[str, Any]]] = {}
    for r in ranges:
        ranges_of.setdefault(_text(r.get("event")) or None, []).append(r)
    for ev_id, item in by_event.items():
        item.toll = _toll(ranges_of.get(ev_id, []))
    disputed = [e for e in by_event.values() if e.disputes]
    for e in disputed:
        if e.id:
            options["event"].add(e.id)
    disputed.sort(key=lambda e: (e.id is None, -e.disputes, e.date or "9999", e.label))
    for e in disputed:  # ranges where the sources disagree first
        e.ranges.sort(key=lambda r: (r.agreed, r.metric, r.side, r.group))
    labels = {e.id: e.label for e in disputed if e.id}
    return Overview(
        disputed[:limit],
        len(disputed),
        wanted,
        {
            k: sorted(v, key=lambda x: ((labels.get(x) or x).lower(), x))
            if k == "event"
            else sorted(v)
            for k, v in options.items()
        },
    )


FILTERS = ("event", "metric", "claimant", "outlet")


def _strs(value: Any) -> list[str]:
    return [_text(v) for v in value if v] if isinstance(value, list) else []
