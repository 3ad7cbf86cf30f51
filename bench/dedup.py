"""Dedup engine speed: 10k / 50k / 100k generated records with realistic export noise, and on a
5k sample the ratio against naive all-pairs scoring (every title against every title with
rapidfuzz's C `cdist`, then the same rules and clustering) measured in the same run.

    python bench/dedup.py [--sizes 10000 50000 100000] [--sample 5000]

Issue 5 target: 50k records in < 20 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz, process

from littrack.match import dedupe as engine
from littrack.match.dedupe import BibRecord

_WORDS = ("ketamine pain regional complex syndrome infusion randomised trial cohort outcome "
          "chronic neuropathic patients children adults treatment therapy effect analysis "
          "systematic review meta receptor nmda magnesium lidocaine placebo controlled double "
          "blind dose response clinical study pilot long term follow safety efficacy sensory "
          "motor function quality life disability opioid sparing perioperative surgery cancer "
          "lung cervical screening human papillomavirus cytology pleural effusion infection "
          "mortality risk factors association prevalence incidence population based national "
          "registry imaging biomarker expression gene protein cells mouse model in vitro").split()
_SURNAMES = ("Smith Jones Wang Li Zhang Müller Schmidt Garcia Rossi Dubois Kim Lee Chen Brown "
             "Sigtermans Hilten Dahan Marinus Zuna Schiffman Solomon Ronco Cuzick Arbyn Syrjänen "
             "Nguyen Kowalski Novak Andersen Jensen Hansen Silva Santos Costa Tanaka Suzuki").split()
_JOURNALS = [("Pain", "Pain"), ("Eur J Pain", "European Journal of Pain"),
             ("Anesth Analg", "Anesthesia and Analgesia"), ("Br J Anaesth", "British Journal of Anaesthesia"),
             ("Clin J Pain", "The Clinical Journal of Pain"), ("J Pain Res", "Journal of Pain Research"),
             ("Am J Respir Crit Care Med", "American Journal of Respiratory and Critical Care Medicine"),
             ("Int J Cancer", "International Journal of Cancer"), ("Gynecol Oncol", "Gynecologic Oncology")]


def _paper(rng: random.Random, n: int) -> BibRecord:
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 16))).capitalize()
    authors = [(rng.choice(_SURNAMES), "".join(rng.choice("ABCDEFGHJKLMNPRST")
                                              for _ in range(rng.randint(1, 2))))
               for _ in range(rng.randint(1, 8))]
    first = rng.randint(1, 3000)
    abbreviation, full = rng.choice(_JOURNALS)
    return BibRecord(
        id=f"r{n}", title=title, year=rng.randint(1990, 2024),
        authors=" and ".join(f"{last}, {' '.join(initials)}" for last, initials in authors),
        journal=full if rng.random() < 0.5 else abbreviation, volume=str(rng.randint(1, 400)),
        issue=str(rng.randint(1, 12)), pages=f"{first}-{first + rng.randint(1, 15)}",
        doi=f"10.1000/{n}" if rng.random() < 0.4 else None)


def _noisy_copy(rng: random.Random, paper: BibRecord, n: int) -> BibRecord:
    """The same paper as another database exports it."""
    title = paper.title
    if rng.random() < 0.3:
        title = title.upper() if rng.random() < 0.5 else title.lower()
    if rng.random() < 0.3:
        position = rng.randrange(len(title))
        title = title[:position] + rng.choice("aeiou ") + title[position + 1:]  # a typo
    if rng.random() < 0.2:
        title += rng.choice([". [Review] [42 refs]", ".", " (Structured abstract)"])
    authors = paper.authors
    if rng.random() < 0.4:  # NLM style
        authors = ", ".join(name.replace(",", "").replace(" ", "", name.count(" ") - 1)
                            for name in paper.authors.split(" and "))
    pages, volume, issue = paper.pages, paper.volume, paper.issue
    if rng.random() < 0.2:
        pages = None
    elif rng.random() < 0.3:
        first, last = pages.split("-")
        pages = f"{first}-{last[-1]}" if len(last) == len(first) else f"{first}--{last}"
    if rng.random() < 0.1:
        volume, issue = issue, volume
    journal = next((a if paper.journal == f else f for a, f in _JOURNALS
                    if paper.journal in (a, f)), paper.journal)
    doi = paper.doi if rng.random() < 0.5 else None
    return replace(paper, id=f"r{n}", title=title, authors=authors, pages=pages, volume=volume,
                   issue=issue, journal=journal, doi=doi,
                   year=paper.year + (1 if rng.random() < 0.05 else 0))


def generate(size: int, seed: int = 7) -> list[BibRecord]:
    """`size` records, about a third of them copies of another with export noise."""
    rng = random.Random(seed)
    records: list[BibRecord] = []
    while len(records) < size:
        paper = _paper(rng, len(records))
        records.append(paper)
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            if len(records) < size:
                records.append(_noisy_copy(rng, paper, len(records)))
    rng.shuffle(records)
    return records


def _all_pairs_by_title(profiles) -> list[tuple[int, int]]:
    """Naive baseline: score every title against every other (C, both cores), keep >= 0.85."""
    titles = [p.title for p in profiles]
    scores = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=85, workers=-1,
                           dtype=np.uint8)
    rows, cols = np.nonzero(np.triu(scores, k=1))
    return list(zip(rows.tolist(), cols.tolist()))


def _timed(function, *args):
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    _timed.cpu = time.process_time() - cpu  # other jobs on the machine inflate wall time
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()
    for size in args.sizes:
        records = generate(size)
        seconds, clusters = _timed(engine.dedupe, records)
        print(f"{size:>7} records: {seconds:6.2f} s wall, {_timed.cpu:6.2f} s CPU  ({len(clusters)} clusters, "
              f"{size / seconds:,.0f} records/s)")
    sample = generate(args.sample, seed=11)
    blocked_seconds, blocked = _timed(engine.dedupe, sample)

    def naive(records):
        return engine._clusters(*engine._judge(map(engine.profile, records), pairing=_all_pairs_by_title))

    naive_seconds, naive_clusters = _timed(naive, sample)
    same = {c.member_ids for c in blocked} == {c.member_ids for c in naive_clusters}
    print(f"{args.sample} sample: blocked {blocked_seconds:.2f} s, naive all-pairs "
          f"{naive_seconds:.2f} s -> naive/blocked = {naive_seconds / blocked_seconds:.1f}x; "
          f"same clusters: {same}")


if __name__ == "__main__":
    main()
