"""Which reports are news of which event, on small invented corpora: a later toll is a
report of its incident too; a copy and its source bring one development whichever is the
longer excerpt; a page's related links and a picture's caption are no opening; protests
over a blast are news of their own; a campaign told as lasting is history; a resignation
told without a date is the one other reports date."""

from __future__ import annotations

from conftest import GAZETTEER

from parallax.gazetteer import get_gazetteer
from parallax.link import Linked, _headline, _lead, link
from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import record_from_doc

STRIKE = (
    "Missile strike hits Velgrad station\n\n"
    "A missile strike hit the railway station in Velgrad on Wednesday, April 2, 2025, "
    "killing 20 people, the governor said.\n"
)


def _docs(nlp, texts: dict[str, str], dates: dict[str, str] | None = None) -> list[DocumentRecord]:
    dates = dates or {}
    raws = [RawDocument(n, t, f"{n}.txt", "text", published=dates.get(n)) for n, t in texts.items()]
    return [record_from_doc(raw, nlp(raw.text)) for raw in raws]


def _link(docs: list[DocumentRecord]) -> Linked:
    return link(docs, get_gazetteer((GAZETTEER,)))


def _incident(lk: Linked):
    (event,) = [e for e in lk.events if e.type == "airstrike" and not e.background]
    return event


def test_a_later_report_opening_with_the_count_is_a_toll_update_of_the_strike(nlp) -> None:
    later = (
        "More than 25 still missing after Velgrad station strike\n\n"
        "More than 25 people are still missing in Velgrad after Wednesday's missile strike "
        "on the railway station, a health ministry official said on Sunday.\n"
    )
    docs = _docs(nlp, {"strike": STRIKE, "later": later}, {"later": "2025-04-06"})
    lk = _link(docs)
    (update,) = [e for e in lk.events if e.type == "toll_update"]
    assert update.reported_in == ["later"]
    assert _incident(lk).reported_in == ["later", "strike"]  # a report of the strike too


def test_the_same_report_a_day_later_is_no_toll_update(nlp) -> None:
    next_day = (
        "Velgrad mourns\n\n"
        "More than 20 people were killed in the missile strike on the railway station in "
        "Velgrad, the governor said.\n"
    )
    docs = _docs(nlp, {"strike": STRIKE, "next": next_day}, {"next": "2025-04-03"})
    lk = _link(docs)
    assert not [e for e in lk.events if e.type == "toll_update"]


DENIAL_BODY = (
    "Corvenia's defence ministry denied on Thursday that its forces carried out the missile "
    "strike on the railway station in Velgrad, calling the accusation a provocation. "
    "The ministry said its aircraft had flown no missions over the region that day and "
    "that the missile fragments shown by officials belonged to an older type. Officials in "
    "Velgrad said the strike killed 20 people and wounded dozens more who were waiting for "
    "an evacuation train out of the town.\n"
)


def test_a_longer_copy_brings_what_its_shorter_source_brings(nlp) -> None:
    short = "Corvenia denies strike on Velgrad station\n\n" + DENIAL_BODY
    longer = (
        "Velgrad station\n\n"
        "Editor's note: we publish this wire story as we received it from our agency this "
        "morning, with no changes of our own beyond the headline. Readers will find our own "
        "reporting from the eastern districts, and the letters we received about the "
        "evacuation trains, in tomorrow's edition of the paper and on our website.\n\n"
        + DENIAL_BODY
        + "\nThe station had been the main point of departure for families leaving the "
        "eastern districts, and rail officials said trains would resume within days once "
        "the tracks were cleared and the platforms inspected by engineers.\n"
    )
    docs = _docs(nlp, {"strike": STRIKE, "short": short, "longer": longer})
    lk = _link(docs)
    (denial,) = [e for e in lk.events if e.type == "denial"]
    assert denial.reported_in == ["longer", "short"]


def test_a_list_of_related_links_is_no_part_of_the_opening(nlp) -> None:
    text = (
        "-\nALSO READ\nValdoria fires suspected missile into sea\nDornik floods leave 40 "
        "homeless\n-\nThe number of people killed in the missile strike on the railway "
        "station in Velgrad has risen to 31, the governor said on Saturday, adding that "
        "rescuers were still searching the rubble.\n"
    )
    (doc,) = _docs(nlp, {"toll": text})
    lead, start = _lead(doc)
    assert start > 0 and lead.startswith("The number of people killed")
    assert "ALSO READ" not in lead


