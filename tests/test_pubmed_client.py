"""The E-utilities client against the stand-in over real HTTP (issue 2, part 1): searches of
any size, verified batches, retries under injected faults, clear errors, a key kept secret."""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta

import pytest

from littrack.config import PubMedSettings
from littrack.parse import PubmedRecord, iter_pubmed
from littrack.pubmed import (
    DateWindow,
    EutilsClient,
    PubMedError,
    PubMedRequestError,
    PubMedUnavailable,
)
from littrack.pubmed.standin import Corpus, CorpusEntry, Faults, StandIn

KEY_ENV = "NCBI_API_KEY_FOR_TESTS"
KEY = "s3cr3t-key-0123456789"
YEAR_2021 = DateWindow("edat", date(2021, 1, 1), date(2021, 12, 31))
MARCH_DAYS = 31


def settings(server: StandIn, **overrides) -> PubMedSettings:
    values = {"base_url": server.base_url, "email": "tests@example.org", "api_key_env": KEY_ENV,
              "backoff_initial_seconds": 0.5, "backoff_max_seconds": 4.0} | overrides
    return PubMedSettings(**values)


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    """Tests run with a key (10 requests/s) unless they drop it, to stay quick."""
    monkeypatch.setenv(KEY_ENV, KEY)


@pytest.fixture(scope="module")
def crowd():
    """25,000 records entered in 2021: 10,500 in March (so March splits into days), the rest
    spread over the other months; 10,000 more share one publication day."""
    march = [date(2021, 3, 1) + timedelta(n % MARCH_DAYS) for n in range(10_500)]
    other_days = [d for d in (date(2021, 1, 1) + timedelta(n) for n in range(365)) if d.month != 3]
    rest = [other_days[n % len(other_days)] for n in range(14_500)]
    entries = [CorpusEntry.stub(100_000 + n, day, title="ketamine") for n, day in enumerate(march + rest)]
    entries += [CorpusEntry.stub(500_000 + n, date(2019, 5, 5), pdat=date(2019, 5, 5), title="esketamine")
                for n in range(10_000)]
    with StandIn(Corpus(entries)) as server:
        yield server


def test_25000_hits_in_one_window_come_back_once_each(crowd):
    crowd.reset()
    with EutilsClient(settings(crowd)) as client:
        ids = client.search("ketamine", YEAR_2021)
    assert ids == list(range(100_000, 125_000))
    windows = [(r.params["mindate"], r.params["maxdate"]) for r in crowd.requests]
    months = [(f"2021/{m:02d}/01", f"2021/{m:02d}/{calendar.monthrange(2021, m)[1]}") for m in range(1, 13)]
    march_days = [(f"2021/03/{d:02d}",) * 2 for d in range(1, MARCH_DAYS + 1)]
    # depth first: the year, its months, and March (10,500 hits) day by day
    assert windows == [("2021/01/01", "2021/12/31"), *months[:3], *march_days, *months[3:]]
    assert {r.params["usehistory"] for r in crowd.requests} == {"y"}
    assert len({r.params.get("WebEnv") for r in crowd.requests[1:]}) == 1  # one history session


def test_a_nightly_search_with_nothing_new_costs_one_request(crowd):
    crowd.reset()
    with EutilsClient(settings(crowd)) as client:
        assert client.search("ketamine", DateWindow("edat", date(2022, 1, 1), date(2022, 1, 2))) == []
    assert len(crowd.requests) == 1


def test_a_single_day_over_the_cap_is_a_clear_error(crowd):
    with EutilsClient(settings(crowd)) as client, pytest.raises(PubMedError) as raised:
        client.search("esketamine", DateWindow("pdat", date(2019, 5, 5), date(2019, 5, 5)))
    assert str(raised.value) == (
        "esearch pdat 2019-05-05..2019-05-05: 10000 hits on a single day, "
        "more than PubMed returns (9999); narrow the query"
    )


def test_fetch_streams_verified_batches_posting_large_ones(crowd):
    crowd.reset()
    wanted = list(range(100_000, 100_450)) + [99]  # 99: unknown, simply absent
    with EutilsClient(settings(crowd, batch_size=300)) as client:
        batches = client.fetch(wanted)
        first = next(batches)
        assert len(crowd.requests) == 1  # the second batch waits until it is asked for
        documents = [first, *batches]
    assert [r.method for r in crowd.requests] == ["POST", "GET"]
    pmids = [r.pmid for doc in documents for r in iter_pubmed(doc)]
    assert pmids == wanted[:-1]


