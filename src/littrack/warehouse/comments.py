"""The analysts' data dictionary: `COMMENT ON` every table, view and column of the warehouse.

Each meaning is written once here; views that pass a table's columns through (`papers` over
`records`, `current_decisions` over `decisions`, ...) borrow its texts. Comments on a view are
lost when the view is re-created, so `install_comments` runs after `install_views` in every
write session; it only writes what differs. Read them with
`SELECT table_name, column_name, comment FROM duckdb_columns()`. A column with no meaning here
stays uncommented, and tests/test_analysts.py names it.
"""

from __future__ import annotations

import duckdb

RELATIONS: dict[str, str] = {
    "records": "Current version of every PubMed record littrack stored, deleted ones flagged (never dropped). Analysts use the view papers.",
    "all_papers": "papers and deleted_papers together, with the deleted flag.",
    "papers": "THE contract: one row per current, non-deleted PubMed record, with every parsed field.",
    "deleted_papers": "Records PubMed deleted (DeleteCitation), as they last were, with when and which run saw the deletion.",
    "review_queue": "Current papers in review scope no known citation names: what reviewers triage, with their screening status.",
    "query_matches": "Records in review scope: the configured query finds them (PubMed's search, or littrack reading the query on a bulk-loaded record). Once in, for good.",
    "review_pmids": "PMIDs of the review queue: current records in review scope that no known citation names.",
    "record_versions": "Every earlier version of a record, appended when a run replaced it in records.",
    "deleted_citations": "PMIDs named in a PubMed DeleteCitation, with the run that saw them.",
    "quarantine": "Records that could not be loaded, with the reason and their XML; kept as history.",
    "runs": "One row per run: a nightly search (query_key set) or a file load (query_key NULL).",
    "cursors": "Per query, how far searches have reached; moved only by a successful run.",
    "schema_migrations": "Which schema migrations (warehouse/migrations/NNN_name.sql) are applied.",
    "known_citations": "Citations the team already knows: config seeds (source seed) and imported libraries (source import).",
    "citation_matches": "Each known citation's match results; a row only when the result changes, so it is also the history.",
    "current_citation_matches": "The latest match result per known citation.",
    "known_papers": "PMIDs a matched known citation still in force points at: never shown to reviewers.",
    "seed_citations": "The seed references in config order with their current match (what littrack seeds shows).",
    "dedup_clusters": "Duplicate clusters over papers and known citations; one row per member.",
    "record_links": "Related but never merged records: erratum, retraction or comment and the paper it concerns, ...",
    "dedup_cluster_ids": "Every duplicate cluster id ever given, when it was created and retired; ids are never reused.",
    "dedup_cluster_events": "Merges, splits and retirements of duplicate clusters, with the members that moved.",
    "dedup_keys": "Blocking keys of each record, kept for incremental dedup (littrack internal).",
    "stage_inputs": "Per stage (dedup, match), a fingerprint of each record as the stage last saw it (littrack internal).",
    "decisions": "Reviewers' decision events (decide, undo, resolve), from the review server's export beside the snapshot.",
    "current_decisions": "Each reviewer's standing decision per paper, undos applied.",
    "screening_status": "Per paper in review: undecided, included, excluded, maybe or conflict, and the final decision.",
    "digest_sends": "Every morning digest and failure alert littrack mailed or tried; no credentials.",
    "relevance_scores": "Relevance score of every paper waiting for review, from the last scoring (littrack.rank); replaced whole at each scoring.",
    "ranked_queue": "Papers waiting for review, best first, with what raised each one's score.",
    "paper_tags": "Evidence tags per paper, one row per value (a paper has several route rows), with the evidence each rests on.",
    "paper_tag_summary": "The evidence tags as one row per tagged paper (what papers appends).",
}

