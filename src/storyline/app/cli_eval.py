"""`storyline eval ...`: thin wrappers over the harnesses in storyline.eval (imported lazily)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import StorylineError
from ..settings import Settings
from . import render

eval_app = typer.Typer(
    help="Score Storyline against public labelled data, next to baselines run in the same run.",
    no_args_is_help=True,
)

DataArg = Annotated[
    Path, typer.Argument(help="Evaluation JSONL file.", exists=True, dir_okay=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")]
PredictionsOption = Annotated[
    Path | None,
    typer.Option(
        "--predictions", help="Also write Storyline's predictions here, one JSON line each."
    ),
]


def _run(task: str, data: Path, as_json: bool, predictions: Path | None, **options: Any) -> None:
    """Load the task's harness, run it, print the report; errors become 'Error: ...'."""
    module = importlib.import_module(f"storyline.eval.{task}")
    try:
        result = module.evaluate(data, Settings.load(), predictions=predictions, **options)
    except StorylineError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(render.dumps(result) if as_json else module.report_text(result))


@eval_app.command("extract")
def eval_extract(
    data: DataArg, as_json: JsonOption = False, predictions: PredictionsOption = None
) -> None:
    """Article extraction: body P/R/F1, segments, title/byline/date vs plain trafilatura."""
    _run("extract", data, as_json, predictions)


@eval_app.command("cluster")
def eval_cluster(
    data: DataArg,
    as_json: JsonOption = False,
    predictions: PredictionsOption = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Pair-model JSON to use instead of the shipped one."),
    ] = None,
) -> None:
    """Story clustering in stream order: B-cubed and pairwise F1 vs a batch baseline."""
    _run("cluster", data, as_json, predictions, model=model)


@eval_app.command("summarize")
def eval_summarize(
    data: DataArg,
    words: Annotated[int, typer.Option("--words", help="Summary length in words.")] = 250,
    as_json: JsonOption = False,
    predictions: PredictionsOption = None,
) -> None:
    """Multi-document summaries: ROUGE vs lead, centroid, LexRank and TextRank."""
    _run("summarize", data, as_json, predictions, words=words)


@eval_app.command("quotes")
def eval_quotes(
    data: DataArg, as_json: JsonOption = False, predictions: PredictionsOption = None
) -> None:
    """Quotes and speakers: span P/R/F1, speaker accuracy, attribution F1 vs textacy."""
    _run("quotes", data, as_json, predictions)


@eval_app.command("compare")
def eval_compare(
    data: DataArg,
    as_json: JsonOption = False,
    predictions: PredictionsOption = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a Markdown report here: per-event tone ranking, unique and "
            "contradicting claims, and seeded samples of both to judge by hand.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the report's samples.")] = 0,
) -> None:
    """Outlet comparison: neutral summary ROUGE vs lead, tone spread between outlets."""
    _run("compare", data, as_json, predictions)
    if report is not None:
        from ..eval.compare_report import write_report

        try:
            table = write_report(data, Settings.load(), report, seed=seed)
        except StorylineError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        # With --json, stdout holds exactly one object: the table goes to stderr.
        typer.echo("\n".join(["", *table, "", f"report: {report}"]), err=as_json)
