"""Citation -> PMID matching against a real warehouse holding the shared PubMed samples.

The test set is written here from the sample records in five styles (Vancouver, AMA, APA,
Harvard, title-first) with the noise real reference lists have: full or abbreviated journal,
short or full page ranges, missing issue, "et al.", a dropped subtitle, lower-case titles, a
typo in the title, the print year of an e-published paper.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from littrack.match.citation_match import Paper, match_citation
from littrack.match.citations import parse_citation
from littrack.match.lookup import match_in_warehouse
from littrack.parse import PublicationType, PubmedRecord, iter_pubmed
from littrack.warehouse import Warehouse

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
STYLES = ("vancouver", "ama", "apa", "harvard", "title_first")
HELD_OUT = 8  # sample records kept out of the warehouse: their citations must not match
ERRATUM_PMID_BASE = 99_000_000


@pytest.fixture(scope="module")
def sample_records(efetch_samples) -> list[PubmedRecord]:
    records = {}
    for path in efetch_samples:
        for item in iter_pubmed(path):
            if isinstance(item, PubmedRecord):
                records[item.pmid] = item
    return [records[pmid] for pmid in sorted(records)]


@pytest.fixture(scope="module")
def split(sample_records):
    """(records in the warehouse, records held out)."""
    rng = random.Random(7)
    held = set(rng.sample([r.pmid for r in sample_records], HELD_OUT))
    return ([r for r in sample_records if r.pmid not in held],
            [r for r in sample_records if r.pmid in held])


def erratum_of(record: PubmedRecord, number: int) -> PubmedRecord:
    """A published-erratum notice about `record`, as PubMed lists them: same journal, the
    paper's title after "Erratum:", a page of its own."""
    return replace(record, pmid=ERRATUM_PMID_BASE + number, title=f"Erratum: {record.title}",
                   abstract="", pages=f"E{number}", start_page=None, end_page=None, doi=None,
                   publication_types=(PublicationType("Published Erratum"),))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, split) -> Warehouse:
    """The kept records, plus an erratum notice for every tenth of them."""
    kept, _ = split
    errata = [erratum_of(r, i) for i, r in enumerate(kept) if i % 10 == 0]
    wh = Warehouse(tmp_path_factory.mktemp("matching") / "littrack.duckdb")
    with wh.write() as db:
        db.load_standalone([*kept, *errata])
    return wh


# ---------------------------------------------------------------------------------------------
# writing citations


def _title(record: PubmedRecord, rng: random.Random) -> str:
    title = record.title.rstrip(".")
    head, sep, _ = title.partition(": ")
    if sep and len(head.split()) >= 5 and rng.random() < 0.3:
        title = head  # dropped subtitle
    if rng.random() < 0.2:
        title = title[0] + title[1:].lower()
    if rng.random() < 0.1:  # a typo: two letters swapped in the longest word
        word = max(title.split(), key=len)
        if len(word) > 5:
            title = title.replace(word, word[:2] + word[3] + word[2] + word[4:], 1)
    return title


def _nlm_authors(record: PubmedRecord, keep: int) -> str:
    names = [a.display_name for a in record.authors]
    if len(names) > keep:
        return ", ".join(names[:keep]) + ", et al"
    if len(names) == 2 and keep > 6:
        return " and ".join(names)
    return ", ".join(names)


def _dotted(author) -> str:
    if author.collective_name:
        return author.collective_name
    initials = " ".join(f"{c}." for c in (author.initials or ""))
    return f"{author.last_name}, {initials}".strip(", ")


def _apa_authors(record: PubmedRecord) -> str:
    names = [_dotted(a) for a in record.authors][:20]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _issue(record: PubmedRecord, rng: random.Random) -> str:
    return f"({record.issue})" if record.issue and rng.random() < 0.85 else ""


def _pages(record: PubmedRecord, full: bool) -> str:
    if not record.pages:
        return ""
    if full and record.end_page and record.start_page:
        return f"{record.start_page}-{record.end_page}"
    return record.pages


def _month(record: PubmedRecord) -> str:
    month = record.pub_date.month
    return f" {MONTHS[month - 1]}" if month else ""


def _source(record: PubmedRecord, rng: random.Random, full_pages: bool) -> str:
    """NLM source: "2009 Oct;145(3):304-11"."""
    year = record.pub_year + (1 if rng.random() < 0.05 else 0)  # the print year of an e-pub
    text = f"{year}{_month(record) if rng.random() < 0.6 else ''}"
    if record.volume:
        text += f";{record.volume}{_issue(record, rng)}"
    pages = _pages(record, full_pages)
    return text + (f":{pages}" if pages else "")


