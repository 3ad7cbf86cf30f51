"""Field helpers shared by citation matching and deduplication: normalise and compare the parts
of a bibliographic record (title, authors, journal, pages, year, DOI) as they come from PubMed,
reference lists and database exports (BibTeX, RIS, EndNote, Excel-damaged CSV).

Every function is pure and cheap; comparisons return a similarity in [0, 1] or a bool, and treat a
missing value as "unknown", never as a disagreement.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from littrack.parse.normalize import (
    MONTHS,
    expand_page_range,
    normalize_doi,
    normalize_pmcid,
)

__all__ = [  # normalize_doi / normalize_pmcid are the parser's, re-exported for matching code
    "AuthorName", "PageRange", "author_overlap", "first_authors_match", "fold", "is_missing",
    "journal_names", "journal_names_match", "journals_match", "normalize_doi", "normalize_pmcid",
    "normalize_pmid", "normalize_title", "normalize_volume", "notice_kind", "notice_subject",
    "page_range", "pages_agree", "parse_author", "parse_authors", "parse_nlm_names", "parse_year",
    "strip_annotations", "title_numbers", "title_similarity", "tokens", "year_gap",
]

# ---------------------------------------------------------------------------------------------
# text basics

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")  # <i>, </sup>, <sub>, <mml:mi ...>
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_MISSING = {"", "unknown", "n/a", "na", "none", "null", "[no title available]", "no title"}
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "μ": "mu"}


def is_missing(value: object) -> bool:
    """True for None and the placeholders exports write for an empty field ("UNKNOWN", "n/a")."""
    return value is None or str(value).strip().lower() in _MISSING


def fold(text: str) -> str:
    """Lower-case ASCII: HTML entities decoded, markup tags dropped, diacritics removed."""
    if text.isascii() and "&" not in text and "<" not in text:
        return text.lower()  # the common case, several times faster
    text = _TAG.sub("", html.unescape(text))
    for letter, name in _GREEK.items():
        text = text.replace(letter, name)
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode().lower()


def tokens(text: str) -> list[str]:
    """The alphanumeric words of `fold(text)`."""
    return _NON_ALNUM.sub(" ", fold(text)).split()


# ---------------------------------------------------------------------------------------------
# titles

_TRANSLATED = re.compile(r"^\s*\[(.*)\]\s*\.?\s*$", re.S)  # MEDLINE: "[Translated title]."
# database labels after the title: "[Review] [33 refs]", "[Erratum appears in ...]",
# "(Provisional abstract)", "[abstract no: 12]"
_ANNOTATION = re.compile(
    r"(?:\s*(?:\[[^\[\]]*\]?|\((?:[^()]*\b(?:abstract|record|review|refs?)\b[^()]*)\))\W*)+$",
    re.I)
_TITLE_PREFIX = re.compile(r"^\s*(retracted(\s+article)?|withdrawn)\s*[:.]\s*", re.I)
_LABELS_AFTER = re.compile(r"\]\W*(?=\[)")
_A_WORD = re.compile(r"[^\W\d_]{3}")


def normalize_title(title: str | None) -> str:
    """Comparable form of a title: lower-case ASCII words separated by single spaces.

    Drops markup remnants, diacritics, punctuation, a trailing period, the square brackets
    MEDLINE puts around translated titles, and a "RETRACTED:" / "WITHDRAWN:" label (the record
    is still the original article). "" for a missing title.
    """
    if is_missing(title):
        return ""
    text = _TITLE_PREFIX.sub("", strip_annotations(str(title)))
    return " ".join(tokens(text))


def strip_annotations(title: str) -> str:
    """The title without the brackets of a translated title and without database labels
    appended to it ("[Review] [33 refs]", "[Erratum appears in ...]", "(Structured abstract)")."""
    if "[" not in title and "(" not in title:
        return title  # the common case: every label is in brackets
    bracketed = _TRANSLATED.match(title[: _labels_start(title)])
    if bracketed:
        return bracketed.group(1)
    stripped = _ANNOTATION.sub("", title)
    return stripped if _A_WORD.search(stripped) else title  # "Interview [Review]"


def _labels_start(title: str) -> int:
    """Where labels after a bracketed title begin: in "[Title]. [Review] [16 refs]", after
    "[Title]. " (the first closing bracket that another bracket follows)."""
    closing = _LABELS_AFTER.search(title)
    return closing.end() if closing else len(title)


def title_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two titles ALREADY normalised with `normalize_title`.

    Edit-distance ratio; 0.0 when either is empty.
    """
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
# "i" and "v" are roman numerals only after these words (else a pronoun / "versus")
_NUMBERED = {"part", "phase", "type", "stage", "grade", "class", "study", "trial", "series",
             "section", "volume", "vol", "chapter", "report", "no", "number", "paper"}
