"""`parallax serve`: the review workspace over one database. Server-rendered pages
(Jinja2, autoescaped; scripts only as static files) and a JSON API with its OpenAPI
document. Report text is untrusted: every response carries a Content-Security-Policy,
forms carry a token, request bodies are bounded (read only after the headers passed the
checks), and bound to anything but loopback every request needs the access token. Pages and
the export are served from the stored record as last built (`cache.Results`), built again
only when the database changed."""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import (
    Depends,
    FastAPI,
    File,
    Form,
    Header,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax import __version__, schema
from parallax.analyze import reanalyse, run_analysis
from parallax.export import coerce_value
from parallax.pipeline import Settings
from parallax.serve import views
from parallax.serve.cache import Results, Snapshot, Stored
from parallax.store import REVIEW_FIELDS, Correction, Store, check_correction

HERE = Path(__file__).resolve().parent
MAX_BODY = 2 * 1024 * 1024  # bytes: an upload or a pasted report
MAX_REQUEST = MAX_BODY + 64 * 1024  # bytes: a request carrying one, with its form framing
MAX_ROWID = 2**63 - 1  # SQLite's largest integer: a larger id names no row
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ITEMS_KEPT = 4096  # documents whose review items the event pages keep built
DETAILS_KEPT = 1024  # documents whose item details the event pages keep rendered
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".rss", ".atom", ".xml")
TOKEN_HEADER = "X-Parallax-Token"
TOKEN_COOKIE = "parallax_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
T = TypeVar("T")


