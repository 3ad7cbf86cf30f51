"""The project's base error: the CLI prints any of these as one line `Error: ...`."""


class LittrackError(Exception):
    """Something the user can act on; `exit_code` is what the CLI exits with."""

    exit_code = 1
