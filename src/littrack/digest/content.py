"""What a digest says, read from the warehouse for a window of runs (no formatting here).

A window is a set of runs: one night's run, or every run since a day. "New" means first stored
by one of those runs and waiting in `review_queue`; "updated" means changed by one of them.
Columns other stages add (`review_queue.relevance`, evidence tags, `screening_status`) are
used when the warehouse has them, so the digest works before and after those stages land.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from littrack.digest.errors import DigestError
from littrack.digest.notices import Notice, read_notices
from littrack.digest.relations import columns_of
from littrack.nightly.report import NOTICE_TYPES, PUBMED_URL

DOI_URL = "https://doi.org/{doi}"
ABSTRACT_CHARS = 240  # about two lines of a mail client


@dataclass(frozen=True)
class DigestWindow:
    """The runs a digest covers, and the day it is dated."""

    run_ids: tuple[int, ...]
    day: date
    label: str  # "run 7", "runs since 2026-11-30"


@dataclass(frozen=True)
class Paper:
    pmid: int
    title: str
    first_author: str | None
    journal: str | None
    pub_year: int | None
    abstract: str | None
    doi: str | None
    version: int = 1
    is_retracted: bool = False
    relevance: float | None = None
    tags: tuple[str, ...] = ()

    @property
    def pubmed_url(self) -> str:
        return PUBMED_URL.format(pmid=self.pmid)

    @property
    def doi_url(self) -> str | None:
        return DOI_URL.format(doi=self.doi) if self.doi else None

    @property
    def source(self) -> str:
        """"Sigtermans MJ, Pain, 2009", leaving out what is unknown."""
        return ", ".join(str(p) for p in (self.first_author, self.journal, self.pub_year) if p)

    @property
    def abstract_preview(self) -> str:
        """The first two lines or so of the abstract, cut at a word."""
        text = " ".join((self.abstract or "").split())
        if len(text) <= ABSTRACT_CHARS:
            return text
        return text[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class SeedLine:
    number: int
    status: str
    pmid: int | None
    title: str | None
    seen_in_window: bool  # the matched paper was stored or changed by a run of the window


@dataclass(frozen=True)
class RunHealth:
    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    windows: str
    counts: dict[str, int]
    requests: int | None
    retries: int | None
    error: str | None


@dataclass(frozen=True)
class YearCount:
    year: int
    design: str  # "all" when no evidence tags exist
    papers: int


@dataclass(frozen=True)
class DigestContent:
    window: DigestWindow
    notices: tuple[Notice, ...]
    new_papers: tuple[Paper, ...]
    updated_papers: tuple[Paper, ...]
    seeds: tuple[SeedLine, ...]
    runs: tuple[RunHealth, ...]
    quarantined: tuple[tuple[int | None, str], ...]
    per_year: tuple[YearCount, ...]
    waiting: int  # papers in the review queue nobody has decided yet
    review_url: str

    @property
    def is_empty(self) -> bool:
        """Nothing a reader must act on: no notice, no new and no updated paper."""
        return not (self.notices or self.new_papers or self.updated_papers)

    def review_link(self, pmid: int) -> str:
        """The paper on the triage page (its route is `#/paper/PMID`)."""
        return f"{self.review_url.rstrip('/')}/#/paper/{pmid}"


def read_content(con, window: DigestWindow, review_url: str) -> DigestContent:
    """Everything the digest shows for `window`, from a warehouse connection."""
    runs = list(window.run_ids)
    return DigestContent(
        window=window,
        notices=read_notices(con, runs),
        new_papers=_papers(
            con,
            "review_queue",
            "first_seen_run_id IN (SELECT UNNEST(?::BIGINT[]))"
            " AND NOT list_has_any(publication_types, ?)",
            [runs, list(NOTICE_TYPES)],
        ),
        updated_papers=_papers(
            con,
            "papers",
            "last_run_id IN (SELECT UNNEST(?::BIGINT[]))"
            " AND first_seen_run_id NOT IN (SELECT UNNEST(?::BIGINT[]))",
            [runs, runs],
        ),
        seeds=_seeds(con, runs),
        runs=_runs(con, runs),
        quarantined=tuple(
            con.execute(
                "SELECT pmid, reason FROM quarantine WHERE run_id IN (SELECT UNNEST(?::BIGINT[]))"
                " ORDER BY run_id, pmid",
                [runs],
            ).fetchall()
        ),
        per_year=papers_per_year(con),
        waiting=_waiting_for_review(con),
        review_url=review_url,
    )


def _papers(con, relation: str, where: str, params: list) -> tuple[Paper, ...]:
    """Papers of `relation` (papers or review_queue), the most relevant first when ranked."""
    relevance = "q.relevance" if "relevance" in columns_of(con, relation) else "NULL::DOUBLE"
    tags = _tags_expression(con, relation)
    order = "relevance DESC NULLS LAST, " if relevance != "NULL::DOUBLE" else ""
    rows = con.execute(
        f"SELECT q.pmid, q.title, q.first_author, coalesce(q.journal_iso, q.journal), q.pub_year,"
        f" q.abstract, q.doi, q.version, q.is_retracted, {relevance} AS relevance, {tags}"
        f" FROM {relation} q WHERE {where}"
        f" ORDER BY {order}q.pub_date DESC NULLS LAST, q.pmid",
        params,
    ).fetchall()
    return tuple(Paper(*row[:10], tags=tuple(row[10] or ())) for row in rows)


def _tags_expression(con, relation: str) -> str:
    """Evidence tags of paper `q`: the tags stage's chips, else its design, else none."""
    columns = columns_of(con, relation)
    if "tag_chips" in columns:
        return "CAST(q.tag_chips AS VARCHAR[])"
    if "design" in columns:
        return "CASE WHEN q.design IS NOT NULL THEN [q.design] END"
    return "NULL::VARCHAR[]"


