"""Every command group of the CLI; importing a module adds its commands to `app`."""

from littrack.cli import dedupe_cmd, matching, nightly, standin  # noqa: F401
