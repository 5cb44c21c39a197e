"""Attribution as news reports write it: short quoted sentences that go on after 'he
said', 'according to the statement', 'per X', headlines that name their speaker after a
comma or before a colon, clauses fronted before 'X said'.

Sentences are invented, set in the fictional world of examples/ (Valdoria, Ostravia,
Dornik, Corvenia, Lisk); the people are invented too."""

from __future__ import annotations

from test_quotes import quotes_of

from parallax.models import Quote


def quote_with(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if words in q.text]
    assert found, [q.text for q in quotes]
    return found[0]


# -- quotations that go on -------------------------------------------------------------


def test_a_short_quoted_sentence_after_he_said_keeps_the_speaker(nlp) -> None:
    text = '"Families are grieving, they really are," Petar Lukic said. "Families are worried."'
    q = quote_with(quotes_of(nlp, text), "Families are worried")
    assert q.speaker == "Petar Lukic"


def test_a_quoted_word_inside_a_sentence_is_not_carried(nlp) -> None:
    text = 'Petar Lukic spoke on Friday. The mayor called the plan "reckless" and left.'
    quotes = [q for q in quotes_of(nlp, text) if q.text == "reckless"]
    assert all(q.speaker != "Petar Lukic" or q.cue for q in quotes)


def test_a_quotation_paragraph_after_a_reported_statement_has_its_speaker(nlp) -> None:
    text = (
        "Valdorian President Petar Lukic said that the army confirmed the explosion "
        "was caused by a stray shell.\n\n"
        '"I am deeply saddened by the explosion at the school in Dornik."\n'
    )
    q = quote_with(quotes_of(nlp, text), "deeply saddened")
    assert q.speaker == "Petar Lukic"


def test_a_quotation_paragraph_after_a_paragraph_without_a_statement_stays_open(nlp) -> None:
    text = (
        "The market in Dornik reopened on Friday after a week.\n\n"
        '"I am deeply saddened by the explosion at the school in Dornik."\n'
    )
    q = quote_with(quotes_of(nlp, text), "deeply saddened")
    assert q.speaker is None


# -- according to, per -------------------------------------------------------------------


def test_according_to_the_statement_is_who_made_it(nlp) -> None:
    text = (
        "Jana Petrova rejected the claims on Wednesday.\n\n"
        '"The army is trying to evade its responsibility," Petrova said in a statement.\n\n'
        "According to the statement, the school had been ordered to evacuate by the army."
    )
    q = quote_with(quotes_of(nlp, text), "ordered to evacuate")
    assert q.speaker == "Jana Petrova"


def test_according_to_a_statement_nobody_made_has_no_speaker(nlp) -> None:
    text = "According to the statement, the school in Dornik had been ordered to evacuate."
    assert not [q for q in quotes_of(nlp, text) if q.speaker]


def test_according_to_a_named_document_is_its_author(nlp) -> None:
    text = (
        'According to the Valdorian intelligence document, "the army probably did not '
        'shell the school," and the review goes on.'
    )
    q = quote_with(quotes_of(nlp, text), "probably did not shell")
    assert q.speaker == "Valdorian intelligence"


def test_per_a_source_attributes_like_according_to(nlp) -> None:
    text = "The army lost half of its tanks near Dornik, per Valdorian officials."
    q = quote_with(quotes_of(nlp, text), "lost half of its tanks")
    assert (q.speaker, q.cue) == ("Valdorian officials", "per")


def test_per_a_rate_is_not_a_source(nlp) -> None:
    text = "Prices in Dornik rose by 20 per cent in March."
    assert not [q for q in quotes_of(nlp, text) if q.cue == "per"]


def test_according_to_inside_a_relative_clause_reports_the_clause(nlp) -> None:
    text = (
        "The blast, which according to Ostravian health officials caused hundreds of "
        "deaths, happened at noon."
    )
    q = quote_with(quotes_of(nlp, text), "hundreds of deaths")
    assert q.text == "caused hundreds of deaths"
    assert q.speaker == "Ostravian health officials"


# -- a clause fronted before 'X said' ----------------------------------------------------


