"""The bodies NCBI sends, byte for byte where it matters (headers, DOCTYPEs, element order)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

XML = "text/xml; charset=UTF-8"
JSON = "application/json"

ESEARCH_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
EFETCH_ERROR_HEAD = b'<?xml version="1.0" encoding="UTF-8" ?>\n'

RETSTART_CAP_ERROR = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, "
    "ESearch can only retrieve the first 9,999 records matching the query. To obtain more than "
    "9,999 PubMed records, consider using EDirect that contains additional logic to batch PubMed "
    "search results automatically so that an arbitrary number can be retrieved. For details see "
    "https://www.ncbi.nlm.nih.gov/books/NBK25499/"
)
EMPTY_ID_LIST = "ID list is empty! Possibly it has no correct IDs."


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = XML
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    count: int
    retstart: int
    ids: list[int]
    translation: str
    query_key: int | None = None
    webenv: str | None = None
    not_found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def esearch_result(result: SearchResult) -> Reply:
    parts = [f"<eSearchResult><Count>{result.count}</Count><RetMax>{len(result.ids)}</RetMax>"
             f"<RetStart>{result.retstart}</RetStart>"]
    if result.query_key is not None:
        parts.append(f"<QueryKey>{result.query_key}</QueryKey><WebEnv>{escape(result.webenv)}</WebEnv>")
    ids = "".join(f"<Id>{pmid}</Id>\n" for pmid in result.ids)
    parts.append(f"<IdList>\n{ids}</IdList>" if ids else "<IdList/>")
    parts.append(f"<TranslationSet/><QueryTranslation>{escape(result.translation)}</QueryTranslation>")
    if result.not_found:
        parts.append(_list("ErrorList", "PhraseNotFound", result.not_found))
    if result.warnings:
        parts.append(_list("WarningList", "OutputMessage", result.warnings))
    parts.append("</eSearchResult>\n")
    return Reply(200, ESEARCH_HEAD + "".join(parts).encode())


def esearch_error(message: str, status: int = 200) -> Reply:
    return Reply(status, ESEARCH_HEAD + f"<eSearchResult><ERROR>{escape(message)}</ERROR></eSearchResult>\n".encode())


def efetch_set(records: Iterable[bytes]) -> Reply:
    body = b"\n".join(records)
    return Reply(200, EFETCH_HEAD + b"<PubmedArticleSet>\n" + body + (b"\n" if body else b"") + b"</PubmedArticleSet>")


def efetch_error(message: str, status: int = 400) -> Reply:
    return Reply(status, EFETCH_ERROR_HEAD + f"<eFetchResult>\n\t<ERROR>{escape(message)}</ERROR>\n</eFetchResult>\n".encode())


def json_error(status: int, payload: dict[str, str], headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(payload, separators=(",", ":")).encode(), JSON, headers or {})


def _list(outer: str, inner: str, items: list[str]) -> str:
    return f"<{outer}>" + "".join(f"<{inner}>{escape(i)}</{inner}>" for i in items) + f"</{outer}>"
