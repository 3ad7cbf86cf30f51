"""`littrack load` as a user runs it, against Bio.Entrez.read parsing the same file, in one run.

Writes baseline-style files of SYNTHETIC records (`littrack.pubmed.synthetic`, distinct PMIDs
across files) and runs each case in a fresh child process, so every time and peak RSS is its own:
- Bio.Entrez.read of the N-record file (the baseline), and littrack's parser alone on it in one
  process (what a load does besides parsing is the rest of its time);
- the writer's memory before it reads any record (its imports and an open DuckDB): the part of
  the peak that no limit lowers;
- the load alone (parse and tag in worker processes, stage, merge; no matching/clusters/ranking),
  for the N-record file and one `--scale` times larger, and of `--files` files of N records
  through Prefect on a local Dask cluster with 2 workers and with 1;
- unless `--load-alone`: the same as whole `littrack load` processes (matching, clusters, tags
  and ranking included), and how many records the configured query admits to review.
Peak RSS: the writer's own (VmHWM), and the largest of the processes it starts (sampled).
The synthetic corpus is about pain medicine, so the project's query admits about a third of it to
review; a real baseline file holds hardly any CRPS paper. `--query` loads with another query
(e.g. one admitting 1%) to see what review's share costs, `--memory-limit` with another
`[warehouse] load_memory_limit` (e.g. 128MB) to see what DuckDB's share of the peak costs.
Usage: python bench/load.py [--records 30000] [--scale 3] [--files 4] [--load-alone] [--query Q]
                            [--memory-limit SIZE]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.toml"  # the project's own query, seeds and criteria
RESULT_MARK = "BENCH-RESULT "
SAMPLE_SECONDS = 0.05


def write_files(folder: Path, records: int, scale: int, files: int) -> dict[str, list[Path]]:
    """The N-record file, the scaled one and `files` N-record parts, cut from one corpus."""
    from littrack.pubmed.synthetic import generate_corpus
    from littrack.pubmed.synthetic.draft import article_set_document

    articles = generate_corpus(records * max(scale, files), seed=2026).articles

    def written(name: str, start: int, count: int) -> Path:
        path = folder / name
        path.write_bytes(article_set_document(articles[start:start + count]))
        return path

    return {
        "one": [written("pubmed25n0001.xml", 0, records)],
        "scaled": [written("scaled.xml", 0, records * scale)],
        "parts": [written(f"pubmed25n{n + 2:04d}.xml", n * records, records) for n in range(files)],
    }


def config_with(folder: Path, query: str | None, memory_limit: str | None) -> Path:
    """The project's config, or a copy of it with another `[pubmed] query` and/or
    `[warehouse] load_memory_limit`."""
    if query is None and memory_limit is None:
        return CONFIG
    text = CONFIG.read_text(encoding="utf-8")
    for setting, pattern, value in [
        (query, r"^query = '''.*?'''", f"query = {json.dumps(query)}"),
        (memory_limit, r"^load_memory_limit = \"[^\"]*\"", f"load_memory_limit = {json.dumps(memory_limit)}"),
    ]:
        if setting is None:
            continue
        text, replaced = re.subn(pattern, lambda _: value, text, count=1, flags=re.S | re.M)
        if not replaced:
            raise SystemExit(f"nothing matching {pattern!r} in {CONFIG} to replace")
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_child(mode: str, config: Path, warehouse: Path, files: list[Path], workers: int = 2) -> dict:
    """One case in a fresh interpreter: its result, plus the peak RSS of the largest process it
    started (parse or Dask workers, Prefect's server), sampled while it runs."""
    command = [sys.executable, __file__, "--child", mode, str(config), str(warehouse), str(workers),
               *map(str, files)]
    # output to a file, not a pipe: a server the child started may outlive it holding a pipe open
    with tempfile.TemporaryFile("w+") as out, subprocess.Popen(
        command, stdout=out, stderr=subprocess.DEVNULL, text=True, cwd=REPO
    ) as proc:
        parent, largest_child = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            try:
                largest_child = max([largest_child, *(c.memory_info().rss for c in parent.children(recursive=True))])
            except psutil.Error:
                pass  # a child ended between listing and reading it
            time.sleep(SAMPLE_SECONDS)
        out.seek(0)
        output = out.read()
    if proc.returncode:
        raise SystemExit(f"{mode} failed (exit {proc.returncode})")
    line = next(line for line in reversed(output.splitlines()) if line.startswith(RESULT_MARK))
    return {**json.loads(line[len(RESULT_MARK):]), "child_peak_mb": largest_child / 2**20}


def child(mode: str, config_path: str, warehouse: str, workers: str, files: list[str]) -> None:
    """Runs in the child process: imports, then the case, timed."""
    paths = [Path(f) for f in files]
    if mode == "entrez":
        from Bio import Entrez

        def case() -> None:
            with open(paths[0], "rb") as handle:
                Entrez.read(handle)
    elif mode == "parse":
        from littrack.parse import iter_pubmed

        def case() -> None:
            for _ in iter_pubmed(paths[0]):
                pass
    elif mode == "writer-floor":

        def case() -> None:
            # what `littrack load` imports by the time it ranks, and an open connection
            import duckdb

            import littrack.cli  # noqa: F401
            import littrack.nightly.files  # noqa: F401
            import littrack.nightly.pipeline  # noqa: F401

            duckdb.connect().execute("SELECT 1").fetchall()
    elif mode == "load-alone":
        from littrack.config import load_config, with_overrides
        from littrack.nightly.files import load_files

        config = with_overrides(load_config(config_path), warehouse_path=warehouse)

        def case() -> None:
            load_files(config, paths, workers=int(workers), refresh=False)
    elif mode == "dask-load-alone":
        from flows.bulk_load import BulkLoadParameters, bulk_load

        def case() -> None:
            bulk_load(BulkLoadParameters(files=files, config_path=config_path, warehouse_path=warehouse,
                                         workers=int(workers), refresh=False))
    else:
        from littrack.cli import main

        dask = ["--dask", "--workers", workers] if mode == "dask" else []

        def case() -> None:
            try:
                main(["--config", config_path, "--warehouse", warehouse, "load", *dask, *files])
            except SystemExit as exc:
                if exc.code:
                    raise

    wall = time.perf_counter()
    case()
    wall = time.perf_counter() - wall
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent
    peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    print(RESULT_MARK + json.dumps({"seconds": wall, "peak_mb": peak_kb / 1024}))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--records", type=int, default=30_000)
    options.add_argument("--scale", type=int, default=3, help="the larger file is this many times bigger")
    options.add_argument("--files", type=int, default=4, help="files loaded with 1 and 2 Dask workers")
    options.add_argument("--load-alone", action="store_true", help="skip the whole-process cases")
    options.add_argument("--query", help="load with this [pubmed] query instead of config.toml's")
    options.add_argument("--memory-limit", help="load with this [warehouse] load_memory_limit (e.g. 128MB)")
    options.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        mode, config, warehouse, workers, *files = args.child
        child(mode, config, warehouse, workers, files)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_files(folder, args.records, args.scale, args.files)
        config = config_with(folder, args.query, args.memory_limit)
        size = files["one"][0].stat().st_size / 1e6
        print(f"{args.records:,} synthetic records, {size:,.0f} MB (bigger file: x{args.scale}; {args.files} parts)")
        entrez = run_child("entrez", config, folder / "unused", files["one"])
        _line("Bio.Entrez.read (baseline)", entrez)
        _line("littrack.parse alone, 1 process", run_child("parse", config, folder / "unused", files["one"]), entrez)
        floor = run_child("writer-floor", config, folder / "unused", [])
        print(f"  writer before any record (imports, open DuckDB): peak RSS {floor['peak_mb']:.0f} MB")
        modes = [("load-alone", "dask-load-alone", "load alone")]
        if not args.load_alone:
            modes.append(("cli", "dask", "littrack load"))
        for number, (mode, dask_mode, name) in enumerate(modes):
            one = run_child(mode, config, folder / f"{number}-one" / "l.duckdb", files["one"])
            scaled = run_child(mode, config, folder / f"{number}-scaled" / "l.duckdb", files["scaled"])
            _line(f"{name}, x1 file", one, entrez, goal=" (goal >= 5x)")
            if mode == "cli":
                _in_review(folder / f"{number}-one" / "l.duckdb", args.records)
            _line(f"{name}, x{args.scale} file", scaled, entrez, scale=args.scale)
            print(f"  peak RSS x{args.scale} / x1 (goal: flat, <= 300 MB): writer {scaled['peak_mb'] / one['peak_mb']:.2f},"
                  f" largest child {scaled['child_peak_mb'] / one['child_peak_mb']:.2f}")
            one_worker = run_child(dask_mode, config, folder / f"{number}-dask1" / "l.duckdb", files["parts"], workers=1)
            two_workers = run_child(dask_mode, config, folder / f"{number}-dask2" / "l.duckdb", files["parts"], workers=2)
            _line(f"{name}, {args.files} files, Dask x1", one_worker)
            _line(f"{name}, {args.files} files, Dask x2", two_workers)
            print(f"  speed-up 2 Dask workers / 1: {one_worker['seconds'] / two_workers['seconds']:.2f}x  (goal > 1)")


def _in_review(warehouse: Path, records: int) -> None:
    """How much of the file the configured query admits to review (queued, tagged, ranked):
    the synthetic corpus is about CRPS and pain, a real baseline file hardly ever is."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        admitted = con.execute("SELECT count(*) FROM query_matches").fetchone()[0]
    print(f"  in review (the configured query finds them): {admitted:,} of {records:,} records")


def _line(name: str, result: dict, baseline: dict | None = None, goal: str = "", scale: int = 1) -> None:
    ratio = f", {baseline['seconds'] * scale / result['seconds']:5.2f}x Entrez's speed{goal}" if baseline else ""
    print(f"  {name:34} {result['seconds']:7.1f} s, peak RSS {result['peak_mb']:5.0f} MB"
          f" (largest child {result['child_peak_mb']:4.0f} MB){ratio}")


if __name__ == "__main__":
    main()
