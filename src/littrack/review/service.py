"""What the triage page can do, as plain methods: the server (`app.py`) is a thin layer over this.

Papers come from the snapshot (`CatalogWatcher`), decisions from the review store; the
screening state is recomputed from the events when either changes. Blind dual screening: a
reviewer sees the others' decisions on a paper only once they decided it themselves, or once
its screening is complete (two reviewers in dual mode, one in single mode, or resolved).
"""

from __future__ import annotations

import json

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from littrack.config import ReviewSettings
from littrack.review.catalog import FACET_COLUMNS, Catalog, CatalogWatcher, Cluster
from littrack.review.errors import InvalidDecision
from littrack.review.live_rank import LiveRanking
from littrack.review.screening import DECISIONS, UNDECIDED, ClusterScreening, screen_clusters
from littrack.review.store import DecisionEvent, NewEvent, ReviewStore

FILTERS = ("undecided", "mine", "maybe", "conflicts", "included", "excluded", "all")
_FILTER_STATUS = {"maybe": "maybe", "conflicts": "conflict", "included": "included", "excluded": "excluded"}
MAX_NOTE_CHARS = 5_000
MAX_TAGS = 20


@dataclass(frozen=True)
class QueueQuery:
    filter: str = "undecided"
    text: str = ""
    facets: dict[str, str] = field(default_factory=dict)  # column -> value, e.g. design=RCT
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True)
class Screened:
    """The catalog with every cluster's screening, computed once per change."""

    catalog: Catalog
    event_count: int
    clusters: dict[str, ClusterScreening]

    def of(self, cluster: Cluster) -> ClusterScreening:
        return self.clusters.get(cluster.cluster_id, UNDECIDED)


