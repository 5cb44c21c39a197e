"""Cross-document linking: dates borrowed from linked reports, events merged across
reports, canonical places and full names. Three short invented reports about one
(fictional) shelling of Dornik."""

from __future__ import annotations

import pytest
from conftest import GAZETTEER

from parallax import link as link_module
from parallax.gazetteer import get_gazetteer
from parallax.link import (
    Linked,
    absorb_minor,
    average_linkage,
    date_precision,
    link,
    link_events,
    link_stories,
    sparse_average_linkage,
    story_features,
    story_rows,
    tfidf_vectors,
)
from parallax.models import DocumentRecord, EventMention, RawDocument
from parallax.pipeline import record_from_doc

# Dated in its own text (inferred from "March 3, 2025").
DATED = """Guns pound the market in Dornik

By Lena Morav

Valdorian artillery shelled the market in Dornik on Monday, March 3, 2025, killing 14 people.

"The stalls were full when the first shells landed," said Mira Tessik, a nurse at the town clinic.

Dornik is the largest town of the Ostravia region.
"""

# Weekday names only; a local name and a misspelling of the region; an undated blast.
WEEKDAYS = """Dornik buries its dead

By Ivo Brandt

Valdorian guns shelled Dornik on Monday, and 16 people were killed, local officials said.

Tessik said the clinic in Kessaria had run out of bandages. The guns fell silent on Tuesday evening.

Two border guards died in a mine blast near Tarnov, in Ostrovia.
"""

# Dated by its metadata.
GIVEN = """Relief convoy waits at Lisk

Aid trucks waited at the border crossing near Lisk after the shelling of Dornik on Monday, \
in which 15 people were killed, the Dornik council said.
"""

REPORTS = [
    RawDocument("dated", DATED, "dated.txt", "text"),
    RawDocument("weekdays", WEEKDAYS, "weekdays.txt", "text"),
    RawDocument("given", GIVEN, "given.json", "jsonl", published="2025-03-04"),
]


def records(nlp) -> dict[str, DocumentRecord]:
    return {raw.name: record_from_doc(raw, nlp(raw.text)) for raw in REPORTS}


@pytest.fixture(scope="module")
def linked(nlp) -> tuple[dict[str, DocumentRecord], Linked]:
    docs = records(nlp)
    return docs, link(list(docs.values()), get_gazetteer((GAZETTEER,)))


def figure(docs: dict[str, DocumentRecord], name: str, value: int):
    (f,) = [f for f in docs[name].figures if f.value == value]
    return f


def test_dates_before_linking(nlp) -> None:
    docs = records(nlp)
    assert (docs["dated"].published, docs["dated"].published_basis) == ("2025-03-03", "inferred")
    assert (docs["given"].published, docs["given"].published_basis) == ("2025-03-04", "given")
    assert (docs["weekdays"].published, docs["weekdays"].published_basis) == (None, None)
    assert all(t.value is None for t in docs["weekdays"].times)


def test_weekday_report_resolves_around_the_agreed_day(linked) -> None:
    docs, _ = linked
    d = docs["weekdays"]
    assert {t.text: t.value for t in d.times} == {
        "Monday": "2025-03-03",
        "Tuesday evening": "2025-03-04",
    }
    # it may have been written days later: its own date is not guessed
    assert (d.published, d.published_basis) == (None, None)


def test_weekday_event_gets_the_linked_day(linked) -> None:
    docs, _ = linked
    (shelling,) = [e for e in docs["weekdays"].events if e.date_text == "Monday"]
    assert shelling.type == "shelling"
    assert shelling.date == "2025-03-03"


def test_figures_of_the_same_attack_share_an_event(linked) -> None:
    docs, lk = linked
    ids = {
        name: lk.figure_event(name, figure(docs, name, value).event)
        for name, value in (("dated", 14), ("weekdays", 16), ("given", 15))
    }
    assert ids["dated"] is not None
    assert ids["dated"] == ids["weekdays"] == ids["given"]
    (event,) = [e for e in lk.events if e.id == ids["dated"]]
    assert event.date == "2025-03-03"
    assert event.documents == ["dated", "given", "weekdays"]
    assert event.location == "Dornik"


def test_undated_mine_blast_is_not_merged_with_the_attack(linked) -> None:
    docs, lk = linked
    attack = lk.figure_event("dated", figure(docs, "dated", 14).event)
    blast = lk.figure_event("weekdays", figure(docs, "weekdays", 2).event)
    assert blast is not None
    assert blast != attack
    (event,) = [e for e in lk.events if e.id == blast]
    assert event.type == "explosion"
    assert event.date is None
    assert event.documents == ["weekdays"]


