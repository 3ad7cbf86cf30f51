"""Which date windows a run searches, and which of the ids it finds it must fetch (pure logic).

A query's cursor remembers the last day a successful run searched up to (`until`) and every id
that run found (`boundary_pmids`). The next run searches, with an overlap of a few days for
PubMed's indexing delays:
- new records: Entrez date (`edat`) from `until - overlap` to today;
- changed records: modification date (`mdat`) over the same span.

Fetch rules, chosen so a quiet night costs only the two searches:
- an `edat` hit already in the warehouse is skipped: an Entrez date never changes, and a change
  to the record shows up in the `mdat` search;
- an `mdat` hit is fetched, except on a rerun the same day as the cursor, when ids the last run
  already found are skipped. A change made later on the day of a run therefore shows up one
  night later, when the overlap re-reads that day (PubMed dates have day precision).
With no cursor, the first run searches `edat` from `first_run_since`; everything it finds is
fetched, so it needs no `mdat` search. Missed nights are caught up because the windows start
from the last *successful* run.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from littrack.errors import LittrackError
from littrack.pubmed import DateWindow
from littrack.warehouse import Cursor


class WindowError(LittrackError):
    """The requested run window makes no sense (e.g. --since after --until)."""

    exit_code = 2


@dataclass(frozen=True)
class RunPlan:
    windows: tuple[DateWindow, ...]
    until: date
    same_day_rerun: bool  # the cursor already reached `until`: skip ids it found
    moves_cursor: bool  # an explicit past --until is a one-off and leaves the cursor alone


def plan_run(
    cursor: Cursor | None,
    today: date,
    first_run_since: date,
    overlap_days: int,
    since: date | None = None,
    until: date | None = None,
) -> RunPlan:
    """The windows for one run; explicit `since`/`until` override the cursor."""
    end = until or today
    if end > today:
        raise WindowError(f"--until {end} is in the future (today is {today})")
    last = cursor.edat_until if cursor else None
    if since is not None:
        start = since
    elif last is not None:
        start = last - timedelta(days=overlap_days)
    else:
        start = first_run_since
    if start > end:
        raise WindowError(f"the window starts after it ends ({start} > {end})")
    windows = [DateWindow("edat", start, end)]
    if last is not None or since is not None:
        windows.append(DateWindow("mdat", start, end))
    moves_cursor = until is None or (last is not None and end >= last) or last is None
    return RunPlan(
        windows=tuple(windows),
        until=end,
        same_day_rerun=last == end and since is None,
        moves_cursor=moves_cursor,
    )


def ids_to_fetch(
    plan: RunPlan,
    found: dict[DateWindow, list[int]],
    stored_pmids: Collection[int],
    boundary_pmids: Collection[int],
) -> list[int]:
    """The ids a run must fetch, by the rules in the module docstring, in ascending order."""
    wanted: set[int] = set()
    for window, pmids in found.items():
        if window.datetype == "edat":
            wanted.update(p for p in pmids if p not in stored_pmids)
        elif plan.same_day_rerun:
            wanted.update(p for p in pmids if p not in boundary_pmids)
        else:
            wanted.update(pmids)
    return sorted(wanted)


def next_cursor(previous: Cursor | None, plan: RunPlan, found: Collection[int]) -> Cursor:
    """The cursor a successful run leaves: searched up to `plan.until`, with the ids it found.

    A rerun on the cursor's own day keeps the ids found earlier that day: they still reflect
    PubMed as of that day, and an unchanged night then leaves the cursor exactly as it was.
    """
    boundary = frozenset(found)
    if previous is not None and previous.edat_until == plan.until:
        boundary |= previous.boundary_pmids
    return Cursor(edat_until=plan.until, mdat_until=plan.until, boundary_pmids=boundary)
