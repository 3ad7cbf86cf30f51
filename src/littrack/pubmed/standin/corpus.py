"""The stand-in's records: each PubmedArticle's XML plus what ESearch needs to find it.

A record is indexed by PMID, Entrez date (History PubStatus="entrez", else "pubmed"),
modification date (DateRevised, else the Entrez date), publication date (PubDate) and the
normalised text of its searchable fields. `CorpusEntry.stub` makes a small record without a
source document, for tests that need tens of thousands of hits cheaply.
"""

from __future__ import annotations

import bisect
import gzip
import io
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from littrack.pubmed.standin.index import (
    entrez_date,
    publication_date,
    record_pmid,
    revision_date,
    searchable_texts,
)
from littrack.pubmed.query import (
    COMPOSITE_FIELDS,
    INDEXED_FIELDS,
    Node,
    Term,
    field_values,
    term_matches,
)
from littrack.pubmed.window import DATE_TYPES, DateWindow

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class CorpusEntry:
    pmid: int
    xml: bytes  # one PubmedArticle / PubmedBookArticle element
    edat: date | None = None
    mdat: date | None = None
    pdat: date | None = None
    # index field -> values, each normalised and padded with spaces for whole-word matching
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def date(self, datetype: str) -> date | None:
        return getattr(self, datetype)

    @classmethod
    def from_xml(cls, xml: bytes, mdat: date | None = None) -> CorpusEntry | str:
        """The entry for one record's XML, or why it cannot be served."""
        try:
            record = etree.fromstring(xml, _SAFE_PARSER)
        except etree.XMLSyntaxError as exc:
            return f"record is not well-formed XML: {exc}"
        pmid = record_pmid(record)
        if pmid is None:
            return "record without a PMID"
        edat = entrez_date(record)
        return cls(
            pmid=pmid,
            xml=xml,
            edat=edat,
            mdat=mdat or revision_date(record) or edat,
            pdat=publication_date(record),
            fields=_index_fields(pmid, searchable_texts(record)),
        )

    @classmethod
    def stub(
        cls,
        pmid: int,
        edat: date,
        *,
        mdat: date | None = None,
        pdat: date | None = None,
        title: str = "",
        journal: str = "Stub J",
        authors: Iterable[str] = (),
    ) -> CorpusEntry:
        """A minimal but well-formed record, with its XML written from these values."""
        mdat, pdat, authors = mdat or edat, pdat or edat, tuple(authors)
        xml = _STUB_TEMPLATE.format(
            pmid=pmid,
            revised=_xml_date(mdat),
            pubdate=_xml_date(pdat),
            entrez=_xml_date(edat),
            journal=escape(journal),
            title=escape(title),
            authors="".join(_stub_author(a) for a in authors),
        ).encode()
        texts = {"title": [title], "journal": [journal], "author": list(authors)}
        return cls(pmid, xml, edat, mdat, pdat, _index_fields(pmid, texts))


def _index_fields(pmid: int, texts: dict[str, list[str | None]]) -> dict[str, tuple[str, ...]]:
    fields = {name: field_values(texts.get(name, ())) for name in INDEXED_FIELDS}
    for composite, names in COMPOSITE_FIELDS.items():
        fields[composite] = tuple(v for name in names for v in fields[name])
    fields["pmid"] = (f" {pmid} ",)
    return fields


def _xml_date(day: date) -> str:
    return f"<Year>{day.year}</Year><Month>{day.month:02d}</Month><Day>{day.day:02d}</Day>"


def _stub_author(name: str) -> str:
    last, _, initials = name.partition(" ")
    return f"<Author ValidYN=\"Y\"><LastName>{escape(last)}</LastName><Initials>{escape(initials)}</Initials></Author>"


_STUB_TEMPLATE = (
    '<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">'
    '<PMID Version="1">{pmid}</PMID><DateRevised>{revised}</DateRevised>'
    '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><PubDate>{pubdate}</PubDate>'
    "</JournalIssue><Title>{journal}</Title><ISOAbbreviation>{journal}</ISOAbbreviation></Journal>"
    '<ArticleTitle>{title}</ArticleTitle><AuthorList CompleteYN="Y">{authors}</AuthorList>'
    "<Language>eng</Language><PublicationTypeList>"
    '<PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList></Article>'
    "</MedlineCitation><PubmedData><History>"
    '<PubMedPubDate PubStatus="entrez">{entrez}</PubMedPubDate></History>'
    "<PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
    '<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>'
)


