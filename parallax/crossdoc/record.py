"""The typed cross-document record: what the cross-check finds across reports, as
records (never dicts with ad-hoc keys), and `to_dict` / `from_dict` for the export's JSON
shape (README "Export format"), which the store keeps and the scorer reads.

Every record is built once, by `parallax.crossdoc.stage.cross_check`, from the reports'
extraction records; nothing here changes a report."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Self

from parallax.models import DocumentRecord


class _Keeps:
    """A record read from a dict keeps the keys it has no field for and writes them back
    (a field a stage adds to its output travels through the record unchanged)."""

    def _to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Self:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        out = self._to_dict()
        for k, v in getattr(self, "_more", {}).items():
            out.setdefault(k, v)
        return out

    # True where `_to_dict` writes every field, under its own name, and nothing else: a
    # dict with no key beyond the fields then has nothing more to keep
    FIELDS_ONLY: ClassVar[bool] = False

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        obj = cls._from_dict(d)
        kind: type = cls
        if cls.FIELDS_ONLY and d.keys() <= _field_names(kind):
            more: dict[str, Any] = {}
        else:
            known = obj._to_dict()
            more = {k: v for k, v in d.items() if k not in known}
        obj._more = more  # type: ignore[attr-defined]
        return obj


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


# -- entities and speakers ------------------------------------------------------------------


@dataclass
class EntityMention:
    document: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Entity(_Keeps):
    """One person, organisation, place or group across the corpus; `id` derives from its
    kind and folded name, so it is the same whatever reports are added."""

    FIELDS_ONLY = True

    id: str
    canonical: str
    kind: str
    aliases: list[str] = field(default_factory=list)  # other spellings, sorted
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    documents: list[str] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)
    # where a place lies: its country (name, ISO 3166-1 code) and admin areas (names, else
    # GeoNames' admin1 code such as "UA.05"); None where unknown or not a place
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None

    @property
    def geocoded(self) -> bool:
        return self.lat is not None and self.lon is not None

    def _to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "canonical": self.canonical,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "country": self.country,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "documents": list(self.documents),
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(
            d["id"],
            d["canonical"],
            d["kind"],
            list(d.get("aliases", [])),
            d.get("lat"),
            d.get("lon"),
            d.get("precision"),
            list(d.get("documents", [])),
            [EntityMention(**m) for m in d.get("mentions", [])],
            d.get("country"),
            d.get("country_code"),
            d.get("admin1"),
            d.get("admin2"),
        )


@dataclass
class Speaker(_Keeps):
    """One speaker across reports, with every statement; `id` derives from kind and name."""

    FIELDS_ONLY = True

    id: str
    name: str
    kind: str | None
    entity: str | None = None
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)

    def _to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "entity": self.entity,
            "roles": list(self.roles),
            "affiliations": list(self.affiliations),
            "documents": list(self.documents),
            "statements": [dict(s) for s in self.statements],
        }

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Speaker:
        return cls(
            d.get("id", ""),
            d["name"],
            d.get("kind"),
            d.get("entity"),
            list(d.get("roles", [])),
            list(d.get("affiliations", [])),
            list(d.get("documents", [])),
            [dict(s) for s in d.get("statements", [])],
        )


# -- events ---------------------------------------------------------------------------------


@dataclass
class EventMentionRef(_Keeps):
    """One report's sentence telling an event."""

    FIELDS_ONLY = True

    document: str
    key: str
    type: str
    trigger: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    date: str | None
    spans: dict[str, list[int]]
    sentence: str

    def _to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "key": self.key,
            "type": self.type,
            "trigger": self.trigger,
            "start": self.start,
            "end": self.end,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "date": self.date,
            "spans": {k: list(v) for k, v in self.spans.items()},
            "sentence": self.sentence,
        }

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> EventMentionRef:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass
class Event(_Keeps):
    """One real development, with every report that tells it; `id` derives from what it
    is (kind, date, place), so it survives added reports."""

    FIELDS_ONLY = True

    id: str
    type: str
    label: str
    plover: str | None
    date: str | None
    date_precision: str | None
    location: str | None
    actor: str | None
    target: str | None
    documents: list[str]  # the reports whose news it is
    mentioned_in: list[str]  # every report that tells of it
    background: bool
    mentions: list[EventMentionRef]
    reported_by: str | None = None  # the earliest known date of a report telling it

    def _to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "plover": self.plover,
            "date": self.date,
            "date_precision": self.date_precision,
            "location": self.location,
            "actor": self.actor,
            "target": self.target,
            "documents": list(self.documents),
            "mentioned_in": list(self.mentioned_in),
            "background": self.background,
            "mentions": [m.to_dict() for m in self.mentions],
            "reported_by": self.reported_by,
        }

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(
            d["id"],
            d["type"],
            d.get("label") or d["type"],
            d.get("plover"),
            d.get("date"),
            d.get("date_precision"),
            d.get("location"),
            d.get("actor"),
            d.get("target"),
            list(d.get("documents", [])),
            list(d.get("mentioned_in", d.get("documents", []))),
            bool(d.get("background")),
            [EventMentionRef.from_dict(m) for m in d.get("mentions", [])],
            d.get("reported_by"),
        )


