"""Parser throughput and memory: littrack.parse vs Bio.Entrez.read on the same generated file.

Builds a PubmedArticleSet of N records from the real efetch samples (PMIDs renumbered, records
repeated), then parses it in a fresh child process per parser so each peak RSS is its own.
Usage: python bench/parse.py [--records 30000] [--scale 3] [--samples DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "pubmed-samples" / "efetch"
HEADER = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_OWN_PMID = re.compile(rb'(<MedlineCitation[^>]*>\s*<PMID Version="\d+">)(\d+)(</PMID>)')
_ID_PMID = re.compile(rb'(<ArticleId IdType="pubmed">)(\d+)(</ArticleId>)')


def sample_articles(samples: Path) -> list[bytes]:
    articles = []
    for path in sorted(samples.glob("*.xml")):
        articles += _ARTICLE.findall(path.read_bytes())
    return articles


def write_bench_file(path: Path, articles: list[bytes], count: int) -> int:
    """Write `count` records cycling through `articles`, each with a fresh PMID; returns bytes."""
    with path.open("wb") as out:
        out.write(HEADER)
        for number in range(count):
            pmid = b"%d" % (90_000_000 + number)
            record = articles[number % len(articles)]
            record = _OWN_PMID.sub(lambda m: m.group(1) + pmid + m.group(3), record, count=1)
            record = _ID_PMID.sub(lambda m: m.group(1) + pmid + m.group(3), record, count=1)
            out.write(record + b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return path.stat().st_size


def run_child(parser: str, path: Path) -> dict:
    """Parse `path` in a fresh interpreter; returns records, seconds and peak RSS (MB)."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", parser, str(path)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout)


def child(parser: str, path: str) -> None:
    """Runs in the child process: imports first, then times the parse alone."""
    if parser == "littrack":
        from littrack.parse import PubmedRecord, iter_pubmed

        def parse() -> int:
            return sum(isinstance(item, PubmedRecord) for item in iter_pubmed(path))
    else:
        from Bio import Entrez

        def parse() -> int:
            with open(path, "rb") as handle:
                return len(Entrez.read(handle)["PubmedArticle"])

    wall, cpu = time.perf_counter(), _cpu_seconds()
    records = parse()
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"records": records, "seconds": wall, "cpu_seconds": cpu, "peak_mb": peak_mb}))


def _cpu_seconds() -> float:
    """User + system time of this process: what a parse costs even when other jobs share the CPUs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--records", type=int, default=30_000)
    options.add_argument("--scale", type=int, default=3, help="the larger file is this many times bigger")
    options.add_argument("--samples", type=Path, default=SAMPLES)
    options.add_argument("--child", nargs=2, metavar=("PARSER", "FILE"), help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        child(*args.child)
        return

    articles = sample_articles(args.samples)
    print(f"{len(articles)} distinct real records from {args.samples}")
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "bench.xml"), Path(tmp, "bench-large.xml")
        small_bytes = write_bench_file(small, articles, args.records)
        ours = run_child("littrack", small)
        entrez = run_child("entrez", small)
        _report(f"{args.records:,} records, {small_bytes / 1e6:,.0f} MB", "littrack.parse", ours)
        _report("", "Bio.Entrez.read", entrez)
        for clock, key in (("wall-clock", "seconds"), ("CPU-time", "cpu_seconds")):
            ratio = entrez[key] / ours[key] * ours["records"] / entrez["records"]
            print(f"  speed ratio littrack / Entrez ({clock}): {ratio:.1f}x  (goal >= 10x)")
        small.unlink()

        large_count = args.records * args.scale
        large_bytes = write_bench_file(large, articles, large_count)
        ours_large = run_child("littrack", large)
        _report(f"{large_count:,} records, {large_bytes / 1e6:,.0f} MB", "littrack.parse", ours_large)
        growth = ours_large["peak_mb"] / ours["peak_mb"]
        print(f"  peak RSS {args.scale}x file / 1x file: {growth:.2f}  (goal: flat, <= 300 MB)")


def _report(heading: str, name: str, result: dict) -> None:
    if heading:
        print(heading)
    print(
        f"  {name:16} {result['records'] / result['seconds']:>7,.0f} records/s wall "
        f"({result['seconds']:6.1f} s), {result['records'] / result['cpu_seconds']:>7,.0f} records/s CPU, "
        f"peak RSS {result['peak_mb']:6.0f} MB"
    )


if __name__ == "__main__":
    main()
