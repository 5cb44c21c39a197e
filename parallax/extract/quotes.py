"""Quotes and statements with their speakers.

Direct and partial quotes are found at the character level (pairs of quotation marks
inside one paragraph, so an unbalanced mark never swallows other text), block quotes
after a line ending in "said:", and indirect speech from the dependency parse (a
speech verb with a clausal complement, "call on X to", "deny", "according to X").
Each quote's speaker hangs on a mention in the text (speaker_text / offsets) and is
resolved to a name through `DocEntities`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parallax.extensions import doc_text
from parallax.extract.entities import (
    CONTRAST_WORDS,
    DATELINE_MARKS,
    DELIVERY_NOUNS,
    IT_LOOKBACK,
    ON_BEHALF,
    ORGANIZATION_HEADS,
    ROLE_NOUNS,
    DocEntities,
    Resolved,
    children,
    join_names,
)
from parallax.gazetteer import get_gazetteer
from parallax.models import Quote
from parallax.spans import QUOTES, SpansComponent, score_weights, write_quotes

SPEECH_VERBS = {
    "say", "tell", "add", "continue", "state", "declare", "announce", "insist", "claim",
    "warn", "explain", "note", "ask", "reply", "respond", "argue", "call", "describe", "deny",
    "allege", "accuse", "urge", "maintain", "report", "stress", "acknowledge", "admit",
    "conclude", "suggest", "tweet", "post", "write", "confirm", "assert", "vow", "promise",
    "threaten", "demand", "appeal", "predict", "believe", "reject", "dismiss", "charge",
    "contend", "recall", "emphasize", "emphasise", "reiterate", "pledge", "estimate",
}  # fmt: skip
APPEAL_VERBS = {"call", "urge", "ask", "appeal", "demand", "warn", "press"}
DENIAL_VERBS = {"deny", "reject", "dismiss", "refute"}
# Beliefs, findings and other reported content that takes a clause ("polls show that ...").
BELIEF_VERBS = {
    "think", "feel", "hope", "fear", "suspect", "realize", "realise", "recognize", "recognise",
    "understand", "know", "learn", "hear", "find", "show", "reveal", "indicate", "signal",
    "imply", "agree", "concede", "assume", "doubt", "wonder", "decide", "expect", "worry",
    "question", "mention", "point", "observe", "remark", "hint", "testify", "complain",
    "boast", "joke", "quip", "retort", "counter", "guess", "speculate", "reckon", "assure",
    "inform", "remind", "advise", "caution", "disclose", "proclaim", "forecast", "project",
    "determine", "demonstrate", "prove", "sense", "imagine", "concur", "lament", "recount",
    "clarify", "specify",
    "notice", "remember", "bet", "swear", "posit", "theorize", "acknowledge", "announce",
    "consider", "assess", "detail",
}  # fmt: skip
# Statements of intent, reported with a to-infinitive ("vowed to rebuild the bridge").
INTENT_VERBS = {
    "vow", "pledge", "promise", "threaten", "refuse", "agree", "offer", "decline", "propose",
    "plan", "intend", "want", "hope", "expect", "seek", "decide", "aim", "swear", "resolve",
    "urge", "ask", "call", "appeal", "demand", "warn", "press", "tell", "encourage",
}  # fmt: skip
# Statements reported by their object ("condemned the shelling", "called for a truce").
OBJECT_VERBS = {
    "demand", "announce", "acknowledge", "criticize", "criticise", "condemn", "praise",
    "question", "cite", "mention", "discuss", "describe", "accuse", "blame", "endorse",
    "recommend", "propose", "welcome", "defend", "predict", "promise", "pledge", "vow",
    "claim", "allege", "report", "disclose", "reveal", "dispute", "confirm", "admit",
    "applaud", "slam", "blast", "decry", "denounce", "tout", "hail", "echo", "repeat",
    "reiterate", "call", "deny", "reject", "dismiss", "refute", "suggest", "support",
    "back", "oppose", "favor", "favour", "tweet", "say", "express", "voice", "contest",
    "assess",
}  # fmt: skip
# Statements reported by their topic ("spoke about the blockade", "called for a truce").
TOPIC_PREPOSITIONS = {
    "speak": {"about", "of"}, "talk": {"about", "of"}, "write": {"about", "of"},
    "comment": {"on", "about"}, "testify": {"about"}, "complain": {"about", "of"},
    "joke": {"about"}, "boast": {"about", "of"}, "tweet": {"about"}, "warn": {"of", "about", "against"},
    "argue": {"for", "against", "about"}, "speculate": {"about", "on"}, "respond": {"to"},
    "react": {"to"}, "reply": {"to"}, "call": {"for"}, "ask": {"for"}, "press": {"for"},
    "push": {"for"}, "appeal": {"for"}, "apologize": {"for"}, "apologise": {"for"},
    "insist": {"on"}, "agree": {"on", "with"}, "vote": {"for", "against"},
    "campaign": {"for", "against"}, "advocate": {"for"}, "lobby": {"for", "against"},
    "rail": {"against"}, "protest": {"against"}, "express": {"about"}, "say": {"about", "of"},
    "point": {"to"}, "refer": {"to"},
}  # fmt: skip
# A count put at a value by whoever states it ("officials put the death toll at 31").
ESTIMATE_VERBS = {"put", "place", "peg", "set", "estimate"}
COUNT_NOUNS = {"toll", "number", "figure", "count", "total", "tally"}
INDIRECT_CUES = (SPEECH_VERBS | BELIEF_VERBS | INTENT_VERBS | OBJECT_VERBS | ESTIMATE_VERBS) | set(
    TOPIC_PREPOSITIONS
)
# Nouns that report a statement of their holder ("his claim that", "Lukic's warning").
NOUN_CUES = {
    "claim", "statement", "remark", "assertion", "warning", "promise", "pledge", "comment",
    "accusation", "charge", "suggestion", "insistence", "argument", "description", "call",
    "demand", "threat", "vow", "prediction", "denial", "admission", "allegation",
    "contention", "complaint", "words", "view", "belief", "assessment", "verdict",
}  # fmt: skip
# Verbs that quote a few words to characterise something ('likened X to a "snake"').
PARTIAL_CUES = INDIRECT_CUES | {
    "liken", "compare", "brand", "label", "dub", "term", "mock", "ridicule", "characterize",
    "characterise", "portray", "paint", "refer", "chant", "sing", "shout", "scream", "read",
}  # fmt: skip
BLOCK_CUE_EXTRA = {"report", "write", "release", "issue", "publish", "post"}
DOUBLED_APOSTROPHE = "''"
# 'VARGA: We will rebuild.' (a transcript line) and 'Varga: Market will reopen' (a title).
TRANSCRIPT_SPEAKER = re.compile(
    r"[\"\u201c']*([A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,2}):[ \t]+(?=\S)"
)
TITLE_SPEAKER = re.compile(
    r"(?!(?:The|A|An) )([A-Z][\w.'\u2019-]*(?: (?:(?:of|for|the) )?[A-Z][\w.'\u2019-]*){0,3}):"
    r"[ \t]+(?=\S)"
)
# 'Said Ana Varga: "..."', the attribution inverted before a colon.
SAID_BEFORE_COLON = re.compile(
    r"\b[Ss]aid[ \t]+([A-Z][\w.'\u2019-]+(?:[ \t][A-Z][\w.'\u2019-]+){0,3}),?[ \t]*:[ \t]*$"
)
# '"...." \u2015 Ana Varga' or '- Ana Varga, nurse': a quote signed with a dash.
DASH_NAME = re.compile(
    r"[ \t\u00a0]*[\u2015\u2014\u2013-][ \t\u00a0]*"
    r"([A-Z][\w.'\u2019-]+(?:[ \t][A-Z][\w.'\u2019-]+){0,3})[ \t.,]*(?:$|\n|,)",
    re.M,
)
# 'Toll rises to 40 - health minister': a headline signed with a dash
HEADLINE_SIGNED = re.compile(r"(.*?\S)[ \t]+[-\u2013\u2014][ \t]+([a-z][a-z' -]{2,40}?)[ \t.]*$")
# Headlines that name their speaker after a comma: '..., says governor', '..., health
# ministry confirms' (the verb before or after the speaker).
HEADLINE_VERBS = "says|said|confirms|claims|warns|reports|admits|insists|announces"
HEADLINE_SAYS = re.compile(
    rf"(.*?\S),[ \t]+(?:{HEADLINE_VERBS})[ \t]+([\w'\u2019.-]+(?:[ \t][\w'\u2019.-]+){{0,5}}?)[ \t.]*$"
)
HEADLINE_SPEAKER_SAYS = re.compile(
    rf"(.*?\S),[ \t]+([\w'\u2019.-]+(?:[ \t][\w'\u2019.-]+){{0,5}}?)[ \t]+(?:{HEADLINE_VERBS})[ \t.]*$"
)
# Words that open an adverbial clause, not a reported one ("..., X said, while warning")
SUBORDINATORS = {"while", "as", "although", "though", "because", "after", "before", "when",
                 "since", "whereas", "until", "despite"}  # fmt: skip
# Bodies named with 'of' and whose they are ("office of the prosecutor-general of X")
OF_BODIES = {"office", "ministry", "department", "directorate", "committee", "council",
             "commission", "bureau", "agency", "service", "administration"}  # fmt: skip
# Statement nouns whose that-clause is the holder's claim ("Valdorian claims that ...")
CLAIM_NOUNS = {"claim", "allegation", "accusation", "assertion", "suggestion", "charge",
               "contention", "insistence"}  # fmt: skip
STATEMENT_LOOKBACK = 3  # attributed quotes searched back for who made "the statement"
RELATIVE_REACH = 40  # tokens searched for a relative clause around a cue
MIN_DIRECT_WORDS = 4
MIN_INDIRECT_TOKENS = 2
MAX_HEADLINE_WORDS = 20
MAX_CUE_SENTENCE = 8  # tokens of a bare '...," she asked.' sentence
# How far (characters) from a quotation's marks its cue verb is looked for, and from a
# cue verb the verb of a relayed statement ('said in remarks carried by X'): a bound
# far beyond any real sentence that keeps a run-on paragraph linear in its length.
CUE_WINDOW = 1000
RELAY_VERBS = {"report", "carry", "publish", "quote", "cite", "air", "broadcast"}
SOURCE_DOCUMENTS = {
    "statement",
    "report",
    "release",
    "post",
    "letter",
    "communique",
    "figure",
    "data",
    "statistic",
    "count",
    "tally",
    "estimate",
    "record",
    "toll",
    "document",
    "assessment",
}


@dataclass
class MarkedSpan:
    """A stretch of text between quotation marks (content offsets, marks excluded)."""

    start: int
    end: int
    open_mark: int
    close_mark: int  # offset just after the closing mark (or the paragraph end)


# -- quotation marks ------------------------------------------------------------


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the non-empty lines from `start` on."""
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if end > start and line.strip():
            out.append((max(pos, start), end))
        pos = end + 1
    return out


