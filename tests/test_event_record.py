"""The events of a crisis as analysts count them, on small invented corpora: one
incident told by many reports on different days is one event; history and an earlier
incident cited as a cause are kept apart and marked background; a report's date is
borrowed only on strong evidence; event ids survive added reports and any input order."""

from __future__ import annotations

import random

import pytest
from conftest import GAZETTEER

from parallax.gazetteer import get_gazetteer
from parallax.link import Linked, link
from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import record_from_doc

# One blast at the Dornik grain depot, told on three days with a rising toll.
FIRST = (
    "Blast at Dornik depot\n\n"
    "A blast tore through the grain depot in Dornik on Monday, killing 9 people, "
    "police chief Orla Fenn said.\n"
)
SECOND = (
    "Dornik toll rises\n\n"
    "Officials said on Tuesday that the explosion at the grain depot in Dornik had "
    "killed 11 people.\n\n"
    "The blast shattered windows across the old town.\n"
)
THIRD = (
    "Dornik mourns\n\n"
    "The death toll from the blast at the Dornik grain depot rose to 12 on Wednesday, "
    "the town council said.\n"
)
# History and an earlier incident beside the crisis's own attack.
HISTORY = (
    "Shelling hits Lisk\n\n"
    "Valdorian artillery shelled Lisk on Friday, March 7, 2025, killing 6 people, the "
    "mayor said.\n\n"
    "The shelling came a month after a drone strike on Lisk on February 5, 2025, that "
    "killed 4 people.\n\n"
    "Valdorian strikes on the Ostravia region since 2019 have killed 3,400 people.\n"
)
DATED = {"first": "2025-03-03", "second": "2025-03-04", "third": "2025-03-05"}
TEXTS = {"first": FIRST, "second": SECOND, "third": THIRD, "history": HISTORY}


def _records(nlp, names: list[str]) -> list[DocumentRecord]:
    raws = [
        RawDocument(n, TEXTS[n], f"{n}.txt", "text", published=DATED.get(n, "2025-03-08"))
        for n in names
    ]
    return [record_from_doc(raw, nlp(raw.text)) for raw in raws]


def _link(docs: list[DocumentRecord]) -> Linked:
    return link(docs, get_gazetteer((GAZETTEER,)))


def _event_of(docs: list[DocumentRecord], lk: Linked, name: str, value: int) -> str | None:
    """The event of a value's figures (a headline and its body may both give it: one event)."""
    (doc,) = [d for d in docs if d.name == name]
    (event,) = {lk.figure_event(name, f.event) for f in doc.figures if f.value == value}
    return event


@pytest.fixture(scope="module")
def blast(nlp) -> tuple[list[DocumentRecord], Linked]:
    docs = _records(nlp, ["first", "second", "third"])
    return docs, _link(docs)


def test_one_blast_told_on_three_days_is_one_event(blast) -> None:
    docs, lk = blast
    ids = {_event_of(docs, lk, n, v) for n, v in (("first", 9), ("second", 11), ("third", 12))}
    assert len(ids) == 1 and None not in ids
    (event,) = [e for e in lk.events if e.id in ids]
    assert event.documents == ["first", "second", "third"]
    assert event.date == "2025-03-03"  # the day of the blast, not of the toll updates
    assert not event.background


def test_a_blast_told_twice_in_one_report_is_one_event(blast) -> None:
    _, lk = blast
    blasts = [e for e in lk.events if e.type == "explosion"]
    assert len(blasts) == 1
    assert sum(1 for d, _ in blasts[0].members if d == "second") == 2


def test_history_and_an_earlier_strike_are_kept_apart(nlp) -> None:
    docs = _records(nlp, ["history"])
    lk = _link(docs)
    main = _event_of(docs, lk, "history", 6)
    earlier = _event_of(docs, lk, "history", 4)
    assert main is not None and earlier is not None and main != earlier
    by_id = {e.id: e for e in lk.events}
    assert (by_id[main].date, by_id[main].background) == ("2025-03-07", False)
    assert (by_id[earlier].date, by_id[earlier].background) == ("2025-02-05", True)
    # a campaign's total is not the attack's
    assert _event_of(docs, lk, "history", 3400) not in (main, earlier)
    assert [e.background for e in lk.events if e.id == main] == [False]
    assert all(e.background for e in lk.events if e.id not in (main,) and e.type != "statement")


