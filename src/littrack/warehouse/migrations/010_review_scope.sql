-- Which records are in review: those the configured query finds (littrack.match.query_scope).
-- A bulk load stores every record of PubMed's files; only these are queued, tagged and ranked.
-- A record admitted stays admitted (a reviewer may have decided it), whatever it becomes later.
CREATE TABLE query_matches (
    pmid        BIGINT PRIMARY KEY,
    -- 'search': PubMed's search for the query returned it (a nightly);
    -- 'query': littrack read the query on the record itself (`littrack load`);
    -- 'loaded': a load without a query (`littrack load --review-all`, the library);
    -- 'before-scope': stored before this migration, when every record was in review
    source      VARCHAR NOT NULL,
    run_id      BIGINT,
    admitted_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

INSERT INTO query_matches SELECT pmid, 'before-scope', NULL, current_timestamp FROM records;
