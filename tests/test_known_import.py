"""Importing known papers (RIS, BibTeX, CSV, plain text), matching them, and matching an
unmatched one once its paper arrives; `littrack known import` and `littrack match`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support import run_cli

from littrack.cli import main
from littrack.match.known_files import KnownFileError, detect_format, read_known_file
from littrack.match.store import import_known, rematch_known
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.warehouse import Warehouse

LATE_PMID = 38270460  # "The mTORC2 signaling network", kept out of the warehouse at first

RIS = """\
TY  - JOUR
TI  - Sleep and the hypothalamus
AU  - Adamantidis, Antoine R.
AU  - de Lecea, Luis
T2  - Science (New York, N.Y.)
PY  - 2023
VL  - 382
IS  - 6669
SP  - 405
EP  - 412
DO  - 10.1126/science.adh8285
ER  - 

TY  - JOUR
TI  - The mTORC2 signaling network: targets and
  cross-talks
AU  - Ragupathi, A.
AU  - Kim, C.
AU  - Jacinto, E.
JO  - Biochem J
PY  - 2024
VL  - 481
IS  - 2
SP  - 45
EP  - 91
ER  - 
"""

BIBTEX = r"""
@comment{exported from a reference manager}
@article{richter2021,
  title = {Interactions between {I}nsulin and Exercise},
  author = {Richter, Erik A. and Sylow, Lykke and Hargreaves, Mark},
  journal = "The Biochemical journal",
  year = 2021, volume = {478}, number = {21}, pages = {3827--3846},
}
@Article{vandyck2021,
  title={Hemodynamic monitoring in cardiogenic shock},
  author={VanDyck, Tyler J. and Pinsky, Michael R.},
  journal={Curr Opin Crit Care}, year={2021}, volume={27}, pages={454--459}}
"""

CSV = """\
Title;Authors;Publication Year;Source Title;Vol;Issue;Pages;DOI
Risk and resilience in family well-being during the COVID-19 pandemic;Prime H, Wade M, Browne DT;2020;Am Psychol;75;5;631-643;
Sleep and the hypothalamus;Adamantidis AR;2023;Science;382;;405-412;10.1126/science.adh8285
"""

TEXT = """\
# papers from our 2021 review
Richter EA, Sylow L, Hargreaves M. Interactions between insulin and exercise. Biochem J. 2021 Nov 12;478(21):3827-3846.

