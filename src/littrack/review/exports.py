"""Exports of the papers in review: RIS (for Zotero, EndNote), BibTeX and CSV.

`export_papers(con, fmt, status)` is what `littrack export` and the triage page's
`GET /api/export` call. One entry per duplicate cluster (see `export_records`), every value on
one line (a newline in a title could otherwise start a fake RIS tag or BibTeX field).

RIS, as Zotero's RIS translator reads it: TY JOUR (BOOK for book records), TI, AU per author
("Last, Fore"; a collective name alone), T2 journal, J2 its ISO abbreviation, PY, VL, IS, SP/EP,
DO, AB, KW (keywords, then MeSH terms), LA, UR to PubMed, and the PMID twice: `AN` with
`DB  - PubMed` (the RIS accession number; Zotero shows it as "Loc. in Archive" of archive
"PubMed") and `M2  - PMID: n` (Zotero appends M2 to the item's Extra field, where Zotero keeps
PMIDs, "PMID: n" one per line, as its own PubMed import does; `PMCID: PMC…` goes there too).
`M1` is avoided: Zotero reads it as the issue of a journal article. `N1` notes carry the
screening status and the duplicate PMIDs.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from littrack.review.export_records import ExportError, ExportRecord, Person, export_records

FORMATS = ("ris", "bibtex", "csv")

# rispy's tag table plus M2, which Zotero reads into Extra (it is not in rispy's table)
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "M2": "extra"}
RIS_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "M2"]

CSV_COLUMNS = (
    "pmid", "duplicate_pmids", "status", "decision", "reason", "resolved_by", "decisions",
    "notes", "tags", "title", "authors", "journal", "year", "volume", "issue", "pages", "doi",
    "pmcid", "publication_types", "is_retracted", "pubmed_url",
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    content: bytes
    media_type: str
    filename: str
    count: int  # entries written


def export_papers(con, fmt: str, status: str | None = None) -> ExportResult:
    """The papers in review with `status` (all when None or "all") as `fmt` (ris/bibtex/csv)."""
    if fmt not in _WRITERS:
        raise ExportError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    records = export_records(con, status)
    write, media_type, suffix = _WRITERS[fmt]
    name = f"littrack-{status or 'all'}-{date.today().isoformat()}.{suffix}"
    return ExportResult(write(records).encode("utf-8"), media_type, name, len(records))


def one_line(text: str | None) -> str:
    """All whitespace runs (newlines, tabs, Unicode line separators) as one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def _notes(record: ExportRecord) -> list[str]:
    status = f"littrack screening: {record.status}"
    if record.reason:
        status += f" ({record.reason})"
    notes = [status]
    if record.duplicate_pmids:
        notes.append("Duplicate PubMed records of this paper: PMID "
                     + ", ".join(map(str, record.duplicate_pmids)))
    if record.is_retracted:
        notes.append("Retracted publication")
    return [one_line(n) for n in notes]


# ---------------------------------------------------------------------------------------------
# RIS


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." counter line it puts before each entry."""

    def set_header(self, count: int) -> None:
        return None


def ris_text(records: Sequence[ExportRecord]) -> str:
    return rispy.dumps([_ris_entry(r) for r in records], implementation=_RisWriter,
                       mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS)


def _ris_entry(r: ExportRecord) -> dict:
    fields = {
        "type_of_reference": "BOOK" if r.kind == "book" else "JOUR",
        "title": r.title,
        "authors": [_ris_name(p) for p in r.people],
        "secondary_title": r.journal,
        "alternate_title1": r.journal_iso,
        "year": str(r.year) if r.year else None,
        "volume": r.volume,
        "number": r.issue,
        "start_page": r.start_page,
        "end_page": r.end_page if r.end_page != r.start_page else None,
        "doi": r.doi,
        "abstract": r.abstract,
        "keywords": [*r.keywords, *r.mesh_terms],
        "language": ", ".join(r.language),
        "urls": [r.pubmed_url],
        "accession_number": str(r.pmid),
        "name_of_database": "PubMed",
        "extra": [f"PMID: {r.pmid}", *([f"PMCID: {r.pmcid}"] if r.pmcid else [])],
        "notes": _notes(r),
    }
    entry = {}
    for key, value in fields.items():
        if isinstance(value, list):
            value = [v for v in map(one_line, value) if v]
        else:
            value = one_line(value)
        if value:
            entry[key] = value
    return entry


