"""Attribution beyond the plain "X said": beliefs, intentions, object and topic
statements, inserted cues, other quotation conventions, speakers' roles.

Sentences are invented, set in the fictional world of examples/ (Valdoria, Ostravia,
Dornik, Corvenia, Lisk); the people are invented too."""

from __future__ import annotations

import pytest
from test_quotes import one, quotes_of

from parallax.models import Quote


def mention(text: str, q: Quote) -> str:
    assert q.speaker_start is not None and q.speaker_end is not None
    return text[q.speaker_start : q.speaker_end]


# -- reported content without quotation marks --------------------------------------


def test_a_finding_reported_with_a_clause(nlp) -> None:
    text = "A new survey shows that most families in Dornik have no heating."
    q = one(nlp, text)
    assert q.kind == "indirect"
    assert q.text == "most families in Dornik have no heating"
    assert mention(text, q) == "A new survey"


def test_a_belief_is_attributed_to_its_holder(nlp) -> None:
    text = "Jana Petrova believes the bridge at Lesnya will reopen in May."
    q = one(nlp, text)
    assert q.text == "the bridge at Lesnya will reopen in May"
    assert q.speaker == "Jana Petrova"


def test_a_vow_to_act(nlp) -> None:
    text = "Petar Lukic vowed to rebuild the bridge at Lesnya before the winter."
    q = one(nlp, text)
    assert q.text == "to rebuild the bridge at Lesnya before the winter"
    assert (q.speaker, q.cue) == ("Petar Lukic", "vowed")


def test_a_condemnation_reports_its_object(nlp) -> None:
    text = "Jana Petrova condemned the shelling of the market in Dornik."
    q = one(nlp, text)
    assert q.text == "the shelling of the market in Dornik"
    assert q.speaker == "Jana Petrova"


def test_called_someone_something(nlp) -> None:
    text = "Ivo Brandt called the blockade of the port a crime against the villagers."
    q = one(nlp, text)
    assert q.text == "the blockade of the port a crime against the villagers"
    assert q.speaker == "Ivo Brandt"


def test_called_for_something(nlp) -> None:
    text = "Ivo Brandt called for an independent inquiry into the shelling."
    q = one(nlp, text)
    assert q.text == "an independent inquiry into the shelling"
    assert q.cue == "called"


def test_spoke_about_a_topic(nlp) -> None:
    text = "Petar Lukic spoke about the blockade of the port at length."
    assert one(nlp, text).text == "the blockade of the port"


def test_speaking_somewhere_is_not_a_statement(nlp) -> None:
    assert quotes_of(nlp, "Petar Lukic spoke to reporters on the bridge in Lisk.") == []


def test_a_pronoun_object_is_no_content(nlp) -> None:
    assert quotes_of(nlp, "Petar Lukic mentioned it.") == []


def test_inserted_attribution_splits_the_content(nlp) -> None:
    text = "The bridge, Petar Lukic said, was closed on Friday by the army."
    quotes = quotes_of(nlp, text)
    assert [q.text for q in quotes] == ["The bridge", "was closed on Friday by the army"]
    assert {q.speaker for q in quotes} == {"Petar Lukic"}
    assert {(q.speaker_start, q.speaker_end) for q in quotes} == {(12, 23)}


def test_attribution_at_the_end_after_a_comma(nlp) -> None:
    text = "The talks in Lisk will resume next week, Jana Petrova said, though no date was set."
    q = quotes_of(nlp, text)[0]
    assert q.text.startswith("The talks in Lisk will resume next week")
    assert q.speaker == "Jana Petrova"


# -- quotation conventions --------------------------------------------------------


def test_doubled_apostrophes_are_quotation_marks(nlp) -> None:
    text = "''The bridge will stay closed until the spring,'' Ivo Brandt said."
    q = one(nlp, text)
    assert (q.kind, q.speaker) == ("direct", "Ivo Brandt")
    assert q.text == "The bridge will stay closed until the spring"


def test_an_apostrophe_is_not_a_quotation_mark(nlp) -> None:
    text = "The mayors' convoy reached Lisk, Ivo Brandt's office said."
    assert all(q.kind != "direct" for q in quotes_of(nlp, text))


def test_partial_quote_on_a_verb_that_is_not_a_speech_verb(nlp) -> None:
    text = 'Jana Petrova condemned the shelling as "reckless and cruel" on Friday.'
    q = one(nlp, text, kind="partial")
    assert q.text == "reckless and cruel"
    assert q.speaker == "Jana Petrova"


def test_question_answered_by_a_short_sentence(nlp) -> None:
    text = (
        "The council met in Lisk on Monday.\n\n"
        "\u201cWho will pay for the new bridge over the river?\u201d Ivo Brandt asked."
    )
    q = one(nlp, text, kind="direct")
    assert q.speaker == "Ivo Brandt"


