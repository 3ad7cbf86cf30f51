"""`littrack export` (RIS, BibTeX, CSV of the papers in review; Parquet of the analysts' views)
and `littrack prisma` (the PRISMA 2020 flow numbers). Both only read the snapshot."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from rich.table import Table

from littrack.cli import app
from littrack.cli.common import console
from littrack.review.export_records import ExportError
from littrack.warehouse import Warehouse


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: str = typer.Option(..., "--format", "-f", help="ris, bibtex, csv or parquet."),
    status: str = typer.Option(
        None, "--status", "-s", show_default=False,
        help="Only papers screened as included, excluded, maybe, undecided or conflict "
             "(default: all; not for parquet)."),
    output: Path = typer.Option(
        None, "--output", "-o", show_default=False,
        help="File to write (default: standard output); for parquet, a folder (required)."),
) -> None:
    """Export the papers in review (one per duplicate cluster) for Zotero, EndNote, a
    spreadsheet; or the main analyst views as Parquet files."""
    from littrack.review.exports import FORMATS, export_papers

    if fmt not in (*FORMATS, "parquet"):
        raise ExportError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)} or parquet)")
    warehouse = Warehouse(ctx.obj.config.warehouse.path)
    if fmt == "parquet":
        _export_parquet(warehouse, status, output)
        return
    with warehouse.read() as con:
        result = export_papers(con, fmt, status)
    if output is None:
        sys.stdout.buffer.write(result.content)
        sys.stdout.flush()
        return
    _write_atomically(output, result.content)
    console.print(f"{result.count} papers ({status or 'all'}) → {output}")


def _export_parquet(warehouse: Warehouse, status: str | None, output: Path | None) -> None:
    from littrack.warehouse.parquet_export import export_parquet

    if output is None:
        raise ExportError("--format parquet writes one file per view: give --output DIR")
    if status is not None:
        raise ExportError(
            "--status filters ris, bibtex and csv exports; parquet writes whole views")
    with warehouse.read() as con:
        files = export_parquet(con, output)
    table = Table("view", "rows", "file")
    for item in files:
        table.add_row(item.view, str(item.rows), str(item.path))
    console.print(table)


def _write_atomically(path: Path, content: bytes) -> None:
    partial = path.with_name(f".{path.name}.writing-{os.getpid()}")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


@app.command("prisma")
def prisma_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
) -> None:
    """Show the PRISMA 2020 flow: identified, duplicates and known papers removed, screened,
    excluded (by reason), included, awaiting."""
    from littrack.review.prisma import prisma_counts

    with Warehouse(ctx.obj.config.warehouse.path).read() as con:
        counts = prisma_counts(con)
    if as_json:
        print(json.dumps(counts.as_dict(), indent=2))
        return
    table = Table("PRISMA 2020", "records", show_lines=False)
    for label, value in _prisma_rows(counts):
        table.add_row(label, "" if value is None else str(value))
    console.print(table)


def _prisma_rows(c) -> list[tuple[str, int | None]]:
    return [
        ("Identification", None),
        ("Records identified", c.records_identified),
        ("  from PubMed searches", c.from_pubmed_searches),
        ("  from imported files", c.from_file_imports),
        ("Duplicate records removed", c.duplicates_removed),
        ("Papers already known removed", c.known_removed),
        (f"  (known citations: {c.seed_citations} seeds, {c.imported_citations} imported)", None),
        ("Screening", None),
        ("Papers for screening", c.records_for_screening),
        ("Papers screened", c.records_screened),
        ("Papers excluded", c.records_excluded),
        *((f"  {reason}", n) for reason, n in c.excluded_by_reason.items()),
        ("Included", None),
        ("Papers included", c.records_included),
        ("Awaiting", None),
        ("  undecided", c.undecided),
        ("  maybe", c.maybe),
        ("  conflicts", c.conflicts),
    ]
