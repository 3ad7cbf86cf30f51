"""The analysts' views as Parquet (issue 14): each file read back with DuckDB has the view's
rows and the documented column types; a failed export leaves the folder as it was."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import duckdb
import pytest

from littrack.match.dedupe_store import refresh_clusters
from littrack.match.store import sync_seeds
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.warehouse import Warehouse, WarehouseError
from littrack.warehouse.decisions_export import write_decisions_export
from littrack.warehouse.parquet_export import ORDER_BY, VIEW_SCHEMAS, export_parquet

SEED = ("Adamantidis AR, de Lecea L. Sleep and the hypothalamus. Science. 2023;382(6669):405-412."
        " doi: 10.1126/science.adh8285")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, efetch_samples) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("parquet") / "littrack.duckdb")
    with wh.write() as db:
        db.load_standalone([item for path in efetch_samples for item in iter_pubmed(path)
                            if isinstance(item, PubmedRecord)])
        sync_seeds(db.con, [SEED])
        refresh_clusters(db.con)
    at = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    write_decisions_export(wh.files.decisions_export, [
        (1, 34751700, [], "ana", "decide", "exclude", "not CRPS", "a note", ["rct"], 1, "h", at),
        (2, 34751700, [], "ben", "decide", "include", None, None, [], 1, "h", at),
        (3, 33967209, [], "ana", "decide", "include", None, None, [], 1, "h", at),
    ])
    return wh


@pytest.fixture(scope="module")
def exported(warehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp("out") / "parquet"
    with warehouse.read() as con:
        return folder, export_parquet(con, folder)


def test_every_main_view_is_written_once(exported):
    folder, files = exported
    assert [f.view for f in files] == list(VIEW_SCHEMAS)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{v}.parquet" for v in VIEW_SCHEMAS)


@pytest.mark.parametrize("view", list(VIEW_SCHEMAS))
def test_a_file_reads_back_with_the_views_rows_and_the_documented_types(warehouse, exported,
                                                                         view):
    folder, files = exported
    path = str(folder / f"{view}.parquet")
    reader = duckdb.connect()
    types = reader.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM"
                           " read_parquet(?))", [path]).fetchall()
    assert types == [(name, _duckdb_type(kind)) for name, kind in VIEW_SCHEMAS[view]]
    columns = ", ".join(f'"{name}"' for name, _ in VIEW_SCHEMAS[view])
    from_file = reader.execute(f"SELECT * FROM read_parquet(?) ORDER BY {ORDER_BY[view]}",
                               [path]).fetchall()
    with warehouse.read() as con:
        view_types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {view})"
                                      ).fetchall())
        from_view = con.execute(
            f"SELECT {columns} FROM {view} ORDER BY {ORDER_BY[view]}").fetchall()
    assert [(name, view_types[name]) for name, _ in types] == types  # the view's own types
    assert from_file == from_view
    assert next(f.rows for f in files if f.view == view) == len(from_view) > 0


def _duckdb_type(kind: str) -> str:
    return {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}.get(kind, kind)


def test_a_failed_export_leaves_the_folder_as_it_was(warehouse, exported, tmp_path):
    old = tmp_path / "old.duckdb"  # a snapshot from before the decision views existed
    shutil.copyfile(warehouse.path, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP VIEW screening_status")
    folder, _ = exported
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with duckdb.connect(str(old), read_only=True) as con, pytest.raises(WarehouseError) as raised:
        export_parquet(con, folder)
    assert str(raised.value) == (
        "the warehouse has no view screening_status: it was written by an older littrack; any"
        " write (`littrack run`, `littrack load`) installs the current views")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
