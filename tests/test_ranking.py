"""Relevance ranking (issue 12): the engine, the screening-order measures, and the nightly's
ranking of the demo queue — seed-like trials first on night 1, decisions reordering the rest."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from littrack.config import load_config, review_criteria, with_overrides
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import DEMO_N, DEMO_SEED, LATER_DATE, generate_corpus
from littrack.rank import MODEL_VERSION, PriorText, Ranker, UnknownLabel, refresh_relevance
from littrack.rank.features import STOP_WORDS, fit_vectorizer
from littrack.rank.metrics import order_quality
from littrack.warehouse import Warehouse
from littrack.warehouse.decisions_export import append_decisions

REPO = Path(__file__).resolve().parents[1]
TRIAL_TYPES = ["Randomized Controlled Trial", "Clinical Trial", "Clinical Trial, Phase II"]
# trials of ketamine in CRPS: what three of the six seeds are, and what config.toml's criteria ask for
SEED_LIKE = f"""
    list_has_any(p.publication_types, {TRIAL_TYPES!r})
    AND (p.title ILIKE '%crps%' OR p.title ILIKE '%complex regional%') AND p.title ILIKE '%ketamine%'
"""
REVIEW = "list_has_any(p.publication_types, ['Review', 'Systematic Review'])"


# ---- the engine, on texts small enough to read ----

PAPERS = {
    "rct": "Ketamine infusion for complex regional pain syndrome: a randomized controlled trial",
    "cohort": "Ketamine infusions in complex regional pain syndrome: a cohort of 40 patients",
    "knee": "Knee replacement outcomes in older adults: a cohort study",
    "asthma": "Inhaled steroids for asthma in children: a randomized controlled trial",
    "lidocaine": "Lidocaine patches for postherpetic neuralgia: a randomized controlled trial",
    "mouse": "Ketamine and memory in mice: an animal model",
}
CRITERIA = PriorText("criteria", "We included trials of ketamine in complex regional pain syndrome (CRPS).")


def ranker(prior=(CRITERIA,)) -> Ranker:
    return Ranker(list(PAPERS), list(PAPERS.values()), list(prior))


def test_with_no_decision_the_prior_ranks_the_topic_first():
    ranking = ranker().rescore({})
    assert ranking.order()[:2] == ["rct", "cohort"]
    assert set(ranking.order()[-3:]) == {"knee", "asthma", "lidocaine"}
    assert all(0 <= score <= 1 for score in ranking.by_id().values())
    assert ranking.labelled == 0


def test_decisions_teach_the_model_what_the_prior_did_not_know():
    # the team wants randomized trials of anything, not ketamine papers
    labels = {"rct": "include", "cohort": "exclude", "mouse": "exclude"}
    before, after = ranker().rescore({}), ranker().rescore(labels)
    undecided = [pmid for pmid in after.order() if pmid not in labels]
    assert undecided[:2] != [pmid for pmid in before.order() if pmid not in labels][:2]
    assert set(undecided[:2]) == {"asthma", "lidocaine"}
    assert after.labelled == 3
    assert "randomized" in after.why("lidocaine") or "controlled" in after.why("lidocaine")


def test_maybe_is_a_weak_include_and_unknown_ids_are_ignored():
    scores = ranker().rescore({"rct": "maybe", "knee": "exclude", 12345: "include"}).by_id()
    assert scores["cohort"] > scores["asthma"]


def test_an_unknown_label_is_refused():
    with pytest.raises(UnknownLabel, match="unknown label 'yes'"):
        ranker().rescore({"rct": "yes"})


def test_why_names_terms_and_the_prior_text_a_paper_is_like():
    prior = [PriorText("seed 1", PAPERS["rct"])]
    ranking = ranker(prior).rescore({})
    assert ranking.why("rct").endswith("; like seed 1")
    assert ranking.why("cohort").startswith("complex regional")  # a bigram, not its two words
    assert ranking.why("knee") == ""  # nothing on topic raised it


def test_the_whys_of_many_papers_at_once_are_each_papers_why(monkeypatch):
    monkeypatch.setattr("littrack.rank.ranker.ROW_BATCH", 4)  # two batches, the last one short
    prior = [PriorText("seed 1", PAPERS["rct"]), CRITERIA]
    ranking = Ranker(list(PAPERS), iter(PAPERS.values()), prior).rescore({"rct": "include", "knee": "exclude"})
    papers = list(reversed(PAPERS))
    assert ranking.whys(papers) == [ranking.why(paper) for paper in papers]


def test_scores_taken_in_batches_are_the_scores_of_the_whole_matrix(monkeypatch):
    monkeypatch.setattr("littrack.rank.ranker.ROW_BATCH", 4)  # two batches, the last one short
    ranker_ = ranker()
    scores = ranker_.rescore({}).scores
    expected = ranker_._papers @ ranker_._centroid(np.array([], dtype=int), np.array([]))
    assert scores.tobytes() == np.clip(expected, 0.0, 1.0).tobytes()
    assert len(set(scores.tolist())) > 2  # scores that differ: an order to keep


def test_one_text_per_id():
    with pytest.raises(ValueError, match="one text per id"):
        Ranker(["a", "b"], iter(["Ketamine for pain"]))


# the features are built a chunk of rows at a time: in one chunk, and in several (short last one)
@pytest.mark.parametrize("row_chunk", [4096, 5])
def test_the_features_are_scikit_learns_tfidf_to_the_bit(monkeypatch, row_chunk):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    monkeypatch.setattr("littrack.rank.features.ROW_CHUNK", row_chunk)

    assert STOP_WORDS == ENGLISH_STOP_WORDS
    # enough texts for min_df 2, so that each text's own word ("trial7") is dropped; long
    # enough that the order and precision of the sums matter
    papers = [*PAPERS.values()]
    texts = [" ".join(papers[i % 6:] + papers[: i % 6 + i % 4]) + f" trial{i}" for i in range(54)]
    texts += [CRITERIA.text, "", "Ünïcode Straße naïve ½ x1 İstanbul ǅemal of the"]
    texts += [papers[0]]  # a text all of whose terms are kept (in the others the last one goes)
    names, rows = fit_vectorizer(iter(texts), len(texts))
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english",
                                 min_df=2, dtype=np.float32)
    expected = vectorizer.fit_transform(texts)
    assert names == list(vectorizer.get_feature_names_out())
    assert rows.indptr.tolist() == expected.indptr.tolist()
    assert rows.indices.tolist() == expected.indices.tolist()  # each row's order: what its sums follow
    assert rows.data.tobytes() == expected.data.tobytes()


def test_no_prior_and_no_words_still_gives_an_order():
    ranking = Ranker(["a", "b"], ["", ""]).rescore({})
    assert ranking.order() == ["a", "b"]


def test_order_quality_measures():
    labels = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    perfect = order_quality([0, 9, *[i for i in range(20) if i not in (0, 9)]], labels)
    assert perfect.wss95 == pytest.approx((20 - 2) / 20 - 0.05)
    assert perfect.recall10 == 1.0
    assert perfect.atd == pytest.approx(1.5 / 20)
    worst = order_quality(list(range(19, -1, -1)), labels)
    assert worst.wss95 == pytest.approx((20 - 20) / 20 - 0.05) and worst.recall10 == 0.0
    with pytest.raises(ValueError, match="every record exactly once"):
        order_quality([0, 0], labels[:2])


# ---- the nightly, on the demo corpus ----

def project_config():
    return load_config(REPO / "config.toml")


@pytest.fixture(scope="module")
def night_one(tmp_path_factory, monkeypatch_module) -> Path:
    """The demo's first night, through the nightly library (no Prefect)."""
    monkeypatch_module.setenv("NCBI_API_KEY", "test-key")  # 10 requests/s against the stand-in
    warehouse = tmp_path_factory.mktemp("night1") / "littrack.duckdb"
    corpus = generate_corpus(DEMO_N, seed=DEMO_SEED)
    with StandIn(corpus=corpus.articles) as server:
        config = with_overrides(project_config(), server.base_url, warehouse)
        run_nightly(config, RunOptions(today=LATER_DATE - timedelta(days=1)))
    return warehouse


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def ranks(con, where: str = "true") -> list[int]:
    return [r for (r,) in con.execute(
        f"SELECT r.rank FROM relevance_scores r JOIN papers p USING (pmid) WHERE {where} ORDER BY r.rank"
    ).fetchall()]


