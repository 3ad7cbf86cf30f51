"""Decide which PubMed record a citation names: per-field evidence, a score, and a cautious status.

A citation is `matched` only when its title agrees strongly, at least one independent field
(first author, pages, journal with volume — or with the year, in a short form that names no
volume) agrees too, nothing conflicts, and the runner-up is clearly behind; a short or close
title needs two. An exact identifier (DOI, PMID) decides whatever else disagrees, unless the
title flatly contradicts it. A title is also looked for whole in the citation's text, so a
parser's wrong cut costs nothing. Close calls and contradicting evidence are `ambiguous`, and a
notice (erratum, retraction, comment) is never taken for the paper it is about. A wrong
`matched` hides a paper from the reviewers, so in doubt the answer is `ambiguous`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Sequence

from rapidfuzz import fuzz

from littrack.match import fields as f
from littrack.match.citations import Citation
from littrack.parse.records import PubmedRecord

Status = Literal["matched", "ambiguous", "not_found"]

# points a field adds when it agrees, and takes away when it conflicts
_WEIGHTS = {"pmid": 8.0, "doi": 6.0, "title": 4.0, "first_author": 2.0, "authors": 1.0,
            "journal": 1.5, "year": 1.0, "volume": 1.0, "issue": 0.5, "pages": 1.5}
_CONFLICT_COST = {"pmid": 8.0, "doi": 6.0, "title": 4.0, "first_author": 2.0, "authors": 1.0,
                  "journal": 1.0, "year": 3.0, "volume": 2.0, "issue": 0.5, "pages": 2.0}
_DECISIVE = {"pmid", "doi", "title", "first_author", "year", "volume", "pages"}
_CLEAR_LEAD = 3.0  # points the best candidate must have over the runner-up to be `matched`
_WORTH_SHOWING = 3.0  # below this a best candidate is `not_found` rather than `ambiguous`
_STRONG_TITLE, _CLOSE_TITLE, _WEAK_TITLE = 0.95, 0.85, 0.7
_FLAT_CONTRADICTION = 0.5  # title similarity below which not even a DOI makes a match
_GENERIC_TITLE_WORDS = 4  # "Reply", "Editorial", "Introduction": titles that name nothing
_SPECIFIC_TITLE_WORDS = 6  # a title this long names one paper wherever it stands in a citation


@dataclass(frozen=True, slots=True)
class Paper:
    """The fields of a PubMed record that citations are compared with."""

    pmid: int
    title: str = ""
    authors: tuple[str, ...] = ()  # NLM form, "Sigtermans MJ"
    journal: str | None = None
    journal_iso: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    publication_types: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: PubmedRecord) -> Paper:
        return cls(
            pmid=record.pmid, title=record.title,
            authors=tuple(a.display_name for a in record.authors),
            journal=record.journal_title, journal_iso=record.journal_iso, year=record.pub_year,
            volume=record.volume, issue=record.issue, pages=record.pages, doi=record.doi,
            publication_types=tuple(p.name for p in record.publication_types),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one field of a citation compares with one paper."""

    verdict: Literal["agree", "close", "weak", "conflict", "unknown"]
    points: float
    cited: Any = None
    found: Any = None
    similarity: float | None = None

    def as_dict(self) -> dict:
        data = {"verdict": self.verdict, "cited": self.cited, "found": self.found}
        if self.similarity is not None:
            data["similarity"] = round(self.similarity, 3)
        return data


