"""The decision events as the analysts' snapshot sees them: one Parquet file beside it.

Reviewers' decisions are written by the review server to its own SQLite store (durable at
once, never waiting for a nightly); the server rewrites this file from that store shortly
after each decision. The views `decisions`, `current_decisions` and `screening_status` read
it, so a new analyst connection sees decisions without a nightly run. The file is replaced
atomically: a reader sees the old events or the new ones, never half a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb

# One row per event; the column order and types are the contract of the `decisions` view.
DECISION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "BIGINT"),  # increasing; a later event overrides an earlier one
    ("pmid", "BIGINT"),  # the paper decided (the cluster's representative)
    ("cluster_pmids", "BIGINT[]"),  # the duplicate cluster's members when decided
    ("reviewer", "VARCHAR"),
    ("action", "VARCHAR"),  # decide | undo | resolve
    ("decision", "VARCHAR"),  # include | maybe | exclude; NULL for undo
    ("reason", "VARCHAR"),  # exclusion reason, from [review] exclusion_reasons
    ("note", "VARCHAR"),
    ("tags", "VARCHAR[]"),
    ("paper_version", "INTEGER"),  # the PubMed Version the reviewer saw
    ("paper_hash", "VARCHAR"),  # records.content_hash the reviewer saw
    ("decided_at", "TIMESTAMPTZ"),
)


def write_decisions_export(path: Path, rows: Iterable[Sequence]) -> None:
    """Replace the export with `rows` (tuples in `DECISION_COLUMNS` order), atomically."""
    path = Path(path)
    partial = path.with_name(f"{path.name}.writing-{os.getpid()}")
    columns = ", ".join(f"{name} {kind}" for name, kind in DECISION_COLUMNS)
    con = duckdb.connect()  # in memory: this never touches the warehouse's own files
    try:
        con.execute(f"CREATE TABLE events ({columns})")
        rows = list(rows)
        if rows:
            placeholders = ", ".join("?" for _ in DECISION_COLUMNS)
            con.executemany(f"INSERT INTO events VALUES ({placeholders})", rows)
        con.execute(
            "COPY (SELECT * FROM events ORDER BY event_id) TO ? (FORMAT parquet)", [str(partial)]
        )
    finally:
        con.close()
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)


def ensure_decisions_export(path: Path) -> None:
    """An empty export when there is none yet, so the decision views always resolve."""
    if not Path(path).exists():
        write_decisions_export(path, [])
