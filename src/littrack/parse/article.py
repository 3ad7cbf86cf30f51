"""One `PubmedArticle` / `PubmedBookArticle` element → a `PubmedRecord`, walking its tree once.

Fields are read by iterating children and comparing tags (no XPath in the hot loop): parsing
is the nightly job's bottleneck.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from littrack.parse.normalize import (
    expand_page_range,
    medline_date_parts,
    month_number,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    safe_date,
    season_month,
)
from littrack.parse.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    DeletedCitations,
    Grant,
    HistoryDate,
    Issn,
    MeshHeading,
    MeshQualifier,
    PublicationDate,
    PublicationType,
    PubmedRecord,
)
from littrack.parse.text import clean_text, optional_text


class RecordError(ValueError):
    """A record lacks what every record must have (a PMID); it is reported, not parsed."""


def build_record(element: etree._Element) -> PubmedRecord:
    """The record an article or book element holds; RecordError when it has no usable PMID."""
    fields: dict[str, Any] = {}
    ids = _Ids()
    if element.tag == "PubmedBookArticle":
        fields["kind"] = "book"
        for child in element:
            if child.tag == "BookDocument":
                _read_book_document(child, fields, ids)
            elif child.tag == "PubmedBookData":
                _read_pubmed_data(child, fields, ids)
    else:
        for child in element:
            if child.tag == "MedlineCitation":
                _read_medline_citation(child, fields, ids)
            elif child.tag == "PubmedData":
                _read_pubmed_data(child, fields, ids)
    if "pmid" not in fields:
        raise RecordError(f"{element.tag} has no PMID")
    fields["doi"] = ids.doi
    fields["pmcid"] = ids.pmcid
    fields["pii"] = ids.pii
    return PubmedRecord(**fields)


def deleted_pmids(element: etree._Element) -> DeletedCitations:
    """The PMIDs a `DeleteCitation` element lists; RecordError when one is not a number."""
    pmids = []
    for child in element:
        if child.tag == "PMID":
            pmids.append(_pmid(child))
    return DeletedCitations(pmids=tuple(pmids))


def pmid_of(element: etree._Element) -> int | None:
    """The record's PMID if it can be found at all — for reporting a record that failed."""
    found = element.find("MedlineCitation/PMID")
    if found is None:
        found = element.find("BookDocument/PMID")
    return (_int(found.text) or None) if found is not None else None


class _Ids:
    """Identifiers collected from ELocationID and ArticleIdList; the first valid one wins."""

    __slots__ = ("doi", "pmcid", "pii")

    def __init__(self) -> None:
        self.doi = self.pmcid = self.pii = None

    def add(self, id_type: str | None, value: str | None) -> None:
        if not value:
            return
        if id_type == "doi" and self.doi is None:
            self.doi = normalize_doi(value)
        elif id_type == "pmc" and self.pmcid is None:
            self.pmcid = normalize_pmcid(value)
        elif id_type == "pii" and self.pii is None:
            self.pii = value.strip() or None


# --- MedlineCitation -------------------------------------------------------------------------

def _read_medline_citation(citation: etree._Element, fields: dict, ids: _Ids) -> None:
    fields["status"] = citation.get("Status")
    fields["owner"] = citation.get("Owner")
    for child in citation:
        tag = child.tag
        if tag == "PMID":
            _read_pmid(child, fields)
        elif tag == "DateCompleted":
            fields["date_completed"] = _date(child)
        elif tag == "DateRevised":
            fields["date_revised"] = _date(child)
        elif tag == "Article":
            _read_article(child, fields, ids)
        elif tag == "MedlineJournalInfo":
            for info in child:
                if info.tag == "ISSNLinking" and (linking := clean_text(info)):
                    fields["issns"] = (*fields.get("issns", ()), Issn(linking, "Linking"))
        elif tag == "MeshHeadingList":
            fields["mesh_headings"] = tuple([_mesh_heading(h) for h in child if h.tag == "MeshHeading"])
        elif tag == "KeywordList":
            fields["keywords"] = fields.get("keywords", ()) + _keywords(child)
        elif tag == "CommentsCorrectionsList":
            fields["comments_corrections"] = _comments_corrections(child)


def _read_article(article: etree._Element, fields: dict, ids: _Ids) -> None:
    languages: list[str] = []
    article_dates: list[date] = []
    for child in article:
        tag = child.tag
        if tag == "Journal":
            _read_journal(child, fields)
        elif tag == "Pagination":
            _read_pagination(child, fields)
        elif tag == "ELocationID":
            if child.get("ValidYN") != "N":
                ids.add(child.get("EIdType"), child.text)
        elif tag == "PublicationTypeList":
            fields["publication_types"] = _publication_types(child)
        elif tag == "ArticleDate":
            if child.get("DateType", "Electronic") == "Electronic" and (day := _date(child)) is not None:
                article_dates.append(day)
        else:
            _read_shared(child, tag, fields, languages)
    fields["languages"] = tuple(languages)
    fields["article_dates"] = tuple(article_dates)