def test_local_and_misspelt_names_canonicalise(linked) -> None:
    docs, lk = linked
    by_text = {m.text: m.canonical for m in docs["weekdays"].mentions}
    assert by_text["Kessaria"] == "Ostravia"
    assert by_text["Ostrovia"] == "Ostravia"
    (region,) = [e for e in lk.entities if e.canonical == "Ostravia"]
    assert {"Kessaria", "Ostrovia"} <= region.aliases
    assert region.documents == {"dated", "weekdays"}
    assert region.precision == "region"


def test_places_are_geocoded(linked) -> None:
    _, lk = linked
    (dornik,) = [e for e in lk.entities if e.canonical == "Dornik"]
    assert (dornik.kind, dornik.precision) == ("place", "town")
    assert dornik.lat == pytest.approx(47.05)
    assert dornik.documents == {"dated", "weekdays", "given"}


def test_surname_speaker_before_linking(nlp) -> None:
    speakers = {q.text: q.speaker for q in records(nlp)["weekdays"].quotes}
    assert speakers["the clinic in Kessaria had run out of bandages"] == "Tessik"


def test_surname_speaker_takes_the_full_name(linked) -> None:
    docs, _ = linked
    speakers = {q.text: q.speaker for q in docs["weekdays"].quotes}
    assert speakers["the clinic in Kessaria had run out of bandages"] == "Mira Tessik"


def test_linking_twice_gives_the_same_dates(linked) -> None:
    docs, _ = linked
    before = {n: (d.published, d.published_basis) for n, d in docs.items()}
    link(list(docs.values()), get_gazetteer((GAZETTEER,)))
    assert {n: (d.published, d.published_basis) for n, d in docs.items()} == before


def test_merged_event_takes_the_most_specific_place(nlp) -> None:
    town = "Valdorian guns shelled Dornik on Monday, March 3, 2025.\n"
    region = (
        "Valdorian guns shelled the Ostravia region on Monday.\n\n"
        "The shelling of the Ostravia region went on all day.\n"
    )
    docs = [
        record_from_doc(RawDocument(n, t, n, "text", published="2025-03-04"), nlp(t))
        for n, t in (("town", town), ("region", region))
    ]
    lk = link(docs, get_gazetteer((GAZETTEER,)))
    (event,) = lk.events
    assert event.documents == ["region", "town"]
    assert event.location == "Dornik"


@pytest.mark.parametrize(
    ("value", "precision"),
    [
        ("2025-03-03", "day"),
        ("2025-W10", "week"),
        ("2025-03", "month"),
        ("2025", "year"),
        (None, None),
    ],
)
def test_date_precision(value: str | None, precision: str | None) -> None:
    assert date_precision(value) == precision


def test_week_dated_event_joins_the_day_it_holds(nlp) -> None:
    day = "Valdoria and Kessaria agreed to a ceasefire on Tuesday, March 4, 2025, in Lisk.\n"
    week = "The ceasefire agreed earlier this week has largely held, officials in Dornik said.\n"
    docs = [
        record_from_doc(RawDocument("day.txt", day, "day.txt", "text"), nlp(day)),
        record_from_doc(
            RawDocument("week.txt", week, "week.txt", "text", published="2025-03-05"), nlp(week)
        ),
    ]
    result = link(docs, get_gazetteer((GAZETTEER,)))
    ceasefires = [e for e in result.events if e.type == "ceasefire"]
    assert len(ceasefires) == 1
    assert ceasefires[0].date == "2025-03-04"
    assert ceasefires[0].documents == ["day.txt", "week.txt"]


def test_unrelated_report_without_shared_event_stays_undated(nlp) -> None:
    dated = "Valdorian artillery shelled Dornik on Monday, March 3, 2025.\n"
    other = "The Lisk orchestra will play on Friday in the old theatre, its director said.\n"
    docs = [
        record_from_doc(RawDocument("a.txt", dated, "a.txt", "text"), nlp(dated)),
        record_from_doc(RawDocument("b.txt", other, "b.txt", "text"), nlp(other)),
    ]
    link(docs, get_gazetteer((GAZETTEER,)))
    assert docs[1].published is None
    assert all(t.value is None for t in docs[1].times if t.rule)