def _marks(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Quotation marks of a paragraph as (offset, length, kind): curly marks keep their
    direction ("open" / "close"); straight double marks and the doubled apostrophe that
    some newspapers print ('') are "straight"."""
    out = []
    i = start
    while (m := _MARK_CHARS.search(text, i, end)) is not None:  # the next mark's first character
        i = m.start()
        ch = text[i]
        if ch in "\u201c\u201d":
            out.append((i, 1, "open" if ch == "\u201c" else "close"))
        elif ch == '"' and text[i - 1 : i] == "=":  # markup left in the text: author="x"
            close = text.find('"', i + 1, end)
            i = close if close != -1 else i
        elif ch == '"':
            out.append((i, 1, "straight"))
        elif text.startswith(DOUBLED_APOSTROPHE, i):
            out.append((i, 2, "straight"))
            i += 1
        i += 1
    return out


_MARK_CHARS = re.compile('[\u201c\u201d"' + DOUBLED_APOSTROPHE[0] + "]")


def find_marked(text: str, start: int, end: int) -> list[MarkedSpan]:
    """Quoted stretches of one paragraph. Curly marks pair by direction, straight marks
    alternate; an opening mark left unclosed runs to the paragraph end only when it
    opens the paragraph (the convention for quotes that continue in the next one)."""
    spans: list[MarkedSpan] = []
    open_at: tuple[int, int] | None = None  # (offset, length) of the open mark
    closer = ""
    for pos, length, kind in _marks(text, start, end):
        if open_at is None:
            if kind != "close":
                open_at, closer = (pos, length), "close" if kind == "open" else "straight"
        elif kind == "open" and closer == "close" and _misturned_close(text, pos):
            spans.append(MarkedSpan(sum(open_at), pos, open_at[0], pos + length))
            open_at = None
        elif kind == "open":  # a new opening curly mark: the earlier one was never closed
            open_at, closer = (pos, length), "close"
        elif kind == closer:
            spans.append(MarkedSpan(sum(open_at), pos, open_at[0], pos + length))
            open_at = None
    if open_at is not None and not text[start : open_at[0]].strip():
        spans.append(MarkedSpan(sum(open_at), end, open_at[0], end))
    return [_trim(text, s) for s in spans if text[s.start : s.end].strip()]


def _misturned_close(text: str, pos: int) -> bool:
    """An opening mark set where the closing one belongs, as typed pages have it
    ('... and regions, \u201csaid the minister.'): after the quote's closing comma or stop
    and a space, right before a lower-case word."""
    after = text[pos + 1 : pos + 2]
    before = text[max(0, pos - 2) : pos]
    return after.islower() and len(before) == 2 and before[0] in ",.!?" and before[1] == " "


def _trim(text: str, s: MarkedSpan) -> MarkedSpan:
    a, b = s.start, s.end
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;"):
        b -= 1
    return MarkedSpan(a, b, s.open_mark, s.close_mark)


# -- parse helpers -------------------------------------------------------------------


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """Grammatical subject of a verb, inherited through conj / participle clauses; for a
    statement noun ("his claim that", "a warning by X") its holder."""
    if verb.pos_ in ("NOUN", "PROPN"):
        return holder_of(verb)
    for child in children(verb):
        if child.dep_ in ("nsubj", "csubj"):
            return child
    for child in children(verb):
        if child.dep_ == "nsubjpass":
            return None
    for child in children(verb):  # inverted "..., said the Members."
        if (
            child.dep_ in ("dobj", "attr")
            and child.i > verb.i
            and verb.lemma_ == "say"
            and verb.tag_ != "VBG"  # "saying the missiles were ...": content, not speaker
            and child.pos_ in ("PROPN", "NOUN", "PRON")
            and not any(c.dep_ == "ccomp" for c in children(verb))
        ):
            return child
    if depth < 3 and verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None
        if _conjoined_with_the_cue(verb):  # "It said its units had held and accused X"
            return subject_of(verb.head.head, depth + 1)
        return subject_of(verb.head, depth + 1)
    # "issued a statement calling X ...": the participle speaks for the issuer
    head = verb.head
    if (
        depth < 3
        and verb.dep_ == "acl"
        and verb.tag_ == "VBG"
        and head.dep_ == "dobj"
        and (head.lemma_ in SOURCE_DOCUMENTS or head.lemma_ in NOUN_CUES)
    ):
        return subject_of(head.head, depth + 1)
    return None


def _conjoined_with_the_cue(verb: Token) -> bool:
    """A verb the parse conjoins with a reported clause though its tense matches the
    reporting verb: 'It said its units had held the line and accused X of ...' (the
    ministry accused, not the units)."""
    clause = verb.head
    if verb.dep_ != "conj" or clause.dep_ != "ccomp" or clause.head.i == clause.i:
        return False
    cue = clause.head
    clause_aux = any(c.dep_ in ("aux", "auxpass") for c in children(clause))
    own_aux = any(c.dep_ in ("aux", "auxpass") for c in children(verb))
    return clause_aux and not own_aux and verb.tag_ == cue.tag_ and cue.lemma_ in SPEECH_VERBS


def _contrasted_statement(verb: Token) -> bool:
    """A reporting verb with its own subject conjoined by a contrast to a reported clause:
    'The ministry claimed that X was behind it but Y's army blamed a rocket' (the army's
    statement, not part of the ministry's)."""
    if verb.dep_ != "conj" or not _is_cue(verb, INDIRECT_CUES):
        return False
    if not any(c.dep_ == "nsubj" for c in children(verb)):
        return False
    prev = verb.doc[verb.left_edge.i - 1] if verb.left_edge.i > 0 else None
    while prev is not None and prev.is_punct and prev.i > 0:
        prev = verb.doc[prev.i - 1]
    return prev is not None and prev.lower_ in CONTRAST_WORDS


def _relayed_relative(verb: Token) -> bool:
    """A relative clause set off by a comma that reports another's statement: '..., which
    local officials said had killed 39 people' (the officials', not the outer speaker's)."""
    if verb.dep_ != "relcl" or not _is_cue(verb):
        return False
    first = verb.left_edge
    if first.lower_ not in ("which", "who") or first.i == 0 or verb.doc[first.i - 1].text != ",":
        return False
    return any(c.dep_ == "nsubj" and c.i != first.i for c in children(verb))


def _that_clause(clause: Token) -> bool:
    """A complement clause the parse took for a relative one: 'told a briefing that the
    army was not flying' ('that' stands as subject though the clause has its own)."""
    if clause.dep_ not in ("relcl", "acl"):
        return False
    first = clause.left_edge
    if first.lower_ != "that" or first.head.i != clause.i:
        return False
    if first.dep_ == "mark":  # "said in remarks that more people had died", not the
        # content of a noun the verb reports ("described the accusations that ...")
        noun = clause.head.lemma_.lower()
        if clause.head.dep_ != "pobj" or noun in NOUN_CUES and noun not in DELIVERY_NOUNS:
            return False
        return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in children(clause))
    subjects = [c for c in children(clause) if c.dep_ in ("nsubj", "nsubjpass", "expl")]
    return any(c.i != first.i for c in subjects)


