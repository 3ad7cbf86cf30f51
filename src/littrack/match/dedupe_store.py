"""Run the dedup engine over the warehouse: current papers plus the known citations still in
force → `dedup_clusters` and `record_links` (the dedup block of 002_matching.sql). Links are
both the engine's (from titles: "Erratum: ...") and PubMed's own CommentsCorrections between
stored papers (kind `pubmed:ErratumFor`, `pubmed:RetractionIn`, ...). Each member row keeps the
per-field evidence of the merges it took part in.

Incremental (issue 11): only records new, changed or gone since the last refresh
(`changes.pending_changes`) are looked at. Their blocking keys are kept in `dedup_keys`; the
records to recluster are them, the records sharing a key with them, and every member of the
clusters those touch (and of clusters linked to those), and the result replaces just those
rows. Of these, the engine compares only the known citations and the papers near one: any two
PubMed records give different PMIDs, so a paper is a duplicate of known citations or of
nothing. Cluster ids come from `cluster_ids.assign_ids`: stable for life, merges and splits
recorded in `dedup_cluster_events`. A refresh changes nothing when nothing changed.
"""

from __future__ import annotations

import gc
import json
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from littrack.match.blocking import RARE_WORDS, candidate_pairs, stored_keys
from littrack.match.changes import Changes, mark_processed, pending_changes, processed_members
from littrack.match.cluster_ids import Assignment, assign_ids, member_order
from littrack.match.dedupe import BibRecord, Cluster, Link, dedupe_profiles, profile
from littrack.match.evidence import Profile
from littrack.warehouse.inserts import insert_columns
from littrack.warehouse.transaction import transaction

# the current papers are read from `records`: the `papers` view would aggregate every paper's
# tags first
_RECORDS = """SELECT * FROM (
    SELECT 'pmid:' || pmid AS member_key, 'pubmed', title, pub_year, authors,
           coalesce(journal_iso, journal), volume, issue, pages, doi, pmid, pmcid,
           publication_types FROM records WHERE NOT deleted
    UNION ALL
    SELECT 'known:' || id, source, title, pub_year, authors, journal, volume, issue, pages,
           doi, pmid, pmcid, [] FROM known_citations WHERE retired_at IS NULL)
WHERE member_key IN (SELECT unnest(?::VARCHAR[]))"""
# PubMed's own CommentsCorrections between two stored papers: "a ErratumFor b", "a CommentOn b"
# (the JSON is parsed only where it names a ref_type: parsing every record is what costs)
_PUBMED_LINKS = """
    SELECT DISTINCT 'pmid:' || p.pmid AS a, 'pmid:' || link.pmid AS b, 'pubmed:' || link.ref_type AS kind
    FROM (SELECT pmid, record_json FROM records
          WHERE NOT deleted AND contains(record_json, '"ref_type"')) p,
         unnest(from_json(p.record_json -> 'comments_corrections',
                          '[{"ref_type": "VARCHAR", "pmid": "BIGINT"}]')) AS t(link)
    WHERE link.pmid IN (SELECT pmid FROM records WHERE NOT deleted)"""
_FULL_REBUILD_SHARE = 0.25  # more records changed than this share: recompute them all
_BIG_BLOCK = 200  # a key this common (a stock title opening) does not pull its block in


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    records: int
    clusters: int
    duplicates: int  # records folded into another record's cluster
    links: int


