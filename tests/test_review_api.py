"""The triage page's JSON API and CLI (issue 9): a real `littrack review` process on loopback over
a real demo warehouse; the analysts' views are read from the snapshot by a new connection."""

from __future__ import annotations

import io
import re

import pytest
import requests
from review_support import (
    PASSWORD,
    Reviewer,
    ReviewProcess,
    add_reviewers,
    analysts_view,
    clone_warehouse,
    project_config,
    wait_for,
    write_config,
)
from support import run_cli

from littrack.nightly.files import load_files
from littrack.pubmed.synthetic import DEMO_N, DEMO_SEED, generate_corpus
from littrack.pubmed.synthetic.draft import article_set_document


@pytest.fixture(scope="module")
def single(review_warehouse, tmp_path_factory):
    """A single-screening server on its own copy of the warehouse."""
    yield from _server(review_warehouse, tmp_path_factory.mktemp("single"), "single")


@pytest.fixture(scope="module")
def dual(review_warehouse, tmp_path_factory):
    yield from _server(review_warehouse, tmp_path_factory.mktemp("dual"), "dual")


def _server(built, folder, mode):
    warehouse = clone_warehouse(built, folder / "warehouse")
    add_reviewers(warehouse, "ann", "bob", "cy", "dan")
    with ReviewProcess(write_config(folder, warehouse, mode)) as server:
        server.warehouse = warehouse
        yield server


