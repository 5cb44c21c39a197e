"""Helpers shared by the figure tests: the figures of a text, checked against their spans."""

from __future__ import annotations

from parallax.models import Figure


def figures_of(nlp, text: str) -> list[Figure]:
    figures = nlp(text)._.figures
    assert figures is not None
    for f in figures:
        assert text[f.start : f.end] == f.text
    return figures


def one(nlp, text: str) -> Figure:
    figures = figures_of(nlp, text)
    assert len(figures) == 1, figures
    return figures[0]
