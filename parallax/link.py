"""Across documents: canonical entities (aliases, misspellings, surnames), document dates
borrowed from linked reports, and events grouped by type, date and place."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import itertools
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from parallax.crossdoc import record
from parallax.extract.events import (
    LABELS,
    MILITARY,
    PLACE_RANK,
    PLOVER,
    date_events,
    detach_earlier_incidents,
    group_of,
)
from parallax.extract.figures import date_figures
from parallax.extract.times import calendar_date, iso_week, resolve_all
from parallax.gazetteer import Gazetteer, fold
from parallax.models import DocumentRecord, EventMention, Figure, TextFeatures


@dataclass
class Entity:
    id: str
    canonical: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    documents: set[str] = field(default_factory=set)
    mentions: list[tuple[str, int, int, str]] = field(default_factory=list)  # doc, start, end, text

    def to_record(self) -> record.Entity:
        """As the cross-document record keeps it."""
        return record.Entity(
            id=self.id,
            canonical=self.canonical,
            kind=self.kind,
            aliases=sorted(self.aliases - {self.canonical}),
            lat=self.lat,
            lon=self.lon,
            precision=self.precision,
            country=self.country,
            country_code=self.country_code,
            admin1=self.admin1,
            admin2=self.admin2,
            documents=sorted(self.documents),
            mentions=[record.EntityMention(d, a, b, t) for d, a, b, t in self.mentions],
        )

    def to_dict(self) -> dict:
        return self.to_record().to_dict()


@dataclass
class Event:
    id: str
    type: str
    date: str | None
    location: str | None
    actor: str | None
    target: str | None
    members: list[tuple[str, EventMention]]  # (document name, mention)
    background: bool = False  # history or an earlier incident cited as a cause
    news: list[str] | None = None  # the reports whose news it is (None: all of them)

    @property
    def documents(self) -> list[str]:
        """Every report that tells of the event."""
        return sorted({d for d, _ in self.members})

    @property
    def reported_in(self) -> list[str]:
        """The reports whose news the event is: a report that brings a later development
        (a denial, an inquiry) mentions the incident without reporting it."""
        return self.documents if self.news is None else sorted(self.news)

    def to_record(self, texts: dict[str, str]) -> record.Event:
        """As the cross-document record keeps it (`texts`: the reports' texts by name, for
        each mention's sentence); `reported_by` is the stage's to set."""
        return record.Event(
            id=self.id,
            type=self.type,
            label=LABELS.get(self.type, self.type),
            plover=PLOVER.get(self.type),
            date=self.date,
            date_precision=date_precision(self.date),
            location=self.location,
            actor=self.actor,
            target=self.target,
            documents=self.reported_in,
            mentioned_in=self.documents,
            background=self.background,
            mentions=[
                record.EventMentionRef(
                    document=d,
                    key=m.key,
                    type=m.type,
                    trigger=m.trigger,
                    start=m.start,
                    end=m.end,
                    sentence_start=m.sentence_start,
                    sentence_end=m.sentence_end,
                    date=m.date,
                    spans={
                        name: [a, b]
                        for name, a, b in (
                            ("date", m.date_start, m.date_end),
                            ("location", m.location_start, m.location_end),
                            ("actor", m.actor_start, m.actor_end),
                            ("target", m.target_start, m.target_end),
                        )
                        if a is not None and b is not None
                    },
                    sentence=texts[d][m.sentence_start : m.sentence_end].strip(),
                )
                for d, m in self.members
            ],
        )

    def to_dict(self, texts: dict[str, str]) -> dict:
        return self.to_record(texts).to_dict()


def date_precision(value: str | None) -> str | None:
    """day | week | month | year of an event's calendar date (see `calendar_date`)."""
    return calendar_date(value)[1]


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
        # the countries the report names (and its places' and regions' countries) choose
        # among namesakes; a nationality adjective ("Russian forces") does not
        named = gaz.report_countries(
            [m.canonical for m in d.mentions if m.kind in ("country", "place")]
        )
        actors = gaz.report_countries([m.canonical for m in d.mentions if m.kind == "group"])
        for m in d.mentions:
            if m.context:
                continue  # read for `named` only
            if m.kind == "place" and m.precision is None:
                place = gaz.resolve(m.canonical, named, actors - named)
                if place is None:
                    continue
                m.canonical, m.lat, m.lon, m.precision = (
                    place.canonical,
                    place.lat,
                    place.lon,
                    place.kind,
                )
                areas = gaz.admin(place)
                m.country, m.country_code = areas.country, areas.country_code
                m.admin1, m.admin2 = areas.admin1, areas.admin2
                m.kind = "country" if place.kind == "country" else "place"
            if m.kind == "person" and len(m.canonical.split()) == 1:
                names = fullnames.get(m.canonical, set())
                if len(names) == 1:
                    m.canonical = next(iter(names))
            key = (m.kind, fold(m.canonical))
            ent = entities.get(key)
            if ent is None:
                ent = entities[key] = Entity(
                    "ent-" + hashlib.sha1("|".join(key).encode()).hexdigest()[:10],
                    m.canonical,
                    m.kind,
                    lat=m.lat,
                    lon=m.lon,
                    precision=m.precision,
                    country=m.country,
                    country_code=m.country_code,
                    admin1=m.admin1,
                    admin2=m.admin2,
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
    kind that the other report (dated by its own text or metadata) dates to a day falling
    on the weekday this one names ("Tuesday's blast", the blast of Tuesday 4 August)."""
    for other in others:
        dated = [
            (group_of(e.type), e.date)
            for e in other.events
            if e.date and len(e.date) == 10 and not e.background and e.type != "statement"
        ]
        for ev in d.events:
            if ev.time_index is None or ev.type == "statement" or ev.background:
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


def _closeness(a: DocumentRecord, b: DocumentRecord, sigs: dict[str, set[str]]) -> float:
    sa, sb = sigs[a.name], sigs[b.name]
    return len(sa & sb) / max(1, len(sa | sb))


def _similar(d: DocumentRecord, dated: list[DocumentRecord], sigs: dict[str, set[str]]) -> list:
    """The dated reports that share names and kinds of event with this one, most
    similar first (Jaccard of their signatures)."""
    sig = sigs[d.name]
    ranked = sorted(
        ((len(sig & sigs[o.name]) / max(1, len(sig | sigs[o.name])), o.sha256, o) for o in dated),
        key=lambda x: (-x[0], x[1]),
    )
    return [o for sim, _, o in ranked if sim > MIN_LINK_SIMILARITY]


SHINGLE = 6  # words per shingle when looking for a copy of a report
COPY_SHARE = 0.6  # share of a report's shingles found in another: a copy of it
COPY_PREFIX = 3000  # characters of each report compared (a copy keeps the opening)
SHINGLE_SAMPLE = 4
MIN_LINK_SIMILARITY = 0.15  # to look for a shared event to anchor weekdays on
CLOSE_SIMILARITY = 0.25  # to read a report's weekdays in the week of a close report


@functools.lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset[int]:
    """A fixed sample (one in SHINGLE_SAMPLE, by hash) of the opening's word shingles: the
    share two texts have in common is kept, the index stays small."""
    words = WORD.findall(text[:COPY_PREFIX].lower())
    out = set()
    for i in range(len(words) - SHINGLE + 1):
        h = zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())  # the same in every run
        if h % SHINGLE_SAMPLE == 0:
            out.add(h)
    return frozenset(out)


class Copies:
    """Which report copies which (most of its opening word for word: a syndicated wire
    story), among one set of reports: the sampled opening shingles each pair shares,
    counted once per report and read by every step that asks. Memory grows with the
    text, not with the square of the reports. `features`: the reports' `TextFeatures` by
    name, where known."""

    def __init__(
        self, docs: list[DocumentRecord], features: Mapping[str, TextFeatures] | None = None
    ) -> None:
        known = features or {}
        self.docs = docs
        self.own = [
            f.copy_shingles if (f := known.get(d.name)) else _shingles(d.text) for d in docs
        ]
        index: dict[int, list[int]] = defaultdict(list)
        for i, own in enumerate(self.own):
            for h in own:
                index[h].append(i)
        self.index = index
        self.at = {d.name: i for i, d in enumerate(docs)}
        self._hits: dict[int, Counter[int]] = {}

    def _shared(self, i: int) -> Counter[int]:
        hits = self._hits.get(i)
        if hits is None:
            hits = Counter(itertools.chain.from_iterable(self.index[h] for h in self.own[i]))
            hits.pop(i, None)
            self._hits[i] = hits
        return hits

    def of(
        self, docs: list[DocumentRecord], sources: list[DocumentRecord]
    ) -> dict[str, DocumentRecord]:
        """For each report in `docs`, the report of `sources` it copies, if any."""
        allowed = {self.at[o.name] for o in sources}
        out: dict[str, DocumentRecord] = {}
        for d in docs:
            i = self.at[d.name]
            if not self.own[i]:
                continue
            ranked = sorted(
                ((j, n) for j, n in self._shared(i).items() if j in allowed),
                key=lambda kv: (-kv[1], self.docs[kv[0]].sha256),
            )  # fmt: skip
            if ranked and ranked[0][1] >= COPY_SHARE * len(self.own[i]):
                out[d.name] = self.docs[ranked[0][0]]
        return out


def link_dates(docs: list[DocumentRecord], copies: Copies | None = None) -> None:
    """Dates from other reports, only on strong evidence (a wrong date is worse than
    none: it moves events and re-resolves every weekday):

    - a report that copies a dated report word for word (a wire story on another site)
      takes its date, with basis `linked`;
    - a report without a date of its own that names the weekday of an event a similar
      dated report dates to a day of that weekday ("Tuesday's blast") has its relative
      dates resolved around that day; its own date stays unknown (it may have been
      written days later);
    - a report close to a dated one (names, places and kinds of event shared) has its
      weekdays read in that report's week, its own date still unknown.

    Otherwise unknown stays unknown."""
    for d in docs:
        if d.published_basis == "linked":
            d.published = d.published_basis = d.published_from = None
        if not d.published:  # values found through other reports are found again
            for t in d.times:
                if t.rule:
                    t.value = None
            resolve_all(d.text, d.times, None)
    dated = [d for d in docs if d.published and d.published_basis != "linked"]
    undated = [d for d in docs if not d.published]
    copied = (copies or Copies(docs)).of(undated, dated)
    sigs = {o.name: _signature(o) for o in [*dated, *undated]}
    for d in undated:
        source = copied.get(d.name)
        if source is not None and source.published:
            d.published, d.published_basis, d.published_from = (
                source.published,
                "linked",
                source.name,
            )
            resolve_all(d.text, d.times, dt.date.fromisoformat(source.published[:10]))
            continue
        if not any(t.rule for t in d.times):
            continue
        similar = _similar(d, dated, sigs)
        pin = _weekday_pin(d, similar)
        if pin is not None:
            resolve_all(d.text, d.times, pin, nearest=True)
        elif (
            similar
            and _closeness(d, similar[0], sigs) >= CLOSE_SIMILARITY
            and _shares_place(d, similar[0])
            and similar[0].published
        ):
            # the report's weekdays read against a close report's date: they name the
            # days of one week of news; the report's own date is not taken from it
            resolve_all(d.text, d.times, dt.date.fromisoformat(similar[0].published[:10]))
    for d in docs:
        date_events(d.events, d.times)
        detach_earlier_incidents(d.figures, d.events, d.times)
        date_figures(d.figures, d.times, d.published)


# -- events ---------------------------------------------------------------------------


def _within(coarse: str, day: str) -> bool:
    """A week, month or year value that holds the given day."""
    if "-W" in coarse:
        return iso_week(dt.date.fromisoformat(day)) == coarse
    return day.startswith(coarse)


def local_events(
    d: DocumentRecord, mentions: list[EventMention] | None = None
) -> list[list[EventMention]]:
    """Group one document's mentions (all of them, or those given): same type group and
    same day. A mention dated only to a week or month, or undated, joins the day-dated
    event of its group that it fits (the one most mentions point to); otherwise it forms
    an event of its own."""
    groups: dict[tuple[str, str | None], list[EventMention]] = {}
    loose: list[EventMention] = []
    for m in d.events if mentions is None else mentions:
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


# -- incidents: the attacks and blasts of a story --------------------------------------

INCIDENT_TYPES = MILITARY | {"explosion"}
COMBAT = re.compile(r"\b(clashes|fighting|hostilities)\b", re.I)
DEVICE = re.compile(r"\b(mines?|landmines?|car bombs?|ied)\b", re.I)
SAME_INCIDENT_DAYS = 3  # a later day within this many days tells the same incident
# kinds of incident that may name one real event: a strike is also called a blast or a
# bombing, fighting may include strikes; a clash is no blast, a mine no air strike
COMPATIBLE = {("strike", "blast"), ("blast", "strike"), ("strike", "combat"), ("combat", "strike")}

Member = tuple[str, EventMention]


def family(m: EventMention) -> str:
    """strike (air strike, shelling, offensive, attack), blast (an explosion told without
    its weapon), device (a mine, a car bomb), combat (clashes, fighting)."""
    if m.type == "explosion":
        return "device" if DEVICE.search(m.trigger) else "blast"
    if m.type == "attack" and COMBAT.search(m.trigger):
        return "combat"
    return "strike"


def _compatible(a: str, b: str) -> bool:
    return a == b or (a, b) in COMPATIBLE


LOCATIVE = re.compile(
    r"\b(?:in|at|near|on|into|outside|around|of|across)\s+(?:[\w-]+\s+){0,3}$", re.I
)


def _town(m: EventMention, text: str | None = None) -> str | None:
    """The town where the mention places the event: a town named after "in", "at",
    "near", "of" ... ("the shelling of Dornik"), not a capital that stands for its
    government ("Baku launched an offensive")."""
    if not (m.location and m.location_precision == "town"):
        return None
    start = m.location_start
    if text and start is not None and not LOCATIVE.search(text[max(0, start - 40) : start]):
        return None
    return m.location


def _days_after(day: str, base: str) -> int:
    return (dt.date.fromisoformat(day) - dt.date.fromisoformat(base)).days


@dataclass
class _Main:
    """The incident a story is about: its day, kind and town."""

    day: str | None
    family: str
    town: str | None


def _main_incident(
    members: list[Member], weak: set[tuple[str, int]], texts: dict[str, str]
) -> _Main:
    """The day most reports date an attack or blast to, the kind most of its mentions
    give and the town they name most."""
    own = [(d, m) for d, m in members if not m.background] or members
    reports: dict[str, set[str]] = defaultdict(set)
    told: Counter[str] = Counter()
    for d, m in own:
        if (d, m.start) not in weak and m.date and len(m.date) == 10:
            reports[m.date].add(d)
            told[m.date] += 1
    # on a tie the most told, then the latest: an earlier incident is cited, not reported
    day = max(reports, key=lambda k: (len(reports[k]), told[k], k)) if reports else None
    core = [(d, m) for d, m in own if day is None or m.date == day]
    kinds = Counter(family(m) for _, m in core)
    fam = min(kinds, key=lambda k: (-kinds[k], k))
    towns = Counter(t for d, m in core if (t := _town(m, texts.get(d))))
    town = min(towns, key=lambda k: (-towns[k], k)) if towns else None
    return _Main(day, fam, town)


def _slot(
    m: EventMention, main: _Main, towns: set[str], weak: bool = False, text: str | None = None
) -> tuple[tuple[str, ...], bool]:
    """Which incident of its story a mention tells: the main one (`("main",)`), or
    another one keyed by kind, day and town; with whether it is background (history,
    an earlier incident cited as a cause). `towns`: the towns its sentence names; `weak`:
    its date was read in another report's week, and tells nothing here."""
    fam = family(m)
    town = _town(m, text)
    date = None if weak else m.date
    day = date if date and len(date) == 10 else None
    coarse = date if date and len(date) != 10 else None
    if m.background:
        return ("background", group_of(m.type)), True
    if main.day and day and day < main.day:
        return ("earlier", fam, day, town or ""), True
    if main.day and coarse and not _within(coarse, main.day) and coarse < main.day:
        return ("earlier", fam, coarse, town or ""), True
    if main.town and town and town != main.town and main.town not in towns:
        return ("elsewhere", fam, day or coarse or "", town), False
    if main.day and day and _days_after(day, main.day) > SAME_INCIDENT_DAYS:
        return ("later", fam, day, town or ""), False
    if not _compatible(fam, main.family):
        return ("other", fam, day or "", town or ""), False
    if fam != main.family and day and main.day and day != main.day:
        return ("other", fam, day, town or ""), False
    return ("main",), False


def incidents(
    members: list[Member],
    towns: dict[tuple[str, int], set[str]] | None = None,
    weak: set[tuple[str, int]] | None = None,
    texts: dict[str, str] | None = None,
) -> list[tuple[list[Member], bool]]:
    """The attacks and blasts that one story's reports tell, as analysts count them: every
    mention of the story's main incident is one event, whatever date its sentence gives
    (reports date the toll or the statement, not the blast) and however often one report
    tells it; earlier incidents and history are events of their own, marked background;
    an attack in another town, a clash that is no blast, an attack days later are others."""
    if not members:
        return []
    weak = weak or set()
    texts = texts or {}
    main = _main_incident(members, weak, texts)
    slots: dict[tuple[str, ...], list[Member]] = {}
    background: dict[tuple[str, ...], bool] = {}
    for doc, m in members:
        key, bg = _slot(
            m,
            main,
            (towns or {}).get((doc, m.start), set()),
            (doc, m.start) in weak,
            texts.get(doc),
        )
        slots.setdefault(key, []).append((doc, m))
        background[key] = bg
    return [(ms, background[k]) for k, ms in slots.items()]


def link_events(
    docs: list[DocumentRecord], stories: list[list[str]] | None = None, anchored: bool = False
) -> list[Event]:
    """Events across documents. Attacks and blasts are grouped per story (reports of the
    same real events; all reports are one story when none are given) into the incidents
    the story tells (see `incidents`); other kinds merge when their type group and date
    agree."""
    story_of = {doc: i for i, story in enumerate(stories or []) for doc in story}
    texts = {d.name: d.text for d in docs}
    by_story: dict[int, list[Member]] = defaultdict(list)
    clusters: dict[tuple[str, str], list[Member]] = {}
    singles: list[list[Member]] = []
    towns: dict[tuple[str, int], set[str]] = {}
    weak: set[tuple[str, int]] = set()
    for d in docs:
        others = []
        for m in d.events:
            if m.type in INCIDENT_TYPES:
                by_story[story_of.get(d.name, -1)].append((d.name, m))
                ti = m.time_index
                if not d.published and ti is not None and ti < len(d.times) and d.times[ti].rule:
                    weak.add((d.name, m.start))  # a weekday read in another report's week
                towns[(d.name, m.start)] = {
                    x.canonical
                    for x in d.mentions
                    if m.sentence_start <= x.start < m.sentence_end and x.precision == "town"
                }
            else:
                others.append(m)
        for group in local_events(d, others):
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
    singles = _join_the_one_dated(clusters, singles)
    events = [_make_event(ms) for ms in [*clusters.values(), *singles]]
    told: list[Event] = []
    for _, members in sorted(by_story.items()):
        told += [_make_event(ms, bg) for ms, bg in incidents(members, towns, weak, texts)]
    events += _same_incident_across_stories(told)
    sha = {d.name: d.sha256 for d in docs}
    _assign_ids(events, sha, anchored)
    events.sort(key=lambda e: (e.date is None, e.date or "", e.type, e.id))
    return events


def _same_incident_across_stories(events: list[Event]) -> list[Event]:
    """Two stories told of one incident (the blast, and the inquiry into it) when their
    incidents fall on the same day in the same town and are of kinds that may name one
    event; two blasts in two towns on one day stay two."""
    out: list[Event] = []
    for e in _one_campaign_across_stories(events):
        fam = Counter(family(m) for _, m in e.members).most_common(1)[0][0]
        same = next(
            (
                o
                for o in out
                if not e.background
                and not o.background
                and e.date
                and len(e.date) == 10
                and o.date == e.date
                and e.location
                and o.location == e.location
                and _compatible(fam, Counter(family(m) for _, m in o.members).most_common(1)[0][0])
            ),
            None,
        )
        if same is None:
            out.append(e)
        else:
            out[out.index(same)] = _make_event(same.members + e.members)
    return out


def _one_campaign_across_stories(events: list[Event]) -> list[Event]:
    """A campaign told as history ("the strikes since October 7", "the relentless
    bombardment") is one event however many stories cite it: the background events of one
    kind and place whose every mention tells a campaign (not an earlier incident cited as
    a cause) merge, and their whole-war totals meet in one range."""
    out: list[Event] = []
    campaigns: dict[tuple[str, str | None], int] = {}
    for e in events:
        if not (e.background and all(m.background for _, m in e.members)):
            out.append(e)
            continue
        key = (group_of(e.type), e.location)
        if key in campaigns:
            at = campaigns[key]
            out[at] = _make_event(out[at].members + e.members, background=True)
        else:
            campaigns[key] = len(out)
            out.append(e)
    return out


def _assign_ids(events: list[Event], sha: dict[str, str], anchored: bool = False) -> None:
    """Ids from what an event is, not where it falls in a list: its kind and date (and, for
    an undated or colliding one, the first report and offset that tell it), so an event
    keeps its id when reports are added or analysed again. The place is left out: the
    place an event is given follows what most of its reports say, which a new report can
    change."""

    def digest(*parts: object) -> str:
        return "ev-" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:10]

    def anchor(e: Event) -> tuple[str, int]:
        return min((sha.get(d, d), m.start) for d, m in e.members)

    base = {
        id(e): digest(group_of(e.type), e.date, e.background)
        if e.date
        else digest(group_of(e.type), e.background, *anchor(e))
        for e in events
    }
    counts = Counter(base.values())
    for e in events:
        alone = counts[base[id(e)]] == 1 and not anchored
        e.id = base[id(e)] if alone else digest(base[id(e)], *anchor(e))


def _join_the_one_dated(
    clusters: dict[tuple[str, str], list[Member]], singles: list[list[Member]]
) -> list[list[Member]]:
    """A report that tells an event of some kind without a date ("the government
    eventually resigned", "the blockade") tells the one event of that kind other reports
    date, when they date exactly one; statements are kept to their own speaker and day.
    Returns the undated groups that joined none."""
    dated: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in clusters:
        dated[key[0]].append(key)
    left: list[list[Member]] = []
    for members in singles:
        kind = group_of(members[0][1].type)
        fits = dated.get(kind, [])
        if members[0][1].type != "statement" and len(fits) == 1:
            clusters[fits[0]].extend(members)
        else:
            left.append(members)
    return left


def _fold_coarse_dates(clusters: dict[tuple[str, str], list[Member]]) -> None:
    """An event dated only to a week or month joins the one day-dated event of its kind
    that falls within it ("the ceasefire agreed earlier this week")."""
    for key in [k for k in clusters if len(k[1]) != 10]:
        fits = [k for k in clusters if k[0] == key[0] and len(k[1]) == 10 and _within(key[1], k[1])]
        if len(fits) == 1:
            clusters[fits[0]].extend(clusters.pop(key))


def _make_event(members: list[Member], background: bool = False) -> Event:
    types = Counter(m.type for _, m in members)
    specific = [t for t in types if t != "attack"]
    etype = specific[0] if len(specific) == 1 else "attack"  # reports disagree: the generic kind
    if (
        len(specific) > 1
        and types.get("explosion")
        and all(group_of(t) in ("military", "explosion") for t in specific)
    ):
        etype = max(specific, key=lambda t: (types[t], t))  # "air strike" / "blast": the most told
    days = Counter(m.date for _, m in members if m.date and len(m.date) == 10)
    dates = [m.date for _, m in members if m.date]
    date = min(days, key=lambda k: (-days[k], k)) if days else (dates[0] if dates else None)
    actors = Counter(m.actor for _, m in members if m.actor)
    actor = _top(actors)
    # a side is not its own target ("attacks on Valdorian territory", said by Valdoria)
    targets = Counter(m.target for _, m in members if m.target and m.target != actor)
    return Event(
        id="",
        type=etype,
        date=date,
        location=_main_place(members),
        actor=actor,
        target=_top(targets),
        members=members,
        background=background,
    )


def _top(c: Counter) -> str | None:
    return c.most_common(1)[0][0] if c else None


def _main_place(members: list[tuple[str, EventMention]]) -> str | None:
    """The place the most reports give (each report counted once: one report naming a far
    city does not outvote the others), the most specific on a tie, then the first told (a
    set's order would make the choice depend on the process's hash seed)."""
    told = dict.fromkeys(
        (doc, m.location, m.location_precision) for doc, m in members if m.location
    )
    places = Counter((place, precision) for _, place, precision in told)
    if not places:
        return None
    ranked = sorted(places.items(), key=lambda kv: (-kv[1], PLACE_RANK.get(kv[0][1] or "", 3)))
    return ranked[0][0][0]


# -- developments: what each report brings as news -------------------------------------

LEAD_CHARS = 300  # the headline and the opening: where a report says what is new
DEVELOPMENTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "denial",
        re.compile(
            r"\b(den(?:y|ies|ied|ial)|reject(?:s|ed)?|dismiss(?:es|ed)?|refut\w+|lies|untrue)\b",
            re.I,
        ),
    ),
    (
        "assessment",
        re.compile(
            r"\b(intelligence|investigat\w+|probe|inquiry|assessment|likely caus\w+|probably|"
            r"evidence (?:suggest|show|point|indicat)\w*|present\w* evidence)\b",
            re.I,
        ),
    ),
    ("appeal", re.compile(r"\b(urg(?:e|es|ed)|call(?:s|ed)? on|appeal(?:s|ed)?)\b", re.I)),
    (
        "toll_update",
        re.compile(
            r"\b(?:toll|number of (?:the )?(?:dead|deaths|people|civilians) killed)\b[^.]{0,80}?"
            r"\b(ris\w+|rose|climb\w*|increas\w*)\b",
            re.I,
        ),
    ),
    (  # unrest the incident set off: news of the protests, the incident only their cause
        "protest",
        re.compile(r"\b(protesters|demonstrators|demonstrations|protests|riot police)\b", re.I),
    ),
    ("reaction", re.compile(r"\b(condemn\w*|atrocit\w+|outrage\w*)\b", re.I)),
]
# casualty counts a later report may open with: the incident's own toll, told again
TOLL_METRICS = {"killed", "injured", "missing"}
LATER_DAYS = 1  # a toll given this many days after the incident is news of its own
HEADLINE_ONLY = {"appeal", "reaction"}


