"""`littrack export` on a warehouse made by `littrack load`: standard output or a file, Parquet
into a folder, and one-line errors with exit code 2 for what cannot be exported."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest
import rispy
from support import run_cli

from littrack.cli import main
from littrack.pubmed.query import parse_query
from littrack.pubmed.standin.corpus import Corpus
from littrack.review.exports import RIS_LIST_TAGS, RIS_MAPPING


QUERY = "Humans[mh]"  # about half of the shared samples


@pytest.fixture(scope="module")
def in_review(efetch_samples) -> int:
    """The shared samples the test's query finds (as the stand-in searches them): none is known."""
    return len(Corpus.load(efetch_samples).search(parse_query(QUERY))[0])


@pytest.fixture(scope="module")
def config_file(tmp_path_factory, efetch_samples):
    folder = tmp_path_factory.mktemp("export-command")
    config = folder / "config.toml"
    config.write_text(f'[pubmed]\nquery = "{QUERY}"\nemail = "tests@example.org"\n'
                      f'[warehouse]\npath = "{folder / "littrack.duckdb"}"\n', encoding="utf-8")
    try:
        main(["--config", str(config), "load", *map(str, efetch_samples)])
    except SystemExit as exc:
        assert not exc.code
    return config


def test_ris_goes_to_standard_output(capsys, config_file, in_review):
    code, out, err = run_cli(capsys, "--config", config_file, "export", "--format", "ris")
    assert (code, err) == (0, "")
    entries = rispy.loads(out, mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS)
    assert 0 < len(entries) == in_review < 107
    assert all(e["name_of_database"] == "PubMed" for e in entries)


def test_csv_goes_to_a_file(capsys, config_file, tmp_path, in_review):
    output = tmp_path / "undecided.csv"
    code, out, _ = run_cli(capsys, "--config", config_file, "export", "--format", "csv",
                           "--status", "undecided", "--output", output)
    assert code == 0
    assert out.replace("\n", "") == f"{in_review} papers (undecided) → {output}"
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert len(rows) == in_review and {r["status"] for r in rows} == {"undecided"}
    assert [p.name for p in tmp_path.iterdir()] == ["undecided.csv"]  # no partial file left


def test_parquet_goes_to_a_folder(capsys, config_file, tmp_path):
    code, out, _ = run_cli(capsys, "--config", config_file, "export", "--format", "parquet",
                           "--output", tmp_path / "views")
    assert code == 0
    papers = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'views' / 'papers.parquet'}'")
    assert papers.fetchall() == [(107,)]
    assert "screening_status" in out


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "unknown export format 'xml' (choose ris, bibtex, csv or parquet)"),
    (["--format", "ris", "--status", "done"],
     "unknown screening status 'done' (choose included, excluded, maybe, undecided, conflict "
     "or all)"),
    (["--format", "parquet"], "--format parquet writes one file per view: give --output DIR"),
    (["--format", "parquet", "--status", "included", "--output", "x"],
     "--status filters ris, bibtex and csv exports; parquet writes whole views"),
])
def test_what_cannot_be_exported_is_one_line_and_exit_2(capsys, config_file, args, message):
    code, out, err = run_cli(capsys, "--config", config_file, "export", *args)
    assert (code, out, err.strip()) == (2, "", f"Error: {message}")


def test_an_unwritable_output_is_one_line(capsys, config_file, tmp_path):
    output = tmp_path / "missing-folder" / "out.ris"
    code, _, err = run_cli(capsys, "--config", config_file, "export", "--format", "ris",
                           "--output", output)
    assert code == 2
    assert err.strip() == f"Error: cannot write {output}: No such file or directory"
