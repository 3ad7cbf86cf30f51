"""`littrack screen simulate`: the ranking engine replayed on a labelled CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.common import console

screen_app = typer.Typer(help="Screening order: how the relevance ranking would have done.",
                         no_args_is_help=True)
app.add_typer(screen_app, name="screen")


@screen_app.command("simulate")
def simulate_command(
    records: Path = typer.Argument(..., help="CSV with id,title,abstract,label_included (0/1)."),
    criteria: Path = typer.Option(None, "--criteria", help="Eligibility criteria text: the prior.",
                                  show_default=False),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write rank,id."),
) -> None:
    """Screen RECORDS as a simulated reviewer who starts from no labelled record and reveals
    each record's label; write the screening order."""
    from littrack.rank.simulate import simulate_csv

    summary = simulate_csv(records, output, criteria)
    console.print(f"{summary.records} records, {summary.included} included; all included found "
                  f"after screening {summary.screened_to_find_all} → {output}")
