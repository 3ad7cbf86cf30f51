"""What the stand-in reads from a record to find it: PMID, dates and searchable text.

Read with a few lines of lxml of its own, never with `littrack.parse`: the stand-in is the
oracle the client and the pipeline are tested against, so a bug in the project's parser
must not be mirrored by the server that checks it.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
SEASON_FIRST_MONTH = {"winter": 1, "spring": 3, "summer": 6, "fall": 9, "autumn": 9}


def record_pmid(record: etree._Element) -> int | None:
    text = record.findtext("MedlineCitation/PMID") or record.findtext("BookDocument/PMID")
    return int(text) if text and text.strip().isdigit() else None


def entrez_date(record: etree._Element) -> date | None:
    """The Entrez date (History PubStatus="entrez"), else the "pubmed" one."""
    for status in ("entrez", "pubmed"):
        found = record.find(f"PubmedData/History/PubMedPubDate[@PubStatus='{status}']")
        if found is None:
            found = record.find(f"PubmedBookData/History/PubMedPubDate[@PubStatus='{status}']")
        if found is not None and (day := _numeric_date(found)):
            return day
    return None


def revision_date(record: etree._Element) -> date | None:
    found = record.find("MedlineCitation/DateRevised")
    return _numeric_date(found) if found is not None else None


def publication_date(record: etree._Element) -> date | None:
    """The earliest day the PubDate can mean: "2009 Oct" is 2009-10-01, "Spring" March."""
    found = record.find(".//JournalIssue/PubDate")
    if found is None:
        found = record.find(".//Book/PubDate")
    if found is None:
        return None
    text = " ".join(found.itertext()).lower()
    year = re.search(r"\b(1[6-9]|20)\d\d\b", text)
    if not year:
        return None
    month = found.findtext("Month")
    if month and month.strip().isdigit():
        month_number = int(month)
    else:
        named = re.search(r"\b(" + "|".join(MONTHS) + r")", text)
        season = re.search(r"\b(" + "|".join(SEASON_FIRST_MONTH) + r")\b", text)
        month_number = MONTHS[named[1]] if named else SEASON_FIRST_MONTH[season[1]] if season else 1
    day = found.findtext("Day")
    try:
        return date(int(year[0]), month_number, int(day) if day and day.strip().isdigit() else 1)
    except ValueError:
        return None


def searchable_texts(record: etree._Element) -> dict[str, list[str]]:
    """Each search field's raw values, as PubMed indexes them (roughly: see query.py)."""
    authors = [
        " ".join(filter(None, (a.findtext("LastName"), a.findtext("Initials"))))
        or (a.findtext("CollectiveName") or "")
        for a in record.iter("Author")
    ]
    mesh = []
    for heading in record.iter("MeshHeading"):
        descriptor = _text(heading.find("DescriptorName"))
        mesh.append(descriptor)
        mesh += [f"{descriptor} {_text(q)}" for q in heading.iter("QualifierName")]
    return {
        "title": _all(record, ".//ArticleTitle") + _all(record, ".//BookTitle"),
        "abstract": [" ".join(_all(record, ".//Abstract/AbstractText"))],
        "author": authors,
        "journal": _all(record, ".//Journal/Title")
        + _all(record, ".//Journal/ISOAbbreviation")
        + _all(record, ".//Journal/ISSN"),
        "volume": _all(record, ".//JournalIssue/Volume"),
        "issue": _all(record, ".//JournalIssue/Issue"),
        "pages": _all(record, ".//Pagination/MedlinePgn") + _all(record, ".//Pagination/StartPage"),
        "aid": _all(record, ".//ELocationID") + _all(record, "PubmedData/ArticleIdList/ArticleId"),
        "mesh": mesh,
        "pubtype": _all(record, ".//PublicationType"),
        "keywords": _all(record, ".//Keyword"),
    }


def _numeric_date(element: etree._Element) -> date | None:
    try:
        return date(*(int(element.findtext(part)) for part in ("Year", "Month", "Day")))
    except (TypeError, ValueError):
        return None


def _all(record: etree._Element, path: str) -> list[str]:
    return [text for element in record.iterfind(path) if (text := _text(element))]


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
