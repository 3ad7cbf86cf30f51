"""`littrack dedupe IN.csv`: dedupe a team's own export in the benchmark CSV format.

Input columns `ID,title,year,author,pages,volume,number,journal` (any order, extra columns
allowed; `booktitle`, `issue`, `doi`, `pmid`, `ENTRYTYPE` are used when present; "UNKNOWN" means
empty). Output `ID,cluster_id`, one row per input row, in input order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from littrack.errors import LittrackError
from littrack.match import fields as f
from littrack.match.dedupe import BibRecord, dedupe

REQUIRED_COLUMNS = ("ID", "title")


class DedupeInputError(LittrackError):
    """The CSV to dedupe cannot be read or lacks a required column."""


@dataclass(frozen=True, slots=True)
class DedupeCsvSummary:
    records: int
    clusters: int
    duplicates: int  # records folded into another record's cluster


def _value(row: dict, *columns: str) -> str | None:
    for column in columns:
        value = row.get(column)
        if not f.is_missing(value):
            return value.strip()
    return None


def read_bib_csv(path: Path) -> list[BibRecord]:
    """Records of a benchmark-format CSV; DedupeInputError when it cannot be used."""
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise DedupeInputError(f"{path}: missing column(s) {', '.join(missing)}")
            records = [_record(row, line) for line, row in enumerate(reader, start=2)]
    except (OSError, csv.Error, UnicodeError) as exc:
        raise DedupeInputError(f"cannot read {path}: {exc}") from exc
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise DedupeInputError(f"{path}: ID {record.id} appears more than once")
        seen.add(record.id)
    return records


def _record(row: dict, line: int) -> BibRecord:
    record_id = _value(row, "ID")
    if record_id is None:
        raise DedupeInputError(f"line {line}: empty ID")
    return BibRecord(
        id=record_id,
        title=_value(row, "title") or "",
        year=f.parse_year(_value(row, "year")),
        authors=_value(row, "author") or "",
        journal=_value(row, "journal", "booktitle"),
        volume=_value(row, "volume"),
        issue=_value(row, "number", "issue"),
        pages=_value(row, "pages"),
        doi=_value(row, "doi"),
        pmid=_value(row, "pmid"),
        entry_type=_value(row, "ENTRYTYPE"),
    )


def dedupe_csv(source: Path, output: Path) -> DedupeCsvSummary:
    """Read `source`, dedupe it, write `ID,cluster_id` for every row to `output`."""
    records = read_bib_csv(source)
    clusters = dedupe(records)
    cluster_of = {member: c.id for c in clusters for member in c.member_ids}
    try:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ID", "cluster_id"])
            writer.writerows((r.id, cluster_of[r.id]) for r in records)
    except OSError as exc:
        raise DedupeInputError(f"cannot write {output}: {exc}") from exc
    return DedupeCsvSummary(len(records), len(clusters), len(records) - len(clusters))
