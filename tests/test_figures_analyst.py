"""Figures as analysts count them: metrics beyond killed and injured, vague counts with no
value, ranges, shares and breakdowns, denied counts, claimants, and the lexicon as data.
Invented sentences about fictional places (Dornik, Lisk, Valdoria, Ostravia, ...)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from figure_helpers import figures_of, one

from parallax.extract.figures import DEFAULT_LEXICON, LEXICONS, FigureFinder, load_lexicon

# -- metrics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("The floods in Lisk displaced 3,000 people, officials said.", "displaced", 3000, "exact"),
        ("Police in Dornik detained 14 people on Monday.", "detained", 14, "exact"),
        ("The storm over Tarnov left 14 missing.", "missing", 14, "exact"),
        ("About 30,000 people were made homeless in Lesnya.", "displaced", 30000, "about"),
        ("Some 30 others are still missing in Lisk.", "missing", 30, "about"),
        ("The raid on Dornik led to 21 arrests.", "detained", 21, "exact"),
        ("Gunmen abducted 12 villagers near Lisk.", "detained", 12, "exact"),
        ("Six aid workers were taken hostage in Tarnov.", "detained", 6, "exact"),
        ("More than 2,000 residents fled Lesnya overnight.", "displaced", 2000, "at_least"),
        ("Rescuers evacuated 400 people from Dornik.", "displaced", 400, "exact"),
        ("Another 55 were taken to hospital in Lisk.", "injured", 55, "exact"),
        ("The war forced more than two million people to flee.", "displaced", 2_000_000, "at_least"),
        ("Medics treated 117 people for injuries in Tarnov.", "injured", 117, "exact"),
        ("The shelling of Lisk ended in the massacre of more than 80 villagers.", "killed", 80,
         "at_least"),
    ],
)  # fmt: skip
def test_metrics_from_nouns_adjectives_and_verbs(
    nlp, text: str, metric: str, value: int, qualifier: str
) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.qualifier) == (metric, value, qualifier)


def test_a_headline_figure_counts_and_a_title_case_metric_word_is_read(nlp) -> None:
    text = "Blast in Dornik: 80 Killed, 4,000 Injured\n\nThe blast shook Dornik on Tuesday."
    figs = figures_of(nlp, text)
    assert [(f.metric, f.value) for f in figs] == [("killed", 80), ("injured", 4000)]


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("Fatalities: 63 (including 9 children)", "killed", 63, "exact"),
        ("Injuries: 150+", "injured", 150, "at_least"),
        ("Non-fatal injuries | 314 (Ostravian ministry)", "injured", 314, "exact"),
    ],
)
def test_a_fact_box_line_names_its_metric_before_the_number(
    nlp, text: str, metric: str, value: int, qualifier: str
) -> None:
    f = one(nlp, "Blast in Dornik.\n\n" + text)
    assert (f.metric, f.value, f.qualifier) == (metric, value, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "Two suspects fled the scene in Dornik.",
        "Crews evacuated 300 buildings in Lisk.",
        "Almost 4,000 civilians who wanted to leave were at the station in Tarnov.",
        "The death toll following two explosions in Lisk rose to 35.",
    ],
)
def test_things_and_intentions_are_not_people_displaced_or_killed(nlp, text: str) -> None:
    assert [f.value for f in figures_of(nlp, text)] in ([], [35])


# -- vague counts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("Dozens of people were killed in Dornik.", ["killed"]),
        ("The blast left hundreds dead in Lisk.", ["killed"]),
        ("Tens of thousands of people have fled Tarnov.", ["displaced"]),
        ("Rescuers in Lisk found dozens of killed and injured.", ["killed", "injured"]),
        ("The strike on Dornik killed and injured many civilians.", ["injured", "killed"]),
        ("The strike on Dornik killed hundreds of people.", ["killed"]),
    ],
)
def test_vague_counts_never_get_a_number(nlp, text: str, metrics: list[str]) -> None:
    figs = figures_of(nlp, text)
    assert sorted(f.metric for f in figs) == sorted(metrics)
    assert all(f.value is None and f.qualifier == "unquantified" for f in figs)


# -- ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Analysts in Valdoria estimated 100 to 300 people killed in Dornik.",
        "Blast in Dornik. 100-300 killed, analysts say.",
        "Between 100 and 300 people were killed in Dornik.",
    ],
)
def test_a_range_gives_its_low_and_high_ends(nlp, text: str) -> None:
    lo, hi = figures_of(nlp, text)
    assert (lo.value, lo.qualifier, hi.value, hi.qualifier) == (100, "at_least", 300, "at_most")
    assert (lo.low, lo.high, hi.low, hi.high) == (100, 300, 100, 300)
    assert lo.metric == hi.metric == "killed"


def test_a_range_takes_the_metric_its_sentence_counts(nlp) -> None:
    text = "The diocese reported 200 people killed, while the army assessed a figure between 50 and 90."
    figs = figures_of(nlp, text)
    assert [(f.metric, f.value, f.qualifier) for f in figs] == [
        ("killed", 200, "exact"),
        ("killed", 50, "at_least"),
        ("killed", 90, "at_most"),
    ]
    assert figs[1].claimant == figs[2].claimant == "army"


def test_a_range_of_things_is_no_figure(nlp) -> None:
    figs = figures_of(nlp, "The storm damaged between 100 and 300 buildings in Lisk.")
    assert figs == []


def test_a_rise_from_one_value_to_another_is_no_range(nlp) -> None:
    figs = figures_of(nlp, "The death toll in Lisk rose from 25 to 170.")
    assert all(f.low is None and f.high is None for f in figs)


# -- denied counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "There weren't 500 deaths in the blast in Dornik.",
        "\u201cThere weren\u2019t 200 or even 500 deaths,\u201d a source in Lisk said.",
        "The raid on Tarnov did not kill 40 people, the army said.",
    ],
)
def test_a_denied_count_is_no_claim(nlp, text: str) -> None:
    assert figures_of(nlp, text) == []


def test_a_count_beside_a_denial_is_still_a_claim(nlp) -> None:
    text = (
        "\u201cThere weren\u2019t 500 deaths, more likely between 10 and 50,\u201d a source said."
    )
    figs = figures_of(nlp, text)
    assert [(f.value, f.qualifier) for f in figs] == [(10, "at_least"), (50, "at_most")]


# -- shares and breakdowns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "of_which"),
    [
        ("At least 27 people were killed in Dornik. Two children were among the dead.",
         {"children": 2}),
        ("At least 39 people, including four children, were killed in Lisk.", {"children": 4}),
        ("The strike on Lisk killed 40 people, of whom 13 were children.", {"children": 13}),
        ("The strike on Lisk killed 40 people. 13 are children.", {"children": 13}),
        ("The strike on Lisk killed 40 people, 13 of them children.", {"children": 13}),
        ("The strike on Lisk killed 40 people. The victims included five children.",
         {"children": 5}),
        ("The strike on Lisk killed 40 people. Among those killed were five women.",
         {"women": 5}),
    ],
)  # fmt: skip
def test_a_share_goes_into_its_totals_of_which(nlp, text: str, of_which: dict[str, int]) -> None:
    f = one(nlp, text)
    assert f.value in (27, 39, 40)
    assert f.of_which == of_which


def test_a_share_without_a_total_is_no_total(nlp) -> None:
    assert figures_of(nlp, "Two children were among the dead in Dornik.") == []


def test_a_share_given_before_its_total(nlp) -> None:
    text = "The agency said up to 10,000 children are among the 30,000 people made homeless."
    f = one(nlp, text)
    assert (f.metric, f.value, f.of_which) == ("displaced", 30000, {"children": 10000})


def test_a_count_of_civilians_is_all_civilians(nlp) -> None:
    f = one(nlp, "The strike on Tarnov killed 63 civilians.")
    assert (f.value, f.population, f.of_which) == (63, "civilians", {"civilians": 63})


def test_a_breakdown_gives_parts_of_their_total(nlp) -> None:
    text = (
        "The strike on Lisk killed at least 50 people. So far 98 people have been taken to "
        "hospital, of which 16 were children, 46 women and 36 men. Twelve of these died in "
        "the hospital and 38 at the station, he said."
    )
    figs = figures_of(nlp, text)
    by_value = {f.value: f for f in figs}
    killed, hospital = by_value[50], by_value[98]
    assert hospital.of_which == {"children": 16, "women": 46}
    for v in (16, 46, 36):
        assert figs[by_value[v].part_of or 0] is hospital and by_value[v].part_of is not None
    for v in (12, 38):
        assert by_value[v].metric == "killed"
        assert by_value[v].part_of is not None and figs[by_value[v].part_of] is killed
    assert killed.part_of is None and hospital.part_of is None


def test_separate_places_are_no_breakdown(nlp) -> None:
    figs = figures_of(nlp, "Ten people were killed in Dornik and five in Lisk.")
    assert [(f.metric, f.value, f.part_of) for f in figs] == [
        ("killed", 10, None),
        ("killed", 5, None),
    ]


# -- rising tolls -----------------------------------------------------------------------


def test_a_copular_toll_is_a_value_of_the_toll(nlp) -> None:
    f = one(nlp, "The number of dead in Lisk is 154, the ministry said.")
    assert (f.metric, f.value, f.update, f.claimant) == ("killed", 154, True, "ministry")


def test_a_toll_that_exceeds_a_number(nlp) -> None:
    f = one(nlp, "The toll of lives in Dornik now exceeds 4000 Valdorians, officials said.")
    assert (f.metric, f.value, f.qualifier, f.update) == ("killed", 4000, "at_least", True)


def test_a_toll_of_civilians_counts_civilians(nlp) -> None:
    text = "The number of civilians killed in Dornik has increased to 57, an official said."
    f = one(nlp, text)
    assert (f.value, f.update, f.of_which) == (57, True, {"civilians": 57})


# -- claimants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("According to figures from the Ostravian health ministry, 45 people died in Lisk.",
         "Ostravian health ministry"),
        ("In the estimates of the Valdorian army, about 30 people were killed in Lisk.",
         "Valdorian army"),
        ("The blast killed at least 37 people, left dozens missing and 500 wounded, a health "
         "ministry spokesperson said Thursday.", "health ministry spokesperson"),
        ("The Valdorian Defence Ministry said it did not strike the station in Dornik, which "
         "local authorities said had killed at least 39 people.", "local authorities"),
        ("Analysts estimated 20 people killed, far fewer than the nearly 500 deaths that "
         "health officials in Lisk described.", "health officials"),
    ],
)  # fmt: skip
def test_the_claimant_is_the_source_nearest_to_the_figure(nlp, text: str, claimant: str) -> None:
    figs = figures_of(nlp, text)
    assert figs and figs[-1].claimant == claimant
    if "dozens missing" in text:
        assert [f.claimant for f in figs] == [claimant] * 3


# -- the lexicon is data ----------------------------------------------------------------


def test_the_default_lexicon_is_the_json_file() -> None:
    data = json.loads((LEXICONS / DEFAULT_LEXICON).read_text(encoding="utf-8"))
    lex = load_lexicon()
    assert lex.metric_words == data["metric_words"]
    assert set(lex.vague) == set(data["vague_counts"])
    assert all(m in data["metrics"] for m in lex.metric_words.values())
    assert all(m in data["metrics"] for m in lex.verb_metrics.values())


def test_a_new_metric_is_data(nlp, tmp_path: Path) -> None:
    data = json.loads((LEXICONS / DEFAULT_LEXICON).read_text(encoding="utf-8"))
    data["metrics"].append("stranded")
    data["metric_words"]["stranded"] = "stranded"
    path = tmp_path / "figures.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    doc = nlp("About 800 passengers were stranded at the port of Lisk.")
    default = FigureFinder(doc, 0, [], []).find()
    custom = FigureFinder(doc, 0, [], [], load_lexicon(str(path))).find()
    assert default == []
    assert [(f.metric, f.value, f.qualifier) for f in custom] == [("stranded", 800, "about")]


def test_the_component_reads_its_lexicon_from_the_config(nlp) -> None:
    component = nlp.get_pipe("parallax_figures")
    assert component.lex is load_lexicon(DEFAULT_LEXICON)
    assert nlp.get_pipe_meta("parallax_figures").default_config == {"lexicon": DEFAULT_LEXICON}


def test_a_toll_that_may_exceed_a_number_is_a_floor_not_a_forecast(nlp) -> None:
    f = one(nlp, "Witnesses said the death toll in Dornik may exceed 500 people.")
    assert (f.metric, f.value, f.qualifier, f.claimant) == ("killed", 500, "at_least", "Witnesses")
    assert figures_of(nlp, "The death toll in Dornik is expected to rise to 200.") == []


def test_a_metric_noun_before_a_tally_noun_names_the_metric(nlp) -> None:
    figs = figures_of(nlp, "The death number is closer to 50 and injury number closer to 2,750.")
    assert [(f.metric, f.value, f.qualifier) for f in figs] == [
        ("killed", 50, "about"),
        ("injured", 2750, "about"),
    ]


def test_witnesses_claim_what_they_saw(nlp) -> None:
    f = one(nlp, "Reporters saw at least 20 bodies lying next to the station in Dornik.")
    assert (f.metric, f.value, f.qualifier, f.claimant) == ("killed", 20, "at_least", "Reporters")
