"""`littrack load`: PubMed XML files (efetch output, baseline or update files) into the warehouse."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from littrack.config import Config, seed_citation_lines
from littrack.errors import LittrackError
from littrack.nightly.pipeline import match_and_dedupe
from littrack.nightly.progress import report_progress
from littrack.parse import iter_pubmed
from littrack.warehouse import LoadCounts, Warehouse

log = logging.getLogger(__name__)


class InputFileError(LittrackError):
    """A file given to `littrack load` is missing or unreadable."""

    exit_code = 2


@dataclass(frozen=True)
class FileLoad:
    path: Path
    run_id: int
    counts: LoadCounts


def load_files(config: Config, paths: list[Path]) -> list[FileLoad]:
    """Load each file as its own run (one transaction each), then refresh matches once."""
    for path in paths:
        if not path.is_file():
            raise InputFileError(f"no such file: {path}")
    warehouse = Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)
    loads = []
    with warehouse.write() as db:
        for number, path in enumerate(paths, start=1):
            run_id, counts = db.load_standalone(iter_pubmed(path), source=str(path))
            loads.append(FileLoad(path, run_id, counts))
            report_progress(log, "files", number, len(paths))
        match_and_dedupe(db.con, seed_citation_lines(config.seeds), run_id=loads[-1].run_id)
    return loads
