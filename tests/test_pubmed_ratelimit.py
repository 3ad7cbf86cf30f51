"""NCBI's rate limit, kept by every client and thread of a process together (issue 2, part 1).

Real time on real HTTP: what counts is what the stand-in's own clock sees."""

from __future__ import annotations

import bisect
import threading

import pytest

from littrack.config import PubMedSettings
from littrack.pubmed import EutilsClient
from littrack.pubmed.ratelimit import RateLimiter, shared_limiter

KEY_ENV = "NCBI_API_KEY_FOR_TESTS"
PMIDS = [34751700, 37883555, 39236155, 35108047, 37729413, 24349601, 11873782, 219391]


def max_requests_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))


def fetch_from_threads(server, threads: int, fetches_each: int) -> None:
    """`threads` threads, each with its own client, each fetching one record at a time."""
    config = PubMedSettings(base_url=server.base_url, email="tests@example.org", api_key_env=KEY_ENV, batch_size=1)
    failures = []

    def work():
        try:
            with EutilsClient(config) as client:
                for _ in client.fetch(PMIDS[:fetches_each]):
                    pass
        except Exception as exc:  # reported below, in the test's thread
            failures.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []


@pytest.mark.parametrize(("key", "limit", "fetches_each"), [(None, 3, 3), ("a-key", 10, 8)])
def test_four_threads_never_exceed_the_limit(standin, monkeypatch, key, limit, fetches_each):
    if key:
        monkeypatch.setenv(KEY_ENV, key)
    fetch_from_threads(standin, threads=4, fetches_each=fetches_each)
    log = standin.requests
    assert len(log) == 4 * fetches_each  # nothing was refused, so nothing was retried
    assert {r.status for r in log} == {200}
    assert max_requests_in_any_second([r.time for r in log]) <= limit


def test_limiter_is_one_per_rate_per_process():
    assert shared_limiter(3) is shared_limiter(3)
    assert shared_limiter(3) is not shared_limiter(10)


def test_limiter_spaces_starts_with_a_margin():
    now = [100.0]
    limiter = RateLimiter(10, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    starts = []
    for _ in range(11):
        limiter.acquire()
        starts.append(now[0])
    assert starts[10] - starts[0] > 1.0  # 11 starts never fit in one second
    assert starts[1] - starts[0] == pytest.approx(0.11)
