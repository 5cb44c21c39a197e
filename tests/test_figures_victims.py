"""Victim-level figures of local news: one person per clause counts one, an outcome
decides killed or injured, and the same person is not counted twice. Sentences are
invented for the tests (fictional names and places)."""

from __future__ import annotations

import pytest
from test_figures import figures_of


def largest(nlp, text: str) -> dict[str, int]:
    """Largest value of each metric, as the GVDB benchmark reads a report."""
    out: dict[str, int] = {}
    for f in figures_of(nlp, text):
        if f.value is not None:
            out[f.metric] = max(out.get(f.metric, 0), f.value)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A man was shot and killed in Lisk on Tuesday night.", {"killed": 1}),
        ("Police said a woman was fatally shot outside a bar in Dornik.", {"killed": 1}),
        ("The victim died at the hospital, police in Tarnov said.", {"killed": 1}),
        ("A teenager was shot in the leg near the Lisk market.", {"injured": 1}),
        ("A driver was shot and wounded on the Dornik bypass.", {"injured": 1}),
        ("Officers found a man with a gunshot wound in Tarnov.", {"injured": 1}),
        ("The shooting left a man in critical condition in Lisk.", {"injured": 1}),
        ("The body of a man was found behind a store in Lesnya.", {"killed": 1}),
        ("Two people were shot near the Lisk station on Sunday.", {"injured": 2}),
        ("A man and a woman were wounded in the Dornik shooting.", {"injured": 2}),
        ("The gunman later killed himself, police in Lisk said.", {"killed": 1}),
        ("Officers found a 15-year-old with a gunshot wound in Lisk.", {"injured": 1}),
        ("The son of Pavel Dren, who was shot and killed in Lisk, spoke out.", {"killed": 1}),
        (
            "Police say a man from Dornik was suffering from a gunshot wound and died.",
            {"killed": 1},
        ),
    ],
)
def test_one_victim_per_clause(nlp, text: str, expected: dict[str, int]) -> None:
    assert largest(nlp, text) == expected


def test_shot_then_died_is_killed_not_injured(nlp) -> None:
    text = "A man was shot in Dornik on Monday. He died at the hospital later that night."
    assert largest(nlp, text) == {"killed": 1}


def test_shot_with_no_death_is_injured(nlp) -> None:
    text = "A man was shot in Dornik on Monday. He was taken to a hospital."
    assert largest(nlp, text) == {"injured": 1}


def test_one_killed_and_a_second_wounded(nlp) -> None:
    text = "Police say one man died and a second was wounded in the Lisk shooting."
    assert largest(nlp, text) == {"killed": 1, "injured": 1}


def test_headline_style(nlp) -> None:
    text = "Police said: Man shot, killed near the Tarnov station on Sunday."
    assert largest(nlp, text) == {"killed": 1}


@pytest.mark.parametrize(
    "text",
    [
        "No one was injured in the Lisk shooting, police said.",
        "Police arrested the shooting suspect in Dornik on Friday.",
        "He could have been killed, his brother in Lisk said.",
        "A woman who lives nearby called the police in Tarnov.",
        "The scandal in Dornik hurt him badly, his aides said.",
        "The victim was killed at age 15 in a Lisk shooting.",
        "The man suffered one gunshot wound to the arm in Dornik.",
    ],
)
def test_not_a_count_of_people(nlp, text: str) -> None:
    values = {(f.metric, f.value) for f in figures_of(nlp, text)}
    assert not any(v is not None and v != 1 for _, v in values), values
    if any(w in text for w in ("No one", "suspect", "could", "lives", "scandal")):
        assert values == set()


@pytest.mark.parametrize(
    "text",
    [
        "Shots were fired in the 2800 block of Elm Street in Lisk.",
        "Police in Dornik are looking for a 19 year old driver.",
        "Case 1601030008 was filed by Tarnov police on Monday.",
        "Police in Lisk were called at 6 p.m. The injuries were not serious.",
    ],
)
def test_addresses_ages_and_case_numbers_are_not_figures(nlp, text: str) -> None:
    assert figures_of(nlp, text) == []


def test_victim_figure_keeps_provenance(nlp) -> None:
    text = "Police said a woman was fatally shot in Lisk."
    (fig,) = figures_of(nlp, text)
    assert fig.text == "a woman was fatally shot"
    assert (fig.metric, fig.value, fig.qualifier) == ("killed", 1, "exact")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gunman opened fire in Lisk, killing Tomas Varga, 30.", {"killed": 1}),
        ("Ada Brenn turned 21 shortly before she was killed in Dornik.", {"killed": 1}),
        ("He killed himself after taking two hostages in Tarnov.", {"killed": 1, "detained": 2}),
    ],
)
def test_ages_and_other_objects_are_not_the_count(nlp, text: str, expected: dict[str, int]) -> None:
    assert largest(nlp, text) == expected


def test_killing_at_least_a_number_is_still_counted(nlp) -> None:
    assert largest(nlp, "The blast in Lisk went off at noon, killing at least 14.") == {
        "killed": 14
    }


def test_victim_figure_claimant_and_reportedly(nlp) -> None:
    (said,) = figures_of(nlp, "Lisk police said a woman was fatally shot on Elm Street.")
    assert (said.claimant, said.reportedly) == ("Lisk police", False)
    (rep,) = figures_of(nlp, "A man was reportedly shot and killed in Dornik.")
    assert (rep.claimant, rep.reportedly, rep.metric) == (None, True, "killed")
    assert rep.text == "A man was reportedly shot and killed"


def test_the_death_of_a_person_counts_one_and_spans_from_the_noun(nlp) -> None:
    text = "Police in Lisk are investigating the death of a man."
    (fig,) = figures_of(nlp, text)
    assert (fig.metric, fig.value, fig.text) == ("killed", 1, "death of a man")