_DIGITS = re.compile(r"\d+")
_THOUSANDS = re.compile(r"\b\d{1,3}(?: \d{3})+\b")  # "10 000" / "10,000" written apart


def title_numbers(normalized_title: str) -> frozenset[int]:
    """The numbers a normalised title names (digits, and roman numerals as numbers).

    "part ii" and "part 2" both give {2}; titles of a series or of different phases differ
    mostly here, so callers use it to refuse merges ("Phase I" vs "Phase II").
    """
    text = _THOUSANDS.sub(lambda m: m.group().replace(" ", ""), normalized_title)
    found = {int(d) for d in _DIGITS.findall(text)}  # digit runs never span words
    words = text.split()
    if _ROMAN.keys().isdisjoint(words):
        return frozenset(found)  # most titles
    for i, word in enumerate(words):
        roman = _ROMAN.get(word)
        if roman and (len(word) > 1 and word != "x" or (i and words[i - 1] in _NUMBERED)):
            found.add(roman)
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# authors

@dataclass(frozen=True, slots=True)
class AuthorName:
    """A person as citations give them: folded last name ("vanderberg") and initials ("jm")."""

    last: str
    initials: str = ""
    collective: bool = False  # a group name ("ALTS Group"), not a person


_INITIALS_ONLY = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.?[\s-]?){1,4})$")
_NLM_NAME = re.compile(r"^(?P<last>.+?)\s+(?P<initials>[A-Z]{1,4})$")
_SUFFIX = re.compile(r"^(jr|sr|2nd|3rd|ii|iii|iv)\.?$", re.I)


_PARTICLES = {"van", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "von",
              "ten", "ter", "af", "al", "el", "st"}


def _last_key(last: str) -> str:
    """Folded last name without particles, which exports keep or drop ("van der Graaf")."""
    words = tokens(last)
    return "".join(w for w in words if w not in _PARTICLES) or "".join(words)


def _initials_of(given: str) -> str:
    """"Richard W." -> "rw", "R E" -> "re", "F.S." -> "fs", "FM" -> "fm", "Bernd-Carsten" -> "bc"."""
    given = given.strip()
    if re.fullmatch(r"[A-Z]{1,4}", given):
        return given.lower()  # initials written together
    return "".join(part[0] for part in re.split(r"[\s.\-]+", fold(given)) if part[:1].isalpha())


_COLLECTIVE = re.compile(r"\b(group|study|trial|consortium|investigators|collaborat\w*|committee|"
                         r"society|network|association|working|team|council|organi[sz]ation)\b",
                         re.I)


@lru_cache(maxsize=200_000)  # names recur across a warehouse's records
def parse_author(name: str) -> AuthorName | None:
    """One author in BibTeX/RIS "Last, First M." , NLM "Last FM" or "First M. Last" form."""
    name = name.strip().strip(".;,").strip()
    if is_missing(name):
        return None
    if _COLLECTIVE.search(name):
        return AuthorName("".join(tokens(name)), collective=True)
    if "," in name:
        last, _, given = name.partition(",")
        given = ",".join(p for p in given.split(",") if not _SUFFIX.match(p.strip()))
        return AuthorName(_last_key(last), _initials_of(given))
    nlm = _NLM_NAME.match(name)
    if nlm:
        return AuthorName(_last_key(nlm["last"]), nlm["initials"].lower())
    words = [w for w in name.split() if not _SUFFIX.match(w)]
    if len(words) == 1:
        return AuthorName(_last_key(words[0]))
    return AuthorName(_last_key(words[-1]), _initials_of(" ".join(words[:-1])))


