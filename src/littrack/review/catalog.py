"""The papers under review, read once from the published snapshot and kept in memory.

The server never opens the store and never takes the writer lock: it reads `review_queue` from
the analysts' snapshot (read-only), closes the connection, and serves filters and searches from
memory (10,000 papers are a few tens of MB). When the nightly replaces the snapshot (a rename:
a new inode), `CatalogWatcher` loads the new one in a background thread while requests keep
being served from the old one.

Columns other stages add to `review_queue` are optional: `relevance`/`relevance_why` (ranking),
`tag_chips` and the facets in `FACET_COLUMNS` (evidence tags). The page works without them.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from littrack.review.errors import ReviewError

log = logging.getLogger(__name__)

FACET_COLUMNS = ("design", "population_age", "routes")
OPTIONAL_COLUMNS = ("relevance", "relevance_why", "tag_chips", *FACET_COLUMNS)

_PAPER_COLUMNS = """
    q.pmid, q.version, r.content_hash, coalesce(c.cluster_id, 'pmid:' || q.pmid) AS cluster_id,
    q.title, q.authors, q.journal, q.journal_iso, q.pub_year, q.volume, q.issue, q.pages, q.doi,
    q.pmcid, q.pubmed_url, q.publication_types, q.mesh_terms, q.keywords, q.is_retracted,
    q.first_seen_at, q.abstract, json_extract(q.record_json, '$.abstract_sections')::VARCHAR
"""
_LINKS = """
    SELECT l.a, l.b, l.kind, pa.pmid, pa.title, pb.pmid, pb.title
    FROM record_links l
    LEFT JOIN all_papers pa ON 'pmid:' || pa.pmid = l.a
    LEFT JOIN all_papers pb ON 'pmid:' || pb.pmid = l.b
