"""`littrack demo`: two nights of the real nightly flow against the PubMed stand-in.

The stand-in serves the synthetic demo corpus (marked synthetic in every record). Night 1 is
the first run: a backfill that finds the seed papers and everything else. Between the nights
the stand-in changes what PubMed would change — a record revised to Version 2, a paper
retracted, an ahead-of-print paper published — and night 2 picks those up incrementally.
The demo writes its own warehouse file, so a real one is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from littrack.nightly.report import RunSummary
from littrack.parse import iter_pubmed
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import generate_corpus
from littrack.warehouse import remove_warehouse

DEMO_SIZE = 300
DEMO_SEED = 2026
DEMO_WAREHOUSE = Path("warehouse/demo.duckdb")

# run_flow(base_url=..., warehouse_path=..., today=...) -> RunSummary; the CLI passes the
# Prefect flow, tests may pass the plain library run.
FlowRunner = Callable[..., RunSummary]


@dataclass(frozen=True)
class DemoResult:
    warehouse_path: Path
    nights: tuple[RunSummary, ...]
    changes: tuple[str, ...]  # what the stand-in changed between the nights


def run_demo(run_flow: FlowRunner, warehouse_path: Path = DEMO_WAREHOUSE) -> DemoResult:
    corpus = generate_corpus(DEMO_SIZE, seed=DEMO_SEED)
    night2 = _latest_revision(corpus.later_states.values())
    night1 = night2 - timedelta(days=1)
    remove_warehouse(warehouse_path)
    with StandIn(corpus=corpus.articles) as server:
        first = run_flow(base_url=server.base_url, warehouse_path=warehouse_path, today=night1)
        for state in corpus.later_states.values():
            server.corpus.upsert(state)
        second = run_flow(base_url=server.base_url, warehouse_path=warehouse_path, today=night2)
    return DemoResult(warehouse_path, (first, second), tuple(corpus.later_states))


def _latest_revision(states) -> date:
    dates = [
        item.date_revised
        for state in states
        for item in iter_pubmed(state)
        if getattr(item, "date_revised", None)
    ]
    return max(dates)
