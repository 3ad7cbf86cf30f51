"""Exports of the papers in review (issue 9, item 8): RIS, BibTeX and CSV written, then read
back with rispy, bibtexparser and csv; one entry per duplicate cluster; the status filter on
real decision events."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace
from datetime import datetime, timezone

import duckdb
import pytest
import rispy

from littrack.match.dedupe_store import refresh_clusters
from littrack.match.known_files import bibtex_entries, read_known_file
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.parse.records import Author
from littrack.review.export_records import ExportError
from littrack.review.exports import RIS_LIST_TAGS, RIS_MAPPING, export_papers, one_line
from littrack.warehouse import Warehouse, WarehouseError
from littrack.warehouse.decisions_export import write_decisions_export

HOSTILE_PMID, DUPLICATE_PMID, ORIGINAL_PMID = 99000002, 99000001, 32437181
HOSTILE_TITLE = ("=HYPERLINK(\"javascript:alert(1)\") <script>alert('x')</script> {50% & $x$} "
                 "\\foo #1 _u_ ~ ^ }unbalanced{ @article{x,\nER  - \nTY  - JOUR\n\u2028end")
HOSTILE_AUTHORS = (Author(last_name="Łukasiewicz-Ñúñez", fore_name="Zoë", initials="Z"),
                   Author(last_name="van der Donk", fore_name="Wilfred A", initials="WA"),
                   Author(collective_name="Task and Finish Group, {EFLM} & Co"))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, efetch_samples) -> Warehouse:
    """Every shared sample, a second PubMed record of 32437181 in its cluster, and a sample
    re-titled with hostile text and unicode authors."""
    records = [item for path in efetch_samples for item in iter_pubmed(path)
               if isinstance(item, PubmedRecord)]
    original = next(r for r in records if r.pmid == ORIGINAL_PMID)
    hostile = replace(records[5], pmid=HOSTILE_PMID, title=HOSTILE_TITLE, doi="10.9999/hostile",
                      authors=HOSTILE_AUTHORS)
    wh = Warehouse(tmp_path_factory.mktemp("exports") / "littrack.duckdb")
    with wh.write() as db:
        db.load_standalone([*records, replace(original, pmid=DUPLICATE_PMID), hostile])
        refresh_clusters(db.con)
        # the engine never folds two PMIDs itself (conflicting identifiers); the contract of
        # `dedup_clusters` allows it, so say so the way a future rule would
        db.con.execute("UPDATE dedup_clusters SET cluster_id = ?, reason = 'same DOI'"
                       " WHERE member_key = ?", [f"pmid:{ORIGINAL_PMID}", f"pmid:{DUPLICATE_PMID}"])
    return wh


def event(event_id, pmid, reviewer, action="decide", decision=None, reason=None, note=None,
          tags=(), cluster_pmids=()):
    return (event_id, pmid, list(cluster_pmids), reviewer, action, decision, reason, note,
            list(tags), 1, "hash", datetime(2026, 12, 1, 9, event_id, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def decided(warehouse) -> dict[str, set[int]]:
    """Real decision events from two reviewers; the PMIDs each status should export."""
    events = [
        event(1, 37883555, "ana", decision="include", note="RCT,\nn=40", tags=["rct"]),
        event(2, 37883555, "ben", decision="include", tags=["ketamine"]),
        event(3, 34751700, "ana", decision="include"),
        event(4, 34751700, "ben", decision="exclude", reason="wrong population"),  # conflict
        event(5, 33967209, "ana", decision="exclude", reason="not CRPS"),
        event(6, 35067114, "ben", decision="maybe"),
        event(7, 38878148, "ana", decision="include"),
        event(8, 38878148, "ana", action="undo"),  # back to undecided
        event(9, 35320699, "ana", decision="maybe"),
        event(10, 35320699, "ben", decision="exclude", reason="not CRPS"),
        event(11, 35320699, "cyd", action="resolve", decision="include"),  # settled
        # made on the duplicate record: counts for the whole cluster
        event(12, DUPLICATE_PMID, "ana", decision="exclude", reason="=cmd|' /C calc'!A0",
              cluster_pmids=[ORIGINAL_PMID, DUPLICATE_PMID]),
        event(13, HOSTILE_PMID, "ana", decision="include"),
    ]
    write_decisions_export(warehouse.files.decisions_export, events)
    return {
        "included": {37883555, 35320699, HOSTILE_PMID},
        "excluded": {33967209, ORIGINAL_PMID},
        "maybe": {35067114},
        "conflict": {34751700},
    }


def exported(warehouse, fmt, status=None):
    with warehouse.read() as con:
        return export_papers(con, fmt, status)


def ris_entries(result) -> dict[int, dict]:
    entries = rispy.loads(result.content.decode("utf-8"), mapping=RIS_MAPPING,
                          list_tags=RIS_LIST_TAGS)
    return {int(e["accession_number"]): e for e in entries}


def papers(warehouse) -> dict[int, dict]:
    """The expected values, straight from the `papers` view."""
    with warehouse.read() as con:
        cursor = con.execute(
            "SELECT pmid, title, journal, journal_iso, pub_year, volume, issue, doi, pmcid,"
            " abstract, keywords, mesh_terms, language, pubmed_url, kind,"
            " record_json ->> 'start_page' AS start_page, record_json ->> 'end_page' AS end_page,"
            " from_json(record_json -> 'authors', '[{\"last_name\": \"VARCHAR\","
            " \"fore_name\": \"VARCHAR\", \"suffix\": \"VARCHAR\","
            " \"collective_name\": \"VARCHAR\"}]') AS people FROM papers")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


def ris_author(person: dict) -> str:
    if person["collective_name"]:
        return person["collective_name"]
    return ", ".join(p for p in (person["last_name"], person["fore_name"], person["suffix"]) if p)


def bib_author(person: dict) -> str:
    """BibTeX's "Last, Jr, First"."""
    if person["collective_name"]:
        return person["collective_name"]
    return ", ".join(p for p in (person["last_name"], person["suffix"], person["fore_name"]) if p)


