"""Casualty and other figures: a number (digits, words, vague counts) tied to a metric
word nearby ("27 people have been killed", "25 fatalities", "killing 14"), with its
qualifier ("at least"), the populations it counts ("including two civilians",
"eight of the wounded were children") and its claimant (the speaker of the statement
that holds it, or null with `reportedly` when no source is named)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parallax.extensions import doc_text
from parallax.extract.entities import DocEntities, strip_possessive
from parallax.extract.quotes import quote_at
from parallax.intervals import Intervals
from parallax.models import Figure, Quote, TimeExpr
from parallax.numbers import parse_number
from parallax.spans import FIGURES, SpansComponent, score_weights, write_figures

LEXICONS = Path(__file__).resolve().parent.parent / "lexicons"
DEFAULT_LEXICON = "en/figures.json"


@dataclass(frozen=True)
class FigureLexicon:
    """The word lists of the component, read from a JSON file under parallax/lexicons/
    (its `about` key documents each list): a new metric or qualifier is data."""

    metric_words: dict[str, str]  # word naming what was counted -> metric
    verb_metrics: dict[str, str]  # lemma of a verb whose object is counted -> metric
    metric_phrases: dict[str, str]  # "made homeless" -> displaced
    people_only: frozenset[str]  # metric words that count people only ("fled")
    populations: dict[str, str]  # word for a group -> its of_which key
    shares: frozenset[str]  # of_which keys a share of a total is counted in
    people: frozenset[str]
    singular_people: frozenset[str]
    qualifiers: tuple[tuple[str, str], ...]  # longest phrase first
    plus_suffix: str  # qualifier of "150+"
    vague: frozenset[str]  # quantity words with no number: value null, unquantified
    share_cues: frozenset[str]  # "including", "among"
    negations: frozenset[str]
    source_cues: tuple[str, ...]  # "according to X": X claims the sentence's figures
    source_nouns: frozenset[str]  # "figures from X", "estimates of X": X is the source
    reporting_verbs: frozenset[str]  # lemmas: "said" in "which officials said killed 39"
    noun_metrics: dict[str, str]  # "the killing of 12", "the evacuation of 3,000"
    figure_nouns: frozenset[str]  # "the 100 to 300 range": words for a count itself
    home_words: frozenset[str] = frozenset()  # "the homes of 300,000 people were destroyed"
    home_loss_verbs: frozenset[str] = frozenset()  # lemmas: destroy, raze, flatten

    @property
    def qualifier_words(self) -> set[str]:
        return {w for phrase, _ in self.qualifiers for w in phrase.split()} | {"a", "total", "of"}


@lru_cache(maxsize=8)
def load_lexicon(name: str = DEFAULT_LEXICON) -> FigureLexicon:
    """The lexicon stored at parallax/lexicons/<name> (or at a path of its own)."""
    path = Path(name) if Path(name).is_absolute() else LEXICONS / name
    data = json.loads(path.read_text(encoding="utf-8"))
    quals = sorted((tuple(q) for q in data["qualifiers"]), key=lambda q: -len(q[0]))
    return FigureLexicon(
        metric_words=dict(data["metric_words"]),
        verb_metrics=dict(data["verb_metrics"]),
        metric_phrases=dict(data["metric_phrases"]),
        people_only=frozenset(data["people_only"]),
        populations=dict(data["populations"]),
        shares=frozenset(data["shares"]),
        people=frozenset(data["people"]),
        singular_people=frozenset(data["singular_people"]),
        qualifiers=tuple((str(a), str(b)) for a, b in quals),
        plus_suffix=str(data["plus_suffix"]),
        vague=frozenset(data["vague_counts"]),
        share_cues=frozenset(data["share_cues"]),
        negations=frozenset(data["negations"]),
        source_cues=tuple(data["source_cues"]),
        source_nouns=frozenset(data["source_nouns"]),
        reporting_verbs=frozenset(data["reporting_verbs"]),
        noun_metrics=dict(data["noun_metrics"]),
        figure_nouns=frozenset(data["figure_nouns"]),
        home_words=frozenset(data.get("home_words", [])),
        home_loss_verbs=frozenset(data.get("home_loss_verbs", [])),
    )


EN = load_lexicon()
METRIC_WORDS = EN.metric_words
POPULATIONS = EN.populations
PEOPLE = EN.people
SINGULAR_PEOPLE = EN.singular_people
KILL_VERBS = {"die", "kill", "perish"}
QUALIFIER_WORDS = EN.qualifier_words
VAGUE = EN.vague
REPORTEDLY = re.compile(
    r"\b(reportedly|allegedly|reports say|were reported|according to reports)\b", re.I
)
WINDOW = 5
# One person named by a noun: "a man was shot", "the victim died", "killing a neighbor".
PERSON_NOUNS = SINGULAR_PEOPLE | {
    "victim", "teen", "driver", "student", "clerk", "employee", "worker",
    "husband", "wife", "son", "daughter", "mother", "father", "brother", "sister", "friend",
    "toddler", "infant", "gunman", "shooter", "suspect", "homeowner", "neighbor", "neighbour",
    "customer", "passenger", "pedestrian", "bystander", "robber", "cousin",
    "girlfriend", "boyfriend", "owner", "deputy", "trooper", "motorist", "youth",
    "uncle", "aunt", "grandmother", "grandfather", "nephew", "niece", "patient",
    "male", "female", "juvenile", "adult", "waitress", "bartender", "lady",
}  # fmt: skip
PERSON_PRONOUNS = {"he", "she", "him", "her", "himself", "herself"}
VICTIM_VERBS = {
    "kill": "killed", "die": "killed", "slay": "killed", "murder": "killed",
    "wound": "injured", "injure": "injured", "hurt": "injured", "hospitalize": "injured",
    "hospitalise": "injured", "shoot": "shot", "strike": "shot",
}  # fmt: skip
FATAL_WORDS = {"fatally", "dead", "death", "mortally"}
NON_FATAL_WORDS = {"leg", "legs", "arm", "arms", "hand", "foot", "shoulder", "buttocks",
                   "thigh", "ankle", "knee", "wounded", "injured", "survived", "stable",
                   "non-life-threatening", "treated", "released"}  # fmt: skip
HYPOTHETICAL = {"could", "would", "might", "may", "should", "can", "will", "to"}
# A running toll updated: "the death toll rose to 170", "now stands at 63", "raising the
# toll to 48", "the number of injured has climbed to 210", "deaths reached 90".
UPDATE_VERBS = {"rise", "climb", "increase", "jump", "grow", "mount", "soar", "surge", "swell",
                "stand", "reach", "hit", "raise", "bring", "push", "take", "lift", "put",
                "revise", "update", "edge", "creep", "double", "triple"}  # fmt: skip
UPDATE_OBJECT_VERBS = {"reach", "hit"}  # "the toll reached 90": the number is the object
EXCEED_VERBS = {"exceed", "surpass", "top"}  # "the toll exceeds 4,000": at least 4,000
# Verbs that update a count named as such ("raising the toll to"), never a group of people
# ("the wounded were taken to three hospitals").
CAUSATIVE_UPDATES = {"raise", "bring", "push", "take", "lift", "put", "revise", "update"}
TALLY_NOUNS = {"toll", "number", "count", "tally", "total", "figure"}
COUNT_NOUNS = TALLY_NOUNS | {"deaths", "dead", "fatalities", "injuries", "wounded", "injured",
                             "casualties"}  # fmt: skip
SEVERITY = {"critical", "serious"}  # "120 are in critical condition": a part of the injured
POSSESSIVES = {"the", "our", "their", "its", "his", "her", "my", "your"}
DEICTICS = {"these", "those", "them"}
SCALE_WORDS = {"dozen", "hundred", "thousand", "million"}
# How a count hangs on the verb that may deny it ("there weren't 500 deaths")
ARGUMENT_DEPS = {"nummod", "compound", "quantmod", "conj", "attr", "nsubj", "nsubjpass", "dobj",
                 "appos", "npadvmod"}  # fmt: skip
DEMONYM_ENDINGS = ("ian", "an", "i", "ese", "ish")


@dataclass
class Update:
    """A number given as the new value of a running toll, and what the sentence says of it."""

    metric: str | None  # None: "the total", the metric of the figure before it
    start: int  # first token of the figure's text (the toll's noun phrase, or the verb)
    subject: list[Token]  # the toll's noun phrase ("the number of people killed")
    previous: int | None = None  # "up from 25", "rose from 25 to 170"
    previous_first: int | None = None  # the old value's first token, after "from" (no figure)
    projected: bool = False  # "is expected to rise to 200": a forecast, no figure


def _number_tokens(
    sent: Span, lex: FigureLexicon = EN
) -> list[tuple[int, int, float | None, bool]]:
    """(first token, last token, value, vague) for each number in the sentence. A vague
    count ('dozens', 'tens of thousands', 'many dozens') has no value: the record never
    invents one."""
    out: list[tuple[int, int, float | None, bool]] = []
    i = sent.start
    doc = sent.doc
    while i < sent.end:
        tok = doc[i]
        low = tok.lower_
        if (
            tok.like_num
            and low not in lex.vague
            or low in ("a", "one")
            and i + 1 < sent.end
            and doc[i + 1].lower_ == "dozen"
        ):
            j = i
            while j + 1 < sent.end:
                nxt = doc[j + 1]
                if nxt.like_num and nxt.lower_ not in lex.vague or nxt.lower_ in SCALE_WORDS:
                    j += 1
                elif doc[j + 1].text == "-" and j + 2 < sent.end and doc[j + 2].is_alpha:
                    if not doc[j + 2].like_num:
                        break
                    j += 2  # "twenty-five" split by the tokenizer
                else:
                    break
            value = parse_number(doc[i : j + 1].text)
            if value is not None:
                out.append((i, j, value, False))
            i = j + 1
            continue
        if low in lex.vague:
            j = i
            # "tens of thousands", "many dozens", "hundreds of thousands": one vague count
            while j + 1 < sent.end and doc[j + 1].lower_ in lex.vague:
                j += 1
            if j + 2 < sent.end and doc[j + 1].lower_ == "of" and doc[j + 2].lower_ in lex.vague:
                j += 2
            out.append((i, j, None, True))
            i = j + 1
            continue
        if low in ("a", "an") and i + 1 < sent.end and doc[i + 1].lower_ in lex.singular_people:
            out.append((i, i, 1.0, False))  # "a woman had been wounded"
        i += 1
    return out


def _qualifier(doc: Doc, first: int, sent_start: int, lex: FigureLexicon = EN) -> tuple[str, int]:
    """Qualifier of the number starting at `first`, from the words before it ('at least',
    'nearly', 'may exceed'), and the token where the figure's text then starts."""
    before = " " + doc[max(sent_start, first - 3) : first].text.lower()
    for phrase, q in lex.qualifiers:
        if before.endswith(" " + phrase):
            n = len(phrase.split())
            return q, first - n
    return "exact", first


