"""The warehouse library (issue 4): schema migrations, idempotent loads, history, runs, cursors."""

from __future__ import annotations

import json
import sys

import duckdb
import pytest
from test_warehouse_samples import (
    FIRST_CURSOR,
    MALFORMED,
    SECOND_CURSOR,
    first_night,
    load_night,
    paper,
    second_night,
)

from littrack.parse import iter_pubmed
from littrack.parse.records import DeletedCitations, MalformedRecord, PubmedRecord
from littrack.warehouse import (
    Cursor,
    LoadCounts,
    Warehouse,
    WarehouseError,
    remove_warehouse,
)
from littrack.warehouse import inserts, rows
from littrack.warehouse.rows import record_json
from littrack.warehouse.schema import known_migrations, migrate
from littrack.warehouse.transaction import transaction

DATA_TABLES = ("records", "record_versions", "deleted_citations", "quarantine", "cursors")


@pytest.fixture
def path(tmp_path):
    return tmp_path / "warehouse" / "littrack.duckdb"


def row_counts(wh: Warehouse) -> dict[str, int]:
    with wh.read() as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*DATA_TABLES, "runs")}


def paper_row(wh: Warehouse, pmid: int) -> dict:
    with wh.read() as con:
        cursor = con.execute("SELECT * FROM papers WHERE pmid = ?", [pmid])
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
    return dict(zip(names, row)) if row else {}


def test_first_session_applies_and_records_every_migration(path):
    with Warehouse(path).write():
        pass
    with Warehouse(path).read() as con:
        applied = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert applied == [(m.version, m.name) for m in known_migrations()]
    assert applied[0] == (1, "core")


def test_a_warehouse_newer_than_the_code_is_refused(path):
    with Warehouse(path).write() as db:
        db.con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(WarehouseError, match=r"has schema version 999, newer than this littrack knows .*: upgrade littrack"):
        with Warehouse(path).write():
            pass


def test_migrations_run_in_order_once_each_and_a_failing_one_changes_nothing(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "002_second.sql").write_text("INSERT INTO t VALUES (2);")
    (folder / "001_first.sql").write_text("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);")
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    assert [m.name for m in migrate(con, "db", folder)] == ["first", "second"]
    assert migrate(con, "db", folder) == []
    (folder / "003_broken.sql").write_text("INSERT INTO t VALUES (3); INSERT INTO missing VALUES (1);")
    with pytest.raises(WarehouseError, match=r"migration 003_broken.sql failed on db: .*missing"):
        migrate(con, "db", folder)
    assert con.execute("SELECT list(n ORDER BY n) FROM t").fetchone()[0] == [1, 2]
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 2


def test_a_misnamed_migration_file_is_an_error(tmp_path):
    (tmp_path / "1_core.sql").write_text("SELECT 1;")
    with pytest.raises(WarehouseError, match=r"migration file 1_core.sql is not named like 001_name.sql"):
        known_migrations(tmp_path)


def test_papers_view_is_the_analysts_contract(path):
    counts = load_night(path, first_night(), FIRST_CURSOR)
    assert counts == LoadCounts(found=4, new=3, updated=0, unchanged=0, deleted=0, quarantined=1)
    row = paper_row(Warehouse(path), 1001)
    assert row["authors"] == ["Sigtermans MJ", "van Hilten JJ"]
    assert row["first_author"] == "Sigtermans MJ"
    assert row["mesh_terms"] == ["Ketamine", "Complex Regional Pain Syndromes"]
    assert row["language"] == ["eng"] and row["publication_types"] == ["Journal Article"]
    assert row["keywords"] == ["ketamine", "CRPS"]
    assert (row["journal"], row["journal_iso"], row["volume"], row["issue"], row["pages"]) == (
        "Pain", "Pain", "147", "1-3", "107-15")
    assert (row["pub_year"], str(row["pub_date"]), row["doi"], row["pmcid"]) == (
        2009, "2009-12-01", "10.1016/j.pain.1001", "PMC1001")
    assert (row["medline_status"], row["publication_status"], row["is_retracted"]) == ("MEDLINE", "ppublish", False)
    assert row["version"] == 1 and row["first_seen_at"] == row["updated_at"]
    with Warehouse(path).read() as con:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'papers'").fetchall())
    for column in ("language", "publication_types", "mesh_terms", "keywords", "authors"):
        assert types[column] == "VARCHAR[]"