def parse_nlm_names(names: Sequence[str]) -> tuple[AuthorName, ...]:
    """Names already in NLM form ("Sigtermans MJ", "van Hilten JJ", "Cabrera Garcia", "ALTS
    Group"), as PubMed and the citation parser give them: the initials come last, and a name
    without initials is a surname alone, never "First Last"."""
    return tuple([a for a in map(_nlm_name, names) if a is not None])


@lru_cache(maxsize=200_000)  # names recur across the candidates of a citation
def _nlm_name(name: str) -> AuthorName | None:
    name = name.strip().strip(".;,").strip()
    if is_missing(name):
        return None
    if _COLLECTIVE.search(name):
        return AuthorName("".join(tokens(name)), collective=True)
    nlm = _NLM_NAME.match(name)
    if nlm:
        return AuthorName(_last_key(nlm["last"]), nlm["initials"].lower())
    last = _last_key(name)
    return AuthorName(last) if last else None


def _looks_like_nlm_list(text: str) -> bool:
    """"Zuna RE, Wang SS" (NLM list) rather than "Zuna, R E" (one BibTeX author)."""
    parts = [p.strip() for p in text.split(",")]
    return len(parts) > 1 and all(_NLM_NAME.match(p) for p in parts if p)


def parse_authors(authors: str | Sequence[str] | None) -> tuple[AuthorName, ...]:
    """Authors from a BibTeX string ("Last, F. and Last, F."), a ";"-separated RIS/EndNote
    string, an NLM list ("Zuna RE, Wang SS"), or a sequence of single names."""
    if authors is None:
        return ()
    if isinstance(authors, str):
        if is_missing(authors):
            return ()
        if re.search(r"\sand\s", authors):
            names = re.split(r"\s+and\s+", authors)
        elif ";" in authors:
            names = authors.split(";")
        elif _looks_like_nlm_list(authors):
            names = authors.split(",")
        else:
            names = [authors]
    else:
        names = list(authors)
    return tuple([a for a in map(parse_author, names) if a is not None and a.last])


def _initials_compatible(a: str, b: str) -> bool:
    """"rm" ~ "r", and "rm" ~ "m" (a middle name used as the first name); "rm" !~ "js"."""
    return not a or not b or a[0] == b[0] or a[0] in b or b[0] in a


def _same_person(a: AuthorName, b: AuthorName) -> bool:
    x, y = a.last, b.last
    if x == y:
        return _initials_compatible(a.initials, b.initials)
    shorter = min(len(x), len(y))
    if shorter >= 3 and x[0] == y[0] and (
            fuzz.ratio(x, y) >= 75 or x.startswith(y) or y.startswith(x)):
        # transliterations, typos and lost letters ("syrjanen"/"syrjaenen", "gok"/"g?k")
        return _initials_compatible(a.initials, b.initials)
    if shorter >= 4 and (x.endswith(y) or y.endswith(x)):
        return _initials_compatible(a.initials, b.initials)  # "Macedo Barcelos" / "Barcelos"
    # given and family name swapped by an export ("Xi, L F" / "Long, F X")
    return bool(a.initials and b.initials) and x[0] in b.initials and y[0] in a.initials


