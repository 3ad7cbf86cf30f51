"""Small text helpers for the rules: evidence snippets, sentences, numbers written as words."""

from __future__ import annotations

import re

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
COUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + NUMBER_WORD + r")"
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