_PAPER = {
    "pmid": "PubMed id (PMID).",
    "version": "PubMed's Version of the record (1, 2, ...); an earlier one is in record_versions.",
    "kind": "article or book (PubmedBookArticle).",
    "title": "Article title as PubMed gives it (inline markup removed).",
    "abstract": "Abstract; labelled sections joined as 'LABEL: text'.",
    "journal": "Journal full title.",
    "journal_iso": "Journal ISO abbreviation, e.g. 'Pain Med'.",
    "pub_year": "Publication year (from the publication date, else the MEDLINE date).",
    "pub_date": "Earliest day the publication date can mean (2009 Oct -> 2009-10-01).",
    "volume": "Journal volume.",
    "issue": "Journal issue.",
    "pages": "Pages as printed, e.g. '304-11'.",
    "doi": "DOI, lower-case, without the https://doi.org/ prefix.",
    "pmcid": "PubMed Central id, e.g. 'PMC1234567'.",
    "language": "Languages of the article (PubMed codes, e.g. ['eng']).",
    "publication_types": "PubMed publication types, e.g. ['Randomized Controlled Trial', 'Journal Article'].",
    "mesh_terms": "MeSH descriptor names.",
    "mesh": "MeSH headings: list of {descriptor, ui, major_topic, qualifiers}.",
    "keywords": "Author keywords.",
    "authors": "Authors in NLM form, 'Sigtermans MJ'; collectives by name.",
    "first_author": "authors[1].",
    "medline_status": "MEDLINE citation status, e.g. MEDLINE, PubMed-not-MEDLINE, In-Process.",
    "publication_status": "PubMed publication status, e.g. ppublish, epublish, aheadofprint.",
    "is_retracted": "True when PubMed links a retraction (RetractionIn) or types it 'Retracted Publication'.",
    "entrez_date": "Day the record entered PubMed (Entrez date, edat): what the nightly search of new records uses.",
    "date_revised": "Day PubMed last revised the record (DateRevised).",
    "content_hash": "Hash of the parsed record: a change of it is an update.",
    "record_json": "The full parsed record as JSON (every field, links and identifiers).",
    "deleted": "True once a DeleteCitation named the PMID; the row is kept.",
    "deleted_at": "When littrack saw the deletion (UTC).",
    "deleted_run_id": "The run (runs.id) that saw the deletion.",
    "first_seen_at": "When littrack first stored the record (UTC).",
    "first_seen_run_id": "The run (runs.id) that first stored the record.",
    "updated_at": "When littrack last changed the stored record (UTC).",
    "last_run_id": "The run (runs.id) that last changed the stored record.",
    "pubmed_url": "Link to the record on pubmed.ncbi.nlm.nih.gov.",
    # evidence tags (littrack.tags, table paper_tags), appended to papers by views/30_tags.sql
    "design": "Study design tag: rct, nonrandomised_trial, cohort, case_series, case_report, systematic_review, ... (littrack.tags.DESIGNS); NULL: not tagged.",
    "n_participants": "Number of participants as the abstract states it (tag); NULL: not stated.",
    "population_age": "Age group studied (tag): children, adults, older_adults, ...",
    "species": "human, animal or mixed (tag, from MeSH or the text).",
    "routes": "How ketamine was given (tags): e.g. ['IV', 'oral', 'topical'].",
    "dosing": "Ketamine doses as stated, joined with '; ' (tag).",
    "anaesthetic_dose": "sub_anaesthetic or anaesthetic ketamine dosing (tag, stated or judged by dose and route).",
    "comparator": "What ketamine was compared with (tag), e.g. placebo.",
    "crps_type": "CRPS type studied (tag): I, II, or I and II.",
    "tag_chips": "Short labels of the tags, in order, as the digest and triage page show them ('RCT', 'n=48', 'IV').",
}

_DECISION = {
    "event_id": "Increasing event number; a later event overrides an earlier one.",
    "pmid": "The paper decided (its duplicate cluster's representative).",
    "cluster_pmids": "PMIDs of the paper's duplicate cluster when decided: the decision counts for all of them.",
    "reviewer": "Who decided (the review server's user name).",
    "action": "decide, undo (withdraws that reviewer's latest decision) or resolve (settles a conflict).",
    "decision": "include, maybe or exclude; NULL for undo.",
    "reason": "Exclusion reason, one of [review] exclusion_reasons.",
    "note": "The reviewer's free-text note.",
    "tags": "Tags the reviewer set.",
    "paper_version": "The PubMed Version the reviewer saw.",
    "paper_hash": "records.content_hash the reviewer saw: tells whether the paper changed since.",
    "decided_at": "When the decision was made (UTC).",
}

_CITATION_MATCH = {
    "id": "Match result id.",
    "citation_id": "The known citation (known_citations.id).",
    "pmid": "Best candidate PMID (only a suggestion when status is ambiguous).",
    "score": "Match score, 0 to 1.",
    "status": "matched, ambiguous or not_found.",
    "evidence": "Per-field evidence as JSON: {reason, fields: {field: verdict}, alternatives}.",
    "matched_at": "When this result was computed (UTC).",
    "run_id": "The run (runs.id) after which it was matched, if any.",
}

