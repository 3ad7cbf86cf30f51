"""A confirmed decision survives `kill -9` (issue 9): two reviewers post decisions while a nightly
holds the writer lock and writes, and an analyst holds the snapshot open; the server is killed
with SIGKILL and restarted. Every decision answered 201 reaches `current_decisions` for a new
analyst connection within 60 s; none failed, none doubled; the nightly succeeded meanwhile."""

from __future__ import annotations

import threading
import time

import requests
from review_support import (
    Reviewer,
    ReviewProcess,
    add_reviewers,
    analysts_view,
    clone_warehouse,
    wait_for,
    write_config,
)
from support import python_child

from littrack.pubmed.synthetic import DEMO_CORPUS

NIGHTLY = """
import sys, time
from pathlib import Path
from littrack.parse import iter_pubmed
import gzip
from littrack.warehouse import Warehouse

document = gzip.decompress(Path(sys.argv[2]).read_bytes())
with Warehouse(Path(sys.argv[1])).write() as db:  # holds the writer lock throughout
    print("writing", flush=True)
    for _ in range(3):
        db.load_standalone(iter_pubmed(document), source="durability test")
    sys.stdin.readline()  # keep the lock until the test says so
print("published", flush=True)
"""
ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM papers").fetchone()[0], flush=True)
sys.stdin.readline()
"""
KILL_AFTER = 30  # 201s before the server is killed


class Screener(threading.Thread):
    """Posts one decision per paper until the server stops answering; records what it got."""

    def __init__(self, reviewer: Reviewer, pmids: list[int]):
        super().__init__()
        self.reviewer, self.pending = reviewer, list(pmids)
        self.created: dict[int, tuple[int, str]] = {}  # event id -> (pmid, decision)
        self.other_answers: list[int] = []
        self.unanswered: list[int] = []

    def run(self) -> None:
        while self.pending:
            pmid = self.pending.pop(0)
            decision = ("include", "maybe")[pmid % 2]
            try:
                response = self.reviewer.decide(pmid, decision)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # in flight when the server died (no answer, or one cut off): never retried
                self.unanswered.append(pmid)
                return
            if response.status_code == 201:
                self.created[response.json()["event_id"]] = (pmid, decision)
            else:
                self.other_answers.append(response.status_code)


def test_every_201_survives_a_sigkill_while_a_nightly_writes_and_an_analyst_reads(review_warehouse, tmp_path):
    warehouse = clone_warehouse(review_warehouse, tmp_path / "warehouse")
    add_reviewers(warehouse, "ann", "bob")
    server = ReviewProcess(write_config(tmp_path, warehouse, "dual")).start()
    analyst = python_child(ANALYST, warehouse)
    nightly = python_child(NIGHTLY, warehouse, DEMO_CORPUS)
    try:
        assert int(analyst.stdout.readline()) > 100
        assert nightly.stdout.readline() == "writing\n"
        ann, bob = Reviewer(server.url, "ann"), Reviewer(server.url, "bob")
        pmids = [item["pmid"] for item in ann.queue("all")][:60]
        first = [Screener(ann, pmids), Screener(bob, pmids[::-1])]
        for screener in first:
            screener.start()
        deadline = time.monotonic() + 60
        while sum(len(s.created) for s in first) < KILL_AFTER:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        server.kill()  # SIGKILL: no clean-up runs
        for screener in first:
            screener.join()

        server.start()  # same port, same cookies: sessions live in the review store
        second = [Screener(s.reviewer.reconnected(), s.pending[:10]) for s in first]
        for screener in second:
            screener.start()
        for screener in second:
            screener.join()
        nightly.stdin.write("\n")
        nightly.stdin.flush()
        assert nightly.stdout.readline() == "published\n"
        assert nightly.wait(timeout=60) == 0  # the nightly never failed because reviewers worked

        everything = first + second
        assert [a for s in everything for a in s.other_answers] == []  # none failed
        confirmed = {(event_id, s.reviewer.name, pmid, decision)
                     for s in everything for event_id, (pmid, decision) in s.created.items()}
        assert len(confirmed) > KILL_AFTER

        def analysts_see_all() -> list[tuple] | None:
            rows = analysts_view(warehouse, "SELECT event_id, reviewer, pmid, decision FROM current_decisions")
            return rows if confirmed <= set(rows) else None

        rows = wait_for(analysts_see_all, seconds=60)  # every 201'd decision, within 60 s
        in_flight = sum(len(s.unanswered) for s in first)
        assert len(rows) == len({(r, p) for _, r, p, _ in rows})  # none doubled
        assert len(confirmed) <= len(rows) <= len(confirmed) + in_flight
    finally:
        server.kill()
        for child in (analyst, nightly):
            if child.poll() is None:
                child.kill()
            child.wait()
