"""Event mentions: a trigger phrase typed after PLOVER where it fits (attack, air or drone
strike, shelling, ground offensive, ceasefire, ceasefire violation, blockade, explosion,
surrender, displacement, public statement), with the date, place, actor and target its
sentence gives. Figures are scoped to the event of their sentence (or paragraph)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parallax.extensions import doc_text
from parallax.extract.times import calendar_date
from parallax.intervals import Intervals
from parallax.models import EventMention, Figure, Mention, Quote, TimeExpr
from parallax.spans import FIGURES, require_parse, write_events, write_figures

# (type, pattern) in order of precedence; patterns match lower-cased sentence text.
TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ceasefire_violation",
        re.compile(
            r"\b(violat\w* (?:the |a )?(?:ceasefire|cease-fire|truce)|(?:ceasefire|truce) violations?|breach\w* (?:of )?the (?:ceasefire|truce))\b"
        ),
    ),
    (
        "explosion",
        re.compile(
            r"\b((?:land)?mine (?:blasts?|attacks?|explosions?)|landmines?|explosions?|blasts?|bombings?|car bombs?|ied)\b"
        ),
    ),
    (
        "airstrike",
        re.compile(
            r"\b((?:drone|air|missile|rocket|aerial) ?strikes?|airstrikes?|air raids?|drone attacks?|bombard\w*)\b"
        ),
    ),
    (
        "shelling",
        re.compile(
            r"\b(shelling|shelled|artillery (?:fire|strikes?|struck|hit|pounded)|artillery|barrage|mortar fire)\b"
        ),
    ),
    (
        "ground_offensive",
        re.compile(
            r"\b(sent (?:in )?troops|ground (?:operation|offensive|assault)|offensive|incursion|invasion|invaded|stormed)\b"
        ),
    ),
    ("ceasefire", re.compile(r"\b(ceasefire|cease-fire|truce|peace deal|armistice)\b")),
    ("blockade", re.compile(r"\b(blockade|siege|besieged|starved|starving|starvation)\b")),
    ("surrender", re.compile(r"\b(surrender\w*|disarm\w*|disband\w*)\b")),
    ("displacement", re.compile(r"\b(fled|flee|fleeing|displaced|displacement|exodus|refugees)\b")),
    # a government or an official leaving office: the political development a crisis forces
    ("resignation", re.compile(r"\b(resign(?:s|ed|ing|ation)?|step(?:s|ped)? down)\b")),
    (
        "attack",
        re.compile(
            r"\b(attacks?|attacked|assault|military (?:action|operation|measures)|(?:anti-terror\w*|counter-terror\w*) operation|clashes|fighting|hostilities|strikes|strike(?= (?:on|at|against|that|which|hit)\b)|(?:the|this|military|army) operation|struck)\b"
        ),
    ),
]
MILITARY = {"attack", "airstrike", "shelling", "ground_offensive"}
LABELS = {
    "attack": "Attack", "airstrike": "Air or drone strike", "shelling": "Shelling",
    "ground_offensive": "Ground offensive", "ceasefire": "Ceasefire or agreement",
    "ceasefire_violation": "Ceasefire violation", "blockade": "Blockade",
    "explosion": "Explosion", "surrender": "Surrender or disarmament",
    "displacement": "Displacement", "statement": "Public statement or appeal",
    "denial": "Denial or counter-claim", "assessment": "Assessment of the cause",
    "toll_update": "Later casualty toll", "appeal": "Appeal or call",
    "reaction": "Reaction or condemnation", "protest": "Protest or unrest",
    "resignation": "Resignation",
}  # fmt: skip
PLOVER = {
    "attack": "ASSAULT", "airstrike": "ASSAULT", "shelling": "ASSAULT",
    "ground_offensive": "ASSAULT", "ceasefire": "AGREE", "ceasefire_violation": "ASSAULT",
    "blockade": "COERCE", "explosion": "ASSAULT", "surrender": "YIELD",
    "displacement": "MOBILIZE", "statement": "COOPERATE", "denial": "REJECT",
    "appeal": "REQUEST", "reaction": "ACCUSE", "protest": "PROTEST", "resignation": "YIELD",
}  # fmt: skip
PLACE_RANK = {"town": 0, "region": 1, "country": 2}


def group_of(event_type: str) -> str:
    """Types that may describe one real event: every kind of military attack is one group."""
    return "military" if event_type in MILITARY else event_type


# verbs whose date is the telling's, not the event's: "officials said on Tuesday that
# the blast ...", "the toll from the blast rose to 12 on Wednesday", "the group on
# Wednesday described as lies the claim that it carried out the strike"
REPORTING_VERBS = frozenset(
    [
        "say",
        "tell",
        "announce",
        "report",
        "confirm",
        "state",
        "add",
        "rise",
        "climb",
        "increase",
        "reach",
        "grow",
        "jump",
        "put",
        "stand",
        "update",
        "revise",
        "publish",
        "release",
        "issue",
        "describe",
        "present",
        "claim",
        "allege",
        "accuse",
        "blame",
        "deny",
        "insist",
        "date",  # "a report dated Sunday"
    ]
)


def _reporting_date(doc: Doc, t: TimeExpr) -> bool:
    """A date that hangs on a verb of saying or of a rising toll."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in REPORTING_VERBS


