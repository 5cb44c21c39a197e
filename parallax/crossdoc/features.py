"""What the cross-check reads of each report's own text (`TextFeatures`), computed once.

Checking a block again (reports were added to it) links and reconciles its reports anew,
but a report's copy shingles, word 5-grams and their MinHash signature, wire credit,
content words, the text-only readings of its clauses that may tell an account
(`accounts.readings`) and its uses of contested terms depend on its text and outlet alone. The
store keeps them (`Store.save_features`) from the first check of the report's block, so
a later check of the block does only the work between reports. `FEATURES_VERSION` names
how they are computed (a change to how they are read, or to the lexicons they read,
names a new one): stored features of another version are computed again."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import numpy as np

from parallax.accounts import Reading, readings
from parallax.extract.framing import term_uses
from parallax.link import _shingles as copy_shingles
from parallax.link import word_features
from parallax.models import DocumentRecord, TextFeatures
from parallax.reconcile import minhash, shingle_set, wire_credit

FEATURES_VERSION = 2  # 2: account readings, not only their clauses; term uses

# a stored row: (copy shingles, shingles, signature) as little-endian 32-bit numbers (all
# below 2**32), the wire credit, the words, the account readings and the term uses as JSON
Row = tuple[bytes, bytes, bytes, str | None, str, str, str]


def text_features(d: DocumentRecord) -> TextFeatures:
    shingles = shingle_set(d.text)
    return TextFeatures(
        copy_shingles=copy_shingles(d.text),
        shingles=shingles,
        signature=minhash(shingles),
        wire=wire_credit(d),
        words=dict(word_features(d.text)),
        readings=tuple(readings(d.text)),
        terms=tuple(term_uses(d.text)),
    )


def _packed(numbers: Any) -> bytes:
    return np.asarray(sorted(numbers), dtype="<u4").tobytes()


def _unpacked(data: bytes) -> list[int]:
    return list(np.frombuffer(data, dtype="<u4").tolist())


def encode(f: TextFeatures) -> Row:
    return (
        _packed(f.copy_shingles),
        _packed(f.shingles),
        np.asarray(f.signature, dtype="<u4").tobytes(),
        f.wire,
        json.dumps(f.words, ensure_ascii=False, separators=(",", ":")),
        json.dumps([_reading_row(r) for r in f.readings], separators=(",", ":")),
        json.dumps(f.terms, ensure_ascii=False, separators=(",", ":")),
    )


def decode(row: Row) -> TextFeatures:
    copies, shingles, signature, wire, words, read, terms = row
    return TextFeatures(
        copy_shingles=frozenset(_unpacked(copies)),
        shingles=frozenset(_unpacked(shingles)),
        signature=tuple(_unpacked(signature)),
        wire=wire,
        words=json.loads(words),  # written by `encode`: names to counts
        readings=tuple(_reading(r) for r in json.loads(read)),
        terms=tuple((t, int(a), int(b)) for t, a, b in json.loads(terms)),
    )


def _reading_row(r: Reading) -> list[Any]:
    return [getattr(r, f) for f in READING_FIELDS]


def _pairs(items: list[list[Any]]) -> tuple[tuple[Any, Any], ...]:
    return tuple((a, b) for a, b in items)


def _reading(row: list[Any]) -> Reading:
    """A `Reading` from its JSON row (JSON keeps tuples as lists)."""
    r = dict(zip(READING_FIELDS, row, strict=True))
    r.update({k: _pairs(r[k]) for k in ("agents", "site_windows", "claim_agents")})
    r.update(weapons=tuple(r["weapons"]), numbers=tuple(r["numbers"]))
    r.update(claim=None if r["claim"] is None else (r["claim"][0], r["claim"][1]))
    return Reading(**r)


READING_FIELDS = tuple(f.name for f in fields(Reading))
