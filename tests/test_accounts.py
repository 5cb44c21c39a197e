"""Contradictions on report text: who did it, what caused it, with what weapon and from
where, claims against denials and counts against disputes, across reports; each attached
to its event, one however many wire copies repeat it. Invented reports about the
fictional world of examples/ (Valdoria, Corvenia, Lisk, Tarnov, Velgrad)."""

from __future__ import annotations

import json

import pytest

from parallax.accounts import accounts, clauses, sentences
from parallax.gazetteer import Gazetteer
from parallax.link import Event, Linked
from parallax.models import DocumentRecord, EventMention, Figure, Quote
from parallax.reconcile import reconcile


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    path = tmp_path_factory.mktemp("gaz") / "world.json"
    path.write_text(
        json.dumps(
            {
                "places": [
                    {"canonical": "Valdoria", "kind": "country", "lat": 47.6, "lon": 20.1},
                    {"canonical": "Corvenia", "kind": "country", "lat": 48.6, "lon": 22.4},
                    {"canonical": "Lisk", "kind": "town", "lat": 47.9, "lon": 21.0},
                ],
                "demonyms": {"Valdorian": "Valdoria", "Corvenian": "Corvenia"},
            }
        )
    )
    return Gazetteer((str(path),))


def _doc(name: str, text: str, said: list[tuple[str, str, str]] | None = None) -> DocumentRecord:
    """A report; `said` lists (speaker, cue, quoted text) found in it."""
    quotes = []
    for speaker, cue, quoted in said or []:
        start = text.index(quoted)
        quotes.append(Quote(quoted, start, start + len(quoted), "indirect", speaker, cue=cue))
    return DocumentRecord(name, text, "0" * 64, f"{name}.txt", "text", quotes=quotes)


STRIKE = "a Valdorian air strike hit the market in Lisk on Tuesday"
HERALD = f"The Corvenian health ministry said {STRIKE}. Traders fled the square."
DENIAL = "denied responsibility for the blast at the market"
ROCKET = "the market was hit by a misfired Corvenian rocket"
POST = f"The Valdorian defence ministry {DENIAL}.\n\nIt said {ROCKET}."


def _herald() -> DocumentRecord:
    return _doc("herald", HERALD, [("Corvenian health ministry", "said", STRIKE)])


def _post(name: str = "post") -> DocumentRecord:
    return _doc(
        name,
        POST,
        [
            ("Valdorian defence ministry", "denied", DENIAL),
            ("Valdorian defence ministry", "said", ROCKET),
        ],
    )


def _one_event(docs: list[DocumentRecord]) -> Linked:
    """Every report's first sentence tells the same event, ev1."""
    members = []
    for d in docs:
        end = d.text.index(".") + 1
        m = EventMention("e0", "airstrike", "hit", 0, 3, 0, end)
        d.events = [m]
        members.append((d.name, m))
    event = Event("ev1", "airstrike", "2025-03-04", "Lisk", None, None, members)
    return Linked([], [event], {(d, m.key): "ev1" for d, m in members}, [[d.name for d in docs]])


def test_accounts_read_who_what_cause_and_denial(gaz: Gazetteer) -> None:
    found = {a.text: a for d in (_herald(), _post()) for a in accounts(d, gaz)}
    strike = next(a for t, a in found.items() if STRIKE in t)
    assert (strike.agent, strike.cause, strike.speaker) == (
        "Valdoria",
        "attack",
        "Corvenian health ministry",
    )
    rocket = next(a for t, a in found.items() if ROCKET in t)
    assert (rocket.agent, rocket.cause) == ("Corvenia", "accident")
    denial = next(a for t, a in found.items() if DENIAL in t)
    assert denial.denial and denial.denies_blame and not denial.tells


def test_a_denial_across_reports_is_set_against_the_claim_and_attached_to_its_event(
    gaz: Gazetteer,
) -> None:
    docs = [_herald(), _post()]
    contras = reconcile(docs, _one_event(docs), gaz)["contradictions"]
    (denied,) = [c for c in contras if c.get("what") == "Valdoria responsible: said vs denied"]
    assert denied["kind"] == "allegation_denial" and denied["event"] == "ev1"
    assert (denied["a_claimant"], denied["a_document"]) == ("Corvenian health ministry", "herald")
    assert (denied["b_claimant"], denied["b_document"]) == ("Valdorian defence ministry", "post")
    assert DENIAL in denied["b"] and STRIKE in denied["a"]


