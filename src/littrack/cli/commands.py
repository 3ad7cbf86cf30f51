"""Every command group of the CLI; importing a module adds its commands to `app`."""

from littrack.cli import (  # noqa: F401
    dedupe_cmd, digest_cmd, export_cmd, matching, nightly, review_cmd, screen_cmd, standin,
)