def test_a_fronted_clause_runs_to_the_comma_before_the_speaker(nlp) -> None:
    text = (
        "VELGRAD - The explosion at a school in Dornik was most likely caused by a shell "
        "fired from within Ostravia, and not by a rocket from Valdoria, Valdorian Prime "
        "Minister Petar Lukic said on Monday."
    )
    q = quote_with(quotes_of(nlp, text), "most likely caused")
    assert q.text.endswith("and not by a rocket from Valdoria")
    assert q.speaker == "Petar Lukic"


# -- headlines ---------------------------------------------------------------------------


def test_a_headline_says_governor_is_the_governor_the_report_names(nlp) -> None:
    text = (
        "Death toll from Dornik market strike rises to 39 with 87 wounded, says governor\n\n"
        "Meridian | Updated: 08-04-2022\n\n"
        "At least 39 people were killed in a rocket strike on the market in Dornik on "
        "Friday, regional Governor Jana Petrova said.\n"
    )
    q = quote_with(quotes_of(nlp, text), "rises to 39")
    assert q.text == "Death toll from Dornik market strike rises to 39 with 87 wounded"
    assert q.speaker == "Jana Petrova"


def test_a_headline_with_the_speaker_before_the_verb(nlp) -> None:
    text = (
        "More than 60 still missing after Dornik blast, health ministry confirms\n\n"
        "The Valdorian health ministry said it had counted the dead.\n"
    )
    q = quote_with(quotes_of(nlp, text), "still missing")
    assert q.text == "More than 60 still missing after Dornik blast"
    assert q.speaker is not None and "health ministry" in q.speaker


def test_a_headline_whose_last_words_are_not_a_speaker_is_no_quote(nlp) -> None:
    text = "Market in Dornik reopens, shops say goodbye to winter\n\nThe market reopened.\n"
    assert not [q for q in quotes_of(nlp, text) if "Market in Dornik" in q.text]


def test_a_headline_role_before_a_colon_is_the_one_who_holds_it(nlp) -> None:
    text = (
        "Valdorian Minister of Health: Victims of Explosion Increases to 80 Killed\n\n"
        "Velgrad, MINA - Valdorian Prime Minister Petar Lukic visited Dornik. Valdorian "
        "Minister of Health (MoH), Mira Tessik, reported on Wednesday that the toll rose "
        "to 80.\n"
    )
    q = quote_with(quotes_of(nlp, text), "Victims of Explosion")
    assert q.speaker == "Mira Tessik"


# -- verbs of assessment -----------------------------------------------------------------


def test_considered_that_assessed_and_contested_report_statements(nlp) -> None:
    text = (
        "The Lisk monitors assessed a figure between 100 and 300. Several analysts "
        "considered that an errant shell from Ostravia was the likeliest explanation. "
        "Meridian News investigations contested the account of the army."
    )
    quotes = quotes_of(nlp, text)
    assert quote_with(quotes, "between 100 and 300").speaker == "Lisk monitors"
    assert quote_with(quotes, "errant shell").speaker == "Several analysts"
    assert quote_with(quotes, "the account of the army").speaker == "Meridian News investigations"


def test_detailing_that_speaks_for_the_subject(nlp) -> None:
    text = (
        '"It takes five kilograms of explosives to do this," the Lisk monitors said, '
        "detailing that the shells of the army are much heavier."
    )
    q = quote_with(quotes_of(nlp, text), "much heavier")
    assert q.speaker == "Lisk monitors"


# -- participles, adverbial clauses, bodies named with 'of' ------------------------------


def test_saying_a_clause_speaks_for_the_subject_not_the_clause(nlp) -> None:
    text = (
        "Valdoria's defence ministry denied responsibility, saying in a statement the "
        "missiles that struck the station were used only by the rebels."
    )
    q = quote_with(quotes_of(nlp, text), "missiles that struck")
    assert q.speaker is not None and "defence ministry" in q.speaker


def test_a_while_clause_after_the_cue_is_not_the_report(nlp) -> None:
    text = (
        "VELGRAD (Meridian) - A missile hit the station in Dornik, killing 50 people "
        "Friday, Valdorian authorities said, while warning they expect to find more."
    )
    said = [q for q in quotes_of(nlp, text) if q.cue == "said"]
    assert said and "killing 50 people" in said[0].text
    assert "while warning" not in said[0].text


