"""One time axis for the report and the server: the crisis's events and toll updates placed
on their dates, with the date's precision visible.

A day is a point, a week, a month or a year a band over the whole period it may be (so that
"in March" never reads as "on 1 March"), and undated items are listed apart under the axis,
never placed on a guessed date. Items are ordered by date (the start of their period), then
by label; items are stacked in rows so that no label covers another. The output is one HTML
fragment (an inline <svg> and a list), every text escaped, the same for the same items.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PRECISIONS = ("day", "week", "month", "year", "undated")
ROW_H = 18
AXIS_H = 28
CHAR_W = 6.0  # px per character at font-size 11
MAX_LABEL = 48  # characters; the full label stays in the tooltip
COLOURS = {"event": "#b3261e", "toll": "#1f5fa8"}


@dataclass(frozen=True)
class TimeItem:
    label: str
    date: str | None  # ISO: 2023-09-19, 2023-W38, 2023-09 or 2023
    precision: str = "day"  # day | week | month | year | undated
    kind: str = "event"  # event | toll (colour only)
    href: str | None = None


@dataclass(frozen=True)
class _Placed:
    item: TimeItem
    start: dt.date
    end: dt.date  # exclusive; start + 1 day for a day


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)


def period(date: str | None, precision: str) -> tuple[dt.date, dt.date] | None:
    """The [start, end) days an ISO date of a given precision may fall on (None: undated).

    A value more precise than its precision is widened (2023-09-19 at month precision is
    September 2023); a value less precise than it is taken at its own precision."""
    if not date or precision == "undated":
        return None
    text = date.strip()
    try:
        if m := _WEEK.match(text):
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + dt.timedelta(days=7)
        if m := _DAY.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            if precision == "week":
                start = day - dt.timedelta(days=day.weekday())
                return start, start + dt.timedelta(days=7)
            if precision == "month":
                first = day.replace(day=1)
                return first, _next_month(first)
            if precision == "year":
                return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)
            return day, day + dt.timedelta(days=1)
        if m := _MONTH.match(text):
            first = dt.date(int(m[1]), int(m[2]), 1)
            if precision == "year":
                return dt.date(first.year, 1, 1), dt.date(first.year + 1, 1, 1)
            return first, _next_month(first)
        if m := _YEAR.match(text):
            year = int(m[1])
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    except ValueError:
        return None
    return None


def order(items: list[TimeItem]) -> tuple[list[_Placed], list[TimeItem]]:
    """Dated items by (start, end, label), and undated ones by label."""
    placed, undated = [], []
    for item in items:
        span = period(item.date, item.precision)
        if span is None:
            undated.append(item)
        else:
            placed.append(_Placed(item, *span))
    placed.sort(key=lambda p: (p.start, p.end, p.item.label, p.item.kind, p.item.href or ""))
    undated.sort(key=lambda i: (i.label, i.kind, i.href or ""))
    return placed, undated


def export_items(
    export: dict[str, Any], href: Callable[[str], str] | None = None
) -> list[TimeItem]:
    """The crisis's events (background history left out) and its toll updates, from an
    export, as axis items; href makes an event's link from its id."""
    out = []
    for ev in export.get("events") or []:
        if not isinstance(ev, dict) or ev.get("background"):
            continue
        date = ev.get("date") if isinstance(ev.get("date"), str) else None
        precision = str(ev.get("date_precision") or "day") if date else "undated"
        label = str(ev.get("label") or ev.get("type") or ev.get("id") or "event")
        link = href(str(ev["id"])) if href and ev.get("id") else None
        out.append(TimeItem(label, date, precision, "event", link))
    seen = set()
    for d in export.get("discrepancies") or []:
        if not isinstance(d, dict):
            continue
        for v in d.get("values") or []:
            when = v.get("as_of") or v.get("date") if isinstance(v, dict) else None
            if not isinstance(v, dict) or not v.get("update") or not isinstance(when, str):
                continue
            who = v.get("claimant") or v.get("document") or "unnamed source"
            label = f"{d.get('metric') or 'toll'} {v.get('value')} ({who})"
            key = (label, when)
            if key not in seen:
                seen.add(key)
                link = href(str(d["event"])) if href and d.get("event") else None
                out.append(TimeItem(label, when, "day", "toll", link))
    return out


