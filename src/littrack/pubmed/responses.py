"""Reading E-utilities answers: what a body says, and whether a failure is worth retrying.

NCBI reports errors in many shapes: an `<ERROR>` element inside an HTTP 200, an HTTP 400 whose
`<ERROR>` is really a transient backend fault, JSON for rate limits, truncated bodies. Each is
sorted here into `Transient` (retry with back-off) or `Permanent` (fail at once).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree

TRANSIENT_MARKERS = (
    "search backend failed",
    "temporarily unavailable",
    "proxy_stream",
    "server error",
    "cannot connect",
    "502",
    "503",
    "504",
)
# these also say "Search Backend failed", but asking again will never help
PERMANENT_MARKERS = ("cannot be larger than 9998", "out of acceptable range")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class Transient(Exception):
    """A failure that may pass if the request is sent again."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Permanent(Exception):
    """A failure that sending the same request again will not fix."""


@dataclass(frozen=True)
class SearchPage:
    """One eSearchResult: the total `count`, this page's ids, and the history handles."""

    count: int
    ids: list[int]
    query_key: str | None = None
    webenv: str | None = None
    query_translation: str = ""
    not_found: list[str] = field(default_factory=list)  # ErrorList children, e.g. PhraseNotFound


def read_esearch(body: bytes) -> SearchPage:
    root = _parse(body, "eSearchResult")
    _raise_for_error_elements(root)
    count = root.findtext("Count")
    if count is None or not count.strip().isdigit():
        raise Transient("eSearchResult without a Count")
    return SearchPage(
        count=int(count),
        ids=[int(i.text) for i in root.iterfind("IdList/Id")],
        query_key=root.findtext("QueryKey"),
        webenv=root.findtext("WebEnv"),
        query_translation=root.findtext("QueryTranslation") or "",
        not_found=[f"{e.tag}: {e.text}" for e in root.iterfind("ErrorList/*")],
    )


def check_efetch(body: bytes, requested: set[int]) -> bytes:
    """`body`, once it proves a complete PubmedArticleSet holding only records asked for."""
    root = _parse(body, "PubmedArticleSet", "eFetchResult")
    _raise_for_error_elements(root)
    if root.tag != "PubmedArticleSet":
        raise Transient(f"<{root.tag}> without an ERROR instead of a PubmedArticleSet")
    returned = {int(p.text) for p in root.xpath("./*/MedlineCitation/PMID | ./*/BookDocument/PMID")}
    if not returned <= requested:
        raise Transient(f"records not asked for came back: {sorted(returned - requested)[:5]}")
    return body


def classify_http_error(status: int, body: bytes, retry_after: float | None) -> Transient | Permanent:
    """What a non-200 answer means for the caller."""
    text = error_text(body)
    if status == 429:
        return Transient(f"HTTP 429 rate limited: {text}", retry_after)
    if status >= 500:
        return Transient(f"HTTP {status}: {text}", retry_after)
    return _classify_message(f"HTTP {status}: {text}")


def error_text(body: bytes) -> str:
    """The human part of an error body: `<ERROR>` texts, a JSON `error`, or the body's start."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        errors = [" ".join((e.text or "").split()) for e in root.iter("ERROR")]
        if errors:
            return "; ".join(errors)
    try:
        payload = json.loads(body)
        if isinstance(payload, dict) and "error" in payload:
            return str(payload["error"])
    except ValueError:
        pass
    return " ".join(body[:200].decode("utf-8", "replace").split()) or "(empty body)"


def _parse(body: bytes, *roots: str) -> etree._Element:
    if not body.strip():
        raise Transient("empty body")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Transient(f"truncated or unparseable body ({exc})") from None
    if root.tag not in roots:
        raise Transient(f"unexpected document <{root.tag}>")
    return root


def _raise_for_error_elements(root: etree._Element) -> None:
    errors = [" ".join((e.text or "").split()) for e in root.iterfind("ERROR")]
    if errors:
        raise _classify_message("; ".join(errors))


def _classify_message(message: str) -> Transient | Permanent:
    lowered = message.lower()
    if any(m in lowered for m in TRANSIENT_MARKERS) and not any(m in lowered for m in PERMANENT_MARKERS):
        return Transient(message)
    return Permanent(message)
