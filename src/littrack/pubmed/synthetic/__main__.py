"""`python -m littrack.pubmed.synthetic --n 300 --seed 2026 --output PATH` writes a corpus."""

from __future__ import annotations

import argparse

from . import generate_corpus, write_corpus


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m littrack.pubmed.synthetic", description=__doc__)
    parser.add_argument("--n", type=int, required=True, help="records, seeds and traps included")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same n and seed, same bytes)")
    parser.add_argument("--output", required=True, help="file to write: .xml or .xml.gz")
    args = parser.parse_args(argv)
    write_corpus(generate_corpus(args.n, args.seed), args.output)


if __name__ == "__main__":
    main()
