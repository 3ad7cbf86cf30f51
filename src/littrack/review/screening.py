"""Screening state from decision events: pure functions, no I/O.

The same rules as the analysts' views `current_decisions` and `screening_status`
(`warehouse/views/10_review.sql`); tests/test_review_api.py checks that both agree.

- A reviewer's standing decision on a paper is their latest `decide` not withdrawn by an
  `undo` (a stack: undoing a change of mind brings back the decision before it). The server
  writes an undo only onto a standing decision, so the stack never underflows.
- An event counts for every current duplicate cluster one of its PMIDs is in (cluster ids are
  not stable across nights, so each event names the PMIDs it was made on).
- Reviewers who disagree make a conflict, until a `resolve` event newer than every decide or
  undo on the cluster settles it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from littrack.review.store import DecisionEvent

DECISIONS = ("include", "maybe", "exclude")
STATUS_OF_DECISION = {"include": "included", "maybe": "maybe", "exclude": "excluded"}


@dataclass
class ClusterScreening:
    """Where one cluster stands: each reviewer's standing decision and the outcome."""

    by_reviewer: dict[str, DecisionEvent] = field(default_factory=dict)
    last_screening_event: int = 0
    resolution: DecisionEvent | None = None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None and self.resolution.event_id > self.last_screening_event

    @property
    def decision(self) -> str | None:
        """The final decision: the resolution, else what every reviewer agrees on."""
        if self.resolved:
            return self.resolution.decision
        opinions = {event.decision for event in self.by_reviewer.values()}
        return opinions.pop() if len(opinions) == 1 else None

    @property
    def status(self) -> str:
        if self.decision is not None:
            return STATUS_OF_DECISION[self.decision]
        return "conflict" if self.by_reviewer else "undecided"

    @property
    def reason(self) -> str | None:
        if self.resolved:
            return self.resolution.reason
        if self.decision is None:
            return None
        return min(self.by_reviewer.values(), key=lambda e: e.event_id).reason


UNDECIDED = ClusterScreening()


def standing_decisions(events: Iterable[DecisionEvent]) -> dict[tuple[int, str], DecisionEvent]:
    """(pmid, reviewer) -> the reviewer's standing `decide` event on that PMID."""
    stacks: dict[tuple[int, str], list[DecisionEvent]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e.event_id):
        stack = stacks[event.pmid, event.reviewer]
        if event.action == "decide":
            stack.append(event)
        elif event.action == "undo" and stack:
            stack.pop()
    return {key: stack[-1] for key, stack in stacks.items() if stack}


def screen_clusters(
    events: Iterable[DecisionEvent], cluster_of: Mapping[int, str]
) -> dict[str, ClusterScreening]:
    """cluster id -> its screening, for every cluster an event touches (others are UNDECIDED)."""
    events = sorted(events, key=lambda e: e.event_id)
    screenings: dict[str, ClusterScreening] = defaultdict(ClusterScreening)
    targets = {event.event_id: _clusters_of(event, cluster_of) for event in events}
    for event in events:
        for cluster in targets[event.event_id]:
            screening = screenings[cluster]
            if event.action == "resolve":
                screening.resolution = event
            else:
                screening.last_screening_event = event.event_id
    standing = sorted(standing_decisions(events).items(), key=lambda item: item[1].event_id)
    for (_, reviewer), event in standing:
        for cluster in targets[event.event_id]:
            screenings[cluster].by_reviewer[reviewer] = event  # the latest one wins
    return dict(screenings)


def _clusters_of(event: DecisionEvent, cluster_of: Mapping[int, str]) -> set[str]:
    return {cluster_of[pmid] for pmid in (event.pmid, *event.cluster_pmids) if pmid in cluster_of}
