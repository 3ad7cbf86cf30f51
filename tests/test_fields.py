"""Issue 5: field helpers shared by citation matching and dedup."""

from __future__ import annotations

import pytest

from littrack.match.fields import (
    AuthorName,
    author_overlap,
    journals_match,
    normalize_title,
    notice_kind,
    notice_subject,
    page_range,
    pages_agree,
    parse_authors,
    parse_nlm_names,
    parse_year,
    title_numbers,
    title_similarity,
)
from littrack.match.title_rules import is_generic_title, title_language


@pytest.mark.parametrize("raw, expected", [
    ("[Fibrin glue <i>pleurodesis</i>. A study].", "fibrin glue pleurodesis a study"),
    ("HPV testing: a review. [Review] [33 refs]", "hpv testing a review"),
    ("Risk of precancer.[Erratum appears in Cancer 2006]", "risk of precancer"),
    ("Métastases pulmonaires &amp; plèvre (Structured abstract)", "metastases pulmonaires plevre"),
    ("RETRACTED: Ketamine in CRPS", "ketamine in crps"),
    ("UNKNOWN", ""),
    # issue 10: a translated title followed by labels ("16 refs" is no number of the title)
    ("[Ketamine in CRPS: a cohort]. [Review] [16 refs] [Romanian]", "ketamine in crps a cohort"),
])
def test_normalize_title(raw, expected):
    assert normalize_title(raw) == expected


def test_title_similarity_and_numbers():
    assert title_similarity("ketamine in crps", "ketamine in crps") == 1.0
    assert title_similarity("", "ketamine") == 0.0
    assert title_numbers("a phase i trial of part ii") == {1, 2}
    assert title_numbers("part 2") == title_numbers("part ii")
    assert title_numbers("among 10 000 women") == {10000}
    assert title_numbers("do i need versus v") == set()


@pytest.mark.parametrize("raw, expected", [
    ("Zuna, R E and Wang, S S", (AuthorName("zuna", "re"), AuthorName("wang", "ss"))),
    ("Zuna RE, Wang SS", (AuthorName("zuna", "re"), AuthorName("wang", "ss"))),
    (("Sigtermans MJ", "van Hilten JJ"), (AuthorName("sigtermans", "mj"), AuthorName("hilten", "jj"))),
    ("Stahl, Bernd-Carsten and Smith, J. W., 2nd", (AuthorName("stahl", "bc"), AuthorName("smith", "jw"))),
    ("John A. Smith", (AuthorName("smith", "ja"),)),
    ("UNKNOWN", ()),
])
def test_parse_authors(raw, expected):
    assert parse_authors(raw) == expected


def test_author_overlap_tolerates_export_noise():
    clean = parse_authors("Zhao, C and Austin, R M and van der Graaf, Y")
    noisy = parse_authors("Zhao, C and Austin, M and Van Graaf, Y D")
    assert author_overlap(clean, noisy) == 1.0
    assert author_overlap(clean, parse_authors("Smith, J and Jones, K")) == 0.0
    assert author_overlap(clean, parse_authors("ALTS Study Group")) is None


@pytest.mark.parametrize("a, b, expected", [
    ("Expert Rev Neurother", "Expert review of neurotherapeutics", True),
    ("Am J Respir Crit Care Med", "American Journal of Respiratory and Critical Care Medicine", True),
    ("JPEN. Journal of parenteral and enteral nutrition", "Jpen: Journal of Parenteral & Enteral Nutrition", True),
    ("Ai zheng = Aizheng = Chinese journal of cancer", "Chinese Journal of Cancer", True),
    ("Lung cancer (Amsterdam, Netherlands)", "Lung Cancer", True),
    ("PLoS ONE [Electronic Resource]", "PLoS ONE", True),
    ("Amcis 2017 Proceedings", "Americas Conference on Information Systems", True),
    ("Cancer", "Cancer Research", False),
    ("ACP Journal Club", "Annals of Internal Medicine", False),
    ("Cancer", None, None),
])
def test_journals_match(a, b, expected):
    assert journals_match(a, b) is expected


def test_pages():
    assert page_range("304-11") == page_range("304--311")
    assert page_range("Suppl-29") is None and page_range("12-May") is None
    assert pages_agree(page_range("S358"), page_range("358")) is True
    assert pages_agree(page_range("1-6"), page_range("e12724")) is None  # article number
    assert pages_agree(page_range("487-488"), page_range("488")) is None  # overlapping
    assert pages_agree(page_range("125-128"), page_range("2-8")) is False
    assert pages_agree(None, page_range("2-8")) is None
    assert parse_year("2006 Mar") == 2006 and parse_year("UNKNOWN") is None


@pytest.mark.parametrize("title, types, kind", [
    ("Erratum: Ketamine in CRPS", (), "erratum"),
    ("Correction to: Ketamine in CRPS", (), "erratum"),
    ("Correction of hypoxaemia with ketamine", (), None),
    ("Retraction notice to: Ketamine in CRPS", (), "retraction"),
    ("Expression of concern: Ketamine in CRPS", (), "expression-of-concern"),
    ("Re: Ketamine in CRPS", (), "comment"),
    ("Response of tumours to ketamine", (), None),
    ("Ketamine in CRPS", ("Published Erratum",), "erratum"),
    ("Ketamine in CRPS.[Erratum appears in Pain 2010]", (), None),
])
def test_notice_kind(title, types, kind):
    assert notice_kind(title, types) == kind


def test_notice_subject():
    assert notice_subject("Erratum to: Ketamine in CRPS") == "Ketamine in CRPS"
    assert notice_subject("Comment on: Ketamine in CRPS") == "Ketamine in CRPS"


# issue 10


@pytest.mark.parametrize("a, b, agree", [
    ("372-380", "382-390", None),  # one digit mistyped: unknown, not a conflict
    ("372-380", "382-380", True),  # the same range, its first page mistyped
    ("372-380", "327-335", None),  # two digits swapped
    ("372-380", "472-480", None),
    ("372-380", "412-420", False),  # two digits apart: other pages
    ("c37-c42", "37-42", True),
    ("37\u201342", "37-42", True),  # an en dash, as APA writes ranges
    ("pp. 37-42", "37-42", True),
])
def test_pages_with_a_one_digit_typo_are_not_a_conflict(a, b, agree):
    assert pages_agree(page_range(a), page_range(b)) is agree


def test_generic_titles_are_made_of_editorial_words():
    assert all(is_generic_title(normalize_title(t)) for t in (
        "Editor's Comments", "Reply.", "Introduction to this issue", "Book reviews"))
    assert not any(is_generic_title(normalize_title(t)) for t in (
        "Marine heatwaves", "Empyema thoracis", "Ketamine for CRPS: a reply to critics"))


def test_title_language_tells_a_translation():
    assert title_language("utilidad de los antimicrobianos en la toracostomia") == "es"
    assert title_language("are antimicrobials useful in the closed thoracostomy") == "en"
    assert title_language("ketamine crps") is None


def test_nlm_names_without_initials_are_surnames():
    assert parse_nlm_names(["Cabrera Garcia", "van Hilten JJ", "ALTS Group"]) == (
        AuthorName("cabreragarcia"), AuthorName("hilten", "jj"),
        AuthorName("altsgroup", collective=True))
