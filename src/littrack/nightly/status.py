"""What `littrack status` shows: recent runs, cursors, and whether the schedule is being kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from littrack.config import Config
from littrack.warehouse import Warehouse


@dataclass(frozen=True)
class RunRow:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    found: int | None
    new: int | None
    updated: int | None
    quarantined: int | None
    error: str | None


@dataclass(frozen=True)
class WarehouseStatus:
    path: str
    papers: int
    in_review_queue: int
    quarantined: int
    recent_runs: tuple[RunRow, ...]
    last_success: datetime | None
    cursor_until: str | None
    alert_after: timedelta

    @property
    def on_schedule(self) -> bool:
        """False when no run has succeeded within `alert_after` — a skipped or failed night."""
        if self.last_success is None:
            return False
        return datetime.now(timezone.utc) - _aware(self.last_success) <= self.alert_after


def read_status(config: Config, limit: int = 10) -> WarehouseStatus:
    warehouse = Warehouse(config.warehouse.path, config.warehouse.lock_timeout_seconds)
    with warehouse.read() as con:
        runs = tuple(
            RunRow(*row)
            for row in con.execute(
                "SELECT id, started_at, finished_at, status, found, new, updated, quarantined, error"
                " FROM runs ORDER BY id DESC LIMIT ?",
                [limit],
            ).fetchall()
        )
        last_success = con.execute(
            "SELECT max(started_at) FROM runs WHERE status = 'succeeded'"
        ).fetchone()[0]
        cursor_until = con.execute("SELECT max(edat_until) FROM cursors").fetchone()[0]
        return WarehouseStatus(
            path=str(config.warehouse.path),
            papers=con.execute("SELECT count(*) FROM papers").fetchone()[0],
            in_review_queue=con.execute("SELECT count(*) FROM review_queue").fetchone()[0],
            quarantined=con.execute("SELECT count(DISTINCT pmid) FROM quarantine").fetchone()[0],
            recent_runs=runs,
            last_success=last_success,
            cursor_until=str(cursor_until) if cursor_until else None,
            alert_after=timedelta(hours=config.schedule.alert_after_hours),
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
