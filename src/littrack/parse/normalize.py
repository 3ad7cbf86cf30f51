"""Pure helpers that turn PubMed's as-given values into comparable ones (shared with matching)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:www\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_PAGE = re.compile(r"^([^\d]*)(\d+)(.*)$")
_PMCID = re.compile(r"^(?:PMC)?(\d+)$", re.IGNORECASE)

MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# a season names the first month it covers inside its year ("Winter 2001" = early 2001)
SEASONS = {"winter": 1, "spring": 3, "summer": 6, "fall": 9, "autumn": 9}


def normalize_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1/ABC` / `doi:10.1/ABC` → `10.1/abc`; None when it is not a DOI."""
    if not value:
        return None
    text = value.strip()
    stripped = _DOI_PREFIX.sub("", text)
    if stripped != text and "%" in stripped:
        stripped = unquote(stripped)  # URL forms percent-encode "/" and friends
    stripped = stripped.strip().lower()
    return stripped if stripped.startswith("10.") and "/" in stripped else None


def normalize_orcid(value: str | None) -> str | None:
    """`https://orcid.org/0000-0002-1825-009x` or `0000000218250097` → `0000-0002-1825-009X`."""
    if not value:
        return None
    text = value.strip().rstrip("/")
    match = _ORCID.search(text.rsplit("/", 1)[-1])
    return "-".join(match.groups()).upper() if match else None


def normalize_pmcid(value: str | None) -> str | None:
    """`pmc123` / `123` → `PMC123`; None when it is not a PMC id."""
    match = _PMCID.match(value.strip()) if value else None
    return f"PMC{match.group(1)}" if match else None


def expand_page_range(pages: str | None) -> tuple[str | None, str | None]:
    """MedlinePgn → (start, end), the end written out in full: "304-11" → ("304", "311").

    Only the first range counts ("12-4; discussion 15" → ("12", "14")); a single page gives
    (page, None); an end written in full ("e12-e19", "S1-S9") is kept as given.
    """
    if not pages or not pages.strip():
        return None, None
    first = re.split(r"[,;]", pages.strip(), maxsplit=1)[0].strip()
    start, sep, end = first.partition("-")
    start, end = start.strip(), end.strip()
    if not sep or not end:
        return start or None, None
    start_parts, end_parts = _PAGE.match(start), _PAGE.match(end)
    if start_parts and end_parts and not end_parts.group(1) and not end_parts.group(3):
        prefix, digits, _ = start_parts.groups()
        short = end_parts.group(2)
        if len(short) < len(digits):
            short = digits[: len(digits) - len(short)] + short
        end = prefix + short
    return start, end


def month_number(text: str | None) -> int | None:
    """"Jun", "June", "06", "6" → 6; None for anything else."""
    if not text:
        return None
    text = text.strip()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(text[:3].lower())


def season_month(season: str | None) -> int | None:
    """First month a Season names: "Spring" → 3, "Sep-Dec" → 9, "Winter-Spring" → 1."""
    if not season:
        return None
    first = re.split(r"[\s/-]+", season.strip(), maxsplit=1)[0]
    return SEASONS.get(first.lower()) or month_number(first)


def safe_date(year: int | None, month: int | None = None, day: int | None = None) -> date | None:
    """The earliest real day that year/month/day can mean; None when there is no valid year."""
    if year is None or not 1 <= year <= 9999:
        return None
    month = month if month and 1 <= month <= 12 else 1
    try:
        return date(year, month, day or 1)
    except ValueError:
        return date(year, month, 1)  # a day past the month's end: keep year and month


_MEDLINE_DATE = re.compile(r"((?:1[5-9]|2\d)\d\d)(?:[\s/-]+([A-Za-z]+)(?:\s+(\d{1,2})\b)?)?")


def medline_date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """First year, month and day named in a MedlineDate: "1998 Dec-1999 Jan" → (1998, 12, None)."""
    match = _MEDLINE_DATE.search(text)
    if not match:
        return None, None, None
    year, word, day = match.groups()
    month = month_number(word) or season_month(word)
    return int(year), month, int(day) if month and day else None
