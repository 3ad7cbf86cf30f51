"""Small text helpers for the rules: evidence snippets, sentences, numbers written as words, and
patterns screened by their cues (most of the rules' case-insensitive searches never need to run)."""

from __future__ import annotations

import re
import re._constants as sre  # the parse tree of a pattern, read by `cues`
import re._parser
from collections.abc import Iterator
from functools import cached_property

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n+")
_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORD = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(_UNITS[1:10])
    + r"))?|"
    + "|".join(sorted(_UNITS[1:], key=len, reverse=True))
    + r")"
)
# The lookahead only says what a count starts with: `re` then tries the number words' alternatives
# only where one may begin (half the cost of the rules that start with a count).
_COUNT_STARTS = "".join(sorted({word[0] for word in _UNITS[1:] + _TENS}))
COUNT = r"(?=[\d" + _COUNT_STARTS + r"])(?:\d{1,3}(?:,\d{3})+|\d+|" + NUMBER_WORD + r")"
# Animals studied in labs and the field, as abstracts name them (used for design and species).
ANIMAL_NAMES = (
    r"(?:mice|mouse|murine|rats|rat model|rabbits?|piglets?|pigs|porcine|sheep|ovine|lambs|dogs|"
    r"canine|cats|feline|monkeys?|macaques?|baboons|non-human primates|zebrafish|hamsters?|"
    r"guinea pigs?|ferrets?|drosophila|c\. elegans|nematodes|insects|bees|mosquitoes|geckos?|"
    r"lizards?|snakes|turtles|frogs?|amphibians|reptiles|birds|chickens?|poultry|songbirds|horses?|"
    r"equine|bovine|cattle|cows|calves|goats?|deer|polar bears|wolves|foxes|bats|dolphins|"
    r"wildlife|livestock|fish(?:es)?|salmon|trout|sprague-dawley|wistar)"
)


def snippet(text: str, start: int, end: int, context: int = 30) -> str:
    """The matched words with a little context, cut at word boundaries, on one line."""
    left = text.rfind(" ", 0, max(0, start - context)) + 1 if start > context else 0
    right = text.find(" ", min(len(text), end + context))
    right = len(text) if right == -1 else right
    return " ".join(text[left:right].split())


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def count_value(word: str) -> int:
    """'2,545' -> 2545, 'Twenty-eight' -> 28."""
    word = word.lower().replace(",", "")
    if word.isdigit():
        return int(word)
    parts = re.split(r"[- ]", word)
    total = 0
    for part in parts:
        total += _TENS.index(part) * 10 + 20 if part in _TENS else _UNITS.index(part)
    return total


def blank_brackets(text: str) -> str:
    """Parenthesised and bracketed asides replaced by spaces (positions kept), innermost first."""
    inner = re.compile(r"\([^()\[\]]*\)|\[[^()\[\]]*\]")
    while True:
        blanked = inner.sub(lambda m: " " * len(m.group(0)), text)
        if blanked == text:
            return text
        text = blanked



# ---- patterns screened by their cues -------------------------------------------------------
# `re` tries a case-insensitive pattern that starts with `\b` at every position of the text (it
# has no literal prefix to jump to): ~0.1 ms per abstract and pattern, and the rules have some
# 150 of them. A pattern's cues (words and strings without which it cannot match) are looked up
# in a set of the text's words and in its folded form, a hundred times cheaper.

# Characters `re.IGNORECASE` matches to an ASCII letter although lower() does not map them to it
# (tested in test_tags.py); mapped so, every character folds to one, and a match's folded
# characters stay side by side.
_CASE_TWINS = str.maketrans("İıſ", "iis")
_WORD = re.compile(r"[a-z0-9]+")
_BOUNDARY = "\0"  # in a spelled string: a word boundary (`\b`, `^`) of the pattern
_BOUNDARIES = (sre.AT_BOUNDARY, sre.AT_BEGINNING, sre.AT_BEGINNING_LINE)
_MAX_SPELLINGS = 256  # longer lists cost more to look up than they save
_NOTHING = frozenset({""})


def folded(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_CASE_TWINS).lower()


class IndexedText:
    """A text with what cues are looked up in: its folded form and its words.

    `words_of`: a text that has all of this one's words (one it was cut or blanked from), whose
    words serve instead: a word cue missing from them is missing here too, and finding the words
    of a text costs more than the rest of its look-ups.
    """

    def __init__(self, text: str, words_of: IndexedText | None = None):
        self.text = text
        self.folded = folded(text)
        self._words_of = words_of

    @cached_property
    def words(self) -> frozenset[str]:
        if self._words_of is not None:
            return self._words_of.words
        return frozenset(_WORD.findall(self.folded))


