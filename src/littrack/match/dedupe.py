"""Deduplication engine: which bibliographic records are the same paper, and which refer to one
another (erratum, comment, conference abstract, preprint) without being the same.

    clusters = dedupe(records)   # every record in exactly one Cluster, with the reason it formed
    links = related(records)     # Link(a, b, kind): a notice/abstract/preprint and its paper

Pipeline: normalise each record once (`Profile`), compare only candidate pairs from blocking
keys (`blocking.candidate_pairs`), judge each pair with the rules in `evidence.compare`, then
join duplicates strongest first — a merge of two clusters happens only when every record of one
is compatible with every record of the other, so a chain of near matches (A~B, B~C) never joins
records that the rules would keep apart (A, C).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from littrack.match import fields as f
from littrack.match.blocking import candidate_pairs
from littrack.match.evidence import Profile, Verdict, compare, field_evidence, publication_kind
from littrack.match.title_rules import is_generic_title
from littrack.parse.records import PubmedRecord

_SERIAL_CHECK_MIN, _SERIAL_SHARE = 50, 0.9  # issues this unique are record numbers
_MAX_CROSS_CHECKS = 64  # member pairs checked per merge; clusters are small, this bounds outliers


@dataclass(frozen=True, slots=True)
class BibRecord:
    """A bibliographic record from any source; text fields as given (they are normalised here)."""

    id: str
    title: str
    year: int | None
    authors: tuple[str, ...] | str
    journal: str | None
    volume: str | int | None = None
    issue: str | int | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: int | str | None = None
    pmcid: str | None = None
    publication_types: tuple[str, ...] = ()
    entry_type: str | None = None

    @classmethod
    def from_pubmed(cls, record: PubmedRecord, id: str | None = None) -> BibRecord:
        """The fields of a parsed PubMed record; `id` defaults to the PMID."""
        return cls(
            id=id or str(record.pmid),
            title=record.title,
            year=record.pub_year,
            authors=tuple(a.display_name for a in record.authors if a.display_name),
            journal=record.journal_iso or record.journal_title,
            volume=record.volume,
            issue=record.issue,
            pages=record.pages,
            doi=record.doi,
            pmid=record.pmid,
            pmcid=record.pmcid,
            publication_types=tuple(p.name for p in record.publication_types),
            entry_type="book" if record.kind == "book" else None,
        )


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records that are one paper; `id` is the id of its first member (input order).

    `evidence` holds one entry per merge that formed it: the two records compared, the reason
    and the per-field evidence (`evidence.field_evidence`)."""

    id: str
    member_ids: tuple[str, ...]
    reason: str
    evidence: tuple[dict, ...] = ()

    def evidence_of(self, member_id: str) -> list[dict]:
        """The merges a member took part in: why it is in this cluster."""
        return [e for e in self.evidence if member_id in e["records"]]


@dataclass(frozen=True, slots=True)
class Link:
    """Cluster `a` refers to cluster `b` without being it: "erratum-of", "retraction-of",
    "expression-of-concern-on", "comment-on", "conference-abstract-of", "preprint-of"."""

    a: str
    b: str
    kind: str


def profile(record: BibRecord) -> Profile:
    """Normalise a record once for all its comparisons."""
    notice = f.notice_kind(record.title, record.publication_types)
    title = f.normalize_title(f.notice_subject(record.title) if notice else record.title)
    return Profile(
        id=record.id,
        title=title,
        numbers=f.title_numbers(title),
        notice=notice,
        kind=publication_kind(record.entry_type, record.publication_types, record.journal),
        year=record.year if isinstance(record.year, int) else f.parse_year(record.year),
        authors=f.parse_authors(record.authors),
        journals=f.journal_names(record.journal),
        pages=f.page_range(record.pages),
        volume=f.normalize_volume(record.volume),
        issue=f.normalize_volume(record.issue),
        doi=f.normalize_doi(record.doi),
        pmid=f.normalize_pmid(record.pmid),
        pmcid=f.normalize_pmcid(record.pmcid),
        generic=bool(title) and is_generic_title(title),
    )


def mark_recurring(profiles: list[Profile]) -> list[Profile]:
    """Read issues set-wide: a column whose every value is new is a record number, not an issue
    (issues recur across papers), and is dropped. Then flag titles found in more than one issue
    of one journal ("Editor's Comments", "Highlights of this issue"): such a title alone never
    says two records are one."""
    given = [p.issue for p in profiles if p.issue]
    if len(given) >= _SERIAL_CHECK_MIN and len(set(given)) > _SERIAL_SHARE * len(given):
        profiles = [replace(p, issue="") for p in profiles]
    issues: dict[tuple, set[frozenset[str]]] = defaultdict(set)
    for p in profiles:
        if p.issue and p.title and p.journals:  # as a set: exports swap volume and issue
            issues[p.title, p.journals[0]].add(frozenset((p.volume, p.issue)))
    return [replace(p, generic=True) if p.journals and len(issues[p.title, p.journals[0]]) > 1
            else p for p in profiles]


