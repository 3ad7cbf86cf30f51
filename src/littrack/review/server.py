"""`littrack review`: assemble the store, the catalog, the service and the app; serve them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from littrack.config import Config, review_criteria
from littrack.review.app import create_app
from littrack.review.auth import Sessions
from littrack.review.catalog import CatalogWatcher
from littrack.review.live_rank import LiveReranker
from littrack.review.service import ReviewService
from littrack.review.store import ReviewStore
from littrack.review.sync import DecisionSync
from littrack.warehouse.files import WarehouseFiles


@dataclass
class ReviewServer:
    app: FastAPI
    service: ReviewService
    sync: DecisionSync


def review_store(config: Config) -> ReviewStore:
    """The review store beside the configured warehouse (for `littrack reviewer ...`)."""
    return ReviewStore(WarehouseFiles.beside(config.warehouse.path).review_db)


@contextmanager
def review_server(config: Config) -> Iterator[ReviewServer]:
    """The app over the configured warehouse; the decision export and the live re-ranking run
    while this is open."""
    files = WarehouseFiles.beside(config.warehouse.path)
    catalog = CatalogWatcher(files.published)
    store = ReviewStore(files.review_db)
    try:
        service = ReviewService(store, catalog, config.review)
        sync = DecisionSync(store, files.decisions_export)
        service.after_commit.append(lambda event: sync.changed())
        sync.start()
        reranker = LiveReranker(service, review_criteria(config.review))
        if config.review.live_ranking:
            service.after_commit.append(lambda event: reranker.changed())
            reranker.start()
        try:
            yield ReviewServer(create_app(service, Sessions(store)), service, sync)
        finally:
            reranker.stop()
            sync.stop()
    finally:
        store.close()


def serve(config: Config, host: str | None = None, port: int | None = None,
          on_ready: Callable[[str], None] = print) -> None:
    """Serve the triage page until interrupted; `on_ready(url)` once the queue is loaded."""
    import uvicorn

    host, port = host or config.review.host, port or config.review.port
    with review_server(config) as server:
        on_ready(f"http://{host}:{port}/")
        uvicorn.run(server.app, host=host, port=port, log_level="warning", access_log=False)
