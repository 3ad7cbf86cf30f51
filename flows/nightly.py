"""The nightly Prefect flow: the library's run, with each stage a Prefect task.

Everything here is wiring; the logic lives in `littrack.nightly` and runs without Prefect.
"""

from __future__ import annotations

import logging
from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.logging.handlers import APILogHandler
from pydantic import BaseModel, model_validator

from littrack.config import Config, load_config, with_overrides
from littrack.digest.after_run import without_mail
from littrack.digest.on_demand import failed_run_report, run_digest
from littrack.errors import LittrackError
from littrack.nightly.pipeline import (
    RunOptions,
    Steps,
    fetch_and_load,
    match_and_dedupe,
    run_nightly,
    search_seed_candidates,
    search_windows,
)
from littrack.nightly.report import RunSummary
from littrack.pubmed import PubMedUnavailable


class _InsideRuns(logging.Filter):
    """Only records logged inside a flow or task run can be attached to one in the API."""

    def filter(self, record: logging.LogRecord) -> bool:
        return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def _send_library_logs_to_prefect() -> None:
    """The library's own log lines (windows searched, ids found, retries, progress) belong in
    the run's logs in the Prefect UI, not only on the console."""
    library = logging.getLogger("littrack")
    if not any(isinstance(h, APILogHandler) for h in library.handlers):
        handler = APILogHandler()
        handler.addFilter(_InsideRuns())
        library.addHandler(handler)
    if library.getEffectiveLevel() > logging.INFO:
        library.setLevel(logging.INFO)


_send_library_logs_to_prefect()


def _pubmed_was_down(task, task_run, state) -> bool:
    """Retry a stage only when PubMed stayed unavailable through the client's own retries."""
    try:
        state.result()
    except PubMedUnavailable:
        return True
    except Exception:
        return False
    return False


# The client already retries each request with back-off; these task retries cover an outage
# longer than that, a few minutes later. Inputs hold live connections: never cache them.
_pubmed_task = dict(
    retries=2,
    retry_delay_seconds=[120, 600],
    retry_condition_fn=_pubmed_was_down,
    cache_policy=NO_CACHE,
)
PREFECT_STEPS = Steps(
    search=task(search_windows, name="search", **_pubmed_task),
    search_seeds=task(search_seed_candidates, name="search-seeds", **_pubmed_task),
    fetch_and_load=task(fetch_and_load, name="fetch-parse-load", **_pubmed_task),
    match=task(match_and_dedupe, name="match-and-dedupe", cache_policy=NO_CACHE),
)
# Someone waiting at a terminal gets an answer, not a retry ten minutes later.
INTERACTIVE_STEPS = Steps(
    **{
        name: getattr(PREFECT_STEPS, name).with_options(retries=0)
        for name in Steps.__dataclass_fields__
    }
)


class NightlyParameters(BaseModel):
    """What a run may be told; by default it continues from the last successful run."""

    since: date | None = None
    until: date | None = None
    today: date | None = None  # pretend the run happens on this day (replays, demo, tests)
    config_path: str | None = None
    base_url: str | None = None  # overrides [pubmed] base_url
    warehouse_path: str | None = None  # overrides [warehouse] path
    # set by an interactive `littrack run`: no task retries, and each request gives up
    # this many seconds after its first failure
    give_up_after: float | None = None
    mail_digest: bool = True  # false: mail nobody (the demo's synthetic nights)

    @model_validator(mode="after")
    def _window_in_order(self):
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self


@flow(name="littrack-nightly", log_prints=False)
def nightly(parameters: NightlyParameters = NightlyParameters()) -> RunSummary:
    """Search PubMed for new and changed CRPS/ketamine papers and load them into DuckDB."""
    logger = get_run_logger()
    config = with_overrides(
        load_config(parameters.config_path),
        base_url=parameters.base_url,
        warehouse_path=parameters.warehouse_path,
    )
    options = RunOptions(
        since=parameters.since,
        until=parameters.until,
        today=parameters.today,
        give_up_after=parameters.give_up_after,
    )
    steps = PREFECT_STEPS if parameters.give_up_after is None else INTERACTIVE_STEPS
    if not parameters.mail_digest:
        config = without_mail(config)
    try:
        summary = run_nightly(config, options, steps=steps)
    except Exception as error:  # a failed night still gets its report (a stop does not)
        create_markdown_artifact(
            failed_run_report(config, error), key="littrack-run-report", description="Failed run"
        )
        raise
    create_markdown_artifact(  # the morning digest, its chart as a table
        run_digest(config, summary.run_id).markdown,
        key="littrack-run-report",
        description=f"Run {summary.run_id}",
    )
    logger.info("run %s %s: %s", summary.run_id, summary.status, summary.counts)
    return summary


class ServeError(LittrackError):
    """`littrack serve` cannot reach a Prefect server to schedule on."""

    exit_code = 2


def scheduled_deployment(config: Config):
    """The nightly flow as a deployment on `[schedule] cron`, reading this config file."""
    from prefect.schedules import Cron

    return nightly.to_deployment(
        name="littrack-nightly",
        schedules=[Cron(config.schedule.cron, timezone=config.schedule.timezone)],
        parameters={"parameters": {"config_path": str(config.source.resolve())}},
        description="Nightly PubMed search for ketamine in CRPS (littrack).",
    )


def serve_on_schedule(config: Config) -> None:
    """Register the flow with the Prefect server and run it whenever the schedule says."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise ServeError(
            "schedules need a running Prefect server: start one with `prefect server start`"
            " and set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    serve(scheduled_deployment(config))