COLUMNS: dict[str, dict[str, str]] = {
    "records": _PAPER,
    "review_queue": {
        "screening_status": "undecided, included, excluded, maybe or conflict (see screening_status).",
        "final_decision": "The settled decision (include, maybe, exclude), NULL while undecided or in conflict.",
        "final_reason": "Exclusion reason of the settled decision.",
        "relevance": "Relevance score 0 to 1 (relevance_scores.score): higher, more likely to be included; NULL: not scored.",
        "relevance_why": "Terms that raised the score; 'like seed 4' when close to one (relevance_scores.why).",
    },
    "relevance_scores": {
        "pmid": "The scored paper.",
        "score": "Relevance 0 to 1: higher, more likely to be included; relative to one scoring of the queue.",
        "rank": "1 = screen first, among the papers scored together.",
        "why": "Terms that raised the score; 'like seed 4' when close to one.",
        "model_version": "Version of the ranking model (littrack.rank.MODEL_VERSION).",
        "decisions": "Reviewers' decisions the model learned from.",
        "prior_texts": "Seed and known papers, query and criteria the model started from.",
        "scored_at": "When the queue was scored (UTC).",
        "run_id": "The run after which it was scored.",
    },
    "record_versions": {
        "pmid": "PubMed id.",
        "version": "PubMed's Version of this earlier record.",
        "content_hash": "Hash of this earlier parsed record.",
        "record_json": "This earlier record, parsed, as JSON.",
        "run_id": "The run (runs.id) that last wrote this version.",
        "valid_from": "When this version was stored (UTC).",
        "superseded_at": "When a newer version replaced it (UTC).",
        "superseded_by_run_id": "The run (runs.id) that replaced it.",
    },
    "deleted_citations": {
        "pmid": "PMID named in a DeleteCitation.",
        "run_id": "The run (runs.id) that saw it.",
        "deleted_at": "When littrack saw it (UTC).",
    },
    "quarantine": {
        "run_id": "The run (runs.id) that received the bad record.",
        "pmid": "Its PMID, when it could be read.",
        "reason": "Why it could not be loaded.",
        "xml": "The record's XML as received.",
        "record_json": "What could be parsed of it, as JSON.",
        "fingerprint": "Identifies the same bad input seen again (not stored twice).",
        "quarantined_at": "When (UTC).",
    },
    "runs": {
        "id": "Run id; every stored change names the run that made it.",
        "query_key": "Key of the query's cursor (a hash of the normalised query); NULL for a file load.",
        "query": "The PubMed query searched, or the file(s) loaded.",
        "params": "The run's parameters as JSON (since, until, today).",
        "started_at": "When the run started (UTC).",
        "finished_at": "When it ended (UTC).",
        "status": "running, succeeded, failed or abandoned (its process died).",
        "windows": "Date windows searched, JSON list of {datetype edat|mdat, start, end}.",
        "found": "PMIDs the searches returned.",
        "new": "Records stored for the first time.",
        "updated": "Stored records that changed.",
        "unchanged": "Fetched records identical to the stored ones.",
        "deleted": "PMIDs deleted by a DeleteCitation.",
        "quarantined": "Bad records received (see quarantine).",
        "error": "Why the run failed: exception type and message.",
        "failed_stage": "Where a failed run stopped: search, search-seeds, fetch (PubMed) or merge, match.",
        "requests": "HTTP requests sent to E-utilities, retries included.",
        "retries": "Requests retried after a 429, 5xx, timeout or broken answer.",
    },
    "cursors": {
        "query_key": "Key of the query (runs.query_key).",
        "query": "The query text.",
        "edat_until": "Last day searched by Entrez date (new records) in a successful run.",
        "mdat_until": "Last day searched by modification date (changed records).",
        "boundary_pmids": "PMIDs found on the last day searched: skipped when a rerun re-reads that day.",
        "updated_at": "When the cursor last moved (UTC).",
        "run_id": "The run (runs.id) that moved it.",
    },
    "schema_migrations": {
        "version": "Migration number (NNN of NNN_name.sql).",
        "name": "Migration name.",
        "applied_at": "When it was applied (UTC).",
    },
    "known_citations": {
        "id": "Known citation id.",
        "source": "seed (from config) or import (littrack known import).",
        "source_file": "The imported file, or the file the seeds came from.",
        "ref_no": "Seed number, or line / entry number in the imported file.",
        "raw_text": "The citation as given (for RIS/BibTeX/CSV entries, a citation line).",
        "title": "Parsed title.",
        "authors": "Parsed authors, NLM form.",
        "et_al": "True when the citation lists only some authors (et al.).",
        "journal": "Parsed journal.",
        "pub_year": "Parsed year.",
        "volume": "Parsed volume.",
        "issue": "Parsed issue.",
        "pages": "Parsed pages.",
        "doi": "DOI as cited.",
        "pmid": "PMID as cited (not as matched: see current_citation_matches).",
        "pmcid": "PMCID as cited.",
        "imported_at": "When it was added (UTC).",
        "retired_at": "When it was dropped from config or the library (UTC); NULL while in force.",
    },
    "citation_matches": _CITATION_MATCH,
    "known_papers": {"pmid": "PMID of a paper the team already knows."},
    "query_matches": {
        "pmid": "The record in review scope.",
        "source": "How it was admitted: search (PubMed's search for the query returned it), query (littrack load read the query on the record), loaded (littrack load --review-all, or a library load without a query), before-scope (stored before review scope existed).",
        "run_id": "The run that admitted it (NULL: before-scope).",
        "admitted_at": "When (UTC).",
    },
    "review_pmids": {"pmid": "PMID of a paper waiting in, or decided in, review."},
    "seed_citations": {
        "citation_id": "known_citations.id of the seed.",
        "ref_no": "Seed number, in config order.",
        "citation": "The seed citation as written in config.",
        "cited_title": "Title parsed from the citation.",
        "cited_authors": "Authors parsed from the citation.",
        "cited_journal": "Journal parsed from the citation.",
        "cited_year": "Year parsed from the citation.",
        "status": "matched, ambiguous or not_found.",
        "pmid": "The matched (or suggested) PMID.",
        "score": "Match score, 0 to 1.",
        "evidence": "Per-field evidence as JSON.",
        "matched_at": "When the match was computed (UTC).",
        "run_id": "The run after which it was matched.",
        "paper_title": "Title of the matched paper in papers.",
        "first_seen_at": "When the matched paper was first stored (UTC).",
        "first_seen_run_id": "The run that first stored the matched paper.",
        "last_run_id": "The run that last changed the matched paper.",
    },
    "dedup_clusters": {
        "cluster_id": "The cluster, stable for life: the member_key of its founding member; a merge keeps the oldest id (dedup_cluster_events).",
        "member_key": "'pmid:123' (a paper) or 'known:7' (known_citations.id).",
        "source": "pubmed, or the known citation's source (seed, import).",
        "reason": "Why the cluster formed, e.g. 'same DOI'.",
        "run_id": "The run that last changed this member's row.",
        "evidence": "JSON list of the merges this member took part in: records compared, reason, per-field evidence; NULL when alone.",
    },
    "dedup_cluster_ids": {
        "cluster_id": "A cluster id as dedup_clusters uses it.",
        "created_seq": "Creation order: the smallest is the oldest, whose id a merge keeps.",
        "created_run_id": "The run that created the cluster.",
        "retired_run_id": "The run that merged it away or removed its last member; NULL while in use.",
    },
    "dedup_cluster_events": {
        "id": "Event number, in the order they happened.",
        "run_id": "The run that refreshed the clusters.",
        "kind": "merge (cluster_id absorbed other_cluster_id), split (cluster_id lost members to other_cluster_id) or retire.",
        "cluster_id": "The cluster kept (merge) or split.",
        "other_cluster_id": "The cluster absorbed (merge) or split off (split); NULL for retire.",
        "members": "The member keys that moved.",
        "happened_at": "When (UTC).",
    },
    "dedup_keys": {
        "member_key": "'pmid:123' or 'known:7'.",
        "key": "A blocking key: doi:, pmid:, start:, end:, author-page:, volume-page: or word: with its value.",
    },
    "stage_inputs": {
        "stage": "dedup or match.",
        "member_key": "'pmid:123' or 'known:7'.",
        "fingerprint": "md5 of the fields the stage reads, as it last processed them.",
    },
    "record_links": {
        "a": "Cluster id (or 'pmid:N') of the notice, comment, abstract or preprint.",
        "b": "Cluster id (or 'pmid:N') of the paper it concerns.",
        "kind": "erratum-of, retraction-of, comment-on, ... or PubMed's own 'pubmed:ErratumFor', 'pubmed:RetractionIn', ...",
    },
    "decisions": _DECISION,
    "screening_status": {
        "pmid": "The paper (every current paper in review).",
        "cluster_id": "Its duplicate cluster (decisions count for the whole cluster).",
        "status": "undecided, included, excluded, maybe or conflict (reviewers disagree, unresolved).",
        "decision": "The settled decision: include, maybe or exclude; NULL while undecided or in conflict.",
        "reason": "Exclusion reason of the settled decision.",
        "reviewers": "How many reviewers decided (dual screening wants two).",
        "resolved_by": "Who resolved a conflict.",
        "resolved_at": "When the conflict was resolved (UTC).",
        "decided_at": "When the paper's status last changed by a decision (UTC).",
    },
    "paper_tags": {
        "pmid": "The tagged paper.",
        "tag": "Which tag: design, n_participants, population_age, species, route, dosing, anaesthetic_dose, comparator, crps_type.",
        "value": "The tag's value (see the papers column of the same name).",
        "source": "Where it comes from: publication_type, mesh, text or default.",
        "evidence": "The publication type, MeSH terms or phrase the value rests on.",
        "confidence": "Tagger's confidence, 0 to 1.",
        "note": "Why, when the value disagrees with another source.",
        "chip": "Short label for people ('RCT', 'n=48', 'IV'); NULL: none.",
        "position": "Order of the chips.",
        "tagger_version": "Version of the tagger that wrote the row: a new one re-tags.",
        "content_hash": "records.content_hash of the version tagged: a changed record is re-tagged.",
        "tagged_at": "When (UTC).",
    },
    "paper_tag_summary": {
        "routes": "How ketamine was given (route tags, in order).",
        "design_source": "Where the design tag comes from: publication_type, mesh, text or default.",
        "design_note": "Why, when the design from the text disagrees with the indexed one.",
        "tagger_version": "Version of the tagger that tagged the paper.",
    },
    "digest_sends": {
        "id": "Send attempt id.",
        "run_id": "The run the mail is about; NULL for a manual digest of several runs.",
        "kind": "digest (the morning digest) or alert (a failed run).",
        "status": "sent, failed (see error) or skipped (nothing new, send_when_empty off).",
        "subject": "The mail's subject.",
        "recipients": "Addresses it went (or was meant) to.",
        "error": "Why it failed (SMTP answer, connection error) or was skipped.",
        "attempted_at": "When (UTC).",
    },
}

