"""PubMed's query language as littrack reads it: a small, documented subset.

The stand-in answers ESearch with it, and `littrack load` reads the configured query with it on
each bulk-loaded record (`littrack.match.query_scope`) to decide what goes to the reviewers.

- Boolean `AND`, `OR`, `NOT` (upper case), applied left to right as PubMed does (no
  precedence: `a OR b AND c` is `(a OR b) AND c`); adjacent terms are ANDed; parentheses group.
- A term is a word, a run of words followed by a field tag (`Sigtermans MJ[au]`, `Eur J
  Pain[ta]`) or a quoted phrase (`"regional pain"[tiab]`). Untagged words are separate
  all-fields terms. A trailing `*` makes the last word a prefix (`ketamin*`).
- Matching is on normalised text (case and accents folded, punctuation as spaces):
  [ti] [ab] [tiab] [all]/untagged match a phrase anywhere in the field; [au] matches the
  start of "Lastname Initials" (so `Sigtermans[au]` and `Sigtermans M[au]` both find
  "Sigtermans MJ"); [ta]/[jour] (ISO abbreviation, title or ISSN), [vi], [ip], [pg] (start
  page or whole pagination), [aid]/[doi] (DOI, PII), [pmid]/[uid], [mh]/[mesh] (descriptor,
  or "descriptor/qualifier"), [pt] match the whole value. No automatic term mapping, no
  MeSH explosion, no stemming.
- Dates: `2009[dp]`, `2009/05[dp]`, `2009/05/14[dp]` mean that year, month or day;
  ranges `"2020/01/01"[edat] : "2020/12/31"[edat]` or `2020/01:2020/06[dp]`. [dp]/[pdat] is
  the publication date, [edat]/[crdt] the Entrez date, [mdat] the modification date.
- Stricter than PubMed: an unknown field tag or unbalanced parentheses is a `QueryError`
  (the stand-in answers HTTP 400) rather than a silently reinterpreted query. DOIs holding
  parentheses must be quoted.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from littrack.pubmed.window import DateWindow

FIELDS: dict[str, tuple[str, str]] = {}  # tag -> (index field, label in QueryTranslation)
for _field, _label, _tags in [
    ("all", "All Fields", ("all", "all fields")),
    ("title", "Title", ("ti", "title")),
    ("abstract", "Abstract", ("ab", "abstract")),
    ("tiab", "Title/Abstract", ("tiab", "title/abstract")),
    ("author", "Author", ("au", "author")),
    ("journal", "Journal", ("ta", "jour", "journal")),
    ("volume", "Volume", ("vi", "volume")),
    ("issue", "Issue", ("ip", "issue")),
    ("pages", "Pagination", ("pg", "pagination")),
    ("aid", "Article Identifier", ("aid", "doi", "lid")),
    ("pmid", "UID", ("pmid", "uid")),
    ("mesh", "MeSH Terms", ("mh", "mesh", "mesh terms")),
    ("pubtype", "Publication Type", ("pt", "publication type")),
]:
    FIELDS.update({tag: (_field, _label) for tag in _tags})

DATE_TAGS = {
    "dp": "pdat", "pdat": "pdat", "publication date": "pdat",
    "edat": "edat", "crdt": "edat", "entrez date": "edat",
    "mdat": "mdat", "modification date": "mdat",
}
DATE_LABELS = {"edat": "Date - Entry", "mdat": "Date - Modification", "pdat": "Date - Publication"}
OPERATORS = ("AND", "OR", "NOT")


class QueryError(ValueError):
    """A search term this subset cannot read."""


@dataclass(frozen=True)
class Term:
    field: str  # a key of the index: "all", "title", "author", ...
    label: str
    text: str  # normalised
    prefix: bool = False


@dataclass(frozen=True)
class BoolOp:
    op: str
    left: Node
    right: Node


Node = Term | DateWindow | BoolOp


def translate(node: Node) -> str:
    """The query as NCBI's QueryTranslation spells it."""
    if isinstance(node, BoolOp):
        return f"{_grouped(node.left)} {node.op} {_grouped(node.right)}"
    if isinstance(node, DateWindow):
        return f"{node.start:%Y/%m/%d}:{node.end:%Y/%m/%d}[{DATE_LABELS[node.datetype]}]"
    return f"{node.text}*[{node.label}]" if node.prefix else f'"{node.text}"[{node.label}]'


def _grouped(node: Node) -> str:
    return f"({translate(node)})" if isinstance(node, BoolOp) else translate(node)


# the fields a record is indexed under; [tiab] searches three of them, [all] every one
INDEXED_FIELDS = (
    "title", "abstract", "keywords", "author", "journal", "volume", "issue", "pages", "aid",
    "mesh", "pubtype",
)
COMPOSITE_FIELDS = {"tiab": ("title", "abstract", "keywords"), "all": INDEXED_FIELDS}


def field_values(texts) -> tuple[str, ...]:
    """A field's raw values as `term_matches` reads them: normalised, padded with spaces, the
    empty ones left out."""
    return tuple(f" {value} " for text in texts if text and (value := normalize(text)))


