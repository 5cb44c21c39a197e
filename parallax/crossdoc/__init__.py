"""The cross-document stage: reads the reports' extraction records and returns the typed
record (events, entities, speakers, claims and their ranges, contradictions, independent
sources), never changing a report. `cross_check` is the entry point; `view` is what
every renderer reads."""

from parallax.crossdoc.record import Record
from parallax.crossdoc.stage import cross_check

__all__ = ["Record", "cross_check"]