# views whose columns pass through other relations': borrow their meanings, first one first
BORROWS_FROM: dict[str, tuple[str, ...]] = {
    "all_papers": ("records",),
    "papers": ("records",),
    "deleted_papers": ("records",),
    "review_queue": ("records",),
    "current_citation_matches": ("citation_matches",),
    "current_decisions": ("decisions",),
    "paper_tag_summary": ("records",),
    "ranked_queue": ("relevance_scores", "records"),
}


def meaning(relation: str, column: str) -> str | None:
    """What a column means, from its own relation or the ones it passes through."""
    for source in (relation, *BORROWS_FROM.get(relation, ())):
        text = COLUMNS.get(source, {}).get(column)
        if text is not None:
            return text
    return None


def install_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Comment every known relation and column that lacks its current text (one batch)."""
    relations = con.execute(
        "SELECT table_name, 'TABLE', comment FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
        " UNION ALL SELECT view_name, 'VIEW', comment FROM duckdb_views()"
        " WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    statements = [
        f"COMMENT ON {kind} {_ident(name)} IS {_literal(RELATIONS[name])};"
        for name, kind, current in relations
        if RELATIONS.get(name, current) != current
    ]
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns()"
        " WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    for relation, column, current in columns:
        wanted = meaning(relation, column)
        if wanted and wanted != current:
            statements.append(
                f"COMMENT ON COLUMN {_ident(relation)}.{_ident(column)} IS {_literal(wanted)};"
            )
    if not statements:
        return
    con.begin()  # one transaction: five times faster than a commit per comment
    try:
        con.execute("\n".join(statements))
    except duckdb.Error:
        con.rollback()
        raise
    con.commit()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
