"""Accounts of what happened, as reports tell them: who did it (`agent`), what caused
it (`cause`: a deliberate attack or an accident), with what weapon and from where, and
the statements that deny or dispute another one. Read clause by clause from a report's
text and its quotes (the speaker of a clause is the speaker of the quote it lies in;
otherwise it is the report's own voice). The cross-check (`reconcile.py`) sets
incompatible accounts, denials and disputed counts side by side.

The word lists are data: `parallax/lexicons/en/accounts.json`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from parallax.gazetteer import Gazetteer
from parallax.models import DocumentRecord, Quote

LEXICON = Path(__file__).resolve().parent / "lexicons" / "en" / "accounts.json"


@dataclass(frozen=True)
class Account:
    """One clause of one report that tells or denies something about an event."""

    document: str
    start: int  # the clause in the document text
    end: int
    text: str
    speaker: str | None  # None: the report's own voice
    agent: str | None = None  # country (or named group) said to have done it
    cause: str | None = None  # attack | accident
    weapon: str | None = None  # a named weapon system ("Tochka-U")
    site: str | None = None  # the place it was launched from
    negated: bool = False  # the clause says it was not so ("did not launch any")
    denial: bool = False  # a denial or rejection ("denied", "false and baseless")
    generic_denial: bool = False  # denies accusations, claims or responsibility at large
    denies_blame: bool = False  # a denial of doing it ("denied responsibility", "attacking")
    dispute: bool = False  # disputes a count ("inflated the death toll")
    numbers: tuple[int, ...] = ()
    claim: tuple[int, int] | None = None  # span of the claim a denial names ("denied that X")
    claim_by: str | None = None  # who made that claim ("allegations by the Ukrainian side")
    claim_agent: str | None = None  # who that claim says did it
    claim_cause: str | None = None  # the cause that claim gives

    @property
    def tells(self) -> bool:
        """An affirmed account of who, what cause, what weapon or where from."""
        return (
            not self.negated
            and not self.denial
            and bool(self.agent or self.cause or self.weapon or self.site)
        )


@cache
def lexicon(path: str = str(LEXICON)) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def _words(key: str) -> str:
    """A regular expression alternation of a word list, longest first."""
    items = sorted(lexicon()[key], key=len, reverse=True)
    return "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in items)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    name = r"(?:[A-Z][\w\u2019'-]*(?:\s+(?:of\s+)?[A-Z][\w-]*){0,3})"
    poss = r"(?:['\u2019]s)?"
    flags = re.I
    keys = ("denial_verbs", "denial_predicates", "dispute_cues", "cause_frames", "attack",
            "accident", "weapon_nouns", "agent_nouns", "by_verbs", "agent_verbs",
            "launch_verbs")  # fmt: skip
    return {
        # a clause with none of these words tells no account (matched on lower case)
        "trigger": re.compile(rf"\b(?:{'|'.join(_words(k) for k in keys)}|guilt)\b"),
        "denial": re.compile(rf"\b(?:{_words('denial_verbs')})\b", flags),
        "predicate": re.compile(rf"\b(?:{_words('denial_predicates')})\b", flags),
        "object": re.compile(rf"\b(?:{_words('denied_objects')})\b", flags),
        "dispute": re.compile(rf"\b(?:{_words('dispute_cues')})\b", flags),
        "blame": re.compile(rf"\b(?:{_words('blame_words')}|{_words('attack')})\b", flags),
        "count": re.compile(rf"\b(?:{_words('count_words')})\b", flags),
        "frame": re.compile(rf"\b(?:{_words('cause_frames')})\b", flags),
        "attack": re.compile(rf"\b(?:{_words('attack')})\b", flags),
        "accident": re.compile(rf"\b(?:{_words('accident')})\b", flags),
        "negation": re.compile(rf"\b(?:{_words('negations')})\b|n['\u2019]t\b", flags),
        "history": re.compile(rf"\b(?:{_words('history_cues')})\b", flags),
        # "Israeli airstrike", "Russia's military", "two Russian missiles"
        "before_noun": re.compile(
            rf"\b(?P<name>{name}){poss}\s+(?:[a-z-]+\s+)?(?:{_words('agent_nouns')})\b"
        ),
        # "fired by Islamic Jihad", "used only by the Ukrainian military"
        "by": re.compile(
            rf"\b(?:{_words('by_verbs')})\s+(?:[a-z]+\s+)?by\s+(?:the\s+)?(?P<name>{name})"
        ),
        # "Israel was behind the attack", "Russia carried out the attack"
        "subject": re.compile(
            rf"\b(?P<name>{name}){poss}\s+(?:[a-z]+\s+)?(?:{_words('agent_verbs')})\b"
        ),
        # "Israel's responsibility", "the responsibility of Ostravia", "were Ukraine's"
        "owned": re.compile(
            rf"\b(?P<name>{name})['\u2019]s\s+(?:responsibility|guilt)\b"
            rf"|\bresponsibility\s+of\s+(?:the\s+)?(?P<name2>{name})"
            rf"|\b(?:was|were)\s+(?P<name3>{name})['\u2019]s\b"
        ),
        # "rocket from the Palestinian Islamic Jihad"
        "from": re.compile(rf"\b(?:{_words('weapon_nouns')})\s+from\s+(?:the\s+)?(?P<name>{name})"),
        # "the Tochka-U tactical missile", "missiles of the Iskander missile complex"
        "weapon": re.compile(
            rf"\b(?P<name>[A-Z][\w]*(?:-[\w]+)+|[A-Z][a-z]+)\s+"
            rf"(?:(?:tactical|ballistic|cruise|short-range|guided)\s+)*"
            rf"(?:{_words('weapon_nouns')})\b"
        ),
        "launch": re.compile(rf"\b(?:{_words('launch_verbs')})\b", flags),
        "by_whom": re.compile(rf"\b(?:by|of)\s+(?:the\s+)?(?P<name>{name})"),
        "that": re.compile(r"\bthat\s+"),
        "number": re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b"),
    }


SENTENCE = re.compile(r"(?<=[.!?])(?:\[\d+\])*[\"\u201d\u2019')\]]*(?:\[\d+\])*\s+|\n+")
# two accounts meet: "X blamed A, while Y said B"; a second statement joined to a first
# ("..., adding that the report was biased")
CLAUSE = re.compile(
    r",\s+(?:while|whereas|but)\s+|;\s+|\s+but\s+|\s+while\s+"
    r"|,\s+(?:adding|saying|noting|arguing|insisting)\s+(?:that\s+)?"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after a full stop and at line breaks."""
    out, start = [], 0
    for m in SENTENCE.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut where two accounts meet ("X blamed A, while Y said B")."""
    out, at = [], start
    for m in CLAUSE.finditer(text, start, end):
        out.append((at, m.start()))
        at = m.end()
    out.append((at, end))
    return [(s, e) for s, e in out if e > s]


def _speaker(quotes: list[Quote], start: int, end: int) -> str | None:
    """The speaker of the quote that covers most of a clause."""
    best, overlap = None, 0
    for q in quotes:
        n = min(end, q.end) - max(start, q.start)
        if n > overlap and q.speaker:
            best, overlap = q.speaker, n
    return best if overlap >= min(20, (end - start) // 3) else None


def _resolve(name: str, gaz: Gazetteer, start: int, d: DocumentRecord) -> str | None:
    """A name as an actor: a country (by name or demonym) or a named organisation or
    group that the report's entities know; None for anything else."""
    words = name.split()
    not_names = set(lexicon()["not_names"])
    while words and words[0] in not_names:
        words = words[1:]
    if not words:
        return None
    whole = " ".join(words)
    country = gaz.actor_name(whole) or gaz.actor_name(words[0])
    if country:
        return country
    for w in words:
        country = gaz.country_of_demonym(w.rstrip("s") if w.endswith("ns") else w)
        if country and w[0].isupper():
            return country
    for m in d.mentions:
        near = m.start <= start < m.end or start <= m.start < start + len(name)
        if near and m.kind in ("organization", "group") and m.text in name:
            return m.canonical
    return None


