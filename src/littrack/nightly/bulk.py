"""Parsing many PubMed files at once: worker processes stage files, the one writer merges them.

A worker streams one file, or one `Part` of it, through the parser into staging files
(`warehouse.staged`), holding about one parser batch in memory, and reads the configured query
on each record to find those in review (`match.query_scope`); the writer merges each file's
staged parts, in file order, as a run of its own. `stage_file` is what a worker runs: here in a
process pool, or as a Prefect task on Dask workers (`flows/bulk_load.py`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from littrack.match.query_scope import EveryRecord, QueryScope
from littrack.parse import iter_pubmed
from littrack.parse.stream import Part
from littrack.warehouse.staged import StagedItems, stage_items

# baseline and update files: pubmed25n0001.xml.gz ... (the year's baseline, then its updates)
_PUBMED_FILE = re.compile(r"^pubmed(\d+)n(\d+)\.xml(?:\.gz)?$")


class StagingFuture(Protocol):
    def result(self) -> StagedItems: ...


Submit = Callable[[Path, Path, Part, str | None], StagingFuture]
"""Start staging one part of a file (`path`, into `folder`, in review what `query` finds, or
every record if None) somewhere; the future gives its `StagedItems`."""


def file_order(paths: Sequence[Path]) -> list[Path]:
    """The order files are merged in: PubMed baseline/update files by their number (updates
    delete and revise what earlier files hold), any other names as given."""
    numbers = [_PUBMED_FILE.match(path.name) for path in paths]
    if not paths or not all(numbers):
        return list(paths)
    return [path for _, path in sorted(zip(((int(m[1]), int(m[2])) for m in numbers), paths))]


def stage_file(path: Path, folder: Path, part: Part, query: str | None) -> StagedItems:
    """Parse one PubMed XML file, or `part` of it, into staging files in `folder`, the records
    `query` finds (every record if None) in review (runs in a worker)."""
    scope = QueryScope(query) if query is not None else EveryRecord()
    return stage_items(iter_pubmed(path, part), folder, scope)


def parts_per_file(files: int, workers: int) -> int:
    """Fewer files than workers: each file is parsed in parts, so that no worker sits idle."""
    return max(1, workers // max(files, 1))


def default_workers() -> int:
    return os.cpu_count() or 1


@contextmanager
def process_pool(workers: int) -> Iterator[Submit]:
    """`workers` fresh processes (spawned: nothing of the writer's state, such as an open
    database, is inherited) that stage files."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    try:
        yield partial(_submit, pool)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def _submit(pool: ProcessPoolExecutor, path: Path, folder: Path, part: Part, query: str | None) -> Future:
    return pool.submit(stage_file, path, folder, part, query)