def test_night_one_ranks_the_seed_like_trials_at_the_top(night_one):
    with Warehouse(night_one).read() as con:
        queued = con.execute("SELECT count(*) FROM review_queue").fetchone()[0]
        scored = ranks(con)
        seed_like = ranks(con, SEED_LIKE)
        on_topic = ranks(con, "(p.title ILIKE '%crps%' OR p.title ILIKE '%complex regional%')")
        rows = con.execute("SELECT DISTINCT model_version, decisions, prior_texts FROM relevance_scores").fetchall()
    assert scored == list(range(1, queued + 1))  # every paper waiting for review, ranked
    assert len(seed_like) >= 15
    # by chance: mean position half the queue, 10 in the first 60 ranks, and 3 in the top 20
    assert np.mean(seed_like) / queued < 0.4
    assert sum(rank <= 20 for rank in seed_like) >= 6
    off_topic = sorted(set(scored) - set(on_topic))
    assert np.mean(off_topic) / queued > 0.7  # papers on other conditions sink
    ((version, decisions, prior),) = rows
    assert version == MODEL_VERSION and decisions == 0
    assert prior == 8  # the six seeds, the query and config.toml's [review] criteria


def test_an_empty_queue_stores_no_scores(tmp_path):
    with Warehouse(tmp_path / "littrack.duckdb").write() as db:
        refresh = refresh_relevance(db.con, criteria="trials of ketamine")
        stored = db.con.execute("SELECT count(*) FROM relevance_scores").fetchone()[0]
    assert (refresh.scored, refresh.decisions, refresh.prior_texts, stored) == (0, 0, 1, 0)


