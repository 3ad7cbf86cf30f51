"""Triage: the reviewers' page (`littrack review`) and the exports.

`store` (SQLite: reviewers, sessions, append-only decision events) → `screening` (pure rules:
standing decisions, conflicts, resolutions) → `catalog` (the queue, read from the published
snapshot) → `service` (what the page can do) → `app` (HTTP, thin) → `server` (assembles them;
`sync` keeps the analysts' Parquet segments in step). `exports`/`prisma` read the snapshot's
views. Why decisions live where they do: docs/review.md.
"""
