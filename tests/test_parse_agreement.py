"""Issue 3: every field littrack.parse yields agrees with Bio.Entrez.read on the real efetch samples.

Bio.Entrez.read (validating against the DTDs Biopython ships) is the reference. Where littrack
deliberately normalises, the expected value below is Entrez's value passed through one of the
NORMALISATIONS, each listed and named here; every other field must be equal as given.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from Bio import Entrez
from lxml import etree

from littrack.parse import (
    AbstractSection,
    Author,
    CommentCorrection,
    Grant,
    HistoryDate,
    Issn,
    MeshHeading,
    MeshQualifier,
    PublicationDate,
    PublicationType,
    PubmedRecord,
    expand_page_range,
    flatten_mathml,
    iter_pubmed,
    month_number,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
)
from littrack.parse.normalize import medline_date_parts, safe_date, season_month

# --- the deliberate normalisations, each one named ---------------------------------------------

_INLINE_TAG = re.compile(r"</?(?:i|b|u|sup|sub)>")
_MATH = re.compile(r"<math\b.*?</math>|<mml:math\b.*?</mml:math>", re.DOTALL)


def clean(text: str) -> str:
    """TEXT: inline <i>/<b>/<u>/<sup>/<sub> dropped (Entrez keeps them as literal tags), MathML
    flattened to one line (see test_parse_text.py for its form), whitespace runs collapsed."""
    text = _MATH.sub(lambda m: flatten_mathml(etree.fromstring(m.group())), str(text))
    return " ".join(_INLINE_TAG.sub("", text).split())


def optional(text) -> str | None:
    """EMPTY: an empty or missing optional text field is None, not ""."""
    return clean(text) or None if text is not None else None


def ymd(parts) -> date | None:
    """DATES: Year/Month/Day dicts become datetime.date (Month "Jun" or "06"; no day → 1st)."""
    if not parts:
        return None
    return safe_date(int(parts["Year"]), month_number(parts.get("Month")), int(parts.get("Day", 1)))


def yes(flag) -> bool:
    """FLAGS: Y/N attributes (ValidYN, MajorTopicYN, CompleteYN) become booleans."""
    return flag == "Y"


def doi_of(article, pubmed_data) -> str | None:
    """DOI: lower-case, no URL or "doi:" prefix; a valid ELocationID first, else ArticleIdList."""
    return next((normalize_doi(c) for c in _ids(article, pubmed_data, "doi")), None)


def _ids(article, pubmed_data, id_type: str) -> list[str]:
    """Valid ELocationIDs, then ArticleIdList entries, of one type."""
    located = [e for e in article.get("ELocationID", [])
               if e.attributes.get("EIdType") == id_type and e.attributes.get("ValidYN") != "N"]
    return located + [i for i in pubmed_data.get("ArticleIdList", []) if i.attributes["IdType"] == id_type]


def pub_date(given) -> tuple:
    """PUBDATE: month as a number; `sortable` = earliest day meant (season → first month,
    MedlineDate → first year/month it names); `year` taken from MedlineDate when no Year."""
    year = int(given["Year"]) if "Year" in given else None
    month = month_number(given.get("Month"))
    day = int(given["Day"]) if "Day" in given else None
    sort_month, sort_day = month or season_month(given.get("Season")), day
    if year is None and "MedlineDate" in given:
        year, sort_month, sort_day = medline_date_parts(given["MedlineDate"])
    return (year, month, day, given.get("Season"), given.get("MedlineDate"),
            safe_date(year, sort_month, sort_day))


def pages(pagination) -> tuple:
    """PAGES: start/end from StartPage/EndPage when given, else MedlinePgn with the end expanded
    ("304-11" → "311")."""
    medline = optional(pagination.get("MedlinePgn"))
    start, end = expand_page_range(medline)
    return medline, optional(pagination.get("StartPage")) or start, optional(pagination.get("EndPage")) or end


NORMALISATIONS = [clean, optional, ymd, yes, doi_of, pub_date, pages, normalize_orcid, normalize_pmcid]
# further deliberate forms, asserted in expected() below: ISSNLinking is an extra Issn typed
# "Linking"; `abstract` joins sections as "LABEL: text" with newlines; keywords of all
# KeywordLists are one tuple; only AuthorList Type="authors" is kept; History dates by PubStatus.


# --- Entrez → expected PubmedRecord ----------------------------------------------------------

def expected(entry) -> PubmedRecord:
    citation, data = entry["MedlineCitation"], entry.get("PubmedData", {})
    article, journal = citation["Article"], citation["Article"]["Journal"]
    sections = tuple(
        AbstractSection(clean(text), text.attributes.get("Label") or None,
                        text.attributes.get("NlmCategory") or None)
        for text in article.get("Abstract", {}).get("AbstractText", [])
    )
    issns = []
    if "ISSN" in journal:
        issns.append(Issn(str(journal["ISSN"]), journal["ISSN"].attributes.get("IssnType")))
    if citation.get("MedlineJournalInfo", {}).get("ISSNLinking"):
        issns.append(Issn(citation["MedlineJournalInfo"]["ISSNLinking"], "Linking"))
    medline_pgn, start, end = pages(article.get("Pagination", {}))
    year, month, day, season, medline_date, sortable = pub_date(journal["JournalIssue"]["PubDate"])
    author_list = article.get("AuthorList", [])
    return PubmedRecord(
        pmid=int(citation["PMID"]),
        version=int(citation["PMID"].attributes.get("Version", 1)),
        status=citation.attributes.get("Status"),
        owner=citation.attributes.get("Owner"),
        date_completed=ymd(citation.get("DateCompleted")),
        date_revised=ymd(citation.get("DateRevised")),
        title=clean(article["ArticleTitle"]),
        vernacular_title=optional(article.get("VernacularTitle")),
        abstract="\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections),
        abstract_sections=sections,
        journal_title=optional(journal.get("Title")),
        journal_iso=optional(journal.get("ISOAbbreviation")),
        issns=tuple(issns),
        volume=optional(journal["JournalIssue"].get("Volume")),
        issue=optional(journal["JournalIssue"].get("Issue")),
        pages=medline_pgn, start_page=start, end_page=end,
        pub_date=PublicationDate(
            year=year, month=month, day=day, season=season, medline_date=medline_date, sortable=sortable),
        article_dates=tuple(ymd(d) for d in article.get("ArticleDate", [])
                            if d.attributes.get("DateType") == "Electronic"),
        authors=tuple(_author(a) for a in author_list)
        if author_list and author_list.attributes.get("Type", "authors") == "authors" else (),
        authors_complete=(yes(author_list.attributes["CompleteYN"])
                          if author_list and "CompleteYN" in author_list.attributes else None),
        languages=tuple(article.get("Language", [])),
        publication_types=tuple(PublicationType(clean(t), t.attributes.get("UI"))
                                for t in article.get("PublicationTypeList", [])),
        mesh_headings=tuple(_mesh(h) for h in citation.get("MeshHeadingList", [])),
        keywords=tuple(clean(k) for keywords in citation.get("KeywordList", []) for k in keywords),
        grants=tuple(Grant(optional(g.get("GrantID")), optional(g.get("Acronym")), optional(g.get("Agency")),
                           optional(g.get("Country"))) for g in article.get("GrantList", [])),
        doi=doi_of(article, data),
        pmcid=next((normalize_pmcid(i) for i in _ids(article, data, "pmc")), None),
        pii=next((str(i) for i in _ids(article, data, "pii")), None),
        comments_corrections=tuple(
            CommentCorrection(c.attributes["RefType"], optional(c.get("RefSource")),
                              int(c["PMID"]) if "PMID" in c else None)
            for c in citation.get("CommentsCorrectionsList", [])),
        publication_status=optional(data.get("PublicationStatus")),
        history=tuple(HistoryDate(d.attributes["PubStatus"], ymd(d)) for d in data.get("History", [])),
    )


def _author(author) -> Author:
    orcids = [i for i in author.get("Identifier", []) if i.attributes.get("Source", "").upper() == "ORCID"]
    return Author(
        last_name=optional(author.get("LastName")),
        fore_name=optional(author.get("ForeName")),
        initials=optional(author.get("Initials")),
        suffix=optional(author.get("Suffix")),
        collective_name=optional(author.get("CollectiveName")),
        orcid=normalize_orcid(orcids[0]) if orcids else None,
        affiliations=tuple(clean(a["Affiliation"]) for a in author.get("AffiliationInfo", [])),
        valid=author.attributes.get("ValidYN", "Y") != "N",
    )


def _mesh(heading) -> MeshHeading:
    descriptor = heading["DescriptorName"]
    return MeshHeading(
        descriptor=clean(descriptor),
        descriptor_ui=descriptor.attributes.get("UI"),
        major_topic=yes(descriptor.attributes.get("MajorTopicYN")),
        qualifiers=tuple(
            MeshQualifier(clean(q), q.attributes.get("UI"), yes(q.attributes.get("MajorTopicYN")))
            for q in heading.get("QualifierName", [])
        ),
    )


# --- the walk ----------------------------------------------------------------------------------

FIELDS = [name for name in PubmedRecord.__dataclass_fields__]


@pytest.fixture(scope="module")
def both_parsers(efetch_samples):
    """(file name, Entrez's articles, littrack's items) for every sample file."""
    walked = []
    for path in efetch_samples:
        with path.open("rb") as handle:
            reference = Entrez.read(handle)
        walked.append((path.name, list(reference["PubmedArticle"]), list(iter_pubmed(path))))
    return walked


def test_every_sample_file_is_walked(efetch_samples, both_parsers):
    assert len(efetch_samples) >= 106
    assert sum(len(ours) for _, _, ours in both_parsers) == sum(len(ref) for _, ref, _ in both_parsers) > 100


def test_every_field_agrees_with_entrez(both_parsers):
    differences = []
    for name, reference, ours in both_parsers:
        assert all(isinstance(item, PubmedRecord) for item in ours), name
        assert [r.pmid for r in ours] == [int(e["MedlineCitation"]["PMID"]) for e in reference], name
        for entry, record in zip(reference, ours):
            want = expected(entry)
            differences += [
                f"{name} PMID {record.pmid} {field}: "
                f"ours {getattr(record, field)!r} != entrez {getattr(want, field)!r}"
                for field in FIELDS if getattr(record, field) != getattr(want, field)
            ]
    assert not differences, "\n".join(differences[:20])


def test_the_samples_exercise_the_fields_that_matter(both_parsers):
    """The agreement above is only worth something if the samples hold these cases."""
    records = [r for _, _, ours in both_parsers for r in ours]
    assert any(r.doi for r in records) and any(r.pmcid for r in records) and any(r.pii for r in records)
    assert any(a.orcid for r in records for a in r.authors)
    assert any(a.collective_name for r in records for a in r.authors)
    assert any(a.suffix for r in records for a in r.authors)
    assert any(s.label and s.nlm_category for r in records for s in r.abstract_sections)
    assert any(r.pub_date.season for r in records)  # MedlineDate: see test_parse_synthetic.py
    assert any(c.ref_type == "CommentIn" and c.pmid for r in records for c in r.comments_corrections)
    assert any(r.grants for r in records) and any(r.keywords for r in records)
    assert any(q.major_topic for r in records for m in r.mesh_headings for q in m.qualifiers)
    assert any("<" not in r.title and "TERT" in r.title for r in records)  # inline <i> dropped
    assert any(r.status == "PubMed-not-MEDLINE" for r in records)
    assert any(r.publication_status == "epublish" for r in records)


def test_given_end_pages_match_the_expanded_medline_pages(both_parsers):
    """expand_page_range agrees with the EndPage NLM itself wrote, wherever both are given."""
    checked = 0
    for _, reference, _ in both_parsers:
        for entry in reference:
            pagination = entry["MedlineCitation"]["Article"].get("Pagination", {})
            if "MedlinePgn" in pagination and "EndPage" in pagination and "-" in pagination["MedlinePgn"]:
                given = (pagination["StartPage"], pagination["EndPage"])
                assert expand_page_range(pagination["MedlinePgn"]) == given
                checked += 1
    assert checked > 20
