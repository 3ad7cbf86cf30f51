-- Citations the team already knows (the seed references, imported libraries), what each was
-- matched to, and the reviewers' queue: every current paper that no known citation names.

CREATE SEQUENCE known_citations_id_seq START 1;
CREATE SEQUENCE citation_matches_id_seq START 1;

-- One row per known citation, as given and as parsed. An unmatched one stays here, so a later
-- PubMed record can still match it. A seed dropped from the config is retired, not deleted.
CREATE TABLE known_citations (
    id           BIGINT PRIMARY KEY DEFAULT nextval('known_citations_id_seq'),
    source       VARCHAR NOT NULL CHECK (source IN ('seed', 'import')),
    source_file  VARCHAR,              -- the imported file, or the file the seeds came from
    ref_no       INTEGER,              -- seed number, or line / entry number in the file
    raw_text     VARCHAR NOT NULL,     -- as given; for RIS/BibTeX/CSV entries, a citation line
    title        VARCHAR,
    authors      VARCHAR[],            -- NLM form, "Sigtermans MJ"
    et_al        BOOLEAN NOT NULL DEFAULT false,
    journal      VARCHAR,
    pub_year     INTEGER,
    volume       VARCHAR,
    issue        VARCHAR,
    pages        VARCHAR,
    doi          VARCHAR,
    pmid         BIGINT,               -- as cited, not as matched
    pmcid        VARCHAR,
    imported_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    retired_at   TIMESTAMPTZ,
    UNIQUE (source, raw_text)
);

-- Every match result that differed from the one before it; the newest per citation counts.
CREATE TABLE citation_matches (
    id           BIGINT PRIMARY KEY DEFAULT nextval('citation_matches_id_seq'),
    citation_id  BIGINT NOT NULL,      -- known_citations.id
    pmid         BIGINT,               -- best candidate (a suggestion when 'ambiguous')
    score        DOUBLE NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('matched', 'ambiguous', 'not_found')),
    evidence     JSON,                 -- {"reason", "fields": {field: verdict...}, "alternatives"}
    matched_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    run_id       BIGINT                -- the run after which it was matched, if any
);

CREATE VIEW current_citation_matches AS
SELECT * FROM citation_matches
QUALIFY row_number() OVER (PARTITION BY citation_id ORDER BY id DESC) = 1;

-- Papers the team knows already: named by a `matched` citation that is still in force.
CREATE VIEW known_papers AS
SELECT DISTINCT m.pmid
FROM current_citation_matches m
JOIN known_citations k ON k.id = m.citation_id
WHERE m.status = 'matched' AND k.retired_at IS NULL;

-- The seed references with their current match: what the run report and `littrack seeds` show.
CREATE VIEW seed_citations AS
SELECT
    k.id AS citation_id, k.ref_no, k.raw_text AS citation, k.title AS cited_title,
    k.authors AS cited_authors, k.journal AS cited_journal, k.pub_year AS cited_year,
    coalesce(m.status, 'not_found') AS status, m.pmid, m.score, m.evidence, m.matched_at,
    m.run_id, p.title AS paper_title, p.first_seen_at, p.first_seen_run_id, p.last_run_id
FROM known_citations k
LEFT JOIN current_citation_matches m ON m.citation_id = k.id
LEFT JOIN papers p ON p.pmid = m.pmid AND m.status = 'matched'
WHERE k.source = 'seed' AND k.retired_at IS NULL;

-- What the reviewers still have to look at: current (non-deleted) papers nobody knows yet.
-- The triage page's decisions will join here (LEFT JOIN decisions ... WHERE undecided).
CREATE VIEW review_queue AS
SELECT p.*
FROM papers p
WHERE NOT EXISTS (SELECT 1 FROM known_papers k WHERE k.pmid = p.pmid);

-- ---- BEGIN dedup (owned by the dedup helper: cluster and link tables go below) ----
-- Written by littrack.match.dedupe_store.refresh_clusters, replaced whole on every refresh.
CREATE TABLE IF NOT EXISTS dedup_clusters (
    cluster_id VARCHAR NOT NULL,   -- member_key of the cluster's first member
    member_key VARCHAR NOT NULL,   -- "pmid:123" (papers) or "known:7" (known_citations.id)
    source     VARCHAR NOT NULL,   -- "pubmed", or known_citations.source ("seed", "import")
    reason     VARCHAR NOT NULL,   -- why the cluster formed: "same DOI", "title 0.98 + ..."
    run_id     BIGINT,             -- the run that refreshed the clusters
    PRIMARY KEY (member_key)
);
CREATE TABLE IF NOT EXISTS record_links (
    a    VARCHAR NOT NULL,         -- cluster_id of the notice / abstract / preprint
    b    VARCHAR NOT NULL,         -- cluster_id of the paper it refers to
    kind VARCHAR NOT NULL,         -- erratum-of, retraction-of, comment-on, preprint-of, ...
    PRIMARY KEY (a, b, kind)
);
-- ---- END dedup ----
