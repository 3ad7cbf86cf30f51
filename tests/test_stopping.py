"""Ctrl-C, SIGTERM and an unreachable PubMed at a terminal (issue 8, point 3): `littrack run`
stops within seconds, says so in one line, leaves no run `running`, and the next run works."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from littrack.config import load_config, with_overrides
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.standin import StandIn
from littrack.warehouse import Warehouse

CONFIG = """
[pubmed]
base_url = "{base_url}"
query = "ketamine[tiab] AND crps[tiab]"
email = "tests@example.org"
backoff_initial_seconds = 2.0
[warehouse]
path = "{warehouse}"
"""


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def prefect_api_url(prefect_harness):
    """The test session's Prefect server, so a child `littrack run` need not start its own."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


class Child:
    """`python -m littrack ARGS` with its output collected line by line as it comes."""

    def __init__(self, args, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "littrack", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.05)

    def finish(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(5)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)


def child_env(prefect_api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITTRACK_", "PREFECT_"))}
    return env | {"PREFECT_API_URL": prefect_api_url, "COLUMNS": "200"}


def config_file(folder: Path, base_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(CONFIG.format(base_url=base_url, warehouse=folder / "wh" / "littrack.duckdb"))
    return path


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_a_run_waiting_on_pubmed_within_5_s(
    signal_number, prefect_api_url, tmp_path, efetch_samples
):
    config = config_file(tmp_path, f"http://127.0.0.1:{closed_port()}/")
    child = Child(["--config", config, "run"], child_env(prefect_api_url))
    child.wait_for("attempt 1 of 9")  # inside the flow, in the client's back-off
    sent = time.monotonic()
    child.process.send_signal(signal_number)
    code = child.finish(timeout=30)
    took = time.monotonic() - sent

    assert took < 5, child.output
    assert code == 128 + signal_number
    assert "Traceback" not in child.output
    name = signal.Signals(signal_number).name
    errors = [line for line in child.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: stopped by {name}: a run in progress is recorded as failed, the warehouse"
        " keeps what earlier runs stored, and the next run catches up"
    ]
    warehouse = Warehouse(tmp_path / "wh" / "littrack.duckdb")
    with warehouse.read() as con:
        assert con.execute("SELECT status, error FROM runs").fetchall() == [
            ("failed", f"stopped by {name}")
        ]
    # the next run, with PubMed back, succeeds and searches from the beginning
    with StandIn(efetch_samples) as pubmed:
        config = with_overrides(load_config(config), base_url=pubmed.base_url)
        summary = run_nightly(config, RunOptions())
    assert summary.status == "succeeded"
    with warehouse.read() as con:
        statuses = con.execute("SELECT list(status ORDER BY id) FROM runs").fetchone()[0]
        assert statuses == ["failed", "succeeded"]
        assert con.execute("SELECT count(*) FROM cursors").fetchone()[0] == 1


def test_an_interactive_run_gives_up_on_a_dead_pubmed_with_one_error_line(
    prefect_api_url, tmp_path
):
    config = config_file(tmp_path, f"http://127.0.0.1:{closed_port()}/")
    child = Child(["--config", config, "run", "--give-up-after", "5"], child_env(prefect_api_url))
    code = child.finish(timeout=120)

    assert code == 1, child.output
    lines = child.output.splitlines()
    retries = [line for line in lines if "failed: cannot connect to 127.0.0.1" in line]
    # one line per retry: what failed, attempt n of m, the next wait; never the query
    assert retries and all("esearch edat " in r and " of 9, next in " in r for r in retries)
    assert not any("ketamine" in line for line in lines)
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and "giving up (limit 5 s)" in errors[0]
    assert "Traceback" not in child.output