def _ticks(lo: dt.date, hi: dt.date) -> tuple[list[dt.date], str]:
    days = (hi - lo).days
    if days <= 21:
        out, d, fmt = [], lo, "%d %b"
        step = 1 if days <= 10 else 2
        while d <= hi:
            out.append(d)
            d += dt.timedelta(days=step)
        return out, fmt
    if days <= 120:
        d = lo - dt.timedelta(days=lo.weekday())
        out = []
        while d <= hi:
            if d >= lo:
                out.append(d)
            d += dt.timedelta(days=7)
        return out, "%d %b"
    if days <= 3 * 366:
        d = lo.replace(day=1)
        out = []
        step = 1 if days <= 400 else 3
        while d <= hi:
            if d >= lo and (d.month - 1) % step == 0:
                out.append(d)
            d = _next_month(d)
        return out, "%b %Y"
    return [dt.date(y, 1, 1) for y in range(lo.year + 1, hi.year + 1)], "%Y"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def time_axis(items: list[TimeItem], width: int = 720, label: str = "Time axis") -> str:
    """The items on one axis as an HTML fragment ('' when there is no item)."""
    placed, undated = order(items)
    if not placed and not undated:
        return ""
    parts = ['<figure class="time-axis">']
    if placed:
        parts.append(_svg(placed, width, label))
    if placed:
        parts.append(
            '<figcaption class="time-axis-key">A dot is a day; a dashed band is a week, a month '
            "or a year named without its day.</figcaption>"
        )
    if undated:
        parts.append('<p class="undated-head">Undated:</p><ul class="undated">')
        for item in undated:
            text = html.escape(item.label)
            if item.href:
                text = f'<a href="{html.escape(item.href)}">{text}</a>'
            parts.append(f'<li class="{html.escape(item.kind)}">{text}</li>')
        parts.append("</ul>")
    parts.append("</figure>")
    return "".join(parts)


def _svg(placed: list[_Placed], width: int, label: str) -> str:
    lo = min(p.start for p in placed)
    hi = max(p.end for p in placed)
    if (hi - lo).days < 2:
        lo, hi = lo - dt.timedelta(days=1), hi + dt.timedelta(days=1)
    left, right = 12.0, width - 12.0
    total = (hi - lo).days

    def x(d: dt.date) -> float:
        return left + (d - lo).days / total * (right - left)

    rows: list[float] = []  # the right end of what each row holds
    drawn = []
    for p in placed:
        x0, x1 = x(p.start), x(p.end)
        point = p.end - p.start <= dt.timedelta(days=1)
        anchor = (x0 + x1) / 2 if point else x0
        text = _short(p.item.label)
        text_w = len(text) * CHAR_W + 10
        # a label that would run off the right edge is drawn to the left of its mark
        flip = anchor + text_w > right
        lo_px = anchor - text_w if flip else min(x0, anchor)
        hi_px = max(x1, anchor) if flip else max(x1, anchor + text_w)
        row = next((i for i, end in enumerate(rows) if end + 4 <= lo_px), None)
        if row is None:
            rows.append(hi_px)
            row = len(rows) - 1
        else:
            rows[row] = hi_px
        drawn.append((p, row, x0, x1, anchor, point, flip, text))

    height = AXIS_H + ROW_H * len(rows) + 6
    axis_y = height - AXIS_H + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="time-axis" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(label)}" font-family="sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#555"/>',
    ]
    ticks, fmt = _ticks(lo, hi)
    for t in ticks:
        tx = x(t)
        side = "end" if tx > right - 20 else "start" if tx < left + 20 else "middle"
        out.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="#555"/>'
            f'<text class="tick" x="{tx:.1f}" y="{axis_y + 16}" text-anchor="{side}" '
            f'fill="#555" font-size="10">{html.escape(t.strftime(fmt))}</text>'
        )
    for p, row, x0, x1, anchor, point, flip, text in drawn:
        y = 6 + ROW_H * row + ROW_H / 2
        colour = COLOURS.get(p.item.kind, COLOURS["event"])
        when = (
            p.start.isoformat()
            if point
            else f"{p.item.precision} {p.start.isoformat()} to "
            f"{(p.end - dt.timedelta(days=1)).isoformat()}"
        )
        tip = html.escape(f"{p.item.label} ({when})")
        precision = p.item.precision if p.item.precision in PRECISIONS else "day"
        if point:
            mark = (
                f'<line x1="{anchor:.1f}" y1="{y:.1f}" x2="{anchor:.1f}" y2="{axis_y}" '
                f'stroke="{colour}" stroke-opacity="0.35"/>'
                f'<circle cx="{anchor:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
            )
        else:
            mark = (
                f'<rect x="{x0:.1f}" y="{y - 5:.1f}" width="{max(x1 - x0, 2):.1f}" height="10" '
                f'rx="3" fill="{colour}" fill-opacity="0.18" stroke="{colour}" '
                'stroke-dasharray="3 2"/>'
            )
        tx = anchor - 7 if flip else anchor + 7
        body = (
            f'<text x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{"end" if flip else "start"}" '
            f'fill="#222">{html.escape(text)}</text>'
        )
        inner = f"<title>{tip}</title>{mark}{body}"
        if p.item.href:
            inner = f'<a href="{html.escape(p.item.href)}">{inner}</a>'
        out.append(f'<g class="item {precision} {html.escape(p.item.kind)}">{inner}</g>')
    out.append("</svg>")
    return "".join(out)
