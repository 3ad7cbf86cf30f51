"""`littrack dedupe`: the warehouse's deduplication engine on a team's own CSV export."""

from __future__ import annotations

from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.common import console
from littrack.match.dedupe_csv import dedupe_csv


@app.command("dedupe")
def dedupe_command(
    source: Path = typer.Argument(..., help="CSV with ID,title,year,author,pages,volume,number,journal."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write ID,cluster_id."),
) -> None:
    """Group the records of a CSV export that are the same paper."""
    summary = dedupe_csv(source, output)
    console.print(f"{summary.records} records, {summary.clusters} clusters "
                  f"({summary.duplicates} duplicates) → {output}")