class Corpus:
    """Records by PMID, thread-safe; tests change it between runs with `upsert` / `delete`."""

    def __init__(self, entries: Iterable[CorpusEntry] = ()) -> None:
        self._entries: dict[int, CorpusEntry] = {e.pmid: e for e in entries}
        self._lock = threading.RLock()
        self._version = 0
        self._indexed_version = -1
        self._by_date: dict[str, tuple[list[date], list[int]]] = {}
        self._term_cache: dict[Term, frozenset[int]] = {}
        self.skipped: list[str] = []  # records that could not be indexed, with the reason

    @classmethod
    def load(cls, sources: Iterable[str | os.PathLike | bytes | CorpusEntry]) -> Corpus:
        """A corpus from .xml/.xml.gz files, folders of them, XML bytes or ready entries."""
        corpus = cls()
        for source in sources:
            if isinstance(source, CorpusEntry):
                corpus.add(source)
            elif isinstance(source, bytes):
                corpus.upsert(source)
            else:
                for path in _xml_files(Path(source)):
                    with _open(path) as stream:
                        corpus._load_stream(stream)
        return corpus

    @classmethod
    def build(cls, paths: Iterable[str | os.PathLike] = (), synthetic: int = 0, seed: int = 0) -> Corpus:
        """The corpus of `paths` plus `synthetic` generated records (seeded, reproducible)."""
        corpus = cls.load(paths)
        if synthetic:
            # imported on demand: serving files needs no generator
            from littrack.pubmed.synthetic import generate_corpus

            for xml in generate_corpus(synthetic, seed).articles:
                corpus.upsert(xml)
        return corpus

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, pmid: int) -> CorpusEntry | None:
        return self._entries.get(pmid)

    def add(self, entry: CorpusEntry) -> None:
        with self._lock:
            self._entries[entry.pmid] = entry
            self._version += 1

    def upsert(self, xml: bytes, mdat: date | None = None) -> list[int]:
        """Add or replace the records in `xml` (one PubmedArticle or a whole set); `mdat`
        overrides their modification date. Returns the PMIDs written."""
        return self._load_stream(io.BytesIO(xml), mdat)

    def delete(self, pmid: int) -> None:
        with self._lock:
            if self._entries.pop(pmid, None) is not None:
                self._version += 1

    def _load_stream(self, stream, mdat: date | None = None) -> list[int]:
        written = []
        for tag, payload in _split_records(stream):
            if tag == "DeleteCitation":
                for pmid in payload:
                    self.delete(pmid)
                continue
            entry = CorpusEntry.from_xml(payload, mdat)
            if isinstance(entry, str):
                self.skipped.append(entry)
            else:
                self.add(entry)
                written.append(entry.pmid)
        return written

    # --- searching ----------------------------------------------------------------------------

    def search(self, node: Node | None, window: DateWindow | None = None) -> tuple[list[int], list[str]]:
        """PMIDs matching `node` within `window`, newest (highest PMID) first, and the terms
        that match nothing at all (NCBI's PhraseNotFound)."""
        with self._lock:
            self._reindex()
            not_found: list[str] = []
            ids = self._evaluate(node, not_found) if node is not None else set(self._entries)
            if window is not None:
                ids = ids & self._in_window(window)
            return sorted(ids, reverse=True), not_found

    def _evaluate(self, node: Node, not_found: list[str]) -> set[int] | frozenset[int]:
        if isinstance(node, DateWindow):
            return self._in_window(node)
        if isinstance(node, Term):
            if node not in self._term_cache:
                self._term_cache[node] = frozenset(
                    pmid for pmid, e in self._entries.items() if term_matches(node, e.fields.get(node.field, ()))
                )
            if not self._term_cache[node]:
                not_found.append(node.text)
            return self._term_cache[node]
        left, right = self._evaluate(node.left, not_found), self._evaluate(node.right, not_found)
        return {"AND": left & right, "OR": left | right, "NOT": left - right}[node.op]

    def _in_window(self, window: DateWindow) -> set[int]:
        days, pmids = self._by_date[window.datetype]
        return set(pmids[bisect.bisect_left(days, window.start) : bisect.bisect_right(days, window.end)])

    def _reindex(self) -> None:
        if self._indexed_version == self._version:
            return
        self._term_cache.clear()
        for datetype in DATE_TYPES:
            dated = sorted((e.date(datetype), e.pmid) for e in self._entries.values() if e.date(datetype))
            self._by_date[datetype] = ([d for d, _ in dated], [p for _, p in dated])
        self._indexed_version = self._version


def _split_records(stream) -> Iterator[tuple[str, bytes | list[int]]]:
    """Each record's own XML, and each DeleteCitation's PMIDs, in document order."""
    events = etree.iterparse(stream, events=("end",), tag=(*RECORD_TAGS, "DeleteCitation"),
                             resolve_entities=False, no_network=True, huge_tree=True)
    for _, element in events:
        if element.tag == "DeleteCitation":
            yield "DeleteCitation", [int(p.text) for p in element.iterfind("PMID")]
        else:
            yield element.tag, etree.tostring(element, with_tail=False)
        element.clear()


def _xml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.name.endswith((".xml", ".xml.gz")))
    if not path.is_file():
        raise FileNotFoundError(f"corpus source not found: {path}")
    return [path]


def _open(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")
