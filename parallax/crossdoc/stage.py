"""`cross_check`: the cross-document stage as one call. It reads the reports'
extraction records and returns the typed `Record`; the reports given are never changed
(linking works on copies, and what it derives per report lives in `Record.facts` and in
the new copies `Record.documents`)."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import TypeVar

from parallax import collector
from parallax.crossdoc.record import (
    Agreement,
    Contradiction,
    DocumentFacts,
    Framing,
    Range,
    Record,
    Source,
)
from parallax.gazetteer import Gazetteer, get_gazetteer
from parallax.link import link
from parallax.models import DocumentRecord, TextFeatures
from parallax.reconcile import reconcile
from parallax.speakers import speaker_index


def cross_check(
    docs: list[DocumentRecord],
    gaz: Gazetteer | None = None,
    anchored: bool = False,
    features: Mapping[str, TextFeatures] | None = None,
) -> Record:
    """The cross-document record of `docs` (taken in the order of their content, so the
    same reports in any order give the same record). `docs` are left as they are.
    `anchored`: the docs are one block of a larger corpus (see `link.link`).
    `features`: the reports' `TextFeatures` by name, where stored (the others are read
    from their texts: the same record either way)."""
    gaz = gaz or get_gazetteer()
    with collector.paused():
        return _cross_check(docs, gaz, anchored, features)


def _cross_check(
    docs: list[DocumentRecord],
    gaz: Gazetteer,
    anchored: bool,
    features: Mapping[str, TextFeatures] | None,
) -> Record:
    work = _copied(sorted(docs, key=lambda d: (d.sha256, d.name)))
    linked = link(work, gaz, anchored, features)
    results = reconcile(work, linked, gaz, features)
    texts = {d.name: d.text for d in work}
    published = {d.name: d.published for d in work}
    events = []
    for e in linked.events:
        ev = e.to_record(texts)
        known = sorted(p for n in ev.mentioned_in if (p := published.get(n)))
        ev.reported_by = known[0][:10] if known else None  # a bound, never a guess
        events.append(ev)
    speakers = speaker_index(work, linked.entities)
    return Record(
        entities=[e.to_record() for e in linked.entities],
        events=events,
        ranges=[Range.from_dict(x) for x in results["discrepancies"]],
        contradictions=[Contradiction.from_dict(x) for x in results["contradictions"]],
        agreements=[Agreement.from_dict(x) for x in results["agreements"]],
        speakers=speakers,
        stories=[list(s) for s in linked.stories],
        sources=[Source.from_dict(x) for x in results["sources"]],
        framing=[Framing.from_dict(x) for x in results["framing"]],
        facts={
            d.name: document_facts(d, w) for d, w in zip(_by_name(docs, work), work, strict=True)
        },
        documents=work,
    )


def _copied(docs: list[DocumentRecord]) -> list[DocumentRecord]:
    """Copies of the reports to link: each report and each of its items anew, with the
    lists and dicts they hold (what linking may change); strings and numbers, which
    nothing changes, are shared. Plain data: what `copy.deepcopy` gives, many times
    faster."""
    return [_record_copy(d) for d in docs]


def _record_copy(d: DocumentRecord) -> DocumentRecord:
    out = _plain_copy(d)
    out.quotes = [_plain_copy(x) for x in d.quotes]
    out.figures = [_plain_copy(x) for x in d.figures]
    out.times = [_plain_copy(x) for x in d.times]
    out.mentions = [_plain_copy(x) for x in d.mentions]
    out.events = [_plain_copy(x) for x in d.events]
    return out


T = TypeVar("T")


def _plain_copy(item: T) -> T:
    """A dataclass instance anew, its list and dict fields copied (their contents are
    strings and numbers: see `_containers`)."""
    cls: type = type(item)
    out: T = object.__new__(cls)
    out.__dict__.update(item.__dict__)
    for name in _containers(cls):
        value = item.__dict__[name]
        if value is not None:
            out.__dict__[name] = value.copy()
    return out


@functools.cache
def _containers(cls: type) -> tuple[str, ...]:
    """The fields of a record type that hold a list or a dict."""
    return tuple(f.name for f in dataclasses.fields(cls) if re.match(r"(list|dict)\[", str(f.type)))


def _by_name(docs: list[DocumentRecord], work: list[DocumentRecord]) -> list[DocumentRecord]:
    own = {(d.sha256, d.name): d for d in docs}
    return [own[(w.sha256, w.name)] for w in work]


def document_facts(own: DocumentRecord, linked: DocumentRecord) -> DocumentFacts:
    """What the stage derived for one report: its record as given (`own`) against the
    copy the stage linked."""
    facts = DocumentFacts(own.name, linked.published, linked.published_basis, linked.published_from)
    for a, b in zip(own.events, linked.events, strict=True):
        if b.location and a.location != b.location:
            facts.relocated[b.key] = b.location
    for qa, qb in zip(own.quotes, linked.quotes, strict=True):
        if qb.speaker and qa.speaker != qb.speaker:
            facts.speakers[qb.start] = qb.speaker
    for fa, fb in zip(own.figures, linked.figures, strict=True):
        if fb.claimant and fa.claimant != fb.claimant:
            facts.claimants[fb.start] = fb.claimant
    return facts
