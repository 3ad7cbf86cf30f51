"""Issue 5: the dedup engine's rules, its CSV command and its warehouse refresh."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from importlib.resources import files

import duckdb
import pytest
from typer.testing import CliRunner

from littrack.cli import (
    app,
    dedupe_cmd,  # noqa: F401  (registers the command)
)
from littrack.match.blocking import MAX_BLOCK, candidate_pairs
from littrack.match.dedupe import BibRecord, Link, dedupe, dedupe_with_links, profile, related
from littrack.match.dedupe_csv import DedupeInputError, dedupe_csv
from littrack.match.dedupe_store import refresh_clusters

PAPER = BibRecord(
    id="a", title="Ketamine infusion for complex regional pain syndrome: a randomised trial",
    year=2009, authors="Sigtermans, M J and van Hilten, J J and Bauer, M C", journal="Pain",
    volume="145", issue="3", pages="304-311")


def _clusters(*records):
    return sorted(c.member_ids for c in dedupe(records))


def test_same_paper_from_two_exports_is_one_cluster_with_its_reason():
    other = replace(PAPER, id="b", title=PAPER.title.upper() + ".", authors="Sigtermans MJ, van Hilten JJ",
                    pages="304-11", journal="Pain")
    [cluster] = dedupe([PAPER, other])
    assert cluster.member_ids == ("a", "b") and cluster.id == "a"
    assert cluster.reason.startswith("title 1.00 + authors + year")


def test_same_doi_merges_and_different_dois_never_do():
    with_doi = replace(PAPER, doi="10.1016/j.pain.2009.06.023")
    same = replace(PAPER, id="b", title="Ketamine infusion for complex regional pain syndrome",
                   authors="", pages=None, doi="https://doi.org/10.1016/J.PAIN.2009.06.023")
    other = replace(PAPER, id="c", doi="10.1016/j.pain.2010.01.001")
    clusters = dedupe([with_doi, same, other])
    assert [c.member_ids for c in clusters] == [("a", "b"), ("c",)]
    assert clusters[0].reason == "same DOI"


@pytest.mark.parametrize("change", [
    {"title": "Erratum: " + PAPER.title},  # a notice is linked, never merged
    {"publication_types": ("Retraction of Publication",)},
    {"title": PAPER.title + ": part 2"},  # truncation-like, but another part
    {"year": 2011},  # years more than one apart
    {"pages": "412-420"},  # same journal and volume, other pages
    {"volume": "146"},
    {"entry_type": "inproceedings"},  # conference abstract vs article
    {"journal": "medRxiv"},  # preprint vs published
    {"authors": "Smith, J and Jones, K and Brown, L"},
])
def test_guards_keep_records_apart(change):
    assert _clusters(PAPER, replace(PAPER, id="b", **change)) == [("a",), ("b",)]


def test_phase_and_part_numbers_are_never_merged():
    one = replace(PAPER, title="A phase I trial of ketamine in complex regional pain syndrome", pages=None)
    two = replace(one, id="b", title="A phase II trial of ketamine in complex regional pain syndrome")
    assert _clusters(one, two) == [("a",), ("b",)]


def test_notices_and_versions_become_links():
    erratum = replace(PAPER, id="e", title="Erratum to: " + PAPER.title, pages="412")
    abstract = replace(PAPER, id="m", entry_type="inproceedings", pages=None)
    preprint = replace(PAPER, id="p", journal="medRxiv", volume=None, pages=None, year=2008)
    links = related([PAPER, erratum, abstract, preprint])
    assert links == [Link("e", "a", "erratum-of"), Link("m", "a", "conference-abstract-of"),
                     Link("p", "a", "preprint-of")]


def test_a_chain_of_near_matches_does_not_join_incompatible_records():
    # b matches a (no pages) and c (no pages); a and c have different pages: never one cluster
    b = replace(PAPER, id="b", pages=None)
    c = replace(PAPER, id="c", pages="900-910")
    clusters = _clusters(PAPER, b, c)
    assert ("a", "b", "c") not in clusters and len(clusters) == 2


def test_translated_title_with_identical_locators_is_a_duplicate():
    translated = replace(PAPER, id="b", title="[Ketamin-Infusion beim komplexen regionalen Schmerzsyndrom]")
    assert _clusters(PAPER, translated) == [("a", "b")]


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


HEADER = ["ID", "title", "year", "author", "pages", "volume", "number", "journal", "extra"]


def test_cli_writes_a_cluster_for_every_row(tmp_path):
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(source, HEADER, [
        ["1", PAPER.title, "2009", "Sigtermans, M J and van Hilten, J J", "304-11", "145", "3", "Pain", "x"],
        ["2", PAPER.title + ".", "2009", "Sigtermans, M. J. and van Hilten, J. J.", "304--311", "145", "UNKNOWN", "PAIN", ""],
        ["3", "Another paper entirely about something else", "UNKNOWN", "UNKNOWN", "", "", "", "", ""],
    ])
    result = CliRunner().invoke(app, ["dedupe", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    with open(output, newline="") as handle:
        assert list(csv.reader(handle)) == [["ID", "cluster_id"], ["1", "1"], ["2", "1"], ["3", "3"]]


@pytest.mark.parametrize("header, message", [
    (["ID", "year"], "missing column(s) title"),
    (["title"], "missing column(s) ID"),
])
def test_csv_without_required_columns_is_a_clear_error(tmp_path, header, message):
    source = tmp_path / "in.csv"
    _write_csv(source, header, [["1"] * len(header)])
    with pytest.raises(DedupeInputError) as info:
        dedupe_csv(source, tmp_path / "out.csv")
    assert str(info.value) == f"{source}: {message}"


def test_unreadable_csv_is_a_clear_error(tmp_path):
    with pytest.raises(DedupeInputError, match="cannot read"):
        dedupe_csv(tmp_path / "missing.csv", tmp_path / "out.csv")


def _dedup_block_of_migration() -> str:
    """The dedup tables as 002 creates them, with what 007 adds (per-field evidence) and 008
    (what the last refresh saw, blocking keys, cluster id history)."""
    migrations = files("littrack.warehouse").joinpath("migrations")
    sql = migrations.joinpath("002_matching.sql").read_text()
    block = sql.split("-- ---- BEGIN dedup")[1].split("-- ---- END dedup")[0].split("\n", 1)[1]
    return block + "".join(migrations.joinpath(name).read_text()
                           for name in ("007_matching.sql", "008_incremental.sql"))


def test_refresh_clusters_stores_clusters_and_links(tmp_path):
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    # `papers` and `known_citations` with the columns the warehouse contract gives them
    con.execute("""CREATE TABLE papers (pmid BIGINT, title VARCHAR, pub_year INTEGER,
        authors VARCHAR[], journal_iso VARCHAR, journal VARCHAR, volume VARCHAR, issue VARCHAR,
        pages VARCHAR, doi VARCHAR, pmcid VARCHAR, publication_types VARCHAR[], record_json JSON)""")
    con.execute("""CREATE TABLE known_citations (id BIGINT, source VARCHAR, title VARCHAR,
        authors VARCHAR[], journal VARCHAR, pub_year INTEGER, volume VARCHAR, issue VARCHAR,
        pages VARCHAR, doi VARCHAR, pmid BIGINT, pmcid VARCHAR, retired_at TIMESTAMPTZ)""")
    con.execute(_dedup_block_of_migration())
    con.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (1, PAPER.title, 2009, ["Sigtermans MJ", "van Hilten JJ"], "Pain", "Pain", "145", "3",
         "304-11", None, None, ["Journal Article"], "{}"),
        (2, "Erratum: " + PAPER.title, 2009, [], "Pain", "Pain", "146", "1", "200", None, None,
         ["Published Erratum"],
         '{"comments_corrections": [{"ref_type": "ErratumFor", "pmid": 1}, {"ref_type": "CommentOn", "pmid": 99}]}'),
    ])
    con.execute("INSERT INTO known_citations VALUES (7, 'seed', ?, ['Sigtermans MJ'], 'Pain', "
                "2009, '145', '3', '304-311', NULL, NULL, NULL, NULL)", [PAPER.title])
    # dedup reads the papers from `records`, with each current record's content hash and the
    # run that last changed it (for incremental dedup)
    con.execute("CREATE TABLE records AS SELECT *, md5(title) AS content_hash, false AS deleted,"
                " 1 AS last_run_id FROM papers")
    con.execute("DROP TABLE papers")
    summary = refresh_clusters(con, run_id=5)
    assert (summary.records, summary.clusters, summary.links) == (3, 2, 2)
    rows = con.execute("SELECT cluster_id, member_key, source, run_id FROM dedup_clusters "
                       "ORDER BY member_key").fetchall()
    assert rows == [("pmid:1", "known:7", "seed", 5), ("pmid:1", "pmid:1", "pubmed", 5),
                    ("pmid:2", "pmid:2", "pubmed", 5)]
    # the engine's link from the title, and PubMed's own (CommentOn 99: not stored, no link)
    assert con.execute("SELECT * FROM record_links ORDER BY kind").fetchall() == [
        ("pmid:2", "pmid:1", "erratum-of"), ("pmid:2", "pmid:1", "pubmed:ErratumFor")]
    # issue 10: each member keeps the per-field evidence of its merge; a record alone has none
    evidence = dict(con.execute("SELECT member_key, evidence FROM dedup_clusters").fetchall())
    assert evidence["pmid:2"] is None
    [merge] = json.loads(evidence["known:7"])
    assert merge == json.loads(evidence["pmid:1"])[0]
    assert set(merge["records"]) == {"pmid:1", "known:7"}
    assert merge["fields"]["title"] == {"verdict": "agree", "similarity": 1.0}
    assert merge["fields"]["pages"]["verdict"] == "agree"
    refresh_clusters(con)  # replaces, never accumulates
    assert con.execute("SELECT count(*) FROM dedup_clusters").fetchone() == (3,)


def test_blocking_pairs_pubmed_records_only_with_records_that_lack_a_pmid():
    """Issue 11: in a warehouse every PubMed record has its own PMID, so only a record without
    one (a known citation) can pair with them — also inside a block too big to compare in full
    (one title opening), where the pairs come from a window over the sorted titles."""
    papers = [replace(PAPER, id=f"pmid:{n}", pmid=n, doi=f"10.1000/{n}",
                      title=f"{PAPER.title}: centre {n:02d} of the network", pages=f"{n}-{n + 9}")
              for n in range(1, 3 * MAX_BLOCK)]
    citation = replace(papers[40], id="known:1", pmid=None, doi=None)
    profiles = [profile(record) for record in [*papers, citation]]
    pairs = candidate_pairs(profiles)
    assert (40, len(papers)) in pairs
    assert all(j == len(papers) for _, j in pairs)
    [cluster] = [c for c in dedupe([*papers, citation]) if len(c.member_ids) > 1]
    assert cluster.member_ids == ("pmid:41", "known:1")


def test_dedupe_with_links_agrees_with_the_separate_calls():
    erratum = replace(PAPER, id="e", title="Erratum to: " + PAPER.title, pages="412")
    records = [PAPER, replace(PAPER, id="b"), erratum]
    assert dedupe_with_links(records) == (dedupe(records), related(records))
