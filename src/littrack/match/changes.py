"""What changed since a stage (dedup, citation matching) last ran: the records it must look at.

Each record — a current paper (`pmid:N`) or a known citation in force (`known:N`) — has a
fingerprint of the fields the stages read. `stage_inputs` (migration 008) keeps, per stage,
the fingerprints it last processed, and the last run whose records it saw (`records.last_run_id`
marks every new, changed or deleted record with its run). Only papers of later runs are
compared, so a quiet night costs a look at the newest rows of `records`, not a scan of the
warehouse; without that mark (a stage never run, or its memory cleared) every paper is.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

_SEEN_THROUGH = "#through_run"  # the member key of a stage's last-run mark

# Every record the stage may not have seen as it is, with its fingerprint (NULL: gone): a
# paper's content hash (migration 001: any change to the parsed record changes it); for a
# known citation, the fields `dedupe_store` and `lookup` read. Known citations are few: all
# are compared.
_CANDIDATES = """
SELECT 'pmid:' || pmid AS member_key, CASE WHEN NOT deleted THEN content_hash END AS fingerprint
FROM records WHERE $through IS NULL OR last_run_id IS NULL OR last_run_id > $through
UNION ALL
SELECT 'known:' || id,
       CASE WHEN retired_at IS NULL THEN
       md5(concat_ws('|', source, title, pub_year, array_to_string(authors, ';'), journal, volume,
                     issue, pages, doi, pmid, pmcid)) END
FROM known_citations
"""


@dataclass(frozen=True, slots=True)
class Changes:
    """Records new or changed since the stage last ran (`present`) and records gone since."""

    present: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.present or self.removed)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.present + self.removed

    def pmids(self, *, removed: bool = False) -> list[int]:
        keys = self.removed if removed else self.present
        return [int(key[5:]) for key in keys if key.startswith("pmid:")]


def pending_changes(con: duckdb.DuckDBPyConnection, stage: str) -> Changes:
    """The records `stage` has not seen as they are now; leaves them in `temp.stage_changes`."""
    row = con.execute("SELECT fingerprint FROM stage_inputs WHERE stage = ? AND member_key = ?",
                      [stage, _SEEN_THROUGH]).fetchone()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE stage_changes AS "
        f"SELECT coalesce(c.member_key, s.member_key) AS member_key, c.fingerprint "
        f"FROM ({_CANDIDATES}) c {'LEFT' if row else 'FULL'} JOIN (SELECT member_key, fingerprint "
        f"FROM stage_inputs WHERE stage = $stage AND member_key <> $mark) s ON s.member_key = c.member_key "
        f"WHERE c.fingerprint IS DISTINCT FROM s.fingerprint",
        {"through": int(row[0]) if row else None, "stage": stage, "mark": _SEEN_THROUGH})
    rows = con.execute("SELECT member_key, fingerprint IS NULL FROM stage_changes "
                       "ORDER BY member_key").fetchall()
    return Changes(tuple(key for key, gone in rows if not gone),
                   tuple(key for key, gone in rows if gone))


def processed_members(con: duckdb.DuckDBPyConnection, stage: str) -> duckdb.DuckDBPyRelation:
    """The records `stage` has seen (its last-run mark aside), as a relation of `member_key`."""
    return con.sql("SELECT member_key FROM stage_inputs WHERE stage = $stage AND member_key <> $mark",
                   params={"stage": stage, "mark": _SEEN_THROUGH})


def mark_processed(con: duckdb.DuckDBPyConnection, stage: str) -> None:
    """Record the records of `pending_changes` as `stage` has now seen them."""
    con.execute("DELETE FROM stage_inputs WHERE stage = ? AND member_key IN "
                "(SELECT member_key FROM stage_changes)", [stage])
    con.execute("INSERT INTO stage_inputs SELECT ?, member_key, fingerprint FROM stage_changes "
                "WHERE fingerprint IS NOT NULL", [stage])
    # moved only when it changes: any write to this table makes the checkpoint rewrite its index
    con.execute("INSERT OR REPLACE INTO stage_inputs SELECT ?, ?, max(last_run_id)::VARCHAR FROM records"
                " HAVING max(last_run_id)::VARCHAR IS DISTINCT FROM (SELECT fingerprint FROM stage_inputs"
                "  WHERE stage = ? AND member_key = ?)", [stage, _SEEN_THROUGH, stage, _SEEN_THROUGH])


def same_inputs(con: duckdb.DuckDBPyConnection, stage: str, fingerprint: str) -> bool:
    """Whether a whole-warehouse stage (the ranking) last ran on inputs with this fingerprint."""
    row = con.execute("SELECT fingerprint FROM stage_inputs WHERE stage = ? AND member_key = '*'",
                      [stage]).fetchone()
    return row is not None and row[0] == fingerprint


def remember_inputs(con: duckdb.DuckDBPyConnection, stage: str, fingerprint: str) -> None:
    con.execute("DELETE FROM stage_inputs WHERE stage = ? AND member_key = '*'", [stage])
    con.execute("INSERT INTO stage_inputs VALUES (?, '*', ?)", [stage, fingerprint])