def refresh_clusters(con, run_id: int | None = None) -> DedupeSummary:
    """Bring the stored clusters and links up to date with the warehouse's records."""
    changes = pending_changes(con, "dedup")
    if changes:
        with transaction(con), _collector_paused():  # or part of the night's
            _recluster(con, changes, run_id)
            mark_processed(con, "dedup")
    records, clusters = con.execute(
        "SELECT count(*), count(DISTINCT cluster_id) FROM dedup_clusters").fetchone()
    links = con.execute("SELECT count(*) FROM record_links").fetchone()[0]
    return DedupeSummary(records, clusters, records - clusters, links)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reclustering makes a few objects per record and key, all kept to the end and none in a
    reference cycle: the cyclic collector's passes over them took a third of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _recluster(con, changes: Changes, run_id: int | None) -> None:
    scope = _scope(con, changes)
    present = scope - set(changes.removed)
    members = _profiled(con, _comparable(con, present))
    frequency = _word_frequency(con, members)
    clusters, links = dedupe_profiles([profiled for profiled, _ in members.values()],
                                      partial(candidate_pairs, document_frequency=frequency))
    clusters += [Cluster(key, (key,), "unique", ()) for key in sorted(present - members.keys())]
    old_id_of = dict(con.execute(
        "SELECT member_key, cluster_id FROM dedup_clusters WHERE member_key IN "
        "(SELECT unnest(?::VARCHAR[]))", [sorted(scope)]).fetchall())
    seq = dict(con.execute("SELECT cluster_id, created_seq FROM dedup_cluster_ids").fetchall())
    assignment = assign_ids([c.member_ids for c in clusters], old_id_of, seq, seq)
    sources = {key: source for key, (_, source) in members.items()}
    _write_clusters(con, clusters, assignment, sources, sorted(scope), run_id)
    renamed = {c.id: new_id for c, new_id in zip(clusters, assignment.ids)}
    _write_links(con, [Link(renamed[l.a], renamed[l.b], l.kind) for l in links],
                 set(old_id_of.values()) | set(assignment.ids))
    _record_history(con, assignment, max(seq.values(), default=0), run_id)


def _comparable(con, present: set[str]) -> set[str]:
    """The records of `present` the engine must compare: the known citations, and the papers
    sharing a key with one. Two PubMed records always give different PMIDs, which the engine
    calls distinct without comparing (`blocking`), so a paper no known citation is near is
    alone in its cluster: a bulk load's papers are not kept profiled."""
    known = {key for key in present if key.startswith("known:")}
    return known | (_neighbours(con, known) & present) if known else set()


# member key -> its profile and its source ("pubmed", "seed", "import")
_Members = dict[str, tuple[Profile, str]]
_READ_BATCH = 4096


def _profiles(con, keys: Iterable[str]) -> Iterator[tuple[Profile, str]]:
    """The records with these member keys, normalised, each with its source; read a batch at a
    time, so a caller keeping none of them holds no more than a batch."""
    rows = con.execute(_RECORDS, [sorted(keys)])
    while batch := rows.fetchmany(_READ_BATCH):
        for (key, source, title, year, authors, journal, volume, issue, pages, doi, pmid, pmcid,
             types) in batch:
            yield profile(BibRecord(
                id=key, title=title or "", year=year, authors=tuple(authors or ()),
                journal=journal, volume=volume, issue=issue, pages=pages, doi=doi, pmid=pmid,
                pmcid=pmcid, publication_types=tuple(types or ()))), source


def _profiled(con, keys: Iterable[str]) -> _Members:
    """The records with these member keys, profiled, in `member_order` (never in SELECT order)."""
    found = {profiled.id: (profiled, source) for profiled, source in _profiles(con, keys)}
    return {key: found[key] for key in sorted(found, key=member_order)}


def _store_keys(con, changes: Changes) -> None:
    """Replace the blocking keys of the changed records with those of the records `present`.
    They are profiled a batch at a time and their keys spooled to a file (the connection is
    busy reading them), so a bulk load keeps neither the profiles nor the keys in memory."""
    con.execute("DELETE FROM dedup_keys WHERE member_key IN (SELECT unnest(?::VARCHAR[]))",
                [list(changes.keys)])
    with tempfile.TemporaryDirectory(prefix="littrack-keys-") as folder:
        spool = Path(folder) / "keys.jsonl"
        with spool.open("wb") as out:
            for profiled, _ in _profiles(con, changes.present):
                member = orjson.dumps(profiled.id)
                out.writelines(b'{"member_key":%s,"key":%s}\n' % (member, orjson.dumps(key))
                               for key in stored_keys(profiled))
        con.execute("INSERT INTO dedup_keys (member_key, key) SELECT member_key, key FROM read_json("
                    "?, format = 'newline_delimited', columns = {member_key: 'VARCHAR', key: 'VARCHAR'})",
                    [str(spool)])


