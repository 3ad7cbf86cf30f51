"""`python -m littrack` — the same as the `littrack` command."""

from littrack.cli import main

main()
