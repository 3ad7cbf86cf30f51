"""`littrack stub-pubmed` (issue 2, part 2): serves until Ctrl-C, says where."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import requests
from typer.testing import CliRunner

import littrack.cli.standin  # noqa: F401  (registers the command)
from littrack.cli import app
from littrack.pubmed.standin import StandIn, StandInError

# the command module alone, so this test does not depend on every other command group
SERVE = "import sys, littrack.cli.standin; from littrack.cli import app; app(sys.argv[1:])"


def test_serves_a_corpus_folder_until_interrupted(shared_dir):
    corpus = shared_dir / "pubmed-samples" / "efetch"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "stub-pubmed", "--corpus", str(corpus), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first_line = process.stdout.readline()
        match = re.fullmatch(r"PubMed stand-in serving (\d+) records at (http://127\.0\.0\.1:\d+/entrez/eutils/)\n", first_line)
        assert match, first_line
        assert process.stdout.readline() == "Press Ctrl-C to stop.\n"
        response = requests.get(f"{match[2]}esearch.fcgi", params={"db": "pubmed", "term": "Science[ta]"}, timeout=10)
        assert b"<Count>2</Count>" in response.content
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out.endswith("stopped\n")


def test_a_busy_port_is_a_one_line_error():
    with StandIn() as busy:
        port = int(busy.base_url.split(":")[2].split("/")[0])
        result = CliRunner().invoke(app, ["stub-pubmed", "--port", str(port)])
    assert isinstance(result.exception, StandInError)
    assert str(result.exception) == f"cannot listen on 127.0.0.1:{port}: Address already in use"