def _plus(doc: Doc, last: int, end: int) -> bool:
    """'150+': the number and a plus sign right after it."""
    return last + 1 < end and doc[last + 1].text == "+" and not doc[last].whitespace_


def _vague_qualifier(value: float | None, vague: bool, qualifier: str) -> str:
    """A vague count ('dozens', 'many') has no number: unquantified."""
    if vague or value is None:
        return "unquantified"
    return qualifier


def _phrase_at(doc: Doc, k: int, end: int, lex: FigureLexicon) -> tuple[str, int] | None:
    """(metric, last token) of a metric phrase starting at token k ('made homeless',
    'taken hostage')."""
    if k >= end:
        return None
    first = doc[k].lower_
    for phrase, metric in lex.metric_phrases.items():
        words = phrase.split()
        if words[0] != first or k + len(words) > end:  # the cheap test first: most fail it
            continue
        if [t.lower_ for t in doc[k : k + len(words)]] == words:
            return metric, k + len(words) - 1
    return None


def _metric_word(tok: Token, lex: FigureLexicon) -> str | None:
    """Metric a word names where it stands as one: a verb, adjective or noun ('killed',
    'dead', 'injuries'), or a title-case headline word ('80 Killed')."""
    low = tok.lower_
    if low not in lex.metric_words:
        return None
    if tok.pos_ in ("VERB", "ADJ", "NOUN") or low in ("dead", "wounded", "injured"):
        return lex.metric_words[low]
    if tok.pos_ == "PROPN" and tok.text[:1].isupper():
        return lex.metric_words[low]  # "80 Killed, 4,000 Injured"
    return None


def _metric_after(
    doc: Doc, last: int, end: int, lex: FigureLexicon = EN
) -> tuple[str | None, int, list[tuple[int, str]]]:
    """Metric word within a few tokens after a number, and the populations on the way."""
    pops: list[tuple[int, str]] = []
    owner = last + 3 < end and doc[last + 1].lower_ == "of" and doc[last + 3].tag_ == "POS"
    other_noun = False  # a noun between that counts no people ("two suspects fled")
    stop = min(end, last + 1 + WINDOW + 2 * owner)
    k = last
    while k + 1 < stop:
        k += 1
        if owner and k <= last + 3:
            continue  # "three of Valdoria's soldiers"
        tok = doc[k]
        if tok.text in (",", "(") and k + 1 < end and doc[k + 1].lower_ in lex.share_cues:
            # "39 people, including four children, were killed": read past the share
            close = next(
                (j for j in range(k + 2, min(end, k + 10)) if doc[j].text in (",", ")")), None
            )
            if close is not None:
                stop = min(end, stop + close - k + 1)
                k = close
                continue
        low = tok.lower_
        phrase = _phrase_at(doc, k, end, lex)
        if phrase is not None:
            return phrase[0], phrase[1], pops
        metric = _metric_word(tok, lex)
        if metric is not None:
            if low == "lives" and tok.pos_ != "NOUN" or low in ("wound", "injury"):
                return None, k, pops  # "a woman who lives nearby", "one gunshot wound"
            if low in lex.people_only and other_noun:
                return None, k, pops  # "two suspects fled", "300 homes evacuated"
            if (
                low == "missing"
                and doc[k - 1].lower_ not in ("are", "were", "remain", "went", "still")
                and k != last + 1
                and doc[k - 1].lower_ not in lex.people
            ):
                return None, k, pops
            return metric, k, pops
        if low in lex.populations:
            pops.append((k, lex.populations[low]))
            continue
        if tok.pos_ == "NOUN" and low not in lex.people:
            other_noun = True
        if (
            low == "to"
            and (doc[k - 1].lower_ in lex.people or doc[k - 1].lower_ in lex.populations)
            and k + 1 < end
            and doc[k + 1].lemma_ in lex.verb_metrics | {"flee": "displaced"}
            and doc[k + 1].pos_ == "VERB"
        ):
            continue  # "forced 4,000 people to flee"
        if tok.is_punct or tok.like_num or low in ("of", "and", "or", "in", "for", "from", "to"):
            if low == "of" and k + 2 < end and doc[k + 1].lower_ in POSSESSIVES | DEICTICS:
                continue  # "eight of the wounded", "three of our servicemen", "12 of these"
            if low == "for" and k + 1 < end and doc[k + 1].lower_ in lex.metric_words:
                continue  # "treated 117 people for injuries"
            if low == "of" and doc[last].lower_ in lex.vague:
                continue  # "dozens of people"
            if low == "of" and k == last + 1 and doc[k + 1].lower_ in lex.metric_words:
                continue  # "dozens of killed and injured"
            return None, k, pops
    return None, last, pops


def _metric_before(
    doc: Doc, first: int, start: int, lex: FigureLexicon = EN, vague: bool = False
) -> tuple[str | None, int]:
    """'killing 14 people', 'killed at least 12', 'displaced some 300,000 people', 'Police
    detained 14 people', 'the death toll rose to 17': the metric and the token where the
    figure's text starts."""
    if first - 2 >= start and doc[first - 1].text in (":", "|") and not vague:
        metric = _metric_word(doc[first - 2], lex)
        if metric is not None:
            return metric, first - 2  # "Fatalities: 63", "Injuries: 150+", "Deaths | 63"
    q = _qualifier(doc, first, start, lex)[1]
    grew = _grew_from(doc, q, start) or _compared_toll(doc, first)
    if grew is not None and not vague:
        return grew  # "the number of dead grew from 50", "the toll is lower than the 471"
    if (
        q - 2 >= start
        and doc[first].like_num
        and doc[q - 1].lower_ == "of"
        and doc[q - 2].lower_ in lex.noun_metrics
        and not _counts_things(doc, first, lex)
    ):
        return lex.noun_metrics[doc[q - 2].lower_], q - 2  # "the massacre of more than 800"
    window = doc[max(start, first - 6) : first]
    lowered = window.text.lower()
    for tok in reversed(window):
        low = tok.lower_
        metric = lex.verb_metrics.get(tok.lemma_) if tok.pos_ == "VERB" else None
        if metric and tok.i >= first - 4:
            if tok.lower_ in lex.people_only and _counts_things(doc, first, lex):
                return None, first  # "evacuated 300 buildings"
            if vague and not (first < len(doc) - 1 and _counts_people(doc, first, lex)):
                return None, first  # "killed many", "killing hundreds of people" only
            between = {t.lower_ for t in doc[tok.i + 1 : first]}
            if between - lex.qualifier_words:
                return None, first  # "killed himself after taking two": not its object
            return metric, tok.i
        if (
            low in TALLY_NOUNS
            and low != "toll"
            and tok.i > window.start
            and doc[tok.i - 1].lower_ in lex.metric_words
            and not vague
        ):
            return lex.metric_words[doc[tok.i - 1].lower_], tok.i - 1  # "injury number of 2,750"
        if low == "toll" and not vague and not _counts_things(doc, first, lex):
            at = tok.i - 1 if tok.i > window.start and doc[tok.i - 1].lower_ == "death" else tok.i
            return ("injured" if "injur" in lowered else "killed"), at
    return None, first


FINITE_AUX = {"were", "was", "are", "is", "have", "has", "had"}


def _counted_noun(doc: Doc, last: int, end: int, lex: FigureLexicon) -> Token | None:
    """The noun for people a number counts: '50 people', '300 Valdorian civilians',
    'thousands of residents' (None when it counts no people)."""
    k = last + 1
    if k < end and doc[k].lower_ == "of" and doc[last].lower_ in lex.vague:
        k += 1
    while k < end and doc[k].pos_ == "ADJ":
        k += 1
    if k < end and (doc[k].lower_ in lex.people or doc[k].lower_ in lex.populations):
        return doc[k]
    return None


def _verb_metric(verb: Token, end: int, lex: FigureLexicon) -> tuple[str, int] | None:
    """(metric, last token) a verb gives the people it is about: 'were killed', 'have
    fled', or a metric phrase in a clause under it ('went there to be treated for
    injuries')."""
    if verb.pos_ in ("VERB", "AUX"):
        metric = _metric_word(verb, lex)
        if metric is not None and verb.lower_ not in ("lives", "wound", "injury", "missing"):
            return metric, verb.i
    for c in verb.children:
        if c.dep_ in ("advcl", "xcomp") and c.i > verb.i:
            phrase = _phrase_at(verb.doc, c.i, end, lex)
            if phrase is not None:
                return phrase
    return None


