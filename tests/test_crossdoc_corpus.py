"""The record a small invented crisis gives through the whole cross-document stage
(`cross_check` over reports analysed by the pipeline): one side's losses kept apart from
the toll, a share that sets no bound, a claimant's earlier toll superseded and kept as
history, a wire copy counted once, a denial attached to the strike it denies, a date left
unknown rather than borrowed from a merely similar report, ids that survive an added
report. Dornik, Valdoria, Ostravia, Orla Fenn and their hospital do not exist."""

from __future__ import annotations

import pytest
from conftest import GAZETTEER

from parallax.crossdoc import Record, cross_check
from parallax.crossdoc.record import Range
from parallax.gazetteer import get_gazetteer
from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import record_from_doc

STRIKE = (
    "Jets strike Dornik hospital\n\n"
    "Valdorian jets struck the main hospital in Dornik on Monday, killing 40 people, including "
    "6 children, the Dornik health office said.\n\n"
    "Rescue teams searched the rubble through the night, and the health office warned that the "
    "toll could rise as more bodies were found under the collapsed wards of the hospital "
    "building.\n"
)
# the same wire story on another site, with its own headline and no date
COPY = STRIKE.replace("Jets strike Dornik hospital", "Hospital hit in Dornik")
LATER = (
    "Dornik toll climbs\n\n"
    "The death toll from Monday's air strike on the hospital in Dornik rose to 52 on "
    "Wednesday, the Dornik health office said.\n"
)
DENIAL = (
    "Valdoria denies hospital strike\n\n"
    "Mayor Orla Fenn said Valdorian jets had bombed the hospital in Dornik on Monday.\n\n"
    "Valdoria's defence ministry denied that its jets had struck the hospital in Dornik.\n"
)
SIDES = (
    "Fighting near Dornik\n\n"
    "Valdorian jets struck the main hospital in Dornik on Monday, killing 38 people, the "
    "Dornik council said.\n\n"
    "The Ostravian army said 150 Valdorian soldiers had been killed in the fighting around "
    "Dornik on Monday.\n"
)
# close to the others (names, places, the strike) but no copy of any: no date to borrow
UNDATED = (
    "Funerals in Dornik\n\n"
    "Families in Dornik buried the victims of the air strike on the hospital on Tuesday, "
    "the Dornik council said.\n"
)
REPORTS = [
    RawDocument("strike", STRIKE, "strike.json", "jsonl", published="2031-03-03"),
    RawDocument("copy", COPY, "copy.txt", "text"),
    RawDocument("denial", DENIAL, "denial.json", "jsonl", published="2031-03-04"),
    RawDocument("sides", SIDES, "sides.json", "jsonl", published="2031-03-03"),
    RawDocument("undated", UNDATED, "undated.txt", "text"),
    RawDocument("later", LATER, "later.json", "jsonl", published="2031-03-05"),
]


@pytest.fixture(scope="module")
def docs(nlp) -> list[DocumentRecord]:
    return [record_from_doc(raw, nlp(raw.text)) for raw in REPORTS]


@pytest.fixture(scope="module")
def record(docs: list[DocumentRecord]) -> Record:
    return cross_check(docs, get_gazetteer((GAZETTEER,)))


def _strike(record: Record) -> str:
    (ev,) = [e for e in record.events if e.type == "airstrike"]
    return ev.id


def _range(record: Record, side: str | None = None, group: str | None = None) -> Range:
    (rng,) = [
        r
        for r in record.ranges
        if r.event == _strike(record)
        and r.metric == "killed"
        and (r.side, r.group) == (side, group)
    ]
    return rng


def test_one_sides_losses_stay_out_of_the_toll(record: Record) -> None:
    toll = _range(record)
    soldiers = _range(record, "Valdoria", "soldiers")
    assert 150 not in [c.value for c in toll.values] and toll.high == 52
    assert [c.value for c in soldiers.values] == [150]


def test_a_share_sets_no_bound_of_the_toll(record: Record) -> None:
    toll, children = _range(record), _range(record, group="children")
    assert toll.low == 38  # not the 6 children among the 40
    assert {c.role for c in children.values} == {"share"} and children.low == 6


def test_a_later_toll_supersedes_the_claimants_earlier_one(record: Record) -> None:
    toll = _range(record)
    (old,) = [c for c in toll.values if c.value == 40 and not c.copy]
    assert old.superseded_by and old.superseded_by["value"] == 52 and not old.counted
    assert [c.value for c in toll.superseded] == [40]  # history, still listed
    assert toll.best == 52


def test_a_wire_copy_counts_once(record: Record) -> None:
    toll = _range(record)
    (copied,) = [c for c in toll.values if c.document == "copy"]
    assert copied.copy and not copied.counted
    assert toll.independent_sources == toll.sources - 1
    (wire,) = [s for s in record.sources if "copy" in s.documents]
    assert sorted(wire.documents) == ["copy", "strike"]


def test_a_denial_is_attached_to_the_strike_it_denies(record: Record) -> None:
    denials = [c for c in record.contradictions if c.kind == "allegation_denial"]
    assert denials and all(c.event == _strike(record) for c in denials)
    assert any("denied" in c.b.text and c.b.document == "denial" for c in denials)


def test_a_date_is_left_unknown_rather_than_borrowed(record: Record) -> None:
    assert record.facts["undated"].published is None
    assert record.facts["copy"].linked_date  # a word-for-word copy: strong evidence
    assert record.facts["copy"].published_from == "strike"


def test_ids_survive_an_added_report(docs: list[DocumentRecord], record: Record) -> None:
    fewer = cross_check([d for d in docs if d.name != "later"], get_gazetteer((GAZETTEER,)))
    assert _strike(fewer) == _strike(record)
    ents = {(e.kind, e.canonical): e.id for e in record.entities}
    assert all(ents[(e.kind, e.canonical)] == e.id for e in fewer.entities)
    spks = {(s.kind, s.name): s.id for s in record.speakers}
    assert fewer.speakers and all(spks[(s.kind, s.name)] == s.id for s in fewer.speakers)