def test_incompatible_accounts_of_who_did_it_and_the_cause(gaz: Gazetteer) -> None:
    docs = [_herald(), _post()]
    contras = reconcile(docs, _one_event(docs), gaz)["contradictions"]
    points = {c["what"]: c for c in contras if c["kind"] == "incompatible_accounts"}
    assert set(points) == {"who did it: Corvenia vs Valdoria", "cause: accident vs attack"}
    cause = points["cause: accident vs attack"]
    assert ROCKET in cause["a"] and STRIKE in cause["b"]  # a: the accident, b: the attack
    assert sorted(cause["documents"]) == ["herald", "post"]


def test_syndicated_copies_give_one_contradiction(gaz: Gazetteer) -> None:
    alone = [_herald(), _post()]
    copies = [_herald()] + [_post(f"copy{i}") for i in range(40)]
    one = reconcile(alone, _one_event(alone), gaz)["contradictions"]
    many = reconcile(copies, _one_event(copies), gaz)["contradictions"]
    assert len(many) == len(one) == 3
    denied = next(c for c in many if c["kind"] == "allegation_denial")
    assert len(denied["documents"]) == 41  # every copy listed, the contradiction once


def test_a_denial_without_an_event_of_its_own_takes_the_event_told_before_it(
    gaz: Gazetteer,
) -> None:
    text = "Shells hit the market in Lisk on Tuesday. Valdoria denied attacking the town."
    herald = _herald()
    post = _doc("post", text, [("Valdoria", "denied", "denied attacking the town")])
    linked = _one_event([herald, post])  # ev1: the first sentence of each report
    (c,) = [c for c in reconcile([herald, post], linked, gaz)["contradictions"]]
    assert c["kind"] == "allegation_denial" and c["event"] == "ev1"
    assert c["b"] == "Valdoria denied attacking the town."


def test_a_claim_named_in_its_denial(gaz: Gazetteer) -> None:
    text = (
        "Allegations by the Corvenian side that Valdorian artillery shelled the market are "
        "false and baseless, the ministry said."
    )
    (a,) = accounts(_doc("post", text), gaz)
    assert a.denial and a.claim is not None
    assert text[a.claim[0] : a.claim[1]] == "Valdorian artillery shelled the market"
    assert a.claim_by == "Corvenian" and a.claim_agent == "Valdoria"


def test_weapon_and_launch_site_accounts_disagree(gaz: Gazetteer) -> None:
    a = _doc("a", "Officials said the Grom-2 missile was launched from Tarnov.")
    b = _doc("b", "The ministry said a Sokol missile complex fired from Velgrad hit Lisk.")
    (x,) = accounts(a, gaz)
    (y,) = accounts(b, gaz)
    assert (x.weapon, x.site) == ("Grom-2", "Tarnov")
    assert (y.weapon, y.site) == ("Sokol", "Velgrad")
    contras = reconcile([a, b], Linked([], [], {}, [["a", "b"]]), gaz)["contradictions"]
    assert {c["what"] for c in contras} == {
        "weapon: Grom-2 vs Sokol",
        "launched from: Tarnov vs Velgrad",
    }


def test_a_count_and_its_dispute(gaz: Gazetteer) -> None:
    said = "14 people were killed in the shelling"
    text = f"The health ministry said {said}. Valdoria says the toll is inflated."
    d = _doc("herald", text, [("health ministry", "said", said)])
    start = text.index("14")
    d.figures = [Figure("14 people were killed", start, start + 21, "killed", 14, "exact",
                        claimant="health ministry")]  # fmt: skip
    (c,) = reconcile([d], Linked([], [], {}), gaz)["contradictions"]
    assert c["kind"] == "figure_dispute" and c["what"] == "count disputed: 14"
    assert said in c["a"] and c["b"] == "Valdoria says the toll is inflated."


def test_sentences_and_clauses() -> None:
    text = "Ada said it was a bomb.[3] Ivo blamed a fire, while Jana said it was an attack."
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Ada said it was a bomb.",
        "Ivo blamed a fire, while Jana said it was an attack.",
    ]
    s, e = spans[1]
    assert [text[a:b] for a, b in clauses(text, s, e)] == [
        "Ivo blamed a fire",
        "Jana said it was an attack.",
    ]


def test_no_account_no_contradiction(gaz: Gazetteer) -> None:
    docs = [
        _doc("a", "The market in Lisk reopened on Friday after repairs."),
        _doc("b", "Traders in Lisk said business was slow on Friday."),
    ]
    assert reconcile(docs, Linked([], [], {}, [["a", "b"]]), gaz)["contradictions"] == []