def _clause_metric(
    doc: Doc, first: int, last: int, sent: Span, lex: FigureLexicon
) -> tuple[str, int] | None:
    """(metric, last token) of the verb whose subject the counted people are, where words
    about them come between: '50 people trying to leave by train were killed', 'thousands
    of people seeking refuge have fled', '400 people had gone there to be treated for
    injuries'. None when the verb is denied or hypothetical."""
    noun = _counted_noun(doc, last, sent.end, lex)
    if noun is None:
        return None
    home = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    if home is not None and home.lower_ in lex.home_words:
        # "the homes of 300,000 people were destroyed", "destroyed the homes of 4,000"
        loss = home.head if home.dep_ in ("nsubjpass", "dobj") else None
        k = noun.i + 1
        if loss is None and k < sent.end and doc[k].lower_ in FINITE_AUX:
            k += 1 if k + 1 < sent.end and doc[k + 1].lower_ == "been" else 0
            loss = doc[k + 1] if k + 1 < sent.end else None  # misparsed as a coordination
        if (
            loss is not None
            and loss.lemma_ in lex.home_loss_verbs
            and not any(c.dep_ == "neg" for c in loss.children)
        ):
            return "displaced", max(loss.i, noun.i)
    verb: Token | None = None
    for tok in (noun, doc[last]):
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i > tok.i:
            verb = tok.head
            break
    found = _verb_metric(verb, sent.end, lex) if verb is not None else None
    if found is None and noun.i + 1 < sent.end and noun.nbor().tag_ in ("VBG", "VBN"):
        # "50 people trying to leave were killed", parsed with the participle as the verb
        k = noun.i + 2
        while k < min(sent.end, noun.i + 14) and not doc[k].is_punct:
            if doc[k].lower_ in FINITE_AUX:
                while k + 1 < sent.end and doc[k + 1].lower_ in ("been", "being", "also"):
                    k += 1
                if k + 1 < sent.end and doc[k + 1].tag_ == "VBN":
                    verb = doc[k + 1]
                    found = _verb_metric(verb, sent.end, lex)
                break
            k += 1
    if found is None or verb is None:
        return None
    if any(c.dep_ == "neg" or c.dep_ in ("aux", "auxpass") and c.lower_ in HYPOTHETICAL
           for c in verb.children):  # fmt: skip
        return None
    if found[0] in ("displaced",) and _counts_things(doc, first, lex):
        return None
    return found


def _grew_from(doc: Doc, q: int, start: int) -> tuple[str, int] | None:
    """(metric, verb) of a toll said to have risen from a number, with no new value in
    the sentence ('the number of dead grew from 50 on Friday'): the old value is a count
    of its own. With a new value ('rose from 25 to 170') the update reads both."""
    if q - 1 <= start or doc[q - 1].lower_ != "from":
        return None
    verb = doc[q - 1].head
    if verb.pos_ != "VERB" or verb.lemma_ not in UPDATE_VERBS - CAUSATIVE_UPDATES:
        return None
    if any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children):
        return None
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ not in COUNT_NOUNS:
        return None
    metric = _toll_metric(list(subj.subtree), subj)
    if metric is None:
        return None
    return metric, verb.i


def _compared_toll(doc: Doc, first: int) -> tuple[str, int] | None:
    """(metric, first token) of a number a toll is compared with, someone's figure of that
    toll: 'the death toll is likely much lower than the 471 announced by X'."""
    tok = doc[first]
    while tok.dep_ in ("compound", "nummod", "quantmod") and tok.head.i > tok.i:
        tok = tok.head
    than = tok.head
    if tok.dep_ != "pobj" or than.lower_ != "than" or than.head.tag_ not in ("JJR", "RBR"):
        return None
    if first + 1 < len(doc) and doc[first + 1].pos_ == "NOUN":
        return None  # "lower than 12 percent", "than the 300 deaths" (read by the noun)
    verb = than.head.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ not in TALLY_NOUNS:
        return None
    metric = _toll_metric(list(subj.subtree), subj)
    return (metric, first - 1 if doc[first - 1].lower_ == "the" else first) if metric else None


def _counts_people(doc: Doc, first: int, lex: FigureLexicon) -> bool:
    """A vague count of people: 'hundreds of people', 'many civilians', 'killed many.'"""
    k = first + 1
    while k < len(doc) and (doc[k].lower_ in lex.vague or doc[k].lower_ == "of"):
        k += 1
    if k >= len(doc) or doc[k].is_punct:
        return True
    while k < len(doc) and doc[k].pos_ == "ADJ":
        k += 1
    return k < len(doc) and (doc[k].lower_ in lex.people or doc[k].lower_ in lex.populations)


def _smaller(part: float | None, total: int | None) -> bool:
    return part is not None and total is not None and part < total


def _starts_number(doc: Doc, i: int, end: int) -> bool:
    return i < end and doc[i].like_num


def _counts_things(doc: Doc, first: int, lex: FigureLexicon) -> bool:
    """The number counts a lower-case noun that is no word for people: 'two enormous
    explosions', '300 buildings' (not 'two children', '14 Valdorians')."""
    k = first + 1
    while k < len(doc) and (doc[k].like_num or doc[k].pos_ == "ADJ"):
        k += 1
    if k >= len(doc) or doc[k].pos_ != "NOUN" or not doc[k].text[:1].islower():
        return False
    low = doc[k].lower_
    return not (
        low in lex.people
        or low in lex.populations
        or low in lex.metric_words
        or doc[k].lemma_ in PERSON_NOUNS
    )


def _negated(doc: Doc, first: int, last: int, lex: FigureLexicon) -> bool:
    """'There weren't 500 deaths', 'did not kill 40 people': a count the sentence denies.
    The first verb above the number decides; a negation of a later clause does not."""
    tok = doc[last]
    for _ in range(4):
        if tok.pos_ not in ("VERB", "AUX") and tok.dep_ not in ARGUMENT_DEPS:
            return False  # "weren't 500 deaths, more likely between 10 and 50": not denied
        if tok.pos_ in ("VERB", "AUX"):
            return any(
                c.dep_ == "neg" and c.lower_.replace("\u2019", "'") in lex.negations
                for c in tok.children
            )
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _second_metric(doc: Doc, metric: str, at: int, sent: Span, lex: FigureLexicon) -> str | None:
    """The other metric of 'dozens of killed and injured', 'killed and injured many
    civilians', 'killed or injured thousands': a vague count that two coordinated metric
    words (at token `at`) share."""
    for k, conj in ((at + 2, at + 1), (at - 2, at - 1)):
        if sent.start <= k < sent.end and doc[conj].lower_ in ("and", "or"):
            other = _metric_word(doc[k], lex)
            if other is not None and other != metric:
                return other
    return None


def _victim_of(verb: Token) -> Token | None:
    """The one person a victim verb is about: its passive subject ('a man was shot'),
    the subject of 'die', or the object of an active verb ('shot a neighbor'); a
    coordinated verb shares its head's ('was shot and killed')."""
    deps = ("nsubjpass", "dobj") if verb.lemma_ != "die" else ("nsubj",)
    if verb.lemma_ == "hurt":
        deps = ("nsubjpass",)  # "it hurt him" is seldom a wound
    if verb.lemma_ in ("find", "pronounce"):
        deps = ("nsubjpass",)
    if verb.lemma_ == "leave":
        deps = ("dobj",)
    cands = [c for c in verb.children if c.dep_ in deps]
    if not cands and verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children):
        cands = [c for c in verb.children if c.dep_ == "nsubj"]  # "a man shot in the leg"
    if not cands and verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        cands = [c for c in verb.head.children if c.dep_ in deps + ("nsubjpass",)]
    if not cands and verb.dep_ in ("acl", "relcl") and verb.tag_ in ("VBN", "VBD"):
        cands = [verb.head] if verb.dep_ == "acl" else []  # "a man shot in the leg"
    relcl = next((t for t in [verb, verb.head] if t.dep_ == "relcl"), None)
    if relcl is not None:  # "Jon Reed, who was shot": the noun the clause is about
        cands = [relcl.head if c.lower_ in ("who", "that", "whom") else c for c in cands]
    for c in cands:
        if c.dep_ == "dobj" and verb.tag_ == "VBG" and c.i == verb.i + 1 and c.pos_ == "NOUN":
            continue  # "the shooting suspect": a noun compound, no one shot
        if _person_count(c) is not None:
            return c
    return None


def _person_count(tok: Token) -> int | None:
    """How many people a noun phrase names: a name, he/she or 'a/the' + a person noun
    is one; 'two men' is two; 'a man and a woman' two; None for anything else ('no
    one', 'people')."""
    first = _head_count(tok)
    if first is None:
        return None
    others = [_head_count(c) for c in tok.children if c.dep_ == "conj"]
    return first + sum(n for n in others if n is not None)


def _head_count(tok: Token) -> int | None:
    """People named by one noun phrase, leaving coordinated ones aside."""
    if tok.lower_ in PERSON_PRONOUNS:
        return 1
    if any(c.lower_ in ("no", "nobody", "any") or c.dep_ == "neg" for c in tok.children):
        return None
    nums = [c for c in tok.children if c.dep_ == "nummod"]
    if nums:
        value = parse_number(nums[0].text)
        plural = tok.lower_ in PEOPLE or tok.lemma_ in PERSON_NOUNS or tok.lower_ in POPULATIONS
        return int(value) if value is not None and plural and value < 1000 else None
    if tok.lower_ in ("one", "1", "second", "third", "other", "another") and tok.dep_ in (
        "nsubj",
        "nsubjpass",
    ):
        return 1  # "one died and a second was wounded"
    if tok.lower_ == "body" and tok.tag_ == "NN":
        return 1  # "the body of a man was found"
    if tok.lower_ == "old" and any(c.lower_ == "year" for c in tok.children):
        return 1  # "a 15-year-old"
    if tok.pos_ == "PROPN" and tok.ent_type_ in ("PERSON", ""):
        return 1 if tok.dep_ != "compound" else None
    return 1 if tok.lower_ in PERSON_NOUNS and tok.tag_ in ("NN", "NNP") else None


def _noun_clause(tok: Token) -> tuple[str | None, Token | None]:
    """'the body of a man was found', 'the death of a man', 'the fatal shooting of a
    woman', 'found a man with a gunshot wound', 'left a man in critical condition'."""
    low = tok.lower_
    if low == "body" and tok.head.lemma_ in ("find", "discover", "recover"):
        return "killed", tok
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
    if obj is not None and (
        low in ("death", "killing", "murder", "slaying")
        or low == "shooting"
        and any(c.lower_ in ("fatal", "deadly") for c in tok.children)
    ):
        return "killed", obj
    alive = low == "condition" and any(
        c.lower_ in ("critical", "serious", "stable", "fair", "good") for c in tok.children
    )
    alive = (
        alive
        or low in ("injuries", "injury")
        and any("threatening" in c.lower_ for c in tok.children)
    )
    if not alive and low not in ("wound", "wounds", "injuries", "injury"):
        return None, None
    metric = "injured" if alive else "shot"
    head = tok.head
    if head.dep_ == "prep":
        head = head.head  # "a man with a wound", "suffering from a wound"
    if head.pos_ in ("NOUN", "PROPN", "ADJ"):
        return metric, head  # "a man with a wound", "a 15-year-old with a wound"
    if head.pos_ in ("VERB", "AUX"):
        for dep in ("dobj", "nsubj", "nsubjpass"):
            person = next((c for c in head.children if c.dep_ == dep), None)
            if person is not None and person is not tok:
                return metric, person
    return None, None


