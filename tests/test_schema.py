"""The export's JSON Schema (`parallax schema`): every export the tests can make cheaply
validates against it (the examples, a small corpus of invented reports, the examples with
analysts' corrections applied), a broken export does not, and the server's OpenAPI
document types /api/* with it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import GAZETTEER, run_cli
from serve_helpers import client, copy_db

import parallax
from parallax.export import build_export
from parallax.schema import export_schema
from parallax.store import Correction, Store

# Invented: Dornik, Velgrad, Valdoria, Ostravia and the people named do not exist.
REPORTS = [
    """Shelling kills civilians in Dornik

DORNIK, Valdoria, March 3, 2025 - At least 12 people were killed when artillery shells hit \
the central market of Dornik on Monday, the regional governor said.

"The market was full of families," said Mara Kovic, the governor of the region.""",
    """Market strike in Dornik

VELGRAD, March 3, 2025 - Artillery shelling of the market in Dornik on Monday killed 15 \
people, the health ministry said.

Ostravia denied that its forces had shelled the town. "We do not target civilians," said \
Petr Lasko, a spokesman for the Ostravian army.""",
    """Dornik mourns its dead

DORNIK, March 3, 2025 - Fourteen people were killed when artillery shelled the market in \
Dornik on Monday, according to local police. Between 20 and 30 people were injured.""",
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, export: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(export)
    ]


@pytest.fixture(scope="module")
def examples_export(examples_db: Path) -> dict[str, Any]:
    with Store(examples_db) as store:
        return build_export(store)


@pytest.fixture(scope="module")
def corrected_export(examples_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The examples with a corrected figure, a quote, an event mention and a place mention
    marked wrong, and a place mention marked correct."""
    db = copy_db(examples_db, tmp_path_factory.mktemp("corrected") / "corrected.db")
    with Store(db) as store:
        export = build_export(store, corrected=False)
        by_name = {d["name"]: d for d in export["documents"]}
        ranged = next(r for r in export["discrepancies"] if len(r["values"]) > 1)
        claim = ranged["values"][0]
        doc = by_name[claim["document"]]
        quote = next(d for d in export["documents"] if d["quotes"])["quotes"][0]
        quote_doc = next(d for d in export["documents"] if quote in d["quotes"])
        mention = export["events"][0]["mentions"][0]
        place = next(e for e in export["entities"] if len(e["mentions"]) > 1)
        sha = {d["name"]: d["sha256"] for d in export["documents"]}

        def corr(doc_name: str, kind: str, item: dict[str, Any], field: str, value: str):
            return Correction(sha[doc_name], kind, item["start"], item["end"], field, value)

        store.add_correction(
            corr(doc["name"], "figure", claim, "value", str((claim["value"] or 0) + 1000))
        )
        store.add_correction(corr(quote_doc["name"], "quote", quote, "verdict", "wrong"))
        store.add_correction(corr(quote_doc["name"], "quote", quote, "speaker", "Someone"))
        store.add_correction(corr(mention["document"], "event", mention, "verdict", "wrong"))
        first, second = place["mentions"][:2]
        store.add_correction(corr(first["document"], "mention", first, "verdict", "wrong"))
        store.add_correction(corr(second["document"], "mention", second, "verdict", "correct"))
        return build_export(store)


@pytest.fixture(scope="module")
def small_corpus() -> parallax.Analysis:
    return parallax.analyze(REPORTS, gazetteer=[GAZETTEER])


def test_the_schema_is_a_valid_json_schema_of_the_whole_export() -> None:
    schema = export_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for key in ("documents", "events", "discrepancies", "contradictions", "failures"):
        assert key in schema["required"]
    assert {"Quote", "Figure", "Event", "Range", "Claim", "Contradiction"} <= set(schema["$defs"])
    # every field of the records is typed, flat sides of a contradiction included
    claim = schema["$defs"]["Claim"]["properties"]
    assert claim["value"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert "is_share" not in claim  # a field the export does not write
    assert "copy" in claim and "superseded_by" in claim
    contra = schema["$defs"]["Contradiction"]
    assert {"a", "a_claimant", "b_document", "b_end"} <= set(contra["required"])
    figure = schema["$defs"]["Figure"]["properties"]
    assert figure["of_which"]["additionalProperties"] == {"type": "integer"}


def test_the_examples_export_validates(validator, examples_export) -> None:
    assert examples_export["events"] and examples_export["discrepancies"]
    assert errors(validator, examples_export) == []


def test_an_export_with_corrections_applied_validates(validator, corrected_export) -> None:
    rejected = corrected_export["rejected"]
    assert {"event", "mention", "quote"} <= {r["kind"] for r in rejected}
    (quote,) = [r for r in rejected if r["kind"] == "quote"]  # its own kind kept apart
    assert quote.get("corrected") and "speaker" in quote and quote["item_kind"] != "quote"
    assert len(corrected_export["corrections"]) == 6
    assert any(r.get("corrected") for r in corrected_export["discrepancies"])
    assert errors(validator, corrected_export) == []


def test_a_small_corpus_analysed_through_the_api_validates(validator, small_corpus) -> None:
    export = small_corpus.export
    assert len(export["documents"]) == 3 and export["discrepancies"]
    assert errors(validator, export) == []


def test_an_export_with_a_failed_report_validates(validator, script_run) -> None:
    with Store(script_run.db) as store:
        export = build_export(store)
    assert export["failures"] and export["documents"]
    assert errors(validator, export) == []


def test_a_broken_export_does_not_validate(validator, examples_export) -> None:
    broken = copy.deepcopy(examples_export)
    doc = next(d for d in broken["documents"] if d["figures"])
    doc["figures"][0]["value"] = "twelve"
    del broken["events"][0]["date"]
    broken["discrepancies"][0]["values"][0]["qualifier"] = None
    found = errors(validator, broken)
    assert any(e.startswith("documents/") and "'twelve'" in e for e in found), found
    assert any(e.startswith("events/0") and "'date' is a required" in e for e in found), found
    assert any(e.startswith("discrepancies/0/values/0/qualifier") for e in found), found


def test_parallax_schema_prints_and_writes_it(tmp_path: Path) -> None:
    printed = run_cli("schema")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == export_schema()
    out = tmp_path / "export.schema.json"
    written = run_cli("schema", "-o", out)
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_text(encoding="utf-8")) == export_schema()


def test_openapi_types_the_api_with_the_schema(examples_db: Path, tmp_path: Path) -> None:
    db = copy_db(examples_db, tmp_path / "openapi.db")
    with client(db) as http:
        api = http.get("/openapi.json").json()

        def ok_schema(path: str) -> dict[str, Any]:
            return api["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
                "schema"
            ]

        assert ok_schema("/api/export") == {"$ref": "#/components/schemas/Export"}
        assert ok_schema("/api/events")["items"] == {"$ref": "#/components/schemas/Event"}
        assert ok_schema("/api/documents/{doc_id}") == {
            "$ref": "#/components/schemas/DocumentWithText"
        }
        components = api["components"]["schemas"]
        assert set(export_schema()["required"]) <= set(components["Export"]["required"])
        assert "Range" in components and "Claim" in components
        # what the server answers validates against the published schema
        served = http.get("/api/export").json()
    assert served["documents"]
    assert jsonschema.Draft202012Validator(export_schema()).is_valid(served)