def write_citation(record: PubmedRecord, style: str, rng: random.Random) -> str:
    title = _title(record, rng)
    full = record.journal_title or record.journal_iso
    iso = record.journal_iso if record.journal_iso and rng.random() < 0.9 else full
    doi = f" doi:{record.doi}" if record.doi and rng.random() < 0.3 else ""
    if style == "vancouver":
        authors = _nlm_authors(record, 6)
        return f"{authors}. {title}. {iso}. {_source(record, rng, False)}.{doi}".lstrip(". ")
    if style == "ama":
        authors = _nlm_authors(record, 3 if len(record.authors) > 6 else 6)
        return f"{authors}. {title}. {iso}. {_source(record, rng, True)}.{doi}".lstrip(". ")
    if style == "title_first":
        authors = _nlm_authors(record, 10)
        source = _source(record, rng, False).replace(";", "; ", 1)
        return f"{title}. {authors}. {iso}. {source}.".replace(". . ", ". ")
    volume = f", {record.volume}{_issue(record, rng)}" if record.volume else ""
    pages = _pages(record, True)
    if style == "apa":
        pages = f", {pages}" if pages else ""
        link = f" https://doi.org/{record.doi}" if record.doi and rng.random() < 0.5 else ""
        return f"{_apa_authors(record)} ({record.pub_year}). {title}. {full}{volume}{pages}.{link}"
    if style == "harvard":
        first = _dotted(record.authors[0]).replace(". ", ".") if record.authors else ""
        authors = f"{first} et al." if len(record.authors) > 3 else first
        pages = f", pp. {pages}" if pages else ""
        return f"{authors} ({record.pub_year}) '{title}', {full}{volume}{pages}."
    raise ValueError(style)


def citation_set(records: list[PubmedRecord], seed: int) -> list[tuple[int, str, str]]:
    """(pmid, style, citation) for every record in every style."""
    rng = random.Random(seed)
    return [(r.pmid, style, write_citation(r, style, rng)) for r in records for style in STYLES]


# ---------------------------------------------------------------------------------------------


def test_a_test_set_in_five_styles_resolves_to_the_right_pmids(warehouse, split):
    kept, _ = split
    cases = citation_set(kept, seed=11)
    assert len(cases) >= 100
    right, wrong, unresolved = [], [], []
    with warehouse.read() as con:
        for pmid, style, text in cases:
            result = match_in_warehouse(con, parse_citation(text))
            if result.status == "matched":
                (right if result.pmid == pmid else wrong).append((style, text, result))
            else:
                unresolved.append((style, text, result.status, result.reason))
    rate = len(right) / len(cases)
    print(f"\ncitations {len(cases)}: right {len(right)} ({rate:.1%}), wrong matched "
          f"{len(wrong)}, unresolved {len(unresolved)}")
    for style, text, status, reason in unresolved:
        print(f"  {status} [{style}] {reason}: {text[:110]}")
    assert not wrong, [(s, t, r.pmid, r.reason) for s, t, r in wrong]
    assert rate >= 0.98


def test_citations_of_papers_not_in_the_warehouse_never_match(warehouse, split):
    _, held_out = split
    cases = citation_set(held_out, seed=12)
    with warehouse.read() as con:
        statuses = [match_in_warehouse(con, parse_citation(text)).status for _, _, text in cases]
    print(f"\nheld-out citations {len(cases)}: {statuses.count('not_found')} not_found, "
          f"{statuses.count('ambiguous')} ambiguous, {statuses.count('matched')} matched")
    assert "matched" not in statuses


def test_an_erratum_alone_is_ambiguous_never_matched(split):
    kept, _ = split
    paper = next(r for r in kept if r.authors and r.volume and r.pages and len(r.title) > 40)
    notice = Paper.from_record(erratum_of(paper, 1))
    citation = parse_citation(write_citation(paper, "vancouver", random.Random(1)))

    alone = match_citation(citation, [notice])
    with_original = match_citation(citation, [notice, Paper.from_record(paper)])

    assert (alone.status, alone.pmid) == ("ambiguous", notice.pmid)
    assert "notice" in alone.reason
    assert (with_original.status, with_original.pmid) == ("matched", paper.pmid)


def test_two_records_of_the_same_paper_make_a_citation_ambiguous(split):
    kept, _ = split
    paper = next(r for r in kept if r.authors and r.volume and r.pages and len(r.title) > 40)
    twin = replace(paper, pmid=paper.pmid + 1)
    citation = parse_citation(write_citation(paper, "ama", random.Random(2)))

    result = match_citation(citation, [Paper.from_record(paper), Paper.from_record(twin)])

    assert result.status == "ambiguous"
    assert set(result.alternatives) | {result.pmid} == {paper.pmid, twin.pmid}


def test_same_title_other_year_and_pages_is_not_matched(split):
    kept, _ = split
    paper = next(r for r in kept if r.authors and r.volume and r.pages and len(r.title) > 40)
    citation = parse_citation(write_citation(paper, "vancouver", random.Random(3)))
    later = replace(paper, pmid=1, volume=str(int(paper.volume) + 5), pages="1-9",
                    pub_date=replace(paper.pub_date, year=paper.pub_year + 6))

    result = match_citation(citation, [Paper.from_record(later)])

    assert result.status == "ambiguous"
    assert "conflicting" in result.reason


def test_evidence_names_each_compared_field(warehouse, split):
    kept, _ = split
    paper = next(r for r in kept if r.authors and r.volume and r.pages and r.doi)
    text = write_citation(paper, "vancouver", random.Random(4)) + f" doi:{paper.doi}"
    with warehouse.read() as con:
        result = match_in_warehouse(con, parse_citation(text))
    assert result.status == "matched"
    assert {"doi", "title", "first_author", "journal", "year", "volume", "pages"} <= set(
        result.evidence)
    assert result.evidence["doi"]["verdict"] == "agree"
    assert 0.9 <= result.score <= 1.0


def test_a_line_of_junk_is_not_found(warehouse):
    with warehouse.read() as con:
        results = [match_in_warehouse(con, parse_citation(t))
                   for t in ("", "see above", "12345", "Ibid., p. 4.", "@@@ ### !!!")]
    assert [r.status for r in results] == ["not_found"] * 5
