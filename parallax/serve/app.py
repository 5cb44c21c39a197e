"""`parallax serve`: the review workspace over one database. Server-rendered pages
(Jinja2, autoescaped; scripts only as static files) and a JSON API with its OpenAPI
document. Report text is untrusted: every response carries a Content-Security-Policy,
forms carry a token, uploads are bounded, and bound to anything but loopback every request
needs the access token."""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError

from parallax import __version__
from parallax.analyze import reanalyse, run_analysis
from parallax.export import build_export, coerce_value
from parallax.pipeline import Settings
from parallax.serve import views
from parallax.store import REVIEW_FIELDS, Correction, Store, check_correction

HERE = Path(__file__).resolve().parent
MAX_BODY = 2 * 1024 * 1024  # bytes: an upload or a pasted report
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
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
    analysis_lock = threading.Lock()

    @contextmanager
    def open_store() -> Iterator[Store]:
        store = Store(config.db)
        try:
            yield store
        finally:
            store.close()

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]):
        problem = _check_request(request, config)
        if problem is not None:
            response: Response = JSONResponse({"detail": problem[1]}, status_code=problem[0])
        else:
            response = await call_next(request)
            if request.query_params.get("token") == config.token:
                response.set_cookie(TOKEN_COOKIE, config.token, httponly=True, samesite="strict")
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        return response

    def require_api_token(
        x_parallax_token: Annotated[str | None, Header()] = None,
    ) -> None:
        if not _token_ok(x_parallax_token or "", config):
            raise HTTPException(403, f"writes need the {TOKEN_HEADER} header")

    def require_form_token(token: str) -> None:
        if not _token_ok(token, config):
            raise HTTPException(403, "stale or missing form token; reload the page")

    def page(request: Request, template: str, **context: Any) -> HTMLResponse:
        context.update(token=config.token, fields=REVIEW_FIELDS)
        return templates.TemplateResponse(request, template, context)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # raised past the guard middleware: the security headers are added here
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=SECURITY_HEADERS)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def corpus_page(request: Request, message: str | None = None) -> HTMLResponse:
        with open_store() as store:
            data = views.corpus(store)
        return page(request, "corpus.html", message=message, **data)

    @app.get("/event/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> HTMLResponse:
        with open_store() as store:
            data = _found(views.event_view(store, event_id), "event")
        return page(request, "event.html", **data)

    @app.get("/speaker/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, name: str) -> HTMLResponse:
        with open_store() as store:
            export = build_export(store)
        statements = views.speaker_statements(export, name)
        profile = views.speaker_profile(export, name)
        return page(request, "speaker.html", name=name, statements=statements, profile=profile)

    @app.get("/document/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: int) -> HTMLResponse:
        with open_store() as store:
            doc = _found(store.document(doc_id), "document")
            src = views.source(doc, store.corrections(doc.sha256))
        return page(request, "document.html", source=src)

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
        with open_store() as store:
            _save_correction(store, body)
        return RedirectResponse(_local(back), status_code=303)

    @app.post("/review/{corr_id}/withdraw", include_in_schema=False)
    def withdraw_form(
        corr_id: int,
        token: Annotated[str, Form(max_length=200)],
        back: Annotated[str, Form(max_length=500)] = "/",
    ) -> RedirectResponse:
        require_form_token(token)
        with open_store() as store:
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
        with analysis_lock, open_store() as store:
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
        with analysis_lock, open_store() as store:
            reanalyse(store, config.settings)
        return RedirectResponse(_local(back), status_code=303)

    # -- JSON API ---------------------------------------------------------------------------
    @app.get("/api/documents", response_model=list[DocumentSummary])
    def api_documents() -> list[dict[str, Any]]:
        """Every stored report with its counts of extracted items and corrections."""
        with open_store() as store:
            return views.corpus(store)["documents"]

    @app.get("/api/documents/{doc_id}", responses=NOT_FOUND)
    def api_document(doc_id: int) -> dict[str, Any]:
        """One report as exported (corrections applied), with its text."""
        with open_store() as store:
            doc = _found(store.document(doc_id), "document")
            export = build_export(store)
        found = _found(
            next((d for d in export["documents"] if d["id"] == doc_id), None), "document"
        )
        return {**found, "text": doc.text}

    @app.get("/api/events")
    def api_events() -> list[dict[str, Any]]:
        """Every event of the cross-document record, in date order."""
        with open_store() as store:
            return views.timeline(store.results()["events"])

    @app.get("/api/events/{event_id}", responses=NOT_FOUND)
    def api_event(event_id: str) -> dict[str, Any]:
        """One event with its figure ranges (corrections applied) and contradictions."""
        with open_store() as store:
            export = build_export(store)
        return _found(views.event_record(export, event_id), "event")

    @app.get("/api/speakers/{name}", response_model=list[Statement])
    def api_speaker(name: str) -> list[dict[str, Any]]:
        """Every statement attributed to a speaker (after corrections) across reports."""
        with open_store() as store:
            return views.speaker_statements(build_export(store), name)

    @app.get("/api/export")
    def api_export() -> dict[str, Any]:
        """The whole record as `parallax export --format json` writes it, corrected."""
        with open_store() as store:
            return build_export(store)

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
        with open_store() as store:
            return asdict(_save_correction(store, body))

    @app.delete(
        "/api/corrections/{corr_id}",
        status_code=204,
        dependencies=[Depends(require_api_token)],
        responses={**NOT_FOUND, 403: {"model": Problem}},
    )
    def api_delete_correction(corr_id: int) -> Response:
        """Withdraw a correction; needs the X-Parallax-Token header."""
        with open_store() as store:
            if not store.delete_correction(corr_id):
                raise HTTPException(404, "no such correction")
        return Response(status_code=204)

    return app


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
    """Why a request is refused (status, reason), or None: bounded bodies, loopback Host
    names (against DNS rebinding), same-origin writes, and the token off loopback."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY + 64 * 1024):
        return 413, "request body too large"
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if config.loopback and not is_loopback(host):
        return 421, "this server answers to loopback names only"
    if request.method not in ("GET", "HEAD", "OPTIONS"):
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
    return None
