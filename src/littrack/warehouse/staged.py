"""Parsed items as staging files: written by any process (a parse worker), loaded by the writer.

Pure file output, no database: a worker streams parser items into JSON-lines files in one
folder, in arrival order (`seq`, from 1 in each folder), holding one item at a time. Records keep
their typed `records` columns with the record's JSON text embedded as an object (DuckDB's fastest
bulk path here). The records the run's `Scope` admits to review are listed, with their evidence
tags: tagging is most of a bulk load's work, and here it runs in every worker instead of in the
one writer. `DeleteCitation` PMIDs and quarantined items (their XML hex-encoded) get files of
their own. `merge.Staging.load` reads the folder into the run's staging tables.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import orjson

from littrack.match.query_scope import EveryRecord, Scope
from littrack.parse.records import DeletedCitations, MalformedRecord, ParseItem, PubmedRecord
from littrack.tags.model import PaperText
from littrack.tags.tagger import TAG_ROW_COLUMNS, TAGGER_VERSION, tag_rows
from littrack.warehouse.rows import BadRecord, record_row

RECORDS_FILE = "records.jsonl"
SCOPE_FILE = "scope.jsonl"  # the records in review
TAGS_FILE = "tags.jsonl"  # theirs; every record has at least one tag (its design)
DELETIONS_FILE = "deletions.jsonl"
QUARANTINE_FILE = "quarantine.jsonl"


@dataclass(frozen=True)
class StagedItems:
    """What `stage_items` wrote into `folder`, and how many lines of each kind."""

    folder: Path
    items: int  # seq runs 1..items
    records: int
    in_scope: int
    deletions: int
    quarantined: int


def stage_items(items: Iterable[ParseItem], folder: Path, scope: Scope = EveryRecord()) -> StagedItems:
    """Write parser items into `folder` (created), numbering them from 1; tag the records
    `scope` admits to review."""
    folder.mkdir(parents=True, exist_ok=True)
    seq = 0
    counts = {RECORDS_FILE: 0, SCOPE_FILE: 0, DELETIONS_FILE: 0, QUARANTINE_FILE: 0}
    source = orjson.dumps(scope.source)
    with (
        open(folder / RECORDS_FILE, "wb") as records,
        open(folder / SCOPE_FILE, "wb") as in_scope,
        open(folder / TAGS_FILE, "wb") as tags,
        open(folder / DELETIONS_FILE, "wb") as deletions,
        open(folder / QUARANTINE_FILE, "wb") as quarantine,
    ):
        for item in items:
            seq += 1
            if isinstance(item, PubmedRecord):
                try:
                    row = record_row(item)
                except BadRecord as exc:
                    quarantine.write(_bad_record_line(seq, item, str(exc)))
                    counts[QUARANTINE_FILE] += 1
                    continue
                records.write(_record_line(seq, row))
                counts[RECORDS_FILE] += 1
                if scope.admits(item):
                    in_scope.write(b'{"seq":%d,"pmid":%d,"source":%s}\n' % (seq, item.pmid, source))
                    tags.write(_tag_lines(seq, row))
                    counts[SCOPE_FILE] += 1
            elif isinstance(item, DeletedCitations):
                for pmid in item.pmids:
                    deletions.write(b'{"seq":%d,"pmid":%d}\n' % (seq, pmid))
                counts[DELETIONS_FILE] += len(item.pmids)
            elif isinstance(item, MalformedRecord):
                quarantine.write(_malformed_line(seq, item))
                counts[QUARANTINE_FILE] += 1
            else:
                raise TypeError(f"cannot load {type(item).__name__}: expected a parser item")
    return StagedItems(
        folder, seq, counts[RECORDS_FILE], counts[SCOPE_FILE], counts[DELETIONS_FILE], counts[QUARANTINE_FILE]
    )


def _record_line(seq: int, row: dict) -> bytes:
    # the record's JSON text goes in as it is, as an object: encoding it again as a string
    # would cost as much as making it
    fields = {"seq": seq, **row}
    record = fields.pop("record_json")
    return b"%s,\"record_json\":%s}\n" % (orjson.dumps(fields)[:-1], record.encode())


def _tag_lines(seq: int, row: dict) -> bytes:
    """The record's `paper_tags` rows, keyed by the content and tagger they came from (the
    writer keeps them only if both are still current)."""
    paper = PaperText.of_record(row["title"], row["abstract"], row["publication_types"], row["mesh_terms"])
    key = {"seq": seq, "content_hash": row["content_hash"], "tagger_version": TAGGER_VERSION}
    return b"".join(
        orjson.dumps(key | dict(zip(TAG_ROW_COLUMNS, tag_row))) + b"\n"
        for tag_row in tag_rows([(row["pmid"], paper)])
    )


def _malformed_line(seq: int, item: MalformedRecord) -> bytes:
    return _quarantine_line(seq, item.pmid, item.reason, item.xml, item.xml or b"")


def _bad_record_line(seq: int, record: PubmedRecord, reason: str) -> bytes:
    pmid = record.pmid if isinstance(record.pmid, int) and record.pmid > 0 else None
    # repr escapes what JSON or UTF-8 cannot hold, so the same bad record matches itself
    return _quarantine_line(seq, pmid, reason, None, repr(record).encode())


def _quarantine_line(seq: int, pmid: int | None, reason: str, xml: bytes | None, body: bytes) -> bytes:
    fingerprint = hashlib.sha256(f"{pmid}\0{reason}\0".encode() + body).hexdigest()
    line = {
        "seq": seq,
        "pmid": pmid,
        "reason": reason,
        "xml_hex": xml.hex() if xml is not None else None,
        "fingerprint": fingerprint,
    }
    return json.dumps(line).encode() + b"\n"
