"""Where sources agree and disagree: per event and metric every claimed value with its
claimant and document, and a low / best / high range as UCDP keeps it (never an
average: `best` is always a value some source claimed); allegations set against their
denials; events and figures reported by more than one source."""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from parallax.accounts import Account, Reading, accounts, sentences
from parallax.extract.framing import framing_of
from parallax.gazetteer import Gazetteer, get_gazetteer
from parallax.link import Linked
from parallax.models import DocumentRecord, EventMention, Figure, Quote, TextFeatures

DENIAL_CUES = {
    "denied",
    "denies",
    "deny",
    "rejected",
    "rejects",
    "dismissed",
    "dismisses",
    "refuted",
}
CLAIM_CUES = {
    "claimed",
    "claims",
    "alleged",
    "alleges",
    "alleging",
    "accused",
    "accuses",
    "said",
    "says",
    "reported",
    "reporting",
    "maintains",
    "maintained",
    "charged",
    "insisted",
}


BEST_RULE = (
    "low / high: the lowest and highest current total (each claimant's latest value, wire "
    "copies once, shares and parts not ranged); best: the latest day's total given by the "
    "most independent sources"
)

# Populations that make a count a subgroup of the toll or one party's losses, not the
# toll itself ("five children", "12 soldiers"): ranged apart. Civilians and people are
# the toll.
TOTAL_POPULATIONS = {None, "civilians", "people"}


