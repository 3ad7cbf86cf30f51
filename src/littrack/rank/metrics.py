"""How good a screening order is (the measures of `../shared/ranking-benchmark/README.md`).

`order` lists record positions in screening order; `labels[i]` is 1 when record i is included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class OrderQuality:
    wss95: float  # work saved over random at 95% recall: (N - screened to reach it) / N - 0.05
    recall10: float  # share of the included found after screening 10% of the records
    atd: float  # average time to discovery: mean position of the included records / N


def order_quality(order: Sequence[int], labels: np.ndarray) -> OrderQuality:
    labels = np.asarray(labels)
    if sorted(order) != list(range(len(labels))):
        raise ValueError("the order must list every record exactly once")
    n = len(labels)
    positions = np.flatnonzero(labels[np.asarray(order, dtype=int)]) + 1  # 1-based, increasing
    if len(positions) == 0:
        raise ValueError("no included record: the measures are undefined")
    screened_for_95 = positions[math.ceil(0.95 * len(positions)) - 1]
    return OrderQuality(
        wss95=(n - screened_for_95) / n - 0.05,
        recall10=float(np.mean(positions <= math.ceil(0.1 * n))),
        atd=float(positions.mean() / n),
    )
