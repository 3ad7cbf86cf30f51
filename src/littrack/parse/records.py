"""Typed records for what PubMed XML holds — the contract between parser and everything after it.

The parser yields, in document order, one of:
- `PubmedRecord`  a `PubmedArticle` or `PubmedBookArticle` it could make sense of;
- `DeletedCitations`  the PMIDs of an update file's `DeleteCitation` element;
- `MalformedRecord`  a record it could not make sense of, with the PMID (when it found one)
  and the reason; the rest of the file goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """A publication date as PubMed gives it, plus a normalised sortable form.

    `year/month/day/season` come from `PubDate` parts; `medline_date` is the free text of a
    `MedlineDate` ("1998 Dec-1999 Jan"). `sortable` is the earliest day the date can mean
    (missing month → January, missing day → 1st; seasons map to their first month; a
    MedlineDate to the first year/month it names) and `year` its year.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str | None = None
    medline_date: str | None = None
    sortable: date | None = None


@dataclass(frozen=True, slots=True)
class Author:
    last_name: str | None = None
    fore_name: str | None = None
    initials: str | None = None
    suffix: str | None = None
    collective_name: str | None = None
    orcid: str | None = None  # normalised: "0000-0002-1825-0097", no URL prefix
    affiliations: tuple[str, ...] = ()
    valid: bool = True  # Author@ValidYN

    @property
    def display_name(self) -> str:
        """NLM citation form: "Sigtermans MJ", or the collective name."""
        if self.collective_name:
            return self.collective_name
        parts = [self.last_name or "", self.initials or ""]
        if self.suffix:
            parts.append(self.suffix)
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class AbstractSection:
    text: str
    label: str | None = None
    nlm_category: str | None = None


@dataclass(frozen=True, slots=True)
class MeshQualifier:
    name: str
    ui: str | None = None
    major_topic: bool = False


@dataclass(frozen=True, slots=True)
class MeshHeading:
    descriptor: str
    descriptor_ui: str | None = None
    major_topic: bool = False
    qualifiers: tuple[MeshQualifier, ...] = ()


@dataclass(frozen=True, slots=True)
class PublicationType:
    name: str
    ui: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    grant_id: str | None = None
    acronym: str | None = None
    agency: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class CommentCorrection:
    """One `CommentsCorrections` entry: how errata, retractions and comments are linked."""

    ref_type: str  # RetractionIn, ErratumFor, CommentOn, UpdateIn, ...
    ref_source: str | None = None
    pmid: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryDate:
    pub_status: str  # received, accepted, entrez, pubmed, medline, retracted, ...
    date: date


@dataclass(frozen=True, slots=True)
class Issn:
    value: str
    issn_type: str | None = None  # Print, Electronic, or "Linking" for ISSNLinking


@dataclass(frozen=True, slots=True)
class PubmedRecord:
    pmid: int
    version: int = 1
    kind: Literal["article", "book"] = "article"
    # MedlineCitation attributes and dates
    status: str | None = None  # Completed, In-Process, PubMed-not-MEDLINE, Publisher, ...
    owner: str | None = None
    date_completed: date | None = None
    date_revised: date | None = None
    # text, cleaned: inline markup removed, MathML flattened, entities decoded
    title: str = ""
    vernacular_title: str | None = None
    abstract: str = ""  # sections joined; "LABEL: text" per section when labelled
    abstract_sections: tuple[AbstractSection, ...] = ()
    # journal (for books: the book title and publisher)
    journal_title: str | None = None
    journal_iso: str | None = None
    issns: tuple[Issn, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # MedlinePgn as given, "304-11"
    start_page: str | None = None
    end_page: str | None = None  # expanded: "304-11" -> "311"
    pub_date: PublicationDate = PublicationDate()
    publisher: str | None = None  # books only: Book/Publisher/PublisherName
    isbns: tuple[str, ...] = ()  # books only
    article_dates: tuple[date, ...] = ()  # ArticleDate DateType="Electronic"
    # people
    authors: tuple[Author, ...] = ()
    authors_complete: bool | None = None  # AuthorList@CompleteYN
    # classification
    languages: tuple[str, ...] = ()
    publication_types: tuple[PublicationType, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    grants: tuple[Grant, ...] = ()
    # identifiers
    doi: str | None = None  # lower-case, no "https://doi.org/" prefix
    pmcid: str | None = None  # "PMC1234567"
    pii: str | None = None
    # links and lifecycle
    comments_corrections: tuple[CommentCorrection, ...] = ()
    publication_status: str | None = None  # ppublish, epublish, aheadofprint
    history: tuple[HistoryDate, ...] = ()

    @property
    def pub_year(self) -> int | None:
        return self.pub_date.year if self.pub_date.year else (
            self.pub_date.sortable.year if self.pub_date.sortable else None
        )

    @property
    def entrez_date(self) -> date | None:
        """When the record entered PubMed (`edat`): History's "entrez" date."""
        return self.history_date("entrez")

    def history_date(self, pub_status: str) -> date | None:
        return next((h.date for h in self.history if h.pub_status == pub_status), None)

    @property
    def is_retracted(self) -> bool:
        return any(c.ref_type == "RetractionIn" for c in self.comments_corrections) or any(
            p.name == "Retracted Publication" for p in self.publication_types
        )


@dataclass(frozen=True, slots=True)
class DeletedCitations:
    """PMIDs that an update file's `DeleteCitation` removes from PubMed."""

    pmids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MalformedRecord:
    """A record the parser could not make sense of; quarantined, never silently dropped."""

    reason: str
    pmid: int | None = None
    xml: bytes | None = None  # the record's own XML, when it could be cut out


ParseItem = PubmedRecord | DeletedCitations | MalformedRecord
