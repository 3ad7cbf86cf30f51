"""Derived views, re-created at every write session from `views/NN_name.sql` in name order.

Tables and their data change only through migrations and runs; views are definitions, so
every write session installs the current code's ones (`CREATE OR REPLACE VIEW`). A view file
may name the warehouse's side files with `${name}` placeholders (absolute paths, quoted as
SQL strings), e.g. `${decisions_export}`: see `WarehouseFiles.placeholders`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from string import Template

import duckdb

from littrack.warehouse.errors import WarehouseError

VIEWS_DIR = Path(__file__).parent / "views"


def install_views(
    con: duckdb.DuckDBPyConnection, placeholders: dict[str, str], folder: Path = VIEWS_DIR
) -> None:
    """(Re)create every derived view; run inside the write session, before publishing."""
    quoted = {name: "'" + value.replace("'", "''") + "'" for name, value in placeholders.items()}
    for path in sorted(folder.glob("*.sql")):
        try:
            sql = Template(path.read_text(encoding="utf-8")).substitute(quoted)
            con.execute(sql)
        except (KeyError, ValueError) as exc:
            raise WarehouseError(f"view file {path.name} names an unknown placeholder: {exc}") from None
        except duckdb.Error as exc:
            raise WarehouseError(f"view file {path.name} failed: {exc}") from None


def require_views(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    """Fail with one line when a snapshot lacks a view a reader needs (an older littrack's)."""
    present = {name for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    missing = [name for name in names if name not in present]
    if missing:
        raise WarehouseError(f"the warehouse has no view {', '.join(missing)}: it was written by"
                             " an older littrack; any write (`littrack run`, `littrack load`)"
                             " installs the current views")
