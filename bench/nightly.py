"""A quiet night (nothing new in PubMed) on the demo-sized warehouse and on the same warehouse
holding 30,000 extra records, both measured in this run, with the ratio (issue 11 goal: ≤ 1.5×).

    python bench/nightly.py [--extra 30000] [--repeat 3] [--disk-nights 20] [--profile]
                            [--workdir DIR]

Both warehouses take the demo's first night from the PubMed stand-in (real HTTP on loopback);
the big one then loads a generated file of `--extra` synthetic records with `littrack load`'s
library call (`nightly.files.load_files`, PMIDs moved out of the demo's range). Each quiet
night is the whole `run_nightly`: search, match, dedup, tags, ranking, report, publish.
Also printed: the same quiet night with the stages' memory of what they saw cleared (what
every night cost before issue 11: a full re-match and re-cluster), the store and snapshot
sizes after `--disk-nights` quiet nights, and with `--profile` the functions that dominate.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import re
import statistics
import tempfile
import time
from pathlib import Path

from littrack.config import load_config, with_overrides
from littrack.nightly.files import load_files
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import DEMO_N, DEMO_SEED, END_DATE, article_set_document, generate_corpus
from littrack.warehouse import Warehouse
from littrack.warehouse.files import WarehouseFiles

REPO = Path(__file__).resolve().parents[1]
PMID_SHIFT = 10_000_000  # the extra corpus's PMIDs start at 100,000,001, past the demo's
_PMID = re.compile(rb'(<PMID[^>]*>|<ArticleId IdType="pubmed">)(\d+)(<)')


def extra_records_file(n: int, folder: Path) -> tuple[Path, int]:
    """About `n` synthetic background records (another seed than the demo's, without its own
    copies of the seed papers and traps, which would make the seeds ambiguous) as one
    PubmedArticleSet file."""
    corpus = generate_corpus(n, seed=DEMO_SEED + 1)
    special = {pmid for pmids in corpus.traps.values() for pmid in pmids}
    special |= set(corpus.seed_pmids.values())
    shifted = [_PMID.sub(lambda m: m[1] + str(int(m[2]) + PMID_SHIFT).encode() + m[3], article)
               for article in corpus.articles
               if int(_PMID.search(article)[2]) not in special]
    path = folder / f"extra-{n}.xml"
    path.write_bytes(article_set_document(shifted))
    return path, len(shifted)


def quiet_night(config) -> float:
    started = time.perf_counter()
    run_nightly(config, RunOptions(today=END_DATE))
    return time.perf_counter() - started


def forget_what_stages_saw(config) -> None:
    """The state before issue 11: every record looks new to matching and dedup."""
    with Warehouse(config.warehouse.path).write() as db:
        db.con.execute("DELETE FROM stage_inputs")


def sizes(config) -> tuple[float, float]:
    files = WarehouseFiles.beside(Path(config.warehouse.path))
    return files.store.stat().st_size / 1e6, files.published.stat().st_size / 1e6


def profile_night(config, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    quiet_night(config)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"littrack/(?!cli)", top)
    return "\n".join(line for line in out.getvalue().splitlines()
                     if "littrack/" in line or "cumtime" in line)


def build(small, big, extra_records: int, folder: Path) -> None:
    started = time.perf_counter()
    extra, count = extra_records_file(extra_records, folder)
    print(f"generated {count:,} extra records ({extra.stat().st_size / 1e6:.0f} MB)"
          f" in {time.perf_counter() - started:.1f} s")
    for config in (small, big):
        run_nightly(config, RunOptions(today=END_DATE))  # the demo's first night
    started = time.perf_counter()
    load_files(big, [extra])
    print(f"littrack load of them: {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--disk-nights", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep the warehouses here and reuse them "
                        "next time (default: a temporary folder)")
    args = parser.parse_args()
    os.environ.setdefault("NCBI_API_KEY", "bench")  # the stand-in's 10 requests/s, as with a key
    logging.disable(logging.WARNING)  # PubMed's "PhraseNotFound" warnings, every night
    corpus = generate_corpus(DEMO_N, seed=DEMO_SEED)
    with tempfile.TemporaryDirectory(prefix="littrack-bench-") as tmp, \
            StandIn(corpus=corpus.articles) as pubmed:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        project = load_config(REPO / "config.toml")
        small = with_overrides(project, pubmed.base_url, folder / "demo" / "littrack.duckdb")
        big = with_overrides(project, pubmed.base_url, folder / f"big-{args.extra}" / "littrack.duckdb")
        if not big.warehouse.path.exists():
            build(small, big, args.extra, folder)
        quiet_night(small), quiet_night(big)  # warm-up: first quiet night after a load
        times = {"demo": [], "big": []}
        for _ in range(args.repeat):
            times["demo"].append(quiet_night(small))
            times["big"].append(quiet_night(big))
        demo, heavy = (statistics.median(times[k]) for k in ("demo", "big"))
        print(f"quiet night, demo warehouse ({DEMO_N} records):      {demo:6.2f} s "
              f"(store {sizes(small)[0]:.1f} MB)")
        print(f"quiet night, +{args.extra:,} records:                  {heavy:6.2f} s "
              f"(store {sizes(big)[0]:.1f} MB)")
        print(f"ratio: {heavy / demo:.2f}x (goal <= 1.5x)")
        if args.profile:
            print("\nwhat a quiet night on the big warehouse spends its time on:")
            print(profile_night(big, 25))
        forget_what_stages_saw(big)
        started = time.perf_counter()
        quiet_night(big)
        full = time.perf_counter() - started
        print(f"\nthe same night with a full re-match and re-cluster (as before issue 11): "
              f"{full:.2f} s = {full / demo:.1f}x the demo's quiet night")
        before = sizes(big)
        for _ in range(args.disk_nights):
            quiet_night(big)
        after = sizes(big)
        print(f"after {args.disk_nights} more quiet nights: store {before[0]:.1f} -> "
              f"{after[0]:.1f} MB, snapshot {before[1]:.1f} -> {after[1]:.1f} MB")


if __name__ == "__main__":
    main()