def _scope(con, changes: Changes) -> set[str]:
    """The records to dedupe again: the changed ones, those sharing a key with them as they
    were and as they are (a stock key aside) or two of their rarest title words, and all
    members of the clusters these are in or linked with. Past a share of the warehouse, all.
    Updates `dedup_keys` on the way, from the records `changes.present`."""
    seen = processed_members(con, "dedup")
    everything = len(changes.keys) > _FULL_REBUILD_SHARE * max(seen.count("*").fetchall()[0][0], 1)
    seeds = set(changes.keys) if everything else _neighbours(con, changes.keys)
    _store_keys(con, changes)
    if everything:
        return seeds | {key for (key,) in seen.fetchall()}
    seeds |= _neighbours(con, changes.present)
    return {k for (k,) in con.execute("""
        WITH touched AS (SELECT DISTINCT cluster_id FROM dedup_clusters
                         WHERE member_key IN (SELECT unnest($seeds::VARCHAR[]))),
             linked AS (SELECT cluster_id FROM touched
                        UNION SELECT b FROM record_links WHERE a IN (SELECT cluster_id FROM touched)
                        UNION SELECT a FROM record_links WHERE b IN (SELECT cluster_id FROM touched))
        SELECT member_key FROM dedup_clusters WHERE cluster_id IN (SELECT cluster_id FROM linked)
        """, {"seeds": sorted(seeds)}).fetchall()} | seeds


# records sharing a key, or two of the three rarest title words (as `blocking.rarest_words`
# counts them), with one of `$keys` in `dedup_keys`
_NEIGHBOURS = f"""
WITH mine AS (SELECT member_key, key FROM dedup_keys
              WHERE member_key IN (SELECT unnest($keys::VARCHAR[]))),
     frequency AS (SELECT key, count(*) AS n FROM dedup_keys
                   WHERE key IN (SELECT key FROM mine WHERE key LIKE 'word:%') GROUP BY key),
     rare AS (SELECT member_key, key FROM (
                 SELECT m.member_key, m.key,
                        row_number() OVER (PARTITION BY m.member_key ORDER BY f.n, m.key) AS rank
                 FROM mine m JOIN frequency f USING (key)) WHERE rank <= {RARE_WORDS}),
     blocks AS (SELECT key FROM dedup_keys
                WHERE key IN (SELECT key FROM mine WHERE key NOT LIKE 'word:%')
                GROUP BY key HAVING count(*) <= {_BIG_BLOCK})
SELECT member_key FROM dedup_keys WHERE key IN (SELECT key FROM blocks)
UNION
SELECT k.member_key FROM rare r JOIN dedup_keys k ON k.key = r.key
GROUP BY r.member_key, k.member_key HAVING count(*) >= 2
"""


def _neighbours(con, keys) -> set[str]:
    return {k for (k,) in con.execute(_NEIGHBOURS, {"keys": list(keys)}).fetchall()}


def _word_frequency(con, members: _Members) -> dict[str, int]:
    """In how many warehouse records each title word of `members` occurs."""
    return {key[5:]: n for key, n in con.execute(
        "SELECT key, count(*) FROM dedup_keys WHERE key IN (SELECT key FROM dedup_keys"
        " WHERE key LIKE 'word:%' AND member_key IN (SELECT unnest(?::VARCHAR[]))) GROUP BY key",
        [list(members)]).fetchall()}


