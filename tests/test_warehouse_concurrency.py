"""Warehouse concurrency and crash safety (issue 4), with real child processes.

An analyst's session on the published file never blocks the nightly; a second writer waits
at most lock_timeout; a run SIGKILLed mid-load and rerun leaves the same tables as one that
was never interrupted.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import duckdb
import pytest
from support import comparable_tables, python_child
from test_warehouse_samples import (
    FIRST_CURSOR,
    SECOND_CURSOR,
    first_night,
    load_night,
    second_night,
)

from littrack.warehouse import Warehouse, WarehouseBusy
from littrack.warehouse.files import WarehouseFiles, clone_file

KILLED_MID_LOAD = """
import sys, time
from pathlib import Path
from test_warehouse_samples import SECOND_CURSOR, second_night
from littrack.warehouse import Warehouse

def stalls_halfway(items):
    yield from items[:2]
    print("LOADING", flush=True)
    time.sleep(600)

with Warehouse(Path(sys.argv[1])).write() as db:
    with db.run("crps", "ketamine AND CRPS", {}) as run:
        run.load(second_night()[2:])  # one batch fully staged
        run.set_cursor(SECOND_CURSOR)
        run.load(stalls_halfway(second_night()))
"""

ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "SELECT count(*), max(version) FROM papers"
print(*con.execute(query).fetchone(), flush=True)
sys.stdin.readline()  # the nightly runs meanwhile
print(*con.execute(query).fetchone(), flush=True)
"""


def test_a_run_killed_mid_load_then_rerun_equals_an_uninterrupted_run(tmp_path):
    reference = tmp_path / "reference" / "littrack.duckdb"
    load_night(reference, first_night(), FIRST_CURSOR)
    load_night(reference, second_night(), SECOND_CURSOR)

    crashed = tmp_path / "crashed" / "littrack.duckdb"
    load_night(crashed, first_night(), FIRST_CURSOR)
    child = python_child(KILLED_MID_LOAD, crashed)
    assert child.stdout.readline() == "LOADING\n"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    load_night(crashed, second_night(), SECOND_CURSOR)

    assert comparable_tables(crashed) == comparable_tables(reference)
    assert comparable_tables(reference)["records"]  # the comparison is not of empty tables
    with Warehouse(crashed).read() as con:
        assert con.execute("SELECT status, error FROM runs ORDER BY id").fetchall() == [
            ("succeeded", None),
            ("abandoned", "the process ended before the run finished"),
            ("succeeded", None),
        ]


def test_an_analyst_holding_the_warehouse_open_never_blocks_the_nightly(tmp_path):
    path = tmp_path / "littrack.duckdb"
    load_night(path, first_night(), FIRST_CURSOR)
    analyst = python_child(ANALYST, path)
    try:
        assert analyst.stdout.readline() == "3 1\n"
        counts = load_night(path, second_night(), SECOND_CURSOR)
        assert counts.updated == 2
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline() == "3 1\n"  # still the consistent state it opened
    finally:
        analyst.kill()
        analyst.wait()
    with Warehouse(path).read() as con:
        assert con.execute("SELECT count(*), max(version) FROM papers").fetchone() == (3, 2)


def test_a_snapshot_held_open_for_several_nights_is_never_rewritten(tmp_path):
    """Two publishes later a snapshot is the spare the writer rewrites in place: not while a
    reader holds it, in another process or in the writer's own."""
    path = tmp_path / "littrack.duckdb"
    load_night(path, first_night(), FIRST_CURSOR)
    analysts_file = _kept(path, tmp_path / "held-by-the-analyst")
    analyst = python_child(ANALYST, path)
    try:
        assert analyst.stdout.readline() == "3 1\n"
        load_night(path, second_night(), SECOND_CURSOR)
        ours = _kept(path, tmp_path / "held-here")
        with duckdb.connect(str(path), read_only=True) as here:
            load_night(path, [], SECOND_CURSOR)  # would rewrite the analyst's file
            load_night(path, [], SECOND_CURSOR)  # would rewrite ours
            assert here.execute("SELECT count(*), max(version) FROM papers").fetchone() == (3, 2)
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline() == "3 1\n"
    finally:
        analyst.kill()
        analyst.wait()
    assert [link.read_bytes() == data for link, data in (analysts_file, ours)] == [True, True]


def _kept(path: Path, link: Path) -> tuple[Path, bytes]:
    """A second name for the file at `path` now, and its bytes: to see it later, whatever
    name it has by then."""
    os.link(path, link)
    return link, link.read_bytes()


def test_with_no_reader_the_spare_is_rewritten_into_the_next_snapshot(tmp_path):
    path = tmp_path / "littrack.duckdb"
    files = WarehouseFiles.beside(path)
    load_night(path, first_night(), FIRST_CURSOR)
    load_night(path, second_night(), SECOND_CURSOR)
    spare = files.spare.stat().st_ino
    load_night(path, [], SECOND_CURSOR)
    if clone_file(files.store, tmp_path / "clone-probe"):
        pytest.skip("this filesystem clones files: the spare is not needed")
    assert path.stat().st_ino == spare  # the spare became the snapshot, rewritten where it differed
    assert path.read_bytes() == files.store.read_bytes()
    assert len(list(tmp_path.glob("*.duckdb*"))) == 4  # snapshot, spare, store, lock


def test_a_second_writer_waits_for_the_lock_timeout_then_is_told_why(tmp_path):
    path = tmp_path / "littrack.duckdb"
    with Warehouse(path).write():
        with pytest.raises(WarehouseBusy) as busy:
            with Warehouse(path, lock_timeout_seconds=0.3).write():
                pass
    assert str(busy.value) == (
        f"the warehouse {path} is busy: another littrack run is writing to it "
        "(waited 0.3 s; see [warehouse] lock_timeout_seconds)"
    )
    with Warehouse(path, lock_timeout_seconds=0.3).write():
        pass  # free again once the first writer is done


def test_a_program_holding_the_store_itself_makes_the_writer_busy_not_broken(tmp_path):
    path = tmp_path / "littrack.duckdb"
    wh = Warehouse(path)
    with wh.write():
        pass
    intruder = python_child(ANALYST.replace("papers", "records"), wh.files.store)
    try:
        assert intruder.stdout.readline() == "0 None\n"
        with pytest.raises(WarehouseBusy, match=rf"store {wh.files.store} is open in another program; "
                                                 rf"analysts should open {path} instead"):
            with wh.write():
                pass
    finally:
        intruder.kill()
        intruder.wait()