def holder_of(noun: Token) -> Token | None:
    """Whose statement a statement noun is: "his claim", "a warning from X"."""
    if noun.lemma_.lower() not in NOUN_CUES:
        return None
    for child in children(noun):
        if child.dep_ == "poss":
            return child
    for child in children(noun):  # "Valdorian claims": the people's (their government's)
        if child.dep_ == "amod" and child.ent_type_ == "NORP" and child.i == noun.i - 1:
            return child
    for child in children(noun):
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            return next((c for c in children(child) if c.dep_ == "pobj"), None)
    return None


def np_span(token: Token) -> Span:
    """The noun phrase of a subject, without trailing prepositional phrases, clauses
    or appositions ("ethnic Armenian forces in X" -> "ethnic Armenian forces")."""
    doc = token.doc
    left = token.left_edge.i
    right = token.i
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    for child in token.rights:
        if child.dep_ == "punct" and child.i == right + 1:
            continue
        # a person named in apposition after a title ("Azerbaijan's president, Ilham Aliyev")
        if _body_of(token, child):  # "the office of Valdoria's prosecutor-general"
            right = max(right, child.right_edge.i)
            break
        if (
            child.dep_ in ("compound", "flat", "nummod", "case")
            or (
                child.dep_ == "appos"  # "the militant group Red Hand": the name with no comma
                and child.ent_type_ in ("ORG", "PERSON")
                and child.left_edge.i == right + 1
            )
            or (
                child.dep_ == "appos"
                and child.ent_type_ == "PERSON"
                and child.left_edge.i == right + 2
                and not any(c.dep_ == "conj" for c in children(child))
            )
        ):
            right = max(right, child.right_edge.i)
        else:
            break
    return doc[left : right + 1]


def _closing_relative(verb: Token, subj: Token) -> Token | None:
    """'A, who heads the office in Kessaria, called X': a parse that makes the last noun
    of a relative clause the subject of the verb after its closing comma. The subject is
    the noun the relative clause describes."""
    between = verb.doc[subj.i + 1 : verb.i]
    if not len(between) or any(t.text != "," for t in between):
        return None
    for anc in verb.ancestors:
        if anc.dep_ == "relcl" and anc.head.i < subj.i:
            return anc.head
    return None


def _body_of(head: Token, prep: Token) -> bool:
    """'of X' that names whose body it is: 'the office of Valdoria's prosecutor', 'the
    Ministry of Health' (a proper name inside), not 'the ministry of the interior'."""
    if prep.dep_ != "prep" or prep.lower_ != "of" or head.lemma_.lower() not in OF_BODIES:
        return False
    inner = [t for t in prep.subtree if t.i != prep.i]
    return len(inner) <= 6 and any(t.pos_ == "PROPN" for t in inner)


def conj_subjects(subj: Token) -> list[Token]:
    """The subject and every subject coordinated with it."""
    out = [subj]
    for child in children(subj):
        if child.dep_ == "conj":
            out.extend(conj_subjects(child))
    return out


def quote_at_offsets(
    text: str,
    start: int,
    end: int,
    kind: str,
    speaker: Resolved | None,
    mention: Span | None,
    cue: str | None,
    via: str | None = None,
) -> Quote:
    """A Quote of text[start:end] with its resolved speaker and the mention it hangs on."""
    return Quote(
        text=text, start=start, end=end, kind=kind,
        speaker=speaker.name if speaker and speaker.kind != "unresolved" else None,
        speaker_text=mention.text if mention is not None else None,
        speaker_start=mention.start_char if mention is not None else None,
        speaker_end=mention.end_char if mention is not None else None,
        speaker_type=speaker.kind if speaker else None, cue=cue, via=via,
    )  # fmt: skip


def make_quote(
    content: Span,
    kind: str,
    speaker: Resolved | None,
    mention: Span | None,
    cue: str | None,
    via: str | None = None,
) -> Quote:
    """A Quote whose content is a span of the parse, with its speaker mention."""
    return quote_at_offsets(
        content.text, content.start_char, content.end_char, kind, speaker, mention, cue, via
    )


def _copy_speaker(dst: Quote, src: Quote) -> None:
    """Give `dst` the speaker, mention and cue of `src` (a continued quote)."""
    dst.speaker, dst.speaker_type, dst.cue = src.speaker, src.speaker_type, src.cue
    dst.speaker_text, dst.speaker_start, dst.speaker_end = (
        src.speaker_text,
        src.speaker_start,
        src.speaker_end,
    )


NEWLINE = re.compile("\n")


def _tokens_with(doc: Doc, attr: int, words: Iterable[str]) -> list[Token]:
    """The tokens whose `attr` (LOWER, LEMMA) may be one of `words`, in order: read from the
    document's array of string hashes, so that no token object is made for the others
    (the caller still checks each token's string)."""
    strings = doc.vocab.strings
    wanted = numpy.array([strings[w] for w in words], dtype="uint64")
    found = numpy.flatnonzero(numpy.isin(doc.to_array(attr), wanted))
    return [doc[i] for i in found.tolist()]


def _is_cue(tok: Token, lexicon: set[str] = SPEECH_VERBS) -> bool:
    """A speech verb that is not negated ("did not say whether" reports no statement)."""
    return (
        tok.lemma_ in lexicon
        and tok.pos_ in ("VERB", "AUX")
        and not any(c.dep_ == "neg" for c in children(tok))
    )


