"""One-screen summaries the CLI prints at the end of a command."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from littrack.cli.common import console
from littrack.nightly.report import RunSummary

COUNT_COLUMNS = ("found", "new", "updated", "unchanged", "deleted", "quarantined")
MAX_LISTED = 20  # a screenful: the full list is in the warehouse and the run report


def print_run(summary: RunSummary, warehouse_path: Path) -> None:
    console.rule(f"Run {summary.run_id}: {summary.status}")
    console.print("Windows: " + ("; ".join(summary.windows) or "none"), highlight=False)
    table = Table(*COUNT_COLUMNS, "review queue")
    table.add_row(*(str(summary.counts.get(c, 0)) for c in COUNT_COLUMNS), str(summary.queue_size))
    console.print(table)
    _print_papers("New papers for review", summary.new_papers)
    _print_papers("Notices (errata, retractions)", summary.notices)
    _print_papers("Updated", summary.updated_papers)
    if summary.seeds:
        seeds = Table("#", "status", "PMID", "score", "evidence", title="Seed citations")
        for s in summary.seeds:
            score = f"{s.score:.2f}" if s.score is not None else ""
            seeds.add_row(str(s.number), s.status, str(s.pmid or ""), score, s.evidence)
        console.print(seeds)
    if summary.quarantined:
        console.print(f"[yellow]{len(summary.quarantined)} record(s) quarantined[/]")
        for pmid, reason in summary.quarantined[:MAX_LISTED]:
            console.print(f"  PMID {pmid or '?'}: {reason}", markup=False)
    console.print(f"Warehouse: {warehouse_path}", highlight=False, soft_wrap=True)


def demo_explore_commands(warehouse_path: Path, config_option: str | None) -> list[str]:
    """Commands that look at the demo's warehouse, exactly as a user can paste them."""
    options = f"--warehouse {shlex.quote(str(warehouse_path))}"
    if config_option:
        options = f"--config {shlex.quote(config_option)} {options}"
    # double-quoted Python strings, so the shell's single quotes around the code stay simple
    query = (
        f"import duckdb; con = duckdb.connect({json.dumps(str(warehouse_path))}, read_only=True);"
        ' con.sql("SELECT pmid, first_author, pub_year, title FROM papers LIMIT 10").show()'
    )
    return [
        f"python3 -m littrack {options} status",
        f"python3 -m littrack {options} seeds",
        f"python3 -c {shlex.quote(query)}",
    ]


def print_demo(result, explore_commands: list[str]) -> None:
    for night, summary in enumerate(result.nights, start=1):
        console.print()
        console.rule(f"[bold]Demo night {night}[/]")
        print_run(summary, result.warehouse_path)
        if night < len(result.nights):
            console.print("Stand-in changes before the next night: " + ", ".join(result.changes))
    console.print()
    console.print("[bold green]Demo done.[/] Look at what it made:")
    for command in explore_commands:
        console.print(f"  {escape(command)}", highlight=False, soft_wrap=True)


def print_load(loads, warehouse_path: Path) -> None:
    table = Table("file", "run", *COUNT_COLUMNS[1:], "to review")
    for load in loads:
        counts = load.counts
        table.add_row(
            str(load.path),
            str(load.run_id),
            *(str(getattr(counts, c)) for c in COUNT_COLUMNS[1:]),
            str(load.admitted),
        )
    console.print(table)
    console.print("To review: records the configured query finds; the rest are kept for matching and deduplication.")
    console.print(f"Warehouse: {warehouse_path}", highlight=False, soft_wrap=True)


def print_status(status) -> None:
    console.print(f"Warehouse: {status.path}", highlight=False, soft_wrap=True)
    console.print(
        f"{status.papers} papers, {status.in_review_queue} waiting for review, "
        f"{status.quarantined} quarantined; searched up to {status.cursor_until or 'never'}"
    )
    if status.on_schedule:
        console.print(
            f"[green]On schedule[/]: last successful run {status.last_success:%Y-%m-%d %H:%M}"
        )
    else:
        last = f"{status.last_success:%Y-%m-%d %H:%M}" if status.last_success else "never"
        console.print(f"[red]Behind schedule[/]: last successful run {last}")
    table = Table("run", "started", "status", "found", "new", "updated", "quarantined", "error")
    for r in status.recent_runs:
        table.add_row(
            str(r.id),
            f"{r.started_at:%Y-%m-%d %H:%M}",
            r.status,
            *(str(v if v is not None else "") for v in (r.found, r.new, r.updated, r.quarantined)),
            (r.error or "")[:60],
        )
    console.print(table)


def _print_papers(title: str, papers) -> None:
    """One line per paper at any width: the title from its start, cut with … where the
    terminal ends; who/where/when and the evidence tags after it, cut first."""
    if not papers:
        return
    console.print(f"[bold]{escape(title)}[/] ({len(papers)})")
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column("pmid", no_wrap=True, style="cyan")
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=3, min_width=20)
    table.add_column(
        "source", no_wrap=True, overflow="ellipsis", ratio=1, min_width=16, style="dim"
    )
    for paper in papers[:MAX_LISTED]:
        source = " · ".join(filter(None, (paper.source, *paper.tags)))
        table.add_row(str(paper.pmid), paper.title or "(no title)", source)
    console.print(Padding(table, (0, 0, 0, 2)), highlight=False)
    if len(papers) > MAX_LISTED:
        console.print(f"  … and {len(papers) - MAX_LISTED} more (see the run report)")
