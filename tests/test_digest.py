"""The morning digest (issue 14): real nights against the PubMed stand-in, mailed to a real SMTP
server on loopback (aiosmtpd), read back as the mail clients would see them."""

from __future__ import annotations

import email
import logging
import re
import shutil
import socket
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from support import run_cli

from littrack.config import ConfigError, load_config, parse_config, with_overrides
from littrack.digest.errors import SendError
from littrack.digest.mail import alert_message, send
from littrack.digest.on_demand import run_digest
from littrack.nightly.pipeline import RunOptions, run_nightly
from littrack.pubmed.standin import StandIn
from littrack.pubmed.synthetic import LATER_DATE, generate_corpus
from littrack.warehouse import Warehouse, WarehouseBusy
from littrack.warehouse.decisions_export import write_decisions_export
from littrack.warehouse.files import WarehouseFiles

# the loopback server takes a login without TLS, which aiosmtpd rightly warns about
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
REPO = Path(__file__).resolve().parents[1]
NIGHT1, NIGHT2 = LATER_DATE - timedelta(days=1), LATER_DATE
USER, PASSWORD = "littrack", "right-password-1234"
PUBMED_LINK = re.compile(r"https://pubmed\.ncbi\.nlm\.nih\.gov/(\d+)/")


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def _accept_only_the_right_password(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 535 on a failure


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """An SMTP server on loopback that demands a login (no TLS: it is loopback)."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), authenticator=_accept_only_the_right_password,
        auth_required=True, auth_require_tls=False,
    )
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(150, seed=11)


@pytest.fixture
def pubmed(corpus):
    with StandIn(corpus=corpus.articles) as server:
        yield server


@pytest.fixture(scope="module")
def first_night(corpus, tmp_path_factory) -> Path:
    """A warehouse after night 1 (which mailed nobody), for the tests of later nights."""
    warehouse = tmp_path_factory.mktemp("night1") / "littrack.duckdb"
    with StandIn(corpus=corpus.articles) as server, pytest.MonkeyPatch.context() as env:
        env.setenv("NCBI_API_KEY", "test-key")
        config = night_config(server.base_url, warehouse, smtp_port=25)
        run_nightly(replace(config, digest=replace(config.digest, recipients=())), RunOptions(today=NIGHT1))
    return warehouse


@pytest.fixture
def after_first_night(first_night, tmp_path) -> Path:
    """A copy of the night-1 warehouse folder of this test's own."""
    shutil.copytree(first_night.parent, tmp_path / "warehouse")
    return tmp_path / "warehouse" / first_night.name


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")  # 10 requests/s: faster nights
    monkeypatch.setenv("LITTRACK_SMTP_USER", USER)
    monkeypatch.setenv("LITTRACK_SMTP_PASSWORD", PASSWORD)


def night_config(base_url: str, warehouse: Path, smtp_port: int, **digest_changes):
    """The project's config.toml (real query and seeds), on the stand-in, mailing to `smtp`."""
    config = with_overrides(load_config(REPO / "config.toml"), base_url, warehouse)
    digest = replace(
        config.digest, smtp_host="127.0.0.1", smtp_port=smtp_port, starttls=False,
        recipients=("crps-team@example.org",), sender="littrack@example.org",
        review_url="http://review.example.org/", **digest_changes,
    )
    return replace(config, digest=digest)


def parts(message: EmailMessage) -> dict[str, list]:
    found: dict[str, list] = {}
    for part in message.walk():
        found.setdefault(part.get_content_type(), []).append(part)
    return found


def sends(warehouse: Path) -> list[tuple]:
    with Warehouse(warehouse).read() as con:
        return con.execute("SELECT run_id, kind, status, error FROM digest_sends ORDER BY id").fetchall()


def test_a_night_mails_the_digest_with_every_paper_waiting_for_review(pubmed, corpus, smtp, tmp_path):
    warehouse = tmp_path / "littrack.duckdb"
    summary = run_nightly(night_config(pubmed.base_url, warehouse, smtp.port), RunOptions(today=NIGHT1))

    (message,) = smtp.messages
    assert message.get_content_type() == "multipart/alternative"
    found = parts(message)
    text = found["text/plain"][0].get_content()
    html = found["text/html"][0].get_content()
    (png,) = found["image/png"]
    assert png.get_payload(decode=True).startswith(b"\x89PNG")
    assert f"cid:{png['Content-ID'].strip('<>')}" in html
    assert re.search(r"\d+ new papers", message["Subject"]) and str(NIGHT1) in message["Subject"]

    with Warehouse(warehouse).read() as con:
        queued = {p for (p,) in con.execute("SELECT pmid FROM review_queue").fetchall()}
    for part in (text, html):
        assert queued <= {int(p) for p in PUBMED_LINK.findall(part)}
    new_section = text.split("NEW PAPERS FOR REVIEW")[1].split("UPDATED PAPERS")[0]
    new_order = [int(p) for p in PUBMED_LINK.findall(new_section)]
    new_pmids = set(new_order)
    assert new_pmids and not new_pmids & set(corpus.seed_pmids.values())
    with Warehouse(warehouse).read() as con:  # most relevant first (the ranking stage's scores)
        ranked = con.execute(
            "SELECT pmid FROM review_queue WHERE pmid IN (SELECT UNNEST(?::BIGINT[]))"
            " ORDER BY relevance DESC NULLS LAST, pub_date DESC NULLS LAST, pmid", [new_order],
        ).fetchall()
    assert new_order == [p for (p,) in ranked] and "relevance 0." in new_section
    assert f"http://review.example.org/#/paper/{min(new_pmids)}" in html
    # the corpus has errata of seed papers: notices come first, naming the seed
    assert text.index("NOTICES") < text.index("NEW PAPERS FOR REVIEW")
    assert html.index("Notices") < html.index("New papers for review")
    assert "ERRATUM: seed paper" in text
    assert f"run {summary.run_id} succeeded" in text and "requests to PubMed" in text
    assert sends(warehouse) == [(summary.run_id, "digest", "sent", None)]
    # the Prefect artifact: the same digest in markdown, the chart as a table
    artifact = run_digest(night_config(pubmed.base_url, warehouse, smtp.port), summary.run_id).markdown
    assert artifact.index("## Notices") < artifact.index("## New papers for review")
    assert re.search(r"^\| year \| .*rct", artifact, re.MULTILINE)
    assert re.search(r"^\| 2009 \| \d+", artifact, re.MULTILINE)


def test_a_quiet_night_sends_nothing_unless_asked(pubmed, smtp, after_first_night):
    warehouse = after_first_night
    config = night_config(pubmed.base_url, warehouse, smtp.port)
    quiet = run_nightly(config, RunOptions(today=NIGHT1))
    assert smtp.messages == []
    assert sends(warehouse) == [(quiet.run_id, "digest", "skipped", "nothing new")]

    run_nightly(replace(config, digest=replace(config.digest, send_when_empty=True)),
                RunOptions(today=NIGHT1))
    assert len(smtp.messages) == 1 and "0 new papers" in smtp.messages[-1]["Subject"]


def test_the_next_night_tells_first_that_an_included_paper_was_retracted(
    pubmed, corpus, smtp, after_first_night
):
    warehouse = after_first_night
    config = night_config(pubmed.base_url, warehouse, smtp.port)
    retracted = corpus.traps["retraction_later"][0]
    decided = datetime(2026, 11, 20, 9, tzinfo=UTC)
    write_decisions_export(WarehouseFiles.beside(warehouse).decisions_export, [
        (1, retracted, [retracted], "ana", "decide", "include", None, None, [], 1, "h", decided),
    ])
    for state in corpus.later_states.values():
        pubmed.corpus.upsert(state)
    run_nightly(config, RunOptions(today=NIGHT2))

    text = parts(smtp.messages[-1])["text/plain"][0].get_content()
    notices = text.split("NOTICES")[1].split("NEW PAPERS")[0]
    assert "RETRACTED: included paper" in notices and f"/{retracted}/" in notices
    assert "UPDATED PAPERS" in text


def test_a_failed_night_mails_an_alert_with_what_the_next_run_catches_up(smtp, after_first_night):
    warehouse = after_first_night
    config = night_config(f"http://127.0.0.1:{_free_port()}/", warehouse, smtp.port)  # PubMed down
    down = replace(config, pubmed=replace(config.pubmed, max_retries=0))

    with pytest.raises(Exception, match="cannot connect"):
        run_nightly(down, RunOptions(today=NIGHT2))

    alert = smtp.messages[-1]
    assert "FAILED" in alert["Subject"] and alert.get_content_type() == "text/plain"
    body = alert.get_content()
    assert "cannot connect" in body
    overlap_start = NIGHT1 - timedelta(days=config.run.overlap_days)
    assert f"cursor did not move (last successful search up to {NIGHT1})" in body
    assert f"searches again from {overlap_start}" in body
    with Warehouse(warehouse).read() as con:
        failed_run = con.execute("SELECT max(id) FROM runs WHERE status = 'failed'").fetchone()[0]
    assert sends(warehouse)[-1] == (failed_run, "alert", "sent", None)


def test_a_night_that_never_opened_the_warehouse_still_mails_its_alert(
    pubmed, smtp, after_first_night, caplog
):
    caplog.set_level(logging.INFO, logger="littrack")
    config = night_config(pubmed.base_url, after_first_night, smtp.port)
    config = replace(config, warehouse=replace(config.warehouse, lock_timeout_seconds=0.2))

    with Warehouse(after_first_night).write(), pytest.raises(WarehouseBusy):  # another writer
        run_nightly(config, RunOptions(today=NIGHT2))

    (alert,) = smtp.messages
    assert "the nightly run FAILED" in alert["Subject"]
    assert "WarehouseBusy" in alert.get_content() and "is busy" in alert.get_content()
    assert "not recorded: the warehouse was not open" in caplog.text
    assert sends(after_first_night) == []


def test_a_wrong_smtp_password_is_one_log_line_and_the_run_still_succeeds(
    pubmed, corpus, smtp, after_first_night, monkeypatch, caplog
):
    monkeypatch.setenv("LITTRACK_SMTP_PASSWORD", "wrong-password-5678")
    warehouse = after_first_night
    config = night_config(pubmed.base_url, warehouse, smtp.port)
    pubmed.corpus.upsert(corpus.later_states["version_2"])

    with caplog.at_level(logging.INFO, logger="littrack"):
        summary = run_nightly(config, RunOptions(today=NIGHT2))

    assert summary.status == "succeeded" and summary.counts["updated"] == 1
    assert smtp.messages == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert "\n" not in line and "NOT sent" in line and "refused the login" in line and "535" in line
    assert "wrong-password" not in caplog.text and PASSWORD not in caplog.text
    ((run_id, kind, status, error),) = sends(warehouse)
    assert (run_id, kind, status) == (summary.run_id, "digest", "failed")
    assert "refused the login" in error and "wrong-password" not in error
    with Warehouse(warehouse).read() as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("succeeded",)] * 2
        assert con.execute("SELECT max(version) FROM papers").fetchone()[0] == 2


