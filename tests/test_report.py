"""Tests for the Markdown, HTML and CSV report renderers."""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Any

import pytest

from parallax.report import to_html, to_markdown

SCRIPT = "<script>alert(1)</script>"
ATTR_BREAK = '" onmouseover="x'
IMG = "<img src=x onerror=alert(1)>"


def _export() -> dict[str, Any]:
    """A small invented export: two documents, three events (one undated), one failure."""
    return {
        "generator": "parallax 0.1.0",
        "documents": [
            {
                "id": 1,
                "name": "a.txt",
                "source": "/in/a.txt",
                "format": "text",
                "title": "Shelling hits Velmora",
                "author": "Ana Petrovna",
                "image_credit": "Photo: Lens Agency",
                "outlet": "Northern Courier",
                "url": "https://example.org/a",
                "published": "2031-04-03",
                "published_basis": "given",
                "language": "en",
                "flags": [],
                "quotes": [
                    {
                        "text": "We counted 27 dead",
                        "start": 10,
                        "end": 28,
                        "kind": "direct",
                        "speaker": "Mira Kovac",
                        "speaker_text": "Kovac",
                        "speaker_type": "person",
                        "cue": "said",
                        "via": None,
                        "events": ["ev1"],
                    },
                    {
                        "text": "The talks will resume",
                        "start": 200,
                        "end": 221,
                        "kind": "indirect",
                        "speaker": None,
                        "speaker_text": None,
                        "events": [],
                    },
                ],
                "figures": [
                    {
                        "text": "27 people were killed",
                        "start": 40,
                        "end": 61,
                        "metric": "killed",
                        "value": 27,
                        "qualifier": "exact",
                        "of_which": {"children": 4},
                        "population": None,
                        "claimant": "Health Office",
                        "reportedly": False,
                        "event": "ev1",
                    },
                    {
                        "text": "at least 2 civilians",
                        "start": 70,
                        "end": 90,
                        "metric": "killed",
                        "value": 2,
                        "qualifier": "at_least",
                        "of_which": {},
                        "population": "civilians",
                        "claimant": None,
                        "reportedly": True,
                        "event": "ev1",
                    },
                ],
                "times": [
                    {
                        "text": "on Monday",
                        "start": 5,
                        "end": 14,
                        "kind": "date",
                        "value": "2031-04-01",
                        "approximate": False,
                    }
                ],
            },
            {
                "id": 2,
                "name": "b.txt",
                "source": "/in/b.txt",
                "format": "text",
                "title": None,
                "author": None,
                "image_credit": None,
                "outlet": None,
                "url": None,
                "published": None,
                "published_basis": None,
                "language": "fr",
                "flags": ["not_english"],
                "quotes": [
                    {
                        "text": "Nobody was targeted",
                        "start": 3,
                        "end": 22,
                        "kind": "direct",
                        "speaker": "Defence Ministry",
                        "cue": "denied",
                        "events": ["ev1"],
                    }
                ],
                "figures": [
                    {
                        "text": "25 killed",
                        "start": 30,
                        "end": 39,
                        "metric": "killed",
                        "value": 25,
                        "qualifier": "about",
                        "claimant": "Red Crescent",
                        "reportedly": False,
                        "event": "ev1",
                    }
                ],
                "times": [],
            },
        ],
        "entities": [],
        "events": [
            {
                "id": "ev1",
                "type": "attack",
                "label": "Attack",
                "date": "2031-04-01",
                "date_precision": "day",
                "location": "Velmora",
                "actor": "Eastern Army",
                "target": None,
                "documents": ["a.txt", "b.txt"],
                "mentions": [
                    {
                        "document": "a.txt",
                        "trigger": "shelling",
                        "start": 0,
                        "end": 8,
                        "sentence": "Shelling hit Velmora.",
                    }
                ],
            },
            {
                "id": "ev2",
                "type": "displacement",
                "label": "Displacement",
                "date": None,
                "date_precision": None,
                "location": "Korin Valley",
                "documents": ["b.txt"],
                "mentions": [],
            },
            {
                "id": "ev3",
                "type": "ceasefire",
                "label": "Ceasefire",
                "date": "2031-03-28",
                "date_precision": "day",
                "location": None,
                "documents": ["a.txt"],
                "mentions": [],
            },
        ],
        "discrepancies": [
            {
                "event": "ev1",
                "metric": "killed",
                "low": 2,
                "best": 25,
                "high": 27,
                "agreed": False,
                "values": [
                    {
                        "value": 27,
                        "qualifier": "exact",
                        "claimant": "Health Office",
                        "reportedly": False,
                        "document": "a.txt",
                        "text": "27 people were killed",
                    },
                    {
                        "value": 25,
                        "qualifier": "about",
                        "claimant": "Red Crescent",
                        "reportedly": False,
                        "document": "b.txt",
                        "text": "25 killed",
                    },
                    {
                        "value": 2,
                        "qualifier": "at_least",
                        "claimant": None,
                        "reportedly": True,
                        "document": "a.txt",
                        "text": "at least 2 civilians",
                    },
                ],
            }
        ],
        "contradictions": [
            {
                "event": "ev1",
                "a": "troops shelled the market",
                "b": "nobody was targeted",
                "a_claimant": "Mira Kovac",
                "b_claimant": "Defence Ministry",
                "a_document": "a.txt",
                "b_document": "b.txt",
                "kind": "allegation_denial",
            }
        ],
        "agreements": [
            {"event": "ev1", "what": "shelling in Velmora", "documents": ["a.txt", "b.txt"]}
        ],
        "failures": [{"source": "/in/x.bin", "error": "binary file, not a report: /in/x.bin"}],
    }


