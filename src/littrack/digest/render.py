"""The digest as a subject line, plain text, HTML (for the mail and the file) and markdown.

Pure functions of `DigestContent`. The order is the same everywhere: notices, new papers,
updated papers, seeds, the chart, run health.
"""

from __future__ import annotations

from html import escape

from littrack.digest.chart import year_table
from littrack.digest.content import DigestContent, Paper
from littrack.digest.notices import Notice
from littrack.nightly.report import PUBMED_URL


def subject(content: DigestContent) -> str:
    counts = [
        _count(len(content.notices), "notice"),
        _count(len(content.new_papers), "new paper"),
        _count(len(content.updated_papers), "updated"),
    ]
    return f"littrack {content.window.day}: " + ", ".join(counts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("s" if n != 1 and noun != "updated" else "")


def _notice_line(notice: Notice) -> str:
    whose = f"{notice.reliance} paper " if notice.reliance else ""
    via = f" (notice PMID {notice.notice_pmid})" if notice.notice_pmid else ""
    return f"{notice.kind.upper()}: {whose}{notice.title} — {notice.source}{via}"


def _notice_links(notice: Notice) -> list[tuple[str, str]]:
    links = [("PubMed", PUBMED_URL.format(pmid=notice.pmid))]
    if notice.notice_pmid:
        links.append(("the notice", PUBMED_URL.format(pmid=notice.notice_pmid)))
    return links


def _meta(paper: Paper) -> str:
    """Source line of a new paper, with its relevance once ranking exists."""
    relevance = f" · relevance {paper.relevance:.2f}" if paper.relevance is not None else ""
    return paper.source + relevance


def _tags(paper: Paper) -> str:
    return " · ".join(paper.tags)


def _what_changed(paper: Paper) -> str:
    notes = ([f"now Version {paper.version}"] if paper.version > 1 else []) + (
        ["RETRACTED"] if paper.is_retracted else []
    )
    return f" ({', '.join(notes)})" if notes else ""


def _health_line(run) -> str:
    c = run.counts
    requests = "?" if run.requests is None else run.requests
    retries = "?" if run.retries is None else run.retries
    line = (
        f"run {run.run_id} {run.status}: {c['found']} found, {c['new']} new, {c['updated']} updated,"
        f" {c['deleted']} deleted, {c['quarantined']} quarantined;"
        f" {requests} requests to PubMed, {retries} retries; searched {run.windows}"
    )
    return line + (f"; error: {run.error}" if run.error else "")


# --- plain text ---------------------------------------------------------------------------


def text(content: DigestContent) -> str:
    lines = [subject(content), f"({content.window.label}; {content.waiting} papers waiting for review)", ""]
    if content.notices:
        lines.append("NOTICES")
        for n in content.notices:
            lines += [f"  ! {_notice_line(n)}", "    " + "  ".join(f"{label}: {url}" for label, url in _notice_links(n))]
        lines.append("")
    lines += [f"NEW PAPERS FOR REVIEW ({len(content.new_papers)})"]
    for p in content.new_papers:
        lines += [f"* {p.title}", f"  {_meta(p)}" + (f"  [{_tags(p)}]" if p.tags else "")]
        if p.abstract_preview:
            lines.append(f"  {p.abstract_preview}")
        lines.append(f"  PubMed: {p.pubmed_url}" + (f"  DOI: {p.doi_url}" if p.doi_url else ""))
        lines += [f"  Review: {content.review_link(p.pmid)}", ""]
    if not content.new_papers:
        lines += ["  none", ""]
    if content.updated_papers:
        lines += [f"UPDATED PAPERS ({len(content.updated_papers)})"]
        lines += [f"* {p.title} — {p.source}{_what_changed(p)}\n  {p.pubmed_url}"
                  for p in content.updated_papers]
        lines.append("")
    lines += ["SEEDS", *(f"  {s.number}. {s.status}" + (f" PMID {s.pmid}" if s.pmid else "")
                         + (" (seen in this window)" if s.seen_in_window else "")
                         for s in content.seeds), ""]
    _, rows = year_table(content.per_year)  # totals only: the HTML chart splits by design
    most = max((sum(per) for _, per in rows), default=1) or 1
    lines += ["PAPERS PER YEAR"]
    lines += [f"  {year}  {sum(per):4d} {'#' * round(40 * sum(per) / most)}" for year, per in rows]
    lines += ["", "RUN HEALTH", *(f"  {_health_line(r)}" for r in content.runs)]
    lines += [f"  quarantined PMID {pmid or '?'}: {reason}" for pmid, reason in content.quarantined]
    return "\n".join(lines) + "\n"


# --- HTML ---------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:Helvetica,Arial,sans-serif;color:#222;max-width:760px;margin:auto;padding:12px}"
    "h1{font-size:19px}h2{font-size:16px;border-bottom:1px solid #ddd;padding-bottom:3px;margin-top:22px}"
    ".notices{background:#fff3f0;border-left:4px solid #c0392b;padding:6px 12px}"
    ".paper{margin:10px 0 14px}.title{font-weight:bold}.meta{color:#555;font-size:13px}"
    ".abstract{font-size:13px;color:#333;margin:3px 0}.links a{font-size:13px;margin-right:10px}"
    ".tag{display:inline-block;background:#eef3fb;border:1px solid #c9d7ef;border-radius:8px;"
    "font-size:11px;padding:0 6px;margin-left:4px}table{border-collapse:collapse;font-size:13px}"
    "td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}.health{font-size:12px;color:#555}"
)