def test_quote_signed_with_a_dash(nlp) -> None:
    text = (
        "Readers in Lisk wrote to us this week.\n\n"
        "\u201cWe will rebuild the whole market before the winter comes.\u201d \u2015 Ana Varga\n"
        "\u201cNobody asked the villages about the dam at all.\u201d \u2014 Tomas Berg, farmer\n"
    )
    quotes = quotes_of(nlp, text)
    assert [(q.kind, q.speaker) for q in quotes] == [
        ("direct", "Ana Varga"),
        ("direct", "Tomas Berg"),
    ]
    assert mention(text, quotes[1]) == "Tomas Berg"


def test_transcript_lines_name_their_speaker(nlp) -> None:
    text = (
        "Petar Lukic and Jana Petrova met for a debate in Lisk.\n\n"
        "MODERATOR: Thank you both for coming tonight.\n\n"
        "LUKIC: The bridge will reopen in May, whatever the council says.\n"
    )
    quotes = [q for q in quotes_of(nlp, text) if q.cue == ":"]
    assert [q.speaker for q in quotes] == ["Moderator", "Petar Lukic"]
    assert quotes[1].text == "The bridge will reopen in May, whatever the council says."
    assert mention(text, quotes[1]) == "LUKIC"


def test_headline_names_its_speaker_before_a_colon(nlp) -> None:
    text = (
        "Lukic: Bridge at Lesnya will reopen in May\n\n"
        "By Ione Marsh\n\n"
        "Petar Lukic told the council in Lisk on Monday that the repairs were on time.\n"
    )
    q = quotes_of(nlp, text)[0]
    assert q.text == "Bridge at Lesnya will reopen in May"
    assert q.speaker == "Petar Lukic"


def test_headline_with_a_speech_verb(nlp) -> None:
    text = (
        "Petrova says talks on the Lesnya bridge will resume\n\n"
        "Jana Petrova spoke in Lisk on Monday.\n"
    )
    q = quotes_of(nlp, text)[0]
    assert q.text == "talks on the Lesnya bridge will resume"
    assert q.speaker == "Jana Petrova"


# -- speakers: titles and affiliations kept apart from names -------------------------


@pytest.mark.parametrize(
    ("text", "name", "role", "affiliation"),
    [
        (
            "Valdorian Defence Minister Petar Lukic said the army had left Tarnov.",
            "Petar Lukic",
            "Defence Minister",
            "Valdoria",
        ),
        (
            "Ivo Brandt, the mayor of Lisk, said the bridge was closed.",
            "Ivo Brandt",
            "mayor",
            "Lisk",
        ),
        (
            "Valdoria's president, Jana Petrova, said the operation was over.",
            "Jana Petrova",
            "president",
            "Valdoria",
        ),
        (
            "Former President Ivo Brandt said the talks were useful.",
            "Ivo Brandt",
            "Former President",
            None,
        ),
    ],
)
def test_role_and_affiliation_apart_from_the_name(nlp, text, name, role, affiliation) -> None:
    q = one(nlp, text)
    assert q.speaker == name
    assert (q.speaker_role, q.speaker_affiliation) == (role, affiliation)


def test_a_pronoun_speaker_takes_the_role_of_its_person(nlp) -> None:
    text = (
        "Ivo Brandt, the mayor of Lisk, visited the bridge. He said the repairs would take a month."
    )
    q = one(nlp, text)
    assert (q.speaker, q.speaker_text, q.speaker_role) == ("Ivo Brandt", "He", "mayor")


def test_a_person_without_a_title_has_no_role(nlp) -> None:
    q = one(nlp, "Ivo Brandt said the talks were useful.")
    assert (q.speaker_role, q.speaker_affiliation) == (None, None)


def test_inverted_said_before_a_colon(nlp) -> None:
    text = (
        "The council met on Monday. Said Lukic: \u201cI do not think the bank wants reform.\u201d"
    )
    q = one(nlp, text, kind="direct")
    assert (q.speaker, q.cue) == ("Lukic", "said")
    assert mention(text, q) == "Lukic"


def test_a_statement_noun_speaks_for_its_holder(nlp) -> None:
    text = (
        "Petar Lukic spoke on Monday. Contrary to his claim that people would "
        '"learn nothing", the hearing was useful.'
    )
    q = one(nlp, text, kind="partial")
    assert q.text == "learn nothing"
    assert (q.speaker, q.speaker_text, q.cue) == ("Petar Lukic", "his", "claim")


def test_a_statement_calling_something_speaks_for_its_issuer(nlp) -> None:
    text = 'The Lisk council issued a statement calling the shelling "a clear violation".'
    q = one(nlp, text, kind="partial")
    assert q.text == "a clear violation"
    assert mention(text, q) == "The Lisk council"


