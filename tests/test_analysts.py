"""The analysts' contract (issue 14, point 4): every relation and column says what it means
(`duckdb_columns()`), and every worked query in docs/analysts.md runs on the demo warehouse."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from littrack.config import load_config, with_overrides
from littrack.demo import run_demo
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.warehouse import Warehouse
from littrack.warehouse.decisions_export import write_decisions_export
from littrack.warehouse.files import WarehouseFiles

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "analysts.md"
CONTRACT = ("papers", "review_queue", "decisions", "current_decisions", "screening_status")


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo's two nights, run by the library, plus two reviewers' decisions."""
    config = load_config(REPO / "config.toml")
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NCBI_API_KEY", "test-key")  # 10 requests/s: a faster demo
        run_demo(
            lambda base_url, warehouse_path, today: run_nightly(
                with_overrides(config, base_url, warehouse_path), RunOptions(today=today)
            ),
            path,
        )
    with Warehouse(path).read() as con:
        first, second = (p for (p,) in con.execute(
            "SELECT pmid FROM review_queue ORDER BY pmid LIMIT 2").fetchall())
    now = datetime(2026, 11, 22, 9, tzinfo=UTC)
    write_decisions_export(WarehouseFiles.beside(path).decisions_export, [
        (1, first, [first], "ana", "decide", "include", None, None, [], 1, "h1", now),
        (2, second, [second], "ana", "decide", "exclude", "not CRPS", None, [], 1, "h2", now),
    ])
    return path


def uncommented(con, relations) -> list[str]:
    rows = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns()"
        " WHERE schema_name = 'main' AND table_name IN (SELECT UNNEST(?::VARCHAR[]))"
        "   AND coalesce(comment, '') = '' ORDER BY ALL",
        [list(relations)],
    ).fetchall()
    return [name for (name,) in rows]


def test_every_column_of_the_contract_has_a_comment(demo_warehouse):
    with Warehouse(demo_warehouse).read() as con:
        present = {n for (n,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        assert set(CONTRACT) <= present
        assert uncommented(con, CONTRACT) == [], "add their meaning to littrack/warehouse/comments.py"
        (comment,) = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'papers' AND column_name = 'doi'"
        ).fetchone()
        assert "lower-case" in comment


def test_every_table_view_and_column_of_the_warehouse_has_a_comment(demo_warehouse):
    with Warehouse(demo_warehouse).read() as con:
        relations = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
            " UNION ALL SELECT view_name, comment FROM duckdb_views()"
            " WHERE schema_name = 'main' AND NOT internal ORDER BY 1"
        ).fetchall()
        assert len(relations) > 15
        assert [name for name, comment in relations if not comment] == []
        assert uncommented(con, [name for name, _ in relations]) == []


def test_comments_survive_the_views_being_recreated_by_the_next_write(demo_warehouse, tmp_path):
    copy = tmp_path / "littrack.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    with Warehouse(copy).write():
        pass  # a write session re-creates every derived view
    with Warehouse(copy).read() as con:
        assert uncommented(con, CONTRACT) == []


def doc_queries() -> list[tuple[str, str]]:
    """(heading, sql) of every ```sql block in docs/analysts.md."""
    text = DOC.read_text()
    found = []
    for match in re.finditer(r"```sql\n(.*?)```", text, re.DOTALL):
        heading = re.findall(r"^#+ (.*)$", text[: match.start()], re.MULTILINE)[-1]
        found.append((heading, match.group(1)))
    return found


def first_query(heading: str) -> str:
    return next(sql for h, sql in doc_queries() if h == heading)


@pytest.mark.parametrize("heading, sql", doc_queries(), ids=[f"{i}-{h}" for i, (h, _) in enumerate(doc_queries())])
def test_every_worked_query_runs_on_the_demo_warehouse_and_finds_rows(demo_warehouse, heading, sql):
    with Warehouse(demo_warehouse).read() as con:
        rows = con.execute(sql).fetchall()
    assert rows, f"the query under '{heading}' finds nothing in the demo warehouse"


def test_the_doc_covers_the_questions_the_issue_asks(demo_warehouse):
    headings = [h for h, _ in doc_queries()]
    for question in ("New papers per month", "more than 50 patients", "Screening progress",
                     "publication to our first sight"):
        assert any(question in h for h in headings), question
    trials = first_query("Randomised controlled trials with more than 50 patients")
    progress = first_query("Screening progress")
    with Warehouse(demo_warehouse).read() as con:
        assert all(row[4] > 50 and "RCT" in row[5] for row in con.execute(trials).fetchall())
        statuses = {row[0] for row in con.execute(progress).fetchall()}
    assert {"included", "excluded", "undecided"} <= statuses
