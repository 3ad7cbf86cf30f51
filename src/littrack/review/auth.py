"""Reviewers' passwords, sign-in with rate limiting, and sessions with a CSRF token.

Passwords are hashed with scrypt (stdlib, memory-hard); the record names its parameters so
they can be raised later without invalidating old hashes. The session cookie holds a random
token of which only a SHA-256 is stored. Every state-changing request must echo the session's
CSRF token in `X-CSRF-Token`: a cross-site page can make the browser send the cookie (it is
SameSite=Strict anyway) but cannot read the token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from littrack.review.errors import ReviewError, SignInFailed, TooManyAttempts
from littrack.review.store import ReviewStore

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~50 ms and 16 MiB per guess
SESSION_SECONDS = 12 * 3600
ATTEMPT_WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_CLIENT = 20
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, record: str) -> bool:
    try:
        kind, n, r, p, salt, digest = record.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


@cache
def _unknown_name_record() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 2**20, dklen=32)


def check_new_reviewer(name: str, password: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise ReviewError(
            f"reviewer name {name!r} must be 1-40 letters, digits, '.', '_' or '-' (no spaces)"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ReviewError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def add_reviewer(store: ReviewStore, name: str, password: str) -> bool:
    """Add a reviewer (or reset one's password and enable it); True when the name is new."""
    check_new_reviewer(name, password)
    return store.set_reviewer(name, hash_password(password))


@dataclass(frozen=True)
class Session:
    reviewer: str
    csrf_token: str
    token: str | None = None  # the cookie value; only known right after sign-in


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Sign-in, session look-up and sign-out over the review store."""

    def __init__(self, store: ReviewStore, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock

    def sign_in(self, name: str, password: str, client: str) -> Session:
        now = self.clock()
        self._check_rate(name, client, now)
        record = self.store.password_record(name)
        # unknown names still pay for a hash, so timing does not tell which names exist
        succeeded = verify_password(password, record or _unknown_name_record())
        succeeded = succeeded and record is not None
        with self.store.transaction() as con:
            con.execute("DELETE FROM login_attempts WHERE at < ?", [now - ATTEMPT_WINDOW_SECONDS])
            con.execute("INSERT INTO login_attempts VALUES (?, ?, ?, ?)", [name, client, now, succeeded])
            if not succeeded:
                session = None
            else:
                session = Session(name, secrets.token_urlsafe(32), secrets.token_urlsafe(32))
                con.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
                con.execute(
                    "INSERT INTO sessions VALUES (?, ?, ?, ?)",
                    [_token_hash(session.token), session.csrf_token, name, now + SESSION_SECONDS],
                )
        if session is None:
            raise SignInFailed("wrong name or password")
        return session

    def _check_rate(self, name: str, client: str, now: float) -> None:
        since = now - ATTEMPT_WINDOW_SECONDS
        # a success for this name forgives its earlier failures (the client count stays)
        ((by_name, oldest_name),) = self.store.query(
            "SELECT count(*), min(at) FROM login_attempts WHERE name = ? AND NOT succeeded AND at >= ?"
            " AND at > coalesce((SELECT max(at) FROM login_attempts WHERE name = ? AND succeeded), 0)",
            [name, since, name],
        )
        ((by_client, oldest_client),) = self.store.query(
            "SELECT count(*), min(at) FROM login_attempts WHERE client = ? AND NOT succeeded AND at >= ?",
            [client, since],
        )
        for count, limit, oldest in ((by_name, MAX_FAILURES_PER_NAME, oldest_name),
                                     (by_client, MAX_FAILURES_PER_CLIENT, oldest_client)):
            if count >= limit:
                wait = int(oldest + ATTEMPT_WINDOW_SECONDS - now) + 1
                raise TooManyAttempts(f"too many failed sign-ins; try again in {wait} s", wait)

    def lookup(self, token: str | None) -> Session | None:
        """The live session of an enabled reviewer for this cookie, if any."""
        if not token:
            return None
        rows = self.store.query(
            "SELECT s.reviewer, s.csrf_token FROM sessions s JOIN reviewers r ON r.name = s.reviewer"
            " WHERE s.token_hash = ? AND s.expires_at > ? AND NOT r.disabled",
            [_token_hash(token), self.clock()],
        )
        return Session(*rows[0]) if rows else None

    def sign_out(self, token: str) -> None:
        with self.store.transaction() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])
