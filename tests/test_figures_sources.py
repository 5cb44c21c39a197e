"""Figures on real reports: counts whose verb comes after words about the people, homes
destroyed, critical cases, tolls that grew from a number, and claimants given by a
dateline's apposition, a clause's 'according to', a headline, brackets or a closing 'he
said'. Invented sentences about fictional places (Dornik, Lisk, Valdoria, Ostravia, ...)."""

from __future__ import annotations

import pytest
from figure_helpers import figures_of, one

from parallax.extract.figures import FigureFinder, assign_claimants
from parallax.models import Figure, Quote

# -- metrics read from the clause --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("Officials said more than 50 people trying to escape by train from a nearby town "
         "were killed in the rocket attack on Dornik.", "killed", 50, "at_least"),
        ("About 300 residents waiting at the Lisk bus station have been wounded.", "injured",
         300, "about"),
        ("Since the floods began, tens of thousands of people seeking shelter from the rain "
         "have fled to schools in Lisk.", "displaced", None, "unquantified"),
        ("One clinic said 80 people had gone there to be treated for injuries after the blast "
         "in Dornik.", "injured", 80, "exact"),
    ],
)  # fmt: skip
def test_the_verb_of_the_counted_people_names_the_metric_past_words_about_them(
    nlp, text: str, metric: str, value: int | None, qualifier: str
) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == (metric, value, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "About 2,000 people trying to reach the border in Lisk could be killed.",
        "Some 200 people waiting for the ferry in Dornik were not hurt.",
        "About 400 people living near the Lisk dam were interviewed.",
    ],
)
def test_a_denied_hypothetical_or_other_verb_gives_no_figure(nlp, text: str) -> None:
    assert figures_of(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("The homes of around 30,000 people were destroyed by the floods in Lisk.", 30000,
         "about"),
        ("The storm destroyed the homes of 4,000 families in Dornik.", 4000, "exact"),
        ("Some 600 people lost their homes in Tarnov.", 600, "about"),
        ("The shelling hit 120 people whose homes were destroyed last year.", 120, "exact"),
    ],
)  # fmt: skip
def test_people_whose_homes_were_destroyed_are_displaced(
    nlp, text: str, value: int, qualifier: str
) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == ("displaced", value, qualifier)


def test_homes_that_were_not_destroyed_give_no_figure(nlp) -> None:
    assert figures_of(nlp, "The homes of 300 families in Lisk were not destroyed.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("At the Lisk clinic, 28 critical cases remain after the blast.", 28),
        ("Five people are in critical condition in Dornik.", 5),
        ("Eleven villagers were in a serious condition on Monday.", 11),
    ],
)
def test_critical_cases_are_injured(nlp, text: str, value: int) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value) == ("injured", value)


def test_a_toll_that_grew_from_a_number_claims_that_number(nlp) -> None:
    f = one(nlp, "The number of dead in the Dornik attack grew from 50 on Friday, officials said.")
    assert (f.metric, f.value, f.qualifier, f.update) == ("killed", 50, "exact", False)
    assert f.claimant == "officials"
    assert figures_of(nlp, "The number of residents in Lisk grew from 500 last year.") == []


def test_killed_or_injured_gives_both_unquantified_counts(nlp) -> None:
    figs = figures_of(nlp, "In Lisk, Valdoria's war has killed or injured thousands.")
    assert sorted((f.metric, f.value, f.qualifier) for f in figs) == [
        ("injured", None, "unquantified"),
        ("killed", None, "unquantified"),
    ]


# -- claimants --------------------------------------------------------------------------


def _claims(nlp, text: str, quotes: list[Quote]) -> list[Figure]:
    doc = nlp(text)
    figures = FigureFinder(doc, 0, quotes, []).find()
    assign_claimants(doc, figures, quotes, 0)
    return figures


def _quote(text: str, content: str, speaker: str, mention: str, kind: str = "indirect") -> Quote:
    start = text.index(content)
    at = text.index(mention, start + len(content)) if mention == "he" else text.index(mention)
    return Quote(
        text=content,
        start=start,
        end=start + len(content),
        kind=kind,
        speaker=speaker,
        speaker_text=mention,
        speaker_start=at,
        speaker_end=at + len(mention),
    )


def test_a_dateline_parsed_as_the_subject_yields_to_the_speaker_in_it(nlp) -> None:
    text = (
        "VELGRAD CITY, Ostravia: The health ministry in Velgrad says at least 70 people have "
        "been killed in the blast."
    )
    q = _quote(text, "at least 70 people have been killed", "Ostravian health ministry",
               "The health ministry in Velgrad")  # fmt: skip
    figs = _claims(nlp, text, [q])
    assert [(f.value, f.claimant) for f in figs] == [(70, "Ostravian health ministry")]


