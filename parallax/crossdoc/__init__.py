"""The cross-document stage: reads the reports' extraction records and returns the typed
record (events, entities, speakers, claims and their ranges, contradictions, independent
sources), never changing a report. `cross_check` is the entry point; `view` is what
every renderer reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.crossdoc.record import Record

if TYPE_CHECKING:
    from parallax.crossdoc.stage import cross_check

__all__ = ["Record", "cross_check"]


def __getattr__(name: str) -> Any:
    # the stage (linking, reconciling) is imported when first used, not by every reader
    # of the record (the store, the export, the server)
    if name == "cross_check":
        from parallax.crossdoc.stage import cross_check

        return cross_check
    raise AttributeError(name)
