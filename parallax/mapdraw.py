"""One offline SVG map for the report and the server.

The places are drawn over a packaged Natural Earth basemap (parallax/data/basemap.json:
country polygons and admin1 border lines, made by tools/make_basemap.py; no tile server, no
download) with a scale bar in km. Precision is visible: a town is a dot, a region a dashed
ring around an approximate point, a country a diamond with the country's outline drawn
stronger. Labels are placed around their point so that they collide with nothing; a name
that fits nowhere gets a number at its point and is listed under the map, so no place is left
unnamed. Every name is escaped (names come from the reports); the output depends only on the
input, never on the order of the list.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

PRECISIONS = ("town", "region", "country")
FONT = 11  # px, labels
CHAR_W = 6.3  # px per character at FONT: a generous estimate, so that labels do not touch
LINE_H = 14  # px, legend lines
REGION_KM = 25.0  # radius of a region's ring: roughly how far from its point a region reaches
MIN_SPAN_DEG = 0.6  # the smallest latitude span a map shows (about 65 km)
KM_PER_DEG = 111.32

SEA, LAND, BORDER, ADMIN1 = "#dce8f0", "#f6f4ee", "#8a8f96", "#b9bcc2"
COLOURS = {"town": "#b3261e", "region": "#1f5fa8", "country": "#6b4fa0"}


@dataclass(frozen=True)
class MapPlace:
    name: str
    lat: float
    lon: float
    precision: str = "town"  # town | region | country; anything else is drawn as a town
    main: bool = False  # the event's own location: labelled first, drawn larger


EVENT_MAP_WIDTH, EVENT_MAP_HEIGHT = 480, 280  # one size for an event's map, report and server


def event_map(places: Iterable[Any]) -> str:
    """An event's map, as the report and the server both draw it: `places` are the view
    model's places (name, lat, lon, precision, main: parallax.crossdoc.view.event_places)."""
    return svg_map(
        [MapPlace(p.name, p.lat, p.lon, p.precision or "town", p.main) for p in places],
        EVENT_MAP_WIDTH,
        EVENT_MAP_HEIGHT,
    )


# -- the basemap ---------------------------------------------------------------------------
QPoint = tuple[int, int]


def decode(text: str) -> list[QPoint]:
    """The (lon, lat) points, in basemap units, of one delta-encoded polyline string."""
    out: list[QPoint] = []
    vals: list[int] = []
    shift = acc = 0
    for ch in text:
        b = ord(ch) - 63
        acc |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            vals.append(~(acc >> 1) if acc & 1 else acc >> 1)
            shift = acc = 0
    x = y = 0
    for dx, dy in zip(vals[::2], vals[1::2], strict=True):
        x, y = x + dx, y + dy
        out.append((x, y))
    return out


@dataclass(frozen=True)
class _Country:
    name: str
    iso: str
    bbox: tuple[int, int, int, int]
    encoded: tuple[str, ...]


@dataclass(frozen=True)
class _Basemap:
    quantum: float
    tile: int
    countries: tuple[_Country, ...]
    admin1: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def basemap() -> _Basemap:
    raw: dict[str, Any] = json.loads(
        resources.files("parallax.data").joinpath("basemap.json").read_text("utf-8")
    )
    countries = tuple(
        _Country(c["name"], c["iso"], tuple(c["bbox"]), tuple(c["rings"])) for c in raw["countries"]
    )
    admin1 = {k: tuple(v) for k, v in raw["admin1"].items()}
    return _Basemap(float(raw["quantum"]), int(raw["tile"]), countries, admin1)


@lru_cache(maxsize=512)
def _rings(index: int) -> tuple[tuple[QPoint, ...], ...]:
    return tuple(tuple(decode(r)) for r in basemap().countries[index].encoded)


@lru_cache(maxsize=512)
def _tile_lines(key: str) -> tuple[tuple[QPoint, ...], ...]:
    return tuple(tuple(decode(s)) for s in basemap().admin1.get(key, ()))


