-- Which stage of a run failed: search, search-seeds, fetch (PubMed), merge, match (warehouse).
ALTER TABLE runs ADD COLUMN failed_stage VARCHAR;
