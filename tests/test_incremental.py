"""Adding reports to a database: the record after each run is the one a full re-check
(`parallax recheck DB`) gives on the same reports, whatever order they came in; a run
that adds nothing does not cross-check again."""

from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, GAZETTEER, run_analyze, run_cli

from parallax.analyze import cross_check_stored, current_results, relink
from parallax.export import build_export
from parallax.ingest import iter_inputs
from parallax.models import DocumentRecord, RawDocument
from parallax.pipeline import Settings, analyze
from parallax.store import Store

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "seeds"
SETTINGS = Settings(gazetteer_files=(GAZETTEER,), workers=1)

# Invented reports (Velgrad, Ostravia, Mira Dovic and Teo Raskin do not exist): a dated
# wire story, an undated copy of it on another site (it takes the wire story's date), and
# an undated follow-up that names the weekday of the strike and the spokesman's surname.
WIRE = """Shelling kills four in Velgrad market

VELGRAD, June 3, 2025 (Northwire) - Shelling hit the central market of Velgrad on Tuesday, \
killing four people and wounding 12, the regional governor Mira Dovic said.

"The shells fell when the market was full," Dovic told reporters. Ostravian army \
spokesman Teo Raskin denied that Ostravian forces had fired on the town.

The city council said at least 15 people were wounded.
"""
COPY = "Regional news in brief\n\n" + WIRE.split("\n", 2)[2].replace(", June 3, 2025", "")
FOLLOW_UP = """Velgrad mourns market dead

Hundreds of people gathered in Velgrad for the funerals of those killed in Tuesday's \
shelling of the market.

Raskin repeated that the army had not fired on the town. "We do not target markets," he said.

Doctors said the toll had risen to five.
"""


def export(store: Store) -> dict[str, Any]:
    out = build_export(store)
    out.pop("generator", None)  # the version that wrote it
    for failure in out.get("failures", []):
        failure.pop("at", None)
    # a report's row id and place in the list follow the order reports came in
    for doc in out["documents"]:
        doc.pop("id", None)
    out["documents"].sort(key=lambda d: (d["sha256"], d["name"]))
    return out


def analysed(paths: list[Path]) -> list[DocumentRecord]:
    raws = [r for r in iter_inputs([str(p) for p in paths]) if isinstance(r, RawDocument)]
    records = [r for r in analyze(raws, SETTINGS) if isinstance(r, DocumentRecord)]
    assert len(records) == len(raws)
    return records


def full_recheck(records: list[DocumentRecord], db: Path) -> dict[str, Any]:
    """Every report stored at once, then `parallax recheck` (every report written again)."""
    with Store(db) as store:
        for rec in records:
            assert store.add_if_new(copy.deepcopy(rec)) is not None
        relink(store, SETTINGS, rewrite_all=True)
        return export(store)


def one_by_one(records: list[DocumentRecord], db: Path, seed: int) -> dict[str, Any]:
    """The reports added one run at a time, in a shuffled order."""
    order = list(records)
    random.Random(seed).shuffle(order)
    with Store(db) as store:
        for rec in order:
            assert store.add_if_new(copy.deepcopy(rec)) is not None
            rechecked = cross_check_stored(store, SETTINGS, added=True)
            assert rechecked
        # a last run that adds nothing keeps the record as it is
        before = store.results()
        rechecked = cross_check_stored(store, SETTINGS, added=False)
        assert not rechecked
        assert before == store.results()
        incremental = export(store)
        # and `recheck` over this very database changes nothing
        relink(store, SETTINGS, rewrite_all=True)
        assert export(store) == incremental
        return incremental


def assert_same_record_in_any_order(records: list[DocumentRecord], tmp: Path, orders: int) -> None:
    reference = full_recheck(records, tmp / "full.db")
    assert reference["events"], "the corpus gives events"
    for seed in range(orders):
        assert one_by_one(records, tmp / f"order{seed}.db", seed) == reference, seed


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[DocumentRecord]:
    folder = tmp_path_factory.mktemp("incremental")
    for name, text in (("wire.txt", WIRE), ("copy.txt", COPY), ("follow_up.txt", FOLLOW_UP)):
        (folder / name).write_text(text, encoding="utf-8")
    files = sorted(p for p in EXAMPLES.iterdir() if p.name[:2].isdigit())
    return analysed([*files, *sorted(folder.iterdir())])


def test_the_corpus_links_across_reports(corpus: list[DocumentRecord], tmp_path: Path) -> None:
    """The equality below means something: the new reports change what others derive
    (the copy takes the wire story's date)."""
    with Store(tmp_path / "all.db") as store:
        for rec in corpus:
            store.add_if_new(copy.deepcopy(rec))
        relink(store, SETTINGS)
        dated = {d.name: d.published_basis for d in store.documents()}
    assert dated["copy.txt"] == "linked"


def test_adding_reports_one_by_one_gives_the_full_recheck(
    corpus: list[DocumentRecord], tmp_path: Path
) -> None:
    assert_same_record_in_any_order(corpus, tmp_path, orders=3)


def test_adding_the_seeds_one_by_one_gives_the_full_recheck(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"no seeds at {SEEDS}")
    records = analysed(sorted(SEEDS.iterdir()))
    assert_same_record_in_any_order(records, tmp_path, orders=2)


def test_a_run_that_adds_nothing_keeps_the_record(examples_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    with Store(db) as store:
        before = export(store)
    result = run_analyze(EXAMPLES, db=db)
    assert result.exit_code == 0, result.output
    assert "cross-check not run again" in result.output
    assert "4 already there" in result.stdout or "already there" in result.stdout
    with Store(db) as store:
        assert export(store) == before


def test_the_record_counts_as_stale_when_what_it_covers_changed(
    examples_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    with Store(db) as store:
        assert current_results(store, SETTINGS) == store.results()
        # another gazetteer: the places may resolve otherwise
        assert current_results(store, Settings(workers=1)) is None
        # a record written without saying what it covers (an older version, or a run
        # that could not be sure no report came meanwhile)
        store.save_record(store.record())
        assert current_results(store, SETTINGS) is None
        rechecked = cross_check_stored(store, SETTINGS, added=False)
        assert rechecked
        assert current_results(store, SETTINGS) == store.results()


def test_recheck_runs_even_when_nothing_changed(examples_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    result = run_cli("recheck", db, "--gazetteer", GAZETTEER)
    assert result.exit_code == 0, result.output
    assert "cross-check not run again" not in result.output


CRISES = SEEDS.parent.parent / "eval" / "crises"


@pytest.mark.parametrize("crisis", ["beirut-port-2020", "gaza-hospital-2023", "kramatorsk-2022"])
def test_adding_a_crisis_report_by_report_gives_the_full_recheck(
    crisis: str, tmp_path: Path
) -> None:
    """Real coverage (third-party text, read from ../shared): each crisis's reports added
    one run at a time, in a shuffled order, give the record of a full re-check."""
    articles = CRISES / crisis / "articles"
    if not articles.is_dir():
        pytest.skip(f"no crisis reports at {articles}")
    records = analysed(sorted(p for p in articles.iterdir() if p.is_file()))
    assert_same_record_in_any_order(records, tmp_path, orders=1)