def _noun_start(tok: Token) -> int:
    """First token of a noun phrase, leaving out a clause or apposition after it."""
    return min([tok.i] + [c.left_edge.i for c in tok.children if c.i < tok.i])


def _shot_outcome(verb: Token) -> str:
    """'shot dead', 'fatally shot', 'shot and killed': killed; 'shot in the leg',
    'shot and wounded': injured; else just shot."""
    words = {t.lower_ for t in verb.subtree} | {c.lower_ for c in verb.children}
    words |= {c.lower_ for c in verb.head.children} if verb.dep_ == "conj" else set()
    conj = {c.lemma_ for c in verb.children if c.dep_ == "conj"}
    if words & FATAL_WORDS or conj & {"kill", "die"}:
        return "killed"
    if words & NON_FATAL_WORDS or conj & {"wound", "injure"}:
        return "injured"
    return "shot"


def _governing_lemma(tok: Token) -> str:
    """Lemma of the verb whose subject the counted noun is ("people ... died")."""
    noun = tok.head if tok.dep_ == "nummod" else tok
    if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ == "VERB":
        return noun.head.lemma_
    return ""


COUNTED = PEOPLE | set(POPULATIONS) | COUNT_NOUNS


def _update_verb(doc: Doc, first: int, start: int) -> tuple[Token, Token] | None:
    """(verb, preposition or verb) when the number is the new value of a count: the
    object of 'rose to', 'stands at', 'raising the toll to', or of 'reached'."""
    q = _qualifier(doc, first, start)[1]
    if q < first and doc[q].lemma_ in EXCEED_VERBS and doc[q].pos_ in ("VERB", "AUX"):
        return doc[q], doc[q]  # "the toll now exceeds 4,000": at least, and an update
    k = q - 1  # "rose to at least 90"
    if k < start:
        return None
    prep = doc[k]
    if prep.lower_ in ("now", "currently") and k > start:
        k -= 1  # "the toll is now 154", "stands now at"
        prep = doc[k]
    j = k - 1
    while j > start and doc[j].like_num:
        j -= 1
    if prep.lower_ == "to" and j < k - 1 and doc[j].lower_ == "from":
        verb = doc[j].head  # "rose from 25 to 170", parsed as a range
    elif prep.lower_ in ("to", "at"):
        verb = prep.head
        if verb.pos_ in ("NOUN", "PROPN") and verb.lower_ in COUNT_NOUNS:
            verb = verb.head  # "raising the toll to 48" parsed with 'to' on the noun
    elif prep.lemma_ in UPDATE_OBJECT_VERBS or prep.lemma_ == "be":
        verb = prep  # "reached 90", "the number of dead is 154"
    else:
        return None
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_ not in UPDATE_VERBS | {"be"} | EXCEED_VERBS:
        return None
    return verb, prep


def _projected(verb: Token) -> bool:
    """'is expected to rise to 200', 'could climb to', 'has not risen': no value given."""
    for v in (verb, verb.head if verb.dep_ in ("conj", "xcomp") else None):
        if v is not None and any(
            c.dep_ == "neg" or c.dep_ in ("aux", "auxpass") and c.lower_ in HYPOTHETICAL
            for c in v.children
        ):
            return True
    return False


def _toll_phrase(verb: Token, prep: Token) -> Token | None:
    """The count a verb updates: its object before the preposition ('raising the toll
    to'), else its subject ('the death toll rose'), or a coordinated verb's subject."""
    for c in verb.children:
        if c.dep_ == "dobj" and c.i < prep.i and c is not prep:
            return c
    for v in (verb, verb.head if verb.dep_ in ("conj", "xcomp") else None):
        subj = (
            next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None) if v else None
        )
        if subj is not None:
            return subj
    return None


def _toll_metric(phrase: list[Token], head: Token) -> str | None:
    """Metric a count names: a metric word in it ('number of people killed', 'death
    toll'); a bare toll counts the dead unless it speaks of injuries."""
    for tok in phrase:
        low = tok.lower_
        if low in METRIC_WORDS and low not in ("lives", "wound"):
            return METRIC_WORDS[low]
    if head.lower_ == "toll":
        words = " ".join(t.lower_ for t in phrase)
        return "injured" if "injur" in words or "wound" in words else "killed"
    return None


def _previous_value(
    doc: Doc, verb: Token, first: int, last: int, nums: list[tuple[int, int, float | None, bool]]
) -> tuple[int, int] | None:
    """(value, its first token) of the value a toll rose from, after 'from': 'rose from
    25 to 170', '170, up from 25'."""
    for f2, _l2, v2, _ in nums:
        if v2 is None or f2 == first or doc[f2 - 1].lower_ != "from":
            continue
        if verb.i < f2 < first:
            return int(v2), f2
        gap = {t.lower_ for t in doc[last + 1 : f2 - 1] if t.ent_type_ not in ("DATE", "TIME")}
        if f2 > last and gap <= {",", "up", "(", "on", "by"} | PEOPLE | set(METRIC_WORDS):
            return int(v2), f2
    return None


def _update(
    doc: Doc,
    num: tuple[int, int, float | None, bool],
    nums: list[tuple[int, int, float | None, bool]],
    sent: Span,
    lex: FigureLexicon = EN,
) -> Update | None:
    """The update a number gives, if it is the new value of a running toll."""
    first, last, _, _ = num
    found = _update_verb(doc, first, sent.start)
    if found is None:
        return None
    verb, prep = found
    head = _toll_phrase(verb, prep)
    if head is None or head.lower_ not in COUNT_NOUNS and head.lower_ not in METRIC_WORDS:
        return None
    if verb.lemma_ in CAUSATIVE_UPDATES and head.lower_ not in TALLY_NOUNS:
        return None
    nxt = doc[last + 1] if last + 1 < sent.end else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.lower_ not in COUNTED | set(METRIC_WORDS):
        return None  # "rose to 12 percent", "taken to three hospitals": not people
    phrase = [t for t in head.subtree if t.i < verb.i or t.i < prep.i and t.i > verb.i]
    metric = _toll_metric(phrase, head) or _metric_after(doc, last, sent.end, lex)[0]
    if metric is None and head.lower_ not in ("total", "tally", "count"):
        return None  # "the number of residents rose to 9,000": no casualty count
    skip = 1 if phrase and phrase[0].lower_ in ("the", "a", "an") else 0
    start = verb.i if head.i > verb.i else phrase[skip].i
    # "may exceed 500" states a floor, "is expected to rise to 200" a forecast
    upd = Update(
        metric, start, phrase, projected=_projected(verb) and verb.lemma_ not in EXCEED_VERBS
    )
    prev = _previous_value(doc, verb, first, last, nums)
    if prev is not None:
        upd.previous, upd.previous_first = prev
    return upd


def _counted_modifiers(doc: Doc, last: int, end: int) -> list[Token]:
    """Words between a number and the noun it counts: 'Valdorian' in '12 Valdorian
    soldiers', 'of our' in 'three of our servicemen' (empty when no counted noun)."""
    out: list[Token] = []
    for k in range(last + 1, min(end, last + 5)):
        if doc[k].lower_ in COUNTED:
            return out
        out.append(doc[k])
    return []


