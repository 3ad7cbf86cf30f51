-- The PMIDs reviewers triage: current records in review scope (`query_matches`: the configured
-- query finds them) that no known citation names. `review_queue` is these papers with what
-- later stages add.
CREATE OR REPLACE VIEW review_pmids AS
SELECT r.pmid
FROM records r
WHERE NOT r.deleted
  AND EXISTS (SELECT 1 FROM query_matches q WHERE q.pmid = r.pmid)
  AND NOT EXISTS (SELECT 1 FROM known_papers k WHERE k.pmid = r.pmid);
