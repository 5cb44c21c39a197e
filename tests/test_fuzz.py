"""Fuzzing (hypothesis): hostile reports through ingest, analysis, the store and the
cross-check. No exception may escape, and every report is either stored or failed with a
one-line reason naming its file (and line)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import GAZETTEER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.analyze import run_analysis
from parallax.pipeline import Settings
from parallax.store import Store

# Invented places and people; each template takes a number.
TEMPLATES = [
    "Police in Valdoria said {n} people were killed in the blast on Monday.",
    "At least {n:,} people were injured, the Ostravian health ministry said.",
    '"We have counted {n} bodies," said Mira Dal, a rescuer in Dornik.',
    "The death toll rose to {n} from {n} on Tuesday, officials in Velgrad said.",
]

hostile_text = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda t, n: t.format(n=n),
        st.sampled_from(TEMPLATES),
        st.one_of(st.integers(0, 10**40), st.just(2**63), st.just(2**63 - 1)),
    ),
    st.integers(1, 40).map(lambda k: 'He said "no, ' * k),
    st.integers(1, 200).map(lambda k: '"' * k + " said the mayor of Dornik."),
    st.sampled_from(["\u200b\u2060\u200d", "\ufeff", "\u00ad\u00ad"]),
)
encodings = st.sampled_from(
    [
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "cp1252",
        "latin-1",
        "koi8-r",
    ]
)
file_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda t, e: t.encode(e, errors="replace"), hostile_text, encodings),
    st.builds(  # UTF-8 with stray bytes spliced in
        lambda t, junk, at: t.encode()[:at] + junk + t.encode()[at:],
        hostile_text,
        st.binary(min_size=1, max_size=4),
        st.integers(0, 300),
    ),
)
jsonl_line = st.one_of(
    hostile_text.map(lambda t: json.dumps({"text": t})),
    st.integers(1, 50_000).map(lambda k: "[" * k),
    st.builds(
        lambda n, t: '{"text": ' + json.dumps(t) + ', "x": ' + "9" * n + "}",
        st.integers(4000, 6000),
        hostile_text,
    ),
    hostile_text.map(lambda t: json.dumps({"text": t, "name": 10**50, "published": t})),
    st.sampled_from(
        ['{"text": "Police said \\ud800 three were hurt in Dornik."}', "{}", "[]", "null"]
    ),
    st.text(max_size=100),
).map(lambda line: line.encode("utf-8", errors="surrogatepass"))
reports = st.one_of(
    st.tuples(st.sampled_from([".txt", ".md", ".html", ""]), file_bytes),
    st.tuples(st.just(".jsonl"), st.one_of(jsonl_line, file_bytes)),
)


@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(reports, min_size=1, max_size=4))
def test_hostile_reports_are_stored_or_failed_with_a_reason(
    batch: list[tuple[str, bytes]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (suffix, data) in enumerate(batch):
        if suffix == ".jsonl":  # one report per file: one line
            data = data.replace(b"\n", b" ").replace(b"\r", b" ")
        (folder / f"r{i}{suffix}").write_bytes(data)
    with Store(folder.parent / f"{folder.name}.db") as store:
        summary = run_analysis(
            [str(folder)], store, Settings(gazetteer_files=(GAZETTEER,), workers=1)
        )
        assert len(summary.added) + len(summary.skipped) + len(summary.failed) == len(batch)
        for source, message in summary.failed:
            assert source.startswith(str(folder))
            assert re.fullmatch(re.escape(source) + r"(:\d+)?: \S[^\n]*", message), message
        assert [f["error"] for f in store.failures()] == [m for _, m in summary.failed]
        assert store.count() == len(summary.added)
        assert summary.rechecked and store.record_covers()  # the cross-check ran
