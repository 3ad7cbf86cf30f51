"""Title rules of deduplication: when two titles are clearly two papers, and when a title is
too plain to name one. Pure functions on titles already normalised with
`fields.normalize_title`.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from rapidfuzz import fuzz

# function words by language: enough to tell an English title from its translation
_FUNCTION_WORDS = {
    "en": {"the", "of", "and", "in", "for", "with", "on", "a", "an", "to", "by", "from", "after",
           "among", "versus", "during", "between", "its", "their", "is", "are"},
    "es": {"de", "la", "el", "en", "los", "las", "del", "por", "y", "con", "una", "un", "para"},
    "pt": {"do", "da", "dos", "das", "em", "com", "uma", "para", "e", "no", "na", "ao"},
    "fr": {"le", "les", "des", "du", "et", "dans", "pour", "une", "sur", "au", "aux", "chez"},
    "de": {"der", "die", "das", "und", "mit", "bei", "von", "im", "zur", "zum", "eine", "einer",
           "den", "dem", "nach", "uber"},
    "it": {"il", "di", "della", "nel", "con", "per", "una", "degli", "delle", "dei", "nella"},
}
_ALL_FUNCTION_WORDS = set().union(*_FUNCTION_WORDS.values())
_SHARED_WORDS_OF_VERSIONS = 0.55  # titles sharing more of their words are versions of one
# the words of titles that name a genre, not a paper: "Reply", "Editor's Comments", "Book reviews"
_EDITORIAL_WORDS = {
    "editor", "editors", "editorial", "editorials", "comment", "comments", "commentary", "reply",
    "replies", "response", "responses", "letter", "letters", "introduction", "preface",
    "foreword", "obituary", "memoriam", "news", "correspondence", "highlights", "issue", "issues",
    "book", "books", "review", "reviews", "abstracts", "erratum", "errata", "correction",
    "corrections", "note", "notes", "contributors", "announcement", "announcements",
    "acknowledgment", "acknowledgments", "acknowledgement", "acknowledgements", "reviewers",
    "index", "contents", "cover", "message", "president", "presidents", "chair", "welcome",
    "update", "updates", "column", "viewpoint", "perspective", "perspectives", "summary",
    "calendar", "events", "thanks", "retraction", "discussion", "invited", "readers", "remarks",
    "concluding", "opening", "closing", "this", "month", "year", "volume", "journal", "guest",
    "special", "section", "report", "reports", "authors", "author", "corner", "forum",
}


def title_language(normalized_title: str) -> str | None:
    """The language whose function words a normalised title uses most; None when none or tied."""
    words = normalized_title.split()
    counts = sorted(((sum(w in vocabulary for w in words), language)
                     for language, vocabulary in _FUNCTION_WORDS.items()), reverse=True)
    (best, language), (second, _) = counts[0], counts[1]
    return language if best > second else None


def content_words(normalized_title: str) -> list[str]:
    """The words of a normalised title that carry meaning: no function words, no lone letters."""
    return [w for w in normalized_title.split() if len(w) > 1 and w not in _ALL_FUNCTION_WORDS]


def is_generic_title(normalized_title: str) -> bool:
    """A title that names a genre, not a paper ("Reply", "Editor's comments", "Introduction to
    this issue"): every word of it is an editorial one."""
    words = content_words(normalized_title)
    return bool(words) and all(w in _EDITORIAL_WORDS for w in words)


def shared_words(a: str, b: str) -> float:
    """Dice share of two titles' content words (near spellings count as shared): a short title
    inside a long one on another topic shares little of the pair."""
    words_a, words_b = content_words(a), content_words(b)
    if not words_a or not words_b:
        return 0.0
    shorter, longer = sorted((words_a, words_b), key=len)
    pool = list(longer)
    found = 0
    for word in shorter:
        hit = next((i for i, other in enumerate(pool) if other == word or (
            min(len(word), len(other)) >= 4 and fuzz.ratio(word, other) >= 75)), None)
        if hit is not None:
            found += 1
            del pool[hit]
    return 2 * found / (len(shorter) + len(longer))


def titles_disagree(a: str, b: str, similarity: float) -> str | None:
    """Why two normalised titles are clearly two titles, or None.

    Close titles disagree when a word in the body of one was replaced by an unrelated word in
    the other ("... in Adult Participants ..." / "... in Pediatric Participants ..."); a
    misspelling, a join ("co 2" / "co2") or a word lost at a cut-off end is no disagreement.
    Titles that are not close disagree unless they share most of their words (an edited
    version) or are in different languages (a translation).
    """
    if not a or not b:
        return None
    words_a, words_b = a.split(), b.split()
    if similarity < 0.85:
        if shared_words(a, b) >= _SHARED_WORDS_OF_VERSIONS:
            return None
        language_a, language_b = title_language(a), title_language(b)
        if language_a and language_b and language_a != language_b:
            return None
        return "different titles"
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 == len(words_a) or j2 == len(words_b):
            continue  # one-sided changes, and the last word, which a cut-off may have broken
        left, right = words_a[i1:i2], words_b[j1:j2]
        if len(left) > 3 or len(right) > 3 or not (_has_long_word(left) and _has_long_word(right)):
            continue  # a typo in a short word ("in" / "ia") is no other paper
        if fuzz.ratio("".join(left), "".join(right)) < 60:
            return f"titles differ: {' '.join(left)} / {' '.join(right)}"
    return None


def _has_long_word(words: Sequence[str]) -> bool:
    return any(len(w) >= 4 and w not in _ALL_FUNCTION_WORDS for w in words)
