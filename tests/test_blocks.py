"""Blocks of a large corpus (`parallax.crossdoc.blocks`): which reports are compared, and
the incremental cross-check per block giving what a full re-check gives."""

from __future__ import annotations

import copy
import itertools
import json
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_incremental import SETTINGS, analysed, assert_same_record_in_any_order, export
from test_incremental import corpus as corpus  # noqa: F401 (the fixture)

import parallax.analyze as analyze_mod
from parallax.analyze import relink
from parallax.crossdoc import pool
from parallax.crossdoc.blocks import WHOLE, BlockKeys, components, copies, neighbours
from parallax.models import DocumentRecord
from parallax.store import SHARED_RESULTS, SHARED_SUMMARY, Store

keys_sets = st.dictionaries(
    st.integers(0, 30),
    st.builds(
        BlockKeys,
        st.frozensets(st.integers(0, 12), max_size=8),
        st.frozensets(st.sampled_from(["attack|velgrad", "protest|dornik"]), max_size=1),
    ),
    max_size=12,
)


def brute_force(keys: dict[int, BlockKeys]) -> list[list[int]]:
    """Every pair compared: the reference for `components`' prefix filtering."""
    group = {i: {i} for i in keys}
    for a, b in itertools.combinations(sorted(keys), 2):
        ka, kb = keys[a], keys[b]
        if (ka.places & kb.places or copies(ka.shingles, kb.shingles)) and group[a] is not group[b]:
            joined = group[a] | group[b]
            for i in joined:
                group[i] = joined
    return sorted(sorted(g) for g in {frozenset(g) for g in group.values()})


@settings(max_examples=200, deadline=None)
@given(keys_sets)
def test_prefix_filtering_finds_every_copy_pair(keys: dict[int, BlockKeys]) -> None:
    assert components(keys) == brute_force(keys)


@settings(max_examples=100, deadline=None)
@given(keys_sets, st.randoms())
def test_the_blocks_do_not_depend_on_the_order_of_reports(
    keys: dict[int, BlockKeys], rnd: random.Random
) -> None:
    items = list(keys.items())
    rnd.shuffle(items)
    assert components(dict(items)) == components(keys)


def test_copies_and_incident_places_join_reports() -> None:
    text = frozenset(range(20))
    keys = {
        1: BlockKeys(text, frozenset()),
        2: BlockKeys(frozenset(range(8, 20)), frozenset()),  # most of 1's opening: a copy
        3: BlockKeys(frozenset(range(14, 40)), frozenset({"attack|velgrad"})),  # shares 6
        4: BlockKeys(frozenset({99}), frozenset({"attack|velgrad"})),
        5: BlockKeys(frozenset(), frozenset({"protest|velgrad"})),  # another kind of event
    }
    assert components(keys) == [[1, 2], [3, 4], [5]]


def test_a_new_report_joins_its_copies_and_places_only() -> None:
    new = BlockKeys(frozenset(range(10)), frozenset({"attack|velgrad"}))
    hits = {7: 6, 8: 2}  # report 7 shares 6 of its 8 shingles, report 8 two of its 40
    found = neighbours(new, [3], Counter(hits), {7: 8, 8: 40})
    assert found == {3, 7}


# -- the incremental cross-check per block --------------------------------------------------


# Invented reports of other stories (Marovo and Kelta do not exist): blocks of their own.
# a spokeswoman of one organisation quoted on two stories: a name two blocks share
RED_CROSS = '"{}," said Ana Berit, a spokeswoman for the Red Cross.\n'
OTHERS = {
    "flood.txt": "Floods cut off Marovo\n\nMAROVO, May 2, 2025 - Floods swept through the "
    "river town of Marovo on Friday, killing three people, the mayor said.\n"
    + RED_CROSS.format("The water rose in minutes"),
    "flood_copy.txt": "Floods cut off Marovo\n\nFloods swept through the river town of "
    "Marovo on Friday, killing three people, the mayor said.\n"
    + RED_CROSS.format("The water rose in minutes")
    + "\nDistributed by Northwire.\n",
    "strike.txt": "Dock workers walk out in Kelta\n\nKELTA, May 9, 2025 - Dock workers in "
    "Kelta went on strike on Friday over unpaid wages, the union said.\n"
    + RED_CROSS.format("Families are running out of food"),
}


@pytest.fixture(scope="module")
def stories(
    corpus: list[DocumentRecord],  # noqa: F811 (the fixture)
    tmp_path_factory: pytest.TempPathFactory,
) -> list[DocumentRecord]:
    folder = tmp_path_factory.mktemp("stories")
    for name, text in OTHERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [*corpus, *analysed(sorted(folder.iterdir()))]


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks from the third report on (the limit is 2,000 outside tests)."""
    monkeypatch.setattr(analyze_mod, "WHOLE_LIMIT", 2)


def test_blocks_added_one_by_one_give_the_full_recheck(
    stories: list[DocumentRecord], tmp_path: Path, small_limit: None
) -> None:
    with Store(tmp_path / "blocks.db") as store:
        for rec in stories:
            store.add_if_new(copy.deepcopy(rec))
        relink(store, SETTINGS)
        blocks = store.blocked()
    assert WHOLE not in blocks and len(blocks) > 1, blocks
    assert_same_record_in_any_order(stories, tmp_path, orders=2)


def test_blocks_checked_beside_the_largest_give_the_same_record(
    stories: list[DocumentRecord],
    tmp_path: Path,
    small_limit: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One forked worker checking the other blocks while this process checks the largest
    (`pool.check_aside`) stores the record that one process stores."""
    real, calls = pool.check_aside, []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(pool, "ASIDE_FROM", 1)
    monkeypatch.setattr(pool, "check_aside", counted)
    records = []
    for workers in (1, 2):
        with Store(tmp_path / f"aside_{workers}.db") as store:
            for rec in stories:
                store.add_if_new(copy.deepcopy(rec))
            relink(store, replace(SETTINGS, workers=workers))
            records.append(export(store))
    assert len(calls) == 1 and calls[0] > 1  # with 2 workers only, over several blocks
    assert records[0] == records[1] and records[0]["events"]


