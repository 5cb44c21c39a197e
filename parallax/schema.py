"""The export's JSON Schema (`parallax schema`), generated from the typed records: the
per-report items of `parallax.models` and the cross-document record of
`parallax.crossdoc.record`, each turned into a pydantic model of its exported dict.

Where the export writes a record differently from its dataclass, the difference is
declared here once (a field left out, a key added, a side of a contradiction written flat),
so that every field the records know is typed, and a field added to a record reaches the
schema by itself. Every object also allows keys the schema does not name: the
cross-document records keep keys a stage adds (`record._Keeps`), and the analysts'
corrections mark items with `corrected`, `machine_value` and `review`.

The same models type `/api/*` in the review server's OpenAPI document.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Literal, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from parallax import models
from parallax.crossdoc import record
from parallax.store import Correction

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Open(BaseModel):
    """An exported object: the keys below, typed, and any other key."""

    # the keys a record always writes are required, the others optional, in requests and
    # responses alike (a response schema would otherwise require every key with a default)
    model_config = ConfigDict(extra="allow", json_schema_mode_override="validation")


# dataclass -> the model of its exported dict
_MODELS: dict[type, type[BaseModel]] = {}

Review = Literal["correct", "wrong"]
# what the analysts' corrections add to an item they reviewed (`parallax.export.correct_item`)
REVIEWED: dict[str, Any] = {
    "corrected": (bool, False),
    "machine_value": (dict[str, Any] | None, None),
    "review": (Review | None, None),
}


def _typed(tp: Any) -> Any:
    """`tp` with every dataclass in it replaced by the model of its exported dict."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        # a record nested in another that the export writes as it is (`asdict`)
        return _MODELS.get(tp) or _model(tp, tp.__name__)
    origin, args = get_origin(tp), get_args(tp)
    if origin is None or not args:
        return tp
    subs = tuple(_typed(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        return typing.Union[subs]  # noqa: UP007 (built from a tuple)
    if origin is list:
        return list[subs[0]]  # type: ignore[valid-type]
    if origin is dict:
        return dict[subs[0], subs[1]]  # type: ignore[valid-type]
    return tp


def list_of(model: type[BaseModel]) -> Any:
    """`list[model]` for a model made at run time."""
    return types.GenericAlias(list, (model,))


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return Field(default_factory=f.default_factory)
    return ...  # required: the export always writes it


def _fields(cls: type, only: tuple[str, ...] | None = None, drop: tuple[str, ...] = ()) -> dict:
    """The dataclass's fields as pydantic field definitions (type, default)."""
    hints = get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in drop or (only is not None and f.name not in only):
            continue
        out[f.name] = (_typed(hints[f.name]), _default(f))
    return out


def _unshadowed(fields: dict[str, Any]) -> dict[str, Any]:
    """A key that is also a pydantic model's attribute (`copy`) under another name, with
    the key as its alias (the schema names the key)."""
    out: dict[str, Any] = {}
    for name, (tp, default) in fields.items():
        if not hasattr(BaseModel, name):
            out[name] = (tp, default)
        elif isinstance(default, FieldInfo):
            out[f"{name}_"] = (
                tp,
                Field(default_factory=typing.cast(Any, default.default_factory), alias=name),
            )
        else:
            out[f"{name}_"] = (tp, Field(default, alias=name))
    return out


def _doc(cls: type | None) -> str | None:
    """The docstring of a record, not the signature a dataclass without one gets."""
    if cls is None or cls.__doc__ is None or cls.__doc__.startswith(f"{cls.__name__}("):
        return None
    return cls.__doc__


def _model(
    cls: type | None,
    name: str,
    *,
    only: tuple[str, ...] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, Any] | None = None,
    doc: str | None = None,
    register: bool = True,
) -> type[BaseModel]:
    """The model of the dict the export writes for `cls`: its fields (`only` those, less
    `drop`), plus `add` (name -> (type, default)); registered as `cls`'s model."""
    fields = _fields(cls, only, drop) if cls is not None else {}
    fields.update(add or {})
    description = doc or _doc(cls)
    model = create_model(name, __base__=Open, __doc__=description, **_unshadowed(fields))
    if cls is not None and register:
        _MODELS[cls] = model
    return model


# -- one report (`parallax.export.document_dict`) -------------------------------------------
Quote = _model(
    models.Quote,
    "Quote",
    add={"events": (list[str], ...), **REVIEWED},
    doc=f"{models.Quote.__doc__} `events`: ids of the events its sentence tells.",
)
Figure = _model(
    models.Figure,
    "Figure",
    add=dict(REVIEWED),
    doc=f"{models.Figure.__doc__} `event`: the id of its event in `events`.",
)
TimeExpr = _model(models.TimeExpr, "TimeExpr", drop=("rule",), add=dict(REVIEWED))
Document = _model(
    models.DocumentRecord,
    "Document",
    drop=("text", "mentions", "events"),
    doc="One report as exported: metadata, quotes, figures and times with their offsets "
    "in the report's text (`/api/documents/{id}` adds the `text`).",
)
DocumentWithText = create_model(
    "DocumentWithText",
    __base__=Document,
    __doc__="One report as exported, with its text.",
    text=(str, ...),
)

# -- the cross-document record (`record.Record.to_dict`) ------------------------------------
_model(record.EntityMention, "EntityMention", add={"review": (Review | None, None)})
Entity = _model(record.Entity, "Entity")
SpeakerStatement = _model(
    models.Quote,
    "SpeakerStatement",
    only=("text", "start", "end", "kind", "cue", "speaker_text", "via"),
    add={"document": (str, ...)},
    doc="One statement of a speaker: a quote of one report.",
    register=False,
)
Speaker = _model(
    record.Speaker, "Speaker", add={"statements": (list_of(SpeakerStatement), Field(default=[]))}
)
_model(record.EventMentionRef, "EventMention", add={"review": (Review | None, None)})
Event = _model(record.Event, "Event")
_model(record.Latest, "Latest")
Claim = _model(record.Claim, "Claim", drop=("is_share",))
Range = _model(record.Range, "Range")


def _flat_sides() -> dict[str, Any]:
    """A contradiction's sides as the export writes them: `a`, `a_claimant`, ... `b_end`."""
    out: dict[str, Any] = {}
    for key in ("a", "b"):
        for name, (tp, default) in _fields(record.Side).items():
            out[key if name == "text" else f"{key}_{name}"] = (tp, default)
    return out


# every claimant on each side, kept by the record for contradictions set from accounts
_CLAIMANTS: dict[str, Any] = {
    f"{key}_claimants": (list[str], Field(default=[])) for key in ("a", "b")
}
Events = list_of(Event)  # /api/events
Contradiction = _model(
    record.Contradiction, "Contradiction", drop=("a", "b"), add={**_flat_sides(), **_CLAIMANTS}
)
Agreement = _model(record.Agreement, "Agreement")
Source = _model(record.Source, "Source")
_model(record.FramingUse, "FramingUse")
Framing = _model(record.Framing, "Framing")
Story = _model(
    None, "Story", add={"documents": (list[str], ...)}, doc="Reports of the same events."
)

# -- what the export adds -------------------------------------------------------------------
Failure = _model(
    None,
    "Failure",
    add={"source": (str, ...), "error": (str, ...), "at": (str | None, None)},
    doc="A report that could not be read or analysed.",
)
ExportCorrection = _model(Correction, "ExportCorrection")
Rejected = _model(
    None,
    "Rejected",
    add={
        "document": (str, ...),
        "kind": (Literal["quote", "figure", "time", "event", "mention"], ...),
        # a quote's or time's own kind (direct, date, ...): `parallax.export.rejected_item`
        "item_kind": (str | None, None),
        "start": (int, ...),
        "end": (int, ...),
        "event": (str | None, None),
        "entity": (str | None, None),
    },
    doc="An item an analyst marked wrong, out of the record: the item's own keys, the "
    "report and kind it came from, and for an event or entity mention its owner's id.",
)

# the record's tables under their export names (`Record.to_dict`)
_TABLE_OF_FIELD = {"ranges": "discrepancies"}
_NOT_EXPORTED = ("facts", "documents")  # the per-report facts; `documents` is written apart
_record_hints = get_type_hints(record.Record)
_tables: dict[str, Any] = {
    _TABLE_OF_FIELD.get(f.name, f.name): (_typed(_record_hints[f.name]), ...)
    for f in dataclasses.fields(record.Record)
    if f.name not in _NOT_EXPORTED
}
_tables["stories"] = (list_of(Story), ...)  # the record's lists of names, written as objects
assert set(_tables) == set(record.TABLES), "the schema names every table of the record"

Export = create_model(
    "Export",
    __base__=Open,
    __doc__="The whole record as `parallax export --format json` writes it: every report, "
    "the cross-document record, the failures, and (corrections applied, the default) the "
    "rejected items and the analysts' corrections.",
    generator=(str, ...),
    documents=(list_of(Document), ...),
    **_tables,
    failures=(list_of(Failure), ...),
    rejected=(list_of(Rejected), Field(default=[])),
    corrections=(list_of(ExportCorrection), Field(default=[])),
)


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the export."""
    schema = Export.model_json_schema(mode="validation")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_json() -> str:
    return json.dumps(export_schema(), ensure_ascii=False, indent=1) + "\n"
