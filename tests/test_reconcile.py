"""Reconciliation: best value, low / best / high per event and metric, and allegations
set against their denials. Records are built by hand (and once through the pipeline)
from invented reports about the fictional world of examples/."""

from __future__ import annotations

import pytest
from conftest import GAZETTEER

from parallax.gazetteer import get_gazetteer
from parallax.link import Linked, link
from parallax.models import DocumentRecord, Figure, Quote, RawDocument
from parallax.pipeline import record_from_doc
from parallax.reconcile import (
    agreements,
    best_value,
    contradictions,
    discrepancies,
    reconcile,
)

# -- best value ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "best"),
    [
        ([14], 14),
        ([14, 14, 20], 14),  # the mode
        ([12, 20, 20, 17], 20),
        ([12, 20], 12),  # tie of two: the lower middle
        ([20, 12, 17], 17),  # tie of three: the middle
        ([12, 14, 17, 20], 14),  # tie of four: the lower middle
        ([16, 16, 12, 12, 20], 12),
    ],
)
def test_best_value(values: list[int], best: int) -> None:
    assert best_value(values) == best


@pytest.mark.parametrize("values", [[12, 20], [3, 8, 9, 40], [1, 2, 2, 3, 3], [7, 100]])
def test_best_value_is_always_a_claimed_value(values: list[int]) -> None:
    assert best_value(values) in values


# -- discrepancies -------------------------------------------------------------------


def _fig(value: int | None, claimant: str | None, metric: str = "killed", event: str = "e0"):
    return Figure(
        text=f"{value} killed",
        start=0,
        end=10,
        metric=metric,
        value=value,
        qualifier="exact" if value is not None else "unquantified",
        claimant=claimant,
        event=event,
    )


def _doc(name: str, figures: list[Figure], quotes: list[Quote] | None = None, text: str = ""):
    return DocumentRecord(
        name=name,
        text=text or "x" * 200,
        sha256="0" * 64,
        source=f"{name}.txt",
        format="text",
        figures=figures,
        quotes=quotes or [],
    )


@pytest.fixture
def three_reports() -> tuple[list[DocumentRecord], Linked]:
    docs = [
        _doc("harbor", [_fig(14, "Dornik health office"), _fig(31, None, "injured")]),
        _doc("wire", [_fig(12, "Valdorian defence ministry")]),
        _doc("gazette", [_fig(20, None), _fig(1, "Lesnya council", "injured", "e1")]),
    ]
    event_of = {
        ("harbor", "e0"): "ev1",
        ("wire", "e0"): "ev1",
        ("gazette", "e0"): "ev1",
        ("gazette", "e1"): "ev2",
    }
    return docs, Linked([], [], event_of)


def test_low_best_high_over_the_claimed_values(three_reports) -> None:
    docs, linked = three_reports
    table = {(d["event"], d["metric"]): d for d in discrepancies(docs, linked)}
    killed = table[("ev1", "killed")]
    # three undated values, one source each: no value is better sourced, so the lower
    assert (killed["low"], killed["best"], killed["high"]) == (12, 12, 20)
    assert killed["agreed"] is False
    assert killed["sources"] == 3
    assert sorted((v["value"], v["claimant"], v["document"]) for v in killed["values"]) == [
        (12, "Valdorian defence ministry", "wire"),
        (14, "Dornik health office", "harbor"),
        (20, None, "gazette"),
    ]


def test_metrics_and_events_are_kept_apart(three_reports) -> None:
    docs, linked = three_reports
    keys = [(d["event"], d["metric"]) for d in discrepancies(docs, linked)]
    assert keys == [("ev1", "injured"), ("ev1", "killed"), ("ev2", "injured")]
    table = {(d["event"], d["metric"]): d for d in discrepancies(docs, linked)}
    assert table[("ev2", "injured")]["values"][0]["claimant"] == "Lesnya council"
    assert table[("ev1", "injured")]["agreed"] is True


def test_unquantified_values_are_listed_but_not_ranged() -> None:
    docs = [_doc("a", [_fig(None, "Jana Petrova"), _fig(9, "Ivo Brandt")])]
    (row,) = discrepancies(docs, Linked([], [], {("a", "e0"): "ev1"}))
    assert (row["low"], row["best"], row["high"]) == (9, 9, 9)
    assert [v["value"] for v in row["values"]] == [None, 9]


def test_only_unquantified_values() -> None:
    (row,) = discrepancies([_doc("a", [_fig(None, None)])], Linked([], [], {}))
    assert (row["event"], row["low"], row["best"], row["high"]) == (None, None, None, None)


