"""Regenerates docs/review-page.png: the demo warehouse, two reviewers, a few decisions, and
Debian's chromium (headless, via Playwright) photographing the triage page.

    python3 docs/review_page_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from review_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    Reviewer,
    ReviewProcess,
    add_reviewers,
    project_config,
    write_config,
)

from littrack.config import with_overrides
from littrack.demo import run_demo
from littrack.nightly.pipeline import RunOptions, run_nightly


def main() -> None:
    os.environ.setdefault("NCBI_API_KEY", "screenshot")
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "littrack.duckdb"
        config = project_config(warehouse)
        run_demo(lambda base_url, warehouse_path, today: run_nightly(
            with_overrides(config, base_url, warehouse_path), RunOptions(today=today)), warehouse)
        add_reviewers(warehouse, "ana", "ben")
        with ReviewProcess(write_config(Path(tmp), warehouse, "dual")) as server:
            ben = Reviewer(server.url, "ben", PASSWORD)
            ana = Reviewer(server.url, "ana", PASSWORD)
            papers = [item["pmid"] for item in ana.queue()]
            for pmid, (ana_says, ben_says) in zip(papers[1:5], [("include", "include"), ("maybe", "include"),
                                                                 ("include", "include"), ("exclude", "exclude")]):
                for reviewer, decision in ((ana, ana_says), (ben, ben_says)):
                    reason = {"reason": "wrong design"} if decision == "exclude" else {}
                    assert reviewer.decide(pmid, decision, **reason).status_code == 201
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1360, "height": 860})
                page.goto(server.url + "/")
                page.fill("#login-name", "ana")
                page.fill("#login-password", PASSWORD)
                page.keyboard.press("Enter")
                page.wait_for_selector("#paper-body[data-pmid]")
                page.keyboard.press("]")  # "mine": the four decided, one in conflict
                page.wait_for_selector("#filters [data-filter=mine][aria-selected=true]")
                page.keyboard.press("j")
                page.wait_for_timeout(800)
                page.screenshot(path=str(REPO / "docs" / "review-page.png"))
                browser.close()
    print(f"wrote {REPO / 'docs' / 'review-page.png'}")


if __name__ == "__main__":
    main()
