"""Issue 10: each shape the dedup engine got wrong on labelled sets it had never seen, with own
(synthetic) examples — the false merges it must now refuse and the duplicates it must now find."""

from __future__ import annotations

from dataclasses import replace

import pytest

from littrack.match.dedupe import BibRecord, dedupe
from littrack.match.title_rules import titles_disagree

PAPER = BibRecord(
    id="a", title="Regional anaesthesia for hip fracture surgery: a multicentre randomised trial",
    year=2019, authors="Okonkwo, C. A. and Lindqvist, M. and Petrov, I. S.",
    journal="Anaesthesia", volume="74", issue="3", pages="372-380", entry_type="article")


def _groups(records) -> list[tuple[str, ...]]:
    return sorted(c.member_ids for c in dedupe(records))


@pytest.mark.parametrize("shape, copy", [
    ("separators and case", {
        "title": "REGIONAL ANAESTHESIA FOR HIP FRACTURE SURGERY - A MULTICENTRE RANDOMISED TRIAL"}),
    ("bracketed translated title with trailing labels", {
        "title": "[Regional anaesthesia for hip fracture surgery: a multicentre randomised "
                 "trial]. [Review] [16 refs] [Romanian]"}),
    ("trailing database labels", {
        "title": PAPER.title + " [Review] [42 refs]"}),
    ("full first names for initials", {
        "authors": "Okonkwo, Chidi A. and Lindqvist, Maria and Petrov, Ivan S."}),
    ("NLM names", {"authors": "Okonkwo CA, Lindqvist M, Petrov IS"}),
    ("conference copy without journal or volume", {
        "journal": None, "volume": None, "issue": None, "entry_type": None}),
    ("journal with a subtitle", {
        "journal": "Anaesthesia : journal of the Association of Anaesthetists"}),
    ("romanised journal name, spaced and joined", {
        "journal": "Zhonghua waike zazhi [Chinese Journal of Surgery]"}),
    ("page format c37-c42", {"pages": "c372-c380"}),
    ("one digit typo in the first page", {"pages": "382-390"}),
    ("two digits swapped in the first page", {"pages": "327-380"}),
    ("year off by one, same volume and pages", {"year": 2020}),
])
def test_the_same_paper_exported_differently_is_one_cluster(shape, copy):
    assert _groups([PAPER, replace(PAPER, id="b", **copy)]) == [("a", "b")], shape


def test_a_romanised_and_an_english_journal_name_are_one_journal():
    romanised = replace(PAPER, journal="Zhonghua Wai Ke Za Zhi")
    assert _groups([romanised, replace(romanised, id="b", journal="Chinese journal of surgery",
                                       authors="Okonkwo C, Lindqvist M")]) == [("a", "b")]


def test_two_titles_of_one_author_in_adjacent_issues_with_the_same_pages_stay_apart():
    first = replace(PAPER, title="Spinal versus general anaesthesia for hip fracture: a cohort")
    second = replace(PAPER, id="b", issue="4",
                     title="Peripheral nerve blocks for older patients undergoing hip repair")
    assert _groups([first, second]) == [("a",), ("b",)]


def test_a_close_title_with_one_word_replaced_is_another_paper():
    """Sponsor trial registrations: collective author, no journal, one population each."""
    adult = BibRecord(id="r1", title="A Study of LT-4471 in Adult Participants With Asthma",
                      year=2020, authors="Sponsor Pharmaceuticals Inc.", journal=None)
    child = replace(adult, id="r2", title=adult.title.replace("Adult", "Pediatric"))
    assert _groups([adult, child]) == [("r1",), ("r2",)]
    # a misspelling or a joined word is no other paper
    assert titles_disagree("persistent hpv16 infections in women",
                             "persistent hpv 16 infections in women", 0.97) is None
    assert titles_disagree("randomised trial of ketamine in adults",
                             "randomized trial of ketamine in adults", 0.97) is None


@pytest.mark.parametrize("title, pages", [("Editor's Comments", "iii-v"), ("Reply", None),
                                          ("Editorial", "1-2")])
def test_a_generic_title_in_four_issues_is_four_records(title, pages):
    column = BibRecord(id="i1", title=title, year=2018, authors="Rai, A.",
                       journal="MIS Quarterly", volume="42", issue="1", pages=pages)
    issues = [replace(column, id=f"i{n}", issue=str(n)) for n in range(1, 5)]
    assert _groups(issues) == [(f"i{n}",) for n in range(1, 5)]


def test_a_generic_title_merges_when_issue_and_pages_agree():
    reply = BibRecord(id="x", title="Reply", year=2018, authors="Smith, J.",
                      journal="Anesthesiology", volume="128", issue="2", pages="410-1")
    assert _groups([reply, replace(reply, id="y", title="REPLY.", pages="410-411")]) == [
        ("x", "y")]


def test_a_long_title_recurring_in_issues_of_one_journal_needs_issue_and_pages():
    column = BibRecord(id="h1", title="Highlights from the current issue of the journal",
                       year=2021, authors="", journal="Pain Med", volume="22", issue="1")
    records = [replace(column, id=f"h{n}", issue=str(n)) for n in range(1, 4)]
    assert _groups(records) == [("h1",), ("h2",), ("h3",)]


def test_an_issue_column_that_never_repeats_is_a_record_number_and_ignored():
    """An export's "number" holding accession numbers: both copies of a paper carry their own."""
    others = [BibRecord(id=f"o{n}", title=f"Unrelated study number {n} of lung function",
                        year=2000, authors="Doe, J.", journal="Thorax", issue=str(1000 + n))
              for n in range(60)]
    a = replace(PAPER, title="Reply", issue="5001")
    b = replace(a, id="b", issue="5002")
    clusters = _groups([a, b, *others])
    assert ("a", "b") not in clusters  # a generic title still needs a real issue to merge
    assert ("a",) in clusters and ("b",) in clusters


def test_different_titles_in_different_languages_with_all_locators_are_one_paper():
    english = replace(PAPER, title="Are antimicrobials useful in closed thoracostomy for trauma?",
                      issue=None)
    spanish = replace(english, id="b", title="Utilidad de los antimicrobianos en la "
                                             "toracostomia cerrada por trauma")
    assert _groups([english, spanish]) == [("a", "b")]
