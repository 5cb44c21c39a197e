"""Cross-checks between reports: a claim against its negation by another speaker,
incompatible accounts of who drafted an agreement, independent sources (wire copies and
credits), and corroboration counted by independent source. Invented reports about the
fictional world of examples/ (Valdoria, Corvenia, Dornik, Lisk)."""

from __future__ import annotations

import json

import pytest

from parallax.gazetteer import Gazetteer
from parallax.link import Event, Linked
from parallax.models import DocumentRecord, EventMention, Figure, Quote, TimeExpr
from parallax.reconcile import (
    agreements,
    discrepancies,
    durations,
    force_claims,
    incompatible_accounts,
    independent_sources,
    near_duplicates,
    negations,
    wire_credit,
)


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("gaz") / "world.json"
    path.write_text(
        json.dumps(
            {
                "places": [
                    {"canonical": "Valdoria", "kind": "country", "lat": 47.6, "lon": 20.1},
                    {"canonical": "Corvenia", "kind": "country", "lat": 48.6, "lon": 22.4},
                    {"canonical": "Ostravia", "kind": "region", "lat": 47.1, "lon": 21.3},
                ],
                "demonyms": {"Valdorian": "Valdoria", "Corvenian": "Corvenia"},
            }
        )
    )
    return Gazetteer((str(path),))


def _doc(name: str, text: str, quotes: list[Quote] | None = None) -> DocumentRecord:
    return DocumentRecord(name, text, "0" * 64, f"{name}.txt", "text", quotes=quotes or [])


def _said(body: str, text: str, speaker: str, kind: str = "indirect") -> Quote:
    start = body.index(text)
    return Quote(text, start, start + len(text), kind, speaker=speaker, cue="said")


# -- claim against negation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the withdrawal of the armed forces of Corvenia from Ostravia", [("Corvenia", False)]),
        ("there are no Corvenian troops in Ostravia", [("Corvenia", True)]),
        ("Corvenian soldiers have not been in Ostravia since 2020", [("Corvenia", True)]),
        ("Corvenia does not have an army in Ostravia", [("Corvenia", True)]),
        ("the market reopened on Monday", []),
    ],
)
def test_force_claims(gaz: Gazetteer, text: str, expected: list[tuple[str, bool]]) -> None:
    assert force_claims(text, gaz) == expected


AFFIRM = "the truce requires the withdrawal of the armed forces of Corvenia from Ostravia"
NEGATE = "there have been no Corvenian troops in Ostravia for two years"


def test_claim_and_negation_across_speakers_and_reports(gaz: Gazetteer) -> None:
    a_text = f"The Ostravia council said {AFFIRM}.\n"
    b_text = f"The Corvenian president, Ada Quill, said {NEGATE}.\n"
    docs = [
        _doc("a", a_text, [_said(a_text, AFFIRM, "Ostravia council")]),
        _doc("b", b_text, [_said(b_text, NEGATE, "Ada Quill")]),
    ]
    (c,) = negations(docs, Linked([], [], {}), gaz)
    assert c["kind"] == "claim_negation"
    assert c["what"] == "forces of Corvenia: there (or to leave) vs none"
    assert (c["a"], c["a_claimant"], c["a_document"]) == (AFFIRM, "Ostravia council", "a")
    assert (c["b"], c["b_claimant"], c["b_document"]) == (NEGATE, "Ada Quill", "b")
    assert b_text[c["b_start"] : c["b_end"]] == NEGATE


def test_same_speaker_or_no_negation_is_no_contradiction(gaz: Gazetteer) -> None:
    text = f"Ada Quill said {AFFIRM}. Ada Quill said {NEGATE}.\n"
    same = _doc("a", text, [_said(text, AFFIRM, "Ada Quill"), _said(text, NEGATE, "Ada Quill")])
    assert negations([same], Linked([], [], {}), gaz) == []
    other = "Corvenian troops remain in Ostravia"
    text2 = f"Ada Quill said {AFFIRM}. Ivo Brandt said {other}.\n"
    agree = _doc("b", text2, [_said(text2, AFFIRM, "Ada Quill"), _said(text2, other, "Ivo Brandt")])
    assert negations([agree], Linked([], [], {}), gaz) == []


# -- incompatible accounts ----------------------------------------------------------------


def _ceasefire_event(docs: list[DocumentRecord]) -> Linked:
    members = []
    for d in docs:
        start = d.text.index("ceasefire")
        m = EventMention("e0", "ceasefire", "ceasefire", start, start + 9, 0, len(d.text))
        members.append((d.name, m))
    event = Event("ev1", "ceasefire", "2025-03-04", None, None, None, members)
    return Linked([], [event], {(d, m.key): "ev1" for d, m in members})


def test_different_authors_of_one_agreement_are_incompatible(gaz: Gazetteer) -> None:
    docs = [
        _doc("a", "The fighters accepted a Valdorian proposal for a ceasefire on Tuesday."),
        _doc("b", "A ceasefire, drafted by Corvenia and Valdoria, was agreed on Tuesday."),
    ]
    (c,) = incompatible_accounts(docs, _ceasefire_event(docs), gaz)
    assert c["kind"] == "incompatible_accounts" and c["event"] == "ev1"
    assert "Valdorian proposal" in c["a"] and "drafted by Corvenia and Valdoria" in c["b"]
    assert (c["a_document"], c["b_document"]) == ("a", "b")
    assert c["what"] == "authors: Valdoria vs Corvenia, Valdoria"


