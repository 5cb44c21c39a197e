"""Casualty figures (doc._.figures of the full pipeline): value, qualifier, subsets,
claimant. Invented sentences about the fictional places of examples/."""

from __future__ import annotations

import pytest
from figure_helpers import figures_of, one


def test_including_subset_is_not_a_figure_of_its_own(nlp) -> None:
    f = one(nlp, "In Dornik, 27 people have been killed, including two civilians, the office said.")
    assert (f.metric, f.value, f.qualifier) == ("killed", 27, "exact")
    assert f.of_which == {"civilians": 2}
    assert f.text == "27 people have been killed, including two civilians"


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("At least 138 people were injured in Lisk.", "injured", 138, "at_least"),
        ("More than 20 people were killed in Tarnov.", "killed", 20, "at_least"),
        (
            "About 60 people were injured when the bridge in Lesnya collapsed.",
            "injured",
            60,
            "about",
        ),
        ("Nearly 30 people were wounded in Dornik.", "injured", 30, "about"),
        ("Up to 12 people are missing in Lisk.", "missing", 12, "at_most"),
        ("Police in Lisk said 15 people were arrested.", "detained", 15, "exact"),
    ],
)
def test_qualifiers(nlp, text: str, metric: str, value: int, qualifier: str) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == (metric, value, qualifier)


def test_qualifier_is_inside_the_span(nlp) -> None:
    f = one(nlp, "In Lisk, at least 138 people were injured.")
    assert f.text == "at least 138 people were injured"


def test_coordinated_counts_share_the_metric(nlp) -> None:
    f = one(nlp, "Four soldiers and two civilians died in the attack on Lesnya.")
    assert (f.metric, f.value, f.qualifier) == ("killed", 6, "exact")
    assert f.of_which == {"soldiers": 4, "civilians": 2}


def test_subset_sentence_attaches_to_previous_injured_figure(nlp) -> None:
    f = one(
        nlp,
        "At least 40 people were wounded in Dornik on Sunday. Eight of the wounded were children.",
    )
    assert (f.metric, f.value, f.qualifier) == ("injured", 40, "at_least")
    assert f.of_which == {"children": 8}


def test_unquantified_figure(nlp) -> None:
    figures = figures_of(nlp, "Three people were killed in Lisk, and many more have been wounded.")
    assert [(f.metric, f.value, f.qualifier) for f in figures] == [
        ("killed", 3, "exact"),
        ("injured", None, "unquantified"),
    ]


def test_a_woman_counts_one(nlp) -> None:
    f = one(nlp, "Police in Tarnov said a woman had been wounded by the blast.")
    assert (f.metric, f.value) == ("injured", 1)
    assert f.population == "women"


def test_metric_before_the_number(nlp) -> None:
    f = one(nlp, "Artillery hit the market in Dornik, killing 14 people.")
    assert (f.metric, f.value, f.qualifier) == ("killed", 14, "exact")


def test_metric_before_a_qualified_number(nlp) -> None:
    f = one(nlp, "Artillery hit the market in Dornik, killing at least 12 people.")
    assert (f.metric, f.value, f.qualifier) == ("killed", 12, "at_least")


def test_death_toll_rose_to(nlp) -> None:
    f = one(nlp, "Rescuers searched the rubble in Lisk. The death toll rose to 17 on Thursday.")
    assert (f.metric, f.value) == ("killed", 17)


@pytest.mark.parametrize(
    "text",
    [
        "Over 120,000 residents live in Dornik.",
        "The army began a 24-hour series of exercises near Lisk.",
        "The bridge at Lesnya was built in 1988.",
        "Two vehicles were destroyed near Tarnov.",
        "Corvenia pledged $5 million to rebuild the hospital in Dornik.",
        "A 24-year-old man from Lisk was questioned by police.",
        "Prices in Dornik rose 40 percent since the blockade began.",
    ],
)
def test_not_figures(nlp, text: str) -> None:
    assert figures_of(nlp, text) == []


