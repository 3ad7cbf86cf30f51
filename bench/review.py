"""Triage page speed with 10,000 papers: decision latency (POST /api/decisions → 201, fsync'd)
and queue page time (GET /api/queue, 100 rows), without and with a nightly writing at the same
time, over real HTTP to a real `littrack review` process. The baseline, measured in the same run,
is one bare SQLite WAL commit with synchronous=FULL (the durability floor of a decision).

    python bench/review.py [--papers 10000] [--decisions 300]

Issue 9 target: p95 decision latency < 50 ms, with and without a nightly running.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from review_support import (
    PASSWORD,
    Reviewer,
    ReviewProcess,
    add_reviewers,
    project_config,
    write_config,
)

from littrack.nightly.files import load_files
from littrack.pubmed.synthetic import generate_corpus
from littrack.pubmed.synthetic.draft import article_set_document

# a nightly that keeps writing: load the corpus again and again, each time a write session that
# holds the writer lock, merges, re-clusters and publishes a new snapshot (the server reloads it)
NIGHTLY = """
import sys
from pathlib import Path
from littrack.nightly.files import load_files
sys.path.insert(0, sys.argv[3])
from review_support import project_config
config = project_config(Path(sys.argv[1]))
while True:
    load_files(config, [Path(sys.argv[2])])
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def sqlite_commit_floor(folder: Path, n: int = 200) -> list[float]:
    con = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE t (x TEXT)")
    times = []
    for i in range(n):
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t VALUES (?)", [f"decision {i}"])
        con.execute("COMMIT")
        times.append(time.perf_counter() - start)
    con.close()
    return times


def measure(reviewer: Reviewer, pmids: list[int], queries: int) -> tuple[list[float], list[float]]:
    decisions, pages = [], []
    for pmid in pmids:
        start = time.perf_counter()
        response = reviewer.decide(pmid, "include")
        decisions.append(time.perf_counter() - start)
        assert response.status_code == 201, response.text
    for i in range(queries):
        start = time.perf_counter()
        response = reviewer.get("/api/queue", filter=("undecided", "all")[i % 2], limit=100,
                                q=("", "ketamine")[i % 3 == 0])
        pages.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    return decisions, pages


def report(label: str, samples: list[float], baseline: float | None = None) -> None:
    p50, p95 = percentiles(samples)
    ratio = f"  ({p95 / baseline:5.1f}× the baseline p95)" if baseline else ""
    print(f"  {label:<38} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("NCBI_API_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warehouse = folder / "littrack.duckdb"
        corpus_file = folder / "corpus.xml"
        started = time.perf_counter()
        corpus_file.write_bytes(article_set_document(generate_corpus(args.papers, seed=9).articles))
        load_files(project_config(warehouse), [corpus_file])
        print(f"warehouse: {args.papers} synthetic papers loaded in {time.perf_counter() - started:.0f} s")
        add_reviewers(warehouse, "ann", "bob")

        floor = sqlite_commit_floor(folder)
        floor_p95 = percentiles(floor)[1]
        with ReviewProcess(write_config(folder, warehouse, "dual")) as server:
            ann, bob = Reviewer(server.url, "ann", PASSWORD), Reviewer(server.url, "bob", PASSWORD)
            total = ann.get("/api/queue", filter="all", limit=0).json()["total"]
            pmids = [item["pmid"] for item in ann.get("/api/queue", filter="all", limit=2 * args.decisions).json()["items"]]
            print(f"queue: {total} clusters; {args.decisions} decisions and 60 queue pages per phase\n")
            print("baseline")
            report("bare SQLite commit (WAL, synchronous=FULL)", floor)

            quiet_decisions, quiet_pages = measure(ann, pmids[: args.decisions], 60)
            print("no nightly running")
            report("decision (POST /api/decisions)", quiet_decisions, floor_p95)
            report("queue page (GET /api/queue, 100 rows)", quiet_pages)

            nightly = subprocess.Popen([sys.executable, "-c", NIGHTLY, str(warehouse), str(corpus_file), str(REPO / "tests")])
            try:
                time.sleep(3)  # the nightly has the writer lock and is loading
                busy_decisions, busy_pages = measure(bob, pmids[args.decisions: 2 * args.decisions], 60)
            finally:
                nightly.kill()
                nightly.wait()
            print("a nightly writing and publishing meanwhile")
            report("decision (POST /api/decisions)", busy_decisions, floor_p95)
            report("queue page (GET /api/queue, 100 rows)", busy_pages)
            quiet_p95 = percentiles(quiet_decisions)[1]
            print(f"\ndecision p95 with / without a nightly: {percentiles(busy_decisions)[1] / quiet_p95:.2f}×"
                  f"; max {max(busy_decisions) * 1000:.0f} ms (target: p95 < 50 ms, never > 1 s)")


if __name__ == "__main__":
    main()