def _strip_space(span: Span) -> Span:
    """A span without the line breaks the parse hangs on its ends (a headline's last word
    carries the blank line after it)."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end]


def _agent_of(verb: Token) -> Token | None:
    """The X of a passive 'reported by X'."""
    for agent in children(verb):
        if agent.dep_ == "agent":
            return next((c for c in children(agent) if c.dep_ == "pobj"), None)
    return None


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


class SpanIndex:
    """Character spans (possibly overlapping) with containment and overlap tests in
    logarithmic time: spans sorted by start with the running maximum of their ends."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.max_end = list(accumulate((b for _, b in self.spans), max))

    def inside(self, start: int, end: int) -> bool:
        """Some span holds [start, end)."""
        i = bisect_right(self.starts, start)
        return i > 0 and self.max_end[i - 1] >= end

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a character with [start, end)."""
        i = bisect_left(self.starts, end)
        return i > 0 and self.max_end[i - 1] > start

    def mostly_marked(self, start: int, end: int) -> bool:
        """For disjoint spans: one span holds [start, end - 1), or lies inside [start, end)
        and covers more than four fifths of it (a quotation, not a report of speech)."""
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.spans[i][1] >= end - 1:
            return True
        cut = start + 0.2 * (end - start)  # such a span starts before the first fifth ends
        i = bisect_left(self.starts, cut) - 1
        if i < 0 or self.starts[i] < start:
            return False
        a, b = self.spans[i]
        return b <= end and (b - a) > 0.8 * (end - start)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b in spans)


class Taken:
    """Spans already quoted: an index of the ones given and a short list of the ones
    found in the sentence at hand."""

    def __init__(self, base: SpanIndex) -> None:
        self.base = base
        self.recent: list[tuple[int, int]] = []

    def inside(self, start: int, end: int) -> bool:
        return self.base.inside(start, end) or _inside(self.recent, start, end)

    def overlaps(self, start: int, end: int) -> bool:
        return self.base.overlaps(start, end) or _overlaps(self.recent, start, end)


class QuoteFinder:
    """Finds the quotes of one parsed document."""

    def __init__(
        self,
        doc: Doc,
        body_start: int,
        entities: DocEntities,
        title: tuple[int, int] | None = None,
    ) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.body_start = body_start
        self.title = title
        self.ents = entities
        self.sents = entities.sents  # listed once: spaCy rebuilds doc.sents on each access
        self.paras = paragraphs(self.text, body_start)
        self.marked: list[MarkedSpan] = []
        for a, b in self.paras:
            self.marked.extend(find_marked(self.text, a, b))
        self.mark_spans = [(m.open_mark, m.close_mark) for m in self.marked]
        self.marks = SpanIndex(self.mark_spans)
        self.para_starts = [a for a, _ in self.paras]
        self.sent_starts = [s.start_char for s in self.sents]
        self.sent_tokens = [s.start for s in self.sents]
        self.newlines = [m.start() for m in NEWLINE.finditer(self.text)]
        text = self.text  # a sentence's text sliced from it, not joined from its tokens
        self.block_cue_sents = {
            s.start for s in self.sents if text[s.start_char : s.end_char].rstrip().endswith(":")
        }
        # the tokens below are looked at only where their word or lemma can qualify
        self.according = [
            t.i
            for t in _tokens_with(doc, LOWER, ("according", "per"))
            if (
                t.lower_ == "according"
                and t.i + 1 < len(doc)
                and doc[t.i + 1].lower_ == "to"
                or _per_source(t)
            )
            and not self.marks.inside(t.idx, t.idx + 1)
        ]
        self.statements: list[Quote] = []  # attributed quotes found so far, in text order
        self.relays = [
            t.i for t in _tokens_with(doc, LEMMA, RELAY_VERBS) if t.lemma_ in RELAY_VERBS
        ]
        # speech verbs outside quotation marks, the candidates for a quotation's cue
        self.cues = [
            t
            for t in _tokens_with(doc, LEMMA, SPEECH_VERBS)
            if _is_cue(t) and not self.marks.inside(t.idx, t.idx + len(t))
        ]
        self.cue_offsets = [t.idx for t in self.cues]

    # -- speakers ------------------------------------------------------------
    def speaker_of(self, cue: Token, before: int) -> tuple[Resolved | None, Span | None]:
        subj = subject_of(cue) or self._before_relative(cue)
        if subj is None:
            return None, None
        subj = _closing_relative(cue, subj) or subj
        subjects = [t for c in children(cue) if c.dep_ == "nsubj" for t in conj_subjects(c)]
        subjects = subjects if subj in subjects else conj_subjects(subj)
        for child in children(subj):  # "A, B, C and D" parsed as A with a listed apposition
            if child.dep_ == "appos" and any(c.dep_ == "conj" for c in children(child)):
                subjects += conj_subjects(child)
        if len(subjects) > 1:  # "Lisk - Valdoria urged": a dateline parsed as a subject
            kept = [t for t in subjects if not self.ents.is_dateline(np_span(t))]
            subjects, subj = (kept, kept[0]) if kept else (subjects, subj)
        if len(subjects) == 1:
            span = self._for_whom(subj)
            if self.ents.is_dateline(span):  # "VELGRAD (Wire) - X said": X, after the dash
                after = self._after_dateline(span, cue)
                if after is None:
                    return None, None
                span = after
            if len(span) == 1 and span[0].lower_ == "it":
                found = self._it_speaker(span[0], min(before, span.start_char))
                if found is not None:
                    return found, span
            return self.ents.resolve_np(span, before=min(before, span.start_char)), span
        resolved = []
        for s in subjects:
            r = self.ents.resolve_np(np_span(s), before=before)
            if r and r.kind != "unresolved":
                resolved.append(r)
        full = self.doc[
            min(s.left_edge.i for s in subjects) : max(np_span(s).end for s in subjects)
        ]
        names = tuple(dict.fromkeys(n for r in resolved for n in (r.members or (r.name,))))
        return Resolved(join_names(list(names)), "group", names), full

    def _it_speaker(self, it: Token, before: int) -> Resolved | None:
        """Who an 'it said' stands for where the last subjects do not tell: the body of the
        'it said' before ('"A," it said. ... It added B': one speaker goes on); where the
        nearest sentence sets two bodies against each other ('X claimed A but Y blamed
        B'), the body the headline reports, when the last sentences mention it."""
        lo = self.sent_starts[max(0, bisect_right(self.sent_starts, before) - 1 - IT_LOOKBACK)]
        for q in reversed(self.statements):
            if q.start >= before or q.speaker_start is None or q.speaker_start >= before:
                continue
            if q.end < lo:
                break
            if (q.speaker_text or "").lower() == "it" and q.speaker:
                return Resolved(q.speaker, q.speaker_type or "organization")
        found = self._protagonist()
        if found is None or not self._contested(before):
            return None
        protagonist, named = found
        window = self.text[lo:before].lower()
        return protagonist if named.lower() in window else None

    def _contested(self, before: int) -> bool:
        """The sentence before sets two speaking bodies against each other."""
        i = bisect_right(self.sent_starts, before) - 2
        if i < 0:
            return False
        sent = self.sents[i]
        if sent.end_char > before:
            return False
        cues = [t for t in sent if _is_cue(t, INDIRECT_CUES) and subject_of(t) is not None]
        subjects = {subject_of(t).lower_ for t in cues}  # type: ignore[union-attr]
        return len(subjects) >= 2 and any(t.lower_ in CONTRAST_WORDS for t in sent)

    def _protagonist(self) -> tuple[Resolved, str] | None:
        """The body whose statement the headline reports ('Red Hand says ...'), else the
        first sentence of the report, with the name the text calls it by."""
        first = next((s for s in self.sents if s.start_char >= self.body_start), None)
        spans = [self.title] if self.title is not None else []
        if first is not None:
            spans.append((first.start_char, first.end_char))
        for a, b in spans:
            i = bisect_left([t.idx for t in self.doc], a)
            for tok in self.doc[i:]:
                if tok.idx >= b:
                    break
                subj = subject_of(tok) if _is_cue(tok, INDIRECT_CUES) else None
                if subj is None:
                    continue
                mention = np_span(subj)
                names = [t for t in mention if t.ent_type_ == "ORG"]
                found = self.ents.resolve_np(mention)
                if names and found and found.kind in ("organization", "country"):
                    named = self.doc[names[0].i : names[-1].i + 1].text
                    return found, named
                break
        return None

    def _for_whom(self, subj: Token) -> Span:
        """The subject's noun phrase; for one who speaks for another with the name after
        ("spokesman for the Security Service Ivo Brandt") up to that name."""
        span = np_span(subj)
        role = subj.lemma_.lower() in ON_BEHALF or subj.lower_ in ROLE_NOUNS
        if not role or any(t.ent_type_ == "PERSON" for t in span):
            return span
        for prep in children(subj):
            if prep.dep_ == "prep" and prep.lower_ in ("for", "of") and prep.i > subj.i:
                names = [t for t in prep.subtree if t.ent_type_ == "PERSON"]
                names += [t for t in children(prep) if t.dep_ == "pobj" and t.pos_ == "PROPN"]
                if names:
                    return self.doc[span.start : max(t.i for t in names) + 1]
        return span

    def _before_relative(self, cue: Token) -> Token | None:
        """'Ivo Brandt, who estimated ..., said that ...' where the parse leaves the cue
        without a subject: the name the relative clause set off by commas describes."""
        doc = self.doc
        if cue.i < 4 or doc[cue.i - 1].text != "," or not _is_cue(cue):
            return None
        if any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in children(cue)):
            return None
        sent = self.sent_of(cue)
        for tok in doc[max(sent.start, 2, cue.i - RELATIVE_REACH) : cue.i]:
            if tok.lower_ == "who" and doc[tok.i - 1].text == ",":
                noun = doc[tok.i - 2]
                if noun.ent_type_ == "PERSON" or noun.pos_ == "PROPN":
                    return noun
                return None
        return None

    def sent_of(self, tok: Token) -> Span:
        """The sentence of a token (Token.sent scans the sentence on every call)."""
        return self.sents[bisect_right(self.sent_tokens, tok.i) - 1]

    def _after_dateline(self, dateline: Span, cue: Token) -> Span | None:
        """The noun phrase between a dateline's dash and the cue verb."""
        dash = next(
            (t for t in self.doc[dateline.end : cue.i] if t.text in DATELINE_MARKS),
            None,
        )
        if dash is None or dash.i + 1 >= cue.i:
            return None
        words = self.doc[dash.i + 1 : cue.i]
        root = words.root
        return self.doc[max(words.start, root.left_edge.i) : root.i + 1]

    def via_of(self, cue: Token, content: tuple[int, int] | None) -> str | None:
        """Who relayed the statement: 'in a statement reported by the BBC', 'according to X'."""
        relayer: Token | None = None
        lo = bisect_left(self.relays, cue.left_edge.i)
        hi = bisect_right(self.relays, cue.right_edge.i)
        for i in self.relays[lo:hi]:
            tok = self.doc[i]
            if abs(tok.idx - cue.idx) > CUE_WINDOW:
                continue
            if content and content[0] <= tok.idx < content[1]:
                continue
            if tok.i != cue.i and not cue.is_ancestor(tok):
                continue
            relayer = _agent_of(tok)
            if relayer is not None:
                break
        acc = self.according_to(self.sent_of(cue))
        if relayer is None and acc is not None:
            relayer = next((c for c in children(_prep_of(acc)) if c.dep_ == "pobj"), None)
        if relayer is None:
            return None
        resolved = self.ents.resolve_np(np_span(relayer))
        return resolved.name if resolved and resolved.kind != "unresolved" else None

    @staticmethod
    def _source_of(noun: Token) -> Token | None:
        """'a statement from X', 'figures compiled by X': the X."""
        for child in children(noun):
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                inner = next((c for c in children(child) if c.dep_ == "pobj"), None)
                if inner is not None:
                    return inner
            if child.dep_ == "acl":
                inner = _agent_of(child)
                if inner is not None:
                    return inner
        return None

    def _document_author(self, noun: Token) -> tuple[Resolved | None, Span | None]:
        """Who wrote a document named without 'from X': the holder before it ('the
        ministry's statement', 'the Valdorian intelligence document': the Valdorian
        intelligence) or, for a bare 'the statement', whoever the report last quoted
        making one."""
        mods = [
            c for c in children(noun) if c.i < noun.i and c.dep_ in ("poss", "compound", "amod")
        ]
        named = [
            t
            for c in mods
            for t in c.subtree
            if t.pos_ == "PROPN" or t.ent_type_ or c.dep_ == "poss"
        ]
        if named:
            first = min(m.left_edge.i for m in mods)
            while first < noun.i and self.doc[first].lower_ in ("the", "a", "an", "its"):
                first += 1
            end = noun.i
            if self.doc[end - 1].text in ("'s", "\u2019s", "'", "\u2019"):
                end -= 1
            if first < end:
                span = self.doc[first:end]
                return self.ents.resolve_np(span), span
        first_word = self.doc[noun.left_edge.i].lower_
        if first_word not in ("the", "this", "that") or mods:
            return None, None
        earlier = [q for q in self.statements if q.start < noun.idx]
        for q in earlier[::-1][:STATEMENT_LOOKBACK]:
            if noun.idx - q.end > CUE_WINDOW or q.speaker_start is None:
                break
            if any(t.lemma_ == noun.lemma_ for t in self.sent_at(q.speaker_start)):
                said = self.doc.char_span(q.speaker_start, q.speaker_end or q.speaker_start)
                if said is not None and q.speaker:
                    return Resolved(q.speaker, q.speaker_type or "organization"), said
        return None, None

    def _note_statements(self, found: list[Quote]) -> None:
        for q in found:
            if q.speaker:
                insort(self.statements, q, key=lambda x: x.start)

    def sent_at(self, offset: int) -> Span:
        return self.sents[max(0, bisect_right(self.sent_starts, offset) - 1)]

    def according_to(self, sent: Span) -> Token | None:
        i = bisect_left(self.according, sent.start)
        if i < len(self.according) and self.according[i] < sent.end:
            return self.doc[self.according[i]]
        return None

    def _according_speaker(self, tok: Token) -> tuple[Resolved | None, Span | None]:
        """'according to a statement on Tuesday from Blinken's office' -> the office; 'the
        agency's report', 'the Valdorian intelligence document' -> who wrote it; 'the
        statement' the report quoted last -> who made it."""
        to = _prep_of(tok)
        pobj = next((c for c in children(to) if c.dep_ == "pobj"), None)
        if pobj is None:
            return None, None
        if pobj.lemma_ in SOURCE_DOCUMENTS:
            inner = self._source_of(pobj)
            if inner is not None:
                span = np_span(inner)
                return self.ents.resolve_np(span), span
            return self._document_author(pobj)
        if pobj.lemma_ in ("report", "reports", "source", "sources"):
            return None, None
        span = np_span(pobj)
        return self.ents.resolve_np(span), span

    # -- direct, partial ---------------------------------------------------------
    def cue_for(self, m: MarkedSpan) -> Token | None:
        """The speech verb outside the marks nearest to a quoted stretch; else the cue
        verb the quoted words hang on ('condemned the test as "reckless"'); else a short
        sentence right after the closing mark ('"Why now?" she asked.')."""
        lead = self._cue_leading(m)
        if lead is not None:
            return lead
        sents = self._sents_touching(m.open_mark, m.close_mark)
        if sents:
            lo = max(sents[0].start_char, m.open_mark - CUE_WINDOW)
            hi = min(sents[-1].end_char, m.close_mark + CUE_WINDOW)
            mid = bisect_left(self.cue_offsets, m.close_mark)
            after = iter(self.cues[mid : bisect_left(self.cue_offsets, hi)])
            before = iter(reversed(self.cues[bisect_left(self.cue_offsets, lo) : mid]))
            # nearest first, a cue after the quote preferred by 40 characters
            nxt_a, nxt_b = next(after, None), next(before, None)
            while nxt_a is not None or nxt_b is not None:
                dist_a = nxt_a.idx - m.close_mark if nxt_a is not None else None
                dist_b = m.open_mark - nxt_b.idx + 40 if nxt_b is not None else None
                if dist_b is not None and (dist_a is None or dist_b <= dist_a):
                    tok, nxt_b = nxt_b, next(before, None)
                else:
                    tok, nxt_a = nxt_a, next(after, None)
                assert tok is not None
                if subject_of(tok) is not None:
                    return tok
        return self._governing_cue(m) or self._cue_after(m)

    def _cue_leading(self, m: MarkedSpan) -> Token | None:
        """The cue that opens the quotation ('said that "..."', 'said: "..."'): it governs
        the quote whatever follows it ('..., the paper reported' only relays it)."""
        i = bisect_left(self.cue_offsets, m.open_mark) - 1
        if i < 0:
            return None
        cue = self.cues[i]
        if m.open_mark - (cue.idx + len(cue)) > 8:  # at most ", that " between them
            return None
        between = self.text[cue.idx + len(cue) : m.open_mark].strip(" \t,:")
        if between.lower() not in ("", "that") or subject_of(cue) is None:
            return None
        return cue

    def _governing_cue(self, m: MarkedSpan) -> Token | None:
        content = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if content is None:
            return None
        for tok in content:
            if m.open_mark <= tok.head.idx < m.close_mark and tok.head.i != tok.i:
                continue
            head = tok.head
            for _ in range(4):
                outside = not self.marks.inside(head.idx, head.idx + 1)
                cue = _is_cue(head, PARTIAL_CUES) or head.lemma_.lower() in NOUN_CUES
                if outside and cue and subject_of(head) is not None:
                    return head
                if head.head.i == head.i:
                    break
                head = head.head
        return None

    def _cue_after(self, m: MarkedSpan) -> Token | None:
        para = self._para_of(m.open_mark)
        ending = self.text[m.close_mark - 2 : m.close_mark].strip("\u201d\"'")
        if para is None or ending[-1:] not in ("?", "!"):
            return None
        for sent in self.sents[bisect_left(self.sent_starts, m.close_mark) :]:
            if self.text[m.close_mark : sent.start_char].strip() or len(sent) > MAX_CUE_SENTENCE:
                return None
            if sent.start_char >= self.paras[para][1]:
                return None
            return next((t for t in sent if _is_cue(t) and subject_of(t) is not None), None)
        return None

    def _sents_touching(self, a: int, b: int) -> list[Span]:
        """Sentences of the quote's paragraph that overlap [a, b]."""
        para = self._para_of(a)
        lo, hi = self.paras[para] if para is not None else (a, b)
        out = []
        first = max(0, bisect_right(self.sent_starts, a) - 1)
        for sent in self.sents[first:]:
            if sent.end_char <= max(a, lo) and not sent.start_char <= a < sent.end_char:
                continue
            if sent.start_char >= min(b, hi):
                break
            out.append(sent)
        return out

    def direct_quotes(self) -> list[Quote]:
        quotes: list[Quote] = []
        for m in self.marked:
            content = self.text[m.start : m.end]
            words = len(content.split())
            cue = self.cue_for(m)
            speaker: Resolved | None = None
            span: Span | None = None
            via = None
            cue_text = None
            if cue is not None:
                speaker, span = self.speaker_of(cue, m.open_mark)
                via = self.via_of(cue, (m.start, m.end))
                cue_text = cue.text
            else:
                for sent in self._sents_touching(m.open_mark, m.close_mark):
                    acc = self.according_to(sent)
                    if acc is not None:
                        speaker, span = self._according_speaker(acc)
                        cue_text = "according to" if acc.lower_ == "according" else acc.text
                        break
                else:
                    speaker, span, cue_text = self._signed_speaker(m)
            kind = self._kind(m, words)
            quotes.append(
                quote_at_offsets(content, m.start, m.end, kind, speaker, span, cue_text, via)
            )
            if quotes[-1].speaker:
                self.statements.append(quotes[-1])
        self._carry_speakers(quotes)
        return quotes

    def _signed_speaker(self, m: MarkedSpan) -> tuple[Resolved | None, Span | None, str | None]:
        """A name the parse missed: after a dash that closes the quote's line ('"...." \u2015
        Ana Varga') or in an inverted 'Said Ana Varga:' just before the opening mark."""
        para = self._para_of(m.open_mark)
        line_start = self.paras[para][0] if para is not None else m.open_mark
        found = SAID_BEFORE_COLON.search(self.text, line_start, m.open_mark)
        cue = "said"
        if found is None:
            found, cue = DASH_NAME.match(self.text, m.close_mark), "\u2015"
        if found is None:
            return None, None, None
        span = self.doc.char_span(found.start(1), found.end(1))
        if span is None:
            return None, None, None
        return self.ents.resolve_name(span.text, "PERSON"), span, cue

    def _kind(self, m: MarkedSpan, words: int) -> str:
        line_start = self.text.rfind("\n", 0, m.open_mark) + 1
        start = max(self.body_start, m.open_mark - 3, line_start)
        before = self.text[start : m.open_mark].strip()
        starts_clause = before == "" or before[-1:] in ':,.;\u201d"'
        return "direct" if words >= MIN_DIRECT_WORDS and starts_clause else "partial"

    def _carry_speakers(self, quotes: list[Quote]) -> None:
        """An unattributed direct quote takes the speaker of the quote before it in the same
        paragraph ("A," he said. "B."), or else of the one after it."""
        for i, q in enumerate(quotes):
            if q.speaker or not (q.kind == "direct" or self._whole_sentence(q)):
                continue
            para = self._para_of(q.start)
            for j in [i - 1, i + 1]:
                if (
                    0 <= j < len(quotes)
                    and quotes[j].speaker
                    and self._para_of(quotes[j].start) == para
                ):
                    _copy_speaker(q, quotes[j])
                    q.via = quotes[j].via
                    break
            else:
                nxt = self._next_para_quote(quotes, i) or self._prev_para_quote(quotes, i)
                if nxt is not None:
                    _copy_speaker(q, nxt)

    def _whole_sentence(self, q: Quote) -> bool:
        """A short quotation that is a sentence of its own ('"A," he said. "We wait."'):
        it opens its paragraph or follows a full stop, and ends one."""
        para = self._para_of(q.start)
        if para is None:
            return False
        lo = self.paras[para][0]
        before = self.text[lo : q.start].rstrip(" \t\"'\u201c")
        after = self.text[q.end : q.end + 2]
        ends = q.text.rstrip()[-1:] in (".", "?", "!") or after[1:2] in (".", "?", "!")
        return (before == "" or before[-1] in '.?!"\u201d') and ends and q.text[:1].isupper()

    def _carry_statements(self, quotes: list[Quote]) -> None:
        """A paragraph that is one quotation and nothing else, after a paragraph whose last
        statement is attributed ('X said that A.' then '"B."'): the same speaker goes on."""
        last: Quote | None = None
        for q in quotes:
            if q.speaker:
                last = q
                continue
            if q.kind not in ("direct", "partial") or last is None:
                continue
            para = self._para_of(q.start)
            if para is None or self._para_of(last.start) != para - 1:
                continue
            lo, hi = self.paras[para]
            outside = (self.text[lo : q.start] + " " + self.text[q.end : hi]).strip(
                " \t\"'\u201c\u201d.,"
            )
            if outside or (hi - lo) - (q.end - q.start) > 6 or not self._whole_sentence(q):
                continue
            _copy_speaker(q, last)
            q.via = last.via

    def _prev_para_quote(self, quotes: list[Quote], i: int) -> Quote | None:
        """A paragraph that is a quotation and nothing else, after a paragraph that
        ends with an attributed quotation: the same speaker goes on ('"A," he told
        Parliament.' then '"B."')."""
        para = self._para_of(quotes[i].start)
        if para is None or i == 0:
            return None
        lo, hi = self.paras[para]
        q, prev = quotes[i], quotes[i - 1]
        if prev.kind != "direct" or not prev.speaker or self._para_of(prev.start) != para - 1:
            return None
        if (hi - lo) - (q.end - q.start) > 40:  # more than marks and a sign-off around it
            return None
        outside = (self.text[lo : q.start] + " " + self.text[q.end : hi]).strip(
            " \t\"'\u201c\u201d.,"
        )
        if outside and not outside.isupper():  # an agency's sign-off ("REUTERS") may follow
            return None
        return prev

    def _next_para_quote(self, quotes: list[Quote], i: int) -> Quote | None:
        """A quote paragraph left open continues in the next one: same speaker."""
        q = quotes[i]
        para = self._para_of(q.start)
        if para is None or q.end != self.paras[para][1]:
            return None
        for nxt in quotes[i + 1 :]:
            nxt_para = self._para_of(nxt.start)
            if nxt_para is not None and nxt_para > para + 1:
                break
            if nxt_para == para + 1 and nxt.speaker:
                return nxt
        return None

    def _para_of(self, offset: int) -> int | None:
        i = bisect_right(self.para_starts, offset) - 1
        if i >= 0 and offset <= self.paras[i][1]:
            return i
        return None

    # -- block quotes ------------------------------------------------------------
    def block_quotes(self) -> list[Quote]:
        out = []
        for i, (a, b) in enumerate(self.paras[:-1]):
            if not self.text[a:b].rstrip().endswith(":"):
                continue
            na, nb = self.paras[i + 1]
            if any(ch in self.text[na:nb] for ch in '\u201c\u201d"'):
                continue
            j = bisect_left(self.sent_starts, b) - 1
            if j < 0 or self.sents[j].start_char < a:
                continue
            sent = self.sents[j]
            cue = next(
                (
                    t
                    for t in reversed(sent)
                    if (t.lemma_ in SPEECH_VERBS or t.lemma_ in BLOCK_CUE_EXTRA)
                    and t.pos_ in ("VERB", "AUX")
                    and not self.marks.inside(t.idx, t.idx + 1)
                ),
                None,
            )
            if cue is None:
                continue
            speaker, span = self.speaker_of(cue, sent.start_char)
            if speaker is None:
                continue
            end = nb
            while end > na and self.text[end - 1].isspace():
                end -= 1
            out.append(
                quote_at_offsets(self.text[na:end], na, end, "block", speaker, span, cue.text)
            )
        return out

    # -- indirect -------------------------------------------------------------------
    def indirect_quotes(self, taken_before: list[tuple[int, int]]) -> list[Quote]:
        out: list[Quote] = []
        base = SpanIndex(taken_before)
        for sent in self.sents:
            if sent.start_char < self.body_start and not self._in_title(sent.start_char):
                continue
            # what this sentence yields lies inside it: earlier sentences' quotes never
            # overlap it, so only the spans given and this sentence's are checked
            taken = Taken(base)
            here: list[Quote] = []
            for tok in sent:
                if not _is_cue(tok, INDIRECT_CUES):
                    continue
                if self.marks.inside(tok.idx, tok.idx + 1) or taken.inside(tok.idx, tok.idx + 1):
                    continue
                found = self._indirect(tok, taken)
                here.extend(found)
                taken.recent.extend((q.start, q.end) for q in found)
            acc = self.according_to(sent)
            if acc is not None and not any(
                q.start >= sent.start_char and q.end <= sent.end_char for q in here
            ):
                q = self._according_quote(sent, acc, taken)
                if q is not None:
                    here.append(q)
            out.extend(here)
            self._note_statements(here)
        return out

    def _content(self, verb: Token) -> list[Span]:
        """The reported content of a cue verb, in one or two segments (two when the
        attribution sits inside it: "The bridge, she said, was closed")."""
        lemma = verb.lemma_
        kids = list(children(verb))
        if lemma in DENIAL_VERBS:
            objs = [c for c in kids if c.dep_ in ("dobj", "xcomp", "ccomp") and c.i > verb.i]
            if objs:
                return [self.doc[verb.i : max(o.right_edge.i for o in objs) + 1]]
            return []
        if lemma in SPEECH_VERBS or lemma in BELIEF_VERBS:
            clauses = [c for c in kids if c.dep_ == "ccomp"]  # "X said (that) A", "A, X said"
            after = [c for c in clauses if c.i > verb.i]
            fronted = [c for c in clauses if c.i < verb.i and self._fronted(c, verb)]
            if fronted:
                # "A, X said, while visiting B": B is no report of X's words, unless it
                # reports more of them ("..., while warning they expect B")
                subordinate = [c for c in after if self.doc[c.left_edge.i].lower_ in SUBORDINATORS]
                after = [c for c in after if c not in subordinate]
                if not after:
                    first = self._up_to_attribution(self._clause(fronted[0]), verb)
                    more = [
                        self._clause(c)
                        for c in subordinate
                        if any(_is_cue(t, INDIRECT_CUES) for t in c.subtree)
                    ]
                    return [first, *more[:1]]
            for c in after + clauses:
                if c.i > verb.i and c.left_edge.i < verb.i:  # "which X said had killed 39"
                    return [self.doc[verb.i + 1 : self._clause(c).end]]
                if c.i > verb.i:
                    split = self._split_that_clause(verb, c)
                    return [split if split is not None else self._clause(c)]
                if self._fronted(c, verb):
                    return [self._up_to_attribution(self._clause(c), verb)]
        if lemma in SPEECH_VERBS:  # "told a briefing that A", parsed as a relative clause
            nouns = [c for c in kids if c.dep_ in ("dobj", "dative") and c.i > verb.i]
            for prep in (c for c in kids if c.dep_ == "prep" and c.i > verb.i):
                nouns += [g for g in children(prep) if g.dep_ == "pobj"]  # "in remarks that"
            for c in nouns:
                if c.i > verb.i:
                    clause = next((g for g in children(c) if _that_clause(g)), None)
                    if clause is not None:
                        span = self._clause(clause)
                        return [span[1:]] if span[0].lower_ == "that" else [span]
        if verb.dep_ == "parataxis" and lemma in SPEECH_VERBS and verb.head.i != verb.i:
            return self._around(verb)
        if lemma in INTENT_VERBS:
            for c in kids:
                if c.dep_ in ("xcomp", "advcl") and c.i > verb.i and c.tag_ == "VB":
                    return [self._clause(c)]
        if lemma in APPEAL_VERBS:
            for c in kids:
                if c.dep_ in ("prep", "dobj"):
                    for cc in c.subtree:
                        if cc.dep_ in ("xcomp", "advcl", "acl") and cc.tag_ == "VB":
                            return [self._clause(cc)]
        return self._object_content(verb)

    def _split_that_clause(self, verb: Token, clause: Token) -> Span | None:
        """'told a briefing that A and B': a parse that hangs A on the object as a relative
        clause and B on the cue; the report runs from A's start to B's end."""
        if verb.lemma_ not in SPEECH_VERBS:
            return None
        for noun in children(verb):
            if noun.dep_ not in ("dobj", "dative") or not verb.i < noun.i < clause.left_edge.i:
                continue
            that = next((g for g in children(noun) if _that_clause(g)), None)
            if that is None or that.left_edge.i >= clause.left_edge.i:
                continue
            start = that.left_edge.i + (1 if that.left_edge.lower_ == "that" else 0)
            end = self._clause(clause).end
            return self.doc[start:end] if end > start else None
        return None

    def _object_content(self, verb: Token) -> list[Span]:
        """'condemned the shelling of X', 'called X a liar', 'spoke about the blockade'."""
        kids = [c for c in children(verb) if c.i > verb.i]
        if verb.lemma_ in ESTIMATE_VERBS:
            obj = next((c for c in kids if c.dep_ == "dobj" and c.lemma_ in COUNT_NOUNS), None)
            at = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "at"), None)
            if obj is None or at is None:
                return []
            return [self.doc[obj.left_edge.i : at.right_edge.i + 1]]
        topics = TOPIC_PREPOSITIONS.get(verb.lemma_, set())
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in topics:
                inner = [g for g in children(c) if g.dep_ in ("pobj", "pcomp")]
                if inner:
                    return [self._clause(inner[0])]
        if verb.lemma_ not in OBJECT_VERBS:
            return []
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is None or obj.pos_ == "PRON" and obj.n_lefts + obj.n_rights == 0:
            return []
        right = obj.right_edge.i
        for c in kids:  # "called X a liar", "accused X of Y", "described X as Y"
            if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in ("as", "of", "over")):
                right = max(right, c.right_edge.i)
        while right > obj.left_edge.i and self.doc[right].is_space:
            right -= 1
        return [self.doc[obj.left_edge.i : right + 1]]

    def _around(self, verb: Token) -> list[Span]:
        """The sentence on either side of an inserted 'X said', commas dropped."""
        sent = self.sent_of(verb)
        segments = [
            self.doc[sent.start : verb.left_edge.i],
            self.doc[verb.right_edge.i + 1 : sent.end],
        ]
        out = []
        for seg in segments:
            while len(seg) and (seg[0].is_punct or seg[0].is_space or seg[0].dep_ == "cc"):
                seg = seg[1:]
            while len(seg) and (seg[-1].is_punct or seg[-1].is_space):
                seg = seg[:-1]
            if len(seg):
                out.append(seg)
        return out

    def _fronted(self, clause: Token, verb: Token) -> bool:
        """'A, X said': the clause opens the sentence and a comma sets it off (after the
        clause, or before the subject of the cue when the parse hangs the clause's last
        phrase on the cue)."""
        edge = clause.right_edge.i
        if clause.left_edge.i != self.sent_of(verb).start or edge + 1 >= verb.i:
            return False
        return (
            self.doc[edge + 1].text == ","
            or self.doc[edge].text == ","
            or (self._attribution_comma(verb) is not None)
        )

    def _attribution_comma(self, verb: Token) -> int | None:
        """The comma that sets off a closing 'X said' (the one before its subject)."""
        subj = next((c for c in children(verb) if c.dep_ == "nsubj" and c.i < verb.i), None)
        if subj is None or subj.left_edge.i == 0:
            return None
        comma = subj.left_edge.i - 1
        return comma if self.doc[comma].text == "," else None

    def _up_to_attribution(self, span: Span, verb: Token) -> Span:
        """A fronted clause up to the comma before 'X said' ('A, and not B, X said': the
        parse may hang B on the cue), when no other cue stands between."""
        comma = self._attribution_comma(verb)
        if comma is None or comma <= span.end:
            return span
        between = self.doc[span.end : comma]
        if any(_is_cue(t, INDIRECT_CUES) or t.text in ('"', "\u201c", "\u201d") for t in between):
            return span
        return self.doc[span.start : comma]

    def _clause(self, head: Token) -> Span:
        """A clause's span without its leading 'that' and without a trailing concession
        ('..., though the other side denied it')."""
        left, right = head.left_edge.i, head.right_edge.i
        for child in children(head):
            if _conjoined_with_the_cue(child):  # "... had held the line and accused X"
                cut = child.left_edge.i
                while cut > left and self.doc[cut - 1].dep_ in ("cc", "punct"):
                    cut -= 1
                right = min(right, cut - 1)
                continue
            if _contrasted_statement(child):  # "A claimed X but B blamed Y": B's own
                cut = child.left_edge.i
                while cut > left and self.doc[cut - 1].dep_ in ("cc", "punct"):
                    cut -= 1
                right = min(right, cut - 1)
                continue
            if child.dep_ in ("advcl", "conj") and child.i > head.i:
                first = child.left_edge
                if first.lower_ in ("though", "although", "while", "whereas", "but") or (
                    first.dep_ == "punct"
                    and child.left_edge.i + 1 < len(self.doc)
                    and self.doc[first.i + 1].lower_ in ("though", "although", "while", "but")
                ):
                    right = min(right, first.i - 1)
        doc = self.doc
        # "..., which local officials said had killed 39": a clause near the end (bounded,
        # so a run-on sentence stays linear)
        for tok in doc[max(left, right - RELATIVE_REACH) : right + 1]:
            if _relayed_relative(tok) and tok.right_edge.i >= right and tok.left_edge.i > left:
                right = tok.left_edge.i - 1
                break
        if doc[left].lower_ == "that" and doc[left].dep_ == "mark":
            left += 1
        while right > left and (
            doc[right].is_punct or doc[right].is_space or doc[right].dep_ == "cc"
        ):
            right -= 1
        return doc[left : right + 1]

    def _indirect(self, verb: Token, taken: Taken) -> list[Quote]:
        segments = [_strip_space(s) for s in self._content(verb)]
        if not segments or sum(len(s) for s in segments) < MIN_INDIRECT_TOKENS:
            return []
        if any(self._has_newline(s.start_char, s.end_char) for s in segments):
            return []
        sent = self.sent_of(verb)
        if sent.start in self.block_cue_sents:  # introduces a block quote
            return []
        for content in segments:
            a, b = content.start_char, content.end_char
            if taken.overlaps(a, b) or self.marks.mostly_marked(a, b):
                return []
        speaker, span = self.speaker_of(verb, sent.start_char)
        if speaker is None or span is None:
            return []
        first = segments[0]
        via = self.via_of(verb, (first.start_char, segments[-1].end_char))
        return [make_quote(s, "indirect", speaker, span, verb.text, via) for s in segments]

    def _according_quote(self, sent: Span, acc: Token, taken: Taken) -> Quote | None:
        speaker, span = self._according_speaker(acc)
        if speaker is None or span is None:
            return None
        pp_end = max(t.i for t in _prep_of(acc).subtree) + 1
        relative = self._relative_around(acc, sent)
        if relative is not None:  # "The blast, which according to X killed 40, ..."
            content = self.doc[pp_end : relative.right_edge.i + 1]
            while len(content) and content[0].is_punct:
                content = content[1:]
        elif acc.i - sent.start <= 1:  # "According to X, CLAUSE."
            start_tok = pp_end
            while start_tok < sent.end and self.doc[start_tok].is_punct:
                start_tok += 1
            content = self.doc[start_tok : sent.end]
        else:  # "CLAUSE, according to X."
            content = self.doc[sent.start : acc.i]
        while len(content) and content[-1].is_punct:
            content = content[:-1]
        if len(content) < 3 or taken.overlaps(content.start_char, content.end_char):
            return None
        if self.marks.overlaps(content.start_char, content.end_char):
            return None
        cue = "according to" if acc.lower_ == "according" else acc.text
        return make_quote(content, "indirect", speaker, span, cue)

    def _relative_around(self, acc: Token, sent: Span) -> Token | None:
        """The verb of a relative clause that 'according to X' opens: 'which according to
        X killed 40' (the statement is the clause, not the noun it describes)."""
        prev = self.doc[acc.i - 1] if acc.i > sent.start else None
        if prev is None or prev.lower_ not in ("which", "who", "that"):
            return None
        verb = acc.head
        for _ in range(3):
            if verb.dep_ == "relcl":
                return verb
            if verb.head.i == verb.i:
                break
            verb = verb.head
        return None

    def nested_claims(self, found: list[Quote]) -> list[Quote]:
        """A claim reported inside another's statement: 'X rejected Valdorian claims that
        A', 'allegations by the Valdorian side that A are untrue' (A is the claim's
        holder's, whoever reports it)."""
        spans = {(q.start, q.end) for q in found}
        out = []
        for noun in self.doc:
            if noun.lemma_.lower() not in CLAIM_NOUNS or noun.pos_ != "NOUN":
                continue
            if self.marks.inside(noun.idx, noun.idx + 1) or noun.idx < self.body_start:
                continue
            clause = next(
                (
                    c
                    for c in children(noun)
                    if c.dep_ in ("acl", "ccomp", "relcl")
                    and c.i > noun.i
                    and self.doc[c.left_edge.i].lower_ == "that"
                    and (c.dep_ != "relcl" or _that_clause(c))
                ),
                None,
            )
            holder = holder_of(noun)
            if clause is None or holder is None:
                continue
            content = self._clause(clause)
            if len(content) and content[0].lower_ == "that":
                content = content[1:]
            if len(content) < 3 or (content.start_char, content.end_char) in spans:
                continue
            if self.marks.overlaps(content.start_char, content.end_char):
                continue
            mention = np_span(holder)
            country = self.ents.demonym_country(holder.text) if holder.dep_ == "amod" else None
            speaker = Resolved(country, "country") if country else self.ents.resolve_np(mention)
            if speaker is None or speaker.kind == "unresolved":
                continue
            out.append(make_quote(content, "indirect", speaker, mention, noun.text))
        return out

    def _has_newline(self, start: int, end: int) -> bool:
        i = bisect_left(self.newlines, start)
        return i < len(self.newlines) and self.newlines[i] < end

    def _in_title(self, offset: int) -> bool:
        return self.title is not None and self.title[0] <= offset < self.title[1]

    # -- labelled lines ------------------------------------------------------------
    def labelled_quotes(self) -> list[Quote]:
        """Transcript lines ('VARGA: We will rebuild.') and titles that name their speaker
        before a colon ('Varga: Market will reopen by spring')."""
        lines = [(a, b, TRANSCRIPT_SPEAKER) for a, b in self.paras]
        if self.title is not None:
            lines.insert(0, (*self.title, TITLE_SPEAKER))
        out = []
        for a, b, pattern in lines:
            found = pattern.match(self.text, a, b)
            if found is None or len(found.group(1)) < 2:
                continue
            end = b
            while end > found.end() and self.text[end - 1] in " \t\"\u201d'":
                end -= 1
            content = self.doc.char_span(found.end(), end, alignment_mode="expand")
            mention = self.doc.char_span(found.start(1), found.end(1), alignment_mode="expand")
            if content is None or mention is None or len(content) < MIN_INDIRECT_TOKENS:
                continue
            name = found.group(1)
            if self.ents.is_dateline(mention):  # "VELGRAD: ..." is where, not who
                continue
            speaker = (self._role_speaker(mention) if pattern is TITLE_SPEAKER else None) or (
                self.ents.resolve_name(name.title() if name.isupper() else name, "PERSON")
            )
            kind = "direct" if pattern is TRANSCRIPT_SPEAKER else "indirect"
            out.append(make_quote(content, kind, speaker, mention, ":"))
        return out

    def headline_quote(self) -> list[Quote]:
        """A headline signed by a role after a dash: 'Toll rises to 40 - health minister'
        (an outlet after the dash, '- Wire', is who relayed it, not who said it)."""
        if self.title is None:
            return []
        found = HEADLINE_SIGNED.match(self.text, *self.title)
        if found is None or found.group(2).split()[-1].lower() not in ROLE_NOUNS:
            found = HEADLINE_SAYS.match(self.text, *self.title)
            found = found or HEADLINE_SPEAKER_SAYS.match(self.text, *self.title)
            if found is None or not self._speaker_words(found.group(2)):
                return []
        content = self.doc.char_span(found.start(1), found.end(1), alignment_mode="expand")
        mention = self.doc.char_span(found.start(2), found.end(2), alignment_mode="expand")
        if content is None or mention is None or len(content) < MIN_INDIRECT_TOKENS:
            return []
        speaker = self._role_speaker(mention) or self.ents.resolve_np(mention)
        if speaker is None or speaker.kind == "unresolved":
            return []
        cue = self.text[found.end(1) : found.end(0)].replace(mention.text, "").strip(" ,.")
        return [make_quote(content, "indirect", speaker, mention, cue or None)]

    @staticmethod
    def _speaker_words(words: str) -> bool:
        """Words that can name a speaker in a headline: a role or body ('governor', 'health
        ministry') or a name, with no verb or number of a clause."""
        low = words.lower().split()
        if not low or any(w[:1].isdigit() for w in low):
            return False
        last = low[-1].strip("'\u2019")
        return (
            last in ROLE_NOUNS
            or last in ORGANIZATION_HEADS
            or last in ("police", "officials", "authorities", "military", "army")
            or all(w[:1].isupper() for w in words.split())
        )

    def _role_speaker(self, mention: Span) -> Resolved | None:
        """A headline's role with no name ('Valdorian Minister of Health'): the one person
        the report gives that role."""
        if any(t.ent_type_ == "PERSON" for t in mention):
            return None
        roles = [t.lower_ for t in mention if t.lower_ in ROLE_NOUNS]
        if not roles:
            return None
        words = {
            t.lower_
            for t in mention
            if t.is_alpha and not t.is_stop and t.ent_type_ not in ("NORP", "GPE")
        }
        holder = self.ents.role_holder(roles[-1], words)
        return Resolved(holder, "person") if holder else None

    def find(self) -> list[Quote]:
        labelled = self.labelled_quotes() + self.headline_quote()
        spans = [(q.start, q.end) for q in labelled]
        direct = [
            q for q in self.direct_quotes() if q.speaker or not _overlaps(spans, q.start, q.end)
        ]
        blocks = self.block_quotes()
        self.statements = sorted((q for q in direct + blocks if q.speaker), key=lambda q: q.start)
        taken = [(q.start, q.end) for q in direct if q.kind == "direct"]
        indirect = self.indirect_quotes(taken + spans)
        quotes = labelled + direct + blocks + indirect
        quotes = sorted(quotes + self.nested_claims(quotes), key=lambda q: q.start)
        self._carry_statements(quotes)
        roles = self.ents.roles()
        for q in quotes:
            if q.speaker_type == "person" and q.speaker in roles:
                q.speaker_role, q.speaker_affiliation = roles[q.speaker]
        return quotes