def html(content: DigestContent, chart_src: str) -> str:
    """The HTML part; `chart_src` is where the chart image is (a `cid:` or a data URL)."""
    e = escape
    parts = [
        (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(subject(content))}</title>"
         f"<style>{_STYLE}</style></head><body>"),
        f"<h1>{e(subject(content))}</h1>",
        (f"<p class='meta'>{e(content.window.label)}; {content.waiting} papers waiting for review"
         f" — <a href='{e(content.review_url)}'>open the triage page</a></p>"),
    ]
    if content.notices:
        parts.append("<div class='notices'><h2>Notices</h2><ul>")
        parts += [f"<li><b>{e(n.kind.upper())}</b>: {e(_notice_line(n).split(': ', 1)[1])}"
                  + "".join(f" <a href='{url}'>{label}</a>" for label, url in _notice_links(n)) + "</li>"
                  for n in content.notices]
        parts.append("</ul></div>")
    parts.append(f"<h2>New papers for review ({len(content.new_papers)})</h2>")
    parts += [_paper_html(content, p) for p in content.new_papers] or ["<p>none</p>"]
    if content.updated_papers:
        parts.append(f"<h2>Updated papers ({len(content.updated_papers)})</h2><ul>")
        parts += [f"<li><a href='{p.pubmed_url}'>{e(p.title or '(no title)')}</a>"
                  f" <span class='meta'>{e(p.source + _what_changed(p))}</span></li>"
                  for p in content.updated_papers]
        parts.append("</ul>")
    parts.append("<h2>Seed citations</h2><table><tr><th>#</th><th>status</th><th>PMID</th><th>paper</th></tr>")
    parts += [f"<tr><td>{s.number}</td><td>{e(s.status)}{' (seen)' if s.seen_in_window else ''}</td>"
              f"<td>{s.pmid or ''}</td><td>{e(s.title or '')}</td></tr>" for s in content.seeds]
    parts.append("</table>")
    parts.append(f"<h2>The topic per year</h2><img src='{e(chart_src)}' alt='papers per year' width='640'>")
    parts.append("<h2>Run health</h2>")
    parts += [f"<p class='health'>{e(_health_line(r))}</p>" for r in content.runs]
    parts += [f"<p class='health'>quarantined PMID {pmid or '?'}: {e(reason)}</p>"
              for pmid, reason in content.quarantined]
    parts.append("</body></html>")
    return "\n".join(parts)


def _paper_html(content: DigestContent, p: Paper) -> str:
    e = escape
    tags = "".join(f"<span class='tag'>{e(t)}</span>" for t in p.tags)
    doi = f"<a href='{e(p.doi_url)}'>DOI</a>" if p.doi_url else ""
    return (
        f"<div class='paper'><div class='title'>{e(p.title or '(no title)')}{tags}</div>"
        f"<div class='meta'>{e(_meta(p))}</div>"
        f"<div class='abstract'>{e(p.abstract_preview)}</div>"
        f"<div class='links'><a href='{p.pubmed_url}'>PubMed {p.pmid}</a>{doi}"
        f"<a href='{e(content.review_link(p.pmid))}'>Review</a></div></div>"
    )


# --- markdown (the Prefect artifact) ------------------------------------------------------


def markdown(content: DigestContent) -> str:
    lines = [f"# {subject(content)}", "", f"{content.window.label}; {content.waiting} papers waiting for review", ""]
    if content.notices:
        lines += ["## Notices", ""]
        lines += [f"- **{_notice_line(n)}** " + " · ".join(f"[{label}]({url})" for label, url in _notice_links(n))
                  for n in content.notices]
        lines.append("")
    lines += [f"## New papers for review ({len(content.new_papers)})", ""]
    for p in content.new_papers:
        tags = f" `{_tags(p)}`" if p.tags else ""
        doi = f" · [DOI]({p.doi_url})" if p.doi_url else ""
        lines.append(f"- [{p.title or '(no title)'}]({p.pubmed_url}) — {_meta(p)}{tags}{doi}"
                     f" · [review]({content.review_link(p.pmid)})")
    lines.append("")
    if content.updated_papers:
        lines += [f"## Updated papers ({len(content.updated_papers)})", ""]
        lines += [f"- [{p.title}]({p.pubmed_url}) — {p.source}{_what_changed(p)}"
                  for p in content.updated_papers]
        lines.append("")
    lines += ["## Seed citations", "", "| # | status | PMID | seen |", "|---:|---|---:|---|"]
    lines += [f"| {s.number} | {s.status} | {s.pmid or ''} | {'yes' if s.seen_in_window else ''} |"
              for s in content.seeds]
    designs, rows = year_table(content.per_year)
    lines += ["", "## Papers per year", "", "| year | " + " | ".join(designs) + " |",
              "|---:|" + "---:|" * len(designs)]
    lines += [f"| {year} | " + " | ".join(map(str, per)) + " |" for year, per in rows]
    lines += ["", "## Run health", "", *(f"- {_health_line(r)}" for r in content.runs)]
    lines += [f"- quarantined PMID {pmid or '?'}: {reason}" for pmid, reason in content.quarantined]
    return "\n".join(lines) + "\n"
