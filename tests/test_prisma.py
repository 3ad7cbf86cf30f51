"""PRISMA 2020 counts (issue 9, item 8) on a warehouse built by hand, with every number
worked out below from what was loaded and decided; `littrack prisma` and its `--json`."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from support import run_cli

from littrack.match.dedupe_store import refresh_clusters
from littrack.match.store import import_known, sync_seeds
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.review.prisma import prisma_counts
from littrack.warehouse import Warehouse
from littrack.warehouse.decisions_export import write_decisions_export

KNOWN, INCLUDED, EXCLUDED_1, EXCLUDED_2, MAYBE, CONFLICT = (
    37883555, 34751700, 33967209, 35067114, 38878148, 35320699)
ORIGINAL, DUPLICATE, UNDECIDED = 32437181, 99000001, 38799617
SEARCHED = (KNOWN, INCLUDED, EXCLUDED_1, EXCLUDED_2, MAYBE, CONFLICT)

LIBRARY = """\
TY  - JOUR
TI  - Sleep and the hypothalamus
AU  - Adamantidis, Antoine R.
T2  - Science
PY  - 2023
VL  - 382
SP  - 405
EP  - 412
DO  - 10.1126/science.adh8285
ER  - 

TY  - JOUR
TI  - A paper nobody has stored
AU  - Nobody, N.
PY  - 1901
ER  - 
"""

# worked out by hand from the fixture:
EXPECTED = {
    "records_identified": 9,  # 6 searched + 3 loaded from a file
    "from_pubmed_searches": 6,
    "from_file_imports": 3,
    "duplicates_removed": 1,  # DUPLICATE is in ORIGINAL's cluster
    "known_removed": 1,  # KNOWN, matched by the imported library
    "seed_citations": 1,  # one seed, matched or not
    "imported_citations": 2,  # both entries of the library
    "records_for_screening": 7,  # 9 - 1 - 1
    "records_screened": 6,  # all but UNDECIDED
    "records_excluded": 3,  # EXCLUDED_1, EXCLUDED_2, ORIGINAL's cluster
    "records_included": 1,
    "undecided": 1,
    "maybe": 1,
    "conflicts": 1,
    "excluded_by_reason": {"not CRPS": 2, "wrong population": 1},
}


def event(event_id, pmid, reviewer, decision, reason=None, cluster_pmids=()):
    return (event_id, pmid, list(cluster_pmids), reviewer, "decide", decision, reason, None, [],
            1, "hash", datetime(2026, 12, 1, 9, event_id, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, efetch_samples) -> Warehouse:
    folder = tmp_path_factory.mktemp("prisma")
    by_pmid = {item.pmid: item for path in efetch_samples for item in iter_pubmed(path)
               if isinstance(item, PubmedRecord)}
    library = folder / "library.ris"
    library.write_text(LIBRARY, encoding="utf-8")
    wh = Warehouse(folder / "littrack.duckdb")
    with wh.write() as db:
        with db.run("q-test", "ketamine") as run:  # a search run, as the nightly's
            run.load([by_pmid[pmid] for pmid in SEARCHED])
        db.load_standalone([by_pmid[ORIGINAL], replace(by_pmid[ORIGINAL], pmid=DUPLICATE),
                            by_pmid[UNDECIDED]])
        sync_seeds(db.con, ["Nobody N. A seed nobody has stored. J Nowhere. 1902;1:1-2."])
        import_known(db.con, library)
        refresh_clusters(db.con)
        # the engine keeps two PMIDs apart; `dedup_clusters` may still fold them
        db.con.execute("UPDATE dedup_clusters SET cluster_id = ? WHERE member_key = ?",
                       [f"pmid:{ORIGINAL}", f"pmid:{DUPLICATE}"])
    write_decisions_export(wh.files.decisions_export, [
        event(1, INCLUDED, "ana", "include"),
        event(2, EXCLUDED_1, "ana", "exclude", "not CRPS"),
        event(3, EXCLUDED_2, "ben", "exclude", "wrong population"),
        event(4, MAYBE, "ana", "maybe"),
        event(5, CONFLICT, "ana", "include"),
        event(6, CONFLICT, "ben", "maybe"),
        event(7, DUPLICATE, "ben", "exclude", "not CRPS", cluster_pmids=[ORIGINAL, DUPLICATE]),
    ])
    return wh


def test_prisma_counts_match_the_hand_count(warehouse):
    with warehouse.read() as con:
        counts = prisma_counts(con)
    assert counts.as_dict() == EXPECTED


def test_the_flow_adds_up(warehouse):
    with warehouse.read() as con:
        c = prisma_counts(con)
    assert c.records_identified == c.from_pubmed_searches + c.from_file_imports
    assert c.records_identified == c.duplicates_removed + c.known_removed + c.records_for_screening
    assert c.records_for_screening == (c.records_included + c.records_excluded + c.maybe
                                       + c.conflicts + c.undecided)
    assert c.records_excluded == sum(c.excluded_by_reason.values())


@pytest.fixture
def config_file(tmp_path, warehouse):
    path = tmp_path / "config.toml"
    path.write_text(f'[pubmed]\nquery = "ketamine"\nemail = "tests@example.org"\n'
                    f'[warehouse]\npath = "{warehouse.path}"\n', encoding="utf-8")
    return path


def test_prisma_command_prints_a_table_and_json(capsys, config_file):
    code, out, err = run_cli(capsys, "--config", config_file, "prisma", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == EXPECTED
    code, out, _ = run_cli(capsys, "--config", config_file, "prisma")
    assert code == 0
    lines = {" ".join(line.strip("│┃ ").split()) for line in out.splitlines()}
    assert {"Records identified │ 9", "Duplicate records removed │ 1",
            "Papers excluded │ 3", "not CRPS │ 2", "wrong population │ 1",
            "Papers included │ 1", "conflicts │ 1"} <= lines


def test_prisma_without_a_warehouse_is_one_line(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[pubmed]\nquery = "k"\nemail = "t@example.org"\n'
                      f'[warehouse]\npath = "{tmp_path / "none.duckdb"}"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "--config", config, "prisma")
    assert code == 1
    assert err.strip() == (f"Error: no warehouse yet at {tmp_path / 'none.duckdb'}: run "
                           "`littrack run` or `littrack demo` first")
