"""Across documents: canonical entities (aliases, misspellings, surnames), document dates
borrowed from linked reports, and events grouped by type, date and place."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from parallax.extract.events import LABELS, PLACE_RANK, PLOVER, date_events, group_of
from parallax.extract.times import calendar_date, iso_week, resolve_all
from parallax.gazetteer import Gazetteer, fold
from parallax.models import DocumentRecord, EventMention

MIN_LINK_SIMILARITY = 0.15  # to look for a shared event to anchor weekdays on
CLOSE_SIMILARITY = 0.25  # to borrow another report's date without one


@dataclass
class Entity:
    id: str
    canonical: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    documents: set[str] = field(default_factory=set)
    mentions: list[tuple[str, int, int, str]] = field(default_factory=list)  # doc, start, end, text

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "canonical": self.canonical,
            "kind": self.kind,
            "aliases": sorted(self.aliases - {self.canonical}),
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "documents": sorted(self.documents),
            "mentions": [
                {"document": d, "start": a, "end": b, "text": t} for d, a, b, t in self.mentions
            ],
        }


@dataclass
class Event:
    id: str
    type: str
    date: str | None
    location: str | None
    actor: str | None
    target: str | None
    members: list[tuple[str, EventMention]]  # (document name, mention)

    @property
    def documents(self) -> list[str]:
        return sorted({d for d, _ in self.members})

    def to_dict(self, texts: dict[str, str]) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "label": LABELS.get(self.type, self.type),
            "plover": PLOVER.get(self.type),
            "date": self.date,
            "date_precision": date_precision(self.date),
            "location": self.location,
            "actor": self.actor,
            "target": self.target,
            "documents": self.documents,
            "mentions": [
                {
                    "document": d,
                    "key": m.key,
                    "type": m.type,
                    "trigger": m.trigger,
                    "start": m.start,
                    "end": m.end,
                    "date": m.date,
                    "sentence": texts[d][m.sentence_start : m.sentence_end].strip(),
                }
                for d, m in self.members
            ],
        }


def date_precision(value: str | None) -> str | None:
    """day | week | month | year of an event's calendar date (see `calendar_date`)."""
    return calendar_date(value)[1]
    if len(value) == 10:
        return "day"
    if "-W" in value:
        return "week"
    if len(value) == 7:
        return "month"
    if len(value) == 4 and value.isdigit():
        return "year"
    return None


# -- entities -------------------------------------------------------------------


def link_entities(docs: list[DocumentRecord], gaz: Gazetteer) -> list[Entity]:
    """One entity per canonical name; places geocoded, persons merged by surname."""
    fullnames: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for m in d.mentions:
            if m.kind == "person" and len(m.canonical.split()) > 1:
                fullnames[m.canonical.split()[-1]].add(m.canonical)
    entities: dict[tuple[str, str], Entity] = {}
    gaz.prefetch(
        [m.canonical for d in docs for m in d.mentions if m.kind == "place" and m.precision is None]
    )
    for d in docs:
        for m in d.mentions:
            if m.kind == "place" and m.precision is None:
                place = gaz.lookup(m.canonical)
                if place is None:
                    continue
                m.canonical, m.lat, m.lon, m.precision = (
                    place.canonical,
                    place.lat,
                    place.lon,
                    place.kind,
                )
                m.kind = "country" if place.kind == "country" else "place"
            if m.kind == "person" and len(m.canonical.split()) == 1:
                names = fullnames.get(m.canonical, set())
                if len(names) == 1:
                    m.canonical = next(iter(names))
            key = (m.kind, fold(m.canonical))
            ent = entities.get(key)
            if ent is None:
                ent = entities[key] = Entity(
                    f"ent{len(entities) + 1}",
                    m.canonical,
                    m.kind,
                    lat=m.lat,
                    lon=m.lon,
                    precision=m.precision,
                )
            ent.aliases.add(m.text.replace("\u2019s", "").replace("'s", ""))
            ent.documents.add(d.name)
            ent.mentions.append((d.name, m.start, m.end, m.text))
    _expand_speakers(docs, fullnames)
    return list(entities.values())


def _expand_speakers(docs: list[DocumentRecord], fullnames: dict[str, set[str]]) -> None:
    """A surname-only speaker or claimant takes the one full name other reports give."""

    def full(name: str | None) -> str | None:
        if name and len(name.split()) == 1 and len(fullnames.get(name, ())) == 1:
            return next(iter(fullnames[name]))
        return name

    for d in docs:
        for q in d.quotes:
            q.speaker = full(q.speaker)
        for f in d.figures:
            f.claimant = full(f.claimant)


# -- document dates -----------------------------------------------------------------


