"""Errors of the digest: nothing to digest, or a mail that could not be sent."""

from __future__ import annotations

from littrack.errors import LittrackError


class DigestError(LittrackError):
    """The digest cannot be built for the window asked for."""

    exit_code = 1


class SendError(DigestError):
    """The SMTP server could not be reached or refused the mail."""
