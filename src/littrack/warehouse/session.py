"""Opening the warehouse: one writer at a time on the private store, readers on the snapshot."""

from __future__ import annotations

import json
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb

from littrack.parse.records import ParseItem
from littrack.signals import as_stop
from littrack.warehouse.errors import WarehouseBusy, WarehouseError
from littrack.warehouse.decisions_export import ensure_decisions_export
from littrack.warehouse.files import (
    WarehouseFiles,
    prepare_folder,
    publish,
    remove_unfinished_publications,
    writer_lock,
)
from littrack.warehouse.merge import LoadCounts, Staging, admit_to_review, merge_staged
from littrack.warehouse.schema import migrate
from littrack.warehouse.storage import connect_store
from littrack.warehouse.transaction import transaction
from littrack.warehouse.comments import install_comments
from littrack.warehouse.views import install_views


@dataclass(frozen=True)
class Cursor:
    """A query's watermark: searched through these dates, and the PMIDs seen on the last day."""

    edat_until: date | None = None
    mdat_until: date | None = None
    boundary_pmids: frozenset[int] = frozenset()


class Warehouse:
    """The DuckDB warehouse at `path` (the analysts' snapshot) and the files beside it."""

    def __init__(self, path: Path, lock_timeout_seconds: float = 300):
        self.files = WarehouseFiles.beside(Path(path))
        self.lock_timeout_seconds = lock_timeout_seconds

    @property
    def path(self) -> Path:
        return self.files.published

    def check_writable(self) -> None:
        """Fail now, with one line, if a write session could not even create its files."""
        prepare_folder(self.files)

    @contextmanager
    def write(self) -> Iterator[WriteSession]:
        """The exclusive write session on the migrated store; publishes the snapshot at the end.

        Waits at most `lock_timeout_seconds` for another writer, then raises `WarehouseBusy`.
        """
        prepare_folder(self.files)
        with writer_lock(self.files, self.lock_timeout_seconds):
            remove_unfinished_publications(self.files)
            con = self._open_store()
            try:
                migrate(con, str(self.files.store))
                ensure_decisions_export(self.files.decisions_export)
                install_views(con, self.files.placeholders)
                install_comments(con)  # after the views: re-creating a view drops its comments
                _abandon_unfinished_runs(con)
                yield WriteSession(con)
            except BaseException:
                # what was committed is consistent (a failed run's row among it): publish it too,
                # unless that fails as well — then the original error is the one to report
                with suppress(duckdb.Error, WarehouseError):
                    _rollback_if_open(con)
                    self._close_and_publish(con)
                raise
            else:
                self._close_and_publish(con)
            finally:
                con.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection on the published snapshot."""
        if not self.files.published.exists():
            raise WarehouseError(
                f"no warehouse yet at {self.files.published}: run `littrack run` or `littrack demo` first"
            )
        try:
            con = duckdb.connect(str(self.files.published), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open the warehouse {self.files.published}: {exc}") from None
        try:
            yield con
        finally:
            con.close()

    def _close_and_publish(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CHECKPOINT")
        con.close()
        publish(self.files)

    def _open_store(self) -> duckdb.DuckDBPyConnection:
        try:
            return connect_store(self.files.store)
        except duckdb.Error as exc:
            if "Could not set lock" in str(exc):
                raise WarehouseBusy(
                    f"the warehouse store {self.files.store} is open in another program; "
                    f"analysts should open {self.files.published} instead"
                ) from None
            raise WarehouseError(f"cannot open the warehouse store {self.files.store}: {exc}") from None


def _abandon_unfinished_runs(con: duckdb.DuckDBPyConnection) -> None:
    # we hold the writer lock, so a run still 'running' belongs to a process that died
    con.execute(
        "UPDATE runs SET status = 'abandoned', finished_at = current_timestamp,"
        " error = 'the process ended before the run finished' WHERE status = 'running'"
    )


class WriteSession:
    """What a writer can do while it holds the warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def cursor(self, query_key: str) -> Cursor | None:
        """The watermark the last successful run of `query_key` left, if any."""
        row = self.con.execute(
            "SELECT edat_until, mdat_until, boundary_pmids FROM cursors WHERE query_key = ?", [query_key]
        ).fetchone()
        if row is None:
            return None
        return Cursor(row[0], row[1], frozenset(row[2]))

    @contextmanager
    def run(self, query_key: str | None, query: str | None, params: dict | None = None) -> Iterator[Run]:
        """A run: stage items, then merge them in one transaction when the block ends cleanly.

        On an exception nothing is merged, the cursor stays, the run is marked 'failed' with
        the error, and the exception goes on.
        """
        run_id = self.con.execute(
            "INSERT INTO runs (query_key, query, params) VALUES (?, ?, ?) RETURNING id",
            [query_key, query, _json(params or {})],
        ).fetchone()[0]
        run = Run(run_id, query_key, query, Staging(self.con))
        try:
            yield run
            self._finish(run)
        except BaseException as exc:
            _rollback_if_open(self.con)
            self.con.execute(
                "UPDATE runs SET status = 'failed', finished_at = current_timestamp, windows = ?,"
                " found = ?, error = ?, failed_stage = ? WHERE id = ?",
                [_json(run.windows), run.counts.found, _failure(exc), run.stage, run.id],
            )
            raise
        finally:
            run.staging.drop()

    def load_standalone(self, items: Iterable[ParseItem], source: str | None = None) -> tuple[int, LoadCounts]:
        """Load items outside any search (e.g. a file) as a run of their own: (run id, counts)."""
        with self.run(None, source) as run:
            run.load(items)
        return run.id, run.counts

    def _finish(self, run: Run) -> None:
        with transaction(self.con):
            run.counts = self._merge(run)

    def _merge(self, run: Run) -> LoadCounts:
        run.stage = "merge"
        # a quiet night stages nothing: its merge statements would cost time and change nothing
        if run.staging.empty:
            admit_to_review(self.con, run.id)
            counts = LoadCounts(found=run.counts.found)
        else:
            counts = merge_staged(self.con, run.id, run.counts.found)
        run.staging.drop()  # the stages below need the memory more (DuckDB holds temp tables)
        for stage, step in run.before_commit:
            run.stage = stage
            step(self.con)
        if run.cursor is not None:
            self.con.execute(
                "INSERT OR REPLACE INTO cursors VALUES (?, ?, ?, ?, ?, current_timestamp, ?)",
                [run.query_key, run.query, run.cursor.edat_until, run.cursor.mdat_until,
                 sorted(run.cursor.boundary_pmids), run.id],
            )
        self.con.execute(
            "UPDATE runs SET status = 'succeeded', finished_at = current_timestamp, windows = ?,"
            " found = ?, new = ?, updated = ?, unchanged = ?, deleted = ?, quarantined = ?"
            " WHERE id = ?",
            [_json(run.windows), counts.found, counts.new, counts.updated, counts.unchanged,
             counts.deleted, counts.quarantined, run.id],
        )
        return counts


@dataclass
class Run:
    id: int
    query_key: str | None
    query: str | None
    staging: Staging
    windows: list = field(default_factory=list)
    counts: LoadCounts = LoadCounts()
    cursor: Cursor | None = None
    stage: str | None = None  # what the run is doing: recorded as `failed_stage` if it fails
    # (stage, step(con)): run after the merge, in its transaction, before the run row commits
    before_commit: list[tuple[str, Callable]] = field(default_factory=list)

    def add_found(self, n: int) -> None:
        self.counts = LoadCounts(found=self.counts.found + n)

    def load(self, items: Iterable[ParseItem]) -> None:
        """Stage parser items; they are merged when the run ends."""
        self.staging.add(items)

    def set_cursor(self, cursor: Cursor) -> None:
        """The watermark to store if, and only if, this run succeeds."""
        self.cursor = cursor


def _rollback_if_open(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass  # no transaction was open


def _failure(exc: BaseException) -> str:
    stop = as_stop(exc)
    return f"stopped by {stop}" if stop else f"{type(exc).__name__}: {exc}"


def _json(value) -> str:
    return json.dumps(value, default=str)
