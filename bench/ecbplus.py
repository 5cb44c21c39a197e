"""Cross-document linking on ECB+: do Parallax's reports-of-the-same-events groups match
the real events?

Each ECB+ topic folder holds reports of two similar but different real events (two
earthquakes, two rehab stays): the `*ecb.xml` files tell of one, the `*ecbplus.xml` files
of the other. Every document is rebuilt as text from its tokens (sentence 0 of an
`*ecbplus.xml` file, its source URL, is dropped: it would give the event away), analysed
by Parallax's pipeline, and each topic's records are linked with `parallax.link.link`:
its `stories` are the document clustering scored here. Beside it:

- one cluster per topic (every report of a topic is the same event);
- lemma TF-IDF: spaCy lemmas of content words, TF-IDF over the topic, cosine, the same
  average-linkage clustering, at the threshold that scores best over all topics (tuned
  on the data, so an optimistic baseline).

Scores are B-cubed precision, recall and F1 of the document clustering against the gold
sub-topics, macro-averaged over topics. The last line is for machines:

    ecbplus: doc_b3_f1=0.93 doc_b3_p=... doc_b3_r=... one_cluster_f1=0.68 tfidf_f1=0.85 ...

Run from the repository root: `.venv/bin/python bench/ecbplus.py [--dir DIR] [--topics 1,2]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "eval" / "ecbplus" / "ECB+"
TFIDF_GRID = [round(0.02 * i, 2) for i in range(1, 40)]
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}]|'s|'S|n't|'re|'ve|'ll|'d|'m)(?=\s|$)")
NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


@dataclass
class Doc:
    topic: str
    name: str
    gold: str  # "ecb" or "ecbplus"
    text: str


def detokenize(tokens: list[str]) -> str:
    """Plain text from ECB+ tokens: spaces between tokens, none before punctuation."""
    text = " ".join(tokens).replace("``", '"').replace("''", '"')
    text = NO_SPACE_BEFORE.sub(r"\1", text)
    return NO_SPACE_AFTER.sub(r"\1", text)


def read_doc(path: Path, topic: str) -> Doc:
    root = ET.parse(path).getroot()
    sentences: dict[int, list[str]] = defaultdict(list)
    for tok in root.iter("token"):
        sentences[int(tok.get("sentence", "0"))].append(tok.text or "")
    plus = path.name.endswith("ecbplus.xml")
    if plus:
        sentences.pop(0, None)  # the source URL
    text = "\n".join(detokenize(sentences[k]) for k in sorted(sentences)) + "\n"
    return Doc(topic, path.name, "ecbplus" if plus else "ecb", text)


def read_topics(root: Path, only: set[str] | None) -> dict[str, list[Doc]]:
    topics: dict[str, list[Doc]] = {}
    for folder in sorted(root.iterdir(), key=lambda p: (len(p.name), p.name)):
        if not folder.is_dir() or (only and folder.name not in only):
            continue
        docs = [read_doc(p, folder.name) for p in sorted(folder.glob("*.xml"))]
        if docs:
            topics[folder.name] = docs
    return topics


def b_cubed(pred: list[list[int]], gold: list[str]) -> tuple[float, float, float]:
    cluster_of = {i: k for k, c in enumerate(pred) for i in c}
    n = len(gold)
    p = r = 0.0
    for i in range(n):
        same_pred = [j for j in range(n) if cluster_of[j] == cluster_of[i]]
        same_gold = [j for j in range(n) if gold[j] == gold[i]]
        both = sum(1 for j in same_pred if gold[j] == gold[i])
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def macro(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    k = len(scores) or 1
    return tuple(sum(s[i] for s in scores) / k for i in range(3))  # type: ignore[return-value]


def analyse(docs: list[Doc]) -> tuple[list, list[Counter[str]]]:
    """Parallax records and the lemma counts (for the baseline) of every document, from
    one parse each."""
    from parallax.models import RawDocument
    from parallax.nlp import get_pipeline
    from parallax.pipeline import record_from_doc

    nlp = get_pipeline()
    raws = [RawDocument(d.name, d.text, d.name, "text") for d in docs]
    records, lemmas = [], []
    for raw, parsed in zip(raws, nlp.pipe([r.text for r in raws], batch_size=16), strict=True):
        records.append(record_from_doc(raw, parsed))
        lemmas.append(
            Counter(
                t.lemma_.lower()
                for t in parsed
                if t.pos_ in CONTENT_POS and not t.is_stop and t.is_alpha
            )
        )
    return records, lemmas


def tfidf_similarity(lemmas: list[Counter[str]]) -> list[list[float]]:
    from parallax.link import cosine, tfidf_vectors

    vecs = tfidf_vectors(lemmas, idf_floor=1.0, weights={})  # plain lemma TF-IDF
    return [[cosine(a, b) for b in vecs] for a in vecs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of ECB+ topic folders")
    ap.add_argument("--topics", help="comma-separated topic folder names (default: all)")
    ap.add_argument("--cache", type=Path, help="JSON file to keep parsed records between runs")
    ap.add_argument("--verbose", action="store_true", help="one line per topic")
    args = ap.parse_args(argv)
    if not args.dir.is_dir():
        print(f"ecbplus: skipped, no ECB+ data at {args.dir}")
        return 0
    only = set(args.topics.split(",")) if args.topics else None
    topics = read_topics(args.dir, only)
    if not topics:
        print(f"ecbplus: skipped, no topic folders under {args.dir}")
        return 0

    from parallax.gazetteer import get_gazetteer
    from parallax.link import average_linkage, link
    from parallax.models import from_dict

    cache: dict = {}
    if args.cache and args.cache.exists():
        cache = json.loads(args.cache.read_text())
    started = time.perf_counter()
    ours, one, tfidf_sims, golds = [], [], [], []
    for name, docs in topics.items():
        key = f"{name}:{len(docs)}"
        if key in cache:
            records = [from_dict(r) for r in cache[key]["records"]]
            lemmas = [Counter(c) for c in cache[key]["lemmas"]]
        else:
            records, lemmas = analyse(docs)
            cache[key] = {"records": [r.to_dict() for r in records], "lemmas": lemmas}
        gold = [d.gold for d in docs]
        linked = link(records, get_gazetteer())
        index = {r.name: i for i, r in enumerate(records)}
        pred = [[index[n] for n in story] for story in linked.stories]
        ours.append(b_cubed(pred, gold))
        one.append(b_cubed([list(range(len(docs)))], gold))
        tfidf_sims.append(tfidf_similarity(lemmas))
        golds.append(gold)
        if args.verbose:
            print(f"topic {name:>3}: docs={len(docs)} clusters={len(pred)} f1={ours[-1][2]:.3f}")
    if args.cache:
        args.cache.write_text(json.dumps(cache))
    best_t, best = 0.0, (0.0, 0.0, 0.0)
    for t in TFIDF_GRID:
        score = macro(
            [b_cubed(average_linkage(s, t), g) for s, g in zip(tfidf_sims, golds, strict=True)]
        )
        if score[2] > best[2]:
            best_t, best = t, score
    p, r, f = macro(ours)
    op, orr, of = macro(one)
    print(f"{'method':<28} {'P':>6} {'R':>6} {'F1':>6}")
    print(f"{'one cluster per topic':<28} {op:6.3f} {orr:6.3f} {of:6.3f}")
    print(f"{f'lemma TF-IDF (t={best_t})':<28} {best[0]:6.3f} {best[1]:6.3f} {best[2]:6.3f}")
    print(f"{'Parallax link_stories':<28} {p:6.3f} {r:6.3f} {f:6.3f}")
    n_docs = sum(len(g) for g in golds)
    print(
        f"topics={len(topics)} docs={n_docs} seconds={time.perf_counter() - started:.0f}",
        file=sys.stderr,
    )
    print(
        f"ecbplus: doc_b3_f1={f:.3f} doc_b3_p={p:.3f} doc_b3_r={r:.3f} one_cluster_f1={of:.3f} "
        f"tfidf_f1={best[2]:.3f} tfidf_threshold={best_t} topics={len(topics)} docs={n_docs}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
