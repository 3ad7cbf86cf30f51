"""What the triage page's tests share: a real demo warehouse (the synthetic corpus through the
nightly library), reviewers, and the review server as a real process on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Self

import requests

from littrack.config import load_config, with_overrides
from littrack.demo import run_demo
from littrack.nightly.files import load_files
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.synthetic import DEMO_N, DEMO_SEED, generate_corpus
from littrack.pubmed.synthetic.draft import article_set_document
from littrack.review.auth import add_reviewer
from littrack.review.store import ReviewStore
from littrack.warehouse.files import WarehouseFiles

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
# rendered as text, or they would set window.__pwned (or open a dialog)
HOSTILE_TITLE = '<script>window.__pwned = "script"</script>Ketamine <img src=x onerror="window.__pwned = \'img\'"> in CRPS'
HOSTILE_ABSTRACT = (
    'Ketamine for complex regional pain syndrome. <a href="javascript:window.__pwned = \'link\'">'
    "read more</a> <iframe src=\"javascript:alert(1)\"></iframe> &amp; <b onmouseover=alert(1)>bold</b>"
)
HOSTILE_PMIDS = (90009001, 90009002)
# Debian's chromium (apt-get install chromium), launched by Playwright's bundled driver offline
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def project_config(warehouse: Path, **review):
    config = with_overrides(load_config(REPO / "config.toml"), warehouse_path=warehouse)
    return replace(config, review=replace(config.review, **review))


def build_review_warehouse(folder: Path) -> Path:
    """Two demo nights through the nightly library, plus two hostile records loaded from a file."""
    os.environ.setdefault("NCBI_API_KEY", "test-key")  # 10 requests/s against the stand-in
    warehouse = folder / "littrack.duckdb"
    config = project_config(warehouse)

    def run_flow(base_url, warehouse_path, today):
        return run_nightly(with_overrides(config, base_url, warehouse_path), RunOptions(today=today))

    run_demo(run_flow, warehouse)
    hostile = folder / "hostile.xml"
    hostile.write_bytes(article_set_document(hostile_articles()))
    load_files(config, [hostile])
    return warehouse


def hostile_articles() -> list[bytes]:
    """Two demo records under new PMIDs, with markup and javascript: links in title and abstract."""
    article = generate_corpus(DEMO_N, seed=DEMO_SEED).articles[20]
    pmid = re.search(rb"<PMID Version=\"1\">(\d+)</PMID>", article).group(1)
    made = []
    for new_pmid in HOSTILE_PMIDS:
        text = article.replace(pmid, str(new_pmid).encode())
        text = re.sub(rb"<ArticleTitle>.*?</ArticleTitle>", b"<ArticleTitle>" + _xml(HOSTILE_TITLE) + b"</ArticleTitle>", text)
        text = re.sub(rb"<Abstract>.*?</Abstract>",
                      b"<Abstract><AbstractText>" + _xml(HOSTILE_ABSTRACT) + b"</AbstractText></Abstract>", text)
        made.append(text)
    return made


def _xml(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def add_reviewers(warehouse: Path, *names: str) -> None:
    store = ReviewStore(WarehouseFiles.beside(warehouse).review_db)
    try:
        for name in names:
            add_reviewer(store, name, PASSWORD)
    finally:
        store.close()


def write_config(folder: Path, warehouse: Path, mode: str = "dual", live_ranking: bool = True) -> Path:
    path = folder / "config.toml"
    path.write_text(
        '[pubmed]\nquery = "ketamine AND CRPS"\nemail = "tests@example.org"\n'
        f"[warehouse]\npath = {str(warehouse)!r}\n"
        f'[review]\nmode = "{mode}"\ninclude_words = ["ketamine", "complex regional pain syndrome"]\n'
        'exclude_words = ["placebo"]\n'
        'exclusion_reasons = ["not CRPS", "wrong design"]\n'
        f"live_ranking = {str(live_ranking).lower()}\n"
    )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ReviewProcess:
    """`littrack review` in a child process, on a free loopback port."""

    config: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ReviewProcess:
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "littrack", "--config", str(self.config), "review", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/api/session", timeout=2).status_code == 401:
                    return self
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the review server ended: {self.process.stderr.read()}")
            assert time.monotonic() < deadline, "the review server did not start within 60 s"
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM, as systemd stops it: a clean stop exits 0."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            assert self.process.wait(timeout=30) == 0, self.process.stderr.read()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Reviewer:
    """A signed-in API client."""

    def __init__(self, url: str, name: str, password: str = PASSWORD):
        self.url, self.name = url, name
        self.http = requests.Session()
        response = self.http.post(f"{url}/api/session", json={"name": name, "password": password})
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf_token"]

    def reconnected(self) -> Reviewer:
        """The same signed-in reviewer over new connections (after a server restart)."""
        again = object.__new__(Reviewer)
        again.url, again.name, again.csrf = self.url, self.name, self.csrf
        again.http = requests.Session()
        again.http.cookies.update(self.http.cookies)
        return again

    def get(self, path: str, **params):
        return self.http.get(self.url + path, params=params, timeout=30)

    def post(self, path: str, body: dict, csrf: bool = True):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.http.post(self.url + path, json=body, headers=headers, timeout=30)

    def decide(self, pmid: int, decision: str, **extra):
        return self.post("/api/decisions", {"pmid": pmid, "decision": decision, **extra})

    def queue(self, filter: str = "undecided", **params) -> list[dict]:
        response = self.get("/api/queue", filter=filter, limit=500, **params)
        assert response.status_code == 200, response.text
        return response.json()["items"]


def clone_warehouse(source: Path, folder: Path) -> Path:
    """A copy of a built warehouse with its own side files (a write session re-points the views)."""
    from littrack.warehouse import Warehouse

    folder.mkdir(parents=True, exist_ok=True)
    files, copy = WarehouseFiles.beside(source), WarehouseFiles.beside(folder / source.name)
    for original, duplicate in ((files.published, copy.published), (files.store, copy.store)):
        duplicate.write_bytes(original.read_bytes())
    with Warehouse(copy.published).write():
        pass
    return copy.published


def analysts_view(warehouse: Path, sql: str) -> list[tuple]:
    """`sql` on a new read-only analyst connection to the snapshot."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def wait_for(condition, seconds: float = 30):
    """Poll `condition` until it returns something true (which is returned)."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not true within {seconds} s"
        time.sleep(0.2)
    return result
