"""The on-disk format of the store, and so of the analysts' snapshot copied from it.

DuckDB 2.0 writes storage version 69 by default, which the DuckDB tools analysts have cannot
read ("we can only read versions between 64 and 68": duckdb-cli 1.5, DBeaver and Harlequin on
DuckDB 1.x). The store is written in the 1.5 format instead, which 2.0 reads and writes too.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

READER_STORAGE_VERSION = "v1.5.0"  # the oldest DuckDB the published file must open in
READER_MAX_FORMAT = 68  # the newest format number DuckDB 1.5 reads (its header says which)


def connect_store(path: Path) -> duckdb.DuckDBPyConnection:
    """The read-write connection on the store, converting a store in a newer format first."""
    if _format_number(path) > READER_MAX_FORMAT:
        _convert(path)
    return duckdb.connect(str(path), config={"storage_compatibility_version": READER_STORAGE_VERSION})


def storage_version(path: Path) -> str:
    """The format a database file is written in, as DuckDB names it ("v1.5.0+")."""
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS probed (READ_ONLY)", [str(path)])
        return con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'probed'"
        ).fetchone()[0]
    finally:
        con.close()


def _format_number(path: Path) -> int:
    """The format number in the file's header (bytes 12-19 after the checksum and b"DUCK"),
    read without opening the database: a night must not pay an extra open for it. 0 when
    there is no file or no DuckDB header (opening it then says what is wrong)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except FileNotFoundError:
        return 0
    if len(header) < 20 or header[8:12] != b"DUCK":
        return 0
    return int.from_bytes(header[12:20], "little")


def _convert(path: Path) -> None:
    """Rewrite the store in the readers' format (tables, views, sequences and their values)."""
    converted = path.with_name(f"{path.name}.converting")
    converted.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS old (READ_ONLY)", [str(path)])
        con.execute(f"ATTACH ? AS new (STORAGE_VERSION '{READER_STORAGE_VERSION}')", [str(converted)])
        con.execute("COPY FROM DATABASE old TO new")
        con.execute("DETACH new")
    finally:
        con.close()
    with open(converted, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(converted, path)
