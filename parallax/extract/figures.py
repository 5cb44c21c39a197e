"""Casualty and other figures: a number (digits, words, vague counts) tied to a metric
word nearby ("27 people have been killed", "25 fatalities", "killing 14"), with its
qualifier ("at least"), the populations it counts ("including two civilians",
"eight of the wounded were children") and its claimant (the speaker of the statement
that holds it, or null with `reportedly` when no source is named)."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from parallax.extract.quotes import quote_at
from parallax.models import Figure, Quote
from parallax.numbers import VAGUE_COUNTS, parse_number

METRIC_WORDS = {
    "killed": "killed", "kill": "killed", "dead": "killed", "died": "killed", "die": "killed",
    "deaths": "killed", "death": "killed", "fatalities": "killed", "fatality": "killed",
    "lives": "killed", "bodies": "killed",
    "wounded": "injured", "wound": "injured", "injured": "injured", "injure": "injured",
    "injuries": "injured", "hurt": "injured", "hospitalized": "injured", "hospitalised": "injured",
    "missing": "missing", "detained": "detained", "arrested": "detained", "detain": "detained",
    "displaced": "displaced", "evacuated": "evacuated",
}  # fmt: skip
POPULATIONS = {
    "civilian": "civilians", "civilians": "civilians", "child": "children", "children": "children",
    "kids": "children", "minors": "children", "soldier": "soldiers", "soldiers": "soldiers",
    "servicemen": "soldiers", "serviceman": "soldiers", "troops": "soldiers",
    "fighters": "fighters", "militants": "fighters", "women": "women", "woman": "women",
    "peacekeepers": "peacekeepers", "peacekeeper": "peacekeepers", "police": "police",
    "officers": "police", "policemen": "police", "journalists": "journalists",
    "guards": "soldiers",
}  # fmt: skip
PEOPLE = {"people", "persons", "person", "individuals", "residents", "men", "others", "victims"}
SINGULAR_PEOPLE = {"man", "woman", "child", "boy", "girl", "soldier", "civilian", "person",
                   "resident", "teenager", "baby", "journalist", "officer", "guard"}  # fmt: skip
KILL_VERBS = {"die", "kill", "perish"}
QUALIFIERS = [
    ("at least", "at_least"), ("more than", "at_least"), ("over", "at_least"),
    ("upwards of", "at_least"), ("no fewer than", "at_least"), ("at most", "at_most"),
    ("up to", "at_most"), ("fewer than", "at_most"), ("less than", "at_most"),
    ("nearly", "about"), ("almost", "about"), ("about", "about"), ("around", "about"),
    ("roughly", "about"), ("approximately", "about"), ("some", "about"), ("an estimated", "about"),
]  # fmt: skip
VAGUE = {"many", "several", "numerous", "scores", "dozens", "hundreds", "thousands", "tens"}
REPORTEDLY = re.compile(
    r"\b(reportedly|allegedly|reports say|were reported|according to reports)\b", re.I
)
WINDOW = 5

if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=None)


def _number_tokens(sent: Span) -> list[tuple[int, int, float | None, bool]]:
    """(first token, last token, value, vague) for each number in the sentence."""
    out: list[tuple[int, int, float | None, bool]] = []
    i = sent.start
    doc = sent.doc
    while i < sent.end:
        tok = doc[i]
        low = tok.lower_
        if (
            tok.like_num
            or low in ("a", "one")
            and i + 1 < sent.end
            and doc[i + 1].lower_ == "dozen"
        ):
            j = i
            while j + 1 < sent.end and (
                doc[j + 1].like_num or doc[j + 1].lower_ in ("dozen", "hundred", "thousand")
            ):
                j += 1
            value = parse_number(doc[i : j + 1].text)
            if value is not None:
                out.append((i, j, value, False))
            i = j + 1
            continue
        if low in VAGUE:
            out.append((i, i, float(VAGUE_COUNTS[low]) if low in VAGUE_COUNTS else None, True))
        elif low in ("a", "an") and i + 1 < sent.end and doc[i + 1].lower_ in SINGULAR_PEOPLE:
            out.append((i, i, 1.0, False))  # "a woman had been wounded"
        i += 1
    return out


def _qualifier(doc: Doc, first: int, sent_start: int) -> tuple[str, int]:
    before = doc[max(sent_start, first - 3) : first].text.lower()
    for phrase, q in QUALIFIERS:
        if before.endswith(phrase):
            n = len(phrase.split())
            return q, first - n
    return "exact", first


def _metric_after(doc: Doc, last: int, end: int) -> tuple[str | None, int, list[tuple[int, str]]]:
    """Metric word within a few tokens after a number, and the populations on the way."""
    pops: list[tuple[int, str]] = []
    for k in range(last + 1, min(end, last + 1 + WINDOW)):
        tok = doc[k]
        low = tok.lower_
        if low in METRIC_WORDS and (
            tok.pos_ in ("VERB", "ADJ", "NOUN") or low in ("dead", "wounded", "injured")
        ):
            if (
                low == "missing"
                and doc[k - 1].lower_ not in ("are", "were", "remain", "went")
                and k != last + 1
            ):
                return None, k, pops
            return METRIC_WORDS[low], k, pops
        if low in POPULATIONS:
            pops.append((k, POPULATIONS[low]))
            continue
        if tok.is_punct or tok.like_num or low in ("of", "and", "or", "in", "for", "from", "to"):
            if low == "of" and k + 2 < end and doc[k + 1].lower_ == "the":
                continue
            return None, k, pops
    return None, last, pops


def _metric_before(doc: Doc, first: int, start: int) -> tuple[str | None, int]:
    """'killing 14 people', 'killed at least 12', 'the death toll rose to 17': the metric
    and the token where the figure's text starts."""
    window = doc[max(start, first - 6) : first]
    lowered = window.text.lower()
    for tok in reversed(window):
        low = tok.lower_
        if low in ("killing", "killed", "wounding", "wounded", "injuring", "injured") and (
            tok.pos_ == "VERB" and tok.i >= first - 4
        ):
            return METRIC_WORDS[low.replace("ing", "ed")], tok.i
        if low == "toll":
            at = tok.i - 1 if tok.i > window.start and doc[tok.i - 1].lower_ == "death" else tok.i
            return ("injured" if "injur" in lowered else "killed"), at
    return None, first