def test_review_queue_shows_relevance_and_why(night_one):
    with Warehouse(night_one).read() as con:
        top = con.execute(
            "SELECT relevance, relevance_why FROM review_queue ORDER BY relevance DESC LIMIT 3").fetchall()
        best = con.execute("SELECT max(score) FROM relevance_scores").fetchone()[0]
    assert top[0][0] == best
    assert all("like seed" in why and "," in why for _, why in top)


def ranks_among(ranking: dict[int, int], pmids) -> dict[int, int]:
    """1-based positions of `pmids` when only they are ordered by `ranking`."""
    ordered = sorted(pmids, key=ranking.get)
    return {pmid: position for position, pmid in enumerate(ordered, start=1)}


def test_a_few_decisions_reorder_the_rest(night_one, tmp_path):
    with Warehouse(night_one).read() as con:
        before = dict(con.execute("SELECT pmid, rank FROM relevance_scores").fetchall())
        seed_like, reviews = ({p for (p,) in con.execute(
            f"SELECT pmid FROM relevance_scores JOIN papers p USING (pmid) WHERE {where}").fetchall()}
            for where in (SEED_LIKE, REVIEW))
    # the reviewer includes the three best-ranked trials and excludes the three best-ranked reviews
    by_rank = sorted(before, key=before.get)
    decided = ({pmid: "include" for pmid in [p for p in by_rank if p in seed_like][:3]}
               | {pmid: "exclude" for pmid in [p for p in by_rank if p in reviews][:3]})
    # on a copy of the night-1 store, so the other tests keep theirs
    warehouse = Warehouse(tmp_path / "littrack.duckdb")
    shutil.copy(Warehouse(night_one).files.store, warehouse.files.store)
    now = datetime(2026, 11, 21, 9, tzinfo=UTC)
    append_decisions(warehouse.files.decisions_export, [
        (event_id, pmid, [pmid], "ann", "decide", decision, None, None, [], 1, None, now)
        for event_id, (pmid, decision) in enumerate(decided.items(), start=1)
    ])
    with warehouse.write() as db:
        refresh = refresh_relevance(db.con, run_id=None, criteria=review_criteria(project_config().review))
    with warehouse.read() as con:
        after = dict(con.execute("SELECT pmid, rank FROM relevance_scores").fetchall())
        (decisions,) = con.execute("SELECT DISTINCT decisions FROM relevance_scores").fetchall()
    assert refresh.decisions == 6 and decisions == (6,)
    assert set(after) == set(before) - set(decided)  # decided papers leave the ranking
    was, now_at = ranks_among(before, after), ranks_among(after, after)
    other_reviews = reviews & set(after)
    assert np.mean([now_at[p] for p in other_reviews]) > np.mean([was[p] for p in other_reviews]) + 10
    assert sum(abs(now_at[p] - was[p]) >= 5 for p in after) > len(after) / 2  # visibly reordered
