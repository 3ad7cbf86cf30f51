"""Pair rules of the deduplication engine: what a record looks like once normalised (`Profile`)
and the verdict on two of them (`compare`): duplicate, related (linked, never merged) or distinct.

Hard guards come first and win over any similarity: conflicting identifiers, a notice (erratum,
retraction, expression of concern, comment) against anything but the same notice, different
kinds of publication (conference abstract, preprint, article), years more than one apart,
different numbers in the titles (Part 1 / Part 2, Phase I / Phase II), a clear title
disagreement (`fields.titles_disagree`: a word of the body replaced, or two titles on other
topics in one language) whatever else agrees, a generic or recurring title ("Reply", "Editor's
Comments") without the same issue and pages, and different first pages or volumes when both
records give them. A record with no type and no venue may be of any kind; a year one apart counts
as agreeing when volume and pages agree. A false merge hides a paper from reviewers, so in doubt
the verdict is "distinct".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from littrack.match import fields as f
from littrack.match.title_rules import titles_disagree

Kind = Literal["article", "conference", "preprint", "unknown"]

_CONFERENCE_TYPES = {"inproceedings", "conference", "proceedings", "congress", "meeting abstract",
                     "congresses", "conference paper", "conference abstract"}
_PREPRINT_TYPES = {"preprint", "unpublished"}
_PREPRINT_VENUE = re.compile(r"rxiv|preprint|research square|ssrn", re.I)
_CONFERENCE_VENUE = re.compile(r"\b(conference|congress|meeting|symposium)\b", re.I)


@dataclass(frozen=True, slots=True)
class Profile:
    """A record normalised once for all its comparisons."""

    id: str
    title: str  # normalised; for a notice, the title of the paper it is about
    numbers: frozenset[int]
    notice: str | None
    kind: Kind
    year: int | None
    authors: tuple[f.AuthorName, ...]
    journals: tuple[tuple[str, ...], ...]
    pages: f.PageRange | None
    volume: str
    issue: str
    doi: str | None
    pmid: int | None
    pmcid: str | None
    generic: bool = False  # a plain or recurring title: names a paper only with issue and pages


def publication_kind(entry_type: str | None, publication_types: tuple[str, ...],
                     venue: str | None) -> Kind:
    """Conference paper/abstract, preprint, article; "unknown" for a record with neither such a
    type nor a venue (an export that dropped the journal), which may be any of them."""
    labels = {f.fold(t).strip() for t in (*publication_types, entry_type or "")}
    if labels & _PREPRINT_TYPES or (venue and _PREPRINT_VENUE.search(venue)):
        return "preprint"
    if labels & _CONFERENCE_TYPES or (venue and _CONFERENCE_VENUE.search(venue)):
        return "conference"
    return "unknown" if f.is_missing(venue) else "article"


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Literal["duplicate", "related", "distinct"]
    reason: str
    strength: float = 0.0  # orders merges: identifiers first, then the closest titles
    link: str | None = None  # for "related": kind of link from the first record to the second


DISTINCT = Verdict("distinct", "no match")


IDENTIFIERS = ("doi", "pmid", "pmcid")  # the `Profile` fields `identifiers_conflict` reads


def identifiers_conflict(a: Profile, b: Profile) -> bool:
    """Whether the records give an identifier differently: `compare` calls them distinct
    whatever else agrees (blocking leaves such pairs out)."""
    return _ids(a, b)[0] is not None


def _ids(a: Profile, b: Profile) -> tuple[str | None, str | None]:
    """(conflict, agreement): the first identifier both give differently / identically."""
    agreement = None
    for name, x, y in (("DOI", a.doi, b.doi), ("PMID", a.pmid, b.pmid),
                       ("PMCID", a.pmcid, b.pmcid)):
        if x is not None and y is not None:
            if x != y:
                return f"different {name}s", None
            agreement = agreement or f"same {name}"
    return None, agreement


def _titles(a: Profile, b: Profile) -> tuple[float, bool]:
    """(similarity, truncated): a title cut short by an export ("X" vs "X: Y") counts as
    near-equal when the shorter part is long enough to be specific."""
    sim = f.title_similarity(a.title, b.title)
    short, long_ = sorted((a.title, b.title), key=len)
    truncated = len(short) >= 40 and long_.startswith(short)
    return sim, truncated


def _volumes_conflict(a: Profile, b: Profile) -> bool:
    """Different volumes, allowing exports that swapped volume and issue."""
    if not a.volume or not b.volume or a.volume == b.volume:
        return False
    return not (a.volume == b.issue or b.volume == a.issue)


def _link_kind(a: Profile, b: Profile) -> str | None:
    """How `a` refers to `b` when they differ only in kind (notice, abstract, preprint)."""
    if a.notice and not b.notice:
        return {"erratum": "erratum-of", "retraction": "retraction-of",
                "expression-of-concern": "expression-of-concern-on"}.get(a.notice, "comment-on")
    if a.kind == "conference" and b.kind == "article":
        return "conference-abstract-of"
    if a.kind == "preprint" and b.kind == "article":
        return "preprint-of"
    return None


def _related(a: Profile, b: Profile, sim: float, truncated: bool) -> Verdict:
    """Same paper in another guise: link it (either direction), never merge."""
    if sim < 0.9 and not truncated:
        return DISTINCT
    for x, y in ((a, b), (b, a)):
        kind = _link_kind(x, y)
        if kind:
            return Verdict("related", kind, sim, link=kind if x is a else f"{kind}:reverse")
    return DISTINCT


def compare(a: Profile, b: Profile) -> Verdict:
    """Duplicate, related or distinct — see the module docstring for the guards."""
    conflict, same_id = _ids(a, b)
    if conflict:
        return Verdict("distinct", conflict)
    sim, truncated = _titles(a, b)
    if a.notice != b.notice or (a.kind != b.kind and "unknown" not in (a.kind, b.kind)):
        return _related(a, b, sim, truncated)
    gap = f.year_gap(a.year, b.year)
    if gap is not None and gap > 1:
        return Verdict("distinct", "years differ by more than one")
    if same_id:
        if a.title and b.title and sim < 0.6 and not truncated:
            return Verdict("distinct", f"{same_id} but different titles")
        return Verdict("duplicate", same_id, 2.0)
    if sim < 0.85 and not truncated:
        return _same_locators(a, b, sim)
    disagreement = None if truncated else titles_disagree(a.title, b.title, sim)
    if disagreement:  # whatever else agrees: sister trial registrations of one sponsor
        return Verdict("distinct", disagreement)
    if a.numbers != b.numbers:  # even for a cut-off title: "X" vs "X: Part 2"
        return Verdict("distinct", "different numbers in titles")
    pages = f.pages_agree(a.pages, b.pages)
    if pages is False:
        return Verdict("distinct", "different pages")
    if _volumes_conflict(a, b):
        return Verdict("distinct", "different volumes")
    if (a.generic or b.generic) and not (pages and a.issue and a.issue == b.issue):
        return Verdict("distinct", "generic title without the same issue and pages")
    return _weigh(a, b, max(sim, 0.95) if truncated else sim, pages)


def _journals_match(a: Profile, b: Profile) -> bool | None:
    if not a.journals or not b.journals:
        return None
    return f.journal_names_match(a.journals, b.journals)


def _same_locators(a: Profile, b: Profile, sim: float) -> Verdict:
    """Titles that differ (a translation, a garbled export) but the same authors, year, volume,
    issue and full page range: two papers never share all of these — unless the titles are
    clearly two titles (one author's two papers in adjacent issues), which vetoes the rest."""
    if not (a.pages and b.pages and a.pages.last and a.pages == b.pages and a.volume
            and a.volume == b.volume and a.year is not None and a.year == b.year):
        return DISTINCT
    if a.pages.first == a.pages.last or not _journals_match(a, b):
        return DISTINCT
    if a.issue and b.issue and a.issue != b.issue:
        return DISTINCT  # the same pages in two issues: pagination that restarts each issue
    overlap = f.author_overlap(a.authors, b.authors)
    if overlap is None or overlap < 0.75 or not f.first_authors_match(a.authors, b.authors):
        return DISTINCT
    disagreement = titles_disagree(a.title, b.title, sim)
    if disagreement:
        return Verdict("distinct", disagreement)
    return Verdict("duplicate", "same authors + year + journal + volume + page range", 0.9)


def _locators_alone_suffice(a: Profile, b: Profile, locators: list[str]) -> bool:
    """Without authors: the same year and the same full page range, and the same volume
    unless one record lacks it (a proceedings copy)."""
    same_range = bool(a.pages and b.pages and a.pages.last and a.pages.last == b.pages.last
                      and a.pages.first != a.pages.last)
    volume = "volume" in locators or not (a.volume and b.volume)
    return "year" in locators and "pages" in locators and same_range and volume


def _weigh(a: Profile, b: Profile, sim: float, pages: bool | None) -> Verdict:
    """Title similarity plus corroborating fields; approximate or short titles need more.

    Agreeing authors and two locators (year, first page, volume, journal) confirm a close
    title; without authors (missing, garbled, a group name) year, volume and the full page range
    must all agree (`_locators_alone_suffice`).
    """
    overlap = f.author_overlap(a.authors, b.authors)
    if overlap is not None and overlap < 0.5:
        return Verdict("distinct", "different authors")
    authors = overlap is not None and (
        overlap >= 0.75 or bool(f.first_authors_match(a.authors, b.authors)))
    locators = []
    if a.year is not None and a.year == b.year:
        locators.append("year")
    elif pages and a.volume and a.volume == b.volume:
        locators.append("year±1")  # e-pub and print years of one volume and page range
    if pages:
        locators.append("pages")
    if a.volume and a.volume == b.volume:
        locators.append("volume")
    journals = _journals_match(a, b)
    if journals:
        locators.append("journal")
    close = sim >= 0.95 and len(a.title.split()) >= 6
    # conference papers and web-only records often have no pages or volume: what is missing
    # cannot agree, so a close title, the authors and the year carry them; a journal named
    # differently (a journal club, a supplement) asks for one more agreeing locator
    comparable = 1 + (a.pages is not None and b.pages is not None) + bool(a.volume and b.volume)
    needed = min(2 if close else 3, comparable) + (journals is False)
    if authors and len(locators) >= needed:
        evidence = ["authors", *locators]
    elif close and _locators_alone_suffice(a, b, locators):
        evidence = locators
    else:
        return Verdict("distinct", f"title {sim:.2f} but too little else agrees")
    reason = f"title {sim:.2f} + " + " + ".join(evidence)
    return Verdict("duplicate", reason, sim + 0.01 * len(evidence))


def field_evidence(a: Profile, b: Profile) -> dict[str, dict]:
    """Field by field, how two records compare: what a merge rests on, kept with the cluster.
    Verdicts are "agree", "close", "conflict"; fields either record lacks are left out."""
    fields: dict[str, dict] = {}
    for name, x, y in (("doi", a.doi, b.doi), ("pmid", a.pmid, b.pmid),
                       ("pmcid", a.pmcid, b.pmcid)):
        if x is not None and y is not None:
            fields[name] = {"verdict": "agree" if x == y else "conflict"}
    if a.title and b.title:
        sim, truncated = _titles(a, b)
        fields["title"] = {"verdict": "agree" if sim >= 0.95 or truncated else
                           "close" if sim >= 0.85 else "conflict", "similarity": round(sim, 3)}
    overlap = f.author_overlap(a.authors, b.authors)
    if overlap is not None:
        fields["authors"] = {"verdict": "agree" if overlap >= 0.75 else
                             "close" if overlap >= 0.5 else "conflict",
                             "similarity": round(overlap, 3)}
    gap = f.year_gap(a.year, b.year)
    if gap is not None:
        fields["year"] = {"verdict": ("agree", "close")[gap] if gap <= 1 else "conflict",
                          "values": [a.year, b.year]}
    journals = _journals_match(a, b)
    if journals is not None:
        fields["journal"] = {"verdict": "agree" if journals else "conflict"}
    for name, x, y in (("volume", a.volume, b.volume), ("issue", a.issue, b.issue)):
        if x and y:
            fields[name] = {"verdict": "agree" if x == y else "conflict", "values": [x, y]}
    pages = f.pages_agree(a.pages, b.pages)
    if a.pages and b.pages:
        fields["pages"] = {"verdict": {True: "agree", None: "close", False: "conflict"}[pages],
                           "values": [a.pages.first, b.pages.first]}
    return fields