def _signature(d: DocumentRecord) -> set[str]:
    return {fold(m.canonical) for m in d.mentions} | {f"event:{group_of(e.type)}" for e in d.events}


def _weekday_pin(d: DocumentRecord, others: list[DocumentRecord]) -> dt.date | None:
    """A day this report talks about, found through another report: an event of the same
    kind that the other report dates to a day falling on the weekday this one names."""
    for other in others:
        dated = [(group_of(e.type), e.date) for e in other.events if e.date and len(e.date) == 10]
        for ev in d.events:
            if ev.time_index is None or ev.type == "statement":
                continue
            rule = d.times[ev.time_index].rule or {}
            if "weekday" not in rule or rule.get("modifier"):
                continue
            for group, day in dated:
                if (
                    group == group_of(ev.type)
                    and dt.date.fromisoformat(day).weekday() == rule["weekday"]
                ):
                    return dt.date.fromisoformat(day)
    return None


def _shares_place(a: DocumentRecord, b: DocumentRecord) -> bool:
    def places(d: DocumentRecord) -> set[str]:
        return {m.canonical for m in d.mentions if m.kind == "place" and m.precision}

    return bool(places(a) & places(b))


def link_dates(docs: list[DocumentRecord]) -> None:
    """A report with relative dates and no date of its own is anchored through the most
    similar dated reports (shared entities and event types): on the day of an event they
    share whose weekday it names, or else on the other report's date. Its own date is
    then the latest day it mentions, with basis `linked`."""
    for d in docs:
        if d.published_basis == "linked":
            d.published = d.published_basis = d.published_from = None
            for t in d.times:
                if t.rule:
                    t.value = None
    dated = [d for d in docs if d.published and d.published_basis != "linked"]
    signatures = {o.name: _signature(o) for o in dated}
    for d in docs:
        if d.published or not any(t.rule for t in d.times):
            continue
        sig = _signature(d)
        ranked = sorted(
            (
                (len(sig & signatures[o.name]) / max(1, len(sig | signatures[o.name])), i, o)
                for i, o in enumerate(dated)
            ),
            key=lambda x: (-x[0], x[1]),
        )
        similar = [o for sim, _, o in ranked if sim > MIN_LINK_SIMILARITY]
        if not similar:
            continue
        pin = _weekday_pin(d, similar)
        if pin is not None:
            resolve_all(d.text, d.times, pin, nearest=True)
        elif ranked[0][0] >= CLOSE_SIMILARITY and _shares_place(d, similar[0]):
            assert similar[0].published is not None
            resolve_all(d.text, d.times, dt.date.fromisoformat(similar[0].published))
        else:
            continue  # no shared event to anchor on: unknown stays unknown
        days = [
            day
            for t in d.times
            if t.rule
            for day, p in [calendar_date(t.value)]
            if day is not None and p == "day"
        ]
        d.published = max(days) if days else similar[0].published
        d.published_basis, d.published_from = "linked", similar[0].name
    for d in docs:
        date_events(d.events, d.times)


# -- events ---------------------------------------------------------------------------


def _within(coarse: str, day: str) -> bool:
    """A week, month or year value that holds the given day."""
    if "-W" in coarse:
        return iso_week(dt.date.fromisoformat(day)) == coarse
    return day.startswith(coarse)


def local_events(d: DocumentRecord) -> list[list[EventMention]]:
    """Group one document's mentions: same type group and same day. A mention dated only
    to a week or month, or undated, joins the day-dated event of its group that it fits
    (the one most mentions point to); otherwise it forms an event of its own."""
    groups: dict[tuple[str, str | None], list[EventMention]] = {}
    loose: list[EventMention] = []
    for m in d.events:
        if m.type == "statement":
            groups.setdefault((f"statement:{m.actor}", m.date), []).append(m)
        elif m.date and len(m.date) == 10:
            groups.setdefault((group_of(m.type), m.date), []).append(m)
        else:
            loose.append(m)
    for m in sorted(loose, key=lambda x: x.date is None):
        fits = [
            k
            for k in groups
            if k[0] == group_of(m.type)
            and k[1]
            and len(k[1]) == 10
            and (m.date is None or _within(m.date, k[1]))
        ]
        if not fits and m.date is None:
            fits = [k for k in groups if k[0] == group_of(m.type)]
        if m.type == "explosion" and m.date is None:
            fits = []  # a blast cited without a date is kept apart from dated attacks
        if fits:
            key = max(fits, key=lambda k: len(groups[k]))
        else:
            key = (group_of(m.type) if m.type != "explosion" else f"explosion:{m.key}", m.date)
        groups.setdefault(key, []).append(m)
    return list(groups.values())


