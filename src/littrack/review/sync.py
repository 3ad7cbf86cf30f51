"""Keeps the analysts' decision export (Parquet segments beside the snapshot) in step with the store.

A reviewer's request never waits for this: `changed()` only wakes a background thread, which
waits `debounce_seconds` so a burst of decisions becomes one segment, then appends the events
committed since the last segment (the cost follows the new events, not the history). At start
the server reconciles from what the segments already hold, so events committed just before a
crash reach the analysts too; many segments are compacted into one.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from littrack.review.background import BackgroundLoop
from littrack.review.store import ReviewStore
from littrack.warehouse.decisions_export import (
    append_decisions,
    compact_decisions,
    exported_up_to,
    live_segment_count,
    remove_superseded,
)

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.5
RETRY_SECONDS = 5.0
COMPACT_AFTER_SEGMENTS = 100


class DecisionSync(BackgroundLoop):
    def __init__(self, store: ReviewStore, export_path: Path, debounce_seconds: float = DEBOUNCE_SECONDS):
        super().__init__("decision-export")
        self.store = store
        self.export_path = Path(export_path)
        self.debounce_seconds = debounce_seconds
        self._exported = 0

    def start(self) -> None:
        self._exported = exported_up_to(self.export_path)  # reconcile: it may lag after a crash
        self.export_now()
        remove_superseded(self.export_path)
        self._thread.start()

    def export_now(self) -> None:
        events = self.store.events(after_event_id=self._exported)
        if events:
            append_decisions(self.export_path, [e.export_row() for e in events])
            self._exported = events[-1].event_id
        if live_segment_count(self.export_path) > COMPACT_AFTER_SEGMENTS:
            compact_decisions(self.export_path, [e.export_row() for e in self.store.events()])

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait()
            self._stopping.wait(self.debounce_seconds)
            self._wake.clear()
            try:
                self.export_now()
            except (OSError, duckdb.Error) as exc:  # e.g. disk full: the store still has it all
                log.error("could not write the decision export %s: %s", self.export_path, exc)
                self._wake.set()
                self._stopping.wait(RETRY_SECONDS)
