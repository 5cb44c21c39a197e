"""A small invented corpus stored by hand (no NLP) with a typed cross-document record:
two reports of one flood in Selm Reach giving different death tolls, and a contradiction."""

from __future__ import annotations

import hashlib
from pathlib import Path

from parallax.crossdoc.record import (
    Claim,
    Contradiction,
    Entity,
    EntityMention,
    Event,
    EventMentionRef,
    Range,
    Record,
    Side,
    Source,
    Speaker,
)
from parallax.models import DocumentRecord, EventMention, Figure, Quote
from parallax.store import Store

# Invented: Selm Reach, Brannock, Ada Quill and Tor Vennick do not exist.
LEDGER = (
    "At least 7 people were killed when the river flooded Selm Reach on Monday, police said. "
    '"The dam held until noon," said Ada Quill, the mayor.'
)
HERALD = (
    "Nine people were killed in the Selm Reach flood, Tor Vennick of the rescue service said. "
    '"The dam broke at dawn," Vennick said.'
)
TEXTS = {"ledger.txt": LEDGER, "herald.txt": HERALD}
EVENT = "ev-flood-selm-reach"


def _at(doc: str, fragment: str) -> tuple[int, int]:
    start = TEXTS[doc].index(fragment)
    return start, start + len(fragment)


def report(name: str) -> DocumentRecord:
    """One report with a quote, a figure of the flood and the flood's event mention."""
    text = TEXTS[name]
    fig = "At least 7 people were killed" if name == "ledger.txt" else "Nine people were killed"
    f0, f1 = _at(name, fig)
    q0, q1 = _at(name, "The dam held until noon," if name == "ledger.txt" else "The dam broke")
    k0, k1 = _at(name, "killed")
    speaker = "Ada Quill" if name == "ledger.txt" else "Tor Vennick"
    return DocumentRecord(
        name=name,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        source=name,
        format="text",
        title=f"Flood in Selm Reach ({name})",
        quotes=[Quote(text[q0:q1], q0, q1, "direct", speaker=speaker)],
        figures=[
            Figure(
                text[f0:f1],
                f0,
                f1,
                "killed",
                7 if name == "ledger.txt" else 9,
                "exact",
                claimant="police" if name == "ledger.txt" else speaker,
                event="e0",
            ),
        ],  # fmt: skip
        events=[EventMention("e0", "flood", "killed", k0, k1, 0, text.index(".") + 1)],
    )


def _claim(doc: str, value: int, claimant: str) -> Claim:
    fig = report(doc).figures[0]
    return Claim(value, "exact", doc, fig.text, fig.start, fig.end, claimant, counted=True)


def record() -> Record:
    docs = list(TEXTS)
    mentions = [
        EventMentionRef(d, "e0", "flood", "killed", *_at(d, "killed"), 0,
                        TEXTS[d].index(".") + 1, "2031-05-05", {}, TEXTS[d].split(".")[0])
        for d in docs
    ]  # fmt: skip
    flood = Event(EVENT, "flood", "Flood", None, "2031-05-05", "day", "Selm Reach", None,
                  None, docs, docs, False, mentions)  # fmt: skip
    killed = Range(EVENT, "killed", None, None, 7, 8, 9, False, "median", 2, 2, None,
                   [_claim("ledger.txt", 7, "police"), _claim("herald.txt", 9, "Tor Vennick")])  # fmt: skip
    place = Entity(
        "place-selm-reach", "Selm Reach", "place", [], 51.25, -3.0, "town", docs,
        [EntityMention(d, *_at(d, "Selm Reach"), "Selm Reach") for d in docs],
    )  # fmt: skip
    dam = Contradiction(
        "incompatible_account", EVENT,
        Side("The dam held until noon,", "Ada Quill", "ledger.txt", *_at("ledger.txt", "The dam held until noon,")),
        Side("The dam broke", "Tor Vennick", "herald.txt", *_at("herald.txt", "The dam broke")),
        "the dam", docs,
    )  # fmt: skip
    return Record(
        entities=[place],
        events=[flood],
        ranges=[killed],
        contradictions=[dam],
        speakers=[
            Speaker(
                "spk-ada-quill",
                "Ada Quill",
                "person",
                None,
                ["mayor"],
                [],
                ["ledger.txt"],
                [{"document": "ledger.txt"}],
            )
        ],  # fmt: skip
        sources=[Source("Ledger", "own", ["ledger.txt"]), Source("Herald", "own", ["herald.txt"])],
        documents=[report(d) for d in docs],
    )


def stored(path: Path) -> Path:
    """A database holding the two reports and their record."""
    with Store(path) as store:
        for name in TEXTS:
            store.add(report(name))
        rec = record()
        for doc in rec.documents:
            doc.id = next(d.id for d in store.documents() if d.name == doc.name)
        assert store.save_record(rec)
    return path
