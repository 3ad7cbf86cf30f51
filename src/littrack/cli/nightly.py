"""Commands of the nightly job: run, demo, serve, load, status."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.process import keep_tracebacks_off_the_console, uses_temporary_prefect_server
from littrack.cli.progress import progress_bars
from littrack.cli.common import error_console
from littrack.cli.summary import (
    demo_explore_commands,
    print_demo,
    print_load,
    print_run,
    print_status,
)
from littrack.warehouse import Warehouse


# an interactive run fails within minutes when PubMed is down; the scheduled one (serve)
# keeps retrying longer, with Prefect's task retries on top
GIVE_UP_AFTER_SECONDS = 120.0


def announce_prefect() -> None:
    """Say why the first seconds are quiet: Prefect is starting its own server."""
    keep_tracebacks_off_the_console()
    if uses_temporary_prefect_server():
        error_console.print(
            "Starting Prefect's temporary local server (no PREFECT_API_URL set); the first"
            " start on a new machine sets up its database and can take a minute.",
            highlight=False,
        )


def _date_option(help_text: str):
    return typer.Option(None, formats=["%Y-%m-%d"], help=help_text, show_default=False)


@app.command()
def run(
    ctx: typer.Context,
    since: datetime = _date_option("Search from this day (default: the last successful run)."),
    until: datetime = _date_option("Search up to this day (default: today)."),
    give_up_after: float = typer.Option(
        GIVE_UP_AFTER_SECONDS,
        help="Stop retrying a failing PubMed request after this many seconds, and fail.",
    ),
) -> None:
    """Run the nightly flow once, now (no Prefect server needed)."""
    config = ctx.obj.config
    Warehouse(config.warehouse.path).check_writable()  # a config problem: before Prefect starts
    from flows.nightly import NightlyParameters, nightly

    parameters = NightlyParameters(
        since=_day(since),
        until=_day(until),
        config_path=str(config.source),
        warehouse_path=str(config.warehouse.path),
        give_up_after=give_up_after,
    )
    announce_prefect()
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
        # synthetic nights: never mail the team about them
        return nightly(NightlyParameters(config_path=str(config.source), mail_digest=False, **overrides))

    announce_prefect()
    with progress_bars():
        result = run_demo(run_flow, warehouse)
    print_demo(result, demo_explore_commands(warehouse, ctx.obj.config_option))


@app.command()
def serve(ctx: typer.Context) -> None:
    """Serve the nightly flow on the configured cron schedule through a Prefect server."""
    from flows.nightly import serve_on_schedule

    serve_on_schedule(ctx.obj.config)


@app.command()
def load(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="PubMed XML files (.xml or .xml.gz)."),
    workers: int = typer.Option(
        None, min=1, help="Files parsed at a time (default: one per CPU).", show_default=False
    ),
    dask: bool = typer.Option(False, "--dask", help="Through Prefect, parsing on a local Dask cluster."),
    dask_address: str = typer.Option(
        None, help="Through Prefect, parsing on this Dask cluster (tcp://HOST:8786).", show_default=False
    ),
    review_all: bool = typer.Option(
        False, "--review-all",
        help="Send every record of these files to review (e.g. your own PubMed search's results),"
        " not only those the configured query finds.",
    ),
) -> None:
    """Load PubMed XML files (efetch output, baseline or update files) into the warehouse."""
    from littrack.nightly.bulk import default_workers
    from littrack.nightly.files import load_files

    config = ctx.obj.config
    with progress_bars():
        if dask or dask_address:
            from flows.bulk_load import BulkLoadParameters, bulk_load

            announce_prefect()
            result = bulk_load(BulkLoadParameters(
                files=[str(f) for f in files], config_path=str(config.source),
                warehouse_path=str(config.warehouse.path), workers=workers or default_workers(),
                dask_address=dask_address, review_all=review_all,
            ))
        else:
            result = load_files(config, files, workers=workers, review_all=review_all)
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