@dataclass(frozen=True, slots=True)
class Comparison:
    """A citation against one paper: evidence per field and their sum."""

    paper: Paper
    evidence: dict[str, Evidence]
    notice: str | None  # the paper is an erratum/retraction/comment the citation is not

    @property
    def points(self) -> float:
        return sum(e.points for e in self.evidence.values())

    @property
    def score(self) -> float:
        """Points earned over the points the compared fields could give, in [0, 1]."""
        possible = sum(_WEIGHTS[name] for name, e in self.evidence.items() if e.verdict != "unknown")
        return round(max(0.0, self.points) / possible, 3) if possible else 0.0

    def agrees(self, name: str) -> bool:
        return name in self.evidence and self.evidence[name].verdict == "agree"

    def citation_gives(self, name: str) -> bool:
        return self.evidence[name].cited is not None

    @property
    def conflicts(self) -> list[str]:
        """Conflicting fields that rule a match out; journal names, issues and co-author lists
        are too often garbled in citations to do more than cost points."""
        return [name for name, e in self.evidence.items()
                if e.verdict == "conflict" and name in _DECISIVE]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Which PMID a citation names, how sure, and why. `pmid` is the best candidate even when
    `ambiguous` (a suggestion for a human), None when `not_found`."""

    citation: Citation
    status: Status
    pmid: int | None = None
    score: float = 0.0
    reason: str = ""
    evidence: dict[str, dict] = field(default_factory=dict)
    alternatives: tuple[int, ...] = ()  # other candidates close to the best

    def evidence_json(self) -> dict:
        """What the warehouse stores: per-field evidence, the reason, the close alternatives."""
        return {"reason": self.reason, "fields": self.evidence,
                "alternatives": list(self.alternatives)}


# ---------------------------------------------------------------------------------------------
# comparing one citation with one paper


@dataclass(frozen=True, slots=True)
class Cited:
    """A citation's side of its comparisons, normalised once for all its candidates."""

    citation: Citation
    notice: str | None
    title: str  # normalised
    main_title: str  # normalised, before a subtitle; "" without one
    text: str  # the words of the whole citation, where a title cut wrongly is looked for
    authors: tuple[f.AuthorName, ...]
    volume: str
    issue: str
    pages: f.PageRange | None

    @classmethod
    def of(cls, citation: Citation) -> Cited:
        return cls(citation, f.notice_kind(citation.title), f.normalize_title(citation.title),
                   _main_title(citation.title), " ".join(f.tokens(citation.raw)),
                   f.parse_nlm_names(citation.authors), f.normalize_volume(citation.volume),
                   _issue_key(citation.issue), f.page_range(citation.pages))


def compare(cited: Cited, paper: Paper) -> Comparison:
    """Evidence, field by field, that the citation names `paper`."""
    citation = cited.citation
    paper_notice = f.notice_kind(paper.title, paper.publication_types)
    found_title = f.normalize_title(paper.title)
    # a citation of the notice itself ("Reply.") names the notice, not the paper it is about
    cites_notice = cited.notice or cited.title == found_title
    notice = paper_notice if paper_notice and not cites_notice else None
    if notice:
        paper_title = f.notice_subject(paper.title)
        found_title = f.normalize_title(paper_title)
    else:
        paper_title = paper.title
    paper_authors = f.parse_nlm_names(paper.authors)
    evidence = {
        "pmid": _identifier(citation.pmid, paper.pmid, "pmid"),
        "doi": _identifier(citation.doi, paper.doi, "doi"),
        "title": _title(cited, paper_title, found_title),
        "first_author": _first_author(citation, paper, cited.authors, paper_authors),
        "authors": _co_authors(cited.authors, paper_authors),
        "journal": _journal(citation.journal, paper),
        "year": _year(citation.year, paper.year),
        "volume": _equal(cited.volume, f.normalize_volume(paper.volume),
                         "volume", citation.volume, paper.volume),
        "issue": _equal(cited.issue, _issue_key(paper.issue), "issue",
                        citation.issue, paper.issue),
        "pages": _pages(cited, paper.pages),
    }
    return Comparison(paper, evidence, notice)


def _agree(name: str, cited=None, found=None, similarity=None, share: float = 1.0) -> Evidence:
    return Evidence("agree", _WEIGHTS[name] * share, cited, found, similarity)


def _conflict(name: str, cited=None, found=None, similarity=None) -> Evidence:
    return Evidence("conflict", -_CONFLICT_COST[name], cited, found, similarity)


_UNKNOWN = Evidence("unknown", 0.0)


def _identifier(cited, found, name: str) -> Evidence:
    if cited is None or found is None:
        return _UNKNOWN
    return _agree(name, cited, found) if cited == found else _conflict(name, cited, found)


