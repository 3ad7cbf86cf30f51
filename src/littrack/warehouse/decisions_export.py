"""The decision events as the analysts' snapshot sees them: Parquet segments in a folder beside it.

Reviewers' decisions are written by the review server to its own SQLite store (durable at
once, never waiting for a nightly); shortly after each decision the server appends the new
events to this folder as one more segment file. The views `decisions`, `current_decisions`
and `screening_status` read every segment, so a new analyst connection sees decisions without
a nightly run.

Segments are immutable: a file is written under a temporary name and renamed into place, and is
never rewritten. (Replacing one file by rename is not enough: DuckDB opens a Parquet file once
to bind a query and again to scan it, and a reader caught between two versions fails with
"don't know what type" — measured: 2 queries in 200 while a writer replaced the file.) When
segments pile up they are compacted into one; a compacted file may overlap the segments it
replaces for a while, so the `decisions` view keeps one row per `event_id`, and a replaced
segment is deleted only once its replacement is older than any sensible query
(`SUPERSEDED_GRACE_SECONDS`).
"""

from __future__ import annotations

import os
import re
import time
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
SEGMENT_GLOB = "events-*.parquet"  # what the views read, inside the folder
_SEGMENT = re.compile(r"events-(\d{12})-(\d{12})\.parquet")
EMPTY_SEGMENT = "events-000000000000-000000000000.parquet"  # so the glob always matches
SUPERSEDED_GRACE_SECONDS = 120.0


def segment_glob(folder: Path) -> str:
    return str(Path(folder).resolve() / SEGMENT_GLOB)


def ensure_decisions_export(folder: Path) -> None:
    """An empty segment when there is none yet, so the decision views always resolve."""
    folder = Path(folder)
    if not (folder / EMPTY_SEGMENT).exists():
        folder.mkdir(parents=True, exist_ok=True)
        _write_segment(folder, EMPTY_SEGMENT, [])


def append_decisions(folder: Path, rows: Sequence[Sequence]) -> None:
    """Add `rows` (tuples in `DECISION_COLUMNS` order, increasing event ids) as a new segment."""
    if rows:
        ensure_decisions_export(folder)
        _write_segment(Path(folder), _segment_name(rows[0][0], rows[-1][0]), rows)


def exported_up_to(folder: Path) -> int:
    """The highest event id in any segment (0 for none)."""
    ranges = [r for r in _segments(Path(folder)).values()]
    return max((last for _, last in ranges), default=0)


def compact_decisions(folder: Path, rows: Sequence[Sequence]) -> None:
    """Write every event (`rows`, from the first) as one segment; delete what it superseded long ago."""
    folder = Path(folder)
    if rows:
        name = _segment_name(rows[0][0], rows[-1][0])
        if not (folder / name).exists():
            _write_segment(folder, name, rows)
    remove_superseded(folder)


def live_segment_count(folder: Path) -> int:
    """Segments no wider segment covers: what a compaction would fold into one."""
    segments = _segments(Path(folder))
    return sum(not _covering(name, segments) for name in segments)


def remove_superseded(folder: Path, grace_seconds: float = SUPERSEDED_GRACE_SECONDS) -> None:
    """Delete segments covered by a wider one that has existed for `grace_seconds` (a query that
    listed the old segment has finished by then)."""
    folder = Path(folder)
    segments = _segments(folder)
    written = {name: (folder / name).stat().st_mtime for name in segments}
    old_enough = time.time() - grace_seconds
    for name in segments:
        if any(written[wider] < old_enough for wider in _covering(name, segments)):
            (folder / name).unlink(missing_ok=True)


def _covering(name: str, segments: dict[str, tuple[int, int]]) -> list[str]:
    """The segments wider than `name` that hold all its events (the empty one is never covered)."""
    first, last = segments[name]
    if first == 0:
        return []
    return [other for other, (f, l) in segments.items()
            if f <= first and last <= l and (f, l) != (first, last)]


def write_decisions_export(folder: Path, rows: Iterable[Sequence]) -> None:
    """Start the export afresh with exactly `rows` (for a new warehouse, e.g. in tests)."""
    folder = Path(folder)
    for name in _segments(folder):
        (folder / name).unlink()
    ensure_decisions_export(folder)
    append_decisions(folder, list(rows))


def _segments(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {
        path.name: (int(match.group(1)), int(match.group(2)))
        for path in folder.iterdir()
        if (match := _SEGMENT.fullmatch(path.name))
    }


def _segment_name(first: int, last: int) -> str:
    return f"events-{first:012d}-{last:012d}.parquet"


def _write_segment(folder: Path, name: str, rows: Sequence[Sequence]) -> None:
    partial = folder / f".{name}.writing-{os.getpid()}"  # outside the glob until renamed
    columns = ", ".join(f"{column} {kind}" for column, kind in DECISION_COLUMNS)
    con = duckdb.connect()  # in memory: this never touches the warehouse's own files
    try:
        con.execute(f"CREATE TABLE events ({columns})")
        if rows:
            con.executemany(f"INSERT INTO events VALUES ({', '.join('?' for _ in DECISION_COLUMNS)})", rows)
        con.execute("COPY (SELECT * FROM events ORDER BY event_id) TO ? (FORMAT parquet)", [str(partial)])
    finally:
        con.close()
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself is durable
    finally:
        os.close(descriptor)
