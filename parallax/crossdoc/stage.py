"""`cross_check`: the cross-document stage as one call. It reads the reports'
extraction records and returns the typed `Record`; the reports given are never changed
(linking works on copies, and what it derives per report lives in `Record.facts` and in
the new copies `Record.documents`)."""

from __future__ import annotations

import pickle
from collections.abc import Mapping

from parallax.crossdoc.record import (
    Agreement,
    Contradiction,
    DocumentFacts,
    Entity,
    Event,
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
    work = _copied(sorted(docs, key=lambda d: (d.sha256, d.name)))
    linked = link(work, gaz, anchored, features)
    results = reconcile(work, linked, gaz, features)
    texts = {d.name: d.text for d in work}
    published = {d.name: d.published for d in work}
    events = []
    for e in linked.events:
        ev = Event.from_dict(e.to_dict(texts))
        known = sorted(p for n in ev.mentioned_in if (p := published.get(n)))
        ev.reported_by = known[0][:10] if known else None  # a bound, never a guess
        events.append(ev)
    speakers = speaker_index(work, linked.entities)
    return Record(
        entities=[Entity.from_dict(e.to_dict()) for e in linked.entities],
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
    """Deep copies of the reports to link (plain data: a pickle round trip gives what
    `copy.deepcopy` gives, several times faster)."""
    return list(pickle.loads(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)))


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