class ReviewService:
    def __init__(self, store: ReviewStore, catalog: CatalogWatcher, settings: ReviewSettings):
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.required_reviewers = 2 if settings.mode == "dual" else 1
        # called after every committed event: the decision export and the live re-ranking
        # (`live_rank.LiveReranker`) — the one place where "a decision was made" is announced
        self.after_commit: list[Callable[[DecisionEvent], None]] = []
        # the queue re-scored since the snapshot, set by `LiveReranker` (None: the snapshot's order)
        self.live_ranking: LiveRanking | None = None
        self._events: list[DecisionEvent] = store.events()
        self._screened: Screened | None = None
        self._lock = threading.Lock()

    # ---- reading ----

    def screened(self) -> Screened:
        catalog = self.catalog.current()
        with self._lock:
            cached = self._screened
            if cached is None or cached.catalog is not catalog or cached.event_count != len(self._events):
                events = list(self._events)
                cached = Screened(catalog, len(events), screen_clusters(events, catalog.cluster_of))
                self._screened = cached
            return cached

    def queue(self, reviewer: str, query: QueueQuery) -> dict:
        if query.filter not in FILTERS:
            raise InvalidDecision(f"unknown filter {query.filter!r}; use one of {', '.join(FILTERS)}")
        screened = self.screened()
        live = self._live(screened.catalog)
        terms = query.text.casefold().split()
        counts = dict.fromkeys(FILTERS, 0)
        matched = []
        for cluster in live.clusters if live else screened.catalog.clusters:
            if terms and not all(term in cluster.search_text for term in terms):
                continue
            if query.facets and any(
                value not in cluster.facet_values(column) for column, value in query.facets.items()
            ):
                continue
            view = self._view(reviewer, screened.of(cluster))
            names = _filters_of(view)
            for name in names:
                counts[name] += 1
            if query.filter in names:
                matched.append((cluster, view))
        page = matched[query.offset: query.offset + query.limit]
        return {
            "items": [self._item(cluster, view, live) for cluster, view in page],
            "total": len(matched),
            "counts": counts,
            "ranking_version": live.version if live else 0,  # 0: the nightly's order
        }

    def paper(self, reviewer: str, pmid: int) -> dict:
        screened = self.screened()
        cluster = self._cluster(screened.catalog, pmid)
        item = self._item(cluster, self._view(reviewer, screened.of(cluster)), self._live(screened.catalog))
        paper = cluster.representative
        item.update(
            abstract_sections=paper.abstract_sections(),
            mesh_terms=list(paper.mesh_terms),
            publication_types=list(paper.publication_types),
            keywords=list(paper.keywords),
            links=_links(paper),
            related=[
                {"pmid": r.pmid, "title": r.title, "kind": r.kind, "direction": r.direction}
                for r in cluster.related
            ],
            merges=_merges(cluster),
        )
        return item

    def page_settings(self) -> dict:
        catalog = self.catalog.current()
        facets = {
            column: sorted({v for c in catalog.clusters for v in c.facet_values(column)})
            for column in FACET_COLUMNS if column in catalog.optional_columns
        }
        return {
            "mode": self.settings.mode,
            "exclusion_reasons": list(self.settings.exclusion_reasons),
            "include_words": list(self.settings.include_words),
            "exclude_words": list(self.settings.exclude_words),
            "filters": list(FILTERS),
            "facets": facets,
            "ranked": catalog.ranked,
        }

    # ---- writing ----

    def decide(self, reviewer: str, pmid: int, decision: str, reason: str | None = None,
               note: str | None = None, tags: list[str] | tuple[str, ...] = ()) -> DecisionEvent:
        cluster = self._cluster(self.catalog.current(), pmid)
        return self._append(cluster, reviewer, "decide", *self._checked(decision, reason, note, tags))

    def resolve(self, reviewer: str, pmid: int, decision: str, reason: str | None = None,
                note: str | None = None) -> DecisionEvent:
        screened = self.screened()
        cluster = self._cluster(screened.catalog, pmid)
        if screened.of(cluster).status != "conflict":
            raise InvalidDecision(f"PMID {pmid} is not in conflict; there is nothing to resolve")
        return self._append(cluster, reviewer, "resolve", *self._checked(decision, reason, note, ()))

    def undo(self, reviewer: str, pmid: int) -> DecisionEvent:
        screened = self.screened()
        cluster = self._cluster(screened.catalog, pmid)
        mine = screened.of(cluster).by_reviewer.get(reviewer)
        if mine is None:
            raise InvalidDecision(f"you have no decision on PMID {pmid} to undo")
        # the undo names the PMID the decision was made on, so it pops that decision's stack
        return self.store_event(NewEvent(mine.pmid, mine.cluster_pmids, reviewer, "undo"))

    def store_event(self, event: NewEvent) -> DecisionEvent:
        stored = self.store.append(event)  # durable from here on
        with self._lock:
            self._events.append(stored)
        for hook in self.after_commit:
            hook(stored)
        return stored

    def _append(self, cluster: Cluster, reviewer: str, action: str, decision: str,
                reason: str | None, note: str | None, tags: tuple[str, ...]) -> DecisionEvent:
        paper = cluster.representative
        return self.store_event(NewEvent(
            paper.pmid, cluster.pmids, reviewer, action, decision, reason, note, tags,
            paper.version, paper.content_hash,
        ))

    def _checked(self, decision, reason, note, tags) -> tuple:
        if decision not in DECISIONS:
            raise InvalidDecision(f"unknown decision {decision!r}; use include, maybe or exclude")
        reasons = self.settings.exclusion_reasons
        reason = reason or None
        if decision == "exclude" and reasons and reason not in reasons:
            raise InvalidDecision(f"an exclusion needs a reason from: {'; '.join(reasons)}")
        if decision != "exclude" and reason is not None:
            raise InvalidDecision("only an exclusion takes a reason")
        if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
            raise InvalidDecision(f"a note must be text of at most {MAX_NOTE_CHARS} characters")
        if not isinstance(tags, (list, tuple)) or len(tags) > MAX_TAGS or not all(
            isinstance(t, str) and 0 < len(t.strip()) <= 40 for t in tags
        ):
            raise InvalidDecision(f"tags must be at most {MAX_TAGS} short non-empty strings")
        return decision, reason, note or None, tuple(t.strip() for t in tags)

    @staticmethod
    def _cluster(catalog: Catalog, pmid) -> Cluster:
        cluster = catalog.cluster_for(pmid) if isinstance(pmid, int) else None
        if cluster is None:
            raise InvalidDecision(f"PMID {pmid} is not in the review queue")
        return cluster

    # ---- what one reviewer may see ----

    def settled(self, screening: ClusterScreening) -> bool:
        """Screening is complete (enough reviewers, or resolved): everybody may see the outcome."""
        return screening.resolved or len(screening.by_reviewer) >= self.required_reviewers

    def _live(self, catalog: Catalog) -> LiveRanking | None:
        live = self.live_ranking
        return live if live is not None and live.catalog is catalog else None

    def _view(self, reviewer: str, screening: ClusterScreening) -> dict:
        mine = screening.by_reviewer.get(reviewer)
        complete = self.settled(screening)
        if mine is None and not complete:
            return {"status": "undecided", "mine": None, "screening": None}
        status = screening.status if complete else "awaiting"  # only I decided, in dual mode
        return {"status": status, "mine": mine, "screening": screening}

    def _item(self, cluster: Cluster, view: dict, live: LiveRanking | None = None) -> dict:
        paper = cluster.representative
        mine: DecisionEvent | None = view["mine"]
        screening: ClusterScreening | None = view["screening"]
        item = {
            "pmid": paper.pmid,
            "cluster_id": cluster.cluster_id,
            "title": paper.title,
            "authors": list(paper.authors),
            "journal": paper.journal_iso or paper.journal,
            "year": paper.pub_year,
            "is_retracted": any(p.is_retracted for p in cluster.members),
            "first_seen_at": paper.first_seen_at.isoformat(),
            "members": [
                {"pmid": p.pmid, "title": p.title, "journal": p.journal_iso or p.journal, "year": p.pub_year}
                for p in cluster.members
            ],
            "status": view["status"],
            "my_decision": _decision_dict(mine),
            "decisions": [],
            "final_decision": None,
            "resolved_by": None,
            "changed_since_decided": False,
        }
        if screening is not None:
            item.update(
                decisions=[dict(_decision_dict(e), reviewer=r) for r, e in sorted(screening.by_reviewer.items())],
                final_decision=screening.decision,
                final_reason=screening.reason,
                resolved_by=screening.resolution.reviewer if screening.resolved else None,
                changed_since_decided=_changed_since_decided(cluster, screening),
            )
        extra = paper.extra
        for column in ("relevance_why", "tag_chips", *FACET_COLUMNS):
            if column in extra:
                item[column] = extra[column] if column != "tag_chips" else list(extra[column] or ())
        if "relevance" in extra:
            item["relevance"] = cluster.relevance  # what the queue is ordered by
        if live is not None:
            item.update(relevance=live.relevance[cluster.cluster_id], relevance_why=live.why(cluster))
        return item