def author_overlap(a: Sequence[AuthorName], b: Sequence[AuthorName]) -> float | None:
    """Share of the shorter list of persons found in the other list (same person: same last
    name, or a near spelling, with compatible initials). None when either list has no person:
    a group name alone says nothing about who wrote it."""
    a = [n for n in a if not n.collective]
    b = [n for n in b if not n.collective]
    if not a or not b:
        return None
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    pool = list(longer)
    found = 0
    for person in shorter:
        match = next((i for i, other in enumerate(pool) if _same_person(person, other)), None)
        if match is not None:
            found += 1
            del pool[match]
    return found / len(shorter)


def first_authors_match(a: Sequence[AuthorName], b: Sequence[AuthorName]) -> bool | None:
    """Whether the first authors are the same person; None when either list is empty."""
    if not a or not b:
        return None
    return _same_person(a[0], b[0])


# ---------------------------------------------------------------------------------------------
# journals

_JOURNAL_STOP = {"the", "of", "and", "for", "in", "on", "a", "an", "de", "la", "le", "du", "des",
                 "der", "die", "und", "fur", "et", "y", "&"}
_ALIAS = {"j": "journal", "jnl": "journal"}
# parallel / alternative names: "Zhonghua ... = Chinese journal of ...", "BJOG: An ...",
# "JPEN. Journal of ...", "Title : official journal of ...", "Title / ESMO"
_JOURNAL_SPLIT = re.compile(r"\s*(?:=|:|/|\[|\]|\.(?=\s*[A-Za-z]{3,}))\s*")
# "(Amsterdam, Netherlands)", "(1946)", "[Electronic Resource]"
_PLACE = re.compile(r"\([^()]*\)|\[(?:electronic resource|internet|online|print)\]", re.I)


@lru_cache(maxsize=50_000)  # a warehouse holds a few thousand journals, each written many ways
def journal_names(journal: str | None) -> tuple[tuple[str, ...], ...]:
    """The token lists a journal field can stand for: the whole (minus place/year qualifiers in
    parentheses and medium labels) and each of its parallel names ("A = B", "A [B]", "A: B"),
    stop words dropped."""
    if is_missing(journal):
        return []
    text = _PLACE.sub(" ", html.unescape(str(journal)).strip().strip('"'))
    variants = [text, *_JOURNAL_SPLIT.split(text)]
    names = []
    for variant in variants:
        words = tuple(w for w in tokens(variant) if w not in _JOURNAL_STOP)
        if words and words not in names:
            names.append(words)
    return tuple(names)


def _abbreviates(short: Sequence[str], full: Sequence[str]) -> bool:
    """Each word of `short` a prefix of the next word of `full`, in order, all words used;
    an all-lowercase run may also be the spaced form of one word ("jie he" ~ "jiehe")."""
    joined_short, joined_full = "".join(short), "".join(full)
    if joined_short == joined_full:
        return True
    if len(short) != len(full) or len(full) == 1:
        return False  # one-word journal titles are never abbreviated ("Cancer", "Chest")
    return all(f.startswith(_ALIAS.get(s, s)) for s, f in zip(short, full))


@lru_cache(maxsize=50_000)  # a citation's journal is compared with each candidate's, which recur
def journals_match(a: str | None, b: str | None) -> bool | None:
    """Whether two journal fields name the same journal: equal after normalisation, or one an
    ISO-style abbreviation of the other ("Expert Rev Neurother" ~ "Expert review of
    neurotherapeutics", "J" ~ "Journal"), trying each parallel name ("JPEN. Journal of ...").
    None when either is missing."""
    names_a, names_b = journal_names(a), journal_names(b)
    if not names_a or not names_b:
        return None
    return journal_names_match(names_a, names_b)


def journal_names_match(names_a: Sequence[Sequence[str]], names_b: Sequence[Sequence[str]]) -> bool:
    """`journals_match` on names already split by `journal_names` (for repeated comparisons)."""
    return any(_abbreviates(x, y) or _abbreviates(y, x) or _has_acronym(x, y) or _has_acronym(y, x)
               for x in names_a for y in names_b)


