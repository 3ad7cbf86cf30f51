"""Parse one free-text citation into its fields, whatever its style.

Styles differ in order and punctuation, not in what they hold, so the parser looks for shapes
instead of a style: identifiers (DOI, PMID, PMCID) by pattern; the source block of journal,
year, volume, issue and pages ("Pain. 2009 Oct;145(3):304-11." Vancouver/AMA, "Pain, 145(3),
304-311." APA/Harvard, "Pain 145(3): 304-11", "Pain 145, no. 3 (2009): 304-11" Chicago); an
author list by the shape of its names ("Sigtermans MJ, van Hilten JJ", "Sigtermans, M. J., &
Dahan, A.", "M.J. Sigtermans et al.", "Sigtermans et al.", Chicago's "Sigtermans, Marieke, and
Albert Dahan", a group first where a year closes the list), before or after the title; and the
title as what is left. Short forms ("Sigtermans et al. title. Pain 2009") and e-only sources
with an empty page slot ("2017 Aug;7(8):.", "7, pp. .") are read too. A line with nothing
recognisable gives a `Citation` holding only its raw text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from littrack.match.fields import normalize_doi, normalize_pmcid

__all__ = ["Citation", "parse_citation"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A citation's fields as far as they could be read; `raw` is always the text given.

    `authors` are in NLM form ("Sigtermans MJ"); `et_al` says the list was cut short.
    """

    raw: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    et_al: bool = False
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: int | None = None
    pmcid: str | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing was recognised: no identifier, title, author or journal."""
        return not (self.title or self.authors or self.journal or self.doi or self.pmid
                    or self.pmcid)


# ---------------------------------------------------------------------------------------------
# character classes: `re` has no \p{Lu}, so spell out the Latin letters names are written in

_LATIN = [chr(c) for c in range(0x41, 0x250)]
_UP = "[" + "".join(c for c in _LATIN if c.isupper()) + "]"
_LOW = "[" + "".join(c for c in _LATIN if c.islower()) + "]"
_LETTER = "[" + "".join(c for c in _LATIN if c.isalpha()) + "]"

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MONTH_DAY = (r"(?:\s+(?:[A-Z][a-z]{2,8}\.?)(?:\s*[-/]\s*[A-Z][a-z]{2,8}\.?)?"
              r"(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?")
_VOLUME = r"(?P<volume>\d+[A-Za-z]?(?:\s+(?:Suppl|Pt)\.?\s*\d*)?|[A-Z]?\d+)"
_ISSUE = r"(?:\s*\((?P<issue>[^()]{1,30})\))?"
_PAGE = r"[A-Za-z]{0,5}\d+[A-Za-z]{0,3}"
_PAGES = rf"(?P<pages>{_PAGE}(?:\s*-{{1,2}}\s*{_PAGE})?)"
_END = r"(?=\s*(?:[.,;]|$))"

# the source block, from the end of the journal name; tried in this order, last match wins
_SOURCE_PATTERNS = [
    # Vancouver / AMA / NLM: "Pain. 2009 Oct;145(3):304-11", "BMC Pediatr. 2015 Dec 1;15:198"
    re.compile(rf"\.?\s+(?P<year>{_YEAR}){_MONTH_DAY}\s*;\s*(?:{_VOLUME})?{_ISSUE}"
               rf"(?:\s*:\s*{_PAGES})?{_END}"),
    # Chicago: "Pain 145, no. 3 (2009): 304-11"
    re.compile(rf",?\s+(?:vol\.\s*)?(?P<volume>\d+),\s*no\.\s*(?P<issue>[\w-]+)\s*"
               rf"\((?:[A-Z][a-z]+\.?\s+)?(?P<year>{_YEAR})\)\s*:\s*{_PAGES}{_END}"),
    # ACS: "J. Am. Chem. Soc. 2009, 131, 1234-1240"
    re.compile(rf"\.?\s+(?P<year>{_YEAR}),\s*{_VOLUME}{_ISSUE},\s*{_PAGES}{_END}"),
    # APA / Harvard / IEEE: "Pain, 145(3), 304-311", "Pain, 145(3), pp. 304-311",
    # "Pain, vol. 145, no. 3, pp. 304-311"
    re.compile(rf",\s*(?:vol(?:ume)?\.?\s*)?{_VOLUME}(?:{_ISSUE}|,\s*no\.\s*(?P<issue_no>[\w-]+))"
               rf"\s*[,:]\s*(?:pp?\.\s*)?{_PAGES}{_END}"),
    # no punctuation before the volume: "Pain 145(3): 304-311", "Pain 145:304-11"
    re.compile(rf"\.?\s+{_VOLUME}{_ISSUE}\s*:\s*{_PAGES}{_END}"),
    # APA / Harvard without pages (e-journals): "Int J Mol Sci, 25(24)."
    re.compile(rf",\s*(?:vol(?:ume)?\.?\s*)?{_VOLUME}{_ISSUE}\.?\s*$"),
    # ahead of print, a date and nothing else: "Pain. 2024 Jan 3."
    re.compile(rf"\.\s+(?P<year>{_YEAR}){_MONTH_DAY}\.?\s*$"),
    # short forms from slides and e-mails, the journal and the year: "Pain 2009"
    re.compile(rf",?\s+(?P<year>{_YEAR})\.?\s*$"),
    # Chicago without pages (e-journals), the year given before the title: "Pain 145 (3)."
    re.compile(rf"(?<=[A-Za-z])\s+(?P<volume>\d+){_ISSUE}\.?\s*$"),
]

# ---------------------------------------------------------------------------------------------
# identifiers and clutter

_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:?\s*)?(10\.\d{4,9}/\S+)", re.I)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\b(?:PMCID:?\s*)?(PMC\d{3,})\b", re.I)
_CLUTTER = [
    re.compile(r"\[(?:epub|published|article in|internet|cited|accessed)[^\]]*\]", re.I),
    re.compile(r"\bEpub(?:\s+ahead\s+of\s+print)?(?:\s+\d{4}(?:\s+\w{3,9}(?:\s+\d{1,2})?)?)?\.?",
               re.I),
    re.compile(r"\b(?:Available (?:from|at)|Retrieved from|Accessed)\b[^.]*\.?", re.I),
    re.compile(r"https?://\S+"),
    re.compile(r"\b(?:Erratum|Comment|Update) in:.*$", re.I),
]
# a page slot left empty by a reference manager for an e-only paper: "2017 Aug;7(8):.",
# "Dentistry, 7, pp. ." — no pages, not a broken source block
_EMPTY_PAGES = re.compile(r"(?<=[\d)])\s*:\s*(?=[.,;]|$)|,?\s*\bpp?\.\s*(?=[.,;]|$)")
_REF_NUMBER = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)])\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"',
                         "„": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def _extract_ids(text: str) -> tuple[str, str | None, int | None, str | None]:
    doi = pmid = pmcid = None
    found = _DOI.search(text)
    if found:
        doi = normalize_doi(_trim_doi(found.group(1)))
        text = text[: found.start()] + " " + text[found.end():]
    found = _PMID.search(text)
    if found:
        pmid = int(found.group(1))
        text = text[: found.start()] + " " + text[found.end():]
    found = _PMCID.search(text)
    if found:
        pmcid = normalize_pmcid(found.group(1))
        text = text[: found.start()] + " " + text[found.end():]
    return text, doi, pmid, pmcid


def _trim_doi(doi: str) -> str:
    """Drop sentence punctuation after a DOI, and a closing bracket it does not open."""
    doi = doi.rstrip(".,;")
    while doi.endswith((")", "]")) and doi.count("(") < doi.count(")") + doi.count("]"):
        doi = doi[:-1].rstrip(".,;")
    return doi


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).translate(_QUOTES)
    text = re.sub(r"\s+", " ", text).strip()
    return _REF_NUMBER.sub("", text)


def _strip_clutter(text: str) -> str:
    for pattern in _CLUTTER:
        text = pattern.sub(" ", text)
    text = _EMPTY_PAGES.sub("", text)
    text = re.sub(r"([.,;:])(?:\s+[.,])+(?=\s|$)", r"\1", text)  # removals leave ". ."
    return re.sub(r"\s+", " ", text).strip(" ,;")


# ---------------------------------------------------------------------------------------------
# author names

_PARTICLE = r"(?:van|von|de|der|den|del|della|dei|di|da|du|dos|das|do|le|la|ten|ter|te|el|al)"
_WORD = rf"(?={_UP}(?:{_LETTER}|['-])*{_LOW}){_UP}(?:{_LETTER}|['-](?={_LETTER}))*"
_SURNAME = (rf"(?P<last>(?:(?:{_PARTICLE}\s+)+|[dD]')?{_WORD}"
            rf"(?:\s+(?:{_PARTICLE}\s+)*{_WORD}){{0,2}})")
_INIT_NLM = rf"(?P<initials>{_UP}{{1,4}})(?!{_LETTER}|['-])"
_INIT_DOT = rf"(?P<dotted>{_UP}{_LOW}?\.(?:\s?-?\s?{_UP}{_LOW}?\.){{0,3}})"
_SUFFIX = r"(?:,?\s+(?P<suffix>Jr|Sr|II|III|IV|2nd|3rd)\b\.?)?"
_NAME_FORMS = [
    re.compile(rf"{_SURNAME},\s*{_INIT_DOT}{_SUFFIX}"),  # Sigtermans, M. J.
    re.compile(rf"{_SURNAME}\s+{_INIT_DOT}{_SUFFIX}"),  # Sigtermans M.J.
    re.compile(rf"{_SURNAME},?\s+{_INIT_NLM}{_SUFFIX}"),  # Sigtermans MJ
    re.compile(rf"{_INIT_DOT}\s*{_SURNAME}(?!{_LETTER})"),  # M.J. Sigtermans
    re.compile(rf"{_SURNAME}(?=,?\s*et\.?\s*al\b)"),  # Sigtermans et al.
]
# full given names, read only where a year closes the list (APA, Harvard, Chicago author-date):
# elsewhere "Depression, Anxiety" could be a title. The first name inverted, the others not.
_GIVEN = rf"(?P<given>{_WORD}(?:[\s-]+(?:{_WORD}|{_UP}\.?(?!{_LETTER})))*)"
_FULL_NAME_FORMS = [
    re.compile(rf"{_SURNAME},\s*{_GIVEN}{_SUFFIX}(?=\s*(?:[,;&.]|and\b|et\b|$))"),  # Blum, Kenneth
    # Lisa Lott, C Matthias Wilk — but not "Le Berichel, J." (an inverted name with initials)
    re.compile(rf"(?P<given>(?:{_WORD}|{_UP}\.?)(?:\s+(?:{_WORD}|{_UP}\.?(?!{_LETTER})))*?)\s+"
               rf"(?P<last>(?:{_PARTICLE}\s+)*{_WORD}){_SUFFIX}(?=\s*(?:[,;&.]|and\b|et\b|$))"
               rf"(?!,\s*{_UP}(?:\.|{_UP}{{0,3}}(?=\s*(?:[,;&.]|and\b|$))))"),
]
# a group author, recognised by its head noun, and only after a personal name
_COLLECTIVE = re.compile(
    r"[^,;.]*?\b(?:Group|Network|Consortium|Collaborat\w*|Committee|Investigators|Society|"
    r"Association|Team|Federation|Council|Initiative|Organi[sz]ation|Panel|Trialists|Alliance)"
    r"\b[^,;.]*")
_SEPARATOR = re.compile(r"\s*(?:[,;]\s*(?:(?:&|and)\s+)?|(?:&|and)\s+)")
_ET_AL = re.compile(r"[,;]?\s*et\.?\s*al\b\.?", re.I)


def _nlm_name(match: re.Match) -> str:
    groups = match.groupdict()
    if groups.get("initials"):
        initials = groups["initials"]
    elif groups.get("dotted"):
        initials = "".join(c for c in groups["dotted"] if c.isupper())
    else:  # "Kenneth", "Jan-Emmanuel", "David E": the first letter of each given name
        initials = "".join(w[0] for w in re.split(r"[\s.-]+", groups.get("given") or "") if w)
    suffix = match.groupdict().get("suffix")
    return " ".join(p for p in (match.group("last"), initials, suffix) if p)


def _scan_authors(text: str, pos: int = 0, full_names: bool = False
                  ) -> tuple[list[str], bool, int]:
    """Names read from `pos` on: (names in NLM form, et al. seen, where the list ends)."""
    names: list[str] = []
    while True:
        name = _name_at(text, pos, not names, full_names)
        if name is None:
            break
        names.append(name[0])
        pos = name[1]
        et_al = _ET_AL.match(text, pos)
        if et_al:
            return names, True, et_al.end()
        separator = _SEPARATOR.match(text, pos)
        if separator is None or not separator.group() or not _name_at(
                text, separator.end(), False, full_names):
            break
        pos = separator.end()
    return names, False, pos


def _name_at(text: str, pos: int, first: bool, full_names: bool = False
             ) -> tuple[str, int] | None:
    """(name in NLM form, where it ends) for the name starting at `pos`, if one does.

    A group name ("ALTS Group") only after a personal name, or where a year closes the list
    (`full_names`): elsewhere "Association of X with Y" would pass for one. With full names, only
    the first is inverted ("Blum, Kenneth, Lisa Lott, and David E Smith"), and they are tried
    before initials: "David E" is no NLM name there.
    """
    forms = [_FULL_NAME_FORMS[not first], *_NAME_FORMS] if full_names else _NAME_FORMS
    person = next((m for form in forms if (m := form.match(text, pos))), None)
    if person:
        return _nlm_name(person), person.end()
    group = _COLLECTIVE.match(text, pos) if full_names or not first else None
    if group and group.group().strip():
        return group.group().strip(), group.end()
    return None


def _author_list_ends(text: str, end: int) -> bool:
    """The names are a whole list: what follows is a sentence end, or nothing."""
    rest = text[end:]
    return not rest.strip(" .,;:") or bool(re.match(r"\s*[.:]\s", rest)) or (
        text[end - 1] == "." and rest.startswith(" "))


# ---------------------------------------------------------------------------------------------
# head: authors and title, in either order

_YEAR_PAREN = re.compile(rf"\(\s*(?P<year>{_YEAR})[a-z]?(?:,[^)]*)?\)\.?|\(n\.d\.\)\.?")
_BARE_YEAR = re.compile(rf"(?:^|(?<=[.,]\s))(?P<year>{_YEAR})[a-z]?\.(?=\s|$)")
# a quoted title is a segment of its own: "(2009) 'Title', Pain", 'et al., "Title," Pain'
_QUOTED = re.compile(r"""(?:^|(?<=[.,:)]\s))(?P<q>['"])(?P<title>.{8,}?)"""
                     r"""(?:(?<=[,.?!])(?P=q)(?=\s|$)|(?P=q)(?=[,.;:](?:\s|$)|$))""")


# a single author's surname, alone, before a lower-cased title (short forms)
_LONE_SURNAME = re.compile(rf"{_SURNAME}\.\s+(?=[a-z])")


@dataclass(frozen=True, slots=True)
class _Head:
    authors: tuple[str, ...] = ()
    et_al: bool = False
    title: str | None = None
    year: int | None = None


def _read_head(head: str) -> _Head:
    """Authors and title from the text before the journal."""
    dated = _YEAR_PAREN.search(head) or _BARE_YEAR.search(head)
    if dated:  # APA / Harvard: authors (year) title
        year = int(dated.group("year")) if dated.groupdict().get("year") else None
        before, after = head[: dated.start()], head[dated.end():]
        after = after.strip()
        quoted = _QUOTED.search(after)
        after = quoted.group("title") if quoted else after
        names, et_al, end = _scan_authors(before.strip(), full_names=True)
        if names and not before.strip()[end:].strip(" .,;"):
            return _Head(tuple(names), et_al, _title(after), year)
        return _Head((), False, _title(after) or _title(before), year)
    quoted = _QUOTED.search(head)
    if quoted:
        names, et_al, _ = _scan_authors(head[: quoted.start()].strip())
        return _Head(tuple(names), et_al, _title(quoted.group("title")))
    names, et_al, end = _scan_authors(head)
    if names and _author_list_ends(head, end):
        return _Head(tuple(names), et_al, _title(head[end:]))
    for boundary in re.finditer(r"[.?!]\s+", head):  # title first, then the authors
        names, et_al, end = _scan_authors(head, boundary.end())
        if names and not head[end:].strip(" .,;"):
            return _Head(tuple(names), et_al, _title(head[: boundary.start() + 1]))
    lone = _LONE_SURNAME.match(head)
    if lone:  # "Silva. review of the symptom inventory": no sentence starts lower-case
        return _Head((lone.group("last"),), False, _title(head[lone.end():]))
    return _Head(title=_title(head))


def _title(text: str) -> str | None:
    text = text.strip(" .,;:")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    text = re.sub(r"(?<![A-Z])\.+$", "", text.strip(" ,;'\"")).strip()
    return text if re.search(r"[^\W\d_]{2}", text) else None


# ---------------------------------------------------------------------------------------------
# the source block and the journal before it

_ABBREVIATED_WORD = re.compile(r"[A-Z][a-z]{0,3}\.")


def _find_source(text: str) -> tuple[int, re.Match] | None:
    """(journal start, source match) for the last source block of the first style that has one."""
    for pattern in _SOURCE_PATTERNS:
        found = None
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if any(groups.get(name) for name in ("volume", "issue", "pages", "year")):
                found = match
        if found is not None:
            start = _journal_start(text, found.start())
            if start < found.start():
                return start, found
    return None


def _journal_start(text: str, end: int) -> int:
    """Where the journal name before `end` begins: after a quoted title, or else after the
    previous sentence end, taking in the dotted abbreviations before a one-word name
    ("J. Am. Chem. Soc.")."""
    before = text[:end]
    quoted = list(_QUOTED.finditer(before))
    if quoted:  # Harvard, IEEE: the journal follows the quoted title
        return quoted[-1].end() + len(re.match(r"[,.]?\s*", before[quoted[-1].end():]).group())
    boundaries = [0] + [
        m.end() for m in re.finditer(r"""[.?!]['"]?\s+|['"],?\s+|\)\.?\s+""", before)
        if before[: m.end()].count("(") <= before[: m.end()].count(")")]  # not in "(D.C.)"
    if re.fullmatch(r"[A-Z][a-z]*\.?", before[boundaries[-1]:].strip()):
        while len(boundaries) > 1 and _ABBREVIATED_WORD.fullmatch(
                before[boundaries[-2]: boundaries[-1]].strip()):
            boundaries.pop()
    return boundaries[-1]


def _read_source(text: str) -> tuple[str, dict, str] | None:
    """(head, source fields, tail) when the text has a source block."""
    found = _find_source(text)
    if found is None:
        return None
    start, match = found
    groups = match.groupdict()
    journal = text[start: match.start()].strip(" .,;'\"")
    source = {
        "journal": journal or None,
        "year": int(groups["year"]) if groups.get("year") else None,
        "volume": groups.get("volume"),
        "issue": groups.get("issue") or groups.get("issue_no"),
        "pages": re.sub(r"\s*-+\s*", "-", groups["pages"]) if groups.get("pages") else None,
    }
    return text[:start], source, text[match.end():]


# ---------------------------------------------------------------------------------------------


def parse_citation(raw: str) -> Citation:
    """Read a citation in any common style; fields it cannot find stay None."""
    text, doi, pmid, pmcid = _extract_ids(_clean(raw))
    text = _strip_clutter(text)
    source = _read_source(text)
    if source is None:
        head, fields, tail = text, {}, ""
    else:
        head, fields, tail = source
    parts = _read_head(head)
    year = fields.get("year") or parts.year or _any_year(tail) or (
        None if source else _any_year(head))
    return Citation(
        raw=raw,
        title=parts.title,
        authors=parts.authors,
        et_al=parts.et_al,
        journal=fields.get("journal"),
        year=year,
        volume=fields.get("volume"),
        issue=fields.get("issue"),
        pages=fields.get("pages"),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
    )


def _any_year(text: str) -> int | None:
    found = re.search(rf"(?<!\d){_YEAR}(?!\d)", text)
    return int(found.group()) if found else None
