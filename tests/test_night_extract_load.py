"""A night as extract → load (issue 11, point 2): PubMed is searched and fetched without the
writer lock; merge, match, cluster, tags and ranking commit in one transaction with the run
row; a night that fails says at which stage, keeps the cursor and stores nothing half-done."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from support import comparable_tables

from littrack.config import load_config, with_overrides
from littrack.nightly.pipeline import RunOptions, Steps, match_and_dedupe, run_nightly
from littrack.pubmed import PubMedUnavailable
from littrack.pubmed.standin import Faults, StandIn
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
NIGHT1 = LATER_DATE - timedelta(days=1)


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")


@pytest.fixture
def pubmed():
    with StandIn(corpus=generate_corpus(60, seed=8).articles) as server:
        yield server


def config_for(pubmed, warehouse: Path, **pubmed_changes):
    config = with_overrides(load_config(REPO / "config.toml"), pubmed.base_url, warehouse)
    return replace(config, pubmed=replace(config.pubmed, **pubmed_changes))


def rows(warehouse: Path, sql: str):
    with Warehouse(warehouse).read() as con:
        return con.execute(sql).fetchall()


def test_another_writer_gets_the_lock_while_a_night_talks_to_pubmed(pubmed, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    pubmed.faults = Faults(latency=0.3)
    night = threading.Thread(
        target=run_nightly,
        args=(config_for(pubmed, warehouse, batch_size=5), RunOptions(today=NIGHT1)),
    )
    night.start()
    deadline = time.monotonic() + 60
    while sum(r.endpoint == "efetch" for r in pubmed.requests) < 2:
        assert night.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    with Warehouse(warehouse, lock_timeout_seconds=0.5).write():  # WarehouseBusy if it were held
        pass
    night.join(120)
    assert rows(warehouse, "SELECT status FROM runs") == [("succeeded",)]


def test_a_failure_in_matching_rolls_the_whole_night_back(pubmed, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = config_for(pubmed, warehouse)
    run_nightly(
        config, RunOptions(today=NIGHT1 - timedelta(days=30), until=NIGHT1 - timedelta(days=30))
    )
    before = comparable_tables(warehouse)
    pubmed.reset()

    def match_then_fail(con, *args):
        match_and_dedupe(con, *args)  # writes clusters, tags, scores... inside the transaction
        raise RuntimeError("injected")

    with pytest.raises(RuntimeError, match="injected"):
        run_nightly(config, RunOptions(today=NIGHT1), steps=Steps(match=match_then_fail))

    after = comparable_tables(warehouse)
    del after["runs"]
    assert after == {
        k: v for k, v in before.items() if k != "runs"
    }  # cursor, clusters: as they were
    assert rows(
        warehouse, "SELECT status, failed_stage, error FROM runs ORDER BY id DESC LIMIT 1"
    ) == [("failed", "match", "RuntimeError: injected")]
    summary = run_nightly(config, RunOptions(today=NIGHT1))  # the next night catches up
    assert summary.status == "succeeded" and summary.counts["new"] > 0


def test_pubmed_down_is_a_failed_run_at_the_search_stage_with_the_cursor_kept(pubmed, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = config_for(pubmed, warehouse, max_retries=1, backoff_initial_seconds=0.01)
    run_nightly(config, RunOptions(today=NIGHT1 - timedelta(days=1)))
    cursor = rows(warehouse, "SELECT edat_until FROM cursors")
    pubmed.faults = Faults(error_rate=1.0)

    with pytest.raises(PubMedUnavailable):
        run_nightly(config, RunOptions(today=NIGHT1))

    assert rows(warehouse, "SELECT status, failed_stage FROM runs ORDER BY id") == [
        ("succeeded", None),
        ("failed", "search"),
    ]
    assert rows(warehouse, "SELECT edat_until FROM cursors") == cursor
