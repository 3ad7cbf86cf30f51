"""`littrack load`: PubMed XML files (efetch output, baseline or update files) into the warehouse.

Files are parsed in parallel (`nightly.bulk`; fewer files than workers: in parts), a few ahead
of the writer, where the records the configured query finds are admitted to review and tagged.
They are merged one by one in file order, each as a run of its own (one transaction): a
`DeleteCitation` in a later update file deletes what an earlier file loaded. Matching,
duplicate clusters and ranking are refreshed once, in the last file's transaction. A file that
cannot be parsed fails its run and stops the load; the files merged before it stay.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import duckdb

from littrack.config import Config, review_criteria, seed_citation_lines
from littrack.errors import LittrackError
from littrack.match.query_scope import QueryScope
from littrack.nightly.bulk import (
    Submit, StagingFuture, default_workers, file_order, parts_per_file, process_pool,
)
from littrack.nightly.progress import report_progress
from littrack.parse import ParseError
from littrack.parse.stream import Part
from littrack.pubmed.query import QueryError
from littrack.warehouse import LoadCounts, Warehouse, WriteSession

log = logging.getLogger(__name__)

class InputFileError(LittrackError):
    """A file given to `littrack load` is missing or unreadable."""

    exit_code = 2


class UnreadableQuery(LittrackError):
    """`littrack load` reads the configured query on every record, and cannot read this one."""

    exit_code = 2


def _readable_query(query: str) -> str:
    try:
        QueryScope(query)
    except QueryError as exc:
        raise UnreadableQuery(
            f"littrack load finds the records in review by reading [pubmed] query on each one, and"
            f" cannot read it: {exc} (the query language it reads: littrack/pubmed/query.py)"
        ) from None
    return query


class LoadOutOfMemory(LittrackError):
    """The writer's DuckDB ran out of its `load_memory_limit`; the file's run failed, nothing
    of it is stored."""


@dataclass(frozen=True)
class FileLoad:
    path: Path
    run_id: int
    counts: LoadCounts
    admitted: int  # records the configured query found, admitted to review by this file's run


def load_files(
    config: Config,
    paths: list[Path],
    *,
    workers: int | None = None,
    submit: Submit | None = None,
    refresh: bool = True,
    review_all: bool = False,
) -> list[FileLoad]:
    """Load each file as its own run, in `file_order`; refresh matches once, with the last.

    `workers` files (or parts of fewer files) are parsed at a time (default: one per CPU), in a local process pool
    unless `submit` stages them elsewhere (the Prefect flow's Dask workers). `refresh=False`
    leaves matching, clusters, tags and ranking to the next run (bench/load.py times the load
    alone that way). Only the records the configured query finds go to review, unless
    `review_all` (a file of the team's own search results, say).
    """
    for path in paths:
        if not path.is_file():
            raise InputFileError(f"no such file: {path}")
    query = None if review_all else _readable_query(config.pubmed.query)
    warehouse = Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)
    warehouse.check_writable()
    parts = parts_per_file(len(paths), workers or default_workers())
    workers = max(1, min(workers or default_workers(), len(paths) * parts))
    with ExitStack() as stack:
        # beside the warehouse: a remote Dask cluster's workers see it where they see the warehouse
        staging = Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix=".littrack-load-", dir=warehouse.path.parent)
        ))
        if submit is None:  # entered last, so its workers have stopped before staging goes
            submit = stack.enter_context(process_pool(workers))
        ahead = _Ahead(submit, file_order(paths), staging, parts, query, limit=workers + 1)
        ahead.fill()  # parsing starts before the writer lock is taken
        with warehouse.write() as db:
            # the merge spills to disk past this, so the writer's memory stays bounded however
            # big a file is (DuckDB would otherwise take up to 80% of the machine's)
            limit = config.warehouse.load_memory_limit
            db.con.execute(f"SET memory_limit = '{limit}'")
            try:
                return [
                    _merge(db, path, staged_parts, refresh=config if refresh and number == len(paths) else None)
                    for number, (path, staged_parts) in enumerate(ahead.in_order(len(paths)), start=1)
                ]
            except duckdb.OutOfMemoryException as exc:
                raise LoadOutOfMemory(
                    f"the load needs more memory than [warehouse] load_memory_limit = {limit!r}:"
                    f" raise it in config.toml ({str(exc).splitlines()[0]})"
                ) from None


class _Ahead:
    """Keeps at most `limit` parts submitted and not yet merged (and at least one file's): staging
    files on disk stay bounded however many files are loaded."""

    def __init__(
        self, submit: Submit, paths: list[Path], staging: Path, parts: int, query: str | None, limit: int
    ):
        self._submit, self._staging, self._parts, self._limit = submit, staging, parts, limit
        self._query = query
        self._waiting = deque(enumerate(paths))
        self._submitted: deque[tuple[Path, list[StagingFuture]]] = deque()

    def fill(self) -> None:
        while self._waiting and (not self._submitted or len(self._submitted) * self._parts < self._limit):
            number, path = self._waiting.popleft()
            folders = [self._staging / f"{number:06d}-{index}" for index in range(self._parts)]
            self._submitted.append((path, [
                self._submit(path, folder, Part(index, self._parts), self._query)
                for index, folder in enumerate(folders)
            ]))

    def in_order(self, total: int):
        done = 0
        while self._submitted:
            yield self._submitted.popleft()
            done += 1
            report_progress(log, "files", done, total)
            self.fill()


def _merge(db: WriteSession, path: Path, parts: list[StagingFuture], refresh: Config | None) -> FileLoad:
    """Merge one staged file (its parts in order) as a run; with `refresh`, the last file's run
    also refreshes matches, clusters, tags and ranking in its transaction (a failure there fails
    the run)."""
    with db.run(None, str(path)) as run:
        for part in parts:
            try:
                staged = part.result()
            except ParseError as exc:
                raise ParseError(f"{path}: {exc}") from None
            run.staging.load(staged)
            shutil.rmtree(staged.folder)
        if refresh is not None:
            # imported only when needed: the ranking's scikit-learn alone is ~150 MB of memory
            from littrack.nightly.pipeline import match_and_dedupe

            citations, criteria = seed_citation_lines(refresh.seeds), review_criteria(refresh.review)
            run.before_commit.append(
                ("match", lambda con: match_and_dedupe(con, citations, run.id, criteria))
            )
    admitted = db.con.execute("SELECT count(*) FROM query_matches WHERE run_id = ?", [run.id]).fetchone()[0]
    return FileLoad(path, run.id, run.counts, admitted)