def _inside(x: float, y: float, ring: Iterable[QPoint]) -> bool:
    pts = list(ring)
    hit = False
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def country_at(lat: float, lon: float) -> str | None:
    """The name of the basemap country containing the point, if any."""
    bm = basemap()
    x, y = lon / bm.quantum, lat / bm.quantum
    for i, c in enumerate(bm.countries):
        x0, y0, x1, y1 = c.bbox
        inside_box = x0 <= x <= x1 and y0 <= y <= y1
        if inside_box and sum(_inside(x, y, r) for r in _rings(i)) % 2:
            return c.name
    return None


# -- geometry on the page ------------------------------------------------------------------
Px = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _clip_polygon(pts: list[Px], box: Box) -> list[Px]:
    """Sutherland-Hodgman against an axis-aligned box."""
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    )
    for keep, cut in edges:
        if not pts:
            break
        out: list[Px] = []
        prev = pts[-1]
        for cur in pts:
            if keep(cur):
                if not keep(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif keep(prev):
                out.append(cut(prev, cur))
            prev = cur
        pts = out
    return pts


def _at_x(a: Px, b: Px, x: float) -> Px:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Px, b: Px, y: float) -> Px:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def _clip_segment(a: Px, b: Px, box: Box) -> tuple[Px, Px] | None:
    """Liang-Barsky."""
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return None
    return (a[0] + lo * dx, a[1] + lo * dy), (a[0] + hi * dx, a[1] + hi * dy)


def _clip_line(pts: list[Px], box: Box) -> list[list[Px]]:
    runs: list[list[Px]] = []
    cur: list[Px] = []
    for a, b in zip(pts, pts[1:], strict=False):
        seg = _clip_segment(a, b, box)
        if seg is None:
            if cur:
                runs.append(cur)
                cur = []
            continue
        if not cur:
            cur = [seg[0]]
        cur.append(seg[1])
        if seg[1] != b:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _thin(pts: list[Px], closed: bool) -> list[Px]:
    """Drop points a pixel or so from the last kept one (the page has no use for them)."""
    out: list[Px] = []
    for p in pts:
        if not out or abs(p[0] - out[-1][0]) + abs(p[1] - out[-1][1]) >= 1.5:
            out.append(p)
    if not closed and len(pts) > 1 and out[-1] != pts[-1]:
        out.append(pts[-1])
    return out


def _path(pts: list[Px], closed: bool) -> str:
    cmd = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts)
    return cmd + "Z" if closed else cmd


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# -- the map -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _View:
    """Equirectangular, longitude scaled by the cosine of the middle latitude."""

    width: int
    height: int
    mid_lat: float
    mid_lon: float
    k: float  # px per degree of latitude
    kx: float

    def px(self, lat: float, lon: float) -> Px:
        return (
            self.width / 2 + (lon - self.mid_lon) * self.k * self.kx,
            self.height / 2 - (lat - self.mid_lat) * self.k,
        )

    def window(self) -> tuple[float, float, float, float]:
        """lon0, lat0, lon1, lat1 shown."""
        half_lon = self.width / 2 / (self.k * self.kx)
        half_lat = self.height / 2 / self.k
        return (
            self.mid_lon - half_lon,
            self.mid_lat - half_lat,
            self.mid_lon + half_lon,
            self.mid_lat + half_lat,
        )


def _fit(places: list[MapPlace], width: int, height: int, pad: int) -> _View:
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    mid_lat = (max(lats) + min(lats)) / 2
    kx = max(math.cos(math.radians(mid_lat)), 0.05)
    ring_deg = REGION_KM / KM_PER_DEG if any(p.precision == "region" for p in places) else 0.0
    span_lat = max(max(lats) - min(lats) + 2 * ring_deg, MIN_SPAN_DEG)
    span_lon = max((max(lons) - min(lons) + 2 * ring_deg / kx) * kx, MIN_SPAN_DEG * 0.8)
    k = min((width - 2 * pad) / span_lon, (height - 2 * pad) / span_lat)
    return _View(width, height, mid_lat, (max(lons) + min(lons)) / 2, k, kx)