AGENT_KEYS = ("by", "owned", "subject", "from")  # and "before_noun" in a framed clause


def _agent_names(text: str, offset: int, framed: bool) -> tuple[tuple[str, int], ...]:
    """The names a clause may give as who did it, each with its offset in the report, in
    the order they are tried: "fired by X", "X's responsibility", "X carried out", "a
    rocket from X"; "an X airstrike" only in a clause that tells a cause ("caused by an
    X airstrike", "killed in an X airstrike"). Read from the text alone."""
    pats = _patterns()
    out = []
    for key in AGENT_KEYS + (("before_noun",) if framed else ()):
        for m in pats[key].finditer(text):
            name = next((g for g in m.groups() if g), None)
            if name is not None:
                out.append((name, offset + m.start()))
    return tuple(out)


def _agent(names: Sequence[tuple[str, int]], gaz: Gazetteer, d: DocumentRecord) -> str | None:
    """Who the clause says did it: the first of its `_agent_names` that is an actor."""
    for name, at in names:
        found = _resolve(name, gaz, at, d)
        if found:
            return found
    return None


def _weapon_names(text: str) -> tuple[str, ...]:
    """The names a clause may give as the weapon, in order ("the Tochka-U tactical
    missile", "missiles of the Iskander missile complex"): read from the text alone; the
    weapon is the first that names no country or actor (`_weapon`)."""
    not_names = set(lexicon()["not_names"])
    out = []
    for m in _patterns()["weapon"].finditer(text):
        name = m.group("name")
        if name in not_names:
            continue
        if "-" in name or re.search(r"\bmissile\s+(?:complex|system)\b", m.group(0)):
            out.append(name)
    return tuple(out)


