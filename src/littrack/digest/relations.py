"""Which optional columns the warehouse has: other stages add theirs to the views over time."""

from __future__ import annotations


def columns_of(con, relation: str) -> set[str]:
    """Column names of a table or view in the main schema (empty when it does not exist)."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?",
        [relation],
    ).fetchall()
    return {name for (name,) in rows}
