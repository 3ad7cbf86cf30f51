"""Read a library of known papers: RIS, BibTeX, CSV, or plain text with one citation per line.

The format comes from the file's extension, checked against its content (an export named
`.txt` that holds RIS is read as RIS). Structured entries become `Citation`s directly; their
`raw` text is a Vancouver-style line built from the fields, so every entry can be shown and
stored the same way.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from littrack.errors import LittrackError
from littrack.match import fields as f
from littrack.match.citations import Citation, parse_citation

__all__ = ["KnownEntry", "KnownFileError", "bibtex_entries", "detect_format", "read_known_file",
           "read_text_file"]


class KnownFileError(LittrackError):
    """A file of known papers that cannot be read."""


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """One citation of the file and where it is: line number (text, CSV) or entry number."""

    ref_no: int
    citation: Citation


def read_known_file(path: Path) -> list[KnownEntry]:
    """Every citation in the file; a file with none, or of an unreadable shape, is an error."""
    text = read_text_file(path)
    kind = detect_format(path, text)
    entries = list(_READERS[kind](text, path))
    if not entries:
        raise KnownFileError(f"no citations found in {path} (read as {kind})")
    return entries


def detect_format(path: Path, text: str) -> str:
    """"ris", "bibtex", "csv" or "text": content first, the extension when content is silent."""
    if re.search(r"^TY  - ", text, re.M):
        return "ris"
    if re.search(r"^\s*@(?!comment|string|preamble)\w+\s*[{(]", text, re.M | re.I):
        return "bibtex"
    if path.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    return "text"


def read_text_file(path: Path) -> str:
    """The file's text; a missing or non-UTF-8 file is a `KnownFileError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnownFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise KnownFileError(f"{path} is not UTF-8 text (line {line})") from None


# ---------------------------------------------------------------------------------------------
# one citation per line


def _read_lines(text: str, path: Path) -> Iterator[KnownEntry]:
    for number, line in enumerate(text.split("\n"), 1):  # rispy's lines: other breaks are text
        if line.strip() and not line.lstrip().startswith("#"):
            yield KnownEntry(number, parse_citation(line.strip()))


# ---------------------------------------------------------------------------------------------
# structured entries


def citation_from_fields(title=None, authors=(), journal=None, year=None, volume=None,
                         issue=None, pages=None, doi=None, pmid=None) -> Citation:
    """A `Citation` from the fields of a structured entry, with a citation line as its text."""
    clean = {name: (None if f.is_missing(value) else str(value).strip()) for name, value in
             dict(title=title, journal=journal, volume=volume, issue=issue, pages=pages).items()}
    names = tuple(n for n in (_nlm_author(a) for a in authors) if n)
    citation = Citation(
        raw="", authors=names, year=f.parse_year(year), doi=f.normalize_doi(doi or ""),
        pmid=f.normalize_pmid(pmid) if not f.is_missing(pmid) else None, **clean)
    return _with_raw(citation)


def _with_raw(c: Citation) -> Citation:
    source = "".join(filter(None, [
        f"{c.journal}. " if c.journal else "", str(c.year or ""),
        f";{c.volume}" if c.volume else "", f"({c.issue})" if c.issue else "",
        f":{c.pages}" if c.pages else ""]))
    parts = [", ".join(c.authors), c.title, source.strip(),
             f"doi: {c.doi}" if c.doi else "", f"PMID: {c.pmid}" if c.pmid else ""]
    raw = ". ".join(p.rstrip(". ") for p in parts if p) + "."
    return replace(c, raw=raw)


def _nlm_author(name: str) -> str | None:
    """"Sigtermans, Marnix J." / "M. J. Sigtermans" / "Sigtermans MJ" -> "Sigtermans MJ"."""
    person = f.parse_author(name)
    if person is None:
        return None
    name = name.strip().strip(".;, ")
    if "," in name:
        last = name.split(",")[0].strip()
    elif re.search(r"\s[A-Z]{1,4}$", name):
        return name
    else:
        last = name.split()[-1]
    return f"{last} {person.initials.upper()}".strip()


# ---------------------------------------------------------------------------------------------
# RIS, read by rispy; lines outside any entry (a reference manager's preamble) are skipped

_RIS = {"title": ("TI", "T1", "CT"), "authors": ("AU", "A1"), "year": ("PY", "Y1", "DA"),
        "journal": ("T2", "JF", "JO", "JA", "J2"), "volume": ("VL",), "issue": ("IS",),
        "doi": ("DO",)}
# every tag under its own name, so an entry reads as {tag: value or [values]}
_RIS_TAG_NAMES = {tag: tag for tag in rispy.TAG_KEY_MAPPING} | {"CT": "CT"}
_RIS_ENTRY_EDGE = re.compile(r"(TY|ER)  -")


class _TolerantRisParser(rispy.RisParser):
    def is_header(self, line: str) -> bool:
        return True  # rispy 0.9 calls it for lines outside an entry (0.10 skips them itself)


def _read_ris(text: str, path: Path) -> Iterator[KnownEntry]:
    _check_ris_entries(text, path)
    entries = rispy.loads(text, implementation=_TolerantRisParser,
                          mapping=_RIS_TAG_NAMES, list_tags=["AU", "A1"])
    for number, entry in enumerate(entries, 1):
        yield KnownEntry(number, _ris_citation(entry))