class FigureFinder:
    def __init__(
        self,
        doc: Doc,
        body_start: int,
        quotes: list[Quote],
        times: list[TimeExpr],
        lex: FigureLexicon = EN,
    ) -> None:
        self.doc = doc
        self.lex = lex
        self.pending: dict[int, tuple[str, int]] = {}  # shares given before their total
        self.parts: dict[int, Figure] = {}  # id of a breakdown's part -> its total
        self.extra: list[Figure] = []  # parts found while reading the sentence
        self.skip: set[int] = set()  # first tokens of numbers already read as parts
        self.text = doc_text(doc)
        self.body_start = body_start
        self.quotes = quotes
        self.times = times
        self.time_spans = Intervals((t.start, t.end) for t in times)
        self.entities: DocEntities | None = doc._.entities

    def find(self) -> list[Figure]:
        figures: list[Figure] = []
        shot: list[Figure] = []
        title = self.doc._.header.title_span if self.doc._.header else None
        for sent in self.doc.sents:
            if sent.start_char < self.body_start:
                if title and title[0] <= sent.start_char < title[1]:
                    figures.extend(self._sentence(sent, figures))  # headline figures count
                continue
            figures.extend(self._sentence(sent, figures))
            figures.extend(self._unquantified(sent, figures))
            found, hit = self._victims(sent, figures + shot)
            figures.extend(found)
            shot.extend(hit)
            figures.extend(self._headline(sent, figures + shot))
        if not any(f.metric == "killed" for f in figures):
            figures.extend(shot)  # shot and nobody died: the people shot were injured
        ordered = sorted(figures, key=lambda f: f.start)
        at = {id(f): i for i, f in enumerate(ordered)}
        for f in ordered:
            total = self.parts.get(id(f))
            if total is not None and id(total) in at:
                f.part_of = at[id(total)]
        return ordered

    def _victims(self, sent: Span, figures: list[Figure]) -> tuple[list[Figure], list[Figure]]:
        """One named or singular victim per clause: "a man was shot and killed", "the
        victim died", "killing a neighbor", "she was wounded". Returns figures, and the
        people shot with no outcome stated (injured only if the report has no death).
        Where two clauses overlap, a death wins over a wound, a wound over a shot."""
        cands: list[tuple[str, Figure]] = []
        for tok in sent:
            metric, victim = self._victim_clause(tok)
            if victim is None or metric is None:
                continue
            count = _person_count(victim)
            if count is None:
                continue
            outcome = [c.i for c in tok.children if c.dep_ == "conj" and c.lemma_ in VICTIM_VERBS]
            end = max([victim.i, tok.i] + outcome)  # "was shot and killed"
            # "killing a neighbor" starts at the verb, "the death of a man" at the noun
            start = tok.i if victim.dep_ == "dobj" else min(_noun_start(victim), tok.i)
            s_char, e_char = self.doc[start].idx, self.doc[end].idx + len(self.doc[end])
            mods = [c for c in victim.children if c.dep_ in ("amod", "compound") and c.i < victim.i]
            mods = mods if victim.pos_ == "NOUN" else []  # a name is no side ("India Reed")
            fig = Figure(
                text=self.text[s_char:e_char],
                start=s_char,
                end=e_char,
                metric="injured" if metric == "shot" else metric,
                value=count,
                qualifier="exact",
                side=self._side(mods, s_char, e_char),
            )
            cands.append((metric, fig))
        found: list[Figure] = []
        hit: list[Figure] = []
        rank = {"killed": 0, "injured": 1, "shot": 2}
        for metric, fig in sorted(cands, key=lambda c: rank.get(c[0], 1)):
            if any(f.start < fig.end and fig.start < f.end for f in figures + found + hit):
                continue
            (hit if metric == "shot" else found).append(fig)
        return found, hit

    def _victim_clause(self, tok: Token) -> tuple[str | None, Token | None]:
        """(metric, victim) of a clause or noun phrase about people hurt: a victim verb
        ('was shot', 'died', 'killing'), 'found dead', 'the body was found', 'the
        death of', 'with a gunshot wound', 'in critical condition', 'taken to hospital'.
        The metric 'shot' means hit with no outcome stated."""
        lemma = tok.lemma_
        if tok.pos_ == "NOUN":
            return _noun_clause(tok)
        if tok.pos_ not in ("VERB", "AUX") or self._hypothetical(tok):
            return None, None
        metric = VICTIM_VERBS.get(lemma)
        if lemma in ("find", "pronounce", "leave", "declare") and any(
            c.lower_ in ("dead", "deceased") for c in tok.children
        ):
            metric = "killed"
        if lemma in ("take", "transport", "rush", "airlift", "drive", "bring") and any(
            t.lower_ in ("hospital", "hospitals") for t in tok.subtree
        ):
            metric = "shot"
        if metric is None:
            return None, None
        victim = _victim_of(tok)
        if victim is not None and metric == "shot" and lemma == "shoot":
            metric = _shot_outcome(tok)
        return metric, victim

    def _headline(self, sent: Span, figures: list[Figure]) -> list[Figure]:
        """Headline style, often misparsed: 'Man shot, killed', 'Girl shot at party dies',
        'Teen fatally shot': a singular person noun right before the outcome words."""
        doc = self.doc
        out: list[Figure] = []
        for tok in sent:
            if tok.lower_ not in PERSON_NOUNS or tok.i + 1 >= sent.end:
                continue
            words = [t.lower_ for t in doc[tok.i + 1 : min(sent.end, tok.i + 5)]]
            if words[0] not in (
                "shot",
                "killed",
                "fatally",
                "slain",
                "dies",
                "died",
                "found",
                "dead",
            ):
                continue
            if tok.i > sent.start and doc[tok.i - 1].like_num:
                continue  # "two men shot": the numeric rules count it
            fatal = {"killed", "fatally", "slain", "dies", "died", "dead", "deceased"} & set(words)
            wounded = {"wounded", "injured", "hurt"} & set(words)
            if not fatal and not wounded:
                continue
            last = tok.i + 1 + max(words.index(w) for w in (fatal or wounded))
            start, end = tok.idx, doc[last].idx + len(doc[last])
            if any(f.start < end and start < f.end for f in figures + out):
                continue
            metric = "killed" if fatal else "injured"
            out.append(Figure(self.text[start:end], start, end, metric, 1, "exact"))
        return out

    def _hypothetical(self, tok: Token) -> bool:
        """'could have been killed', 'threatened to kill', 'was not hurt'."""
        for c in tok.children:
            if c.dep_ == "neg" or (c.dep_ in ("aux", "auxpass") and c.lower_ in HYPOTHETICAL):
                return True
        head = tok.head if tok.dep_ == "conj" else tok
        return head is not tok and self._hypothetical(head)

    def _unquantified(self, sent: Span, figures: list[Figure]) -> list[Figure]:
        """'civilians, among them children, had been killed': a figure with no number."""
        out = []
        for tok in sent:
            if tok.lemma_ not in ("kill", "wound", "injure") or tok.tag_ != "VBN":
                continue
            subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            if subj is None or not (subj.lower_ in POPULATIONS or subj.lower_ in PEOPLE):
                continue
            if any(c.dep_ in ("nummod", "quantmod", "det", "amod") for c in subj.children):
                continue
            start, end = subj.idx, tok.idx + len(tok)
            if any(f.start < end and start < f.end for f in figures):
                continue
            metric = "killed" if tok.lemma_ == "kill" else "injured"
            out.append(
                Figure(
                    text=self.text[start:end],
                    start=start,
                    end=end,
                    metric=metric,
                    value=None,
                    qualifier="unquantified",
                    population=POPULATIONS.get(subj.lower_) or None,
                )
            )
        return out

    def _in_time(self, tok: Token) -> bool:
        return tok.idx in self.time_spans

    def _sentence(self, sent: Span, previous: list[Figure]) -> list[Figure]:
        doc = self.doc
        lex = self.lex
        nums = [n for n in _number_tokens(sent, lex) if not self._in_time(doc[n[0]])]
        out: list[Figure] = []
        used: set[int] = set()
        updates: dict[int, Update] = {}
        for num in nums:
            if self._not_count(num[0], num[1]) or _negated(doc, num[0], num[1], lex):
                used.add(num[0])
                continue
            upd = _update(doc, num, nums, sent, lex)
            if upd is not None and upd.projected:
                used.add(num[0])
            elif upd is not None:
                updates[num[0]] = upd
                if upd.previous_first is not None:
                    used.add(upd.previous_first)
        self.extra = []
        for idx, (first, last, value, vague) in enumerate(nums):
            if first in used or first in self.skip:
                continue
            if first in updates:
                upd = updates[first]
                fig = self._update_figure(upd, nums[idx], sent, out)
                if fig is not None:
                    if upd.previous_first is not None:  # "rose from 50": a claim of its own
                        old = next(n for n in nums if n[0] == upd.previous_first)
                        used.add(old[0])
                        out.append(self._previous_figure(old, fig, sent))
                    out.append(fig)
                continue
            if first > sent.start and doc[first - 1].lower_ in lex.share_cues:
                continue  # a subset, attached to the figure before it by _including
            if self._subset(first, last, value, sent, previous + out):
                continue
            rng = self._range(idx, nums, sent)
            if rng is not None:
                used.add(nums[rng[0]][0])
                out.extend(rng[1])
                continue
            qualifier, q_start = _qualifier(doc, first, sent.start, lex)
            if _plus(doc, last, sent.end):
                qualifier = lex.plus_suffix  # "150+"
            metric, metric_at, pops = _metric_after(doc, last, sent.end, lex)
            metric_tok = metric_at
            group = [(first, last, value, pops)]
            # "Four soldiers and two civilians died": coordinated counts share the metric
            if metric is None and metric_at < sent.end and doc[metric_at].lower_ == "and":
                for f2, l2, v2, _ in nums[idx + 1 :]:
                    if f2 == metric_at + 1:
                        m2, at2, pops2 = _metric_after(doc, l2, sent.end, lex)
                        if m2:
                            group.append((f2, l2, v2, pops2))
                            metric, metric_at = m2, at2
                            metric_tok = at2
                            used.add(f2)
                        break
            if metric is None:  # "several of them critically": no figure
                metric, q_start = _metric_before(doc, first, sent.start, lex, vague)
                metric_tok = q_start
                q_start = min(q_start, _qualifier(doc, first, sent.start, lex)[1])
                metric_at = first + (1 if _plus(doc, last, sent.end) else 0)
            if metric is None:
                clause = _clause_metric(doc, first, last, sent, lex)
                if clause is not None:
                    metric, metric_at = clause
                    metric_tok = metric_at
                    q_start = _qualifier(doc, first, sent.start, lex)[1]
            whole: Figure | None = None  # the total this figure is a part of
            if metric is None and out and first - 1 > sent.start:
                # "12 died in hospital and 38 at the station": the metric of the figure
                # just before, which the elliptical clause goes on with
                prev = out[-1]
                if (
                    doc[first - 1].lower_ == "and"
                    and prev.end <= doc[first - 1].idx
                    and prev.value is not None
                    and last + 1 < sent.end
                    and doc[last + 1].pos_ == "ADP"
                    and doc[last + 1].lower_ != "of"
                ):
                    metric, q_start = prev.metric, first
                    metric_at = min(doc[last + 1].right_edge.i, sent.end - 1)
                    whole = self.parts.get(id(prev))
            if metric is None:
                continue
            if (
                last + 2 < sent.end
                and doc[last + 1].lower_ == "of"
                and doc[last + 2].lower_ in DEICTICS
            ):
                # "twelve of these died": a part of the last total of that metric
                whole = next((f for f in reversed(previous + out) if f.metric == metric), None)
            if (
                vague
                and metric == "injured"
                and any(t.lower_ in SEVERITY for t in doc[last + 1 : metric_at + 1])
            ):
                continue  # "many people in a serious condition": severity, not a count
            if (
                whole is None
                and metric == "injured"
                and any(t.lower_ in SEVERITY for t in doc[last + 1 : metric_at + 1])
            ):
                # "of the 5,000 injured, 120 are in critical condition": a part of the
                # injured counted before it in the sentence, not a competing total
                whole = next(
                    (f for f in reversed(out) if f.metric == metric and _smaller(value, f.value)),
                    None,
                )
            if metric == "injured" and _governing_lemma(doc[last]) in KILL_VERBS:
                metric = "killed"  # "three people wounded in the shelling died in hospital"
                metric_at = max(metric_at, doc[last].head.head.i)
            qualifier = _vague_qualifier(value, vague, qualifier)
            span_start = doc[min(q_start, first)].idx
            span_end = doc[max(metric_at, last)].idx + len(doc[max(metric_at, last)])
            of_which: dict[str, int] = {}
            population = None
            if len(group) > 1:
                total = 0.0
                for _, _, v, ps in group:
                    total += v or 0
                    if ps:
                        of_which[ps[-1][1]] = int(v or 0)
                value = total
            elif pops:
                population = pops[-1][1]
                if population in lex.shares and value is not None:
                    of_which[population] = int(value)  # "63 civilians": all of them
            sides = {self._side(_counted_modifiers(doc, g[1], sent.end), span_start, span_end)
                     for g in group}  # fmt: skip
            fig = Figure(
                text=self.text[span_start:span_end],
                start=span_start,
                end=span_end,
                metric=metric,
                value=int(value) if value is not None else None,
                qualifier=qualifier,
                of_which=of_which,
                population=population,
                side=sides.pop() if len(sides) == 1 else None,
            )
            out.append(fig)
            if whole is not None and _smaller(value, whole.value):
                self.parts[id(fig)] = whole  # a part of the total it breaks down
            second = _second_metric(doc, metric, metric_tok, sent, lex) if vague else None
            if second is not None:  # "dozens of killed and injured": two unquantified counts
                out.append(replace(fig, metric=second, of_which=dict(of_which)))
        out.extend(self.extra)
        for at, (pop, share) in self.pending.items():  # "100,000 children among the 300,000"
            if sent.start <= at < sent.end:
                for f in out:
                    if f.start <= doc[at].idx < f.end:
                        f.of_which[pop] = share
        self._including(sent, out)
        return out

    def _range(
        self, idx: int, nums: list[tuple[int, int, float | None, bool]], sent: Span
    ) -> tuple[int, list[Figure]] | None:
        """'between 100 and 300 people were killed', '100 to 300 people killed', '100-300
        killed': two figures, the low end at least and the high end at most, both with
        `low` and `high`. Returns the index of the high end's number and the figures."""
        doc, lex = self.doc, self.lex
        first, last, value, _ = nums[idx]
        if idx + 1 >= len(nums) or value is None:
            return None
        f2, l2, v2, _ = nums[idx + 1]
        joint = doc[last + 1 : f2]
        between = first > sent.start and doc[first - 1].lower_ == "between"
        if v2 is None or v2 <= value or len(joint) != 1:
            return None
        if not (
            between
            and joint[0].lower_ == "and"
            or not between
            and joint[0].text in ("to", "-", "\u2013", "\u2014")
            and not (first > sent.start and doc[first - 1].lower_ == "from")
        ):
            return None
        metric, metric_at, pops = _metric_after(doc, l2, sent.end, lex)
        start = first - 1 if between else first
        if metric is None:
            metric, start = _metric_before(doc, start, sent.start, lex, False)
            metric_at = l2
        nxt = doc[l2 + 1] if l2 + 1 < sent.end else None
        if metric is None and not (
            nxt is not None and nxt.lower_ not in lex.figure_nouns and _counts_things(doc, l2, lex)
        ):
            # "there weren't 500 deaths, more likely between 10 and 50", "the death toll
            # at the low end of the 100 to 300 range": the metric the sentence counts
            words = [t for t in doc[sent.start : first] if _metric_word(t, lex)]
            words += [t for t in doc[sent.start : first] if t.lower_ == "toll"]
            near = max(words, key=lambda t: t.i, default=None)
            if near is not None:
                metric = _metric_word(near, lex) or "killed"
                start, metric_at = (first - 1 if between else first), l2
        if metric is None:
            return None
        s_char = doc[min(start, first - 1 if between else first)].idx
        e_char = doc[max(metric_at, l2)].idx + len(doc[max(metric_at, l2)])
        low, high = int(value), int(v2)
        population = pops[-1][1] if pops else None
        figs = [
            Figure(
                text=self.text[s_char:e_char],
                start=s_char,
                end=e_char,
                metric=metric,
                value=v,
                qualifier=q,
                population=population,
                low=low,
                high=high,
            )
            for v, q in ((low, "at_least"), (high, "at_most"))
        ]
        return idx + 1, figs

    def _previous_figure(
        self, old: tuple[int, int, float | None, bool], new: Figure, sent: Span
    ) -> Figure:
        """The value a toll rose from ('grew from 50 on Friday'): a claim of that earlier
        count, of the same metric, that is not the update."""
        doc = self.doc
        first, last, value, _ = old
        qualifier, q_start = _qualifier(doc, first, sent.start, self.lex)
        start = doc[q_start - 1 if doc[q_start - 1].lower_ == "from" else q_start].idx
        end = doc[last].idx + len(doc[last])
        return Figure(
            text=self.text[start:end],
            start=start,
            end=end,
            metric=new.metric,
            value=int(value) if value is not None else None,
            qualifier=qualifier,
            population=new.population,
            of_which={k: int(value) for k in new.of_which if k == new.population and value},
        )

    def _update_figure(
        self,
        upd: Update,
        num: tuple[int, int, float | None, bool],
        sent: Span,
        earlier: list[Figure],
    ) -> Figure | None:
        """A new value of a running toll: its own figure, marked as an update, with the
        value it rose from and the time expression of the sentence it is given for."""
        doc = self.doc
        first, last, value, vague = num
        metric = upd.metric or (earlier[-1].metric if earlier else None)
        if metric is None:
            return None
        qualifier = _vague_qualifier(value, vague, _qualifier(doc, first, sent.start, self.lex)[0])
        after, after_at, pops = _metric_after(doc, last, sent.end)
        end_tok = doc[after_at if after else last]
        start, end = doc[upd.start].idx, end_tok.idx + len(end_tok)
        population = next(
            (POPULATIONS[t.lower_] for t in reversed(upd.subject) if t.lower_ in POPULATIONS),
            pops[-1][1] if pops else None,
        )
        of_which = {population: int(value)} if population in self.lex.shares and value else {}
        return Figure(
            text=self.text[start:end],
            start=start,
            end=end,
            metric=metric,
            value=int(value) if value is not None else None,
            qualifier=qualifier,
            of_which=of_which,
            population=population,
            update=True,
            previous=upd.previous,
            as_of_time=self._as_of_time(sent, start, end, upd),
            side=self._side(
                [t for t in upd.subject if t.head.lower_ in COUNTED and t.dep_ != "pobj"]
                + _counted_modifiers(doc, last, sent.end),
                start,
                end,
            ),
        )

    def _as_of_time(self, sent: Span, start: int, end: int, upd: Update) -> int | None:
        """Index of the date the sentence gives for an updated value: the date expression
        nearest to it, leaving aside one told of the old value ('up from 25 on Monday')."""
        old: tuple[int, int] = (0, 0)
        if upd.previous_first is not None:  # times after "from" are the old value's
            at = self.doc[upd.previous_first - 1].idx
            old = (at, sent.end_char) if at >= end else (at, start)
        best: tuple[int, int] | None = None
        for i, t in enumerate(self.times):
            if t.kind != "date" or not sent.start_char <= t.start < sent.end_char:
                continue
            if old[0] <= t.start < old[1] or start <= t.start < end:
                continue  # the old value's date, or the event's ("the toll of Monday's raid")
            gap = max(t.start - end, start - t.end, 0)
            if best is None or gap < best[0]:
                best = (gap, i)
        return best[1] if best else None

    def _side(self, tokens: Iterable[Token], start: int, end: int) -> str | None:
        """The country or actor the counted people belong to, where the words say so:
        '12 Valdorian soldiers', 'Ostravian fighters', 'three of our servicemen' in a
        statement by a Valdorian ministry. None when nothing names one."""
        for tok in tokens:
            if tok.lower_ == "our":
                return self._speaker_side(quote_at(self.quotes, start, end))
            if (
                tok.pos_ in ("ADJ", "PROPN", "NOUN")
                and tok.text[:1].isupper()
                and tok.ent_type_ != "PERSON"  # "India Barnes"
                and not (tok.i > 0 and tok.doc[tok.i - 1].text == "-")  # "African-American"
            ):
                side = self._side_word(tok.text)
                if side:
                    return side
        return None

    def _side_word(self, word: str) -> str | None:
        """'Valdorian' -> Valdoria, 'Azerbaijani' -> Azerbaijan, 'U.S.' -> United States,
        'Ostravian' -> Ostravia (a region the gazetteer lists)."""
        ents = self.entities
        if ents is None:
            return None
        found = ents.demonym_country(word)
        country = ents.gaz.lookup(strip_possessive(word), fuzzy=False, cities=False)
        if not found and country is not None and country.kind == "country":
            found = country.canonical  # "U.S. troops", not "a Washington man"
        if found or not word.lower().endswith(DEMONYM_ENDINGS):
            return found
        return ents.demonym_place(word, ("country", "region"))

    def _speaker_side(self, quote: Quote | None) -> str | None:
        """The side 'our' speaks for: the country of the statement's speaker."""
        if quote is None or not quote.speaker:
            return None
        if quote.speaker_affiliation:
            return self._side_word(quote.speaker_affiliation) or quote.speaker_affiliation
        for word in [quote.speaker, *quote.speaker.split(), *(quote.speaker_text or "").split()]:
            if word[:1].isupper():
                side = self._side_word(word)
                if side:
                    return side
        return None

    def _not_count(self, first: int, last: int) -> bool:
        doc = self.doc
        tok = doc[first]
        if re.fullmatch(r"(1[89]|20)\d\d", tok.text) and not (
            last + 1 < len(doc) and doc[last + 1].lower_ in PEOPLE
        ):
            return True
        nxt = doc[last + 1] if last + 1 < len(doc) else None
        if nxt is not None and (
            nxt.text in ("%", "-")
            and not (nxt.text == "-" and last + 2 < len(doc) and doc[last + 2].like_num)
            or nxt.lower_
            in ("percent", "per", "year-old", "years", "year", "block", "blocks", "yo", "yoa")
        ):
            return True  # shares, ages, addresses ("the 2800 block")
        if nxt is not None and nxt.lower_.replace(".", "") in ("am", "pm", "oclock"):
            return True  # clock times
        before = doc[first - 1] if first > 0 else None
        if (
            before is not None
            and before.lower_ in ("and", "or", ",")
            and first > 2
            and doc[first - 3].lower_ in ("aged", "ages")
        ):
            return True  # "two men aged 30 and 45"
        if before is not None and before.lower_ in (
            "age",
            "aged",
            "ages",
            "turned",
            "turn",
            "no",
            "number",
            "#",
        ):
            return True
        if (
            before is not None
            and before.text == ","
            and first > 1
            and doc[first - 2].pos_ == "PROPN"
            and (nxt is None or nxt.text in (",", ")", ".", ";"))
        ):
            return True  # "Jamal Reed, 30, was killed": an age after a name
        if len(tok.text) > 7 and tok.text.isdigit():
            return True  # case and phone numbers
        return tok.idx > 0 and self.text[tok.idx - 1] in "$€£"

    def _subset(
        self, first: int, last: int, value: float | None, sent: Span, figs: list[Figure]
    ) -> bool:
        """A share of a total given before it, never a total of its own: 'Eight of the
        wounded were children', 'Two children were among the dead', '..., 13 of them
        children', 'of whom 13 were children', '13 are children'. The share goes into the
        total's of_which (the last figure of that metric, or the last figure)."""
        doc, lex = self.doc, self.lex
        if value is None:
            return False
        low = [t.lower_ for t in doc[last + 1 : min(sent.end, last + 8)]] + [""] * 8
        be = ("were", "are", "was", "is")
        metric: str | None = None
        pop: str | None = None
        if low[0] == "of" and low[1] == "the" and low[2] in lex.metric_words:
            metric = lex.metric_words[low[2]]  # "eight of the wounded were children"
            pop = next((lex.populations[w] for w in low[3:] if w in lex.populations), None)
        elif low[0] in lex.populations and low[1] in be and low[2] == "among":
            pop = lex.populations[low[0]]  # "two children were among the dead"
            if low[3] in ("the", "those") and _starts_number(doc, last + 5, sent.end):
                self.pending[last + 5] = (pop, int(value))  # "... among the 300,000 ..."
                return True
            metric = next((lex.metric_words[w] for w in low[3:5] if w in lex.metric_words), None)
            if metric is None:
                return False
            total = next((f for f in reversed(figs) if f.metric == metric), None)
            if total is not None:
                total.of_which[pop] = int(value)
            return True  # a share, even where no total was given
        elif low[0] == "of" and low[1] in ("them", "those", "whom", "these", "which"):
            k = 3 if low[2] in be else 2  # "13 of them (were) children"
            pop = lex.populations.get(low[k]) if low[k + 1] not in lex.metric_words else None
        elif low[0] in be and low[1] in lex.populations and low[2] not in lex.metric_words:
            before = doc[max(sent.start, first - 2) : first].text.lower()
            if first == sent.start or before.endswith(("of whom", "of which", ",", ";", "and")):
                pop = lex.populations[low[1]]  # "of whom 13 were children", "13 are children"
                items = self._breakdown(first, sent)
                if len(items) > 1 and before.endswith(("of whom", "of which")):
                    return self._parts(items, figs, sent)
        elif (
            first > sent.start
            and doc[first - 1].lemma_ == "include"
            and doc[first - 1].pos_ == "VERB"
            and low[0] in lex.populations
        ):
            # "The victims included five children", "the dead include two soldiers"
            subj = next((c for c in doc[first - 1].children if c.dep_ == "nsubj"), None)
            word = subj.lower_ if subj is not None else ""
            metric = lex.metric_words.get(word) or ("killed" if word == "victims" else None)
            if metric is None:
                return False
            total = next((f for f in reversed(figs) if f.metric == metric), None)
            if total is not None:
                total.of_which[lex.populations[low[0]]] = int(value)
            return True
        elif (
            doc[sent.start].lower_ == "among"
            and first > sent.start
            and doc[first - 1].lower_ in be
            and low[0] in lex.populations
        ):
            # "Among those killed in the attack were five children"
            pop = lex.populations[low[0]]
            head = [t.lower_ for t in doc[sent.start : first]]
            metric = next((lex.metric_words[w] for w in head if w in lex.metric_words), None)
            if metric is None:
                return False
            total = next((f for f in reversed(figs) if f.metric == metric), None)
            if total is not None:
                total.of_which[pop] = int(value)
            return True
        if pop is None:
            return False
        for fig in reversed(figs):
            if fig.start < doc[first].idx and (metric is None or fig.metric == metric):
                fig.of_which[pop] = int(value)
                return True
        return False

    def _breakdown(self, first: int, sent: Span) -> list[tuple[int, int, int, str, str | None]]:
        """The items of a list of groups from the number at `first` on: 'of which 16 were
        children, 46 women and 36 men' -> (first, last, value, group word, share key)."""
        doc, lex = self.doc, self.lex
        out: list[tuple[int, int, int, str, str | None]] = []
        for f, last, value, _ in _number_tokens(doc[first : sent.end], lex):
            if value is None or out and doc[f - 1].lower_ not in (",", "and"):
                break
            k = last + 1
            if k < sent.end and doc[k].lower_ in ("were", "are", "was", "is"):
                k += 1
            if k >= sent.end or not (
                doc[k].lower_ in lex.populations or doc[k].lower_ in lex.people
            ):
                break
            out.append((f, k, int(value), doc[k].lower_, lex.populations.get(doc[k].lower_)))
        return out

    def _parts(
        self, items: list[tuple[int, int, int, str, str | None]], figs: list[Figure], sent: Span
    ) -> bool:
        """A breakdown of the figure before it into groups that make it up: each group is a
        figure of its own marked as a part of the total (`part_of`), and a group that is a
        share (children, women, ...) goes into the total's of_which as well."""
        doc = self.doc
        total = next((f for f in reversed(figs) if f.start < doc[items[0][0]].idx), None)
        if total is None or total.value is None or sum(i[2] for i in items) > total.value:
            return False
        for first, last, value, word, share in items:
            if share in self.lex.shares:
                total.of_which[share] = value
            start, end = doc[first].idx, doc[last].idx + len(doc[last])
            part = Figure(
                text=self.text[start:end],
                start=start,
                end=end,
                metric=total.metric,
                value=value,
                qualifier="exact",
                population=self.lex.populations.get(word),
            )
            self.parts[id(part)] = total
            self.extra.append(part)
            self.skip.add(first)
        return True

    def _including(self, sent: Span, figures: list[Figure]) -> None:
        """'..., including two civilians' after a figure, or inside it ('39 people,
        including four children, were killed'): a share of that figure."""
        doc, lex = self.doc, self.lex
        for tok in sent:
            if tok.lower_ not in lex.share_cues:
                continue
            prior = [f for f in figures if f.start < tok.idx]
            if not prior:
                continue
            fig = max(prior, key=lambda f: f.start)
            j = tok.i + 1
            if j < sent.end and doc[j].lower_ in ("them", "those"):
                j += 1  # "among them two children"
            nums = _number_tokens(doc[j : min(sent.end, j + 4)], lex)
            if not nums:
                continue
            first, last, value, _ = nums[0]
            if first != j or value is None:
                continue
            k = last + 1
            while k < sent.end and doc[k].pos_ == "ADJ":
                k += 1
            if k < sent.end and lex.populations.get(doc[k].lower_):
                for f in figures:
                    if f.start == fig.start and f.end == fig.end:  # both ends of a range
                        f.of_which[lex.populations[doc[k].lower_]] = int(value)
                        f.end = max(f.end, doc[k].idx + len(doc[k]))
                        f.text = self.text[f.start : f.end]