# -- dates borrowed only on strong evidence ---------------------------------------------

WIRE = (
    "Depot fire in Velgrad\n\n"
    "A fire swept through a timber depot in Velgrad on Tuesday and burned for six hours "
    "before firefighters brought it under control, the regional fire service said in a "
    "statement. No one was hurt, but the depot's owner said the loss would run into "
    "millions and that the night shift had raised the alarm within minutes.\n"
)
SIMILAR = (
    "Velgrad depot\n\n"
    "Firefighters in Velgrad were still on watch on Tuesday at the timber depot, the "
    "regional fire service said, while the owner counted the loss.\n"
)


def _wire_records(nlp, undated: str) -> list[DocumentRecord]:
    raws = [
        RawDocument("wire", WIRE, "wire.txt", "text", published="2025-06-10"),
        RawDocument("other", undated, "other.txt", "text"),
    ]
    return [record_from_doc(raw, nlp(raw.text)) for raw in raws]


def test_a_word_for_word_copy_takes_the_date_of_its_source(nlp) -> None:
    copy = "Reposted from the wire\n\n" + WIRE.split("\n\n", 1)[1]
    docs = _wire_records(nlp, copy)
    _link(docs)
    assert (docs[1].published, docs[1].published_basis, docs[1].published_from) == (
        "2025-06-10",
        "linked",
        "wire",
    )


def test_a_similar_report_does_not_lend_its_date(nlp) -> None:
    docs = _wire_records(nlp, SIMILAR)
    _link(docs)
    assert (docs[1].published, docs[1].published_basis, docs[1].published_from) == (
        None,
        None,
        None,
    )
    assert docs[1].figures == [] or all(f.as_of is None for f in docs[1].figures)


def test_an_unrelated_report_keeps_its_weekdays_open(nlp) -> None:
    other = "Lisk concert\n\nThe Lisk orchestra will play on Tuesday, its director said.\n"
    docs = _wire_records(nlp, other)
    _link(docs)
    assert docs[1].published is None
    assert all(t.value is None for t in docs[1].times if t.rule)


# -- ids and order --------------------------------------------------------------------------


def _shape(lk: Linked) -> list[tuple[str, str, str | None, list[str], bool]]:
    return sorted((e.id, e.type, e.date, e.documents, e.background) for e in lk.events)


def test_event_ids_survive_an_added_report(nlp) -> None:
    before = _link(_records(nlp, ["first", "history"]))
    after = _link(_records(nlp, ["first", "history", "third"]))
    shelling = [e.id for e in before.events if e.date == "2025-03-07"]
    assert shelling and shelling == [e.id for e in after.events if e.date == "2025-03-07"]
    assert all(e.id.startswith("ev-") for e in after.events)


def test_the_same_reports_in_any_order_give_the_same_events(nlp) -> None:
    names = ["first", "second", "third", "history"]
    expected = _link(_records(nlp, names))
    for seed in (1, 2, 3):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        got = _link(_records(nlp, shuffled))
        assert _shape(got) == _shape(expected)
        assert got.stories == expected.stories
        assert sorted(e.id for e in got.entities) == sorted(e.id for e in expected.entities)


# -- developments: what each report brings as news ----------------------------------------

STRIKE = (
    "Missile strike hits Velgrad station\n\n"
    "A missile strike hit the railway station in Velgrad on Wednesday, April 2, 2025, "
    "killing 20 people, the governor said.\n"
)
DENIAL = (
    "Corvenia denies strike on Velgrad station\n\n"
    "Corvenia's defence ministry denied that its forces carried out the missile strike on "
    "the railway station in Velgrad, which killed 20 people.\n"
)


