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


def _agent(text: str, offset: int, gaz: Gazetteer, d: DocumentRecord, framed: bool) -> str | None:
    """Who the clause says did it: "fired by X", "X's responsibility", "X carried out",
    "a rocket from X"; "an X airstrike" only in a clause that tells a cause ("caused
    by an X airstrike", "killed in an X airstrike")."""
    pats = _patterns()
    keys = ("by", "owned", "subject", "from") + (("before_noun",) if framed else ())
    for key in keys:
        for m in pats[key].finditer(text):
            name = next((g for g in m.groups() if g), None)
            if name is None:
                continue
            found = _resolve(name, gaz, offset + m.start(), d)
            if found:
                return found
    return None


def _weapon(text: str, gaz: Gazetteer) -> str | None:
    not_names = set(lexicon()["not_names"])
    for m in _patterns()["weapon"].finditer(text):
        name = m.group("name")
        if name in not_names or gaz.country_of_demonym(name) or gaz.actor_name(name):
            continue
        if "-" in name or re.search(r"\bmissile\s+(?:complex|system)\b", m.group(0)):
            return name
    return None


LAUNCHED_FROM = re.compile(
    r"\b(?:launched|fired|shot)\s+from\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?"
    r"(?P<name>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)"
)


def _site(text: str, offset: int, d: DocumentRecord) -> str | None:
    """The place a weapon was launched from: a place the report names after "from" in a
    clause that tells of a launch ("launched from Shakhtarsk", "troops from the occupied
    territories in the Luhansk region deployed")."""
    if not _patterns()["launch"].search(text):
        return None
    m = LAUNCHED_FROM.search(text)
    if m:
        return m.group("name")
    for m in re.finditer(r"\bfrom\s+", text):
        window = (offset + m.end(), offset + min(len(text), m.end() + 60))
        for mention in d.mentions:
            if mention.kind == "place" and window[0] <= mention.start < window[1]:
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
    weapon, a denial or a dispute, and are no running total or history. Read from the
    text alone (see `TextFeatures.clauses`)."""
    pats = _patterns()
    out = []
    for s_start, s_end in sentences(text):
        for start, end in clauses(text, s_start, s_end):
            part = text[start:end]
            if pats["trigger"].search(part.lower()) and not pats["history"].search(part):
                out.append((start, end))
    return out


def accounts(
    d: DocumentRecord, gaz: Gazetteer, candidates: Sequence[tuple[int, int]] | None = None
) -> list[Account]:
    """Every clause of a report that tells who did it, what caused it, with what weapon
    or from where, or that denies or disputes something. `candidates`: the report's
    `account_clauses`, if known."""
    pats = _patterns()
    quotes = sorted(d.quotes, key=lambda q: q.start)
    out = []
    for start, end in account_clauses(d.text) if candidates is None else candidates:
        text = d.text[start:end]
        denial = bool(pats["denial"].search(text) or pats["predicate"].search(text))
        framed = bool(pats["frame"].search(text))
        agent = _agent(text, start, gaz, d, framed)
        cause = _cause(text, framed)
        weapon, site = _weapon(text, gaz), _site(text, start, d)
        dispute = bool(pats["dispute"].search(text)) and bool(
            pats["count"].search(text) or pats["number"].search(text)
        )
        if not (agent or cause or weapon or site or denial or dispute):
            continue
        negated = bool(pats["negation"].search(text))
        claim, claim_by = _claim(text, start) if denial else (None, None)
        claim_agent = claim_cause = None
        if claim is not None:
            told = d.text[claim[0] : claim[1]]
            claim_agent = _agent(told, claim[0], gaz, d, True)
            claim_cause = _cause(told, True)
        numbers = tuple(int(n.replace(",", "")) for n in pats["number"].findall(text))
        out.append(
            Account(
                document=d.name,
                start=start,
                end=end,
                text=text.strip(),
                speaker=_speaker(quotes, start, end),
                agent=agent,
                cause=cause,
                weapon=weapon,
                site=site,
                negated=negated,
                denial=denial,
                generic_denial=denial and bool(pats["object"].search(text)),
                denies_blame=(denial or negated) and bool(pats["blame"].search(text)),
                dispute=dispute,
                numbers=numbers,
                claim=claim,
                claim_by=claim_by,
                claim_agent=claim_agent,
                claim_cause=claim_cause,
            )
        )
    return out
