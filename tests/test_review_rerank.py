"""Live re-ranking in the triage server (issues 9 and 12): a few committed decisions reorder
`/api/queue`, through a real `littrack review` process on loopback; in dual mode only settled
decisions teach the model, so screening stays blind. How fast re-ranking is belongs in
bench/ranking.py: a timed assertion here fails whenever the CI machine is busy."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import sync_playwright
from review_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Reviewer,
    ReviewProcess,
    add_reviewers,
    clone_warehouse,
    wait_for,
    write_config,
)


@pytest.fixture(scope="module")
def servers(review_warehouse, tmp_path_factory):
    """A single-mode and a dual-mode server, each on its own copy of the warehouse."""
    running = {}
    try:
        for mode in ("single", "dual"):
            folder = tmp_path_factory.mktemp(f"rerank-{mode}")
            warehouse = clone_warehouse(review_warehouse, folder / "warehouse")
            add_reviewers(warehouse, "ann", "bob")
            running[mode] = ReviewProcess(write_config(folder, warehouse, mode)).start()
        yield running
    finally:
        for server in running.values():
            server.stop()


def ranked_queue(reviewer: Reviewer) -> dict:
    response = reviewer.get("/api/queue", filter="undecided", limit=500)
    assert response.status_code == 200, response.text
    return response.json()


def decide_all(reviewer: Reviewer, decisions: dict[int, str]) -> None:
    for pmid, decision in decisions.items():
        reason = {"reason": "not CRPS"} if decision == "exclude" else {}
        assert reviewer.decide(pmid, decision, **reason).status_code == 201


def three_decisions(items: list[dict]) -> dict[int, str]:
    """What the nightly ranked first is excluded, one of the last is included."""
    return {items[0]["pmid"]: "exclude", items[1]["pmid"]: "exclude", items[-1]["pmid"]: "include"}


def test_three_decisions_visibly_reorder_the_queue(servers):
    ann = Reviewer(servers["single"].url, "ann")
    first = wait_for(lambda: (q := ranked_queue(ann))["ranking_version"] > 0 and q)  # live since start
    before = [item["pmid"] for item in first["items"]]
    decisions = three_decisions(first["items"])
    decide_all(ann, decisions)

    after = wait_for(lambda: (q := ranked_queue(ann))["ranking_version"] > first["ranking_version"] and q)
    order = [item["pmid"] for item in after["items"]]
    remaining = [pmid for pmid in before if pmid not in decisions]
    assert sorted(order) == sorted(remaining)  # the decided ones left the undecided list
    was = {pmid: rank for rank, pmid in enumerate(remaining)}
    assert sum(abs(rank - was[pmid]) >= 3 for rank, pmid in enumerate(order)) > len(order) / 3
    scores = [item["relevance"] for item in after["items"]]
    assert scores == sorted(scores, reverse=True)
    assert scores != [item["relevance"] for item in first["items"] if item["pmid"] in was]
    assert all(item["relevance_why"] for item in after["items"][:10])
    paper = ann.get(f"/api/papers/{order[0]}").json()  # the paper shows the live score too
    assert (paper["relevance"], paper["relevance_why"]) == (scores[0], after["items"][0]["relevance_why"])


def test_in_dual_mode_only_settled_decisions_reorder_the_queue(servers):
    ann, bob = (Reviewer(servers["dual"].url, name) for name in ("ann", "bob"))
    first = wait_for(lambda: (q := ranked_queue(bob))["ranking_version"] > 0 and q)
    decisions = three_decisions(first["items"])
    decide_all(ann, decisions)
    time.sleep(1.5)  # well past the debounce: a re-scoring would have been published
    blind = ranked_queue(bob)  # bob has not decided: ann's decisions must not show in his order
    assert (blind["ranking_version"], blind["items"]) == (first["ranking_version"], first["items"])

    decide_all(bob, decisions)  # agreed: settled, the model learns from them
    after = wait_for(lambda: (q := ranked_queue(bob))["ranking_version"] > first["ranking_version"] and q)
    assert [i["pmid"] for i in after["items"]] != [i["pmid"] for i in first["items"] if i["pmid"] not in decisions]


def test_the_page_shows_the_reranked_queue_after_a_decision(servers):
    server = servers["single"]
    ann = Reviewer(server.url, "ann")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": name, "value": value, "url": server.url}
                                 for name, value in ann.http.cookies.items()])  # signed in already
            page = context.new_page()
            page.goto(server.url + "/")
            page.wait_for_selector("#paper-body[data-pmid]")
            version = ranked_queue(ann)["ranking_version"]
            decided = int(page.get_attribute("#paper-body", "data-pmid"))
            page.keyboard.press("e")
            page.keyboard.press("1")
            page.wait_for_selector(f'#paper-body[data-pmid]:not([data-pmid="{decided}"])')
            shown = int(page.get_attribute("#paper-body", "data-pmid"))
            wait_for(lambda: ranked_queue(ann)["ranking_version"] > version)
            reranked = [item["pmid"] for item in ranked_queue(ann)["items"] if item["pmid"] != shown]

            def page_order():
                return [int(pmid) for pmid in page.eval_on_selector_all(
                    "#queue li", "rows => rows.map(row => row.dataset.pmid)")]

            # the paper being read stays first; the re-ranked undecided papers follow it
            assert wait_for(lambda: page_order()[:11] == [shown, *reranked[:10]] or None)
        finally:
            browser.close()
