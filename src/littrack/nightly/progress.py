"""Progress of long work, sent as log records so the library never draws a progress bar.

A record carries `progress=(stage, done, total)`; the CLI turns those into bars, Prefect and
plain logging show them as lines.
"""

from __future__ import annotations

import logging


def report_progress(logger: logging.Logger, stage: str, done: int, total: int) -> None:
    logger.info("%s: %d/%d", stage, done, total, extra={"progress": (stage, done, total)})
