"""The nightly run end to end (issue 4): stand-in over real HTTP → parser → matching → DuckDB.

These call the library's `run_nightly` directly (no Prefect engine); `test_flow.py` runs the
same through a real Prefect flow, and `test_cli_nightly.py` through the `littrack` command.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from support import comparable_tables, python_child

from littrack.config import load_config, with_overrides
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed import EutilsClient
from littrack.pubmed.standin import Faults, StandIn
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
NIGHT1, NIGHT2 = LATER_DATE - timedelta(days=1), LATER_DATE


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(150, seed=11)


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    """With a key the client may send 10 requests/s instead of 3: these tests run 3× faster."""
    monkeypatch.setenv("NCBI_API_KEY", "test-key")


@pytest.fixture
def pubmed(corpus):
    with StandIn(corpus=corpus.articles) as server:
        yield server


def project_config(base_url: str, warehouse: Path, **pubmed_changes):
    """The project's own config.toml (real query, real seeds), pointed at the stand-in."""
    config = with_overrides(load_config(REPO / "config.toml"), base_url, warehouse)
    return replace(config, pubmed=replace(config.pubmed, **pubmed_changes))


def tables_but_runs(path: Path) -> dict[str, list]:
    tables = comparable_tables(path)
    del tables["runs"]
    return tables


def query_one(path: Path, sql: str, params=()):
    with Warehouse(path).read() as con:
        return con.execute(sql, list(params)).fetchall()