def _weapon(names: Sequence[str], gaz: Gazetteer) -> str | None:
    return next((n for n in names if not (gaz.country_of_demonym(n) or gaz.actor_name(n))), None)


LAUNCHED_FROM = re.compile(
    r"\b(?:launched|fired|shot)\s+from\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?"
    r"(?P<name>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)"
)


def _launch_site(text: str, offset: int) -> tuple[str | None, tuple[tuple[int, int], ...]]:
    """Where a clause that tells of a launch says it came from, read from the text alone:
    the name after "launched from" ("launched from Shakhtarsk"), else the stretches of
    the report after each "from" where a place the report names may stand ("troops from
    the occupied territories in the Luhansk region deployed"); nothing for a clause that
    tells of no launch."""
    if not _patterns()["launch"].search(text):
        return None, ()
    m = LAUNCHED_FROM.search(text)
    if m:
        return m.group("name"), ()
    windows = ((offset + m.end(), offset + min(len(text), m.end() + 60))
               for m in re.finditer(r"\bfrom\s+", text))  # fmt: skip
    return None, tuple(windows)


def _site(named: str | None, windows: Sequence[tuple[int, int]], d: DocumentRecord) -> str | None:
    """The place a weapon was launched from (see `_launch_site`): the name, else the
    first place the report names in one of the windows."""
    if named:
        return named
    for start, end in windows:
        for mention in d.mentions:
            if mention.kind == "place" and start <= mention.start < end:
                return mention.canonical
    return None


CLAIMS_OF = re.compile(
    r"\b(?:claims?|allegations?|accusations?|reports?|suggestions?|assertions?)\s+of\s+"
)


# what a "that" clause starts with when it is a claim ("denied that she ...", "that the
# army ...", "that Hezbollah ..."), not a demonstrative ("rejected that argument")
CLAUSE_START = re.compile(
    r"(?:[A-Z0-9]|(?:he|she|it|they|we|i|you|his|her|its|their|our|the|a|an|this|these|"
    r"those|some|all|no|any|every|there)\b)"
)
CUE_REACH = 6  # words at most between a denial cue and the claim it names


def _claim(text: str, offset: int) -> tuple[tuple[int, int] | None, str | None]:
    """The claim a denial names: "denied that X", "allegations by Y that X are untrue",
    "denied claims that X", "contested claims of X"."""
    pats = _patterns()
    for m in (*pats["that"].finditer(text), *CLAIMS_OF.finditer(text)):
        if m.re is pats["that"] and not CLAUSE_START.match(text, m.end()):
            continue
        cues = [c for key in ("denial", "object") for c in pats[key].finditer(text, 0, m.start())]
        cues = [c for c in cues if len(text[c.end() : m.start()].split()) <= CUE_REACH]
        if not cues:
            continue
        end = len(text)
        verb = re.search(
            r"\s+(?:are|were|is|was)\s+(?:[\"\u201c]\s*)?(?:a\s+|an\s+)?\w", text[m.end() :]
        )
        if (
            pats["object"].search(text, 0, m.start())
            and verb
            and pats["predicate"].search(text, m.end() + verb.start())
        ):
            end = m.end() + verb.start()
        span_text = text[m.end() : end].rstrip(' ,."\u201d')
        if len(span_text.split()) < 4:
            continue
        first = min(cues, key=lambda c: c.start())
        by = pats["by_whom"].search(text, first.end(), m.start())
        span = (offset + m.end(), offset + m.end() + len(span_text))
        return span, (by.group("name") if by else None)
    return None, None


def _cause(text: str, framed: bool) -> str | None:
    """attack or accident, in a clause that tells a cause ("caused by a bomb")."""
    if not framed:
        return None
    if _patterns()["accident"].search(text):
        return "accident"
    return "attack" if _patterns()["attack"].search(text) else None


