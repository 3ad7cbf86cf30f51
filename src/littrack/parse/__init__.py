"""Streaming PubMed XML parser: a PubmedArticleSet in, typed records out (see records.py)."""

from littrack.parse.normalize import (
    expand_page_range,
    medline_date_parts,
    month_number,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
)
from littrack.parse.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    DeletedCitations,
    Grant,
    HistoryDate,
    Issn,
    MalformedRecord,
    MeshHeading,
    MeshQualifier,
    ParseItem,
    PublicationDate,
    PublicationType,
    PubmedRecord,
)
from littrack.parse.stream import ParseError, iter_pubmed
from littrack.parse.text import clean_text, flatten_mathml

__all__ = [
    "AbstractSection", "Author", "CommentCorrection", "DeletedCitations", "Grant", "HistoryDate",
    "Issn", "MalformedRecord", "MeshHeading", "MeshQualifier", "ParseError", "ParseItem",
    "PublicationDate", "PublicationType", "PubmedRecord", "clean_text", "expand_page_range",
    "flatten_mathml", "iter_pubmed", "medline_date_parts", "month_number", "normalize_doi",
    "normalize_orcid", "normalize_pmcid",
]
