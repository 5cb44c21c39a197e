"""Figure ranges as UCDP keeps them: per event, metric, side and group; shares and parts
of a breakdown listed but never ranged; a claimant's later toll superseding its earlier
ones; wire copies counted once; `best` by a named rule. Small multi-report corpora about
the fictional world of examples/ (Valdoria, Corvenia, Dornik, Lisk), built by hand."""

from __future__ import annotations

from typing import Any

from parallax.link import Linked
from parallax.models import DocumentRecord, Figure
from parallax.reconcile import BEST_RULE, discrepancies, independent_sources, settle


def _fig(value: int | None, claimant: str | None = None, **kw: Any) -> Figure:
    part_of = kw.pop("part_of", None)
    f = Figure(
        text=f"{value} killed",
        start=kw.pop("start", 0),
        end=10,
        metric=kw.pop("metric", "killed"),
        value=value,
        qualifier=kw.pop("qualifier", "exact"),
        claimant=claimant,
        event="e0",
        **kw,
    )
    if part_of is not None:
        f.part_of = part_of  # type: ignore[attr-defined]  # the figures stage's field
    return f


def _doc(name: str, figures: list[Figure], published: str | None = None) -> DocumentRecord:
    return DocumentRecord(
        name=name,
        text=f"Report {name} about the shelling of Dornik. " * 4,
        sha256="0" * 64,
        source=f"{name}.txt",
        format="text",
        published=published,
        figures=figures,
    )


def _ranges(docs: list[DocumentRecord], sources: dict[str, str] | None = None):
    linked = Linked([], [], {(d.name, "e0"): "ev1" for d in docs})
    return {(r["metric"], r["side"], r["group"]): r for r in discrepancies(docs, linked, sources)}


def test_one_sides_losses_never_share_a_range_with_the_other_sides_toll() -> None:
    docs = [
        _doc("herald", [_fig(192, "Corvenian army", side="Valdoria", population="soldiers")]),
        _doc("post", [_fig(40, "Dornik health office"), _fig(1, "Lisk council")]),
    ]
    table = _ranges(docs)
    toll, attackers = table[("killed", None, None)], table[("killed", "Valdoria", "soldiers")]
    assert (toll["low"], toll["high"]) == (1, 40)  # the 192 soldiers set no bound here
    assert [v["value"] for v in attackers["values"]] == [192]
    assert attackers["side"] == "Valdoria" and toll["side"] is None


def test_a_share_does_not_set_low_and_has_a_range_of_its_own() -> None:
    docs = [
        _doc("herald", [_fig(50, "Dornik health office", of_which={"children": 5})]),
        _doc("post", [_fig(57, "Lisk council", of_which={"children": 9})]),
    ]
    table = _ranges(docs)
    toll, children = table[("killed", None, None)], table[("killed", None, "children")]
    assert (toll["low"], toll["high"]) == (50, 57)
    assert (children["low"], children["high"]) == (5, 9)
    assert {v["role"] for v in children["values"]} == {"share"}
    assert [v["share_of"] for v in children["values"]] == [50, 57]


def test_a_part_of_a_breakdown_is_listed_but_never_ranged() -> None:
    """'50 died: 12 in hospital, 38 at the station': the 12 is no rival of the 50."""
    docs = [_doc("herald", [_fig(50, "Dornik governor"), _fig(12, "Dornik governor", part_of=0)])]
    (row,) = _ranges(docs).values()
    assert (row["low"], row["best"], row["high"]) == (50, 50, 50)
    part = next(v for v in row["values"] if v["value"] == 12)
    assert part["role"] == "part" and part["counted"] is False


def test_a_rising_toll_supersedes_the_claimants_earlier_values() -> None:
    docs = [
        _doc("mon", [_fig(30, "Dornik health office")], published="2025-03-03"),
        _doc("tue", [_fig(35, "Lisk council")], published="2025-03-04"),
        _doc("wed", [_fig(57, "Dornik health office", update=True)], published="2025-03-05"),
    ]
    (row,) = _ranges(docs).values()
    first = next(v for v in row["values"] if v["value"] == 30)
    assert first["superseded_by"]["value"] == 57 and first["counted"] is False
    assert (row["low"], row["best"], row["high"]) == (35, 57, 57)  # best: the latest day's
    assert sorted(v["value"] for v in row["values"]) == [30, 35, 57]  # history kept


