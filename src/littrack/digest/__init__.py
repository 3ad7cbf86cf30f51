"""The morning digest: one mail per run with what is new, what changed and how the run went.

`build_digest` renders it from the warehouse (pure, no I/O but the queries); `mail` composes
and sends it over SMTP; `after_run` is the hook the nightly run calls when it ends.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property

from littrack.config import Config
from littrack.digest import render
from littrack.digest.chart import chart_png
from littrack.digest.content import (
    DigestContent,
    DigestWindow,
    latest_window,
    read_content,
    window_for_run,
    window_since,
)
from littrack.digest.errors import DigestError, SendError

__all__ = [
    "Digest", "DigestError", "DigestWindow", "SendError", "build_digest", "latest_window",
    "window_for_run", "window_since",
]


@dataclass(frozen=True)
class Digest:
    """One digest, rendered on demand in each form."""

    content: DigestContent

    @property
    def subject(self) -> str:
        return render.subject(self.content)

    @property
    def text(self) -> str:
        return render.text(self.content)

    @cached_property
    def png(self) -> bytes:
        return chart_png(self.content.per_year)

    @property
    def html(self) -> str:
        """Standalone HTML with the chart inside (a data URL): for a file or a browser."""
        return self.html_with_chart("data:image/png;base64," + base64.b64encode(self.png).decode())

    def html_with_chart(self, chart_src: str) -> str:
        return render.html(self.content, chart_src)

    @property
    def markdown(self) -> str:
        return render.markdown(self.content)


def build_digest(con, window: DigestWindow, config: Config) -> Digest:
    """The digest of the runs in `window`, read through the warehouse connection `con`."""
    return Digest(read_content(con, window, config.digest.review_url))
