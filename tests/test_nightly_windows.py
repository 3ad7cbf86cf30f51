"""Incremental windows and fetch rules (issue 4, point 2): pure logic, no I/O."""

from datetime import date

import pytest

from littrack.nightly.windows import WindowError, ids_to_fetch, next_cursor, plan_run
from littrack.pubmed import DateWindow
from littrack.warehouse import Cursor

TODAY = date(2026, 11, 25)
FIRST = date(2000, 1, 1)


def cursor(until: date, boundary=()):
    return Cursor(edat_until=until, mdat_until=until, boundary_pmids=frozenset(boundary))


def test_first_run_backfills_by_entrez_date_only():
    plan = plan_run(None, TODAY, FIRST, overlap_days=2)
    assert plan.windows == (DateWindow("edat", FIRST, TODAY),)
    assert plan.moves_cursor and not plan.same_day_rerun


def test_next_night_searches_new_and_changed_records_with_overlap():
    plan = plan_run(cursor(date(2026, 11, 24)), TODAY, FIRST, overlap_days=2)
    assert plan.windows == (
        DateWindow("edat", date(2026, 11, 22), TODAY),
        DateWindow("mdat", date(2026, 11, 22), TODAY),
    )
    assert not plan.same_day_rerun


def test_missed_nights_are_caught_up_from_the_last_successful_run():
    plan = plan_run(cursor(date(2026, 11, 1)), TODAY, FIRST, overlap_days=2)
    assert all(w.start == date(2026, 10, 30) and w.end == TODAY for w in plan.windows)


def test_explicit_past_window_does_not_move_the_cursor():
    plan = plan_run(
        cursor(date(2026, 11, 24)), TODAY, FIRST, 2, since=date(2024, 1, 1), until=date(2024, 6, 30)
    )
    assert plan.windows[0] == DateWindow("edat", date(2024, 1, 1), date(2024, 6, 30))
    assert not plan.moves_cursor


@pytest.mark.parametrize(
    "since, until, message",
    [
        (date(2026, 11, 20), date(2026, 11, 10), "starts after it ends"),
        (None, date(2027, 1, 1), "in the future"),
    ],
)
def test_nonsense_windows_are_refused(since, until, message):
    with pytest.raises(WindowError, match=message):
        plan_run(None, TODAY, FIRST, 2, since=since, until=until)


def test_entrez_hits_already_stored_are_not_fetched_again():
    plan = plan_run(cursor(date(2026, 11, 24)), TODAY, FIRST, 2)
    edat, mdat = plan.windows
    wanted = ids_to_fetch(plan, {edat: [1, 2, 3], mdat: []}, stored_pmids={1, 2}, boundary_pmids=())
    assert wanted == [3]


def test_changed_records_are_fetched_on_a_new_day_even_if_seen_before():
    plan = plan_run(cursor(date(2026, 11, 24), boundary={5}), TODAY, FIRST, 2)
    edat, mdat = plan.windows
    wanted = ids_to_fetch(plan, {edat: [], mdat: [5, 6]}, stored_pmids={5, 6}, boundary_pmids={5})
    assert wanted == [5, 6]


def test_same_day_rerun_skips_what_the_last_run_found():
    plan = plan_run(cursor(TODAY, boundary={5, 6}), TODAY, FIRST, 2)
    assert plan.same_day_rerun
    edat, mdat = plan.windows
    found = {edat: [5, 6], mdat: [5, 6, 7]}
    assert ids_to_fetch(plan, found, stored_pmids={5, 6, 7}, boundary_pmids={5, 6}) == [7]


def test_a_same_day_rerun_keeps_the_ids_found_earlier_that_day():
    previous = cursor(TODAY, boundary={1, 2, 3})
    plan = plan_run(previous, TODAY, FIRST, 2)
    assert next_cursor(previous, plan, [3, 4]).boundary_pmids == {1, 2, 3, 4}


def test_a_new_day_starts_a_fresh_boundary():
    previous = cursor(date(2026, 11, 24), boundary={1, 2, 3})
    plan = plan_run(previous, TODAY, FIRST, 2)
    assert next_cursor(previous, plan, [3, 4]) == cursor(TODAY, boundary={3, 4})
