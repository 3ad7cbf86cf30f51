"""The `littrack` command (issue 4, points 4-6): errors, load, status, run and the demo."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support import run_cli

from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import generate_corpus
from littrack.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
GOOD = """
[pubmed]
query = 'ketamine[tiab] AND (CRPS[tiab] OR "complex regional pain syndrome"[tiab])'
email = "test@example.org"
{pubmed_extra}
[warehouse]
path = "{warehouse}"
[schedule]
cron = "{cron}"
"""


def write_config(folder: Path, warehouse: Path, pubmed_extra="", cron="30 5 * * *", drop=None):
    text = GOOD.format(pubmed_extra=pubmed_extra, warehouse=warehouse, cron=cron)
    if drop:
        text = "\n".join(line for line in text.splitlines() if not line.startswith(drop))
    path = folder / "config.toml"
    path.write_text(text)
    return path


def fingerprint(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture
def existing_warehouse(tmp_path, efetch_samples, capsys):
    """A real warehouse with records in it, to show bad commands leave it untouched."""
    warehouse = tmp_path / "wh" / "littrack.duckdb"
    config = write_config(tmp_path, warehouse)
    assert run_cli(capsys, "--config", config, "load", *efetch_samples[:5])[0] == 0
    return warehouse


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(drop="query"), "Error: missing required key [pubmed] query"),
        (dict(pubmed_extra="querry = 'x'"), "Error: unknown config key [pubmed] querry"),
        (dict(cron="61 * * * *"), 'Error: [schedule] Invalid cron string: "61 * * * *"'),
        (
            dict(pubmed_extra="batch_size = 'big'"),
            "Error: [pubmed] batch_size must be a whole number",
        ),
    ],
)
def test_bad_config_is_one_line_exit_2_and_the_warehouse_is_untouched(
    existing_warehouse, tmp_path, capsys, change, message
):
    before = fingerprint(existing_warehouse.parent)
    config = write_config(tmp_path, existing_warehouse, **change)

    code, out, err = run_cli(capsys, "--config", config, "run")

    assert (code, out, err) == (2, "", message + "\n")
    assert fingerprint(existing_warehouse.parent) == before


def test_an_unwritable_warehouse_path_is_a_config_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = write_config(tmp_path, blocker / "warehouse" / "littrack.duckdb")

    code, out, err = run_cli(capsys, "--config", config, "run")

    assert code == 2 and out == ""
    assert err.startswith(f"Error: cannot write to the warehouse folder {blocker}/warehouse")
    assert err.count("\n") == 1
    assert blocker.read_text() == "not a folder"


def test_a_missing_config_file_is_named(tmp_path, capsys):
    code, _, err = run_cli(capsys, "--config", tmp_path / "nope.toml", "status")
    assert (code, err) == (2, f"Error: config file not found: {tmp_path / 'nope.toml'}\n")


def test_config_comes_from_the_environment_when_not_given(tmp_path, capsys, monkeypatch):
    config = write_config(tmp_path, tmp_path / "wh" / "littrack.duckdb")
    monkeypatch.setenv("LITTRACK_CONFIG", str(config))
    code, _, err = run_cli(capsys, "status")
    assert code == 1
    assert (
        err
        == f"Error: no warehouse yet at {tmp_path / 'wh' / 'littrack.duckdb'}: run `littrack run` or `littrack demo` first\n"
    )


def test_load_takes_efetch_files_and_status_shows_what_is_stored(
    existing_warehouse, tmp_path, capsys
):
    config = tmp_path / "config.toml"
    code, out, err = run_cli(capsys, "--config", config, "status")
    assert code == 0, err
    assert "5 papers" in out
    assert "Behind schedule" not in out  # the load just succeeded

    code, _, err = run_cli(capsys, "--config", config, "load", tmp_path / "missing.xml")
    assert (code, err) == (2, f"Error: no such file: {tmp_path / 'missing.xml'}\n")


def test_status_check_fails_when_no_run_succeeded_recently(existing_warehouse, tmp_path, capsys):
    with Warehouse(existing_warehouse).write() as db:
        db.con.execute("UPDATE runs SET started_at = started_at - INTERVAL 3 DAY")
    code, out, _ = run_cli(capsys, "--config", tmp_path / "config.toml", "status", "--check")
    assert code == 1
    assert "Behind schedule" in out


def test_run_goes_through_the_prefect_flow_and_prints_a_summary(
    prefect_harness, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    warehouse = tmp_path / "wh" / "littrack.duckdb"
    with StandIn(corpus=generate_corpus(40, seed=5).articles) as pubmed:
        config = write_config(tmp_path, warehouse, pubmed_extra=f'base_url = "{pubmed.base_url}"')
        code, out, err = run_cli(capsys, "--config", config, "run", "--until", "2026-11-20")
    assert code == 0, err
    assert "Run 1: succeeded" in out and f"Warehouse: {warehouse}" in out
    with Warehouse(warehouse).read() as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("succeeded",)]


def test_usage_errors_exit_2_with_click_s_message(capsys):
    code, out, err = run_cli(capsys, "run", "--since", "yesterday")
    assert code == 2 and out == ""
    assert "Invalid value for '--since'" in err