def test_the_api_answers_401_403_422_and_201_as_documented(single):
    server = single
    anonymous = requests.Session()
    assert anonymous.get(server.url + "/api/queue").status_code == 401
    assert anonymous.post(server.url + "/api/decisions", json={"pmid": 1, "decision": "include"}).status_code == 401
    wrong = anonymous.post(server.url + "/api/session", json={"name": "ann", "password": "nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "wrong name or password"})

    signed_in = anonymous.post(server.url + "/api/session", json={"name": "ann", "password": PASSWORD})
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    ann = Reviewer(server.url, "ann")
    pmid = ann.queue()[0]["pmid"]
    assert ann.post("/api/decisions", {"pmid": pmid, "decision": "include"}, csrf=False).status_code == 403
    for body, message in (
        ({"pmid": pmid, "decision": "yes"}, "unknown decision 'yes'; use include, maybe or exclude"),
        ({"pmid": 12345, "decision": "include"}, "PMID 12345 is not in the review queue"),
        ({"pmid": pmid, "decision": "exclude"}, "an exclusion needs a reason from: not CRPS; wrong design"),
        ({"pmid": "abc", "decision": "include"}, "pmid must be a number, not 'abc'"),
    ):
        response = ann.post("/api/decisions", body)
        assert (response.status_code, response.json()) == (422, {"detail": message})

    made = ann.decide(pmid, "exclude", reason="wrong design", note="a pilot", tags=["pilot"])
    assert made.status_code == 201
    assert made.json() | {"decided_at": None} == {
        "event_id": 1, "pmid": pmid, "reviewer": "ann", "action": "decide", "decision": "exclude",
        "reason": "wrong design", "note": "a pilot", "tags": ["pilot"], "decided_at": None,
    }
    assert pmid not in {item["pmid"] for item in ann.queue("undecided")}
    assert pmid in [item["pmid"] for item in ann.queue("excluded")]

    page = ann.http.get(server.url + "/")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script>" not in page.text  # no inline script: every script is a file


def test_sign_in_is_rate_limited_per_name(dual):
    server = dual
    client = requests.Session()
    for _ in range(5):
        assert client.post(server.url + "/api/session", json={"name": "dan", "password": "guess"}).status_code == 401
    blocked = client.post(server.url + "/api/session", json={"name": "dan", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["detail"].startswith("too many failed sign-ins")
    Reviewer(server.url, "ann")  # another name is not locked out


def test_reviewer_commands_add_list_and_disable(dual, capsys, monkeypatch):
    config = dual.config
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert run_cli(capsys, "--config", config, "reviewer", "add", "dee", "--password-stdin")[:2] == (0, "reviewer dee added\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run_cli(capsys, "--config", config, "reviewer", "add", "eve", "--password-stdin")
    assert (code, err) == (1, "Error: the password must have at least 8 characters\n")

    dee = Reviewer(dual.url, "dee", "a long enough password")  # the running server sees new reviewers
    assert dee.get("/api/queue").status_code == 200
    assert run_cli(capsys, "--config", config, "reviewer", "disable", "dee")[0] == 0
    assert dee.get("/api/queue").status_code == 401  # the open session ends too
    code, out, _ = run_cli(capsys, "--config", config, "reviewer", "list")
    assert code == 0 and re.search(r"dee\s+│\s+disabled", out) and re.search(r"ann\s+│\s+active", out)
    code, _, err = run_cli(capsys, "--config", config, "reviewer", "disable", "nobody")
    assert (code, err) == (1, "Error: no reviewer named 'nobody'\n")


def test_dual_screening_is_blind_and_the_analysts_views_agree_with_the_page(dual):
    server, warehouse = dual, dual.warehouse
    ann, bob, cy = (Reviewer(server.url, name) for name in ("ann", "bob", "cy"))
    papers = [item["pmid"] for item in ann.queue()[:6]]
    ann_says = ["include", "include", "maybe", "exclude", "include", "include"]
    bob_says = ["include", "maybe", "include", "exclude", "exclude", "include"]
    for pmid, decision in zip(papers, ann_says):
        reason = {"reason": "not CRPS"} if decision == "exclude" else {}
        assert ann.decide(pmid, decision, **reason).status_code == 201

    # blind: before deciding, bob sees nothing of ann's decisions
    for item in bob.queue()[:6]:
        assert (item["status"], item["decisions"], item["my_decision"]) == ("undecided", [], None)
    assert bob.queue("included") == [] and bob.queue("conflicts") == []
    assert {item["status"] for item in ann.queue("mine")} == {"awaiting"}

    for pmid, decision in zip(papers, bob_says):
        reason = {"reason": "wrong design"} if decision == "exclude" else {}
        assert bob.decide(pmid, decision, **reason).status_code == 201
    conflicts = [item["pmid"] for item in bob.queue("conflicts")]
    assert sorted(conflicts) == sorted(papers[1:3] + papers[4:5])  # include vs maybe counts too
    assert [d["reviewer"] for d in bob.get(f"/api/papers/{papers[1]}").json()["decisions"]] == ["ann", "bob"]
    assert cy.post("/api/resolutions", {"pmid": papers[0], "decision": "exclude", "reason": "not CRPS"}).status_code == 422
    assert cy.post("/api/resolutions", {"pmid": papers[1], "decision": "include"}).status_code == 201

    # undo is a stack of one reviewer's decisions: a change of mind undone brings back the first
    assert ann.decide(papers[5], "maybe").status_code == 201
    assert ann.post("/api/undo", {"pmid": papers[5]}).status_code == 201
    assert ann.get(f"/api/papers/{papers[5]}").json()["my_decision"]["decision"] == "include"

    page = {item["pmid"]: (item["status"], item["final_decision"], item["resolved_by"])
            for item in cy.queue("all") if item["pmid"] in papers}
    assert page == {
        papers[0]: ("included", "include", None),
        papers[1]: ("included", "include", "cy"),
        papers[2]: ("conflict", None, None),
        papers[3]: ("excluded", "exclude", None),
        papers[4]: ("conflict", None, None),
        papers[5]: ("included", "include", None),
    }
    in_list = ", ".join(map(str, papers))

    def views():  # once all 15 events are exported
        rows = analysts_view(warehouse, f"SELECT pmid, status, decision, resolved_by, (SELECT count(*) FROM decisions)"
                                        f" FROM screening_status WHERE pmid IN ({in_list})")
        return {pmid: tuple(rest) for pmid, *rest, events in rows} if rows[0][-1] == 15 else None

    assert wait_for(views) == page
    assert analysts_view(warehouse, f"SELECT decision, reason FROM screening_status WHERE pmid = {papers[3]}") == [("exclude", "not CRPS")]
    current = analysts_view(warehouse, "SELECT pmid, reviewer, decision FROM current_decisions ORDER BY ALL")
    assert len(current) == 12 and (papers[5], "ann", "include") in current
    queue_columns = analysts_view(warehouse, f"SELECT screening_status, final_decision FROM review_queue WHERE pmid = {papers[3]}")
    assert queue_columns == [("excluded", "exclude")]


def test_a_paper_revised_after_a_decision_is_flagged_and_the_queue_follows_the_new_snapshot(single, tmp_path):
    server, warehouse = single, single.warehouse
    ann = Reviewer(server.url, "ann")
    corpus = {article_pmid(a): a for a in generate_corpus(DEMO_N, seed=DEMO_SEED).articles}
    pmid = next(item["pmid"] for item in ann.queue() if item["pmid"] in corpus)
    assert ann.decide(pmid, "include").status_code == 201
    assert ann.get(f"/api/papers/{pmid}").json()["changed_since_decided"] is False

    revised = re.sub(rb"<ArticleTitle>(.*?)</ArticleTitle>", rb"<ArticleTitle>\1 (corrected)</ArticleTitle>", corpus[pmid])
    (tmp_path / "revised.xml").write_bytes(article_set_document([revised]))
    load_files(project_config(warehouse), [tmp_path / "revised.xml"])  # publishes a new snapshot

    paper = wait_for(lambda: (p := ann.get(f"/api/papers/{pmid}").json())["title"].endswith("(corrected)") and p)
    assert paper["changed_since_decided"] is True
    assert paper["my_decision"]["decision"] == "include"


def article_pmid(article: bytes) -> int:
    return int(re.search(rb"<PMID Version=\"\d+\">(\d+)</PMID>", article).group(1))


def test_the_queue_follows_relevance_and_filters_on_evidence_tags_when_the_warehouse_has_them(single):
    ann = Reviewer(single.url, "ann")
    settings = ann.get("/api/settings").json()
    assert settings["ranked"] and set(settings["facets"]) == {"design", "population_age", "routes"}
    everything = ann.queue("all")
    scores = [item["relevance"] for item in everything if item["relevance"] is not None]
    assert scores and scores == sorted(scores, reverse=True)
    design = settings["facets"]["design"][0]
    designed = ann.queue("all", design=design)
    assert 0 < len(designed) < len(everything)
    assert all(design in (item["design"] if isinstance(item["design"], list) else [item["design"]])
               for item in designed)


def test_review_says_in_one_line_what_is_wrong_before_serving(tmp_path, capsys):
    config = write_config(tmp_path, tmp_path / "nothing-yet.duckdb")
    code, _, err = run_cli(capsys, "--config", config, "review", "--port", "1")
    missing = tmp_path / "nothing-yet.duckdb"
    message = f"Error: no warehouse yet at {missing}: run `littrack run` or `littrack demo` first\n"
    assert (code, err) == (1, message)
    config.write_text(config.read_text().replace('mode = "dual"', 'mode = "triple"'))
    code, _, err = run_cli(capsys, "--config", config, "review")
    assert (code, err) == (2, 'Error: [review] mode must be "single" or "dual"\n')


def test_a_paper_shows_the_per_field_evidence_of_its_cluster(review_warehouse, tmp_path):
    """Issue 10: why a cluster's records are one is shown with the paper, field by field."""
    import json

    from littrack.warehouse import Warehouse

    warehouse = clone_warehouse(review_warehouse, tmp_path / "warehouse")
    with Warehouse(warehouse).write() as db:
        a, b = [p for (p,) in db.con.execute(
            "SELECT pmid FROM review_queue ORDER BY pmid LIMIT 2").fetchall()]
        evidence = json.dumps([{
            "records": [f"pmid:{a}", f"pmid:{b}"], "reason": "same DOI + title 0.97",
            "fields": {"doi": {"verdict": "agree"}, "title": {"verdict": "agree", "similarity": 0.97}},
        }])
        db.con.execute(
            "UPDATE dedup_clusters SET cluster_id = ?, evidence = ? WHERE member_key IN (?, ?)",
            [f"pmid:{a}", evidence, f"pmid:{a}", f"pmid:{b}"],
        )
    add_reviewers(warehouse, "ann")
    with ReviewProcess(write_config(tmp_path, warehouse, "single")) as server:
        paper = Reviewer(server.url, "ann").get(f"/api/papers/{a}").json()
    assert [m["pmid"] for m in paper["members"]] == [a, b]
    assert paper["merges"] == [{
        "records": [f"pmid:{a}", f"pmid:{b}"], "reason": "same DOI + title 0.97",
        "fields": [{"field": "doi", "verdict": "agree"}, {"field": "title", "verdict": "agree"}],
    }]
