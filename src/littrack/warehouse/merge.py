"""Staging one run's parsed items and merging them into the tables in one transaction.

Items are staged into temporary tables (they vanish with the connection, so a killed run
leaves nothing behind); the merge then upserts by PMID: the latest item per PMID wins, an
unchanged record (same content hash) is not written at all, a changed one first copies the
row it replaces into `record_versions`. Records staged as in review scope join
`query_matches` (for good: a record once in review stays there), and the evidence tags staged
with them are stored for the records as the merge leaves them (`tags.store` tags whatever is
left, in the writer).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import duckdb

from littrack.match.query_scope import EveryRecord, Scope
from littrack.parse.records import ParseItem
from littrack.tags.tagger import TAGGER_VERSION
from littrack.warehouse.rows import ROW_COLUMNS
from littrack.warehouse.staged import (
    DELETIONS_FILE,
    QUARANTINE_FILE,
    RECORDS_FILE,
    SCOPE_FILE,
    TAGS_FILE,
    StagedItems,
    stage_items,
)


@dataclass(frozen=True)
class LoadCounts:
    found: int = 0  # ids the searches found
    new: int = 0  # records seen for the first time
    updated: int = 0  # records whose content changed (the old version went to history)
    unchanged: int = 0  # records loaded again with identical content (or an older version)
    deleted: int = 0  # PMIDs newly marked deleted
    quarantined: int = 0  # bad items received (a repeat is not stored twice)


class Staging:
    """Temporary tables that collect a run's items, in arrival order, until the merge."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._seq = 0
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE stage_records AS "
            f"SELECT 0::BIGINT AS seq, {', '.join(ROW_COLUMNS)} FROM records LIMIT 0"
        )
        con.execute("CREATE OR REPLACE TEMP TABLE stage_scope (seq BIGINT, pmid BIGINT, source VARCHAR)")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_tags AS"
            " SELECT 0::BIGINT AS seq, * EXCLUDE (tagged_at) FROM paper_tags LIMIT 0"
        )
        con.execute("CREATE OR REPLACE TEMP TABLE stage_deletions (seq BIGINT, pmid BIGINT)")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_quarantine (seq BIGINT, pmid BIGINT, reason VARCHAR,"
            " xml BLOB, record_json VARCHAR, fingerprint VARCHAR)"
        )
        self._record_columns = _json_columns(con, "stage_records")
        self._tag_columns = _json_columns(con, "stage_tags")

    def add(self, items: Iterable[ParseItem], scope: Scope = EveryRecord()) -> None:
        """Stage items, after those staged before, through staging files of our own."""
        with tempfile.TemporaryDirectory(prefix="littrack-stage-") as folder:
            self.load(stage_items(items, Path(folder), scope))

    def add_in_scope(self, pmids: Iterable[int], source: str) -> None:
        """PMIDs in review scope whatever this run stages (a search found them; records the
        warehouse holds already are not fetched again)."""
        self._con.execute(
            "INSERT INTO stage_scope SELECT 0, pmid, ? FROM (SELECT UNNEST(?::BIGINT[]) AS pmid)",
            [source, list(pmids)],
        )

    def load(self, staged: StagedItems) -> None:
        """Stage what `stage_items` wrote (here or in a parse worker), after what came before."""
        # each folder numbers its items from 1: they go after those staged before
        def read(name: str) -> dict:
            return {"after": self._seq, "file": str(staged.folder / name)}

        if staged.records:
            self._con.execute(
                "INSERT INTO stage_records BY NAME SELECT * REPLACE (seq + $after AS seq) FROM read_json($file,"
                f" format = 'newline_delimited', columns = {self._record_columns})",
                read(RECORDS_FILE),
            )
        if staged.in_scope:
            self._con.execute(
                "INSERT INTO stage_scope SELECT seq + $after, pmid, source FROM read_json($file,"
                " format = 'newline_delimited', columns = {seq: 'BIGINT', pmid: 'BIGINT', source: 'VARCHAR'})",
                read(SCOPE_FILE),
            )
            self._con.execute(
                "INSERT INTO stage_tags BY NAME SELECT * REPLACE (seq + $after AS seq) FROM read_json($file,"
                f" format = 'newline_delimited', columns = {self._tag_columns})",
                read(TAGS_FILE),
            )
        if staged.deletions:
            self._con.execute(
                "INSERT INTO stage_deletions SELECT seq + $after, pmid FROM read_json($file,"
                " format = 'newline_delimited', columns = {seq: 'BIGINT', pmid: 'BIGINT'})",
                read(DELETIONS_FILE),
            )
        if staged.quarantined:
            self._con.execute(
                "INSERT INTO stage_quarantine SELECT seq + $after, pmid, reason, unhex(xml_hex), NULL,"
                " fingerprint FROM read_json($file, format = 'newline_delimited', columns = {seq: 'BIGINT',"
                " pmid: 'BIGINT', reason: 'VARCHAR', xml_hex: 'VARCHAR', fingerprint: 'VARCHAR'})",
                read(QUARANTINE_FILE),
            )
        self._seq += staged.items

    @property
    def empty(self) -> bool:
        return self._seq == 0

    def drop(self) -> None:
        for table in (
            "stage_records", "stage_scope", "stage_tags", "stage_deletions", "stage_quarantine", "incoming",
            "new_deletions", "fresh_tags",
        ):
            self._con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def merge_staged(con: duckdb.DuckDBPyConnection, run_id: int, found: int) -> LoadCounts:
    """Merge the staged items into the tables; call inside the run's transaction."""
    run = {"run": run_id}
    con.execute(_CLASSIFY)
    con.execute(_KEEP_HISTORY, run)
    con.execute(_UPDATE_CHANGED, run)
    con.execute(_INSERT_NEW, run)
    con.execute(_FIND_NEW_DELETIONS)
    con.execute(_RECORD_DELETIONS, run)
    con.execute(_MARK_DELETED, run)
    con.execute(_QUARANTINE, run)
    admit_to_review(con, run_id)
    con.execute(_FIND_FRESH_TAGS, {"version": TAGGER_VERSION})
    con.execute("DELETE FROM paper_tags WHERE pmid IN (SELECT pmid FROM fresh_tags)")
    con.execute(
        "INSERT INTO paper_tags BY NAME SELECT * EXCLUDE (seq), current_timestamp AS tagged_at FROM fresh_tags"
    )
    new, updated, unchanged = con.execute(_COUNT_CHANGES).fetchone()
    deleted = con.execute("SELECT count(*) FROM new_deletions").fetchone()[0]
    quarantined = con.execute("SELECT count(*) FROM stage_quarantine").fetchone()[0]
    return LoadCounts(found, new, updated, unchanged, deleted, quarantined)