def test_record_json_is_the_text_earlier_versions_hashed(efetch_samples):
    """The stored JSON (and so every content hash) is byte for byte json.dumps's: the faster
    encoder must not make every stored record look changed."""
    records = [item for sample in efetch_samples if b"<PubmedArticleSet" in sample.read_bytes()[:2048]
               for item in iter_pubmed(sample) if isinstance(item, PubmedRecord)]
    records.append(paper(1001, title="Ketamine \u2013 \u00e9tude \x1f \u2028 \U0001f600 \"quoted\" back\\slash"))
    assert len(records) > 100
    for record in records:
        expected = json.dumps(record, default=rows._non_default_fields, ensure_ascii=False, separators=(",", ":"))
        assert record_json(record) == expected


def test_record_json_keeps_every_parsed_field(path):
    load_night(path, first_night(), FIRST_CURSOR)
    with Warehouse(path).read() as con:
        stored = con.execute("SELECT record_json FROM records WHERE pmid = 1001").fetchone()[0]
    assert json.loads(stored) == json.loads(record_json(paper(1001)))
    assert json.loads(stored)["grants"] == [{"grant_id": "R01 NS-1", "agency": "NINDS NIH HHS", "country": "United States"}]
    assert json.loads(stored)["authors"][0]["affiliations"] == ["Leiden University"]


def test_a_second_load_with_nothing_new_adds_rows_only_to_runs(path):
    load_night(path, first_night(), FIRST_CURSOR)
    load_night(path, second_night(), SECOND_CURSOR)
    before = row_counts(Warehouse(path))
    counts = load_night(path, second_night(), SECOND_CURSOR)
    after = row_counts(Warehouse(path))
    assert counts == LoadCounts(found=5, new=0, updated=0, unchanged=3, deleted=0, quarantined=1)
    assert after == {**before, "runs": before["runs"] + 1}


def test_revised_and_retracted_records_update_and_keep_their_history(path):
    load_night(path, first_night(), FIRST_CURSOR)
    wh = Warehouse(path)
    first = {pmid: paper_row(wh, pmid) for pmid in (1001, 1002)}
    counts = load_night(path, second_night(), SECOND_CURSOR)
    assert counts == LoadCounts(found=5, new=1, updated=2, unchanged=0, deleted=1, quarantined=1)
    revised, retracted = paper_row(wh, 1001), paper_row(wh, 1002)
    assert revised["version"] == 2 and "Pain Measurement" in revised["mesh_terms"]
    assert retracted["is_retracted"] is True
    for row in (revised, retracted):
        assert row["first_seen_at"] == first[row["pmid"]]["first_seen_at"]
        assert row["updated_at"] > first[row["pmid"]]["updated_at"]
    with wh.read() as con:
        history = con.execute(
            "SELECT pmid, version, run_id, superseded_by_run_id, record_json FROM record_versions ORDER BY pmid"
        ).fetchall()
        runs = con.execute("SELECT id FROM runs ORDER BY id").fetchall()
    assert [(pmid, version, run_id, by) for pmid, version, run_id, by, _ in history] == [
        (1001, 1, runs[0][0], runs[1][0]), (1002, 1, runs[0][0], runs[1][0])]
    assert json.loads(history[1][4]) == json.loads(record_json(paper(1002)))