def best_value(values: list[int]) -> int:
    """The value most sources give; on a tie, the lower middle of the tied values."""
    counts = Counter(values)
    top = max(counts.values())
    tied = sorted(v for v, c in counts.items() if c == top)
    return tied[(len(tied) - 1) // 2]


RangeKey = tuple[str | None, str, str | None, str | None]  # event, metric, side, group


def discrepancies(
    docs: list[DocumentRecord], linked: Linked, sources: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One range per event, metric, side and group, as UCDP keeps them: one side's losses
    (`side`) never share a range with another's, a subgroup (`group`: children, soldiers)
    is ranged apart from the toll, and a share (`of_which`) counts in its group's range
    only. Every claimed value stays in `values[]` with why it does or does not count
    (`role`, `copy`, `superseded_by`, `counted`); `sources` counts reports,
    `independent_sources` counts wire copies of one story once."""
    src = sources or {}
    table: dict[RangeKey, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        for f in d.figures:
            event = linked.figure_event(d.name, f.event)
            value = _value(d, f, src)
            group = None if f.population in TOTAL_POPULATIONS else f.population
            if group is not None and value["role"] == "part":
                value["role"] = "share"  # "16 children among the 98": the group's count
            table[(event, f.metric, f.side, group)].append(value)
            if getattr(f, "part_of", None) is not None:
                continue  # a part's own shares belong to its total
            for sub, count in (f.of_which or {}).items():
                if sub == group:
                    continue
                share = dict(value, value=count, qualifier=f.qualifier, role="share")
                share["share_of"] = f.value
                table[(event, f.metric, f.side, sub)].append(share)
    out = []
    for (event, metric, side, group), values in sorted(
        table.items(), key=lambda kv: (kv[0][0] or "~", kv[0][1], kv[0][2] or "", kv[0][3] or "")
    ):  # events in order, the unassigned last; per metric the whole toll first
        out.append(
            {
                "event": event,
                "metric": metric,
                "side": side,
                "group": group,
                **settle(values),
                "values": values,
            }
        )
    return out


def _value(d: DocumentRecord, f: Figure, src: dict[str, str]) -> dict[str, Any]:
    part_of = getattr(f, "part_of", None)
    return {
        "value": f.value,
        "qualifier": f.qualifier,
        "of_which": f.of_which,
        "claimant": f.claimant,
        "reportedly": f.reportedly,
        "document": d.name,
        "text": f.text,
        "start": f.start,
        "end": f.end,
        "update": f.update,
        "previous": f.previous,
        "as_of": f.as_of,
        "date": f.as_of or (d.published[:10] if d.published else None),
        "side": f.side,
        "population": f.population,
        "source": src.get(d.name, d.name),
        "role": "part" if part_of is not None else "total",
        "part_of": part_of,
    }


def _claimant_key(v: dict[str, Any]) -> str:
    """Who gives a value: the claimant, or for the report's own figure its source."""
    name = v.get("claimant")
    if name:
        return re.sub(r"^the\s+|[^\w\s]", "", str(name).lower()).strip()
    return f"source:{v.get('source') or v.get('document')}"


def settle(values: list[dict[str, Any]]) -> dict[str, Any]:
    """Mark each value of one range (in place: `copy`, `superseded_by`, `counted`) and
    return the range: low / best / high over the counted values, the rule, the sources.

    A value counts when it is a total (or a share, in its group's range), not a wire
    copy of a value already listed (same source, claimant, value and qualifier), and
    not superseded: a claimant's values of a later day supersede its earlier ones, and
    on one day its running-toll update supersedes its lower values that are none."""
    seen: set[tuple[Any, ...]] = set()
    for v in values:
        key = (v.get("source") or v.get("document"), _claimant_key(v), v["value"],
               v.get("qualifier"), v.get("role"))  # fmt: skip
        v["copy"] = key in seen and v["value"] is not None
        seen.add(key)
        v["superseded_by"] = None
    ranged = [
        v
        for v in values
        if v["value"] is not None and v.get("role", "total") != "part" and not v["copy"]
    ]
    by_claimant: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in ranged:
        by_claimant[_claimant_key(v)].append(v)
    for own in by_claimant.values():
        dated = [v for v in own if v.get("date")]
        if len(dated) < 2:
            continue
        last = max(v["date"] for v in dated)
        newest = [v for v in dated if v["date"] == last]
        top = max(newest, key=lambda v: (bool(v.get("update")), v["value"]))
        for v in dated:
            later = v["date"] < last
            same_day_update = (
                v["date"] == last and top.get("update") and not v.get("update")
                and v["value"] < top["value"]
            )  # fmt: skip
            if (later or same_day_update) and v["value"] != top["value"]:
                v["superseded_by"] = {k: top[k] for k in ("value", "date", "document", "start")}
    ranged_ids = {id(v) for v in ranged}
    for v in values:
        v["counted"] = id(v) in ranged_ids and v["superseded_by"] is None
    counted = [v for v in values if v["counted"]]
    numbers = [v["value"] for v in counted]
    everything = [v["value"] for v in values if v["value"] is not None]
    return {
        "low": min(numbers) if numbers else None,
        "best": _best(counted, values) if counted else None,
        "high": max(numbers) if numbers else None,
        "agreed": len(set(everything)) <= 1,
        "rule": BEST_RULE,
        "sources": len({v["document"] for v in values}),
        "independent_sources": len({v.get("source") or v["document"] for v in values}),
        "latest": latest_update(values),
    }


def _best(counted: list[dict[str, Any]], values: list[dict[str, Any]]) -> int:
    """Of the current totals of the latest day (all of them when none is dated), the
    value the most independent sources give; then the one the most independent sources
    give over the whole range; then the lower (the conservative choice)."""
    dates = [v["date"] for v in counted if v.get("date")]
    latest = [v for v in counted if v.get("date") == max(dates)] if dates else counted

    def sources(pool: list[dict[str, Any]], value: int) -> int:
        return len({v.get("source") or v["document"] for v in pool if v["value"] == value})

    candidates = {v["value"] for v in latest}
    return min(candidates, key=lambda n: (-sources(latest, n), -sources(values, n), n))


def latest_update(values: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest value of a rising toll ("rose to 170 on Tuesday"): the update with the
    latest date (on the same date, the higher value), stated with its date and source;
    None when no value is an update. Every value stays in `values`."""
    updates = [v for v in values if v.get("update") and v["value"] is not None]
    if not updates:
        return None
    top = max(updates, key=lambda v: (v.get("as_of") or "", v["value"]))
    return {k: top[k] for k in ("value", "as_of", "claimant", "document", "start", "end")}


PARAGRAPH_BREAK = re.compile(r"\n+")


def contradictions(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """A denial set against the claim it answers: the nearest earlier statement by another
    speaker in the same or the previous paragraph."""
    out = []
    for d in docs:
        quotes = sorted(d.quotes, key=lambda q: q.start)
        paras: list[int] = []
        for i, q in enumerate(quotes):
            if (q.cue or "").lower() not in DENIAL_CUES or not q.speaker:
                continue
            if not paras:  # paragraph of each statement (blank lines do not count)
                breaks = [m.start() for m in PARAGRAPH_BREAK.finditer(d.text)]
                paras = [bisect_left(breaks, x.start) for x in quotes]
            claim = _claim_before(quotes[:i], paras, q, paras[i])
            if claim is None:
                continue
            event = _event_of(d, linked, q.start)
            out.append(
                _pair("allegation_denial", event, _quoted(d.name, claim), _quoted(d.name, q))
            )
    return out


def _claim_before(earlier: list[Quote], paras: list[int], denial: Quote, here: int) -> Quote | None:
    for c, para in zip(reversed(earlier), reversed(paras[: len(earlier)]), strict=True):
        if (
            c.speaker
            and c.speaker != denial.speaker
            and here - para <= 1
            and (c.cue or "").lower() in CLAIM_CUES
            and c.kind != "partial"
        ):
            return c
    return None


def _event_near(d: DocumentRecord, linked: Linked, offset: int) -> str | None:
    for ev in d.events:
        if ev.sentence_start <= offset < ev.sentence_end:
            return linked.event_of.get((d.name, ev.key))
    return None


def _event_of(d: DocumentRecord, linked: Linked, offset: int) -> str | None:
    """The event a statement is about: the one its sentence tells, else the one the report
    told last before it ("Russia denied involvement in the attack" after the attack),
    else the first the report tells after it."""
    found = _event_near(d, linked, offset)
    if found:
        return found
    told = [ev for ev in d.events if linked.event_of.get((d.name, ev.key))]
    before = [ev for ev in told if ev.sentence_end <= offset]
    after = [ev for ev in told if ev.sentence_start > offset]
    if before:
        return linked.event_of[(d.name, max(before, key=lambda ev: ev.sentence_end).key)]
    if after:
        return linked.event_of[(d.name, min(after, key=lambda ev: ev.sentence_start).key)]
    return None


def agreements(
    linked: Linked, discs: list[dict[str, Any]], sources: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Events reported by more than one independent source, and figures that several
    independent sources share (copies of one wire story count once)."""
    src = sources or {}

    def independent(documents: list[str] | set[str]) -> int:
        return len({src.get(d, d) for d in documents})

    out = []
    for e in linked.events:
        if independent(e.documents) > 1:
            when = f" on {e.date}" if e.date else ""
            where = f" in {e.location}" if e.location else ""
            out.append(
                {
                    "event": e.id,
                    "what": f"{e.type.replace('_', ' ')}{where}{when}",
                    "documents": e.documents,
                    "sources": independent(e.documents),
                }
            )
    for disc in discs:
        by_value: dict[int, set[str]] = defaultdict(set)
        for v in disc["values"]:
            if v["value"] is not None:
                by_value[v["value"]].add(v["document"])
        for value, documents in by_value.items():
            if independent(documents) > 1:
                out.append(
                    {
                        "event": disc["event"],
                        "what": f"{disc['metric']}: {value}",
                        "documents": sorted(documents),
                        "sources": independent(documents),
                    }
                )
    return out


SPECIFIC_ATTACKS = {"airstrike", "shelling", "ground_offensive"}


def descriptions(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """One event, told differently: a report that says troops went in against one that
    says drone strikes (each report's own words, side by side)."""
    texts = {d.name: d.text for d in docs}
    out = []
    for event in linked.events:
        kinds: dict[str, dict[str, Any]] = {}  # document -> first specific mention
        for doc, m in sorted(event.members, key=lambda dm: dm[1].start):
            if m.type in SPECIFIC_ATTACKS and doc not in kinds:
                kinds[doc] = {"type": m.type, "mention": m}
        docs_ = sorted(kinds)
        for i, a in enumerate(docs_):
            for b in docs_[i + 1 :]:
                ma, mb = kinds[a]["mention"], kinds[b]["mention"]
                if ma.type == mb.type:
                    continue
                first, second = _sentence(texts[a], a, ma, None), _sentence(texts[b], b, mb, None)
                out.append(_pair("description", event.id, first, second))
    return out


FORCES = r"(?:armed forces|military forces|forces|army|troops|soldiers|servicemen|military)"
OWNED_FORCES = re.compile(
    rf"\b{FORCES} of (?:the )?(?P<after>[A-Z][\w-]+)|\b(?P<before>[A-Z][\w-]+)(?:'s|\u2019s)?\]? "
    rf"(?:armed |military |regular )?{FORCES}\b"
)
ANY_FORCES = re.compile(rf"\b{FORCES}\b")
NEGATION = re.compile(r"\b(?:no|not|never|none|neither|nor|denied|denies|deny)\b|n't\b", re.I)
COUNTRY = re.compile(r"\b[A-Z][a-z]+\b")
CLAUSE = re.compile(r"[.;:!?]\s+|,\s+(?:but|though|while|whereas)\s+")


def force_claims(text: str, gaz: Gazetteer) -> list[tuple[str, bool]]:
    """(country, negated) for each clause of a statement that speaks of a country's
    forces: "the withdrawal of the armed forces of Kelmar" (Kelmar, affirmed), "there are
    no Kelmari troops in Ostrava" (Kelmar, negated). A clause naming forces without an
    owner ("does not have an army there") takes the first country the clause names."""
    out = []
    for clause in CLAUSE.split(text):
        owner = None
        m = OWNED_FORCES.search(clause)
        if m:
            word = m.group("after") or m.group("before")
            owner = gaz.actor_name(word) or gaz.country_of_demonym(word)
        if owner is None and ANY_FORCES.search(clause):
            for w in COUNTRY.findall(clause):
                owner = gaz.actor_name(w) or gaz.country_of_demonym(w)
                if owner:
                    break
        if owner:
            out.append((owner, bool(NEGATION.search(clause))))
    return out


def negations(docs: list[DocumentRecord], linked: Linked, gaz: Gazetteer) -> list[dict[str, Any]]:
    """A claim and its negation across speakers: one speaker's statement that a country's
    forces are there (or must leave) against another's that there are none. One entry
    per claiming speaker and country, set against the first other speaker's negation."""
    affirmed: dict[str, list[tuple[DocumentRecord, Quote]]] = defaultdict(list)
    negated: dict[str, list[tuple[DocumentRecord, Quote]]] = defaultdict(list)
    for d in docs:
        for q in sorted(d.quotes, key=lambda q: q.start):
            if not _named(q.speaker) or q.kind == "partial":
                continue
            claims = force_claims(q.text, gaz)
            for owner, neg in claims:
                if (owner, not neg) not in claims:  # a statement that says both: neither
                    (negated if neg else affirmed)[owner].append((d, q))
    out, seen = [], set()
    for owner, denials in negated.items():
        for bdoc, b in denials:
            for adoc, a in affirmed.get(owner, []):
                key = (a.speaker, owner)
                if a.speaker == b.speaker or key in seen or _overlaps(adoc.name, a, bdoc.name, b):
                    continue
                seen.add(key)
                event = _event_of(adoc, linked, a.start)
                what = f"forces of {owner}: there (or to leave) vs none"
                first, second = _quoted(adoc.name, a), _quoted(bdoc.name, b)
                out.append(_pair("claim_negation", event, first, second, what))
    return out


def _named(speaker: str | None) -> bool:
    """A speaker resolved to a name, not a bare pronoun."""
    return speaker is not None and speaker[:1].isupper() and speaker not in ("I", "We", "It")


def _overlaps(adoc: str, a: Quote, bdoc: str, b: Quote) -> bool:
    return adoc == bdoc and a.start < b.end and b.start < a.end


Side = tuple[str, str | None, str, int, int]  # text, claimant, document, start, end


def _quoted(doc: str, q: Quote) -> Side:
    return q.text, q.speaker, doc, q.start, q.end


def _sentence(text: str, doc: str, m: EventMention, claimant: str | None) -> Side:
    """The sentence of an event mention, as one side of a contradiction."""
    return (
        text[m.sentence_start : m.sentence_end].strip(),
        claimant,
        doc,
        m.sentence_start,
        m.sentence_end,
    )


def _pair(
    kind: str, event: str | None, first: Side, second: Side, what: str | None = None
) -> dict[str, Any]:
    """A contradiction entry: two sides `a` and `b` (text, claimant, document, span)."""
    out: dict[str, Any] = {"kind": kind, "event": event}
    for key, (text, claimant, doc, start, end) in (("a", first), ("b", second)):
        out[key], out[f"{key}_claimant"], out[f"{key}_document"] = text, claimant, doc
        out[f"{key}_start"], out[f"{key}_end"] = start, end
    if what is not None:
        out["what"] = what
    return out


# -- incompatible accounts ----------------------------------------------------------------

_NAME = r"[A-Z][\w-]+"
AUTHORED_BY = re.compile(
    rf"\b(?:drafted|proposed|brokered|mediated|put forward|written|negotiated|tabled)\s+by\s+"
    rf"(?:the\s+)?(?P<names>{_NAME}(?:(?:,\s*|\s+and\s+)(?:the\s+)?{_NAME})*)"
)
AUTHOR_NOUN = re.compile(
    rf"\b(?P<names>{_NAME}(?:(?:-|\s+and\s+){_NAME})*)(?:'s|\u2019s)?\s+"
    r"(?:proposal|plan|draft|initiative|mediation|brokered)\b"
)
AGREEMENTS = {"ceasefire", "surrender"}


def _authors(text: str, gaz: Gazetteer) -> set[str]:
    """Countries a sentence says wrote or put forward an agreement ("a Kelmari proposal",
    "drafted by Kelmar and Ostrava")."""
    out: set[str] = set()
    for pattern in (AUTHORED_BY, AUTHOR_NOUN):
        for m in pattern.finditer(text):
            for word in re.split(r",\s*|\s+and\s+|-|\s+", m.group("names")):
                country = gaz.actor_name(word) or gaz.country_of_demonym(word)
                if country:
                    out.add(country)
    return out


def incompatible_accounts(
    docs: list[DocumentRecord], linked: Linked, gaz: Gazetteer
) -> list[dict[str, Any]]:
    """Incompatible accounts of one fact: two reports of the same agreement that name
    different authors for it ("a Kelmari proposal" / "drafted by Ostrava and Kelmar")."""
    texts = {d.name: d.text for d in docs}
    speakers = {d.name: d.quotes for d in docs}
    out = []
    for event in linked.events:
        if event.type not in AGREEMENTS:
            continue
        accounts: dict[str, tuple[set[str], EventMention]] = {}
        for doc, m in sorted(event.members, key=lambda dm: dm[1].start):
            authors = _authors(texts[doc][m.sentence_start : m.sentence_end], gaz)
            if authors and doc not in accounts:
                accounts[doc] = (authors, m)
        names = sorted(accounts)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                (sa, ma), (sb, mb) = accounts[a], accounts[b]
                if sa == sb:
                    continue
                out.append(
                    _pair(
                        "incompatible_accounts",
                        event.id,
                        _sentence(texts[a], a, ma, _speaker_at(speakers[a], ma.start)),
                        _sentence(texts[b], b, mb, _speaker_at(speakers[b], mb.start)),
                        f"authors: {', '.join(sorted(sa))} vs {', '.join(sorted(sb))}",
                    )
                )
    return out


# -- durations of an ongoing state ---------------------------------------------------------

ONGOING = {"blockade"}
PERIOD = re.compile(r"^P(\d+)([YMW])$")


def _months(value: str | None, kind: str, published: str | None) -> int | None:
    """A duration ("P9M", "P1Y") or a start ("since 2022-12", counted to the report's
    date) in whole months; None when it cannot be counted."""
    if not value:
        return None
    if kind == "duration":
        m = PERIOD.match(value)
        if m is None:
            return None
        n, unit = int(m.group(1)), m.group(2)
        return n * 12 if unit == "Y" else n if unit == "M" else round(n * 7 / 30.4)
    if kind == "since" and published and re.match(r"^\d{4}-\d{2}", value):
        y, mo = int(value[:4]), int(value[5:7])
        return (int(published[:4]) - y) * 12 + int(published[5:7]) - mo
    return None


def _lengths(d: DocumentRecord) -> list[dict[str, Any]]:
    """How long each ongoing state the report names has lasted, by its own words."""
    out = []
    for ev in d.events:
        if ev.type not in ONGOING:
            continue
        for t in d.times:
            if not ev.sentence_start <= t.start < ev.sentence_end:
                continue
            months = _months(t.value, t.kind, d.published)
            if months is not None and months > 0:
                out.append({"type": ev.type, "months": months, "doc": d, "time": t, "event": ev})
    return out


def durations(docs: list[DocumentRecord], linked: Linked) -> list[dict[str, Any]]:
    """How long a blockade has lasted, as the reports of one story give it: a length that
    differs from the one most of them give (in whole months) is set against it."""
    stories = linked.stories or [[d.name for d in docs]]
    by_name = {d.name: d for d in docs}
    out = []
    for story in stories:
        found = [x for name in story if name in by_name for x in _lengths(by_name[name])]
        for etype in sorted({x["type"] for x in found}):
            items = _unique_times([x for x in found if x["type"] == etype])
            counts = Counter(x["months"] for x in items)
            if len(counts) < 2:
                continue
            usual = best_value(list(x["months"] for x in items))
            base = next(x for x in items if x["months"] == usual)
            for other in items:
                if other["months"] != usual:
                    out.append(_duration_pair(linked, base, other, etype))
    return out


def _unique_times(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for x in items:
        key = (x["doc"].name, x["time"].start)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def _duration_pair(
    linked: Linked, a: dict[str, Any], b: dict[str, Any], etype: str
) -> dict[str, Any]:
    def side(x: dict[str, Any]) -> Side:
        d = x["doc"]
        return _sentence(d.text, d.name, x["event"], _speaker_at(d.quotes, x["time"].start))

    what = (
        f"{etype} length: {a['time'].text} ({a['months']} months) vs "
        f"{b['time'].text} ({b['months']} months)"
    )
    event = linked.event_of.get((a["doc"].name, a["event"].key))
    return _pair("duration", event, side(a), side(b), what)


def _speaker_at(quotes: list[Quote], offset: int) -> str | None:
    """The speaker of the statement holding an offset (None: the report's own words)."""
    for q in quotes:
        if q.start <= offset < q.end and q.speaker:
            return q.speaker
    return None


# -- accounts set against each other ------------------------------------------------------

PARAGRAPH_REACH = 3  # a denial of "the accusations" answers an account this many paragraphs up


def _who(speaker: str | None, doc: str, src: dict[str, str]) -> str:
    """Who makes a claim, as a key: the speaker, or for the report's own voice its
    independent source (so wire copies of one story are one claimant)."""
    if speaker:
        return re.sub(r"^the\s+|['\u2019]s\b|[^\w\s]", "", speaker.lower()).strip()
    return f"source:{src.get(doc, doc)}"


def _account_side(d: DocumentRecord, a: Account) -> Side:
    return a.text, a.speaker, d.name, a.start, a.end


def _country(name: str, gaz: Gazetteer) -> bool:
    return bool(gaz.actor_name(name)) or name in gaz.demonyms.values()


def _affiliated(speaker: str | None, country: str, gaz: Gazetteer) -> bool:
    """A speaker that speaks for a country ("Russia's defence ministry", "Russian
    Defense Ministry", "Russia")."""
    if not speaker:
        return False
    for word in re.findall(r"[A-Z][\w-]+", speaker):
        word = re.sub(r"['\u2019]s$", "", word)
        if gaz.actor_name(word) == country or gaz.country_of_demonym(word) == country:
            return True
    return False


POINTS = (("who did it", "agent"), ("cause", "cause"), ("weapon", "weapon"), ("launched from", "site"))  # fmt: skip

Told = tuple[DocumentRecord, Side]


def account_contradictions(
    docs: list[DocumentRecord],
    linked: Linked,
    gaz: Gazetteer,
    src: dict[str, str],
    features: Mapping[str, TextFeatures] | None = None,
) -> list[dict[str, Any]]:
    """Accounts of one story set against each other:
    - a claim a statement denies in its own words ("denied that X", "allegations that X
      are untrue");
    - incompatible accounts: who did it (two countries), the cause (an attack against
      an accident), the weapon, the launch site;
    - a claim that a country did it against that country's denial of doing it;
    - a claim named in a denial against those who make it ("contested claims of a
      misfired rocket" against "a misfired rocket");
    - a denial of "the accusations" against the account it answers, a few paragraphs up;
    - a count against a statement that disputes it ("inflated", "much lower than 471").
    Inside one report (its copies count once) each pair of claimants is one exchange;
    between reports each point at issue is one entry for its two camps, with every
    claimant and report of each. Linear in the accounts but for the pairs inside one
    report."""
    stories = linked.stories or [[d.name for d in docs]]
    by_name = {d.name: d for d in docs}
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    size = {e.id: len(e.documents) for e in linked.events}

    def readings_of(d: DocumentRecord) -> tuple[Reading, ...] | None:
        f = (features or {}).get(d.name)
        return f.readings if f else None

    def home(x: Told) -> str:
        return src.get(x[0].name, x[0].name)

    def who(x: Told) -> str:
        return _who(x[1][1], x[0].name, src)

    def entry_for(key: tuple[Any, ...], kind: str, point: tuple[str, ...], x: Told,
                  y: Told) -> dict[str, Any]:  # fmt: skip
        entry = found.get(key)
        if entry is None:
            (da, sa), (db, sb) = x, y
            # the event either side's sentence tells (else the one told before it); of
            # two, the one more reports tell
            near = [_event_near(da, linked, sa[3]), _event_near(db, linked, sb[3])]
            if not any(near):
                near = [_event_of(da, linked, sa[3]), _event_of(db, linked, sb[3])]
            told = [e for e in near if e]
            event = max(told, key=lambda e: size.get(e, 0)) if told else None
            what = f"{point[0]}: {' vs '.join(point[1:])}" if len(point) > 1 else point[0]
            entry = found[key] = _pair(kind, event, sa, sb, what)
            entry["a_claimants"], entry["b_claimants"], entry["documents"] = [], [], []
        return entry

    def join(entry: dict[str, Any], side: str, members: list[Told]) -> None:
        for d, (_, claimant, *_rest) in members:
            if claimant and claimant not in entry[f"{side}_claimants"]:
                entry[f"{side}_claimants"].append(claimant)
            if d.name not in entry["documents"]:
                entry["documents"].append(d.name)

    def set_against(kind: str, point: tuple[str, ...], camp_a: list[Told],
                    camp_b: list[Told]) -> None:  # fmt: skip
        by_home: dict[str, list[Told]] = defaultdict(list)
        for y in camp_b:
            by_home[home(y)].append(y)
        for x in camp_a:  # exchanges inside one report
            for y in by_home.get(home(x), []):
                if who(x) != who(y):
                    key = (kind, point, home(x), frozenset((who(x), who(y))))
                    join(entry_for(key, kind, point, x, y), "a", [x])
                    join(found[key], "b", [y])
        pair = next(  # between reports: one entry for the two camps
            ((x, y) for x in camp_a for y in camp_b if home(x) != home(y) and who(x) != who(y)),
            None,
        )
        if pair is not None:
            entry = entry_for((kind, point), kind, point, *pair)
            join(entry, "a", [x for x in camp_a if home(x) != home(pair[1])] or camp_a)
            join(entry, "b", camp_b)

    for story in stories:
        members = [by_name[n] for n in story if n in by_name]
        accs = [(d, a) for d in members for a in accounts(d, gaz, readings_of(d))]
        tellers = [(d, a) for d, a in accs if a.tells and a.claim is None]
        denials = [(d, a) for d, a in accs if a.denial or (a.negated and a.agent)]

        def told(items: list[tuple[DocumentRecord, Account]]) -> list[Told]:
            return [(d, _account_side(d, a)) for d, a in items]

        for d, a in accs:  # a claim the statement itself denies
            if a.claim is not None:
                text = d.text[a.claim[0] : a.claim[1]]
                claim = (text, a.claim_by, d.name, a.claim[0], a.claim[1])
                denial = (a.text, a.speaker or _subject(a.text), d.name, a.start, a.end)
                set_against("allegation_denial", (f"denied: {text[:80]}",), [(d, claim)],
                            [(d, denial)])  # fmt: skip
        for label, attr in POINTS:  # incompatible accounts
            camps: dict[str, list[tuple[DocumentRecord, Account]]] = defaultdict(list)
            for d, a in tellers:
                if getattr(a, attr):
                    camps[getattr(a, attr)].append((d, a))
            values = sorted(camps, key=str.lower)
            for i, one in enumerate(values):
                for other in values[i + 1 :]:
                    if one.lower() == other.lower() or (
                        attr == "agent" and not (_country(one, gaz) and _country(other, gaz))
                    ):
                        continue
                    set_against("incompatible_accounts", (label, one, other),
                                told(camps[one]), told(camps[other]))  # fmt: skip
        agents = sorted({a.agent for _, a in tellers if a.agent and _country(a.agent, gaz)})
        for country in agents:  # the accused denies
            said = [(d, a) for d, a in tellers
                    if a.agent == country and not _affiliated(a.speaker, country, gaz)]  # fmt: skip
            denied = [(d, b) for d, b in denials
                      if b.denies_blame and _affiliated(b.speaker, country, gaz)]  # fmt: skip
            if said and denied:
                set_against("allegation_denial", (f"{country} responsible", "said", "denied"),
                            told(said), told(denied))  # fmt: skip
        named: dict[tuple[str | None, str | None], list[tuple[DocumentRecord, Account]]]
        named = defaultdict(list)
        for d, b in accs:  # a claim denied against those who make it
            if b.claim is not None and (b.claim_agent or b.claim_cause):
                named[(b.claim_agent, b.claim_cause)].append((d, b))
        for (agent, cause), deniers in named.items():
            said = [(d, a) for d, a in tellers
                    if (agent and a.agent == agent)
                    or (cause and a.cause == cause and (a.agent is None or agent is None))]  # fmt: skip
            if said:
                set_against("allegation_denial", (f"{agent or cause}: said vs denied",),
                            told(said), told(deniers))  # fmt: skip
        own: dict[str, list[tuple[DocumentRecord, Account]]] = defaultdict(list)
        for d, a in tellers:
            own[d.name].append((d, a))
        for db, b in denials:  # a denial of "the accusations" answers an account above
            if not b.generic_denial or b.claim is not None:
                continue
            above = [(d, a) for d, a in own.get(db.name, []) if a.end <= b.start
                     and _who(a.speaker, d.name, src) != _who(b.speaker, d.name, src)
                     and _paragraphs(d.text, a.end, b.start) <= PARAGRAPH_REACH]  # fmt: skip
            if above:
                set_against("allegation_denial", ("accusation denied",), told(above[-1:]),
                            told([(db, b)]))  # fmt: skip
        counts: dict[int, list[tuple[DocumentRecord, Figure]]] = defaultdict(list)
        for d in members:
            for f in d.figures:
                if f.value is not None:
                    counts[f.value].append((d, f))
        for db, b in accs:  # disputed counts
            if b.dispute:
                for value, sides in _disputed(db, b, counts):
                    set_against("figure_dispute", (f"count disputed: {value}",), sides,
                                told([(db, b)]))  # fmt: skip
    return list(found.values())


def _paragraphs(text: str, start: int, end: int) -> int:
    return len(PARAGRAPH_BREAK.findall(text, start, end))


SUBJECT = re.compile(r"^(?:[A-Z][\w.'\u2019-]*\s+){1,6}?(?=(?:\w+ly\s+)?(?:on \w+\s+)?"
                     r"(?:denied|denies|rejected|rejects|dismissed|refuted|contested))")  # fmt: skip


def _subject(text: str) -> str | None:
    """The capitalised subject of a denial sentence ("Hezbollah chief Hassan Nasrallah")."""
    m = SUBJECT.match(text.strip())
    return m.group(0).strip() if m else None


def _disputed(
    d: DocumentRecord, b: Account, counts: dict[int, list[tuple[DocumentRecord, Figure]]]
) -> list[tuple[int, list[Told]]]:
    """The counts a dispute answers: every claim of a value it names, in any report of
    the story; else the nearest count above it in its own report."""
    named = sorted({n for n in b.numbers if n > 2 and n in counts})
    if named:
        return [
            (
                n,
                [
                    (o, _figure_side(o, f))
                    for o, f in counts[n]
                    if not (o is d and b.start <= f.start < b.end)
                ],
            )  # fmt: skip
            for n in named
        ]
    if any(n > 2 for n in b.numbers):
        return []
    above = [f for f in d.figures if f.end <= b.start and f.value is not None]
    above = [f for f in above if _paragraphs(d.text, f.end, b.start) <= 1]
    if not above or above[-1].value is None:
        return []
    return [(above[-1].value, [(d, _figure_side(d, above[-1]))])]


def _figure_side(d: DocumentRecord, f: Figure) -> Side:
    """A count as one side of a contradiction: its sentence, its claimant."""
    for start, end in sentences(d.text):
        if start <= f.start < end:
            return d.text[start:end].strip(), f.claimant, d.name, start, end
    return f.text, f.claimant, d.name, f.start, f.end


def _fold(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "").lower().replace("\u2019", "'")).strip()


def collapse(contras: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One contradiction however many copies repeat it: entries with the same kind, point
    and texts on both sides (wire copies of one exchange) become one that lists every
    report; and a denial set against a claim by the account rules is not set again
    against another statement by the rule that pairs quotes by their cue."""
    out: list[dict[str, Any]] = []
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    denials = {
        (c["b_document"], c["b_start"])
        for c in contras
        if c["kind"] == "allegation_denial" and c.get("what")
    }
    for c in contras:
        answered = any(doc == c["b_document"] and abs(start - c["b_start"]) < 80
                       for doc, start in denials)  # fmt: skip
        if c["kind"] == "allegation_denial" and not c.get("what") and answered:
            continue
        key = (c["kind"], c.get("what"), _fold(c["a"]), _fold(c["b"]),
               _fold(c["a_claimant"]), _fold(c["b_claimant"]))  # fmt: skip
        seen = by_key.get(key)
        if seen is None:
            c.setdefault("documents", list(dict.fromkeys((c["a_document"], c["b_document"]))))
            by_key[key] = c
            out.append(c)
        else:
            for doc in (c["a_document"], c["b_document"], *c.get("documents", [])):
                if doc not in seen["documents"]:
                    seen["documents"].append(doc)
    return out


def reconcile(
    docs: list[DocumentRecord],
    linked: Linked,
    gaz: Gazetteer | None = None,
    features: Mapping[str, TextFeatures] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Claims set against each other over linked reports. `features`: the reports'
    `TextFeatures` by name, where known (else read from their texts)."""
    gaz = gaz or get_gazetteer()
    sources = independent_sources(docs, features)
    by_source = source_of(sources)
    discs = discrepancies(docs, linked, by_source)
    return {
        "discrepancies": discs,
        "contradictions": collapse(
            account_contradictions(docs, linked, gaz, by_source, features)
            + contradictions(docs, linked)
            + negations(docs, linked, gaz)
            + incompatible_accounts(docs, linked, gaz)
            + durations(docs, linked)
            + descriptions(docs, linked)
        ),
        "agreements": agreements(linked, discs, by_source),
        "stories": [{"documents": s} for s in linked.stories],
        "sources": sources,
        "framing": framing(docs, linked, features),
    }


# -- framing ----------------------------------------------------------------------------


def framing(
    docs: list[DocumentRecord],
    linked: Linked | None = None,
    features: Mapping[str, TextFeatures] | None = None,
) -> list[dict[str, Any]]:
    """Per contested term: every use with its user (None: the report's own voice) and the
    report's distance; `users` who use it as their own word, `one_sided` when a single
    named user does and no report adopts it undistanced. `features`: the reports'
    `TextFeatures` by name, where known (their term uses)."""
    table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        f = (features or {}).get(d.name)
        for u in framing_of(d, f.terms if f else None):
            table[u.term].append(
                {
                    "document": d.name,
                    "user": u.user,
                    "text": u.text,
                    "start": u.start,
                    "end": u.end,
                    "distanced": u.distanced,
                    "how": u.how,
                    "event": _event_near(d, linked, u.start) if linked else None,
                }
            )
    out = []
    for term, uses in sorted(table.items()):
        users = sorted({u["user"] for u in uses if u["user"]})
        own_voice = [u for u in uses if u["user"] is None and not u["distanced"]]
        out.append(
            {
                "term": term,
                "users": users,
                "documents": sorted({u["document"] for u in uses}),
                "distanced_by": sorted({u["document"] for u in uses if u["distanced"]}),
                "one_sided": len(users) == 1 and not own_voice,
                "uses": uses,
            }
        )
    return out


# -- independent sources ------------------------------------------------------------------

WIRES = {
    "reuters": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "anadolu": "Anadolu",
    "anadolu agency": "Anadolu",
    "tass": "TASS",
    "xinhua": "Xinhua",
    "upi": "UPI",
    "dpa": "dpa",
}
_WIRE_NAMES = "|".join(sorted((re.escape(k) for k in WIRES), key=len, reverse=True))
CREDIT = re.compile(
    rf"\((?P<a>{_WIRE_NAMES})\)|\b(?:via|from|\u00a9|copyright|source:)\s+(?:the\s+)?(?P<b>{_WIRE_NAMES})\b"
    rf"|^\s*(?:[-\u2013\u2014]\s*)?(?P<c>{_WIRE_NAMES})\s*$",
    re.I | re.M,
)
SHINGLE = 5
NEAR_DUPLICATE = 0.5  # share of the shorter report's word 5-grams found in the other


def wire_credit(d: DocumentRecord) -> str | None:
    """The wire service a report credits ("(Reuters) -", "via AP", a closing "AFP" line)."""
    if d.outlet and d.outlet.lower() in WIRES:
        return WIRES[d.outlet.lower()]
    m = CREDIT.search(d.text)
    if m is None:
        return None
    word = (m.group("a") or m.group("b") or m.group("c")).lower()
    if word == "ap" and not re.search(r"\(AP\)|\bAP\b", m.group(0)):
        return None  # lower-case "ap" is no credit
    return WIRES[word]


def shingle_set(text: str) -> frozenset[int]:
    """A text's word 5-grams, each as a 31-bit number (stable across runs and machines)."""
    words = re.findall(r"\w+", text.lower())
    return frozenset(
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode()) % _PRIME
        for i in range(max(0, len(words) - SHINGLE + 1))
    )


def near_duplicates(a: str, b: str) -> bool:
    """Most of the shorter text's word 5-grams recur in the other: one story, re-posted."""
    return _near_duplicate_shingles(shingle_set(a), shingle_set(b))


def _near_duplicate_shingles(sa: frozenset[int], sb: frozenset[int]) -> bool:
    return bool(sa and sb) and len(sa & sb) / min(len(sa), len(sb)) >= NEAR_DUPLICATE


# Blocking, so that grouping is near-linear in the number of reports: only reports that
# fall into one bucket are compared (exactly, on their shingles). Two kinds of bucket:
# - MinHash with LSH banding: signatures that agree on a whole band of two rows. A pair
#   whose shingle sets overlap by a fifth (Jaccard 0.2) meets with probability
#   1 - (1 - 0.2**2)**32 = 0.73, by a third 0.98.
# - A sample of the shingles themselves (those whose hash is a multiple of 4), the same
#   sample in every report: a short excerpt of a longer story shares half its shingles
#   with it, so about an eighth of them land in shared buckets, although the Jaccard
#   overlap of the two is low.
# A bucket pairs each member with its first and with the one before it (linear in its
# size: 40 syndicated copies give 78 pairs, not 780).
MINHASH_PERMUTATIONS = 64
LSH_ROWS = 2
SAMPLE_EVERY = 4
_PRIME = (1 << 31) - 1  # (a * x + b) mod p with a, x < 2**31 stays below 2**64
_rng = np.random.default_rng(20240601)
_PERM_A = _rng.integers(1, _PRIME, MINHASH_PERMUTATIONS, dtype=np.uint64)
_PERM_B = _rng.integers(0, _PRIME, MINHASH_PERMUTATIONS, dtype=np.uint64)


def minhash(shingles: frozenset[int]) -> tuple[int, ...]:
    """The MinHash signature of a report's shingles (see `shingle_set`)."""
    if not shingles:
        return (_PRIME,) * MINHASH_PERMUTATIONS
    hashes = np.fromiter(shingles, dtype=np.uint64, count=len(shingles))
    mixed = (_PERM_A[:, None] * hashes[None, :] + _PERM_B[:, None]) % np.uint64(_PRIME)
    return tuple(mixed.min(axis=1).tolist())


def candidate_pairs(
    shingles: list[frozenset[int]], signatures: list[tuple[int, ...]]
) -> set[tuple[int, int]]:
    """Pairs of reports that share a bucket (MinHash band or sampled shingle)."""
    # a bucket's key as one number: a band (its place and its rows, each below 2**31) is
    # non-negative, a sampled shingle negative
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, (own, sig) in enumerate(zip(shingles, signatures, strict=True)):
        for band in range(0, MINHASH_PERMUTATIONS, LSH_ROWS):
            key = band
            for row in sig[band : band + LSH_ROWS]:
                key = (key << 31) | row
            buckets[key].append(i)
        for x in own:
            if x % SAMPLE_EVERY == 0:
                buckets[-1 - x].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            pairs.update((members[0], j) for j in members[1:])
            pairs.update(zip(members[1:-1], members[2:], strict=False))
    return pairs


def independent_sources(
    docs: list[DocumentRecord], features: Mapping[str, TextFeatures] | None = None
) -> list[dict[str, Any]]:
    """Reports grouped into independent sources: copies of one wire story (near-duplicate
    texts, found by MinHash LSH and checked on their shingles) and reports crediting the
    same wire service are one source. `features`: the reports' `TextFeatures` by name,
    where known."""
    feats = [(features or {}).get(d.name) for d in docs]
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    credits = [f.wire if f else wire_credit(d) for d, f in zip(docs, feats, strict=True)]
    first_of: dict[str, int] = {}
    for i, wire in enumerate(credits):
        if wire is not None:
            union(first_of.setdefault(wire, i), i)
    if len(docs) > 1:  # one report is its own copy of nothing
        shingles = [
            f.shingles if f else shingle_set(d.text) for d, f in zip(docs, feats, strict=True)
        ]
        signatures = [
            f.signature if f else minhash(s) for s, f in zip(shingles, feats, strict=True)
        ]
        for i, j in sorted(candidate_pairs(shingles, signatures)):
            if root(i) != root(j) and _near_duplicate_shingles(shingles[i], shingles[j]):
                union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        groups[root(i)].append(i)
    out = []
    for members in groups.values():
        wire = next((credits[i] for i in members if credits[i]), None)
        first = docs[members[0]]
        out.append(
            {
                "source": wire or first.outlet or first.name,
                "basis": "wire_credit" if wire else "near_duplicate" if len(members) > 1 else "own",
                "documents": [docs[i].name for i in members],
            }
        )
    return out


def source_of(sources: list[dict[str, Any]]) -> dict[str, str]:
    """Document name -> the independent source it belongs to."""
    return {doc: s["source"] for s in sources for doc in s["documents"]}