# -- figures as claimed, and their ranges ---------------------------------------------------


@dataclass
class Claim(_Keeps):
    """One figure as claimed in one report: the value, who gives it, for which side, and
    how the range treats it (`role`, `copy`, `superseded_by`, `counted`)."""

    value: int | None
    qualifier: str
    document: str
    text: str
    start: int
    end: int
    claimant: str | None = None
    of_which: dict[str, int] = field(default_factory=dict)
    reportedly: bool = False
    update: bool = False
    previous: int | None = None
    as_of: str | None = None
    date: str | None = None  # as_of, else the report's date
    side: str | None = None
    population: str | None = None
    source: str | None = None  # the independent source (wire copies share one)
    role: str = "total"  # total | share | part
    part_of: int | None = None
    share_of: int | None = None  # for a share of a total: the total's value
    is_share: bool = False  # a share of another figure's total (`share_of` set)
    # set by the range computation
    copy: bool = False
    superseded_by: dict[str, Any] | None = None
    counted: bool = False
    # set by the analysts' corrections
    corrected: bool = False
    machine_value: dict[str, Any] | None = None
    review: str | None = None

    KEYS = ("value", "qualifier", "of_which", "claimant", "reportedly", "document", "text",
            "start", "end", "update", "previous", "as_of", "date", "side", "population",
            "source", "role", "part_of")  # fmt: skip

    def _to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.KEYS}
        out["of_which"] = dict(self.of_which or {})
        if self.is_share:
            out["share_of"] = self.share_of
        out["copy"] = self.copy
        out["superseded_by"] = dict(self.superseded_by) if self.superseded_by else None
        out["counted"] = self.counted
        if self.corrected:
            out["corrected"] = True
            out["machine_value"] = dict(self.machine_value or {})
        if self.review:
            out["review"] = self.review
        return out

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Claim:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["of_which"] = dict(known.get("of_which") or {})
        known["is_share"] = "share_of" in d
        known["copy"] = bool(known.get("copy"))
        known["counted"] = bool(known.get("counted"))
        return cls(**known)


@dataclass
class Latest:
    """The newest value of a rising toll, with its date and source."""

    value: int
    as_of: str | None
    claimant: str | None
    document: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            k: getattr(self, k) for k in ("value", "as_of", "claimant", "document", "start", "end")
        }


