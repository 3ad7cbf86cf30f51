"""Live re-ranking: the triage queue re-ordered from the decisions made since the nightly.

The nightly stores every paper's relevance as of that night (`review_queue.relevance`). Between
nights the server re-scores the queue with the same engine (`littrack.rank.Ranker`), built
once per loaded snapshot from the catalog's papers and the snapshot's prior texts. Reviewers'
requests never wait for it: `changed()` (an `after_commit` listener) wakes a background thread,
which waits `debounce_seconds` so that a burst of decisions is one re-scoring, then publishes a
new `LiveRanking` on the service (one attribute assignment). The thread also looks every
`poll_seconds` whether a new snapshot was loaded, and builds a new ranker for it.

Which decisions the model learns from: only *settled* ones, the same a reviewer may see
(`ReviewService.settled`): in single mode every decision, in dual mode a paper both reviewers
agreed on or a resolved conflict. In dual mode a paper one reviewer decided must not move in the
other reviewer's queue (that would tell them the decision before they make their own), and a
paper in conflict is no evidence either way until it is resolved. `maybe` is a weak include, as
in `littrack.rank`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from littrack.rank import Ranker, Ranking, paper_text, prior_texts
from littrack.review.background import BackgroundLoop
from littrack.review.catalog import Catalog, Cluster
from littrack.review.errors import ReviewError

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.1
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class LiveRanking:
    """One re-scoring of a catalog: its clusters in the new order, with scores and reasons."""

    catalog: Catalog
    clusters: list[Cluster]  # best first; ties keep the snapshot's order
    relevance: dict[str, float]  # cluster id -> the best score of its members
    scored_by: dict[str, int]  # cluster id -> the member whose score that is
    ranking: Ranking
    version: int  # 1, 2, ... per re-scoring since the server started

    @classmethod
    def of(cls, catalog: Catalog, ranking: Ranking, version: int) -> LiveRanking:
        scores = ranking.by_id()
        scored_by = {c.cluster_id: max(c.pmids, key=scores.__getitem__) for c in catalog.clusters}
        relevance = {cluster_id: scores[pmid] for cluster_id, pmid in scored_by.items()}
        ordered = sorted(catalog.clusters, key=lambda c: -relevance[c.cluster_id])  # stable
        return cls(catalog, ordered, relevance, scored_by, ranking, version)

    def why(self, cluster: Cluster) -> str:
        return self.ranking.why(self.scored_by[cluster.cluster_id])


def catalog_ranker(catalog: Catalog, snapshot, criteria: str = "") -> Ranker:
    """A ranker over the catalog's papers, with the prior the nightly uses (`prior_texts`)."""
    try:
        con = duckdb.connect(str(snapshot), read_only=True)
    except duckdb.Error as exc:
        raise ReviewError(f"cannot open the warehouse {snapshot}: {exc}") from None
    try:
        prior = prior_texts(con, criteria)
    finally:
        con.close()
    papers = list(catalog.by_pmid.values())
    texts = [paper_text(p.title, p.abstract, p.keywords, p.mesh_terms, p.publication_types) for p in papers]
    return Ranker([p.pmid for p in papers], texts, prior)


class LiveReranker(BackgroundLoop):
    """Keeps `service.live_ranking` in step with the settled decisions and the loaded snapshot."""

    def __init__(self, service, criteria: str = "", debounce_seconds: float = DEBOUNCE_SECONDS,
                 poll_seconds: float = POLL_SECONDS):
        super().__init__("live-rerank")
        self.service = service
        self.criteria = criteria
        self.debounce_seconds = debounce_seconds
        self.poll_seconds = poll_seconds
        self._ranker: tuple[Catalog, Ranker] | None = None
        self._seen: tuple[Catalog, int] | None = None  # the catalog and event count last looked at
        self._ranked: tuple[Catalog, dict] | None = None  # what the published ranking learned from
        self._versions = 0

    def start(self) -> None:
        self._thread.start()

    def refresh(self) -> None:
        """Re-score now if the catalog or the settled decisions changed since the last time."""
        screened = self.service.screened()
        catalog = screened.catalog
        if not catalog.ranked or not catalog.clusters or self._seen == (catalog, screened.event_count):
            return
        self._seen = (catalog, screened.event_count)
        labels = {}
        for cluster_id, screening in screened.clusters.items():
            cluster = catalog.by_cluster.get(cluster_id)
            if cluster is not None and self.service.settled(screening) and screening.decision:
                labels.update(dict.fromkeys(cluster.pmids, screening.decision))
        if self._ranked == (catalog, labels):  # e.g. dual mode, only one reviewer decided yet
            return
        if self._ranker is None or self._ranker[0] is not catalog:
            self._ranker = (catalog, catalog_ranker(catalog, self.service.catalog.path, self.criteria))
        ranking = self._ranker[1].rescore(labels)
        self._versions += 1
        self.service.live_ranking = LiveRanking.of(catalog, ranking, self._versions)
        self._ranked = (catalog, labels)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            if self._wake.wait(self.poll_seconds):
                self._stopping.wait(self.debounce_seconds)  # a burst of decisions: one re-scoring
            self._wake.clear()
            try:
                self.refresh()
            except (ReviewError, duckdb.Error, ValueError) as exc:  # the snapshot's order stays
                log.error("could not re-rank the review queue: %s", exc)