def _title(cited: Cited, found: str, b: str) -> Evidence:
    """`found`: the paper's title, `b` the same normalised."""
    a = cited.title
    if not a or not b:
        return _UNKNOWN
    similarity, x, y = f.title_similarity(a, b), a, b
    # a dropped subtitle ("X" for "X: Y"), or one PubMed lacks: compare with the main title
    for short, long_ in ((a, _main_title(found)), (cited.main_title, b)):
        if short and len(short.split()) >= _GENERIC_TITLE_WORDS:
            main_similarity = f.title_similarity(short, long_)
            if main_similarity > similarity:
                similarity, x, y = main_similarity, short, long_
    # a specific title found whole in the citation's text, where the parser cut it wrongly
    # ("Silva. review of ..." — a lone surname taken for part of the title)
    if similarity < _STRONG_TITLE and len(b.split()) >= _SPECIFIC_TITLE_WORDS:
        text = cited.text
        inside = fuzz.partial_ratio_alignment(b, text)
        if inside is not None and inside.score / 100 > similarity:
            similarity, x, y = inside.score / 100, text[inside.dest_start: inside.dest_end], b
    given = cited.citation.title
    if f.title_numbers(x) != f.title_numbers(y):
        return _conflict("title", given, found, similarity)  # Part 1 / Part 2, Phase I / II
    if similarity >= _STRONG_TITLE:
        return _agree("title", given, found, similarity)
    if similarity >= _CLOSE_TITLE:
        return Evidence("close", _WEIGHTS["title"] * 0.6, given, found, similarity)
    if similarity >= _WEAK_TITLE:
        return Evidence("weak", 0.0, given, found, similarity)
    return _conflict("title", given, found, similarity)


_SUBTITLE = re.compile(r"\s*(?:[:.?!]|\s-|\s\u2014)\s+")


def _main_title(title: str | None) -> str:
    """The normalised title before its subtitle; "" when it has none."""
    parts = _SUBTITLE.split(title or "", maxsplit=1)
    return f.normalize_title(parts[0]) if len(parts) == 2 else ""


def _first_author(citation: Citation, paper: Paper, cited: Sequence[f.AuthorName],
                  found: Sequence[f.AuthorName]) -> Evidence:
    same = f.first_authors_match(cited, found)
    if same is None:
        return _UNKNOWN
    shown = (citation.authors[0], paper.authors[0])
    return _agree("first_author", *shown) if same else _conflict("first_author", *shown)


def _co_authors(cited: Sequence[f.AuthorName], found: Sequence[f.AuthorName]) -> Evidence:
    """The rest of the cited list (an "et al." list counts only the names it gives)."""
    if len(cited) < 2 or len(found) < 2:
        return _UNKNOWN
    overlap = f.author_overlap(cited, found)
    if overlap >= 0.75:
        return _agree("authors", len(cited), len(found), overlap, share=overlap)
    if overlap < 0.5:
        return _conflict("authors", len(cited), len(found), overlap)
    return Evidence("close", 0.0, len(cited), len(found), overlap)


def _journal(cited: str | None, paper: Paper) -> Evidence:
    names = [n for n in (paper.journal_iso, paper.journal) if n]
    if not cited or not names:
        return _UNKNOWN
    found = names[0]
    if any(f.journals_match(cited, name) for name in names):
        return _agree("journal", cited, found)
    return _conflict("journal", cited, found)


def _year(cited: int | None, found: int | None) -> Evidence:
    gap = f.year_gap(cited, found)
    if gap is None:
        return _UNKNOWN
    if gap == 0:
        return _agree("year", cited, found)
    if gap == 1:  # e-pub in December, print issue in January
        return Evidence("close", _WEIGHTS["year"] * 0.3, cited, found)
    return _conflict("year", cited, found)


def _issue_key(issue: str | None) -> str:
    return "".join(f.tokens(issue)) if issue and not f.is_missing(issue) else ""


def _equal(a: str, b: str, name: str, cited, found) -> Evidence:
    if not a or not b:
        return _UNKNOWN
    return _agree(name, cited, found) if a == b else _conflict(name, cited, found)


def _pages(cited: Cited, found: str | None) -> Evidence:
    same = f.pages_agree(cited.pages, f.page_range(found))
    if same is None:
        return _UNKNOWN
    given = cited.citation.pages
    return _agree("pages", given, found) if same else _conflict("pages", given, found)