def test_first_run_loads_what_the_query_matches_and_recognises_every_seed(pubmed, corpus, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = project_config(pubmed.base_url, warehouse)
    summary = run_nightly(config, RunOptions(today=NIGHT1))

    with EutilsClient(config.pubmed) as client:
        matching = set(client.search(config.pubmed.query))
    seeds = set(corpus.seed_pmids.values())
    stored = {pmid for (pmid,) in query_one(warehouse, "SELECT pmid FROM papers")}
    assert stored == matching | seeds
    assert len(stored) > 50
    assert [(s.number, s.status, s.pmid) for s in summary.seeds] == [
        (number, "matched", corpus.seed_pmids[number]) for number in range(1, 7)
    ]
    queued = {pmid for (pmid,) in query_one(warehouse, "SELECT pmid FROM review_queue")}
    assert not queued & seeds
    assert {p.pmid for p in summary.new_papers} <= queued
    assert "## Seed citations" in summary.markdown()


def test_second_run_with_nothing_new_adds_only_a_run_row_in_two_requests(pubmed, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = project_config(pubmed.base_url, warehouse)
    run_nightly(config, RunOptions(today=NIGHT1))
    before = tables_but_runs(warehouse)
    pubmed.reset()

    summary = run_nightly(config, RunOptions(today=NIGHT1))

    assert len(pubmed.requests) <= 2, [r.endpoint for r in pubmed.requests]
    assert {r.endpoint for r in pubmed.requests} == {"esearch"}
    assert summary.counts["new"] == summary.counts["updated"] == 0
    assert tables_but_runs(warehouse) == before
    assert query_one(warehouse, "SELECT status FROM runs ORDER BY id") == [
        ("succeeded",),
        ("succeeded",),
    ]


def test_next_night_picks_up_a_revision_and_a_retraction_keeping_history(pubmed, corpus, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = project_config(pubmed.base_url, warehouse)
    run_nightly(config, RunOptions(today=NIGHT1))
    revised = corpus.traps["version_2"][0]
    retracted = corpus.traps["retraction_later"][0]
    pubmed.corpus.upsert(corpus.later_states["version_2"])
    pubmed.corpus.upsert(corpus.later_states["retracted"])

    summary = run_nightly(config, RunOptions(today=NIGHT2))

    assert summary.counts["updated"] == 2
    rows = query_one(
        warehouse,
        "SELECT pmid, version, is_retracted FROM papers WHERE pmid IN (?, ?) ORDER BY pmid",
        sorted([revised, retracted]),
    )
    assert dict((pmid, (version, flag)) for pmid, version, flag in rows) == {
        revised: (2, False),
        retracted: (1, True),
    }
    history = query_one(warehouse, "SELECT pmid, version FROM record_versions ORDER BY pmid", [])
    assert sorted(history) == sorted([(revised, 1), (retracted, 1)])
    assert retracted in {p.pmid for p in summary.notices}


KILLED_RUN = """
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from littrack.config import load_config, with_overrides
from littrack.nightly.pipeline import RunOptions, run_nightly

config = with_overrides(load_config(sys.argv[1]), sys.argv[2], sys.argv[3])
config = replace(config, pubmed=replace(config.pubmed, batch_size=10))
run_nightly(config, RunOptions(today=date.fromisoformat(sys.argv[4])))
"""


def test_a_run_killed_mid_load_then_rerun_leaves_the_same_tables(pubmed, tmp_path):
    reference = tmp_path / "reference" / "littrack.duckdb"
    run_nightly(project_config(pubmed.base_url, reference, batch_size=10), RunOptions(today=NIGHT1))

    crashed = tmp_path / "crashed" / "littrack.duckdb"
    pubmed.reset()
    pubmed.faults = Faults(latency=0.2)  # slow enough to be killed between two batches
    child = python_child(KILLED_RUN, REPO / "config.toml", pubmed.base_url, crashed, NIGHT1)
    deadline = time.monotonic() + 60
    while sum(r.endpoint == "efetch" for r in pubmed.requests) < 3:
        assert child.poll() is None and time.monotonic() < deadline, "the run ended too soon"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    pubmed.faults = Faults()

    # killed while talking to PubMed (issue 11: that part holds no lock and writes nothing)
    assert not crashed.exists() or query_one(crashed, "SELECT count(*) FROM runs") == [(0,)]

    run_nightly(project_config(pubmed.base_url, crashed, batch_size=10), RunOptions(today=NIGHT1))

    assert comparable_tables(crashed) == comparable_tables(reference)
    assert query_one(crashed, "SELECT status FROM runs ORDER BY id") == [("succeeded",)]


ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM runs").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM runs").fetchone()[0], flush=True)
"""


def test_an_analyst_holding_the_warehouse_open_all_run_never_fails_it(pubmed, corpus, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    config = project_config(pubmed.base_url, warehouse)
    run_nightly(config, RunOptions(today=NIGHT1))
    analyst = python_child(ANALYST, warehouse)
    try:
        assert analyst.stdout.readline() == "1\n"
        pubmed.corpus.upsert(corpus.later_states["version_2"])
        summary = run_nightly(config, RunOptions(today=NIGHT2))
        assert summary.status == "succeeded" and summary.counts["updated"] == 1
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline() == "1\n"  # still the consistent state it opened
    finally:
        analyst.kill()
        analyst.wait()
    assert query_one(warehouse, "SELECT count(*) FROM runs") == [(2,)]


def test_errata_and_retractions_are_linked_to_their_papers_never_merged(pubmed, corpus, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    run_nightly(project_config(pubmed.base_url, warehouse), RunOptions(today=NIGHT1))
    seed, erratum = corpus.traps["erratum_seed4"]
    paper, notice = corpus.traps["retraction"]
    links = set(query_one(warehouse, "SELECT a, b, kind FROM record_links"))
    assert (f"pmid:{erratum}", f"pmid:{seed}", "pubmed:ErratumFor") in links
    assert (f"pmid:{seed}", f"pmid:{erratum}", "pubmed:ErratumIn") in links
    assert (f"pmid:{notice}", f"pmid:{paper}", "pubmed:RetractionOf") in links
    clusters = dict(query_one(warehouse, "SELECT member_key, cluster_id FROM dedup_clusters"))
    assert clusters[f"pmid:{erratum}"] != clusters[f"pmid:{seed}"]
    assert clusters[f"pmid:{notice}"] != clusters[f"pmid:{paper}"]
