-- What the reviewers still have to look at: current (non-deleted) papers nobody knows yet.
-- Stages that derive per-paper facts (screening status, relevance, evidence tags) join their
-- columns here, each with a LEFT JOIN of its own.
CREATE OR REPLACE VIEW review_queue AS
SELECT p.*
FROM papers p
WHERE NOT EXISTS (SELECT 1 FROM known_papers k WHERE k.pmid = p.pmid);
