"""Quotes and statements with their speakers (doc._.quotes of the full pipeline).

Sentences are invented, set in the fictional world of examples/ (Valdoria, Ostravia,
Dornik, Corvenia, Lisk); the people are invented too."""

from __future__ import annotations

import pytest

from parallax.models import Quote

DIRECT = '"The water supply in Dornik has been cut for three days," Mira Tessik said.'
INVERTED = '"The water supply in Dornik has been cut for three days," said Mira Tessik.'
MULTI = (
    "Petar Lukic, the mayor of Lisk, spoke to reporters on the bridge. "
    '"We have opened every school to the families," he said. "Nobody will sleep outside tonight."'
)
PARTIAL = 'Mira Tessik said the convoy was "stuck at the bridge" near Lesnya.'
BLOCK = (
    "Defence Minister Petar Lukic visited the garrison in Tarnov on Friday. "
    "Asked about the convoy, the minister said:\n\n"
    "Our patrols will stay on the road until the last truck has crossed the river safely.\n"
)
INDIRECT = "Jana Petrova said that the bridge at Lesnya had been closed to all traffic."
DENIAL = "The Valdorian army denied shelling the hospital in Dornik."
APPEAL = "Corvenia called on Valdoria to withdraw its troops from the border."
ACCORDING = "The road to Lisk was closed for two days, according to Ivo Brandt."
COMPILED = (
    "At least 9 people were killed, according to figures compiled by the Dornik health office."
)
RELAYED = (
    "The army had finished its withdrawal from Tarnov, "
    "the defence ministry said in a statement reported by Lisk Courier."
)
NO_SPACE = (
    'Tomas Berg spoke to us last week."This is the worst winter I have seen in Dornik," he said.'
    "\n\nThe market in Dornik reopened on Friday."
)
UNBALANCED = (
    'Mira Tessik said "the shelter in Lisk is nearly full.\n\n'
    "The market in Dornik reopened on Friday, officials said.\n"
)
UNBALANCED_OPENING = (
    '"The shelter in Lisk is nearly full, Mira Tessik told reporters.\n\n'
    "The market in Dornik reopened on Friday, officials said.\n"
)
GROUP = "Ivo Brandt and Jana Petrova said the talks in Lisk would resume next month."
GOVERNMENT = "Valdoria's government said the border crossing at Tarnov would reopen on Monday."
NOT_SAID = "Valdorian officials did not say whether they would attend the talks in Lisk."

ALL_TEXTS = [
    DIRECT,
    INVERTED,
    MULTI,
    PARTIAL,
    BLOCK,
    INDIRECT,
    DENIAL,
    APPEAL,
    ACCORDING,
    COMPILED,
    RELAYED,
    NO_SPACE,
    UNBALANCED,
    UNBALANCED_OPENING,
    GROUP,
    GOVERNMENT,
]


def quotes_of(nlp, text: str) -> list[Quote]:
    quotes = nlp(text)._.quotes
    assert quotes is not None
    return quotes


def one(nlp, text: str, kind: str | None = None) -> Quote:
    quotes = [q for q in quotes_of(nlp, text) if kind is None or q.kind == kind]
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_direct_quote_speaker_after(nlp) -> None:
    q = one(nlp, DIRECT)
    assert q.kind == "direct"
    assert q.text == "The water supply in Dornik has been cut for three days"
    assert q.speaker == "Mira Tessik"
    assert DIRECT[q.speaker_start : q.speaker_end] == "Mira Tessik"
    assert q.cue == "said"


def test_inverted_direct_quote(nlp) -> None:
    q = one(nlp, INVERTED)
    assert q.kind == "direct"
    assert q.text == "The water supply in Dornik has been cut for three days"
    assert q.speaker == "Mira Tessik"
    assert INVERTED[q.speaker_start : q.speaker_end] == "Mira Tessik"


def test_curly_quotation_marks(nlp) -> None:
    text = "\u201cThe water supply in Dornik has been cut for three days,\u201d said Mira Tessik."
    q = one(nlp, text)
    assert (q.kind, q.speaker) == ("direct", "Mira Tessik")
    assert q.text == "The water supply in Dornik has been cut for three days"


def test_multi_segment_around_an_inverted_attribution(nlp) -> None:
    text = (
        '"We have opened every school to the families," said Petar Lukic, the mayor of Lisk. '
        '"Nobody will sleep outside tonight."'
    )
    quotes = quotes_of(nlp, text)
    assert [q.speaker for q in quotes] == ["Petar Lukic", "Petar Lukic"]
    assert quotes[1].text == "Nobody will sleep outside tonight."


def test_multi_segment_quote_shares_the_resolved_speaker(nlp) -> None:
    quotes = quotes_of(nlp, MULTI)
    assert [q.text for q in quotes] == [
        "We have opened every school to the families",
        "Nobody will sleep outside tonight.",
    ]
    assert all(q.kind == "direct" for q in quotes)
    assert all(q.speaker == "Petar Lukic" for q in quotes)
    assert all(q.speaker_text == "he" for q in quotes)


