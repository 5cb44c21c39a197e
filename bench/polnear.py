"""Quote and speaker attribution on PolNeAR, beside textacy's direct quotations.

PolNeAR (political news, brat standoff) annotates every attribution as Source / Cue /
Content spans; a content may be split in two ("A," he said. "B.") and then counts as one
attribution. Parallax runs on each article's text (the full pipeline, offsets as in the
file) and its quotes are grouped into attributions the same way: the segments that share
one speaker mention and cue in one paragraph are one predicted attribution.

Figures (one-to-one matching, largest content overlap first):

- content exact:   trimmed content boundaries (quotation marks, punctuation and spaces
                   stripped) equal; content overlap: at least one character shared;
- source:          on the content-matched pairs, the predicted speaker mention overlaps
                   the annotated Source span (the mention in the text, e.g. "he").
                   Precision over matched pairs that name a speaker, recall over matched
                   pairs whose gold has a Source;
- pair:            content overlaps and source overlaps, over all predicted and all gold
                   attributions (an attribution annotated without a source matches a
                   prediction without a speaker).

The baseline is textacy's `direct_quotations` on the same articles parsed by the same
spaCy model (install with `pip install -e ".[bench]"`); an article on which it raises
counts as no predictions, and the errors are counted.

Run from the repository root:
`.venv/bin/python bench/polnear.py [--split-dir ../shared/eval/polnear/data/dev] [--limit N]`.
The last line is `polnear: content_overlap_f1=... source_f1=... pair_f1=...`.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPLIT = REPO_ROOT.parent / "shared" / "eval" / "polnear" / "data" / "dev"
TRIM = " \t\n\"'\u201c\u201d\u2018\u2019.,;:\u2014-"

Span = tuple[int, int]


@dataclass
class Attribution:
    """One attribution: content fragments, and the source mention when there is one."""

    content: list[Span]
    source: Span | None = None
    cue: Span | None = None


@dataclass
class Counts:
    """True positives and the two denominators of one figure."""

    tp_p: int = 0
    tp_r: int = 0
    pred: int = 0
    gold: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_p / self.pred if self.pred else 0.0
        r = self.tp_r / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Score:
    """The figures of one system over a corpus."""

    exact: Counts = field(default_factory=Counts)
    overlap: Counts = field(default_factory=Counts)
    source: Counts = field(default_factory=Counts)
    pair: Counts = field(default_factory=Counts)
    errors: int = 0
    seconds: float = 0.0


# ------------------------------------------------------------------------------- gold


def _spans(field_: str) -> list[Span]:
    """'12 30;40 52' -> [(12, 30), (40, 52)]."""
    out = []
    for part in field_.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_ann(path: Path) -> list[Attribution]:
    """The attributions of one brat .ann file."""
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, where = cols[1].partition(" ")
            spans[cols[0]] = (label, _spans(where))
        elif line.startswith("E") and len(cols) >= 2:
            events.append(cols[1])
    out = []
    for event in events:
        content: list[Span] = []
        source: Span | None = None
        cue: Span | None = None
        for arg in event.split():
            role, _, ref = arg.partition(":")
            if ref not in spans:
                continue
            if role.startswith("Content"):
                content.extend(spans[ref][1])
            elif role == "Source":
                found = spans[ref][1]
                source = (found[0][0], found[-1][1])
            elif role == "Cue":
                found = spans[ref][1]
                cue = (found[0][0], found[-1][1])
        if content:
            out.append(Attribution(sorted(content), source, cue))
    return out


def load_split(split: Path, limit: int | None) -> list[tuple[str, str, list[Attribution]]]:
    """(name, text, gold attributions) for the articles of a split folder."""
    anns = {p.name.rsplit("_", 1)[0]: p for p in (split / "attributions").glob("*.ann")}
    out = []
    for text_path in sorted((split / "text").glob("*.txt")):
        ann = anns.get(text_path.stem)
        if ann is None:
            continue
        out.append((text_path.stem, text_path.read_text(encoding="utf-8"), read_ann(ann)))
        if limit and len(out) >= limit:
            break
    return out


# -------------------------------------------------------------------------- systems


def parallax_predictions(texts: list[str]) -> list[list[Attribution]]:
    """Parallax's quotes per text, segments of one speaker mention and cue grouped."""
    from parallax.nlp import get_pipeline

    nlp = get_pipeline()
    out = []
    for doc in nlp.pipe(texts, batch_size=16):
        units: dict[tuple[object, ...], Attribution] = {}
        for q in doc._.quotes or []:
            source = (
                (q.speaker_start, q.speaker_end)
                if q.speaker_start is not None and q.speaker_end is not None
                else None
            )
            para = doc.text.rfind("\n", 0, q.start)
            key: tuple[object, ...] = (source, q.cue, para) if source else ("alone", q.start, q.end)
            if key in units:
                units[key].content.append((q.start, q.end))
            else:
                units[key] = Attribution([(q.start, q.end)], source)
        out.append(list(units.values()))
    return out


