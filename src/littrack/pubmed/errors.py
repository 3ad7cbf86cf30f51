"""What can go wrong talking to E-utilities; every message names the request, never the api_key."""

from __future__ import annotations

from littrack.errors import LittrackError


class PubMedError(LittrackError):
    """PubMed could not answer a request as asked."""


class PubMedRequestError(PubMedError):
    """PubMed rejected a request that will never succeed (bad query, bad id, bad key)."""


class PubMedUnavailable(PubMedError):
    """PubMed kept failing (rate limit, 5xx, broken bodies) after every retry."""
