"""A long text is parsed by spaCy in pieces and joined back into one document
(`parallax.nlp.parse_long`): the pieces give back the exact text, the same tokens, and
extracted items whose offsets point at their own words in the whole text."""

from __future__ import annotations

import pytest

from parallax.nlp import LONG_TEXT, MAX_RUN, parse_long, parse_texts, split_pieces

PARAGRAPHS = [
    "VELGRAD (Wire) - At least 12 people were killed when a fuel depot exploded near the "
    "port of Velgrad on Tuesday, the Interior Ministry said.",
    '"We heard two blasts and then the windows broke," said Mira Kostova, a dock worker. '
    "She said rescuers were still searching the warehouses.",
    "Police chief Anton Brel said 30 people were injured. He said the cause of the fire "
    "was not yet known and that an inquiry had begun.",
    'Mayor Ilse Varga told reporters: "The city will rebuild the harbour." She added that '
    "schools in the district would stay closed until Friday.",
]


def _report(paragraphs: int) -> str:
    body = "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in range(paragraphs))
    return "Depot blast kills 12 in Velgrad\n\nBy Lena Hart\n\n" + body + "\n"


CASES = {
    "paragraphs": _report(40),
    "one paragraph": " ".join(PARAGRAPHS * 20),
    "unbalanced quotes": 'He said "no, ' * 400,
    "marks": '"' * 3_000,
    "mixed whitespace": ("word \t \n  " * 30 + "x" * 900 + "  \n") * 4,
    "long run then text": "y" * 2_500 + " and then some words. " * 40,
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("size", [100, 700, 2_000])
def test_pieces_join_to_the_text_and_cut_between_tokens(name: str, size: int) -> None:
    text = CASES[name]
    pieces = split_pieces(text, size)
    assert "".join(pieces) == text
    assert len(pieces) >= len(text) // size
    assert all(0 < len(piece) <= size for piece in pieces)
    for before, after in zip(pieces, pieces[1:], strict=False):
        # never inside a run of whitespace (the tokenizer makes one token of such a run)
        assert not (before[-1].isspace() and after[0].isspace())


def test_whitespace_free_stretch_is_cut_where_the_tokenizer_cuts() -> None:
    text = "Title\n\n" + '"' * 5_000
    pieces = split_pieces(text, 1_000)
    start = len(pieces[0])
    assert pieces[0] == "Title\n\n"  # the paragraph break first
    for piece in pieces[1:-1]:
        assert len(piece) % MAX_RUN == 0
    assert sum(len(p) for p in pieces[1:]) == 5_000 and start == 7


def _tokens(doc) -> list[tuple[int, str, str]]:  # noqa: ANN001
    return [(t.idx, t.text, t.whitespace_) for t in doc]


@pytest.mark.parametrize("name", ["paragraphs", "unbalanced quotes", "mixed whitespace"])
def test_joined_doc_has_the_text_and_tokens_of_the_whole(nlp, name: str) -> None:  # noqa: ANN001
    text = CASES[name]
    doc = parse_long(nlp, text, size=600)
    assert len(split_pieces(text, 600)) > 3
    assert doc.text == text
    assert _tokens(doc) == _tokens(nlp.make_doc(text))
    if name == "paragraphs":  # the whole text's header, not the last piece's
        assert doc._.header.title == "Depot blast kills 12 in Velgrad"


def test_extracted_items_point_at_their_words_in_the_whole_text(nlp) -> None:  # noqa: ANN001
    text = _report(40)
    doc = parse_long(nlp, text, size=600)
    quotes, figures = doc._.quotes, doc._.figures
    assert quotes and figures
    for q in quotes:
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text
    for f in figures:
        assert text[f.start : f.end] == f.text
    # the last paragraph's quote, in the last piece, is found at its place in the whole
    last = text.rindex("The city will rebuild the harbour.")
    assert any(q.start <= last < q.end and q.speaker == "Ilse Varga" for q in quotes)
    # and every paragraph's killed figure is found, not just the first piece's
    killed = [f for f in figures if f.metric == "killed" and f.value == 12]
    assert len(killed) >= 2 and killed[-1].start > len(text) // 2


def test_a_short_text_takes_the_whole_path_and_order_is_kept(nlp) -> None:  # noqa: ANN001
    short = _report(4)
    long = _report(40) * (LONG_TEXT // len(_report(40)) + 1)
    assert len(short) <= LONG_TEXT < len(long)
    docs = list(parse_texts(nlp, [long, short, long[:100]], batch_size=4))
    assert [d.text for d in docs] == [long, short, long[:100]]
    whole = nlp(short)
    assert _tokens(docs[1]) == _tokens(whole)
    assert [(e.start_char, e.label_) for e in docs[1].ents] == [
        (e.start_char, e.label_) for e in whole.ents
    ]
    assert [(q.start, q.speaker) for q in docs[1]._.quotes] == [
        (q.start, q.speaker) for q in whole._.quotes
    ]


def _event_calls(nlp, text: str) -> int:  # noqa: ANN001
    """Calls made by the events component on `text` (counted, never timed)."""
    import cProfile
    import pstats

    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "parallax_events":
            prof = cProfile.Profile()
            prof.enable()
            proc(doc)
            prof.disable()
            return int(pstats.Stats(prof).total_calls)  # type: ignore[attr-defined]
        doc = proc(doc)
    raise AssertionError("no parallax_events component")


def test_events_work_is_linear_in_a_long_paragraph(nlp) -> None:  # noqa: ANN001
    # the whole text was rebuilt for every sentence: quadratic on a 200 kB paragraph
    unit = "Shelling hit the depot in Dornik on Monday. The mayor said the fire was out. "
    small, large = unit * 25, unit * 100
    ratio = _event_calls(nlp, large) / _event_calls(nlp, small)
    assert ratio < 6.0  # four times the text; a quadratic loop gives about 16