def test_three_wounded_who_later_died_are_no_low_bound() -> None:
    """The same day's running total supersedes the claimant's smaller count."""
    docs = [
        _doc("a", [_fig(3, "Dornik health office")], published="2025-03-05"),
        _doc("b", [_fig(17, "Dornik health office", update=True)], published="2025-03-05"),
        _doc("c", [_fig(20, "Lisk council")], published="2025-03-04"),
    ]
    (row,) = _ranges(docs).values()
    assert (row["low"], row["high"]) == (17, 20)


def test_a_wire_copy_counts_once() -> None:
    docs = [
        _doc("wire1", [_fig(20, None)], published="2025-03-04"),
        _doc("wire2", [_fig(20, None)], published="2025-03-04"),
        _doc("herald", [_fig(25, None)], published="2025-03-04"),
        _doc("post", [_fig(25, "Lisk council")], published="2025-03-04"),
    ]
    sources = {"wire1": "Meridian Wire", "wire2": "Meridian Wire"}
    (row,) = _ranges(docs, sources).values()
    copy = next(v for v in row["values"] if v["document"] == "wire2")
    assert copy["copy"] is True and copy["counted"] is False
    assert row["sources"] == 4 and row["independent_sources"] == 3
    assert row["best"] == 25  # two independent sources against one wire story
    assert row["rule"] == BEST_RULE and "independent sources" in row["rule"]


def test_best_is_never_the_lower_middle_of_unrelated_numbers() -> None:
    values = [
        {"value": n, "document": d, "source": d, "claimant": c, "date": "2025-03-05"}
        for n, d, c in [(10, "a", "x"), (40, "b", "y"), (40, "c", "z"), (90, "d", "w")]
    ]
    assert settle(values)["best"] == 40


def test_independent_sources_collapse_syndicated_copies_and_excerpts() -> None:
    story = (
        "Shells struck the market in Dornik on Tuesday morning, killing at least 14 people "
        "and wounding dozens more, the regional health office said in a statement. Witnesses "
        "described a series of blasts shortly after nine o'clock as traders set up their "
        "stalls. The Valdorian defence ministry said its forces had not fired on the town and "
        "accused Corvenian units of staging the attack. Aid groups said the only hospital in "
        "Dornik was running short of blood and surgical supplies as the wounded arrived. "
    )
    copies = [
        DocumentRecord(f"copy{i}", f"Posted by site {i}.\n{story}", "0" * 64, "x", "text")
        for i in range(40)
    ]
    excerpt = DocumentRecord("excerpt", story[:330], "0" * 64, "x", "text")
    others = [
        DocumentRecord(name, text, "0" * 64, "x", "text")
        for name, text in [
            ("council", "The council of Lisk voted on Monday to repair the old bridge."),
            ("weather", "Heavy rain flooded the lower streets of Velgrad overnight."),
            ("ferry", "A new ferry service between Tarnov and Lesnya starts in May."),
        ]
    ]
    sources = independent_sources(copies + [excerpt] + others)
    wire = next(s for s in sources if "copy0" in s["documents"])
    assert len(wire["documents"]) == 41 and "excerpt" in wire["documents"]
    assert wire["basis"] == "near_duplicate"
    assert len(sources) == 4  # the story once, and the three others on their own


def test_a_corrected_range_is_settled_again_by_the_same_rule() -> None:
    from parallax.export import apply_corrections
    from parallax.store import Correction

    docs = [
        _doc("wire1", [_fig(20, None)], published="2025-03-04"),
        _doc("wire2", [_fig(20, None, start=40)], published="2025-03-04"),
        _doc("post", [_fig(25, "Lisk council")], published="2025-03-04"),
    ]
    docs[1].sha256 = "1" * 64
    sources = {"wire1": "Meridian Wire", "wire2": "Meridian Wire"}
    export = {
        "documents": [
            {"name": d.name, "sha256": d.sha256, "quotes": [], "figures": [], "times": []}
            for d in docs
        ],
        "discrepancies": list(_ranges(docs, sources).values()),
    }
    # the analyst marks the value of the second wire copy wrong: one source is left of it
    apply_corrections(export, [Correction("1" * 64, "figure", 40, 10, "verdict", "wrong")])
    (row,) = export["discrepancies"]
    assert row["corrected"] is True and row["sources"] == 2
    assert row["independent_sources"] == 2 and (row["low"], row["high"]) == (20, 25)