def test_a_denial_is_news_of_its_own_and_its_figure_stays_with_the_strike(nlp) -> None:
    raws = [
        RawDocument("strike", STRIKE, "strike.txt", "text"),
        RawDocument("denial", DENIAL, "denial.txt", "text", published="2025-04-02"),
    ]
    docs = [record_from_doc(raw, nlp(raw.text)) for raw in raws]
    lk = _link(docs)
    strike = _event_of(docs, lk, "strike", 20)
    assert strike is not None and _event_of(docs, lk, "denial", 20) == strike
    (event,) = [e for e in lk.events if e.id == strike]
    assert event.documents == ["denial", "strike"]  # every report telling of it
    assert event.reported_in == ["strike"]  # the report whose news it is
    (denial,) = [e for e in lk.events if e.type == "denial"]
    assert denial.reported_in == ["denial"]
    exported = event.to_dict({d.name: d.text for d in docs})
    assert (exported["documents"], exported["mentioned_in"]) == (["strike"], ["denial", "strike"])


def test_a_date_of_saying_is_not_the_date_of_the_attack(nlp) -> None:
    text = "Officials said on Tuesday that the shelling of Dornik had killed 8 people.\n"
    (ev,) = [e for e in nlp(text)._.events if e.type == "shelling"]
    assert ev.date_text is None


def test_a_capital_standing_for_its_government_does_not_place_the_attack(nlp) -> None:
    texts = {
        "a": "Dornik said Valdorian guns shelled Lisk on Monday, March 3, 2025, killing 5.\n",
        "b": "The shelling of Lisk on Monday, March 3, 2025, killed 5 people, officials said.\n",
    }
    docs = [
        record_from_doc(RawDocument(n, t, f"{n}.txt", "text"), nlp(t)) for n, t in texts.items()
    ]
    lk = _link(docs)
    shelling = [e for e in lk.events if e.type == "shelling"]
    assert len(shelling) == 1 and shelling[0].documents == ["a", "b"]


def test_a_copy_of_a_denial_is_news_of_the_denial(nlp) -> None:
    copy = "Velgrad station: ministry statement\n\n" + DENIAL.split("\n\n", 1)[1]
    raws = [
        RawDocument("strike", STRIKE, "strike.txt", "text"),
        RawDocument("denial", DENIAL, "denial.txt", "text", published="2025-04-02"),
        RawDocument("copy", copy, "copy.txt", "text"),
    ]
    docs = [record_from_doc(raw, nlp(raw.text)) for raw in raws]
    lk = _link(docs)
    (denial,) = [e for e in lk.events if e.type == "denial"]
    assert denial.reported_in == ["copy", "denial"]
    assert docs[2].published == "2025-04-02"  # and its date, with basis linked
    texts = {d.name: d.text for d in docs}
    for m in denial.to_dict(texts)["mentions"]:  # each sentence from its own report
        assert m["sentence"] and m["sentence"] in texts[m["document"]]


TOLL = (
    "Velgrad toll rises to 31\n\n"
    "The death toll from the missile strike on the railway station in Velgrad climbed to 31 "
    "on Saturday, the governor said.\n"
)


def test_a_toll_given_days_later_is_news_of_its_own_and_of_the_strike(nlp) -> None:
    raws = [
        RawDocument("strike", STRIKE, "strike.txt", "text"),
        RawDocument("toll", TOLL, "toll.txt", "text"),
    ]
    docs = [record_from_doc(raw, nlp(raw.text)) for raw in raws]
    lk = _link(docs)
    strike = _event_of(docs, lk, "strike", 20)
    assert strike is not None and _event_of(docs, lk, "toll", 31) == strike
    (update,) = [e for e in lk.events if e.type == "toll_update"]
    assert update.reported_in == ["toll"]
    # a later toll counts the strike's dead again: a report of the strike too
    assert [e.reported_in for e in lk.events if e.id == strike] == [["strike", "toll"]]