# a page's list of links to other stories ("ALSO READ", then their headlines) is no part
# of the report's opening; the opening resumes at the first paragraph after it
RELATED_LINKS = re.compile(
    r"^[ \t]*(?:also read|read more|read also|related(?: stories| articles| news)?|"
    r"more from \w+|you may also like|recommended)[ \t]*:?[ \t]*$",
    re.I | re.M,
)
PARAGRAPH_CHARS = 100  # a line this long is a paragraph of the story, not a link's title


def _lead_start(text: str) -> int:
    """Where the report's opening begins: 0, or after a list of links that opens it."""
    m = RELATED_LINKS.search(text, 0, LEAD_CHARS)
    if m is None:
        return 0
    at = m.end()
    for line in text[at:].split("\n"):
        if len(line.strip()) >= PARAGRAPH_CHARS:
            return at
        at += len(line) + 1
    return 0


def _lead(d: DocumentRecord) -> tuple[str, int]:
    """The report's opening (its headline and first lines) and where it starts."""
    start = _lead_start(d.text)
    return d.text[start : start + LEAD_CHARS], start


def _in_lead(d: DocumentRecord, offset: int) -> bool:
    start = _lead_start(d.text)
    return start <= offset < start + LEAD_CHARS


def _not_before(d: DocumentRecord) -> str | None:
    """The report's date, or else the latest day its own resolved dates name."""
    if d.published:
        return d.published[:10]
    days = [t.value for t in d.times if t.value and len(t.value) == 10 and t.kind == "date"]
    return max(days) if days else None


