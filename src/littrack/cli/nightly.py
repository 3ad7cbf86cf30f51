"""Commands of the nightly job: run, demo, serve, load, status."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.progress import progress_bars
from littrack.cli.summary import print_demo, print_load, print_run, print_status
from littrack.warehouse import Warehouse


def _date_option(help_text: str):
    return typer.Option(None, formats=["%Y-%m-%d"], help=help_text, show_default=False)


@app.command()
def run(
    ctx: typer.Context,
    since: datetime = _date_option("Search from this day (default: the last successful run)."),
    until: datetime = _date_option("Search up to this day (default: today)."),
) -> None:
    """Run the nightly flow once, now (no Prefect server needed)."""
    config = ctx.obj.config
    Warehouse(config.warehouse.path).check_writable()  # a config problem: before Prefect starts
    from flows.nightly import NightlyParameters, nightly

    parameters = NightlyParameters(
        since=_day(since), until=_day(until), config_path=str(config.source)
    )
    with progress_bars():
        summary = nightly(parameters)
    print_run(summary, config.warehouse.path)


@app.command()
def demo(
    ctx: typer.Context,
    warehouse: Path = typer.Option(
        Path("warehouse/demo.duckdb"), help="Demo warehouse file (replaced on every demo)."
    ),
) -> None:
    """Run two nights of the nightly flow against the PubMed stand-in's synthetic corpus."""
    from flows.nightly import NightlyParameters, nightly
    from littrack.demo import run_demo

    config = ctx.obj.config  # the demo keeps the project's query and seeds

    def run_flow(**overrides):
        return nightly(NightlyParameters(config_path=str(config.source), **overrides))

    with progress_bars():
        result = run_demo(run_flow, warehouse)
    print_demo(result)


@app.command()
def serve(ctx: typer.Context) -> None:
    """Serve the nightly flow on the configured cron schedule through a Prefect server."""
    from flows.nightly import serve_on_schedule

    serve_on_schedule(ctx.obj.config)


@app.command()
def load(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="PubMed XML files (.xml or .xml.gz)."),
) -> None:
    """Load PubMed XML files (efetch output, baseline or update files) into the warehouse."""
    from littrack.nightly.files import load_files

    config = ctx.obj.config
    with progress_bars():
        result = load_files(config, files)
    print_load(result, config.warehouse.path)


@app.command()
def status(
    ctx: typer.Context,
    check: bool = typer.Option(
        False,
        "--check",
        help="Exit 1 if the last successful run is older than the schedule allows.",
    ),
) -> None:
    """Show recent runs, the cursor and what waits for review."""
    from littrack.nightly.status import read_status

    config = ctx.obj.config
    result = read_status(config)
    print_status(result)
    if check and not result.on_schedule:
        raise typer.Exit(1)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None