def test_same_authors_are_no_contradiction(gaz: Gazetteer) -> None:
    docs = [
        _doc("a", "The fighters accepted a Valdorian proposal for a ceasefire on Tuesday."),
        _doc("b", "A ceasefire, proposed by Valdoria, was agreed on Tuesday."),
    ]
    assert incompatible_accounts(docs, _ceasefire_event(docs), gaz) == []


# -- independent sources -------------------------------------------------------------------

WIRE_STORY = (
    "Valdorian artillery shelled the market in Dornik on Monday, killing 14 people, the town "
    "council said. Rescue workers searched the rubble through the night, and the clinic asked "
    "for blood donors as the wounded arrived in buses from the market square.\n"
)


def test_reposted_wire_copies_are_one_source() -> None:
    docs = [
        _doc("site1", "Shelling in Dornik\n\n" + WIRE_STORY),
        _doc("site2", "Dornik market hit\n\n" + WIRE_STORY + "Read more on our site.\n"),
        _doc("own", "Our reporter in Lisk saw convoys of refugees heading north on Monday.\n"),
    ]
    sources = independent_sources(docs)
    assert sorted(sorted(s["documents"]) for s in sources) == [["own"], ["site1", "site2"]]
    dup = next(s for s in sources if len(s["documents"]) == 2)
    assert dup["basis"] == "near_duplicate"
    assert near_duplicates(docs[0].text, docs[1].text)
    assert not near_duplicates(docs[0].text, docs[2].text)


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("DORNIK (Reuters) - Guns fell silent on Monday.", "Reuters"),
        ("Guns fell silent on Monday, the agency said.\n\nAFP\n", "AFP"),
        (
            "Guns fell silent, according to a report carried via the Associated Press.",
            "Associated Press",
        ),
        ("A Reuters reporter was also at the scene of the shelling.", None),
        ("Guns fell silent on Monday (AP) as talks began.", "Associated Press"),
        ("The happy map of the region.", None),
    ],
)
def test_wire_credit(text: str, wire: str | None) -> None:
    assert wire_credit(_doc("x", text)) == wire


def test_reports_crediting_one_wire_are_one_source() -> None:
    docs = [
        _doc("a", "DORNIK (Reuters) - Guns shelled the market on Monday, officials said."),
        _doc("b", "LISK (Reuters) - Aid trucks waited at the border on Tuesday."),
        _doc("c", "Our own reporter saw the trucks wait at the border."),
    ]
    sources = independent_sources(docs)
    wire = next(s for s in sources if s["source"] == "Reuters")
    assert wire["documents"] == ["a", "b"] and wire["basis"] == "wire_credit"
    assert len(sources) == 2


def test_corroboration_counts_independent_sources_only() -> None:
    m = EventMention("e0", "shelling", "shelled", 0, 7, 0, 10)
    event = Event("ev1", "shelling", "2025-03-03", "Dornik", None, None, [("a", m), ("b", m)])
    linked = Linked([], [event], {})
    assert agreements(linked, [], {"a": "Reuters", "b": "Reuters"}) == []
    (found,) = agreements(linked, [], {"a": "Reuters", "b": "Gazette"})
    assert found["sources"] == 2


# -- how long an ongoing state has lasted ---------------------------------------------------


def _blockade_doc(name: str, text: str, phrase: str, kind: str, value: str) -> DocumentRecord:
    d = _doc(name, text)
    d.published = "2025-09-20"
    start = text.index(phrase)
    d.times = [TimeExpr(phrase, start, start + len(phrase), kind, value)]
    trigger = text.index("blockade") if "blockade" in text else text.index("starv")
    d.events = [EventMention("e0", "blockade", "blockade", trigger, trigger + 8, 0, len(text))]
    return d


def test_blockade_lengths_that_disagree_are_set_side_by_side() -> None:
    docs = [
        _blockade_doc("a", "Dornik has been under a blockade for about eight months.",
                      "about eight months", "duration", "P8M"),
        _blockade_doc("b", "The blockade of Dornik, in place since January 2025, goes on.",
                      "since January 2025", "since", "2025-01"),
        _blockade_doc("c", "Dornik has been starved for a year now.", "a year", "duration", "P1Y"),
    ]  # fmt: skip
    (c,) = durations(docs, Linked([], [], {}, [["a", "b", "c"]]))
    assert c["kind"] == "duration"
    assert (c["a_document"], c["b_document"]) == ("a", "c")
    assert c["what"] == "blockade length: about eight months (8 months) vs a year (12 months)"


def test_agreeing_lengths_and_other_stories_are_no_contradiction() -> None:
    docs = [
        _blockade_doc("a", "Dornik has been under a blockade for about eight months.",
                      "about eight months", "duration", "P8M"),
        _blockade_doc("b", "The blockade of Dornik, in place since January 2025, goes on.",
                      "since January 2025", "since", "2025-01"),
        _blockade_doc("c", "Lisk has been under a blockade for a year now.",
                      "a year", "duration", "P1Y"),
    ]  # fmt: skip
    assert durations(docs, Linked([], [], {}, [["a", "b"], ["c"]])) == []


def test_figures_from_wire_copies_count_as_one_independent_source() -> None:
    def doc(name: str) -> DocumentRecord:
        d = _doc(name, "Fourteen people were killed in Dornik.")
        d.figures = [Figure("14 killed", 0, 8, "killed", 14, "exact", event="e0")]
        return d

    docs = [doc("a"), doc("b"), doc("c")]
    linked = Linked([], [], {(n, "e0"): "ev1" for n in "abc"})
    (row,) = discrepancies(docs, linked, {"a": "Reuters", "b": "Reuters", "c": "Gazette"})
    assert row["sources"] == 3 and row["independent_sources"] == 2