def textacy_predictions(texts: list[str]) -> tuple[list[list[Attribution]], list[bool]] | None:
    """textacy's direct quotations per text, and whether it raised on each text."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    import spacy

    from parallax.nlp import model_name

    nlp = spacy.load(model_name())
    out: list[list[Attribution]] = []
    raised: list[bool] = []
    for doc in nlp.pipe(texts, batch_size=16):
        units: dict[tuple[object, ...], Attribution] = {}
        try:
            triples = list(direct_quotations(doc))
            raised.append(False)
        except Exception:  # noqa: BLE001 - the baseline raises on odd quotation marks
            raised.append(True)
            triples = []
        for speaker, cue, content in triples:
            source = (speaker[0].idx, speaker[-1].idx + len(speaker[-1])) if speaker else None
            key = (source, tuple(t.i for t in cue))
            seg = (content.start_char, content.end_char)
            if key in units:
                units[key].content.append(seg)
            else:
                units[key] = Attribution([seg], source)
        out.append(list(units.values()))
    return out, raised


# -------------------------------------------------------------------------- scoring


def _trimmed(text: str, spans: Iterable[Span]) -> Span | None:
    """Outer boundaries of the spans, quotation marks and punctuation stripped."""
    spans = list(spans)
    a, b = min(s for s, _ in spans), max(e for _, e in spans)
    while a < b and text[a] in TRIM:
        a += 1
    while b > a and text[b - 1] in TRIM:
        b -= 1
    return (a, b) if a < b else None


def _overlap(xs: list[Span], ys: list[Span]) -> int:
    return sum(max(0, min(b, d) - max(a, c)) for a, b in xs for c, d in ys)


def _source_match(p: Attribution, g: Attribution) -> bool:
    if p.source is None or g.source is None:
        return p.source is None and g.source is None
    return _overlap([p.source], [g.source]) > 0


def score_doc(text: str, pred: list[Attribution], gold: list[Attribution], score: Score) -> None:
    """Adds one document's matches to `score`."""
    pairs = sorted(
        (
            (_overlap(p.content, g.content), i, j)
            for i, p in enumerate(pred)
            for j, g in enumerate(gold)
            if _overlap(p.content, g.content) > 0
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        p, g = pred[i], gold[j]
        score.overlap.tp_p += 1
        score.overlap.tp_r += 1
        if _trimmed(text, p.content) == _trimmed(text, g.content):
            score.exact.tp_p += 1
            score.exact.tp_r += 1
        hit = _source_match(p, g)
        if p.source is not None:
            score.source.pred += 1
            score.source.tp_p += hit
        if g.source is not None:
            score.source.gold += 1
            score.source.tp_r += hit
        score.pair.tp_p += hit
        score.pair.tp_r += hit
    for c in (score.exact, score.overlap, score.pair):
        c.pred += len(pred)
        c.gold += len(gold)


def evaluate(
    docs: list[tuple[str, str, list[Attribution]]], preds: list[list[Attribution]]
) -> Score:
    score = Score()
    for (_, text, gold), pred in zip(docs, preds, strict=True):
        score_doc(text, pred, gold, score)
    return score


# ---------------------------------------------------------------------------- report


def _row(label: str, counts: Counts) -> str:
    p, r, f = counts.prf()
    return f"  {label:<16} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   ({counts.tp_r}/{counts.gold} gold, {counts.tp_p}/{counts.pred} predicted)"


def print_score(name: str, score: Score) -> None:
    timing = f" ({score.seconds:.1f} s, {score.errors} articles raised)" if score.seconds else ""
    print(f"{name}{timing}")
    print(_row("content exact", score.exact))
    print(_row("content overlap", score.overlap))
    print(_row("source | content", score.source))
    print(_row("pair", score.pair))


def gold_profile(docs: list[tuple[str, str, list[Attribution]]]) -> str:
    """How many gold attributions have a quotation mark in their content."""
    total = quoted = 0
    for _, text, gold in docs:
        for g in gold:
            total += 1
            body = " ".join(text[a:b] for a, b in g.content)
            quoted += bool(re.search('["\u201c\u201d]', body))
    return f"{total} gold attributions, {quoted} with quotation marks, {total - quoted} without"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split-dir", type=Path, default=DEFAULT_SPLIT)
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--no-baseline", action="store_true", help="skip textacy")
    args = ap.parse_args(argv)
    if not ((args.split_dir / "text").is_dir() and (args.split_dir / "attributions").is_dir()):
        print(
            f"PolNeAR split not found at {args.split_dir} (needs text/ and attributions/): skipped"
        )
        return 0
    docs = load_split(args.split_dir, args.limit)
    texts = [t for _, t, _ in docs]
    print(f"{len(docs)} articles from {args.split_dir}; {gold_profile(docs)}")

    t0 = time.perf_counter()
    predicted = parallax_predictions(texts)
    ours = evaluate(docs, predicted)
    ours.seconds = time.perf_counter() - t0
    print_score("Parallax", ours)

    if not args.no_baseline:
        t0 = time.perf_counter()
        found = textacy_predictions(texts)
        if found is None:
            print('textacy: not installed (pip install -e ".[bench]"): baseline skipped')
        else:
            base = evaluate(docs, found[0])
            base.errors = sum(found[1])
            base.seconds = time.perf_counter() - t0
            print_score("textacy direct_quotations", base)
            kept = [i for i, r in enumerate(found[1]) if not r]
            print(f"-- on the {len(kept)} articles textacy does not raise on --")
            print_score("Parallax", evaluate([docs[i] for i in kept], [predicted[i] for i in kept]))
            subset = evaluate([docs[i] for i in kept], [found[0][i] for i in kept])
            print_score("textacy direct_quotations", subset)

    _, _, f_over = ours.overlap.prf()
    _, _, f_src = ours.source.prf()
    _, _, f_pair = ours.pair.prf()
    _, _, f_exact = ours.exact.prf()
    print(
        f"polnear: content_overlap_f1={f_over:.3f} source_f1={f_src:.3f} pair_f1={f_pair:.3f} "
        f"content_exact_f1={f_exact:.3f} docs={len(docs)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