def term_matches(term: Term, values: tuple[str, ...]) -> bool:
    """Whether `term` finds a record whose field holds `values` (from `field_values`)."""
    text = f" {term.text}" if term.prefix else f" {term.text} "
    if term.field in ("all", "title", "abstract", "tiab"):
        return any(text in v for v in values)
    if term.field == "author":
        # "sigtermans m" finds "sigtermans mj": initials are implicitly truncated
        partial = f" {term.text}" if " " in term.text else text
        return any(v.startswith(partial) for v in values)
    return any(v.startswith(text) if term.prefix else v == text for v in values)


def normalize(text: str) -> str:
    """Case- and accent-folded words separated by single spaces."""
    if text.isascii():  # most of PubMed: nothing to fold but case (a bulk load reads every abstract)
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text.casefold())
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


_NOT_WORD = re.compile(r"[\W_]+")


def parse_query(term: str) -> Node:
    """The tree of a search term; raises `QueryError` with a one-line reason."""
    parser = _Parser(_tokens(term))
    node = parser.expression()
    if parser.peek() is not None:
        raise QueryError(f"unexpected {parser.peek()[1]!r} in query")
    return node


def parse_date(text: str, end: bool = False) -> date:
    """YYYY, YYYY/MM or YYYY/MM/DD ("-" also accepted) as its first day, or last if `end`."""
    match = re.fullmatch(r"(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?", text.strip())
    if not match:
        raise QueryError(f"bad date {text!r}: expected YYYY, YYYY/MM or YYYY/MM/DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day:
            return date(year, int(month), int(day))
        if month:
            return date(year, int(month), calendar.monthrange(year, int(month))[1] if end else 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except (ValueError, calendar.IllegalMonthError):
        raise QueryError(f"bad date {text!r}") from None


_TOKEN = re.compile(r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|"(?P<quoted>[^"]*)"|\[(?P<tag>[^\]]*)\]'
                    r'|(?P<colon>:(?=\s|"|$))|(?P<word>[^\s()"\[]+))')


def _tokens(term: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    term = term.strip()
    while position < len(term):
        match = _TOKEN.match(term, position)
        if not match or match.end() == position:
            raise QueryError(f"cannot read query from {term[position:]!r}")
        position = match.end()
        kind = match.lastgroup
        value = match[kind]
        if kind == "word" and value in OPERATORS:
            kind = "op"
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.position += 1
        return token

    def expression(self) -> Node:
        node = self.operand()
        while (token := self.peek()) is not None and token[0] != "rparen":
            op = self.take()[1] if token[0] == "op" else "AND"
            if self.peek() is None or self.peek()[0] in ("op", "rparen"):
                raise QueryError(f"{op} without a term after it")
            node = BoolOp(op, node, self.operand())
        return node

    def operand(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("empty query")
        if token[0] == "lparen":
            self.take()
            node = self.expression()
            if self.peek() is None or self.take()[0] != "rparen":
                raise QueryError("unbalanced parentheses")
            return node
        if token[0] in ("op", "rparen", "tag", "colon"):
            raise QueryError(f"unexpected {token[1]!r} in query")
        return self.term()

    def term(self) -> Node:
        words = self.words()
        tag = self.take()[1] if self.peek() and self.peek()[0] == "tag" else None
        if self.peek() and self.peek()[0] == "colon":
            self.take()
            upper = self.words()
            upper_tag = self.take()[1] if self.peek() and self.peek()[0] == "tag" else None
            return _date_range(" ".join(words), " ".join(upper), tag or upper_tag)
        if tag is None:
            terms = [_term(word, "all") for word in words]
            node = terms[0]
            for term in terms[1:]:
                node = BoolOp("AND", node, term)
            return node
        return _term(" ".join(words), tag)

    def words(self) -> list[str]:
        if self.peek() and self.peek()[0] == "quoted":
            return [self.take()[1]]
        words = []
        while self.peek() and self.peek()[0] == "word":
            words.append(self.take()[1])
        if not words:
            raise QueryError("a range needs a value after ':'")
        return words


def _term(text: str, tag: str) -> Node:
    tag = " ".join(tag.lower().split())
    if tag in DATE_TAGS:
        if ":" in text:
            lower, upper = text.split(":", 1)
            return _date_range(lower, upper, tag)
        return date_window(DATE_TAGS[tag], parse_date(text), parse_date(text, end=True))
    if tag not in FIELDS:
        raise QueryError(f"unknown field tag [{tag}]")
    field, label = FIELDS[tag]
    prefix = text.rstrip().endswith("*")
    normalized = normalize(text.rstrip().rstrip("*"))
    if not normalized:
        raise QueryError(f"empty search term {text!r}")
    return Term(field, label, normalized, prefix)


def _date_range(lower: str, upper: str, tag: str | None) -> DateWindow:
    tag = " ".join((tag or "").lower().split())
    if tag not in DATE_TAGS:
        raise QueryError(f"a range needs a date field tag such as [dp] or [edat], not [{tag}]")
    return date_window(DATE_TAGS[tag], parse_date(lower), parse_date(upper, end=True))


def date_window(datetype: str, start: date, end: date) -> DateWindow:
    try:
        return DateWindow(datetype, start, end)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
