"""How long to wait before retrying: exponential, jittered, capped, and never shorter than the
server's own `Retry-After`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


@dataclass
class Backoff:
    """Retry n waits between half and all of `min(maximum, initial * 2**n)` ("equal jitter"),
    so each wait is at least the previous one's ceiling until the cap is reached."""

    initial: float
    maximum: float
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        ceiling = min(self.maximum, self.initial * 2**attempt)
        wait = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        if retry_after is not None:
            # honoured, but a server asking for hours must not stall a nightly run beyond the cap
            wait = max(wait, min(retry_after, self.maximum))
        return wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())