def _hostile_export() -> dict[str, Any]:
    """The sample export with hostile strings in quote text, outlet and other fields."""
    export = _export()
    doc_a = export["documents"][0]
    doc_a["outlet"] = IMG
    doc_a["title"] = "[click](javascript:alert(1)) ![x](http://evil/x.png)"
    doc_a["quotes"][0]["text"] = SCRIPT
    doc_a["quotes"][0]["speaker"] = ATTR_BREAK
    doc_a["figures"][0]["claimant"] = "Office | of <b>health</b>"
    export["events"][0]["location"] = ATTR_BREAK + IMG
    return export


class _TagChecker(HTMLParser):
    """Tracks open tags and records every start tag with its attributes."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.starts: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, attrs))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def _event_sections(page: str) -> list[str]:
    """The HTML of each event section, in page order."""
    return [part.split("</section>")[0] for part in page.split('<section class="event"')[1:]]


# ---------------------------------------------------------------------------- markdown


def test_markdown_events_in_date_order_with_undated_last() -> None:
    md = to_markdown(_export())
    headings = [line for line in md.splitlines() if line.startswith("### ")]
    event_headings = headings[:3]
    assert event_headings == [
        "### Ceasefire · 2031-03-28 (day)",
        "### Attack · 2031-04-01 (day) · Velmora",
        "### Displacement · undated · Korin Valley",
    ]


def test_markdown_summary_and_timeline() -> None:
    md = to_markdown(_export())
    assert "2 documents, 3 events, 3 figures, 3 quotes, 1 discrepancy, 1 contradiction" in md
    timeline = md.split("## Timeline")[1].split("## Events")[0]
    lines = [line for line in timeline.splitlines() if line.startswith("- ")]
    assert lines == [
        "- 2031-03-28 (day) — Ceasefire (1 source)",
        "- 2031-04-01 (day) — Attack · Velmora (2 sources)",
        "- undated — Displacement · Korin Valley (1 source)",
    ]


def test_markdown_figure_table_rows_and_range() -> None:
    md = to_markdown(_export())
    assert "| 27, of which 4 children | Health Office | a.txt | 27 people were killed |" in md
    assert "| at least 2 civilians | unnamed (reportedly) | a.txt | at least 2 civilians |" in md
    assert "| about 25 | Red Crescent | b.txt | 25 killed |" in md
    assert "Range: low 2 · best 25 · high 27" in md


def test_markdown_sources_quotes_disagreements_agreements() -> None:
    md = to_markdown(_export())
    attack = md.split("### Attack")[1].split("### Displacement")[0]
    assert "**Sources:** Northern Courier (a.txt, 2031-04-03); b.txt (date unknown)" in attack
    assert "##### Northern Courier (a.txt, 2031-04-03)" in attack
    assert "- “We counted 27 dead” — Mira Kovac (said)" in attack
    assert "- “Nobody was targeted” — Defence Ministry (denied)" in attack
    assert "killed: 27 (Health Office, a.txt); about 25 (Red Crescent, b.txt)" in attack
    assert (
        "allegation denial: “troops shelled the market” (Mira Kovac, a.txt) vs "
        "“nobody was targeted” (Defence Ministry, b.txt)" in attack
    )
    assert "- shelling in Velmora (a.txt, b.txt)" in attack
    # the quote linked to no event is not shown under the attack
    assert "The talks will resume" not in attack


def test_markdown_agreed_discrepancy_is_not_a_disagreement() -> None:
    export = _export()
    disc = export["discrepancies"][0]
    disc["values"] = [dict(disc["values"][0]), dict(disc["values"][0], document="b.txt")]
    disc.update(low=27, best=27, high=27, agreed=True)
    attack = to_markdown(export).split("### Attack")[1].split("### Displacement")[0]
    assert "killed: 27" not in attack
    assert "Range: low 27 · best 27 · high 27 (values agree)" in attack
    assert "allegation denial" in attack  # the contradiction is still listed


def test_markdown_documents_failures_and_flags() -> None:
    md = to_markdown(_export())
    docs = md.split("## Documents")[1]
    assert "- **Image credit:** Photo: Lens Agency" in docs
    assert "- **Published:** 2031-04-03 (given)" in docs
    assert "- **Flags:** not\\_english" in docs
    assert "- “The talks will resume” — unattributed \\[indirect\\]" in docs
    problems = md.split("## Failed or flagged")[1]
    assert "- /in/x.bin: binary file, not a report: /in/x.bin" in problems
    assert "- b.txt: not\\_english" in problems


def test_markdown_neutralises_html_and_links() -> None:
    md = to_markdown(_hostile_export())
    assert "<script" not in md
    assert "<img" not in md
    assert "<b>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "[click](javascript:" not in md
    assert "![x](http" not in md
    assert "\\[click\\](javascript:alert(1))" in md
    assert "Office \\| of &lt;b&gt;health&lt;/b&gt;" in md


def test_markdown_renders_without_injected_html() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = to_markdown(_hostile_export())
    rendered = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    checker = _parse(rendered)
    tags = {tag for tag, _ in checker.starts}
    assert not tags & {"script", "img", "a", "b"}
    assert "<table>" in rendered  # the figure tables still render as tables
    assert SCRIPT in "".join(checker.text)  # shown as text, not run


# -------------------------------------------------------------------------------- html


def test_html_structure_balances() -> None:
    page = to_html(_export())
    assert page.startswith("<!DOCTYPE html>")
    checker = _parse(page)
    assert checker.errors == []
    assert checker.stack == []
    tags = [tag for tag, _ in checker.starts]
    for tag in ("html", "head", "body", "main", "section", "table", "div", "ul"):
        assert tag in tags
    assert tags.count("html") == 1 and tags.count("body") == 1


def test_html_is_self_contained() -> None:
    checker = _parse(to_html(_export()))
    tags = {tag for tag, _ in checker.starts}
    assert not tags & {"script", "link", "img", "iframe", "object"}
    for _, attrs in checker.starts:
        for name, value in attrs:
            assert name != "src"
            if name == "href":
                assert (value or "").startswith("#")


def test_html_escapes_hostile_strings() -> None:
    page = to_html(_hostile_export())
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot; onmouseover=&quot;x" in page
    assert '" onmouseover="x' not in page
    checker = _parse(page)
    assert checker.errors == [] and checker.stack == []
    tags = {tag for tag, _ in checker.starts}
    assert not tags & {"script", "img", "b"}
    names = {name for _, attrs in checker.starts for name, _ in attrs}
    assert not {"onmouseover", "onerror"} & names


def test_html_one_column_per_source_document() -> None:
    sections = _event_sections(to_html(_export()))
    assert len(sections) == 3
    ceasefire, attack, displacement = sections
    assert "Ceasefire" in ceasefire and "Attack" in attack and "Displacement" in displacement
    assert attack.count('class="source-col"') == 2
    assert "repeat(2," in attack
    assert ceasefire.count('class="source-col"') == 1
    first, second = attack.split('class="source-col"')[1:]
    assert "We counted 27 dead" in first and "Nobody was targeted" not in first
    assert "Nobody was targeted" in second


def test_html_shows_figures_range_and_unnamed() -> None:
    attack = _event_sections(to_html(_export()))[1]
    assert "<td>unnamed (reportedly)</td>" in attack
    assert "<td>Health Office</td>" in attack
    assert "Range: low 2 · best 25 · high 27" in attack


# ------------------------------------------------------------------------------- empty


@pytest.mark.parametrize("export", [{"documents": []}, {}])
def test_empty_export_renders(export: dict[str, Any]) -> None:
    md = to_markdown(export)
    assert "0 documents, 0 events, 0 figures, 0 quotes, 0 discrepancies" in md
    page = to_html(export)
    checker = _parse(page)
    assert checker.errors == [] and checker.stack == []
    assert "No events." in page


def test_nulls_and_missing_keys_render() -> None:
    export = copy.deepcopy(_export())
    export["events"].append({"id": "ev9"})
    export["documents"].append({"quotes": None, "figures": [{"value": None}], "times": None})
    export["discrepancies"].append({"event": None, "metric": "injured", "values": None})
    md = to_markdown(export)
    assert "### Event · undated" in md
    assert "## Not linked to an event" in md
    checker = _parse(to_html(export))
    assert checker.errors == [] and checker.stack == []


def _timeline(md: str) -> list[str]:
    section = md.split("## Timeline")[1].split("## Events")[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_timeline_in_calendar_order_across_precisions() -> None:
    export = _export()
    ev = export["events"][0]
    dated = [
        ("2031-W13", "week"),  # Monday 2031-03-24
        ("2031-03", "month"),
        ("2031-03-25", "day"),
        ("2030", "year"),
    ]
    export["events"] = [
        {**ev, "id": f"w{i}", "date": date, "date_precision": precision}
        for i, (date, precision) in enumerate(dated)
    ]
    whens = [line.split(" — ")[0] for line in _timeline(to_markdown(export))]
    assert whens == [
        "- 2030 (year)",
        "- 2031-03 (month)",
        "- 2031-W13 (week)",
        "- 2031-03-25 (day)",
    ]


def test_undated_event_says_when_it_was_reported() -> None:
    export = _export()
    for doc in export["documents"]:
        doc["published"] = "2031-04-05" if doc["name"] == "b.txt" else doc.get("published")
    lines = _timeline(to_markdown(export))
    assert lines[-1] == "- undated, reported by 2031-04-05 — Displacement · Korin Valley (1 source)"


def test_a_rising_toll_states_its_latest_update() -> None:
    export = _export()
    export["discrepancies"][0]["latest"] = {
        "value": 27,
        "as_of": "2031-04-03",
        "claimant": "Health Office",
        "document": "a.txt",
        "start": 0,
        "end": 5,
    }
    md = to_markdown(export)
    assert "latest update 27 as of 2031-04-03 (Health Office, a.txt)" in md
    assert "latest update" not in to_markdown(_export())


def test_map_labels_stay_inside_the_frame() -> None:
    import re

    from parallax.crossdoc.view import Place as _Place
    from parallax.report import MAP_WIDTH, svg_map

    svg = svg_map([_Place("Corvenia", 47.0, 21.0, "town"), _Place("<script>", 47.3, 21.6, "town")])
    xs = [float(x) for x in re.findall(r'<text class="label"[^>]* x="([\d.-]+)"', svg)]
    assert len(xs) == 2 and all(0 <= x <= MAP_WIDTH for x in xs)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_figure_says_its_side_and_whether_it_updates_a_toll() -> None:
    from parallax.report import _figure_phrase

    fig = {"value": 17, "qualifier": "exact", "population": "soldiers", "side": "Valdoria"}
    assert _figure_phrase(fig) == "17 soldiers (Valdoria side)"
    fig = {"value": 170, "qualifier": "exact", "update": True, "previous": 25}
    assert _figure_phrase(fig | {"as_of": "2025-03-05"}) == (
        "170 (updated toll from 25 as of 2025-03-05)"
    )
    assert _figure_phrase({"value": 3, "qualifier": "exact", "update": False}) == "3"
