"""A labelled dedup set made from real export records (test-side code, seeded).

Every record of a shared benchmark set that its labels call unique is kept; some get a copy
changed the way other databases export the same paper (each change one of issue 10's shapes),
and some get a sibling that is another paper although most fields agree. Copies are labelled
duplicates of their record, siblings are not. Of littrack only the record type and the CSV
reader are used, never the engine's rules.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from littrack.match.dedupe import BibRecord

GIVEN_NAMES = {c: n for n in ("Anna", "Bruno", "Chidi", "Dmitri", "Elena", "Farah", "Goran",
                              "Hana", "Ivan", "Jonas", "Kofi", "Lena", "Maria", "Nils", "Olga",
                              "Pablo", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Vera",
                              "Wei", "Xavier", "Yuki", "Zoran") for c in n[0]}
ANNOTATIONS = (" [Review] [16 refs] [Romanian]", " [Review] [42 refs]", " [German]",
               ". [Review] [7 refs]")


@dataclass(frozen=True)
class LabelledSet:
    records: list[BibRecord]
    groups: list[tuple[str, ...]]  # true duplicate groups (two or more ids)


def unique_records(folder: Path) -> list[BibRecord]:
    """The records of a shared set that are in no labelled duplicate group."""
    from littrack.match.dedupe_csv import read_bib_csv

    with open(folder / "merged_record_ids.csv", newline="") as handle:
        grouped = {i for row in csv.DictReader(handle) for i in row["merged_ids"].split(";")}
    return [r for r in read_bib_csv(folder / "records_pre_merged.csv") if r.id not in grouped]


# ---------------------------------------------------------------------------------------------
# changes that keep a record the same paper


def _separators_and_case(r: BibRecord, rng: random.Random) -> BibRecord | None:
    title = r.title.replace(": ", " - ") if ": " in r.title else r.title.replace(" - ", ": ")
    return replace(r, title=rng.choice([title.upper(), title.lower(), title]))


def _translated_brackets(r: BibRecord, rng: random.Random) -> BibRecord | None:
    if "[" in r.title:  # labels already: MEDLINE brackets the title, not its labels
        return None
    return replace(r, title=f"[{r.title.rstrip('.')}]{rng.choice(ANNOTATIONS)}")


def _trailing_annotation(r: BibRecord, rng: random.Random) -> BibRecord | None:
    return replace(r, title=r.title.rstrip(".") + rng.choice(ANNOTATIONS))


def _full_first_names(r: BibRecord, rng: random.Random) -> BibRecord | None:
    """"Last, F. M." -> "Last, Fname M." (a name with that initial)."""
    if not isinstance(r.authors, str) or not re.search(r", [A-Z]\.", r.authors):
        return None
    return replace(r, authors=re.sub(
        r", ([A-Z])\.", lambda m: f", {GIVEN_NAMES.get(m[1], m[1] + 'ola')}", r.authors))


def _conference_copy(r: BibRecord, rng: random.Random) -> BibRecord | None:
    """A proceedings copy with no journal, volume or issue."""
    if not (r.pages and r.authors and r.year):
        return None
    return replace(r, journal=None, volume=None, issue=None)


def _journal_variant(r: BibRecord, rng: random.Random) -> BibRecord | None:
    if not r.journal or len(r.journal.split()) < 2:
        return None
    journal = r.journal.replace(" and ", " & ") if " and " in r.journal else r.journal
    return replace(r, journal=rng.choice([f"{journal} : official journal of the society",
                                          f"The {journal}", journal.upper()]))


def _page_format(r: BibRecord, rng: random.Random) -> BibRecord | None:
    found = re.fullmatch(r"(\d+)-+(\d+)", r.pages or "")
    if not found:
        return None
    first, last = found.groups()
    short = last[len(last) - len(first):] if len(last) == len(first) else last
    short = short.lstrip(first[: len(first) - len(short)]) or short
    return replace(r, pages=rng.choice([f"c{first}-c{last}", f"{first}--{last}",
                                        f"{first}-{short}", f"{first}\u2013{last}",
                                        f"pp. {first}-{last}"]))


def _page_typo(r: BibRecord, rng: random.Random) -> BibRecord | None:
    found = re.fullmatch(r"(\d{2,})-+(\d+)", r.pages or "")
    if not found:
        return None
    first, last = found.groups()
    at = rng.randrange(len(first))
    digit = rng.choice([d for d in "0123456789" if d != first[at] and (at or d != "0")])
    return replace(r, pages=f"{first[:at]}{digit}{first[at + 1:]}-{last}")


def _year_off_by_one(r: BibRecord, rng: random.Random) -> BibRecord | None:
    if not (r.year and r.volume and r.pages):
        return None
    return replace(r, year=r.year + rng.choice([-1, 1]))


CHANGES = [_separators_and_case, _translated_brackets, _trailing_annotation, _full_first_names,
           _conference_copy, _journal_variant, _page_format, _page_typo, _year_off_by_one]


# ---------------------------------------------------------------------------------------------
# siblings: other papers that share most fields


def _other_title_same_place(r: BibRecord, other: BibRecord, rng) -> list[BibRecord]:
    """The same author's other paper: same journal, volume and pages, next issue."""
    issue = str(int(r.issue) + 1) if (r.issue or "").isdigit() else "2"
    return [replace(r, id=f"{r.id}-sib", title=other.title, issue=issue)]