def _write_clusters(con, clusters: list[Cluster], assignment: Assignment,
                    sources: dict[str, str], scope: list[str], run_id: int | None) -> None:
    """Rewrite only the member rows that differ (a quiet refresh writes nothing); a member not
    in `sources` is a PubMed record."""
    wanted = {member: (cluster_id, sources.get(member, "pubmed"), c.reason,
                       json.dumps(c.evidence_of(member)) if c.evidence else None)
              for c, cluster_id in zip(clusters, assignment.ids) for member in c.member_ids}
    stored = {member: (cluster_id, source, reason, evidence) for member, cluster_id, source,
              reason, evidence in con.execute(
                  "SELECT member_key, cluster_id, source, reason, CAST(evidence AS VARCHAR) "
                  "FROM dedup_clusters WHERE member_key IN (SELECT unnest(?::VARCHAR[]))",
                  [scope]).fetchall()}
    stale = sorted(m for m in stored if wanted.get(m) != stored[m])
    fresh = sorted(m for m in wanted if wanted[m] != stored.get(m))
    con.execute("DELETE FROM dedup_clusters WHERE member_key IN (SELECT unnest(?::VARCHAR[]))",
                [stale])
    if fresh:
        insert_columns(con, "dedup_clusters", {
            "cluster_id": ("VARCHAR", [wanted[m][0] for m in fresh]),
            "member_key": ("VARCHAR", fresh),
            "source": ("VARCHAR", [wanted[m][1] for m in fresh]),
            "reason": ("VARCHAR", [wanted[m][2] for m in fresh]),
            "run_id": ("BIGINT", [run_id] * len(fresh)),
            "evidence": ("JSON", [wanted[m][3] for m in fresh])})


def _write_links(con, links: list[Link], scope_ids: set[str]) -> None:
    """The engine's links from or to the clusters recomputed, and PubMed's links, replaced by
    what differs."""
    con.execute("CREATE OR REPLACE TEMP TABLE wanted_links (a VARCHAR, b VARCHAR, kind VARCHAR)")
    if links:
        insert_columns(con, "wanted_links", {
            name: ("VARCHAR", [getattr(link, name) for link in links]) for name in ("a", "b", "kind")})
    con.execute(f"INSERT INTO wanted_links {_PUBMED_LINKS}")
    in_scope = ("(kind LIKE 'pubmed:%' OR a IN (SELECT unnest($ids::VARCHAR[]))"
                " OR b IN (SELECT unnest($ids::VARCHAR[])))")
    ids = {"ids": sorted(scope_ids)}
    con.execute(f"DELETE FROM record_links r WHERE {in_scope} AND NOT EXISTS (SELECT 1 FROM "
                f"wanted_links w WHERE (w.a, w.b, w.kind) = (r.a, r.b, r.kind))", ids)
    con.execute("INSERT INTO record_links SELECT DISTINCT * FROM wanted_links w WHERE NOT EXISTS"
                " (SELECT 1 FROM record_links r WHERE (w.a, w.b, w.kind) = (r.a, r.b, r.kind))")
    con.execute("DROP TABLE temp.wanted_links")


def _record_history(con, assignment: Assignment, last_seq: int, run_id: int | None) -> None:
    if assignment.created:
        created = list(assignment.created)
        insert_columns(con, "dedup_cluster_ids", {
            "cluster_id": ("VARCHAR", created),
            "created_seq": ("BIGINT", list(range(last_seq + 1, last_seq + 1 + len(created)))),
            "created_run_id": ("BIGINT", [run_id] * len(created))})
    if assignment.retired:
        con.execute("UPDATE dedup_cluster_ids SET retired_run_id = ? WHERE cluster_id IN "
                    "(SELECT unnest(?::VARCHAR[]))", [run_id, list(assignment.retired)])
    if assignment.events:
        con.executemany("INSERT INTO dedup_cluster_events (run_id, kind, cluster_id,"
                        " other_cluster_id, members) VALUES (?, ?, ?, ?, ?)",
                        [(run_id, e.kind, e.cluster_id, e.other_cluster_id, list(e.members))
                         for e in assignment.events])