def admit_to_review(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Add the staged in-scope PMIDs to `query_matches` (all a quiet night has to merge)."""
    con.execute(_ADMIT_TO_REVIEW, {"run": run_id})


# only keys here: the rows themselves are read from stage_records once, when written
_CLASSIFY = """
CREATE OR REPLACE TEMP TABLE incoming AS
SELECT s.seq, s.pmid, CASE
        WHEN r.pmid IS NULL THEN 'new'
        WHEN s.version < r.version THEN 'older'
        WHEN s.content_hash <> r.content_hash OR r.deleted THEN 'updated'
        ELSE 'unchanged' END AS change
FROM (
    SELECT seq, pmid, version, content_hash FROM stage_records
    QUALIFY row_number() OVER (PARTITION BY pmid ORDER BY version DESC, seq DESC) = 1
) AS s
LEFT JOIN records AS r ON r.pmid = s.pmid
"""

_KEEP_HISTORY = """
INSERT INTO record_versions
SELECT r.pmid, r.version, r.content_hash, r.record_json, r.last_run_id, r.updated_at,
       current_timestamp, $run
FROM records AS r JOIN incoming AS i ON i.pmid = r.pmid
WHERE i.change = 'updated'
"""

_UPDATE_CHANGED = f"""
UPDATE records SET {', '.join(f'{c} = i.{c}' for c in ROW_COLUMNS if c != 'pmid')},
    deleted = false, deleted_at = NULL, deleted_run_id = NULL,
    updated_at = current_timestamp, last_run_id = $run
FROM (SELECT s.* FROM incoming JOIN stage_records AS s USING (seq) WHERE change = 'updated') AS i
WHERE records.pmid = i.pmid
"""

_INSERT_NEW = f"""
INSERT INTO records BY NAME
SELECT {', '.join(ROW_COLUMNS)},
    current_timestamp AS first_seen_at, $run AS first_seen_run_id,
    current_timestamp AS updated_at, $run AS last_run_id
FROM stage_records WHERE seq IN (SELECT seq FROM incoming WHERE change = 'new')
"""

# A deletion counts unless a later item of the same run brings the record back, or the PMID
# is already deleted (flagged in `records`, or listed in `deleted_citations` if never loaded).
_FIND_NEW_DELETIONS = """
CREATE OR REPLACE TEMP TABLE new_deletions AS
SELECT d.pmid
FROM (SELECT pmid, max(seq) AS seq FROM stage_deletions GROUP BY pmid) AS d
LEFT JOIN incoming AS i ON i.pmid = d.pmid
LEFT JOIN records AS r ON r.pmid = d.pmid
WHERE (i.pmid IS NULL OR i.seq < d.seq)
  AND CASE WHEN r.pmid IS NULL THEN d.pmid NOT IN (SELECT pmid FROM deleted_citations)
           ELSE NOT r.deleted END
"""

_RECORD_DELETIONS = """
INSERT INTO deleted_citations SELECT pmid, $run, current_timestamp FROM new_deletions
"""

_MARK_DELETED = """
UPDATE records SET deleted = true, deleted_at = current_timestamp, deleted_run_id = $run,
    updated_at = current_timestamp, last_run_id = $run
WHERE pmid IN (SELECT pmid FROM new_deletions)
"""

_QUARANTINE = """
INSERT INTO quarantine
SELECT $run, pmid, reason, xml, record_json, fingerprint, current_timestamp
FROM stage_quarantine
WHERE fingerprint NOT IN (SELECT fingerprint FROM quarantine)
QUALIFY row_number() OVER (PARTITION BY fingerprint ORDER BY seq) = 1
"""

# The first admission of a record that is stored and current stays (its source and run)
_ADMIT_TO_REVIEW = """
INSERT INTO query_matches
SELECT s.pmid, s.source, $run, current_timestamp
FROM stage_scope AS s JOIN records AS r ON r.pmid = s.pmid AND NOT r.deleted
WHERE s.pmid NOT IN (SELECT pmid FROM query_matches)
QUALIFY row_number() OVER (PARTITION BY s.pmid ORDER BY s.seq) = 1
"""

# Staged tags of the records' current content, by the current tagger (a remote worker may run
# another), unless stored already (a re-load writes nothing); one staging per PMID.
_FIND_FRESH_TAGS = """
CREATE OR REPLACE TEMP TABLE fresh_tags AS
SELECT t.* FROM stage_tags AS t
JOIN records AS r ON r.pmid = t.pmid AND r.content_hash = t.content_hash AND NOT r.deleted
WHERE t.tagger_version = $version
  AND NOT EXISTS (SELECT 1 FROM paper_tags AS p WHERE p.pmid = t.pmid
                  AND p.content_hash = t.content_hash AND p.tagger_version = t.tagger_version)
QUALIFY t.seq = min(t.seq) OVER (PARTITION BY t.pmid)
"""

_COUNT_CHANGES = """
SELECT count(*) FILTER (change = 'new'),
       count(*) FILTER (change = 'updated'),
       count(*) FILTER (change IN ('unchanged', 'older'))
FROM incoming
"""


def _json_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """`read_json`'s `columns` for the rows of `table`."""
    described = con.execute(f"DESCRIBE {table}").fetchall()
    return "{%s}" % ", ".join(f"{name}: '{kind}'" for name, kind, *_ in described)