def _recurring_column(r: BibRecord, other: BibRecord, rng) -> list[BibRecord]:
    """An editor's column in four issues of one volume."""
    title = rng.choice(["Editor's Comments", "Reply", "Editorial", "Introduction to this issue"])
    pages = rng.choice([None, "iii-v", "1-2"])
    return [replace(r, id=f"{r.id}-col{n}", title=title, issue=str(n), pages=pages)
            for n in range(1, 5)]


def _sister_registration(r: BibRecord, other: BibRecord, rng) -> list[BibRecord]:
    """Two trial registrations of one sponsor that differ in the population only."""
    drug = "LT-" + (re.sub(r"\D", "", r.id) or "1")  # one code per base record
    base = {"year": r.year, "authors": "Sponsor Pharmaceuticals Inc.", "journal": None,
            "volume": None, "issue": None, "pages": None}
    return [BibRecord(id=f"{r.id}-reg{n}", title=f"A Study of {drug} in {group} Participants "
                      "With Moderate to Severe Disease", **base)
            for n, group in enumerate(("Adult", "Pediatric"))]


SIBLINGS = [_other_title_same_place, _recurring_column, _sister_registration]


def labelled_set(records: list[BibRecord], seed: int, copies: float = 0.4,
                 siblings: float = 0.05) -> LabelledSet:
    """The records, copies of some (labelled duplicates), and siblings of some (not)."""
    rng = random.Random(seed)
    out, groups = list(records), []
    for record in records:
        if rng.random() < copies:
            changes = rng.sample(CHANGES, rng.choice([1, 1, 2]))
            copy = record
            for change in changes:
                copy = change(copy, rng) or copy
            if copy != record:
                out.append(replace(copy, id=f"{record.id}-copy"))
                groups.append((record.id, f"{record.id}-copy"))
        if rng.random() < siblings:
            sibling = rng.choice(SIBLINGS)
            other = rng.choice([r for r in records[:50] if r.title != record.title])
            out.extend(sibling(record, other, rng))
    return LabelledSet(out, groups)


def score(predicted_groups: Iterable[Iterable[str]], true_groups: Iterable[Iterable[str]]) -> dict:
    """Pairwise precision, recall, F1, false merges and missed pairs (the shared sets' scoring:
    all pairs inside true groups vs all pairs inside predicted clusters)."""
    predicted, truth = _pairs(predicted_groups), _pairs(true_groups)
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if true_positives else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "false_merges": len(predicted - truth), "missed": len(truth - predicted)}


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}
