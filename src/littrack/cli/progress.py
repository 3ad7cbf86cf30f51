"""Rich progress bars fed by the library's progress log records (see nightly/progress.py)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from littrack.cli.common import error_console


class _ProgressHandler(logging.Handler):
    """Starts the display on the first progress record, so quick commands print nothing."""

    def __init__(self, progress: Progress):
        super().__init__(logging.INFO)
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        stage, done, total = getattr(record, "progress", (None, 0, 0))
        if stage is None:
            return
        if not self.tasks:
            self.progress.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@contextmanager
def progress_bars():
    """Show a bar per stage while the body runs (on stderr, so stdout stays the summary)."""
    logger = logging.getLogger("littrack")
    progress = Progress(
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=error_console,
        transient=False,
    )
    handler = _ProgressHandler(progress)
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(previous_level or logging.INFO, logging.INFO))
    try:
        yield
    finally:
        if handler.tasks:
            progress.stop()
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