def test_deleted_citations_are_flagged_never_dropped(path):
    load_night(path, first_night(), FIRST_CURSOR)
    load_night(path, second_night(), SECOND_CURSOR)
    wh = Warehouse(path)
    assert paper_row(wh, 1003) == {}
    with wh.read() as con:
        assert con.execute("SELECT pmid, title FROM deleted_papers").fetchall() == [
            (1003, paper(1003).title)]
        assert con.execute("SELECT pmid FROM deleted_citations").fetchall() == [(1003,)]
    with wh.write() as db, db.run(None, "a file") as run:
        run.load([DeletedCitations((1003, 7777))])  # 1003 again, and a PMID never loaded
    with wh.write() as db, db.run(None, "a file") as again:
        again.load([DeletedCitations((7777,))])
    assert (run.counts.deleted, again.counts.deleted) == (1, 0)
    with wh.read() as con:
        assert con.execute("SELECT pmid FROM deleted_citations ORDER BY pmid").fetchall() == [(1003,), (7777,)]


def test_within_one_load_the_latest_item_per_pmid_wins(path):
    with Warehouse(path).write() as db:
        run_id, counts = db.load_standalone(
            [paper(1, title="old"), paper(1, title="new"), paper(2), DeletedCitations((2,)),
             DeletedCitations((3,)), paper(3)],
            source="batch.xml",
        )
    assert counts == LoadCounts(new=3, deleted=1)
    with Warehouse(path).read() as con:
        assert con.execute("SELECT id, query_key, query FROM runs").fetchall() == [(run_id, None, "batch.xml")]
    wh = Warehouse(path)
    assert paper_row(wh, 1)["title"] == "new"
    assert paper_row(wh, 2) == {} and paper_row(wh, 3)["pmid"] == 3


def test_an_older_version_does_not_replace_a_newer_one(path):
    with Warehouse(path).write() as db:
        db.load_standalone([paper(1, version=2)])
        _, counts = db.load_standalone([paper(1, version=1, title="stale")])
    assert counts == LoadCounts(unchanged=1)
    assert paper_row(Warehouse(path), 1)["version"] == 2


def test_bad_records_are_quarantined_with_their_reason_and_a_later_good_load_wins(path):
    broken_text = paper(2001, title="bad \udc80 surrogate")
    with Warehouse(path).write() as db:
        _, counts = db.load_standalone([MALFORMED, paper(0), broken_text, MalformedRecord("not XML", xml=b"<x")])
        db.load_standalone([MALFORMED])
        db.load_standalone([paper(1004), paper(2001)])
    assert counts.quarantined == 4 and counts.new == 0
    with Warehouse(path).read() as con:
        quarantined = con.execute("SELECT pmid, reason, xml FROM quarantine ORDER BY reason").fetchall()
        loaded = con.execute("SELECT list(pmid ORDER BY pmid) FROM papers").fetchone()[0]
    assert quarantined == [
        (None, "PMID must be a positive whole number, got 0", None),
        (1004, "no ArticleTitle", MALFORMED.xml),
        (None, "not XML", b"<x"),
        (2001, "record text is not valid Unicode: surrogates not allowed", None),
    ]
    assert loaded == [1004, 2001]


def test_a_failing_run_merges_nothing_and_keeps_the_cursor(path):
    load_night(path, first_night(), FIRST_CURSOR)
    wh = Warehouse(path)
    with pytest.raises(RuntimeError, match="NCBI went away"):
        with wh.write() as db, db.run("crps", "ketamine AND CRPS") as run:
            run.load(second_night())
            run.set_cursor(SECOND_CURSOR)
            raise RuntimeError("NCBI went away")
    with wh.write() as db:
        assert db.cursor("crps") == FIRST_CURSOR
    with wh.read() as con:  # the failure is published for `littrack status` and analysts
        assert con.execute("SELECT status, error FROM runs ORDER BY id").fetchall() == [
            ("succeeded", None), ("failed", "RuntimeError: NCBI went away")]
        assert con.execute("SELECT count(*) FROM records WHERE version = 2 OR deleted").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM record_versions").fetchone()[0] == 0


