-- The nightly relevance ranking as reviewers and analysts read it: papers waiting for review,
-- best first, with what raised them (see littrack.rank; the table is relevance_scores).
CREATE OR REPLACE VIEW ranked_queue AS
SELECT r.rank, r.score, r.why, p.pmid, p.title, p.first_author, p.journal_iso, p.pub_year,
       r.model_version, r.decisions, r.scored_at
FROM relevance_scores r
JOIN papers p USING (pmid)
ORDER BY r.rank;