def _read_shared(child: etree._Element, tag: str, fields: dict, languages: list[str]) -> None:
    """Elements an Article and a BookDocument both hold."""
    if tag == "ArticleTitle":
        fields["title"] = clean_text(child)
    elif tag == "Abstract":
        _read_abstract(child, fields)
    elif tag == "AuthorList":
        _read_author_list(child, fields)
    elif tag == "Language":
        if language := clean_text(child):
            languages.append(language)
    elif tag == "GrantList":
        fields["grants"] = tuple(_grant(g) for g in child if g.tag == "Grant")
    elif tag == "VernacularTitle":
        fields["vernacular_title"] = optional_text(child)


def _read_journal(journal: etree._Element, fields: dict) -> None:
    issns = []
    for child in journal:
        tag = child.tag
        if tag == "ISSN":
            if child.text and child.text.strip():
                issns.append(Issn(child.text.strip(), child.get("IssnType")))
        elif tag == "JournalIssue":
            for part in child:
                if part.tag == "Volume":
                    fields["volume"] = optional_text(part)
                elif part.tag == "Issue":
                    fields["issue"] = optional_text(part)
                elif part.tag == "PubDate":
                    fields["pub_date"] = publication_date(part)
        elif tag == "Title":
            fields["journal_title"] = optional_text(child)
        elif tag == "ISOAbbreviation":
            fields["journal_iso"] = optional_text(child)
    fields["issns"] = (*issns, *fields.get("issns", ()))


def _read_pagination(pagination: etree._Element, fields: dict) -> None:
    given: dict[str, str | None] = {}
    for child in pagination:
        given[child.tag] = optional_text(child)
    pages = given.get("MedlinePgn")
    start, end = expand_page_range(pages)
    fields["pages"] = pages
    fields["start_page"] = given.get("StartPage") or start
    fields["end_page"] = given.get("EndPage") or end


def _read_abstract(abstract: etree._Element, fields: dict) -> None:
    sections = []
    for child in abstract:
        if child.tag == "AbstractText":
            sections.append(AbstractSection(
                text=clean_text(child),
                label=child.get("Label") or None,
                nlm_category=child.get("NlmCategory") or None,
            ))
    fields["abstract_sections"] = tuple(sections)
    fields["abstract"] = "\n".join(
        f"{s.label}: {s.text}" if s.label else s.text for s in sections if s.text or s.label
    )


def _read_author_list(author_list: etree._Element, fields: dict) -> None:
    if author_list.get("Type", "authors") != "authors" or "authors" in fields:
        return  # editors are not authors; a second authors' list adds nothing
    fields["authors"] = tuple([_author(a) for a in author_list if a.tag == "Author"])
    complete = author_list.get("CompleteYN")
    fields["authors_complete"] = None if complete is None else complete == "Y"


def _author(author: etree._Element) -> Author:
    last = fore = initials = suffix = collective = orcid = None
    affiliations = []
    for child in author:  # an if-chain, not a dispatch table: this is the hottest loop
        tag = child.tag
        if tag == "LastName":
            last = clean_text(child) or None
        elif tag == "ForeName":
            fore = clean_text(child) or None
        elif tag == "Initials":
            initials = clean_text(child) or None
        elif tag == "AffiliationInfo":
            for affiliation in child:
                if affiliation.tag == "Affiliation" and (text := clean_text(affiliation)):
                    affiliations.append(text)
        elif tag == "Suffix":
            suffix = clean_text(child) or None
        elif tag == "CollectiveName":
            collective = clean_text(child) or None
        elif tag == "Identifier" and orcid is None and (child.get("Source") or "").upper() == "ORCID":
            orcid = normalize_orcid(child.text)
    return Author(
        last, fore, initials, suffix, collective, orcid, tuple(affiliations), author.get("ValidYN") != "N"
    )


def _publication_types(type_list: etree._Element) -> tuple[PublicationType, ...]:
    return tuple(
        PublicationType(name, t.get("UI"))
        for t in type_list
        if t.tag == "PublicationType" and (name := clean_text(t))
    )


def _mesh_heading(heading: etree._Element) -> MeshHeading:
    descriptor = None
    qualifiers = []
    for child in heading:
        tag = child.tag
        if tag == "DescriptorName":
            descriptor = child
        elif tag == "QualifierName":
            qualifiers.append(
                MeshQualifier(clean_text(child), child.get("UI"), child.get("MajorTopicYN") == "Y")
            )
    if descriptor is None:
        return MeshHeading("", None, False, tuple(qualifiers))
    return MeshHeading(
        clean_text(descriptor), descriptor.get("UI"), descriptor.get("MajorTopicYN") == "Y", tuple(qualifiers)
    )


def _keywords(keyword_list: etree._Element) -> tuple[str, ...]:
    return tuple(text for k in keyword_list if k.tag == "Keyword" and (text := clean_text(k)))


def _grant(grant: etree._Element) -> Grant:
    parts = {}
    for child in grant:
        if child.tag in _GRANT_FIELDS:
            parts[_GRANT_FIELDS[child.tag]] = optional_text(child)
    return Grant(**parts)


