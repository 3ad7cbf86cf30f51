"""Match citations against the warehouse (read-only): candidates by blocking, then the matcher.

Blocking keeps every paper that shares something specific with the citation: its PMID or DOI,
enough of its longest title words, its first author within a year, or its volume and first
page. The matcher then weighs the few candidates left.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import duckdb

from littrack.errors import LittrackError
from littrack.match import fields as f
from littrack.match.citation_match import MatchResult, Paper, match_citation
from littrack.match.citations import Citation, parse_citation
from littrack.match.known_files import read_text_file

_TITLE_WORDS = 4  # the longest title words tried by blocking; two must be in a candidate's title

_PAPER_COLUMNS = ("pmid, title, authors, journal, journal_iso, pub_year, volume, issue, pages, "
                  "doi, publication_types")


class MatchOutputError(LittrackError):
    """The match results cannot be written where asked."""


def title_words(title: str | None) -> list[str]:
    """The words blocking looks for in candidates' titles: the longest, ties alphabetically
    (not in set order, which changes with the interpreter's hash seed)."""
    words = {w for w in f.tokens(title or "") if len(w) > 3}
    return sorted(words, key=lambda w: (-len(w), w))[:_TITLE_WORDS]


def candidate_papers(con: duckdb.DuckDBPyConnection, citation: Citation,
                     among: list[int] | None = None) -> list[Paper]:
    """Papers in the warehouse's `papers` view that could be the cited one (only those with
    PMIDs `among`, if given)."""
    conditions, params = [], []
    if citation.pmid:
        conditions.append("pmid = ?")
        params.append(citation.pmid)
    if citation.doi:
        conditions.append("lower(doi) = ?")
        params.append(citation.doi)
    words = title_words(citation.title)
    if words:
        hits = " + ".join("CAST(contains(folded_title, ?) AS INTEGER)" for _ in words)
        conditions.append(f"({hits}) >= ?")
        params += [*words, min(2, len(words))]
    surname = _surname_word(citation)
    if surname and citation.year:
        conditions.append("contains(lower(strip_accents(coalesce(first_author, ''))), ?)"
                          " AND pub_year BETWEEN ? AND ?")
        params += [surname, citation.year - 1, citation.year + 1]
    first_page = f.page_range(citation.pages)
    if citation.volume and first_page:
        conditions.append("volume = ? AND split_part(pages, '-', 1) = ?")
        params += [citation.volume, first_page.first.upper()]
    if not conditions:
        return []
    restriction = ""
    if among is not None:
        restriction = " WHERE pmid IN (SELECT unnest(?::BIGINT[]))"
        params.insert(0, among)
    rows = con.execute(
        f"SELECT {_PAPER_COLUMNS} FROM (SELECT *, lower(strip_accents(coalesce(title, '')))"
        f" AS folded_title FROM papers{restriction}) WHERE "
        + " OR ".join(f"({c})" for c in conditions),
        params,
    ).fetchall()
    return [_paper(row) for row in rows]


def _surname_word(citation: Citation) -> str | None:
    """The longest word of the first author's last name ("van Hilten MJ" -> "hilten",
    "Raikou" -> "raikou": a name without initials is all surname)."""
    if not citation.authors:
        return None
    parts = citation.authors[0].split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        parts = parts[:-1]
    words = f.tokens(" ".join(parts))
    return max(words, key=len) if words else None


def _paper(row: tuple) -> Paper:
    (pmid, title, authors, journal, journal_iso, year, volume, issue, pages, doi,
     publication_types) = row
    return Paper(pmid, title or "", tuple(authors or ()), journal, journal_iso, year, volume,
                 issue, pages, doi, tuple(publication_types or ()))


def match_in_warehouse(con: duckdb.DuckDBPyConnection, citation: Citation) -> MatchResult:
    """The matcher's verdict for one citation against the warehouse."""
    return match_citation(citation, candidate_papers(con, citation))


@dataclass(frozen=True, slots=True)
class LineMatch:
    line_no: int
    result: MatchResult


@dataclass(frozen=True, slots=True)
class MatchFileSummary:
    output: Path
    lines: int
    matched: int
    ambiguous: int
    not_found: int


def match_lines(con: duckdb.DuckDBPyConnection, lines: Iterable[str]) -> list[LineMatch]:
    """One result per non-blank line, numbered as in the input."""
    return [LineMatch(number, match_in_warehouse(con, parse_citation(line.strip())))
            for number, line in enumerate(lines, 1) if line.strip()]


def match_file(con: duckdb.DuckDBPyConnection, path: Path, output: Path) -> MatchFileSummary:
    """Match a file of citations (one per line) and write `line_no,citation,pmid,score,status`."""
    results = match_lines(con, read_text_file(path).splitlines())
    try:
        with output.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["line_no", "citation", "pmid", "score", "status"])
            for line in results:
                r = line.result
                writer.writerow([line.line_no, r.citation.raw, r.pmid or "", f"{r.score:.3f}",
                                 r.status])
    except OSError as exc:
        raise MatchOutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    statuses = [line.result.status for line in results]
    return MatchFileSummary(output, len(results), statuses.count("matched"),
                            statuses.count("ambiguous"), statuses.count("not_found"))
