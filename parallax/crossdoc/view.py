"""The one view model of the record: what the analyst's report (`parallax.report`), the
review server (`parallax.serve`) and `parallax summary` show, read from the corrected
export (`parallax.export.build_export`, where every kind of correction is applied once),
so that the three never compute a part of the record differently: an event's figures
and contradictions, its framing, the places it happened (its own mentions' locations,
which every map draws), the figures where sources disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Place:
    """A geocoded place as maps and lists show it."""

    name: str
    lat: float
    lon: float
    precision: str
    main: bool = False  # the event's own location (the map marks it)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# -- places -------------------------------------------------------------------------------


def _location_spans(event: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(document, start, end) of the place each of the event's mentions names."""
    out = []
    for m in _dicts(event.get("mentions")):
        span = (m.get("spans") or {}).get("location")
        if isinstance(span, list) and len(span) == 2:
            out.append((_text(m.get("document")), int(span[0]), int(span[1])))
    return out


def event_place_entities(
    event: dict[str, Any], entities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The geocoded entities where the event happened: its location and the place each
    of its mentions names (not every place its reports name elsewhere), by name."""
    spans = _location_spans(event)
    location = _text(event.get("location"))
    out: dict[str, dict[str, Any]] = {}
    for ent in entities:
        lat, lon = ent.get("lat"), ent.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            continue
        name = _text(ent.get("canonical"))
        own = any(
            doc == _text(m.get("document")) and a <= int(m.get("start") or -1) < b
            for m in _dicts(ent.get("mentions"))
            for doc, a, b in spans
        )
        if (location and name == location) or own:
            out.setdefault(name, ent)
    return [out[name] for name in sorted(out)]


def event_places(event: dict[str, Any], entities: list[dict[str, Any]]) -> list[Place]:
    """`event_place_entities` as places."""
    location = _text(event.get("location"))
    return [
        Place(
            _text(e.get("canonical")),
            float(e["lat"]),
            float(e["lon"]),
            _text(e.get("precision")),
            bool(location) and _text(e.get("canonical")) == location,
        )
        for e in event_place_entities(event, entities)
    ]


# -- framing ------------------------------------------------------------------------------


def _framing_use(use: dict[str, Any]) -> str:
    who = _text(use.get("user")) or "the report's own words"
    how = _text(use.get("how")).replace("_", " ")
    distance = f", distanced ({how})" if use.get("distanced") else f", {how}" if how else ""
    return f"“{_text(use.get('text'))}” ({who}, {_text(use.get('document'))}{distance})"


def framing_lines(framing: list[dict[str, Any]], event_id: str | None = None) -> list[str]:
    """Contested terms used around the event (with None, every use), one line per term:
    'genocide [one side only: X]: “genocidal” (X, a.txt); ...'."""
    out = []
    for term in _dicts(framing):
        uses = [
            u
            for u in _dicts(term.get("uses"))
            if event_id is None or _text(u.get("event")) == event_id
        ]
        if not uses:
            continue
        users = [_text(u) for u in term.get("users") or []]
        side = f" [one side only: {users[0]}]" if term.get("one_sided") and users else ""
        out.append(f"{_text(term.get('term'))}{side}: " + "; ".join(_framing_use(u) for u in uses))
    return out


# -- the view -----------------------------------------------------------------------------


class View:
    """The corrected export, looked up as every renderer needs it."""

    def __init__(self, export: dict[str, Any]) -> None:
        self.export = export
        self.events = _dicts(export.get("events"))
        self.ranges = _dicts(export.get("discrepancies"))
        self.contradictions = _dicts(export.get("contradictions"))
        self.entities = _dicts(export.get("entities"))
        self.framing = _dicts(export.get("framing"))
        self._by_id = {_text(e.get("id")): e for e in self.events}

    def timeline(self) -> list[dict[str, Any]]:
        """Events in date order, undated last."""
        return sorted(self.events, key=lambda e: (e.get("date") is None, e.get("date") or ""))

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its figure ranges and contradictions (corrections applied)."""
        event = self._by_id.get(event_id)
        if event is None:
            return None
        return {
            **event,
            "figures": [x for x in self.ranges if x.get("event") == event_id],
            "contradictions": [c for c in self.contradictions if c.get("event") == event_id],
        }

    def event_framing(self, event_id: str | None) -> list[str]:
        return framing_lines(self.framing, event_id)

    def places(self, event: dict[str, Any]) -> list[Place]:
        return event_places(event, self.entities)

    def place_entities(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        return event_place_entities(event, self.entities)

    def disagreements(self) -> list[dict[str, Any]]:
        """The ranges whose claims differ."""
        return [d for d in self.ranges if not d.get("agreed")]