def test_a_picture_caption_is_not_the_headline() -> None:
    lead = (
        "Prime Minister Ana Lusk speaks in Dornik, Valdoria, April 1, 2025. REUTERS/Jon Mark\n\n"
        "Prime Minister Ana Lusk called the strike on Velgrad station an atrocity.\n"
    )
    assert _headline(lead).startswith("Prime Minister Ana Lusk called")
    assert _headline("Blast at Dornik depot\n\nA blast tore through").startswith("Blast at")


def test_protests_over_a_blast_are_news_of_the_protests(nlp) -> None:
    blast = (
        "Blast at Dornik depot\n\n"
        "A blast tore through the grain depot in Dornik on Monday, March 3, 2025, killing 9 "
        "people, police said.\n"
    )
    protest = (
        "DORNIK - Riot police fired tear gas at protesters outside the town hall in Dornik "
        "on Saturday in growing protests over this week's blast at the grain depot.\n"
    )
    docs = _docs(nlp, {"blast": blast, "protest": protest}, {"protest": "2025-03-08"})
    lk = _link(docs)
    (unrest,) = [e for e in lk.events if e.type == "protest"]
    assert unrest.reported_in == ["protest"]
    (event,) = [e for e in lk.events if e.type == "explosion" and "blast" in e.documents]
    assert "protest" not in event.reported_in


def test_a_relentless_bombardment_is_history_and_its_toll_not_the_strike(nlp) -> None:
    text = (
        "Missile strike hits Velgrad hospital\n\n"
        "A missile strike hit the hospital in Velgrad on Tuesday, May 6, 2025, killing 40 "
        "people, the health ministry said.\n\n"
        "The toll of lives in Ostravia from the relentless Corvenian bombardment now exceeds "
        "4000, the ministry said.\n"
    )
    (doc,) = _docs(nlp, {"report": text})
    (war,) = [f for f in doc.figures if f.value == 4000]
    (strike,) = [f for f in doc.figures if f.value == 40]
    told = {m.key: m for m in doc.events}
    assert war.event is not None and told[war.event].background
    assert strike.event is not None and not told[strike.event].background


def test_a_resignation_told_without_a_date_is_the_one_others_date(nlp) -> None:
    dated = (
        "Valdoria's government resigns\n\n"
        "Prime Minister Ana Lusk announced on Monday, March 10, 2025, that her government "
        "would resign after the blast at the Dornik grain depot.\n"
    )
    undated = (
        "The Dornik blast\n\n"
        "The explosion at the grain depot in Dornik caused wide anger, and the government "
        "eventually resigned.\n"
    )
    docs = _docs(nlp, {"dated": dated, "undated": undated})
    lk = _link(docs)
    (resignation,) = [e for e in lk.events if e.type == "resignation"]
    assert resignation.documents == ["dated", "undated"]
    assert not [f for d in docs for f in d.figures if f.event and f.metric == "killed"
                and any(m.key == f.event and m.type == "resignation" for m in d.events)]  # fmt: skip


def test_a_tie_between_places_goes_to_the_first_told_whatever_the_hash_seed() -> None:
    from parallax.link import _main_place
    from parallax.models import EventMention

    def told(place: str) -> EventMention:
        return EventMention("e0", "displacement", "fled", 0, 4, 0, 10, location=place,
                            location_precision="region")  # fmt: skip

    # two reports each: a tie on count and precision; a set would pick by hash order
    for first, second in (("Ostravia region", "Lisk region"), ("Lisk region", "Ostravia region")):
        members = [("a", told(first)), ("b", told(second)), ("c", told(first)), ("d", told(second))]
        assert _main_place(members) == first


def test_a_figure_dated_before_the_event_it_fell_to_is_an_earlier_incidents(nlp) -> None:
    (doc,) = _docs(
        nlp,
        {
            "velgrad": STRIKE + "\nThe ministry said the missile was like one that hit the "
            "centre of Dornik on March 14, killing 17 people, the agency reported.\n"
        },
        {"velgrad": "2025-04-02"},
    )
    by_value = {f.value: f for f in doc.figures}
    assert by_value[20].event is not None  # the strike's own toll
    assert by_value[17].event is None  # the March strike's: out of this strike's range
    assert by_value[17].told_on is not None


def test_an_offensive_told_from_its_start_is_history(nlp) -> None:
    (doc,) = _docs(
        nlp,
        {"war": "The invasion, which began on February 24, has killed thousands of civilians.\n"},
        {"war": "2025-04-02"},
    )
    (invasion,) = [e for e in doc.events if e.type == "ground_offensive"]
    assert invasion.background and invasion.date is None
