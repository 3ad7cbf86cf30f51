-- Core tables of the warehouse. Timestamps are UTC; every change carries the run that made it.

CREATE SEQUENCE runs_id_seq START 1;

-- One row per run: a nightly search (query_key set) or a standalone file load (query_key NULL).
CREATE TABLE runs (
    id           BIGINT PRIMARY KEY DEFAULT nextval('runs_id_seq'),
    query_key    VARCHAR,
    query        VARCHAR,
    params       JSON,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
    windows      JSON,
    found        BIGINT NOT NULL DEFAULT 0,
    new          BIGINT NOT NULL DEFAULT 0,
    updated      BIGINT NOT NULL DEFAULT 0,
    unchanged    BIGINT NOT NULL DEFAULT 0,
    deleted      BIGINT NOT NULL DEFAULT 0,
    quarantined  BIGINT NOT NULL DEFAULT 0,
    error        VARCHAR
);

-- The current version of every record ever loaded; deleted ones are flagged, never dropped.
-- The typed columns are derived from `record_json` (the full parsed record) for querying.
CREATE TABLE records (
    pmid               BIGINT PRIMARY KEY,
    version            INTEGER NOT NULL,
    kind               VARCHAR NOT NULL,
    title              VARCHAR,
    abstract           VARCHAR,
    journal            VARCHAR,
    journal_iso        VARCHAR,
    pub_year           INTEGER,
    pub_date           DATE,
    volume             VARCHAR,
    issue              VARCHAR,
    pages              VARCHAR,
    doi                VARCHAR,
    pmcid              VARCHAR,
    language           VARCHAR[],
    publication_types  VARCHAR[],
    mesh_terms         VARCHAR[],
    mesh               STRUCT(descriptor VARCHAR, ui VARCHAR, major_topic BOOLEAN, qualifiers VARCHAR[])[],
    keywords           VARCHAR[],
    authors            VARCHAR[],
    medline_status     VARCHAR,
    publication_status VARCHAR,
    is_retracted       BOOLEAN NOT NULL,
    entrez_date        DATE,
    date_revised       DATE,
    content_hash       VARCHAR NOT NULL,
    record_json        JSON NOT NULL,
    deleted            BOOLEAN NOT NULL DEFAULT false,
    deleted_at         TIMESTAMPTZ,
    deleted_run_id     BIGINT,
    first_seen_at      TIMESTAMPTZ NOT NULL,
    first_seen_run_id  BIGINT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    last_run_id        BIGINT NOT NULL
);

-- Every earlier version of a record: appended when a run replaces it in `records`.
CREATE TABLE record_versions (
    pmid                 BIGINT NOT NULL,
    version              INTEGER NOT NULL,
    content_hash         VARCHAR NOT NULL,
    record_json          JSON NOT NULL,
    run_id               BIGINT NOT NULL,      -- the run that last wrote this version
    valid_from           TIMESTAMPTZ NOT NULL,
    superseded_at        TIMESTAMPTZ NOT NULL,
    superseded_by_run_id BIGINT NOT NULL
);

-- PMIDs named by a DeleteCitation, with the run that saw it.
CREATE TABLE deleted_citations (
    pmid       BIGINT NOT NULL,
    run_id     BIGINT NOT NULL,
    deleted_at TIMESTAMPTZ NOT NULL
);

-- Records that could not be loaded, with the reason; kept as history even once a later
-- version loads fine. `fingerprint` identifies the same bad input seen again.
CREATE TABLE quarantine (
    run_id         BIGINT NOT NULL,
    pmid           BIGINT,
    reason         VARCHAR NOT NULL,
    xml            BLOB,
    record_json    JSON,
    fingerprint    VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL
);

-- The incremental-search watermark of each query, moved only by a successful run.
CREATE TABLE cursors (
    query_key      VARCHAR PRIMARY KEY,
    query          VARCHAR,
    edat_until     DATE,
    mdat_until     DATE,
    boundary_pmids BIGINT[] NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    run_id         BIGINT NOT NULL
);

-- Every record with its deletion state; `papers` and `deleted_papers` are the analysts' views.
CREATE VIEW all_papers AS
SELECT
    pmid, version, title, abstract, journal, journal_iso, pub_year, pub_date, volume, issue,
    pages, doi, pmcid, language, publication_types, mesh_terms, keywords, authors,
    authors[1] AS first_author, medline_status, publication_status, is_retracted,
    first_seen_at, updated_at,
    kind, mesh, entrez_date, date_revised, first_seen_run_id, last_run_id,
    'https://pubmed.ncbi.nlm.nih.gov/' || pmid || '/' AS pubmed_url,
    record_json,
    deleted, deleted_at, deleted_run_id
FROM records;

CREATE VIEW papers AS
SELECT * EXCLUDE (deleted, deleted_at, deleted_run_id) FROM all_papers WHERE NOT deleted;

CREATE VIEW deleted_papers AS
SELECT * EXCLUDE (deleted) FROM all_papers WHERE deleted;
