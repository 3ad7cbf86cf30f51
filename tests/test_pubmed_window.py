"""Date windows and how the client splits one with too many hits (issue 2, part 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from littrack.pubmed import DateWindow
from littrack.pubmed.backoff import Backoff, parse_retry_after


def test_a_year_splits_into_months_and_a_month_into_days():
    year = DateWindow("edat", date(2021, 1, 1), date(2021, 12, 31))
    months = year.split()
    assert [(m.start, m.end) for m in months[:2]] == [(date(2021, 1, 1), date(2021, 1, 31)), (date(2021, 2, 1), date(2021, 2, 28))]
    assert len(months) == 12
    assert len(months[1].split()) == 28
    assert DateWindow("edat", date(2021, 2, 3), date(2021, 2, 3)).split() == []


def test_several_years_split_at_a_year_boundary():
    parts = DateWindow("mdat", date(2019, 6, 15), date(2022, 2, 1)).split()
    assert [(p.start, p.end) for p in parts] == [(date(2019, 6, 15), date(2020, 12, 31)), (date(2021, 1, 1), date(2022, 2, 1))]
    assert {p.datetype for p in parts} == {"mdat"}


@given(st.dates(date(1990, 1, 1), date(2030, 12, 31)), st.integers(0, 2000))
def test_parts_cover_the_window_exactly_once(start, length):
    window = DateWindow("edat", start, start + timedelta(days=length))
    parts = window.split()
    if length == 0:
        assert parts == []
        return
    assert parts[0].start == window.start and parts[-1].end == window.end
    assert all(a.end + timedelta(days=1) == b.start for a, b in zip(parts, parts[1:]))
    assert all(p.start <= p.end for p in parts) and len(parts) >= 2


def test_window_rejects_nonsense():
    with pytest.raises(ValueError, match="starts after it ends"):
        DateWindow("edat", date(2021, 2, 1), date(2021, 1, 1))
    with pytest.raises(ValueError, match="datetype must be one of"):
        DateWindow("crdt", date(2021, 1, 1), date(2021, 1, 1))


@given(st.integers(0, 2**32))
def test_backoff_waits_grow_until_the_cap(seed):
    import random

    backoff = Backoff(initial=1.0, maximum=8.0, rng=random.Random(seed))
    waits = [backoff.delay(attempt) for attempt in range(8)]
    assert waits[:4] == sorted(waits[:4])  # 0.5-1, 1-2, 2-4, 4-8
    assert all(4.0 <= w <= 8.0 for w in waits[3:])


def test_retry_after_is_honoured_up_to_the_cap():
    backoff = Backoff(initial=0.1, maximum=5.0)
    assert backoff.delay(0, retry_after=3.0) == 3.0
    assert backoff.delay(0, retry_after=3600.0) == 5.0
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
