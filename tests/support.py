"""Helpers shared by tests that run child processes and compare whole warehouses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from littrack.warehouse import Warehouse

TESTS = Path(__file__).parent


def python_child(code: str, *args) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def comparable_tables(path: Path) -> dict[str, list]:
    """Every table's rows, without run ids and timestamps (they differ between runs)."""
    with Warehouse(path).read() as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        contents = {}
        for table in tables:
            columns = [
                c
                for c, kind in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
                    " ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if not (c == "id" or c.endswith("run_id") or kind.startswith("TIMESTAMP"))
            ]
            where = "WHERE status <> 'abandoned'" if table == "runs" else ""
            contents[table] = con.execute(
                f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY ALL"
            ).fetchall()
    return contents


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """`littrack ARGS` in this process: (exit code, stdout, stderr)."""
    from littrack.cli import main

    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err