# -- stories: reports of the same real events ------------------------------------------

# Two invented ferry accidents told twice each: the same kind of event, the same words
# (ferry, passengers, rescued), told apart by names, places, dates and figures.
SINKING_A = """Ferry sinks off Dornik

The ferry Gull sank off Dornik on Monday, March 3, 2025, and 41 passengers were rescued, \
captain Orla Fenn said. Divers from Dornik searched the hull for two missing crew members.
"""
SINKING_B = """Dornik ferry lost in storm

Captain Orla Fenn said the Gull went down near Dornik on March 3, 2025. All 41 passengers \
were rescued by fishing boats from Dornik; two crew members are missing.
"""
FIRE_A = """Fire on ferry at Lisk

A fire broke out on the ferry Heron at Lisk on Saturday, August 9, 2014, and 230 passengers \
were rescued, harbour master Ione Marsh said. The Lisk fire brigade put out the blaze.
"""
FIRE_B = """Heron passengers safe after Lisk blaze

Harbour master Ione Marsh said all 230 passengers of the Heron were rescued when fire swept \
the ferry in Lisk harbour on August 9, 2014. Lisk firefighters fought the flames for hours.
"""


def two_stories(nlp) -> list[DocumentRecord]:
    """Two reports of a ferry sinking and two of a ferry fire."""
    stories = (("sink_a", SINKING_A), ("fire_a", FIRE_A), ("sink_b", SINKING_B), ("fire_b", FIRE_B))
    return [
        record_from_doc(raw, nlp(raw.text))
        for raw in (RawDocument(n, text, f"{n}.txt", "text") for n, text in stories)
    ]


def test_reports_of_two_similar_events_form_two_stories(nlp) -> None:
    docs = two_stories(nlp)
    result = link(docs, get_gazetteer((GAZETTEER,)))
    assert sorted(result.stories) == [["fire_a", "fire_b"], ["sink_a", "sink_b"]]


def test_story_features_carry_names_years_and_figures(nlp) -> None:
    raw = RawDocument("sink_a", SINKING_A, "sink_a.txt", "text")
    feats = story_features(record_from_doc(raw, nlp(raw.text)))
    assert feats["t:2025"] >= 1 and feats["t:2025-03-03"] >= 1
    assert feats["p:orla fenn"] >= 1
    assert any(k.startswith("e:") and "dornik" in k for k in feats)
    assert feats["w:passenger"] >= 1  # plural folded
    assert "w:the" not in feats


def test_story_rows_are_the_tfidf_vectors_over_shared_features(nlp) -> None:
    """The rows computed as arrays over every report give each report's `tfidf_vectors`
    entry, kept to the features two reports share, in the order of their names."""
    docs = [*two_stories(nlp), *records(nlp).values()]
    vecs = tfidf_vectors([story_features(d) for d in docs])
    shared = sorted({k for v in vecs for k in v if sum(k in w for w in vecs) > 1})
    rows, count = story_rows(docs)
    assert count == len(shared) > 0
    for vec, (at, weights) in zip(vecs, rows, strict=True):
        assert [shared[i] for i in at] == [k for k in shared if k in vec]
        assert weights.tolist() == pytest.approx([vec[shared[i]] for i in at], rel=1e-6)


def test_average_linkage_merges_on_mean_similarity() -> None:
    sim = [
        [1.0, 0.9, 0.1, 0.0],
        [0.9, 1.0, 0.0, 0.1],
        [0.1, 0.0, 1.0, 0.8],
        [0.0, 0.1, 0.8, 1.0],
    ]
    assert average_linkage(sim, 0.5) == [[0, 1], [2, 3]]
    assert average_linkage(sim, 0.01) == [[0, 1, 2, 3]]
    assert average_linkage(sim, 0.95) == [[0], [1], [2], [3]]


def test_sparse_linkage_merges_as_the_full_matrix_does() -> None:
    sim = [
        [1.0, 0.9, 0.1, 0.0, 0.0],
        [0.9, 1.0, 0.0, 0.1, 0.0],
        [0.1, 0.0, 1.0, 0.8, 0.3],
        [0.0, 0.1, 0.8, 1.0, 0.0],
        [0.0, 0.0, 0.3, 0.0, 1.0],
    ]
    pairs = {(i, j): sim[i][j] for i in range(5) for j in range(i + 1, 5) if sim[i][j]}
    for threshold in (0.01, 0.05, 0.2, 0.5, 0.95):
        assert sparse_average_linkage(5, pairs, threshold) == average_linkage(sim, threshold)


