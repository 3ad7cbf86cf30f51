"""Issue 3: malformed XML, unknown elements, empty fields and hostile text never stop a file.

Each broken record comes out as a MalformedRecord with its PMID (when it has one) and a reason;
the records around it come out intact; nothing declared in a DTD is expanded or fetched.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from littrack.parse import DeletedCitations, MalformedRecord, ParseError, PubmedRecord, iter_pubmed

ROOT, END = b"<PubmedArticleSet>\n", b"</PubmedArticleSet>\n"


def article(pmid, title: str = "Ketamine in CRPS", affiliation: str = "Leiden.") -> bytes:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        f"<Article><Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle><AuthorList><Author><LastName>Doe</LastName>"
        f"<AffiliationInfo><Affiliation>{affiliation}</Affiliation></AffiliationInfo></Author></AuthorList>"
        f'</Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="doi">10.1/{pmid}'
        f"</ArticleId></ArticleIdList></PubmedData></PubmedArticle>\n"
    ).encode()


def kinds(items) -> list[tuple[str, int | None]]:
    return [(type(item).__name__, getattr(item, "pmid", None)) for item in items]


# --- hostile input --------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY lol "lol">\n'
    + b"".join(b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
               for n in range(1, 10))
    + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<!ENTITY net SYSTEM "http://127.0.0.1:9/x.dtd">\n'
    + b'<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;\n]>\n'
)


def test_entities_declared_in_the_prolog_are_never_expanded_or_fetched():
    items = list(iter_pubmed(
        BILLION_LAUGHS + ROOT + article(1, "&lol9;") + article(2, "&xxe;") + article(3, "&net;")
        + article(4, "Tom &amp; Jerry &#x3b1; &lt;3") + END
    ))
    assert kinds(items) == [("MalformedRecord", 1), ("MalformedRecord", 2), ("MalformedRecord", 3),
                            ("PubmedRecord", 4)]
    assert items[0].reason == "not well-formed XML: Entity 'lol9' not defined"
    assert items[3].title == "Tom & Jerry \u03b1 <3"  # predefined and numeric entities are decoded


def test_a_broken_record_is_reported_and_the_rest_goes_on():
    items = list(iter_pubmed(ROOT + article(1) + article(2, "a <b> c") + article(3) + END))
    assert kinds(items) == [("PubmedRecord", 1), ("MalformedRecord", 2), ("PubmedRecord", 3)]
    assert items[1].reason.startswith("not well-formed XML: Opening and ending tag mismatch: b")
    assert items[1].xml == article(2, "a <b> c").rstrip(b"\n")


def test_a_record_cut_off_by_the_next_one_is_reported_alone():
    items = list(iter_pubmed(ROOT + article(1) + article(2)[:150] + article(3) + END))
    assert kinds(items) == [("PubmedRecord", 1), ("MalformedRecord", 2), ("PubmedRecord", 3)]
    assert items[1].reason == "<PubmedArticle> is cut off: the next record starts inside it"


def test_a_truncated_document_yields_what_came_before_then_says_so():
    items = list(iter_pubmed(ROOT + article(1) + article(2)[:200]))
    assert kinds(items) == [("PubmedRecord", 1), ("MalformedRecord", 2), ("MalformedRecord", None)]
    assert items[1].reason == "<PubmedArticle> is truncated: the document ends inside it"
    assert items[2].reason == "document ends before </PubmedArticleSet>: truncated"


def test_a_body_cut_between_records_is_not_taken_for_a_whole_one():
    assert [getattr(i, "reason", None) for i in iter_pubmed(ROOT + article(1))] == [
        None, "document ends before </PubmedArticleSet>: truncated"]


def test_stray_content_between_and_after_records_is_reported():
    items = list(iter_pubmed(ROOT + article(1) + b"junk <Foo>x</Foo>" + article(2) + END + b"tail"))
    assert [getattr(i, "reason", i.pmid if isinstance(i, PubmedRecord) else None) for i in items] == [
        1, "unexpected text between records", "unexpected <Foo> between records", 2,
        "content after </PubmedArticleSet>"]


def test_a_stray_set_end_tag_inside_a_record_does_not_end_the_set():
    """Regression: the falsifying example of test_damage_inside_one_record_leaves_the_others_intact
    (which=0, inserted=b'</PubmedArticleSet', start=0, stop=0) took every later record for
    content after the set's end and reported them as one MalformedRecord."""
    for damaged in (b"</PubmedArticleSet" + article(1), article(1).replace(b"<Article>", b"</PubmedArticleSet>")):
        items = list(iter_pubmed(ROOT + damaged + article(2) + article(3) + END))
        assert [i.pmid for i in items if isinstance(i, PubmedRecord)][-2:] == [2, 3]
        assert all(i.pmid in (1, None) for i in items if isinstance(i, MalformedRecord))


