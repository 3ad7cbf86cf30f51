"""The stand-in's term matching (issue 2, part 2) over the real efetch samples."""

from __future__ import annotations

from datetime import date

import pytest

from littrack.pubmed import DateWindow
from littrack.pubmed.standin import Corpus, QueryError, parse_query
from littrack.pubmed.query import translate

MAY_2024_EDAT = {38713950, 38738473, 38747095, 38763967, 38799617, 38801034}


@pytest.fixture(scope="module")
def corpus(efetch_samples) -> Corpus:
    return Corpus.load(efetch_samples)


def found(corpus: Corpus, term: str) -> set[int]:
    return set(corpus.search(parse_query(term))[0])


def test_every_sample_is_indexed(corpus, efetch_samples):
    assert corpus.skipped == []
    assert len(corpus) >= len(efetch_samples)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # the seed-citation matcher's kind of query: author, journal, year
        ("Richter[au] AND Biochem J[ta] AND 2021[dp]", {34751700}),
        ("Richter EA[au] AND Biochem J[ta]", {34751700}),
        ("Richter E[au] AND 2021[dp]", {34751700}),  # initials are truncated, as in PubMed
        ("478[vi] AND 3827[pg]", {34751700}),
        ('"10.1042/BCJ20210185"[doi]', {34751700}),
        ("34751700[pmid]", {34751700}),
        # [ta] matches the whole journal name, not a word in it
        ("Science[ta]", {37883555, 39236155}),
        ("Sci Adv[ta] OR Science[ta]", {37883555, 39236155, 35108047, 37729413}),
        ("Science[ta] NOT 2024[dp]", {37883555}),
        ('"2024/05/01"[edat] : "2024/05/31"[edat]', MAY_2024_EDAT),
        ("2024/05/01:2024/05/31[edat]", MAY_2024_EDAT),
        ("2024/05[edat]", MAY_2024_EDAT),
    ],
)
def test_fielded_terms_find_exactly_their_records(corpus, term, expected):
    assert found(corpus, term) == expected


def test_untagged_words_are_anded_and_tagged_words_form_a_phrase(corpus):
    happiness = found(corpus, "genes happiness")
    assert 24349601 in happiness
    assert found(corpus, '"genes economics and happiness"[ti]') == {24349601}
    assert found(corpus, '"happiness genes"[ti]') == set()


def test_trailing_star_is_a_prefix_of_the_last_word(corpus):
    assert 24349601 in found(corpus, "happi*[ti]")
    assert found(corpus, "happi[ti]") == set()


def test_operators_apply_left_to_right_without_precedence(corpus):
    left_to_right = found(corpus, "Science[ta] OR Sci Adv[ta] AND 2023[dp]")
    assert left_to_right == found(corpus, "(Science[ta] OR Sci Adv[ta]) AND 2023[dp]")
    assert left_to_right != found(corpus, "Science[ta] OR (Sci Adv[ta] AND 2023[dp])")


def test_a_term_matching_nothing_is_reported_as_phrase_not_found(corpus):
    ids, not_found = corpus.search(parse_query("Science[ta] OR abcxyz"))
    assert set(ids) == {37883555, 39236155}
    assert not_found == ["abcxyz"]


def test_translation_reads_like_pubmeds():
    node = parse_query('Sigtermans MJ[au] AND "2009/01/01"[dp] : "2009/12/31"[dp]')
    assert translate(node) == '"sigtermans mj"[Author] AND 2009/01/01:2009/12/31[Date - Publication]'
    assert parse_query("2009/02[dp]") == DateWindow("pdat", date(2009, 2, 1), date(2009, 2, 28))


@pytest.mark.parametrize(
    ("term", "reason"),
    [
        ("(ketamine OR esketamine", "unbalanced parentheses"),
        ("ketamine[xyz]", "unknown field tag [xyz]"),
        ("ketamine AND", "AND without a term after it"),
        ("2009/13[dp]", "bad date '2009/13'"),
        ("ketamine : crps[ti]", "a range needs a date field tag"),
        ("2021:2020[dp]", "date window starts after it ends"),
    ],
)
def test_unreadable_terms_say_why(term, reason):
    with pytest.raises(QueryError, match=reason.replace("[", r"\[").replace("(", r"\(")):
        parse_query(term)