# ---------------------------------------------------------------------------------------------
# choosing among candidates


def match_citation(citation: Citation, papers: Iterable[Paper]) -> MatchResult:
    """The best of `papers` for `citation`, with a status that is never confidently wrong."""
    # on equal points a paper ranks before a notice about it (an erratum repeats its title)
    cited = Cited.of(citation)
    ranked = sorted((compare(cited, p) for p in papers),
                    key=lambda c: (c.points, c.notice is None), reverse=True)
    if citation.is_empty or not ranked or not _worth_showing(ranked[0]):
        return MatchResult(citation, "not_found", reason=_nothing_found(citation, ranked))
    best = ranked[0]
    # a notice about the cited paper does not compete with the paper itself
    rivals = [c for c in ranked[1:] if not (c.notice and not best.notice)]
    runner_up = rivals[0] if rivals else None
    close = tuple(c.paper.pmid for c in rivals if best.points - c.points < _CLEAR_LEAD)
    status, reason = _decide(best, runner_up)
    return MatchResult(
        citation, status, best.paper.pmid, best.score, reason,
        {name: e.as_dict() for name, e in best.evidence.items() if e.verdict != "unknown"},
        close if status == "ambiguous" else (),
    )


def _worth_showing(best: Comparison) -> bool:
    """Close enough for a human to look at: some points, or a title or identifier in common."""
    return best.points >= _WORTH_SHOWING or any(
        best.evidence[name].verdict in ("agree", "close") for name in ("title", "doi", "pmid"))


def _decide(best: Comparison, runner_up: Comparison | None) -> tuple[Status, str]:
    if best.notice:
        return "ambiguous", f"closest record is a notice ({best.notice}), not the paper itself"
    support = _identified(best)
    if not support and best.conflicts:
        return "ambiguous", "conflicting " + ", ".join(best.conflicts)
    support = support or _support(best)
    if not support:
        return "ambiguous", "too little agrees: " + _agreeing(best)
    if runner_up is not None and best.points - runner_up.points < _CLEAR_LEAD:
        return "ambiguous", f"PMID {runner_up.paper.pmid} is almost as close"
    return "matched", " + ".join(support)


def _identified(best: Comparison) -> list[str]:
    """An exact PMID or DOI decides, whatever else disagrees (a year, garbled pages), unless the
    title flatly contradicts it (a citation with another paper's DOI pasted in)."""
    ids = [name for name in ("pmid", "doi") if best.agrees(name)]
    title = best.evidence["title"]
    if not ids or (title.similarity is not None and title.similarity < _FLAT_CONTRADICTION):
        return []
    return [*ids, *(["title"] if title.verdict == "agree" else [])]


def _support(best: Comparison) -> list[str]:
    """The agreements that make a match without an identifier; empty when they are not
    enough."""
    title = best.evidence["title"]
    independent = [name for name in ("first_author", "pages") if best.agrees(name)]
    if best.agrees("journal") and best.agrees("volume"):
        independent.append("journal+volume")
    elif best.agrees("journal") and best.agrees("year") and not best.citation_gives("volume"):
        independent.append("journal+year")  # a short form names no volume
    if title.verdict in ("agree", "close"):
        generic = len(f.normalize_title(title.cited).split()) < _GENERIC_TITLE_WORDS
        needed = 2 if generic or title.verdict == "close" else 1
        return [f"title {title.similarity:.2f}", *independent] if len(independent) >= needed else []
    if title.verdict == "unknown":  # no title: the whole source must agree
        source = ("first_author", "journal", "year", "volume", "pages")
        return list(source) if all(best.agrees(name) for name in source) else []
    return []


def _agreeing(comparison: Comparison) -> str:
    names = [n for n, e in comparison.evidence.items() if e.verdict in ("agree", "close")]
    return ", ".join(names) or "nothing"


def _nothing_found(citation: Citation, ranked: list[Comparison]) -> str:
    if citation.is_empty:
        return "no title, author, journal or identifier recognised"
    if not ranked:
        return "no candidate records"
    return f"no record close enough (best: PMID {ranked[0].paper.pmid}, {_agreeing(ranked[0])})"