class CuedPattern:
    """A compiled pattern that is searched only in texts that have its cues (`cues`)."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = re.compile(pattern, flags)
        needs = [
            (_whole_words(need), tuple(_minimal(frozenset(map(_plain, need)))))
            for need in cues(self.pattern)
        ]
        # all the word look-ups first (a set's isdisjoint costs far less than substring searches),
        # then the needs with the fewest strings to search for
        self.word_cues = tuple(words for words, _ in needs if words is not None)
        self.string_cues = tuple(sorted((strings for _, strings in needs), key=len))

    def may_match(self, text: IndexedText) -> bool:
        if self.word_cues:
            words = text.words
            for cue in self.word_cues:
                if cue.isdisjoint(words):
                    return False
        folded_text = text.folded
        for strings in self.string_cues:
            for string in strings:
                if string in folded_text:
                    break
            else:
                return False
        return True

    def search(self, text: IndexedText) -> re.Match | None:
        return self.pattern.search(text.text) if self.may_match(text) else None

    def finditer(self, text: IndexedText) -> Iterator[re.Match]:
        return self.pattern.finditer(text.text) if self.may_match(text) else iter(())


def cues(pattern: re.Pattern) -> list[frozenset[str]]:
    """What every match of `pattern` contains, folded: one string of each set, strongest set
    first; `_BOUNDARY` in a string stands for a word boundary.

    Read from the pattern's parse tree: a run of ASCII literals gives the strings it can spell
    (at most `_MAX_SPELLINGS`), a group or a repeat the needs of its contents, alternatives the
    union of their strongest needs. Anything else (classes, other characters) spells nothing.
    """
    _, needs = _sequence(re._parser.parse(pattern.pattern, pattern.flags).data)
    return sorted(set(needs), key=lambda need: (_strength(need), sorted(need)), reverse=True)


def _sequence(items) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    """(every string the items can spell, None if not a short list; their needs)."""
    run, needs, spelled_throughout = _NOTHING, [], True
    for op, av in items:
        spelled, item_needs = _item(op, av)
        if spelled is not None:
            joined = frozenset(a + b for a in run for b in spelled)
            if len(joined) <= _MAX_SPELLINGS:
                run = joined
                continue
        needs += [*_needs(run), *item_needs]
        run = spelled if spelled is not None else _NOTHING
        spelled_throughout = False
    return (run if spelled_throughout else None), needs + _needs(run)


def _item(op, av) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    if op is sre.LITERAL:
        spelled = frozenset({folded(chr(av))}) if av < 128 else None
    elif op is sre.IN:
        ascii_only = all(kind is sre.LITERAL and char < 128 for kind, char in av)
        spelled = frozenset(folded(chr(char)) for _, char in av) if ascii_only else None
    elif op is sre.AT:
        return frozenset({_BOUNDARY if av in _BOUNDARIES else ""}), []
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        return _NOTHING, []  # zero width: the characters either side stay side by side
    elif op is sre.SUBPATTERN:
        return _sequence(av[-1].data)
    elif op is sre.BRANCH:
        return _alternatives([_sequence(branch.data) for branch in av[1]])
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, repeated = av
        spelled, needs = _sequence(repeated.data)
        if (low, high) == (1, 1):
            return spelled, needs
        if (low, high) == (0, 1) and spelled is not None:
            return spelled | _NOTHING, []
        return None, needs if low >= 1 else []
    else:
        return None, []
    return spelled, _needs(spelled) if spelled is not None else []


def _alternatives(options) -> tuple[frozenset[str] | None, list[frozenset[str]]]:
    spellings = [spelled for spelled, _ in options]
    union = frozenset().union(*spellings) if None not in spellings else None
    if union is not None and len(union) > _MAX_SPELLINGS:
        union = None
    strongest = [max(needs, key=_strength) if needs else None for _, needs in options]
    if None in strongest:
        return union, []
    need = _minimal(frozenset().union(*strongest))
    return union, [need] if len(need) <= _MAX_SPELLINGS else []


def _needs(spelled: frozenset[str]) -> list[frozenset[str]]:
    """[the spelled strings] if each has a character to look for, else []."""
    return [] if not all(map(_plain, spelled)) else [_minimal(spelled)]


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Without the strings that contain another one (finding that one is enough)."""
    return frozenset(s for s in strings if not any(t in s for t in strings if t != s))


def _strength(need: frozenset[str]) -> tuple[int, int]:
    """How much a need rules out: the length of its shortest string, then the fewer strings."""
    return min(len(_plain(s)) for s in need), -len(need)


def _plain(spelled: str) -> str:
    return spelled.replace(_BOUNDARY, "")


def _whole_words(need: frozenset[str]) -> frozenset[str] | None:
    r"""A word each of the strings has whole (not at its edge, where a longer word could
    begin or end) and so any text with the string has among its `_WORD`s; None if one has
    none. (A `\b` next to an ASCII letter or digit means the text's character there is no
    `\w`, so it folds to no [a-z0-9] either.)"""
    words = []
    for spelled in need:
        whole = [
            m.group(0)
            for m in _WORD.finditer(spelled)
            if 0 < m.start() and m.end() < len(spelled)
        ]
        if not whole:
            return None
        words.append(max(whole, key=len))
    return frozenset(words)
