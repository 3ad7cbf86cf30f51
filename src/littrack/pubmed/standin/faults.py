"""Fault injection: the ways PubMed misbehaves, switchable per test and reproducible by seed."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from littrack.pubmed.standin.shapes import (
    Reply,
    efetch_error,
    esearch_error,
    json_error,
)

BACKEND_FAILURES = (
    "Search Backend failed: Pubmed 2.0 search API: HTTP request returned 502 status.",
    "Search Backend failed: Search is temporarily unavailable. Cannot connect to SOLR",
    "Search Backend failed: HTTP Request processing error: null",
)
PROXY_STREAM_FAILURE = (
    " Error: CEFetchPApplication::proxy_stream(): Failed to retrieve data: 502 Server Error: "
    "Bad Gateway for url: http://pubmed-efetch-backend"
)


@dataclass(frozen=True)
class Faults:
    """What to break; rates are per request, drawn from a generator seeded with `seed`."""

    error_rate: float = 0.0  # HTTP 500/502/503, or NCBI's transient HTTP 400 proxy_stream error
    truncate_rate: float = 0.0  # body cut short: a short read, a cut document, or nothing
    error_in_200_rate: float = 0.0  # HTTP 200 whose body is an <ERROR>Search Backend failed…
    burst_429: int = 0  # the next N requests are answered 429 with NCBI's JSON body
    retry_after: float | None = None  # Retry-After (seconds) sent with those 429s
    latency: float = 0.0  # seconds to wait before every answer
    seed: int = 0


@dataclass(frozen=True)
class Injected:
    name: str  # "429", "error", "truncate", "error_in_200"
    reply: Reply | None = None  # replaces the real answer; None: cut the real answer
    cut: str | None = None  # how to truncate: "short_read", "cut_document", "empty"


class FaultPlan:
    """Draws, request by request in arrival order, which fault (if any) to inject."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._burst_left = faults.burst_429
        self._lock = threading.Lock()

    def draw(self, endpoint: str) -> Injected | None:
        with self._lock:
            if self._burst_left > 0:
                self._burst_left -= 1
                return Injected("429", _rate_limited(self.faults.retry_after))
            roll = self._rng.random()
            for name, rate in (("error", self.faults.error_rate), ("truncate", self.faults.truncate_rate),
                               ("error_in_200", self.faults.error_in_200_rate)):
                if roll < rate:
                    return self._make(name, endpoint)
                roll -= rate
            return None

    def _make(self, name: str, endpoint: str) -> Injected:
        if name == "truncate":
            return Injected(name, cut=self._rng.choice(("short_read", "cut_document", "empty")))
        if name == "error_in_200":
            message = self._rng.choice(BACKEND_FAILURES)
            reply = esearch_error(message) if endpoint == "esearch" else efetch_error(PROXY_STREAM_FAILURE, 200)
            return Injected(name, reply)
        # EFetch also fails transiently as an HTTP 400 carrying a backend error
        status = self._rng.choice((500, 502, 503, 400) if endpoint == "efetch" else (500, 502, 503))
        if status == 400:
            return Injected(name, efetch_error(PROXY_STREAM_FAILURE, 400))
        return Injected(name, Reply(status, f"<html><body><h1>{status} Server Error</h1></body></html>".encode(),
                                    "text/html"))


def _rate_limited(retry_after: float | None) -> Reply:
    headers = {"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0"}
    if retry_after is not None:
        headers["Retry-After"] = f"{retry_after:g}"
    return rate_limit_reply("127.0.0.1", count=4, limit=3, headers=headers)


def rate_limit_reply(client: str, count: int, limit: int, headers: dict[str, str] | None = None) -> Reply:
    """HTTP 429 with the JSON body NCBI sends."""
    payload = {"error": "API rate limit exceeded", "api-key": client, "count": str(count), "limit": str(limit)}
    return json_error(429, payload, headers or {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"})
