"""Known citations in the warehouse: the seeds, imported libraries, and their matches.

Each function works on the connection of a writer session (`Warehouse.write()`'s `db.con`) and
leaves the `review_queue` view right: a paper a `matched` citation names is known, and never
reaches the reviewers. A citation's match is recorded only when it changes, so the table of
matches is also its history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import duckdb

from littrack.match.citation_match import MatchResult
from littrack.match.citations import Citation, parse_citation
from littrack.match.known_files import read_known_file
from littrack.match.changes import Changes, mark_processed, pending_changes
from littrack.match.lookup import candidate_papers, match_in_warehouse
from littrack.match.search import find_candidate_pmids
from littrack.warehouse.transaction import transaction

__all__ = [  # find_candidate_pmids is the search module's, offered here beside the seeds
    "ImportSummary", "RematchSummary", "SeedStatus", "find_candidate_pmids", "import_known",
    "refresh_matches", "rematch_known", "seed_statuses", "sync_seeds", "unmatched_citations",
]

_CITATION_COLUMNS = ("title, authors, et_al, journal, pub_year, volume, issue, pages, doi, "
                     "pmid, pmcid")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    file: Path
    read: int  # citations in the file
    new: int  # not known before
    matched: int
    ambiguous: int
    not_found: int


@dataclass(frozen=True, slots=True)
class RematchSummary:
    checked: int  # known citations without a match in force
    newly_matched: tuple[tuple[int, int], ...]  # (citation id, pmid)


@dataclass(frozen=True, slots=True)
class SeedStatus:
    """One seed as the `seed_citations` view shows it; `evidence` is the one-line reason,
    `fields` the per-field evidence, `merges` the dedup merges the seed's record took part in
    (`dedup_clusters.evidence`: records compared, reason, per-field evidence)."""

    number: int
    citation: str
    status: str
    pmid: int | None
    score: float | None
    evidence: str
    fields: dict
    paper_title: str | None
    merges: tuple[dict, ...] = ()


def refresh_matches(con: duckdb.DuckDBPyConnection, seeds: Sequence[str],
                    run_id: int | None = None) -> list[SeedStatus]:
    """After a load: make the seeds those given; match the seeds, and the known citations
    still unmatched, again where the result can have changed (`citations_due`); return the seeds'
    status for the run report. Recorded results are those a full re-match would record."""
    with transaction(con):  # or part of the night's
        _place_seeds(con, seeds, None)
        changes = pending_changes(con, "match")
        for citation_id in citations_due(con, changes):
            _match_and_record(con, citation_id, _citation(con, citation_id), run_id)
        mark_processed(con, "match")
    return seed_statuses(con)


def sync_seeds(con: duckdb.DuckDBPyConnection, citations: Sequence[str],
               source_file: str | None = None, run_id: int | None = None) -> list[MatchResult]:
    """Make the seed citations those given (numbered in order), match each, and return the
    results in that order. A seed no longer given is retired, with its match history kept."""
    return [_match_and_record(con, citation_id, _citation(con, citation_id), run_id)
            for citation_id in _place_seeds(con, citations, source_file)]


def _place_seeds(con: duckdb.DuckDBPyConnection, citations: Sequence[str],
                 source_file: str | None) -> list[int]:
    """Store the seeds as given (numbered in order), retire the others; their ids in order."""
    texts = list(dict.fromkeys(c.strip() for c in citations if c.strip()))
    con.execute(
        "UPDATE known_citations SET retired_at = current_timestamp "
        "WHERE source = 'seed' AND retired_at IS NULL AND list_position(?, raw_text) IS NULL",
        [texts])
    ids = []
    for ref_no, text in enumerate(texts, 1):
        citation_id = _known_id(con, "seed", text)
        if citation_id is None:
            citation_id = _insert(con, "seed", source_file, ref_no, parse_citation(text))
        else:
            con.execute("UPDATE known_citations SET ref_no = ?, source_file = ?, retired_at = NULL"
                        " WHERE id = ?", [ref_no, source_file, citation_id])
        ids.append(citation_id)
    return ids


def citations_due(con: duckdb.DuckDBPyConnection, changes: Changes) -> list[int]:
    """The seeds and unmatched citations whose match can differ from the one recorded: the
    citation is new or changed, its matched paper changed or went, a paper that went could
    have been a candidate, or a new or changed paper is one of its candidates."""
    if not changes:
        return []
    seeds = [i for (i,) in con.execute("SELECT id FROM known_citations WHERE source = 'seed'"
                                       " AND retired_at IS NULL ORDER BY id").fetchall()]
    eligible = sorted(set(seeds) | set(_unmatched_ids(con)))
    if changes.pmids(removed=True):
        return eligible
    changed = set(changes.present)
    touched = changes.pmids()
    touched_set = set(touched)
    named = dict(con.execute("SELECT citation_id, pmid FROM current_citation_matches").fetchall())
    return [citation_id for citation_id in eligible
            if f"known:{citation_id}" in changed or named.get(citation_id) in touched_set
            or (touched and candidate_papers(con, _citation(con, citation_id), among=touched))]


def import_known(con: duckdb.DuckDBPyConnection, path: Path,
                 run_id: int | None = None) -> ImportSummary:
    """Add a library of known papers (RIS, BibTeX, CSV or plain text) and match what is new.
    Citations already known are left as they are; unmatched ones stay for `rematch_known`."""
    entries = read_known_file(path)
    statuses = []
    new = 0
    for entry in entries:
        citation_id = _known_id(con, "import", entry.citation.raw)
        if citation_id is None:
            citation_id = _insert(con, "import", str(path), entry.ref_no, entry.citation)
            new += 1
        status = _current_status(con, citation_id)
        if status != "matched":
            status = _match_and_record(con, citation_id, entry.citation, run_id).status
        statuses.append(status)
    return ImportSummary(path, len(entries), new, statuses.count("matched"),
                         statuses.count("ambiguous"), statuses.count("not_found"))


def rematch_known(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> RematchSummary:
    """Match again every known citation that has no match in force (never matched, or its
    paper is gone), so that a paper arriving later is recognised as known."""
    pending = _unmatched_ids(con)
    newly = []
    for citation_id in pending:
        result = _match_and_record(con, citation_id, _citation(con, citation_id), run_id)
        if result.status == "matched":
            newly.append((citation_id, result.pmid))
    return RematchSummary(len(pending), tuple(newly))


def unmatched_citations(con: duckdb.DuckDBPyConnection, seeds: Sequence[str]) -> list[str]:
    """The seeds among `seeds` that name no paper in the warehouse yet (never synced, or not
    matched): the pipeline runs targeted PubMed searches for them."""
    matched = {raw for (raw,) in con.execute(
        "SELECT raw_text FROM known_citations WHERE source = 'seed' AND retired_at IS NULL"
        " AND id NOT IN (SELECT unnest(?::BIGINT[]))", [_unmatched_ids(con)]).fetchall()}
    return [text for text in dict.fromkeys(s.strip() for s in seeds if s.strip())
            if text not in matched]


def seed_statuses(con: duckdb.DuckDBPyConnection) -> list[SeedStatus]:
    """The seeds in order, with their current match."""
    rows = con.execute(
        "SELECT s.ref_no, s.citation, s.status, s.pmid, s.score, s.evidence, s.paper_title,"
        " c.evidence FROM seed_citations s"
        " LEFT JOIN dedup_clusters c ON c.member_key = 'known:' || s.citation_id"
        " ORDER BY s.ref_no").fetchall()
    statuses = []
    for number, citation, status, pmid, score, evidence, title, merges in rows:
        evidence = json.loads(evidence) if evidence else {}
        statuses.append(SeedStatus(number, citation, status, pmid, score,
                                   evidence.get("reason", ""), evidence.get("fields", {}), title,
                                   tuple(json.loads(merges)) if merges else ()))
    return statuses


# ---------------------------------------------------------------------------------------------


def _unmatched_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Known citations in force whose current match is not a `matched` current paper."""
    # `records`, not the `papers` view: that would aggregate every paper's tags first
    rows = con.execute(
        "SELECT k.id FROM known_citations k "
        "LEFT JOIN current_citation_matches m ON m.citation_id = k.id "
        "WHERE k.retired_at IS NULL AND (m.status IS DISTINCT FROM 'matched'"
        "  OR NOT EXISTS (SELECT 1 FROM records p WHERE p.pmid = m.pmid AND NOT p.deleted)) "
        "ORDER BY k.id").fetchall()
    return [citation_id for (citation_id,) in rows]


