"""`littrack load` of many files in parallel (issue 11, point 4): worker processes parse and
stage, the one writer merges in file order; the same through Prefect on a Dask cluster."""

from __future__ import annotations

import gzip
from concurrent.futures import Future
from pathlib import Path

import pytest
from support import comparable_tables, run_cli

from littrack.config import load_config
from littrack.nightly.bulk import file_order, stage_file
from littrack.nightly.files import load_files
from littrack.parse import MalformedRecord, iter_pubmed
from littrack.parse.stream import Part
from littrack.pubmed.synthetic import generate_corpus
from littrack.pubmed.synthetic.draft import article_set_document
from littrack.warehouse import Warehouse

CONFIG = """
[pubmed]
query = 'ketamine[tiab] AND (CRPS[tiab] OR "complex regional pain syndrome"[tiab])'
email = "test@example.org"
[warehouse]
path = "{warehouse}"
"""
CORPUS = generate_corpus(80, seed=11)
FIRST_PMID = 90000001


def config_file(folder: Path) -> Path:
    """A config file whose warehouse lives in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(CONFIG.format(warehouse=folder / "littrack.duckdb"))
    return path


def write_set(path: Path, *parts: bytes) -> Path:
    path.write_bytes(article_set_document(parts))
    return path


def delete_citation(*pmids: int) -> bytes:
    listed = b"".join(b'<PMID Version="1">%d</PMID>' % pmid for pmid in pmids)
    return b"<DeleteCitation>" + listed + b"</DeleteCitation>"


@pytest.fixture
def baseline_files(tmp_path) -> list[Path]:
    """Four baseline-style files of 20 synthetic records each."""
    folder = tmp_path / "input"
    folder.mkdir()
    return [
        write_set(folder / f"pubmed25n{number:04d}.xml", *CORPUS.articles[20 * (number - 1):20 * number])
        for number in range(1, 5)
    ]


def serially(path: Path, folder: Path, part: Part, query: str) -> Future:
    """Stage in this process, one file after the other: the reference a parallel load must equal."""
    done = Future()
    done.set_result(stage_file(path, folder, part, query))
    return done


def current_pmids(warehouse: Path) -> set[int]:
    with Warehouse(warehouse).read() as con:
        return {pmid for (pmid,) in con.execute("SELECT pmid FROM records WHERE NOT deleted").fetchall()}


def test_a_parallel_load_gives_the_same_tables_as_a_serial_one(tmp_path, baseline_files):
    update = write_set(tmp_path / "input" / "pubmed25n0005.xml", delete_citation(FIRST_PMID + 3))
    files = [update, *reversed(baseline_files)]  # PubMed names: merged in their numbers' order
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"

    loads = load_files(load_config(config_file(parallel)), files, workers=2)
    load_files(load_config(config_file(serial)), files, submit=serially)

    assert [load.path for load in loads] == [*baseline_files, update]
    assert [load.counts.new for load in loads] == [20, 20, 20, 20, 0]
    assert loads[-1].counts.deleted == 1
    assert comparable_tables(parallel / "littrack.duckdb") == comparable_tables(serial / "littrack.duckdb")
    assert len(current_pmids(parallel / "littrack.duckdb")) == 79


@pytest.mark.parametrize("suffix", [".xml", ".xml.gz"])
def test_the_parts_of_a_file_give_each_item_once_in_document_order(tmp_path, suffix):
    broken = CORPUS.articles[3].replace(b"</ArticleTitle>", b"</ArticleTytle>", 1)
    document = article_set_document(
        [*CORPUS.articles[:3], broken, b"stray text", *CORPUS.articles[4:60], delete_citation(FIRST_PMID)]
    )
    path = tmp_path / f"pubmed25n0001{suffix}"
    path.write_bytes(gzip.compress(document) if suffix.endswith(".gz") else document)
    whole = list(iter_pubmed(path))

    for count in (2, 3, 7):
        parts = [list(iter_pubmed(path, Part(index, count))) for index in range(count)]
        assert sum(parts, []) == whole
        assert all(parts)  # every part got a share
    assert len(whole) == 62 and sum(isinstance(item, MalformedRecord) for item in whole) == 2


def test_one_file_is_parsed_in_parts_by_all_workers_and_loads_as_one_run(tmp_path):
    one = write_set(tmp_path / "pubmed25n0001.xml", *CORPUS.articles[:50], delete_citation(FIRST_PMID + 1))
    submitted: list[Part] = []

    def recording(path: Path, folder: Path, part: Part, query: str) -> Future:
        submitted.append(part)
        return serially(path, folder, part, query)

    (load,) = load_files(load_config(config_file(tmp_path / "parts")), [one], workers=3, submit=recording)
    load_files(load_config(config_file(tmp_path / "whole")), [one], workers=1, submit=serially)

    assert submitted == [Part(0, 3), Part(1, 3), Part(2, 3)]
    assert (load.counts.new, load.counts.deleted) == (50, 1)  # the last part deletes one of the first
    assert comparable_tables(tmp_path / "parts" / "littrack.duckdb") == comparable_tables(tmp_path / "whole" / "littrack.duckdb")


def test_pubmed_files_are_merged_by_number_other_names_as_given():
    named = [Path("b/pubmed25n0010.xml.gz"), Path("a/pubmed25n0002.xml"), Path("pubmed24n1274.xml.gz")]
    assert file_order(named) == [named[2], named[1], named[0]]
    mixed = [Path("update.xml"), Path("pubmed25n0001.xml")]
    assert file_order(mixed) == mixed


def test_a_later_update_file_deletes_a_record_of_an_earlier_file_the_reverse_order_does_not(tmp_path):
    doomed = FIRST_PMID + 5
    base = write_set(tmp_path / "base.xml", *CORPUS.articles[:10])
    update = write_set(tmp_path / "update.xml", CORPUS.articles[10], delete_citation(doomed))
    in_order, reversed_order = tmp_path / "in-order", tmp_path / "reversed"

    load_files(load_config(config_file(in_order)), [base, update], workers=2)
    load_files(load_config(config_file(reversed_order)), [update, base], workers=2)

    assert doomed not in current_pmids(in_order / "littrack.duckdb")
    assert doomed in current_pmids(reversed_order / "littrack.duckdb")  # deleted before it came
    with Warehouse(in_order / "littrack.duckdb").read() as con:
        assert con.execute("SELECT pmid FROM deleted_citations").fetchall() == [(doomed,)]


def test_a_malformed_record_in_one_workers_file_is_quarantined_and_the_rest_loads(tmp_path, baseline_files):
    broken = CORPUS.articles[0].replace(b"</ArticleTitle>", b"</ArticleTytle>", 1)
    bad = write_set(tmp_path / "input" / "pubmed25n0009.xml", broken, CORPUS.articles[70])
    warehouse = tmp_path / "wh"

    loads = load_files(load_config(config_file(warehouse)), [*baseline_files[:3], bad], workers=2)

    assert [(load.counts.new, load.counts.quarantined) for load in loads] == [(20, 0)] * 3 + [(1, 1)]
    assert len(current_pmids(warehouse / "littrack.duckdb")) == 61
    with Warehouse(warehouse / "littrack.duckdb").read() as con:
        (pmid, reason), = con.execute("SELECT pmid, reason FROM quarantine").fetchall()
    assert pmid == FIRST_PMID
    assert reason.startswith("not well-formed XML: Opening and ending tag mismatch: ArticleTitle")


def test_a_bad_file_is_one_error_line_and_what_was_stored_stays(tmp_path, baseline_files, capsys):
    config = config_file(tmp_path / "wh")
    assert run_cli(capsys, "--config", config, "load", *baseline_files[:2])[0] == 0
    before = comparable_tables(tmp_path / "wh" / "littrack.duckdb")
    not_pubmed = tmp_path / "input" / "pubmed25n0003.xml"
    not_pubmed.write_bytes(b"<html><body>Service unavailable</body></html>")

    code, out, err = run_cli(capsys, "--config", config, "load", not_pubmed, baseline_files[3])

    assert (code, out) == (1, "")
    assert err == f"Error: {not_pubmed}: not a PubmedArticleSet but <html>\n"
    after = comparable_tables(tmp_path / "wh" / "littrack.duckdb")
    assert after["records"] == before["records"]
    assert [row for row in after["runs"] if "failed" in row] != []
    assert not list((tmp_path / "wh").glob(".littrack-load-*"))  # no staging files left behind

    code, _, err = run_cli(capsys, "--config", config, "load", tmp_path / "missing.xml")
    assert (code, err) == (2, f"Error: no such file: {tmp_path / 'missing.xml'}\n")


@pytest.mark.prefect
def test_load_through_prefect_on_an_existing_dask_cluster(prefect_harness, tmp_path, baseline_files, capsys):
    from distributed import LocalCluster

    config = config_file(tmp_path / "wh")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        code, out, err = run_cli(
            capsys, "--config", config, "load", "--dask-address", cluster.scheduler_address,
            "--workers", 2, *baseline_files,
        )
        parsed_there = set(cluster.scheduler.task_prefixes)  # tasks this scheduler ran
    assert code == 0, err
    assert "stage_file" in parsed_there
    assert len(current_pmids(tmp_path / "wh" / "littrack.duckdb")) == 80
    assert "Warehouse:" in out


def test_a_load_past_its_memory_limit_fails_clearly_and_keeps_what_was_stored(tmp_path, baseline_files, capsys):
    folder = tmp_path / "warehouse"
    config = config_file(folder)
    assert run_cli(capsys, "--config", config, "load", baseline_files[0])[0] == 0
    config.write_text(config.read_text() + 'load_memory_limit = "1MB"\n')

    code, _, err = run_cli(capsys, "--config", config, "load", *baseline_files[1:])

    assert code == 1
    assert "load_memory_limit = '1MB'" in err and "raise it in config.toml" in err
    assert "Traceback" not in err
    assert len(current_pmids(folder / "littrack.duckdb")) == 20
    with Warehouse(folder / "littrack.duckdb").read() as con:
        statuses = [status for (status,) in con.execute("SELECT status FROM runs ORDER BY id").fetchall()]
    assert statuses[0] == "succeeded" and "succeeded" not in statuses[1:]


def test_a_memory_limit_that_is_not_a_size_is_a_config_error(tmp_path, capsys):
    config = config_file(tmp_path / "warehouse")
    config.write_text(config.read_text() + 'load_memory_limit = "lots"\n')
    code, _, err = run_cli(capsys, "--config", config, "status")
    assert code != 0 and "load_memory_limit must be a size" in err
