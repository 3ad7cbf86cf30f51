"""The analysts' main views as Parquet files, for pandas, R (arrow) or polars.

`littrack export --format parquet --output DIR` writes `DIR/<view>.parquet` for each view in
`VIEW_SCHEMAS`, always with exactly those columns and types in that order (cast, so a change
to a view's SQL cannot silently change a file's schema; a column a view lost is an error), in
the order given by `ORDER_BY`. Views of later stages that exist (`OPTIONAL_VIEWS`) are
written with the columns their stage gives them. The files are written into a staging folder
inside DIR and renamed into place only once every one is complete and on disk: a reader sees
the previous export's file or the new one, never half a file, and an export that fails (a view
missing or unreadable) leaves DIR as it was.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from littrack.warehouse.errors import WarehouseError
from littrack.warehouse.files import fsync_folder
from littrack.warehouse.views import require_views

_PAPER_COLUMNS = (
    ("pmid", "BIGINT"), ("version", "INTEGER"), ("title", "VARCHAR"), ("abstract", "VARCHAR"),
    ("journal", "VARCHAR"), ("journal_iso", "VARCHAR"), ("pub_year", "INTEGER"),
    ("pub_date", "DATE"), ("volume", "VARCHAR"), ("issue", "VARCHAR"), ("pages", "VARCHAR"),
    ("doi", "VARCHAR"), ("pmcid", "VARCHAR"), ("language", "VARCHAR[]"),
    ("publication_types", "VARCHAR[]"), ("mesh_terms", "VARCHAR[]"), ("keywords", "VARCHAR[]"),
    ("authors", "VARCHAR[]"), ("first_author", "VARCHAR"), ("medline_status", "VARCHAR"),
    ("publication_status", "VARCHAR"), ("is_retracted", "BOOLEAN"),
    ("first_seen_at", "TIMESTAMPTZ"), ("updated_at", "TIMESTAMPTZ"), ("kind", "VARCHAR"),
    ("mesh", "STRUCT(descriptor VARCHAR, ui VARCHAR, major_topic BOOLEAN, qualifiers VARCHAR[])[]"),
    ("entrez_date", "DATE"), ("date_revised", "DATE"), ("first_seen_run_id", "BIGINT"),
    ("last_run_id", "BIGINT"), ("pubmed_url", "VARCHAR"), ("record_json", "JSON"),
)

VIEW_SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "papers": _PAPER_COLUMNS,
    # the queue's own columns are the papers'; stages that join more to it export them
    # through their own views
    "review_queue": _PAPER_COLUMNS,
    "current_decisions": (
        ("pmid", "BIGINT"), ("reviewer", "VARCHAR"), ("decision", "VARCHAR"),
        ("reason", "VARCHAR"), ("note", "VARCHAR"), ("tags", "VARCHAR[]"),
        ("decided_at", "TIMESTAMPTZ"), ("event_id", "BIGINT"), ("cluster_pmids", "BIGINT[]"),
        ("paper_version", "INTEGER"), ("paper_hash", "VARCHAR"),
    ),
    "screening_status": (
        ("pmid", "BIGINT"), ("cluster_id", "VARCHAR"), ("status", "VARCHAR"),
        ("decision", "VARCHAR"), ("reason", "VARCHAR"), ("reviewers", "BIGINT"),
        ("resolved_by", "VARCHAR"), ("resolved_at", "TIMESTAMPTZ"), ("decided_at", "TIMESTAMPTZ"),
    ),
    "seed_citations": (
        ("citation_id", "BIGINT"), ("ref_no", "INTEGER"), ("citation", "VARCHAR"),
        ("cited_title", "VARCHAR"), ("cited_authors", "VARCHAR[]"), ("cited_journal", "VARCHAR"),
        ("cited_year", "INTEGER"), ("status", "VARCHAR"), ("pmid", "BIGINT"), ("score", "DOUBLE"),
        ("evidence", "JSON"), ("matched_at", "TIMESTAMPTZ"), ("run_id", "BIGINT"),
        ("paper_title", "VARCHAR"), ("first_seen_at", "TIMESTAMPTZ"),
        ("first_seen_run_id", "BIGINT"), ("last_run_id", "BIGINT"),
    ),
}
ORDER_BY = {"papers": "pmid", "review_queue": "pmid", "current_decisions": "pmid, reviewer",
            "screening_status": "pmid", "seed_citations": "ref_no, citation_id"}
OPTIONAL_VIEWS = ("paper_tags", "relevance_scores")


@dataclass(frozen=True, slots=True)
class ParquetFile:
    view: str
    path: Path
    rows: int


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[ParquetFile]:
    """Write every main view (and each optional one that exists) to `folder`, all or nothing."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = folder / f".littrack-export-{os.getpid()}"
        staging.mkdir(exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    try:
        written = [_write(con, view, staging) for view in _views(con)]
        for item in written:
            os.replace(item.path, folder / item.path.name)
        fsync_folder(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [ParquetFile(item.view, folder / item.path.name, item.rows) for item in written]


def _views(con) -> list[str]:
    require_views(con, VIEW_SCHEMAS)
    present = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    return [*VIEW_SCHEMAS, *(view for view in OPTIONAL_VIEWS if view in present)]


def _write(con, view: str, staging: Path) -> ParquetFile:
    path = staging / f"{view}.parquet"
    if view in VIEW_SCHEMAS:
        columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"'
                            for name, kind in VIEW_SCHEMAS[view])
        query = f'SELECT {columns} FROM "{view}" ORDER BY {ORDER_BY[view]}'
    else:
        query = f'SELECT * FROM "{view}"'
    try:
        con.execute(f"COPY ({query}) TO ? (FORMAT parquet)", [str(path)])
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot export the view {view}: {exc}") from None
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
    return ParquetFile(view, path, rows)