def _has_acronym(name: Sequence[str], full: Sequence[str]) -> bool:
    """A word of `name` is an acronym of all of `full`: "JAMA", "CMAJ", "AMCIS" (Americas
    Conference on Information Systems) — one or more leading letters of each word, in order."""
    return len(full) >= 3 and any(
        len(word) >= 3 and word.isalpha() and _spells(word, full) for word in name)


def _spells(acronym: str, words: Sequence[str]) -> bool:
    if not words:
        return not acronym
    if not acronym or acronym[0] != words[0][0]:
        return False
    return any(_spells(acronym[n:], words[1:])
               for n in range(1, min(len(acronym), len(words[0])) + 1)
               if words[0].startswith(acronym[:n]))


# ---------------------------------------------------------------------------------------------
# pages, volumes, years, identifiers

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_PAGE_LABEL = re.compile(r"^(?:pages?|pp?)(?:\.\s*|\s+)")  # "pp. 37-42", "Pages 37-42"
_EXCEL_DATE = re.compile(r"(\d{1,2})-([a-z]{3})")  # Excel turned "5-12" into "12-May"
_PAGE_DASH = re.compile(r"\s*-+\s*")


@dataclass(frozen=True, slots=True)
class PageRange:
    """A normalised page range: `first` ("288", "s358", "e1234") and `last` (expanded) or None."""

    first: str
    last: str | None = None

    @property
    def first_number(self) -> str:
        """The digits of the first page ("s358" -> "358"), for comparing across prefix styles."""
        digits = _DIGITS.search(self.first)
        return digits.group() if digits else self.first


def page_range(pages: str | None) -> PageRange | None:
    """Parse "288-297", "47--65", "304–11" (-> 304..311), "pp. 37-42", "S358", "e1234",
    "123-9; discussion 130"; None when missing or unreadable ("Suppl-29", "12-May": Excel's
    date for a range, which no longer says which number came first)."""
    if is_missing(pages):
        return None
    text = fold(str(pages).translate(_DASHES)).strip().strip('"')
    text = _PAGE_DASH.sub("-", _PAGE_LABEL.sub("", text))
    excel = _EXCEL_DATE.fullmatch(text)
    if excel and excel[2] in MONTHS:
        return None  # which of day and month was the first page is lost
    first, last = expand_page_range(text)
    if not first or not _DIGITS.search(first):
        return None
    return PageRange(first, last if last and _DIGITS.search(last) else None)


def _page_number(page: str) -> tuple[str, int]:
    """("s", 358) for "s358": the letter prefix and the number."""
    prefix = page[: len(page) - len(page.lstrip("abcdefghijklmnopqrstuvwxyz"))]
    digits = _DIGITS.search(page)
    return prefix, int(digits.group()) if digits else 0


def pages_agree(a: PageRange | None, b: PageRange | None) -> bool | None:
    """True for the same first page, or the same last page after a first page one digit off
    ("372-380" / "382-380"); False only for two page ranges of the same style that do not
    overlap. None (unknown) when either is missing, when one is an article number and the other
    a page range ("e12724" / "1-6"), when the ranges overlap, or when the first pages are one
    typo apart."""
    if a is None or b is None:
        return None
    if a.first == b.first or (a.last and a.last == b.last and _one_digit_apart(a.first, b.first)):
        return True  # the same range, or its first page mistyped
    (prefix_a, start_a), (prefix_b, start_b) = _page_number(a.first), _page_number(b.first)
    if prefix_a != prefix_b:
        return True if start_a == start_b else None
    end_a = _page_number(a.last)[1] if a.last else start_a
    end_b = _page_number(b.last)[1] if b.last else start_b
    if start_a <= end_b and start_b <= end_a or _one_digit_apart(str(start_a), str(start_b)):
        return None
    return False


def _one_digit_apart(a: str, b: str) -> bool:
    """A typed page number off by one digit: one changed ("372"/"382"), or two swapped
    ("372"/"327")."""
    if len(a) != len(b) or len(a) < 2:
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])


