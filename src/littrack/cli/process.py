"""The Prefect settings a littrack process needs, set before Prefect is first imported, so
nobody has to export anything."""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping

# Prefect reads its settings once, when it is first imported.
PREFECT_DEFAULTS = {
    # offline, Prefect's telemetry heartbeat only fails, with a traceback
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # the temporary server's first start migrates Prefect's database: past the default 20 s
    # on a loaded 2-core machine
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
# at a terminal littrack prints its own progress and summary; Prefect's per-task lines are
# in the Prefect UI (a served deployment keeps Prefect's own level for its logs there)
QUIET_PREFECT_CONSOLE = {"PREFECT_LOGGING_LEVEL": "WARNING"}


def set_prefect_defaults(quiet: bool, environ: MutableMapping[str, str] = os.environ) -> None:
    """Set what littrack needs from Prefect, leaving whatever the user set alone."""
    for name, value in (PREFECT_DEFAULTS | (QUIET_PREFECT_CONSOLE if quiet else {})).items():
        environ.setdefault(name, value)


def uses_temporary_prefect_server(environ: MutableMapping[str, str] = os.environ) -> bool:
    return not environ.get("PREFECT_API_URL")


class _RunLogsStayInPrefect(logging.Filter):
    """A flow or task run's own log (its failure, with the traceback) is in the Prefect UI;
    the terminal gets littrack's lines and one `Error:` line. Console handlers run after the
    API handler has sent the full record, so stripping a traceback here loses nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(("prefect.flow_runs", "prefect.task_runs")):
            return False
        record.exc_info = None
        record.exc_text = None
        return True


def keep_tracebacks_off_the_console() -> None:
    """Call once Prefect has set up logging (after importing it)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler) and not any(
            isinstance(f, _RunLogsStayInPrefect) for f in handler.filters
        ):
            handler.addFilter(_RunLogsStayInPrefect())
