-- Reviewers' decisions, read from the export the review server keeps beside the snapshot
-- (see littrack.warehouse.decisions_export); visible to a new connection without a nightly.
-- The rules below are the same as the server's (littrack.review.screening); a test checks both agree.
-- A compacted segment may overlap the ones it replaces for a while: one row per event.
CREATE OR REPLACE VIEW decisions AS
SELECT * FROM read_parquet(${decisions_export})
QUALIFY row_number() OVER (PARTITION BY event_id) = 1;

-- Each reviewer's standing decision per paper. An undo withdraws that reviewer's latest standing
-- decision on the paper (a stack: undoing a change of mind brings back the decision before it).
CREATE OR REPLACE VIEW current_decisions AS
WITH steps AS (
    SELECT *,
        sum(CASE WHEN action = 'undo' THEN -1 ELSE 1 END)
            OVER (PARTITION BY pmid, reviewer ORDER BY event_id) AS depth,
        sum(CASE WHEN action = 'undo' THEN -1 ELSE 1 END)
            OVER (PARTITION BY pmid, reviewer) AS final_depth
    FROM decisions
    WHERE action IN ('decide', 'undo')
)
SELECT pmid, reviewer, decision, reason, note, tags, decided_at,
       event_id, cluster_pmids, paper_version, paper_hash
FROM steps
WHERE action = 'decide' AND depth = final_depth AND final_depth > 0
QUALIFY row_number() OVER (PARTITION BY pmid, reviewer ORDER BY event_id DESC) = 1;

-- Per paper in review: undecided / included / excluded / maybe / conflict, and the final decision.
-- A decision counts for the paper's whole current duplicate cluster (cluster ids change between
-- nights, so an event names the PMIDs it was made on). Reviewers who disagree are a conflict until
-- a `resolve` event newer than every decision settles it; `reviewers` says how many decided (dual
-- screening wants two).
CREATE OR REPLACE VIEW screening_status AS
WITH members AS (
    SELECT p.pmid, coalesce(c.cluster_id, 'pmid:' || p.pmid) AS cluster_id
    FROM review_pmids p
    LEFT JOIN dedup_clusters c ON c.member_key = 'pmid:' || p.pmid
),
event_clusters AS (
    SELECT DISTINCT m.cluster_id, e.event_id
    FROM (SELECT event_id, unnest(list_append(coalesce(cluster_pmids, []), pmid)) AS member
          FROM decisions) e
    JOIN members m ON m.pmid = e.member
),
votes AS (
    SELECT cluster_id, count(*) AS reviewers, count(DISTINCT decision) AS opinions,
           arg_min(decision, event_id) AS decision, arg_min(reason, event_id) AS reason,
           max(decided_at) AS decided_at
    FROM (
        SELECT e.cluster_id, c.*
        FROM current_decisions c JOIN event_clusters e USING (event_id)
        QUALIFY row_number() OVER (PARTITION BY e.cluster_id, c.reviewer ORDER BY c.event_id DESC) = 1
    )
    GROUP BY cluster_id
),
last_screening AS (
    SELECT e.cluster_id, max(d.event_id) AS event_id
    FROM decisions d JOIN event_clusters e USING (event_id)
    WHERE d.action IN ('decide', 'undo')
    GROUP BY e.cluster_id
),
resolutions AS (
    SELECT e.cluster_id, d.event_id, d.decision, d.reason, d.reviewer, d.decided_at
    FROM decisions d JOIN event_clusters e USING (event_id)
    WHERE d.action = 'resolve'
    QUALIFY row_number() OVER (PARTITION BY e.cluster_id ORDER BY d.event_id DESC) = 1
),
settled AS (
    SELECT m.pmid, m.cluster_id, coalesce(v.reviewers, 0) AS reviewers,
           coalesce(r.event_id > coalesce(l.event_id, 0), false) AS resolved,
           v.opinions, v.decision AS agreed, v.reason AS agreed_reason, v.decided_at,
           r.decision AS resolution, r.reason AS resolution_reason, r.reviewer, r.decided_at AS resolved_at
    FROM members m
    LEFT JOIN votes v USING (cluster_id)
    LEFT JOIN last_screening l USING (cluster_id)
    LEFT JOIN resolutions r USING (cluster_id)
)
SELECT
    pmid,
    cluster_id,
    CASE
        WHEN final.decision = 'include' THEN 'included'
        WHEN final.decision = 'exclude' THEN 'excluded'
        WHEN final.decision = 'maybe' THEN 'maybe'
        WHEN reviewers = 0 THEN 'undecided'
        ELSE 'conflict'
    END AS status,
    final.decision,
    CASE WHEN resolved THEN resolution_reason WHEN opinions = 1 THEN agreed_reason END AS reason,
    reviewers,
    CASE WHEN resolved THEN reviewer END AS resolved_by,
    CASE WHEN resolved THEN resolved_at END AS resolved_at,
    greatest(decided_at, CASE WHEN resolved THEN resolved_at END) AS decided_at
FROM settled, LATERAL (
    SELECT CASE WHEN resolved THEN resolution WHEN opinions = 1 THEN agreed END AS decision
) AS final;
