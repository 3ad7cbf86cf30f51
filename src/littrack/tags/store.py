"""Keeping `paper_tags` in step with `records`: re-tag what changed, drop what was deleted.

Only records in review scope (`query_matches`) are tagged: the tags are for reviewers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from littrack.tags.model import PaperText
from littrack.tags.tagger import TAG_ROW_COLUMNS, TAGGER_VERSION, tag_rows
from littrack.warehouse.inserts import insert_columns
from littrack.warehouse.transaction import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TagRefresh:
    tagged: int  # papers (re)tagged
    dropped: int  # papers whose tags were removed (record deleted or gone)


def refresh_paper_tags(con) -> TagRefresh:
    """Tag every current record in review scope that is untagged, or whose content or the
    tagger changed since it was tagged; drop the tags of deleted records. One transaction (or
    part of the night's): a failure leaves the old tags."""
    with transaction(con):
        dropped = _drop_deleted(con)
        stale = con.execute(
            "SELECT r.pmid, r.content_hash, r.title, r.abstract, r.publication_types, r.mesh_terms"
            " FROM records r WHERE NOT r.deleted"
            " AND EXISTS (SELECT 1 FROM query_matches q WHERE q.pmid = r.pmid)"
            " AND NOT EXISTS (SELECT 1 FROM paper_tags t"
            "  WHERE t.pmid = r.pmid AND t.content_hash = r.content_hash AND t.tagger_version = ?)"
            " ORDER BY r.pmid",
            [TAGGER_VERSION],
        ).fetchall()
        con.execute(
            "DELETE FROM paper_tags WHERE pmid IN (SELECT UNNEST(?::BIGINT[]))",
            [[pmid for pmid, *_ in stale]],
        )
        papers = [(pmid, PaperText.of_record(*columns)) for pmid, _, *columns in stale]
        _insert(con, tag_rows(papers), {pmid: digest for pmid, digest, *_ in stale})
    result = TagRefresh(tagged=len(stale), dropped=dropped)
    log.info("evidence tags: %s", result)
    return result


def _drop_deleted(con) -> int:
    gone = "FROM paper_tags WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.pmid = paper_tags.pmid AND NOT r.deleted)"
    dropped = con.execute(f"SELECT count(DISTINCT pmid) {gone}").fetchone()[0]
    con.execute(f"DELETE {gone}")
    return dropped


_TYPES = {"pmid": "BIGINT", "confidence": "DOUBLE", "position": "INTEGER"}  # the rest: VARCHAR


def _insert(con, rows: list[tuple], digests: dict[int, str]) -> None:
    """All rows at once, as columns (executemany: ~1 ms a row)."""
    if not rows:
        return
    columns = dict(zip(TAG_ROW_COLUMNS, zip(*rows)))
    insert_columns(con, "paper_tags", {
        **{name: (_TYPES.get(name, "VARCHAR"), values) for name, values in columns.items()},
        "content_hash": ("VARCHAR", [digests[pmid] for pmid in columns["pmid"]]),
    }, constants={"tagger_version": TAGGER_VERSION, "tagged_at": datetime.now(UTC)})