def _sentence_dates(
    sent_times: list[tuple[int, TimeExpr]], since: bool = False
) -> list[tuple[int, TimeExpr]]:
    """The dates of the sentence in order ("since" dates only for ongoing states)."""
    kinds = ("date", "since") if since else ("date",)
    return [(i, t) for i, t in sent_times if t.kind in kinds and t.value != "PRESENT_REF"]


class _TimesBySentence:
    """The document's time expressions that start inside a span, as (index, time) in the
    list's order, found by bisection: each sentence looks only at its own times, so that
    the events of a long report cost what its sentences cost, not sentences x times."""

    def __init__(self, times: list[TimeExpr]) -> None:
        self.times = times
        self.order = sorted(range(len(times)), key=lambda i: times[i].start)
        self.starts = [times[i].start for i in self.order]

    def within(self, start: int, end: int) -> list[tuple[int, TimeExpr]]:
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [(i, self.times[i]) for i in sorted(self.order[lo:hi])]


def _place(sent: Span, mentions: list[Mention], near: int | None = None) -> Mention | None:
    """The most specific geocoded place of the sentence, nearest the trigger on a tie."""
    places = [m for m in mentions if sent.start_char <= m.start < sent.end_char
              and m.kind == "place" and m.precision]  # fmt: skip
    if not places:
        return None
    anchor = sent.start_char if near is None else near
    return min(places, key=lambda m: (PLACE_RANK.get(m.precision or "", 3), abs(m.start - anchor)))


def _actor(sent: Span, trigger_start: int, mentions: list[Mention]) -> Mention | None:
    """Who acted: the country or group heading the trigger's subject ("Azerbaijan sent
    troops", "Azerbaijan's attack", "the Azerbaijani military launched strikes")."""
    tok = next((t for t in sent if t.idx >= trigger_start), None)
    if tok is None:
        return None
    candidates: list[Token] = []
    verb = tok if tok.pos_ == "VERB" else tok.head if tok.dep_ in ("dobj", "nsubjpass") else None
    if verb is not None:
        candidates += [c for c in verb.children if c.dep_ in ("nsubj", "agent")]
    candidates += [
        c for c in tok.children if c.dep_ in ("poss", "amod", "compound") and c.i < tok.i
    ]
    for cand in candidates:
        for t in cand.subtree:
            for m in mentions:
                if m.start <= t.idx < m.end and m.kind in ("country", "group"):
                    return m
    return None