def _prep_of(acc: Token) -> Token:
    """The preposition of 'according to X' ('to') or of 'per X' (itself)."""
    return acc.doc[acc.i + 1] if acc.lower_ == "according" else acc


def _per_source(tok: Token) -> bool:
    """'per X' naming a source ('..., per a Meridian report', 'per Valdorian officials'),
    not a rate ('20 per cent', 'once per day')."""
    if tok.lower_ != "per" or tok.i == 0:
        return False
    pobj = next((c for c in children(tok) if c.dep_ == "pobj"), None)
    if pobj is None or pobj.like_num or tok.doc[tok.i - 1].like_num:
        return False
    if pobj.pos_ == "PROPN" or pobj.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):
        return True
    mods = [c for c in children(pobj) if c.i < pobj.i and c.dep_ in ("compound", "amod", "poss")]
    return any(m.pos_ == "PROPN" or m.ent_type_ for m in mods) or pobj.lemma_ in (
        "official",
        "source",
    )


def _headline(doc: Doc) -> tuple[int, int] | None:
    """A first line of at most MAX_HEADLINE_WORDS words set apart by a blank line: a
    headline the header split left in the body because it ends with a full stop."""
    text = doc_text(doc)
    first = text.split("\n", 1)[0]
    if not text.startswith(first + "\n\n") or len(first.split()) > MAX_HEADLINE_WORDS:
        return None
    return (0, len(first.rstrip()))


