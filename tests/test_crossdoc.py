"""The cross-document stage as its own package: `cross_check` reads the reports'
extraction records and returns the typed record, never changing its input; what it
derives per report (a linked date, relocated events, expanded speakers) lives in the
record; the record's `to_dict` is the export's shape; ids derive from content."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import GAZETTEER

from parallax.crossdoc import Record, cross_check
from parallax.gazetteer import get_gazetteer
from parallax.link import link
from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import record_from_doc
from parallax.reconcile import reconcile
from parallax.speakers import speaker_id, speaker_index

# Invented: Dornik, Valdoria, Mira Tessik, Lena Morav and Ivo Brandt do not exist.
DATED = """Guns pound the market in Dornik

By Lena Morav

Valdorian artillery shelled the market in Dornik on Monday, killing 14 people.

"The stalls were full when the first shells landed," said Mira Tessik, a nurse at the town clinic.

Dornik is the largest town of the Ostravia region.
"""
# The same wire story on another site, without a date: it takes the copied report's date.
COPY = DATED.replace("Guns pound the market in Dornik", "Market shelled in Dornik")
WEEKDAYS = """Dornik buries its dead

By Ivo Brandt

Valdorian guns shelled Dornik on Monday, and 16 people were killed, local officials said.

Tessik said the clinic in Kessaria had run out of bandages. The guns fell silent on Tuesday evening.
"""
GIVEN = """Relief convoy waits at Lisk

Aid trucks waited at the border crossing near Lisk after the shelling of Dornik on Monday, \
in which 15 people were killed, the Dornik council said.
"""
REPORTS = [
    RawDocument("dated", DATED, "dated.json", "jsonl", published="2025-03-03"),
    RawDocument("copy", COPY, "copy.txt", "text"),
    RawDocument("weekdays", WEEKDAYS, "weekdays.txt", "text"),
    RawDocument("given", GIVEN, "given.json", "jsonl", published="2025-03-04"),
]


@pytest.fixture(scope="module")
def docs(nlp) -> list[DocumentRecord]:
    return [record_from_doc(raw, nlp(raw.text)) for raw in REPORTS]


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer((GAZETTEER,))


def test_cross_check_never_changes_its_input(docs, gaz) -> None:
    before = copy.deepcopy(docs)
    record = cross_check(docs, gaz)
    assert docs == before
    # the record's own copies carry what linking derived, the input does not
    copied = next(d for d in record.documents if d.name == "copy")
    assert copied.published_basis == "linked"
    assert next(d for d in docs if d.name == "copy").published is None


def test_derived_facts_live_in_the_record(docs, gaz) -> None:
    facts = cross_check(docs, gaz).facts
    assert facts["copy"].linked_date and facts["copy"].published_from == "dated"
    assert facts["copy"].published == facts["dated"].published
    assert not facts["dated"].linked_date
    # "Tessik said" takes the full name the other reports give
    assert "Mira Tessik" in facts["weekdays"].speakers.values()
    assert not facts["dated"].speakers


def _legacy(docs: list[DocumentRecord], gaz) -> dict:
    """The record as the run built it before the stage was a package (in place)."""
    work = sorted(copy.deepcopy(docs), key=lambda d: d.sha256)
    linked = link(work, gaz)
    out = reconcile(work, linked, gaz)
    texts = {d.name: d.text for d in work}
    out["entities"] = [e.to_dict() for e in linked.entities]
    out["events"] = [e.to_dict(texts) for e in linked.events]
    published = {d.name: d.published for d in work}
    for ev in out["events"]:
        known = sorted(p for n in ev["mentioned_in"] if (p := published.get(n)))
        ev["reported_by"] = known[0][:10] if known else None
    out["speakers"] = [s.to_dict() for s in speaker_index(work, linked.entities)]
    return out


def test_record_to_dict_is_the_export_shape(docs, gaz) -> None:
    record = cross_check(docs, gaz).to_dict()
    legacy = _legacy(docs, gaz)
    for sp in [*record["speakers"], *legacy["speakers"]]:
        sp.pop("id")  # speaker ids now derive from content (below)
    assert set(record) == set(legacy)
    for table in legacy:
        assert json.dumps(record[table], sort_keys=True) == json.dumps(
            legacy[table], sort_keys=True
        ), table
    assert record["discrepancies"] and record["events"] and record["sources"]


def test_record_round_trips_through_its_dict(docs, gaz) -> None:
    data = cross_check(docs, gaz).to_dict()
    assert Record.from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_ids_are_stable_when_a_report_is_added(docs, gaz) -> None:
    small = cross_check(docs[:3], gaz)
    large = cross_check(docs, gaz)

    def ents(r: Record) -> dict[str, str]:
        return {e.canonical: e.id for e in r.entities}

    def spks(r: Record) -> dict[str, str]:
        return {s.name: s.id for s in r.speakers}

    def shelling(r: Record) -> str:
        (ev,) = [e for e in r.events if e.type == "shelling" and "dated" in e.mentioned_in]
        return ev.id

    for name, ident in ents(small).items():
        assert ents(large)[name] == ident
    for name, ident in spks(small).items():
        assert spks(large)[name] == ident
    assert shelling(small) == shelling(large)
    # from what the speaker is, not from how many statements others have
    for sp in large.speakers:
        assert sp.id == speaker_id(sp.kind, sp.name)


def test_fields_a_stage_adds_travel_through_the_record(docs, gaz) -> None:
    data = cross_check(docs, gaz).to_dict()
    data["contradictions"] = [
        {"kind": "allegation_denial", "event": None, "a": "x", "a_claimant": None,
         "a_document": "dated", "a_start": 0, "a_end": 1, "b": "y", "b_claimant": "Ivo Brandt",
         "b_document": "given", "b_start": 2, "b_end": 3, "documents": ["dated", "given"],
         "a_claimants": [], "b_claimants": ["Ivo Brandt"]}
    ]  # fmt: skip
    data["discrepancies"][0]["weight"] = 0.5
    data["discrepancies"][0]["values"][0]["sentence"] = "s"
    assert Record.from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_records_marked_fields_only_write_every_field_and_nothing_else(docs, gaz) -> None:
    """`FIELDS_ONLY` lets `from_dict` skip looking for keys to keep: it must hold."""
    from parallax.crossdoc.record import _field_names

    record = cross_check(docs, gaz)
    items = [*record.entities, *record.speakers, *record.events]
    items += [m for e in record.events for m in e.mentions]
    assert {type(x).__name__ for x in items} == {"Entity", "Speaker", "Event", "EventMentionRef"}
    for x in items:
        assert type(x).FIELDS_ONLY
        assert set(x._to_dict()) == _field_names(type(x)), type(x).__name__
        extra = {**x.to_dict(), "added_by_a_stage": 1}
        assert type(x).from_dict(extra).to_dict() == extra
