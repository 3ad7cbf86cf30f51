"""A daemon thread that requests wake without waiting for it (the decision export, the re-ranking)."""

from __future__ import annotations

import threading


class BackgroundLoop:
    """Runs `_loop` in a daemon thread; `changed()` wakes it, `stop()` wakes it once more and joins."""

    def __init__(self, name: str):
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def changed(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        raise NotImplementedError
