"""Docs are checked: the README's two commands, every CLI command and every config key."""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import fields
from pathlib import Path

import typer

from littrack.cli import app
from littrack.config import SECTIONS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def readme_commands() -> list[str]:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return first_block.strip().splitlines()


def cli_commands() -> list[str]:
    from littrack.cli import commands  # noqa: F401  (registers them)

    def walk(group, prefix: str):
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):  # a group of subcommands
                yield from walk(command, f"{prefix}{name} ")
            else:
                yield prefix + name

    return list(walk(typer.main.get_command(app), ""))


def test_readme_opens_with_the_main_job_and_the_tests():
    assert README.index("```sh") < README.index("\n## ")
    demo, tests = readme_commands()
    assert demo.endswith("python3 -m littrack demo")
    assert tests.endswith("python3 -m pytest")


def test_ci_runs_both_readme_commands_as_the_readme_writes_them():
    ci = (REPO / ".ci" / "run").read_text()
    extract = re.search(r"^readme_command\(\) \{.*?^\}", ci, re.S | re.M).group(0)
    for number, command in enumerate(readme_commands(), start=1):
        script = f"{extract}\nreadme_command {number}"
        done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True)
        assert done.stdout.strip() == command
        assert f'bash -c "$(readme_command {number})"' in ci


def test_every_command_is_documented():
    commands = cli_commands()
    assert {"run", "demo", "serve", "load", "status", "known import", "match", "dedupe"} <= set(
        commands
    )
    undocumented = [c for c in commands if f"`littrack {c}" not in README]
    assert not undocumented


def test_every_config_key_is_documented_and_in_config_toml():
    shipped = tomllib.loads((REPO / "config.toml").read_text())
    config_text = (REPO / "config.toml").read_text()
    for section, settings in SECTIONS.items():
        for key in (f.name for f in fields(settings)):
            assert f"`[{section}] {key}`" in README, f"[{section}] {key} missing from README"
            in_file = key in shipped.get(section, {}) or re.search(
                rf"^# .*`{key} = ", config_text, re.M
            )
            assert in_file, f"[{section}] {key} missing from config.toml"


def test_every_warehouse_table_and_view_is_documented(tmp_path):
    from littrack.warehouse import Warehouse

    with Warehouse(tmp_path / "littrack.duckdb").write() as db:
        names = [
            n
            for (n,) in db.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        ]
    documented = (REPO / "warehouse" / "README.md").read_text()
    assert len(names) > 10
    assert [n for n in names if f"`{n}`" not in documented] == []
