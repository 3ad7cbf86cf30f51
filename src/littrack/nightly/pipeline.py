"""One nightly run, as plain functions: plan → search → fetch/parse/load → match → report.

`run_nightly` is the whole business process and runs without Prefect; `flows/nightly.py` passes
task-wrapped versions of the same steps (`Steps`) to get retries and observability per stage.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import requests

from littrack.config import Config, seed_citation_lines
from littrack.match.citations import parse_citation
from littrack.match.dedupe_store import refresh_clusters
from littrack.match.store import (
    SeedStatus,
    find_candidate_pmids,
    refresh_matches,
    unmatched_citations,
)
from littrack.nightly.progress import report_progress
from littrack.nightly.report import RunSummary, build_summary
from littrack.nightly.windows import ids_to_fetch, next_cursor, plan_run
from littrack.parse import iter_pubmed
from littrack.pubmed import DateWindow, EutilsClient
from littrack.warehouse import Warehouse

log = logging.getLogger(__name__)


def query_key(query: str) -> str:
    """A stable key for a query's cursor: editing the query starts a fresh backfill."""
    normalised = " ".join(query.split()).lower()
    return "q-" + hashlib.sha256(normalised.encode()).hexdigest()[:16]


def search_windows(
    client: EutilsClient, query: str, windows: Sequence[DateWindow]
) -> dict[DateWindow, list[int]]:
    """All PMIDs the query matches in each window."""
    found = {window: client.search(query, window) for window in windows}
    for window, pmids in found.items():
        log.info("%s %s..%s: %d ids", window.datetype, window.start, window.end, len(pmids))
    return found


def search_seed_candidates(client: EutilsClient, citations: Iterable[str]) -> list[int]:
    """Targeted PubMed searches for seed citations the warehouse does not hold yet."""
    pmids: set[int] = set()
    for text in citations:
        pmids.update(find_candidate_pmids(client, parse_citation(text)))
    return sorted(pmids)


def fetch_and_load(client: EutilsClient, run, pmids: Sequence[int]) -> None:
    """Fetch one batch of records and stage them in the run as the parser yields them."""
    for document in client.fetch(pmids):
        run.load(iter_pubmed(document))


def match_and_dedupe(con, citations: Sequence[str], run_id: int) -> list[SeedStatus]:
    """Match seeds and known citations against the warehouse; refresh duplicate clusters."""
    seeds = refresh_matches(con, citations, run_id=run_id)
    clusters = refresh_clusters(con, run_id=run_id)
    log.info("duplicate clusters: %s", clusters)
    return seeds


@dataclass(frozen=True)
class Steps:
    """The stages of a run; the Prefect flow swaps in task-wrapped versions of each."""

    search: Callable = search_windows
    search_seeds: Callable = search_seed_candidates
    fetch_and_load: Callable = fetch_and_load
    match: Callable = match_and_dedupe


@dataclass(frozen=True)
class RunOptions:
    since: date | None = None
    until: date | None = None
    today: date | None = None  # None: the real today


def run_nightly(
    config: Config,
    options: RunOptions = RunOptions(),
    *,
    steps: Steps = Steps(),
    session: requests.Session | None = None,
) -> RunSummary:
    """Search PubMed for what is new or changed since the last successful run and load it."""
    key = query_key(config.pubmed.query)
    seeds = seed_citation_lines(config.seeds)
    warehouse = Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)
    with EutilsClient(config.pubmed, session=session) as client, warehouse.write() as db:
        cursor = db.cursor(key)
        plan = plan_run(
            cursor,
            options.today or date.today(),
            config.run.first_run_since,
            config.run.overlap_days,
            since=options.since,
            until=options.until,
        )
        params = {"since": options.since, "until": options.until, "today": plan.until}
        with db.run(key, config.pubmed.query, _jsonable(params)) as run:
            run.windows = [_window_dict(w) for w in plan.windows]
            found = steps.search(client, config.pubmed.query, plan.windows)
            all_found = sorted(set().union(*found.values()))
            run.add_found(len(all_found))
            wanted = ids_to_fetch(
                plan,
                found,
                stored_pmids=_stored(db.con, all_found),
                boundary_pmids=cursor.boundary_pmids if cursor else frozenset(),
            )
            unmatched = unmatched_citations(db.con, seeds)
            if unmatched:
                extra = steps.search_seeds(client, unmatched)
                wanted = sorted(set(wanted) | (set(extra) - _stored(db.con, extra)))
            _fetch_in_batches(steps, client, run, wanted, config.pubmed.batch_size)
            if plan.moves_cursor:
                run.set_cursor(next_cursor(cursor, plan, all_found))
        seed_statuses = steps.match(db.con, seeds, run.id)
        return build_summary(db.con, run, plan, seed_statuses)


def _fetch_in_batches(steps, client, run, pmids, batch_size) -> None:
    report_progress(log, "fetch", 0, len(pmids))
    for start in range(0, len(pmids), batch_size):
        batch = pmids[start : start + batch_size]
        steps.fetch_and_load(client, run, batch)
        report_progress(log, "fetch", start + len(batch), len(pmids))


def _stored(con, pmids: Sequence[int]) -> set[int]:
    if not pmids:
        return set()
    rows = con.execute(
        "SELECT pmid FROM records WHERE pmid IN (SELECT UNNEST(?::BIGINT[]))", [list(pmids)]
    ).fetchall()
    return {row[0] for row in rows}


def _window_dict(window: DateWindow) -> dict:
    return {"datetype": window.datetype, "start": str(window.start), "end": str(window.end)}


def _jsonable(params: dict) -> dict:
    return {k: (str(v) if v is not None else None) for k, v in params.items()}
