"""The end of every run: record its PubMed health, then mail the digest or, if it failed, an alert.

Mail is a side channel: whatever goes wrong while composing or sending it is logged and
recorded in `digest_sends`, and never fails the run nor touches what the run stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from email.message import EmailMessage

from littrack.config import Config
from littrack.digest import build_digest, window_for_run
from littrack.digest.errors import SendError
from littrack.digest.mail import alert_message, digest_message, send

log = logging.getLogger(__name__)


class RunMail:
    """Mail at the end of one run, entered twice around it (see `nightly.pipeline.run_nightly`):

    - `outside_session()` around everything: a run that fails before its write session opens
      (the warehouse busy, a migration failing) still sends its alert, which can only be logged;
    - `inside_session(con, client)` inside the write session: the run's health goes on its
      `runs` row, and the digest (or the alert) goes out and is recorded in `digest_sends`.

    Ctrl-C and SIGTERM (not `Exception`s) send nothing: someone stopped the run on purpose.
    """

    def __init__(self, config: Config):
        self.config = config
        self._session_entered = False

    @contextmanager
    def outside_session(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            if not self._session_entered and self.config.digest.recipients:
                _side_channel(_mail_alert, None, self.config, None, exc)
            raise

    @contextmanager
    def inside_session(self, con, client=None) -> Iterator[None]:
        self._session_entered = True
        (before,) = con.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()
        try:
            yield
        except Exception as exc:
            _side_channel(_after_failure, con, self.config, before, client, exc)
            raise
        _side_channel(_after_success, con, self.config, before, client)


def without_mail(config: Config) -> Config:
    """The same config with nobody to mail (the demo's synthetic nights)."""
    return replace(config, digest=replace(config.digest, recipients=()))


def _side_channel(step, *args) -> None:
    # what the run stored is committed (or rolled back) already: a bug in the health record or
    # the mail is logged with its traceback, and neither fails the run nor hides its own error
    try:
        step(*args)
    except Exception:
        log.exception("littrack could not record or mail the end of the run")


def _after_success(con, config: Config, before: int, client) -> None:
    run_id = _record_health(con, before, client)
    if not config.digest.recipients or run_id is None:
        return
    digest = build_digest(con, window_for_run(con, run_id), config)
    if digest.content.is_empty and not config.digest.send_when_empty:
        record_send(con, run_id, "digest", digest.subject, config, "skipped", "nothing new")
        return
    send_and_record(con, run_id, "digest", digest_message(digest, config.digest), config)


def _after_failure(con, config: Config, before: int, client, error: Exception) -> None:
    run_id = _record_health(con, before, client)
    if config.digest.recipients:
        _mail_alert(con, config, run_id, error)


def _mail_alert(con, config: Config, run_id: int | None, error: Exception) -> None:
    subject, body = alert_text(con, config, run_id, error)
    send_and_record(con, run_id, "alert", alert_message(subject, body, config.digest), config)


def _record_health(con, before: int, client) -> int | None:
    """Store the client's request and retry counts on the run this block made; its id."""
    row = con.execute("SELECT max(id) FROM runs WHERE id > ?", [before]).fetchone()
    if row[0] is not None and client is not None:
        con.execute(
            "UPDATE runs SET requests = ?, retries = ? WHERE id = ?",
            [client.requests_sent, len(client.waits), row[0]],
        )
    return row[0]


def alert_text(con, config: Config, run_id: int | None, error: Exception) -> tuple[str, str]:
    """Subject and body of a failed run's alert: what failed, and what the next run catches up.

    `con` is the run's write session, or None when the run failed before it could open one.
    """
    day = date.today()
    which = f"run {run_id}" if run_id is not None else "the nightly run"
    status, cursor = _run_state(con, run_id) if con is not None else (None, None)
    if status == "succeeded":
        kept = "Its records were stored and the cursor moved; a later step failed."
    else:
        kept = "Nothing of this run was kept and the cursor did not move"
        kept += f" (last successful search up to {cursor})." if cursor else "."
    if cursor is not None:
        start = str(cursor - timedelta(days=config.run.overlap_days))
    elif con is None:
        start = "where the last successful run stopped"
    else:
        start = str(config.run.first_run_since)
    body = "\n".join([
        f"littrack: {which} FAILED on {day}.",
        "",
        f"Error: {type(error).__name__}: {error}",
        "",
        kept,
        (f"The next run searches again from {start} to its own day, so it catches up"
         " everything this night missed."),
        "",
        "See `littrack status` for recent runs; the run's log has the details.",
    ])
    return f"littrack {day}: {which} FAILED", body


def _run_state(con, run_id: int | None):
    """(the run's status, its query's cursor day); the newest cursor when there is no run row."""
    row = con.execute(
        "SELECT (SELECT status FROM runs WHERE id = $run),"
        " (SELECT max(edat_until) FROM cursors"
        "  WHERE $run IS NULL OR query_key = (SELECT query_key FROM runs WHERE id = $run))",
        {"run": run_id},
    ).fetchone()
    return row[0], row[1]


def send_and_record(con, run_id: int | None, kind: str, message: EmailMessage, config: Config) -> str | None:
    """Send `message`, log the outcome in one line and record it (when `con` is a write
    session); the failure, if any."""
    recipients = ", ".join(config.digest.recipients)
    unrecorded = "" if con is not None else " (not recorded: the warehouse was not open)"
    try:
        send(message, config.digest)
    except SendError as exc:
        log.error("%s for run %s NOT sent to %s: %s%s", kind, run_id, recipients, exc, unrecorded)
        failure = str(exc)
    else:
        log.info("%s for run %s sent to %s%s", kind, run_id, recipients, unrecorded)
        failure = None
    if con is not None:
        status = "failed" if failure else "sent"
        record_send(con, run_id, kind, message["Subject"], config, status, failure)
    return failure


def record_send(con, run_id, kind: str, subject: str, config: Config, status: str, error) -> None:
    con.execute(
        "INSERT INTO digest_sends (run_id, kind, status, subject, recipients, error)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, kind, status, subject, list(config.digest.recipients), error],
    )
