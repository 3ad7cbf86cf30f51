"""The analysts' file opens in the DuckDB tools analysts have (issue 11, point 5): the pip
`duckdb-cli` 1.5 (and DBeaver/Harlequin on DuckDB 1.x) read storage versions 64-68 only."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from littrack.parse import iter_pubmed
from littrack.warehouse import Warehouse
from littrack.warehouse.storage import storage_version


def cli_1_5(path, sql: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "duckdb_cli", "-readonly", "-csv", "-noheader", str(path), "-c", sql],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def load_samples(path, samples):
    with Warehouse(path).write() as db:
        for sample in samples:
            db.load_standalone(iter_pubmed(sample.read_bytes()), source=sample.name)


def test_duckdb_cli_1_5_reads_the_published_warehouse(tmp_path, efetch_samples):
    published = tmp_path / "littrack.duckdb"
    load_samples(published, efetch_samples[:10])
    assert cli_1_5(published, "SELECT version()") == "v1.5.6"
    with Warehouse(published).read() as con:
        expected = con.execute("SELECT count(*), min(title) FROM papers").fetchone()
    assert cli_1_5(published, "SELECT count(*) FROM papers") == str(expected[0])
    assert cli_1_5(published, "SELECT count(*) FROM review_queue") == str(expected[0])


def test_a_store_in_duckdb_2_s_own_format_is_converted_keeping_rows_and_sequences(
    tmp_path, efetch_samples
):
    published = tmp_path / "littrack.duckdb"
    load_samples(published, efetch_samples[:3])
    store = Warehouse(published).files.store
    # what a warehouse made before this change looks like: the same data in version 69
    old = tmp_path / "old.duckdb"
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(store)])
    con.execute("ATTACH ? AS b (STORAGE_VERSION 'v2.0.0')", [str(old)])
    con.execute("COPY FROM DATABASE a TO b")
    con.close()
    old.replace(store)
    assert storage_version(store) == "v2.0.0+"

    load_samples(published, efetch_samples[3:5])

    assert storage_version(store) == storage_version(published) == "v1.5.0+"
    with Warehouse(published).read() as con:
        assert con.execute("SELECT list(id ORDER BY id) FROM runs").fetchone()[0] == [1, 2, 3, 4, 5]
    assert cli_1_5(published, "SELECT count(*) FROM runs") == "5"
