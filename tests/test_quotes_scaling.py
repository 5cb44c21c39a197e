"""Sentence splitting and quote extraction do work linear in a report's length, however
its quotation marks fall (issue: a run of unbalanced marks made them quadratic).

The work is counted as function calls under cProfile (spaCy's Cython functions are
counted too), never timed: four times the text may cost at most about four times the
calls, where a quadratic loop costs sixteen.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable

import pytest

from parallax.extract.quotes import SpanIndex

# slack over a linear ratio of 4 (a quadratic loop gives about 16)
MAX_RATIO = 6.0


def _calls(fn: Callable[[], object]) -> int:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    return int(pstats.Stats(prof).total_calls)  # type: ignore[attr-defined]


def _work(nlp, text: str) -> tuple[int, int]:  # noqa: ANN001
    """Calls made by the sentence splitter and by the quotes component on `text`."""
    doc = nlp.make_doc(text)
    lines = quotes = 0
    for name, proc in nlp.pipeline:
        if name in ("parallax_lines", "parallax_quotes"):
            calls = _calls(lambda proc=proc, doc=doc: proc(doc))
            lines, quotes = (calls, quotes) if name == "parallax_lines" else (lines, calls)
        else:
            doc = proc(doc)
    return lines, quotes


UNBALANCED = 'He said "no, '
PLAIN = (
    "The minister said the ministry would reopen the bridge over the river next week. "
    "She said the ministry had paid for the repairs. "
)


@pytest.mark.parametrize(
    ("unit", "reps"),
    [(UNBALANCED, 60), ('"', 400), (PLAIN, 8)],
    ids=["unbalanced-quotes", "only-marks", "plain-paragraph"],
)
def test_work_is_linear_in_length(nlp, unit: str, reps: int) -> None:  # noqa: ANN001
    small = _work(nlp, "Title\n\n" + unit * reps)
    large = _work(nlp, "Title\n\n" + unit * reps * 4)
    for few, many in zip(small, large, strict=True):
        assert many <= MAX_RATIO * few, (few, many)


def test_unbalanced_marks_pair_without_swallowing_the_paragraph(nlp) -> None:  # noqa: ANN001
    quotes = nlp("Title\n\n" + UNBALANCED * 30)._.quotes
    assert quotes
    assert max(q.end - q.start for q in quotes) < 20  # each pair holds "no, He said "


def test_span_index_answers_as_a_scan_does() -> None:
    spans = [(0, 5), (3, 9), (12, 14), (20, 40), (22, 23)]
    index = SpanIndex(spans)
    for start in range(45):
        for end in range(start + 1, 46):
            inside = any(a <= start and end <= b for a, b in spans)
            overlaps = any(start < b and a < end for a, b in spans)
            assert index.inside(start, end) == inside, (start, end)
            assert index.overlaps(start, end) == overlaps, (start, end)


def test_mostly_marked_matches_its_definition() -> None:
    spans = [(2, 6), (10, 30), (31, 33), (40, 41)]
    index = SpanIndex(spans)
    for a in range(45):
        for b in range(a + 1, 46):
            expected = any(
                x <= a and y >= b - 1 or (a <= x and y <= b and (y - x) > 0.8 * (b - a))
                for x, y in spans
            )
            assert index.mostly_marked(a, b) == expected, (a, b)


def test_a_long_run_without_spaces_is_tokenized_in_bounded_pieces(nlp) -> None:  # noqa: ANN001
    from parallax.nlp import MAX_RUN, BoundedTokenizer

    seen: list[int] = []
    inner = nlp.tokenizer.tokenizer  # spaCy's own, inside the bounded one

    def recording(text: str):  # noqa: ANN202
        seen.append(max((len(w) for w in text.split()), default=0))
        return inner(text)

    text = 'Title\n\nHe said "no". ' + '"' * 5000 + " Then " + "x" * 450 + " end."
    doc = BoundedTokenizer(recording)(text)
    assert doc.text == text  # offsets unchanged
    assert max(seen) <= MAX_RUN  # spaCy never sees a stretch longer than the bound
    assert [t.text for t in doc[:4]] == ["Title", "\n\n", "He", "said"]
