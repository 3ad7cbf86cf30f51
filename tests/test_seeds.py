"""The six seed citations of the clinic's article against the synthetic CRPS corpus: matched
with evidence, known (out of the review queue), found by targeted search when missing, and
never matched to their errata or comments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import run_cli

from littrack.config import PubMedSettings
from littrack.match.citations import parse_citation
from littrack.match.dedupe_store import refresh_clusters
from littrack.match.search import find_candidate_pmids, search_terms_for
from littrack.match.store import refresh_matches, seed_statuses, unmatched_citations
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.pubmed import EutilsClient
from littrack.pubmed.ratelimit import RateLimiter
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import article_set_document, generate_corpus
from littrack.warehouse import Warehouse


@pytest.fixture(scope="module")
def seeds(shared_dir) -> list[str]:
    """Copied verbatim from the article's numbered references."""
    text = (shared_dir / "seed" / "crps-ketamine-article.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"\d\. ", line)]


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(300, seed=2026)


@pytest.fixture(scope="module")
def corpus_records(corpus) -> list[PubmedRecord]:
    return list(iter_pubmed(article_set_document(corpus.articles)))


def make_warehouse(path: Path, records) -> Warehouse:
    wh = Warehouse(path / "littrack.duckdb")
    with wh.write() as db:
        db.load_standalone(records)
    return wh


def queue(con) -> set[int]:
    return {pmid for (pmid,) in con.execute("SELECT pmid FROM review_queue").fetchall()}


def test_all_six_seeds_match_with_evidence_and_leave_the_queue(tmp_path, seeds, corpus,
                                                              corpus_records):
    wh = make_warehouse(tmp_path, corpus_records)
    with wh.write() as db:
        statuses = refresh_matches(db.con, seeds)
        in_queue = queue(db.con)
    assert [(s.number, s.status, s.pmid) for s in statuses] == [
        (n, "matched", corpus.seed_pmids[n]) for n in range(1, 7)]
    for s in statuses:
        assert {"title", "first_author", "journal", "year", "volume", "pages"} <= set(s.fields)
        assert all(f["verdict"] in ("agree", "close") for f in s.fields.values()), s.fields
        assert s.evidence.startswith("title 1.00 + first_author")
        assert s.score >= 0.9
    assert not set(corpus.seed_pmids.values()) & in_queue
    notices = {pmids[1] for name, pmids in corpus.traps.items() if name.endswith(("_seed1",
               "_seed2", "_seed4"))}
    assert notices <= in_queue  # errata and comments about a seed still need a look
    assert len(in_queue) == len(corpus_records) - 6


def test_a_seed_whose_paper_is_missing_is_never_matched_to_its_erratum(tmp_path, seeds, corpus,
                                                                      corpus_records):
    paper, erratum = corpus.traps["erratum_seed4"]
    _, comment = corpus.traps["comment_seed4"]
    wh = make_warehouse(tmp_path, [r for r in corpus_records if r.pmid != paper])
    with wh.write() as db:
        statuses = refresh_matches(db.con, seeds)
        assert {erratum, comment} <= queue(db.con)
        assert unmatched_citations(db.con, seeds) == [seeds[3]]
    fourth = statuses[3]
    assert fourth.status != "matched"
    assert [s.status for i, s in enumerate(statuses) if i != 3] == ["matched"] * 5


def test_seeds_are_synced_with_the_config(tmp_path, seeds, corpus, corpus_records):
    wh = make_warehouse(tmp_path, corpus_records)
    with wh.write() as db:
        refresh_matches(db.con, seeds)
        refresh_matches(db.con, seeds[1:])  # seed 1 dropped from the config
        statuses = seed_statuses(db.con)
        matches = db.con.execute("SELECT count(*) FROM citation_matches").fetchone()[0]
        in_queue = queue(db.con)
    assert [s.number for s in statuses] == [1, 2, 3, 4, 5]
    assert statuses[0].citation == seeds[1]
    assert corpus.seed_pmids[1] in in_queue  # no longer known: back to the reviewers
    assert matches == 6  # unchanged results are not written again


def test_search_terms_go_from_specific_to_broad(seeds):
    assert search_terms_for(parse_citation(seeds[3])) == [
        '"Sigtermans MJ"[au] AND 2009[dp] AND "Pain"[ta]',
        "ketamine[ti] AND produces[ti] AND effective[ti] AND complex[ti] AND regional[ti] "
        "AND syndrome[ti] AND 2008:2010[dp]",
        '"Sigtermans MJ"[au] AND 2009[dp]',
        '"Pain"[ta] AND 145[vi] AND 304[pg]',
    ]
    with_ids = parse_citation(seeds[3] + " doi: 10.1016/j.pain.2009.06.023. PMID: 19604642.")
    assert search_terms_for(with_ids)[:2] == ["19604642[pmid]", '"10.1016/j.pain.2009.06.023"[doi]']
    assert search_terms_for(parse_citation("nothing to search for")) == []


def test_seeds_missing_from_the_warehouse_are_found_by_targeted_search(tmp_path, seeds, corpus,
                                                                       corpus_records):
    others = [r for r in corpus_records if r.pmid not in corpus.seed_pmids.values()]
    wh = make_warehouse(tmp_path, others)
    with StandIn([article_set_document(corpus.articles)], rate_limit=False) as server:
        settings = PubMedSettings(email="tests@example.org", base_url=server.base_url)
        with EutilsClient(settings, limiter=RateLimiter(1000)) as client, wh.write() as db:
            missing, statuses = _search_fetch_and_match(client, db, seeds, corpus)
    assert len(missing) == 6
    assert [(s.status, s.pmid) for s in statuses] == [
        ("matched", corpus.seed_pmids[n]) for n in range(1, 7)]


def _search_fetch_and_match(client, db, seeds, corpus):
    """What the nightly pipeline does for seeds it does not hold yet."""
    missing = unmatched_citations(db.con, seeds)
    found = {n: find_candidate_pmids(client, parse_citation(text))
             for n, text in enumerate(missing, 1)}
    for number, pmids in found.items():
        assert corpus.seed_pmids[number] in pmids
    fetched = [item for document in client.fetch(sorted(set().union(*found.values())))
               for item in iter_pubmed(document)]
    db.load_standalone(fetched)
    return missing, refresh_matches(db.con, seeds)


def test_seeds_command_shows_each_seed(tmp_path, seeds, corpus_records, capsys):
    wh = make_warehouse(tmp_path, corpus_records)
    with wh.write() as db:
        refresh_matches(db.con, seeds)
        refresh_clusters(db.con)  # as the nightly does after matching
    config = tmp_path / "config.toml"
    config.write_text(f'[pubmed]\nquery = "x"\nemail = "t@example.org"\n'
                      f'[warehouse]\npath = "{wh.path}"\n', encoding="utf-8")
    code, out, _ = run_cli(capsys, "--config", config, "seeds")
    assert code == 0
    assert out.count("matched") >= 6
    assert "first_author: agree" in out
    # issue 10: the seed's dedup merge with its paper, field by field
    assert "dedup pmid:" in out and "title agree" in out
