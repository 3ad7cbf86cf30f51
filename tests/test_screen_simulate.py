"""`littrack screen simulate` (issue 12): the ranking engine as a simulated reviewer on a
labelled CSV in the format of ../shared/ranking-benchmark/."""

from __future__ import annotations

import csv

import pytest
from support import run_cli

from littrack.rank.metrics import order_quality
from littrack.rank.simulate import read_labelled_records

HEADER = ["id", "pmid", "doi", "title", "abstract", "year", "journal", "label_included"]
TOPIC = "Ketamine infusion for complex regional pain syndrome: {}"
OTHER = ["knee replacement in older adults", "asthma inhalers in children", "statins and stroke",
         "hip fracture surgery", "dental implants", "migraine and caffeine", "sleep apnoea devices",
         "influenza vaccination uptake", "glaucoma drops adherence", "psoriasis biologics"]


def write_records(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def synthetic_set(tmp_path):
    """SYNTHETIC: 6 relevant records on ketamine in CRPS among 30 on other topics."""
    rows = [[f"r{i}", "", "", TOPIC.format(f"a trial in centre {i}"), "Pain scores fell after ketamine.",
             "2020", "Pain", "1"] for i in range(6)]
    rows += [[f"x{i}", "", "", f"{OTHER[i % 10].capitalize()}: cohort {i}", "An unrelated study.",
              "2020", "BMJ", "0"] for i in range(30)]
    rows.sort(key=lambda row: row[0][::-1])  # relevant ones spread through the file
    path = tmp_path / "records.csv"
    write_records(path, rows)
    criteria = tmp_path / "criteria.txt"
    criteria.write_text("We included trials of ketamine in complex regional pain syndrome.")
    return path, criteria


def test_writes_rank_and_id_for_every_record_relevant_first(tmp_path, capsys):
    records, criteria = synthetic_set(tmp_path)
    output = tmp_path / "order.csv"
    code, out, err = run_cli(capsys, "screen", "simulate", records, "--criteria", criteria, "--output", output)
    assert code == 0, err
    with open(output, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["rank", "id"]
    assert [int(rank) for rank, _ in rows[1:]] == list(range(1, 37))
    assert sorted(i for _, i in rows[1:]) == sorted(read_labelled_records(records).ids)
    assert {i for _, i in rows[1:7]} == {f"r{i}" for i in range(6)}  # the criteria find them first
    assert "36 records, 6 included; all included found after screening 6" in out


def test_without_criteria_it_still_learns_once_it_finds_one(tmp_path):
    records, _ = synthetic_set(tmp_path)
    from littrack.rank.simulate import simulate_csv

    summary = simulate_csv(records, tmp_path / "order.csv")
    labelled = read_labelled_records(records)
    with open(tmp_path / "order.csv", newline="") as handle:
        order = [labelled.ids.index(i) for _, i in list(csv.reader(handle))[1:]]
    quality = order_quality(order, labelled.labels)
    assert summary.records == 36 and quality.wss95 > 0.5  # random order: about 0


@pytest.mark.parametrize("header, rows, message", [
    (["id", "title", "label_included"], [["1", "t", "1"]], ": missing column(s) abstract"),
    (HEADER, [["1", "", "", "t", "a", "", "", "yes"]], " line 2: label_included must be 0 or 1, not 'yes'"),
    (HEADER, [["", "", "", "t", "a", "", "", "1"]], " line 2: empty id"),
    (HEADER, [["7", "", "", "t", "a", "", "", "1"], ["7", "", "", "u", "b", "", "", "0"]],
     ": id 7 appears more than once"),
    (HEADER, [], ": no records"),
])
def test_bad_csv_is_one_error_line_and_exit_1(tmp_path, capsys, header, rows, message):
    records, output = tmp_path / "bad.csv", tmp_path / "order.csv"
    write_records(records, rows, header)
    code, _, err = run_cli(capsys, "screen", "simulate", records, "--output", output)
    assert code == 1
    assert err.strip().splitlines() == [f"Error: {records}{message}"]
    assert not output.exists()


def test_missing_files_and_options(tmp_path, capsys):
    records, _ = synthetic_set(tmp_path)
    code, _, err = run_cli(capsys, "screen", "simulate", tmp_path / "none.csv", "--output", tmp_path / "o.csv")
    assert code == 1 and err.startswith(f"Error: cannot read {tmp_path / 'none.csv'}")
    code, _, err = run_cli(capsys, "screen", "simulate", records, "--criteria", tmp_path / "none.txt",
                           "--output", tmp_path / "o.csv")
    assert code == 1 and err.startswith(f"Error: cannot read criteria file {tmp_path / 'none.txt'}")
    code, _, err = run_cli(capsys, "screen", "simulate", records)  # no --output: a usage error
    assert code == 2 and "--output" in err
