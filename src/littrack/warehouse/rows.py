"""Pure conversions from parsed records to warehouse rows: JSON, content hash, typed columns."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from datetime import date
from functools import cache

import orjson

from littrack.parse.records import PubmedRecord


class BadRecord(ValueError):
    """A parsed record the warehouse cannot store; its message is the quarantine reason."""


def record_json(record: PubmedRecord) -> str:
    """The full record as compact JSON, leaving out fields that hold their default value.

    Leaving defaults out keeps every stored hash stable when the parser gains a new field
    with a default, so an upgrade does not make every record look changed.
    """
    try:
        return orjson.dumps(record, default=_non_default_fields, option=_FIELDS_OURSELVES).decode()
    except orjson.JSONEncodeError:
        # what orjson refuses (a lone surrogate, a huge int) the json module writes as it always
        # has: the same text, and the same error from `record_row`
        return json.dumps(record, default=_non_default_fields, ensure_ascii=False, separators=(",", ":"))


# dataclasses and dates go through `_non_default_fields`, as with json.dumps
_FIELDS_OURSELVES = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_row(record: PubmedRecord) -> dict:
    """The typed `records` columns of one record, JSON-ready (dates as ISO strings).

    Raises `BadRecord` for a record that would corrupt the table (a PMID that is not a
    positive number, text that is not valid Unicode).
    """
    if isinstance(record.pmid, bool) or not isinstance(record.pmid, int) or record.pmid <= 0:
        raise BadRecord(f"PMID must be a positive whole number, got {record.pmid!r}")
    if not isinstance(record.version, int) or record.version < 1:
        raise BadRecord(f"Version must be a whole number >= 1, got {record.version!r}")
    text = record_json(record)
    try:
        digest = content_hash(text)
    except UnicodeEncodeError as exc:
        raise BadRecord(f"record text is not valid Unicode: {exc.reason}") from None
    return {
        "pmid": record.pmid,
        "version": record.version,
        "kind": record.kind,
        "title": record.title,
        "abstract": record.abstract,
        "journal": record.journal_title,
        "journal_iso": record.journal_iso,
        "pub_year": record.pub_year,
        "pub_date": _iso(record.pub_date.sortable),
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmcid": record.pmcid,
        "language": list(record.languages),
        "publication_types": [p.name for p in record.publication_types],
        "mesh_terms": [h.descriptor for h in record.mesh_headings],
        "mesh": [
            {
                "descriptor": h.descriptor,
                "ui": h.descriptor_ui,
                "major_topic": h.major_topic,
                "qualifiers": [q.name for q in h.qualifiers],
            }
            for h in record.mesh_headings
        ],
        "keywords": list(record.keywords),
        "authors": [a.display_name for a in record.authors],
        "medline_status": record.status,
        "publication_status": record.publication_status,
        "is_retracted": record.is_retracted,
        "entrez_date": _iso(record.entrez_date),
        "date_revised": _iso(record.date_revised),
        "content_hash": digest,
        "record_json": text,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _non_default_fields(value) -> dict | str:
    # json.dumps calls this for what it cannot encode itself: dataclasses and dates
    kind = type(value)
    if kind is date:
        return value.isoformat()
    return {
        name: item
        for name, default in _fields_with_defaults(kind)
        if (item := getattr(value, name)) != default
    }


@cache
def _fields_with_defaults(cls: type) -> tuple[tuple[str, object], ...]:
    # a field without a default gets `MISSING`, which no value equals: it is always kept
    return tuple((f.name, f.default) for f in fields(cls))


ROW_COLUMNS = tuple(record_row(PubmedRecord(pmid=1)))
"""The `records` columns a load writes; the others are bookkeeping (runs, deletion, times)."""