def _waiting_for_review(con) -> int:
    undecided = "screening_status = 'undecided'" if "screening_status" in columns_of(con, "review_queue") else "true"
    return con.execute(f"SELECT count(*) FROM review_queue WHERE {undecided}").fetchone()[0]


def _seeds(con, runs: list[int]) -> tuple[SeedLine, ...]:
    rows = con.execute(
        "SELECT ref_no, status, pmid, coalesce(paper_title, cited_title),"
        " coalesce(first_seen_run_id IN (SELECT UNNEST(?::BIGINT[]))"
        "          OR last_run_id IN (SELECT UNNEST(?::BIGINT[])), false)"
        " FROM seed_citations ORDER BY ref_no",
        [runs, runs],
    ).fetchall()
    return tuple(SeedLine(*row) for row in rows)


def _runs(con, runs: list[int]) -> tuple[RunHealth, ...]:
    rows = con.execute(
        "SELECT id, status, started_at, finished_at, CAST(windows AS VARCHAR), found, new,"
        " updated, unchanged, deleted, quarantined, requests, retries, error"
        " FROM runs WHERE id IN (SELECT UNNEST(?::BIGINT[])) ORDER BY id",
        [runs],
    ).fetchall()
    names = ("found", "new", "updated", "unchanged", "deleted", "quarantined")
    return tuple(
        RunHealth(
            run_id=row[0], status=row[1], started_at=row[2], finished_at=row[3],
            windows=_windows_text(row[4]), counts=dict(zip(names, row[5:11])),
            requests=row[11], retries=row[12], error=row[13],
        )
        for row in rows
    )


def _windows_text(windows_json: str | None) -> str:
    windows = json.loads(windows_json) if windows_json else []
    return "; ".join(f"{w['datetype']} {w['start']}..{w['end']}" for w in windows) or "none"


def papers_per_year(con) -> tuple[YearCount, ...]:
    """The topic's current papers (notices left out) per publication year, by design if tagged."""
    design = "coalesce(p.design, 'untagged')" if "design" in columns_of(con, "papers") else "'all'"
    rows = con.execute(
        f"SELECT p.pub_year, {design} AS design, count(*) FROM papers p"
        " WHERE p.pub_year IS NOT NULL AND NOT list_has_any(p.publication_types, ?)"
        " GROUP BY ALL ORDER BY 1, 2",
        [list(NOTICE_TYPES)],
    ).fetchall()
    return tuple(YearCount(*row) for row in rows)


def window_for_run(con, run_id: int) -> DigestWindow:
    """One run's window, dated by the day it searched up to."""
    return _window(con, "id = ?", [run_id], f"run {run_id}")


def window_since(con, day: date) -> DigestWindow:
    """Every run that started on or after `day` (UTC)."""
    return _window(con, "started_at >= ?::DATE", [day], f"runs since {day}")


def latest_window(con) -> DigestWindow:
    """The newest run that succeeded: this morning's digest, to render or resend."""
    row = con.execute("SELECT max(id) FROM runs WHERE status = 'succeeded'").fetchone()
    if row[0] is None:
        raise DigestError("no run has succeeded yet: nothing to digest")
    return window_for_run(con, row[0])


def _window(con, where: str, params: list, label: str) -> DigestWindow:
    rows = con.execute(
        "SELECT id, coalesce(TRY_CAST(params->>'today' AS DATE), started_at::DATE)"
        f" FROM runs WHERE {where} ORDER BY id",
        params,
    ).fetchall()
    if not rows:
        raise DigestError(f"no {label} in the warehouse")
    return DigestWindow(tuple(r[0] for r in rows), max(r[1] for r in rows), label)
