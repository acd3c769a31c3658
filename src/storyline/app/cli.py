"""The `storyline` command: thin wrappers that open the store and call the library."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer

from .. import pipeline
from ..errors import StorylineError
from ..settings import SETTINGS, Settings, shown
from ..store import SQLiteStore, open_store
from . import render
from .cli_eval import eval_app

app = typer.Typer(
    help="Storyline: news articles from many outlets in, cited and comparable stories out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(eval_app, name="eval")


class Format(StrEnum):
    """Output formats of commands that print records."""

    text = "text"
    markdown = "markdown"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="STORYLINE_DB",
        help="SQLite store path, or a postgresql://... URL (default: storyline.db).",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _settings(**overrides: Any) -> Settings:
    return Settings.load(overrides)


@contextmanager
def _store(db: str | None, **overrides: Any) -> Iterator[tuple[SQLiteStore, Settings]]:
    """Open the store; turn library errors into 'Error: ...' and exit code 1 (the edge)."""
    try:
        settings = _settings(db=db, **overrides)
        with open_store(settings.db) as store:
            yield store, settings
    except StorylineError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None


def _emit(fmt: Format, data: Any, text: str, markdown: str | None = None) -> None:
    if fmt is Format.json:
        typer.echo(render.dumps(data))
    else:
        typer.echo(markdown if fmt is Format.markdown and markdown is not None else text)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")],
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet of plain-text inputs.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date of plain-text inputs (YYYY-MM-DD).")
    ] = None,
    url: Annotated[str | None, typer.Option(help="URL of a single plain-text input.")] = None,
    fmt: FormatOption = Format.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes for extraction and analysis (default: one per core)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(help="Run extraction and analysis on Dask: a scheduler address, or 'local'."),
    ] = None,
) -> None:
    """Add articles (plain text, HTML, JSONL, RSS/Atom feeds, WARC) and update their stories."""
    from ..scale import default_workers

    options = {"outlet": outlet or "", "published": published or "", "url": url or ""}
    parallel = {"workers": workers or (None if dask else default_workers()), "dask": dask}
    with _store(db) as (store, settings):
        report = _run_ingest(paths, store, settings, options, not quiet, parallel)
    for failure in report.failures:
        typer.echo(f"error: {failure.source}: {failure.reason}", err=True)
    if report.skipped:
        counts = ", ".join(f"{reason}: {n}" for reason, n in sorted(report.skipped.items()))
        typer.echo(f"skipped {report.skipped.total()} records (not articles): {counts}", err=True)
    _emit(fmt, render.ingest_json(report), render.ingest_text(report))
    if not report.ok:
        raise typer.Exit(1)


def _run_ingest(
    paths: list[str],
    store: SQLiteStore,
    settings: Settings,
    options: dict[str, str],
    show_progress: bool,
    parallel: dict[str, Any],
) -> pipeline.IngestReport:
    if not show_progress or not sys.stderr.isatty():
        return pipeline.ingest(paths, store, settings, options, sys.stdin.buffer, **parallel)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} articles"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("ingesting", total=None, rate="")

        def advance(name: str, count: int) -> None:
            done = bar.tasks[task].completed + count
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = f"{done / elapsed:.1f} articles/s" if elapsed > 0 else ""
            bar.update(task, advance=count, description=f"ingesting {name}", rate=rate)

        return pipeline.ingest(
            paths, store, settings, options, sys.stdin.buffer, advance, **parallel
        )


@app.command()
def stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many stories.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    fmt: FormatOption = Format.text,
) -> None:
    """List stories, newest first."""
    with _store(db) as (store, _):
        rows = store.stories(limit, offset)
    _emit(
        fmt,
        [render.story_row_json(r) for r in rows],
        render.stories_text(rows),
        render.stories_text(rows, markdown=True),
    )


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix).")],
    db: DbOption = None,
    fmt: FormatOption = Format.text,
    abstractive: Annotated[
        bool,
        typer.Option(
            "--abstractive",
            help="Also ask the configured abstractive endpoint (abstractive_url) for a summary; "
            "sentences its cited sources do not support are dropped and listed.",
        ),
    ] = False,
) -> None:
    """Show one story: cited summary, articles, who said what, entities."""
    with _store(db) as (store, settings):
        story = pipeline.load_story(store, story_id, settings)
        articles = {a.id: a for a in store.articles(story.article_ids)}
        generated = pipeline.abstractive(store, story, settings) if abstractive else None
    _emit(
        fmt,
        render.story_json(story, articles, generated),
        render.story_text(story, articles, abstractive=generated),
        render.story_text(story, articles, markdown=True, abstractive=generated),
    )


@app.command()
def article(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    db: DbOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Show one article: metadata, clean text, removed boilerplate."""
    with _store(db) as (store, _):
        found = store.article(article_id)
        story_id = store.story_of(found.id)
    _emit(
        fmt,
        render.article_json(found, story_id),
        render.article_text(found, story_id),
        render.article_text(found, story_id, markdown=True),
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (all must occur).")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
    fmt: FormatOption = Format.text,
) -> None:
    """Full-text search over article titles and text."""
    with _store(db) as (store, _):
        hits = store.search(query, limit)
    _emit(fmt, render.search_json(hits), render.search_text(hits))