def test_only_a_set_end_tag_with_no_record_after_it_ends_the_set():
    items = list(iter_pubmed(ROOT + article(1) + END + b"<!-- c -->" + article(2) + END + b"<!-- done -->\n"))
    assert [getattr(i, "reason", i.pmid if isinstance(i, PubmedRecord) else None) for i in items] == [
        1, "unexpected </PubmedArticleSet> between records", 2]
    assert items[1].xml == END + b"<!-- c -->"


DELETE_CITATION = b'<DeleteCitation><PMID Version="1">8</PMID><PMID Version="1">9</PMID></DeleteCitation>\n'


def test_whole_records_caught_in_the_cut_of_a_record_without_its_end_tag_are_parsed():
    """Regression (found with more hypothesis seeds): a record missing its end tag was cut up to the
    next `</PubmedArticle>`, and a whole DeleteCitation inside that cut was reported as cut off."""
    unclosed = article(1).replace(b"</PubmedArticle>", b"")
    items = list(iter_pubmed(ROOT + unclosed + DELETE_CITATION + article(2) + END))
    assert [type(i).__name__ for i in items] == ["MalformedRecord", "DeletedCitations", "PubmedRecord"]
    assert (items[0].reason, items[1].pmids, items[2].pmid) == (
        "<PubmedArticle> is cut off: the next record starts inside it", (8, 9), 2)


def test_records_without_a_usable_pmid_are_reported():
    no_pmid = article(1).replace(b'<PMID Version="1">1</PMID>', b"")
    items = list(iter_pubmed(ROOT + no_pmid + article("abc") + article(0) + article(5) + END))
    assert [(getattr(i, "reason", None), i.pmid) for i in items] == [
        ("PubmedArticle has no PMID", None),
        ("PMID 'abc' is not a positive number", None),
        ("PMID '0' is not a positive number", None),
        (None, 5),
    ]


def test_unknown_elements_and_attributes_are_ignored():
    odd = article(1).replace(b"<Article>", b'<Article Foo="1"><Frobnicate x="y"><Deep/>text</Frobnicate>')
    odd = odd.replace(b"</PubmedData>", b"<FutureElement>2030</FutureElement></PubmedData>")
    (record,) = iter_pubmed(ROOT + odd + END)
    assert (record.pmid, record.title, record.doi) == (1, "Ketamine in CRPS", "10.1/1")


def test_empty_and_nonsense_fields_become_none_not_errors():
    record_xml = (
        b"<PubmedArticle><MedlineCitation><PMID>5</PMID><DateCompleted><Year>20x1</Year></DateCompleted>"
        b"<Article><Journal><ISSN/><JournalIssue><Volume/><PubDate><Year></Year><Month>Foo</Month>"
        b"</PubDate></JournalIssue><Title/></Journal><ArticleTitle/><Pagination><MedlinePgn/></Pagination>"
        b'<ELocationID EIdType="doi">not a doi</ELocationID><Abstract><AbstractText/></Abstract>'
        b"<AuthorList><Author/></AuthorList><Language/></Article><MeshHeadingList><MeshHeading/>"
        b"</MeshHeadingList></MedlineCitation><PubmedData><History><PubMedPubDate PubStatus=\"entrez\">"
        b"<Year>99999</Year></PubMedPubDate></History></PubmedData></PubmedArticle>"
    )
    (record,) = iter_pubmed(ROOT + record_xml + END)
    assert isinstance(record, PubmedRecord) and record.pmid == 5
    assert (record.title, record.abstract, record.journal_title, record.volume) == ("", "", None, None)
    assert (record.pages, record.start_page, record.doi, record.date_completed) == (None, None, None, None)
    assert record.pub_date.sortable is None and record.history == () and record.issns == ()
    assert record.authors[0].display_name == "" and record.languages == ()


