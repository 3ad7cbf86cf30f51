"""Run the dedup engine over the warehouse: current papers plus the known citations still in
force → `dedup_clusters` and `record_links` (the dedup block of 002_matching.sql). Links are
both the engine's (from titles: "Erratum: ...") and PubMed's own CommentsCorrections between
stored papers (kind `pubmed:ErratumFor`, `pubmed:RetractionIn`, ...). Each member row keeps the
per-field evidence of the merges it took part in. Each refresh replaces both tables in one
transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass

from littrack.match.dedupe import BibRecord, dedupe_with_links

_PAPERS = """SELECT 'pmid:' || pmid, 'pubmed', title, pub_year, authors, coalesce(journal_iso, journal),
                    volume, issue, pages, doi, pmid, pmcid, publication_types FROM papers"""
# PubMed's own CommentsCorrections between two stored papers: "a ErratumFor b", "a CommentOn b"
_PUBMED_LINKS = """
    SELECT DISTINCT 'pmid:' || p.pmid, 'pmid:' || link.pmid, 'pubmed:' || link.ref_type
    FROM papers p,
         unnest(from_json(p.record_json -> 'comments_corrections',
                          '[{"ref_type": "VARCHAR", "pmid": "BIGINT"}]')) AS t(link)
    WHERE link.pmid IN (SELECT pmid FROM papers)"""
_KNOWN = """SELECT 'known:' || id, source, title, pub_year, authors, journal, volume, issue, pages,
                   doi, pmid, pmcid, [] FROM known_citations WHERE retired_at IS NULL"""


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    records: int
    clusters: int
    duplicates: int  # records folded into another record's cluster
    links: int


def warehouse_records(con) -> list[tuple[str, BibRecord]]:
    """(source, record) for every current paper and every known citation still in force."""
    return [
        (source, BibRecord(id=key, title=title or "", year=year, authors=tuple(authors or ()),
                           journal=journal, volume=volume, issue=issue, pages=pages, doi=doi,
                           pmid=pmid, pmcid=pmcid, publication_types=tuple(types or ())))
        for query in (_PAPERS, _KNOWN)
        for (key, source, title, year, authors, journal, volume, issue, pages, doi, pmid, pmcid,
             types) in con.execute(query).fetchall()
    ]


def refresh_clusters(con, run_id: int | None = None) -> DedupeSummary:
    """Dedupe the warehouse's records and replace the stored clusters and links."""
    sourced = warehouse_records(con)
    source_of = {record.id: source for source, record in sourced}
    records = [record for _, record in sourced]
    clusters, links = dedupe_with_links(records)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM dedup_clusters")
        con.execute("DELETE FROM record_links")
        rows = [(c.id, member, source_of[member], c.reason, run_id,
                 json.dumps(c.evidence_of(member)) if c.evidence else None)
                for c in clusters for member in c.member_ids]
        if rows:
            con.executemany("INSERT INTO dedup_clusters (cluster_id, member_key, source, reason,"
                            " run_id, evidence) VALUES (?, ?, ?, ?, ?, ?)", rows)
        if links:
            con.executemany("INSERT INTO record_links VALUES (?, ?, ?)",
                            [(link.a, link.b, link.kind) for link in links])
        con.execute(f"INSERT INTO record_links {_PUBMED_LINKS}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    stored_links = con.execute("SELECT count(*) FROM record_links").fetchone()[0]
    return DedupeSummary(len(records), len(clusters), len(records) - len(clusters), stored_links)
