"""One request schedule per process, so every client and thread together keep NCBI's limit.

NCBI allows 3 requests/s without an API key and 10/s with one, counted over any one-second
window. Requests are spaced evenly with a 10% margin, so N+1 consecutive starts always span
more than one second even when they reach the server a few milliseconds apart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

RATE_WITHOUT_KEY = 3
RATE_WITH_KEY = 10
SPACING_MARGIN = 1.1

_shared: dict[float, RateLimiter] = {}
_shared_lock = threading.Lock()


class RateLimiter:
    """Hands out start times `SPACING_MARGIN / rate` seconds apart, first come first served."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = SPACING_MARGIN / rate
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until this caller may send its request; returns how long it waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait


def shared_limiter(rate: float) -> RateLimiter:
    """The process-wide limiter for `rate` requests per second (Prefect's `rate_limit()` would
    silently do nothing without a server-side limit, so the client keeps its own)."""
    with _shared_lock:
        if rate not in _shared:
            _shared[rate] = RateLimiter(rate)
        return _shared[rate]
