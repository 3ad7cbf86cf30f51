"""PubMed E-utilities: the client the pipeline uses, and (in `standin`) a local stand-in server."""

from littrack.pubmed.client import EutilsClient
from littrack.pubmed.errors import PubMedError, PubMedRequestError, PubMedUnavailable
from littrack.pubmed.window import DateWindow

__all__ = ["DateWindow", "EutilsClient", "PubMedError", "PubMedRequestError", "PubMedUnavailable"]
