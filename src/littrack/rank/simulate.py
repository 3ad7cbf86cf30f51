"""`littrack screen simulate`: the ranking engine as a reviewer who labels one record at a time.

Input: a CSV like `../shared/ranking-benchmark/*/records.csv` (`id,title,abstract,
label_included`; other columns such as `pmid,doi,year,journal` are allowed and ignored). The
simulated reviewer starts from no labelled record, with only the criteria text as prior:
each step screens the best-scoring unscreened record, reveals its label and re-ranks (every
step at first; in batches that grow by one per 200 screened, so a large set stays tractable).
Output: `rank,id` for every record, in screening order.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from littrack.errors import LittrackError
from littrack.rank.features import paper_text
from littrack.rank.ranker import PriorText, Ranker

REQUIRED_COLUMNS = ("id", "title", "abstract", "label_included")
BATCH_GROWTH = 200  # one more record per re-ranking for every this many screened


class SimulationInputError(LittrackError):
    """The records CSV or the criteria file cannot be used."""


@dataclass(frozen=True)
class LabelledRecords:
    ids: list[str]
    texts: list[str]
    labels: np.ndarray  # 1 included, 0 excluded


@dataclass(frozen=True)
class SimulationSummary:
    records: int
    included: int
    screened_to_find_all: int  # records screened when the last included one was found


def read_labelled_records(path: Path) -> LabelledRecords:
    """The records of a benchmark-format CSV; SimulationInputError when it cannot be used."""
    ids, texts, labels = [], [], []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise SimulationInputError(f"{path}: missing column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                record_id, label = (row["id"] or "").strip(), (row["label_included"] or "").strip()
                if not record_id:
                    raise SimulationInputError(f"{path} line {line}: empty id")
                if label not in ("0", "1"):
                    raise SimulationInputError(f"{path} line {line}: label_included must be 0 or 1, not {label!r}")
                ids.append(record_id)
                texts.append(paper_text(row["title"], row["abstract"]))
                labels.append(int(label))
    except (OSError, csv.Error, UnicodeError) as exc:
        raise SimulationInputError(f"cannot read {path}: {exc}") from None
    if not ids:
        raise SimulationInputError(f"{path}: no records")
    duplicates = [record_id for record_id, n in Counter(ids).items() if n > 1]
    if duplicates:
        duplicate = duplicates[0]
        raise SimulationInputError(f"{path}: id {duplicate} appears more than once")
    return LabelledRecords(ids, texts, np.array(labels))


def read_criteria(path: Path | None) -> list[PriorText]:
    if path is None:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise SimulationInputError(f"cannot read criteria file {path}: {exc}") from None
    return [PriorText("criteria", text)] if text.strip() else []


def screening_order(ranker: Ranker, labels: np.ndarray) -> list[int]:
    """Positions in the order the simulated reviewer screens them (certainty: best first)."""
    unscreened = np.ones(len(labels), dtype=bool)
    order: list[int] = []
    while len(order) < len(labels):
        screened = np.array(order, dtype=int)
        ranking = ranker.rescore_positions(screened, labels[screened], np.ones(len(screened)))
        scores = np.where(unscreened, ranking.scores, -np.inf)
        batch = 1 + len(order) // BATCH_GROWTH
        for position in np.argsort(-scores, kind="stable")[: min(batch, int(unscreened.sum()))]:
            order.append(int(position))
            unscreened[position] = False
    return order


def simulate_csv(source: Path, output: Path, criteria: Path | None = None) -> SimulationSummary:
    """Simulate screening `source` from zero labels; write `rank,id` for every record."""
    records = read_labelled_records(source)
    prior = read_criteria(criteria)
    order = screening_order(Ranker(records.ids, records.texts, prior), records.labels)
    try:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["rank", "id"])
            writer.writerows((rank, records.ids[p]) for rank, p in enumerate(order, start=1))
    except OSError as exc:
        raise SimulationInputError(f"cannot write {output}: {exc}") from None
    found = np.flatnonzero(records.labels[order])
    return SimulationSummary(len(order), len(found), int(found[-1]) + 1 if len(found) else 0)