def _lead_value(d: DocumentRecord) -> int | str | None:
    """The first count the opening gives (the new toll), else the report's date."""
    for f in sorted(d.figures, key=lambda f: f.start):
        if _in_lead(d, f.start) and f.value is not None:
            return f.value
    return _not_before(d)


def _lead_speaker(d: DocumentRecord) -> str | None:
    """Who the headline or opening attributes the news to."""
    for q in sorted(d.quotes, key=lambda q: q.start):
        if _in_lead(d, q.start) and q.speaker:
            return fold(q.speaker)
    for m in sorted(d.mentions, key=lambda m: m.start):
        if _in_lead(d, m.start) and m.kind in ("person", "organization", "group"):
            return fold(m.canonical)
    return None


def _later(d: DocumentRecord, main_day: str | None) -> bool:
    """A toll given more than LATER_DAYS after the incident: by the report's date, or by
    a weekday its opening names ("climbed to 57 on Sunday from the attack on Friday")."""
    if main_day is None:
        return False
    if d.published:
        return _days_after(d.published[:10], main_day) > LATER_DAYS
    # without a date of its own, the weekdays it names, counted from the incident's (a
    # day before the incident is not counted as six days after it)
    weekday = dt.date.fromisoformat(main_day).weekday()
    return any(
        _in_lead(d, t.start)
        and t.rule
        and "weekday" in t.rule
        and not t.rule.get("modifier")
        and LATER_DAYS < (t.rule["weekday"] - weekday) % 7 < 6
        for t in d.times
    )


