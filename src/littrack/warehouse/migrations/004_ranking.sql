-- Relevance ranking (littrack.rank): a score for every paper waiting for review, written by
-- littrack.rank.store.refresh_relevance after each nightly (and `littrack load`). Scores are
-- relative to one scoring of the queue, so each scoring replaces the table whole.
CREATE TABLE relevance_scores (
    pmid          BIGINT PRIMARY KEY,
    score         DOUBLE NOT NULL CHECK (score BETWEEN 0 AND 1),  -- higher: more likely relevant
    rank          INTEGER NOT NULL,   -- 1 = screen first, among the papers scored together
    why           VARCHAR NOT NULL,   -- terms that raised the score; "like seed 4" when close to one
    model_version VARCHAR NOT NULL,   -- littrack.rank.MODEL_VERSION
    decisions     INTEGER NOT NULL,   -- reviewers' decisions the model learned from
    prior_texts   INTEGER NOT NULL,   -- seed / known papers, query and criteria it started from
    scored_at     TIMESTAMPTZ NOT NULL,
    run_id        BIGINT              -- the run after which it was scored
);
