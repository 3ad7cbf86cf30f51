"""The digest outside the nightly hook: for the Prefect artifact and `littrack digest`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from littrack.config import Config
from littrack.digest import (
    Digest,
    DigestError,
    build_digest,
    latest_window,
    window_for_run,
    window_since,
)
from littrack.digest.after_run import alert_text, send_and_record
from littrack.digest.mail import digest_message
from littrack.warehouse import Warehouse, WarehouseError


def run_digest(config: Config, run_id: int) -> Digest:
    """The digest of one run, from the analysts' snapshot."""
    with _warehouse(config).read() as con:
        return build_digest(con, window_for_run(con, run_id), config)


def failed_run_report(config: Config, error: Exception) -> str:
    """A failed night's report for the Prefect artifact: the alert's text, with the stage."""
    run_id = stage = None
    try:
        with _warehouse(config).read() as con:
            row = con.execute(
                "SELECT id, failed_stage FROM runs WHERE status = 'failed' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            run_id, stage = row if row else (None, None)
            subject, body = alert_text(con, config, run_id, error)
    except WarehouseError:  # it failed before any warehouse existed
        subject, body = alert_text(None, config, None, error)
    where = f"\n\nFailed at stage: `{stage}`." if stage else ""
    return f"# {subject}\n\n{body}{where}\n"


def digest_since(config: Config, since: date | None) -> Digest:
    """The digest of every run since `since`, or of the newest successful run."""
    with _warehouse(config).read() as con:
        return build_digest(con, _window(con, since), config)


def send_digest(config: Config, since: date | None) -> Digest:
    """Send (again) the digest of `since` or the newest run; the attempt is recorded.

    Needs the writer's session to record in `digest_sends`, so it waits for a running night.
    """
    if not config.digest.recipients:
        raise DigestError("no [digest] recipients configured: nobody to send the digest to")
    with _warehouse(config).write() as db:
        window = _window(db.con, since)
        digest = build_digest(db.con, window, config)
        run_id = window.run_ids[-1] if len(window.run_ids) == 1 else None
        failure = send_and_record(db.con, run_id, "digest", digest_message(digest, config.digest), config)
    if failure:
        raise DigestError(f"the digest was not sent: {failure}")
    return digest


def write_html(digest: Digest, path: Path) -> None:
    """Save the digest as one standalone HTML file."""
    try:
        Path(path).write_text(digest.html, encoding="utf-8")
    except OSError as exc:
        raise DigestError(f"cannot write {path}: {exc.strerror or exc}") from None


def _window(con, since: date | None):
    return window_since(con, since) if since else latest_window(con)


def _warehouse(config: Config) -> Warehouse:
    return Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)