def _source_phrase(sent: Span, lex: FigureLexicon) -> tuple[str, int] | None:
    """(claimant, offset) of a source the sentence names for its figures: 'according to
    the ministry', 'in the estimates of the Valdorian army', 'citing police'."""
    doc = sent.doc
    words = [t.lower_ for t in sent]
    for cue in lex.source_cues:
        n = len(cue.split())
        for i in range(len(words) - n):
            if words[i : i + n] != cue.split():
                continue
            k = sent.start + i + n
            while True:  # "according to figures from the ministry": the ministry
                while k < sent.end and doc[k].lower_ in ("the", "a", "an", "its", "their"):
                    k += 1
                if (
                    k + 1 < sent.end
                    and doc[k].lower_ in lex.source_nouns
                    and doc[k + 1].lower_ in ("from", "of", "by")
                ):
                    k += 2
                    continue
                break
            end = k
            while end < min(sent.end, k + 8) and not (
                doc[end].is_punct
                and doc[end].text not in ("'", "\u2019", "-")
                or doc[end].pos_ in ("VERB", "AUX", "ADP", "SCONJ", "PRON", "CCONJ")
                and doc[end].lower_ != "of"
                or doc[end].lower_ in ("that", "which", "who")
            ):
                end += 1
            if end > k:
                return doc[k:end].text, doc[k].idx
    return None


