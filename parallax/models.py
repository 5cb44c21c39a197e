"""Records that flow through the pipeline: ingest -> extract -> link -> reconcile.

Every extracted item carries the character offsets (`start`, `end`) of its span in the
document text as ingested; the document id travels with the document record.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parallax.accounts import Reading


@dataclass
class RawDocument:
    """A report as read from disk, a feed line or a page, before any NLP."""

    name: str  # basename of the input (or the `name` field of a JSON Lines record)
    text: str  # the article text that every offset refers to
    source: str  # path or URL it came from
    format: str  # text | markdown | html | jsonl | feed | pdf
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date given by the input's metadata
    line: int | None = None  # line number in a JSON Lines file
    flags: list[str] = field(default_factory=list)  # e.g. bytes_replaced (see ingest)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Quote:
    """A statement: direct, indirect, partial or block quote, with its speaker mention."""

    text: str
    start: int
    end: int
    kind: str  # direct | indirect | partial | block
    speaker: str | None = None  # resolved name ("Ilham Aliyev")
    speaker_text: str | None = None  # the mention the attribution hangs on ("he")
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_type: str | None = None  # person | organization | place | group | None
    cue: str | None = None  # the attribution verb or phrase ("said", "according to")
    via: str | None = None  # who relayed it ("BBC")
    speaker_role: str | None = None  # "Secretary of State", kept apart from the name
    speaker_affiliation: str | None = None  # "United States": country or organisation


@dataclass
class Figure:
    """A casualty or other count, with qualifier, population subsets and claimant."""

    text: str
    start: int
    end: int
    metric: str  # killed | injured | missing | detained | displaced
    value: int | None  # None for a vague count ("dozens"): the record never invents one
    qualifier: str  # exact | at_least | at_most | about | unquantified (value None)
    of_which: dict[str, int] = field(default_factory=dict)
    population: str | None = None  # civilians | children | soldiers | ... (whole figure)
    claimant: str | None = None
    reportedly: bool = False
    event: str | None = None  # local event key within the document (export maps it to an id)
    update: bool = False  # a new value of a running toll ("the death toll rose to 170")
    previous: int | None = None  # the value it was updated from ("up from 25")
    as_of: str | None = None  # date the updated value is given for (else the document's)
    as_of_time: int | None = None  # index in `times` of the expression giving `as_of`
    side: str | None = None  # country or actor the counted people belong to, when stated
    # A range ("between 100 and 300 people were killed", "100 to 300", "100-300") is two
    # figures of one span: the low end (value=low, qualifier at_least) and the high end
    # (value=high, qualifier at_most); both carry the whole range in `low` and `high`.
    # None on a figure that is no range.
    low: int | None = None
    high: int | None = None
    # A part of a breakdown of another figure of the same report ("12 of them died in
    # hospital, 38 at the station"; "46 women and 36 men" of 98 hospitalised): index in
    # the document's `figures` list of the total it is a part of, so that ranges and
    # disagreements can leave the part out. None for a total or a figure of its own.
    part_of: int | None = None
    # A figure whose sentence tells no event of its own but dates it ("the strike that
    # hit Velgrad on March 14, killing 17"): index in `times` of that date. Once dates are
    # resolved, a date before the event the figure was placed with makes it an earlier
    # incident's, with no event here (`extract.events.detach_earlier_incidents`).
    told_on: int | None = None


@dataclass
class TimeExpr:
    """A time expression with its TimeML-style value.

    `rule` keeps what is needed to resolve a relative expression once the document
    date (the anchor) is known; `value` is None until then.
    """

    text: str
    start: int
    end: int
    kind: str  # date | duration | since | time | set
    value: str | None = None
    rule: dict[str, Any] | None = None
    approximate: bool = False


@dataclass
class Mention:
    """A named entity mention, canonicalised through the gazetteer where it can be."""

    text: str
    start: int
    end: int
    label: str  # PERSON | ORG | GPE | LOC | NORP | FAC
    canonical: str
    kind: str  # person | organization | place | country | group
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None  # town | region | country (places only)
    country: str | None = None  # the country a place lies in (places only)
    country_code: str | None = None  # its ISO 3166-1 alpha-2 code, where known
    admin1: str | None = None  # first-order division (name, else GeoNames' code "UA.05")
    admin2: str | None = None  # second-order division, where known
    # a place NER left untagged, read only as context for resolving the report's other
    # places ("in the Donetsk region"): no entity, no event's place
    context: bool = False


@dataclass
class EventMention:
    """An event as one sentence of one report describes it."""

    key: str  # local key within the document ("e0", "e1", ...)
    type: str  # attack | airstrike | ground_offensive | ceasefire | ...
    trigger: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    date: str | None = None
    date_text: str | None = None
    time_index: int | None = None  # index of the TimeExpr giving the date
    location: str | None = None
    location_precision: str | None = None  # town | region | country
    actor: str | None = None
    target: str | None = None
    # spans of the fields above in the document text (None where not found in the text)
    date_start: int | None = None
    date_end: int | None = None
    location_start: int | None = None
    location_end: int | None = None
    actor_start: int | None = None
    actor_end: int | None = None
    target_start: int | None = None
    target_end: int | None = None
    # history told as background: an ongoing campaign counted "since" a date, the war
    # before the crisis ("fighting since 1988"), not one of the crisis's own events
    background: bool = False


@dataclass
class DocumentRecord:
    """Everything extracted from one report."""

    name: str
    text: str
    sha256: str
    source: str
    format: str
    title: str | None = None
    author: str | None = None
    image_credit: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    published_basis: str | None = None  # given | dateline | marker | url | inferred | linked
    published_from: str | None = None  # the report a `linked` date was borrowed from
    language: str = "en"
    flags: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TextFeatures:
    """What the cross-document stage reads of one report's own text and outlet, the same
    whichever reports it is checked with (`crossdoc.features` computes it once; the
    store keeps it for every later check of the report's block)."""

    copy_shingles: frozenset[int]  # a sample of the opening's word 6-grams (link.Copies)
    shingles: frozenset[int]  # every word 5-gram, hashed (reconcile.independent_sources)
    signature: tuple[int, ...]  # the MinHash signature of `shingles`
    wire: str | None  # the wire service the report credits
    words: dict[str, int]  # content-word story features (`w:` stem) and their counts
    readings: tuple[Reading, ...]  # what its clauses that may tell an account say
    terms: tuple[tuple[str, int, int], ...]  # contested terms used (framing.term_uses)


def from_dict(data: dict[str, Any]) -> DocumentRecord:
    """Rebuild a DocumentRecord from `to_dict` output."""
    data = dict(data)
    data["quotes"] = [Quote(**q) for q in data.get("quotes", [])]
    data["figures"] = [Figure(**f) for f in data.get("figures", [])]
    data["times"] = [TimeExpr(**t) for t in data.get("times", [])]
    data["mentions"] = [Mention(**m) for m in data.get("mentions", [])]
    data["events"] = [EventMention(**e) for e in data.get("events", [])]
    return DocumentRecord(**data)


@dataclass(frozen=True)
class SkippedInput:
    """Something met while reading the inputs that is deliberately not read (a file of an
    unsupported kind in a folder, a hidden file, a feed's items past its cap): not a
    failure, but never dropped silently. `str()` is `SOURCE: reason`."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class InputError(Exception):
    """A report that cannot be read or analysed; `str()` is one line for the user:
    `SOURCE[:LINE]: reason` (the source is filled in by whoever knows it)."""

    def __init__(self, reason: str, source: str | None = None, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source
        self.line = line

    def __str__(self) -> str:
        if not self.source:
            return self.reason
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"

    def __reduce__(self) -> tuple[Any, ...]:  # keep source and line across processes
        return (InputError, (self.reason, self.source, self.line))