def _known_id(con: duckdb.DuckDBPyConnection, source: str, raw: str) -> int | None:
    row = con.execute("SELECT id FROM known_citations WHERE source = ? AND raw_text = ?",
                      [source, raw]).fetchone()
    return row[0] if row else None


def _insert(con: duckdb.DuckDBPyConnection, source: str, source_file: str | None,
            ref_no: int, c: Citation) -> int:
    return con.execute(
        f"INSERT INTO known_citations (source, source_file, ref_no, raw_text, {_CITATION_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [source, source_file, ref_no, c.raw, c.title, list(c.authors), c.et_al, c.journal,
         c.year, c.volume, c.issue, c.pages, c.doi, c.pmid, c.pmcid],
    ).fetchone()[0]


def _citation(con: duckdb.DuckDBPyConnection, citation_id: int) -> Citation:
    """The citation as stored: structured imports keep the fields they came with."""
    row = con.execute(f"SELECT raw_text, {_CITATION_COLUMNS} FROM known_citations WHERE id = ?",
                      [citation_id]).fetchone()
    raw, title, authors, et_al, journal, year, volume, issue, pages, doi, pmid, pmcid = row
    return Citation(raw, title, tuple(authors or ()), et_al, journal, year, volume, issue, pages,
                    doi, pmid, pmcid)


def _current_status(con: duckdb.DuckDBPyConnection, citation_id: int) -> str | None:
    row = con.execute("SELECT status FROM current_citation_matches WHERE citation_id = ?",
                      [citation_id]).fetchone()
    return row[0] if row else None


def _match_and_record(con: duckdb.DuckDBPyConnection, citation_id: int, citation: Citation,
                      run_id: int | None) -> MatchResult:
    result = match_in_warehouse(con, citation)
    current = con.execute(
        "SELECT status, pmid, score FROM current_citation_matches WHERE citation_id = ?",
        [citation_id]).fetchone()
    if current != (result.status, result.pmid, result.score):
        con.execute(
            "INSERT INTO citation_matches (citation_id, pmid, score, status, evidence, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [citation_id, result.pmid, result.score, result.status,
             json.dumps(result.evidence_json()), run_id])
    return result
