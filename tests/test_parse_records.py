"""Issue 3: littrack.parse on hand-made edge cases, its sources, and its shared helpers."""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path

import pytest
from Bio import Entrez
from lxml import etree

from littrack.errors import LittrackError
from littrack.parse import (
    DeletedCitations,
    ParseError,
    PubmedRecord,
    clean_text,
    expand_page_range,
    iter_pubmed,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
)
from littrack.parse.normalize import medline_date_parts, season_month

DOCTYPE = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January'
    b' 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
# an article with every tricky field, a book chapter, and an update file's DeleteCitation
EDGE_CASES_XML = DOCTYPE + b"<PubmedArticleSet>\n" + (
    '<PubmedArticle><MedlineCitation Status="Publisher" Owner="NLM"><PMID Version="2">40000001<'
    '/PMID><DateRevised><Year>2025</Year><Month>02</Month><Day>30</Day></DateRevised><Article '
    'PubModel="Electronic-Print"><Journal><ISSN '
    'IssnType="Electronic">1234-5678</ISSN><JournalIssue '
    'CitedMedium="Internet"><Volume>12</Volume><PubDate><MedlineDate>1998 Dec-1999 '
    'Jan</MedlineDate></PubDate></JournalIssue><Title>Pain &amp; '
    'Therapy</Title><ISOAbbreviation>Pain '
    'Ther</ISOAbbreviation></Journal><ArticleTitle>Ketamine   for <i>CRPS</i>:\n'
    ' a x<sup>2</sup> &lt; y '
    'trial</ArticleTitle><Pagination><MedlinePgn>304-11</MedlinePgn></Pagination><ELocationID '
    'EIdType="doi" '
    'ValidYN="Y">https://doi.org/10.1000/ABC.Def</ELocationID><Abstract><AbstractText '
    'Label="BACKGROUND" NlmCategory="BACKGROUND">Low-dose '
    '<b>ketamine</b>.</AbstractText><AbstractText Label="RESULTS" NlmCategory="RESULTS">Pain '
    'fell (p&lt;0.05).</AbstractText></Abstract><AuthorList CompleteYN="N"><Author '
    'ValidYN="Y"><LastName>Sigtermans</LastName><ForeName>Marnix '
    'J</ForeName><Initials>MJ</Initials><Suffix>Jr</Suffix><Identifier Source="ORCID">http://or'
    'cid.org/0000-0002-1825-009x</Identifier><AffiliationInfo><Affiliation>Leiden   University.'
    '</Affiliation></AffiliationInfo><AffiliationInfo><Affiliation>LUMC.</Affiliation></Affilia'
    'tionInfo></Author><Author ValidYN="N"><CollectiveName>CRPS Study Group</CollectiveName></A'
    'uthor></AuthorList><Language>eng</Language><Language>dut</Language><GrantList '
    'CompleteYN="Y"><Grant><GrantID>R01 NS1</GrantID><Acronym>NS</Acronym><Agency>NINDS NIH '
    'HHS</Agency><Country>United '
    'States</Country></Grant></GrantList><PublicationTypeList><PublicationType '
    'UI="D016428">Journal Article</PublicationType><PublicationType UI="D016441">Retracted '
    'Publication</PublicationType></PublicationTypeList><ArticleDate DateType="Electronic"><Yea'
    'r>2024</Year><Month>11</Month><Day>05</Day></ArticleDate></Article><MedlineJournalInfo><Co'
    'untry>England</Country><MedlineTA>Pain Ther</MedlineTA><NlmUniqueID>1</NlmUniqueID><ISSNLi'
    'nking>1234-5678</ISSNLinking></MedlineJournalInfo><CommentsCorrectionsList><CommentsCorrec'
    'tions RefType="RetractionIn"><RefSource>Pain Ther. 2025;1:1</RefSource><PMID '
    'Version="1">40000002</PMID></CommentsCorrections><CommentsCorrections '
    'RefType="ErratumIn"><RefSource>Pain Ther. 2025;1:2</RefSource></CommentsCorrections></Comm'
    'entsCorrectionsList><MeshHeadingList><MeshHeading><DescriptorName UI="D000760" '
    'MajorTopicYN="Y">Ketamine</DescriptorName><QualifierName UI="Q000627" '
    'MajorTopicYN="N">therapeutic '
    'use</QualifierName></MeshHeading></MeshHeadingList><KeywordList Owner="NOTNLM"><Keyword '
    'MajorTopicYN="N">CRPS</Keyword></KeywordList><KeywordList Owner="NLM"><Keyword '
    'MajorTopicYN="N"><i>NMDA</i> '
    'antagonist</Keyword></KeywordList></MedlineCitation><PubmedData><History><PubMedPubDate Pu'
    'bStatus="received"><Year>2024</Year><Month>1</Month><Day>2</Day></PubMedPubDate><PubMedPub'
    'Date PubStatus="entrez"><Year>2024</Year><Month>11</Month><Day>6</Day><Hour>6</Hour><Minut'
    'e>3</Minute></PubMedPubDate><PubMedPubDate PubStatus="retracted"><Year>2025</Year><Month>1'
    '</Month><Day>9</Day></PubMedPubDate></History><PublicationStatus>aheadofprint</Publication'
    'Status><ArticleIdList><ArticleId IdType="pubmed">40000001</ArticleId><ArticleId '
    'IdType="doi">10.1000/abc.def</ArticleId><ArticleId '
    'IdType="pmc">PMC99</ArticleId><ArticleId '
    'IdType="pii">S0000-1</ArticleId></ArticleIdList><ReferenceList><Reference><Citation>Ref '
    'one.</Citation><ArticleIdList><ArticleId IdType="doi">10.9/REF</ArticleId></ArticleIdList>'
    '</Reference></ReferenceList></PubmedData></PubmedArticle>\n'
    '<PubmedBookArticle><BookDocument><PMID '
    'Version="1">20301295</PMID><ArticleIdList><ArticleId IdType="bookaccession">NBK1116</Artic'
    'leId></ArticleIdList><Book><Publisher><PublisherName>University of Washington, '
    'Seattle</PublisherName><PublisherLocation>Seattle '
    '(WA)</PublisherLocation></Publisher><BookTitle '
    'book="gene">GeneReviews®</BookTitle><PubDate><Year>1993</Year></PubDate><AuthorList '
    'Type="editors"><Author ValidYN="Y"><LastName>Adam</LastName><ForeName>Margaret P</ForeName'
    '><Initials>MP</Initials></Author></AuthorList><Medium>Internet</Medium><Isbn>0-000-00000-0'
    '</Isbn></Book><LocationLabel Type="chapter">Complex regional '
    'pain</LocationLabel><ArticleTitle book="gene" part="crps">Complex Regional Pain '
    'Syndrome</ArticleTitle><Language>eng</Language><AuthorList Type="authors"><Author ValidYN='
    '"Y"><LastName>Doe</LastName><ForeName>Jane</ForeName><Initials>J</Initials></Author></Auth'
    'orList><PublicationType UI="D016454">Review</PublicationType><Abstract><AbstractText '
    'Label="CLINICAL CHARACTERISTICS" NlmCategory="UNASSIGNED">CRPS is <i>painful</i>.</Abstrac'
    'tText></Abstract><Sections><Section><SectionTitle>Summary</SectionTitle></Section></Sectio'
    'ns><ContributionDate><Year>2003</Year><Month>01</Month><Day>01</Day></ContributionDate><Da'
    'teRevised><Year>2024</Year><Month>06</Month><Day>13</Day></DateRevised></BookDocument><Pub'
    'medBookData><History><PubMedPubDate PubStatus="entrez"><Year>2010</Year><Month>3</Month><D'
    'ay>20</Day></PubMedPubDate></History><PublicationStatus>ppublish</PublicationStatus><Artic'
    'leIdList><ArticleId '
    'IdType="pubmed">20301295</ArticleId></ArticleIdList></PubmedBookData></PubmedBookArticle>\n'
    '<DeleteCitation><PMID Version="1">111</PMID><PMID Version="1">222</PMID></DeleteCitation>\n'
    '</PubmedArticleSet>\n'
).encode()


