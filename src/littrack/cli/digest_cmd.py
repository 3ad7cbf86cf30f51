"""`littrack digest`: render the morning digest for any window, or send it (again)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.common import console


@app.command("digest")
def digest_command(
    ctx: typer.Context,
    since: datetime = typer.Option(
        None, formats=["%Y-%m-%d"], show_default=False,
        help="Cover every run since this day (default: the newest successful run).",
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write the digest as one HTML file (chart inside).",
        show_default=False,
    ),
    send: bool = typer.Option(
        False, "--send", help="Mail it to [digest] recipients (recorded in digest_sends)."
    ),
) -> None:
    """Render the morning digest (new papers, notices, run health); print, save or mail it."""
    from littrack.digest.on_demand import digest_since, send_digest, write_html

    config = ctx.obj.config
    day = since.date() if since else None
    digest = send_digest(config, day) if send else digest_since(config, day)
    if output:
        write_html(digest, output)
        console.print(f"{digest.subject} → {output}", markup=False, highlight=False)
    elif send:
        console.print(f"{digest.subject}: sent to {', '.join(config.digest.recipients)}",
                      markup=False, highlight=False)
    else:
        console.print(digest.text, markup=False, highlight=False, soft_wrap=True)
