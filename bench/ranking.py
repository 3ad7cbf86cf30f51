"""Screening-order quality on ../shared/ranking-benchmark/ and re-ranking speed (issue 12).

For every set, in the same run: littrack (`littrack screen simulate`'s engine, from zero
labelled records, prior = the set's criteria.txt), ASReview LAB (`asreview simulate`, default
model elas_u4, `--n-prior-included 1 --n-prior-excluded 1`, mean over --seeds) and random
order (mean over 20 shuffles): WSS@95, recall after 10% screened, average time to discovery.
Then the time to re-rank 10,000 synthetic papers after decisions, against rebuilding the
ranker's features from scratch (the baseline, measured in the same run).

    python bench/ranking.py [--sets Nelson_2002 ...] [--seeds 1 2 3] [--papers 10000]

ASReview comes with the bench extra (`pip install -e '.[test,bench]'`) and runs as
`python -m asreview` of this same interpreter; --asreview COMMAND runs another one instead.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from littrack.parse import iter_pubmed
from littrack.pubmed.synthetic import article_set_document, generate_corpus
from littrack.rank import Ranker, paper_text
from littrack.rank.metrics import OrderQuality, order_quality
from littrack.rank.simulate import read_criteria, read_labelled_records, screening_order

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "ranking-benchmark"
RANDOM_SHUFFLES = 20


def littrack_order(records, criteria: Path) -> list[int]:
    ranker = Ranker(records.ids, records.texts, read_criteria(criteria))
    return screening_order(ranker, records.labels)


def asreview_order(asreview: list[str], records_csv: Path, labels: np.ndarray, seed: int, workdir: Path) -> list[int]:
    """ASReview's screening order (priors first) until its last included record, then the rest."""
    data = workdir / "data.csv"
    with open(records_csv, newline="", encoding="utf-8") as source, open(data, "w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["title", "abstract", "label_included"])
        writer.writerows((r["title"], r["abstract"], r["label_included"]) for r in csv.DictReader(source))
    project = workdir / f"seed{seed}.asreview"
    subprocess.run(
        [*asreview, "simulate", str(data), "--n-prior-included", "1", "--n-prior-excluded", "1",
         "--prior-seed", str(seed), "--seed", str(seed), "--output", str(project)],
        cwd=workdir, check=True, capture_output=True,
    )
    with zipfile.ZipFile(project) as archive:
        archive.extract("results.db", workdir / f"seed{seed}")
    con = sqlite3.connect(workdir / f"seed{seed}" / "results.db")
    try:
        rows = con.execute(
            "SELECT rec.dataset_row, r.label FROM results r JOIN record rec USING (record_id) ORDER BY r.rowid"
        ).fetchall()
    finally:
        con.close()
    assert all(labels[row] == label for row, label in rows), "ASReview rows do not match the CSV"
    order = [row for row, _ in rows]
    seen = set(order)
    return order + [i for i in range(len(labels)) if i not in seen]


def mean_quality(qualities: list[OrderQuality]) -> OrderQuality:
    return OrderQuality(*np.mean([[q.wss95, q.recall10, q.atd] for q in qualities], axis=0))


def quality_table(sets: list[str], seeds: list[int], asreview: list[str] | None) -> None:
    methods = ("littrack", "ASReview", "random")
    results: dict[str, list[OrderQuality]] = {m: [] for m in methods}
    print("set                    N  incl | " + " | ".join(f"{m:>8} WSS@95  R@10%   ATD" for m in methods))
    for name in sets:
        folder = BENCHMARK / name
        records = read_labelled_records(folder / "records.csv")
        labels = records.labels
        started = time.perf_counter()
        ours = order_quality(littrack_order(records, folder / "criteria.txt"), labels)
        ours_seconds = time.perf_counter() - started
        theirs = None
        if asreview:
            with tempfile.TemporaryDirectory() as workdir:
                theirs = mean_quality([order_quality(asreview_order(asreview, folder / "records.csv", labels, seed, Path(workdir)), labels)
                                       for seed in seeds])
            results["ASReview"].append(theirs)
        rng = np.random.default_rng(0)
        chance = mean_quality([order_quality(rng.permutation(len(labels)), labels) for _ in range(RANDOM_SHUFFLES)])
        results["littrack"].append(ours)
        results["random"].append(chance)
        cells = [_cells(ours), _cells(theirs), _cells(chance)]
        print(f"{name:20s} {len(labels):5d} {labels.sum():5d} | " + " | ".join(cells) + f"   (littrack {ours_seconds:.1f} s)")
    means = [_cells(mean_quality(results[m]) if results[m] else None) for m in methods]
    print(f"{'mean':32s} | " + " | ".join(means))
    if not asreview:
        print("ASReview: not installed here (pip install -e '.[test,bench]')")


def _cells(quality: OrderQuality | None) -> str:
    if quality is None:
        return f"{'':>8} {'n/a':>6} {'n/a':>6} {'n/a':>5}"
    return f"{'':>8} {quality.wss95:6.3f} {quality.recall10:6.3f} {quality.atd:5.3f}"


def synthetic_texts(n: int) -> list[str]:
    corpus = generate_corpus(n, seed=12)
    return [paper_text(r.title, r.abstract, r.keywords)
            for r in iter_pubmed(article_set_document(corpus.articles)) if hasattr(r, "title")]


def rerank_speed(n: int) -> None:
    texts = synthetic_texts(n)
    ids = list(range(len(texts)))
    started = time.perf_counter()
    ranker = Ranker(ids, texts)
    build = time.perf_counter() - started
    print(f"\nre-ranking {len(texts)} synthetic papers; baseline: building the features {build:.2f} s")
    rng = np.random.default_rng(1)
    for label_count in (1, 2, 50, 500):
        chosen = rng.choice(len(ids), size=label_count, replace=False)
        # the first two: one include, one exclude; after that one include in ten
        labels = {int(i): "include" if k == 0 or (k > 1 and k % 10 == 0) else "exclude"
                  for k, i in enumerate(chosen)}
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            ranker.rescore(labels)
            timings.append(time.perf_counter() - started)
        best = min(timings)
        print(f"  after {label_count:3d} decision(s): rescore {best * 1000:5.0f} ms "
              f"({best / build:6.1%} of the feature build; target < 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=sorted(p.name for p in BENCHMARK.iterdir() if p.is_dir()))
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3], help="ASReview seeds")
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--asreview", default=None, help="another asreview command to run")
    args = parser.parse_args()
    asreview = [args.asreview] if args.asreview else _same_environment_asreview()
    quality_table(args.sets, args.seeds, asreview)
    rerank_speed(args.papers)


def _same_environment_asreview() -> list[str] | None:
    return [sys.executable, "-m", "asreview"] if importlib.util.find_spec("asreview") else None


if __name__ == "__main__":
    main()