def development(d: DocumentRecord, main_day: str | None) -> tuple[str, EventMention] | None:
    """The development a report brings, when its headline or opening tells one beside the
    incident: a denial, an assessment of the cause (an inquiry, an intelligence finding),
    an appeal, a toll given days later, a reaction (in that order of precedence: "X says
    the accusation is lies" is a denial). None: the report's news is the incident."""
    lead, at = _lead(d)
    headline = _headline(lead)
    headline_at = lead.find(headline)
    for kind, pattern in DEVELOPMENTS:
        if kind in HEADLINE_ONLY:  # common words in an opening: news only as a headline
            m = pattern.search(lead, headline_at, headline_at + len(headline))
        else:
            m = pattern.search(lead)
        if m is None:
            continue
        if kind == "toll_update" and not _later(d, main_day):
            continue
        end = lead.find("\n", m.end())
        return kind, EventMention(
            key="lead",
            type=kind,
            trigger=m.group(0),
            start=at + m.start(),
            end=at + m.end(),
            sentence_start=at + lead.rfind("\n", 0, m.start()) + 1,
            sentence_end=at + (end if end >= 0 else len(lead)),
            date=d.published[:10] if d.published else None,
        )
    toll = _lead_toll(d)
    if toll is not None and _later(d, main_day):
        # a report days after the incident that opens with its casualty count ("more than
        # 60 still missing after the blast") brings a later toll even without "rose"
        end = d.text.find("\n", toll.end)
        return "toll_update", EventMention(
            key="lead",
            type="toll_update",
            trigger=toll.text,
            start=toll.start,
            end=toll.end,
            sentence_start=d.text.rfind("\n", 0, toll.start) + 1,
            sentence_end=end if end >= 0 else len(d.text),
            date=d.published[:10] if d.published else None,
        )
    return None