def link_events(docs: list[DocumentRecord]) -> list[Event]:
    """Merge local events across documents when their type group and date agree."""
    clusters: dict[tuple[str, str], list[tuple[str, EventMention]]] = {}
    singles: list[list[tuple[str, EventMention]]] = []
    for d in docs:
        for group in local_events(d):
            members = [(d.name, m) for m in group]
            date = next((m.date for m in group if m.date), None)
            gtype = (
                group_of(group[0].type)
                if group[0].type != "statement"
                else f"statement:{group[0].actor}"
            )
            if date:
                clusters.setdefault((gtype, date), []).extend(members)
            else:
                singles.append(members)
    _fold_coarse_dates(clusters)
    singles = [s for s in singles if not _join_by_place(s, clusters, docs)]
    events = [_make_event(members) for members in [*clusters.values(), *singles]]
    events.sort(key=lambda e: (e.date is None, e.date or "", e.type))
    for i, e in enumerate(events, 1):
        e.id = f"ev{i}"
    return events


def _fold_coarse_dates(clusters: dict[tuple[str, str], list[tuple[str, EventMention]]]) -> None:
    """An event dated only to a week or month joins the one day-dated event of its kind
    that falls within it ("the ceasefire agreed earlier this week")."""
    for key in [k for k in clusters if len(k[1]) != 10]:
        fits = [k for k in clusters if k[0] == key[0] and len(k[1]) == 10 and _within(key[1], k[1])]
        if len(fits) == 1:
            clusters[fits[0]].extend(clusters.pop(key))


def _join_by_place(
    members: list[tuple[str, EventMention]],
    clusters: dict[tuple[str, str], list[tuple[str, EventMention]]],
    docs: list[DocumentRecord],
) -> bool:
    """An undated military event joins the one dated event of its kind, reported by another
    source, whose town its report names; nothing else is merged without a date."""
    name, first = members[0]
    if group_of(first.type) != "military":
        return False
    doc = next(d for d in docs if d.name == name)
    towns = {m.canonical for m in doc.mentions if m.precision == "town"}
    fits = [
        k
        for k, ms in clusters.items()
        if k[0] == "military"
        and len(k[1]) == 10
        and any(m.location in towns for _, m in ms)
        and any(d != name for d, _ in ms)
    ]
    if len(fits) != 1:
        return False
    clusters[fits[0]].extend(members)
    return True


def _make_event(members: list[tuple[str, EventMention]]) -> Event:
    types = Counter(m.type for _, m in members)
    specific = [t for t in types if t != "attack"]
    etype = specific[0] if len(specific) == 1 else "attack"  # reports disagree: the generic kind
    dates = [m.date for _, m in members if m.date]
    actors = Counter(m.actor for _, m in members if m.actor)
    targets = Counter(m.target for _, m in members if m.target)
    return Event(
        id="",
        type=etype,
        date=dates[0] if dates else None,
        location=_most_specific(members),
        actor=_top(actors),
        target=_top(targets),
        members=members,
    )


def _top(c: Counter) -> str | None:
    return c.most_common(1)[0][0] if c else None


def _most_specific(members: list[tuple[str, EventMention]]) -> str | None:
    """The most specific place the mentions give, the most often given on a tie."""
    places = Counter((m.location, m.location_precision) for _, m in members if m.location)
    if not places:
        return None
    ranked = sorted(places.items(), key=lambda kv: (PLACE_RANK.get(kv[0][1] or "", 3), -kv[1]))
    return ranked[0][0][0]


@dataclass
class Linked:
    entities: list[Entity]
    events: list[Event]
    event_of: dict[tuple[str, str], str]  # (document name, local event key) -> event id

    def figure_event(self, doc: str, key: str | None) -> str | None:
        return self.event_of.get((doc, key)) if key else None


def _relocate(docs: list[DocumentRecord]) -> None:
    """Event places from the geocoded mentions of their sentence (most specific first)."""
    for d in docs:
        for ev in d.events:
            places = [m for m in d.mentions if ev.sentence_start <= m.start < ev.sentence_end
                      and m.kind == "place" and m.precision]  # fmt: skip
            if places:
                ev.location = min(
                    places, key=lambda m: PLACE_RANK.get(m.precision or "", 3)
                ).canonical


def link(docs: list[DocumentRecord], gaz: Gazetteer) -> Linked:
    """Run every cross-document step in order; updates the records' dates and names."""
    entities = link_entities(docs, gaz)
    _relocate(docs)
    link_dates(docs)
    events = link_events(docs)
    event_of = {(d, m.key): e.id for e in events for d, m in e.members}
    return Linked(entities, events, event_of)
