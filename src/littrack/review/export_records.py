"""What an export holds: one record per duplicate cluster in review, with its screening status.

Read from the analysts' views: `screening_status` (one row per paper in review, the cluster it
belongs to and the cluster's status), `current_decisions` (each reviewer's standing decision)
and `papers`. A cluster is exported once, as its lowest PMID (PubMed's earliest record of the
paper), naming its other members; papers the team already knows (seeds, imports) are not in
review and so never exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from littrack.errors import LittrackError
from littrack.warehouse.views import require_views

STATUSES = ("included", "excluded", "maybe", "undecided", "conflict")


class ExportError(LittrackError):
    """An export asked for something that does not exist (format, status)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Person:
    last_name: str | None = None
    fore_name: str | None = None
    suffix: str | None = None
    collective_name: str | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    """One reviewer's standing decision on the cluster."""

    reviewer: str
    decision: str
    reason: str | None
    note: str | None
    tags: tuple[str, ...]
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ExportRecord:
    pmid: int
    duplicate_pmids: tuple[int, ...]  # the cluster's other members in review
    kind: str  # article | book
    title: str
    people: tuple[Person, ...]
    journal: str | None
    journal_iso: str | None
    year: int | None
    volume: str | None
    issue: str | None
    pages: str | None
    start_page: str | None
    end_page: str | None
    doi: str | None
    pmcid: str | None
    abstract: str | None
    keywords: tuple[str, ...]
    mesh_terms: tuple[str, ...]
    language: tuple[str, ...]
    publication_types: tuple[str, ...]
    is_retracted: bool
    pubmed_url: str
    status: str  # one of STATUSES
    decision: str | None  # the final decision (agreed or resolved)
    reason: str | None
    resolved_by: str | None
    votes: tuple[Vote, ...]


_PEOPLE_SHAPE = ('[{"last_name": "VARCHAR", "fore_name": "VARCHAR", "suffix": "VARCHAR",'
                 ' "collective_name": "VARCHAR"}]')

_RECORDS = f"""
WITH clusters AS (
    SELECT cluster_id, min(pmid) AS pmid, list(pmid ORDER BY pmid) AS members,
           any_value(status) AS status, any_value(decision) AS decision,
           any_value(reason) AS reason, any_value(resolved_by) AS resolved_by
    FROM screening_status
    GROUP BY cluster_id
),
votes AS (
    SELECT s.cluster_id, e.reviewer, e.decision, e.reason, e.note, e.tags, e.decided_at, e.event_id
    FROM (SELECT *, unnest(list_append(coalesce(cluster_pmids, []), pmid)) AS member
          FROM current_decisions) e
    JOIN screening_status s ON s.pmid = e.member
    QUALIFY row_number() OVER (PARTITION BY s.cluster_id, e.reviewer ORDER BY e.event_id DESC) = 1
),
ballots AS (
    SELECT cluster_id,
           list((reviewer, decision, reason, note, tags, decided_at) ORDER BY event_id) AS votes
    FROM votes GROUP BY cluster_id
)
SELECT p.pmid, list_filter(c.members, lambda m: m <> p.pmid), p.kind, p.title,
       from_json(p.record_json -> 'authors', '{_PEOPLE_SHAPE}'),
       p.journal, p.journal_iso, p.pub_year, p.volume, p.issue, p.pages,
       p.record_json ->> 'start_page', p.record_json ->> 'end_page', p.doi, p.pmcid, p.abstract,
       p.keywords, p.mesh_terms, p.language, p.publication_types, p.is_retracted, p.pubmed_url,
       c.status, c.decision, c.reason, c.resolved_by, coalesce(b.votes, [])
FROM clusters c
JOIN papers p ON p.pmid = c.pmid
LEFT JOIN ballots b ON b.cluster_id = c.cluster_id
WHERE ? IS NULL OR c.status = ?
ORDER BY p.pmid
"""


def check_status(status: str | None) -> str | None:
    """The status filter, None for every status ("all" or nothing given)."""
    if status is None or status == "all":
        return None
    if status not in STATUSES:
        raise ExportError(f"unknown screening status {status!r} "
                          f"(choose {', '.join(STATUSES)} or all)")
    return status


def export_records(con, status: str | None = None) -> list[ExportRecord]:
    """One record per duplicate cluster in review, in PMID order, with `status` or all."""
    status = check_status(status)
    require_views(con, ("screening_status", "current_decisions"))
    rows = con.execute(_RECORDS, [status, status]).fetchall()
    return [_record(row) for row in rows]


def _record(row) -> ExportRecord:
    (pmid, duplicates, kind, title, people, journal, journal_iso, year, volume, issue, pages,
     start_page, end_page, doi, pmcid, abstract, keywords, mesh_terms, language, types,
     is_retracted, url, status, decision, reason, resolved_by, votes) = row
    return ExportRecord(
        pmid=pmid, duplicate_pmids=tuple(duplicates), kind=kind, title=title or "",
        people=tuple(Person(**person) for person in people or ()), journal=journal,
        journal_iso=journal_iso, year=year, volume=volume, issue=issue, pages=pages,
        start_page=start_page, end_page=end_page, doi=doi, pmcid=pmcid, abstract=abstract,
        keywords=tuple(keywords or ()), mesh_terms=tuple(mesh_terms or ()),
        language=tuple(language or ()), publication_types=tuple(types or ()),
        is_retracted=is_retracted, pubmed_url=url, status=status, decision=decision,
        reason=reason, resolved_by=resolved_by,
        votes=tuple(Vote(reviewer, decision, reason, note, tuple(tags or ()), at)
                    for reviewer, decision, reason, note, tags, at in votes))
