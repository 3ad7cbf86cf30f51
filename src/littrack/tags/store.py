"""Keeping `paper_tags` in step with `records`: re-tag what changed, drop what was deleted."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from littrack.tags.model import PaperText
from littrack.tags.tagger import TAGGER_VERSION, chip, tag_paper
from littrack.warehouse.transaction import transaction

log = logging.getLogger(__name__)

_COLUMNS = (
    "pmid, tag, value, source, evidence, confidence, note, chip, position, tagger_version, "
    "content_hash, tagged_at"
)


@dataclass(frozen=True)
class TagRefresh:
    tagged: int  # papers (re)tagged
    dropped: int  # papers whose tags were removed (record deleted or gone)


def refresh_paper_tags(con) -> TagRefresh:
    """Tag every current record whose content or the tagger changed since it was last tagged;
    drop the tags of deleted records. One transaction (or part of the night's): a failure leaves
    the old tags."""
    with transaction(con):
        dropped = _drop_deleted(con)
        stale = con.execute(
            "SELECT r.pmid, r.content_hash, r.title, r.abstract, r.publication_types, r.mesh_terms"
            " FROM records r WHERE NOT r.deleted AND NOT EXISTS (SELECT 1 FROM paper_tags t"
            "  WHERE t.pmid = r.pmid AND t.content_hash = r.content_hash AND t.tagger_version = ?)"
            " ORDER BY r.pmid",
            [TAGGER_VERSION],
        ).fetchall()
        con.execute(
            "DELETE FROM paper_tags WHERE pmid IN (SELECT UNNEST(?::BIGINT[]))",
            [[pmid for pmid, *_ in stale]],
        )
        rows = _tag_rows(stale, datetime.now(UTC))
        if rows:
            con.executemany(
                f"INSERT INTO paper_tags ({_COLUMNS}) VALUES ({', '.join('?' * 12)})", rows
            )
    result = TagRefresh(tagged=len(stale), dropped=dropped)
    log.info("evidence tags: %s", result)
    return result


def _drop_deleted(con) -> int:
    gone = "FROM paper_tags WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.pmid = paper_tags.pmid AND NOT r.deleted)"
    dropped = con.execute(f"SELECT count(DISTINCT pmid) {gone}").fetchone()[0]
    con.execute(f"DELETE {gone}")
    return dropped


def _tag_rows(stale, now: datetime) -> list[tuple]:
    rows = []
    for pmid, digest, title, abstract, types, mesh in stale:
        paper = PaperText(title or "", abstract or "", tuple(types or ()), tuple(mesh or ()))
        for position, tag in enumerate(tag_paper(paper)):
            rows.append(
                (
                    pmid,
                    tag.tag,
                    tag.value,
                    tag.source,
                    tag.evidence,
                    tag.confidence,
                    tag.note,
                    chip(tag),
                    position,
                    TAGGER_VERSION,
                    digest,
                    now,
                )
            )
    return rows