def _opening_subject(verb: Token) -> Token | None:
    """The noun phrase a sentence opens with, read as the subject of its main reporting
    verb where the parser gave that verb none ('Mayor Jan Halvik, who estimated 4,000
    people were there, said ...'): a name followed by a comma."""
    sent = verb.sent
    if any(c.dep_ == "auxpass" for c in verb.children):
        return None  # "was claimed to": no speaker
    for chunk in sent.noun_chunks:
        if chunk.start != sent.start or chunk.end >= verb.i:
            return None
        nxt = verb.doc[chunk.end]
        if chunk.root.pos_ == "PROPN" and nxt.text == ",":
            return chunk.root
        return None
    return None


def _nearest_attribution(
    doc: Doc, fig: Figure, quotes: list[Quote], lex: FigureLexicon
) -> tuple[str | None, bool]:
    """(claimant, found) of the reporting verb nearest above the figure in the parse:
    'the station, which local authorities said had killed at least 39 people' is the
    authorities' figure even inside another speaker's statement. Where that verb's
    subject is the mention of a quote's speaker, the quote's (resolved) speaker; found is
    False where no reporting verb with a subject of its own is above the figure."""
    span = doc.char_span(fig.start, fig.end, alignment_mode="expand")
    if span is None or not len(span):
        return None, False
    tok = span.root
    sent = span.sent
    for rel in tok.children:
        if rel.dep_ == "acl" and rel.tag_ == "VBN" and rel.lemma_ in lex.reporting_verbs:
            agent = next((c for c in rel.children if c.dep_ == "agent"), None)
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if obj is not None and obj.pos_ != "PRON":
                start = obj.left_edge.i  # "the 471 announced by the ministry"
                while start < obj.i and doc[start].lower_ in ("the", "a", "an"):
                    start += 1
                return doc[start : obj.i + 1].text, True
    for rel in tok.children:
        if rel.dep_ == "relcl" and rel.lemma_ in lex.reporting_verbs:
            subj = next((c for c in rel.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.pos_ != "PRON" and subj.tag_ not in ("WDT", "WP"):
                start = subj.left_edge.i  # "the 500 deaths that officials reported"
                while start < subj.i and doc[start].lower_ in ("the", "a", "an"):
                    start += 1
                return doc[start : subj.i + 1].text, True
    for _ in range(8):
        source = _according_to(tok, sent, lex)
        if source is not None:
            return source, True  # "500 were killed according to the ministry, X reported"
        if tok.lemma_ in lex.reporting_verbs and tok.pos_ in ("VERB", "AUX"):
            # the subject nearest the verb: "GAZA CITY: The ministry says" has two
            subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            subj = subjects[-1] if subjects else None
            if subj is None and tok.dep_ == "ROOT":
                subj = _opening_subject(tok)  # "Mayor X, who ..., said": misparsed
            if subj is None or subj.dep_ == "nsubjpass" and subj.head.i == tok.i:
                return None, False
            speaker = next(
                (s for s in map(lambda c: _speaker_in(c, quotes), subjects[::-1]) if s), None
            )
            if speaker is None:
                speaker = _speaker_in(subj, quotes)
            if speaker is not None:
                return speaker, True
            if subj.pos_ == "PRON" or subj.tag_ in ("WDT", "WP"):
                return None, False
            start = subj.left_edge.i
            while start < subj.i and doc[start].lower_ in ("the", "a", "an"):
                start += 1
            return doc[start : subj.i + 1].text, True
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return None, False


def _speaker_in(subj: Token, quotes: list[Quote]) -> str | None:
    """The (resolved) speaker of a quote whose speaker mention is the subject, or lies in
    the subject's phrase: 'GAZA CITY: The health ministry says' has the dateline as its
    parsed subject and the ministry as an apposition in it."""
    for q in quotes:
        if (
            q.speaker
            and q.speaker_start is not None
            and q.speaker_end is not None
            and q.speaker_start <= subj.idx < q.speaker_end
        ):
            return q.speaker
    doc = subj.doc
    lo, hi = doc[subj.left_edge.i].idx, doc[subj.right_edge.i].idx + len(doc[subj.right_edge.i])
    for q in quotes:
        if q.speaker and q.speaker_start is not None and lo <= q.speaker_start < hi:
            return q.speaker
    return None


def _according_to(tok: Token, sent: Span, lex: FigureLexicon) -> str | None:
    """The source an 'according to X' attached to this word gives, where it is part of the
    clause ('500 were killed according to the ministry') and not set off by a comma as a
    note on the whole report ('the hospital said 400 were treated, according to X': X
    relays what the hospital said)."""
    for c in tok.children:
        if c.dep_ != "prep" or c.lower_ != "according" or c.i == sent.start:
            continue
        if tok.doc[c.i - 1].is_punct:
            continue
        found = _source_phrase(tok.doc[c.i : sent.end], lex)
        if found is not None:
            return found[0]
    return None


def _headline_speaker(
    doc: Doc, sent: Span, fig: Figure, speakers: dict[str, list[str]]
) -> str | None:
    """'Health Minister: Toll Rises to 80': the speaker a headline names before a colon,
    a role, an organisation or a person, for the figures after it."""
    colon = next((t for t in sent if t.text == ":" and t.idx < fig.start), None)
    if colon is None or colon.i - sent.start > 8 or colon.i == sent.start:
        return None
    words = doc[sent.start : colon.i]
    heads = set(speakers.get("role_nouns", [])) | set(speakers.get("organization_heads", []))
    if any(t.like_num or t.is_punct and t.text not in ("'", "’", ".") for t in words):
        return None
    if not any(t.lower_ in heads or t.ent_type_ == "PERSON" for t in words):
        return None
    start = sent.start + (1 if doc[sent.start].lower_ in ("the", "a", "an") else 0)
    return doc[start : colon.i].text


BRACKETED = re.compile(r"[ \t]*\(([^()\d\n]{2,60})\)")


def _parenthesised_source(doc: Doc, fig: Figure, speakers: dict[str, list[str]]) -> str | None:
    """'Injuries: 314 (Valdorian health ministry)': a source in brackets right after the
    figure, an organisation or role, with no number in it (not '(including 9 children)')."""
    m = BRACKETED.match(doc_text(doc), fig.end)
    if m is None:
        return None
    inner = m.group(1).strip()
    words = inner.lower().split()
    heads = set(speakers.get("role_nouns", [])) | set(speakers.get("organization_heads", []))
    if not words or not set(words) & heads or words[0] in ("including", "among", "of"):
        return None
    return inner[4:] if words[0] == "the" else inner


@lru_cache(maxsize=1)
def _speaker_words() -> dict[str, list[str]]:
    """Role and organisation words of the speakers' lexicon (parallax/lexicons/en/)."""
    data = json.loads((LEXICONS / "en" / "speakers.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, list)}


def assign_claimants(
    doc: Doc,
    figures: list[Figure],
    quotes: list[Quote],
    body_start: int,
    lex: FigureLexicon = EN,
) -> None:
    """Claimant of each figure: the speaker of the statement holding it; else the source
    the sentence names ('according to X'); else the speaker of a statement attributed in
    the same sentence (a sentence-level attribution covers every figure in it: '... has
    killed 30, left dozens missing and 500 wounded, a spokesperson said'); else
    `reportedly` when the sentence says so; else the speaker of a statement earlier in the
    paragraph that the sentence goes on with."""
    title = doc._.header.title_span if doc._.header else None
    sents = [
        s
        for s in doc.sents
        if s.start_char >= body_start or title and title[0] <= s.start_char < title[1]
    ]
    text = doc_text(doc)
    speakers = _speaker_words()
    for fig in figures:
        bracket = _parenthesised_source(doc, fig, speakers)
        if bracket is not None:
            fig.claimant = bracket
            continue
        near, found = _nearest_attribution(doc, fig, quotes, lex)
        if found:
            fig.claimant = near
            continue
        q = quote_at(quotes, fig.start, fig.end)
        if q is not None:
            fig.claimant = q.speaker
            continue
        sent = next((s for s in sents if s.start_char <= fig.start < s.end_char), None)
        if sent is None:
            continue
        if title and title[0] <= sent.start_char < title[1]:
            head = _headline_speaker(doc, sent, fig, speakers)
            if head is not None:
                fig.claimant = head
                continue
        source = _source_phrase(sent, lex)
        if source is not None:
            fig.claimant = source[0]
            continue
        same = [
            x
            for x in quotes
            if x.speaker
            and x.speaker_start is not None
            and sent.start_char <= x.speaker_start < sent.end_char
            and x.kind in ("indirect", "direct")
        ]
        if same:  # the nearest statement of the sentence covers the figure
            best = min(same, key=lambda x: max(x.start - fig.end, fig.start - x.end, 0))
            fig.claimant = best.speaker
            continue
        if REPORTEDLY.search(sent.text):
            fig.reportedly = True
            continue
        para_start = text.rfind("\n", 0, sent.start_char) + 1
        earlier = [x for x in quotes if para_start <= x.start < sent.start_char and x.speaker]
        closing = _closing_attribution(text, sent, sents, quotes)
        if closing is not None:
            fig.claimant = closing
        elif earlier:
            fig.claimant = earlier[-1].speaker
        else:
            fig.reportedly = False


def _closing_attribution(
    text: str, sent: Span, sents: list[Span], quotes: list[Quote]
) -> str | None:
    """The speaker of a pronoun attribution that closes the next sentence of the same
    paragraph ('98 people were taken to hospital. Twelve of them died, he said.'): the
    statement runs over both sentences."""
    nxt = next((s for s in sents if s.start_char >= sent.end_char and s.text.strip()), None)
    end = sent.start_char + len(sent.text.rstrip())  # a sentence may end with the blank line
    if nxt is None or "\n" in text[end : nxt.start_char]:
        return None
    for q in quotes:
        if (
            q.speaker
            and q.speaker_start is not None
            and nxt.start_char <= q.speaker_start < nxt.end_char
            and (q.speaker_text or "").lower() in ("he", "she", "they")
            and q.speaker_start > q.end
        ):
            return q.speaker
    return None


def date_figures(figures: list[Figure], times: list[TimeExpr], published: str | None) -> None:
    """Each updated value takes the calendar date of its time expression once that is
    resolved ('on Tuesday'), else the document's date ('now', or no date in the sentence)."""
    for fig in figures:
        if not fig.update:
            continue
        value = None
        if fig.as_of_time is not None and fig.as_of_time < len(times):
            value = times[fig.as_of_time].value
        fig.as_of = value if value and value[:1].isdigit() else published


class FiguresComponent:
    """Sets doc._.figures (needs parallax_times and parallax_quotes before it)."""

    def __init__(self, lexicon: str = DEFAULT_LEXICON) -> None:
        self.lex = load_lexicon(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        body_start = doc._.header.body_start if doc._.header else 0
        quotes, times = doc._.quotes or [], doc._.times or []
        figures = FigureFinder(doc, body_start, quotes, times, self.lex).find()
        assign_claimants(doc, figures, quotes, body_start, self.lex)
        date_figures(figures, times, None)  # the pipeline dates them again
        doc._.figures = figures
        return doc


@Language.factory(
    "parallax_figures",
    default_config={"lexicon": DEFAULT_LEXICON},
    requires=["token.dep", "token.head", "token.lemma", "doc.sents"],
    assigns=["doc._.figures", "doc.spans"],
    default_score_weights=score_weights(FIGURES),
)
def make_figures(nlp: Language, name: str, lexicon: str) -> SpansComponent:
    """The figures component; `lexicon` names its word lists under parallax/lexicons/
    (or an absolute path to a JSON file of the same keys). Reads the dependency parse
    (raises on a document without one); claimants that are the speakers of statements
    need `parallax_quotes` before it, and dated updates `parallax_times`. Writes
    doc._.figures and the span group "parallax_figures"; scored on that group."""
    return SpansComponent(FiguresComponent(lexicon), name, FIGURES, write_figures)