def test_ris_reads_back_with_every_field(warehouse, decided):
    result = exported(warehouse, "ris")
    entries = ris_entries(result)
    expected = papers(warehouse)
    assert result.media_type == "application/x-research-info-systems"
    assert result.filename.endswith(".ris") and result.count == len(entries)
    # one entry per cluster: the duplicate record is folded into the original
    assert set(entries) == set(expected) - {DUPLICATE_PMID}
    for pmid, entry in entries.items():
        paper = expected[pmid]
        end_page = paper["end_page"] if paper["end_page"] != paper["start_page"] else None
        wanted = {
            "type_of_reference": "JOUR", "title": one_line(paper["title"]),
            "authors": [ris_author(p) for p in paper["people"]] or None,
            "secondary_title": paper["journal"], "alternate_title1": paper["journal_iso"],
            "year": str(paper["pub_year"]) if paper["pub_year"] else None,
            "volume": paper["volume"], "number": paper["issue"],
            "start_page": paper["start_page"], "end_page": end_page, "doi": paper["doi"],
            "abstract": one_line(paper["abstract"]) or None,
            "keywords": [*paper["keywords"], *paper["mesh_terms"]] or None,
            "language": ", ".join(paper["language"]) or None, "urls": [paper["pubmed_url"]],
            "accession_number": str(pmid), "name_of_database": "PubMed",
            "extra": [f"PMID: {pmid}"] + ([f"PMCID: {paper['pmcid']}"] if paper["pmcid"] else []),
        }
        got = {key: entry.get(key) for key in wanted}
        assert got == wanted, pmid
        assert entry["notes"][0].startswith("littrack screening: ")


def test_hostile_and_unicode_text_survives_ris_and_adds_no_entry(warehouse, decided):
    text = exported(warehouse, "ris").content.decode("utf-8")
    entry = ris_entries(exported(warehouse, "ris"))[HOSTILE_PMID]
    assert entry["title"] == one_line(HOSTILE_TITLE)
    assert entry["authors"] == ["Łukasiewicz-Ñúñez, Zoë", "van der Donk, Wilfred A",
                                "Task and Finish Group, {EFLM} & Co"]
    assert text.count("\nTY  - ") + text.startswith("TY  - ") == len(papers(warehouse)) - 1
    assert "\u2028" not in text


def test_ris_notes_name_the_status_and_the_duplicates(warehouse, decided):
    entries = ris_entries(exported(warehouse, "ris"))
    assert entries[ORIGINAL_PMID]["notes"] == [
        "littrack screening: excluded (=cmd|' /C calc'!A0)",
        f"Duplicate PubMed records of this paper: PMID {DUPLICATE_PMID}"]
    assert entries[34751700]["notes"] == ["littrack screening: conflict"]


