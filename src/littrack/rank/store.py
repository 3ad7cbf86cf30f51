"""The nightly's ranking: every paper in the review queue scored, undecided ones stored.

The prior comes from the warehouse (the papers the seed and known citations matched, the
nightly query from `runs`) and from the `[review] criteria` text; the labels from the
reviewers' decisions (`screening_status`). The table `relevance_scores` is replaced whole.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from littrack.match.changes import remember_inputs, same_inputs
from littrack.rank.features import paper_text, query_terms
from littrack.rank.ranker import MODEL_VERSION, PriorText, Ranker
from littrack.warehouse.transaction import transaction

log = logging.getLogger(__name__)

_QUEUE = "SELECT pmid, final_decision FROM review_queue ORDER BY pmid"
_QUEUE_TEXTS = """
SELECT title, abstract, keywords, mesh_terms, publication_types FROM review_queue ORDER BY pmid
"""
_TEXT_BATCH = 2048
_KNOWN = """
SELECT p.pmid, p.title, p.abstract, p.keywords, p.mesh_terms, p.publication_types, s.ref_no
FROM known_papers k
JOIN papers p USING (pmid)
LEFT JOIN (SELECT pmid, min(ref_no) AS ref_no FROM seed_citations WHERE status = 'matched'
           GROUP BY pmid) s USING (pmid)
ORDER BY s.ref_no NULLS LAST, p.pmid
"""
_LAST_QUERY = "SELECT query FROM runs WHERE query_key IS NOT NULL ORDER BY id DESC LIMIT 1"


def _inputs_fingerprint(con: duckdb.DuckDBPyConnection, prior: list[PriorText]) -> str:
    """Everything a scoring reads, cheaply: the queue's papers by content hash, the decision
    events (append-only: their count and last id), the clusters decisions spread over, the
    prior and the model."""
    state = con.execute(_INPUTS).fetchone()
    return hashlib.sha256(repr((state, prior, MODEL_VERSION)).encode()).hexdigest()


_INPUTS = """
SELECT (SELECT md5(string_agg(pmid || content_hash, ',' ORDER BY pmid)) FROM records
        WHERE pmid IN (SELECT pmid FROM review_pmids)),
       (SELECT count(*) || '/' || coalesce(max(event_id), 0) FROM decisions),
       (SELECT md5(string_agg(cluster_id || member_key, ',' ORDER BY member_key))
        FROM dedup_clusters)
"""


@dataclass(frozen=True, slots=True)
class RelevanceRefresh:
    scored: int  # undecided papers written to relevance_scores
    decisions: int  # decided papers the model learned from
    prior_texts: int


def prior_texts(con: duckdb.DuckDBPyConnection, criteria: str = "") -> list[PriorText]:
    """What the review is about before any decision: criteria, query terms, known papers,
    each kind one equal share of the prior."""
    prior = [PriorText("criteria", criteria)] if criteria.strip() else []
    query = con.execute(_LAST_QUERY).fetchone()
    if query and query[0]:
        prior.append(PriorText("the query", query_terms(query[0])))
    known = con.execute(_KNOWN).fetchall()
    for pmid, *text, ref_no in known:
        source = f"seed {ref_no}" if ref_no is not None else f"known paper {pmid}"
        prior.append(PriorText(source, paper_text(*text), weight=1 / len(known)))
    return prior


def _queue_texts(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """The queue's papers' texts in `_QUEUE` order, a batch of rows at a time: the whole
    queue's rows as Python objects at once would weigh more than the features built from them."""
    rows = con.execute(_QUEUE_TEXTS)
    while batch := rows.fetchmany(_TEXT_BATCH):
        yield from (paper_text(*row) for row in batch)


def refresh_relevance(
    con: duckdb.DuckDBPyConnection, run_id: int | None = None, criteria: str = ""
) -> RelevanceRefresh:
    """Rank the review queue from the prior and the decisions so far; replace relevance_scores.
    Inputs identical to the last scoring's (a quiet night) keep the stored scores."""
    prior = prior_texts(con, criteria)
    inputs = _inputs_fingerprint(con, prior)
    if same_inputs(con, "rank", inputs):
        stored = con.execute("SELECT count(*), coalesce(max(decisions), 0),"
                             " coalesce(max(prior_texts), 0) FROM relevance_scores").fetchone()
        if stored[0]:
            return RelevanceRefresh(*stored)
    queue = con.execute(_QUEUE).fetchall()
    labels = {pmid: decision for pmid, decision in queue if decision is not None}
    waiting = [pmid for pmid, decision in queue if decision is None]
    ranking = None
    if waiting:
        ranking = Ranker([pmid for pmid, _ in queue], _queue_texts(con), prior).rescore(labels)
    with transaction(con):
        con.execute("DELETE FROM relevance_scores")
        if ranking is not None:
            scores = ranking.by_id()
            order = sorted(waiting, key=lambda pmid: -scores[pmid])  # stable: ties by PMID
            con.execute(
                "INSERT INTO relevance_scores"
                " SELECT unnest($pmids), unnest($scores), unnest($ranks), unnest($whys),"
                " $version, $decisions, $prior, current_timestamp, $run_id",
                {
                    "pmids": order, "scores": [scores[pmid] for pmid in order],
                    "ranks": list(range(1, len(order) + 1)), "whys": ranking.whys(order),
                    "version": MODEL_VERSION, "decisions": len(labels), "prior": len(prior),
                    "run_id": run_id,
                },
            )
        remember_inputs(con, "rank", inputs)
    refresh = RelevanceRefresh(len(waiting), len(labels), len(prior))
    log.info("relevance: %s", refresh)
    return refresh
