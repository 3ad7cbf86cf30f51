-- What the reviewers still have to look at: current papers in review scope nobody knows yet.
-- Stages that derive per-paper facts (screening status, relevance, evidence tags) join their
-- columns here, each with a LEFT JOIN of its own.
CREATE OR REPLACE VIEW review_queue AS
SELECT p.*,
       s.status AS screening_status, s.decision AS final_decision, s.reason AS final_reason,
       r.score AS relevance, r.why AS relevance_why
FROM papers p
LEFT JOIN screening_status s ON s.pmid = p.pmid
LEFT JOIN relevance_scores r ON r.pmid = p.pmid
WHERE p.pmid IN (SELECT pmid FROM review_pmids);
