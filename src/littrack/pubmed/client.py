"""The E-utilities client: ESearch over date windows of any size, EFetch in verified batches.

All traffic goes through `EutilsClient._call`: one `requests.Session`, the process-wide rate
limiter, timeouts, and retries with back-off for everything NCBI sends that may pass (429,
5xx, broken bodies, `<ERROR>Search Backend failed…` in an HTTP 200). The API key travels on
every request but is kept out of every message and log line.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from littrack.config import PubMedSettings
from littrack.pubmed.backoff import Backoff, parse_retry_after
from littrack.pubmed.errors import PubMedError, PubMedRequestError, PubMedUnavailable
from littrack.pubmed.ratelimit import (
    RATE_WITH_KEY,
    RATE_WITHOUT_KEY,
    RateLimiter,
    shared_limiter,
)
from littrack.pubmed.responses import (
    Permanent,
    SearchPage,
    Transient,
    check_efetch,
    classify_http_error,
    read_esearch,
)
from littrack.pubmed.window import DateWindow

log = logging.getLogger(__name__)

SEARCH_CAP = 9_999  # PubMed hands out at most this many ids of one search
POST_ABOVE_IDS = 200
# a window without dates that still has too many hits is searched as all Entrez dates
EARLIEST_EDAT = date(1700, 1, 1)

T = TypeVar("T")


class EutilsClient:
    """Talks to E-utilities at `settings.base_url`; use as a context manager or call `close()`."""

    def __init__(
        self,
        settings: PubMedSettings,
        session: requests.Session | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        limiter: RateLimiter | None = None,
        give_up_after: float | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/") + "/"
        self._api_key = settings.api_key
        self._session = session or _new_session()
        self._owns_session = session is None
        self._sleep = sleep
        self._backoff = Backoff(settings.backoff_initial_seconds, settings.backoff_max_seconds, rng or random.Random())
        self._limiter = limiter or shared_limiter(RATE_WITH_KEY if self._api_key else RATE_WITHOUT_KEY)
        self.waits: list[float] = []  # back-off waits so far, for logs and tests
        self.give_up_after: float | None = give_up_after
        self.requests_sent = 0  # HTTP requests so far, retries included (the run's health)

    # --- search -------------------------------------------------------------------------------

    def search(self, term: str, window: DateWindow | None = None) -> list[int]:
        """Every PMID matching `term` (within `window`), each once, in ascending order.

        A window with more hits than PubMed hands out is split (years → months → days) until
        every part is under the cap; a window under the cap costs one request.
        """
        found: set[int] = set()
        self._collect(term, window, found, webenv=None)
        return sorted(found)

    def _collect(self, term: str, window: DateWindow | None, found: set[int], webenv: str | None) -> str | None:
        page = self._esearch(term, window, retstart=0, webenv=webenv)
        webenv = page.webenv or webenv
        if page.count > SEARCH_CAP:
            for part in self._split(term, window, page.count):
                webenv = self._collect(term, part, found, webenv)
            return webenv
        found.update(page.ids)
        retstart = len(page.ids)
        while retstart < page.count and page.ids:  # only when the server pages below the cap
            page = self._esearch(term, window, retstart=retstart, webenv=webenv)
            found.update(page.ids)
            retstart += len(page.ids)
        return webenv

    def _split(self, term: str, window: DateWindow | None, count: int) -> list[DateWindow]:
        window = window or DateWindow("edat", EARLIEST_EDAT, date(date.today().year + 1, 12, 31))
        parts = window.split()
        if not parts:
            raise PubMedError(
                f"esearch {window}: {count} hits on a single day, more than PubMed "
                f"returns ({SEARCH_CAP}); narrow the query"
            )
        log.info("esearch %s has %d hits (cap %d): splitting into %d windows", window, count, SEARCH_CAP, len(parts))
        return parts

    def _esearch(self, term: str, window: DateWindow | None, retstart: int, webenv: str | None) -> SearchPage:
        params = {"db": "pubmed", "term": term, "retstart": str(retstart), "retmax": str(SEARCH_CAP), "usehistory": "y"}
        if window:
            params |= window.params()
        if webenv:
            params["WebEnv"] = webenv
        page = self._call("esearch", params, read_esearch)
        if page.not_found:
            log.warning("%s: PubMed warns: %s", describe("esearch", params), "; ".join(page.not_found))
        return page

    # --- fetch --------------------------------------------------------------------------------

    def fetch(self, pmids: Sequence[int]) -> Iterator[bytes]:
        """PubMed XML for `pmids`, one complete and verified PubmedArticleSet per batch of
        `batch_size`; unknown ids are simply absent. Batches are fetched as they are consumed."""
        size = self.settings.batch_size
        for first in range(0, len(pmids), size):
            batch = list(dict.fromkeys(pmids[first : first + size]))
            params = {"db": "pubmed", "retmode": "xml", "id": ",".join(map(str, batch))}
            requested = set(batch)
            read = lambda body: check_efetch(body, requested)  # noqa: E731
            yield self._call("efetch", params, read, post=len(batch) > POST_ABOVE_IDS)

    # --- transport ----------------------------------------------------------------------------

    def _call(self, endpoint: str, params: dict[str, str], read: Callable[[bytes], T], post: bool = False) -> T:
        """Send one request until it yields a readable answer, retrying what may pass.

        Gives up after `max_retries` retries, or sooner when the next wait would end more than
        `give_up_after` seconds after the first failure (interactive runs set that bound).
        """
        params = params | self._identity()
        url = f"{self.base_url}{endpoint}.fcgi"
        attempts = self.settings.max_retries + 1
        first_failure = None
        for attempt in range(1, attempts + 1):
            self._limiter.acquire()
            self.requests_sent += 1
            try:
                return read(self._send(url, params, post))
            except Transient as failure:
                reason, retry_after = str(failure), failure.retry_after
            except Permanent as failure:
                raise PubMedRequestError(
                    f"{describe(endpoint, params, with_query=True)} rejected: {failure}"
                ) from None
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                reason, retry_after = network_failure(exc, self.settings.timeout_seconds), None
            first_failure = first_failure or time.monotonic()
            if attempt == attempts:
                break
            wait = self._backoff.delay(attempt - 1, retry_after)
            if self.give_up_after is not None and (
                time.monotonic() + wait - first_failure > self.give_up_after
            ):
                raise PubMedUnavailable(
                    f"{describe(endpoint, params)} failed {attempt} times in"
                    f" {time.monotonic() - first_failure:.0f} s, giving up (limit"
                    f" {self.give_up_after:g} s): {reason}"
                )
            self.waits.append(wait)
            log.warning("%s failed: %s; attempt %d of %d, next in %.1f s",
                        describe(endpoint, params), reason, attempt, attempts, wait)
            self._sleep(wait)
        raise PubMedUnavailable(f"{describe(endpoint, params)} failed {attempts} times; last: {reason}")

    def _send(self, url: str, params: dict[str, str], post: bool) -> bytes:
        timeout = (min(10.0, self.settings.timeout_seconds), self.settings.timeout_seconds)
        if post:
            response = self._session.post(url, data=params, timeout=timeout)
        else:
            response = self._session.get(url, params=params, timeout=timeout)
        body = response.content  # a short read raises ChunkedEncodingError, a ConnectionError
        if response.status_code != 200:
            raise classify_http_error(response.status_code, body, parse_retry_after(response.headers.get("Retry-After")))
        return body

    def _identity(self) -> dict[str, str]:
        identity = {"tool": self.settings.tool, "email": self.settings.email}
        if self._api_key:
            identity["api_key"] = self._api_key
        return identity

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def describe(endpoint: str, params: dict[str, str], with_query: bool = False) -> str:
    """Name a request briefly, e.g. `esearch edat 2026-11-18..2026-11-21` or `efetch 500 ids
    (123,456,…)`; the search term only when it is what PubMed rejected. Never the api_key."""
    parts = [endpoint]
    if "datetype" in params:
        start, end = (params.get(k, "").replace("/", "-") for k in ("mindate", "maxdate"))
        parts.append(f"{params['datetype']} {start}..{end}")
    if int(params.get("retstart", 0) or 0):
        parts.append(f"from {params['retstart']}")
    if "query_key" in params:
        parts.append(f"query_key={params['query_key']}")
    if "id" in params:
        ids = params["id"].split(",")
        shown = ",".join(ids[:3]) + (",…" if len(ids) > 3 else "")
        parts.append(f"id={shown}" if len(ids) == 1 else f"{len(ids)} ids ({shown})")
    if with_query and "term" in params:
        parts.append(f"query {_shorten(params['term'])!r}")
    return " ".join(parts)


def network_failure(exc: requests.RequestException, timeout_seconds: float) -> str:
    """What went wrong on the wire, in a few words (requests' own texts repeat the whole URL)."""
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the response was cut short"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "no connection within the connect timeout"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout_seconds:g} s"
    host = urlsplit(exc.request.url).netloc if exc.request is not None and exc.request.url else "PubMed"
    cause = exc
    while cause.__context__ is not None or cause.__cause__ is not None:
        cause = cause.__cause__ or cause.__context__
    detail = getattr(cause, "strerror", None) or type(cause).__name__
    return f"cannot connect to {host} ({detail})"


def _shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def redact(text: str, secret: str | None) -> str:
    """`text` with any api_key value removed (exception texts of requests contain the URL)."""
    text = re.sub(r"(api_key=)[^&\s'\")]+", r"\1***", text)
    # NCBI keys are 36 characters; a short test key would turn ordinary words into ***
    return text.replace(secret, "***") if secret and len(secret) >= 8 else text


def _new_session() -> requests.Session:
    session = requests.Session()
    # several threads may share one client; keep a connection per thread alive
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _RedactApiKey(logging.Filter):
    """urllib3 logs request URLs at DEBUG; GET requests carry the api_key in theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a, None) if isinstance(a, str) else a for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactApiKey())
