-- Evidence tags (littrack.tags): per paper, what kind of study it is, on whom, and how ketamine
-- was given. One row per value (a paper has several `route` rows); written by
-- littrack.tags.store.refresh_paper_tags, which re-tags a paper when its record (content_hash)
-- or the tagger (tagger_version) changed and drops the rows of deleted records.
CREATE TABLE paper_tags (
    pmid           BIGINT NOT NULL,
    tag            VARCHAR NOT NULL,   -- design, n_participants, population_age, species, route,
                                       -- dosing, anaesthetic_dose, comparator, crps_type
    value          VARCHAR NOT NULL,
    source         VARCHAR NOT NULL CHECK (source IN ('publication_type', 'mesh', 'text', 'default')),
    evidence       VARCHAR NOT NULL,   -- the publication type, MeSH terms or phrase it rests on
    confidence     DOUBLE NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    note           VARCHAR,            -- why, when the value disagrees with another source
    chip           VARCHAR,            -- short label for people ("RCT", "n=48", "IV"); NULL: none
    position       INTEGER NOT NULL,   -- order of the chips
    tagger_version VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,   -- records.content_hash of the version tagged
    tagged_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pmid, tag, value)
);
