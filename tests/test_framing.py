"""Framing: contested terms, who uses them, and whether the report keeps its distance.
Sentences invented for the tests (the fictional world of examples/)."""

from __future__ import annotations

import pytest

from parallax.extract.framing import find_framing
from parallax.models import DocumentRecord, Quote
from parallax.reconcile import framing


def _quote(text: str, body: str, speaker: str, kind: str = "direct") -> Quote:
    start = body.index(text)
    return Quote(text, start, start + len(text), kind, speaker=speaker, cue="said")


@pytest.mark.parametrize(
    ("text", "term", "distanced", "how"),
    [
        ("Valdoria launched what it calls an anti-terror operation in Dornik.",
         "anti-terror operation", True, "what_x_calls"),
        ("The so-called humanitarian corridor to Lisk stayed closed.",
         "humanitarian corridor", True, "so_called"),
        ("Troops opened a \u201chumanitarian corridor\u201d on Monday.",
         "humanitarian corridor", True, "scare_quotes"),
        ("Valdoria called its strikes a \u201ccounter-terrorist operation\u201d.",
         "anti-terror operation", True, "attributed"),
        ("The ethnic cleansing of Ostravia must be stopped.", "ethnic cleansing", False, None),
    ],
)  # fmt: skip
def test_distancing(text: str, term: str, distanced: bool, how: str | None) -> None:
    (use,) = find_framing(text, [])
    assert (use.term, use.distanced, use.how) == (term, distanced, how)
    assert text[use.start : use.end] == use.text


def test_what_x_calls_names_the_user() -> None:
    text = "The army imposed what aid groups are calling a genocidal blockade on Dornik."
    (use,) = find_framing(text, [])
    assert use.user == "aid groups" and use.term == "genocide"


def test_user_is_the_speaker_of_the_statement() -> None:
    body = "\u201cThis is genocide against our people,\u201d said Ada Quill."
    quote = _quote("This is genocide against our people,", body, "Ada Quill")
    (use,) = find_framing(body, [quote])
    assert use.user == "Ada Quill" and not use.distanced


def test_plain_prose_has_no_contested_term() -> None:
    assert find_framing("Aid trucks reached Lisk on Tuesday after a long wait.", []) == []


def _doc(name: str, text: str, quotes: list[Quote]) -> DocumentRecord:
    return DocumentRecord(name, text, "0" * 64, f"{name}.txt", "text", quotes=quotes)


def test_terms_used_by_one_side_only() -> None:
    a = "\u201cOur anti-terror operation is over,\u201d said Ivo Brandt."
    b = "\u201cThis is ethnic cleansing,\u201d said Ada Quill. Ostravia speaks of ethnic cleansing."
    docs = [
        _doc("a", a, [_quote("Our anti-terror operation is over,", a, "Ivo Brandt")]),
        _doc("b", b, [_quote("This is ethnic cleansing,", b, "Ada Quill")]),
    ]
    table = {t["term"]: t for t in framing(docs)}
    assert table["anti-terror operation"]["users"] == ["Ivo Brandt"]
    assert table["anti-terror operation"]["one_sided"] is True
    cleansing = table["ethnic cleansing"]
    assert (
        cleansing["users"] == ["Ada Quill"] and cleansing["one_sided"] is False
    )  # also the report's own words
    assert len(cleansing["uses"]) == 2 and cleansing["documents"] == ["b"]


def test_the_framing_component_runs_in_another_pipeline() -> None:
    import spacy

    import parallax.extract.framing  # noqa: F401  (registers the component)

    nlp = spacy.blank("en")
    nlp.add_pipe("parallax_framing")
    doc = nlp("Valdoria called its strikes a \u201ccounter-terrorist operation\u201d.")
    (use,) = doc._.framing
    assert (use.term, use.how) == ("anti-terror operation", "attributed")
