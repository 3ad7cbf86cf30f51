"""A deterministic, seeded generator of a SYNTHETIC CRPS/ketamine PubMed corpus.

Every record is synthetic and says so: a `<GeneralNote Owner="NLM">SYNTHETIC record generated
by littrack; not a real PubMed citation</GeneralNote>` in each `MedlineCitation`, and an XML
comment at the top of each document `article_set_document` / `write_corpus` produce.
PMIDs start at 90000001 (`FIRST_PMID`), far above real ones; DOIs use the test prefix 10.5555;
PMCIDs start at PMC19000000. Records follow DTD pubmed_250101 as efetch sends it.

`generate_corpus(n, seed)` gives `n` records in PMID order; PMIDs are handed out in entrez-date
order, as PubMed does. Entrez dates run from 2005 to `END_DATE` (2026-11-20), denser in later
years; the six seed papers sit at their real dates. The same (n, seed) always gives the same
bytes. The bundled demo corpus is `generate_corpus(DEMO_N, DEMO_SEED)` written to
`DEMO_CORPUS` (regenerate: `python -m littrack.pubmed.synthetic --n 300 --seed 2026 --output
src/littrack/pubmed/standin/data/demo-corpus.xml.gz`).

Seeds (`corpus.seed_pmids`, citation number 1..6 -> PMID): the numbered references of
shared/seed/crps-ketamine-article.txt, built only from the citations' facts (title, authors,
journal, date, volume, issue, pages, epub date) in other surface forms: NLM's full journal
titles, invented full fore names, MedlinePgn long or short ("304-311", "143-7"), a numeric
month ("06"). Seed 6 is electronic: volume 15, no issue, article number 198.

Traps (`corpus.traps`, name -> PMIDs in this order):
- `erratum_seed2`, `erratum_seed4`: [seed, erratum]. The erratum is titled "Erratum: <seed
  title>", PublicationType "Published Erratum", CommentsCorrections ErratumFor -> seed; the
  seed has ErratumIn -> erratum.
- `comment_seed4`, `comment_seed1`: [seed, comment]. A letter (PublicationTypes "Letter",
  "Comment") with CommentOn -> seed; the seed has CommentIn -> comment.
- `retraction`: [paper, notice], both in the corpus. The notice ("Retraction Note: <title>",
  "Retraction of Publication") has RetractionOf -> paper; the paper has RetractionIn, the
  PublicationType "Retracted Publication" and a History "retracted" date.
- `retraction_later`: [paper, notice]. The paper is in the corpus, not yet retracted; the
  notice's PMID (FIRST_PMID + n) exists only in `later_states`.
- `version_2`: [pmid]. An F1000Research article at `<PMID Version="1">` in the corpus; its
  Version 2 (same PMID, new title suffix, DOI ".2", later DateRevised) is a later state.
- `ahead_of_print`: [pmid]. PublicationStatus aheadofprint, Status Publisher, no volume, issue
  or pages; its published state is a later state.
- `part_i_ii`: [part I, part II]. Same authors, journal, issue; titles differ only in
  "Part I: ..." / "Part II: ..."; consecutive pages. Not duplicates.
- `conference_abstract`: [meeting abstract, article]. Same title; the abstract (PublicationType
  "Congress", issue "Suppl 1", page "A112", first three authors) a year before the article.
  Not duplicates.
- `same_title_years`: [2012 review, 2023 review]. Identical titles, other authors and
  journals. Not duplicates.
`HARD_NEGATIVES` names the last three.

Later states (`corpus.later_states`, name -> one `<PubmedArticle>`, DateRevised `LATER_DATE`):
- `version_2`: the `version_2` trap at Version 2;
- `published`: the `ahead_of_print` trap in its issue (ppublish, volume, issue, pages);
- `retracted`: the `retraction_later` paper, now retracted (RetractionIn, Retracted Publication);
- `retraction`: the new retraction notice for it (entrez date `LATER_DATE`);
- `new_paper`: a new CRPS/ketamine trial entering PubMed on `LATER_DATE` (PMID FIRST_PMID + n + 1;
  trap key `new_paper`), so an incremental run has something new to find.
"""