def _target(sent: Span, trigger_end: int, mentions: list[Mention], text: str) -> Mention | None:
    for m in mentions:
        if trigger_end <= m.start < sent.end_char and re.search(
            r"\b(against|on|into|in|at)\s+(the\s+)?$",
            text[max(trigger_end, m.start - 30) : m.start],
        ):
            return m
    return None


def find_events(
    doc: Doc, body_start: int, times: list[TimeExpr], mentions: list[Mention], quotes: list[Quote]
) -> list[EventMention]:
    """One event mention per trigger; statements with a date of their own become events."""
    events: list[EventMention] = []
    text = doc_text(doc)
    by_sentence = _TimesBySentence(times)
    said = _Said(quotes)
    for sent in doc.sents:
        if sent.start_char < body_start:
            continue
        sent_times = by_sentence.within(sent.start_char, sent.end_char)
        low = text[sent.start_char : sent.end_char].lower()  # sent.text, not joined again
        taken: list[tuple[int, int]] = []
        found: list[EventMention] = []
        for etype, pattern in TRIGGERS:
            for m in pattern.finditer(low):
                s, e = sent.start_char + m.start(), sent.start_char + m.end()
                if any(s < b and a < e for a, b in taken) or _figurative(doc, s, e):
                    continue
                taken.append((s, e))
                place = _place(sent, mentions, s)
                actor = _actor(sent, s, mentions)
                target = _target(sent, e, mentions, text)
                found.append(
                    EventMention(
                        key="",
                        type=etype,
                        trigger=text[s:e],
                        start=s,
                        end=e,
                        sentence_start=sent.start_char,
                        sentence_end=sent.end_char,
                        location=place.canonical if place else None,
                        location_precision=place.precision if place else None,
                        actor=actor.canonical if actor else None,
                        target=target.canonical if target else None,
                        location_start=place.start if place else None,
                        location_end=place.end if place else None,
                        actor_start=actor.start if actor else None,
                        actor_end=actor.end if actor else None,
                        target_start=target.start if target else None,
                        target_end=target.end if target else None,
                    )
                )
        _mark_alleged_violations(sent, found, events)
        _date_nearest(sent, found, sent_times)
        _mark_background(sent, found, sent_times, text)
        for ev in sorted(found, key=lambda x: x.start):
            ev.key = f"e{len(events)}"
            events.append(ev)
        if not taken:
            events.extend(_statement_events(sent, sent_times, said, len(events)))
    return events


INCIDENTS = MILITARY | {"explosion"}
# a campaign told as a whole: "since the war began", "over the past three decades"
HISTORY = re.compile(
    r"\b(since the (?:start|beginning|outbreak) of|since (?:the|this) (?:war|conflict|fighting)"
    r"|(?:throughout|during) the (?:war|conflict)|over the (?:past|last) (?:\w+ )?(?:years|decades))\b",
    re.I,
)


