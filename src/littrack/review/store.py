"""The review server's own store: reviewers, sessions, sign-in attempts and decision events.

SQLite beside the snapshot (`WarehouseFiles.review_db`), never the DuckDB files: a decision is
a few hundred bytes committed in a short transaction, WAL mode with `synchronous=FULL` so a
commit has reached the disk before the server answers 201, and nothing here waits for the
nightly's writer lock. Decision events are append-only (triggers refuse UPDATE and DELETE):
undo, a change of mind and a conflict's resolution are new events.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from littrack.review.errors import ReviewError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviewers (
    name        TEXT PRIMARY KEY,
    password    TEXT NOT NULL,            -- littrack.review.passwords.hash_password()
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,         -- sha256 of the cookie; the cookie itself is never stored
    csrf_token  TEXT NOT NULL,
    reviewer    TEXT NOT NULL REFERENCES reviewers (name),
    expires_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_attempts (
    name        TEXT NOT NULL,
    client      TEXT NOT NULL,
    at          REAL NOT NULL,
    succeeded   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_at ON login_attempts (at);
CREATE TABLE IF NOT EXISTS decision_events (
    event_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    pmid          INTEGER NOT NULL,
    cluster_pmids TEXT NOT NULL,          -- JSON list
    reviewer      TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('decide', 'undo', 'resolve')),
    decision      TEXT CHECK (decision IN ('include', 'maybe', 'exclude')),
    reason        TEXT,
    note          TEXT,
    tags          TEXT NOT NULL,          -- JSON list
    paper_version INTEGER,
    paper_hash    TEXT,
    decided_at    TEXT NOT NULL           -- ISO 8601, UTC
);
CREATE TRIGGER IF NOT EXISTS decision_events_no_update BEFORE UPDATE ON decision_events
BEGIN SELECT RAISE(ABORT, 'decision events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decision_events_no_delete BEFORE DELETE ON decision_events
BEGIN SELECT RAISE(ABORT, 'decision events are append-only'); END;
"""


@dataclass(frozen=True)
class DecisionEvent:
    """One row of `decision_events`, in `DECISION_COLUMNS` order."""

    event_id: int
    pmid: int
    cluster_pmids: tuple[int, ...]
    reviewer: str
    action: str  # decide | undo | resolve
    decision: str | None
    reason: str | None
    note: str | None
    tags: tuple[str, ...]
    paper_version: int | None
    paper_hash: str | None
    decided_at: datetime

    def export_row(self) -> tuple:
        return (self.event_id, self.pmid, list(self.cluster_pmids), self.reviewer, self.action,
                self.decision, self.reason, self.note, list(self.tags), self.paper_version,
                self.paper_hash, self.decided_at)


@dataclass(frozen=True)
class NewEvent:
    """An event to append; the store assigns its id and time."""

    pmid: int
    cluster_pmids: tuple[int, ...]
    reviewer: str
    action: str
    decision: str | None = None
    reason: str | None = None
    note: str | None = None
    tags: tuple[str, ...] = ()
    paper_version: int | None = None
    paper_hash: str | None = None


@dataclass(frozen=True)
class Reviewer:
    name: str
    disabled: bool
    created_at: str


class ReviewStore:
    """One connection shared by the server's threads, each statement under a lock (every
    transaction is a few rows; other processes, e.g. `littrack reviewer add`, wait at most
    `BUSY_TIMEOUT_MS` for the file)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=FULL")
            self._con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._con.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise ReviewError(f"cannot open the review store {self.path}: {exc}") from None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._con.close()

    def _migrate(self) -> None:
        (version,) = self._con.execute("PRAGMA user_version").fetchone()
        if version == 0:  # IF NOT EXISTS: another process may be creating it at the same time
            self._con.executescript(
                f"BEGIN IMMEDIATE;\n{_SCHEMA}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )
        elif version != SCHEMA_VERSION:
            raise ReviewError(f"the review store {self.path} has schema {version}, expected {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction (BEGIN IMMEDIATE: it takes SQLite's write lock up front)."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    # ---- decision events ----

    def append(self, event: NewEvent) -> DecisionEvent:
        """Append one event; when this returns, it is on disk."""
        decided_at = datetime.now(UTC)
        with self.transaction() as con:
            (event_id,) = con.execute(
                "INSERT INTO decision_events (pmid, cluster_pmids, reviewer, action, decision,"
                " reason, note, tags, paper_version, paper_hash, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
                [event.pmid, json.dumps(list(event.cluster_pmids)), event.reviewer, event.action,
                 event.decision, event.reason, event.note, json.dumps(list(event.tags)),
                 event.paper_version, event.paper_hash, decided_at.isoformat()],
            ).fetchone()
        return DecisionEvent(event_id, event.pmid, tuple(event.cluster_pmids), event.reviewer,
                             event.action, event.decision, event.reason, event.note,
                             tuple(event.tags), event.paper_version, event.paper_hash, decided_at)

    def events(self, after_event_id: int = 0) -> list[DecisionEvent]:
        rows = self.query(
            "SELECT event_id, pmid, cluster_pmids, reviewer, action, decision, reason, note, tags,"
            " paper_version, paper_hash, decided_at FROM decision_events WHERE event_id > ?"
            " ORDER BY event_id",
            [after_event_id],
        )
        return [
            DecisionEvent(eid, pmid, tuple(json.loads(cluster)), reviewer, action, decision,
                          reason, note, tuple(json.loads(tags)), version, paper_hash,
                          datetime.fromisoformat(at))
            for (eid, pmid, cluster, reviewer, action, decision, reason, note, tags, version,
                 paper_hash, at) in rows
        ]

    # ---- reviewers ----

    def set_reviewer(self, name: str, password_record: str) -> bool:
        """Add a reviewer, or give an existing one a new password and enable it; True if new."""
        with self.transaction() as con:
            existed = con.execute("SELECT 1 FROM reviewers WHERE name = ?", [name]).fetchone()
            con.execute(
                "INSERT INTO reviewers (name, password, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET password = excluded.password, disabled = 0",
                [name, password_record, datetime.now(UTC).isoformat(timespec="seconds")],
            )
            con.execute("DELETE FROM sessions WHERE reviewer = ?", [name])
        return existed is None

    def disable_reviewer(self, name: str) -> None:
        with self.transaction() as con:
            changed = con.execute("UPDATE reviewers SET disabled = 1 WHERE name = ?", [name]).rowcount
            if not changed:
                raise ReviewError(f"no reviewer named {name!r}")
            con.execute("DELETE FROM sessions WHERE reviewer = ?", [name])

    def reviewers(self) -> list[Reviewer]:
        rows = self.query("SELECT name, disabled, created_at FROM reviewers ORDER BY name")
        return [Reviewer(name, bool(disabled), created) for name, disabled, created in rows]

    def password_record(self, name: str) -> str | None:
        """The stored hash of an enabled reviewer, None for unknown or disabled names."""
        rows = self.query("SELECT password FROM reviewers WHERE name = ? AND disabled = 0", [name])
        return rows[0][0] if rows else None
