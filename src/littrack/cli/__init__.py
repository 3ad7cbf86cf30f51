"""The `littrack` command line: each command opens what it needs, calls one library function
and formats the result. Command groups live in sibling modules listed in `commands.py`."""

from __future__ import annotations

import sys

import click
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
    """Entry point: project errors become one line `Error: ...` and their exit code."""
    from littrack.cli import commands  # noqa: F401  (registers the commands on `app`)

    try:
        # without standalone mode click returns, not raises, the code of a `typer.Exit`
        code = app(args=argv, standalone_mode=False)
    except LittrackError as exc:
        console_error(str(exc))
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        console_error("interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
