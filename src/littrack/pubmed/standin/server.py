"""The stand-in as a real HTTP server on loopback, with NCBI's rate limit, injected faults and
a log of every request for tests to assert on."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from littrack.errors import LittrackError
from littrack.pubmed.standin.corpus import Corpus
from littrack.pubmed.standin.eutils import Eutils
from littrack.pubmed.standin.faults import FaultPlan, Faults, Injected, rate_limit_reply
from littrack.pubmed.standin.shapes import Reply, json_error

BASE_PATH = "/entrez/eutils/"
DEFAULT_PORT = 8765
RATE_WITHOUT_KEY = 3
RATE_WITH_KEY = 10


class StandInError(LittrackError):
    """The stand-in could not start."""


@dataclass(frozen=True)
class LoggedRequest:
    endpoint: str  # "esearch", "efetch", or the path when it is neither
    method: str
    params: dict[str, str]
    status: int
    time: float  # time.monotonic() when the request arrived
    fault: str | None = None  # the fault injected, if any


class StandIn:
    """ESearch/EFetch over `corpus` at `base_url` while started (`with StandIn(...) as s:`).

    `corpus`: a `Corpus`, or sources for `Corpus.load` (paths, XML bytes, entries).
    `api_keys`: the keys it accepts (None: any). `today`: its clock for `reldate`.
    """

    def __init__(
        self,
        corpus: Corpus | Iterable | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_keys: Iterable[str] | None = None,
        today: Callable[[], date] = date.today,
        rate_limit: bool = True,
        cap_error_status: int = 200,
    ) -> None:
        self.corpus = corpus if isinstance(corpus, Corpus) else Corpus.load(corpus or ())
        self.eutils = Eutils(self.corpus, today, cap_error_status)
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.rate_limit = rate_limit
        self._address = (host, port)
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._arrivals: dict[str, deque[float]] = defaultdict(deque)
        self._plan = FaultPlan(Faults())
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> StandIn:
        try:
            self._httpd = ThreadingHTTPServer(self._address, _handler_for(self))
        except OSError as exc:
            raise StandInError(f"cannot listen on {self._address[0]}:{self._address[1]}: {exc.strerror or exc}") from None
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="pubmed-standin", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        """Serve until interrupted (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    # --- what tests see and switch ------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    @property
    def faults(self) -> Faults:
        return self._plan.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._plan = FaultPlan(faults)

    def reset(self) -> None:
        """Clear the request log, the rate-limit windows and any faults."""
        with self._lock:
            self._log.clear()
            self._arrivals.clear()
        self.faults = Faults()

    # --- answering ----------------------------------------------------------------------------

    def answer(self, endpoint: str, params: dict[str, str], client: str, arrival: float) -> tuple[Reply, Injected | None]:
        if endpoint not in ("esearch", "efetch"):
            return Reply(404, b"Not Found", "text/plain"), None
        key = params.get("api_key")
        if key is not None and self.api_keys is not None and key not in self.api_keys:
            return json_error(400, {"error": "API key invalid", "api-key": key, "type": "invalid", "status": "unknown"}), None
        if self.rate_limit:
            limited = self._over_limit(f"key:{key}" if key else client, RATE_WITH_KEY if key else RATE_WITHOUT_KEY, arrival)
            if limited:
                return limited, None
        injected = self._plan.draw(endpoint)
        if injected and injected.reply:
            return injected.reply, injected
        reply = self.eutils.esearch(params) if endpoint == "esearch" else self.eutils.efetch(params)
        return reply, injected

    def _over_limit(self, who: str, limit: int, arrival: float) -> Reply | None:
        """NCBI's limit over any one-second window; refused requests count too."""
        with self._lock:
            window = self._arrivals[who]
            while window and window[0] <= arrival - 1.0:
                window.popleft()
            window.append(arrival)
            if len(window) > limit:
                return rate_limit_reply(who.removeprefix("key:"), len(window), limit)
        return None

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections

        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, form: bytes) -> None:
            arrival = time.monotonic()
            url = urlsplit(self.path)
            params = _params(url.query, form.decode("utf-8", "replace"))
            endpoint = url.path.removeprefix(BASE_PATH).removesuffix(".fcgi")
            reply, injected = standin.answer(endpoint, params, self.client_address[0], arrival)
            if standin.faults.latency:
                time.sleep(standin.faults.latency)
            # logged before the answer leaves, so a client that has its answer sees it logged
            standin.record(LoggedRequest(endpoint, self.command, params, reply.status, arrival,
                                         injected.name if injected else None))
            self._send(reply, injected.cut if injected else None)

        def _send(self, reply: Reply, cut: str | None) -> None:
            body, length = reply.body, len(reply.body)
            if cut == "short_read":  # promise the whole body, send half, hang up
                body, self.close_connection = body[: length // 2], True
            elif cut == "cut_document":
                body = body[: length // 2]
                length = len(body)
            elif cut == "empty":
                body, length = b"", 0
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(length))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            """Silent: the request log is the record, and URLs may carry an api_key."""

    return Handler


def _params(query: str, form: str) -> dict[str, str]:
    """Query-string and form parameters; repeated `id`s are joined as NCBI does."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True) + parse_qsl(form, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name == "id" and params.get(name) else value
    return params
