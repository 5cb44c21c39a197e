"""Framing: contested terms ("anti-terror operation", "ethnic cleansing", "genocide",
"humanitarian corridor", ...) as each report uses them: who uses the term (the speaker of
the statement it stands in, or the report's own voice) and whether the report keeps its
distance (scare quotes, "so-called", "what X calls", "X described as")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from parallax.extensions import doc_text
from parallax.models import DocumentRecord, Quote
from parallax.spans import write_framing

# canonical term -> pattern (lower-cased text)
TERMS: dict[str, str] = {
    "anti-terror operation": r"(?:anti|counter)[- ]?terror(?:ist|ism)?(?: operation| measures)?",
    "ethnic cleansing": r"ethnic(?:ally)? cleans(?:ing|e|ed)",
    "genocide": r"genocid(?:e|al)",
    "humanitarian corridor": r"humanitarian (?:corridors?|routes?|passages?)",
    "occupation": r"occupation|occupied territor(?:y|ies)|occupiers?",
    "liberation": r"liberat(?:ion|ed|e)",
    "terrorists": r"terrorists?",
    "separatists": r"separatists?|separatism",
    "illegal armed formations": r"illegal (?:armed )?(?:formations|groups|units)",
    "junta": r"junta",
    "aggression": r"aggression",
    "provocation": r"provocations?",
    "puppet regime": r"puppet (?:regime|government)",
    "self-proclaimed": r"self-(?:proclaimed|styled|declared)",
    "war crimes": r"war crim(?:es?|inals?)",
    "massacre": r"massacres?",
    "reintegration": r"reintegrat(?:ion|e)",
}
PATTERNS = [(k, re.compile(rf"\b(?:{p})\b")) for k, p in TERMS.items()]
# Where any term may start (a zero-width look-ahead: overlapping starts all found), so each
# term's own pattern is tried only there instead of scanning the whole text once per term.
ANY_TERM = re.compile(r"(?=\b(?:" + "|".join(f"(?:{p})" for p in TERMS.values()) + r")\b)")
OPEN_Q = "\"\u201c\u2018'"
CLOSE_Q = "\"\u201d\u2019'"
SO_CALLED = re.compile(r"\b(?:so-called|so called|self-styled|alleged)\s+[\"\u201c\u2018']?$", re.I)
WHAT_X_CALLS = re.compile(
    r"\b(?:what|which)\s+(?P<who>[\w .'\u2019-]{1,60}?)\s+(?:(?:is |are )?calling|calls?|called|"
    r"describes? as|described as|terms?|termed|labels?|labell?ed)\s+(?:an?\s+|the\s+|its\s+)?"
    r"[\"\u201c\u2018']?$",
    re.I,
)
DESCRIBED = re.compile(
    r"\b(?:calls?|called|calling|describes?|described|describing|dubbed|branded|labell?ed)"
    r"\s+(?:it|this|them|(?:the|its|their) \w+(?: \w+)?)?\s*(?:as\s+)?(?:an?\s+|the\s+)?[\"\u201c\u2018']?$",
    re.I,
)


@dataclass
class FramingUse:
    """One use of a contested term in one report."""

    term: str  # canonical term ("anti-terror operation")
    text: str  # as written
    start: int
    end: int
    user: str | None  # who uses it: the speaker of the statement, None for the report's voice
    distanced: bool  # the report keeps its distance from the term
    how: str | None  # scare_quotes | so_called | what_x_calls | attributed | None


def _in_quote(quotes: list[Quote], start: int, end: int) -> Quote | None:
    inside = [q for q in quotes if q.start <= start and end <= q.end]
    return min(inside, key=lambda q: q.end - q.start) if inside else None


def _scare_quoted(text: str, start: int, end: int) -> bool:
    """The term (alone or with a word or two) stands between quotation marks."""
    before = text[max(0, start - 25) : start]
    after = text[end : end + 25]
    opened = max(before.rfind(c) for c in OPEN_Q)
    closed = min((i for i in (after.find(c) for c in CLOSE_Q) if i >= 0), default=-1)
    if opened < 0 or closed < 0:
        return False
    inner = before[opened + 1 :] + text[start:end] + after[:closed]
    return len(inner.split()) <= 5 and not re.search(r"[.!?,;]", before[opened + 1 :])


def find_framing(
    text: str, quotes: list[Quote], found: Sequence[tuple[str, int, int]] | None = None
) -> list[FramingUse]:
    """Every use of a contested term, with its user and the report's distance. `found`:
    the text's `term_uses`, if known."""
    uses = term_uses(text) if found is None else found
    return sorted((_use(text, quotes, term, s, e) for term, s, e in uses), key=lambda u: u.start)


def term_uses(text: str) -> list[tuple[str, int, int]]:
    """Each use of a contested term in a text (the canonical term and its span), no two
    overlapping: read from the text alone."""
    out: list[tuple[str, int, int]] = []
    for term, s, e in _term_matches(text.lower()):
        if not any(s < b and a < e for _, a, b in out):
            out.append((term, s, e))
    return out


def _term_matches(low: str) -> Iterator[tuple[str, int, int]]:
    """Each term's matches, term by term in PATTERNS order, as `pattern.finditer` gives
    them (left to right, not overlapping one another), tried only where some term
    starts."""
    starts = [m.start() for m in ANY_TERM.finditer(low)]
    for term, pattern in PATTERNS:
        end = 0
        for at in starts:
            if at >= end and (m := pattern.match(low, at)) is not None:
                end = m.end()
                yield term, at, end


def _use(text: str, quotes: list[Quote], term: str, s: int, e: int) -> FramingUse:
    q = _in_quote(quotes, s, e)
    lead = text[max(0, s - 80) : s]
    how: str | None = None
    user = q.speaker if q else None
    if SO_CALLED.search(lead):
        how = "so_called"
    elif (w := WHAT_X_CALLS.search(lead)) is not None:
        how, user = "what_x_calls", user or w.group("who").strip()
    elif _attributed(text, lead, q, s, e):
        how = "attributed"
    elif q is None and _scare_quoted(text, s, e):
        how = "scare_quotes"
    distanced = how is not None and (q is None or q.kind == "partial")
    return FramingUse(term, text[s:e], s, e, user, distanced, how)


def _attributed(text: str, lead: str, q: Quote | None, s: int, e: int) -> bool:
    """Quoted as someone's word ('called its strikes a "counter-terror operation"')."""
    if q is not None:
        return q.kind == "partial" and _scare_quoted(text, s, e)
    return DESCRIBED.search(lead) is not None


def framing_of(
    d: DocumentRecord, found: Sequence[tuple[str, int, int]] | None = None
) -> list[FramingUse]:
    return find_framing(d.text, d.quotes, found)


@Language.component("parallax_framing", assigns=["doc._.framing", "doc.spans"])
def framing_component(doc: Doc) -> Doc:
    """Sets doc._.framing (after `parallax_quotes`, whose statements give the users; needs
    no parse) and the span group "parallax_framing" (label: the canonical term)."""
    doc._.framing = find_framing(doc_text(doc), doc._.quotes or [])
    write_framing(doc)
    return doc
