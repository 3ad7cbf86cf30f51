"""Shared fixtures: an isolated environment and the paths of the shared test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LITTRACK_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch):
    """No LITTRACK_* / PREFECT_* / NCBI key from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith(("LITTRACK_", "NCBI_")) or (
            name.startswith("PREFECT_") and name not in _PREFECT_SESSION_VARS
        ):
            monkeypatch.delenv(name, raising=False)


# set for the whole test session (below); kept by `isolated_environment`
_PREFECT_SESSION_VARS = {"PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_HOME", "PREFECT_LOGGING_LEVEL"}


def pytest_configure(config):
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared test data not found at {SHARED} (set LITTRACK_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def efetch_samples(shared_dir) -> list[Path]:
    """Real NCBI efetch output, one file per record set."""
    return sorted((shared_dir / "pubmed-samples" / "efetch").glob("*.xml"))


@pytest.fixture(scope="session")
def _standin_server(efetch_samples):
    from littrack.pubmed.standin import StandIn

    with StandIn(efetch_samples) as server:
        yield server


@pytest.fixture
def standin(_standin_server):
    """The PubMed stand-in (real HTTP on loopback) serving the shared efetch samples, started
    once per session; request log, faults and rate-limit windows are fresh for each test.
    Tests that change records start their own `StandIn` instead of editing this corpus."""
    _standin_server.reset()
    return _standin_server


@pytest.fixture(scope="session")
def review_warehouse(tmp_path_factory):
    """The demo corpus through the nightly library, plus two hostile records, built once for the
    triage page's tests; each test module works on a copy (`review_support.clone_warehouse`)."""
    from review_support import build_review_warehouse

    return build_review_warehouse(tmp_path_factory.mktemp("review-demo"))


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect server for every test that runs a real flow (starting one costs ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


# Property tests: a developer's run draws new random examples (and may find a new bug); CI replays
# the same derandomized examples every time, so a build never fails on one nobody has seen before.
# (Recent Hypothesis loads a built-in "ci" profile when CI is set; this one extends it, and says so.)
from hypothesis import settings

settings.register_profile("ci", derandomize=True)
if "CI" in os.environ:
    settings.load_profile("ci")
