"""What the cross-check reads of each report's own text (`TextFeatures`), computed once.

Checking a block again (reports were added to it) links and reconciles its reports anew,
but a report's copy shingles, word 5-grams and their MinHash signature, wire credit,
content words and candidate account clauses depend on its text and outlet alone. The
store keeps them (`Store.save_features`) from the first check of the report's block, so
a later check of the block does only the work between reports. `FEATURES_VERSION` names
how they are computed: stored features of another version are computed again."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from parallax.accounts import account_clauses
from parallax.link import _shingles as copy_shingles
from parallax.link import word_features
from parallax.models import DocumentRecord, TextFeatures
from parallax.reconcile import minhash, shingle_set, wire_credit

FEATURES_VERSION = 1

# a stored row: (copy shingles, shingles, signature) as little-endian 32-bit numbers (all
# below 2**32), the wire credit, the words and the clauses as JSON
Row = tuple[bytes, bytes, bytes, str | None, str, str]


def text_features(d: DocumentRecord) -> TextFeatures:
    shingles = shingle_set(d.text)
    return TextFeatures(
        copy_shingles=copy_shingles(d.text),
        shingles=shingles,
        signature=minhash(shingles),
        wire=wire_credit(d),
        words=dict(word_features(d.text)),
        clauses=tuple(account_clauses(d.text)),
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
        json.dumps(f.clauses, separators=(",", ":")),
    )


def decode(row: Row) -> TextFeatures:
    copies, shingles, signature, wire, words, clauses = row
    return TextFeatures(
        copy_shingles=frozenset(_unpacked(copies)),
        shingles=frozenset(_unpacked(shingles)),
        signature=tuple(_unpacked(signature)),
        wire=wire,
        words=json.loads(words),  # written by `encode`: names to counts
        clauses=tuple((int(a), int(b)) for a, b in json.loads(clauses)),
    )
