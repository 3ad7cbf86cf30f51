"""The `littrack` command line: each command opens what it needs, calls one library function
and formats the result. Command groups live in sibling modules listed in `commands.py`."""

from __future__ import annotations

import sys

import typer

from littrack.cli.common import AppState, console_error
from littrack.errors import LittrackError

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
) -> None:
    ctx.obj = AppState(config_option=config)


def main(argv: list[str] | None = None) -> None:
    """Entry point: click handles usage errors (exit 2) and exits; the project's own errors
    become one line `Error: ...` and their exit code."""
    from littrack.cli import commands  # noqa: F401  (registers the commands on `app`)

    try:
        app(args=argv)
    except LittrackError as exc:
        console_error(str(exc))
        sys.exit(exc.exit_code)