# a picture's caption ends with its credit ("... April 6. REUTERS/Jane Doe", "(AP Photo/
# Jane Doe)", "Photo: Jane Doe/AFP"): the headline is the line after it
PHOTO_CREDIT = re.compile(
    r"(?:\b(?:REUTERS|AP Photo|AFP|EPA|Getty Images|Anadolu)\s*/\s*[A-Z][\w.' -]*|"
    r"\bPhoto(?:graph)?\s*:\s*[^\n]{2,60})\)?\s*$"
)


def _headline(lead: str) -> str:
    """The first line of the opening that is no picture's caption."""
    lines = [line for line in lead.split("\n") if line.strip()]
    for line in lines[:2]:
        if not PHOTO_CREDIT.search(line):
            return line.strip()
    return lines[0].strip() if lines else ""


def _lead_toll(d: DocumentRecord) -> Figure | None:
    """The first casualty count of the opening that its sentence gives for an incident of
    the report (an attack or blast it tells, not history): the incident's toll."""
    incident = {m.key for m in d.events if m.type in INCIDENT_TYPES and not m.background}
    for f in sorted(d.figures, key=lambda f: f.start):
        if not _in_lead(d, f.start):
            continue
        if f.value is not None and f.metric in TOLL_METRICS and f.event in incident:
            return f
    return None


