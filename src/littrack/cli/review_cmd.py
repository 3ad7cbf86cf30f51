"""Commands of the reviewers' triage page: `review` (serve it) and `reviewer add|list|disable`."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from littrack.cli import app
from littrack.cli.common import console
from littrack.signals import Stopped, exit_now

reviewer_app = typer.Typer(help="Who may sign in to the triage page.", no_args_is_help=True)
app.add_typer(reviewer_app, name="reviewer")


@app.command("review")
def review_command(
    ctx: typer.Context,
    host: str = typer.Option(None, help="Address to listen on (default: [review] host, loopback).",
                             show_default=False),
    port: int = typer.Option(None, help="Port (default: [review] port, 8765).", show_default=False),
) -> None:
    """Serve the reviewers' triage page (until Ctrl-C)."""
    from littrack.review.server import serve

    config = ctx.obj.config

    def ready(url: str) -> None:
        console.print(f"triage page on {url} ({config.review.mode} screening); Ctrl-C stops it")

    try:
        serve(config, host, port, on_ready=ready)
    except Stopped:
        # a clean stop (systemd's SIGTERM): every decision was committed when it was answered
        console.print("triage page stopped")
        exit_now(0)


@reviewer_app.command("add")
def reviewer_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Sign-in name (letters, digits, '.', '_', '-')."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add a reviewer, or give an existing one a new password (and enable them again)."""
    from littrack.review.auth import add_reviewer
    from littrack.review.server import review_store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = review_store(ctx.obj.config)
    try:
        new = add_reviewer(store, name, password)
    finally:
        store.close()
    console.print(f"reviewer {name} {'added' if new else 'updated: new password, enabled'}")


@reviewer_app.command("list")
def reviewer_list(ctx: typer.Context) -> None:
    """List the reviewers and whether they may sign in."""
    from littrack.review.server import review_store

    store = review_store(ctx.obj.config)
    try:
        reviewers = store.reviewers()
    finally:
        store.close()
    table = Table("name", "status", "added")
    for reviewer in reviewers:
        table.add_row(reviewer.name, "disabled" if reviewer.disabled else "active", reviewer.created_at)
    console.print(table if reviewers else "no reviewers yet: add one with `littrack reviewer add NAME`")


@reviewer_app.command("disable")
def reviewer_disable(
    ctx: typer.Context, name: str = typer.Argument(..., help="The reviewer to disable.")
) -> None:
    """Stop a reviewer signing in (their decisions stay); `reviewer add` enables them again."""
    from littrack.review.server import review_store

    store = review_store(ctx.obj.config)
    try:
        store.disable_reviewer(name)
    finally:
        store.close()
    console.print(f"reviewer {name} disabled; their sessions are closed")