@dataclass
class Range(_Keeps):
    """Per event, metric, side and group: every claim, and low / best / high over the
    claims that count (see `parallax.crossdoc.ranges.settle_range`)."""

    event: str | None
    metric: str
    side: str | None
    group: str | None
    low: int | None
    best: int | None
    high: int | None
    agreed: bool
    rule: str
    sources: int  # reports giving a value
    independent_sources: int  # wire copies of one story once
    latest: Latest | None
    values: list[Claim]
    corrected: bool = False  # recomputed from the analysts' corrections

    @property
    def superseded(self) -> list[Claim]:
        """The history of a rising toll: values a later one from their claimant replaced."""
        return [c for c in self.values if c.superseded_by]

    @property
    def claimants(self) -> list[str]:
        return sorted({c.claimant for c in self.values if c.claimant})

    def _to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event": self.event,
            "metric": self.metric,
            "side": self.side,
            "group": self.group,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "agreed": self.agreed,
            "rule": self.rule,
            "sources": self.sources,
            "independent_sources": self.independent_sources,
            "latest": self.latest.to_dict() if self.latest else None,
            "values": [c.to_dict() for c in self.values],
        }
        if self.corrected:
            out["corrected"] = True
        return out

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Range:
        latest = d.get("latest")
        return cls(
            d.get("event"),
            d["metric"],
            d.get("side"),
            d.get("group"),
            d.get("low"),
            d.get("best"),
            d.get("high"),
            bool(d.get("agreed")),
            d.get("rule", ""),
            int(d.get("sources", 0)),
            int(d.get("independent_sources", 0)),
            Latest(**latest) if latest else None,
            [Claim.from_dict(v) for v in d.get("values", [])],
            bool(d.get("corrected")),
        )


# -- contradictions -------------------------------------------------------------------------


@dataclass
class Side:
    """One side of a contradiction: the claim's text, who makes it, where."""

    text: str
    claimant: str | None
    document: str
    start: int
    end: int


@dataclass
class Contradiction(_Keeps):
    """Two claims that cannot both hold, attached to their event; `documents` lists every
    report that repeats the exchange (wire copies once)."""

    kind: str  # allegation_denial | incompatible_account | description | duration | ...
    event: str | None
    a: Side
    b: Side
    what: str | None = None
    documents: list[str] = field(default_factory=list)

    def _to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "event": self.event}
        for key, side in (("a", self.a), ("b", self.b)):
            out[key], out[f"{key}_claimant"], out[f"{key}_document"] = (
                side.text,
                side.claimant,
                side.document,
            )
            out[f"{key}_start"], out[f"{key}_end"] = side.start, side.end
        if self.what is not None:
            out["what"] = self.what
        out["documents"] = list(self.documents)
        return out

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Contradiction:
        def side(k: str) -> Side:
            return Side(d[k], d.get(f"{k}_claimant"), d[f"{k}_document"], d[f"{k}_start"],
                        d[f"{k}_end"])  # fmt: skip

        docs = d.get("documents") or list(dict.fromkeys((d["a_document"], d["b_document"])))
        return cls(d["kind"], d.get("event"), side("a"), side("b"), d.get("what"), list(docs))


# -- sources, agreements, framing -----------------------------------------------------------


@dataclass
class Source(_Keeps):
    """An independent source: one report, or the copies of one wire story."""

    source: str
    basis: str  # own | near_duplicate | wire_credit
    documents: list[str]

    def _to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "basis": self.basis, "documents": list(self.documents)}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(d["source"], d.get("basis", "own"), list(d.get("documents", [])))


@dataclass
class Agreement(_Keeps):
    event: str | None
    what: str
    documents: list[str]
    sources: int

    def _to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "what": self.what, "documents": list(self.documents),
                "sources": self.sources}  # fmt: skip

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Agreement:
        return cls(d.get("event"), d["what"], list(d.get("documents", [])), int(d["sources"]))


@dataclass
class FramingUse(_Keeps):
    document: str
    user: str | None
    text: str
    start: int
    end: int
    distanced: bool
    how: str | None
    event: str | None

    def _to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> FramingUse:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass
class Framing(_Keeps):
    """A contested term, with every use and who uses it as their own word."""

    term: str
    users: list[str]
    documents: list[str]
    distanced_by: list[str]
    one_sided: bool
    uses: list[FramingUse]

    def _to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "users": list(self.users),
            "documents": list(self.documents),
            "distanced_by": list(self.distanced_by),
            "one_sided": self.one_sided,
            "uses": [u.to_dict() for u in self.uses],
        }

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Framing:
        uses = [FramingUse.from_dict(u) for u in d.get("uses", [])]
        return cls(d["term"], list(d.get("users", [])), list(d.get("documents", [])),
                   list(d.get("distanced_by", [])), bool(d.get("one_sided")), uses)  # fmt: skip


