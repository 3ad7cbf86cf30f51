"""Cluster ids that are stable for life: given the clusters just recomputed for some records
and the ids those records had, say which id each new cluster carries and what happened.

- a cluster whose members are unchanged keeps its id;
- a merge keeps the oldest id (smallest creation number) and retires the others (`merge`);
- a split leaves the id with the part holding the cluster's founding member, else the part
  holding most of its members (then the smallest member key); the other parts get other ids
  (`split`);
- a new id is the first member key never used as an id (ids are never reused), papers before
  known citations, by number (`member_order`).

Nothing depends on the order the clusters or members come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    kind: str  # "merge", "split" or "retire"
    cluster_id: str
    other_cluster_id: str | None
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    ids: tuple[str, ...]  # one per new cluster, in the order given
    created: tuple[str, ...]  # ids given for the first time, in the order to number them
    retired: tuple[str, ...]
    events: tuple[ClusterEvent, ...]


def assign_ids(groups: Sequence[Sequence[str]], old_id_of: Mapping[str, str],
               created_seq: Mapping[str, int], used_ids: Iterable[str]) -> Assignment:
    """`groups`: the new clusters (member keys); `old_id_of`: member → its cluster id before,
    for every member of the clusters recomputed (also those gone since); `created_seq`: the
    creation number of those ids; `used_ids`: every id ever given."""
    groups = [tuple(sorted(g, key=member_order)) for g in groups]
    old_members: dict[str, set[str]] = {}
    for member, cluster_id in old_id_of.items():
        old_members.setdefault(cluster_id, set()).add(member)
    claims: dict[str, list[int]] = {}  # old id -> new groups holding some of its members
    for index, group in enumerate(groups):
        for cluster_id in sorted({old_id_of[m] for m in group if m in old_id_of}):
            claims.setdefault(cluster_id, []).append(index)
    ids: list[str | None] = [None] * len(groups)
    for cluster_id in sorted(claims, key=lambda c: (created_seq.get(c, 0), c)):  # oldest first
        free = [i for i in claims[cluster_id] if ids[i] is None]
        if free:
            ids[min(free, key=lambda i: _claim_rank(groups[i], cluster_id, old_members))] = cluster_id
    used = set(used_ids)
    created = []
    for index in sorted((i for i, given in enumerate(ids) if given is None),
                        key=lambda i: [member_order(m) for m in groups[i]]):
        ids[index] = _new_id(groups[index], used)
        used.add(ids[index])
        created.append(ids[index])
    kept = set(ids)
    events = []
    retired = sorted(set(old_members) - kept)
    for index, group in enumerate(groups):
        for cluster_id in sorted({old_id_of[m] for m in group if m in old_id_of} - {ids[index]}):
            moved = tuple(m for m in group if old_id_of.get(m) == cluster_id)
            kind = "split" if cluster_id in kept else "merge"
            if kind == "split":
                events.append(ClusterEvent("split", cluster_id, ids[index], moved))
            else:
                events.append(ClusterEvent("merge", ids[index], cluster_id, moved))
    present = {m for g in groups for m in g}
    for cluster_id in retired:
        if not old_members[cluster_id] & present:
            events.append(ClusterEvent("retire", cluster_id, None,
                                       tuple(sorted(old_members[cluster_id]))))
    return Assignment(tuple(ids), tuple(created), tuple(retired), tuple(events))


def _claim_rank(group: tuple[str, ...], cluster_id: str, old_members: dict[str, set[str]]):
    """Which new group keeps an old id: the founder's, else the biggest share, else the
    smallest member key."""
    share = len(old_members[cluster_id].intersection(group))
    return (cluster_id not in group, -share, [member_order(m) for m in group])


def member_order(key: str) -> tuple:
    """PubMed records (`pmid:N`) before known citations (`known:N`), each by number."""
    kind, _, number = key.partition(":")
    return (kind != "pmid", int(number) if number.isdigit() else 0, key)


def _new_id(group: tuple[str, ...], used: set[str]) -> str:
    for member in group:
        if member not in used:
            return member
    suffix = 2
    while f"{group[0]}~{suffix}" in used:
        suffix += 1
    return f"{group[0]}~{suffix}"
