"""Notices: retractions, errata and expressions of concern a window of runs brought in.

A notice is about one paper: a paper that became (or arrived) retracted, or a notice record
(erratum, retraction, expression of concern) linked to it in `record_links`, PubMed's own
CommentsCorrections or the dedup engine's. Papers the team relies on — the seeds, other known
papers, and papers reviewers included (`screening_status`, when the triage stage has it) —
come first, named as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from littrack.digest.relations import columns_of

# publication type of a notice record → what it says about the paper it concerns
NOTICE_KINDS = {
    "Retraction of Publication": "retracted",
    "Expression of Concern": "expression of concern",
    "Published Erratum": "erratum",
}
RELIANCE_ORDER = ("seed", "known", "included")


@dataclass(frozen=True)
class Notice:
    pmid: int  # the paper the notice is about
    title: str
    source: str  # "Sigtermans MJ, Pain, 2009"
    kind: str  # retracted | expression of concern | erratum
    notice_pmid: int | None  # the notice record, when it is one of its own
    reliance: str | None  # seed | known | included | None (not a paper the team relies on)


# each link end (a cluster id or a member key like "pmid:123") → the PMIDs it stands for
_LINKED_PAIRS = """
WITH key_pmids AS (
    SELECT cluster_id AS key, CAST(substr(member_key, 6) AS BIGINT) AS pmid
    FROM dedup_clusters WHERE member_key LIKE 'pmid:%'
    UNION
    SELECT member_key, CAST(substr(member_key, 6) AS BIGINT)
    FROM dedup_clusters WHERE member_key LIKE 'pmid:%'
    UNION
    SELECT k, CAST(substr(k, 6) AS BIGINT)
    FROM (SELECT a AS k FROM record_links UNION SELECT b FROM record_links) WHERE k LIKE 'pmid:%'
),
pairs AS (
    SELECT DISTINCT ka.pmid AS x, kb.pmid AS y
    FROM record_links l JOIN key_pmids ka ON ka.key = l.a JOIN key_pmids kb ON kb.key = l.b
    WHERE ka.pmid <> kb.pmid AND regexp_matches(lower(l.kind), 'erratum|retract|concern')
)
SELECT y FROM pairs WHERE x = ? UNION SELECT x FROM pairs WHERE y = ?
"""


def read_notices(con, run_ids: list[int]) -> tuple[Notice, ...]:
    """Every notice the runs stored or changed, the team's own papers first."""
    reliance = _reliance(con)
    touched = con.execute(
        "SELECT pmid, is_retracted, publication_types FROM papers"
        " WHERE last_run_id IN (SELECT UNNEST(?::BIGINT[]))"
        "   AND (is_retracted OR list_has_any(publication_types, ?))"
        " ORDER BY pmid",
        [run_ids, list(NOTICE_KINDS)],
    ).fetchall()
    found: dict[tuple[int, str], int | None] = {}
    for pmid, is_retracted, types in touched:
        kinds = [NOTICE_KINDS[t] for t in types or () if t in NOTICE_KINDS]
        if is_retracted and not kinds:
            found.setdefault((pmid, "retracted"), None)
        for kind in kinds:
            targets = [t for (t,) in con.execute(_LINKED_PAIRS, [pmid, pmid]).fetchall()]
            for target in targets or [pmid]:  # an unlinked notice stands for itself
                found[(target, kind)] = pmid
    notices = [_notice(con, pmid, kind, via, reliance.get(pmid)) for (pmid, kind), via in found.items()]
    rank = {name: i for i, name in enumerate(RELIANCE_ORDER)}
    notices.sort(key=lambda n: (rank.get(n.reliance, len(rank)), n.pmid, n.kind))
    return tuple(notices)


def _notice(con, pmid: int, kind: str, via: int | None, reliance: str | None) -> Notice:
    title, first_author, journal, year = con.execute(
        "SELECT title, first_author, coalesce(journal_iso, journal), pub_year"
        " FROM all_papers WHERE pmid = ?",
        [pmid],
    ).fetchone()
    source = ", ".join(str(p) for p in (first_author, journal, year) if p)
    return Notice(pmid, title or "(no title)", source, kind, via if via != pmid else None, reliance)


def _reliance(con) -> dict[int, str]:
    """PMID → why the team relies on it; a seed is also known, and seed wins."""
    found: dict[int, str] = {}
    for name, sql in reversed(_reliance_queries(con)):
        found.update({pmid: name for (pmid,) in con.execute(sql).fetchall()})
    return found


def _reliance_queries(con) -> list[tuple[str, str]]:
    queries = [
        ("seed", "SELECT pmid FROM seed_citations WHERE status = 'matched'"),
        ("known", "SELECT pmid FROM known_papers"),
    ]
    screening = columns_of(con, "screening_status")
    if {"pmid", "status"} <= screening:
        queries.append(("included", "SELECT pmid FROM screening_status WHERE status = 'included'"))
    return queries