@pytest.fixture(scope="module")
def edge_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("parse") / "edge-cases.xml"
    path.write_bytes(EDGE_CASES_XML)
    return path


@pytest.fixture(scope="module")
def edge_items(edge_file) -> list:
    return list(iter_pubmed(edge_file))


# --- helpers shared with matching ------------------------------------------------------------

@pytest.mark.parametrize(("pages", "expected"), [
    ("304-11", ("304", "311")),
    ("1234-56", ("1234", "1256")),
    ("99-101", ("99", "101")),
    ("123-4", ("123", "124")),
    ("S12-5", ("S12", "S15")),
    ("e1-e7", ("e1", "e7")),
    ("e123", ("e123", None)),
    ("12-4; discussion 15", ("12", "14")),
    ("1099-1099", ("1099", "1099")),
    ("", (None, None)),
    (None, (None, None)),
])
def test_expand_page_range(pages, expected):
    assert expand_page_range(pages) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("10.1000/ABC.def", "10.1000/abc.def"),
    ("https://doi.org/10.1000/ABC", "10.1000/abc"),
    ("http://dx.doi.org/10.1002%2Fana.1", "10.1002/ana.1"),
    ("doi: 10.1/X ", "10.1/x"),
    ("S0140-6736(20)1", None),
    ("", None),
    (None, None),
])
def test_normalize_doi(given, expected):
    assert normalize_doi(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0002-1825-009x", "0000-0002-1825-009X"),
    ("http://orcid.org/0000000218250097/", "0000-0002-1825-0097"),
    ("orcid.org/0000-0002-1825", None),
    (None, None),
])
def test_normalize_orcid(given, expected):
    assert normalize_orcid(given) == expected