def _basemap_svg(view: _View, highlight: set[str]) -> list[str]:
    bm = basemap()
    q = bm.quantum
    lon0, lat0, lon1, lat1 = view.window()
    box: Box = (-2.0, -2.0, view.width + 2.0, view.height + 2.0)
    parts = [f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="0.8" stroke-linejoin="round">']
    for i, c in enumerate(bm.countries):
        x0, y0, x1, y1 = c.bbox
        if x1 * q < lon0 or x0 * q > lon1 or y1 * q < lat0 or y0 * q > lat1:
            continue
        subpaths = []
        for ring in _rings(i):
            pts = [view.px(y * q, x * q) for x, y in ring]
            clipped = _thin(_clip_polygon(pts, box), closed=True)
            if len(clipped) >= 3:
                subpaths.append(_path(clipped, closed=True))
        if subpaths:
            strong = ' stroke="#4a3a78" stroke-width="1.6"' if c.name in highlight else ""
            parts.append(
                f'<path class="country" data-name="{html.escape(c.name)}"{strong} '
                f'd="{"".join(subpaths)}"/>'
            )
    parts.append("</g>")
    tile = bm.tile
    lines = []
    for tx in range(math.floor(lon0 / tile) - 1, math.floor(lon1 / tile) + 1):
        for ty in range(math.floor(lat0 / tile) - 1, math.floor(lat1 / tile) + 1):
            for line in _tile_lines(f"{tx},{ty}"):
                pts = [view.px(y * q, x * q) for x, y in line]
                for run in _clip_line(pts, box):
                    run = _thin(run, closed=False)
                    if len(run) >= 2:
                        lines.append(_path(run, closed=False))
    if lines:
        parts.append(
            f'<path class="admin1" fill="none" stroke="{ADMIN1}" stroke-width="0.7" '
            f'stroke-dasharray="3 2" d="{"".join(sorted(lines))}"/>'
        )
    return parts


def _nice_km(max_km: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not over max_km."""
    if max_km <= 0:
        return 1.0
    base = 10 ** math.floor(math.log10(max_km))
    return max(m * base for m in (1, 2, 5) if m * base <= max_km)


def _km_text(km: float) -> str:
    return f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"


def _scale_bar(view: _View) -> tuple[str, Box]:
    px_per_km = view.k / KM_PER_DEG
    km = _nice_km(view.width / 4 / px_per_km)
    length = km * px_per_km
    x0, y = 8.0, view.height - 10.0
    x1 = x0 + length
    svg = (
        f'<g class="scale-bar" stroke="#333" stroke-width="1.2" fill="none">'
        f'<path d="M{x0:.1f} {y - 4:.1f}V{y:.1f}H{x1:.1f}V{y - 4:.1f}"/></g>'
        f'<text class="scale-label" x="{x1 + 4:.1f}" y="{y:.1f}" font-size="10" '
        f'fill="#333">{_km_text(km)}</text>'
    )
    return svg, (x0 - 2, y - 14, x1 + 4 + 6.0 * len(_km_text(km)), y + 4)


def _radius(place: MapPlace, view: _View) -> float:
    if place.precision == "region":
        return min(max(REGION_KM * view.k / KM_PER_DEG, 8.0), 40.0)
    if place.precision == "country":
        return 7.0
    return 5.0 if place.main else 3.5


def _marker(place: MapPlace, x: float, y: float, r: float) -> str:
    colour = COLOURS.get(place.precision, COLOURS["town"])
    width = 2.2 if place.main else 1.4
    if place.precision == "region":
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.08" '
            f'stroke="{colour}" stroke-width="{width}" stroke-dasharray="4 3"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"/>'
        )
    elif place.precision == "country":
        shape = (
            f'<path d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}'
            f'L{x - r:.1f} {y:.1f}Z" fill="#fff" stroke="{colour}" stroke-width="{width}"/>'
        )
    else:
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" stroke="#fff" '
            f'stroke-width="{width * 0.6:.1f}"/>'
        )
    kind = place.precision if place.precision in PRECISIONS else "town"
    main = " main" if place.main else ""
    tip = f"{place.name} ({kind}, {place.lat:.3f}, {place.lon:.3f})"
    return f'<g class="place {kind}{main}"><title>{html.escape(tip)}</title>{shape}</g>'


def _label_box(
    x: float, y: float, r: float, width: float, where: str, extra: float = 0.0
) -> tuple[Box, Px, str]:
    """The box, anchor point and text-anchor of a label at one side of a point."""
    h, gap = FONT + 2.0, min(r, 6.0) + 3.0 + extra
    if where == "right":
        return (x + gap, y - h / 2, x + gap + width, y + h / 2), (x + gap, y + 4), "start"
    if where == "left":
        return (x - gap - width, y - h / 2, x - gap, y + h / 2), (x - gap, y + 4), "end"
    if where == "above":
        return (x - width / 2, y - gap - h, x + width / 2, y - gap), (x, y - gap - 3), "middle"
    if where == "below":
        return (x - width / 2, y + gap, x + width / 2, y + gap + h), (x, y + gap + h - 3), "middle"
    dx = gap * 0.75
    top = where.startswith("above")
    y0 = y - dx - h if top else y + dx
    if where.endswith("right"):
        return (x + dx, y0, x + dx + width, y0 + h), (x + dx, y0 + h - 3), "start"
    return (x - dx - width, y0, x - dx, y0 + h), (x - dx, y0 + h - 3), "end"


SIDES = (
    "right",
    "left",
    "above",
    "below",
    "above-right",
    "below-right",
    "above-left",
    "below-left",
)


def _text(x: float, y: float, anchor: str, body: str, cls: str) -> str:
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" text-anchor="{anchor}" '
        f'fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">{html.escape(body)}</text>'
    )


def _wrap(items: list[str], width: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for item in items:
        trial = f"{cur} · {item}" if cur else item
        if cur and len(trial) * CHAR_W * 0.9 > width:
            lines.append(cur)
            cur = item
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


def _clean(places: Iterable[MapPlace]) -> list[MapPlace]:
    """Finite coordinates only, one entry per name and point, in a fixed order."""
    seen: dict[tuple[str, float, float], MapPlace] = {}
    for p in places:
        if not (math.isfinite(p.lat) and math.isfinite(p.lon)):
            continue
        lat, lon = max(-85.0, min(85.0, p.lat)), max(-180.0, min(180.0, p.lon))
        key = (p.name, round(lat, 4), round(lon, 4))
        prev = seen.get(key)
        place = MapPlace(p.name, lat, lon, p.precision, p.main or bool(prev and prev.main))
        seen[key] = place
    return sorted(seen.values(), key=lambda p: (not p.main, p.name, p.lat, p.lon, p.precision))


def svg_map(
    places: list[MapPlace], width: int = 360, height: int = 220, pad: int = 28, label: str = ""
) -> str:
    """The places on the basemap, as one standalone <svg> (empty string for no place)."""
    shown = _clean(places)
    if not shown:
        return ""
    return _draw(tuple(shown), width, height, pad, label)


@lru_cache(maxsize=256)
def _draw(shown: tuple[MapPlace, ...], width: int, height: int, pad: int, label: str) -> str:
    """svg_map's drawing, kept for the same places (event pages share their places)."""
    view = _fit(list(shown), width, height, pad)
    countries = {
        name
        for p in shown
        if p.precision == "country" and (name := country_at(p.lat, p.lon)) is not None
    }
    scale_svg, scale_box = _scale_bar(view)
    frame: Box = (2.0, 2.0, width - 2.0, height - 2.0)

    points = [(p, *view.px(p.lat, p.lon), _radius(p, view)) for p in shown]
    # a label must not cover any point (a region's ring is only its centre dot)
    dots: list[Box] = []
    for p, x, y, r in points:
        d = 2.0 if p.precision == "region" else r
        dots.append((x - d, y - d, x + d, y + d))
    taken: list[Box] = [scale_box]
    labels: list[str] = []
    numbered: list[tuple[int, MapPlace]] = []
    for i, (p, x, y, r) in enumerate(points):
        width_px = len(p.name) * CHAR_W + 2
        placed = False
        for side in SIDES:
            box, (tx, ty), anchor = _label_box(x, y, r, width_px, side)
            inside = (
                box[0] >= frame[0]
                and box[1] >= frame[1]
                and box[2] <= frame[2]
                and box[3] <= frame[3]
            )
            others = (d for j, d in enumerate(dots) if j != i)
            if inside and not any(_overlap(box, b) for b in (*taken, *others)):
                taken.append(box)
                labels.append(_text(tx, ty, anchor, p.name, "label"))
                placed = True
                break
        if placed:
            continue
        number = len(numbered) + 1
        numbered.append((number, p))
        tag = str(number)
        tag_box, (tx, ty), anchor = _label_box(x, y, r, len(tag) * CHAR_W + 2, "right")
        spots = ((extra, side) for extra in (0, 8, 16, 24) for side in SIDES)
        for extra, side in spots:
            box, (sx, sy), sa = _label_box(x, y, r, len(tag) * CHAR_W + 2, side, extra)
            if not any(_overlap(box, b) for b in (*taken, *dots)):
                tag_box, (tx, ty), anchor = box, (sx, sy), sa
                break
        taken.append(tag_box)
        labels.append(_text(tx, ty, anchor, tag, "label number"))

    # the key under the map: precision shown, then the numbered names
    kinds = [k for k in PRECISIONS if any(p.precision == k for p in shown)]
    if any(p.precision not in PRECISIONS for p in shown) and "town" not in kinds:
        kinds.insert(0, "town")
    key_text = {"town": "town", "region": f"region (about {REGION_KM:g} km)", "country": "country"}
    legend_lines = _wrap([f"{n}: {p.name}" for n, p in numbered], width - 12)
    foot_h = 8 + LINE_H * (1 + len(legend_lines))
    total_h = height + foot_h

    aria = "Map of " + ", ".join(p.name for p in shown)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{width}" '
        f'height="{total_h}" viewBox="0 0 {width} {total_h}" role="img" '
        f'aria-label="{html.escape(label or aria)}" font-family="sans-serif">',
        f'<rect class="sea" x="0" y="0" width="{width}" height="{height}" fill="{SEA}"/>',
        *_basemap_svg(view, countries),
        *(_marker(p, x, y, r) for p, x, y, r in reversed(points)),
        *labels,
        scale_svg,
        f'<rect x="0" y="{height}" width="{width}" height="{foot_h}" fill="#fff"/>',
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        'stroke="#9aa0a6"/>',
    ]
    # the precision key
    x, y = 8.0, height + 8 + LINE_H - 4
    parts = ['<g class="map-key" font-size="10" fill="#333">']
    for kind in kinds:
        c = COLOURS[kind]
        if kind == "town":
            parts.append(f'<circle cx="{x + 4:.1f}" cy="{y - 4:.1f}" r="3.5" fill="{c}"/>')
        elif kind == "region":
            parts.append(
                f'<circle cx="{x + 4:.1f}" cy="{y - 4:.1f}" r="5" fill="none" stroke="{c}" '
                'stroke-dasharray="3 2"/>'
            )
        else:
            parts.append(
                f'<path d="M{x + 4:.1f} {y - 10:.1f}l5 6l-5 6l-5 -6Z" fill="#fff" stroke="{c}"/>'
            )
        text = key_text[kind]
        parts.append(f'<text x="{x + 13:.1f}" y="{y:.1f}">{html.escape(text)}</text>')
        x += 13 + len(text) * 5.8 + 12
    if x + 80 < width:
        parts.append(
            f'<text x="{width - 6}" y="{y:.1f}" text-anchor="end" fill="#777">Natural Earth</text>'
        )
    parts.append("</g>")
    out += parts
    for n, line in enumerate(legend_lines):
        out.append(
            f'<text class="map-legend" x="8" y="{height + 8 + LINE_H * (n + 2) - 4}" '
            f'font-size="{FONT}" fill="#222">{html.escape(line)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
