"""Screening rules (issue 9): the server's Python (`littrack.review.screening`) and the analysts'
SQL views (`current_decisions`, `screening_status`) agree on any sequence of events, and the
decision export only ever adds immutable files (what keeps analysts' reads from tearing)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_support import clone_warehouse

from littrack.review.catalog import load_catalog
from littrack.review.screening import screen_clusters, standing_decisions
from littrack.review.store import DecisionEvent
from littrack.warehouse import decisions_export
from littrack.warehouse.decisions_export import (
    append_decisions,
    compact_decisions,
    write_decisions_export,
)
from littrack.warehouse.files import WarehouseFiles

AT = datetime(2026, 12, 2, 9, tzinfo=UTC)
REVIEWERS = ("ann", "bob", "cy")


@pytest.fixture(scope="module")
def warehouse(review_warehouse, tmp_path_factory):
    copy = clone_warehouse(review_warehouse, tmp_path_factory.mktemp("screening") / "warehouse")
    catalog = load_catalog(copy)
    return copy, [c.representative.pmid for c in catalog.clusters[:4]], catalog.cluster_of


def event(event_id, pmid, reviewer, action, decision=None, reason=None, cluster=()):
    return DecisionEvent(event_id, pmid, tuple(cluster) or (pmid,), reviewer, action, decision,
                         reason, None, (), 1, "h", AT)


def test_undo_is_a_stack_per_reviewer_and_a_later_decision_reopens_a_resolution():
    events = [
        event(1, 10, "ann", "decide", "include"),
        event(2, 10, "ann", "decide", "exclude", "not CRPS"),
        event(3, 10, "ann", "undo"),
        event(4, 10, "bob", "decide", "maybe"),
        event(5, 10, "cy", "resolve", "include"),
    ]
    assert standing_decisions(events)[10, "ann"].event_id == 1
    screening = screen_clusters(events, {10: "pmid:10"})["pmid:10"]
    assert (screening.status, screening.resolution.reviewer) == ("included", "cy")
    reopened = screen_clusters([*events, event(6, 10, "bob", "decide", "exclude", "wrong design")], {10: "pmid:10"})
    assert reopened["pmid:10"].status == "conflict"


def test_a_decision_counts_for_every_current_cluster_its_papers_are_in():
    # decided when 10 and 11 were one cluster; tonight they are two
    events = [event(1, 10, "ann", "decide", "exclude", "duplicate", cluster=(10, 11))]
    clusters = screen_clusters(events, {10: "pmid:10", 11: "pmid:11", 12: "pmid:12"})
    assert {cluster: s.status for cluster, s in clusters.items()} == {"pmid:10": "excluded", "pmid:11": "excluded"}


actions = st.tuples(
    st.integers(0, 3),  # which paper
    st.sampled_from(REVIEWERS),
    st.sampled_from(["decide", "decide", "decide", "undo", "resolve"]),
    st.sampled_from(["include", "maybe", "exclude"]),
    st.booleans(),  # decided on the paper together with the next one (an old cluster)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(actions, min_size=1, max_size=14))
def test_the_analysts_views_agree_with_the_server_on_any_events(warehouse, steps):
    path, pmids, cluster_of = warehouse
    events = []
    for number, (paper, reviewer, action, decision, wide) in enumerate(steps, start=1):
        pmid = pmids[paper]
        cluster = (pmid, pmids[(paper + 1) % 4]) if wide else (pmid,)
        if action == "undo":  # the server writes one only when there is a decision to undo
            if (pmid, reviewer) in standing_decisions(events):
                events.append(event(number, pmid, reviewer, "undo", cluster=cluster))
        else:
            reason = "not CRPS" if decision == "exclude" else None
            events.append(event(number, pmid, reviewer, action, decision, reason, cluster))
    write_decisions_export(WarehouseFiles.beside(path).decisions_export, [e.export_row() for e in events])

    con = duckdb.connect(str(path), read_only=True)
    try:
        sql_current = set(con.execute("SELECT pmid, reviewer, event_id FROM current_decisions").fetchall())
        sql_status = {row[0]: row[1:] for row in con.execute(
            "SELECT pmid, status, decision, reason, reviewers, resolved_by FROM screening_status"
            f" WHERE pmid IN ({', '.join(map(str, pmids))})").fetchall()}
    finally:
        con.close()

    assert sql_current == {(pmid, reviewer, e.event_id) for (pmid, reviewer), e in standing_decisions(events).items()}
    screened = screen_clusters(events, cluster_of)
    for pmid in pmids:
        s = screened.get(cluster_of[pmid])
        python = ("undecided", None, None, 0, None) if s is None else (
            s.status, s.decision, s.reason, len(s.by_reviewer), s.resolution.reviewer if s.resolved else None)
        assert sql_status[pmid] == python


def rows(first, last):
    return [event(i, 10, "ann", "decide", "include").export_row() for i in range(first, last + 1)]


def test_export_segments_are_never_rewritten_and_old_ones_go_only_after_a_grace(tmp_path):
    folder = tmp_path / "littrack.decisions"
    append_decisions(folder, rows(1, 3))
    append_decisions(folder, rows(4, 4))
    written = {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir()}
    compact_decisions(folder, rows(1, 4))
    append_decisions(folder, rows(5, 6))
    after = {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir()}
    assert {name: after[name] for name in written} == written  # nothing replaced in place
    assert set(after) - set(written) == {"events-000000000001-000000000004.parquet", "events-000000000005-000000000006.parquet"}

    old = os.path.getmtime(folder / "events-000000000001-000000000004.parquet") - decisions_export.SUPERSEDED_GRACE_SECONDS - 1
    os.utime(folder / "events-000000000001-000000000004.parquet", (old, old))
    decisions_export.remove_superseded(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "events-000000000000-000000000000.parquet",
        "events-000000000001-000000000004.parquet",
        "events-000000000005-000000000006.parquet",
    ]
    glob = str(folder / decisions_export.SEGMENT_GLOB)
    assert duckdb.connect().execute(f"SELECT count(*), count(DISTINCT event_id) FROM '{glob}'").fetchone() == (6, 6)