Ragupathi A, Kim C, Jacinto E. The mTORC2 signaling network: targets and cross-talks. Biochem J. 2024 Jan 31;481(2):45-91.
a line that names no paper at all
"""


@pytest.fixture
def warehouse(tmp_path, efetch_samples) -> Warehouse:
    records = [item for path in efetch_samples for item in iter_pubmed(path)
               if isinstance(item, PubmedRecord) and item.pmid != LATE_PMID]
    wh = Warehouse(tmp_path / "wh" / "littrack.duckdb")
    with wh.write() as db:
        db.load_standalone(records)
    return wh


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def queue_pmids(con) -> set[int]:
    return {pmid for (pmid,) in con.execute("SELECT pmid FROM review_queue").fetchall()}


@pytest.mark.parametrize("name, text, kind, count", [
    ("library.ris", RIS, "ris", 2),
    ("library.bib", BIBTEX, "bibtex", 2),
    ("library.csv", CSV, "csv", 2),
    ("library.txt", TEXT, "text", 3),
    ("export.txt", RIS, "ris", 2),  # content wins over the extension
])
def test_each_format_is_read_into_citations(tmp_path, name, text, kind, count):
    path = write(tmp_path, name, text)
    entries = read_known_file(path)
    assert detect_format(path, text) == kind
    assert len(entries) == count
    assert all(e.citation.raw for e in entries)


def test_structured_entries_keep_their_fields(tmp_path):
    ris, bib = (read_known_file(write(tmp_path, n, t))
                for n, t in (("a.ris", RIS), ("a.bib", BIBTEX)))
    late = ris[1].citation
    assert (late.title, late.authors, late.journal, late.year, late.pages) == (
        "The mTORC2 signaling network: targets and cross-talks",
        ("Ragupathi A", "Kim C", "Jacinto E"), "Biochem J", 2024, "45-91")
    assert ris[0].citation.doi == "10.1126/science.adh8285"
    richter = bib[0].citation
    assert (richter.title, richter.authors[0], richter.pages, richter.issue) == (
        "Interactions between Insulin and Exercise", "Richter EA", "3827-3846", "21")
    assert [e.ref_no for e in read_known_file(write(tmp_path, "a.txt", TEXT))] == [2, 4, 5]


@pytest.mark.parametrize("name, text, matched", [
    ("library.ris", RIS, {37883555}),
    ("library.bib", BIBTEX, {34751700, 33967209}),
    ("library.csv", CSV, {32437181, 37883555}),
    ("library.txt", TEXT, {34751700}),
])
def test_imported_papers_that_match_leave_the_review_queue(tmp_path, warehouse, name, text,
                                                           matched):
    path = write(tmp_path, name, text)
    with warehouse.write() as db:
        before = queue_pmids(db.con)
        summary = import_known(db.con, path)
        after = queue_pmids(db.con)
    assert summary.matched == len(matched)
    assert before - after == matched
    assert summary.read == summary.new == summary.matched + summary.ambiguous + summary.not_found


def test_importing_the_same_file_twice_adds_nothing(tmp_path, warehouse):
    path = write(tmp_path, "library.ris", RIS)
    with warehouse.write() as db:
        import_known(db.con, path)
        again = import_known(db.con, path)
        rows = db.con.execute("SELECT count(*) FROM known_citations").fetchone()[0]
    assert (again.read, again.new, again.matched, rows) == (2, 0, 1, 2)


def test_an_unmatched_known_citation_matches_when_its_paper_arrives(tmp_path, warehouse,
                                                                    efetch_samples):
    path = write(tmp_path, "library.txt", TEXT)
    with warehouse.write() as db:
        first = import_known(db.con, path)
    assert (first.matched, first.not_found) == (1, 2)

    late = next(iter_pubmed(next(p for p in efetch_samples if p.name == f"{LATE_PMID}.xml")))
    with warehouse.write() as db:
        run_id, _ = db.load_standalone([late])
        assert LATE_PMID in queue_pmids(db.con)
        rematched = rematch_known(db.con, run_id)
        assert LATE_PMID not in queue_pmids(db.con)
        history = db.con.execute(
            "SELECT m.status, m.pmid, m.run_id FROM citation_matches m JOIN known_citations k"
            " ON k.id = m.citation_id WHERE k.ref_no = 4 ORDER BY m.id").fetchall()
    assert rematched.checked == 2
    assert [pmid for _, pmid in rematched.newly_matched] == [LATE_PMID]
    assert history == [("not_found", None, None), ("matched", LATE_PMID, run_id)]


@pytest.mark.parametrize("name, content, message", [
    ("missing.ris", None, "cannot read {path}: No such file or directory"),
    ("latin1.txt", "Müller K. A title. J X. 2001;1:1-2.".encode("latin-1"),
     "{path} is not UTF-8 text (line 1)"),
    ("empty.txt", b"\n# only a comment\n", "no citations found in {path} (read as text)"),
    ("wrong.csv", b"id,name\n1,x\n", "{path} has no title or citation column (columns: id, name)"),
    ("broken.ris", b"Exported\nTY  - JOUR\nTI  - x\nTY  - JOUR\nER  - \n",
     "{path} is not valid RIS: Missing end of record tag (line 4)"),
    ("unended.ris", b"TY  - JOUR\nTI  - x\nER  - \nTY  - JOUR\nTI  - y\n",
     "{path} is not valid RIS: the entry that starts on line 4 has no end of record tag (ER)"),
])
def test_a_bad_file_is_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(KnownFileError) as raised:
        read_known_file(path)
    assert str(raised.value) == message.format(path=path)


# ---------------------------------------------------------------------------------------------
# the commands


@pytest.fixture
def config_file(tmp_path, warehouse) -> Path:
    return write(tmp_path, "config.toml", f"""
[pubmed]
query = "ketamine"
email = "tests@example.org"
[warehouse]
path = "{warehouse.path}"
""")


def test_known_import_command(tmp_path, config_file, warehouse, capsys):
    path = write(tmp_path, "library.bib", BIBTEX)
    code, out, _ = run_cli(capsys, "--config", config_file, "known", "import", path)
    assert code == 0
    assert f"2 citations read from {path} (2 new): 2 matched, 0 ambiguous, 0 not found yet" in \
        out.replace("\n", "")
    with warehouse.read() as con:
        assert not {34751700, 33967209} & queue_pmids(con)


def test_known_import_of_a_bad_file_exits_with_one_line(tmp_path, config_file, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(config_file), "known", "import", str(tmp_path / "nope.ris")])
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == (
        f"Error: cannot read {tmp_path / 'nope.ris'}: No such file or directory")


def test_match_command_writes_one_row_per_citation(tmp_path, config_file, capsys):
    lines = write(tmp_path, "refs.txt", TEXT.split("\n", 1)[1])
    output = tmp_path / "out.csv"
    code, out, _ = run_cli(capsys, "--config", config_file, "match", lines, "--output", output)
    assert code == 0
    with output.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line_no"], r["pmid"], r["status"]) for r in rows] == [
        ("1", "34751700", "matched"), ("3", "", "not_found"), ("4", "", "not_found")]
    assert rows[0]["citation"].startswith("Richter EA, Sylow L")
    assert float(rows[0]["score"]) > 0.9
    assert "3 citations: 1 matched, 0 ambiguous, 2 not found" in out