def test_the_cursor_moves_with_each_successful_run(path):
    with Warehouse(path).write() as db:
        assert db.cursor("crps") is None
    load_night(path, first_night(), FIRST_CURSOR)
    load_night(path, second_night(), SECOND_CURSOR)
    with Warehouse(path).write() as db:
        assert db.cursor("crps") == SECOND_CURSOR
        assert db.cursor("other query") is None
        db.con.execute("SELECT 1")
    with Warehouse(path).read() as con:
        assert con.execute("SELECT status, found, windows FROM runs ORDER BY id").fetchall() == [
            ("succeeded", 4, '[{"field": "edat", "since": "2009-08-30", "until": "2009-09-01"}]'),
            ("succeeded", 5, '[{"field": "edat", "since": "2009-08-30", "until": "2009-09-02"}]'),
        ]


def test_a_cursor_without_dates_round_trips(path):
    with Warehouse(path).write() as db:
        with db.run("q", "query") as run:
            run.set_cursor(Cursor())
        assert db.cursor("q") == Cursor(None, None, frozenset())


def test_reading_before_any_run_says_what_to_do(path):
    with pytest.raises(WarehouseError) as error:
        with Warehouse(path).read():
            pass
    assert str(error.value) == f"no warehouse yet at {path}: run `littrack run` or `littrack demo` first"


def test_an_unwritable_warehouse_folder_is_one_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(WarehouseError, match=rf"^cannot write to the warehouse folder {blocker}/warehouse: "):
        with Warehouse(blocker / "warehouse" / "littrack.duckdb").write():
            pass
    assert blocker.read_text() == ""


def test_the_writer_never_opens_the_analysts_file(path):
    load_night(path, first_night(), FIRST_CURSOR)
    files = Warehouse(path).files
    (path.parent / f"{path.name}.publishing-999").write_bytes(b"half a copy from a killed run")
    with Warehouse(path).write():
        pass
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [files.published.name, files.spare.name, files.store.name, files.lock.name, files.decisions_export.name])
    path.write_bytes(b"not a database")  # a store the writer depended on would now be broken
    load_night(path, second_night(), SECOND_CURSOR)
    assert paper_row(Warehouse(path), 1001)["version"] == 2


def test_remove_warehouse_deletes_every_file_of_it_and_nothing_else(path):
    load_night(path, first_night(), FIRST_CURSOR)
    neighbour = path.parent / "notes.txt"
    neighbour.write_text("keep me")
    remove_warehouse(path)
    assert list(path.parent.iterdir()) == [neighbour]


def test_a_damaged_store_is_one_clear_error(path):
    files = Warehouse(path).files
    files.store.parent.mkdir(parents=True)
    files.store.write_bytes(b"not a database" * 1000)
    with pytest.raises(WarehouseError, match=rf"^cannot open the warehouse store {files.store}: "):
        with Warehouse(path).write():
            pass



def test_rows_inserted_in_batches_arrive_whole_and_leave_nothing_held(monkeypatch):
    monkeypatch.setattr(inserts, "INSERT_BATCH", 2)  # three statements, the last one short
    con = duckdb.connect()
    con.execute("CREATE TABLE t (k VARCHAR, n BIGINT, e JSON)")
    held = "".join(["a string ", "made here"])  # no other reference than this name
    keys = [held, 'quote " and, comma', "line\nbreak", "Ünïcode ½", None]
    references = sys.getrefcount(held)
    with transaction(con):
        inserts.insert_columns(con, "t", {"k": ("VARCHAR", keys), "n": ("BIGINT", [1, None, 3, 4, 5]),
                                          "e": ("JSON", ['{"a": [1]}', None, None, None, "[]"])})
        # an open transaction keeps what DuckDB scanned from Python alive: nothing here
        assert sys.getrefcount(held) == references
    assert con.execute("SELECT k, n, CAST(e AS VARCHAR) FROM t ORDER BY rowid").fetchall() == [
        (held, 1, '{"a": [1]}'), ('quote " and, comma', None, None), ("line\nbreak", 3, None),
        ("Ünïcode ½", 4, None), (None, 5, "[]")]
