-- Incremental matching and dedup (issue 11): what each stage last saw of every record, the
-- dedup blocking keys stored with the records, and cluster ids that are stable for life.
-- Written by littrack.match.changes and littrack.match.dedupe_store.

-- Per stage ('dedup', 'match'), the fingerprint of each record (`pmid:N`, `known:N`) as the
-- stage last processed it: a record whose fingerprint differs, or that is new or gone, is
-- what the stage has to look at next time.
CREATE TABLE stage_inputs (
    stage       VARCHAR NOT NULL,
    member_key  VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    PRIMARY KEY (stage, member_key)
);

-- Blocking keys of each record the clusters were computed from: identifiers, title start and
-- end, author or volume with first page, and one `word:` key per title content word (rare
-- words are found by counting them). A changed record is compared only with records sharing
-- a key.
CREATE TABLE dedup_keys (
    member_key VARCHAR NOT NULL,
    key        VARCHAR NOT NULL
);

-- Every cluster id ever given, with when it was given and retired: ids are never reused,
-- and the oldest id (smallest `created_seq`) survives a merge.
CREATE TABLE dedup_cluster_ids (
    cluster_id     VARCHAR PRIMARY KEY,
    created_seq    BIGINT NOT NULL,
    created_run_id BIGINT,
    retired_run_id BIGINT        -- set when the cluster was merged away or lost its last member
);

-- What happened to clusters: `merge` (cluster_id kept, other_cluster_id absorbed), `split`
-- (cluster_id lost members to other_cluster_id), `retire` (its last member was deleted).
CREATE SEQUENCE dedup_cluster_events_id_seq START 1;
CREATE TABLE dedup_cluster_events (
    id               BIGINT PRIMARY KEY DEFAULT nextval('dedup_cluster_events_id_seq'),
    run_id           BIGINT,
    kind             VARCHAR NOT NULL CHECK (kind IN ('merge', 'split', 'retire')),
    cluster_id       VARCHAR NOT NULL,
    other_cluster_id VARCHAR,
    members          VARCHAR[],   -- the member keys that moved
    happened_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- Clusters stored before this migration keep their ids, oldest by their first member key.
INSERT INTO dedup_cluster_ids (cluster_id, created_seq)
SELECT cluster_id, row_number() OVER (ORDER BY min(member_key))
FROM dedup_clusters GROUP BY cluster_id;