def _check_ris_entries(text: str, path: Path) -> None:
    """Every entry that starts (TY) ends (ER) before the next starts: rispy 0.10 would fold an
    entry without its ER into the next one, or drop it at the end of the file, without a word."""
    open_since = None
    for number, line in enumerate(text.split("\n"), 1):  # rispy's lines: other breaks are text
        edge = _RIS_ENTRY_EDGE.match(line)
        if edge is None:
            continue
        if edge[1] == "TY" and open_since is not None:
            raise KnownFileError(f"{path} is not valid RIS: Missing end of record tag (line {number})")
        open_since = number if edge[1] == "TY" else None
    if open_since is not None:
        raise KnownFileError(
            f"{path} is not valid RIS: the entry that starts on line {open_since} has no end of record tag (ER)"
        )


def _ris_citation(entry: dict) -> Citation:
    def first(name: str) -> str | None:
        return next((entry[tag] for tag in _RIS[name] if entry.get(tag)), None)

    authors = next((entry[tag] for tag in _RIS["authors"] if entry.get(tag)), [])
    start, end = entry.get("SP"), entry.get("EP")
    pages = f"{start}-{end}" if start and end and end != start else start
    database = " ".join(entry.get(tag, "") for tag in ("DB", "DP")).lower()
    from_pubmed = "pubmed" in database or "medline" in database
    accession = entry.get("AN")
    return citation_from_fields(
        title=first("title"), authors=authors, journal=first("journal"), year=first("year"),
        volume=first("volume"), issue=first("issue"), pages=pages, doi=first("doi"),
        pmid=accession if from_pubmed and accession and accession.isdigit() else None)


# ---------------------------------------------------------------------------------------------
# BibTeX, read by bibtexparser: strings resolved, co-authors split, LaTeX decoded to Unicode

class _LatexDecoding(LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, also of lists (the co-authors, once separated)."""

    def transform_entry(self, entry, library):
        for field in entry.fields:
            if isinstance(field.value, list):
                field.value = [self._transform_python_value_string(v)[0] for v in field.value]
        return super().transform_entry(entry, library)


def bibtex_entries(text: str) -> list[dict]:
    """Each entry's fields by lower-case name, `ID` its key; `author` a list of names."""
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), _LatexDecoding()])
    return [{"ID": entry.key} | {name.lower(): field.value
                                 for name, field in entry.fields_dict.items()}
            for entry in library.entries]


def _read_bibtex(text: str, path: Path) -> Iterator[KnownEntry]:
    for number, fields in enumerate(bibtex_entries(text), 1):
        yield KnownEntry(number, _bib_citation(fields))


def _bib_citation(entry: dict) -> Citation:
    def text(*names: str) -> str | None:
        return next((_one_line(entry[n]) for n in names if isinstance(entry.get(n), str)
                     and entry[n].strip()), None)

    authors = [_one_line(a) for a in entry.get("author") or []]
    pmid = text("pmid") or (text("eprint") if "pubmed" in (text("eprinttype") or "") else None)
    pages = text("pages")
    return citation_from_fields(
        title=text("title"), authors=authors, journal=text("journal", "journaltitle"),
        year=text("year", "date"), volume=text("volume"), issue=text("number", "issue"),
        pages=re.sub(r"\s*[\u2010-\u2015-]+\s*", "-", pages) if pages else None,
        doi=text("doi"), pmid=pmid)


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


# ---------------------------------------------------------------------------------------------
# CSV: flexible headers, any common delimiter

_CSV_COLUMNS = {
    "title": {"title", "articletitle", "primarytitle", "ti"},
    "authors": {"author", "authors", "au", "authorlist", "creators"},
    "year": {"year", "pubyear", "publicationyear", "py", "date", "pubdate"},
    "journal": {"journal", "source", "journaltitle", "secondarytitle", "so", "jo",
                "publicationtitle", "containertitle", "journalabbreviation"},
    "volume": {"volume", "vol", "vl"},
    "issue": {"issue", "number", "no", "is"},
    "pages": {"pages", "page", "pagination", "pg"},
    "doi": {"doi"},
    "pmid": {"pmid", "pubmedid"},
    "citation": {"citation", "reference", "ref", "text"},
}


def _read_csv(text: str, path: Path) -> Iterator[KnownEntry]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    columns = _csv_columns(header)
    if "title" not in columns and "citation" not in columns:
        raise KnownFileError(f"{path} has no title or citation column (columns: "
                             f"{', '.join(h for h in header if h) or 'none'})")
    for row in reader:
        values = {name: row[i] for name, i in columns.items() if i < len(row) and row[i].strip()}
        if values:
            yield KnownEntry(reader.line_num, _csv_citation(values))


def _csv_columns(header: list[str]) -> dict[str, int]:
    found = {}
    for i, name in enumerate(header):
        key = re.sub(r"[^a-z]", "", name.lower())
        field = next((f_ for f_, aliases in _CSV_COLUMNS.items() if key in aliases), None)
        if field and field not in found:
            found[field] = i
    return found


def _csv_citation(values: dict[str, str]) -> Citation:
    authors = values.pop("authors", "")
    names = [a.strip() for a in (re.split(r"\s+and\s+|;", authors) if re.search(
        r"\sand\s|;", authors) else _comma_names(authors)) if a.strip()]
    text = values.pop("citation", None)
    if text and "title" not in values:
        return parse_citation(text)
    return citation_from_fields(authors=names, **values)


def _comma_names(authors: str) -> list[str]:
    """"Zuna RE, Wang SS" is two authors; "Zuna, R. E." is one."""
    parts = [p.strip() for p in authors.split(",")]
    if len(parts) > 1 and all(re.search(r"\s[A-Z]{1,4}$", p) for p in parts if p):
        return parts
    return [authors]


_READERS = {"ris": _read_ris, "bibtex": _read_bibtex, "csv": _read_csv, "text": _read_lines}
