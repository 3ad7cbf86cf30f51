-- Reviewers' decisions, read from the export the review server keeps beside the snapshot
-- (see littrack.warehouse.decisions_export); visible to a new connection without a nightly.
CREATE OR REPLACE VIEW decisions AS
SELECT * FROM read_parquet(${decisions_export});
