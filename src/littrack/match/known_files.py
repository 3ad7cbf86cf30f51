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

from littrack.errors import LittrackError
from littrack.match import fields as f
from littrack.match.citations import Citation, parse_citation

__all__ = ["KnownEntry", "KnownFileError", "detect_format", "read_known_file", "read_text_file"]


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
    for number, line in enumerate(text.splitlines(), 1):
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
# RIS

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS = {"title": ("TI", "T1", "CT"), "authors": ("AU", "A1"), "year": ("PY", "Y1", "DA"),
        "journal": ("T2", "JF", "JO", "JA", "J2"), "volume": ("VL",), "issue": ("IS",),
        "doi": ("DO",)}


def _read_ris(text: str, path: Path) -> Iterator[KnownEntry]:
    entry: dict[str, list[str]] = {}
    last_tag = None
    number = 0
    for line in text.splitlines():
        match = _RIS_LINE.match(line.rstrip())
        if match:
            last_tag, value = match.group(1), (match.group(2) or "").strip()
            if last_tag == "ER":
                number += 1
                yield KnownEntry(number, _ris_citation(entry))
                entry, last_tag = {}, None
            elif value:
                entry.setdefault(last_tag, []).append(value)
        elif last_tag and line.strip() and entry.get(last_tag):
            entry[last_tag][-1] += " " + line.strip()  # a wrapped long value


def _ris_citation(entry: dict[str, list[str]]) -> Citation:
    def first(name: str) -> str | None:
        return next((entry[tag][0] for tag in _RIS[name] if entry.get(tag)), None)

    authors = next((entry[tag] for tag in _RIS["authors"] if entry.get(tag)), [])
    start, end = (entry.get("SP") or [None])[0], (entry.get("EP") or [None])[0]
    pages = f"{start}-{end}" if start and end and end != start else start
    from_pubmed = any("pubmed" in v.lower() or "medline" in v.lower()
                      for tag in ("DB", "DP") for v in entry.get(tag, []))
    accession = (entry.get("AN") or [None])[0]
    return citation_from_fields(
        title=first("title"), authors=authors, journal=first("journal"), year=first("year"),
        volume=first("volume"), issue=first("issue"), pages=pages, doi=first("doi"),
        pmid=accession if from_pubmed and accession and accession.isdigit() else None)


# ---------------------------------------------------------------------------------------------
# BibTeX: a small tolerant reader (nested braces, quoted or bare values, LaTeX accents)

_BIB_START = re.compile(r"@(\w+)\s*[{(]\s*([^,\s]*)\s*,", re.I)
_BIB_FIELD = re.compile(r"\s*([\w-]+)\s*=\s*")
_LATEX_ACCENT = re.compile(r"""\\[`'^"~=.uvHckrb]\s*\{?\s*([A-Za-z])\s*\}?""")


def _read_bibtex(text: str, path: Path) -> Iterator[KnownEntry]:
    number = 0
    for start in _BIB_START.finditer(text):
        if start.group(1).lower() in ("comment", "string", "preamble"):
            continue
        fields, _ = _bib_fields(text, start.end())
        number += 1
        yield KnownEntry(number, _bib_citation(fields))


def _bib_fields(text: str, pos: int) -> tuple[dict[str, str], int]:
    found: dict[str, str] = {}
    while pos < len(text):
        name = _BIB_FIELD.match(text, pos)
        if name is None:
            break
        value, pos = _bib_value(text, name.end())
        found[name.group(1).lower()] = value
        rest = re.match(r"\s*,?", text[pos:])
        pos += rest.end()
        if text[pos: pos + 1] in ("}", ")", "@"):
            break
    return found, pos


def _bib_value(text: str, pos: int) -> tuple[str, int]:
    """One value: {braced, {nested}}, "quoted", or a bare word/number; '#' joins are kept as
    they are (rare in reference data)."""
    opener = text[pos: pos + 1]
    if opener in ('{', '"'):
        depth, i = 0, pos
        closer = "}" if opener == "{" else '"'
        while i < len(text):
            char = text[i]
            if char == "{" and (opener == '"' or i > pos):
                depth += 1
            elif char == "}" and depth > 0 and (opener == '"' or i > pos):
                depth -= 1
            elif char == closer and depth == 0 and i > pos:
                return _unlatex(text[pos + 1: i]), i + 1
            i += 1
        return _unlatex(text[pos + 1:]), len(text)  # unclosed: take the rest
    bare = re.match(r"[^,}\n]*", text[pos:])
    return bare.group().strip(), pos + bare.end()


def _unlatex(value: str) -> str:
    value = _LATEX_ACCENT.sub(r"\1", value)
    value = value.replace("\\&", "&").replace("--", "-")
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def _bib_citation(entry: dict[str, str]) -> Citation:
    authors = re.split(r"\s+and\s+", entry["author"]) if entry.get("author") else []
    pmid = entry.get("pmid") or (entry.get("eprint") if "pubmed" in entry.get("eprinttype", "")
                                 else None)
    return citation_from_fields(
        title=entry.get("title"), authors=authors,
        journal=entry.get("journal") or entry.get("journaltitle"),
        year=entry.get("year") or entry.get("date"), volume=entry.get("volume"),
        issue=entry.get("number") or entry.get("issue"), pages=entry.get("pages"),
        doi=entry.get("doi"), pmid=pmid)


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