@app.command("settings")
def show_settings() -> None:
    """List every setting: its value in effect (secrets shown as ***), default, variable, help."""
    try:
        current = _settings()
    except StorylineError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    for s in SETTINGS:
        value = shown(s.name, getattr(current, s.name))
        default = "" if value == s.default else f", default {s.default!r}"
        typer.echo(f"{s.name} = {value!r}  (STORYLINE_{s.name.upper()}{default})\n    {s.help}")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes, each with its own store connections.")
    ] = 1,
) -> None:
    """Serve the web pages and the JSON API (/api/, /openapi.json) over one store."""
    import uvicorn

    from .api import create_app

    try:
        application = create_app(_settings(db=db))
    except StorylineError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    where = shown("db", application.state.settings.db)  # a PostgreSQL password stays hidden
    typer.echo(f"Serving {where} on http://{host}:{port}/", err=True)
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="warning")
        return
    # Worker processes build their own app from the environment: the same settings.
    os.environ["STORYLINE_DB"] = application.state.settings.db
    uvicorn.run(
        "storyline.app.api:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
    )


@app.command()
def compare(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix).")],
    db: DbOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """How each outlet covered a story: side by side, agreement, contradictions, timeline."""
    from .render_compare import compare_text, comparison_json, comparison_text

    with _store(db) as (store, settings):
        story = pipeline.load_story(store, story_id, settings)
    _emit(
        fmt,
        comparison_json(story.comparison),
        compare_text(story),
        comparison_text(story.comparison, markdown=True),
    )


@app.command("recluster")
def recluster_command(db: DbOption = None) -> None:
    """Cluster every stored article again in ingest order (manual merges/splits are kept)."""
    from ..stories import recluster

    with _store(db) as (store, settings):
        count = recluster(store, settings)
    typer.echo(f"{count} stories")


@app.command("render-pages")
def render_pages_command(db: DbOption = None) -> None:
    """Store the web page of every story whose page is missing or made by older templates."""
    with _store(db) as (store, _settings):
        count = pipeline.render_pages(store)
    typer.echo(f"{count} story pages rendered")


@app.command("merge")
def merge_command(
    story_a: Annotated[str, typer.Argument(help="Story to keep (id or unique prefix).")],
    story_b: Annotated[str, typer.Argument(help="Story folded into it.")],
    db: DbOption = None,
) -> None:
    """Merge story B into story A by hand; kept across later ingests and recluster."""
    from ..stories import merge_stories

    with _store(db) as (store, settings):
        kept = merge_stories(store, settings, story_a, story_b)
    typer.echo(f"merged into {kept}")


@app.command("split")
def split_command(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix).")],
    article_ids: Annotated[list[str], typer.Argument(help="Articles to move to a new story.")],
    db: DbOption = None,
) -> None:
    """Split articles off a story into a new story by hand; kept across ingests and recluster."""
    from ..stories import split_story

    with _store(db) as (store, settings):
        new_id = split_story(store, settings, story_id, article_ids)
    typer.echo(f"new story {new_id}")


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
