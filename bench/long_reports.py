"""What a long, hostile report costs: spaCy's own components and Parallax's extractors,
separately, in CPU seconds, with the process's peak memory.

Three synthetic reports (no data needed): `He said "no, ` repeated (unbalanced quotation
marks in one paragraph), a run of bare `"` marks, and one plain paragraph of ordinary
sentences. Run from the repository root:
`.venv/bin/python bench/long_reports.py [--size 200000]`. The last line is for machines:
`long_reports: unbalanced_parallax_s=... unbalanced_spacy_s=... marks_parallax_s=... ...
max_rss_mb=...`. Parallax's share should grow linearly with the size (the tests count calls,
`tests/test_quotes_scaling.py`); the rest is spaCy's tagger, parser and NER.
"""

from __future__ import annotations

import argparse
import resource
import time

from parallax.nlp import get_pipeline

PLAIN = (
    "The minister said the ministry would reopen the bridge over the river next week. "
    "She said the ministry had paid for the repairs. "
)


def texts(size: int) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "unbalanced": "Title\n\n" + fill('He said "no, '),
        "marks": "Title\n\n" + '"' * (size // 5),  # the case: 40 kB of marks at 200 kB
        "plain": "Title\n\n" + fill(PLAIN),
    }


def cost(text: str) -> tuple[float, float]:
    """CPU seconds in spaCy's components and in Parallax's (parallax_*) components."""
    nlp = get_pipeline()
    doc = nlp.make_doc(text)
    spacy_s = parallax_s = 0.0
    for name, proc in nlp.pipeline:
        start = time.process_time()
        doc = proc(doc)
        spent = time.process_time() - start
        if name.startswith("parallax_"):
            parallax_s += spent
        else:
            spacy_s += spent
    return spacy_s, parallax_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="characters per report")
    args = parser.parse_args()
    parts = []
    for name, text in texts(args.size).items():
        spacy_s, parallax_s = cost(text)
        print(
            f"{name:11s} {len(text):>8d} chars  spaCy {spacy_s:6.1f} s  Parallax {parallax_s:6.1f} s"
        )
        parts.append(f"{name}_parallax_s={parallax_s:.2f} {name}_spacy_s={spacy_s:.2f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"long_reports: {' '.join(parts)} max_rss_mb={rss:.0f} size={args.size}")


if __name__ == "__main__":
    main()