def account_clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of a text that may tell an account: they name a cause, an agent, a
    weapon, a denial or a dispute, and are no running total or history."""
    pats = _patterns()
    out = []
    for s_start, s_end in sentences(text):
        for start, end in clauses(text, s_start, s_end):
            part = text[start:end]
            if pats["trigger"].search(part.lower()) and not pats["history"].search(part):
                out.append((start, end))
    return out


@dataclass(frozen=True)
class Reading:
    """What one clause of a report says, read from its text alone: all of an `Account`
    but what needs the gazetteer, the report's names or its quotes (who the candidate
    names are, the place a launch came from, the speaker). The same whichever reports
    the report is checked with: the cross-check keeps it (`TextFeatures.readings`)."""

    start: int
    end: int
    denial: bool
    generic_denial: bool
    denies_blame: bool
    negated: bool
    dispute: bool
    cause: str | None
    agents: tuple[tuple[str, int], ...]  # `_agent_names`
    weapons: tuple[str, ...]  # `_weapon_names`
    site: str | None  # `_launch_site`: the name after "launched from"
    site_windows: tuple[tuple[int, int], ...]  # `_launch_site`: where a place may stand
    numbers: tuple[int, ...]
    claim: tuple[int, int] | None
    claim_by: str | None
    claim_agents: tuple[tuple[str, int], ...]
    claim_cause: str | None


def readings(text: str) -> list[Reading]:
    """The readings of a text's clauses that may tell an account (`account_clauses`),
    leaving out those that can tell none: no cause, denial or dispute, and no name that
    could be an agent, a weapon or a launch site."""
    pats = _patterns()
    out = []
    for start, end in account_clauses(text):
        part = text[start:end]
        denial = bool(pats["denial"].search(part) or pats["predicate"].search(part))
        framed = bool(pats["frame"].search(part))
        agents = _agent_names(part, start, framed)
        cause = _cause(part, framed)
        weapons = _weapon_names(part)
        site, windows = _launch_site(part, start)
        dispute = bool(pats["dispute"].search(part)) and bool(
            pats["count"].search(part) or pats["number"].search(part)
        )
        if not (agents or cause or weapons or site or windows or denial or dispute):
            continue
        negated = bool(pats["negation"].search(part))
        claim, claim_by = _claim(part, start) if denial else (None, None)
        claim_agents: tuple[tuple[str, int], ...] = ()
        claim_cause = None
        if claim is not None:
            told = text[claim[0] : claim[1]]
            claim_agents = _agent_names(told, claim[0], True)
            claim_cause = _cause(told, True)
        out.append(
            Reading(
                start=start,
                end=end,
                denial=denial,
                generic_denial=denial and bool(pats["object"].search(part)),
                denies_blame=(denial or negated) and bool(pats["blame"].search(part)),
                negated=negated,
                dispute=dispute,
                cause=cause,
                agents=agents,
                weapons=weapons,
                site=site,
                site_windows=windows,
                numbers=tuple(int(n.replace(",", "")) for n in pats["number"].findall(part)),
                claim=claim,
                claim_by=claim_by,
                claim_agents=claim_agents,
                claim_cause=claim_cause,
            )
        )
    return out


def accounts(
    d: DocumentRecord, gaz: Gazetteer, read: Sequence[Reading] | None = None
) -> list[Account]:
    """Every clause of a report that tells who did it, what caused it, with what weapon
    or from where, or that denies or disputes something. `read`: the report's
    `readings`, if known (else read from its text: the same accounts)."""
    quotes = sorted(d.quotes, key=lambda q: q.start)
    out = []
    for r in readings(d.text) if read is None else read:
        agent = _agent(r.agents, gaz, d)
        weapon = _weapon(r.weapons, gaz)
        site = _site(r.site, r.site_windows, d)
        if not (agent or r.cause or weapon or site or r.denial or r.dispute):
            continue
        out.append(
            Account(
                document=d.name,
                start=r.start,
                end=r.end,
                text=d.text[r.start : r.end].strip(),
                speaker=_speaker(quotes, r.start, r.end),
                agent=agent,
                cause=r.cause,
                weapon=weapon,
                site=site,
                negated=r.negated,
                denial=r.denial,
                generic_denial=r.generic_denial,
                denies_blame=r.denies_blame,
                dispute=r.dispute,
                numbers=r.numbers,
                claim=r.claim,
                claim_by=r.claim_by,
                claim_agent=_agent(r.claim_agents, gaz, d) if r.claim is not None else None,
                claim_cause=r.claim_cause,
            )
        )
    return out