def test_the_digest_command_renders_saves_and_resends_any_window(
    smtp, after_first_night, tmp_path, capsys
):
    warehouse = after_first_night
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        (REPO / "config.toml").read_text().replace("recipients = []", 'recipients = ["a@example.org"]')
        .replace('smtp_port = 587', f"smtp_port = {smtp.port}").replace("starttls = true", "starttls = false")
        .replace('smtp_host = "localhost"', 'smtp_host = "127.0.0.1"')
    )
    cli = ("--config", config_file, "--warehouse", warehouse, "digest")

    code, out, _ = run_cli(capsys, *cli)
    assert code == 0 and "NEW PAPERS FOR REVIEW" in out
    page = tmp_path / "digest.html"
    code, out, _ = run_cli(capsys, *cli, "--since", "2000-01-01", "--output", page)
    assert code == 0 and page.read_text().count("data:image/png;base64,") == 1
    code, out, _ = run_cli(capsys, *cli, "--send")
    assert code == 0 and "sent to a@example.org" in out
    (message,) = smtp.messages
    assert message["Subject"].startswith(f"littrack {NIGHT1}: 3 notices")
    assert sends(warehouse) == [(1, "digest", "sent", None)]

    code, _, err = run_cli(capsys, *cli, "--since", "2999-01-01")
    assert (code, err.strip()) == (1, "Error: no runs since 2999-01-01 in the warehouse")


def test_starttls_against_a_server_without_it_is_one_clear_error(smtp):
    settings = replace(
        night_config("http://127.0.0.1/", Path("unused.duckdb"), smtp.port).digest, starttls=True
    )
    with pytest.raises(SendError) as failure:
        send(alert_message("subject", "body", settings), settings)
    assert str(failure.value) == (
        f"SMTP 127.0.0.1:{smtp.port} could not be used: SMTPNotSupportedError:"
        " STARTTLS extension not supported by server."
    )
    assert smtp.messages == []


@pytest.mark.parametrize("digest, message", [
    ({"recipients": "team@example.org"}, "[digest] recipients must be a list of strings"),
    ({"recipients": ["not an address"]}, "[digest] sender and recipients must be e-mail addresses"),
    ({"starttls": "yes"}, "[digest] starttls must be true or false"),
    ({"smtp_port": 0}, "[digest] smtp_port must be between 1 and 65535"),
])
def test_a_bad_digest_section_is_a_one_line_config_error(digest, message):
    raw = tomllib.loads((REPO / "config.toml").read_text())
    raw["digest"].update(digest)
    with pytest.raises(ConfigError) as failure:
        parse_config(raw)
    assert str(failure.value) == message
