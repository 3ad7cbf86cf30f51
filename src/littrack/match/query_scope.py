"""Which records are in review: those the configured query finds.

A nightly's records are in scope because PubMed's search returned them (`SearchResults`). A bulk
load (`littrack load` of baseline/update files) brings every record of PubMed's files, and only
those the configured query finds belong in the reviewers' queue: `QueryScope` reads the query on
each record itself, in the parse workers, with the language of `littrack.pubmed.query`. That is
PubMed's search without its automatic term mapping or MeSH explosion, so a record PubMed finds
only through those is left to the nightly search to bring in. The other records are still stored,
matched against seeds and known citations, and deduplicated; they are just not queued, tagged or
ranked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Protocol

from littrack.parse.records import PubmedRecord
from littrack.pubmed.query import COMPOSITE_FIELDS, Node, Term, field_values, parse_query, term_matches
from littrack.pubmed.window import DateWindow


class Scope(Protocol):
    source: str  # query_matches.source of the records it admits

    def admits(self, record: PubmedRecord) -> bool: ...


class EveryRecord:
    """Loads without a query (`littrack load --review-all`, library loads): everything they
    load is in review."""

    source = "loaded"

    def admits(self, record: PubmedRecord) -> bool:
        return True


@dataclass(frozen=True)
class SearchResults:
    """A nightly's records: in scope when PubMed's search for the query returned them."""

    pmids: Collection[int]
    source: ClassVar[str] = "search"

    def admits(self, record: PubmedRecord) -> bool:
        return record.pmid in self.pmids


class QueryScope:
    """The configured query, read on each record (`QueryError` for a query it cannot read)."""

    source = "query"

    def __init__(self, query: str):
        self.query = query
        self._tree = parse_query(query)

    def admits(self, record: PubmedRecord) -> bool:
        return _finds(self._tree, _RecordFields(record))


def _finds(node: Node, fields: _RecordFields) -> bool:
    if isinstance(node, Term):
        return fields.has(node)
    if isinstance(node, DateWindow):
        day = fields.date(node.datetype)
        return day is not None and node.start <= day <= node.end
    if node.op == "AND":
        return _finds(node.left, fields) and _finds(node.right, fields)
    if node.op == "OR":
        return _finds(node.left, fields) or _finds(node.right, fields)
    return _finds(node.left, fields) and not _finds(node.right, fields)


class _RecordFields:
    """A record's search fields, each normalised only when a term asks for it (most records
    fail the query on its first few fields)."""

    def __init__(self, record: PubmedRecord):
        self._record = record
        self._values: dict[str, tuple[str, ...]] = {}

    def has(self, term: Term) -> bool:
        return term_matches(term, self.values(term.field))

    def values(self, field: str) -> tuple[str, ...]:
        if field not in self._values:
            if field in COMPOSITE_FIELDS:
                self._values[field] = tuple(v for name in COMPOSITE_FIELDS[field] for v in self.values(name))
            else:
                self._values[field] = field_values(_texts(self._record, field))
        return self._values[field]

    def date(self, datetype: str) -> date | None:
        """The record's date of a `DATE_TAGS` type: "pdat", "edat" or "mdat"."""
        record = self._record
        if datetype == "pdat":
            return record.pub_date.sortable
        entered = record.entrez_date or record.history_date("pubmed")
        return entered if datetype == "edat" else record.date_revised or entered


def _texts(record: PubmedRecord, field: str) -> list[str | None]:
    """One field's raw values, as the stand-in's index reads them from the XML."""
    if field == "title":
        return [record.title]
    if field == "abstract":
        return [" ".join(s.text for s in record.abstract_sections) if record.abstract_sections else record.abstract]
    if field == "keywords":
        return list(record.keywords)
    if field == "author":
        return [
            " ".join(filter(None, (a.last_name, a.initials))) or a.collective_name for a in record.authors
        ]
    if field == "journal":
        return [record.journal_title, record.journal_iso, *(i.value for i in record.issns)]
    if field == "volume":
        return [record.volume]
    if field == "issue":
        return [record.issue]
    if field == "pages":
        return [record.pages, record.start_page]
    if field == "aid":
        return [record.doi, record.pii, record.pmcid, str(record.pmid)]
    if field == "mesh":
        return [
            text
            for h in record.mesh_headings
            for text in (h.descriptor, *(f"{h.descriptor} {q.name}" for q in h.qualifiers))
        ]
    if field == "pubtype":
        return [p.name for p in record.publication_types]
    if field == "pmid":
        return [str(record.pmid)]
    raise ValueError(f"no search field {field!r}")