def test_normalize_pmcid():
    assert [normalize_pmcid(v) for v in ("PMC123", "pmc123", "123", "PMCX", None)] == [
        "PMC123", "PMC123", "PMC123", None, None]


def test_dates_that_are_not_plain_year_month_day():
    assert medline_date_parts("1998 Dec-1999 Jan") == (1998, 12, None)
    assert medline_date_parts("2000 Spring-Summer") == (2000, 3, None)
    assert medline_date_parts("2001 Jan 5-11") == (2001, 1, 5)
    assert medline_date_parts("undated") == (None, None, None)
    assert [season_month(s) for s in ("Spring", "Summer", "Fall", "Winter", "Sep-Dec", "4th Quarter")] == [
        3, 6, 9, 1, 9, None]


def test_mathml_is_flattened_readably(efetch_samples):
    """pubmed6: V-dot O2max written in MathML inside the abstract."""
    (record,) = iter_pubmed(next(p for p in efetch_samples if p.name == "pubmed6.xml"))
    assert "maximal oxygen uptake ( V\u0307O2max ) 67.6" in record.abstract
    assert "<" not in record.abstract.replace("P < 0.001", "")


def test_clean_text_keeps_every_word_and_prefers_mathml_alttext():
    element = etree.fromstring(
        b'<T>A <i>B</i><sup>2</sup>  C<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML" '
        b'alttext="x^2"><mml:mi>x</mml:mi></mml:math>\n<Unknown>D</Unknown>&amp;E</T>'
    )
    assert clean_text(element) == "A B2 Cx^2 D&E"


# --- hand-made records: each field, compared with Entrez where it can read them --------------

def test_edge_case_article_fields(edge_items):
    article = edge_items[0]
    assert isinstance(article, PubmedRecord) and article.kind == "article"
    assert (article.pmid, article.version, article.status) == (40000001, 2, "Publisher")
    assert article.title == "Ketamine for CRPS: a x2 < y trial"
    assert article.abstract == "BACKGROUND: Low-dose ketamine.\nRESULTS: Pain fell (p<0.05)."
    assert article.journal_title == "Pain & Therapy"
    assert (article.pages, article.start_page, article.end_page) == ("304-11", "304", "311")
    assert article.pub_date.medline_date == "1998 Dec-1999 Jan"
    assert (article.pub_date.year, article.pub_date.sortable) == (1998, date(1998, 12, 1))
    assert article.date_revised == date(2025, 2, 1)  # "Feb 30" as given: year and month kept
    assert article.doi == "10.1000/abc.def"  # ELocationID's URL form, normalised
    assert (article.pmcid, article.pii) == ("PMC99", "S0000-1")
    first, group = article.authors
    assert first.display_name == "Sigtermans MJ Jr"
    assert first.orcid == "0000-0002-1825-009X"
    assert first.affiliations == ("Leiden University.", "LUMC.")
    assert (group.collective_name, group.valid) == ("CRPS Study Group", False)
    assert article.authors_complete is False
    assert article.languages == ("eng", "dut")
    assert article.keywords == ("CRPS", "NMDA antagonist")
    assert article.is_retracted
    assert [(c.ref_type, c.pmid) for c in article.comments_corrections] == [
        ("RetractionIn", 40000002), ("ErratumIn", None)]
    assert article.history_date("retracted") == date(2025, 1, 9)
    assert article.entrez_date == date(2024, 11, 6)


def test_edge_case_article_agrees_with_entrez(edge_items, edge_file):
    from test_parse_agreement import FIELDS, expected

    with edge_file.open("rb") as handle:
        (reference,) = Entrez.read(handle)["PubmedArticle"]
    want = expected(reference)
    assert {f: getattr(edge_items[0], f) for f in FIELDS} == {f: getattr(want, f) for f in FIELDS}


