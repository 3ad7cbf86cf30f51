"""Citations of real PubMed records, written the way reference lists write them (test-side code).

Written from the style guides, independently of the matcher's parser: nothing here imports
`littrack.match`. Each citation is seeded by (seed, PMID, style), so the set is deterministic and
adding a style never changes the others.

Styles: Vancouver (NLM), AMA, APA 7, Harvard (Cite Them Right), Chicago author-date, a short
"Surname et al. title. Journal Year" form, and each of them with the paper's DOI. Noise real
lists have: upper- or lower-cased titles, a dropped subtitle, a typo in the title or a surname,
truncated author lists, full or abbreviated journal names, short or full page ranges, the print
year of an e-published paper, and e-only papers without page numbers
("Dentistry (Sunnyvale). 2017 Aug;7(8):.", "..., 7, pp. .").
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable

from littrack.parse import PubmedRecord

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
BASE_STYLES = ("vancouver", "ama", "apa", "harvard", "chicago", "short")
STYLES = (*BASE_STYLES, *(f"{s}+doi" for s in BASE_STYLES if s != "short"))
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "nor", "of", "on", "or",
                "the", "to", "with", "from"}


def bucket(pmid: int, buckets: int = 10) -> int:
    """A stable bucket for a PMID (sha1, not Python's salted hash)."""
    return int(hashlib.sha1(str(pmid).encode()).hexdigest(), 16) % buckets


def split(records: Iterable[PubmedRecord]) -> dict[str, list[PubmedRecord]]:
    """Records by role: "tuning" and "held_out" are loaded into the warehouse; "decoy" records
    are not, so their citations must come out not_found. By PMID hash: 6/10, 3/10, 1/10."""
    roles: dict[str, list[PubmedRecord]] = {"tuning": [], "held_out": [], "decoy": []}
    for record in records:
        b = bucket(record.pmid)
        roles["tuning" if b < 6 else "held_out" if b < 9 else "decoy"].append(record)
    return roles


def citable(record: PubmedRecord) -> bool:
    """Records a reference list could cite: a title and a journal."""
    return len(record.title.strip(" .[]")) >= 5 and bool(record.journal_title or record.journal_iso)


def citation_set(records: Iterable[PubmedRecord], seed: int) -> list[tuple[int, str, str]]:
    """(pmid, style, citation) for every citable record in every style."""
    return [(r.pmid, style, cite(r, style, random.Random(f"{seed}:{r.pmid}:{style}")))
            for r in records if citable(r) for style in STYLES]


def cite(record: PubmedRecord, style: str, rng: random.Random) -> str:
    """One citation of `record` in `style` ("apa", "apa+doi", ...), with seeded noise."""
    base, _, extra = style.partition("+")
    text = _WRITERS[base](record, rng)
    if extra == "doi" and record.doi:
        text += rng.choice([f" doi:{record.doi}", f" doi: {record.doi}.",
                            f" https://doi.org/{record.doi}", f" DOI: {record.doi.upper()}"])
    return text


# ---------------------------------------------------------------------------------------------
# titles


def _title(record: PubmedRecord, rng: random.Random, case: str = "as-is") -> str:
    """The title with the noise of reference lists: case, a dropped subtitle, one typo."""
    title = record.title.strip().rstrip(".")
    if title.startswith("[") and title.endswith("]"):  # MEDLINE's translated-title brackets
        title = title[1:-1].rstrip(".") if rng.random() < 0.5 else title
    head, sep, _ = title.partition(": ")
    if sep and len(head.split()) >= 5 and rng.random() < 0.25:
        title = head
    roll = rng.random()
    if roll < 0.12:
        title = title.upper()
    elif roll < 0.3 or case == "lower":
        title = title.lower()
    elif case == "sentence":
        title = title[0] + title[1:].lower()
    elif case == "title":
        title = " ".join(w if w.lower() in _SMALL_WORDS and i else w[:1].upper() + w[1:]
                         for i, w in enumerate(title.split()))
    if rng.random() < 0.12:
        title = _typo(title, rng)
    return title


def _typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard in a long word: a letter swapped with the next, dropped or
    doubled."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word, at = words[i], rng.randrange(1, len(words[i]) - 2)
    words[i] = rng.choice([word[:at] + word[at + 1] + word[at] + word[at + 2:],
                           word[:at] + word[at + 1:], word[:at] + word[at] + word[at:]])
    return " ".join(words)


# ---------------------------------------------------------------------------------------------
# authors


def _people(record: PubmedRecord) -> list:
    return [a for a in record.authors if a.last_name or a.collective_name]


def _surname(author, rng: random.Random) -> str:
    name = author.last_name
    if len(name) >= 6 and rng.random() < 0.04:
        name = _typo(name, rng) if " " not in name else name
    return name + (f" {author.suffix}" if author.suffix else "")


def _initials(author) -> str:
    if author.initials:
        return author.initials
    return "".join(p[0] for p in (author.fore_name or "").replace("-", " ").split())


def _nlm(author, rng) -> str:
    """"Sigtermans MJ"."""
    if author.collective_name:
        return author.collective_name
    return f"{_surname(author, rng)} {_initials(author)}".strip()


def _dotted(author, rng, spaced: bool = True) -> str:
    """"Sigtermans, M. J." (APA) or "Sigtermans, M.J." (Harvard)."""
    if author.collective_name:
        return author.collective_name
    dots = (" " if spaced else "").join(f"{c}." for c in _initials(author))
    return f"{_surname(author, rng)}, {dots}".rstrip(", ")


def _given_first(author, rng) -> str:
    """"Marieke J. Sigtermans": Chicago's second and later authors."""
    if author.collective_name:
        return author.collective_name
    given = author.fore_name or " ".join(f"{c}." for c in _initials(author))
    return f"{given} {_surname(author, rng)}".strip()


def _inverted_full(author, rng) -> str:
    """"Sigtermans, Marieke J.": Chicago's first author."""
    if author.collective_name:
        return author.collective_name
    given = author.fore_name or " ".join(f"{c}." for c in _initials(author))
    return f"{_surname(author, rng)}, {given}".rstrip(", ")


def _keep(people: list, rng: random.Random, limit: int, keep: int) -> tuple[list, bool]:
    """The style's own truncation (`limit` authors, else the first `keep` + et al.), and at
    times a list cut even shorter by whoever typed it."""
    if len(people) > limit:
        people, cut = people[:keep], True
    else:
        cut = False
    if len(people) > 2 and rng.random() < 0.15:
        people, cut = people[: rng.randint(1, 2)], True
    return people, cut


# ---------------------------------------------------------------------------------------------
# journal and source


def _journal_abbrev(record: PubmedRecord, rng: random.Random) -> str:
    if record.journal_iso and rng.random() < 0.85:
        return record.journal_iso
    return _journal_full(record, rng)


def _journal_full(record: PubmedRecord, rng: random.Random) -> str:
    """The journal title in title case, as APA and Harvard write it; its subtitle at times
    dropped."""
    full = record.journal_title or record.journal_iso or ""
    head, sep, _ = full.partition(" : ")
    if sep and head.count("(") == head.count(")") and rng.random() < 0.5:
        full = head
    return " ".join(w if w.lower() in _SMALL_WORDS and i else w[:1].upper() + w[1:]
                    for i, w in enumerate(full.split()))


def _year(record: PubmedRecord, rng: random.Random) -> int:
    year = record.pub_year
    return year + 1 if year and rng.random() < 0.05 else year  # the print year of an e-pub


def _pages(record: PubmedRecord, full: bool) -> str:
    if not record.pages:
        return ""
    if full and record.start_page and record.end_page:
        return f"{record.start_page}-{record.end_page}"
    return record.pages


def _issue(record: PubmedRecord, rng: random.Random) -> str:
    return f"({record.issue})" if record.issue and rng.random() < 0.85 else ""


def _month(record: PubmedRecord, rng: random.Random) -> str:
    month = record.pub_date.month
    return f" {MONTHS[month - 1]}" if month and rng.random() < 0.6 else ""


def _journal_volume_issue(record: PubmedRecord, rng: random.Random) -> str:
    """APA and Harvard: "Journal Name, 145(3)"."""
    source = _journal_full(record, rng)
    return source + (f", {record.volume}{_issue(record, rng)}" if record.volume else "")


def _join(names: list[str], cut: bool, before_last: str) -> str:
    """"A, B, & C" (APA), "A, B, and C" (Chicago), "A, B and C" (Harvard); "A, B, et al."."""
    if cut:
        return ", ".join(names) + ", et al."
    if len(names) > 1:
        return ", ".join(names[:-1]) + before_last + names[-1]
    return "".join(names)


# ---------------------------------------------------------------------------------------------
# the styles


def _vancouver(record: PubmedRecord, rng: random.Random, ama: bool = False) -> str:
    people, cut = _keep(_people(record), rng, 6, 3 if ama else 6)
    authors = ", ".join(_nlm(a, rng) for a in people) + (", et al" if cut else "")
    title = _title(record, rng, "sentence" if ama and rng.random() < 0.5 else "as-is")
    source = f"{_year(record, rng)}{'' if ama else _month(record, rng)}"
    if record.volume:
        source += f";{record.volume}{_issue(record, rng)}"
    pages = _pages(record, full=ama)
    if pages:
        source += f":{pages}"
    elif record.volume and not ama and rng.random() < 0.7:
        source += ":"  # PubMed's own "Cite" for an e-only paper: "2017 Aug;7(8):."
    journal = _journal_abbrev(record, rng)
    return f"{authors}. {title}. {journal}. {source}.".lstrip(". ")


def _ama(record: PubmedRecord, rng: random.Random) -> str:
    return _vancouver(record, rng, ama=True)


def _apa(record: PubmedRecord, rng: random.Random) -> str:
    people, cut = _keep(_people(record), rng, 20, 19)
    authors = _join([_dotted(a, rng) for a in people], cut, ", & ")
    source = _journal_volume_issue(record, rng)
    pages = _pages(record, full=True)
    if pages:
        source += f", {pages}"
    year = _year(record, rng) or "n.d."
    return f"{authors} ({year}). {_title(record, rng, 'sentence')}. {source}.".lstrip(" ")


def _harvard(record: PubmedRecord, rng: random.Random) -> str:
    people = _people(record)
    names = [_dotted(a, rng, spaced=False) for a in people]
    if len(names) > 3:
        # both shapes occur: "Browning, C.L. et al." and "Browning, C.L. and The, T. and
        # Mason, M.D. et al." (reference managers joining every name with "and")
        authors = (f"{names[0]} et al." if rng.random() < 0.6
                   else " and ".join(names[:3]) + " et al.")
    else:
        authors = _join(names, False, " and ")
    source = _journal_volume_issue(record, rng)
    pages = _pages(record, full=True)
    source += f", pp. {pages}." if pages else (", pp. ." if rng.random() < 0.5 else ".")
    return f"{authors} ({_year(record, rng)}) '{_title(record, rng)}', {source}".lstrip(" ")


def _chicago(record: PubmedRecord, rng: random.Random) -> str:
    people, cut = _keep(_people(record), rng, 10, 7)
    names = [_inverted_full(people[0], rng), *(_given_first(a, rng) for a in people[1:])] \
        if people else []
    authors = _join(names, cut, ", and ")
    source = _journal_full(record, rng)
    if record.volume:
        source += f" {record.volume}"
        if record.issue and rng.random() < 0.85:
            source += f" ({record.issue})"
    pages = _pages(record, full=rng.random() < 0.5)
    if pages:
        source += f": {pages}"
    title = _title(record, rng, "title")
    authors = authors.rstrip(".")
    return f'{authors}. {_year(record, rng)}. "{title}." {source}.'.lstrip(". ")


def _short(record: PubmedRecord, rng: random.Random) -> str:
    """"Sigtermans et al. ketamine produces effective ... Pain 2009": what people paste from
    slides and e-mails — no volume, no pages."""
    people = _people(record)
    if not people:
        first = ""
    elif people[0].collective_name:
        first = people[0].collective_name
    else:
        first = _surname(people[0], rng) + (" et al." if len(people) > 1 else ".")
    title = _title(record, rng, "lower")
    journal = record.journal_iso or _journal_full(record, rng)
    return f"{first} {title}. {journal} {_year(record, rng)}".strip()


_WRITERS = {"vancouver": _vancouver, "ama": _ama, "apa": _apa, "harvard": _harvard,
            "chicago": _chicago, "short": _short}
