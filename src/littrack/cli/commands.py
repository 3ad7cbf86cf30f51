"""Every command group of the CLI; importing a module adds its commands to `app`."""

from littrack.cli import nightly, standin, matching  # noqa: F401
