-- Per-field evidence of each duplicate cluster (littrack.match.dedupe): for every member, the
-- merges it took part in — the two records compared, the reason, and field by field (title
-- similarity, authors, year, journal, volume, issue, pages, identifiers) how they compared.
-- NULL for a record alone in its cluster. Written by littrack.match.dedupe_store.
ALTER TABLE dedup_clusters ADD COLUMN evidence JSON;