from __future__ import annotations

import gc
import gzip
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from math import sqrt
from pathlib import Path
from typing import Iterator

from ...errors import LittrackError
from .background import between, draw_article
from .draft import article_set_document, render
from .seeds import seed_articles
from .traps import add_later_states, build_traps

__all__ = [
    "DEMO_CORPUS", "DEMO_N", "DEMO_SEED", "END_DATE", "FIRST_PMID", "HARD_NEGATIVES", "LATER_DATE",
    "CorpusSizeError", "SyntheticCorpus", "article_set_document", "generate_corpus", "write_corpus",
]

FIRST_PMID = 90_000_001
START_DATE = date(2005, 1, 3)
END_DATE = date(2026, 11, 20)
LATER_DATE = END_DATE + timedelta(days=1)
HARD_NEGATIVES = ("part_i_ii", "conference_abstract", "same_title_years")
DEMO_N, DEMO_SEED = 300, 2026
DEMO_CORPUS = Path(__file__).resolve().parent.parent / "standin" / "data" / "demo-corpus.xml.gz"


class CorpusSizeError(LittrackError):
    """The corpus is too small to hold the seed and trap records."""


@dataclass(frozen=True)
class SyntheticCorpus:
    articles: list[bytes]  # one <PubmedArticle> element each, PMID order
    later_states: dict[str, bytes]  # see the module docstring for the keys
    seed_pmids: dict[int, int]  # citation number 1..6 -> PMID
    traps: dict[str, list[int]]  # trap name -> PMIDs involved


def _entrez(rng: random.Random) -> datetime:
    # density grows linearly with time, as the literature does
    span = (END_DATE - START_DATE).days
    day = START_DATE + timedelta(days=int(span * sqrt(rng.random())))
    return datetime(day.year, day.month, day.day, between(rng, 0, 5), between(rng, 0, 59))


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    # tens of thousands of long-lived objects make the cyclic collector rescan the heap over and over
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate_corpus(n: int, seed: int = 0) -> SyntheticCorpus:
    """`n` records (seeds and traps included), the same bytes for the same (n, seed)."""
    with _garbage_collection_paused():
        return _generate(n, seed)


def _generate(n: int, seed: int) -> SyntheticCorpus:
    rng = random.Random(seed)
    serials = count(1)
    seeds = seed_articles(rng, serials, END_DATE)
    traps = build_traps(rng, seeds, serials, END_DATE)
    if n < len(traps.records):
        raise CorpusSizeError(f"a synthetic corpus needs at least {len(traps.records)} records, not {n}")
    used_titles = {d.title.casefold() for d in traps.records}
    records = traps.records + [
        draw_article(rng, serial=next(serials), entrez=_entrez(rng), end=END_DATE, used_titles=used_titles)
        for _ in range(n - len(traps.records))
    ]
    records.sort(key=lambda d: d.entrez)
    for pmid, d in enumerate(records, FIRST_PMID):
        d.pmid = pmid
    add_later_states(rng, traps, later=LATER_DATE, next_pmid=FIRST_PMID + n, serials=serials)
    return SyntheticCorpus(
        articles=[render(d) for d in records],
        later_states={name: render(d) for name, d in traps.later.items()},
        seed_pmids={number: d.pmid for number, d in seeds.items()},
        traps={name: [d.pmid for d in members] for name, members in traps.groups.items()},
    )


def write_corpus(corpus: SyntheticCorpus, path: str | Path) -> None:
    """One PubmedArticleSet document; gzipped when the name ends in .gz (reproducible bytes)."""
    document = article_set_document(corpus.articles)
    path = Path(path)
    if path.suffix == ".gz":
        # no file name or time in the gzip header, so the same corpus gives the same bytes;
        # level 6 packs big benchmark corpora almost as small as 9, a quarter faster
        with open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6
        ) as out:
            out.write(document)
    else:
        path.write_bytes(document)
