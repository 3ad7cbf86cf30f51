"""The PubMed stand-in over real HTTP (issue 2, part 2): NCBI's shapes, as a real client
(Bio.Entrez.read) sees them; date windows, paging, the 9,999 cap, history, errors, faults."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
import requests
from Bio import Entrez

from littrack.parse import PubmedRecord, iter_pubmed
from littrack.pubmed.standin import Corpus, CorpusEntry, Faults, StandIn

TODAY = date(2021, 12, 31)


def get(server: StandIn, endpoint: str, **params) -> requests.Response:
    return requests.get(f"{server.base_url}{endpoint}.fcgi", params={"db": "pubmed", **params}, timeout=10)


def entrez(response: requests.Response):
    return Entrez.read(io.BytesIO(response.content))


@pytest.fixture(scope="module")
def big():
    """10,050 stub records: one a day through 2021 (ids 1-365), the rest entered on 2021-06-15."""
    entries = [CorpusEntry.stub(n, date(2021, 1, 1) + timedelta(n - 1), title="ketamine") for n in range(1, 366)]
    entries += [CorpusEntry.stub(n, date(2021, 6, 15), pdat=date(2020, 3, 1), title="ketamine crowd")
                for n in range(1000, 10_685)]
    with StandIn(Corpus(entries), today=lambda: TODAY, rate_limit=False) as server:
        yield server


def test_esearch_result_parses_with_bio_entrez(standin):
    result = entrez(get(standin, "esearch", term="Science[ta]", usehistory="y"))
    assert result["Count"] == "2" and result["IdList"] == ["39236155", "37883555"]  # newest first
    assert result["QueryKey"] == "1" and result["WebEnv"].startswith("MCID_")
    assert result["QueryTranslation"] == '"science"[Journal]'


def test_no_hits_has_ncbis_error_and_warning_lists(standin):
    result = entrez(get(standin, "esearch", term="abcXYZ"))
    assert result["Count"] == "0" and result["IdList"] == []
    assert result["ErrorList"]["PhraseNotFound"] == ["abcxyz"]
    assert result["WarningList"]["OutputMessage"] == ["No items found."]


def test_efetch_parses_with_bio_entrez_and_the_project_parser(standin):
    response = get(standin, "efetch", id="34751700,37883555", retmode="xml")
    articles = entrez(response)["PubmedArticle"]
    assert [str(a["MedlineCitation"]["PMID"]) for a in articles] == ["34751700", "37883555"]
    records = [r for r in iter_pubmed(response.content) if isinstance(r, PubmedRecord)]
    assert [r.pmid for r in records] == [34751700, 37883555]


def test_unknown_id_gives_an_empty_set_and_a_malformed_id_a_400(standin):
    empty = get(standin, "efetch", id="99999999", retmode="xml")
    assert empty.status_code == 200 and b"<PubmedArticleSet>\n</PubmedArticleSet>" in empty.content
    assert entrez(empty) == {"PubmedArticle": [], "PubmedBookArticle": []}
    bad = get(standin, "efetch", id="0", retmode="xml")
    assert bad.status_code == 400
    assert b"<eFetchResult>" in bad.content and b"<ERROR>ID list is empty! Possibly it has no correct IDs.</ERROR>" in bad.content


def test_post_and_get_fetch_the_same(standin):
    ids = "34751700,37883555,99999999"
    posted = requests.post(f"{standin.base_url}efetch.fcgi", data={"db": "pubmed", "id": ids}, timeout=10)
    assert posted.content == get(standin, "efetch", id=ids).content
    assert [r.method for r in standin.requests] == ["POST", "GET"]


def test_date_windows_are_exact(big):
    def count(**params):
        return int(entrez(get(big, "esearch", term="ketamine", **params))["Count"])

    assert count(datetype="edat", mindate="2021/03/01", maxdate="2021/03/31") == 31
    assert count(datetype="edat", mindate="2021/03", maxdate="2021/04") == 61
    assert count(datetype="edat", mindate="2021/06/15", maxdate="2021/06/15") == 1 + 9_685
    assert count(datetype="edat", reldate="9") == 10  # 2021-12-22 .. 2021-12-31
    assert count(datetype="pdat", mindate="2020", maxdate="2020") == 9_685
    assert int(entrez(get(big, "esearch", term="ketamine AND 2021/02[edat]"))["Count"]) == 28


def test_paging_is_exact_and_newest_first(big):
    window = {"datetype": "edat", "mindate": "2021/01/01", "maxdate": "2021/03/31"}
    pages = [entrez(get(big, "esearch", term="ketamine", retstart=str(s), retmax="25", **window))["IdList"]
             for s in range(0, 100, 25)]
    ids = [int(i) for page in pages for i in page]
    assert ids == list(range(90, 0, -1))


def test_only_the_first_9999_ids_can_be_paged(big):
    capped = entrez(get(big, "esearch", term="ketamine", retmax="20000"))
    assert capped["Count"] == "10050" and len(capped["IdList"]) == 9_999
    assert capped["WarningList"]["OutputMessage"] == ["Restrictions achieved. start and count adjusted to 0, 9999"]
    beyond = get(big, "esearch", term="ketamine", retstart="9999")
    assert beyond.status_code == 200
    assert b"<ERROR>Search Backend failed: Exception:\n'retstart' cannot be larger than 9998." in beyond.content


def test_history_set_is_fetched_with_query_key_and_webenv(big):
    search = entrez(get(big, "esearch", term="ketamine AND 2021/01/01:2021/01/05[edat]", usehistory="y"))
    fetched = get(big, "efetch", query_key=search["QueryKey"], WebEnv=search["WebEnv"], retmax="3")
    assert [str(a["MedlineCitation"]["PMID"]) for a in entrez(fetched)["PubmedArticle"]] == ["5", "4", "3"]
    unknown = get(big, "efetch", query_key="7", WebEnv=search["WebEnv"])
    assert unknown.status_code == 400 and b"Unable to obtain query #7" in unknown.content


def test_rate_limit_answers_429_with_ncbis_json(standin):
    statuses = [get(standin, "esearch", term="Science[ta]") for _ in range(5)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, "five requests at once must break the 3/s limit"
    body = json.loads(limited[0].content)
    assert body["error"] == "API rate limit exceeded" and body["limit"] == "3"
    assert limited[0].headers["Content-Type"] == "application/json"


def test_bad_query_is_a_400_naming_the_problem(standin):
    response = get(standin, "esearch", term="(ketamine")
    assert response.status_code == 400 and b"<ERROR>unbalanced parentheses</ERROR>" in response.content


def test_faults_are_reproducible_and_logged(standin):
    def fault_sequence():
        standin.reset()
        standin.faults = Faults(error_rate=0.3, truncate_rate=0.3, error_in_200_rate=0.3, burst_429=2, seed=5)
        for _ in range(12):
            try:
                get(standin, "esearch", term="Science[ta]", api_key="k")
            except requests.RequestException:
                pass  # short reads surface as ChunkedEncodingError
        return [(r.fault, r.status) for r in standin.requests]

    first = fault_sequence()
    assert first == fault_sequence()
    assert first[:2] == [("429", 429), ("429", 429)]
    assert {f for f, _ in first} >= {"error", "truncate", "error_in_200"}


def test_corpus_changes_between_runs_are_served(efetch_samples):
    original = (efetch_samples[0].parent / "34751700.xml").read_bytes()
    with StandIn([efetch_samples[0].parent / "34751700.xml"], rate_limit=False) as server:
        revised = original.replace(b"<DateRevised><Year>2021</Year><Month>12</Month><Day>28</Day>",
                                   b"<DateRevised><Year>2025</Year><Month>01</Month><Day>02</Day>")
        assert revised != original
        assert server.corpus.upsert(revised) == [34751700]
        found = entrez(get(server, "esearch", term="Richter[au]", datetype="mdat", mindate="2025/01/02", maxdate="2025/01/02"))
        assert found["IdList"] == ["34751700"]
        server.corpus.delete(34751700)
        assert entrez(get(server, "efetch", id="34751700"))["PubmedArticle"] == []


def test_a_generated_corpus_is_indexed_whole():
    corpus = Corpus.build(synthetic=300, seed=2026)
    assert len(corpus) == 300 and corpus.skipped == []
    ids, _ = corpus.search(None, None)
    assert len(ids) == 300
