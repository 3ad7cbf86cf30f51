"""README command 1 on a fresh machine (issue 8): a copy of the checkout, a new virtualenv,
an empty PREFECT_HOME (Prefect's first start migrates its database), the command exactly as
the README writes it; then the commands the demo prints, exactly as printed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_docs import readme_commands

REPO = Path(__file__).resolve().parents[1]


def checkout_copy(target: Path) -> Path:
    """The working tree as a fresh clone would have it: tracked and new files, nothing ignored."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    return target


@pytest.fixture(scope="module")
def fresh_machine(tmp_path_factory):
    """(checkout, environment): a virtualenv that sees the installed dependencies, so pip
    downloads nothing but its build backend, and a Prefect home nobody has used."""
    root = tmp_path_factory.mktemp("fresh")
    checkout = checkout_copy(root / "littrack")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LITTRACK_", "PREFECT_", "VIRTUAL_ENV"))
    }
    env |= {
        "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        "PREFECT_HOME": str(root / "prefect-home"),
    }
    return checkout, env


@pytest.fixture(scope="module")
def demo_run(fresh_machine):
    checkout, env = fresh_machine
    command = readme_commands()[0]
    done = subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True, timeout=900
    )
    return done


def test_readme_command_1_succeeds_quietly_on_a_fresh_machine(demo_run):
    output = demo_run.stdout + demo_run.stderr
    assert demo_run.returncode == 0, output[-4000:]
    assert "Traceback" not in output
    assert "Demo done." in demo_run.stdout
    print(demo_run.stdout[-3000:])  # what a newcomer sees, for the record


def test_the_demo_warehouse_holds_both_nights(demo_run, fresh_machine):
    checkout, _ = fresh_machine
    con = duckdb.connect(str(checkout / "warehouse" / "demo.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM papers").fetchone()[0] > 100
        seeds = con.execute("SELECT list(status) FROM seed_citations").fetchone()[0]
        assert seeds == ["matched"] * 6
        seeds_in_queue = (
            "SELECT count(*) FROM review_queue WHERE pmid IN (SELECT pmid FROM seed_citations)"
        )
        assert con.execute(seeds_in_queue).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM record_versions").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM papers WHERE is_retracted").fetchone()[0] == 2
        runs = con.execute("SELECT list(status ORDER BY id) FROM runs").fetchone()[0]
        assert runs == ["succeeded", "succeeded"]
        night2 = con.execute("SELECT new, updated FROM runs WHERE id = 2").fetchone()
        assert night2 == (1, 3)  # the new trial; version 2, published, retracted
    finally:
        con.close()


def test_the_commands_the_demo_prints_work_as_printed(demo_run, fresh_machine):
    checkout, env = fresh_machine
    printed = demo_run.stdout.split("Look at what it made:", 1)[1].strip().splitlines()
    commands = [line.strip() for line in printed if line.strip()]
    assert [shlex.split(c)[:4] for c in commands[:2]] == [
        ["python3", "-m", "littrack", "--warehouse"]
    ] * 2
    outputs = []
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        outputs.append(done.stdout)
    status, seeds, query = outputs
    assert "waiting for review" in status and "On schedule" in status
    assert seeds.count("matched") >= 6
    assert "first_author" in query