def test_a_foreign_root_is_a_parse_error_not_records():
    try:
        list(iter_pubmed(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><eSearchResult/>"))
    except ParseError as error:
        assert str(error) == "not a PubmedArticleSet but <eSearchResult>"
    else:
        raise AssertionError("no ParseError")


# --- properties -------------------------------------------------------------------------------

XML_TEXT = st.text(st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff", min_codepoint=0x20,
) | st.sampled_from("\t\n "), max_size=80)


@settings(max_examples=150, deadline=None)
@given(title=XML_TEXT, affiliation=XML_TEXT)
def test_any_text_comes_back_cleaned_and_whole(title, affiliation):
    (record,) = iter_pubmed(ROOT + article(7, escape(title), escape(affiliation)) + END)
    assert record.title == " ".join(title.split())
    assert record.authors[0].affiliations == ((" ".join(affiliation.split()),) if affiliation.split() else ())


@settings(max_examples=60, deadline=None)
@given(text=st.binary(max_size=200))
def test_arbitrary_bytes_in_a_title_never_crash(text):
    items = list(iter_pubmed(ROOT + article(1) + article(2).replace(b"Ketamine", text) + article(3) + END))
    assert kinds(items)[0] == ("PubmedRecord", 1) and kinds(items)[-1] == ("PubmedRecord", 3)
    assert all(isinstance(i, (PubmedRecord, MalformedRecord)) for i in items)


BOOK_ARTICLE = (
    b'<PubmedBookArticle><BookDocument><PMID Version="1">77</PMID><Book><BookTitle>B</BookTitle></Book>'
    b"<ArticleTitle>Chapter</ArticleTitle></BookDocument><PubmedBookData/></PubmedBookArticle>\n"
)
RECORDS = [article(1, "Title 1"), DELETE_CITATION, article(2, "Title 2"), BOOK_ARTICLE, article(3, "Title 3")]
# what damage to the markup looks like: stray or partial tags of the set and of each kind of record
MARKUP = [
    b"<", b"&", b"\x00", b"<Unknown/>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?", b"?>",
    *(prefix + tag + end for prefix in (b"<", b"</") for end in (b">", b"")
      for tag in (b"PubmedArticleSet", b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation")),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, len(RECORDS) - 1),
    data=st.data(),
    inserted=st.binary(max_size=30) | st.lists(st.sampled_from(MARKUP), min_size=1, max_size=3).map(b"".join),
)
def test_damage_inside_one_record_leaves_the_others_intact(which, data, inserted):
    """Delete a byte range of one record and insert junk there: the other records come out
    exactly as they do undamaged, and nothing raises."""
    target = RECORDS[which]
    start = data.draw(st.integers(0, len(target)), label="start")
    stop = data.draw(st.integers(start, min(len(target), start + 40)), label="stop")
    damaged = [*RECORDS[:which], target[:start] + inserted + target[stop:], *RECORDS[which + 1:]]
    intact = [r for r in iter_pubmed(ROOT + b"".join(RECORDS) + END)]
    items = list(iter_pubmed(ROOT + b"".join(damaged) + END))
    assert all(isinstance(i, (PubmedRecord, DeletedCitations, MalformedRecord)) for i in items)
    for number, record in enumerate(intact):
        if number != which:
            assert record in items