def _governing_lemma(tok: Token) -> str:
    """Lemma of the verb whose subject the counted noun is ("people ... died")."""
    noun = tok.head if tok.dep_ == "nummod" else tok
    if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ == "VERB":
        return noun.head.lemma_
    return ""


class FigureFinder:
    def __init__(self, doc: Doc, body_start: int, quotes: list[Quote], times: list) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token: read it once
        self.body_start = body_start
        self.quotes = quotes
        self.time_spans = [(t.start, t.end) for t in times]

    def find(self) -> list[Figure]:
        figures: list[Figure] = []
        for sent in self.doc.sents:
            if sent.start_char < self.body_start:
                continue
            figures.extend(self._sentence(sent, figures))
            figures.extend(self._unquantified(sent, figures))
        return figures

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
        return any(a <= tok.idx < b for a, b in self.time_spans)

    def _sentence(self, sent: Span, previous: list[Figure]) -> list[Figure]:
        doc = self.doc
        nums = [n for n in _number_tokens(sent) if not self._in_time(doc[n[0]])]
        out: list[Figure] = []
        used: set[int] = set()
        for idx, (first, last, value, vague) in enumerate(nums):
            if first in used or self._not_count(first, last):
                continue
            if first > sent.start and doc[first - 1].lower_ in ("including", "among"):
                continue  # a subset, attached to the figure before it by _including
            if self._subset(first, last, value, sent, previous + out):
                continue
            qualifier, q_start = _qualifier(doc, first, sent.start)
            metric, metric_at, pops = _metric_after(doc, last, sent.end)
            group = [(first, last, value, pops)]
            # "Four soldiers and two civilians died": coordinated counts share the metric
            if metric is None and metric_at < sent.end and doc[metric_at].lower_ == "and":
                for f2, l2, v2, _ in nums[idx + 1 :]:
                    if f2 == metric_at + 1:
                        m2, at2, pops2 = _metric_after(doc, l2, sent.end)
                        if m2:
                            group.append((f2, l2, v2, pops2))
                            metric, metric_at = m2, at2
                            used.add(f2)
                        break
            if metric is None and not vague:  # "several of them critically": no figure
                metric, q_start = _metric_before(doc, first, sent.start)
                q_start = min(q_start, _qualifier(doc, first, sent.start)[1])
                metric_at = first
            if metric is None:
                continue
            if metric == "injured" and _governing_lemma(doc[last]) in KILL_VERBS:
                metric = "killed"  # "three people wounded in the shelling died in hospital"
                metric_at = max(metric_at, doc[last].head.head.i)
            if doc[first].lower_ in VAGUE and value is None:
                qualifier = "unquantified"
            elif vague:
                qualifier = "about"
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
            fig = Figure(
                text=self.text[span_start:span_end],
                start=span_start,
                end=span_end,
                metric=metric,
                value=int(value) if value is not None else None,
                qualifier=qualifier,
                of_which=of_which,
                population=population,
            )
            out.append(fig)
        self._including(sent, out)
        return out

    def _not_count(self, first: int, last: int) -> bool:
        doc = self.doc
        tok = doc[first]
        if re.fullmatch(r"(1[89]|20)\d\d", tok.text) and not (
            last + 1 < len(doc) and doc[last + 1].lower_ in PEOPLE
        ):
            return True
        nxt = doc[last + 1] if last + 1 < len(doc) else None
        if nxt is not None and (
            nxt.text in ("%", "-") or nxt.lower_ in ("percent", "per", "year-old", "years")
        ):
            return True
        return tok.idx > 0 and self.text[tok.idx - 1] in "$€£"

    def _subset(
        self, first: int, last: int, value: float | None, sent: Span, figs: list[Figure]
    ) -> bool:
        """'Eight of the wounded were children': a subset of the last figure of that metric."""
        doc = self.doc
        window = doc[last + 1 : min(sent.end, last + 8)]
        low = [t.lower_ for t in window]
        if value is None or len(low) < 4 or low[0] != "of" or low[1] != "the":
            return False
        metric = METRIC_WORDS.get(low[2])
        pop = next((POPULATIONS[w] for w in low[3:] if POPULATIONS.get(w)), None)
        if not metric or not pop:
            return False
        for fig in reversed(figs):
            if fig.metric == metric:
                fig.of_which[pop] = int(value)
                return True
        return False

    def _including(self, sent: Span, figures: list[Figure]) -> None:
        """'..., including two civilians' after a figure: a subset of that figure."""
        doc = self.doc
        for tok in sent:
            if tok.lower_ not in ("including", "among"):
                continue
            prior = [f for f in figures if f.end <= tok.idx]
            if not prior:
                continue
            fig = prior[-1]
            j = tok.i + 1
            nums = _number_tokens(doc[j : min(sent.end, j + 4)])
            if not nums:
                continue
            first, last, value, _ = nums[0]
            if first != j or value is None:
                continue
            k = last + 1
            while k < sent.end and doc[k].pos_ == "ADJ":
                k += 1
            if k < sent.end and POPULATIONS.get(doc[k].lower_):
                fig.of_which[POPULATIONS[doc[k].lower_]] = int(value)
                fig.end = max(fig.end, doc[k].idx + len(doc[k]))
                fig.text = self.text[fig.start : fig.end]