# attacks told as a lasting campaign ("the relentless Israeli bombardment", "the ongoing
# offensive"): a whole war's course, not one incident
CAMPAIGN = re.compile(
    r"\b(?:relentless|ongoing|continu(?:ed|ing)|constant|incessant|unrelenting|sustained)"
    r"\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
SINCE_REACH = 40  # characters from an attack to the "since" that counts it
SUPERLATIVE = re.compile(r"\b(worst|deadliest|largest|biggest|heaviest|first|most)\b", re.I)


def _mark_background(
    sent: Span, found: list[EventMention], sent_times: list[tuple[int, TimeExpr]], text: str
) -> None:
    """Attacks told as a campaign counted from a date ("Israeli strikes since October 7
    have killed ...", "fighting since 1988") are history, not an event of the crisis: an
    attack followed by its `since`, a sentence that opens with one, or a whole-war phrase
    marks them background, and so does a campaign told as lasting ("the relentless
    bombardment"); the sentence's date is not theirs ("the worst shelling since 2020" is
    no campaign). Ongoing states (a blockade "since December") stay the
    crisis's own."""
    whole = bool(HISTORY.search(text[sent.start_char : sent.end_char]))  # sent.text
    since = [t for _, t in sent_times if t.kind == "since"]
    for ev in found:
        if ev.type not in INCIDENTS:
            continue
        counted = any(
            0 <= t.start - ev.end <= SINCE_REACH
            and not SUPERLATIVE.search(text, ev.end, t.start)
            or not text[sent.start_char : t.start].strip(" \"'\u201c")  # "Since May, ..."
            for t in since
        )
        lasting = bool(CAMPAIGN.search(text, sent.start_char, ev.start))
        lasting = lasting or (
            ev.type in CAMPAIGNS and bool(BEGUN.match(text, ev.end, ev.end + SINCE_REACH))
        )
        if whole or counted or lasting:
            ev.background = True
            ev.date = ev.date_text = ev.time_index = ev.date_start = ev.date_end = None


# an offensive told from its start ("the invasion, which began on February 24, has ..."):
# the war's course, counted from a date as "since" counts it
CAMPAIGNS = {"ground_offensive"}
BEGUN = re.compile(r"\W*(?:which|that)\s+(?:began|started|was launched|erupted|broke out)\b", re.I)


ACCUSED_OF = re.compile(r"\b(accus\w*|blam\w*)\b[^.]*\bof\s+$", re.I)


def _mark_alleged_violations(
    sent: Span, found: list[EventMention], earlier: list[EventMention]
) -> None:
    """'accused X of shelling Y' after a ceasefire the report has mentioned: an alleged
    ceasefire violation, not the attack the ceasefire ended."""
    if not any(e.type == "ceasefire" for e in earlier):
        return
    for ev in found:
        if ev.type in MILITARY and ACCUSED_OF.search(sent.text[: ev.start - sent.start_char]):
            ev.type = "ceasefire_violation"


def _figurative(doc: Doc, start: int, end: int) -> bool:
    """'offensive remarks', 'offensive tweets': an adjective, not a military offensive."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return (
        span is not None
        and len(span) == 1
        and span[0].lower_ == "offensive"
        and span[0].pos_ == "ADJ"
    )


def _date_nearest(
    sent: Span, found: list[EventMention], sent_times: list[tuple[int, TimeExpr]]
) -> None:
    """The sentence's date goes to the trigger nearest to it; the others stay undated
    ("a ceasefire on Tuesday ended a 36-hour barrage": Tuesday is the ceasefire's). A date
    of saying or counting ("officials said on Tuesday that the blast...", "the toll rose
    on Wednesday") is no attack's: the sentence's next date may be."""
    if not found:
        return
    for since in (False, True):
        for idx, t in _sentence_dates(sent_times, since=since):
            cands = [e for e in found if since == (e.type == "blockade")]
            if _reporting_date(sent.doc, t):  # when it was said, not when it was struck
                cands = [e for e in cands if e.type not in INCIDENTS]
            if not cands:
                continue
            ev = min(cands, key=lambda e: min(abs(e.start - t.end), abs(t.start - e.end)))
            ev.date, ev.date_text, ev.time_index = t.value, t.text, idx
            ev.date_start, ev.date_end = t.start, t.end
            break


def _day_level(t: TimeExpr) -> bool:
    """A date that names a day ("on Tuesday", "September 20", "yesterday")."""
    if t.rule:
        return (
            "weekday" in t.rule
            or "day" in t.rule
            or t.rule.get("relative")
            in ("today", "yesterday", "tomorrow", "tonight", "last night", "this morning")
        )
    return len(t.value or "") == 10


class _Said:
    """The report's quotations: the text they cover, and the first of them (in the list's
    order) whose speaker stands in a span, each found by bisection."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self.covered = Intervals((q.start, q.end) for q in quotes)
        self.speakers = sorted(
            (q.speaker_start, i)
            for i, q in enumerate(quotes)
            if q.speaker and q.speaker_start is not None
        )
        self.speaker_starts = [start for start, _ in self.speakers]

    def speaker_within(self, start: int, end: int) -> Quote | None:
        lo = bisect_left(self.speaker_starts, start)
        hi = bisect_left(self.speaker_starts, end)
        found = [i for _, i in self.speakers[lo:hi]]
        return self.quotes[min(found)] if found else None


def _statement_events(
    sent: Span, sent_times: list[tuple[int, TimeExpr]], said: _Said, n: int
) -> list[EventMention]:
    """A dated statement ("Pope Francis said at his general audience on September 20"); a
    date inside what was said ("the convoy will cross on Thursday") is not the statement's."""
    dates = [
        (i, t)
        for i, t in sent_times
        if t.kind == "date" and _day_level(t) and t.start not in said.covered
    ]
    if not dates:
        return []
    idx, t = dates[0]
    q = said.speaker_within(sent.start_char, sent.end_char)
    if q is not None and q.speaker and q.speaker_start is not None:
        return [
            EventMention(
                key=f"e{n}",
                type="statement",
                trigger=q.speaker_text or q.speaker,
                start=q.speaker_start,
                end=q.speaker_end or q.speaker_start,
                sentence_start=sent.start_char,
                sentence_end=sent.end_char,
                date=t.value,
                date_text=t.text,
                time_index=idx,
                actor=q.speaker,
                date_start=t.start,
                date_end=t.end,
                actor_start=q.speaker_start,
                actor_end=q.speaker_end,
            )
        ]
    return []


def date_events(events: list[EventMention], times: list[TimeExpr]) -> None:
    """Each event takes the calendar value of its time expression, once that is resolved."""
    for ev in events:
        if ev.time_index is not None and ev.time_index < len(times):
            ev.date = calendar_date(times[ev.time_index].value)[0]


# "... followed an ambush in which 3 soldiers died": what comes after names an earlier
# incident cited as a cause, not the event before it.
CITED_CAUSE = re.compile(
    r"\b(followed|in (retaliation|response|revenge) (for|to)|triggered by|prompted by|"
    r"sparked by|(after|following) (a|an|the|last|earlier|previous)\b)",
    re.I,
)


# the kinds of event a figure of each metric tells, when its sentence names several
# ("urged civilians to flee after the strike killed 50": the dead are the strike's)
TOLD_BY = {
    "killed": INCIDENTS,
    "injured": INCIDENTS,
    "missing": INCIDENTS,
    "displaced": {"displacement", "blockade"},
}
# kinds that never tell a figure of the metric: people who flee are not killed by fleeing
# ("a missile hit a station where thousands had gathered to flee, killing 50")
NEVER_TOLD_BY = {
    "killed": {"displacement", "resignation"},
    "injured": {"displacement", "resignation"},
    "missing": {"displacement", "resignation"},
    "displaced": {"resignation"},
}
# what an attack or blast leaves; people detained are not counted by the event before them
CASUALTIES = {"killed", "injured", "missing", "displaced", "evacuated"}


def _tells_history(doc: Doc, fig: Figure, times: Sequence[TimeExpr]) -> bool:
    """The figure's sentence counts from a start ("since October 7", "since the war
    began"): a campaign's total, not one event's."""
    span = doc.char_span(fig.start, fig.end, alignment_mode="expand")
    if span is None:
        return False
    sent = span[0].sent
    return any(
        sent.start_char <= t.start < sent.end_char and t.kind == "since" for t in times
    ) or bool(HISTORY.search(sent.text))


def scope_figures(
    doc: Doc, figures: list[Figure], events: list[EventMention], times: Sequence[TimeExpr] = ()
) -> None:
    """Each figure belongs to an event of its sentence (the nearest trigger before it,
    else after it), else to the last event earlier in its paragraph. A figure told of
    an earlier incident cited as a cause ('the raid followed an ambush in which three
    soldiers died') is not the event's: with no event of its own it has none."""
    text = doc_text(doc)
    main = main_event(events)
    by_sentence = _TimesBySentence(list(times))
    for fig in figures:
        same = [
            e
            for e in events
            if e.sentence_start <= fig.start < e.sentence_end and e.type != "statement"
        ]
        kinds = TOLD_BY.get(fig.metric)
        never = NEVER_TOLD_BY.get(fig.metric, set())
        same = [e for e in same if kinds is None or e.type in kinds] or [
            e for e in same if e.type not in never
        ]
        if same:
            before = [e for e in same if e.start <= fig.start]
            chosen = before[-1] if before else same[0]
            cited = before and CITED_CAUSE.search(text, chosen.end, fig.start)
            fig.event = None if cited else chosen.key
            continue
        if _tells_history(doc, fig, times) or fig.metric not in CASUALTIES:
            fig.event = None  # a whole-war total, or arrests: no event of their own
            continue
        fig.told_on = _told_on(doc, fig, by_sentence)
        para_start = text.rfind("\n", 0, fig.start) + 1
        earlier = [
            e
            for e in events
            if para_start <= e.start < fig.start and e.type != "statement" and e.type not in never
        ]
        if earlier:
            fig.event = earlier[-1].key
        elif main is not None:
            fig.event = main.key


def _told_on(doc: Doc, fig: Figure, by_sentence: _TimesBySentence) -> int | None:
    """The index of a date the figure's own sentence gives before it, other than a date of
    saying or of a rising toll."""
    span = doc.char_span(fig.start, fig.end, alignment_mode="expand")
    if span is None:
        return None
    for i, t in by_sentence.within(span[0].sent.start_char, fig.start):
        if t.kind == "date" and not _reporting_date(doc, t):
            return i
    return None


def detach_earlier_incidents(
    figures: list[Figure], events: list[EventMention], times: list[TimeExpr]
) -> None:
    """Once dates are resolved: a figure placed with an event its sentence does not tell
    belongs to an earlier incident when its sentence dates it before that event ("a
    missile like the one that hit Velgrad on March 14, killing 17"): it has no event here,
    and stays out of the event's range."""
    by_key = {e.key: e for e in events}
    for fig in figures:
        ev = by_key.get(fig.event) if fig.event else None
        if ev is None or fig.told_on is None or fig.told_on >= len(times):
            continue
        day, event_day = times[fig.told_on].value or "", ev.date or ""
        if len(day) == 10 and len(event_day) == 10 and day < event_day:
            fig.event = None


def main_event(events: list[EventMention]) -> EventMention | None:
    """The report's main incident: the dated attack or blast mentioned most often (history
    told as background is no candidate)."""
    military = [e for e in events if e.type in INCIDENTS and not e.background]
    if not military:
        return None
    dated = [e for e in military if e.date_text] or military
    counts: dict[str | None, int] = {}
    for e in military:
        counts[e.date_text] = counts.get(e.date_text, 0) + 1
    return max(dated, key=lambda e: (counts.get(e.date_text, 0), -e.start))


@Language.component(
    "parallax_events",
    requires=["token.dep", "token.head", "token.tag", "token.lemma", "doc.sents"],
    assigns=["doc._.mentions", "doc._.events", "doc._.figures", "doc.spans"],
)
def events_component(doc: Doc) -> Doc:
    """Sets doc._.mentions and doc._.events, and scopes doc._.figures to events; writes
    the span group "parallax_events" (and "parallax_figures" again, with the events).
    Reads the dependency parse (raises on a document without one); mentions, dates and
    figures come from parallax_quotes, parallax_times and parallax_figures before it."""
    require_parse(doc, "parallax_events")
    body_start = doc._.header.body_start if doc._.header else 0
    mentions = doc._.entities.mentions() if doc._.entities else []
    doc._.mentions = mentions
    events = find_events(doc, body_start, doc._.times or [], mentions, doc._.quotes or [])
    doc._.events = events
    scope_figures(doc, doc._.figures or [], events, doc._.times or [])
    write_events(doc)
    if FIGURES in doc.spans:
        write_figures(doc)
    return doc
