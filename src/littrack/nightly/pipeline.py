"""One nightly run, as plain functions: plan → search → fetch/parse/load → match → report.

`run_nightly` is the whole business process and runs without Prefect; `flows/nightly.py` passes
task-wrapped versions of the same steps (`Steps`) to get retries and observability per stage.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests

from littrack.config import Config, review_criteria, seed_citation_lines
from littrack.digest.after_run import RunMail
from littrack.match.citations import parse_citation
from littrack.match.dedupe_store import refresh_clusters
from littrack.match.query_scope import SearchResults
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
from littrack.parse.records import ParseItem
from littrack.pubmed import DateWindow, EutilsClient
from littrack.rank import refresh_relevance
from littrack.tags import refresh_paper_tags
from littrack.signals import as_stop
from littrack.warehouse import Cursor, Warehouse, WarehouseBusy
from littrack.warehouse.staged import StagedItems, stage_items

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


def fetch_and_load(client: EutilsClient, night, pmids: Sequence[int]) -> None:
    """Fetch one batch of records and stage them as the parser yields them."""
    for document in client.fetch(pmids):
        night.load(iter_pubmed(document))


def match_and_dedupe(
    con, citations: Sequence[str], run_id: int, criteria: str = ""
) -> list[SeedStatus]:
    """Match seeds and known citations against the warehouse; refresh duplicate clusters and
    the evidence tags of new and changed records; re-rank the review queue."""
    seeds = refresh_matches(con, citations, run_id=run_id)
    clusters = refresh_clusters(con, run_id=run_id)
    log.info("duplicate clusters: %s", clusters)
    refresh_paper_tags(con)
    refresh_relevance(con, run_id=run_id, criteria=criteria)
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
    # interactive runs: stop retrying a request this many seconds after its first failure
    give_up_after: float | None = None


def run_nightly(
    config: Config,
    options: RunOptions = RunOptions(),
    *,
    steps: Steps = Steps(),
    session: requests.Session | None = None,
) -> RunSummary:
    """Search PubMed for what is new or changed since the last successful run and load it.

    Extract, then load: the PubMed part (search, fetch, parse into staging files) runs without
    the writer lock, from what the published snapshot says is stored; the lock is taken only to
    merge, match, cluster, tag and rank, in one transaction with the run row. A failed night is
    recorded as failed, with its stage, and the cursor stays where it was.
    """
    key = query_key(config.pubmed.query)
    seeds = seed_citation_lines(config.seeds)
    warehouse = Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)
    client = EutilsClient(config.pubmed, session=session, give_up_after=options.give_up_after)
    # the digest or a failure alert, mailed and recorded inside the write session (RunMail)
    mail = RunMail(config)
    params = _jsonable({"since": options.since, "until": options.until, "today": options.today})
    scratch = tempfile.TemporaryDirectory(prefix="littrack-night-")
    with mail.outside_session(), client, scratch:
        night = Extraction(Path(scratch.name))
        try:
            with published_state(warehouse, key, seeds) as state_of:
                night.extract(config, options, steps, client, state_of)
        except BaseException as failure:
            _record_failure(
                warehouse, mail, client, key, config.pubmed.query, params, night, failure
            )
            raise
        with warehouse.write() as db, mail.inside_session(db.con, client):
            with db.run(key, config.pubmed.query, params | {"today": str(night.plan.until)}) as run:
                run.stage = "merge"
                run.windows = night.windows
                run.add_found(len(night.found))
                run.staging.add_in_scope(night.found, SearchResults.source)
                for staged in night.staged:
                    run.staging.load(staged)
                cursor = _cursor_to_store(db.cursor(key), night)
                if cursor is not None:
                    run.set_cursor(cursor)
                seed_statuses: list[SeedStatus] = []
                run.before_commit.append(
                    (
                        "match",
                        lambda con: seed_statuses.extend(
                            steps.match(con, seeds, run.id, review_criteria(config.review))
                        ),
                    )
                )
            return build_summary(db.con, run, night.plan, seed_statuses)


@dataclass(frozen=True)
class StoredState:
    """What the published snapshot says about a query, read without the writer lock."""

    cursor: Cursor | None = None
    stored: frozenset[int] = frozenset()  # PMIDs held, of those asked about
    unmatched_seeds: tuple[str, ...] = ()


class Extraction:
    """The PubMed half of a night: plan, search, seed searches, fetch and parse into staging
    folders under `scratch`. `stage` says how far it got (what failed, if it fails)."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.stage = "plan"
        self.plan = None
        self.windows: list[dict] = []
        self.found: list[int] = []
        self._found: frozenset[int] = frozenset()
        self.cursor_before: Cursor | None = None  # as the published snapshot had it
        self.staged: list[StagedItems] = []

    def extract(self, config: Config, options: RunOptions, steps: Steps, client, state_of) -> None:
        state = state_of([])
        self.cursor_before = state.cursor
        self.plan = plan_run(
            state.cursor,
            options.today or date.today(),
            config.run.first_run_since,
            config.run.overlap_days,
            since=options.since,
            until=options.until,
        )
        self.windows = [_window_dict(w) for w in self.plan.windows]
        self.stage = "search"
        found = steps.search(client, config.pubmed.query, self.plan.windows)
        self.found = sorted(set().union(*found.values()))
        self._found = frozenset(self.found)
        state = state_of(self.found)
        boundary = self.cursor_before.boundary_pmids if self.cursor_before else frozenset()
        wanted = ids_to_fetch(
            self.plan, found, stored_pmids=set(state.stored), boundary_pmids=boundary
        )
        if state.unmatched_seeds:
            self.stage = "search-seeds"
            extra = steps.search_seeds(client, list(state.unmatched_seeds))
            held = state_of(extra).stored
            wanted = sorted(set(wanted) | (set(extra) - held))
        self.stage = "fetch"
        _fetch_in_batches(steps, client, self, wanted, config.pubmed.batch_size)

    def load(self, items: Iterable[ParseItem]) -> None:
        """Stage one fetched batch's records in a folder of its own, in arrival order; those the
        search found are in review (not a seed search's other candidates)."""
        folder = self.scratch / f"batch-{len(self.staged) + 1:05d}"
        self.staged.append(stage_items(items, folder, SearchResults(self._found)))


