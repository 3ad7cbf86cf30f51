"""Errors of the review stage; the server maps them to HTTP statuses, the CLI to one line."""

from littrack.errors import LittrackError


class ReviewError(LittrackError):
    """A review-store problem the user can act on (unknown reviewer, unreadable store)."""


class InvalidDecision(ReviewError):
    """A decision the rules do not allow: unknown paper or decision, missing reason (HTTP 422)."""


class SignInFailed(ReviewError):
    """Wrong name or password, or a disabled reviewer (HTTP 401)."""


class TooManyAttempts(ReviewError):
    """Too many failed sign-ins for this name or client lately (HTTP 429)."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
