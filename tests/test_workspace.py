"""The workspace an analyst opens first: where the sources disagree (one computation in
the view model for the report, the server and `summary`), filters, links to each span,
syndicated copies folded, pages bounded, plain wording. A small invented export built by
hand (no NLP) for the view model; the example corpus for the server and the report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import client, copy_db

from parallax.crossdoc.view import (
    copy_groups,
    count_noun,
    dateline_outlet,
    fold_claims,
    is_pronoun,
    overview,
)
from parallax.report import to_html, to_markdown
from parallax.serve import views

# Invented: Dornik, Velgrad, the Meridian Wire and everyone named here do not exist.


def _value(doc: str, value: int | None, claimant: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "value": value,
        "claimant": claimant,
        "document": doc,
        "start": 10,
        "end": 14,
        "date": extra.pop("date", None),
        "as_of": extra.pop("as_of", None),
        "superseded_by": extra.pop("superseded_by", None),
        **extra,
    }


def _export() -> dict[str, Any]:
    docs = ["wire.txt", "copy1.txt", "copy2.txt", "herald.txt", "post.txt"]
    return {
        "documents": [
            {"id": i + 1, "name": n, "outlet": {"herald.txt": "Dornik Herald"}.get(n)}
            for i, n in enumerate(docs)
        ],
        "sources": [
            {"source": "Meridian Wire", "documents": ["wire.txt", "copy1.txt", "copy2.txt"]},
            {"source": "Dornik Herald", "documents": ["herald.txt"]},
            {"source": "post.txt", "documents": ["post.txt"]},
        ],
        "events": [
            {
                "id": "ev-1",
                "label": "Shelling",
                "date": "2025-03-03",
                "date_precision": "day",
                "location": "Dornik",
                "documents": docs,
            },
            {
                "id": "ev-2",
                "label": "Attack",
                "date": None,
                "location": None,
                "documents": ["post.txt"],
            },
            {
                "id": "ev-3",
                "label": "Convoy",
                "date": "2025-03",
                "date_precision": "month",
                "location": "Velgrad",
                "documents": ["post.txt"],
            },
        ],  # fmt: skip
        "discrepancies": [
            {
                "event": "ev-1",
                "metric": "killed",
                "side": None,
                "group": None,
                "low": 12,
                "best": 17,
                "high": 20,
                "agreed": False,
                "independent_sources": 3,
                "latest": {
                    "value": 17,
                    "as_of": "2025-03-05",
                    "claimant": "health ministry",
                    "document": "post.txt",
                    "start": 10,
                    "end": 14,
                },
                "values": [
                    _value("wire.txt", 12, "council"),
                    _value("copy1.txt", 12, "council"),
                    _value("copy2.txt", 12, "council"),
                    _value("herald.txt", 20, "police", date="2025-03-04"),
                    _value(
                        "post.txt",
                        14,
                        "health ministry",
                        date="2025-03-03",
                        superseded_by={"document": "post.txt", "start": 10},
                    ),
                    _value("post.txt", 17, "health ministry", as_of="2025-03-05"),
                    _value("post.txt", None, "Irena Posk"),
                ],
            },
            {
                "event": "ev-3",
                "metric": "injured",
                "side": None,
                "group": None,
                "low": 2,
                "best": 2,
                "high": 2,
                "agreed": True,
                "independent_sources": 1,
                "latest": None,
                "values": [_value("post.txt", 2, None)],
            },
        ],  # fmt: skip
        "contradictions": [
            {
                "kind": "allegation_denial",
                "event": "ev-2",
                "what": "accusation denied",
                "a": "Officials accused the army of shelling Velgrad.",
                "a_claimants": ["officials"],
                "a_document": "herald.txt",
                "a_start": 0,
                "a_end": 20,
                "b": "The army denied it.",
                "b_claimants": ["army"],
                "b_document": "post.txt",
                "b_start": 30,
                "b_end": 49,
            },
        ],  # fmt: skip
    }


def test_the_overview_lists_each_disputed_event_with_ranges_sources_and_toll() -> None:
    ov = overview(_export())
    assert [e.id for e in ov.events] == ["ev-1", "ev-2"]  # the agreed convoy left out
    shelling = ov.events[0]
    (killed,) = shelling.ranges
    assert (killed.low, killed.best, killed.high, killed.independent_sources) == (12, 17, 20, 3)
    # three wire copies of one claim are one line saying 3 reports; a claim with no value
    # is left out; a superseded value comes after the current ones
    lines = [(c.value, c.claimant, c.reports, c.superseded) for c in killed.claims]
    assert lines[0] == (12, "council", 3, False)
    assert lines[-1] == (14, "health ministry", 1, True)
    assert all(c.value is not None for c in killed.claims)
    assert killed.claims[0].outlets == ["Meridian Wire"]  # the source group names the outlet
    toll = shelling.toll
    assert toll and (toll.value, toll.as_of, toll.previous, toll.previous_date) == (
        17, "2025-03-05", 14, "2025-03-03"
    )  # fmt: skip
    (denial,) = ov.events[1].contradictions
    assert (denial.a_claimants, denial.b_claimants) == (["officials"], ["army"])
    assert denial.a_ref.document == "herald.txt" and denial.b_ref.start == 30


@pytest.mark.parametrize(
    ("filters", "events"),
    [
        ({"event": "ev-2"}, ["ev-2"]),
        ({"metric": "killed"}, ["ev-1"]),  # contradictions carry no metric
        ({"claimant": "army"}, ["ev-2"]),
        ({"claimant": "police"}, ["ev-1"]),
        ({"outlet": "Dornik Herald"}, ["ev-1", "ev-2"]),
        ({"outlet": "Meridian Wire", "claimant": "army"}, []),
        ({"metric": ""}, ["ev-1", "ev-2"]),  # an empty filter is no filter
    ],
)
def test_filters_keep_what_they_name(filters: dict[str, str], events: list[str]) -> None:
    ov = overview(_export(), filters)
    assert [e.id for e in ov.events] == events
    assert ov.options["metric"] == ["injured", "killed"]
    assert "Meridian Wire" in ov.options["outlet"]


def test_the_overview_is_bounded_with_a_count() -> None:
    ov = overview(_export(), limit=1)
    assert len(ov.events) == 1 and ov.total_events == 2


def test_copies_fold_into_their_first_report() -> None:
    groups = copy_groups(_export(), ["copy1.txt", "herald.txt", "wire.txt", "copy2.txt"])
    assert groups == [("copy1.txt", ["wire.txt", "copy2.txt"]), ("herald.txt", [])]
    claims = fold_claims(_export()["discrepancies"][0]["values"])
    assert sum(c.reports for c in claims) == 6 and len(claims) == 4


def test_plain_wording() -> None:
    assert count_noun(1, "women") == "1 woman"
    assert count_noun(1, "children") == "1 child"
    assert count_noun(3, "women") == "3 women"
    assert [is_pronoun(w) for w in ("I", "We", "he", "Irena Posk")] == [True] * 3 + [False]
    text = "Headline\n\nVELGRAD, Valdoria (Meridian Wire) - Guns fired on Monday.\n"
    assert dateline_outlet(text) == "Meridian Wire"
    assert dateline_outlet("DORNIK - Guns fired on Monday.\n") == ""


def test_the_report_opens_on_the_disagreements_and_draws_the_time_axis(
    examples_db: Path,
) -> None:
    from parallax.export import build_export
    from parallax.store import Store

    with Store(examples_db) as store:
        export = build_export(store, corrected=True)
    page = to_html(export)
    assert page.index('id="disagreements"') < page.index('id="summary"')
    section = page[page.index('id="disagreements"') : page.index('id="summary"')]
    assert "Latest toll:" in section and "allegation denial" in section
    # every claim links to its report's section, which exists
    anchors = set(re.findall(r'href="#(doc-\d+)"', section))
    assert anchors and all(f'id="{a}"' in page for a in anchors)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="time-axis"' in page
    assert "<ol>" not in page[page.index('id="timeline"') :][:2000]
    assert "1 women" not in page
    assert to_markdown(export)  # the markdown report still renders


def test_the_server_answers_where_the_sources_disagree(examples_db: Path, tmp_path: Path) -> None:
    c = client(copy_db(examples_db, tmp_path / "w.db"))
    first = c.get("/").text
    assert first.index("Where the sources disagree") < first.index("<h1>Corpus</h1>")
    assert 'id="filters"' in first and "Latest toll:" in first
    assert "somewhere" not in first
    speakers = first[first.index('id="speakers"') :]
    assert not re.search(r">(I|We|he|She)</a>", speakers)
    links = re.findall(r'href="(/document/\d+\?at=\d+-\d+[^"]*)"', first)
    assert links
    doc_page = c.get(links[0].replace("&amp;", "&")).text
    assert re.search(r'<mark class="hl[^"]*k-sentence', doc_page)  # the linked span, marked
    filtered = c.get("/", params={"claimant": "Valdorian defence ministry"}).text
    section = filtered[filtered.index('id="disagreements"') : filtered.index("<h1>Corpus</h1>")]
    assert "denied the allegation" in section and "Latest toll" not in section
    nothing = c.get("/", params={"metric": "no such metric"}).text
    assert 'id="no-disagreements"' in nothing
    export = c.get("/api/export").json()
    event = max(export["events"], key=lambda e: len(e["documents"]))
    page = c.get(f"/event/{event['id']}").text
    assert 'class="time-axis"' in page and 'id="legend"' in page
    assert "unknown place" in page or event["location"]
    # the axis the report draws too, the page's own event marked
    assert views.mark_current(views.time_axis_html(export), event["id"]) in page


def test_the_report_folds_syndicated_copies() -> None:
    page = to_html(_export())
    shelling = page[page.index('id="event-1"') :]
    assert "wire.txt (date unknown) and 2 copies" in shelling
    documents = page[page.index('id="documents"') :]
    assert documents.count("<dt>Copy of</dt><dd>wire.txt</dd>") == 2
    # the claims of the first section link to the report sections that exist
    section = page[: page.index('id="summary"')]
    assert all(f'id="{a}"' in page for a in re.findall(r'href="#(doc-\d+)"', section))


def test_summary_is_bounded_whatever_the_corpus_size(capsys: pytest.CaptureFixture[str]) -> None:
    from parallax.cli import SUMMARY_ROWS, print_summary

    export = _export()
    many = SUMMARY_ROWS + 15
    export["events"] = [
        {"id": f"ev-{i}", "label": f"Strike {i}", "date": None, "location": None, "documents": []}
        for i in range(many)
    ]
    rng = export["discrepancies"][0]
    export["discrepancies"] = [
        {**rng, "event": f"ev-{i}", "values": [_value(f"r{k}.txt", k, f"c{k}") for k in range(30)]}
        for i in range(many)
    ]
    export["contradictions"] = [
        {**export["contradictions"][0], "event": f"ev-{i}"} for i in range(many)
    ]
    print_summary(export, 3000, 0, 0, [])
    out = capsys.readouterr().out
    assert "and 15 more figures where sources disagree" in out
    assert "and 15 more contradictions" in out
    assert "and 24 more" in out  # 30 claims of a range: 6 listed
    assert out.count("contradiction:") == SUMMARY_ROWS
