"""Bulk loading PubMed files through Prefect: each file parsed by a task on Dask workers.

Wiring only: `littrack.nightly.files.load_files` does the work; here its files are staged by
a Prefect task on a `DaskTaskRunner` (a local Dask cluster of `workers` processes, or the
cluster at `dask_address`), and the flow itself is the single writer that merges them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner
from pydantic import BaseModel, Field

from littrack.config import load_config, with_overrides
from littrack.nightly.bulk import stage_file
from littrack.nightly.files import FileLoad, load_files

# a file's staging folder is new each load: nothing to cache
parse_file = task(stage_file, name="parse-file", cache_policy=NO_CACHE)


class BulkLoadParameters(BaseModel):
    """The files to load, and where their parsing runs."""

    files: list[str] = Field(min_length=1)
    config_path: str | None = None
    warehouse_path: str | None = None  # overrides [warehouse] path
    workers: int = Field(2, ge=1)  # files parsed at a time (local cluster: its worker processes)
    dask_address: str | None = None  # an existing Dask scheduler, e.g. tcp://10.0.0.5:8786
    refresh: bool = True  # false: leave matching, clusters, tags and ranking to the next run
    review_all: bool = False  # every record to review, not only those the configured query finds


def bulk_load(parameters: BulkLoadParameters) -> list[FileLoad]:
    """Run the bulk-load flow on the Dask cluster the parameters name."""
    # the cluster's own start/stop chatter is not the user's business; its warnings are
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if parameters.dask_address:
        runner = DaskTaskRunner(address=parameters.dask_address)
    else:
        # one single-threaded process per worker: parsing is CPU-bound Python
        runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": parameters.workers, "threads_per_worker": 1, "processes": True}
        )
    return _bulk_load.with_options(task_runner=runner)(parameters)


@flow(name="littrack-bulk-load", log_prints=False)
def _bulk_load(parameters: BulkLoadParameters) -> list[FileLoad]:
    """Parse PubMed baseline/update files on Dask workers and merge them, in order, into DuckDB."""
    config = with_overrides(load_config(parameters.config_path), warehouse_path=parameters.warehouse_path)
    return load_files(
        config,
        [Path(f) for f in parameters.files],
        workers=parameters.workers,
        submit=parse_file.submit,
        refresh=parameters.refresh,
        review_all=parameters.review_all,
    )
