"""One transaction for a step that may also run as part of a bigger one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

# connections (by id) with a transaction opened here: DuckDB cannot say so itself, and a
# BEGIN inside an open transaction aborts that transaction
_open: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Begin, and commit at the end (roll back on an exception); inside a transaction opened
    here already, the step becomes part of it, and the outer owner commits or rolls back —
    a night merges, matches, clusters, tags and ranks in one transaction with its run row."""
    if id(con) in _open:
        yield
        return
    con.begin()
    _open.add(id(con))
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    else:
        con.commit()
    finally:
        _open.discard(id(con))