def test_book_article_is_kept_and_typed_as_a_book(edge_items, edge_file):
    book = edge_items[1]
    with edge_file.open("rb") as handle:
        (reference,) = Entrez.read(handle)["PubmedBookArticle"]
    document = reference["BookDocument"]
    assert book.kind == "book" and book.pmid == int(document["PMID"])
    assert book.title == str(document["ArticleTitle"]) == "Complex Regional Pain Syndrome"
    assert book.journal_title == str(document["Book"]["BookTitle"])
    assert book.publisher == "University of Washington, Seattle"
    assert book.isbns == ("0-000-00000-0",)
    assert [a.display_name for a in book.authors] == ["Doe J"]  # the chapter's, not the editors
    assert book.abstract == "CLINICAL CHARACTERISTICS: CRPS is painful."
    assert (book.pub_date.year, book.date_revised) == (1993, date(2024, 6, 13))
    assert book.entrez_date == date(2010, 3, 20)


def test_delete_citation_lists_the_deleted_pmids(edge_items, edge_file):
    with edge_file.open("rb") as handle:
        reference = Entrez.read(handle)["DeleteCitation"]
    assert edge_items[2] == DeletedCitations(pmids=tuple(int(p) for p in reference))
    assert edge_items[2] == DeletedCitations((111, 222))
    assert len(edge_items) == 3


# --- sources ----------------------------------------------------------------------------------

class TrickleStream(io.RawIOBase):
    """A binary stream that hands out a few bytes per read, as a slow socket does."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step, self.at = data, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        piece = self.data[self.at:self.at + self.step]
        self.at += len(piece)
        return piece


@pytest.mark.parametrize("step", [1, 7, 4096])
def test_bytes_path_gzip_and_streams_give_the_same_items(tmp_path, edge_items, step):
    data = EDGE_CASES_XML
    zipped = tmp_path / "set.xml.gz"
    zipped.write_bytes(gzip.compress(data))
    assert list(iter_pubmed(data)) == edge_items
    assert list(iter_pubmed(str(zipped))) == edge_items
    assert list(iter_pubmed(TrickleStream(data, step))) == edge_items


def test_an_empty_set_yields_nothing():
    assert list(iter_pubmed(DOCTYPE + b"<PubmedArticleSet>\n</PubmedArticleSet>\n")) == []
    assert list(iter_pubmed(b"<PubmedArticleSet/>")) == []


@pytest.mark.parametrize(("body", "message"), [
    (b"<eFetchResult><ERROR>ID list is empty! Possibly it has no correct IDs.</ERROR></eFetchResult>",
     "not a PubmedArticleSet but <eFetchResult>: ID list is empty! Possibly it has no correct IDs."),
    (b"", "not a PubmedArticleSet: the document has no root element"),
    (b'{"error":"API rate limit exceeded"}', "not a PubmedArticleSet: the document has no root element"),
    (b"<html><body>502 Bad Gateway</body></html>", "not a PubmedArticleSet but <html>"),
])
def test_a_document_that_is_not_a_pubmed_article_set_raises(body, message):
    with pytest.raises(ParseError) as caught:
        list(iter_pubmed(body))
    assert str(caught.value) == message
    assert isinstance(caught.value, LittrackError)


def test_a_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError, match="cannot read .*missing.xml"):
        list(iter_pubmed(tmp_path / "missing.xml"))


def test_a_text_mode_stream_or_an_odd_source_is_a_parse_error(edge_file):
    with edge_file.open("r") as handle, pytest.raises(ParseError, match="opened in binary mode"):
        list(iter_pubmed(handle))
    with pytest.raises(ParseError, match="cannot parse a int"):
        list(iter_pubmed(42))


def test_namespaces_declared_on_the_root_reach_the_records():
    """Records are parsed apart from the root element, so its xmlns declarations go with them."""
    (record,) = iter_pubmed(
        b'<PubmedArticleSet xmlns:mml="http://www.w3.org/1998/Math/MathML"><PubmedArticle><MedlineCitation>'
        b"<PMID>7</PMID><Article><ArticleTitle>a <mml:math><mml:mi>x</mml:mi><mml:mo>+</mml:mo>"
        b"<mml:mn>1</mml:mn></mml:math> b</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        b"</PubmedArticleSet>"
    )
    assert record.title == "a x+1 b"
