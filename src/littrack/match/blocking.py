"""Candidate pairs for deduplication without comparing all pairs.

Each record gets a few blocking keys; only records sharing a key are compared. The keys are
chosen so that a duplicate with a typo, a truncated title or a missing field still shares at
least one: identifiers, the first and the last words of the title, pairs of the title's rarest
words, and first author or volume with first page. A block too big to compare in full (a common
title opening, a mass-duplicated record) is compared in a sliding window over its titles, so
the cost stays about linear in the number of records. Two records that give an identifier
differently are never a candidate pair: `evidence.compare` calls them distinct anyway. In a
warehouse, where each PubMed record has its own PMID, that is nearly every pair a key proposes,
so blocks are made only of the keys that the records able to pair have (`_blocks`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Hashable, Iterator, Mapping, Sequence

from littrack.match.evidence import IDENTIFIERS, Profile, identifiers_conflict

MAX_BLOCK = 40  # blocks up to this size are compared in full
WINDOW = 8  # neighbours compared in a bigger block, sorted by title
_EDGE_WORDS = 4
RARE_WORDS = 3  # a record's rarest title words; two shared make a candidate pair
_SHORT_WORDS = {"the", "and", "for", "with", "from", "its", "are", "was", "were", "into", "after",
                "between", "during", "versus", "than", "who", "not", "but", "can", "our"}


def _content_words(title: str) -> list[str]:
    return [w for w in title.split() if (len(w) >= 3 or w.isdigit()) and w not in _SHORT_WORDS]


def _keys(profile: Profile, document_frequency: Counter) -> Iterator[Hashable]:
    yield from _set_free_keys(profile)
    for pair in combinations(sorted(rarest_words(profile, document_frequency)), 2):
        yield "rare", pair


def _set_free_keys(profile: Profile) -> Iterator[tuple]:
    """The keys that depend on the record alone (not on the words of the whole set)."""
    for name, value in (("doi", profile.doi), ("pmid", profile.pmid), ("pmcid", profile.pmcid)):
        if value is not None:
            yield name, value
    words = profile.title.split()
    if len(words) >= 3:
        yield "start", " ".join(words[:_EDGE_WORDS])
        yield "end", " ".join(words[-_EDGE_WORDS:])
    if profile.pages is not None:
        page = profile.pages.first_number
        if profile.authors:
            yield "author-page", profile.authors[0].last, page
        if profile.volume:
            yield "volume-page", profile.volume, page


def rarest_words(profile: Profile, document_frequency: Mapping[str, int]) -> list[str]:
    """The title's rarest content words: two records sharing two of them are compared."""
    return sorted(set(_content_words(profile.title)),
                  key=lambda w: (document_frequency.get(w, 0), w))[:RARE_WORDS]


def stored_keys(profile: Profile) -> list[str]:
    """The keys kept with a record in the warehouse (`dedup_keys`): those of the record alone,
    and one `word:` key per title content word, from which rare words are counted."""
    keys = {":".join(map(str, key)) for key in _set_free_keys(profile)}
    keys.update(f"word:{w}" for w in _content_words(profile.title))
    return sorted(keys)


def word_frequency(profiles: Sequence[Profile]) -> Counter:
    """In how many of the records each title content word occurs."""
    return Counter(w for p in profiles for w in set(_content_words(p.title)))


def candidate_pairs(profiles: Sequence[Profile],
                    document_frequency: Mapping[str, int] | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) of profiles worth comparing; rare words are counted among the
    profiles unless `document_frequency` (over a bigger set they belong to) is given."""
    if document_frequency is None:
        document_frequency = word_frequency(profiles)
    pairs: set[tuple[int, int]] = set()
    for members in _blocks(profiles, document_frequency).values():
        if len(members) <= 1 or _identified_apart(profiles, members):
            continue
        if len(members) <= MAX_BLOCK:
            pairs.update(combinations(members, 2))  # members are in increasing order
            continue
        ordered = sorted(members, key=lambda i: (profiles[i].title, i))
        for position, i in enumerate(ordered):
            for j in ordered[position + 1: position + 1 + WINDOW]:
                pairs.add((min(i, j), max(i, j)))
    return {(i, j) for i, j in pairs if not identifiers_conflict(profiles[i], profiles[j])}


def _blocks(profiles: Sequence[Profile],
            document_frequency: Mapping[str, int]) -> dict[Hashable, list[int]]:
    """The records (in increasing order) having each key that can make a pair. A record of
    `_closed_records` pairs only with the others, so its keys that none of the others has are
    left out, and its rare-word keys are made only when it has two of their words."""
    closed = _closed_records(profiles)
    open_keys = {index: list(_keys(profile, document_frequency))
                 for index, profile in enumerate(profiles) if index not in closed}
    wanted = {key for keys in open_keys.values() for key in keys}
    rare_words = {word for key in wanted if key[0] == "rare" for word in key[1]}
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        if index in open_keys:
            keys = open_keys[index]
        elif len(rare_words.intersection(profile.title.split())) >= 2:
            keys = [key for key in _keys(profile, document_frequency) if key in wanted]
        else:
            keys = [key for key in _set_free_keys(profile) if key in wanted]
        for key in keys:
            blocks[key].append(index)
    return blocks


def _closed_records(profiles: Sequence[Profile]) -> set[int]:
    """The records that give an identifier no other record gives, for the identifier most
    records give so (in a warehouse: all PubMed records, by PMID): no two of them can pair."""
    best: set[int] = set()
    for name in IDENTIFIERS:
        values = [getattr(profile, name) for profile in profiles]
        count = Counter(values)
        closed = {index for index, value in enumerate(values)
                  if value is not None and count[value] == 1}
        if len(closed) > len(best):
            best = closed
    return best


def _identified_apart(profiles: Sequence[Profile], members: list[int]) -> bool:
    """Whether each of these records gives one identifier, each a different one: no two of them
    can be paired."""
    for name in IDENTIFIERS:
        values = {getattr(profiles[i], name) for i in members}
        if None not in values and len(values) == len(members):
            return True
    return False