def _filters_of(view: dict) -> set[str]:
    names = {"all"}
    if view["status"] == "undecided":
        names.add("undecided")
    if view["mine"] is not None:
        names.add("mine")
    for name, status in _FILTER_STATUS.items():
        if view["status"] == status:
            names.add(name)
    return names


def _decision_dict(event: DecisionEvent | None) -> dict | None:
    if event is None:
        return None
    return {"decision": event.decision, "reason": event.reason, "note": event.note,
            "tags": list(event.tags), "decided_at": event.decided_at.isoformat()}


def _changed_since_decided(cluster: Cluster, screening: ClusterScreening) -> bool:
    """A member was revised (new Version or content) or retracted after a decision was made on it."""
    papers = {p.pmid: p for p in cluster.members}
    decided = [*screening.by_reviewer.values(), *([screening.resolution] if screening.resolution else [])]
    return any(
        event.pmid in papers
        and (papers[event.pmid].version, papers[event.pmid].content_hash)
        != (event.paper_version, event.paper_hash)
        for event in decided
    )


def _merges(cluster) -> list[dict]:
    """Each merge that made the cluster, with its per-field evidence (issue 10): the records it
    joined, the reason, and each field's verdict."""
    raw = cluster.representative.extra.get("cluster_evidence")
    merges = json.loads(raw) if raw else []
    return [
        {
            "records": merge.get("records", []),
            "reason": merge.get("reason", ""),
            "fields": [
                {"field": name, "verdict": detail.get("verdict", "")}
                for name, detail in (merge.get("fields") or {}).items()
            ],
        }
        for merge in merges
    ]


def _links(paper) -> list[dict]:
    links = [{"label": "PubMed", "url": paper.pubmed_url}]
    if paper.doi:
        links.append({"label": "DOI", "url": f"https://doi.org/{paper.doi}"})
    if paper.pmcid:
        links.append({"label": "PMC", "url": f"https://www.ncbi.nlm.nih.gov/pmc/articles/{paper.pmcid}/"})
    return links