# -- what the stage derives per report ------------------------------------------------------


@dataclass
class DocumentFacts:
    """What the cross-check derives for one report from the others, kept apart from the
    report's own extraction: a date borrowed from a copied report (`linked`), event
    places moved to the geocoded place of their sentence, and surname-only speakers and
    claimants expanded to the one full name other reports give."""

    document: str
    published: str | None = None  # the date the record uses (own or linked)
    published_basis: str | None = None
    published_from: str | None = None  # the report a linked date came from
    relocated: dict[str, str] = field(default_factory=dict)  # event key -> place
    speakers: dict[int, str] = field(default_factory=dict)  # quote start -> full name
    claimants: dict[int, str] = field(default_factory=dict)  # figure start -> full name

    @property
    def linked_date(self) -> bool:
        return self.published_basis == "linked"


# -- the record -----------------------------------------------------------------------------

TABLES = ("entities", "events", "discrepancies", "contradictions", "agreements", "speakers",
          "stories", "sources", "framing")  # fmt: skip


@dataclass
class Record:
    """The whole cross-document record of a corpus."""

    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    ranges: list[Range] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    stories: list[list[str]] = field(default_factory=list)  # reports of the same events
    sources: list[Source] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    # per report: what the stage derived (not stored in the report itself)
    facts: dict[str, DocumentFacts] = field(default_factory=dict)
    # the reports as the record reads them: new copies with the derived values applied
    documents: list[DocumentRecord] = field(default_factory=list)

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The cross-document part of the export (and of the store's result tables)."""
        return {
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "discrepancies": [r.to_dict() for r in self.ranges],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "agreements": [a.to_dict() for a in self.agreements],
            "speakers": [s.to_dict() for s in self.speakers],
            "stories": [{"documents": list(s)} for s in self.stories],
            "sources": [s.to_dict() for s in self.sources],
            "framing": [f.to_dict() for f in self.framing],
        }

    @classmethod
    def from_dict(cls, d: dict[str, list[dict[str, Any]]]) -> Record:
        """The record back from its stored tables (the per-report facts are not stored:
        the stored reports carry them)."""
        return cls(
            entities=[Entity.from_dict(x) for x in d.get("entities", [])],
            events=[Event.from_dict(x) for x in d.get("events", [])],
            ranges=[Range.from_dict(x) for x in d.get("discrepancies", [])],
            contradictions=[Contradiction.from_dict(x) for x in d.get("contradictions", [])],
            agreements=[Agreement.from_dict(x) for x in d.get("agreements", [])],
            speakers=[Speaker.from_dict(x) for x in d.get("speakers", [])],
            stories=[list(x.get("documents", [])) for x in d.get("stories", [])],
            sources=[Source.from_dict(x) for x in d.get("sources", [])],
            framing=[Framing.from_dict(x) for x in d.get("framing", [])],
        )


def _union(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def merge_entities(found: list[Entity]) -> Entity:
    """One entity that several blocks of the record name (the same id: kind and folded
    name): the first's name and place, every spelling, report and mention of them all."""
    if len(found) == 1:
        return found[0]
    first = found[0]
    return replace(
        first,
        aliases=sorted({a for e in found for a in e.aliases}),
        documents=sorted({d for e in found for d in e.documents}),
        mentions=[m for e in found for m in e.mentions],
    )


def merge_speakers(found: list[Speaker]) -> Speaker:
    """One speaker several blocks name: every role, affiliation, report and statement."""
    if len(found) == 1:
        return found[0]
    return replace(
        found[0],
        entity=next((s.entity for s in found if s.entity), None),
        roles=_union([r for s in found for r in s.roles]),
        affiliations=_union([a for s in found for a in s.affiliations]),
        documents=_union([d for s in found for d in s.documents]),
        statements=[x for s in found for x in s.statements],
    )


def event_order(e: Event) -> tuple[bool, str, str, str]:
    """The order events are listed in: by date (undated last), kind, id."""
    return (e.date is None, e.date or "", e.type, e.id)
