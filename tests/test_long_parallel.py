"""A long text's pieces parsed in several processes at once (`parallax.nlp.parse_forked`)
give the document and the extracted items one process gives, and a copy that fails leaves
its pieces to the parent."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from conftest import GAZETTEER
from spacy.tokens import Doc

from parallax import nlp as nlp_module
from parallax.nlp import get_pipeline, parse_long

# Invented: Velgrad, Mira Kostova and Anton Brel do not exist.
PARAGRAPH = (
    'VELGRAD (Wire) - "We heard two blasts," said Mira Kostova, a dock worker. Police chief '
    'Anton Brel said 30 people were injured on Tuesday and 4 were killed. He said "no, '
)
TEXT = "Depot blast in Velgrad\n\n" + "\n\n".join([PARAGRAPH] * 24)  # 4 pieces of 1,000


def _items(doc: Doc) -> str:
    return repr([doc._.quotes, doc._.figures, doc._.times, doc._.mentions, doc._.events])


def test_pieces_parsed_in_three_processes_give_the_same_document() -> None:
    nlp = get_pipeline(None, (GAZETTEER,))
    alone = nlp_module.parse_pieces(nlp, TEXT, size=1_000, processes=1)
    shared = nlp_module.parse_pieces(nlp, TEXT, size=1_000, processes=3)
    assert shared.text == TEXT
    assert shared.to_bytes(exclude=["user_data"]) == alone.to_bytes(exclude=["user_data"])
    assert [t.ent_type_ for t in shared] == [t.ent_type_ for t in alone]
    assert [s.start for s in shared.sents] == [s.start for s in alone.sents]
    assert shared._.header == alone._.header
    assert _items(nlp_module.run_extractors(nlp, shared)) == _items(
        nlp_module.run_extractors(nlp, alone)
    )


def test_a_copy_that_fails_leaves_its_pieces_to_the_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The copies cannot send their pieces (serialising fails in them): the parent parses
    every piece itself, to the same document."""
    nlp = get_pipeline(None, (GAZETTEER,))

    class Broken:
        loads = staticmethod(pickle.loads)

        @staticmethod
        def dumps(value: Any) -> bytes:
            raise RuntimeError("cannot send")

    expected = _items(parse_long(nlp, TEXT, size=1_000, processes=1))
    monkeypatch.setattr(nlp_module, "pickle", Broken)
    assert _items(parse_long(nlp, TEXT, size=1_000, processes=2)) == expected


def test_one_process_per_core_never_more_than_pieces() -> None:
    assert nlp_module._processes(1, None) == 1
    assert nlp_module._processes(5, 2) == 2
    assert nlp_module._processes(2, 8) == 2
