"""Staging one run's parsed items and merging them into the tables in one transaction.

Items are staged into temporary tables (they vanish with the connection, so a killed run
leaves nothing behind); the merge then upserts by PMID: the latest item per PMID wins, an
unchanged record (same content hash) is not written at all, a changed one first copies the
row it replaces into `record_versions`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from typing import Iterable

import duckdb

from littrack.parse.records import (
    DeletedCitations,
    MalformedRecord,
    ParseItem,
    PubmedRecord,
)
from littrack.warehouse.rows import ROW_COLUMNS, BadRecord, record_row


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
        con.execute("CREATE OR REPLACE TEMP TABLE stage_deletions (seq BIGINT, pmid BIGINT)")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_quarantine (seq BIGINT, pmid BIGINT, reason VARCHAR,"
            " xml BLOB, record_json VARCHAR, fingerprint VARCHAR)"
        )
        described = con.execute("DESCRIBE stage_records").fetchall()
        self._json_columns = "{%s}" % ", ".join(f"{name}: '{kind}'" for name, kind, *_ in described)

    def add(self, items: Iterable[ParseItem]) -> None:
        """Stage items; records go through a JSON-lines file, DuckDB's fastest bulk path here."""
        deletions: list[tuple[int, int]] = []
        bad: list[tuple] = []
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl") as lines:
            staged = 0
            for item in items:
                self._seq += 1
                if isinstance(item, PubmedRecord):
                    try:
                        row = record_row(item)
                    except BadRecord as exc:
                        bad.append(self._bad_record(item, str(exc)))
                        continue
                    lines.write(_json_line(self._seq, row))
                    staged += 1
                elif isinstance(item, DeletedCitations):
                    deletions.extend((self._seq, pmid) for pmid in item.pmids)
                elif isinstance(item, MalformedRecord):
                    bad.append(self._malformed(item))
                else:
                    raise TypeError(f"cannot load {type(item).__name__}: expected a parser item")
            lines.flush()
            if staged:
                self._con.execute(
                    "INSERT INTO stage_records BY NAME SELECT * FROM read_json(?, "
                    f"format = 'newline_delimited', columns = {self._json_columns})",
                    [lines.name],
                )
        if deletions:
            self._con.executemany("INSERT INTO stage_deletions VALUES (?, ?)", deletions)
        if bad:
            self._con.executemany("INSERT INTO stage_quarantine VALUES (?, ?, ?, ?, ?, ?)", bad)

    def _malformed(self, item: MalformedRecord) -> tuple:
        fingerprint = _fingerprint(item.pmid, item.reason, item.xml or b"")
        return (self._seq, item.pmid, item.reason, item.xml, None, fingerprint)

    def _bad_record(self, record: PubmedRecord, reason: str) -> tuple:
        pmid = record.pmid if isinstance(record.pmid, int) and record.pmid > 0 else None
        # repr escapes what JSON or UTF-8 cannot hold, so the same bad record matches itself
        fingerprint = _fingerprint(pmid, reason, repr(record).encode())
        return (self._seq, pmid, reason, None, None, fingerprint)

    def drop(self) -> None:
        for table in ("stage_records", "stage_deletions", "stage_quarantine", "incoming", "new_deletions"):
            self._con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _json_line(seq: int, row: dict) -> bytes:
    # the record's JSON text goes in as it is, as an object: encoding it again as a string
    # would cost as much as making it
    fields = {"seq": seq, **row}
    record = fields.pop("record_json")
    return b"%s,\"record_json\":%s}\n" % (
        json.dumps(fields, ensure_ascii=False)[:-1].encode(),
        record.encode(),
    )


def _fingerprint(pmid: int | None, reason: str, body: bytes) -> str:
    return hashlib.sha256(f"{pmid}\0{reason}\0".encode() + body).hexdigest()


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
    new, updated, unchanged = con.execute(_COUNT_CHANGES).fetchone()
    deleted = con.execute("SELECT count(*) FROM new_deletions").fetchone()[0]
    quarantined = con.execute("SELECT count(*) FROM stage_quarantine").fetchone()[0]
    return LoadCounts(found, new, updated, unchanged, deleted, quarantined)


_CLASSIFY = """
CREATE OR REPLACE TEMP TABLE incoming AS
SELECT s.*, CASE
        WHEN r.pmid IS NULL THEN 'new'
        WHEN s.version < r.version THEN 'older'
        WHEN s.content_hash <> r.content_hash OR r.deleted THEN 'updated'
        ELSE 'unchanged' END AS change
FROM (
    SELECT * FROM stage_records
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
FROM incoming AS i
WHERE records.pmid = i.pmid AND i.change = 'updated'
"""

_INSERT_NEW = f"""
INSERT INTO records BY NAME
SELECT {', '.join(ROW_COLUMNS)},
    current_timestamp AS first_seen_at, $run AS first_seen_run_id,
    current_timestamp AS updated_at, $run AS last_run_id
FROM incoming WHERE change = 'new'
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

_COUNT_CHANGES = """
SELECT count(*) FILTER (change = 'new'),
       count(*) FILTER (change = 'updated'),
       count(*) FILTER (change IN ('unchanged', 'older'))
FROM incoming
"""