def test_a_report_rewrites_only_the_blocks_it_joins(
    stories: list[DocumentRecord], tmp_path: Path, small_limit: None
) -> None:
    with Store(tmp_path / "one.db") as store:
        *first, last = sorted(stories, key=lambda d: d.name)
        for rec in first:
            store.add_if_new(copy.deepcopy(rec))
        assert relink(store, SETTINGS) == len(store.blocked())  # past the limit: all
        rows = dict(store.conn.execute("SELECT position, block FROM result_events"))
        store.add_if_new(copy.deepcopy(last))
        checked = relink(store, SETTINGS)
        assert checked == 1  # the block the new report joined, nothing else
        after = dict(store.conn.execute("SELECT position, block FROM result_events"))
        kept = {p: b for p, b in rows.items() if p in after}
        assert kept and all(after[p] == b for p, b in kept.items())
        assert export(store)["events"]


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_a_blocked_record_exports_streamed_as_whole(
    stories: list[DocumentRecord], tmp_path: Path, small_limit: None, fmt: str
) -> None:
    """Entities several blocks name are merged alike by the streamed export."""
    from test_export_stream import streamed, whole

    db = tmp_path / f"stream_{fmt}.db"
    with Store(db) as store:
        for rec in stories:
            store.add_if_new(copy.deepcopy(rec))
        assert relink(store, SETTINGS) > 1
    assert streamed(db, fmt) == whole(db, fmt)


def test_entity_and_speaker_tables_merge_what_the_record_merges(
    stories: list[DocumentRecord], tmp_path: Path, small_limit: None
) -> None:
    """The typed tables of names several blocks share, written from what the blocks'
    entries keep (counts, spellings), give the merged record's entities and speakers,
    also after reports were added one run at a time."""
    with Store(tmp_path / "shared.db") as store:
        for rec in sorted(stories, key=lambda d: d.sha256):
            store.add_if_new(copy.deepcopy(rec))
            relink(store, SETTINGS)
        record = store.record()
        assert len(store.blocked()) > 1
        several = "SELECT item FROM result_{} GROUP BY item HAVING COUNT(DISTINCT block) > 1"
        assert store.conn.execute(several.format("entities")).fetchall(), "names blocks share"
        entities = {
            r[0]: (r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8])
            for r in store.conn.execute("SELECT * FROM entities")
        }
        assert entities == {
            e.id: (e.canonical, e.kind, e.aliases, e.lat, e.lon, e.precision,
                   len(e.documents), len(e.mentions))
            for e in record.entities
        }  # fmt: skip
        speakers = {
            r[0]: (r[1], r[2], json.loads(r[4]), json.loads(r[5]), r[6], r[7])
            for r in store.conn.execute("SELECT * FROM speakers")
        }
        assert speakers == {
            s.id or s.name: (s.name, s.kind, s.roles, s.affiliations, len(s.documents),
                             len(s.statements))
            for s in record.speakers
        }  # fmt: skip

        # the summaries kept beside the entries are what SQLite reads from the entries
        # themselves (a database written before they were kept), and give the same tables
        for table in SHARED_RESULTS:
            kept = store.conn.execute(
                f"SELECT summary FROM result_{table} ORDER BY position"
            ).fetchall()
            assert kept and all(r[0] for r in kept)
            store.conn.execute(f"UPDATE result_{table} SET summary = NULL")
            read = store.conn.execute(
                f"SELECT {SHARED_SUMMARY[table]} FROM result_{table} ORDER BY position"
            )
            assert [json.loads(r[0]) for r in kept] == [json.loads(r[0]) for r in read.fetchall()]
        tables_before = [
            store.conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SHARED_RESULTS
        ]
        store.begin()
        store.write_shared(None)
        store.conn.commit()
        assert tables_before == [
            store.conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SHARED_RESULTS
        ]


def test_new_reports_join_old_blocks_as_units(
    stories: list[DocumentRecord], tmp_path: Path, small_limit: None
) -> None:
    """Old blocks joined as wholes give the blocks computed from every member's keys;
    an old block that lost a report is computed again from its members' keys."""
    ordered = sorted(stories, key=lambda d: d.sha256)
    with Store(tmp_path / "units.db") as store:
        for rec in ordered[:-3]:
            store.add_if_new(copy.deepcopy(rec))
        relink(store, SETTINGS)
        for rec in ordered[-3:]:
            store.add_if_new(copy.deepcopy(rec))
        unkeyed = store.unkeyed()
        found = pool.keys(analyze_mod._read(store, unkeyed), SETTINGS.gazetteer_files, 1)
        store.save_keys([(d.id, k) for d, k in found if d.id is not None])
        english = store.english_ids()

        def expected() -> tuple[list[list[int]], list[str]]:
            groups, old = analyze_mod._joined(store, english)
            new = [i for i, b in store.blocks_of(english).items() if b is None]
            members = sorted({*store.block_members(old), *new})
            assert groups == components(store.keys_of(members))
            return groups, old

        groups, old = expected()
        assert old and len(unkeyed) == 3, "the new reports join old blocks"
        # a block without one of the reports it was named after: its members' keys
        lost = store.block_members(old[:1])[0]
        store.conn.execute("UPDATE doc_blocks SET block = NULL WHERE doc_id = ?", (lost,))
        expected()
