"""Every spaCy extension attribute Parallax's components set, registered in one place.

Each component module imports this one, so that any single component can be added to a
pipeline of its own (`nlp.add_pipe("parallax_figures")` on the stock model or on
`spacy.blank("en")`) without another Parallax module having registered what it reads.

Doc extensions hold Parallax's typed records (dataclasses of `parallax.models`); the
plain-JSON form of the same output is the `Doc.spans` groups of `parallax.spans`, read
through the Span extension `span._.parallax`. So that `DocBin(store_user_data=True)`
can save a document the components ran on, the records in `Doc.user_data` are packed by
an encoder registered with srsly's msgpack (and unpacked back into the same dataclasses);
the mention index `doc._.entities`, which holds the document itself, is saved as None.
"""

from __future__ import annotations

import dataclasses
import importlib
import weakref
from typing import Any

import srsly.msgpack
from spacy.tokens import Doc, Span

# name -> what it holds (documentation of the attributes, read by the README's table)
DOC_EXTENSIONS = {
    "header": "parallax.extract.metadata.Header: title, credit, byline lines and body start",
    "times": "list[TimeExpr]: time expressions (parallax_times)",
    "quotes": "list[Quote]: statements with their speakers (parallax_quotes)",
    "entities": "DocEntities: the mention index speakers are resolved with (parallax_quotes)",
    "figures": "list[Figure]: casualty and other counts with claimants (parallax_figures)",
    "mentions": "list[Mention]: named mentions, canonicalised (parallax_events)",
    "events": "list[EventMention]: events as sentences describe them (parallax_events)",
    "framing": "list[FramingUse]: contested terms and who uses them (parallax_framing)",
}
SPAN_EXTENSION = "parallax"  # span._.parallax: the plain-JSON attributes of a group's span


def span_attributes(span: Span) -> dict[str, Any] | None:
    """The attributes of a span of one of Parallax's span groups (None for another span):
    stored in the group's `attrs`, keyed by the span's id ("parallax_figures/3")."""
    from parallax.spans import attributes_of

    return attributes_of(span)


def register() -> None:
    """Registers the extensions (again only where missing: importing twice is harmless)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension(SPAN_EXTENSION):
        Span.set_extension(SPAN_EXTENSION, getter=span_attributes)


# -- a document's text, built once ----------------------------------------------------

# spaCy's `Doc.text` joins every token's text each time it is read (a thousand token
# objects made for one report); the components read it many times per document.
_TEXTS: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per document and kept while the document lives (a
    document's text never changes: retokenizing merges or splits tokens, not characters)."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> Doc:
    """Record `text` as `doc`'s text (the tokenizer's input, which is the same string), so
    that `doc_text` never builds it."""
    _TEXTS[doc] = text
    return doc


# -- Doc.user_data through msgpack (DocBin(store_user_data=True), Doc.to_bytes) ------

MARK = "__parallax__"
# Runtime indexes that hold the document itself: saved as None, rebuilt by the component.
RUNTIME_ONLY = {"parallax.extract.entities.DocEntities"}


def _qualified(obj: object) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def encode_record(obj: Any, chain: Any = None) -> Any:
    """msgpack encoder: a Parallax dataclass as {MARK: class, "fields": {...}}."""
    name = _qualified(obj)
    if name.startswith("parallax."):
        if name in RUNTIME_ONLY:
            return None
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
            return {MARK: name, "fields": fields}
    return obj if chain is None else chain(obj)


def decode_record(obj: Any, chain: Any = None) -> Any:
    """msgpack decoder: the dataclass `encode_record` packed (only Parallax's own classes
    are imported)."""
    if isinstance(obj, dict) and isinstance(obj.get(MARK), str) and "fields" in obj:
        module, _, qualname = obj[MARK].rpartition(".")
        if module.startswith("parallax."):
            cls = getattr(importlib.import_module(module), qualname, None)
            if isinstance(cls, type) and dataclasses.is_dataclass(cls):
                return cls(**dict(obj["fields"]))
    return obj if chain is None else chain(obj)


def register_codec() -> None:
    if "parallax" not in srsly.msgpack.msgpack_encoders.get_all():
        srsly.msgpack.msgpack_encoders.register("parallax", func=encode_record)
        srsly.msgpack.msgpack_decoders.register("parallax", func=decode_record)


register()
register_codec()