def link_developments(
    docs: list[DocumentRecord],
    stories: list[list[str]],
    incidents_: list[Event],
    copies: Copies | None = None,
) -> list[Event]:
    """Events of the developments reports bring (a denial, an assessment, a later toll):
    per story, the reports whose headline tells one kind of development (assessments
    also by who made them; later tolls by the count they give) form one event; a copy
    of a report brings what its source brings."""
    by_name = {d.name: d for d in docs}
    main_day: dict[str, str | None] = {}
    for e in incidents_:
        if e.type in INCIDENT_TYPES and not e.background and e.date and len(e.date) == 10:
            for doc in e.documents:
                main_day.setdefault(doc, e.date)
    found: dict[str, tuple[str, EventMention]] = {}
    keyed: dict[str, str] = {}  # a copy's development is keyed by its source's opening
    for d in docs:
        dev = development(d, main_day.get(d.name))
        if dev is not None:
            found[d.name] = dev
    # a copy and its source are one text (one of them may be a longer excerpt, or carry
    # a page's menus before the story): what either brings, the other brings
    for name, source in (copies or Copies(docs)).of(docs, docs).items():
        for copy, origin in ((name, source.name), (source.name, name)):
            if copy not in found and origin in found:
                kind, m = found[origin]
                head = by_name[copy].text.find("\n")
                found[copy] = (  # the copy's own opening, with what its source brings
                    kind,
                    replace(m, start=0, end=0, sentence_start=0, sentence_end=max(0, head)),
                )
                keyed[copy] = keyed.get(origin, origin)
    story_of = {doc: i for i, story in enumerate(stories) for doc in story}
    groups: dict[tuple[object, ...], list[Member]] = {}
    for name, (kind, m) in sorted(found.items()):
        d = by_name[keyed.get(name, name)]
        key: tuple[object, ...] = (story_of.get(name, -1), kind)
        if kind == "assessment":
            key += (_lead_speaker(d),)
        elif kind == "toll_update":  # one update however many reports give it
            key += (_lead_value(d),)
        groups.setdefault(key, []).append((name, m))
    return [_make_event(ms) for ms in groups.values()]


def set_news(events: list[Event], developments: list[Event]) -> None:
    """The reports whose news each event is: a report that brings a development is news
    of it, not of the incident it mentions (a denial, an assessment, the protests it set
    off); a later toll is news of the incident too, whose dead it counts again; history
    is nobody's news."""
    claimed = {doc for e in developments if e.type != "toll_update" for doc in e.documents}
    for e in events:
        if e.background:
            e.news = []
        elif e.type in INCIDENT_TYPES:
            e.news = [doc for doc in e.documents if doc not in claimed]


@dataclass
class Linked:
    entities: list[Entity]
    events: list[Event]
    event_of: dict[tuple[str, str], str]  # (document name, local event key) -> event id
    stories: list[list[str]] = field(default_factory=list)  # reports of the same events

    def figure_event(self, doc: str, key: str | None) -> str | None:
        return self.event_of.get((doc, key)) if key else None


def _relocate(docs: list[DocumentRecord]) -> None:
    """Event places from the geocoded mentions of their sentence (most specific first)."""
    for d in docs:
        geocoded = [m for m in d.mentions if m.kind == "place" and m.precision]
        for ev in d.events:
            places = [m for m in geocoded if ev.sentence_start <= m.start < ev.sentence_end]
            if places:  # the most specific, nearest the trigger on a tie
                best = min(
                    places,
                    key=lambda m: (PLACE_RANK.get(m.precision or "", 3), abs(m.start - ev.start)),
                )
                ev.location, ev.location_precision = best.canonical, best.precision
                ev.location_start, ev.location_end = best.start, best.end


def link(
    docs: list[DocumentRecord],
    gaz: Gazetteer,
    anchored: bool = False,
    features: Mapping[str, TextFeatures] | None = None,
) -> Linked:
    """Run every cross-document step in order; updates the records' dates and names.
    The reports are taken in the order of their content hash, so the same reports in
    any order give the same record. `anchored`: every event id names the report and
    offset that first tell it (a block of a larger corpus: ids unique across blocks).
    `features`: the reports' `TextFeatures` by name, where known (else read from the
    texts)."""
    docs = sorted(docs, key=lambda d: (d.sha256, d.name))
    entities = link_entities(docs, gaz)
    _relocate(docs)
    copies = Copies(docs, features)
    link_dates(docs, copies)
    stories = link_stories(docs, features=features)
    events = link_events(docs, stories, anchored)
    developments = link_developments(docs, stories, events, copies)
    set_news(events, developments)
    _assign_ids(developments, {d.name: d.sha256 for d in docs}, anchored)
    events = sorted(
        [*events, *developments], key=lambda e: (e.date is None, e.date or "", e.type, e.id)
    )
    event_of = {(d, m.key): e.id for e in events for d, m in e.members}
    return Linked(entities, events, event_of, stories)


# -- reports of the same events ---------------------------------------------------------

STORY_THRESHOLD = 0.08  # mean similarity at which two groups of reports merge
IDF_FLOOR = 0.2  # idf of a feature every report shares: it sets none apart
MINOR_STORY = 0.2  # a group under this share of the reports joins its nearest larger one
MINOR_FLOOR = 0.02  # ... when it shares at least this mean similarity with it
# what each kind of feature weighs beside a content word: names and dates carry the event
FEATURE_WEIGHTS = {"w": 1.0, "p": 3.0, "e": 2.0, "t": 2.0, "f": 1.0, "v": 1.0}
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told according one two new also year years day days
    time week weeks month months last first would could may might mr mrs ms monday tuesday
    wednesday thursday friday saturday sunday"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")


def _stem(word: str) -> str:
    """A light plural/inflection fold, enough for 'quakes'/'quake', 'killed'/'kill'."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


@functools.lru_cache(maxsize=1 << 16)
def _word_feature(word: str) -> str | None:
    """A word's content feature (`w:` and its stem), None for a stopword or a short one
    (news reuses a small vocabulary: each word is folded once per process)."""
    low = word.lower()
    if low in STOPWORDS or len(low) <= 2:
        return None
    return f"w:{_stem(low)}"


def word_features(text: str) -> Counter[str]:
    """A text's content words as story features (`w:` and the stem), counted."""
    return Counter(k for w in WORD.findall(text) if (k := _word_feature(w)) is not None)