def test_markup_attributes_are_not_quotes(nlp) -> None:
    text = (
        "Petar Lukic wrote on Monday.\n\n"
        '<post author="lukic" id="42">The bridge is open again</post>.\n\n'
        '"We are proud of the crews," Lukic said.\n'
    )
    quotes = quotes_of(nlp, text)
    assert [q.text for q in quotes if q.kind == "direct"] == ["We are proud of the crews"]
    assert not any(q.text == "lukic" or q.text == "42" for q in quotes)


def test_a_headline_column_name_is_not_a_speaker(nlp) -> None:
    text = "The Latest: Lukic to visit Dornik\n\nPetar Lukic will travel on Monday.\n"
    assert all(q.speaker_text != "The Latest" for q in quotes_of(nlp, text))


def test_a_stance_reports_what_it_backs(nlp) -> None:
    text = "Corvenia backed the ceasefire proposal for the Ostravia region."
    q = one(nlp, text)
    assert q.text == "the ceasefire proposal for the Ostravia region"
    assert (q.speaker, q.cue) == ("Corvenia", "backed")


@pytest.mark.parametrize(
    "verb", ["stated", "claimed", "warned", "alleged", "maintained", "declared", "insisted"]
)
def test_reporting_verbs_with_a_clause(nlp, verb: str) -> None:
    text = f"Jana Petrova {verb} that the bridge at Lesnya had been mined."
    q = one(nlp, text)
    assert (q.kind, q.text, q.speaker, q.cue) == (
        "indirect",
        "the bridge at Lesnya had been mined",
        "Jana Petrova",
        verb,
    )


def test_an_accusation_keeps_whom_and_what(nlp) -> None:
    text = "Jana Petrova accused the Valdorian army of shelling the port in Dornik."
    q = one(nlp, text)
    assert q.text == "the Valdorian army of shelling the port in Dornik"
    assert q.speaker == "Jana Petrova"


def test_urging_someone_to_act(nlp) -> None:
    text = "Ivo Brandt urged Corvenia to reopen the border crossing at Lisk."
    q = one(nlp, text)
    assert q.text == "to reopen the border crossing at Lisk"
    assert (q.speaker, q.cue) == ("Ivo Brandt", "urged")


def test_a_joint_statement_of_named_members_is_one_group(nlp) -> None:
    text = (
        "In a joint statement on Friday, Representatives Mira Tessik, Petar Lukic, "
        "Jana Petrova and Tomas Berg said the blockade of Dornik must end. "
        "The Members also urged Corvenia to send aid."
    )
    quotes = quotes_of(nlp, text)
    group = "Mira Tessik, Petar Lukic, Jana Petrova and Tomas Berg"
    assert [(q.speaker, q.speaker_type) for q in quotes] == [(group, "group")] * 2
    assert mention(text, quotes[1]) == "The Members"


def test_a_titled_name_is_a_person_even_when_it_names_a_place(nlp) -> None:
    q = one(nlp, "Rep. Tomas Lisk said the bridge at Lesnya would reopen in May.")
    assert (q.speaker, q.speaker_type) == ("Tomas Lisk", "person")


def test_the_subject_after_a_relative_clause_is_the_person_it_describes(nlp) -> None:
    text = (
        "Aurel Stanek, who heads the regional administration in the territory known "
        "locally as Kessaria, called the strike a deliberate attack on civilians."
    )
    q = one(nlp, text)
    assert (q.speaker, q.cue) == ("Aurel Stanek", "called")


def test_a_verb_conjoined_with_the_reporting_verb_keeps_its_subject(nlp) -> None:
    text = (
        "The Valdorian defence ministry issued a statement on Friday. It said its units had "
        "observed the truce and accused Kessarian fighters of staging attacks near Lisk."
    )
    quotes = quotes_of(nlp, text)
    said = next(q for q in quotes if q.cue == "said")
    accused = next(q for q in quotes if q.cue == "accused")
    assert said.text == "its units had observed the truce"
    assert accused.speaker_text == "It"
    assert accused.speaker == said.speaker == "Valdorian defence ministry"


def test_a_toll_put_at_a_value_is_a_statement_of_its_claimant(nlp) -> None:
    doc = nlp("Health officials in Dornik put the death toll at 31 on Tuesday.")
    (q,) = doc._.quotes
    assert (q.text, q.cue, q.speaker_text) == ("the death toll at 31", "put", "Health officials")
    (fig,) = doc._.figures
    assert (fig.value, fig.claimant) == (31, q.speaker)
    assert nlp("Petar Lukic put the bag at the door of the clinic.")._.quotes == []