@dataclass
class ServeConfig:
    """Where the server reads and how it guards itself."""

    db: Path
    host: str = "127.0.0.1"
    token: str = ""  # generated when empty
    settings: Settings = Settings(workers=1)

    def __post_init__(self) -> None:
        self.token = self.token or secrets.token_urlsafe(24)

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# -- API models ---------------------------------------------------------------------------
class CorrectionIn(BaseModel):
    """A review of one extracted item, addressed by document content hash, kind, offsets."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: str = Field(pattern=r"^(quote|figure|time|mention|event)$")
    start: int = Field(ge=0, le=10**9)
    end: int = Field(ge=0, le=10**9)
    field: str = Field(min_length=1, max_length=40)
    value: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)


class CorrectionOut(CorrectionIn):
    id: int
    machine_value: str | None = None
    at: str | None = None


class DocumentSummary(BaseModel):
    id: int
    name: str
    title: str | None
    outlet: str | None
    published: str | None
    flags: list[str]
    quotes: int
    figures: int
    times: int
    events: int
    corrections: int


class Statement(BaseModel):
    document: str
    document_id: int
    text: str
    start: int
    end: int
    kind: str
    speaker: str | None
    corrected: bool = False
    machine_value: dict[str, Any] | None = None


class Problem(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}


# -- the application ----------------------------------------------------------------------
def create_app(config: ServeConfig) -> FastAPI:
    """The review workspace over `config.db`."""
    app = FastAPI(
        title="Parallax review workspace",
        version=__version__,
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(Guard, config=config)
    analysis_lock = threading.Lock()
    results = Results(config.db)
    back = f"\ue000{secrets.token_hex(8)}\ue000"  # stands for a page's path in a fragment

    @contextmanager
    def open_store() -> Iterator[Store]:
        store = Store(config.db)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def writing() -> Iterator[Store]:
        """The store, for a write: the record shown is built again afterwards."""
        try:
            with open_store() as store:
                yield store
        finally:
            results.invalidate()

    def require_api_token(
        x_parallax_token: Annotated[str | None, Header()] = None,
    ) -> None:
        if not _token_ok(x_parallax_token or "", config):
            raise HTTPException(403, f"writes need the {TOKEN_HEADER} header")

    def require_form_token(token: str) -> None:
        if not _token_ok(token, config):
            raise HTTPException(403, "stale or missing form token; reload the page")

    def render(request: Request, template: str, **context: Any) -> str:
        context.update(request=request, token=config.token, fields=REVIEW_FIELDS)
        return templates.get_template(template).render(context)

    def page(request: Request, template: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(request, template, **context))

    def stored_page(
        snap: Snapshot, request: Request, template: str, make: Callable[[], dict[str, Any]]
    ) -> HTMLResponse:
        """A page that shows only the stored record: rendered and encoded once per database
        version, its bytes served as they are (304 to a client that has them)."""
        key = ("page", template, request.url.path)
        body = snap.memo(key, lambda: Stored.of(render(request, template, **make()).encode()))
        return body.response(request, HTMLResponse)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # raised past the guard middleware: the security headers are added here
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=SECURITY_HEADERS)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def corpus_page(
        request: Request,
        message: str | None = None,
        event: str = "",
        metric: str = "",
        claimant: str = "",
        outlet: str = "",
        page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    ) -> HTMLResponse:
        snap = results.current()
        texts = {d.name: d.text for d in snap.docs}
        data = snap.memo("corpus", lambda: views.corpus(snap.export, texts))
        filters = {"event": event, "metric": metric, "claimant": claimant, "outlet": outlet}
        wanted = {k: v[:200] for k, v in filters.items() if v}
        key = ("disagreements", tuple(sorted(wanted.items())))
        data = {**data, **snap.memo(key, lambda: views.disagreements(snap.export, wanted, texts))}
        data["table"] = views.page_of(data["groups"], page_number)
        if message or wanted or page_number > 1:
            return page(request, "corpus.html", message=message, **data)
        return stored_page(snap, request, "corpus.html", lambda: data)

    @app.get("/event/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> HTMLResponse:
        snap = results.current()
        index = snap.memo("index", lambda: views.record_index(snap.export, snap.docs))
        _found(index.view.event(event_id), "event")
        return stored_page(
            snap, request, "event.html", lambda: event_context(snap, event_id, request.url.path)
        )

    def event_context(snap: Snapshot, event_id: str, path: str) -> dict[str, Any]:
        """What the event page shows, from what the snapshot keeps for every event page:
        the record's index, each document's items and their details (rendered once, the
        page's own path put in after), the timeline rendered once."""
        index = snap.memo("index", lambda: views.record_index(snap.export, snap.docs))
        data = _found(
            views.event_view(
                snap.export,
                snap.docs,
                snap.corrections,
                event_id,
                index,
                lambda doc: snap.memo(
                    ("items", doc.id),
                    lambda: views.document_items(doc, snap.corrections),
                    size=ITEMS_KEPT,
                ),
            ),
            "event",
        )
        macros: Any = templates.env.get_template("_macros.html").make_module(
            {"token": config.token}
        )
        axis = snap.memo("axis", lambda: views.time_axis_html(snap.export))
        data["timeline_html"] = Markup(views.mark_current(axis, event_id))
        details = [
            snap.memo(("details", s.doc.id), partial(macros.details, s, back), size=DETAILS_KEPT)
            for s in data["sources"]
        ]
        data["details_html"] = Markup("".join(map(str, details)).replace(back, str(escape(path))))
        return data

    @app.get("/speaker/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, name: str) -> HTMLResponse:
        export = results.current().export
        statements = views.speaker_statements(export, name)
        profile = views.speaker_profile(export, name)
        return page(request, "speaker.html", name=name, statements=statements, profile=profile)

    @app.get("/document/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: int, at: str | None = None) -> HTMLResponse:
        with open_store() as store:
            doc = _found(store.document(doc_id) if _is_rowid(doc_id) else None, "document")
            marked = views.marked_span(doc.text, at)  # a span linked to from another page
            src = views.source(doc, store.corrections(doc.sha256), marked)
        outlet = views.dateline_outlet(doc.text)
        return page(request, "document.html", source=src, outlet=outlet)

    # -- forms ------------------------------------------------------------------------------
    @app.post("/review", include_in_schema=False)
    def review_form(
        token: Annotated[str, Form(max_length=200)],
        sha256: Annotated[str, Form(max_length=64)],
        kind: Annotated[str, Form(max_length=20)],
        start: Annotated[int, Form()],
        end: Annotated[int, Form()],
        field: Annotated[str, Form(max_length=40)],
        value: Annotated[str, Form(max_length=2000)] = "",
        back: Annotated[str, Form(max_length=500)] = "/",
    ) -> RedirectResponse:
        require_form_token(token)
        try:
            body = CorrectionIn(
                sha256=sha256, kind=kind, start=start, end=end, field=field, value=value
            )
        except ValidationError as exc:
            raise HTTPException(422, "not a valid review") from exc
        with writing() as store:
            _save_correction(store, body)
        return RedirectResponse(_local(back), status_code=303)

    @app.post("/review/{corr_id}/withdraw", include_in_schema=False)
    def withdraw_form(
        corr_id: int,
        token: Annotated[str, Form(max_length=200)],
        back: Annotated[str, Form(max_length=500)] = "/",
    ) -> RedirectResponse:
        require_form_token(token)
        if _is_rowid(corr_id):
            with writing() as store:
                store.delete_correction(corr_id)
        return RedirectResponse(_local(back), status_code=303)

    @app.post("/analyze", include_in_schema=False)
    def analyze_form(
        token: Annotated[str, Form(max_length=200)],
        text: Annotated[str, Form(max_length=MAX_BODY)] = "",
        name: Annotated[str, Form(max_length=200)] = "",
        upload: Annotated[UploadFile | None, File()] = None,
    ) -> RedirectResponse:
        require_form_token(token)
        if upload is not None and upload.filename:
            data = upload.file.read(MAX_BODY + 1)
            if len(data) > MAX_BODY:
                raise HTTPException(413, "report too large")
            filename = upload.filename
        elif text.strip():
            data, filename = text.encode("utf-8"), name or "pasted.txt"
        else:
            raise HTTPException(422, "upload a file or paste a report")
        with analysis_lock, writing() as store:
            summary = _analyze_bytes(store, config.settings, _safe_name(filename), data)
        if summary.failed:
            message = "; ".join(m for _, m in summary.failed)
        elif summary.skipped:
            message = "already stored: " + ", ".join(summary.skipped)
        else:
            message = "analysed: " + ", ".join(summary.added)
        return RedirectResponse("/?" + urlencode({"message": message}), status_code=303)

    @app.post("/reanalyse", include_in_schema=False)
    def reanalyse_form(
        token: Annotated[str, Form(max_length=200)],
        back: Annotated[str, Form(max_length=500)] = "/",
    ) -> RedirectResponse:
        require_form_token(token)
        with analysis_lock, writing() as store:
            reanalyse(store, config.settings)
        return RedirectResponse(_local(back), status_code=303)

    # -- JSON API ---------------------------------------------------------------------------
    @app.get("/api/documents", response_model=list[DocumentSummary])
    def api_documents() -> list[dict[str, Any]]:
        """Every stored report with its counts of extracted items and corrections."""
        snap = results.current()
        documents: list[dict[str, Any]] = snap.memo("corpus", lambda: views.corpus(snap.export))[
            "documents"
        ]
        return documents

    @app.get(
        "/api/documents/{doc_id}",
        response_model=schema.DocumentWithText,
        response_model_exclude_unset=True,
        responses=NOT_FOUND,
    )
    def api_document(doc_id: int) -> dict[str, Any]:
        """One report as exported (corrections applied), with its text."""
        snap = results.current()
        doc = _found(next((d for d in snap.docs if d.id == doc_id), None), "document")
        found = _found(
            next((d for d in snap.export["documents"] if d["id"] == doc_id), None), "document"
        )
        return {**found, "text": doc.text}

    @app.get("/api/events", response_model=schema.Events, response_model_exclude_unset=True)
    def api_events() -> list[dict[str, Any]]:
        """Every event of the cross-document record, in date order."""
        return views.timeline(results.current().export["events"])

    @app.get("/api/events/{event_id}", responses=NOT_FOUND)
    def api_event(event_id: str) -> dict[str, Any]:
        """One event with its figure ranges (corrections applied) and contradictions."""
        snap = results.current()
        index = snap.memo("index", lambda: views.record_index(snap.export, snap.docs))
        return _found(index.view.event(event_id), "event")

    @app.get("/api/speakers/{name}", response_model=list[Statement])
    def api_speaker(name: str) -> list[dict[str, Any]]:
        """Every statement attributed to a speaker (after corrections) across reports."""
        return views.speaker_statements(results.current().export, name)

    @app.get("/api/export", response_model=schema.Export)
    def api_export(request: Request) -> Response:
        """The whole record as `parallax export --format json` writes it, corrected."""
        snap = results.current()
        body = snap.memo("export.json", lambda: Stored.of(_json_bytes(snap.export)))
        return body.response(request, Response, "application/json")

    @app.get("/api/corrections", response_model=list[CorrectionOut])
    def api_corrections() -> list[dict[str, Any]]:
        """Every analyst correction, oldest first."""
        with open_store() as store:
            return [asdict(c) for c in store.corrections()]

    @app.post(
        "/api/corrections",
        response_model=CorrectionOut,
        status_code=201,
        dependencies=[Depends(require_api_token)],
        responses={**NOT_FOUND, 403: {"model": Problem}},
    )
    def api_add_correction(body: CorrectionIn) -> dict[str, Any]:
        """Mark an item correct or wrong (`field` = verdict) or correct one of its fields;
        needs the X-Parallax-Token header."""
        with writing() as store:
            return asdict(_save_correction(store, body))

    @app.delete(
        "/api/corrections/{corr_id}",
        status_code=204,
        dependencies=[Depends(require_api_token)],
        responses={**NOT_FOUND, 403: {"model": Problem}},
    )
    def api_delete_correction(corr_id: int) -> Response:
        """Withdraw a correction; needs the X-Parallax-Token header."""
        if not _is_rowid(corr_id):
            raise HTTPException(404, "no such correction")
        with writing() as store:
            if not store.delete_correction(corr_id):
                raise HTTPException(404, "no such correction")
        return Response(status_code=204)

    return app


class Guard:
    """In front of every route (pure ASGI): a request is refused on its headers alone (Host
    name, origin, access token, declared length) before any of its body is read; then the
    body is read and counted as it arrives, chunked or not, and refused with 413 as soon as
    it passes MAX_REQUEST, the rest left unread. The routes get the body whole and bounded.
    Every response gets the security headers."""

    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.config = config
        cookie = Response()
        cookie.set_cookie(TOKEN_COOKIE, config.token, httponly=True, samesite="strict")
        self.cookie = cookie.headers["set-cookie"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        problem = _check_request(request, self.config)
        body: bytes | None = None
        if problem is None:
            body, problem = await _read_body(receive)
        if problem is not None:
            # the connection closes with the answer: the server reads no more of the body
            refusal = JSONResponse(
                {"detail": problem[1]},
                status_code=problem[0],
                headers={**SECURITY_HEADERS, "Connection": "close"},
            )
            await refusal(scope, receive, send)
            return
        if body is None:  # the client went away
            return
        set_cookie = _token_ok(request.query_params.get("token") or "", self.config)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                if set_cookie:
                    headers.append("set-cookie", self.cookie)
            await send(message)

        await self.app(scope, _replay(body, receive), send_secured)


async def _read_body(receive: Receive) -> tuple[bytes | None, tuple[int, str] | None]:
    """The request body, read up to MAX_REQUEST bytes: (body, None), (b"", 413 refusal)
    once past it, or (None, None) when the client disconnected."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST:
            return b"", (413, "request body too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that gives `body` in one message, then what the client sends."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _json_bytes(value: Any) -> bytes:
    """`value` as JSONResponse writes it."""
    return json.dumps(
        value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _is_rowid(value: int) -> bool:
    """Whether `value` can name a row: SQLite refuses integers past 64 bits."""
    return -MAX_ROWID - 1 <= value <= MAX_ROWID


def _save_correction(store: Store, body: CorrectionIn) -> Correction:
    """Validate a correction against the stored item and store it with the machine value."""
    doc = store.document(sha256=body.sha256)
    item = _found(views.find_item(doc, body.kind, body.start, body.end) if doc else None, "item")
    corr = Correction(
        sha256=body.sha256,
        kind=body.kind,
        start=body.start,
        end=body.end,
        field=body.field,
        value=(body.value or "").strip() or None,
        machine_value=json.dumps(item.get(body.field), ensure_ascii=False)
        if body.field != "verdict"
        else None,
        note=body.note,
    )
    try:
        check_correction(corr)
        coerce_value(corr.kind, corr.field, corr.value)  # figure values must be integers
    except ValueError as exc:
        raise HTTPException(422, str(exc).split(":")[0]) from exc
    return store.add_correction(corr)


def _analyze_bytes(store: Store, settings: Settings, name: str, data: bytes):
    """Analyse one uploaded or pasted report through the usual run."""
    with tempfile.TemporaryDirectory(prefix="parallax-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return run_analysis([str(path)], store, settings)


def _safe_name(filename: str) -> str:
    """A plain file name for an upload: no folders, tame characters, a known suffix."""
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(filename).name).strip(" .") or "report"
    return name if name.lower().endswith(UPLOAD_SUFFIXES) else name + ".txt"


def _local(path: str) -> str:
    """A redirect target on this server only."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    return path


def _found(value: T | None, what: str) -> T:
    """`value`, or a 404 saying there is no such `what`."""
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


def _token_ok(given: str, config: ServeConfig) -> bool:
    return secrets.compare_digest(given.encode(), config.token.encode())


def _check_request(request: Request, config: ServeConfig) -> tuple[int, str] | None:
    """Why a request is refused on its headers alone (status, reason), or None: loopback
    Host names (against DNS rebinding), same-origin writes, the token off loopback and on
    every API write, and a declared body length within bounds."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if config.loopback and not is_loopback(host):
        return 421, "this server answers to loopback names only"
    write = request.method not in SAFE_METHODS
    if write:
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host"):
            return 403, "cross-origin write refused"
        if request.headers.get("sec-fetch-site") == "cross-site":
            return 403, "cross-site write refused"
    if not config.loopback:
        given = (
            request.headers.get(TOKEN_HEADER)
            or request.query_params.get("token")
            or request.cookies.get(TOKEN_COOKIE)
            or ""
        )
        if not _token_ok(given, config):
            return 401, "this server needs its access token (?token=...)"
    api_write = write and request.url.path.startswith("/api/")
    if api_write and not _token_ok(request.headers.get(TOKEN_HEADER) or "", config):
        return 403, f"writes need the {TOKEN_HEADER} header"
    length = request.headers.get("content-length")
    if length is not None and not (
        re.fullmatch(r"[0-9]{1,18}", length) and int(length) <= MAX_REQUEST
    ):
        return 413, "request body too large"
    return None
