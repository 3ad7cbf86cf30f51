"""What a run did, read back from the warehouse, and its markdown report for people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from littrack.match.store import SeedStatus

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
NOTICE_TYPES = (
    "Published Erratum",
    "Retraction of Publication",
    "Expression of Concern",
    "Retracted Publication",
)


@dataclass(frozen=True)
class PaperLine:
    pmid: int
    title: str
    first_author: str | None
    journal: str | None
    pub_year: int | None
    publication_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # evidence-tag chips from `papers.tag_chips`: "RCT", "n=48", "IV"

    @property
    def url(self) -> str:
        return PUBMED_URL.format(pmid=self.pmid)

    @property
    def source(self) -> str:
        """"Sigtermans MJ, Pain, 2009": who, where and when, leaving out what is unknown."""
        return ", ".join(str(p) for p in (self.first_author, self.journal, self.pub_year) if p)

    def markdown(self) -> str:
        line = f"- [{self.title or '(no title)'}]({self.url}) — {self.source} (PMID {self.pmid})"
        return line + (" · " + " · ".join(self.tags) if self.tags else "")


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    status: str
    windows: tuple[str, ...]
    counts: dict[str, int]
    new_papers: tuple[PaperLine, ...] = ()
    updated_papers: tuple[PaperLine, ...] = ()
    notices: tuple[PaperLine, ...] = ()
    seeds: tuple[SeedStatus, ...] = ()
    queue_size: int = 0
    quarantined: tuple[tuple[int | None, str], ...] = ()

    def markdown(self) -> str:
        c = self.counts
        lines = [
            f"# littrack nightly run {self.run_id}: {self.status}",
            "",
            "Windows searched: " + ("; ".join(self.windows) or "none"),
            "",
            "| found | new | updated | unchanged | deleted | quarantined | in review queue |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {c.get('found', 0)} | {c.get('new', 0)} | {c.get('updated', 0)} "
            f"| {c.get('unchanged', 0)} | {c.get('deleted', 0)} | {c.get('quarantined', 0)} "
            f"| {self.queue_size} |",
            "",
        ]
        lines += _section("New papers for review", self.new_papers)
        lines += _section("Notices (errata, retractions, expressions of concern)", self.notices)
        lines += _section("Updated papers", self.updated_papers)
        if self.seeds:
            lines += ["## Seed citations", "", "| # | status | PMID | score | evidence |"]
            lines += ["|---:|---|---:|---:|---|"]
            for s in self.seeds:
                score = f"{s.score:.2f}" if s.score is not None else ""
                lines.append(
                    f"| {s.number} | {s.status} | {s.pmid or ''} | {score} | {s.evidence} |"
                )
            lines.append("")
        if self.quarantined:
            lines += ["## Quarantined records", ""]
            lines += [f"- PMID {pmid or '?'}: {reason}" for pmid, reason in self.quarantined]
            lines.append("")
        return "\n".join(lines)


def _section(heading: str, papers: tuple[PaperLine, ...]) -> list[str]:
    if not papers:
        return []
    return [f"## {heading} ({len(papers)})", "", *(p.markdown() for p in papers), ""]


def build_summary(con, run, plan, seeds: Sequence[SeedStatus]) -> RunSummary:
    """Read back from the warehouse what run `run` added and changed."""
    counts = asdict(run.counts)
    return RunSummary(
        run_id=run.id,
        status="succeeded",
        windows=tuple(f"{w.datetype} {w.start}..{w.end}" for w in plan.windows),
        counts=counts,
        new_papers=_papers(
            con,
            "first_seen_run_id = ? AND pmid IN (SELECT pmid FROM review_pmids)"
            " AND NOT list_has_any(publication_types, ?)",
            [run.id, list(NOTICE_TYPES)],
        ),
        notices=_papers(
            con,
            "last_run_id = ? AND list_has_any(publication_types, ?)",
            [run.id, list(NOTICE_TYPES)],
        ),
        updated_papers=_papers(con, "last_run_id = ? AND first_seen_run_id <> ?", [run.id, run.id]),
        seeds=tuple(seeds),
        queue_size=con.execute(  # review_queue's rows, without the columns it joins on
            "SELECT count(*) FROM review_pmids"
        ).fetchone()[0],
        quarantined=tuple(
            con.execute(
                "SELECT pmid, reason FROM quarantine WHERE run_id = ? ORDER BY pmid", [run.id]
            ).fetchall()
        ),
    )


def _papers(con, where: str, params: list) -> tuple[PaperLine, ...]:
    """Papers whose `records` row matches `where`: the few a run touched are picked from the
    table first (none on a quiet night: nothing more is read), so the per-paper columns
    `papers` joins are computed for those alone."""
    touched = [pmid for (pmid,) in con.execute(
        f"SELECT pmid FROM records WHERE NOT deleted AND {where}", params).fetchall()]
    if not touched:
        return ()
    rows = con.execute(
        "SELECT pmid, title, first_author, coalesce(journal_iso, journal), pub_year,"
        " publication_types, tag_chips FROM papers"
        " WHERE pmid IN (SELECT unnest(?::BIGINT[]))"
        " ORDER BY pub_date DESC NULLS LAST, pmid",
        [touched],
    ).fetchall()
    return tuple(PaperLine(*row[:5], tuple(row[5] or ()), tuple(row[6] or ())) for row in rows)