def test_shared_values_are_agreements() -> None:
    docs = [_doc("a", [_fig(14, "Ivo Brandt")]), _doc("b", [_fig(14, "Jana Petrova")])]
    linked = Linked([], [], {("a", "e0"): "ev1", ("b", "e0"): "ev1"})
    found = agreements(linked, discrepancies(docs, linked))
    assert found == [{"event": "ev1", "what": "killed: 14", "documents": ["a", "b"], "sources": 2}]


# -- allegation and denial -------------------------------------------------------------


def _quote(text: str, body: str, speaker: str, cue: str) -> Quote:
    start = body.index(text)
    return Quote(text, start, start + len(text), "indirect", speaker=speaker, cue=cue)


CLAIM = "Valdorian drones had struck a depot near Lisk"
DENIAL = "denied the allegation"


def _allegation_doc(separator: str) -> DocumentRecord:
    body = (
        f"Corvenia's foreign ministry said {CLAIM} on Sunday.{separator}"
        f"The Valdorian defence ministry {DENIAL}."
    )
    quotes = [
        _quote(CLAIM, body, "Corvenia foreign ministry", "said"),
        _quote(DENIAL, body, "Valdorian defence ministry", "denied"),
    ]
    return _doc("gazette", [], quotes, body)


def test_allegation_and_denial() -> None:
    (c,) = contradictions([_allegation_doc(" ")], Linked([], [], {}))
    assert c["kind"] == "allegation_denial"
    assert (c["a"], c["a_claimant"]) == (CLAIM, "Corvenia foreign ministry")
    assert (c["b"], c["b_claimant"]) == (DENIAL, "Valdorian defence ministry")
    assert c["a_document"] == c["b_document"] == "gazette"


def test_denial_answers_the_previous_paragraph() -> None:
    assert len(contradictions([_allegation_doc("\n")], Linked([], [], {}))) == 1


def test_denial_answers_the_previous_blank_line_paragraph() -> None:
    assert len(contradictions([_allegation_doc("\n\n")], Linked([], [], {}))) == 1


def test_denial_does_not_reach_back_two_paragraphs() -> None:
    doc = _allegation_doc("\nThe market in Lisk stayed closed.\n")
    assert contradictions([doc], Linked([], [], {})) == []


def test_a_speaker_does_not_contradict_itself() -> None:
    doc = _allegation_doc(" ")
    doc.quotes[1].speaker = "Corvenia foreign ministry"
    assert contradictions([doc], Linked([], [], {})) == []


def test_allegation_and_denial_through_the_pipeline(nlp) -> None:
    text = (
        "Jana Petrova said Valdorian troops had shelled the hospital in Dornik. "
        "Ivo Brandt denied that his units had fired on the town."
    )
    raw = RawDocument("report", text, "report.txt", "text", published="2025-03-04")
    doc = record_from_doc(raw, nlp(text))
    (c,) = contradictions([doc], link([doc], get_gazetteer((GAZETTEER,))))
    assert (c["a"], c["a_claimant"]) == (
        "Valdorian troops had shelled the hospital in Dornik",
        "Jana Petrova",
    )
    assert (c["b"], c["b_claimant"]) == (
        "denied that his units had fired on the town",
        "Ivo Brandt",
    )
    assert text[c["b_start"] : c["b_end"]] == c["b"]


def test_one_attack_told_as_troops_and_as_drone_strikes(nlp) -> None:
    troops = "Valdoria sent troops into Dornik on Monday, March 3, 2025.\n"
    drones = "A 24-hour series of drone strikes hit Dornik on Monday, March 3, 2025.\n"
    docs = [
        record_from_doc(RawDocument(n, t, n, "text"), nlp(t))
        for n, t in (("troops.txt", troops), ("drones.txt", drones))
    ]
    found = [c for c in reconcile(docs, link(docs, get_gazetteer((GAZETTEER,))))["contradictions"]]
    (c,) = [c for c in found if c["kind"] == "description"]
    assert {c["a_document"], c["b_document"]} == {"troops.txt", "drones.txt"}
    sides = {c["a_document"]: c["a"], c["b_document"]: c["b"]}
    assert "sent troops" in sides["troops.txt"]
    assert "drone strikes" in sides["drones.txt"]


def test_the_same_kind_of_attack_is_no_disagreement(nlp) -> None:
    one = "Drone strikes hit Dornik on Monday, March 3, 2025.\n"
    two = "Valdorian drone strikes pounded Dornik on Monday, March 3, 2025.\n"
    docs = [
        record_from_doc(RawDocument(n, t, n, "text"), nlp(t))
        for n, t in (("one.txt", one), ("two.txt", two))
    ]
    result = reconcile(docs, link(docs, get_gazetteer((GAZETTEER,))))
    assert [c for c in result["contradictions"] if c["kind"] == "description"] == []
