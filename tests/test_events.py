"""Event mentions (doc._.events) and the scoping of figures to them. Invented sentences
about the fictional places of examples/."""

from __future__ import annotations

import pytest

from parallax.extract.events import group_of, main_event
from parallax.models import EventMention


def events_of(nlp, text: str) -> list[EventMention]:
    events = nlp(text)._.events
    assert events is not None
    for e in events:
        assert text[e.start : e.end] == e.trigger
        assert e.sentence_start <= e.start < e.end <= e.sentence_end
    return events


@pytest.mark.parametrize(
    ("text", "etype", "trigger"),
    [
        (
            "Valdorian guns kept up the shelling of Dornik through the night.",
            "shelling",
            "shelling",
        ),
        ("Drone strikes hit two depots near Lisk.", "airstrike", "Drone strikes"),
        ("Valdoria sent troops into the Ostravia region.", "ground_offensive", "sent troops"),
        ("The two sides agreed to a ceasefire in Lisk.", "ceasefire", "ceasefire"),
        (
            "Corvenia said Valdoria had violated the ceasefire near Tarnov.",
            "ceasefire_violation",
            "violated the ceasefire",
        ),
        ("The blockade of Dornik entered its third month.", "blockade", "blockade"),
        ("The people of Dornik have been starved for months.", "blockade", "starved"),
        ("A mine blast near Tarnov damaged the road.", "explosion", "mine blast"),
        ("Gunmen attacked a checkpoint outside Lisk.", "attack", "attacked"),
    ],
)
def test_trigger_types(nlp, text: str, etype: str, trigger: str) -> None:
    events = events_of(nlp, text)
    assert [(e.type, e.trigger) for e in events] == [(etype, trigger)]
    assert events[0].key == "e0"


def test_keys_are_numbered_in_order(nlp) -> None:
    text = "Drone strikes hit Lisk. A mine blast shook Tarnov. The blockade of Dornik held."
    assert [(e.key, e.type) for e in events_of(nlp, text)] == [
        ("e0", "airstrike"),
        ("e1", "explosion"),
        ("e2", "blockade"),
    ]


def test_sentence_date_goes_to_the_nearest_trigger(nlp) -> None:
    text = "Corvenia and Valdoria agreed to a ceasefire on Tuesday that ended a week of shelling."
    events = {e.type: e for e in events_of(nlp, text)}
    assert events["ceasefire"].date_text == "Tuesday"
    assert events["ceasefire"].time_index == 0
    assert events["shelling"].date_text is None


def test_absolute_sentence_date_is_the_event_date(nlp) -> None:
    (e,) = events_of(nlp, "A Valdorian drone strike hit a depot near Lisk on March 3, 2025.")
    assert (e.type, e.date, e.date_text) == ("airstrike", "2025-03-03", "March 3, 2025")


def test_since_date_goes_to_a_blockade(nlp) -> None:
    (e,) = events_of(nlp, "The blockade of Dornik has continued since December 2022.")
    assert (e.type, e.date, e.date_text) == ("blockade", "2022-12", "since December 2022")


def test_figure_belongs_to_the_event_of_its_sentence(nlp) -> None:
    doc = nlp("A mine blast near Tarnov killed two border guards.")
    (fig,) = doc._.figures
    (ev,) = doc._.events
    assert fig.value == 2
    assert fig.event == ev.key


def test_blast_figure_and_attack_figure_get_different_events(nlp) -> None:
    doc = nlp(
        "A mine blast near Tarnov killed three people. "
        "Valdorian artillery shelled Dornik on Monday, killing 9 people."
    )
    by_type = {e.key: e.type for e in doc._.events}
    figs = {f.value: f.event for f in doc._.figures}
    assert set(figs) == {3, 9}
    assert by_type[figs[3]] == "explosion"
    assert by_type[figs[9]] == "shelling"
    assert figs[3] != figs[9]


def test_figure_in_a_following_sentence_takes_the_paragraph_event(nlp) -> None:
    doc = nlp("Shelling resumed in Dornik on Sunday. Officials said 8 people were killed.")
    (ev,) = doc._.events
    (fig,) = doc._.figures
    assert ev.type == "shelling"
    assert fig.event == ev.key


