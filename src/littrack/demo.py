"""`littrack demo`: two nights of the real nightly flow against the PubMed stand-in.

The stand-in serves the synthetic demo corpus (marked synthetic in every record). Night 1 is
the first run: a backfill that finds the seed papers and everything else. Between the nights
the stand-in changes what PubMed would change — a new trial, a record revised to Version 2, a
paper retracted, an ahead-of-print paper published — and night 2 picks those up incrementally.
The demo writes its own warehouse file, so a real one is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from littrack.nightly.report import RunSummary
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import DEMO_N, DEMO_SEED, LATER_DATE, generate_corpus
from littrack.warehouse import remove_warehouse

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
    corpus = generate_corpus(DEMO_N, seed=DEMO_SEED)
    # the nights are pinned to the corpus's own calendar, so the demo is the same every day
    night1, night2 = LATER_DATE - timedelta(days=1), LATER_DATE
    remove_warehouse(warehouse_path)
    with StandIn(corpus=corpus.articles) as server:
        first = run_flow(base_url=server.base_url, warehouse_path=str(warehouse_path), today=night1)
        for state in corpus.later_states.values():
            server.corpus.upsert(state)
        second = run_flow(
            base_url=server.base_url, warehouse_path=str(warehouse_path), today=night2
        )
    return DemoResult(warehouse_path, (first, second), tuple(corpus.later_states))
