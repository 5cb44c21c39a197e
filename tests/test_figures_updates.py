"""Rising tolls and sides: a toll updated over time is one figure per value, marked as an
update with the value it rose from and the date it is given for; a figure's side is the
country or actor its people belong to where the text says so. Invented sentences about
the fictional world of examples/."""

from __future__ import annotations

import pytest
from test_figures import figures_of, one

from parallax.link import Linked
from parallax.models import DocumentRecord, Figure, RawDocument
from parallax.pipeline import analyze_batch
from parallax.reconcile import discrepancies, latest_update


def dated(nlp, text: str, published: str = "2025-03-05") -> list[Figure]:
    """Figures of a report through the per-document path, with its publication date."""
    raw = RawDocument(name="r", text=text, source="r.txt", format="text", published=published)
    (rec,) = analyze_batch(nlp, [raw])
    assert isinstance(rec, DocumentRecord)
    return rec.figures


# -- updates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "value", "span"),
    [
        (
            "The death toll in Dornik rose to 170 on Tuesday.",
            "killed",
            170,
            "death toll in Dornik rose to 170",
        ),
        (
            "The number of people killed in Lesnya has climbed to 42.",
            "killed",
            42,
            "number of people killed in Lesnya has climbed to 42",
        ),
        ("The death toll in Tarnov now stands at 63.", "killed", 63, None),
        ("The number of injured in Lisk rose to 210.", "injured", 210, None),
        ("Deaths in Dornik have reached 90, the ministry said.", "killed", 90, None),
        ("Fatalities in Lesnya doubled to 60 overnight.", "killed", 60, None),
        ("Officials in Tarnov put the death toll at 31.", "killed", 31, "put the death toll at 31"),
    ],
)
def test_a_rising_toll_is_an_update(nlp, text: str, metric: str, value: int, span) -> None:
    f = one(nlp, text)
    assert (f.metric, f.value, f.update) == (metric, value, True)
    if span:
        assert f.text == span


def test_a_plain_count_is_not_an_update(nlp) -> None:
    f = one(nlp, "At least 14 people were killed in Dornik on Monday.")
    assert (f.value, f.update, f.previous, f.as_of) == (14, False, None, None)


def test_raising_the_toll_keeps_both_values_apart(nlp) -> None:
    figs = figures_of(
        nlp, "Officials in Tarnov said 31 people were killed, raising the toll to 48."
    )
    assert [(f.value, f.update) for f in figs] == [(31, False), (48, True)]
    assert figs[1].text == "raising the toll to 48"


def test_up_from_gives_the_previous_value_also_a_claim_of_its_own(nlp) -> None:
    new, old = figures_of(nlp, "The death toll in Lisk now stands at 63, up from 25 on Monday.")
    assert (new.value, new.previous, new.update) == (63, 25, True)
    assert (old.metric, old.value, old.update, old.text) == ("killed", 25, False, "from 25")


def test_rose_from_to_is_one_update_and_the_old_value(nlp) -> None:
    new, old = figures_of(nlp, "The death toll in Dornik rose from 25 to 170.")
    assert (new.value, new.previous, new.update) == (170, 25, True)
    assert (old.value, old.update, old.low, old.high) == (25, False, None, None)


def test_an_update_keeps_its_qualifier(nlp) -> None:
    f = one(nlp, "The toll from the shelling of Lisk has risen to at least 90.")
    assert (f.value, f.qualifier, f.update) == (90, "at_least", True)


def test_a_total_takes_the_metric_of_the_figure_before_it(nlp) -> None:
    figs = figures_of(nlp, "Shelling wounded 14 people in Lisk, bringing the total to 20.")
    assert [(f.metric, f.value, f.update) for f in figs] == [
        ("injured", 14, False),
        ("injured", 20, True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The death toll in Dornik is expected to rise to 200.",
        "The toll in Lesnya could climb to 300, rescuers warned.",
        "The toll in Lisk has not risen to 100, officials said.",
        "The number of residents in Lisk rose to 9,000.",
        "Unemployment in Dornik rose to 12 percent.",
        "The wounded were taken to three hospitals in Tarnov.",
    ],
)
def test_forecasts_and_other_quantities_are_not_figures(nlp, text: str) -> None:
    assert figures_of(nlp, text) == []


def test_as_of_is_the_date_of_the_sentence(nlp) -> None:
    (f,) = dated(nlp, "DORNIK - The death toll in Dornik rose to 170 on Tuesday.")
    assert f.update and f.as_of == "2025-03-04"  # the Tuesday before Wednesday, March 5


def test_as_of_is_the_documents_date_when_the_sentence_has_none(nlp) -> None:
    (f,) = dated(nlp, "DORNIK - The death toll in Dornik has climbed to 42.", "2025-03-07")
    assert f.as_of == "2025-03-07"


def test_as_of_is_not_the_date_of_the_previous_value(nlp) -> None:
    (f, _) = dated(nlp, "LISK - The death toll in Lisk has climbed to 63, up from 25 on Monday.")
    assert (f.previous, f.as_of) == (25, "2025-03-05")
    text = "LISK - The death toll in Lisk stood at 63 on Thursday, up from 25 on Monday."
    (g, _) = dated(nlp, text, "2025-03-08")
    assert (g.previous, g.as_of) == (25, "2025-03-06")


