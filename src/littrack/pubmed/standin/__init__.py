"""A PubMed stand-in: ESearch and EFetch over a local corpus, on a real HTTP server on loopback.

Used by the tests and the demo instead of NCBI (which no machine here reaches). It answers in
NCBI's shapes, keeps NCBI's rate limit, date windows and 9,999-id cap, and injects faults on
request. Term matching is a documented subset of PubMed's (see `littrack.pubmed.query`).
"""

from littrack.pubmed.standin.corpus import Corpus, CorpusEntry
from littrack.pubmed.standin.faults import Faults
from littrack.pubmed.query import QueryError, parse_query, translate
from littrack.pubmed.standin.server import (
    DEFAULT_PORT,
    LoggedRequest,
    StandIn,
    StandInError,
)

__all__ = [
    "DEFAULT_PORT", "Corpus", "CorpusEntry", "Faults", "LoggedRequest", "QueryError", "StandIn", "StandInError",
    "parse_query", "translate",
]
