"""Versioned schema migrations: `migrations/NNN_name.sql`, applied in order, each recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from littrack.warehouse.errors import WarehouseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_FILE_NAME = re.compile(r"(\d{3})_(\w+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def known_migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations shipped with this code, in version order."""
    found: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.fullmatch(path.name)
        if not match:
            raise WarehouseError(f"migration file {path.name} is not named like 001_name.sql")
        version = int(match[1])
        if version in found:
            raise WarehouseError(f"two migrations share version {version}: {found[version].path.name}, {path.name}")
        found[version] = Migration(version, match[2], path)
    return [found[v] for v in sorted(found)]


def migrate(con: duckdb.DuckDBPyConnection, label: str, folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply the pending migrations, each in its own transaction; return those applied.

    `label` names the database in messages. A database newer than the code is refused.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    applied = {version for (version,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    migrations = known_migrations(folder)
    newest_known = max((m.version for m in migrations), default=0)
    if applied and max(applied) > newest_known:
        raise WarehouseError(
            f"the warehouse {label} has schema version {max(applied)}, newer than this littrack "
            f"knows ({newest_known}): upgrade littrack"
        )
    pending = [m for m in migrations if m.version not in applied]
    for migration in pending:
        _apply(con, migration, label)
    return pending


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration, label: str) -> None:
    con.begin()
    try:
        con.execute(migration.path.read_text(encoding="utf-8"))
        con.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
            [migration.version, migration.name],
        )
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise WarehouseError(f"migration {migration.path.name} failed on {label}: {exc}") from None
