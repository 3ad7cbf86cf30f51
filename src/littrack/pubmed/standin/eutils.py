"""ESearch and EFetch over a `Corpus`, with NCBI's parameters, caps, history and errors.

Pure request → `Reply` logic: the HTTP server, rate limit and fault injection wrap it.
ESearch: `term`, `datetype` (default pdat), `mindate`+`maxdate` (YYYY, YYYY/MM, YYYY/MM/DD),
`reldate`, `retstart`, `retmax` (default 20), `usehistory=y`, `WebEnv`+`query_key` (the set of
an earlier search, intersected with `term` if given). Ids come newest (highest PMID) first.
Only the first 9,999 ids of a search can be paged to; `retstart` above 9,998 is NCBI's
"Search Backend failed" error. EFetch: `id` (comma-separated, GET or POST) or `WebEnv` +
`query_key` with `retstart`/`retmax`; XML only. A history set is searched again when used,
so it sees records added since, as NCBI's does.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from littrack.pubmed.standin.corpus import Corpus
from littrack.pubmed.query import (
    DATE_LABELS,
    Node,
    QueryError,
    date_window,
    parse_date,
    parse_query,
    translate,
)
from littrack.pubmed.standin.shapes import (
    EMPTY_ID_LIST,
    RETSTART_CAP_ERROR,
    Reply,
    SearchResult,
    efetch_error,
    efetch_set,
    esearch_error,
    esearch_result,
)
from littrack.pubmed.window import DateWindow

SEARCH_CAP = 9_999
EFETCH_MAX = 10_000


class BadRequest(ValueError):
    """Parameters NCBI would refuse."""


@dataclass(frozen=True)
class StoredSearch:
    node: Node | None
    window: DateWindow | None
    within: StoredSearch | None = None  # the history set it was intersected with

    def translation(self) -> str:
        parts = [translate(self.node)] if self.node else []
        if self.within:
            parts.insert(0, f"({self.within.translation()})")
        if self.window:
            parts.append(translate(self.window))
        return " AND ".join(parts)


class Eutils:
    def __init__(self, corpus: Corpus, today: Callable[[], date], cap_error_status: int = 200) -> None:
        self.corpus = corpus
        self.today = today
        self.cap_error_status = cap_error_status  # NCBI has been seen answering 200 and 400
        self._history: dict[str, list[StoredSearch]] = {}
        self._lock = threading.Lock()

    def esearch(self, params: dict[str, str]) -> Reply:
        try:
            _check_db(params)
            term = params.get("term", "").strip()
            within = self._stored(params) if params.get("query_key") else None
            if not term and within is None:
                raise BadRequest("Empty term and query_key - nothing todo")
            search = StoredSearch(parse_query(term) if term else None, _window(params, self.today()), within)
            retstart, retmax = _number(params, "retstart", 0), _number(params, "retmax", 20)
        except (BadRequest, QueryError) as exc:
            return esearch_error(str(exc), 400)
        if retstart > SEARCH_CAP - 1:
            return esearch_error(RETSTART_CAP_ERROR, self.cap_error_status)
        ids, not_found = self._run(search)
        shown = min(retmax, SEARCH_CAP - retstart)
        warnings = [f"Restrictions achieved. start and count adjusted to {retstart}, {shown}"] if shown < retmax else []
        if not ids:
            warnings.append("No items found.")
        query_key = webenv = None
        if params.get("usehistory") == "y":
            webenv, query_key = self._store(params.get("WebEnv"), search)
        return esearch_result(SearchResult(
            count=len(ids), retstart=retstart, ids=ids[retstart : retstart + shown],
            translation=search.translation(), query_key=query_key, webenv=webenv,
            not_found=not_found, warnings=warnings,
        ))

    def efetch(self, params: dict[str, str]) -> Reply:
        try:
            _check_db(params)
            if params.get("retmode", "xml") != "xml" or params.get("rettype", "xml") not in ("xml", "full", ""):
                raise BadRequest("the stand-in serves retmode=xml only")
            if params.get("id", "").strip():
                pmids = [int(t) for t in re.split(r"[,\s]+", params["id"]) if t.isdigit() and int(t) > 0]
                if not pmids:
                    raise BadRequest(EMPTY_ID_LIST)
            elif params.get("query_key"):
                retstart, retmax = _number(params, "retstart", 0), min(_number(params, "retmax", 20), EFETCH_MAX)
                pmids = self._run(self._stored(params))[0][retstart : retstart + retmax]
            else:
                raise BadRequest(EMPTY_ID_LIST)
        except BadRequest as exc:
            return efetch_error(str(exc))
        entries = (self.corpus.get(pmid) for pmid in dict.fromkeys(pmids))
        return efetch_set(e.xml for e in entries if e is not None)

    def _run(self, search: StoredSearch) -> tuple[list[int], list[str]]:
        ids, not_found = self.corpus.search(search.node, search.window)
        if search.within is not None:
            allowed = set(self._run(search.within)[0])
            ids = [pmid for pmid in ids if pmid in allowed]
        return ids, not_found

    def _stored(self, params: dict[str, str]) -> StoredSearch:
        key = params.get("query_key", "")
        with self._lock:
            searches = self._history.get(params.get("WebEnv", ""), [])
            if not key.isdigit() or not 1 <= int(key) <= len(searches):
                raise BadRequest(f"Unable to obtain query #{key}")
            return searches[int(key) - 1]

    def _store(self, webenv: str | None, search: StoredSearch) -> tuple[str, int]:
        with self._lock:
            if webenv not in self._history:
                webenv = f"MCID_{secrets.token_hex(12)}"
                self._history[webenv] = []
            self._history[webenv].append(search)
            return webenv, len(self._history[webenv])


def _check_db(params: dict[str, str]) -> None:
    db = params.get("db", "pubmed")
    if db != "pubmed":
        raise BadRequest(f"Invalid db name specified: {db or 'nothing'}")


def _window(params: dict[str, str], today: date) -> DateWindow | None:
    datetype = params.get("datetype") or "pdat"
    if datetype not in DATE_LABELS:
        raise BadRequest(f"Invalid datetype: {datetype}")
    if params.get("reldate"):
        return date_window(datetype, today - timedelta(days=_number(params, "reldate", 0)), today)
    mindate, maxdate = params.get("mindate"), params.get("maxdate")
    if not mindate and not maxdate:
        return None
    if not (mindate and maxdate):
        raise BadRequest("mindate and maxdate must be used together")
    return date_window(datetype, parse_date(mindate), parse_date(maxdate, end=True))


def _number(params: dict[str, str], name: str, default: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise BadRequest(f"Invalid {name}: {value!r}")
    return int(value)
