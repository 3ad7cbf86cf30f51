"""The `littrack` command line: each command opens what it needs, calls one library function
and formats the result. Command groups live in sibling modules listed in `commands.py`."""

from __future__ import annotations

import sys

import typer

from littrack.cli.common import AppState, console_error
from littrack.cli.process import set_prefect_defaults
from littrack.errors import LittrackError
from littrack.signals import as_stop, exit_now, stop_on_signals

app = typer.Typer(
    name="littrack",
    help="Track new PubMed papers on ketamine for complex regional pain syndrome.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: str = typer.Option(
        None,
        "--config",
        "-c",
        help="Config file (default: $LITTRACK_CONFIG, else ./config.toml).",
        show_default=False,
    ),
    warehouse: str = typer.Option(
        None,
        "--warehouse",
        "-w",
        help="Warehouse file to use instead of [warehouse] path (e.g. warehouse/demo.duckdb).",
        show_default=False,
    ),
) -> None:
    ctx.obj = AppState(config_option=config, warehouse_option=warehouse)


def main(argv: list[str] | None = None) -> None:
    """Entry point: click handles usage errors (exit 2) and exits; the project's own errors
    become one line `Error: ...` and their exit code."""
    args = sys.argv[1:] if argv is None else argv
    # a served deployment's flow runs send Prefect's own INFO logs to the UI: keep them there
    set_prefect_defaults(quiet="serve" not in args)
    stop_on_signals()
    from littrack.cli import commands  # noqa: F401  (registers the commands on `app`)

    try:
        app(args=args)
    except LittrackError as exc:
        console_error(str(exc))
        sys.exit(exc.exit_code)
    except SystemExit:
        raise  # click's own exits, and commands that ended as they meant to
    except BaseException as exc:
        stop = as_stop(exc)
        if stop is None:
            raise
        console_error(
            f"stopped by {stop}: a run in progress is recorded as failed, the warehouse keeps"
            " what earlier runs stored, and the next run catches up"
        )
        exit_now(128 + stop.signal_number)