def test_dated_statement_is_an_event(nlp) -> None:
    (e,) = events_of(nlp, "Corvenia said on Tuesday that it was ready to host talks in Lisk.")
    assert e.type == "statement"
    assert e.trigger == "Corvenia"  # the speaker mention
    assert e.date_text == "Tuesday"
    assert e.actor == "Corvenia"


def test_undated_statement_is_not_an_event(nlp) -> None:
    assert events_of(nlp, "Corvenia said that it was ready to host talks in Lisk.") == []


def test_actor_heads_the_subject(nlp) -> None:
    (e,) = events_of(nlp, "France sent troops into the Ostravia region.")
    assert (e.type, e.actor) == ("ground_offensive", "France")


def test_actor_from_an_extra_gazetteer_country(nlp) -> None:
    (e,) = events_of(nlp, "Valdoria sent troops into the Ostravia region.")
    assert e.actor == "Valdoria"


def test_group_of() -> None:
    assert {group_of(t) for t in ("attack", "airstrike", "shelling", "ground_offensive")} == {
        "military"
    }
    assert group_of("explosion") == "explosion"
    assert group_of("ceasefire") == "ceasefire"


def test_main_event_is_the_most_mentioned_dated_attack(nlp) -> None:
    doc = nlp(
        "The two sides agreed to a ceasefire in Lisk. "
        "Drone strikes hit Dornik on Monday. "
        "The drone strikes on Monday destroyed the depot."
    )
    main = main_event(doc._.events)
    assert main is not None
    assert main.type == "airstrike"
    assert main.date_text == "Monday"


def test_a_date_inside_what_was_said_does_not_date_the_statement(nlp) -> None:
    text = (
        "A convoy of trucks was expected to cross from Corvenia on Thursday, Orlov said.\n\n"
        "Corvenia said on Tuesday it was ready to host talks.\n"
    )
    doc = nlp(text)
    statements = [e for e in doc._.events if e.type == "statement"]
    assert [e.date_text for e in statements] == ["Tuesday"]


def test_an_offensive_remark_is_no_offensive(nlp) -> None:
    doc = nlp("The mayor of Dornik apologised for offensive remarks about the council.\n")
    assert [e.type for e in doc._.events] == []


def test_a_figure_of_a_paragraph_without_an_event_takes_the_main_blast(nlp) -> None:
    """A blast is the report's main incident as much as an attack is: a toll told in a
    paragraph of its own (or a headline) is the blast's."""
    doc = nlp(
        "A huge explosion tore through the port of Velgrad on Tuesday.\n\n"
        "Officials said 41 people were still missing.\n"
    )
    (ev,) = doc._.events
    (fig,) = doc._.figures
    assert ev.type == "explosion"
    assert fig.value == 41
    assert fig.event == ev.key


def test_the_day_a_claim_was_described_does_not_date_the_strike(nlp) -> None:
    """'X on Wednesday described as lies the claim that it carried out the strike':
    Wednesday is when it was told, not when the strike hit."""
    doc = nlp(
        "The Dornik militia on Wednesday described as lies the claim that it was "
        "behind a strike on a clinic in Velgrad."
    )
    (ev,) = [e for e in doc._.events if e.type != "statement"]
    assert ev.trigger == "strike"
    assert ev.date_text is None


def test_a_report_dated_sunday_does_not_date_the_blast(nlp) -> None:
    doc = nlp(
        "The toll from the blast in Dornik has risen to 40, the government said in a "
        "report dated Sunday."
    )
    (ev,) = [e for e in doc._.events if e.type == "explosion"]
    assert ev.date_text is None


def test_the_dead_are_not_counted_by_a_flight(nlp) -> None:
    """People gathered to flee are killed by the missile, not by fleeing: with no attack
    trigger in the sentence the dead go to the report's attack, not to the flight."""
    doc = nlp(
        "A missile hit a station in Velgrad where hundreds had gathered to flee, "
        "killing 12 people.\n\n"
        "The attack on the station was condemned by Ostravia.\n"
    )
    by_key = {e.key: e.type for e in doc._.events}
    (fig,) = [f for f in doc._.figures if f.value == 12]
    assert "displacement" in by_key.values()
    assert fig.event is not None and by_key[fig.event] == "attack"