"""


@dataclass(frozen=True)
class Paper:
    pmid: int
    version: int
    content_hash: str
    cluster_id: str
    title: str
    authors: tuple[str, ...]
    journal: str | None
    journal_iso: str | None
    pub_year: int | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    pmcid: str | None
    pubmed_url: str
    publication_types: tuple[str, ...]
    mesh_terms: tuple[str, ...]
    keywords: tuple[str, ...]
    is_retracted: bool
    first_seen_at: datetime
    abstract: str
    abstract_sections_json: str | None
    extra: dict = field(default_factory=dict)  # the optional columns this snapshot has

    def abstract_sections(self) -> list[dict]:
        """[{label, text}] in order; an unstructured abstract is one section without a label."""
        sections = json.loads(self.abstract_sections_json or "null") or []
        return [{"label": s.get("label"), "text": s.get("text") or ""} for s in sections]


@dataclass(frozen=True)
class Related:
    pmid: int | None
    title: str | None
    kind: str  # e.g. "erratum-of", "pubmed:RetractionIn"
    direction: str  # "this" when this paper is the notice/comment, "other" when the other one is


@dataclass
class Cluster:
    """One queue row: a duplicate cluster of papers nobody knows yet."""

    cluster_id: str
    members: list[Paper]
    related: list[Related] = field(default_factory=list)
    search_text: str = ""

    @property
    def representative(self) -> Paper:
        return self.members[0]

    @property
    def pmids(self) -> tuple[int, ...]:
        return tuple(p.pmid for p in self.members)

    def facet_values(self, column: str) -> set[str]:
        return {value for paper in self.members for value in _as_strings(paper.extra.get(column))}

    @property
    def relevance(self) -> float | None:
        scores = [p.extra["relevance"] for p in self.members if p.extra.get("relevance") is not None]
        return max(scores) if scores else None

    @property
    def newest_seen(self) -> datetime:
        return max(p.first_seen_at for p in self.members)


@dataclass(frozen=True)
class Catalog:
    clusters: list[Cluster]  # in queue order: by relevance when ranked, else newest first
    by_pmid: dict[int, Paper]
    cluster_of: dict[int, str]  # pmid -> cluster id
    by_cluster: dict[str, Cluster]
    optional_columns: tuple[str, ...]  # which of OPTIONAL_COLUMNS this snapshot has

    @property
    def ranked(self) -> bool:
        return "relevance" in self.optional_columns

    def cluster_for(self, pmid: int) -> Cluster | None:
        cluster_id = self.cluster_of.get(pmid)
        return self.by_cluster.get(cluster_id) if cluster_id else None


def load_catalog(path: Path) -> Catalog:
    """Read the queue, its clusters and related records from the snapshot at `path`."""
    catalog = _read_catalog(path)
    # the catalog is millions of long-lived objects without cycles (freed by reference counts):
    # keep them out of the cycle collector, whose full passes otherwise stall requests ~0.4 s
    gc.collect()
    gc.freeze()
    return catalog


def _read_catalog(path: Path) -> Catalog:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ReviewError(f"cannot open the warehouse {path}: {exc}") from None
    try:
        present = {name for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'review_queue'"
        ).fetchall()}
        optional = tuple(c for c in OPTIONAL_COLUMNS if c in present)
        select = ", ".join([_PAPER_COLUMNS, *(f"q.{c}" for c in optional)])
        if _has_column(con, "dedup_clusters", "evidence"):  # why the cluster's records are one
            optional += ("cluster_evidence",)
            select += ", c.evidence"
        rows = con.execute(
            f"SELECT {select} FROM review_queue q JOIN records r USING (pmid)"
            " LEFT JOIN dedup_clusters c ON c.member_key = 'pmid:' || q.pmid"
        ).fetchall()
        links = con.execute(_LINKS).fetchall()
    except duckdb.Error as exc:
        raise ReviewError(f"cannot read the review queue from {path}: {exc}") from None
    finally:
        con.close()
    papers = [_paper(row, optional) for row in rows]
    return build_catalog(papers, links, optional)


def _has_column(con, table: str, column: str) -> bool:
    return con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()[0] > 0


def _paper(row: Sequence, optional: tuple[str, ...]) -> Paper:
    base, extra = row[: len(row) - len(optional)], row[len(row) - len(optional):]
    (pmid, version, content_hash, cluster_id, title, authors, journal, journal_iso, pub_year,
     volume, issue, pages, doi, pmcid, pubmed_url, types, mesh, keywords, retracted, seen,
     abstract, sections) = base
    return Paper(pmid, version, content_hash, cluster_id, title or "", tuple(authors or ()),
                 journal, journal_iso, pub_year, volume, issue, pages, doi, pmcid, pubmed_url,
                 tuple(types or ()), tuple(mesh or ()), tuple(keywords or ()), bool(retracted),
                 seen, abstract or "", sections, dict(zip(optional, extra)))


def build_catalog(papers: list[Paper], links: Sequence[Sequence], optional: tuple[str, ...]) -> Catalog:
    grouped: dict[str, list[Paper]] = {}
    for paper in papers:
        grouped.setdefault(paper.cluster_id, []).append(paper)
    clusters = {}
    for cluster_id, members in grouped.items():
        # the cluster's own id names its first member: that one represents it (decisions key on it)
        members.sort(key=lambda p: (f"pmid:{p.pmid}" != cluster_id, p.pmid))
        text = " ".join(f"{p.title} {p.abstract} {' '.join(p.authors)}" for p in members)
        clusters[cluster_id] = Cluster(cluster_id, members, search_text=text.casefold())
    for a, b, kind, a_pmid, a_title, b_pmid, b_title in links:
        if a in clusters:
            clusters[a].related.append(Related(b_pmid, b_title, kind, "this"))
        if b in clusters:
            clusters[b].related.append(Related(a_pmid, a_title, kind, "other"))
    ordered = sorted(clusters.values(), key=lambda c: (c.newest_seen, c.representative.pmid), reverse=True)
    if "relevance" in optional:
        ordered.sort(key=lambda c: (c.relevance is None, -(c.relevance or 0)))  # stable: ties stay newest first
    return Catalog(
        clusters=ordered,
        by_pmid={p.pmid: p for p in papers},
        cluster_of={p.pmid: p.cluster_id for p in papers},
        by_cluster=clusters,
        optional_columns=optional,
    )


def _as_strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


class CatalogWatcher:
    """The current catalog; reloads in the background when the snapshot file is replaced."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise ReviewError(
                f"no warehouse yet at {self.path}: run `littrack run` or `littrack demo` first"
            )
        self._identity = self._stat()
        self._catalog = load_catalog(self.path)
        self._lock = threading.Lock()
        self._reloading: threading.Thread | None = None

    def _stat(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self) -> Catalog:
        """The newest catalog loaded; never waits for a reload."""
        identity = self._stat()
        with self._lock:
            if identity not in (None, self._identity) and self._reloading is None:
                self._reloading = threading.Thread(target=self._reload, args=(identity,), daemon=True)
                self._reloading.start()
            return self._catalog

    def wait_for_reload(self) -> None:
        """For tests and benchmarks: block until a reload that has started is done."""
        thread = self._reloading
        if thread is not None:
            thread.join()

    def _reload(self, identity: tuple) -> None:
        try:
            catalog = load_catalog(self.path)
        except ReviewError as exc:  # e.g. caught mid-replace: the next request tries again
            log.warning("keeping the previous review queue: %s", exc)
            catalog = None
        with self._lock:
            if catalog is not None:
                self._catalog, self._identity = catalog, identity
            self._reloading = None
