"""Stopping cleanly on SIGTERM (what systemd and `kill` send) as on Ctrl-C.

The signal becomes an exception raised where the process was, so every `with` block and
`except BaseException` on the way out runs: the run's row is marked failed, the store rolls
back, the client's back-off sleep ends at once.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path


class Stopped(BaseException):
    """SIGTERM or SIGINT arrived. Not a KeyboardInterrupt: click would turn that into its own
    "Aborted!" exit, past our clean stop."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


_received: list[int] = []  # the stop signal, once one arrived


def as_stop(exc: BaseException) -> Stopped | None:
    """`exc` as a stop, if it is one. Once a stop signal arrived, whatever exception comes
    out is the stop: others wrap or replace ours on the way — DuckDB answers a signal during
    a query with "Query interrupted", Prefect turns SIGTERM into its `TerminationSignal`."""
    if isinstance(exc, Stopped):
        return exc
    if _received:
        return Stopped(_received[0])
    if type(exc).__name__ == "TerminationSignal":
        return Stopped(getattr(exc, "signal", signal.SIGTERM))
    return None


def stop_on_signals() -> None:
    """Raise `Stopped` on the first SIGTERM or SIGINT (main thread only)."""

    def stop(signal_number, _frame):
        _received.append(signal_number)
        # one stop is enough: a second signal while cleaning up would cut the clean-up short
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        raise Stopped(signal_number)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)


def exit_now(code: int, grace_seconds: float = 2.0) -> None:
    """End the process at once after a stop: end our child processes (Prefect's temporary
    server), then exit without the interpreter's exit hooks.

    Our own clean-up already ran on the way here (the exception passed every `with` block).
    What is left are Prefect's exit hooks, which try to deliver queued events and logs to the
    temporary server they stop, retrying for minutes; a stop must take seconds.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    children = _child_pids()
    for pid in children:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while children and time.monotonic() < deadline:
        children = [pid for pid in children if _reap(pid)]
        time.sleep(0.05)
    for pid in children:
        _signal(pid, signal.SIGKILL)
    os._exit(code)


def _child_pids() -> list[int]:
    me = os.getpid()
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the command name (field 2) is in parentheses and may contain spaces
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == me:
            children.append(int(stat.parent.name))
    return children


def _reap(pid: int) -> bool:
    """True while `pid` still runs."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
