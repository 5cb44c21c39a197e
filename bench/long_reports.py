"""What a long, hostile report costs through the analysis path (`parallax.nlp.parse_text`):
spaCy's components and Parallax's extractors, separately, in CPU seconds (of every process
that worked on it), the wall time, and the peak memory of a process that analyses only that
report (and of the largest copy it forked to parse pieces).

Four synthetic reports (no data needed): a quote-heavy report (paragraphs of quotations
with their speakers, as a long live blog runs), `He said "no, ` repeated (unbalanced
quotation marks in one paragraph), a run of bare `"` marks, and one plain paragraph of
ordinary sentences. Run from the repository root:
`.venv/bin/python bench/long_reports.py [--size 200000] [--whole]`. The last line is for
machines: `long_reports: unbalanced_wall_s=... unbalanced_spacy_s=...
unbalanced_parallax_s=... unbalanced_rss_mb=... ... model_rss_mb=...`; `model_rss_mb` is
the process with the model loaded and nothing analysed, the floor under every `_rss_mb`.
A text over `LONG_TEXT` characters is parsed by spaCy in pieces, on every core this process
may use (`--processes N` to choose; `--whole`: as one document, as before, to compare).
Targets (issue 13): each report under 10 s and 1 GB. On a shared machine the wall time
depends on the load: the bench prints the load average before and after.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from multiprocessing.connection import Connection

from parallax.nlp import EXTRACTORS, LONG_TEXT, get_pipeline, parse_pieces, run_extractors

PLAIN = (
    "The minister said the ministry would reopen the bridge over the river next week. "
    "She said the ministry had paid for the repairs. "
)


QUOTED = (
    '"We will rebuild the bridge before the winter," the minister said on Monday. '
    'The mayor told reporters that "nobody was hurt", adding that 12 people had been moved '
    'from their homes. "The water is still rising," said Anna Berg, a spokeswoman for the '
    "regional council.\n\n"
)


def texts(size: int) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "quoted": "Title\n\n" + fill(QUOTED),
        "unbalanced": "Title\n\n" + fill('He said "no, '),
        "marks": "Title\n\n" + '"' * (size // 5),  # the case: 40 kB of marks at 200 kB
        "plain": "Title\n\n" + fill(PLAIN),
    }


def _rss_mb() -> float:
    """The peak memory of this process, or of its largest child where that is more."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cost(text: str, whole: bool, processes: int | None) -> tuple[float, float, float]:
    """Wall seconds, and CPU seconds in spaCy's components and in Parallax's extractors."""
    nlp = get_pipeline()
    wall, cpu = time.perf_counter(), _cpu()
    if whole or len(text) <= LONG_TEXT:  # the whole document through spaCy's components
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            if name not in EXTRACTORS:
                doc = proc(doc)
    else:
        doc = parse_pieces(nlp, text, processes=processes)
    spacy_s = _cpu() - cpu
    start = time.process_time()
    run_extractors(nlp, doc)
    parallax_s = time.process_time() - start
    return time.perf_counter() - wall, spacy_s, parallax_s


def _child(text: str, whole: bool, processes: int | None, out: Connection) -> None:
    out.send((*cost(text, whole, processes), _rss_mb()))
    out.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="characters per report")
    parser.add_argument("--whole", action="store_true", help="parse each text as one document")
    parser.add_argument(
        "--processes", type=int, help="processes parsing one report's pieces (default: cores)"
    )
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    get_pipeline()(PLAIN)  # loaded once; each report then runs in a forked process
    model_rss = _rss_mb()
    parts = []
    ctx = multiprocessing.get_context("fork")
    for name, text in texts(args.size).items():
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(text, args.whole, args.processes, send))
        proc.start()
        wall, spacy_s, parallax_s, rss = receive.recv()
        proc.join()
        print(
            f"{name:11s} {len(text):>8d} chars  wall {wall:6.1f} s  spaCy {spacy_s:6.1f} s"
            f"  Parallax {parallax_s:6.1f} s  peak {rss:6.0f} MB",
            flush=True,
        )
        parts.append(
            f"{name}_wall_s={wall:.2f} {name}_spacy_s={spacy_s:.2f} "
            f"{name}_parallax_s={parallax_s:.2f} {name}_rss_mb={rss:.0f}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"long_reports: {' '.join(parts)} model_rss_mb={model_rss:.0f} size={args.size}"
        f" whole={int(args.whole)} processes={args.processes or 'cores'}"
    )


if __name__ == "__main__":
    main()
