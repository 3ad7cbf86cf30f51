"""Relevance ranking: which paper in the review queue to screen next (issue 12).

From the first night, before any decision, papers are ranked by a topic prior: the texts of
the seed and known papers, the PubMed query's terms and the optional `[review] criteria`.
Once reviewers have included and excluded something, a linear SVM on word + bigram TF-IDF
learns from their decisions (`maybe` counts as half an include) and the prior texts; see
`littrack.rank.ranker` for the method and `bench/ranking.py` for how well it does.

Live re-ranking (the triage server), a small pure API::

    from littrack.rank import PriorText, Ranker

    ranker = Ranker(pmids, texts, prior)          # once: features for every paper (seconds)
    ranking = ranker.rescore({pmid: "include", other: "exclude", ...})   # after each decision
    ranking.by_id()       # {pmid: score in [0, 1]}, higher = more likely relevant
    ranking.order()       # every pmid, best first (decided ones included: skip them)
    ranking.why(pmid)     # "ketamine infusion, crps, placebo; like seed 4"
    ranking.whys(pmids)   # the same for many papers at once, far cheaper than one by one

`texts` come from `paper_text(title, abstract, keywords, mesh_terms, publication_types)`, `prior` from
`prior_texts(con, criteria)` (or any `PriorText(source, text)`s). Labels are `include`,
`maybe` or `exclude`; ids the ranker does not know are ignored. `rescore` refits from scratch
on the labels given (no state is kept between calls) and takes well under a second for
10,000 papers.

The nightly calls `refresh_relevance`, which stores the scores of the undecided papers in
`relevance_scores`; `review_queue` shows them as `relevance` and `relevance_why`.
`littrack screen simulate` runs the same engine as a simulated reviewer (`simulate`).
"""

from littrack.rank.features import paper_text, query_terms
from littrack.rank.ranker import LABELS, MODEL_VERSION, PriorText, Ranker, Ranking, UnknownLabel
from littrack.rank.store import RelevanceRefresh, prior_texts, refresh_relevance

__all__ = [
    "LABELS",
    "MODEL_VERSION",
    "PriorText",
    "Ranker",
    "Ranking",
    "RelevanceRefresh",
    "UnknownLabel",
    "paper_text",
    "prior_texts",
    "query_terms",
    "refresh_relevance",
]
