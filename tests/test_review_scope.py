"""Review scope: a bulk load stores every record of its files, but only those the configured
query finds are queued, tagged and ranked; a record a nightly's search returns joins them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from support import run_cli

from littrack.config import load_config, with_overrides
from littrack.match.query_scope import QueryScope
from littrack.nightly.files import load_files
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.pubmed.query import parse_query
from littrack.pubmed.standin import StandIn
from littrack.pubmed.standin.corpus import Corpus
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus
from littrack.pubmed.synthetic.draft import article_set_document
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
CORPUS = generate_corpus(120, seed=21)
NARROW = 'ketamine[tiab] AND "complex regional pain syndrome"[tiab]'


def records_of(sources: list) -> list[PubmedRecord]:
    return [item for source in sources for item in iter_pubmed(source) if isinstance(item, PubmedRecord)]


@pytest.mark.parametrize("query", [
    load_config(REPO / "config.toml").pubmed.query,
    "ketamin*[tiab] NOT Humans[mh]",
    '"Analgesics/therapeutic use"[mh] OR "Randomized Controlled Trial"[pt]',
    "Sigtermans[au] OR Pain[ta] OR 2009[dp]",
    "Humans[mh] AND (Female[mh] OR Review[pt]) NOT Mice[mh]",
    "Wang[au] OR Chen L[au] OR Biochem J[ta] OR 2022:2023[dp]",
    '"2020/01/01"[edat] : "2024/12/31"[edat] AND (pain[tiab] OR cell*)',
    '"10.1037/a0030292"[doi] OR 259[pg] OR 6[vi]',
])
def test_reading_the_query_on_each_record_finds_what_the_standin_search_finds(efetch_samples, query):
    """The stand-in reads the XML with lxml of its own; the scope reads littrack's parsed records:
    on real NCBI records and on the synthetic corpus both find the same PMIDs."""
    found = 0
    for sources in (efetch_samples, [article_set_document(CORPUS.articles)]):
        searched, _ = Corpus.load(sources).search(parse_query(query))
        scope = QueryScope(query)
        assert {r.pmid for r in records_of(sources) if scope.admits(r)} == set(searched)
        found += len(searched)
    assert found > 0


def load_config_for(tmp_path: Path, query: str, base_url: str = "http://127.0.0.1:9/"):
    config = with_overrides(load_config(REPO / "config.toml"), base_url, tmp_path / "littrack.duckdb")
    return dataclasses.replace(config, pubmed=dataclasses.replace(config.pubmed, query=query))


def test_a_bulk_load_queues_tags_and_ranks_only_what_the_query_finds(tmp_path):
    files = tmp_path / "pubmed25n0001.xml"
    files.write_bytes(article_set_document(CORPUS.articles))
    (load,) = load_files(load_config_for(tmp_path, NARROW), [files], workers=2)

    in_scope = {r.pmid for r in records_of([files]) if QueryScope(NARROW).admits(r)}
    assert 0 < len(in_scope) < len(CORPUS.articles) / 2
    assert (load.counts.new, load.admitted) == (len(CORPUS.articles), len(in_scope))
    with Warehouse(tmp_path / "littrack.duckdb").read() as con:
        def pmids(sql: str) -> set[int]:
            return {pmid for (pmid,) in con.execute(sql).fetchall()}

        assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == len(CORPUS.articles)
        assert pmids("SELECT pmid FROM query_matches WHERE source = 'query'") == in_scope
        known = pmids("SELECT pmid FROM known_papers")
        assert known and known <= in_scope  # the seed papers are found by the query too
        assert pmids("SELECT pmid FROM review_queue") == in_scope - known
        assert pmids("SELECT pmid FROM paper_tags") == in_scope
        assert pmids("SELECT pmid FROM relevance_scores") == in_scope - known
        assert pmids("SELECT pmid FROM screening_status") == in_scope - known
        # everything is still deduplicated, not just what is in review
        assert con.execute(
            "SELECT count(DISTINCT member_key) FROM dedup_keys WHERE member_key LIKE 'pmid:%'"
        ).fetchone()[0] == len(CORPUS.articles)


def test_a_stored_record_the_nightly_search_returns_joins_review_and_is_tagged(tmp_path, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")  # 10 requests/s against the stand-in
    files = tmp_path / "baseline.xml"
    files.write_bytes(article_set_document(CORPUS.articles))
    load_files(load_config_for(tmp_path, "zzzunheardof[tiab]"), [files], workers=1)
    with Warehouse(tmp_path / "littrack.duckdb").read() as con:
        assert con.execute("SELECT count(*) FROM review_queue").fetchone()[0] == 0

    with StandIn(corpus=CORPUS.articles) as pubmed:
        config = load_config_for(tmp_path, NARROW, pubmed.base_url)
        summary = run_nightly(config, RunOptions(today=LATER_DATE - timedelta(days=1)))
        searched, _ = pubmed.corpus.search(parse_query(NARROW))

    with Warehouse(tmp_path / "littrack.duckdb").read() as con:
        admitted = dict(con.execute("SELECT pmid, source FROM query_matches").fetchall())
        tagged = {pmid for (pmid,) in con.execute("SELECT pmid FROM paper_tags").fetchall()}
    assert admitted == dict.fromkeys(searched, "search")
    assert tagged == set(searched)
    assert summary.queue_size == len(set(searched)) - len(CORPUS.seed_pmids)


def littrack_load(capsys, folder: Path, query: str, records: int, *options: str) -> tuple[int, str]:
    """`littrack load` of a file of the corpus' first `records`, with `query` in the config:
    (exit code, standard error)."""
    config = folder / "config.toml"
    config.write_text(
        f'[pubmed]\nquery = "{query}"\nemail = "tests@example.org"\n'
        f'[warehouse]\npath = "{folder / "littrack.duckdb"}"\n', encoding="utf-8"
    )
    files = folder / "records.xml"
    files.write_bytes(article_set_document(CORPUS.articles[:records]))
    code, _, err = run_cli(capsys, "--config", config, "load", *options, files)
    return code, err


def test_a_query_the_load_cannot_read_stops_it_before_anything_is_written(tmp_path, capsys):
    code, err = littrack_load(capsys, tmp_path, "ketamine[majr]", 3)
    assert code == 2
    assert err.startswith("Error: littrack load finds the records in review by reading [pubmed] query")
    assert "unknown field tag [majr]" in err
    assert not (tmp_path / "littrack.duckdb").exists()


def test_records_stored_before_review_scope_existed_stay_in_review(tmp_path):
    path = tmp_path / "littrack.duckdb"
    with Warehouse(path).write() as db:
        db.load_standalone(records_of([article_set_document(CORPUS.articles[:5])]))
        # the warehouse as littrack left it before migration 010
        db.con.execute("DROP TABLE query_matches")
        db.con.execute("DELETE FROM schema_migrations WHERE version = 10")
    with Warehouse(path).write():
        pass
    with Warehouse(path).read() as con:
        assert con.execute("SELECT source, count(*) FROM query_matches GROUP BY ALL").fetchall() == [
            ("before-scope", 5)
        ]
        assert con.execute("SELECT count(*) FROM review_queue").fetchone()[0] == 5


def test_records_a_nightly_fetches_only_to_match_seeds_stay_out_of_review(tmp_path, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    query = "memantine[tiab]"  # finds none of the seed papers: they are searched for one by one
    with StandIn(corpus=CORPUS.articles) as pubmed:
        config = load_config_for(tmp_path, query, pubmed.base_url)
        for _ in range(2):  # the second night searches for the seeds the first left unmatched
            run_nightly(config, RunOptions(today=LATER_DATE - timedelta(days=1)))
        searched, _ = pubmed.corpus.search(parse_query(query))
    with Warehouse(tmp_path / "littrack.duckdb").read() as con:
        stored = {pmid for (pmid,) in con.execute("SELECT pmid FROM papers").fetchall()}
        queued = {pmid for (pmid,) in con.execute("SELECT pmid FROM review_queue").fetchall()}
        known = {pmid for (pmid,) in con.execute("SELECT pmid FROM known_papers").fetchall()}
    fetched_for_seeds = stored - set(searched)
    assert known and known <= fetched_for_seeds  # the seeds were found, by their own searches
    assert fetched_for_seeds - known  # and other candidates came with them
    assert queued == set(searched) - known


def test_review_all_sends_every_record_of_the_files_to_review(tmp_path, capsys):
    code, err = littrack_load(capsys, tmp_path, "zzzunheardof[tiab]", 8, "--review-all")
    assert code == 0 and "Error" not in err
    with Warehouse(tmp_path / "littrack.duckdb").read() as con:
        assert con.execute("SELECT source, count(*) FROM query_matches GROUP BY ALL").fetchall() == [("loaded", 8)]
        assert con.execute("SELECT count(*) FROM review_queue").fetchone()[0] == 8