class QuotesComponent:
    """Sets doc._.quotes (and doc._.entities, the mention index used for speakers)."""

    def __init__(self, gazetteer_files: list[str]) -> None:
        self.gazetteer = get_gazetteer(tuple(gazetteer_files))

    def __call__(self, doc: Doc) -> Doc:
        body_start = doc._.header.body_start if doc._.header else 0
        ents = DocEntities(doc, body_start, self.gazetteer)
        doc._.entities = ents
        title = doc._.header.title_span if doc._.header else None
        doc._.quotes = QuoteFinder(doc, body_start, ents, title or _headline(doc)).find()
        return doc


@Language.factory(
    "parallax_quotes",
    default_config={"gazetteer_files": []},
    requires=["token.dep", "token.head", "token.lemma", "doc.ents", "doc.sents"],
    assigns=["doc._.quotes", "doc._.entities", "doc.spans"],
    default_score_weights=score_weights(QUOTES),
)
def make_quotes(nlp: Language, name: str, gazetteer_files: list[str]) -> SpansComponent:
    """The quotes component; `gazetteer_files` are paths of extra place lists for speaker
    names. Reads the dependency parse and entities (raises on a document without a
    parse). Writes doc._.quotes, doc._.entities and the span group "parallax_quotes";
    scored on that group."""
    return SpansComponent(QuotesComponent(gazetteer_files), name, QUOTES, write_quotes)


def quote_at(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The attributed quote whose content holds [start, end), innermost first."""
    best = None
    for q in quotes:
        if (
            q.start <= start
            and end <= q.end
            and q.speaker
            and (best is None or q.end - q.start < best.end - best.start)
        ):
            best = q
    return best
