"""What the cross-check reads of each report's own text (`crossdoc.features`): computed
once, stored, read back unchanged, and the record the same with them as without."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_incremental import SETTINGS
from test_incremental import corpus as corpus  # noqa: F401 (the fixture)

import parallax.analyze as analyze_mod
from parallax.accounts import accounts, readings
from parallax.analyze import relink
from parallax.crossdoc import cross_check
from parallax.crossdoc import features as text
from parallax.gazetteer import get_gazetteer
from parallax.models import DocumentRecord, TextFeatures
from parallax.store import Store

WORDS = ["shelling", "Dornik", "denied", "the", "army", "killed", "(Reuters)", "said", "2,400"]
texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=60).map(" ".join)


def _doc(body: str, outlet: str | None = None) -> DocumentRecord:
    return DocumentRecord(name="r", text=body, sha256="0", source="r", format="text",
                          outlet=outlet)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(texts, st.sampled_from([None, "Reuters", "Dornik Courier"]))
def test_features_read_back_as_stored(body: str, outlet: str | None) -> None:
    found = text.text_features(_doc(body, outlet))
    assert text.decode(text.encode(found)) == found


def test_the_record_is_the_same_with_stored_features(
    corpus: list[DocumentRecord],  # noqa: F811 (the fixture)
) -> None:
    gaz = get_gazetteer(SETTINGS.gazetteer_files)
    stored = {d.name: text.decode(text.encode(text.text_features(d))) for d in corpus}
    assert all(any(getattr(f, k) for f in stored.values()) for k in ("readings", "terms", "words"))
    plain = cross_check(corpus, gaz, True)
    read = cross_check(corpus, gaz, True, stored)
    assert read.to_dict() == plain.to_dict()
    assert read.documents == plain.documents and read.facts == plain.facts


def test_stored_readings_give_the_accounts_the_text_gives(
    corpus: list[DocumentRecord],  # noqa: F811 (the fixture)
) -> None:
    """An account read from a stored reading (its names resolved, its speaker found, at
    the check) is the account read from the text at once."""
    gaz = get_gazetteer(SETTINGS.gazetteer_files)
    told = 0
    for d in corpus:
        stored = text.decode(text.encode(text.text_features(d))).readings
        assert stored == tuple(readings(d.text))
        assert accounts(d, gaz, stored) == accounts(d, gaz)
        told += len(accounts(d, gaz))
    assert told >= 5


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reports whose features a cross-check computes (rather than reads)."""
    names: list[str] = []
    compute = text.text_features

    def counted(d: DocumentRecord) -> TextFeatures:
        names.append(d.name)
        return compute(d)

    monkeypatch.setattr(text, "text_features", counted)
    monkeypatch.setattr(analyze_mod, "WHOLE_LIMIT", 2)  # blocks from the third report
    return names


def test_a_block_checked_again_computes_only_new_reports_features(
    corpus: list[DocumentRecord],  # noqa: F811 (the fixture)
    tmp_path: Path,
    computed: list[str],
) -> None:
    *first, last = sorted(corpus, key=lambda d: d.sha256)
    with Store(tmp_path / "features.db") as store:
        for rec in first:
            store.add_if_new(copy.deepcopy(rec))
        relink(store, SETTINGS)
        assert sorted(computed) == sorted(d.name for d in first)
        ids = store.document_ids()
        assert len(store.features_of(ids, text.FEATURES_VERSION)) == len(first)
        computed.clear()
        store.add_if_new(copy.deepcopy(last))
        relink(store, SETTINGS)
        assert computed == [last.name]
        # features of another version are computed again, and stored as this one's
        store.conn.execute("UPDATE doc_features SET version = 0")
        computed.clear()
        relink(store, SETTINGS, rewrite_all=True)
        assert sorted(computed) == sorted(d.name for d in corpus)
        assert len(store.features_of(store.document_ids(), text.FEATURES_VERSION)) == len(corpus)


def test_features_of_an_older_database_are_computed_again(
    corpus: list[DocumentRecord],  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    """A database whose feature table predates the term uses gets this version's table,
    its reports' features computed again: the record is that of a new database."""
    path = tmp_path / "older.db"
    with Store(path) as store:
        store.conn.execute("DROP TABLE doc_features")
        store.conn.execute(
            "CREATE TABLE doc_features (doc_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
            "copies BLOB NOT NULL, shingles BLOB NOT NULL, signature BLOB NOT NULL, wire TEXT, "
            "words TEXT NOT NULL, clauses TEXT NOT NULL)"
        )
        for rec in corpus:
            store.add_if_new(copy.deepcopy(rec))
        store.conn.commit()
    with Store(path) as store:
        assert "terms" in {r[1] for r in store.conn.execute("PRAGMA table_info(doc_features)")}
        relink(store, SETTINGS)
        older = store.results()
        stored = store.features_of(store.document_ids(), text.FEATURES_VERSION)
        assert len(stored) == len(corpus)
    with Store(tmp_path / "new.db") as store:
        for rec in corpus:
            store.add_if_new(copy.deepcopy(rec))
        relink(store, SETTINGS)
        assert store.results() == older