_GRANT_FIELDS = {"GrantID": "grant_id", "Acronym": "acronym", "Agency": "agency", "Country": "country"}


def _comments_corrections(corrections: etree._Element) -> tuple[CommentCorrection, ...]:
    found = []
    for entry in corrections:
        if entry.tag != "CommentsCorrections":
            continue
        source = pmid = None
        for child in entry:
            if child.tag == "RefSource":
                source = optional_text(child)
            elif child.tag == "PMID":
                pmid = _int(child.text)
        found.append(CommentCorrection(entry.get("RefType") or "", source, pmid))
    return tuple(found)


# --- PubmedData / PubmedBookData ------------------------------------------------------------

def _read_pubmed_data(data: etree._Element, fields: dict, ids: _Ids) -> None:
    for child in data:
        tag = child.tag
        if tag == "History":
            fields["history"] = tuple([
                HistoryDate(d.get("PubStatus") or "", day)
                for d in child
                if d.tag == "PubMedPubDate" and (day := _date(d)) is not None
            ])
        elif tag == "PublicationStatus":
            fields["publication_status"] = optional_text(child)
        elif tag == "ArticleIdList":
            _read_article_ids(child, ids)


def _read_article_ids(id_list: etree._Element, ids: _Ids) -> None:
    for article_id in id_list:
        if article_id.tag == "ArticleId":
            ids.add(article_id.get("IdType"), article_id.text)


# --- PubmedBookArticle ------------------------------------------------------------------------

def _read_book_document(document: etree._Element, fields: dict, ids: _Ids) -> None:
    languages: list[str] = []
    book_authors = None
    for child in document:
        tag = child.tag
        if tag == "PMID":
            _read_pmid(child, fields)
        elif tag == "ArticleIdList":
            _read_article_ids(child, ids)
        elif tag == "Book":
            book_authors = _read_book(child, fields)
        elif tag == "KeywordList":
            fields["keywords"] = fields.get("keywords", ()) + _keywords(child)
        elif tag == "PublicationType":
            publication_type = PublicationType(clean_text(child), child.get("UI"))
            fields["publication_types"] = (*fields.get("publication_types", ()), publication_type)
        elif tag == "DateRevised":
            fields["date_revised"] = _date(child)
        else:
            _read_shared(child, tag, fields, languages)
    fields["languages"] = tuple(languages)
    if "authors" not in fields and book_authors is not None:
        _read_author_list(book_authors, fields)  # a whole book: its authors are the book's
    if not fields.get("title"):
        fields["title"] = fields.get("journal_title") or ""


def _read_book(book: etree._Element, fields: dict) -> etree._Element | None:
    """Book-level fields; returns the book's own AuthorList (Type authors), if any."""
    authors = None
    for child in book:
        tag = child.tag
        if tag == "BookTitle":
            fields["journal_title"] = optional_text(child)
        elif tag == "Publisher":
            fields["publisher"] = optional_text(child.find("PublisherName"))
        elif tag == "PubDate":
            fields["pub_date"] = publication_date(child)
        elif tag == "Volume":
            fields["volume"] = optional_text(child)
        elif tag == "Isbn" and child.text and child.text.strip():
            fields["isbns"] = (*fields.get("isbns", ()), child.text.strip())
        elif tag == "AuthorList" and child.get("Type", "authors") == "authors" and authors is None:
            authors = child
    return authors


# --- values ----------------------------------------------------------------------------------

def publication_date(pub_date: etree._Element) -> PublicationDate:
    """A `PubDate` as given, plus its sortable earliest day."""
    parts = {child.tag: (child.text or "").strip() for child in pub_date}
    medline = parts.get("MedlineDate") or None
    year, month, day = _int(parts.get("Year")), month_number(parts.get("Month")), _int(parts.get("Day"))
    season = parts.get("Season") or None
    sort_month = month or season_month(season)
    if year is None and medline:
        year, sort_month, day = medline_date_parts(medline)
    sortable = safe_date(year, sort_month, day)
    return PublicationDate(
        year=year, month=month, day=day if month else None, season=season,
        medline_date=medline, sortable=sortable,
    )


def _date(element: etree._Element) -> date | None:
    """Year/Month/Day children as a date (Month may be "Jun" or "06"); None if there is no year."""
    year = month = day = None
    for child in element:  # not findtext: lxml runs its paths in Python, 3x slower here
        tag = child.tag
        if tag == "Year":
            year = child.text
        elif tag == "Month":
            month = child.text
        elif tag == "Day":
            day = child.text
    try:  # the common case, all numbers, straight to a date: a record holds about seven of these
        return date(int(year), int(month or 1), int(day or 1))
    except (TypeError, ValueError):
        return safe_date(_int(year), month_number(month), _int(day))


def _read_pmid(element: etree._Element, fields: dict) -> None:
    fields["pmid"] = _pmid(element)
    fields["version"] = _int(element.get("Version")) or 1


def _pmid(element: etree._Element) -> int:
    value = _int(element.text)
    if value is None or value <= 0:
        raise RecordError(f"PMID {(element.text or '').strip()[:40]!r} is not a positive number")
    return value


def _int(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) < 19 else None
