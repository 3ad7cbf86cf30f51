"""Issue 11, point 1: matching and dedup that look only at what changed. Cluster ids stable for
life (quiet nights, re-loads, input order), a merge keeps the oldest id, a split is an event,
and the incremental clusters equal a full rebuild on the shared dedup sets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from littrack.config import load_config, seed_citation_lines
from littrack.match import fields as f
from littrack.match.changes import pending_changes
from littrack.match.dedupe_csv import read_bib_csv
from littrack.match import dedupe_store
from littrack.match.dedupe_store import refresh_clusters
from littrack.match.store import citations_due, refresh_matches, rematch_known, sync_seeds
from littrack.parse import DeletedCitations, iter_pubmed
from littrack.pubmed.synthetic import article_set_document, generate_corpus
from littrack.rank import refresh_relevance
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
TITLE = "Efficacy of intravenous ketamine infusion in complex regional pain syndrome type 1"


@pytest.fixture(scope="module")
def seeds() -> list[str]:
    """The project's own seeds (config.toml)."""
    return seed_citation_lines(load_config(REPO / "config.toml").seeds)


@pytest.fixture(scope="module")
def corpus_records():
    return list(iter_pubmed(article_set_document(generate_corpus(300, seed=2026).articles)))


def _night(wh: Warehouse, records, seeds) -> None:
    with wh.write() as db:
        run_id, _ = db.load_standalone(records)
        refresh_matches(db.con, seeds, run_id=run_id)
        refresh_clusters(db.con, run_id=run_id)
        refresh_relevance(db.con, run_id=run_id)


def _state(wh: Warehouse) -> dict:
    with wh.read() as con:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                for table in ("dedup_clusters", "record_links", "dedup_cluster_events",
                              "citation_matches", "relevance_scores")}


def test_a_quiet_night_and_a_reload_of_the_same_records_change_no_cluster_id(
        tmp_path, corpus_records, seeds):
    wh = Warehouse(tmp_path / "littrack.duckdb")
    _night(wh, corpus_records, seeds)
    before = _state(wh)
    assert len(before["dedup_clusters"]) == len(corpus_records) + len(seeds)
    assert any(row[0] != row[1] for row in before["dedup_clusters"])  # some duplicates merged
    assert before["relevance_scores"]
    _night(wh, [], seeds)  # a quiet night
    _night(wh, corpus_records, seeds)  # the same file loaded again
    assert _state(wh) == before  # ranking too: same inputs, scores (and their times) kept
    with wh.write() as db:
        assert not pending_changes(db.con, "match")
        assert citations_due(db.con, pending_changes(db.con, "match")) == []


def test_a_stage_compares_only_later_runs_records_and_finds_what_a_full_comparison_finds(
        tmp_path, corpus_records, seeds):
    wh = Warehouse(tmp_path / "littrack.duckdb")
    _night(wh, corpus_records[:60], seeds)
    revised = replace(corpus_records[3], title=corpus_records[3].title + " (revised)")
    doomed, added = corpus_records[7].pmid, corpus_records[60]
    with wh.write() as db:
        db.load_standalone([revised, added, DeletedCitations((doomed,))])
        since_mark = pending_changes(db.con, "dedup")
        marks = db.con.execute("DELETE FROM stage_inputs WHERE member_key = '#through_run'"
                               " RETURNING stage").fetchall()
        assert sorted(marks) == [("dedup",), ("match",)]
        assert pending_changes(db.con, "dedup") == since_mark  # without the mark: all compared
    assert since_mark.pmids() == sorted([revised.pmid, added.pmid])
    assert since_mark.pmids(removed=True) == [doomed]


def test_cluster_ids_do_not_depend_on_the_order_of_a_load(tmp_path, corpus_records, seeds):
    """Within a night order never matters (across nights, the older cluster's id wins)."""
    forward, backward = Warehouse(tmp_path / "a" / "w.duckdb"), Warehouse(tmp_path / "b" / "w.duckdb")
    _night(forward, corpus_records, seeds)
    _night(backward, corpus_records[::-1], seeds)
    ids = [dict((m, c) for c, m, *_ in _state(wh)["dedup_clusters"]) for wh in (forward, backward)]
    assert ids[0] == ids[1]