def story_features(d: DocumentRecord, words: Mapping[str, int] | None = None) -> Counter[str]:
    """What a report says happened, as counted features: its content words (`w:`), the
    people, organisations and places it names (`e:`), the years, months and days its
    dates resolve to (`t:`), its figures (`f:` metric and value) and its event kinds with
    their places (`v:`). `words`: the text's `word_features`, if known."""
    feats = word_features(d.text) if words is None else Counter(words)
    for m in d.mentions:
        feats[f"{'p' if m.kind == 'person' else 'e'}:{fold(m.canonical)}"] += 1
    for t in d.times:
        v = t.value or ""
        if len(v) >= 4 and v[:4].isdigit() and t.kind in ("date", "since"):
            feats[f"t:{v[:4]}"] += 1
            if len(v) >= 7 and v[4] == "-" and v[5:7].isdigit():
                feats[f"t:{v[:7]}"] += 1
            if len(v) == 10:
                feats[f"t:{v}"] += 1
    for f in d.figures:
        if f.value is not None:
            feats[f"f:{f.metric}:{f.value}"] += 1
    for ev in d.events:
        feats[f"v:{group_of(ev.type)}"] += 1
        if ev.location:
            feats[f"v:{group_of(ev.type)}@{fold(ev.location)}"] += 1
    return feats


def tfidf_vectors(
    features: list[Counter[str]],
    idf_floor: float = IDF_FLOOR,
    weights: dict[str, float] | None = None,
) -> list[dict[str, float]]:
    """TF-IDF over the collection (sublinear counts, smoothed idf), each feature scaled by
    the weight of its kind (the key's first letter, FEATURE_WEIGHTS by default), unit
    length: each report's vector as a dictionary (see `_tfidf`)."""
    found = _tfidf(features, idf_floor, weights)
    keys = list(found.vocab)
    out: list[dict[str, float]] = [{} for _ in features]
    for i, d, x in zip(
        found.idx.tolist(), found.doc_of.tolist(), found.values.tolist(), strict=True
    ):
        out[d][keys[i]] = x
    return out


class _Weighted(NamedTuple):
    """Every report's weighted features as flat arrays: feature index (into `vocab`, in
    first-seen order), report index and weight, one entry per feature of a report; and
    how many reports have each feature."""

    vocab: dict[str, int]
    idx: np.ndarray
    doc_of: np.ndarray
    values: np.ndarray
    df: np.ndarray


def _tfidf(
    features: list[Counter[str]], idf_floor: float, weights: dict[str, float] | None
) -> _Weighted:
    """The one computation of `tfidf_vectors`' weights, as arrays over all reports."""
    weights = FEATURE_WEIGHTS if weights is None else weights
    vocab: dict[str, int] = {}
    idx = np.fromiter(
        (vocab.setdefault(k, len(vocab)) for f in features for k in f), np.int64
    )  # fmt: skip
    counts = np.fromiter((c for f in features for c in f.values()), np.float64, len(idx))
    n = len(features)
    doc_of = np.repeat(np.arange(n), [len(f) for f in features])
    df = np.bincount(idx, minlength=len(vocab))
    idf = np.log((1 + n) / (1 + df)) + idf_floor
    kind = np.array([weights.get(k[0], 1.0) for k in vocab], dtype=np.float64)
    values = (1.0 + np.log(counts)) * idf[idx] * kind[idx]
    norms = np.sqrt(np.bincount(doc_of, weights=values * values, minlength=n))
    norms[norms == 0] = 1.0
    return _Weighted(vocab, idx, doc_of, values / norms[doc_of], df)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


def average_linkage(
    sim: Sequence[Sequence[float]] | np.ndarray, threshold: float
) -> list[list[int]]:
    """Agglomerative clustering: merge the two groups of highest mean pairwise similarity
    while that mean reaches the threshold (exact mean linkage, kept up to date by the
    Lance-Williams update, so a merge costs one pass over the matrix). One float32 copy
    of the matrix is all the memory it takes."""
    n = len(sim)
    s = np.array(sim, dtype=np.float32).reshape(n, n)
    np.fill_diagonal(s, -np.inf)
    members = [[i] for i in range(n)]
    while n > 1:
        i, j = divmod(int(np.argmax(s)), n)
        if not s[i, j] >= threshold:
            break
        si, sj = len(members[i]), len(members[j])
        row = (si * s[i] + sj * s[j]) / (si + sj)
        s[i, :], s[:, i] = row, row
        s[j, :], s[:, j] = -np.inf, -np.inf
        s[i, i] = -np.inf
        members[i] += members[j]
        members[j] = []
    return sorted(sorted(g) for g in members if g)


def sparse_average_linkage(
    n: int, pairs: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """`average_linkage` over the pairs given (any other pair counts as 0): the same
    merges when the missing pairs share nothing, in memory that grows with the pairs."""
    nbr: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), v in pairs.items():
        nbr[i][j] = nbr[j][i] = v
    heap = [(-v, i, j) for (i, j), v in pairs.items() if v >= threshold]
    heapq.heapify(heap)
    members = [[i] for i in range(n)]
    while heap:
        neg, i, j = heapq.heappop(heap)
        if not members[i] or not members[j] or nbr[i].get(j) != -neg:
            continue  # merged away or updated since
        si, sj = len(members[i]), len(members[j])
        merged = {
            k: (si * nbr[i].get(k, 0.0) + sj * nbr[j].get(k, 0.0)) / (si + sj)
            for k in nbr[i].keys() | nbr[j].keys()
            if k not in (i, j)
        }
        for k in nbr[j]:
            nbr[k].pop(j, None)
        nbr[j] = {}
        members[i] += members[j]
        members[j] = []
        nbr[i] = merged
        for k, v in merged.items():
            nbr[k][i] = v
            if v >= threshold:
                heapq.heappush(heap, (-v, min(i, k), max(i, k)))
    return sorted(sorted(g) for g in members if g)


DENSE_LIMIT = 2000  # reports up to which every pair's similarity is computed (float32)
RARE_DF = 32  # in larger sets, reports are compared when they share a feature this rare
PAIR_FLOOR = 0.01  # ... and a pair is kept when its similarity reaches this
FEATURE_BLOCK = 4096  # features densified at a time


Rows = list[tuple[np.ndarray, np.ndarray]]  # per report: feature indices, float32 weights