def test_now_is_the_documents_date(nlp) -> None:
    (f,) = dated(nlp, "LISK - The death toll in Lisk now stands at 63.", "2025-03-06")
    assert (f.update, f.as_of) == (True, "2025-03-06")


def test_as_of_is_not_the_date_of_the_event_counted(nlp) -> None:
    text = (
        "TARNOV - The death toll from the shelling of Tarnov on 2 March 2025 rose to 80, "
        "officials said on 4 March 2025."
    )
    (f,) = dated(nlp, text, "2025-03-06")
    assert f.as_of == "2025-03-04"


def test_as_of_from_an_absolute_date(nlp) -> None:
    (f, _) = dated(nlp, "DORNIK - The toll in Dornik rose from 25 to 170 on 12 March 2025.")
    assert (f.value, f.previous, f.as_of) == (170, 25, "2025-03-12")


# -- reconciliation ----------------------------------------------------------------------


def _fig(value: int, update: bool = False, as_of: str | None = None) -> Figure:
    return Figure(
        text=f"toll rose to {value}",
        start=0,
        end=10,
        metric="killed",
        value=value,
        qualifier="exact",
        claimant="Dornik health office",
        event="e0",
        update=update,
        as_of=as_of,
    )


def _doc(name: str, figures: list[Figure]) -> DocumentRecord:
    return DocumentRecord(
        name=name, text="x" * 50, sha256="0" * 64, source=name, format="text", figures=figures
    )


def test_reconciliation_keeps_every_update_and_states_the_latest() -> None:
    docs = [
        _doc("a", [_fig(14), _fig(40, True, "2025-03-04")]),
        _doc("b", [_fig(55, True, "2025-03-05")]),
        _doc("c", [_fig(52, True, "2025-03-05"), _fig(47, True, "2025-03-05")]),
    ]
    event_of = {(n, "e0"): "ev1" for n in "abc"}
    (row,) = discrepancies(docs, Linked([], [], event_of))
    assert sorted(v["value"] for v in row["values"]) == [14, 40, 47, 52, 55]
    assert (row["low"], row["high"]) == (14, 55)
    assert [(v["value"], v["update"], v["as_of"]) for v in row["values"][:2]] == [
        (14, False, None),
        (40, True, "2025-03-04"),
    ]
    latest = row["latest"]
    assert (latest["value"], latest["as_of"], latest["document"]) == (55, "2025-03-05", "b")


def test_latest_is_the_newest_update_not_the_largest_value() -> None:
    values = [
        {"value": 90, "update": True, "as_of": "2025-03-03", "claimant": None, "document": "a",
         "start": 0, "end": 5},
        {"value": 80, "update": True, "as_of": "2025-03-06", "claimant": "x", "document": "b",
         "start": 0, "end": 5},
        {"value": 120, "update": False, "as_of": None, "claimant": None, "document": "c",
         "start": 0, "end": 5},
    ]  # fmt: skip
    latest = latest_update(values)
    assert latest is not None and (latest["value"], latest["as_of"]) == (80, "2025-03-06")
    assert latest_update([v for v in values if not v["update"]]) is None


# -- sides -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("12 Valdorian soldiers were killed near Dornik.", "Valdoria"),
        ("Seven Azerbaijani troops were killed on Sunday.", "Azerbaijan"),
        ("Dozens of Ostravian fighters were killed near Lesnya.", "Ostravia"),
        ("Four Kessarian fighters were wounded near Tarnov.", "Ostravia"),  # a region's alias
        ("A Valdorian soldier was killed near Tarnov.", "Valdoria"),
        ("Three Corvenian peacekeepers were injured in Lisk.", "Corvenia"),
        ("Three of Valdoria's soldiers were killed near Lisk.", "Valdoria"),
        ("Two U.S. journalists were wounded in Dornik.", "United States"),
    ],
)
def test_side_named_by_a_demonym(nlp, text: str, side: str) -> None:
    assert one(nlp, text).side == side


def test_our_soldiers_are_the_speakers_side(nlp) -> None:
    f = one(nlp, "The Valdorian defence ministry said three of our servicemen were wounded.")
    assert (f.metric, f.value, f.population, f.side) == ("injured", 3, "soldiers", "Valdoria")
    g = one(nlp, '"Two of our fighters were killed," the Ostravian command said.')
    assert (g.value, g.side) == (2, "Ostravia")


@pytest.mark.parametrize(
    "text",
    [
        "27 people in Dornik were killed, officials said.",
        "Four Valdorian soldiers and two Ostravian fighters died near Lesnya.",
        "Three of our neighbours were injured in Lisk.",  # no speaker to speak for
        "40 enemy fighters were killed, the Valdorian ministry said.",
        "A Washington man was killed near Lisk.",  # a capital's name, not a country
        "India Varga was found dead in Tarnov.",  # a name, not a country
    ],
)
def test_no_side_unless_stated(nlp, text: str) -> None:
    assert one(nlp, text).side is None


def test_an_update_carries_its_side(nlp) -> None:
    f = one(nlp, "The number of Valdorian soldiers killed has risen to 40.")
    assert (f.value, f.update, f.population, f.side) == (40, True, "soldiers", "Valdoria")


def test_ages_coordinated_after_aged_are_not_counts(nlp) -> None:
    f = one(nlp, "Two men aged 30 and 45 were killed in Tarnov.")
    assert (f.metric, f.value) == ("killed", 2)
