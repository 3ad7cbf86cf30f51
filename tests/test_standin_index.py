"""The stand-in is an oracle: it reads records with its own lxml, never with littrack.parse,
and the two independent readings agree on the shared real records (issue 8)."""

from __future__ import annotations

import subprocess
import sys

from littrack.parse import PubmedRecord, iter_pubmed
from littrack.pubmed.standin import Corpus


def test_the_standin_does_not_import_the_parser_it_checks():
    code = (
        "import sys, littrack.pubmed.standin; print(sorted(m for m in sys.modules if 'parse' in m))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "littrack.parse" not in loaded.stdout


def test_its_dates_and_ids_agree_with_the_parsers(efetch_samples):
    corpus = Corpus.load(efetch_samples)
    records = [
        item
        for path in efetch_samples
        for item in iter_pubmed(path.read_bytes())
        if isinstance(item, PubmedRecord)
    ]
    assert len(records) > 100 and corpus.skipped == []
    for record in records:
        entry = corpus.get(record.pmid)
        edat = record.entrez_date or record.history_date("pubmed")
        expected = (edat, record.date_revised or edat, record.pub_date.sortable)
        assert (entry.edat, entry.mdat, entry.pdat) == expected, record.pmid


def test_a_record_without_a_pmid_is_skipped_with_the_reason():
    corpus = Corpus.load(
        [b"<PubmedArticleSet><PubmedArticle><MedlineCitation/></PubmedArticle></PubmedArticleSet>"]
    )
    assert len(corpus) == 0 and corpus.skipped == ["record without a PMID"]