def story_rows(
    docs: list[DocumentRecord], features: Mapping[str, TextFeatures] | None = None
) -> tuple[Rows, int]:
    """Each report's weighted vector (see `story_features` and `tfidf_vectors`) over the
    features at least two reports share, as sparse rows; and the number of such
    features."""
    known = features or {}
    found = _tfidf(
        [story_features(d, f.words if (f := known.get(d.name)) else None) for d in docs],
        IDF_FLOOR,
        None,
    )
    shared = sorted(k for k, i in found.vocab.items() if found.df[i] > 1)
    rank = np.full(len(found.vocab), -1, dtype=np.int64)
    rank[[found.vocab[k] for k in shared]] = np.arange(len(shared))
    ranked = rank[found.idx]
    keep = ranked >= 0
    at, doc = ranked[keep], found.doc_of[keep]
    weight = found.values[keep].astype(np.float32)
    order = np.lexsort((at, doc))
    at, weight = at[order], weight[order]
    per_doc = np.bincount(doc, minlength=len(docs))
    ends = np.cumsum(per_doc)
    starts = ends - per_doc
    return [(at[a:b], weight[a:b]) for a, b in zip(starts, ends, strict=True)], len(shared)


def _dense_similarity(rows: Rows) -> np.ndarray:
    """Every pair's cosine, one float32 matrix, built a block of features at a time."""
    n = len(rows)
    sim = np.zeros((n, n), dtype=np.float32)
    used = np.unique(np.concatenate([f for f, _ in rows])) if n else np.array([], np.int64)
    local = [(np.searchsorted(used, f), w) for f, w in rows]
    for lo in range(0, len(used), FEATURE_BLOCK):
        block = np.zeros((n, min(FEATURE_BLOCK, len(used) - lo)), dtype=np.float32)
        for r, (f, w) in enumerate(local):
            sel = (f >= lo) & (f < lo + FEATURE_BLOCK)
            block[r, f[sel] - lo] = w[sel]
        sim += block @ block.T
    np.fill_diagonal(sim, 1.0)
    return sim


def story_similarity(docs: list[DocumentRecord]) -> np.ndarray:
    """Pairwise similarity of reports by what they say happened (see `story_features`):
    cosine of the weighted vectors, computed over the features two reports can share."""
    return _dense_similarity(story_rows(docs)[0])


def _candidate_pairs(rows: Rows, nfeat: int) -> dict[tuple[int, int], float]:
    """The similarity of the pairs of reports that share a rare feature (a name, a date,
    a figure few reports give): pairs that share only common words are left out."""
    postings: dict[int, list[int]] = defaultdict(list)
    for r, (f, _) in enumerate(rows):
        for k in f.tolist():
            postings[k].append(r)
    partners: dict[int, set[int]] = defaultdict(set)
    for docs_ in postings.values():
        if len(docs_) <= RARE_DF:
            for a in docs_:
                partners[a].update(b for b in docs_ if b > a)
    dense = np.zeros(max(1, nfeat), dtype=np.float32)
    pairs: dict[tuple[int, int], float] = {}
    for a, bs in partners.items():
        if not bs:
            continue
        fa, wa = rows[a]
        dense[fa] = wa
        others = sorted(bs)
        feats = [rows[b][0] for b in others]
        starts = np.cumsum([0] + [len(f) for f in feats[:-1]])
        products = dense[np.concatenate(feats)] * np.concatenate([rows[b][1] for b in others])
        sims = np.add.reduceat(products, starts)
        for b, v in zip(others, sims.tolist(), strict=True):
            if v >= PAIR_FLOOR:  # a pair that shares next to nothing counts as 0
                pairs[(a, b)] = v
        dense[fa] = 0.0
    return pairs


def _mean_similarity(
    sim: Sequence[Sequence[float]] | np.ndarray, a: list[int], b: list[int]
) -> float:
    if isinstance(sim, np.ndarray):
        return float(sim[np.ix_(a, b)].mean())
    return sum(sim[i][j] for i in a for j in b) / (len(a) * len(b))


def absorb_minor(
    groups: list[list[int]],
    sim: Sequence[Sequence[float]] | np.ndarray | None = None,
    mean: Callable[[list[int], list[int]], float] | None = None,
) -> list[list[int]]:
    """A group holding under MINOR_STORY of the reports (a lone report that words the
    story differently) joins the larger group it is most similar to (mean similarity,
    from `sim` or the `mean` function), if it shares anything with it; with no larger
    group, nothing changes."""
    if mean is None:
        assert sim is not None
        matrix = sim

        def mean(a: list[int], b: list[int]) -> float:
            return _mean_similarity(matrix, a, b)

    n = sum(len(g) for g in groups)
    size = max(2.0, MINOR_STORY * n)
    major = [list(g) for g in groups if len(g) >= size]
    if not major:
        return groups
    for g in (g for g in groups if len(g) < size):
        best = max(major, key=lambda m: mean(g, m))
        if mean(g, best) >= MINOR_FLOOR:
            best.extend(g)
        else:
            major.append(list(g))
    return sorted(sorted(g) for g in major)


def _centroid_mean(rows: Rows, nfeat: int) -> Callable[[list[int], list[int]], float]:
    """Mean pairwise similarity of two groups from their summed vectors."""

    def total(group: list[int]) -> np.ndarray:
        out = np.zeros(max(1, nfeat), dtype=np.float32)
        for r in group:
            np.add.at(out, rows[r][0], rows[r][1])
        return out

    def mean(a: list[int], b: list[int]) -> float:
        return float(total(a) @ total(b)) / (len(a) * len(b))

    return mean


def link_stories(
    docs: list[DocumentRecord],
    threshold: float = STORY_THRESHOLD,
    features: Mapping[str, TextFeatures] | None = None,
) -> list[list[str]]:
    """Group reports that tell of the same real events (document names per group): mean
    (average-linkage) clustering of their similarity, then minor groups absorbed. Up to
    DENSE_LIMIT reports every pair is compared (one float32 matrix); beyond, only the
    pairs that share a rare feature, so memory grows with the reports, not their square."""
    rows, nfeat = story_rows(docs, features)
    if len(docs) <= DENSE_LIMIT:
        sim = _dense_similarity(rows)
        groups = absorb_minor(average_linkage(sim, threshold), sim)
    else:
        pairs = _candidate_pairs(rows, nfeat)
        groups = sparse_average_linkage(len(docs), pairs, threshold)
        del pairs
        groups = absorb_minor(groups, mean=_centroid_mean(rows, nfeat))
    return sorted(sorted(docs[i].name for i in g) for g in groups)