def test_bibtex_reads_back_with_every_field(warehouse, decided):
    result = exported(warehouse, "bibtex")
    entries = {int(e["pmid"]): e for e in bibtex_entries(result.content.decode("utf-8"))}
    expected = papers(warehouse)
    assert result.media_type == "application/x-bibtex" and result.filename.endswith(".bib")
    assert set(entries) == set(expected) - {DUPLICATE_PMID}
    keys = [e["ID"] for e in entries.values()]
    assert len(set(keys)) == len(keys)
    assert all(key.isascii() and " " not in key and "," not in key for key in keys)
    for pmid, entry in entries.items():
        paper = expected[pmid]
        pages = "–".join(p for p in (paper["start_page"], paper["end_page"]) if p)
        if paper["start_page"] == paper["end_page"]:
            pages = paper["start_page"]
        # the only text LaTeX decoding does not give back verbatim: ^ (\textasciicircum{}
        # reads as U+02C6) and -- (an en dash, as LaTeX prints it)
        wanted = {
            "title": one_line(paper["title"]).replace("^", "ˆ"),
            "author": [bib_author(p) for p in paper["people"]] or None,
            "journal": paper["journal"], "year": str(paper["pub_year"] or "") or None,
            "volume": paper["volume"], "number": paper["issue"], "pages": pages or None,
            "doi": paper["doi"], "pmcid": paper["pmcid"], "url": paper["pubmed_url"],
            "abstract": one_line(paper["abstract"]).replace("^", "ˆ") or None,
            "keywords": ", ".join([*paper["keywords"], *paper["mesh_terms"]]) or None,
        }
        assert {key: entry.get(key) for key in wanted} == wanted, pmid
    assert entries[HOSTILE_PMID]["author"][0] == "Łukasiewicz-Ñúñez, Zoë"
    assert entries[HOSTILE_PMID]["ID"] == "lukasiewicznunez2015_99000002"


def test_csv_has_decisions_and_reasons_and_defuses_formulas(warehouse, decided):
    result = exported(warehouse, "csv")
    rows = {int(r["pmid"]): r for r in
            csv.DictReader(io.StringIO(result.content.decode("utf-8-sig")))}
    assert result.media_type == "text/csv; charset=utf-8"
    assert len(rows) == len(papers(warehouse)) - 1
    agreed = rows[37883555]
    assert (agreed["status"], agreed["decision"], agreed["decisions"], agreed["tags"],
            agreed["notes"]) == ("included", "include", "ana: include; ben: include",
                                 "ketamine; rct", "ana: RCT, n=40")
    conflict = rows[34751700]
    assert (conflict["status"], conflict["decision"], conflict["decisions"]) == (
        "conflict", "", "ana: include; ben: exclude (wrong population)")
    resolved = rows[35320699]
    assert (resolved["status"], resolved["decision"], resolved["resolved_by"]) == (
        "included", "include", "cyd")
    duplicate = rows[ORIGINAL_PMID]
    assert (duplicate["duplicate_pmids"], duplicate["reason"]) == (
        str(DUPLICATE_PMID), "'=cmd|' /C calc'!A0")  # a spreadsheet shows it, never runs it
    hostile = rows[HOSTILE_PMID]
    assert hostile["title"] == "'" + one_line(HOSTILE_TITLE)
    assert hostile["authors"] == ("Łukasiewicz-Ñúñez, Zoë; van der Donk, Wilfred A; "
                                  "Task and Finish Group, {EFLM} & Co")
    assert rows[38878148]["status"] == "undecided"  # decided, then undone


@pytest.mark.parametrize("status", ["included", "excluded", "maybe", "conflict"])
def test_the_status_filter_exports_exactly_those_papers(warehouse, decided, status):
    assert set(ris_entries(exported(warehouse, "ris", status))) == decided[status]


def test_undecided_and_all(warehouse, decided):
    every = set(papers(warehouse)) - {DUPLICATE_PMID}
    undecided = set(ris_entries(exported(warehouse, "ris", "undecided")))
    assert undecided == every - set().union(*decided.values())
    assert set(ris_entries(exported(warehouse, "ris", "all"))) == every


def test_exports_import_back_as_known_papers_with_their_pmids(tmp_path, warehouse, decided):
    for fmt, name in (("ris", "included.ris"), ("bibtex", "included.bib")):
        path = tmp_path / name
        path.write_bytes(exported(warehouse, fmt, "included").content)
        assert {e.citation.pmid for e in read_known_file(path)} == decided["included"]


@pytest.mark.parametrize("fmt, status, message", [
    ("xml", None, "unknown export format 'xml' (choose ris, bibtex, csv)"),
    ("ris", "accepted",
     "unknown screening status 'accepted' (choose included, excluded, maybe, undecided, "
     "conflict or all)"),
])
def test_a_bad_format_or_status_is_one_clear_error(warehouse, fmt, status, message):
    with pytest.raises(ExportError) as raised:
        exported(warehouse, fmt, status)
    assert str(raised.value) == message
    assert raised.value.exit_code == 2


def test_a_snapshot_without_the_decision_views_is_one_clear_error(warehouse, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(warehouse.path, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP VIEW screening_status")
    with duckdb.connect(str(old), read_only=True) as con, pytest.raises(WarehouseError) as raised:
        export_papers(con, "ris")
    assert str(raised.value).startswith("the warehouse has no view screening_status: it was"
                                        " written by an older littrack")
