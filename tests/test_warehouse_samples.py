"""Parsed records for the warehouse tests (no tests here): two nights of a small PubMed feed.

Night two revises 1001 (Version 2, a new MeSH term), retracts 1002, adds 1005, deletes 1003
and repeats the malformed 1004. Also imported by the child processes of the concurrency tests.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from littrack.parse.records import (
    Author,
    CommentCorrection,
    DeletedCitations,
    Grant,
    HistoryDate,
    MalformedRecord,
    MeshHeading,
    MeshQualifier,
    PublicationDate,
    PublicationType,
    PubmedRecord,
)
from littrack.warehouse import Cursor, LoadCounts, Warehouse

JOURNAL_ARTICLE = PublicationType("Journal Article", "D016428")
KETAMINE = MeshHeading("Ketamine", "D007649", major_topic=True, qualifiers=(MeshQualifier("therapeutic use", "Q000627"),))


def paper(pmid: int, **changes) -> PubmedRecord:
    record = PubmedRecord(
        pmid=pmid,
        status="MEDLINE",
        title=f"Ketamine for complex regional pain syndrome, study {pmid}.",
        abstract="BACKGROUND: Ketamine infusions. RESULTS: Pain scores fell.",
        journal_title="Pain",
        journal_iso="Pain",
        volume="147",
        issue="1-3",
        pages="107-15",
        pub_date=PublicationDate(year=2009, month=12, sortable=date(2009, 12, 1)),
        authors=(
            Author(last_name="Sigtermans", fore_name="Marnix J", initials="MJ", affiliations=("Leiden University",)),
            Author(last_name="van Hilten", fore_name="Jacobus J", initials="JJ"),
        ),
        languages=("eng",),
        publication_types=(JOURNAL_ARTICLE,),
        mesh_headings=(KETAMINE, MeshHeading("Complex Regional Pain Syndromes", "D020918")),
        keywords=("ketamine", "CRPS"),
        grants=(Grant(grant_id="R01 NS-1", agency="NINDS NIH HHS", country="United States"),),
        doi=f"10.1016/j.pain.{pmid}",
        pmcid=f"PMC{pmid}",
        publication_status="ppublish",
        history=(HistoryDate("entrez", date(2009, 9, 1)),),
    )
    return replace(record, **changes)


MALFORMED = MalformedRecord("no ArticleTitle", pmid=1004, xml=b"<PubmedArticle><PMID>1004</PMID></PubmedArticle>")


def first_night() -> list:
    return [paper(1001), paper(1002), paper(1003), MALFORMED]


def second_night() -> list:
    revised = paper(1001, version=2, mesh_headings=paper(1001).mesh_headings + (MeshHeading("Pain Measurement", "D010147"),))
    retracted = paper(
        1002,
        publication_types=(JOURNAL_ARTICLE, PublicationType("Retracted Publication", "D016441")),
        comments_corrections=(CommentCorrection("RetractionIn", "Pain. 2011;152:1", 21000001),),
    )
    return [revised, retracted, paper(1005), DeletedCitations((1003,)), MALFORMED]


FIRST_CURSOR = Cursor(date(2009, 9, 1), date(2009, 9, 1), frozenset({1001}))
SECOND_CURSOR = Cursor(date(2009, 9, 2), date(2009, 9, 2), frozenset({1005}))


def load_night(path: Path, items: list, cursor: Cursor) -> LoadCounts:
    """One nightly write session, the way the flow does it."""
    with Warehouse(path).write() as db:
        with db.run("crps", "ketamine AND CRPS", {"night": str(cursor.edat_until)}) as run:
            run.add_found(len(items))
            run.windows = [{"field": "edat", "since": "2009-08-30", "until": str(cursor.edat_until)}]
            run.load(items)
            run.set_cursor(cursor)
    return run.counts