def normalize_volume(volume: str | int | None) -> str:
    """"Vol. 12" -> "12", "UNKNOWN" -> ""."""
    if is_missing(volume):
        return ""
    digits = _DIGITS.findall(str(volume))
    if not digits:
        return fold(str(volume)).strip()
    return digits[0].lstrip("0") or "0"


def year_gap(a: int | None, b: int | None) -> int | None:
    """Absolute difference of two years; None when either is unknown."""
    if a is None or b is None:
        return None
    return abs(a - b)


def parse_year(value: str | int | None) -> int | None:
    """The first plausible four-digit year in a field ("2006", "2006 Mar", "UNKNOWN" -> None)."""
    if value is None:
        return None
    found = re.search(r"(1[5-9]|20)\d\d", str(value))
    return int(found.group()) if found else None


def normalize_pmid(pmid: str | int | None) -> int | None:
    """PMID as an int ("PMID: 123" -> 123); None when missing."""
    if pmid is None:
        return None
    digits = _DIGITS.search(str(pmid))
    return int(digits.group()) if digits else None


# ---------------------------------------------------------------------------------------------
# notices: records that refer to another paper and must never be merged with it

# only types that say "this record is a notice about another one"; "Comment"/"Letter" types are
# also given to stand-alone pieces, so comments are recognised by their titles alone
_NOTICE_TYPES = {
    "erratum": "erratum",
    "published erratum": "erratum",
    "retraction of publication": "retraction",
    "retraction notice": "retraction",
    "expression of concern": "expression-of-concern",
}
# on the folded title with punctuation kept: "Correction of hypoxaemia" and "Response of tumours"
# are articles, "Correction: ..." and "Response to ..." are notices
_NOTICE_TITLE = [
    (re.compile(r"^\W*(erratum|errata|corrigendum|corrigenda)\b"), "erratum"),
    (re.compile(r"^\W*(author |publisher )?correction\s*(:|to\b|for\b|\.|$)"), "erratum"),
    (re.compile(r"^\W*(notice of )?retraction( note| notice)?\s*(:|of\b|to\b|for\b|\.|$)"),
     "retraction"),
    (re.compile(r"\bexpression of concern\b"), "expression-of-concern"),
    (re.compile(r"^\W*(comment|commentary|reply|response|in reply|authors?'? reply|re)"
                r"\s*(?:[:.]|$)"), "comment"),  # "Reply", "Reply.", "Reply: ..." alike
    (re.compile(r"^\W*(comments? on|reply to|response to|in response to|letter to the editor)\b"),
     "comment"),
]


def notice_kind(title: str | None, publication_types: Iterable[str] = ()) -> str | None:
    """"erratum", "retraction", "expression-of-concern" or "comment" when a record is a notice
    about another paper (from its PubMed publication types or its raw title), else None."""
    for ptype in publication_types:
        kind = _NOTICE_TYPES.get(fold(ptype).strip())
        if kind:
            return kind
    text = fold(strip_annotations(title or "")).strip()
    for pattern, kind in _NOTICE_TITLE:
        if pattern.search(text):
            return kind
    return None


_NOTICE_LEAD = re.compile(
    r"^\W*(?:(?:author |publisher )?(?:erratum|errata|corrigendum|corrigenda|correction)"
    r"|(?:notice of )?retraction(?: note| notice)?|(?:editorial )?expression of concern"
    r"|comments?|commentary|reply|response|in reply|authors?'? reply|re)\b"
    r"\s*(?:to|on|of|for|in|regarding)?\s*(?:the article)?\s*[:.]?\s*(?:to|on|of)?\s*[:.]?\s*", re.I)


def notice_subject(title: str | None) -> str:
    """The title of the paper a notice is about: "Erratum to: X" / "Correction: X" / "Comment on
    X" -> "X". Meant for records `notice_kind` calls notices: it would also cut "Response" off
    "Response of tumours to ..."."""
    text = title or ""
    subject = _NOTICE_LEAD.sub("", text, count=1)
    return subject if len(subject) >= 10 else text
