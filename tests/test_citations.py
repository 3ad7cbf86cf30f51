"""Parsing free-text citations: the six seeds verbatim, the common styles, and junk."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from littrack.match.citations import Citation, parse_citation

SIGTERMANS_TITLE = ("Ketamine produces effective and long-term pain relief in patients with "
                    "Complex Regional Pain Syndrome Type 1")
SIGTERMANS_AUTHORS = ("Sigtermans MJ", "van Hilten JJ", "Bauer MC", "Arbous MS", "Marinus J",
                      "Sarton EY", "Dahan A")


@pytest.fixture(scope="module")
def seed_lines(shared_dir) -> list[str]:
    """The numbered references at the end of the clinic's article, verbatim."""
    text = (shared_dir / "seed" / "crps-ketamine-article.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if re.match(r"\d\. ", line)]
    assert len(lines) == 6
    return lines


# what each seed must parse into: title start, authors, journal, year, volume, issue, pages
SEEDS = [
    ("The use of ketamine in complex regional pain syndrome: possible mechanisms",
     ("Schwartzman RJ", "Alexander GM", "Grothusen JR"), "Expert Rev Neurother", 2011, "11",
     "5", "719-34"),
    ("Efficacy of ketamine in anesthetic dosage for the treatment of refractory complex "
     "regional pain syndrome: an open-label phase II study",
     ("Kiefer RT", "Rohr P", "Ploppa A", "Dieterich HJ", "Grothusen J", "Koffler S",
      "Altemeyer KH", "Unertl K", "Schwartzman RJ"), "Pain Med", 2008, "9", "8", "1173-201"),
    ("Reduction of allodynia in patients with complex regional pain syndrome: A double-blind "
     "placebo-controlled trial of topical ketamine", ("Finch PM", "Knudsen L", "Drummond PD"),
     "Pain", 2009, "146", "1-2", "18-25"),
    (SIGTERMANS_TITLE, SIGTERMANS_AUTHORS, "Pain", 2009, "145", "3", "304-11"),
    ("Results of the Treatment of Chronic, Refractory CRPS with Ketamine Infusions: a "
     "Preliminary Report", ("Puchalski P", "Zyluk A"), "Handchir Mikrochir Plast Chir", 2016,
     "48", "3", "143-7"),
    ("Subanesthetic ketamine infusions for the treatment of children and adolescents with "
     "chronic pain: a longitudinal study",
     ("Sheehy KA", "Muller EA", "Lippold C", "Nouraie M", "Finkel JC", "Quezado ZM"),
     "BMC Pediatr", 2015, "15", None, "198"),
]


@pytest.mark.parametrize("number", range(1, 7))
def test_each_seed_citation_parses_into_all_its_fields(seed_lines, number):
    title, authors, journal, year, volume, issue, pages = SEEDS[number - 1]
    c = parse_citation(seed_lines[number - 1])
    assert (c.title, c.authors, c.journal, c.year, c.volume, c.issue, c.pages) == (
        title, authors, journal, year, volume, issue, pages)
    assert c.raw == seed_lines[number - 1]
    assert (c.doi, c.pmid, c.et_al) == (None, None, False)


# one paper, the styles reference lists write it in
STYLES = {
    "pubmed summary": "Sigtermans MJ, van Hilten JJ, Bauer MC, Arbous MS, Marinus J, Sarton EY, "
                      "Dahan A. " + SIGTERMANS_TITLE + ". Pain. 2009 Oct;145(3):304-11. doi: "
                      "10.1016/j.pain.2009.06.023. Epub 2009 Jul 14. PMID: 19604642.",
    "ama": "Sigtermans MJ, van Hilten JJ, Bauer MC, et al. " + SIGTERMANS_TITLE.lower().capitalize()
           + ". Pain. 2009;145(3):304-311. doi:10.1016/j.pain.2009.06.023",
    "apa": "Sigtermans, M. J., van Hilten, J. J., Bauer, M. C., Arbous, M. S., Marinus, J., "
           "Sarton, E. Y., & Dahan, A. (2009). " + SIGTERMANS_TITLE + ". Pain, 145(3), 304–311. "
           "https://doi.org/10.1016/j.pain.2009.06.023",
    "harvard": "Sigtermans, M.J. et al. (2009) '" + SIGTERMANS_TITLE + "', Pain, 145(3), "
               "pp. 304-311.",
    "harvard without brackets": "Sigtermans, M.J., van Hilten, J.J. and Dahan, A. 2009. "
                                + SIGTERMANS_TITLE + ". Pain 145(3): 304-311.",
    "ieee": 'M. J. Sigtermans et al., "' + SIGTERMANS_TITLE + '," Pain, vol. 145, no. 3, '
            "pp. 304-311, 2009.",
    "chicago": "Sigtermans, M. J. " + SIGTERMANS_TITLE + ". Pain 145, no. 3 (2009): 304-11.",
    "numbered, bracket": "[12] Sigtermans MJ, van Hilten JJ, Bauer MC, Arbous MS, Marinus J, "
                         "Sarton EY, Dahan A. " + SIGTERMANS_TITLE + ". Pain 2009;145:304-11.",
}


@pytest.mark.parametrize("style", STYLES)
def test_the_same_paper_in_every_style_gives_the_same_fields(style):
    c = parse_citation(STYLES[style])
    assert c.title.lower() == SIGTERMANS_TITLE.lower()
    assert c.authors[0] == "Sigtermans MJ"
    assert set(c.authors) <= set(SIGTERMANS_AUTHORS)
    assert (c.journal, c.year, c.volume) == ("Pain", 2009, "145")
    assert c.pages in ("304-11", "304-311")
    assert c.issue in ("3", None)


def test_identifiers_are_found_and_normalised():
    c = parse_citation(STYLES["pubmed summary"] + " PMCID: pmc2751234")
    assert (c.doi, c.pmid, c.pmcid) == ("10.1016/j.pain.2009.06.023", 19604642, "PMC2751234")
    assert parse_citation("Lancet. 2009;374(9686):304-11. doi:10.1016/S0140-6736(09)60946-5."
                          ).doi == "10.1016/s0140-6736(09)60946-5"


@pytest.mark.parametrize("text, authors, et_al", [
    ("O'Brien JT, d'Alessandro G, McDonald AB 3rd. Vitamin D and pain. Lancet. 2001;357:1-5.",
     ("O'Brien JT", "d'Alessandro G", "McDonald AB 3rd"), False),
    ("Bruserud, Ø., Arnes, K. (2023). Patients over 75 years. Tidsskr Nor Laegeforen, 143(5).",
     ("Bruserud Ø", "Arnes K"), False),
    ("A pulmonary imaging pipeline. Guo F, Parraga G, Canadian Respiratory Research Network. "
     "J Med Imaging (Bellingham). 2018;5(2):026002.",
     ("Guo F", "Parraga G", "Canadian Respiratory Research Network"), False),
    ("Smith AB, Jones C, et al. A title of some length. BMJ. 2020;368:m100.",
     ("Smith AB", "Jones C"), True),
])
def test_author_lists_in_their_many_shapes(text, authors, et_al):
    c = parse_citation(text)
    assert (c.authors, c.et_al) == (authors, et_al)


def test_dotted_journal_abbreviations_stay_whole():
    c = parse_citation("Smith J, Jones K. A study of things. J. Am. Chem. Soc. 2009, 131, "
                       "1234-1240.")
    assert (c.title, c.journal, c.year, c.volume, c.pages) == (
        "A study of things", "J. Am. Chem. Soc", 2009, "131", "1234-1240")


def test_a_quoted_word_inside_a_title_is_not_the_title():
    c = parse_citation('Garcia-Tabar I, Gorostiaga EM. A "Blood Relationship" Between Lactate '
                       "Measures. Front Physiol. 2018;9:1034.")
    assert c.title == 'A "Blood Relationship" Between Lactate Measures'
    assert (c.journal, c.volume, c.pages) == ("Front Physiol", "9", "1034")


def test_a_journal_with_a_place_in_brackets_is_kept_whole():
    c = parse_citation("Beran, M. J. (2024). Editorial. Journal of comparative psychology "
                       "(Washington, D.C. : 1983), 138(1), 1-4.")
    assert (c.title, c.journal) == (
        "Editorial", "Journal of comparative psychology (Washington, D.C. : 1983)")


def test_ahead_of_print_has_a_year_and_no_volume():
    c = parse_citation("Sigtermans MJ, Dahan A. Ketamine for pain relief in CRPS. Pain. "
                       "2009 Jul 14. [Epub ahead of print]")
    assert (c.title, c.journal, c.year, c.volume) == (
        "Ketamine for pain relief in CRPS", "Pain", 2009, None)


@pytest.mark.parametrize("junk", ["", "   ", "12345", "see above", "Ibid., p. 4.", "@@@ ### !!!",
                                  "((((", "2009;145(3):304-11"])
def test_junk_gives_a_citation_with_nothing_recognised(junk):
    c = parse_citation(junk)
    assert c.raw == junk
    assert c.authors == () and c.doi is None and c.pmid is None
    assert c.title is None or c.title.lower() in junk.lower()


# issue 10: the shapes that failed on unseen citations


@pytest.mark.parametrize("text, expected", [
    # short author-first form: surname et al., lower-cased title, journal and year only
    ("Blum et al. improving naltrexone compliance with kb220. J Syst Integr Neurosci 2020",
     ("improving naltrexone compliance with kb220", ("Blum",), "J Syst Integr Neurosci", 2020,
      None, None)),
    # e-only, PubMed's own "Cite" with an empty page slot
    ("Rossi A, Kumar P. Dental anxiety in adults. Dentistry (Sunnyvale). 2017 Aug; 7(8):.",
     ("Dental anxiety in adults", ("Rossi A", "Kumar P"), "Dentistry (Sunnyvale)", 2017, "7",
      None)),
    # Harvard with "pp. ." for an e-only paper, the names joined by "and"
    ("Browning, C.L. and The, T. and Mason, M.D. et al. (2014) 'Dental anxiety in adults', "
     "Dentistry, 7, pp. .", ("Dental anxiety in adults", ("Browning CL", "The T", "Mason MD"),
                             "Dentistry", 2014, "7", None)),
    # Chicago author-date: full names, the first inverted, no pages
    ('Blum, Kenneth, Lisa Lott, and David E Smith. 2020. "Improving Naltrexone Compliance." '
     "Journal of Systems and Integrative Neuroscience 7 (2).",
     ("Improving Naltrexone Compliance", ("Blum K", "Lott L", "Smith DE"),
      "Journal of Systems and Integrative Neuroscience", 2020, "7", None)),
    # a group as the only author, in APA
    ("Guideline Development Panel for the Treatment of Depressive Disorders (2022). Summary of "
     "the guideline. American Psychologist, 77(6), 770-780.",
     ("Summary of the guideline",
      ("Guideline Development Panel for the Treatment of Depressive Disorders",),
      "American Psychologist", 2022, "77", "770-780")),
])
def test_issue_10_shapes_parse_into_their_fields(text, expected):
    c = parse_citation(text)
    assert (c.title, c.authors, c.journal, c.year, c.volume, c.pages) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_error(text):
    assert isinstance(parse_citation(text), Citation)
