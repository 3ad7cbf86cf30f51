"""The night summary at any terminal width (issue 8, point 2): each paper on one line, its
title from the start, cut with … at the terminal's edge, never wrapped into the next line."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from littrack.cli import summary
from littrack.config import load_config, with_overrides
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """A first night of the demo corpus: many new papers with long titles."""
    warehouse = tmp_path_factory.mktemp("wh") / "littrack.duckdb"
    with StandIn(corpus=generate_corpus(120, seed=4).articles) as pubmed:
        config = with_overrides(load_config(REPO / "config.toml"), pubmed.base_url, warehouse)
        config = replace(config, pubmed=replace(config.pubmed, api_key_env="NO_SUCH_KEY"))
        return run_nightly(config, RunOptions(today=LATER_DATE - timedelta(days=1)))


def printed_at(width: int, run_summary) -> list[str]:
    console = summary.console
    saved = console.width
    console.width = width
    try:
        with console.capture() as captured:
            summary.print_run(run_summary, Path("warehouse/littrack.duckdb"))
    finally:
        console.width = saved
    return captured.get().splitlines()


@pytest.mark.parametrize("width", [80, 200])
def test_each_new_paper_shows_its_title_start_on_one_line(night, width):
    lines = printed_at(width, night)
    new = night.new_papers[: summary.MAX_LISTED]
    assert len(new) == summary.MAX_LISTED and max(len(p.title) for p in new) > 80
    assert all(len(line) <= width for line in lines)
    for paper in new:
        (line,) = [line for line in lines if line.lstrip().startswith(str(paper.pmid))]
        start = paper.title[: 20 if width == 80 else 60]
        assert start in line, line
        if len(paper.title) > width - 30:
            assert "…" in line  # cut at the end, not wrapped
