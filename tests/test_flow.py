"""The nightly Prefect flow (issue 4, point 3): real flow runs on a test Prefect server."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.nightly import NightlyParameters, nightly
from littrack.pubmed.standin import Faults, StandIn
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")


def test_the_flow_runs_every_stage_as_a_task_and_publishes_its_report(prefect_harness, tmp_path):
    from prefect.artifacts import Artifact

    warehouse = tmp_path / "littrack.duckdb"
    with StandIn(corpus=generate_corpus(60, seed=3).articles) as pubmed:
        state = nightly(
            NightlyParameters(
                config_path=str(REPO / "config.toml"),
                base_url=pubmed.base_url,
                warehouse_path=str(warehouse),
                today=LATER_DATE,
            ),
            return_state=True,
        )
    assert state.is_completed(), state.message
    summary = state.result()
    with Warehouse(warehouse).read() as con:
        assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == summary.counts["new"] > 0
    report = Artifact.get("littrack-run-report")
    assert f"run {summary.run_id} succeeded" in report.data  # the digest's run health
    assert "## Seed citations" in report.data
    assert "littrack.nightly.pipeline" in logger_names_of(state.state_details.flow_run_id)


def test_a_failed_night_still_publishes_its_report(prefect_harness, tmp_path):
    """Issue 11: the artifact says what failed, at which stage, and what the next run catches up."""
    from prefect.artifacts import Artifact

    config = tmp_path / "config.toml"
    config.write_text(
        (REPO / "config.toml").read_text().replace("max_retries = 8", "max_retries = 0")
    )
    with StandIn(corpus=generate_corpus(60, seed=3).articles) as pubmed:
        pubmed.faults = Faults(error_rate=1.0)
        state = nightly(
            NightlyParameters(
                config_path=str(config),
                base_url=pubmed.base_url,
                warehouse_path=str(tmp_path / "littrack.duckdb"),
                today=LATER_DATE,
                give_up_after=5,
            ),
            return_state=True,
        )
    assert state.is_failed()
    report = Artifact.get("littrack-run-report").data
    assert "FAILED" in report and "PubMedUnavailable" in report
    assert "Failed at stage: `search`." in report
    assert "The next run searches again from 2000-01-01" in report


def logger_names_of(flow_run_id, wait_seconds: float = 15) -> set[str]:
    """Loggers with records in the flow run's logs (Prefect ships logs in the background)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deadline = time.monotonic() + wait_seconds
    with get_client(sync_client=True) as client:
        while True:
            logs = client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
            )
            names = {log.name for log in logs}
            if any(n.startswith("littrack") for n in names) or time.monotonic() > deadline:
                return names
            time.sleep(0.2)


def test_parameters_are_validated_before_anything_runs():
    with pytest.raises(ValidationError, match="is after until"):
        NightlyParameters(since=date(2026, 2, 1), until=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        NightlyParameters(since="not a date")
    assert NightlyParameters(today=LATER_DATE + timedelta(days=1)).today > LATER_DATE


def test_serve_schedules_the_flow_on_the_configured_cron_and_timezone():
    from flows.nightly import scheduled_deployment
    from littrack.config import load_config

    config = load_config(REPO / "config.toml")
    deployment = scheduled_deployment(config)
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (
        config.schedule.cron,
        config.schedule.timezone,
    )
    assert deployment.parameters == {"parameters": {"config_path": str(REPO / "config.toml")}}


def test_serve_without_a_prefect_server_says_how_to_start_one(capsys):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from littrack.cli import main

    # also when another test's harness server is up for the session
    with (
        temporary_settings(restore_defaults={PREFECT_API_URL}),
        pytest.raises(SystemExit) as exit_info,
    ):
        main(["--config", str(REPO / "config.toml"), "serve"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith(
        "Error: schedules need a running Prefect server: start one with `prefect server start`"
    )
