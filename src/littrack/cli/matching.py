"""Commands for citations the team already knows: `known import`, `match`, `seeds`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from littrack.cli import app
from littrack.cli.common import console
from littrack.config import Config
from littrack.warehouse import Warehouse

known_app = typer.Typer(help="Papers the team already knows (a Zotero library, an earlier review).",
                        no_args_is_help=True)
app.add_typer(known_app, name="known")


def _warehouse(config: Config) -> Warehouse:
    return Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)


@known_app.command("import")
def known_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="RIS, BibTeX, CSV, or plain text (one citation a line)."),
) -> None:
    """Add known papers: matched ones never reach the review queue; unmatched ones are kept
    and matched when their paper arrives."""
    from littrack.match.store import import_known

    with _warehouse(ctx.obj.config).write() as db:
        summary = import_known(db.con, file)
    console.print(f"{summary.read} citations read from {file} ({summary.new} new): "
                  f"{summary.matched} matched, {summary.ambiguous} ambiguous, "
                  f"{summary.not_found} not found yet", soft_wrap=True, highlight=False)


@app.command("match")
def match_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Citations, one per line."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="CSV to write: line_no,citation,pmid,score,status."),
) -> None:
    """Find the PMID of each citation in a file, from the warehouse (read-only)."""
    from littrack.match.lookup import match_file

    with _warehouse(ctx.obj.config).read() as con:
        summary = match_file(con, file, output)
    console.print(f"{summary.lines} citations: {summary.matched} matched, "
                  f"{summary.ambiguous} ambiguous, {summary.not_found} not found → {output}")


@app.command("seeds")
def seeds_command(ctx: typer.Context) -> None:
    """Show the seed citations with their status, PMID, score and evidence."""
    from littrack.match.store import seed_statuses

    with _warehouse(ctx.obj.config).read() as con:
        seeds = seed_statuses(con)
    if not seeds:
        console.print("No seed citations recorded yet: they are matched by `littrack run`.")
        return
    table = Table("#", "status", "PMID", "score", "evidence", "citation", show_lines=True)
    for seed in seeds:
        table.add_row(str(seed.number), seed.status, str(seed.pmid or ""),
                      f"{seed.score:.2f}" if seed.score is not None else "",
                      _evidence(seed.evidence, seed.fields, seed.merges), Text(seed.citation))
    console.print(table)


def _evidence(reason: str, fields: dict, merges: tuple[dict, ...] = ()) -> Text:
    """The reason, then one line per compared field: "pages: agree (304-11 / 304-311)"; then
    each duplicate merge of the seed's record with its fields on one line."""
    lines = [reason]
    for name, item in fields.items():
        if "similarity" in item:
            detail = f"{item['similarity']:.2f}"
        else:
            detail = " / ".join(str(v) for v in (item.get("cited"), item.get("found")) if v)
        lines.append(f"{name}: {item['verdict']}" + (f" ({detail})" if detail else ""))
    for merge in merges:
        lines.append(f"dedup {' = '.join(merge['records'])}: {merge['reason']}")
        lines.append("  " + ", ".join(f"{name} {item['verdict']}"
                                      for name, item in merge["fields"].items()))
    return Text("\n".join(lines))
