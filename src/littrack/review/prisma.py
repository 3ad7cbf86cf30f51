"""PRISMA 2020 flow numbers for the papers littrack tracks, from the analysts' views."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from littrack.warehouse.views import require_views

NO_REASON = "(no reason given)"

_COUNTS = """
WITH clusters AS (
    SELECT coalesce(c.cluster_id, 'pmid:' || p.pmid) AS cluster_id, p.pmid,
           r.query_key IS NOT NULL AS from_search
    FROM papers p
    LEFT JOIN dedup_clusters c ON c.member_key = 'pmid:' || p.pmid
    LEFT JOIN runs r ON r.id = p.first_seen_run_id
    WHERE p.pmid IN (SELECT pmid FROM query_matches)
)
SELECT count(*), count(*) FILTER (WHERE from_search), count(DISTINCT cluster_id),
       (SELECT count(DISTINCT cluster_id) FROM screening_status)
FROM clusters
"""
_STATUSES = """
SELECT status, CASE WHEN status = 'excluded' THEN coalesce(reason, ?) END, count(*)
FROM (SELECT cluster_id, any_value(status) AS status, any_value(reason) AS reason
      FROM screening_status GROUP BY cluster_id)
GROUP BY ALL ORDER BY ALL
"""
_KNOWN = """
SELECT count(*) FILTER (WHERE source = 'seed'), count(*) FILTER (WHERE source = 'import')
FROM known_citations WHERE retired_at IS NULL
"""


@dataclass(frozen=True)
class PrismaCounts:
    """The PRISMA 2020 flow, counted on the published snapshot. A *record* is a current
    PubMed record (`papers`: deleted citations left out); a *paper* is a duplicate cluster
    (`dedup_clusters`), the unit reviewers screen.

    Identification
    - `records_identified`: every current record in review scope (`query_matches`: the
      configured query finds it; the rest of a bulk-loaded file is not identified);
      `from_pubmed_searches` those a nightly search first stored (their first run has a
      query), `from_file_imports` those first stored by `littrack load` (a run without a
      query). The two add up.
    - `duplicates_removed`: records beyond the first of their cluster (records − clusters).
    - `known_removed`: papers (clusters) the team already knew, none of whose records is in
      review — named by a matched seed or imported citation (`known_papers`).
    - `seed_citations`, `imported_citations`: known citations in force (not retired), for the
      "previous studies" box; matched or not.

    Screening (one count per paper, its status from `screening_status`)
    - `records_for_screening`: papers in review = records_identified − duplicates_removed −
      known_removed.
    - `records_screened`: papers with at least one standing decision (all but `undecided`).
    - `records_excluded`, with `excluded_by_reason` ({reason: papers}; the final decision's
      reason, "(no reason given)" when it has none); `records_included`.
    - awaiting a decision: `undecided` (nobody decided), `maybe`, `conflicts` (reviewers
      disagree and nobody resolved it). records_for_screening = included + excluded + maybe
      + conflicts + undecided.
    """

    records_identified: int
    from_pubmed_searches: int
    from_file_imports: int
    duplicates_removed: int
    known_removed: int
    seed_citations: int
    imported_citations: int
    records_for_screening: int
    records_screened: int
    records_excluded: int
    records_included: int
    undecided: int
    maybe: int
    conflicts: int
    excluded_by_reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def prisma_counts(con) -> PrismaCounts:
    """The PRISMA numbers of the warehouse `con` is connected to (read-only is enough)."""
    require_views(con, ("screening_status",))
    identified, from_search, clusters, in_review = con.execute(_COUNTS).fetchone()
    by_status: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for status, reason, count in con.execute(_STATUSES, [NO_REASON]).fetchall():
        by_status[status] = by_status.get(status, 0) + count
        if reason is not None:
            by_reason[reason] = count
    seeds, imports = con.execute(_KNOWN).fetchone()
    return PrismaCounts(
        records_identified=identified, from_pubmed_searches=from_search,
        from_file_imports=identified - from_search, duplicates_removed=identified - clusters,
        known_removed=clusters - in_review, seed_citations=seeds, imported_citations=imports,
        records_for_screening=in_review,
        records_screened=in_review - by_status.get("undecided", 0),
        records_excluded=by_status.get("excluded", 0),
        records_included=by_status.get("included", 0), undecided=by_status.get("undecided", 0),
        maybe=by_status.get("maybe", 0), conflicts=by_status.get("conflict", 0),
        excluded_by_reason=dict(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))))