Pairing = Callable[[Sequence[Profile]], Iterable[tuple[int, int]]]


def _judge(profiles: Iterable[Profile], pairing: Pairing = candidate_pairs
           ) -> tuple[list[Profile], list[tuple[Verdict, int, int]]]:
    """The profiles (recurring titles marked) and the non-distinct verdicts on the pairs
    `pairing` proposes (the bench swaps in all pairs to measure what blocking saves)."""
    profiles = mark_recurring(list(profiles))
    verdicts = []
    for i, j in pairing(profiles):
        verdict = compare(profiles[i], profiles[j])
        if verdict.decision != "distinct":
            verdicts.append((verdict, i, j))
    return profiles, verdicts


def dedupe(records: Iterable[BibRecord]) -> list[Cluster]:
    """Group records that are the same paper; every record ends in exactly one cluster."""
    return _clusters(*_judge(map(profile, records)))


def related(records: Iterable[BibRecord]) -> list[Link]:
    """Links between records that refer to one another but are not the same paper, as ids of
    the clusters `dedupe` forms."""
    return dedupe_with_links(records)[1]


def dedupe_with_links(records: Iterable[BibRecord], pairing: Pairing = candidate_pairs
                      ) -> tuple[list[Cluster], list[Link]]:
    """`dedupe` and `related` in one pass over the records (`pairing`: see `_judge`)."""
    return dedupe_profiles(map(profile, records), pairing)


def dedupe_profiles(profiles: Iterable[Profile], pairing: Pairing = candidate_pairs
                    ) -> tuple[list[Cluster], list[Link]]:
    """`dedupe_with_links` of records given as their profiles (a caller that has profiled
    them already, for its own use, and keeps no more than the profiles)."""
    profiles, verdicts = _judge(profiles, pairing)
    clusters = _clusters(profiles, verdicts)
    return clusters, _links(profiles, verdicts, clusters)


def _clusters(profiles: list[Profile], verdicts: list[tuple[Verdict, int, int]]) -> list[Cluster]:
    duplicates = sorted((v for v in verdicts if v[0].decision == "duplicate"),
                        key=lambda v: (-v[0].strength, v[1], v[2]))
    members: dict[int, list[int]] = {i: [i] for i in range(len(profiles))}
    root = list(range(len(profiles)))
    merges: dict[int, list[dict]] = {}
    for verdict, i, j in duplicates:
        ri, rj = root[i], root[j]
        if ri == rj or not _compatible(profiles, members[ri], members[rj]):
            continue
        keep, gone = min(ri, rj), max(ri, rj)
        for member in members[gone]:
            root[member] = keep
        members[keep] = sorted(members[keep] + members.pop(gone))
        merge = {"records": [profiles[i].id, profiles[j].id], "reason": verdict.reason,
                 "fields": field_evidence(profiles[i], profiles[j])}
        merges[keep] = [*merges.get(keep, []), merge, *merges.pop(gone, [])]
    return [Cluster(profiles[r].id, tuple(profiles[m].id for m in group),
                    merges[r][0]["reason"] if r in merges else "unique", tuple(merges.get(r, ())))
            for r, group in sorted(members.items())]


def _compatible(profiles: Sequence[Profile], left: list[int], right: list[int]) -> bool:
    """Whether every record of one cluster could be a duplicate of every record of the other:
    no guard fires on any cross pair (checked up to a bound, for mass-duplicated records)."""
    checked = 0
    for i in left:
        for j in right:
            if compare(profiles[i], profiles[j]).decision != "duplicate":
                return False
            checked += 1
            if checked >= _MAX_CROSS_CHECKS:
                return True
    return True


def _links(profiles: list[Profile], verdicts: list[tuple[Verdict, int, int]],
           clusters: list[Cluster]) -> list[Link]:
    """One link per record and kind, to the closest match (an article before other guises),
    between the ids of the clusters the two records are in."""
    cluster_of = {member: c.id for c in clusters for member in c.member_ids}
    candidates = []
    for verdict, i, j in verdicts:
        if verdict.decision == "related" and verdict.link:
            kind, _, reverse = verdict.link.partition(":")
            source, target = (j, i) if reverse else (i, j)
            candidates.append((-verdict.strength, profiles[target].kind != "article", target,
                               source, kind))
    links: dict[tuple[str, str], Link] = {}
    for _, _, target, source, kind in sorted(candidates):
        a, b = cluster_of[profiles[source].id], cluster_of[profiles[target].id]
        if a != b:
            links.setdefault((a, kind), Link(a, b, kind))
    return sorted(links.values(), key=lambda link: (link.a, link.b, link.kind))