def test_large_sets_find_the_same_stories_without_the_full_matrix(nlp, monkeypatch) -> None:
    docs = two_stories(nlp)
    full = link_stories(docs)
    monkeypatch.setattr(link_module, "DENSE_LIMIT", 1)  # the path of large sets

    def no_matrix(*args: object) -> None:
        raise AssertionError("an n x n matrix was built")

    monkeypatch.setattr(link_module, "_dense_similarity", no_matrix)
    assert link_stories(docs) == full == [["fire_a", "fire_b"], ["sink_a", "sink_b"]]


def test_minor_group_joins_nearest_story_only_when_it_shares_something() -> None:
    sim = [[0.0] * 11 for _ in range(11)]
    for i in range(5):
        for j in range(5):
            sim[i][j] = sim[i + 5][j + 5] = 0.6
    sim[10][6] = sim[6][10] = 0.3  # the lone report shares words with the second story
    groups = [list(range(5)), list(range(5, 10)), [10]]
    assert absorb_minor(groups, sim) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]
    sim[10][6] = sim[6][10] = 0.0
    assert absorb_minor(groups, sim) == groups
    assert absorb_minor([[0], [1]], sim) == [[0], [1]]  # no larger group: unchanged


# Two invented blasts on one day in two towns, each told by two reports.
BLAST_DORNIK = [
    "A car bomb exploded outside the Dornik post office on Monday, March 3, 2025, killing 4 "
    "people, police chief Orla Fenn said. The car had been parked overnight beside the post "
    "office, and windows shattered along the whole street. Fenn said detectives were checking "
    "camera footage from the street.\n",
    "Police chief Orla Fenn said 4 people died when a car bomb went off by the post office in "
    "Dornik on March 3, 2025. Detectives were studying camera footage of the parked car, and "
    "the street stayed closed while glass from shattered windows was swept up.\n",
]
BLAST_LISK = [
    "An explosion tore through the Lisk grain market on Monday, March 3, 2025, wounding 12 "
    "traders, mayor Ione Marsh said. A gas cylinder in a bakery stall is thought to have "
    "caused the blast; flour sacks burned for hours and the market hall roof caved in.\n",
    "Mayor Ione Marsh said 12 traders were wounded by the explosion at the Lisk grain market "
    "on March 3, 2025. Marsh blamed a leaking gas cylinder at a bakery stall; burning flour "
    "sacks brought down the roof of the market hall.\n",
]


def _blast_docs(nlp) -> list[DocumentRecord]:
    texts = {"d1": BLAST_DORNIK[0], "l1": BLAST_LISK[0], "d2": BLAST_DORNIK[1],
             "l2": BLAST_LISK[1]}  # fmt: skip
    return [
        record_from_doc(RawDocument(n, t, f"{n}.txt", "text"), nlp(t)) for n, t in texts.items()
    ]


def test_same_day_blasts_in_two_towns_stay_two_events(nlp) -> None:
    result = link(_blast_docs(nlp), get_gazetteer((GAZETTEER,)))
    assert sorted(result.stories) == [["d1", "d2"], ["l1", "l2"]]
    blasts = [e for e in result.events if e.type == "explosion" and e.date]
    assert sorted(e.documents for e in blasts) == [["d1", "d2"], ["l1", "l2"]]
    assert {e.location for e in blasts} == {"Dornik", "Lisk"}


def test_without_stories_same_day_blasts_in_two_towns_stay_apart(nlp) -> None:
    docs = _blast_docs(nlp)
    link(docs, get_gazetteer((GAZETTEER,)))
    blasts = [e for e in link_events(docs) if e.type == "explosion" and e.date]
    assert sorted(e.documents for e in blasts) == [["d1", "d2"], ["l1", "l2"]]


def test_a_side_is_not_its_own_target() -> None:
    def mention(target: str) -> EventMention:
        m = EventMention("e0", "shelling", "shelled", 0, 7, 0, 10, date="2025-03-03")
        m.actor, m.target = "Valdoria", target
        return m

    docs = [
        DocumentRecord(name, "x" * 10, name * 64, f"{name}.txt", "text", events=[mention(t)])
        for name, t in (("a", "Valdoria"), ("b", "Valdoria"), ("c", "Ostravia"))
    ]
    (event,) = link_events(docs)
    assert (event.actor, event.target) == ("Valdoria", "Ostravia")
