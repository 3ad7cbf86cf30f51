-- Evidence tags (table paper_tags, written by littrack.tags.store.refresh_paper_tags) as one
-- row per tagged paper, and their main columns appended to `papers` (so `review_queue`, which
-- selects p.*, carries them too).
CREATE OR REPLACE VIEW paper_tag_summary AS
SELECT
    pmid,
    any_value(value) FILTER (WHERE tag = 'design') AS design,
    TRY_CAST(any_value(value) FILTER (WHERE tag = 'n_participants') AS BIGINT) AS n_participants,
    any_value(value) FILTER (WHERE tag = 'population_age') AS population_age,
    any_value(value) FILTER (WHERE tag = 'species') AS species,
    coalesce(list(value ORDER BY position) FILTER (WHERE tag = 'route'), []::VARCHAR[]) AS routes,
    any_value(value) FILTER (WHERE tag = 'dosing') AS dosing,
    any_value(value) FILTER (WHERE tag = 'anaesthetic_dose') AS anaesthetic_dose,
    any_value(value) FILTER (WHERE tag = 'comparator') AS comparator,
    any_value(value) FILTER (WHERE tag = 'crps_type') AS crps_type,
    coalesce(list(chip ORDER BY position) FILTER (WHERE chip IS NOT NULL), []::VARCHAR[]) AS tag_chips,
    any_value(source) FILTER (WHERE tag = 'design') AS design_source,
    any_value(note) FILTER (WHERE tag = 'design') AS design_note,
    any_value(tagger_version) AS tagger_version
FROM paper_tags
GROUP BY pmid;

-- `papers` as migration 001 defines it (same columns, same order), plus the tags.
CREATE OR REPLACE VIEW papers AS
SELECT
    a.* EXCLUDE (deleted, deleted_at, deleted_run_id),
    t.design, t.n_participants, t.population_age, t.species,
    coalesce(t.routes, []::VARCHAR[]) AS routes, t.dosing, t.anaesthetic_dose, t.comparator,
    t.crps_type, coalesce(t.tag_chips, []::VARCHAR[]) AS tag_chips
FROM all_papers a
LEFT JOIN paper_tag_summary t ON t.pmid = a.pmid
WHERE NOT a.deleted;