def _ris_name(person: Person) -> str:
    if person.collective_name:
        return person.collective_name
    return ", ".join(p for p in (person.last_name, person.fore_name, person.suffix) if p)


# ---------------------------------------------------------------------------------------------
# BibTeX: UTF-8, LaTeX's special characters escaped, titles braced so styles keep their case

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("|".join(map(re.escape, _LATEX_SPECIALS)))


def latex_escape(text: str | None) -> str:
    """`text` on one line with every character LaTeX or BibTeX would read as markup escaped."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group()], one_line(text))


def bibtex_text(records: Sequence[ExportRecord]) -> str:
    library = bibtexparser.Library()
    library.add([_bib_entry(r) for r in records])
    return bibtexparser.write_string(library)


def bibtex_key(record: ExportRecord) -> str:
    """"sigtermans2009_19427116": first author's surname in ASCII, year, PMID (so unique)."""
    first = record.people[0] if record.people else Person()
    surname = first.last_name or first.collective_name or "anon"
    ascii_surname = re.sub(r"[^a-z]", "", _ascii(surname).lower())[:24] or "anon"
    return f"{ascii_surname}{record.year or 'nd'}_{record.pmid}"


# letters Unicode does not decompose into a base letter and an accent
_UNDECOMPOSED = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
                               "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                               "Þ": "Th", "þ": "th", "ı": "i"})


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode()


def _bib_entry(r: ExportRecord) -> Entry:
    pages = "--".join(p for p in (r.start_page, r.end_page if r.end_page != r.start_page else None)
                      if p)
    fields = {
        "author": " and ".join(_bib_name(p) for p in r.people),
        "title": "{" + latex_escape(r.title) + "}",
        "journal": latex_escape(r.journal),
        "year": str(r.year or ""),
        "volume": latex_escape(r.volume),
        "number": latex_escape(r.issue),
        "pages": latex_escape(pages),
        "doi": latex_escape(r.doi),
        "pmid": str(r.pmid),
        "pmcid": r.pmcid or "",
        "url": r.pubmed_url,
        "abstract": latex_escape(r.abstract),
        "keywords": latex_escape(", ".join([*r.keywords, *r.mesh_terms])),
        "language": ", ".join(r.language),
        "note": latex_escape("; ".join(_notes(r))),
    }
    return Entry("book" if r.kind == "book" else "article", bibtex_key(r),
                 [Field(key, value) for key, value in fields.items() if value])


def _bib_name(person: Person) -> str:
    """"Last, Fore"; a name part holding " and " or a comma is braced so it stays one name."""
    def part(text: str) -> str:
        escaped = latex_escape(text)
        return "{" + escaped + "}" if re.search(r",|\sand\s", escaped, re.I) else escaped

    if person.collective_name:
        return "{" + latex_escape(person.collective_name) + "}"
    last = part(person.last_name or "")
    first = ", ".join(part(p) for p in (person.suffix, person.fore_name) if p)
    return f"{last}, {first}" if first else last


# ---------------------------------------------------------------------------------------------
# CSV: one row per cluster, decisions spelled out; cells that a spreadsheet would run as a
# formula (=, +, -, @, tab, CR first) get a leading apostrophe (OWASP's CSV-injection advice)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(records: Sequence[ExportRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_cell(value) for value in _csv_row(record)])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8


def _csv_row(r: ExportRecord) -> list:
    decisions = "; ".join(
        f"{v.reviewer}: {v.decision}" + (f" ({v.reason})" if v.reason else "") for v in r.votes)
    notes = " | ".join(f"{v.reviewer}: {one_line(v.note)}" for v in r.votes if v.note)
    tags = "; ".join(sorted({tag for v in r.votes for tag in v.tags}))
    return [
        r.pmid, " ".join(map(str, r.duplicate_pmids)), r.status, r.decision or "",
        r.reason or "", r.resolved_by or "", decisions, notes, tags, one_line(r.title),
        "; ".join(_ris_name(p) for p in r.people), r.journal or "", r.year or "",
        r.volume or "", r.issue or "", r.pages or "", r.doi or "", r.pmcid or "",
        "; ".join(r.publication_types), str(r.is_retracted).lower(), r.pubmed_url,
    ]


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_WRITERS: dict[str, tuple[Callable[[Sequence[ExportRecord]], str], str, str]] = {
    "ris": (ris_text, "application/x-research-info-systems", "ris"),
    "bibtex": (bibtex_text, "application/x-bibtex", "bib"),
    "csv": (csv_text, "text/csv; charset=utf-8", "csv"),
}