@contextmanager
def published_state(warehouse: Warehouse, key: str, seeds: Sequence[str]):
    """`state_of(pmids) -> StoredState`, read from the published snapshot on one read-only
    connection, closed before the night writes (DuckDB would reuse it for the new file)."""
    if not warehouse.path.exists():
        yield lambda pmids: StoredState()
        return
    with warehouse.read() as con:
        if not _has_tables(con, "cursors", "records", "known_citations"):
            yield lambda pmids: StoredState()
            return
        row = con.execute(
            "SELECT edat_until, mdat_until, boundary_pmids FROM cursors WHERE query_key = ?",
            [key],
        ).fetchone()
        cursor = Cursor(row[0], row[1], frozenset(row[2])) if row else None
        unmatched = tuple(unmatched_citations(con, seeds))
        yield lambda pmids: StoredState(cursor, frozenset(_stored(con, pmids)), unmatched)


def _cursor_to_store(current: Cursor | None, night: Extraction) -> Cursor | None:
    """The watermark this night may store. Another run may have moved it while this one was
    talking to PubMed: then the one that reaches further stays."""
    if not night.plan.moves_cursor:
        return None
    ours = next_cursor(night.cursor_before, night.plan, night.found)
    if (
        current != night.cursor_before
        and current is not None
        and ((current.edat_until or date.min) > (ours.edat_until or date.min))
    ):
        log.info("another run moved the cursor to %s meanwhile; it stays", current.edat_until)
        return None
    return ours


def _record_failure(warehouse, mail, client, key, query, params, night, failure) -> None:
    """A night that failed before its load still gets its `runs` row (failed, with the stage
    and the error) and its alert; the cursor stays. A stop waits little for the lock."""
    stopping = as_stop(failure) is not None
    timeout = (
        min(3.0, warehouse.lock_timeout_seconds) if stopping else warehouse.lock_timeout_seconds
    )
    try:
        recorder = Warehouse(warehouse.path, timeout)
        with recorder.write() as db, mail.inside_session(db.con, client):
            with db.run(key, query, params) as run:
                run.stage, run.windows = night.stage, night.windows
                run.add_found(len(night.found))
                raise failure
    except WarehouseBusy:
        log.warning("could not record the failed run: another run holds the warehouse")
    except BaseException as exc:
        if exc is not failure:
            raise


def _fetch_in_batches(steps, client, night, pmids, batch_size) -> None:
    report_progress(log, "fetch", 0, len(pmids))
    for start in range(0, len(pmids), batch_size):
        batch = pmids[start : start + batch_size]
        steps.fetch_and_load(client, night, batch)
        report_progress(log, "fetch", start + len(batch), len(pmids))


def _stored(con, pmids: Sequence[int]) -> set[int]:
    if not pmids:
        return set()
    rows = con.execute(
        "SELECT pmid FROM records WHERE pmid IN (SELECT UNNEST(?::BIGINT[]))", [list(pmids)]
    ).fetchall()
    return {row[0] for row in rows}


def _has_tables(con, *names: str) -> bool:
    present = {
        n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    return set(names) <= present


def _window_dict(window: DateWindow) -> dict:
    return {"datetype": window.datetype, "start": str(window.start), "end": str(window.end)}


def _jsonable(params: dict) -> dict:
    return {k: (str(v) if v is not None else None) for k, v in params.items()}