def test_the_office_of_a_named_official_is_the_speaker(nlp) -> None:
    text = (
        "About 4,000 civilians were in and around the station, according to the office "
        "of Valdoria's prosecutor-general."
    )
    q = quote_with(quotes_of(nlp, text), "4,000 civilians")
    assert q.speaker == "office of Valdoria's prosecutor-general"


# -- claims reported inside other statements ---------------------------------------------


def test_a_claim_inside_a_denial_is_its_holders(nlp) -> None:
    text = (
        "Allegations by the Valdorian side that Corvenia carried out the attack are "
        '"provocation and absolutely untrue," the ministry said.'
    )
    nested = [q for q in quotes_of(nlp, text) if q.text == "Corvenia carried out the attack"]
    assert nested and nested[0].speaker == "Valdorian side"


def test_a_demonym_holds_the_claim_for_its_country(nlp) -> None:
    text = "Ivo Brandt rejected Valdorian claims that the shells had been fired from Dornik."
    quotes = quotes_of(nlp, text)
    nested = [q for q in quotes if q.text == "the shells had been fired from Dornik"]
    assert nested and nested[0].speaker == "Valdoria"


def test_a_claim_with_no_holder_adds_no_quote(nlp) -> None:
    text = "Ivo Brandt rejected the claims that the shells had been fired from Dornik."
    assert not [q for q in quotes_of(nlp, text) if q.cue == "claims"]


# -- 'told a briefing that', 'it said' -----------------------------------------------------


def test_told_a_briefing_that_reports_the_whole_clause(nlp) -> None:
    text = (
        "Spokesman Ivo Brandt told a press briefing that at the time of the strike, the "
        "Valdorian army was not flying near the school and the shells that hit the "
        "building did not match theirs."
    )
    told = [q for q in quotes_of(nlp, text) if q.cue == "told"]
    assert told and "the Valdorian army was not flying near the school" in told[0].text
    assert not told[0].text.endswith(" and")


def test_it_said_then_it_added_is_one_speaker(nlp) -> None:
    text = (
        "Red Hand says army accusation over Dornik school strike is lies\n\n"
        "The rebel group Red Hand on Wednesday rejected the army's account.\n\n"
        "The Valdorian health ministry claimed that the army was behind the attack but "
        "the Valdorian army blamed a rocket fired by Red Hand.\n\n"
        '"The enemy is trying to evade its responsibility for the massacre," it said in a '
        "statement.\n\n"
        '"We affirm that the accusations are false and baseless," it added.\n\n'
        'It said the school had "received notice of evacuation under threat of shelling".\n'
    )
    quotes = quotes_of(nlp, text)
    for words in ("evade its responsibility", "false and baseless", "received notice"):
        assert quote_with(quotes, words).speaker == "Red Hand", words


def test_it_said_after_one_body_is_that_body(nlp) -> None:
    text = (
        "Red Hand says the army lies\n\n"
        "The Valdorian health ministry said on Tuesday that 40 people had died in Dornik.\n\n"
        '"The toll will rise in the coming hours as rescuers reach the school," it said.\n'
    )
    q = quote_with(quotes_of(nlp, text), "toll will rise")
    assert q.speaker is not None and "health ministry" in q.speaker


def test_a_while_clause_that_reports_more_words_is_kept(nlp) -> None:
    text = (
        "VELGRAD (Meridian) - A missile hit the station in Dornik, killing 50 people "
        "Friday, Valdorian authorities said, while warning they expect to find more."
    )
    said = [q for q in quotes_of(nlp, text) if q.cue == "said"]
    assert any("they expect to find more" in q.text for q in said)


def test_a_while_clause_of_doing_is_not_kept(nlp) -> None:
    text = (
        "A missile hit the station in Dornik, killing 50 people Friday, Valdorian "
        "authorities said, while rescuers searched the rubble."
    )
    said = [q for q in quotes_of(nlp, text) if q.cue == "said"]
    assert said and not any("rescuers searched" in q.text for q in said)


def test_a_descriptor_before_a_name_is_one_speaker(nlp) -> None:
    text = "The militant group Red Hand said on Wednesday that the army had lied about Dornik."
    q = quote_with(quotes_of(nlp, text), "the army had lied")
    assert q.speaker is not None and q.speaker.endswith("Red Hand")