def test_every_record_arrives_once_under_faults(crowd):
    crowd.reset()
    crowd.faults = Faults(error_rate=0.2, truncate_rate=0.15, error_in_200_rate=0.1, burst_429=3, retry_after=1.5, seed=11)
    waits: list[float] = []
    with EutilsClient(settings(crowd, batch_size=100), sleep=waits.append) as client:
        ids = client.search("ketamine", DateWindow("edat", date(2021, 1, 1), date(2021, 2, 28)))
        records = [r for doc in client.fetch(ids) for r in iter_pubmed(doc)]
    assert all(isinstance(r, PubmedRecord) for r in records)
    assert sorted(r.pmid for r in records) == ids and len(ids) == len(set(ids)) > 1000
    injected = [r.fault for r in crowd.requests if r.fault]
    assert set(injected) == {"429", "error", "truncate", "error_in_200"}
    assert min(waits[:3]) >= 1.5  # Retry-After honoured
    assert len(waits) == len(injected)


def test_backoff_waits_grow_and_are_capped_then_give_up(crowd):
    crowd.reset()
    crowd.faults = Faults(error_rate=1.0, seed=3)
    waits: list[float] = []
    config = settings(crowd, max_retries=6, backoff_initial_seconds=1.0, backoff_max_seconds=8.0)
    with EutilsClient(config, sleep=waits.append) as client, pytest.raises(PubMedUnavailable) as raised:
        client.search("ketamine", YEAR_2021)
    assert len(crowd.requests) == 7 and len(waits) == 6
    assert waits[:4] == sorted(waits[:4]) and waits[3] >= 4.0
    assert max(waits) <= 8.0
    assert str(raised.value).startswith("esearch edat 2021-01-01..2021-12-31 failed 7 times; last: ")


def test_a_bad_id_fails_at_once_naming_the_request(standin):
    waits: list[float] = []
    with EutilsClient(settings(standin), sleep=waits.append) as client, pytest.raises(PubMedRequestError) as raised:
        list(client.fetch([0]))
    assert str(raised.value) == "efetch id=0 rejected: HTTP 400: ID list is empty! Possibly it has no correct IDs."
    assert len(standin.requests) == 1 and waits == []


def test_a_bad_query_fails_at_once_naming_the_request(standin):
    with EutilsClient(settings(standin)) as client, pytest.raises(PubMedRequestError) as raised:
        client.search("(ketamine AND crps")
    assert str(raised.value) == "esearch query '(ketamine AND crps' rejected: HTTP 400: unbalanced parentheses"
    assert len(standin.requests) == 1


def test_identity_goes_on_every_request_and_the_key_nowhere_else(crowd, caplog):
    crowd.reset()
    crowd.faults = Faults(error_rate=0.3, truncate_rate=0.2, seed=2)
    caplog.set_level(logging.DEBUG)
    with EutilsClient(settings(crowd, batch_size=250), sleep=lambda s: None) as client:
        ids = client.search("ketamine", DateWindow("edat", date(2021, 2, 1), date(2021, 2, 10)))
        list(client.fetch(ids))
    sent = [(r.params["tool"], r.params["email"], r.params["api_key"]) for r in crowd.requests]
    assert set(sent) == {("littrack", "tests@example.org", KEY)} and len(sent) > 3
    assert "GET" in {r.method for r in crowd.requests} and "POST" in {r.method for r in crowd.requests}
    assert "attempt 1 of" in caplog.text and "/esearch.fcgi?" in caplog.text  # urllib3 did log the URLs...
    assert KEY not in caplog.text  # ...without the key


def test_a_rejected_key_is_reported_without_the_key(efetch_samples):
    with StandIn(efetch_samples[:1], api_keys={"the-good-key"}) as server:
        with EutilsClient(settings(server)) as client, pytest.raises(PubMedRequestError) as raised:
            client.search("ketamine")
    assert str(raised.value) == "esearch query 'ketamine' rejected: HTTP 400: API key invalid"
    assert KEY not in str(raised.value)