def test_according_to_inside_the_clause_names_the_source_of_the_figure(nlp) -> None:
    f = one(
        nlp,
        "Relief workers in Lisk reported that over 90 villagers were killed according to the "
        "regional health office.",
    )
    assert (f.value, f.claimant) == (90, "regional health office")


def test_according_to_after_a_comma_relays_the_speaker_of_the_sentence(nlp) -> None:
    f = one(
        nlp,
        "One clinic said 80 people had gone there to be treated for injuries, according to the "
        "Lisk Gazette.",
    )
    assert (f.value, f.claimant) == (80, "One clinic")


def test_a_headline_names_its_speaker_before_a_colon(nlp) -> None:
    text = "Valdorian Health Minister: Toll Rises to 80 Killed, 4,000 Injured\n\nThe blast shook Dornik."
    doc = nlp(text)
    figures = FigureFinder(doc, 0, [], []).find()
    assign_claimants(doc, figures, [], 0)
    assert [(f.value, f.claimant) for f in figures] == [
        (80, "Valdorian Health Minister"),
        (4000, "Valdorian Health Minister"),
    ]
    other = "Blast in Dornik: 80 Killed, 4,000 Injured\n\nThe blast shook Dornik."
    doc = nlp(other)
    figures = FigureFinder(doc, 0, [], []).find()
    assign_claimants(doc, figures, [], 0)
    assert [f.claimant for f in figures] == [None, None]


def test_a_source_in_brackets_after_the_figure_claims_it(nlp) -> None:
    f = one(nlp, "Non-fatal injuries | 314 (Valdorian Health Ministry)[5] |")
    assert (f.metric, f.value, f.claimant) == ("injured", 314, "Valdorian Health Ministry")
    doc = nlp("Fatalities: 63 (including 9 children)")
    figures = FigureFinder(doc, 0, [], []).find()
    assign_claimants(doc, figures, [], 0)
    assert [(f.value, f.claimant, f.of_which) for f in figures] == [(63, None, {"children": 9})]


def test_a_closing_he_said_covers_the_sentence_before_it_in_the_paragraph(nlp) -> None:
    text = (
        "So far 98 people have been taken to hospitals in Lisk. Ten of these residents died "
        "in the hospital, he said.\n\nAnother 20 people were hurt in Dornik."
    )
    q = _quote(text, "Ten of these residents died in the hospital", "Ivo Marek", "he")
    figs = _claims(nlp, text, [q])
    assert [(f.value, f.claimant) for f in figs] == [(98, "Ivo Marek"), (10, "Ivo Marek"),
                                                     (20, None)]  # fmt: skip


def test_a_number_a_toll_is_compared_with_is_a_figure_of_that_toll(nlp) -> None:
    f = one(
        nlp,
        "The agency noted that the death toll in Dornik is likely much lower than the 471 "
        "announced by the Valdorian army.",
    )
    assert (f.metric, f.value, f.qualifier) == ("killed", 471, "exact")
    assert figures_of(nlp, "The number of injured in Lisk is higher than 12 percent.") == []


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("The toll in Dornik is likely lower than the 471 announced by the Valdorian army, "
         "analysts said.", "Valdorian army"),
        ("The 300 deaths reported by the Lisk health office were disputed by the governor.",
         "Lisk health office"),
    ],
)  # fmt: skip
def test_a_figure_announced_by_someone_is_theirs(nlp, text: str, claimant: str) -> None:
    f = one(nlp, text)
    assert (f.metric, f.claimant) == ("killed", claimant)


def test_critical_cases_among_the_injured_counted_before_are_a_part_of_them(nlp) -> None:
    figs = figures_of(nlp, "Of the 5,000 injured in Lisk, 120 are in critical condition.")
    assert [(f.metric, f.value, f.part_of) for f in figs] == [
        ("injured", 5000, None),
        ("injured", 120, 0),
    ]


def test_a_closing_he_said_does_not_reach_across_a_paragraph(nlp) -> None:
    text = (
        "The death toll in Lisk rose to at least 135 on Wednesday.\n\n"
        "The city of Lisk was dark at night, he said."
    )
    q = _quote(text, "The city of Lisk was dark at night", "Ivo Marek", "he")
    figs = _claims(nlp, text, [q])
    assert [(f.value, f.claimant) for f in figs] == [(135, None)]


def test_many_people_in_a_serious_condition_is_no_count(nlp) -> None:
    assert figures_of(nlp, "There are many people in a serious condition in Lisk.") == []
