"""The topic's papers per publication year, as an inline PNG (matplotlib, headless) or a table."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from littrack.digest.content import YearCount


def year_table(counts: Sequence[YearCount]) -> tuple[list[str], list[tuple[int, list[int]]]]:
    """(designs, [(year, papers per design)]), every year from the first to the last."""
    designs = sorted({c.design for c in counts})
    by_year: dict[int, dict[str, int]] = defaultdict(dict)
    for c in counts:
        by_year[c.year][c.design] = c.papers
    if not by_year:
        return designs, []
    years = range(min(by_year), max(by_year) + 1)
    return designs, [(y, [by_year[y].get(d, 0) for d in designs]) for y in years]


def chart_png(counts: Sequence[YearCount]) -> bytes:
    """A stacked bar chart of papers per year, one colour per design; PNG bytes."""
    designs, rows = year_table(counts)
    figure = Figure(figsize=(6.4, 2.4 + 0.18 * ((len(designs) + 3) // 4)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    years = [year for year, _ in rows]
    bottom = [0] * len(rows)
    for i, design in enumerate(designs):
        heights = [per_design[i] for _, per_design in rows]
        axes.bar(years, heights, bottom=bottom, label=design, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights)]
    axes.set_title("Papers on the topic per publication year", fontsize=10)
    axes.set_ylabel("papers")
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if len(designs) > 1:  # below the bars, so it never hides one
        figure.legend(loc="outside lower center", fontsize=7, frameon=False, ncols=min(len(designs), 4))
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)  # headless Agg, no pyplot and no global backend
    return buffer.getvalue()
