"""Blocks: the groups of reports the cross-check compares with one another.

Up to `WHOLE_LIMIT` reports, the corpus is one block and every pair of reports is
compared, as a desk following one crisis expects. Beyond, reports are compared only within
their block: the connected groups of reports joined by

- a copy: one shares at least `COPY_SHARE` of the smaller one's sampled opening shingles
  with the other (a syndicated or updated text; the relation `link.Copies` finds), or
- an incident place: both tell an event of the same kind (not a statement, not a
  campaign) at the same town.

Whether two reports are joined depends on the two reports alone (no corpus statistic), so
adding reports only joins blocks, and the blocks of a corpus are the same whatever order
its reports came in: the incremental cross-check recomputes the blocks the new reports
join and gives what a full re-check gives."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from parallax.extract.events import group_of
from parallax.gazetteer import Gazetteer, fold
from parallax.link import COPY_SHARE, _shingles
from parallax.models import DocumentRecord

WHOLE_LIMIT = 2000  # reports up to which the corpus is one block
WHOLE = "whole"  # the block id of a corpus kept whole


@dataclass(frozen=True)
class BlockKeys:
    """What a report can be joined by: its sampled opening shingles and its incident
    places (`kind|place`)."""

    shingles: frozenset[int]
    places: frozenset[str]

    def rows(self) -> list[str]:
        """As stored: `s<hash>` and `p<kind|place>`."""
        return sorted([f"s{h}" for h in self.shingles] + [f"p{p}" for p in self.places])

    @classmethod
    def from_rows(cls, rows: Iterable[str]) -> BlockKeys:
        shingles, places = set(), set()
        for r in rows:
            if r.startswith("s"):
                shingles.add(int(r[1:]))
            elif r.startswith("p"):
                places.add(r[1:])
        return cls(frozenset(shingles), frozenset(places))


def block_keys(doc: DocumentRecord, gaz: Gazetteer) -> BlockKeys:
    """A report's keys, from the report alone: each event of its own (not a statement,
    not background) with each town its sentence names, geocoded as the cross-check
    geocodes places (by the countries the report itself names)."""
    named = gaz.report_countries(
        [m.canonical for m in doc.mentions if m.kind in ("country", "place")]
    )
    actors = gaz.report_countries([m.canonical for m in doc.mentions if m.kind == "group"])
    events = [e for e in doc.events if e.type != "statement" and not e.background]
    places: set[str] = set()
    for m in doc.mentions:
        if m.kind != "place" or m.context:
            continue
        told = [e for e in events if e.sentence_start <= m.start < e.sentence_end]
        if not told:
            continue
        canonical, precision = m.canonical, m.precision
        if precision is None:  # not geocoded yet (a report not cross-checked)
            place = gaz.resolve(m.canonical, named, actors - named)
            if place is None:
                continue
            canonical, precision = place.canonical, place.kind
        if precision == "town":
            places.update(f"{group_of(e.type)}|{fold(canonical)}" for e in told)
    return BlockKeys(_shingles(doc.text), frozenset(places))


def needed(n: int) -> int:
    """Shingles two reports must share, the smaller having `n`, to be copies."""
    return math.ceil(COPY_SHARE * n - 1e-9)


def copies(a: frozenset[int], b: frozenset[int]) -> bool:
    small = min(len(a), len(b))
    return small > 0 and len(a & b) >= needed(small)


class _Union:
    def __init__(self, items: Iterable[int]) -> None:
        self.parent = {i: i for i in items}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(keys: dict[int, BlockKeys]) -> list[list[int]]:
    """The blocks of the reports given (by id): sorted lists of ids, sorted. Copies are
    found by prefix filtering: a report shares at least one of any
    `n - needed(n) + 1` of its shingles with a copy at least its size, so only the
    reports holding one of its rarest such shingles are compared with it."""
    union = _Union(keys)
    places: dict[str, list[int]] = defaultdict(list)
    postings: dict[int, list[int]] = defaultdict(list)
    for i, k in keys.items():
        for p in k.places:
            places[p].append(i)
        for h in k.shingles:
            postings[h].append(i)
    for ids in places.values():
        for j in ids[1:]:
            union.join(ids[0], j)
    for i, k in keys.items():
        n = len(k.shingles)
        if not n:
            continue
        prefix = sorted(k.shingles, key=lambda h: (len(postings[h]), h))[: n - needed(n) + 1]
        seen: set[int] = set()
        for h in prefix:
            for j in postings[h]:
                if j == i or j in seen or len(keys[j].shingles) < n:
                    continue
                seen.add(j)
                if union.find(i) != union.find(j) and copies(k.shingles, keys[j].shingles):
                    union.join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in sorted(keys):
        groups[union.find(i)].append(i)
    return sorted(groups.values())


def merged(
    new: list[int], touches: dict[int, set[int]], members: dict[str, list[int]]
) -> list[list[int]]:
    """The blocks (as `components` gives them) after new reports join connected old
    ones: each new report joins the new reports and the old blocks it touches
    (`touches`: the stored reports each new one is joined to, see `neighbours`;
    `members`: each old block's reports). An old block is one unit: its own keys need
    not be read."""
    unit = {i: i for i in new}
    for k, b in enumerate(members):
        unit.update((i, -1 - k) for i in members[b])
    union = _Union([*new, *(-1 - k for k in range(len(members)))])
    for i in new:
        for j in touches[i]:
            if j in unit:
                union.join(i, unit[j])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in new:
        groups[union.find(i)].append(i)
    for k, b in enumerate(members):
        groups[union.find(-1 - k)] += members[b]
    return sorted(sorted(g) for g in groups.values())


def neighbours(
    new: BlockKeys, place_docs: Iterable[int], shingle_hits: Counter[int], sizes: dict[int, int]
) -> set[int]:
    """The stored reports a new one joins: those sharing one of its places
    (`place_docs`), and its copies among those sharing shingles with it (`shingle_hits`:
    shared shingles per report; `sizes`: each such report's number of shingles)."""
    out = set(place_docs)
    n = len(new.shingles)
    for j, shared in shingle_hits.items():
        small = min(n, sizes.get(j, 0))
        if small and shared >= needed(small):
            out.add(j)
    return out