def test_incremental_matching_records_what_a_full_rematch_records(tmp_path, corpus_records,
                                                                  seeds):
    """The seeds' papers arrive in two loads; the incremental refresh and the full re-match
    (every seed, every unmatched citation, every time) write the same `citation_matches`."""
    first, later = corpus_records[::2], corpus_records[1::2]
    incremental, full = Warehouse(tmp_path / "i" / "w.duckdb"), Warehouse(tmp_path / "f" / "w.duckdb")
    for records in (first, [], later, later):
        _night(incremental, records, seeds)
        with full.write() as db:
            run_id, _ = db.load_standalone(records)
            sync_seeds(db.con, seeds, run_id=run_id)
            rematch_known(db.con, run_id)
    results = [[row[1:5] + row[7:] for row in _state(wh)["citation_matches"]]
               for wh in (incremental, full)]
    assert results[0] == results[1]
    assert {status for _, _, _, status, _ in results[0]} >= {"matched", "not_found"}
    assert len(results[0]) > len(seeds)  # results changed when the second half arrived


def _add_known(con, citation_id: int, title: str, pages: str = "304-311") -> None:
    con.execute("INSERT INTO known_citations (id, source, ref_no, raw_text, title, authors,"
                " journal, pub_year, volume, pages) VALUES (?, 'import', 1, ?, ?,"
                " ['Sigtermans MJ', 'van Hilten JJ'], 'Pain', 2009, '145', ?)",
                [citation_id, f"citation {citation_id}", title, pages])


def test_a_merge_keeps_the_oldest_id_and_a_split_is_an_event(tmp_path):
    wh = Warehouse(tmp_path / "littrack.duckdb")
    with wh.write() as db:
        _add_known(db.con, 20, TITLE)
        refresh_clusters(db.con, run_id=1)
        _add_known(db.con, 10, "Magnesium sulphate for postherpetic neuralgia", "12-19")
        refresh_clusters(db.con, run_id=2)
        ids = dict(db.con.execute("SELECT member_key, cluster_id FROM dedup_clusters").fetchall())
        assert ids == {"known:20": "known:20", "known:10": "known:10"}
        # the younger citation is corrected: it is the older one's paper; the older id stays
        # although "known:10" sorts first
        db.con.execute("UPDATE known_citations SET title = ?, pages = '304-311' WHERE id = 10",
                       [TITLE])
        refresh_clusters(db.con, run_id=3)
        ids = dict(db.con.execute("SELECT member_key, cluster_id FROM dedup_clusters").fetchall())
        assert ids == {"known:20": "known:20", "known:10": "known:20"}
        # corrected back: it splits off under a new id (ids are never reused)
        db.con.execute("UPDATE known_citations SET title = 'Magnesium sulphate for postherpetic"
                       " neuralgia', pages = '12-19' WHERE id = 10")
        refresh_clusters(db.con, run_id=4)
        ids = dict(db.con.execute("SELECT member_key, cluster_id FROM dedup_clusters").fetchall())
        events = db.con.execute("SELECT run_id, kind, cluster_id, other_cluster_id, members"
                                " FROM dedup_cluster_events ORDER BY id").fetchall()
        retired = db.con.execute("SELECT cluster_id, retired_run_id FROM dedup_cluster_ids"
                                 " WHERE retired_run_id IS NOT NULL").fetchall()
    assert ids == {"known:20": "known:20", "known:10": "known:10~2"}
    assert events == [(3, "merge", "known:20", "known:10", ["known:10"]),
                      (4, "split", "known:20", "known:10~2", ["known:10"])]
    assert retired == [("known:10", 3)]


def _known_rows(path):
    for n, r in enumerate(read_bib_csv(path), 1):
        authors = [r.authors] if isinstance(r.authors, str) else list(r.authors)
        yield (n, f"row {n}", r.title, authors, r.journal, f.parse_year(r.year), r.volume,
               r.issue, r.pages, r.doi)


