"""One view model for the report, the server and `summary`, with every correction
applied once: an event's framing, a corrected range's independent sources, verdicts on
events and entities, `summary` after corrections, one map of one event. A small invented
record stored by hand (no NLP)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import client

from parallax.crossdoc.record import (
    Claim,
    Entity,
    EntityMention,
    Event,
    EventMentionRef,
    Framing,
    FramingUse,
    Range,
    Record,
    Source,
)
from parallax.crossdoc.view import View
from parallax.export import build_export
from parallax.models import DocumentRecord
from parallax.report import _build_view, svg_map
from parallax.serve import views
from parallax.store import Correction, Store

# Invented: Dornik, Lisk, Ostravia, the Meridian Wire and the Dornik Herald do not exist.
WIRE = "Guns shelled the market in Dornik on Monday, killing 12 people, the council said.\n"
HERALD = (
    "Guns shelled the market in Dornik on Monday, killing 20 people, police said. "
    "Critics called it a massacre.\n\nAid waited at Lisk.\n"
)
TEXTS = {"wire.txt": WIRE, "copy.txt": WIRE + "\n", "herald.txt": HERALD}


def _sha(name: str) -> str:
    return hashlib.sha256(TEXTS[name].encode()).hexdigest()


def _claim(doc: str, value: int, claimant: str) -> Claim:
    start = TEXTS[doc].index(str(value))
    # an older store kept no independent source on its claims
    return Claim(value, "exact", doc, f"killing {value} people", start, start + 2, claimant)


def _mention(doc: str) -> EventMentionRef:
    text = TEXTS[doc]
    place = text.index("Dornik")
    return EventMentionRef(doc, "e0", "shelling", "shelled", 5, 12, 0, text.index(".") + 1,
                           None, {"location": [place, place + 6]}, text[: text.index(".") + 1])  # fmt: skip


def _place(name: str, lat: float, lon: float, *where: tuple[str, int]) -> Entity:
    mentions = [EntityMention(d, s, s + len(name), name) for d, s in where]
    ent_id = "ent-" + name.lower()
    return Entity(
        ent_id, name, "place", [], lat, lon, "town", sorted({d for d, _ in where}), mentions
    )


def _record() -> Record:
    docs = list(TEXTS)
    shelling = Event("ev-shelling", "shelling", "Shelling", None, "2031-03-03", "day", "Dornik",
                     "Valdoria", None, docs, docs, False, [_mention(d) for d in docs])  # fmt: skip
    claims = [_claim("wire.txt", 12, "council"), _claim("copy.txt", 12, "council"),
              _claim("herald.txt", 20, "police")]  # fmt: skip
    killed = Range("ev-shelling", "killed", None, None, 12, 12, 20, False, "rule", 3, 2, None,
                   claims)  # fmt: skip
    massacre = HERALD.index("massacre")
    framing = Framing("massacre", ["Critics"], ["herald.txt"], [], True,
                      [FramingUse("herald.txt", "Critics", "massacre", massacre, massacre + 8,
                                  False, "own_word", "ev-shelling")])  # fmt: skip
    return Record(
        entities=[
            _place("Dornik", 47.05, 21.42, *((d, TEXTS[d].index("Dornik")) for d in docs)),
            _place("Lisk", 48.47, 22.18, ("herald.txt", HERALD.index("Lisk"))),
        ],
        events=[shelling],
        ranges=[killed],
        sources=[
            Source("Meridian Wire", "near_duplicate", ["wire.txt", "copy.txt"]),
            Source("Dornik Herald", "own", ["herald.txt"]),
        ],  # fmt: skip
        framing=[framing],
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "view.db"
    with Store(path) as store:
        for name, text in TEXTS.items():
            store.add(DocumentRecord(name, text, _sha(name), name, "text"))
        store.save_record(_record())
    return path


def _mark(db: Path, doc: str, kind: str, start: int, end: int, value: str = "wrong") -> None:
    with Store(db) as store:
        store.add_correction(Correction(_sha(doc), kind, start, end, "verdict", value))


def _export(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        return build_export(store)


def test_the_event_page_shows_its_framing(db: Path) -> None:
    export = _export(db)
    (event,) = export["events"]
    lines = views.framing(export, event)
    assert lines and "massacre" in lines[0] and "Critics" in lines[0]
    # the report writes the same lines for the event
    (report_event,) = _build_view(export).events
    assert report_event.framing == lines


def test_a_corrected_range_counts_wire_copies_once(db: Path) -> None:
    claim = _claim("herald.txt", 20, "police")
    _mark(db, "herald.txt", "figure", claim.start, claim.end)
    (rng,) = _export(db)["discrepancies"]
    assert rng["corrected"] and [v["value"] for v in rng["values"]] == [12, 12]
    # two reports, one story: one independent source
    assert rng["sources"] == 2 and rng["independent_sources"] == 1
    assert (rng["low"], rng["best"], rng["high"]) == (12, 12, 12)


def test_a_wrong_event_mention_leaves_its_event(db: Path) -> None:
    _mark(db, "herald.txt", "event", 5, 12)
    export = _export(db)
    (event,) = export["events"]
    assert "herald.txt" not in event["mentioned_in"] and "herald.txt" not in event["documents"]
    assert sorted(m["document"] for m in event["mentions"]) == ["copy.txt", "wire.txt"]
    assert any(r["kind"] == "event" and r["document"] == "herald.txt" for r in export["rejected"])
    for doc in ("wire.txt", "copy.txt"):
        _mark(db, doc, "event", 5, 12)
    assert _export(db)["events"] == []  # no report tells it any more


def test_a_wrong_entity_mention_leaves_its_entity(db: Path) -> None:
    _mark(db, "herald.txt", "mention", HERALD.index("Lisk"), HERALD.index("Lisk") + 4)
    _mark(db, "wire.txt", "mention", WIRE.index("Dornik"), WIRE.index("Dornik") + 6, "correct")
    export = _export(db)
    assert [e["canonical"] for e in export["entities"]] == ["Dornik"]
    (dornik,) = export["entities"]
    reviewed = [m for m in dornik["mentions"] if m.get("review") == "correct"]
    assert [m["document"] for m in reviewed] == ["wire.txt"]


def test_summary_applies_corrections(db: Path, cli: Any) -> None:
    before = cli("summary", db).output
    assert "police" in before and "20" in before
    claim = _claim("herald.txt", 20, "police")
    _mark(db, "herald.txt", "figure", claim.start, claim.end)
    after = cli("summary", db).output
    assert "police" not in after  # the claim marked wrong is no disagreement any more
    assert "Figures where sources disagree" not in after


def test_report_and_server_draw_the_same_places(db: Path) -> None:
    export = _export(db)
    (event,) = export["events"]
    (report_event,) = _build_view(export).events
    page = views.event_view(export, [], [], event["id"])
    assert page is not None
    assert [p.name for p in report_event.places] == ["Dornik"]
    assert str(page["map"]) == svg_map(report_event.places)  # one drawing of one map
    # Lisk is named by a report of the event, but the event did not happen there
    assert [p.name for p in View(export).places(event)] == ["Dornik"]


def test_the_event_page_renders_framing_and_one_place(db: Path) -> None:
    web = client(db)
    page = web.get("/event/ev-shelling").text
    assert "massacre" in page
    assert ">Lisk<" not in page and "Dornik" in page
