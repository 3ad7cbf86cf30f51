"""The triage page in a real browser (issue 9): Debian's chromium driven by Playwright, against a
real `littrack review` process on loopback over a demo warehouse built by the nightly library.
One browser for the module; each reviewer has a context (cookies) of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy
from playwright.sync_api import sync_playwright
from review_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTILE_ABSTRACT,
    HOSTILE_PMIDS,
    HOSTILE_TITLE,
    PASSWORD,
    ReviewProcess,
    add_reviewers,
    analysts_view,
    clone_warehouse,
    wait_for,
    write_config,
)


@pytest.fixture(scope="module")
def warehouse(review_warehouse, tmp_path_factory):
    warehouse = clone_warehouse(review_warehouse, tmp_path_factory.mktemp("page") / "warehouse")
    add_reviewers(warehouse, "ann", "bob", "cy")
    return warehouse


@pytest.fixture(scope="module")
def server(warehouse, tmp_path_factory):
    # the nightly's order all along: bob must be shown ann's ten papers in ann's order
    # (live re-ranking reorders the queue: tests/test_review_rerank.py)
    config = write_config(tmp_path_factory.mktemp("config"), warehouse, "dual", live_ranking=False)
    with ReviewProcess(config) as process:
        yield process


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in_page(browser, server, name):
    """A reviewer's page, signed in with the keyboard only; page errors are collected."""
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(server.url + "/")
    page.wait_for_selector("#login-name:focus")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#paper-body[data-pmid]")
    return page


def shown_pmid(page) -> int:
    return int(page.get_attribute("#paper-body", "data-pmid"))


def decide_with_keys(page, keys: str) -> int:
    """Press i / m / e<reason number> on the paper shown; wait until the page moved on."""
    pmid = shown_pmid(page)
    page.keyboard.press(keys[0])
    if keys[0] == "e":
        page.wait_for_selector("#reason-picker:not([hidden])")
        page.keyboard.press(keys[1])
    page.wait_for_selector(f'#queue li.done[data-pmid="{pmid}"]')
    page.wait_for_selector(f'#paper-body[data-pmid]:not([data-pmid="{pmid}"])')
    return pmid


def test_two_reviewers_screen_blind_with_the_keyboard_and_resolve_the_conflict(browser, server, warehouse):
    ann_keys = ["i", "i", "e1", "m", "i", "e2", "i", "m", "i", "e1"]
    bob_keys = ["i", "i", "e1", "i", "i", "e2", "i", "m", "i", "e1"]  # 4th: include vs maybe

    ann = signed_in_page(browser, server, "ann")
    for key, text in (("n", "small pilot"), ("t", "pilot, adults")):  # a note and tags, keys only
        ann.keyboard.press(key)
        ann.keyboard.type(text)
        ann.keyboard.press("Escape")
    screened = [decide_with_keys(ann, keys) for keys in ann_keys]
    ann.wait_for_selector("#filters [data-filter=mine]:text-is('mine 10')")
    ann.keyboard.press("u")  # undo the last decision: that paper comes back, to decide again
    ann.wait_for_selector(f'#queue li.current:not(.done)[data-pmid="{screened[-1]}"]')
    ann.wait_for_selector("#filters [data-filter=mine]:text-is('mine 9')")
    assert decide_with_keys(ann, ann_keys[-1]) == screened[-1]

    bob = signed_in_page(browser, server, "bob")
    for keys, pmid in zip(bob_keys, screened):
        assert shown_pmid(bob) == pmid
        # blind: nothing of ann's decision shows before bob's own
        assert bob.inner_text("#status-line") == "Not decided by you yet."
        assert bob.locator("#others li").count() == 0
        decide_with_keys(bob, keys)
    conflict = screened[3]
    bob.wait_for_selector("#filters [data-filter=conflicts]:text-is('conflicts 1')")

    bob.keyboard.press("c")
    bob.wait_for_selector(f'#paper-body[data-pmid="{conflict}"]')
    assert bob.inner_text("#others") == "ann: maybe"
    assert "Conflict" in bob.inner_text("#status-line")
    bob.keyboard.press("r")
    bob.keyboard.press("i")
    bob.wait_for_selector("#filters [data-filter=conflicts]:text-is('conflicts 0')")

    def settled():
        rows = analysts_view(warehouse, "SELECT pmid, status, resolved_by FROM screening_status"
                                        " WHERE reviewers > 0 ORDER BY pmid")
        return rows if (conflict, "included", "bob") in rows else None

    rows = wait_for(settled)
    assert analysts_view(warehouse, f"SELECT note, tags FROM current_decisions WHERE pmid = {screened[0]}"
                                    " AND reviewer = 'ann'") == [("small pilot", ["pilot", "adults"])]
    undone = analysts_view(warehouse, f"SELECT action FROM decisions WHERE pmid = {screened[-1]}"
                                      " AND reviewer = 'ann' ORDER BY event_id")
    assert undone == [("decide",), ("undo",), ("decide",)]
    statuses = {pmid: status for pmid, status, _ in rows}
    expected = {"i": "included", "e": "excluded", "m": "maybe"}
    assert statuses == {pmid: expected[keys[0]] if pmid != conflict else "included"
                        for keys, pmid in zip(bob_keys, screened)}

    # the included papers download as RIS and read back (rispy: what Zotero-style readers parse)
    with ann.expect_download() as download:
        ann.click("#export-links a:text-is('RIS (included)')")
    entries = rispy.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    downloaded = {int(entry["accession_number"]) for entry in entries}
    assert downloaded == {pmid for pmid, status in statuses.items() if status == "included"}
    assert ann.problems == bob.problems == []


def test_hostile_titles_and_abstracts_render_as_text_and_run_nothing(browser, server):
    page = signed_in_page(browser, server, "cy")
    page.keyboard.press("[")  # from "undecided" back round to "all": the others screened these
    page.wait_for_selector("#filters [data-filter=all][aria-selected=true]")
    page.keyboard.press("/")
    page.keyboard.type("__pwned")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#queue li').length === 2")
    for _ in HOSTILE_PMIDS:
        page.wait_for_selector("#paper-body[data-pmid]")
        assert shown_pmid(page) in HOSTILE_PMIDS
        assert page.text_content("#title") == HOSTILE_TITLE
        assert HOSTILE_ABSTRACT in page.text_content("#abstract")  # "&amp;" too: no entity decoding
        assert page.locator("#paper mark.include").count() > 0  # highlighting splits text, safely
        page.hover("#abstract")
        page.keyboard.press("j")
    assert page.locator("img, iframe, script:not([src]), #paper b, #paper a[href^=javascript]").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://", "/api/")) for h in hrefs)
    assert page.evaluate("window.__pwned") is None

    # the morning digest links straight to a paper: REVIEW_URL#/paper/PMID
    page.evaluate("() => { location.hash = '#/paper/90000302'; }")
    page.wait_for_selector('#paper-body[data-pmid="90000302"]')
    assert page.problems == []