def assign_claimants(doc: Doc, figures: list[Figure], quotes: list[Quote], body_start: int) -> None:
    """Claimant of each figure: the speaker of the statement holding it; else `reportedly`
    when the sentence says so; else the speaker of a statement earlier in the paragraph
    that the sentence goes on with."""
    sents = [s for s in doc.sents if s.start_char >= body_start]
    text = doc.text
    for fig in figures:
        q = quote_at(quotes, fig.start, fig.end)
        if q is not None:
            fig.claimant = q.speaker
            continue
        sent = next((s for s in sents if s.start_char <= fig.start < s.end_char), None)
        if sent is None:
            continue
        if REPORTEDLY.search(sent.text):
            fig.reportedly = True
            continue
        same = [
            x
            for x in quotes
            if x.speaker
            and x.speaker_start is not None
            and sent.start_char <= x.speaker_start < fig.start
            and x.kind == "indirect"
        ]
        if same:  # "X stated A, and many more were wounded": the statement goes on
            fig.claimant = same[-1].speaker
            continue
        para_start = text.rfind("\n", 0, sent.start_char) + 1
        earlier = [x for x in quotes if para_start <= x.start < sent.start_char and x.speaker]
        if earlier:
            fig.claimant = earlier[-1].speaker
        else:
            fig.reportedly = False


@Language.component("parallax_figures")
def figures_component(doc: Doc) -> Doc:
    """Sets doc._.figures (needs parallax_times and parallax_quotes before it)."""
    body_start = doc._.header.body_start if doc._.header else 0
    figures = FigureFinder(doc, body_start, doc._.quotes or [], doc._.times or []).find()
    assign_claimants(doc, figures, doc._.quotes or [], body_start)
    doc._.figures = figures
    return doc