_KNOWN_COLUMNS = {"id": "BIGINT", "raw_text": "VARCHAR", "title": "VARCHAR",
                  "authors": "VARCHAR[]", "journal": "VARCHAR", "pub_year": "INTEGER",
                  "volume": "VARCHAR", "issue": "VARCHAR", "pages": "VARCHAR", "doi": "VARCHAR"}


def _insert_known(con, rows) -> None:
    """Column by column in one statement (executemany takes seconds for a thousand rows)."""
    columns = list(zip(*rows))
    con.execute(f"INSERT INTO known_citations (source, {', '.join(_KNOWN_COLUMNS)}) SELECT"
                f" 'import', {', '.join(f'unnest(?::{t}[])' for t in _KNOWN_COLUMNS.values())}",
                [list(column) for column in columns])


def _partition(con) -> set[frozenset]:
    rows = con.execute("SELECT list(member_key) FROM dedup_clusters GROUP BY cluster_id").fetchall()
    return {frozenset(members) for (members,) in rows}


@pytest.mark.parametrize("name", ["cytology_screening", "respiratory"])
def test_incremental_clusters_equal_a_full_rebuild_on_the_shared_sets(tmp_path, shared_dir, name):
    rows = list(_known_rows(shared_dir / "dedup-benchmark" / name / "records_pre_merged.csv"))
    step = len(rows) // 20
    incremental = Warehouse(tmp_path / "i" / "w.duckdb")
    with incremental.write() as db:
        _insert_known(db.con, rows[: -3 * step])  # most of the set, then three small nights
        refresh_clusters(db.con)
        for start in range(len(rows) - 3 * step, len(rows), step):
            _insert_known(db.con, rows[start: start + step])
            refresh_clusters(db.con)
        gone = [row[0] for row in rows[::40]]
        db.con.execute("UPDATE known_citations SET retired_at = current_timestamp"
                       " WHERE id IN (SELECT unnest(?::BIGINT[]))", [gone])
        refresh_clusters(db.con)
        got = _partition(db.con)
    full = Warehouse(tmp_path / "f" / "w.duckdb")
    with full.write() as db:
        _insert_known(db.con, [row for row in rows if row[0] not in set(gone)])
        refresh_clusters(db.con)
        expected = _partition(db.con)
    assert sum(len(c) > 1 for c in expected) > 100
    assert got == expected


def test_comparing_only_papers_near_a_known_citation_finds_what_comparing_all_finds(
        tmp_path, corpus_records, seeds, monkeypatch):
    """Papers never pair with each other (their PMIDs differ), so the engine compares only the
    known citations and the papers sharing a key with one; comparing every record must agree."""
    def clusters(folder: str) -> list:
        wh = Warehouse(tmp_path / folder / "w.duckdb")
        with wh.write() as db:
            run_id, _ = db.load_standalone(corpus_records)
            sync_seeds(db.con, seeds)
            papers = db.con.execute(
                "SELECT title, authors, journal, pub_year, volume, issue, pages, doi FROM records"
                " ORDER BY pmid LIMIT 60").fetchall()
            # a reference manager's export of some of them: re-cased titles, a DOI dropped here
            # and there, one cited twice
            _insert_known(db.con, [
                (n, f"row {n}", title.upper() if n % 3 else title, authors[:1], journal, year,
                 volume, issue, pages, doi if n % 2 else None)
                for n, (title, authors, journal, year, volume, issue, pages, doi)
                in enumerate([*papers, papers[0]], start=1000)])
            refresh_clusters(db.con, run_id=run_id)
            return db.con.execute("SELECT * EXCLUDE (run_id) FROM dedup_clusters ORDER BY ALL").fetchall()

    near_only = clusters("near")
    monkeypatch.setattr(dedupe_store, "_comparable", lambda con, present: present)
    assert sum(reason != "unique" for _, _, _, reason, _ in near_only) > 60
    assert near_only == clusters("all")