def test_partial_quote_inside_a_sentence(nlp) -> None:
    q = one(nlp, PARTIAL, kind="partial")
    assert q.text == "stuck at the bridge"
    assert q.speaker == "Mira Tessik"


def test_block_quote_after_said_colon(nlp) -> None:
    q = one(nlp, BLOCK, kind="block")
    assert q.text == (
        "Our patrols will stay on the road until the last truck has crossed the river safely."
    )
    assert q.speaker_text == "the minister"
    assert q.cue == "said"
    # the introducing sentence is not an indirect statement of its own
    assert [x.kind for x in quotes_of(nlp, BLOCK)] == ["block"]


def test_block_quote_speaker_is_the_named_minister(nlp) -> None:
    assert one(nlp, BLOCK, kind="block").speaker == "Petar Lukic"


def test_indirect_said_that(nlp) -> None:
    q = one(nlp, INDIRECT)
    assert q.kind == "indirect"
    assert q.text == "the bridge at Lesnya had been closed to all traffic"
    assert q.speaker == "Jana Petrova"


def test_denial_keeps_the_verb(nlp) -> None:
    q = one(nlp, DENIAL)
    assert q.kind == "indirect"
    assert q.text == "denied shelling the hospital in Dornik"
    assert q.cue == "denied"
    assert q.speaker == "Valdorian army"


def test_call_on_someone_to_act(nlp) -> None:
    q = one(nlp, APPEAL)
    assert q.kind == "indirect"
    assert q.text == "to withdraw its troops from the border"
    assert q.speaker == "Corvenia"
    assert q.cue == "called"


def test_according_to_a_person(nlp) -> None:
    q = one(nlp, ACCORDING)
    assert q.text == "The road to Lisk was closed for two days"
    assert q.speaker == "Ivo Brandt"
    assert q.cue == "according to"


def test_according_to_at_the_start(nlp) -> None:
    q = one(nlp, "According to Ivo Brandt, the road to Lisk was closed for two days.")
    assert q.text == "the road to Lisk was closed for two days"
    assert q.speaker == "Ivo Brandt"


def test_according_to_figures_compiled_by(nlp) -> None:
    q = one(nlp, COMPILED)
    assert q.text == "At least 9 people were killed"
    assert q.speaker == "Dornik health office"
    assert q.speaker_text == "the Dornik health office"


def test_statement_relayed_by_an_outlet(nlp) -> None:
    q = one(nlp, RELAYED)
    assert q.text == "The army had finished its withdrawal from Tarnov"
    assert q.speaker == "defence ministry"
    assert q.via == "Lisk Courier"


def test_missing_space_before_opening_mark(nlp) -> None:
    quotes = quotes_of(nlp, NO_SPACE)
    direct = [q for q in quotes if q.kind == "direct"]
    assert [q.text for q in direct] == ["This is the worst winter I have seen in Dornik"]
    assert direct[0].speaker == "Tomas Berg"


@pytest.mark.parametrize("text", [NO_SPACE, UNBALANCED, UNBALANCED_OPENING])
def test_no_quote_spans_a_paragraph_break(nlp, text: str) -> None:
    quotes = quotes_of(nlp, text)
    assert quotes
    for q in quotes:
        assert "\n" not in text[q.start : q.end], q


def test_unbalanced_mark_keeps_later_paragraph_apart(nlp) -> None:
    quotes = quotes_of(nlp, UNBALANCED)
    later = [q for q in quotes if q.text == "The market in Dornik reopened on Friday"]
    assert len(later) == 1
    assert later[0].speaker == "officials"


def test_group_subject(nlp) -> None:
    q = one(nlp, GROUP)
    assert q.text == "the talks in Lisk would resume next month"
    assert "Ivo Brandt" in q.speaker and "Jana Petrova" in q.speaker
    assert q.speaker_type == "group"


def test_country_government_is_the_country(nlp) -> None:
    q = one(nlp, GOVERNMENT)
    assert q.speaker == "Valdoria"
    assert q.speaker_type == "country"


def test_known_country_government_is_the_country(nlp) -> None:
    q = one(nlp, "France's government said the border crossing at Lyon would reopen on Monday.")
    assert (q.speaker, q.speaker_type) == ("France", "country")


def test_negated_say_is_not_a_statement(nlp) -> None:
    assert quotes_of(nlp, NOT_SAID) == []


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_offsets_slice_the_text(nlp, text: str) -> None:
    quotes = quotes_of(nlp, text)
    assert quotes
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None:
            assert q.speaker_end is not None
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text


def test_it_refers_to_the_organisation_subject_of_the_sentence_before(nlp) -> None:
    text = (
        "The Valdorian defence ministry denied the allegation. "
        "It said its units had observed the ceasefire.\n"
    )
    quotes = [q for q in nlp(text)._.quotes if q.speaker_text == "It"]
    assert len(quotes) == 1
    assert quotes[0].speaker == "Valdorian defence ministry"