def test_claimant_is_the_speaker_of_the_statement(nlp) -> None:
    f = one(nlp, "Jana Petrova said 12 people were killed in Dornik.")
    assert f.claimant == "Jana Petrova"
    assert f.reportedly is False


def test_claimant_of_a_figure_in_a_direct_quote(nlp) -> None:
    f = one(nlp, '"Eleven people were killed when the shells hit the square," Jana Petrova said.')
    assert (f.value, f.claimant) == (11, "Jana Petrova")


def test_claimant_of_an_according_to_figure(nlp) -> None:
    f = one(
        nlp,
        "At least 9 people were killed, according to figures compiled by the Dornik health office.",
    )
    assert f.claimant == "Dornik health office"


def test_reportedly_has_no_claimant(nlp) -> None:
    f = one(nlp, "Six people were reportedly killed in Lesnya.")
    assert (f.value, f.metric) == (6, "killed")
    assert f.claimant is None
    assert f.reportedly is True


def test_unattributed_figure_has_no_claimant(nlp) -> None:
    f = one(nlp, "Six people were killed in Lesnya.")
    assert f.claimant is None
    assert f.reportedly is False


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("The shelling killed at least 14 people in Dornik.", "killed at least 14"),
        ("By Friday the death toll had risen to 17.", "death toll had risen to 17"),
    ],
)
def test_a_figure_whose_metric_comes_first_spans_from_the_metric(nlp, text: str, span: str) -> None:
    assert one(nlp, text).text == span


def test_a_vague_subset_after_a_figure_is_not_a_figure(nlp) -> None:
    f = one(nlp, "In Dornik 31 people were injured, several of them critically.")
    assert (f.metric, f.value) == ("injured", 31)


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Dozens of people were injured in Lisk.", "injured"),
        ("Tens of people were killed in Dornik.", "killed"),
        ("Hundreds of people were displaced in Tarnov.", "displaced"),
        ("Tens of thousands of people have fled Tarnov.", "displaced"),
        ("The shelling left hundreds dead in Lisk.", "killed"),
        ("Many dozens more were wounded in Dornik.", "injured"),
    ],
)
def test_vague_counts_have_no_value(nlp, text: str, metric: str) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == (metric, None, "unquantified")


def test_a_range_is_its_low_end_at_least_and_its_high_end_at_most(nlp) -> None:
    lo, hi = figures_of(nlp, "Between 20 and 30 people were killed in Lisk.")
    assert (lo.metric, lo.value, lo.qualifier) == ("killed", 20, "at_least")
    assert (hi.metric, hi.value, hi.qualifier) == ("killed", 30, "at_most")
    assert (lo.low, lo.high) == (hi.low, hi.high) == (20, 30)
    assert lo.text == hi.text == "Between 20 and 30 people were killed"


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("Twenty-five people were killed in Tarnov.", "killed", 25, "exact"),
        ("Thirty-two were wounded in Lisk.", "injured", 32, "exact"),
        ("About 3,000 people were displaced by the fighting in Lisk.", "displaced", 3000, "about"),
        ("Some 400 residents were evacuated from Dornik.", "displaced", 400, "about"),
        ("Seven people went missing in Dornik.", "missing", 7, "exact"),
    ],
)
def test_numbers_in_words_and_other_metrics(
    nlp, text: str, metric: str, value: int, qualifier: str
) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == (metric, value, qualifier)


def test_figure_of_an_incident_cited_as_cause_is_not_the_events(nlp) -> None:
    doc = nlp(
        "Rebels shelled Lisk on Tuesday, killing 9 people. "
        "The shelling followed an ambush near Tarnov in which 3 soldiers died."
    )
    scope = {f.value: f.event for f in doc._.figures}
    assert set(scope) == {9, 3}
    assert scope[9] is not None
    assert scope[3] is None


def test_a_time_after_the_trigger_is_not_a_cited_cause(nlp) -> None:
    doc = nlp("Rebels shelled Lisk on Tuesday after midnight, killing 9 people.")
    (fig,) = doc._.figures
    (ev,) = doc._.events
    assert fig.event == ev.key
